// A spatio-temporal self-exciting point process (Hawkes): crime that clusters, simulated exactly.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "models/hazards/WeeklyProfile.hpp"
#include "sim/Params.hpp"
#include "sim/RandomStream.hpp"

namespace citytwin::models {

/// The parameters of one type of event (one crime type). The intensity at time t and place x is
///   lambda(t, x) = mu w(t) s(x) + sum over earlier events i of theta omega exp(-omega (t - t_i)) g(x - x_i),
/// where w is the weekly profile (mean 1), s the density of background places (integrating to 1 over the
/// town) and g the isotropic Gaussian of standard deviation sigma (Mohler et al., JASA 2011). Each event
/// triggers on average theta others, after exponential delays of mean 1/omega, about sigma away.
struct HawkesParams {
  double mu_per_s = 0.0;     ///< background events per second over the whole town, averaged over the week
  WeeklyProfile profile;     ///< shape of the background rate over the week
  double theta = 0.0;        ///< events triggered directly by each event (branching ratio), in [0, 1)
  double omega_per_s = 1.0;  ///< decay rate of the triggering, 1 / (mean delay)
  double sigma_m = 100.0;    ///< standard deviation of the triggering kernel along each axis

  /// The long-run event rate, mu / (1 - theta), per second.
  double stationary_rate_per_s() const { return mu_per_s / (1.0 - theta); }
};

/// One simulated event.
struct HawkesEvent {
  double t_s = 0.0;
  sim::Point p;
  std::int64_t parent = -1;      ///< index of the event that triggered it (in the returned vector), -1: background
  std::uint32_t generation = 0;  ///< 0 for background events, parent's + 1 otherwise
};

/// Where events happen.
struct HawkesSpace {
  /// Draws the place of a background event (by zone weight, along the streets...).
  std::function<sim::Point(sim::RandomStream&)> background;
  /// Where a triggered event displaced to `p` from its parent actually happens (snapped to the nearest
  /// street), or nothing when that is outside the town: it is then not simulated. Empty: `p` itself.
  std::function<std::optional<sim::Point>(sim::Point)> place;
};

/// Simulates the process on [0, horizon_s), starting empty, by its branching structure: background events
/// by thinning of the profile from its peak, then each event's direct offspring, a Poisson(theta) number,
/// at exponential delays and Gaussian displacements, generation after generation. Exact (no time step).
/// Events come sorted by time; all draws come from `rng`, in a fixed order.
std::vector<HawkesEvent> simulate_hawkes(const HawkesParams& params, double horizon_s, const HawkesSpace& space,
                                         sim::RandomStream& rng);

/// The expected number of events on [0, horizon_s) of the process started empty, when no offspring is lost
/// outside the town: the integral of mu w(s) m(T - s) ds, where m(u) = 1/(1 - theta) - theta/(1 - theta)
/// exp(-omega (1 - theta) u) is the expected size of the family an event starts with u to go. With a flat
/// profile: mu T/(1 - theta) - mu theta (1 - exp(-omega (1 - theta) T)) / (omega (1 - theta)^2).
double hawkes_expected_count(const HawkesParams& params, double horizon_s);

}  // namespace citytwin::models
