// The leak-detection core on a network whose truth it never sees.
#include "models/water/LeakDetector.hpp"

#include <doctest/doctest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <string>

#include "models/water/InpReader.hpp"
#include "models/water/LeakStudy.hpp"

using namespace citytwin::models::water;

namespace {

WaterNetwork net3() { return read_inp(std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/networks/Net3.inp"); }

/// Net3 for 26 days: its first week's pump schedule left out of training, judged from day 17.
LeakStudySettings short_study() {
  LeakStudySettings s;
  s.duration_s = 26 * 86400;
  s.detector.warmup_s = 8 * 86400;
  s.detector.training_s = 17 * 86400;
  s.demand_noise.cv = 0.05;
  return s;
}

/// A 60 mm burst on pipe 145 from day 20, 07:00, repaired on day 23.
Leak large_burst(const WaterNetwork& net) {
  Leak burst;
  burst.pipe = net.link("145");
  burst.start_s = 20 * 86400 + 7 * 3600;
  burst.peak_s = burst.start_s;
  burst.end_s = 23 * 86400;
  burst.diameter_m = 0.06;
  return burst;
}

}  // namespace

TEST_CASE("a copy of a run goes on exactly as the run itself") {
  WaterNetwork net = net3();
  const HydraulicModel model(net, {net.link("101")});
  HydraulicRun run(model);
  for (int i = 0; i < 5; ++i) {
    run.solve();
    run.advance();
  }
  HydraulicRun copy(run);
  run.set_leak_area(0, 1e-3);
  copy.set_leak_area(0, 1e-3);
  for (int i = 0; i < 5; ++i) {
    run.solve();
    copy.solve();
    CHECK(run.heads_m() == copy.heads_m());
    CHECK(run.flows_m3s() == copy.flows_m3s());
    CHECK(run.advance() == copy.advance());
  }
  // A measured tank level replaces the integrated one, held within the tank's levels.
  const int tank = model.node(net.node("1"));
  copy.set_tank_level(tank, 5.0);
  CHECK(copy.tank_level_m(tank) == doctest::Approx(5.0));
  copy.set_tank_level(tank, 1e6);
  CHECK(copy.tank_level_m(tank) == doctest::Approx(net.nodes[net.node("1")].max_level_m));
  CHECK_THROWS_AS(copy.set_tank_level(0, 1.0), std::invalid_argument);
  // A pump switched as its meter reads: off carries nothing, on delivers again.
  const int pump = net.link("10");  // run by timers only, none at this hour
  copy.set_pump_on(pump, false);
  copy.solve();
  CHECK(std::fabs(copy.flows_m3s()[static_cast<std::size_t>(pump)]) < 1e-6);  // m³/s
  copy.set_pump_on(pump, true);
  copy.solve();
  CHECK(copy.flows_m3s()[static_cast<std::size_t>(pump)] > 0.01);
  CHECK_THROWS_AS(copy.set_pump_on(net.link("101"), true), std::invalid_argument);
}

TEST_CASE("with consumers close to their patterns, a large burst is found within hours on its own pipe, its size estimated, and nothing else alarms") {
  const WaterNetwork net = net3();
  LeakStudySettings s = short_study();
  s.demand_noise.cv = 0.01;
  const Leak burst = large_burst(net);
  const auto sensors = typical_sensors(net, 10);
  const LeakStudyResult r = run_leak_study(net, sensors, {burst}, s);
  REQUIRE(r.score.true_positives == 1);
  CHECK(r.score.false_positives == 0);
  CHECK(r.score.delay_s[0] < 12 * 3600);
  CHECK(r.score.distance_m[0] == 0.0);
  const LeakAlert& a = r.alerts.front();
  CHECK(a.start_s >= burst.start_s - 3 * 3600);
  // The estimated outflow against the leak's mean outflow over its life: the signature's small leak scaled up
  // overestimates a large one (its outflow lowers the pressure that drives it).
  const double mean_flow = r.volumes.leaked_m3[0] / static_cast<double>(burst.end_s - burst.start_s);
  CHECK(a.flow_m3s > 0.5 * mean_flow);
  CHECK(a.flow_m3s < 3.0 * mean_flow);
  MESSAGE("burst of " << mean_flow * 1000 << " L/s found after " << r.score.delay_s[0] / 3600 << " h, estimated "
                      << a.flow_m3s * 1000 << " L/s (" << a.diameter_m * 1000 << " mm), fit " << a.fit);
}

TEST_CASE("with linear signatures the large burst is found as well, on its own pipe") {
  const WaterNetwork net = net3();
  LeakStudySettings s = short_study();
  s.demand_noise.cv = 0.01;
  s.detector.linear_signatures = true;
  const Leak burst = large_burst(net);
  const LeakStudyResult r = run_leak_study(net, typical_sensors(net, 10), {burst}, s);
  REQUIRE(r.score.true_positives == 1);
  CHECK(r.score.false_positives == 0);
  CHECK(r.score.delay_s[0] < 12 * 3600);
  CHECK(r.score.distance_m[0] <= 300.0);
  MESSAGE("found after " << r.score.delay_s[0] / 3600 << " h, " << r.score.distance_m[0] << " m away; signatures "
                         << r.signature_seconds << " s");
}

TEST_CASE("a network that says UNBALANCED STOP runs its whole study, its unconverged solutions counted") {
  WaterNetwork net = net3();
  net.options.unbalanced_continue = -1;
  net.options.max_trials = 3;
  net.options.accuracy = 1e-300;  // no solution converges
  LeakStudySettings s;
  s.duration_s = 3 * 86400;
  s.detector.warmup_s = 0;
  s.detector.training_s = 86400;
  const LeakStudyResult r = run_leak_study(net, typical_sensors(net, 5), {}, s);
  CHECK(r.unbalanced > 0);
  CHECK(r.detector_unbalanced > 0);
  // Both runs went to the end: the readings of every interval, and the detector's every window.
  REQUIRE(!r.windows.empty());
  CHECK(r.windows.back().end_s == s.duration_s);
  CHECK(r.windows.size() == static_cast<std::size_t>(s.duration_s / s.detector.window_s));
  CHECK(r.readings + r.dropped >= static_cast<std::uint64_t>(s.duration_s / s.interval_s) * 5);
}

TEST_CASE("the same study gives the same alerts bit for bit, on one thread or several") {
  const WaterNetwork net = net3();
  LeakStudySettings s = short_study();
  s.leaks = 3;
  s.min_diameter_m = 0.03;
  s.max_diameter_m = 0.05;
  const auto sensors = typical_sensors(net, 8);
  const auto leaks = random_leaks(net, s);
  LeakStudyResult one, two;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = run_leak_study(net, sensors, leaks, s);
  }
  two = run_leak_study(net, sensors, leaks, s);
  REQUIRE(one.alerts.size() == two.alerts.size());
  CHECK(!one.alerts.empty());
  for (std::size_t i = 0; i < one.alerts.size(); ++i) {
    CHECK(one.alerts[i].pipe == two.alerts[i].pipe);
    CHECK(one.alerts[i].raised_s == two.alerts[i].raised_s);
    CHECK(one.alerts[i].flow_m3s == two.alerts[i].flow_m3s);
  }
  CHECK(one.volumes.total_m3 == two.volumes.total_m3);
}

TEST_CASE("the detector refuses what it cannot use and counts readings that come too late") {
  const WaterNetwork net = net3();
  auto sensors = make_sensors(net, WaterSensorKind::PRESSURE, {net.node("15")});
  LeakDetector d(net, sensors);
  CHECK_FALSE(d.consume({7, 0, citytwin::detection::Measurement{30.0}, 1}));
  CHECK_FALSE(d.consume({0, 0, citytwin::detection::Press{}, 2}));
  CHECK(d.rejected() == 2);
  CHECK(d.consume({0, 0, citytwin::detection::Measurement{30.0}, 3}));
  CHECK(d.advance(7200).empty());
  CHECK(d.consume({0, 300'000'000, citytwin::detection::Measurement{30.0}, 4}));
  CHECK(d.late() == 1);
  auto bad = sensors;
  bad[0].element = 10'000;
  CHECK_THROWS_AS(LeakDetector(net, bad), std::invalid_argument);
  LeakDetectorSettings odd;
  odd.window_s = 7 * 60;  // not a multiple of the 5-minute interval
  CHECK_THROWS_AS(LeakDetector(net, sensors, odd), std::invalid_argument);
}
