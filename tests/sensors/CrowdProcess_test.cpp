// Tests of a zone's crowd: its mean follows the profile, its variation the Ornstein-Uhlenbeck law, and
// gatherings add their size.
#include "models/sensors/CrowdProcess.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "sim/Statistics.hpp"

using namespace citytwin;
using models::CrowdParams;
using models::CrowdProcess;

TEST_CASE("the mean count is the busiest mean scaled by the profile, with the log-normal factor") {
  CrowdParams p;
  p.busiest_mean = 400;
  std::vector<double> hourly(24, 1.0);
  for (int h = 10; h < 20; ++h) hourly[static_cast<std::size_t>(h)] = 2.0;
  p.profile = models::WeeklyProfile(hourly, std::vector<double>(7, 1.0));
  sim::RandomStream rng(1, 0, 0, "crowd");
  CrowdProcess c(p, 200 * 86400.0, 300.0, rng);
  sim::RunningStats busy, quiet;
  for (std::size_t k = 0; k < c.samples(); ++k) {
    double hour = std::fmod(static_cast<double>(k) * 300.0 / 3600.0, 24.0);
    (hour >= 10 && hour < 20 ? busy : quiet).add(c.count(k));
  }
  double lognormal = std::exp(0.5 * p.variation * p.variation);
  CHECK(busy.mean() == doctest::Approx(400 * lognormal).epsilon(0.02));
  CHECK(quiet.mean() == doctest::Approx(200 * lognormal).epsilon(0.02));
}

TEST_CASE("the variation's autocorrelation decays with the correlation time") {
  CrowdParams p;
  p.busiest_mean = 1000;
  p.variation = 0.2;
  p.correlation_time_s = 1800;
  sim::RandomStream rng(2, 0, 0, "crowd");
  CrowdProcess c(p, 400 * 86400.0, 600.0, rng);
  std::vector<double> x;
  for (std::size_t k = 0; k < c.samples(); ++k) x.push_back(std::log(c.count(k) / 1000.0));
  sim::RunningStats s;
  for (double v : x) s.add(v);
  double cov = 0.0;
  for (std::size_t k = 1; k < x.size(); ++k) cov += (x[k] - s.mean()) * (x[k - 1] - s.mean());
  cov /= static_cast<double>(x.size() - 1);
  CHECK(s.stddev() == doctest::Approx(0.2).epsilon(0.05));
  CHECK(cov / s.variance() == doctest::Approx(std::exp(-600.0 / 1800.0)).epsilon(0.05));
}

TEST_CASE("a gathering adds its size while it lasts") {
  CrowdParams p;
  p.busiest_mean = 100;
  p.variation = 0.0;
  p.gathering_rate_per_s = 1.0 / 86400.0;
  p.gathering_size = 1000;
  p.gathering_duration = sim::Distribution::constant(7200);
  sim::RandomStream rng(3, 0, 0, "crowd");
  CrowdProcess c(p, 100 * 86400.0, 60.0, rng);
  double crowded = 0.0;
  for (std::size_t k = 0; k < c.samples(); ++k) {
    CHECK((c.count(k) == 100 || c.count(k) >= 1100));
    crowded += c.count(k) >= 1100;
  }
  // About one two-hour gathering a day: a twelfth of the time (overlaps aside).
  CHECK(crowded / static_cast<double>(c.samples()) == doctest::Approx(1.0 / 12).epsilon(0.2));
}
