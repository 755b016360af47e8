// Consumers' variation around their patterns, and background leakage as emitters.
#include "models/water/Consumers.hpp"

#include <cmath>
#include <stdexcept>

namespace citytwin::models::water {

DemandFactors::DemandFactors(int junctions, const DemandNoise& noise, std::uint64_t seed, std::uint32_t replication)
    : noise_(noise), sigma_(std::sqrt(std::log1p(noise.cv * noise.cv))) {
  if (noise.cv < 0.0 || noise.correlation < 0.0 || noise.correlation >= 1.0)
    throw std::invalid_argument("demand noise: cv must be >= 0 and correlation in [0, 1)");
  streams_.reserve(static_cast<std::size_t>(junctions));
  for (int j = 0; j < junctions; ++j) streams_.emplace_back(seed, replication, static_cast<std::uint32_t>(j), "demand_noise");
  log_.assign(static_cast<std::size_t>(junctions), 0.0);
  factors_.assign(static_cast<std::size_t>(junctions), 1.0);
}

const std::vector<double>& DemandFactors::next() {
  // Stationary AR(1) on the logarithm, of standard deviation sigma; the mean -sigma²/2 makes the factor's mean 1.
  const double rho = noise_.correlation, innovation = sigma_ * std::sqrt(1.0 - rho * rho);
  for (std::size_t j = 0; j < log_.size(); ++j) {
    const double e = streams_[j].normal();
    log_[j] = started_ ? rho * log_[j] + innovation * e : sigma_ * e;
    factors_[j] = std::exp(log_[j] - 0.5 * sigma_ * sigma_);
  }
  started_ = true;
  return factors_;
}

WaterNetwork with_background_leakage(const WaterNetwork& net, double m3_per_km_day, double reference_pressure_m) {
  if (m3_per_km_day < 0.0 || reference_pressure_m <= 0.0)
    throw std::invalid_argument("background leakage: the rate must be >= 0 and the reference pressure > 0");
  WaterNetwork out = net;
  const double per_m = m3_per_km_day / 1000.0 / 86400.0;                       // m³/s per metre of pipe
  const double scale = 1.0 / std::pow(reference_pressure_m, net.options.emitter_exponent);
  for (const Link& l : net.links) {
    if (!is_pipe(l.kind)) continue;
    for (int n : {l.from, l.to})
      if (out.nodes[n].kind == NodeKind::JUNCTION) out.nodes[n].emitter_m3s += 0.5 * l.length_m * per_m * scale;
  }
  return out;
}

}  // namespace citytwin::models::water
