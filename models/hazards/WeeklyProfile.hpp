// A rate's shape over the week: an hourly profile times a daily one, for processes thinned from their peak.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/Time.hpp"

namespace citytwin::models {

/// Relative weights by hour of day and day of week, each scaled to a mean of 1, so that a rate r averaged
/// over the week is r x weight(t) at time t. Time 0 is Monday 00:00.
class WeeklyProfile {
 public:
  /// A flat profile: weight 1 at every hour.
  WeeklyProfile();
  /// `hourly` has 24 weights (00:00-01:00 first), `weekly` 7 (Monday first); both non-negative with a
  /// positive sum (checked by the caller's schema: std::invalid_argument otherwise).
  WeeklyProfile(const std::vector<double>& hourly, const std::vector<double>& weekly);

  /// The weight at time t: hourly x daily weight of the hour that holds t.
  double weight(sim::Time t) const {
    std::int64_t hour = t.count_us() / 3'600'000'000LL;
    return hourly_[static_cast<std::size_t>(hour % 24)] * daily_[static_cast<std::size_t>((hour / 24) % 7)];
  }
  /// The same at a time in seconds.
  double weight_s(double t_s) const { return weight(sim::Time::seconds(t_s)); }
  /// The largest weight of the week (the envelope for thinning).
  double max_weight() const { return max_; }
  /// The integral of the weight over [0, t_s], seconds (equal to t_s over whole weeks).
  double integral_s(double t_s) const;

 private:
  std::vector<double> hourly_, daily_;
  double max_ = 1.0;
};

}  // namespace citytwin::models
