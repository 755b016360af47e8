// Event tables of replication results.
#include "sim/Results.hpp"

#include <stdexcept>

#include "sim/Check.hpp"

namespace citytwin::sim {

EventTable::EventTable(std::string name, std::string description, std::vector<ColumnSpec> columns)
    : name_(std::move(name)), description_(std::move(description)), columns_(std::move(columns)),
      data_(columns_.size()) {}

std::size_t EventTable::column_index(const std::string& name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].name == name) return i;
  throw std::out_of_range("table '" + name_ + "' has no column '" + name + "'");
}

void EventTable::append(std::initializer_list<double> row) {
  CITYTWIN_CHECK(row.size() == columns_.size(), "EventTable::append(): row length differs from the column count");
  std::size_t c = 0;
  for (double v : row) data_[c++].push_back(v);
}

}  // namespace citytwin::sim
