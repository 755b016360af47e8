// Sensors on a pipe network: pressure, flow, tank level and smart demand meters, with their noise, resolution,
// sampling interval and dropouts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/detection/Reading.hpp"
#include "models/water/Hydraulics.hpp"
#include "sim/RandomStream.hpp"

namespace citytwin::models::water {

/// What a sensor measures, in SI: pressure head (m), a link's flow (m³/s, positive from its start node), a tank's
/// water level above its bottom (m), or a consumer's mean demand over the meter's interval (m³/s; smart meters,
/// read hourly).
enum class WaterSensorKind : std::uint8_t { PRESSURE, FLOW, TANK_LEVEL, DEMAND_METER };
const char* to_string(WaterSensorKind k);

/// One sensor. `element` is a node (pressure, tank level, demand meter) or link (flow) of the network as read.
/// Typical figures: pressure transducers ±0.1 m (0.01 bar resolution), electromagnetic flow meters ±0.5 %,
/// ultrasonic tank level ±1 cm.
struct WaterSensor {
  std::string id;
  WaterSensorKind kind = WaterSensorKind::PRESSURE;
  int element = -1;
  double noise_sd = 0.1;          ///< standard deviation of the measurement error, in the measured unit
  double noise_relative = 0.0;    ///< plus this share of the value (flow meters), as a standard deviation
  double resolution = 0.01;       ///< readings are rounded to a multiple of it (0: not rounded)
  std::int64_t interval_s = 300;  ///< sampling interval (demand meters: 3600)
  double dropout = 0.0;           ///< probability that a reading never arrives
};

/// The sensors of `kind` at the given elements, with the kind's default figures (interval 300 s, or 3600 s for
/// demand meters), named "<kind>-<element ID>".
std::vector<WaterSensor> make_sensors(const WaterNetwork& net, WaterSensorKind kind, const std::vector<int>& elements);

/// The true value a sensor would measure in a run's current solution (demand meters: the demand now).
double true_value(const HydraulicRun& run, const WaterSensor& sensor);

/// Samples a set of sensors on a running network: call `observe` after every hydraulic solution, in time order.
/// A sensor reads at the first solution at or after each of its sampling times (run the network with its report
/// step the sampling interval and they coincide); a demand meter reports at the end of each interval the mean of
/// the demand over it. Readings are detection::Measurement payloads, their sensor the index in the list, with noise
/// and rounding, less the ones that drop out. Each sensor draws from its own stream (seed, replication, index).
class SensorSampler {
 public:
  SensorSampler(std::vector<WaterSensor> sensors, std::uint64_t seed, std::uint32_t replication);
  /// The run has been solved at its current time.
  std::vector<detection::Reading> observe(const HydraulicRun& run);
  const std::vector<WaterSensor>& sensors() const { return sensors_; }
  std::uint64_t dropped() const { return dropped_; }

 private:
  std::vector<WaterSensor> sensors_;
  std::vector<sim::RandomStream> streams_;
  std::vector<std::int64_t> next_sample_s_;
  std::vector<double> meter_volume_;  // demand meters: volume since the last reading (m³)
  std::vector<double> meter_rate_;    // demand meters: the demand at the previous solution
  std::int64_t last_time_s_ = 0;
  std::uint64_t next_id_ = 1, dropped_ = 0;
};

}  // namespace citytwin::models::water
