// Runoff against theory: the equilibrium of a rained-on plane, depression storage, Horton's integrated curve, the
// three rain formats and the internal routing between surfaces, on small models written inline.
#include "models/drainage/Runoff.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "models/drainage/SwmmReader.hpp"

using namespace citytwin::models::drainage;

namespace {

/// A one-subcatchment SI model: `rain_mm_per_h` every hour for `hours` hours (written in `format`), runoff over
/// 6 hours; `subarea` and `infiltration` are the rest of their lines after the subcatchment's name.
std::string model(double rain_mm_per_h, int hours, const std::string& format, double imperv_pct,
                  const std::string& subarea, const std::string& infiltration) {
  std::string s = R"([OPTIONS]
FLOW_UNITS CMS
INFILTRATION HORTON
FLOW_ROUTING KINWAVE
START_DATE 01/01/2020
START_TIME 00:00:00
END_DATE 01/01/2020
END_TIME 06:00:00
REPORT_STEP 00:05:00
WET_STEP 00:01:00
DRY_STEP 01:00:00
ROUTING_STEP 0:00:30
[RAINGAGES]
G1 )" + format + R"( 1:00 1.0 TIMESERIES R
[SUBCATCHMENTS]
S1 G1 J1 10 )" + std::to_string(imperv_pct) + R"( 500 1 0
[SUBAREAS]
S1 )" + subarea + R"(
[INFILTRATION]
S1 )" + infiltration + R"(
[JUNCTIONS]
J1 10 2
[OUTFALLS]
O1 0 FREE
[CONDUITS]
C1 J1 O1 1000 0.013 0 0
[XSECTIONS]
C1 RECT_OPEN 1 2 0 0
[TIMESERIES]
)";
  double total = 0.0;
  for (int h = 0; h <= hours; ++h) {
    const double r = h < hours ? rain_mm_per_h : 0.0;
    total += r;
    const double v = format == "INTENSITY" ? r : format == "VOLUME" ? r : total;
    s += "R " + std::to_string(h) + ":00 " + std::to_string(v) + "\n";
  }
  return s;
}

/// Runs runoff alone to `until_s`; returns the state.
RunoffState run(const RunoffModel& m, double until_s) {
  RunoffState s = initial_runoff_state(m);
  while (static_cast<double>(s.new_time_ms) < until_s * 1000.0) runoff_step(m, s);
  return s;
}

}  // namespace

TEST_CASE("an impervious plane under steady rain runs off at the rain rate once in equilibrium") {
  const DrainageNetwork net = parse_swmm(model(50.0, 6, "INTENSITY", 100.0, "0.015 0.1 0 0 100 OUTLET", "50 5 4 7 0"),
                                         "<inline>");
  const RunoffModel m = make_runoff_model(net);
  const RunoffState s = run(m, 3.0 * 3600.0);
  const double rain = 50.0 * net.units.rain_rate_m_per_s * net.subcatchments[0].area_m2;
  CHECK(s.subcatchments[0].new_runoff_m3s == doctest::Approx(rain).epsilon(1e-4));
  CHECK(s.ode_failures == 0);
}

TEST_CASE("rain that does not fill depression storage does not run off") {
  // 1 mm of rain on 5 mm of storage, all impervious.
  const DrainageNetwork net = parse_swmm(model(1.0, 1, "INTENSITY", 100.0, "0.015 0.1 5 5 0 OUTLET", "50 5 4 7 0"),
                                         "<inline>");
  const RunoffModel m = make_runoff_model(net);
  const RunoffState s = run(m, 2.0 * 3600.0);
  CHECK(s.totals.runoff_m3 == 0.0);
  CHECK(surface_storage_m3(m, s) == doctest::Approx(0.001 * net.subcatchments[0].area_m2).epsilon(1e-6));
}

TEST_CASE("Horton infiltration over the first step follows the integrated decay curve") {
  // 200 mm/h on a pervious surface whose capacity starts at 50 mm/h and decays to 5 mm/h at 4 per hour.
  const DrainageNetwork net = parse_swmm(model(200.0, 6, "INTENSITY", 0.0, "0.015 0.1 0 0 0 OUTLET", "50 5 4 7 0"),
                                         "<inline>");
  const RunoffModel m = make_runoff_model(net);
  RunoffState s = initial_runoff_state(m);
  runoff_step(m, s);
  const double f0 = 50.0 / 3.6e6, fmin = 5.0 / 3.6e6, k = 4.0 / 3600.0, t = 60.0;
  const double depth = fmin * t + (f0 - fmin) / k * (1.0 - std::exp(-k * t));
  CHECK(s.totals.infiltration_m3 == doctest::Approx(depth * net.subcatchments[0].area_m2).epsilon(1e-3));
}

TEST_CASE("intensity, volume and cumulative rain gages give the same runoff") {
  double runoff[3];
  const char* formats[] = {"INTENSITY", "VOLUME", "CUMULATIVE"};
  for (int i = 0; i < 3; ++i) {
    const DrainageNetwork net = parse_swmm(
        model(20.0, 3, formats[i], 60.0, "0.015 0.1 1 3 25 OUTLET", "50 5 4 7 0"), "<inline>");
    const RunoffModel m = make_runoff_model(net);
    runoff[i] = run(m, 6.0 * 3600.0).totals.runoff_m3;
  }
  CHECK(runoff[0] > 0.0);
  CHECK(runoff[1] == doctest::Approx(runoff[0]).epsilon(1e-9));
  CHECK(runoff[2] == doctest::Approx(runoff[0]).epsilon(1e-9));
}

TEST_CASE("impervious runoff routed onto a pervious surface that takes it all infiltrates, and water is conserved") {
  double runoff[2];
  const char* routes[] = {"OUTLET", "PERVIOUS 80"};
  for (int i = 0; i < 2; ++i) {
    const DrainageNetwork net = parse_swmm(
        model(20.0, 3, "INTENSITY", 60.0, std::string("0.015 0.1 1 3 25 ") + routes[i], "100 100 4 7 0"), "<inline>");
    const RunoffModel m = make_runoff_model(net);
    const RunoffState s = run(m, 6.0 * 3600.0);
    const RunoffTotals& t = s.totals;
    const double error = (t.rain_m3 - t.infiltration_m3 - t.runoff_m3 - surface_storage_m3(m, s)) / t.rain_m3;
    CAPTURE(routes[i]);
    CHECK(std::fabs(error) < 0.001);
    runoff[i] = t.runoff_m3;
  }
  // The pervious surface infiltrates all it receives: only the 20 % not routed leaves.
  CHECK(runoff[1] == doctest::Approx(0.2 * runoff[0]).epsilon(0.02));
}

TEST_CASE("a subcatchment with Green-Ampt infiltration is refused with its file and line") {
  std::string text = model(20.0, 3, "INTENSITY", 60.0, "0.015 0.1 1 3 25 OUTLET", "100 10 0.3");
  const auto at = text.find("INFILTRATION HORTON");
  text.replace(at, 19, "INFILTRATION GREEN_AMPT");
  const DrainageNetwork net = parse_swmm(text, "ga.inp");
  try {
    (void)make_runoff_model(net);
    FAIL("no error");
  } catch (const std::exception& e) {
    const std::string what = e.what();
    CHECK(what.find("ga.inp:") == 0);
    CHECK(what.find("only Horton and modified Horton infiltration are modelled here") != std::string::npos);
  }
}
