// The number of people in a camera's zone over time: a weekly profile, gatherings, and random variation.
#pragma once

#include <cstdint>
#include <vector>

#include "models/hazards/WeeklyProfile.hpp"
#include "sim/Distribution.hpp"
#include "sim/RandomStream.hpp"

namespace citytwin::models {

/// How busy a zone (a square, a market) is.
///
/// The mean count at time t is `busiest_mean` x w(t) / max w (w the weekly profile), plus the size of any
/// gathering under way (markets, concerts, demonstrations: Poisson in time, of random duration). The
/// count is that mean times exp(eta), eta an Ornstein-Uhlenbeck process of standard deviation
/// `variation` and correlation time `correlation_time`, rounded.
struct CrowdParams {
  double busiest_mean = 300.0;
  WeeklyProfile profile;
  double variation = 0.15;
  double correlation_time_s = 1800.0;
  double gathering_rate_per_s = 0.0;
  double gathering_size = 800.0;
  sim::Distribution gathering_duration = sim::Distribution::constant(3 * 3600.0);
};

/// One zone's crowd over a replication, sampled on a regular grid of `interval_s`.
class CrowdProcess {
 public:
  /// Draws the gatherings of [0, horizon_s) and prepares the samples; all draws from `rng`.
  CrowdProcess(const CrowdParams& params, double horizon_s, double interval_s, sim::RandomStream& rng);
  /// The true count at sample k (time k x interval).
  double count(std::size_t k) const { return counts_[k]; }
  std::size_t samples() const { return counts_.size(); }
  double interval_s() const { return interval_s_; }

 private:
  std::vector<double> counts_;
  double interval_s_;
};

}  // namespace citytwin::models
