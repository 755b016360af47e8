// A zone's crowd: profile, gatherings and an Ornstein-Uhlenbeck variation, sampled on a grid.
#include "models/sensors/CrowdProcess.hpp"

#include <cmath>

namespace citytwin::models {

CrowdProcess::CrowdProcess(const CrowdParams& p, double horizon_s, double interval_s, sim::RandomStream& rng)
    : interval_s_(interval_s) {
  // The gatherings first (start, end), then the samples.
  std::vector<std::pair<double, double>> gatherings;
  if (p.gathering_rate_per_s > 0)
    for (double t = rng.exponential(1.0 / p.gathering_rate_per_s); t < horizon_s;
         t += rng.exponential(1.0 / p.gathering_rate_per_s))
      gatherings.emplace_back(t, t + p.gathering_duration.sample_s(rng));
  auto n = static_cast<std::size_t>(std::ceil(horizon_s / interval_s));
  counts_.resize(n);
  // The exact discretisation of the Ornstein-Uhlenbeck process on the grid.
  const double rho = std::exp(-interval_s / p.correlation_time_s);
  const double step_sd = p.variation * std::sqrt(1.0 - rho * rho);
  double eta = rng.normal(0.0, p.variation);
  std::size_t g = 0;
  for (std::size_t k = 0; k < n; ++k) {
    double t = static_cast<double>(k) * interval_s;
    double mean = p.busiest_mean * p.profile.weight_s(t) / p.profile.max_weight();
    while (g < gatherings.size() && gatherings[g].second <= t) ++g;
    for (std::size_t q = g; q < gatherings.size() && gatherings[q].first <= t; ++q)
      if (gatherings[q].second > t) mean += p.gathering_size;
    counts_[k] = std::round(mean * std::exp(eta));
    eta = rho * eta + step_sd * rng.normal();
  }
}

}  // namespace citytwin::models
