// Tests of the EM estimator: fitted to simulated events it recovers theta, omega, sigma and mu within their
// confidence intervals.
#include "models/hazards/HawkesFit.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "sim/Statistics.hpp"

using namespace citytwin::models;
using citytwin::sim::Point;
using citytwin::sim::RandomStream;

namespace {

constexpr double DAY = 86400.0;
constexpr double SIDE = 3000.0;

HawkesFitInput simulated(const HawkesParams& p, double horizon, std::uint32_t replication) {
  HawkesSpace plane{[](RandomStream& rng) { return Point{rng.uniform(0.0, SIDE), rng.uniform(0.0, SIDE)}; }, {}};
  RandomStream rng(2024, replication, 0, "hawkes");
  HawkesFitInput in;
  in.events = simulate_hawkes(p, horizon, plane, rng);
  in.horizon_s = horizon;
  // Uniform background over the square, flat in time: density 1/area inside, 0 outside (where triggered
  // events may land); its integral is the horizon.
  for (const auto& e : in.events) {
    bool inside = e.p.x_m >= 0 && e.p.x_m <= SIDE && e.p.y_m >= 0 && e.p.y_m <= SIDE;
    in.background_density.push_back(inside ? 1.0 / (SIDE * SIDE) : 0.0);
  }
  in.background_integral_s = horizon;
  return in;
}

}  // namespace

TEST_CASE("fitted to simulated events, EM recovers each parameter within its 95% interval about 95% of the time") {
  HawkesParams truth;
  truth.mu_per_s = 4.0 / DAY;
  truth.theta = 0.5;
  truth.omega_per_s = 1.0 / (2.0 * DAY);
  truth.sigma_m = 150.0;
  const int runs = 24;
  int covered[4] = {0, 0, 0, 0};
  citytwin::sim::RunningStats theta, omega, sigma, mu;
  for (int r = 0; r < runs; ++r) {
    HawkesFitInput in = simulated(truth, 150 * DAY, static_cast<std::uint32_t>(r));
    HawkesEstimate e = fit_hawkes(in);
    REQUIRE(e.converged);
    theta.add(e.theta);
    omega.add(e.omega_per_s);
    sigma.add(e.sigma_m);
    mu.add(e.mu_per_s);
    covered[0] += std::abs(e.theta - truth.theta) <= 1.96 * e.se_theta;
    covered[1] += std::abs(e.omega_per_s - truth.omega_per_s) <= 1.96 * e.se_omega;
    covered[2] += std::abs(e.sigma_m - truth.sigma_m) <= 1.96 * e.se_sigma;
    covered[3] += std::abs(e.mu_per_s - truth.mu_per_s) <= 1.96 * e.se_mu;
    if (r == 0)
      MESSAGE(in.events.size() << " events; theta " << e.theta << " +- " << 1.96 * e.se_theta << ", 1/omega "
                               << 1 / e.omega_per_s / DAY << " d, sigma " << e.sigma_m << " +- " << 1.96 * e.se_sigma
                               << " m, mu " << e.mu_per_s * DAY << "/d, " << e.iterations << " iterations");
  }
  MESSAGE("intervals holding the truth in " << runs << " fits: theta " << covered[0] << ", omega " << covered[1]
                                            << ", sigma " << covered[2] << ", mu " << covered[3]);
  // 95% coverage: below 19 of 24 has a probability under 0.7% for a correct interval.
  for (int k = 0; k < 4; ++k) CHECK(covered[k] >= 19);
  // And no bias beyond the spread of the estimates.
  auto unbiased = [&](const citytwin::sim::RunningStats& s, double t) {
    return std::abs(s.mean() - t) < 3.5 * s.stddev() / std::sqrt(static_cast<double>(runs));
  };
  CHECK(unbiased(theta, truth.theta));
  CHECK(unbiased(omega, truth.omega_per_s));
  CHECK(unbiased(sigma, truth.sigma_m));
  CHECK(unbiased(mu, truth.mu_per_s));
}

TEST_CASE("events without triggering are fitted with a branching ratio near zero") {
  HawkesParams truth;
  truth.mu_per_s = 6.0 / DAY;
  truth.theta = 0.0;
  HawkesFitInput in = simulated(truth, 120 * DAY, 99);
  HawkesEstimate e = fit_hawkes(in);
  CHECK(e.theta < 0.05);
  CHECK(e.mu_per_s * DAY == doctest::Approx(6.0).epsilon(0.12));
}

TEST_CASE("the log-likelihood is highest near the estimate") {
  HawkesParams truth;
  truth.mu_per_s = 4.0 / DAY;
  truth.theta = 0.4;
  truth.omega_per_s = 1.0 / DAY;
  truth.sigma_m = 200.0;
  HawkesFitInput in = simulated(truth, 100 * DAY, 5);
  HawkesEstimate e = fit_hawkes(in);
  for (double f : {0.8, 1.25}) {
    CHECK(hawkes_log_likelihood(in, e.mu_per_s, e.theta * f, e.omega_per_s, e.sigma_m) < e.log_likelihood);
    CHECK(hawkes_log_likelihood(in, e.mu_per_s, e.theta, e.omega_per_s * f, e.sigma_m) < e.log_likelihood);
    CHECK(hawkes_log_likelihood(in, e.mu_per_s, e.theta, e.omega_per_s, e.sigma_m * f) < e.log_likelihood);
    CHECK(hawkes_log_likelihood(in, e.mu_per_s * f, e.theta, e.omega_per_s, e.sigma_m) < e.log_likelihood);
  }
}
