// A replication's event trace: one line per event, "<simulated seconds> s: <what happened>", for golden tests.
#pragma once

#include <cstddef>
#include <ios>
#include <sstream>
#include <string>
#include <vector>

#include "sim/Time.hpp"

namespace citytwin::sim {

/// Collects the first `max_lines` lines a model notes; does nothing without a destination (the normal run).
class Trace {
 public:
  Trace(std::vector<std::string>* lines, std::size_t max_lines) : lines_(lines), max_(max_lines) {}

  /// Whether a line noted now would be kept.
  bool active() const { return lines_ && lines_->size() < max_; }
  /// Notes what happened at `now`: the arguments streamed one after another.
  template <class... Args>
  void note(Time now, const Args&... args) {
    if (!active()) return;
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(6);
    s << now.to_seconds() << " s: ";
    (s << ... << args);
    lines_->push_back(s.str());
  }

 private:
  std::vector<std::string>* lines_;
  std::size_t max_;
};

}  // namespace citytwin::sim
