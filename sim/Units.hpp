// Parsing of quantities with units as scenarios write them: "15min", "2.5km", "30km/h", "12/year".
#pragma once

#include <stdexcept>
#include <string>

#include "sim/Json.hpp"

#include "sim/Time.hpp"

namespace citytwin::sim::units {

/// A value that is not a valid quantity. `what()` says what was expected, with an example, without
/// location: the scenario loader adds file, line and key path.
struct UnitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A non-negative duration: a number of seconds, or a string "<number><unit>" with unit one of
/// us, ms, s, min, h, d, w (spaces allowed between number and unit). "-3min" is refused as negative.
Time duration(const Json& v);
/// A non-negative distance in metres: a number of metres, or "<number>m" / "<number>km".
double distance_m(const Json& v);
/// A non-negative speed in metres per second: a number (m/s), or "<number>m/s" / "<number>km/h".
double speed_m_per_s(const Json& v);
/// A non-negative rate in events per second: a number (per second), or "<number>/<unit>" with unit one of
/// s, min, h, day (or d), week (or w), year (or y); a year is 365 days.
double rate_per_s(const Json& v);

}  // namespace citytwin::sim::units
