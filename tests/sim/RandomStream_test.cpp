// Tests of the random streams: the Philox generator against Random123's known answers, determinism,
// independence of streams, and the moments of each variate within five standard errors.
#include "sim/RandomStream.hpp"

#include <Random123/philox.h>
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

using citytwin::sim::purpose_id;
using citytwin::sim::RandomStream;

namespace {

/// Mean and variance of a sample, accumulated in one pass (Welford).
struct Moments {
  std::uint64_t n = 0;
  double mean = 0, m2 = 0;
  void add(double x) {
    ++n;
    double d = x - mean;
    mean += d / static_cast<double>(n);
    m2 += d * (x - mean);
  }
  double variance() const { return m2 / static_cast<double>(n - 1); }
};

/// Checks that a sample mean is within five standard errors of `expected`, given the true variance.
void check_mean(const Moments& m, double expected, double true_variance) {
  double se = std::sqrt(true_variance / static_cast<double>(m.n));
  CAPTURE(m.mean);
  CAPTURE(expected);
  CAPTURE(se);
  CHECK(std::abs(m.mean - expected) < 5 * se);
}

/// Checks that a sample variance is within five standard errors of `expected`, given the fourth central
/// moment mu4 of the distribution (the variance of s^2 is about (mu4 - sigma^4) / n).
void check_variance(const Moments& m, double expected, double mu4) {
  double se = std::sqrt((mu4 - expected * expected) / static_cast<double>(m.n));
  CAPTURE(m.variance());
  CAPTURE(expected);
  CAPTURE(se);
  CHECK(std::abs(m.variance() - expected) < 5 * se);
}

constexpr int N = 400'000;

}  // namespace

// ---- the generator ------------------------------------------------------------------------------------------

TEST_CASE("Philox4x32-10 matches Random123's known-answer vectors") {
  // From Random123's examples/kat_vectors: "philox4x32 10 <counter x4> <key x2> <expected x4>".
  struct Kat {
    std::array<std::uint32_t, 4> counter;
    std::array<std::uint32_t, 2> key;
    std::array<std::uint32_t, 4> expected;
  };
  const Kat kats[] = {
      {{0x00000000, 0x00000000, 0x00000000, 0x00000000},
       {0x00000000, 0x00000000},
       {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  r123::Philox4x32 philox;
  for (const Kat& kat : kats) {
    r123::Philox4x32::ctr_type c = {{kat.counter[0], kat.counter[1], kat.counter[2], kat.counter[3]}};
    r123::Philox4x32::key_type k = {{kat.key[0], kat.key[1]}};
    r123::Philox4x32::ctr_type r = philox(c, k);
    for (int i = 0; i < 4; ++i) CHECK(r[i] == kat.expected[i]);
  }
}

TEST_CASE("a stream's first four draws are Philox4x32-10 of its key and counter") {
  // Seed 0, replication 0, entity 0, purpose 0, block 0: the first known-answer vector.
  RandomStream zero(0, 0, 0, 0u);
  CHECK(zero.next_u32() == 0x6627e8d5u);
  CHECK(zero.next_u32() == 0xe169c58du);
  CHECK(zero.next_u32() == 0xbc57ac4cu);
  CHECK(zero.next_u32() == 0x9b00dbd8u);
  CHECK(zero.draws() == 4);

  // The seed's low and high words are the key; replication, entity and purpose prefix the counter.
  RandomStream s(0x299f31d0a4093822ull, 0x243f6a88, 0x85a308d3, 0x13198a2eu);
  r123::Philox4x32 philox;
  r123::Philox4x32::ctr_type r = philox({{0x243f6a88, 0x85a308d3, 0x13198a2e, 0}}, {{0xa4093822, 0x299f31d0}});
  for (int i = 0; i < 4; ++i) CHECK(s.next_u32() == r[i]);
  r = philox({{0x243f6a88, 0x85a308d3, 0x13198a2e, 1}}, {{0xa4093822, 0x299f31d0}});
  CHECK(s.next_u32() == r[0]);
}

TEST_CASE("purpose names hash to stable FNV-1a values") {
  CHECK(purpose_id("") == 2166136261u);
  CHECK(purpose_id("a") == 0xe40c292cu);
  CHECK(purpose_id("foobar") == 0xbf9cf968u);
  RandomStream by_name(9, 1, 2, "arrivals");
  RandomStream by_id(9, 1, 2, purpose_id("arrivals"));
  for (int i = 0; i < 100; ++i) CHECK(by_name.next_u32() == by_id.next_u32());
}

// ---- determinism and independence ----------------------------------------------------------------------------

TEST_CASE("the same key gives the same sequence") {
  RandomStream a(42, 3, 17, "service"), b(42, 3, 17, "service");
  for (int i = 0; i < 10'000; ++i) REQUIRE(a.next_u32() == b.next_u32());
  CHECK(a.uniform() == b.uniform());
  CHECK(a.normal() == b.normal());
  CHECK(a.gamma(2.5, 1.0) == b.gamma(2.5, 1.0));
}

TEST_CASE("changing the seed, replication, entity or purpose changes the sequence") {
  auto first = [](RandomStream s) {
    std::vector<std::uint32_t> v;
    for (int i = 0; i < 64; ++i) v.push_back(s.next_u32());
    return v;
  };
  auto base = first(RandomStream(42, 3, 17, "service"));
  CHECK(first(RandomStream(43, 3, 17, "service")) != base);
  CHECK(first(RandomStream(42ull | (1ull << 40), 3, 17, "service")) != base);
  CHECK(first(RandomStream(42, 4, 17, "service")) != base);
  CHECK(first(RandomStream(42, 3, 18, "service")) != base);
  CHECK(first(RandomStream(42, 3, 17, "arrival")) != base);
}

TEST_CASE("an entity's stream does not depend on other entities' draws") {
  std::vector<double> alone;
  {
    RandomStream five(7, 0, 5, "demand");
    for (int i = 0; i < 1000; ++i) alone.push_back(five.uniform());
  }
  // Now interleave draws of other entities (and of other purposes of entity 5) with entity 5's.
  std::vector<RandomStream> others;
  for (std::uint32_t e = 0; e < 10; ++e) others.emplace_back(7, 0, e, "demand");
  RandomStream other_purpose(7, 0, 5, "other");
  RandomStream five(7, 0, 5, "demand");
  for (int i = 0; i < 1000; ++i) {
    for (auto& o : others) o.exponential(2.0);
    other_purpose.normal();
    CHECK(five.uniform() == alone[i]);
  }
}

TEST_CASE("streams of neighbouring entities are uncorrelated") {
  RandomStream a(11, 0, 100, "x"), b(11, 0, 101, "x");
  double sum_ab = 0;
  for (int i = 0; i < N; ++i) sum_ab += (a.uniform() - 0.5) * (b.uniform() - 0.5);
  // Each product has mean 0 and variance 1/144.
  CHECK(std::abs(sum_ab / N) < 5 * std::sqrt(1.0 / 144.0 / N));
}

// ---- variates ----------------------------------------------------------------------------------------------

TEST_CASE("uniform draws lie from zero up to but excluding one, with mean 1/2 and variance 1/12") {
  RandomStream s(1, 0, 0, "uniform");
  Moments m;
  double lo = 1, hi = 0;
  for (int i = 0; i < N; ++i) {
    double u = s.uniform();
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    m.add(u);
  }
  CHECK(lo >= 0.0);
  CHECK(hi < 1.0);
  check_mean(m, 0.5, 1.0 / 12.0);
  check_variance(m, 1.0 / 12.0, 1.0 / 80.0);
  CHECK(s.draws() == 2ull * N);
}

TEST_CASE("uniform draws on an interval and open at zero have the right range and mean") {
  RandomStream s(1, 0, 0, "uniform_ab");
  Moments m;
  for (int i = 0; i < N; ++i) {
    double u = s.uniform(-3.0, 5.0);
    REQUIRE(u >= -3.0);
    REQUIRE(u < 5.0);
    m.add(u);
    double v = s.uniform_open0();
    REQUIRE(v > 0.0);
    REQUIRE(v <= 1.0);
  }
  check_mean(m, 1.0, 64.0 / 12.0);
}

TEST_CASE("bernoulli draws succeed with probability p") {
  RandomStream s(1, 0, 0, "bernoulli");
  const double p = 0.3;
  int hits = 0;
  for (int i = 0; i < N; ++i) hits += s.bernoulli(p) ? 1 : 0;
  CHECK(std::abs(static_cast<double>(hits) / N - p) < 5 * std::sqrt(p * (1 - p) / N));
}

TEST_CASE("exponential draws have the requested mean and variance") {
  RandomStream s(2, 0, 0, "exponential");
  const double mean = 3.7;
  Moments m;
  for (int i = 0; i < N; ++i) {
    double x = s.exponential(mean);
    REQUIRE(x >= 0.0);
    m.add(x);
  }
  check_mean(m, mean, mean * mean);
  check_variance(m, mean * mean, 9.0 * std::pow(mean, 4));
}

TEST_CASE("normal draws have the requested mean and standard deviation") {
  RandomStream s(3, 0, 0, "normal");
  Moments standard, shifted;
  for (int i = 0; i < N; ++i) {
    standard.add(s.normal());
    shifted.add(s.normal(10.0, 2.5));
  }
  check_mean(standard, 0.0, 1.0);
  check_variance(standard, 1.0, 3.0);
  check_mean(shifted, 10.0, 6.25);
  check_variance(shifted, 6.25, 3.0 * 6.25 * 6.25);
}

TEST_CASE("normal draws have the standard normal's tail probabilities") {
  RandomStream s(3, 0, 0, "normal_tails");
  int beyond_one = 0, beyond_two = 0;
  for (int i = 0; i < N; ++i) {
    double z = std::abs(s.normal());
    beyond_one += z > 1.0 ? 1 : 0;
    beyond_two += z > 2.0 ? 1 : 0;
  }
  const double p1 = 0.31731050786291415, p2 = 0.04550026389635842;
  CHECK(std::abs(static_cast<double>(beyond_one) / N - p1) < 5 * std::sqrt(p1 * (1 - p1) / N));
  CHECK(std::abs(static_cast<double>(beyond_two) / N - p2) < 5 * std::sqrt(p2 * (1 - p2) / N));
}

TEST_CASE("log-normal draws have mean exp(mu + sigma^2 / 2)") {
  RandomStream s(4, 0, 0, "lognormal");
  const double mu = 0.5, sigma = 0.4;
  Moments m;
  for (int i = 0; i < N; ++i) m.add(s.lognormal(mu, sigma));
  double mean = std::exp(mu + sigma * sigma / 2);
  double variance = (std::exp(sigma * sigma) - 1) * std::exp(2 * mu + sigma * sigma);
  check_mean(m, mean, variance);
}

TEST_CASE("gamma draws have mean k theta and variance k theta^2, for shapes below and above one") {
  for (double shape : {0.3, 1.0, 2.5, 9.0}) {
    CAPTURE(shape);
    RandomStream s(5, 0, static_cast<std::uint32_t>(shape * 10), "gamma");
    const double scale = 2.0;
    Moments m;
    for (int i = 0; i < N / 2; ++i) {
      double x = s.gamma(shape, scale);
      REQUIRE(x >= 0.0);
      m.add(x);
    }
    double variance = shape * scale * scale;
    check_mean(m, shape * scale, variance);
    // Fourth central moment of a gamma: 3 k (k + 2) theta^4.
    check_variance(m, variance, 3.0 * shape * (shape + 2.0) * std::pow(scale, 4));
  }
  RandomStream s(5, 0, 0, "gamma");
  CHECK_THROWS_AS(s.gamma(0.0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(s.gamma(1.0, -1.0), std::invalid_argument);
}

TEST_CASE("poisson draws have mean and variance equal to the mean, for small and large means") {
  for (double mean : {0.2, 3.5, 40.0, 450.0, 2000.0}) {
    CAPTURE(mean);
    RandomStream s(6, 0, static_cast<std::uint32_t>(mean * 10), "poisson");
    Moments m;
    for (int i = 0; i < N / 4; ++i) m.add(static_cast<double>(s.poisson(mean)));
    check_mean(m, mean, mean);
    // Fourth central moment of a Poisson: mean (1 + 3 mean).
    check_variance(m, mean, mean * (1.0 + 3.0 * mean));
  }
  RandomStream s(6, 0, 0, "poisson");
  CHECK(s.poisson(0.0) == 0);
  CHECK_THROWS_AS(s.poisson(-1.0), std::invalid_argument);
}

TEST_CASE("poisson draws with a small mean have the exact probabilities") {
  RandomStream s(6, 1, 0, "poisson_pmf");
  const double mean = 2.0;
  std::array<int, 6> counts{};
  for (int i = 0; i < N; ++i) {
    std::uint64_t k = s.poisson(mean);
    if (k < counts.size()) ++counts[k];
  }
  double p = std::exp(-mean);
  for (std::size_t k = 0; k < counts.size(); ++k) {
    CAPTURE(k);
    CHECK(std::abs(static_cast<double>(counts[k]) / N - p) < 5 * std::sqrt(p * (1 - p) / N));
    p *= mean / static_cast<double>(k + 1);
  }
}

TEST_CASE("uniform integers are unbiased by a chi-square test") {
  for (std::uint32_t n : {2u, 7u, 1000u}) {
    CAPTURE(n);
    RandomStream s(8, 0, n, "uniform_int");
    std::vector<int> counts(n, 0);
    const int draws = 200 * static_cast<int>(n) + N;
    for (int i = 0; i < draws; ++i) {
      std::uint32_t k = s.uniform_int(n);
      REQUIRE(k < n);
      ++counts[k];
    }
    double expected = static_cast<double>(draws) / n, chi2 = 0;
    for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
    // Chi-square with n - 1 degrees of freedom: mean n - 1, variance 2 (n - 1).
    double dof = n - 1.0;
    CAPTURE(chi2);
    CHECK(chi2 < dof + 5 * std::sqrt(2 * dof));
  }
}

TEST_CASE("uniform integers over a range near 2^32 show no modulo bias") {
  // With n = 3 * 2^30, reducing a 32-bit draw modulo n would put half the draws below 2^30, not a third.
  RandomStream s(8, 1, 0, "uniform_int_large");
  const std::uint32_t n = 3u << 30;
  int below = 0;
  for (int i = 0; i < N; ++i) below += s.uniform_int(n) < (1u << 30) ? 1 : 0;
  const double p = 1.0 / 3.0;
  CHECK(std::abs(static_cast<double>(below) / N - p) < 5 * std::sqrt(p * (1 - p) / N));
}
