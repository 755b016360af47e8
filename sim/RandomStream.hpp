// Counter-based random streams keyed by (seed, replication, entity, purpose), built on Philox4x32-10.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace citytwin::sim {

/// Identifies what a stream is for, as a stable 32-bit hash of a name ("aggression", "call_duration").
std::uint32_t purpose_id(std::string_view purpose);

/// An independent stream of random numbers.
///
/// Each stream is the Philox4x32-10 counter-based generator (Salmon et al., SC'11, the Random123 library)
/// keyed by the scenario seed, with the counter prefixed by (replication, entity, purpose). Draw i of a
/// stream depends on nothing else: adding an entity, running replications in another order or on other
/// threads never changes another stream's numbers. A stream yields 2^34 uint32 values before it repeats.
class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::uint32_t replication, std::uint32_t entity, std::uint32_t purpose);
  RandomStream(std::uint64_t seed, std::uint32_t replication, std::uint32_t entity, std::string_view purpose)
      : RandomStream(seed, replication, entity, purpose_id(purpose)) {}

  /// A uniformly distributed 32-bit integer.
  std::uint32_t next_u32() {
    if (index_ == 4) refill();
    return buffer_[index_++];
  }
  /// A uniform double in [0, 1) with 53 random bits.
  double uniform() {
    std::uint64_t hi = next_u32() >> 5, lo = next_u32() >> 6;
    return static_cast<double>(hi * 67108864u + lo) * (1.0 / 9007199254740992.0);
  }
  /// A uniform double in (0, 1]: safe to take the logarithm of.
  double uniform_open0() { return 1.0 - uniform(); }
  /// A uniform double in [a, b).
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  /// A uniform integer in [0, n), without modulo bias (Lemire's method). Requires n > 0.
  std::uint32_t uniform_int(std::uint32_t n);
  /// True with probability p.
  bool bernoulli(double p) { return uniform() < p; }
  /// An exponential variate with the given mean (inverse transform).
  double exponential(double mean);
  /// A standard normal variate (polar Box-Muller; the spare value is kept).
  double normal();
  double normal(double mean, double sd) { return mean + sd * normal(); }
  /// A log-normal variate whose logarithm has mean `mu` and standard deviation `sigma`.
  double lognormal(double mu, double sigma);
  /// A gamma variate with shape k > 0 and scale theta (Marsaglia and Tsang, 2000).
  double gamma(double shape, double scale);
  /// A Poisson variate with the given mean: exact inversion up to a mean of 500, a rounded normal above.
  std::uint64_t poisson(double mean);

  /// Number of 32-bit values drawn so far.
  std::uint64_t draws() const { return block_ * 4 - (4 - index_); }

 private:
  void refill();
  std::array<std::uint32_t, 2> key_{};
  std::array<std::uint32_t, 4> counter_{};  // replication, entity, purpose, block
  std::array<std::uint32_t, 4> buffer_{};
  std::uint64_t block_ = 0;
  unsigned index_ = 4;
  double spare_normal_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace citytwin::sim
