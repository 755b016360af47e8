// Progress of a long run on stderr: a bar with ETA on a terminal, periodic plain lines otherwise.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace citytwin::app {

/// Shows the progress of an experiment. Safe to call from one monitoring thread.
class Progress {
 public:
  /// `interactive`: draw a bar redrawn in place (stderr is a terminal); otherwise print a line every
  /// `line_period_s` seconds. `enabled` false prints nothing.
  Progress(bool enabled, bool interactive, double line_period_s = 10.0);
  /// Reports `fraction` (0..1) of the work done and the tasks finished.
  void update(double fraction, std::size_t tasks_done, std::size_t tasks_total);
  /// Ends the display (newline after a bar).
  void finish();

  /// "1:02:03" or "2:03" for a number of seconds.
  static std::string format_duration(double seconds);

 private:
  bool enabled_, interactive_;
  double line_period_s_;
  std::chrono::steady_clock::time_point start_, last_line_;
  bool drawn_ = false;
};

}  // namespace citytwin::app
