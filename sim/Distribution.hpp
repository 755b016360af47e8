// Random durations as scenarios describe them: constant, exponential, uniform, log-normal, gamma...
#pragma once

#include <string>

#include "sim/Json.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Time.hpp"

namespace citytwin::sim {

/// A probability distribution of a non-negative duration, in seconds.
///
/// A scenario writes either a duration ("4min": constant) or an object with `dist` and its parameters,
/// each a duration unless stated:
/// - `{dist: constant, value: 30s}`
/// - `{dist: exponential, mean: 4min}`
/// - `{dist: uniform, min: 1min, max: 3min}`
/// - `{dist: lognormal, median: 2min, sigma: 0.5}` (sigma: standard deviation of the logarithm, a number)
///   or `{dist: lognormal, mean: 2min, sd: 1min}`
/// - `{dist: gamma, mean: 30min, shape: 2}` (shape: a number > 0)
/// - `{dist: erlang, mean: 30min, k: 3}` (k: a whole number >= 1)
/// - `{dist: normal, mean: 5min, sd: 1min}` (truncated at zero by redrawing)
/// - `{dist: triangular, min: 1min, mode: 2min, max: 5min}`
class Distribution {
 public:
  enum class Kind { CONSTANT, EXPONENTIAL, UNIFORM, LOGNORMAL, GAMMA, NORMAL, TRIANGULAR };

  /// A constant zero duration.
  Distribution() = default;
  static Distribution constant(double seconds);
  static Distribution exponential(double mean_s);

  /// Reads a scenario value; throws units::UnitError saying what is wrong and how to write it.
  static Distribution parse(const Json& v);

  /// Draws a value in seconds (never negative).
  double sample_s(RandomStream& rng) const;
  /// Draws a duration, rounded to the microsecond.
  Time sample(RandomStream& rng) const { return Time::seconds(sample_s(rng)); }
  /// The distribution's mean in seconds.
  double mean_s() const;
  Kind kind() const { return kind_; }
  /// A short description: "exponential(mean 240 s)".
  std::string describe() const;

 private:
  Kind kind_ = Kind::CONSTANT;
  double a_ = 0.0, b_ = 0.0, c_ = 0.0;  // parameters in seconds (or dimensionless shape / sigma)
};

}  // namespace citytwin::sim
