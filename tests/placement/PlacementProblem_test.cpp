// Tests of placement: the objectives, lazy greedy against plain greedy and brute force, the MILP optimum.
#include "models/placement/PlacementProblem.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <vector>

using namespace citytwin;
using models::PlacementProblem;

namespace {

/// Random samples each covered by a few of n sites (as shots heard by nearby microphones).
PlacementProblem random_coverage(std::size_t n, std::size_t m, std::uint32_t cap, std::uint64_t seed) {
  sim::RandomStream rng(seed, 0, 0, "instance");
  std::vector<std::vector<std::uint32_t>> covering(m);
  std::vector<double> weights(m);
  for (std::size_t j = 0; j < m; ++j) {
    std::size_t c = 1 + rng.uniform_int(5);
    for (std::size_t k = 0; k < c; ++k) covering[j].push_back(rng.uniform_int(static_cast<std::uint32_t>(n)));
    weights[j] = 0.5 + rng.uniform();
  }
  return PlacementProblem::coverage(n, covering, weights, cap);
}

PlacementProblem random_facility(std::size_t n, std::size_t m, std::uint64_t seed) {
  sim::RandomStream rng(seed, 0, 0, "instance");
  std::vector<std::vector<std::pair<std::uint32_t, double>>> values(m);
  std::vector<double> weights(m, 1.0);
  for (std::size_t j = 0; j < m; ++j)
    for (std::uint32_t i = 0; i < n; ++i)
      if (rng.bernoulli(0.3)) values[j].emplace_back(i, rng.uniform());
  return PlacementProblem::facility(n, values, weights);
}

/// The best value over every set of k sites.
double brute_force(const PlacementProblem& p, std::size_t k) {
  std::vector<std::uint32_t> pick;
  double best = 0.0;
  std::function<void(std::uint32_t)> rec = [&](std::uint32_t from) {
    if (pick.size() == k) {
      best = std::max(best, p.value(pick));
      return;
    }
    for (std::uint32_t i = from; i < p.candidates(); ++i) {
      pick.push_back(i);
      rec(i + 1);
      pick.pop_back();
    }
  };
  rec(0);
  return best;
}

/// Greedy without laziness: every gain recomputed at every step.
std::vector<std::uint32_t> plain_greedy(const PlacementProblem& p, std::size_t k) {
  std::vector<std::uint32_t> chosen;
  for (std::size_t step = 0; step < k; ++step) {
    double base = p.value(chosen), best = -1.0;
    std::uint32_t pick = 0;
    for (std::uint32_t i = 0; i < p.candidates(); ++i) {
      if (std::find(chosen.begin(), chosen.end(), i) != chosen.end()) continue;
      auto with = chosen;
      with.push_back(i);
      double gain = p.value(with) - base;
      if (gain > best + 1e-12) {
        best = gain;
        pick = i;
      }
    }
    chosen.push_back(pick);
  }
  return chosen;
}

}  // namespace

TEST_CASE("truncated coverage counts a sample up to the cap, and a site twice counts once") {
  PlacementProblem p = PlacementProblem::coverage(4, {{0, 1, 2, 3}, {0}, {}}, {2.0, 1.0, 1.0}, 3);
  CHECK(p.value({}) == 0.0);
  CHECK(p.value({0}) == doctest::Approx((2.0 / 3 + 1.0 / 3) / 4.0));      // each covered once of three
  CHECK(p.value({0, 1, 2, 3}) == doctest::Approx((2.0 + 1.0 / 3) / 4.0));  // the first capped at three
  CHECK(p.value({1, 1, 1}) == doctest::Approx(2.0 / 3 / 4.0));
}

TEST_CASE("facility location counts each sample at its best chosen site") {
  PlacementProblem p = PlacementProblem::facility(3, {{{0, 0.2}, {1, 0.9}}, {{2, 0.5}}}, {1.0, 1.0});
  CHECK(p.value({0}) == doctest::Approx(0.1));
  CHECK(p.value({0, 1}) == doctest::Approx(0.45));
  CHECK(p.value({0, 1, 2}) == doctest::Approx(0.7));
}

TEST_CASE("lazy greedy chooses what plain greedy chooses, with fewer gains computed") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    PlacementProblem cov = random_coverage(60, 400, 3, seed);
    models::Placement lazy = models::place_greedy(cov, 12);
    CHECK(lazy.sites == plain_greedy(cov, 12));
    CHECK(lazy.evaluations < 60 * 12);
    PlacementProblem fac = random_facility(40, 200, seed);
    CHECK(models::place_greedy(fac, 8).sites == plain_greedy(fac, 8));
  }
}

TEST_CASE("greedy is within (1 - 1/e) of the brute-force optimum, and its bound holds the optimum") {
  const double guarantee = 1.0 - std::exp(-1.0);
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    PlacementProblem cov = random_coverage(14, 60, 3, seed);
    PlacementProblem fac = random_facility(14, 40, seed);
    for (const PlacementProblem* p : {&cov, &fac}) {
      double opt = brute_force(*p, 4);
      models::Placement g = models::place_greedy(*p, 4);
      CHECK(g.value >= guarantee * opt);
      CHECK(g.value <= opt + 1e-12);
      CHECK(g.upper_bound >= opt - 1e-12);
    }
  }
}

TEST_CASE("the MILP finds the brute-force optimum of coverage and facility location") {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    PlacementProblem cov = random_coverage(14, 60, 3, seed);
    PlacementProblem fac = random_facility(14, 40, seed);
    for (const PlacementProblem* p : {&cov, &fac}) {
      double opt = brute_force(*p, 4);
      models::ExactPlacement e = models::place_exact(*p, 4, 30.0);
      CHECK(e.optimal);
      CHECK(e.best.sites.size() == 4);
      CHECK(e.best.value == doctest::Approx(opt).epsilon(1e-9));
      CHECK(e.bound == doctest::Approx(opt).epsilon(1e-9));
    }
  }
}

TEST_CASE("greedy placement beats random placement") {
  PlacementProblem p = random_coverage(80, 600, 3, 42);
  models::Placement g = models::place_greedy(p, 10);
  sim::RandomStream rng(1, 0, 0, "random placement");
  double best_random = 0.0;
  for (int r = 0; r < 50; ++r) {
    models::Placement x = models::place_random(p, 10, rng);
    CHECK(x.sites.size() == 10);
    std::vector<std::uint32_t> sorted = x.sites;
    std::sort(sorted.begin(), sorted.end());
    CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
    best_random = std::max(best_random, x.value);
  }
  CHECK(g.value > best_random);
}
