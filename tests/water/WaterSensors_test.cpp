// Sensors on a pipe network: what they read, when, with what noise, and what they drop.
#include "models/water/WaterSensors.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>

#include "models/water/InpReader.hpp"

using namespace citytwin::models::water;
using citytwin::detection::Measurement;

namespace {

WaterNetwork net3(std::int64_t step) {
  WaterNetwork net = read_inp(std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/networks/Net3.inp");
  net.times.duration_s = 24 * 3600;
  net.times.hydraulic_step_s = step;
  net.times.report_step_s = step;
  return net;
}

}  // namespace

TEST_CASE("sensors read at their interval; without noise they read the solution, with it they scatter as asked") {
  const WaterNetwork net = net3(300);
  const HydraulicModel model(net);
  std::vector<WaterSensor> exact = make_sensors(net, WaterSensorKind::PRESSURE, {net.node("15"), net.node("15")});
  exact[0].noise_sd = 0.0;
  exact[0].resolution = 0.0;
  exact[1].noise_sd = 0.5;
  exact[1].resolution = 0.0;
  exact[1].dropout = 0.2;
  for (auto& s : make_sensors(net, WaterSensorKind::TANK_LEVEL, {net.node("1")})) exact.push_back(s);
  SensorSampler sampler(exact, 3, 0);
  HydraulicRun run(model);
  std::map<std::int64_t, double> truth;
  int readings[3] = {0, 0, 0};
  double err = 0.0, err2 = 0.0;
  std::int64_t step = 0;
  do {
    run.solve();
    truth[run.time_s()] = run.pressure_m(net.node("15"));
    for (const auto& r : sampler.observe(run)) {
      const double v = std::get<Measurement>(r.payload).value;
      ++readings[r.sensor];
      CHECK(r.time_us % (300 * 1'000'000) == 0);
      if (r.sensor == 0) CHECK(v == truth.at(r.time_us / 1'000'000));
      if (r.sensor == 1) {
        const double e = v - truth.at(r.time_us / 1'000'000);
        err += e;
        err2 += e * e;
      }
      if (r.sensor == 2) {
        CHECK(v == doctest::Approx(run.tank_level_m(net.node("1"))).epsilon(0.01));
        CHECK(std::fabs(v * 1000 - std::round(v * 1000)) < 1e-6);  // rounded to the millimetre
      }
    }
    step = run.advance();
  } while (step > 0);
  const int samples = 24 * 12 + 1;
  CHECK(readings[0] == samples);
  CHECK(readings[2] == samples);
  CHECK(readings[1] + static_cast<int>(sampler.dropped()) == samples);
  CHECK(static_cast<double>(sampler.dropped()) / samples == doctest::Approx(0.2).epsilon(0.3));
  const double sd = std::sqrt(err2 / readings[1] - (err / readings[1]) * (err / readings[1]));
  CHECK(sd == doctest::Approx(0.5).epsilon(0.15));
}

TEST_CASE("a demand meter reports each hour the mean of the consumer's demand over it") {
  const WaterNetwork net = net3(900);
  const HydraulicModel model(net);
  const int node = net.node("101");
  std::vector<WaterSensor> meters = make_sensors(net, WaterSensorKind::DEMAND_METER, {node});
  meters[0].noise_relative = 0.0;
  meters[0].resolution = 0.0;
  SensorSampler sampler(meters, 1, 0);
  HydraulicRun run(model);
  double volume = 0.0, rate = 0.0;
  std::int64_t last = 0, step = 0;
  int readings = 0;
  do {
    run.solve();
    volume += rate * static_cast<double>(run.time_s() - last);
    rate = run.demands_m3s()[static_cast<std::size_t>(node)];
    last = run.time_s();
    for (const auto& r : sampler.observe(run)) {
      CHECK(r.time_us % 3'600'000'000 == 0);
      CHECK(std::get<Measurement>(r.payload).value == doctest::Approx(volume / 3600.0));
      volume = 0.0;
      ++readings;
    }
    step = run.advance();
  } while (step > 0);
  CHECK(readings == 24);
}
