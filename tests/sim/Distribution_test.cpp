// Tests of random durations: parsing from scenario values, means, and the errors for bad ones.
#include "sim/Distribution.hpp"

#include <doctest/doctest.h>

#include <cmath>

#include "sim/Statistics.hpp"
#include "sim/Units.hpp"

using namespace citytwin::sim;

namespace {
double sample_mean(const Distribution& d, int n = 200000) {
  RandomStream rng(42, 0, 0, "distribution_test");
  RunningStats s;
  for (int i = 0; i < n; ++i) s.add(d.sample_s(rng));
  return s.mean();
}
// Five standard errors of the mean, from the sample itself.
double sample_tolerance(const Distribution& d, int n = 200000) {
  RandomStream rng(43, 0, 0, "distribution_test");
  RunningStats s;
  for (int i = 0; i < n; ++i) s.add(d.sample_s(rng));
  return 5.0 * s.stddev() / std::sqrt(static_cast<double>(n)) + 1e-9;
}
}  // namespace

TEST_CASE("a plain duration is a constant distribution") {
  Distribution d = Distribution::parse(Json("4min"));
  CHECK(d.kind() == Distribution::Kind::CONSTANT);
  CHECK(d.mean_s() == 240.0);
  RandomStream rng(1, 0, 0, "x");
  CHECK(d.sample_s(rng) == 240.0);
}

TEST_CASE("sample means match the analytic mean of every distribution") {
  const char* cases[] = {
      R"({"dist": "exponential", "mean": "4min"})",
      R"({"dist": "uniform", "min": "1min", "max": "3min"})",
      R"({"dist": "lognormal", "median": "2min", "sigma": 0.5})",
      R"({"dist": "lognormal", "mean": "2min", "sd": "1min"})",
      R"({"dist": "gamma", "mean": "30min", "shape": 2})",
      R"({"dist": "gamma", "mean": "10min", "shape": 0.5})",
      R"({"dist": "erlang", "mean": "30min", "k": 3})",
      R"({"dist": "normal", "mean": "5min", "sd": "1min"})",
      R"({"dist": "normal", "mean": "1min", "sd": "2min"})",
      R"({"dist": "triangular", "min": "1min", "mode": "2min", "max": "6min"})",
  };
  for (const char* text : cases) {
    CAPTURE(text);
    Distribution d = Distribution::parse(Json::parse(text));
    CHECK(std::fabs(sample_mean(d) - d.mean_s()) < sample_tolerance(d));
  }
}

TEST_CASE("a lognormal given by mean and sd has that mean") {
  Distribution d = Distribution::parse(Json::parse(R"({"dist": "lognormal", "mean": "2min", "sd": "1min"})"));
  CHECK(d.mean_s() == doctest::Approx(120.0));
}

TEST_CASE("bad distributions are refused with a message that says how to write them") {
  auto message = [](const char* text) {
    try {
      Distribution::parse(Json::parse(text));
    } catch (const units::UnitError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message(R"({"mean": "4min"})").find("needs 'dist'") != std::string::npos);
  CHECK(message(R"({"dist": "poisson", "mean": "4min"})").find("unknown distribution 'poisson'") != std::string::npos);
  CHECK(message(R"({"dist": "exponential"})").find("needs 'mean'") != std::string::npos);
  CHECK(message(R"({"dist": "exponential", "mean": "4min", "sd": "1min"})").find("'sd' is not a parameter") !=
        std::string::npos);
  CHECK(message(R"({"dist": "uniform", "min": "3min", "max": "1min"})").find("min <= max") != std::string::npos);
  CHECK(message(R"({"dist": "gamma", "mean": "3min", "shape": -1})").find("greater than zero") != std::string::npos);
  CHECK(message(R"({"dist": "erlang", "mean": "3min", "k": 1.5})").find("whole number") != std::string::npos);
}
