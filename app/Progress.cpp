// Progress display on stderr.
#include "app/Progress.hpp"

#include <cmath>

namespace citytwin::app {

Progress::Progress(bool enabled, bool interactive, double line_period_s)
    : enabled_(enabled), interactive_(interactive), line_period_s_(line_period_s),
      start_(std::chrono::steady_clock::now()), last_line_(start_) {}

std::string Progress::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  auto s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

void Progress::update(double fraction, std::size_t tasks_done, std::size_t tasks_total) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double eta = fraction > 0.0 ? elapsed * (1.0 - fraction) / fraction : NAN;
  if (interactive_) {
    constexpr int WIDTH = 30;
    int filled = static_cast<int>(fraction * WIDTH + 0.5);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(WIDTH, '.');
    std::fprintf(stderr, "\r[%s] %5.1f%%  %zu/%zu runs  elapsed %s  ETA %s ", bar.c_str(), 100.0 * fraction,
                 tasks_done, tasks_total, format_duration(elapsed).c_str(), format_duration(eta).c_str());
    std::fflush(stderr);
    drawn_ = true;
  } else if (std::chrono::duration<double>(now - last_line_).count() >= line_period_s_ || fraction >= 1.0) {
    last_line_ = now;
    std::fprintf(stderr, "progress: %.1f%% (%zu/%zu runs), elapsed %s, ETA %s\n", 100.0 * fraction, tasks_done,
                 tasks_total, format_duration(elapsed).c_str(), format_duration(eta).c_str());
  }
}

void Progress::finish() {
  if (enabled_ && interactive_ && drawn_) std::fputc('\n', stderr);
  drawn_ = false;
}

}  // namespace citytwin::app
