// Exact simulation of the spatio-temporal Hawkes process by its branching structure.
#include "models/hazards/HawkesProcess.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/Check.hpp"

namespace citytwin::models {

std::vector<HawkesEvent> simulate_hawkes(const HawkesParams& params, double horizon_s, const HawkesSpace& space,
                                         sim::RandomStream& rng) {
  CITYTWIN_CHECK(params.theta >= 0.0 && params.theta < 1.0, "simulate_hawkes(): theta must be in [0, 1)");
  CITYTWIN_CHECK(params.omega_per_s > 0.0 && params.sigma_m >= 0.0, "simulate_hawkes(): omega > 0, sigma >= 0");
  CITYTWIN_CHECK(static_cast<bool>(space.background), "simulate_hawkes(): no background place sampler");
  std::vector<HawkesEvent> events;

  // Background: a Poisson process of rate mu w(t), thinned from its peak rate.
  const double peak = params.mu_per_s * params.profile.max_weight();
  if (peak > 0.0)
    for (double t = rng.exponential(1.0 / peak); t < horizon_s; t += rng.exponential(1.0 / peak))
      if (rng.uniform() * params.profile.max_weight() < params.profile.weight_s(t))
        events.push_back({t, space.background(rng), -1, 0});

  // Offspring, generation after generation: each event's children in the order their parents were made.
  if (params.theta > 0.0)
    for (std::size_t i = 0; i < events.size(); ++i) {
      std::uint64_t children = rng.poisson(params.theta);
      for (std::uint64_t k = 0; k < children; ++k) {
        double t = events[i].t_s + rng.exponential(1.0 / params.omega_per_s);
        sim::Point p{events[i].p.x_m + params.sigma_m * rng.normal(), events[i].p.y_m + params.sigma_m * rng.normal()};
        if (t >= horizon_s) continue;
        std::optional<sim::Point> at = space.place ? space.place(p) : std::optional<sim::Point>(p);
        if (!at) continue;
        events.push_back({t, *at, static_cast<std::int64_t>(i), events[i].generation + 1});
      }
    }

  // In time order (creation order breaks ties), parents renumbered.
  std::vector<std::size_t> order(events.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return events[a].t_s < events[b].t_s; });
  std::vector<std::int64_t> new_index(events.size());
  for (std::size_t k = 0; k < order.size(); ++k) new_index[order[k]] = static_cast<std::int64_t>(k);
  std::vector<HawkesEvent> sorted;
  sorted.reserve(events.size());
  for (std::size_t k : order) {
    HawkesEvent e = events[k];
    if (e.parent >= 0) e.parent = new_index[static_cast<std::size_t>(e.parent)];
    sorted.push_back(e);
  }
  return sorted;
}

double hawkes_expected_count(const HawkesParams& params, double horizon_s) {
  const double theta = params.theta, a = params.omega_per_s * (1.0 - theta);
  // Integral of m(T - s) over [s0, s1], m the expected family size with T - s to go.
  auto family = [&](double s0, double s1) {
    double flat = (s1 - s0) / (1.0 - theta);
    double decay = theta / (1.0 - theta) * (std::exp(-a * (horizon_s - s1)) - std::exp(-a * (horizon_s - s0))) / a;
    return flat - decay;
  };
  // Hour by hour, where the profile is constant.
  double total = 0.0;
  for (double s = 0.0; s < horizon_s; s += 3600.0) {
    double e = std::min(s + 3600.0, horizon_s);
    total += params.mu_per_s * params.profile.weight_s(s) * family(s, e);
  }
  return total;
}

}  // namespace citytwin::models
