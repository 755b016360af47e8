// Kinematic wave routing against theory: normal depth in a channel under steady inflow, flooding of the excess over
// a conduit's full flow, a pond's orifice at equilibrium, and the layouts it refuses.
#include "models/drainage/KinematicWave.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "models/drainage/DrainageSimulation.hpp"
#include "models/drainage/SwmmReader.hpp"

using namespace citytwin::models::drainage;

namespace {

/// A steady inflow of rain_mm_per_h on 10 ha of impervious surface without storage or roughness (it runs off at
/// once), into junction J1 and a 2 m wide open channel C1 to outfall O1; `extra` is appended.
std::string model(double rain_mm_per_h, const std::string& extra = "") {
  std::string s = R"([OPTIONS]
FLOW_UNITS CMS
FLOW_ROUTING KINWAVE
START_DATE 01/01/2020
START_TIME 00:00:00
END_DATE 01/01/2020
END_TIME 04:00:00
REPORT_STEP 00:05:00
WET_STEP 00:01:00
ROUTING_STEP 0:00:30
[RAINGAGES]
G1 INTENSITY 1:00 1.0 TIMESERIES R
[SUBCATCHMENTS]
S1 G1 J1 10 100 500 1 0
[SUBAREAS]
S1 0 0.1 0 0 100 OUTLET
[JUNCTIONS]
J1 10 0
[OUTFALLS]
O1 0 FREE
[CONDUITS]
C1 J1 O1 1000 0.013 0 0
[XSECTIONS]
C1 RECT_OPEN 1 2 0 0
[TIMESERIES]
)";
  for (int h = 0; h <= 4; ++h) s += "R " + std::to_string(h) + ":00 " + std::to_string(rain_mm_per_h) + "\n";
  return s + extra;
}

/// Manning's normal flow in a rectangle of width w at depth y, m³/s.
double manning(double n, double slope, double w, double y) {
  const double a = w * y;
  return a * std::pow(a / (w + 2.0 * y), 2.0 / 3.0) * std::sqrt(slope) / n;
}

}  // namespace

TEST_CASE("steady inflow leaves a channel at normal depth") {
  const DrainageNetwork net = parse_swmm(model(50.0), "<inline>");
  const DrainageResults r = simulate_drainage(net, FlowRouting::KINWAVE);
  const double q = 50.0 * net.units.rain_rate_m_per_s * net.subcatchments[0].area_m2;
  CHECK(r.link_flow_m3s.back()[0] == doctest::Approx(q).epsilon(1e-4));

  // Normal depth by bisection; the slope is the drop over the horizontal run.
  const double slope = 10.0 / std::sqrt(1000.0 * 1000.0 - 100.0);
  double lo = 0.0, hi = 1.0;
  for (int i = 0; i < 60; ++i) (manning(0.013, slope, 2.0, 0.5 * (lo + hi)) < q ? lo : hi) = 0.5 * (lo + hi);
  CHECK(r.node_depth_m.back()[net.node("J1")] == doctest::Approx(lo).epsilon(1e-3));
  CHECK(r.flooded_m3[net.node("J1")] == 0.0);
}

TEST_CASE("inflow above a conduit's full flow floods its upstream node by the excess") {
  const DrainageNetwork net = parse_swmm(model(400.0), "<inline>");
  const DrainageResults r = simulate_drainage(net, FlowRouting::KINWAVE);
  const double q = 400.0 * net.units.rain_rate_m_per_s * net.subcatchments[0].area_m2;
  const double slope = 10.0 / std::sqrt(1000.0 * 1000.0 - 100.0);
  const double full = manning(0.013, slope, 2.0, 1.0);
  REQUIRE(q > full);
  const int j1 = net.node("J1");
  CHECK(r.node_flooding_m3s.back()[j1] == doctest::Approx(q - full).epsilon(1e-3));
  CHECK(r.link_flow_m3s.back()[0] == doctest::Approx(full).epsilon(1e-3));
  CHECK(r.node_depth_m.back()[j1] == doctest::Approx(1.0));  // a flooded node is full (to the channel's top)
  CHECK(std::fabs(r.routing.error()) < 0.01);
}

TEST_CASE("a pond drained by an orifice settles where the orifice passes the inflow") {
  // J1 drains by a short channel into pond P1 (cylinder of 100 m²), whose 0.3 m circular side orifice empties it
  // into O2.
  std::string text = model(10.0, R"([STORAGE]
P1 5 6 0 CYLINDRICAL 11.283792 11.283792 0 0 0
[ORIFICES]
OR1 P1 O2 SIDE 0 0.65 NO 0
[XSECTIONS]
OR1 CIRCULAR 0.3 0 0 0
)");
  text.replace(text.find("C1 J1 O1 1000"), 13, "C1 J1 P1 100 ");
  text.replace(text.find("O1 0 FREE"), 9, "O1 0 FREE\nO2 0 FREE");
  const DrainageNetwork net = parse_swmm(text, "<inline>");
  const DrainageResults r = simulate_drainage(net, FlowRouting::KINWAVE);
  const double q = 10.0 * net.units.rain_rate_m_per_s * net.subcatchments[0].area_m2;
  const double depth = r.node_depth_m.back()[net.node("P1")];
  // Full orifice flow under the head above its centre.
  const double area = 3.141592654 / 4.0 * 0.09, g = 32.2 * 0.3048;
  CHECK(depth > 0.3);
  CHECK(0.65 * area * std::sqrt(2.0 * g * (depth - 0.15)) == doctest::Approx(q).epsilon(0.01));
  CHECK(r.link_flow_m3s.back()[net.link("OR1")] == doctest::Approx(q).epsilon(0.01));
  CHECK(std::fabs(r.routing.error()) < 0.005);
}

TEST_CASE("kinematic wave refuses layouts it cannot route, naming the file and line") {
  auto error_of = [](const std::string& text) {
    try {
      (void)make_routing_model(parse_swmm(text, "m.inp"), RoutingMethod::KINWAVE);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  // A second outlet from J1.
  const std::string two =
      error_of(model(10.0, "[CONDUITS]\nC2 J1 O1 500 0.013 0 0\n[XSECTIONS]\nC2 RECT_OPEN 1 2 0 0\n"));
  CHECK(two.find("m.inp:") == 0);
  CHECK(two.find("junction 'J1' has more than one outlet link") != std::string::npos);
  // A conduit that climbs.
  std::string uphill = model(10.0);
  uphill.replace(uphill.find("O1 0 FREE"), 9, "O1 20 FREE");
  CHECK(error_of(uphill).find("conduit 'C1' slopes uphill") != std::string::npos);
  // An egg-shaped pipe.
  std::string egg = model(10.0);
  egg.replace(egg.find("C1 RECT_OPEN 1 2 0 0"), 20, "C1 EGG 1 0 0 0");
  CHECK(error_of(egg).find("shape EGG is not supported") != std::string::npos);
}
