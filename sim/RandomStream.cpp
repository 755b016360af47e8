// Philox-based random streams and the variate generators built on them.
#include "sim/RandomStream.hpp"

#include <Random123/philox.h>

#include <cmath>
#include <stdexcept>

#include "sim/Check.hpp"

namespace citytwin::sim {

std::uint32_t purpose_id(std::string_view purpose) {
  // FNV-1a, 32 bits: stable across platforms and compilers.
  std::uint32_t h = 2166136261u;
  for (unsigned char c : purpose) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

RandomStream::RandomStream(std::uint64_t seed, std::uint32_t replication, std::uint32_t entity,
                           std::uint32_t purpose) {
  key_ = {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
  counter_ = {replication, entity, purpose, 0};
}

void RandomStream::refill() {
  // The fourth counter word holds the low 32 bits of the block number; the high bits are folded into the
  // key's second word by xor, so a stream never wraps onto itself within 2^32 blocks and then continues
  // on a different key.
  r123::Philox4x32 gen;
  r123::Philox4x32::ctr_type c = {{counter_[0], counter_[1], counter_[2], static_cast<std::uint32_t>(block_)}};
  r123::Philox4x32::key_type k = {{key_[0], key_[1] ^ static_cast<std::uint32_t>(block_ >> 32)}};
  r123::Philox4x32::ctr_type r = gen(c, k);
  for (unsigned i = 0; i < 4; ++i) buffer_[i] = r[i];
  ++block_;
  index_ = 0;
}

std::uint32_t RandomStream::uniform_int(std::uint32_t n) {
  CITYTWIN_CHECK(n > 0, "uniform_int(0)");
  std::uint64_t m = std::uint64_t{next_u32()} * n;
  auto low = static_cast<std::uint32_t>(m);
  if (low < n) {
    std::uint32_t threshold = (0u - n) % n;
    while (low < threshold) {
      m = std::uint64_t{next_u32()} * n;
      low = static_cast<std::uint32_t>(m);
    }
  }
  return static_cast<std::uint32_t>(m >> 32);
}

double RandomStream::exponential(double mean) { return -mean * std::log(uniform_open0()); }

double RandomStream::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_normal_;
  }
  double u, v, s;
  do {
    u = 2.0 * uniform() - 1.0;
    v = 2.0 * uniform() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  double f = std::sqrt(-2.0 * std::log(s) / s);
  spare_normal_ = v * f;
  has_spare_ = true;
  return u * f;
}

double RandomStream::lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }

double RandomStream::gamma(double shape, double scale) {
  if (!(shape > 0.0) || !(scale > 0.0)) throw std::invalid_argument("gamma(): shape and scale must be positive");
  if (shape < 1.0) {
    // Boost a shape below one: G(k) = G(k + 1) * U^(1/k).
    double u = uniform_open0();
    return gamma(shape + 1.0, scale) * std::pow(u, 1.0 / shape);
  }
  double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    double u = uniform_open0();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v * scale;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v * scale;
  }
}

std::uint64_t RandomStream::poisson(double mean) {
  if (!(mean >= 0.0)) throw std::invalid_argument("poisson(): mean must be non-negative");
  if (mean > 500.0) {
    // Normal approximation with continuity correction for large means.
    double x = std::floor(normal(mean, std::sqrt(mean)) + 0.5);
    return x < 0 ? 0 : static_cast<std::uint64_t>(x);
  }
  // Inversion by sequential search.
  double u = uniform(), p = std::exp(-mean), cdf = p;
  std::uint64_t k = 0;
  while (u > cdf) {
    ++k;
    p *= mean / static_cast<double>(k);
    cdf += p;
    if (p < 1e-300 && cdf >= 1.0 - 1e-15) break;
  }
  return k;
}

}  // namespace citytwin::sim
