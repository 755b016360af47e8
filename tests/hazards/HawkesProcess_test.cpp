// Tests of the Hawkes simulator against the process's theory: expected counts, stationary rate, kernels.
#include "models/hazards/HawkesProcess.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "sim/Statistics.hpp"

using namespace citytwin::models;
using citytwin::sim::Point;
using citytwin::sim::RandomStream;

namespace {

constexpr double DAY = 86400.0;

HawkesParams params(double mu_per_day, double theta, double delay_days, double sigma_m) {
  HawkesParams p;
  p.mu_per_s = mu_per_day / DAY;
  p.theta = theta;
  p.omega_per_s = 1.0 / (delay_days * DAY);
  p.sigma_m = sigma_m;
  return p;
}

/// Background places uniform in a 3 km square; offspring anywhere on the plane.
HawkesSpace plane() {
  return {[](RandomStream& rng) { return Point{rng.uniform(0.0, 3000.0), rng.uniform(0.0, 3000.0)}; }, {}};
}

}  // namespace

TEST_CASE("the mean count of a process started empty equals its expected count, flat or shaped by a profile") {
  std::vector<double> hourly(24, 0.5);
  for (int h = 17; h < 23; ++h) hourly[static_cast<std::size_t>(h)] = 3.0;
  for (bool shaped : {false, true}) {
    HawkesParams p = params(3.0, 0.6, 2.0, 100.0);
    if (shaped) p.profile = WeeklyProfile(hourly, {1, 1, 1, 1, 1.5, 2, 0.5});
    const double horizon = 40.5 * DAY;
    citytwin::sim::RunningStats counts;
    for (std::uint32_t r = 0; r < 400; ++r) {
      RandomStream rng(9, r, 0, "hawkes");
      counts.add(static_cast<double>(simulate_hawkes(p, horizon, plane(), rng).size()));
    }
    double expected = hawkes_expected_count(p, horizon);
    double se = counts.stddev() / std::sqrt(400.0);
    MESSAGE(std::string(shaped ? "shaped" : "flat") << ": mean " << counts.mean() << " +- " << se << ", expected " << expected);
    CHECK(std::abs(counts.mean() - expected) < 3.5 * se);
    if (!shaped)  // the closed form of the flat case
      CHECK(expected == doctest::Approx(p.mu_per_s * horizon / 0.4 -
                                        p.mu_per_s * 0.6 * (1 - std::exp(-p.omega_per_s * 0.4 * horizon)) /
                                            (p.omega_per_s * 0.16)));
  }
}

TEST_CASE("in the long run events come at the stationary rate mu / (1 - theta)") {
  HawkesParams p = params(5.0, 0.5, 1.0, 100.0);
  citytwin::sim::RunningStats rate;
  for (std::uint32_t r = 0; r < 40; ++r) {
    RandomStream rng(3, r, 0, "hawkes");
    std::size_t late = 0;
    for (const auto& e : simulate_hawkes(p, 400 * DAY, plane(), rng)) late += e.t_s >= 100 * DAY;
    rate.add(static_cast<double>(late) / 300.0);
  }
  double se = rate.stddev() / std::sqrt(40.0);
  MESSAGE("events per day after 100 days: " << rate.mean() << " +- " << se << "; mu/(1-theta) = 10");
  CHECK(std::abs(rate.mean() - p.stationary_rate_per_s() * DAY) < 3.5 * se);
}

TEST_CASE("triggered events come theta per parent, exponentially delayed and Gaussian-displaced") {
  HawkesParams p = params(10.0, 0.4, 3.0, 250.0);
  RandomStream rng(17, 0, 0, "hawkes");
  const double horizon = 2000 * DAY;
  std::vector<HawkesEvent> events = simulate_hawkes(p, horizon, plane(), rng);
  std::vector<double> children(events.size(), 0.0);
  citytwin::sim::RunningStats delay, dx, dy;
  for (const auto& e : events) {
    if (e.parent < 0) continue;
    const HawkesEvent& parent = events[static_cast<std::size_t>(e.parent)];
    CHECK(parent.t_s <= e.t_s);
    CHECK(e.generation == parent.generation + 1);
    children[static_cast<std::size_t>(e.parent)] += 1.0;
    delay.add(e.t_s - parent.t_s);
    dx.add(e.p.x_m - parent.p.x_m);
    dy.add(e.p.y_m - parent.p.y_m);
  }
  citytwin::sim::RunningStats offspring;
  for (std::size_t i = 0; i < events.size(); ++i)
    if (events[i].t_s < horizon - 60 * DAY) offspring.add(children[i]);  // far from the end: no child cut off
  CHECK(offspring.mean() == doctest::Approx(0.4).epsilon(0.05));
  CHECK(delay.mean() == doctest::Approx(3.0 * DAY).epsilon(0.05));
  CHECK(std::abs(dx.mean()) < 4 * 250.0 / std::sqrt(static_cast<double>(dx.count())));
  CHECK(dx.stddev() == doctest::Approx(250.0).epsilon(0.05));
  CHECK(dy.stddev() == doctest::Approx(250.0).epsilon(0.05));
}

TEST_CASE("a triggered event that falls outside the town is not simulated, nor its offspring") {
  HawkesParams p = params(5.0, 0.8, 1.0, 2000.0);
  HawkesSpace inside = plane();
  inside.place = [](Point q) -> std::optional<Point> {
    if (q.x_m < 0 || q.y_m < 0 || q.x_m > 3000 || q.y_m > 3000) return std::nullopt;
    return q;
  };
  RandomStream a(1, 0, 0, "hawkes"), b(1, 0, 0, "hawkes");
  auto all = simulate_hawkes(p, 100 * DAY, plane(), a);
  auto kept = simulate_hawkes(p, 100 * DAY, inside, b);
  CHECK(kept.size() < all.size());
  for (const auto& e : kept) CHECK((e.p.x_m >= 0 && e.p.x_m <= 3000 && e.p.y_m >= 0 && e.p.y_m <= 3000));
}

TEST_CASE("the same stream gives the same events") {
  HawkesParams p = params(4.0, 0.5, 2.0, 150.0);
  RandomStream a(5, 2, 7, "hawkes"), b(5, 2, 7, "hawkes");
  auto x = simulate_hawkes(p, 60 * DAY, plane(), a), y = simulate_hawkes(p, 60 * DAY, plane(), b);
  REQUIRE(x.size() == y.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    CHECK(x[i].t_s == y[i].t_s);
    CHECK(x[i].p.x_m == y[i].p.x_m);
    CHECK(x[i].parent == y[i].parent);
  }
}
