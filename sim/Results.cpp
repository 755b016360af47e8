// Event tables of replication results.
#include "sim/Results.hpp"

#include <stdexcept>

#include "sim/Check.hpp"

namespace citytwin::sim {

EventTable::EventTable(std::string name, std::string description, std::vector<ColumnSpec> columns)
    : name_(std::move(name)), description_(std::move(description)), columns_(std::move(columns)),
      data_(columns_.size()), texts_(columns_.size()) {}

std::size_t EventTable::column_index(const std::string& name) const {
  for (std::size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].name == name) return i;
  throw std::out_of_range("table '" + name_ + "' has no column '" + name + "'");
}

void EventTable::append(std::initializer_list<double> row) {
  CITYTWIN_CHECK(row.size() == columns_.size(), "EventTable::append(): row length differs from the column count");
  std::size_t c = 0;
  for (double v : row) {
    CITYTWIN_CHECK(columns_[c].type != ColumnSpec::Type::STRING, "EventTable::append(): a number for a STRING column");
    data_[c++].push_back(v);
  }
  ++rows_;
}

void EventTable::append(std::initializer_list<Cell> row) {
  CITYTWIN_CHECK(row.size() == columns_.size(), "EventTable::append(): row length differs from the column count");
  std::size_t c = 0;
  for (const Cell& cell : row) {
    bool text_column = columns_[c].type == ColumnSpec::Type::STRING;
    CITYTWIN_CHECK(cell.is_text == text_column, "EventTable::append(): text goes in STRING columns, and only there");
    if (text_column)
      texts_[c].push_back(cell.text);
    else
      data_[c].push_back(cell.number);
    ++c;
  }
  ++rows_;
}

}  // namespace citytwin::sim
