// Simulated time: a 64-bit integer count of microseconds, so that event order never depends on rounding.
#pragma once

#include <cstdint>
#include <compare>
#include <limits>

namespace citytwin::sim {

/// A point in simulated time or a duration, in whole microseconds.
///
/// Time is an integer on purpose (as in OMNeT++): two events scheduled "at the same time" compare equal
/// on every machine, and adding many small delays never drifts. The range is about +/- 292,000 years.
class Time {
 public:
  constexpr Time() = default;

  /// Builds a time from a count of microseconds.
  static constexpr Time us(std::int64_t microseconds) { return Time(microseconds); }
  /// Builds a time from seconds, rounded to the nearest microsecond.
  static constexpr Time seconds(double s) {
    double us = s * 1e6;
    return Time(static_cast<std::int64_t>(us < 0 ? us - 0.5 : us + 0.5));
  }
  static constexpr Time minutes(double m) { return seconds(m * 60.0); }
  static constexpr Time hours(double h) { return seconds(h * 3600.0); }
  static constexpr Time days(double d) { return seconds(d * 86400.0); }
  /// The latest representable time; used as "never".
  static constexpr Time max() { return Time(std::numeric_limits<std::int64_t>::max()); }

  /// The count of microseconds.
  constexpr std::int64_t count_us() const { return us_; }
  /// The time in seconds, as a double (for statistics and output, never for ordering).
  constexpr double to_seconds() const { return static_cast<double>(us_) * 1e-6; }

  constexpr auto operator<=>(const Time&) const = default;
  constexpr Time operator+(Time o) const { return Time(us_ + o.us_); }
  constexpr Time operator-(Time o) const { return Time(us_ - o.us_); }
  constexpr Time& operator+=(Time o) { us_ += o.us_; return *this; }
  constexpr Time& operator-=(Time o) { us_ -= o.us_; return *this; }
  constexpr Time operator*(std::int64_t k) const { return Time(us_ * k); }

 private:
  constexpr explicit Time(std::int64_t us) : us_(us) {}
  std::int64_t us_ = 0;
};

}  // namespace citytwin::sim
