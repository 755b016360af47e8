// Sampling a network's sensors.
#include "models/water/WaterSensors.hpp"

#include <cmath>
#include <stdexcept>

namespace citytwin::models::water {

const char* to_string(WaterSensorKind k) {
  switch (k) {
    case WaterSensorKind::PRESSURE: return "pressure";
    case WaterSensorKind::FLOW: return "flow";
    case WaterSensorKind::TANK_LEVEL: return "tank_level";
    case WaterSensorKind::DEMAND_METER: return "demand_meter";
  }
  return "?";
}

std::vector<WaterSensor> make_sensors(const WaterNetwork& net, WaterSensorKind kind, const std::vector<int>& elements) {
  std::vector<WaterSensor> out;
  for (int e : elements) {
    WaterSensor s;
    s.kind = kind;
    s.element = e;
    switch (kind) {
      case WaterSensorKind::PRESSURE:
        s.id = "pressure-" + net.nodes.at(e).id;
        s.noise_sd = 0.1;
        s.resolution = 0.01 * 10.1972;  // 0.01 bar
        break;
      case WaterSensorKind::FLOW:
        s.id = "flow-" + net.links.at(e).id;
        s.noise_sd = 0.0;
        s.noise_relative = 0.005;
        s.resolution = 1e-5;  // 0.01 L/s
        break;
      case WaterSensorKind::TANK_LEVEL:
        if (net.nodes.at(e).kind != NodeKind::TANK) throw std::invalid_argument("node " + net.nodes[e].id + " is not a tank");
        s.id = "level-" + net.nodes[e].id;
        s.noise_sd = 0.01;
        s.resolution = 0.001;
        break;
      case WaterSensorKind::DEMAND_METER:
        s.id = "meter-" + net.nodes.at(e).id;
        s.noise_sd = 0.0;
        s.noise_relative = 0.01;
        s.resolution = 1e-6;  // 1 mL/s: 3.6 L an hour
        s.interval_s = 3600;
        break;
    }
    out.push_back(std::move(s));
  }
  return out;
}

double true_value(const HydraulicRun& run, const WaterSensor& s) {
  const HydraulicModel& m = run.model();
  switch (s.kind) {
    case WaterSensorKind::PRESSURE: return run.pressure_m(m.node(s.element));
    case WaterSensorKind::FLOW: return run.flows_m3s()[static_cast<std::size_t>(s.element)];
    case WaterSensorKind::TANK_LEVEL: return run.tank_level_m(m.node(s.element));
    case WaterSensorKind::DEMAND_METER: return run.consumer_demand_m3s(m.node(s.element));
  }
  return 0.0;
}

SensorSampler::SensorSampler(std::vector<WaterSensor> sensors, std::uint64_t seed, std::uint32_t replication)
    : sensors_(std::move(sensors)) {
  for (std::size_t i = 0; i < sensors_.size(); ++i) {
    if (sensors_[i].interval_s <= 0) throw std::invalid_argument("sensor " + sensors_[i].id + ": its interval must be positive");
    streams_.emplace_back(seed, replication, static_cast<std::uint32_t>(i), "water_sensor");
  }
  next_sample_s_.assign(sensors_.size(), 0);
  meter_volume_.assign(sensors_.size(), 0.0);
  meter_rate_.assign(sensors_.size(), 0.0);
}

std::vector<detection::Reading> SensorSampler::observe(const HydraulicRun& run) {
  std::vector<detection::Reading> out;
  const std::int64_t t = run.time_s();
  auto emit = [&](std::size_t i, std::int64_t at, double value) {
    const WaterSensor& s = sensors_[i];
    sim::RandomStream& rng = streams_[i];
    value += rng.normal() * (s.noise_sd + s.noise_relative * std::fabs(value));
    if (s.resolution > 0.0) value = std::round(value / s.resolution) * s.resolution;
    if (s.dropout > 0.0 && rng.bernoulli(s.dropout)) {
      ++dropped_;
      return;
    }
    out.push_back({static_cast<std::uint32_t>(i), at * 1'000'000, detection::Measurement{value}, next_id_++});
  };
  for (std::size_t i = 0; i < sensors_.size(); ++i) {
    const WaterSensor& s = sensors_[i];
    const double value = true_value(run, s);
    if (s.kind == WaterSensorKind::DEMAND_METER) {
      // The meter integrates what the consumer draws (the demand holds from one solution to the next).
      meter_volume_[i] += meter_rate_[i] * static_cast<double>(t - last_time_s_);
      meter_rate_[i] = value;
      if (t >= next_sample_s_[i] + s.interval_s) {
        next_sample_s_[i] += s.interval_s;
        emit(i, t, meter_volume_[i] / static_cast<double>(s.interval_s));
        meter_volume_[i] = 0.0;
      }
      continue;
    }
    if (t < next_sample_s_[i]) continue;
    emit(i, t, value);
    while (next_sample_s_[i] <= t) next_sample_s_[i] += s.interval_s;
  }
  last_time_s_ = t;
  return out;
}

}  // namespace citytwin::models::water
