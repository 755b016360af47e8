// How a real network departs from its nominal model: consumers who use more or less than their pattern, and the
// background leakage of every pipe.
#pragma once

#include <cstdint>
#include <vector>

#include "models/water/WaterNetwork.hpp"
#include "sim/RandomStream.hpp"

namespace citytwin::models::water {

/// Each junction's demand is its pattern's times a factor of its own that changes every pattern step: log-normal
/// with mean 1 and coefficient of variation `cv`, correlated from one step to the next (an AR(1) process on the
/// logarithm with coefficient `correlation`), so that consumers stray from their patterns for hours, not minutes.
struct DemandNoise {
  double cv = 0.10;
  double correlation = 0.6;
};

/// The factors of every junction of a network, step after step, drawn from one random stream per junction
/// (seed, replication, junction): the same whatever else the run draws.
class DemandFactors {
 public:
  DemandFactors(int junctions, const DemandNoise& noise, std::uint64_t seed, std::uint32_t replication);
  /// Moves every factor to the next pattern step and returns them (index: junction).
  const std::vector<double>& next();
  const std::vector<double>& current() const { return factors_; }

 private:
  DemandNoise noise_;
  double sigma_ = 0.0;  // of the logarithm
  std::vector<sim::RandomStream> streams_;
  std::vector<double> log_, factors_;
  bool started_ = false;
};

/// Background leakage: the many small leaks no one will find, an outflow spread over every pipe in proportion to
/// its length and rising with pressure. Given as the volume a kilometre of pipe loses in a day at a reference
/// pressure; half a pipe's share goes to each end junction, as an emitter (Q = C p^exponent, the network's emitter
/// exponent) added to any it has. Typical figures: 0.1–1 m³/km/day at 50 m in a well kept network (the IWA's
/// unavoidable background leakage is 9.6 L/km/day/m of pressure).
WaterNetwork with_background_leakage(const WaterNetwork& net, double m3_per_km_day, double reference_pressure_m = 50.0);

}  // namespace citytwin::models::water
