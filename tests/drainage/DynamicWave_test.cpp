// Validation against EPA SWMM 5.2's dynamic wave: the site drainage model under its 2- and 100-year storms, node
// depths, times of peak, flooding and link flows against SWMM's own results in tests/drainage/reference; continuity;
// what dynamic wave refuses.
#include "models/drainage/DynamicWave.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "SwmmReference.hpp"
#include "models/drainage/SwmmReader.hpp"

using namespace citytwin::models::drainage;
using namespace citytwin::models::drainage::testing;


TEST_CASE("the site drainage model's depths, flooding and flows match SWMM 5.2's dynamic wave") {
  const DrainageNetwork net = read_swmm("scenarios/drainage/Site_Drainage_Model.inp");
  REQUIRE(net.options.flow_routing == FlowRouting::DYNWAVE);
  REQUIRE(net.options.variable_step == doctest::Approx(0.75));
  const DrainageResults r = simulate_drainage(net, net.options.flow_routing);
  check_nodes(net, r, "Site_Drainage_Model.");
}

TEST_CASE("the site drainage model under the 100-year storm floods as in SWMM 5.2's dynamic wave") {
  const DrainageNetwork net = site_100yr();
  const DrainageResults r = simulate_drainage(net, FlowRouting::DYNWAVE);
  double flooded = 0.0;
  for (double v : r.flooded_m3) flooded += v;
  MESSAGE("100-year storm: " << flooded << " m3 flooded");
  check_nodes(net, r, "Site_Drainage_Model_100yr.");
}

TEST_CASE("dynamic wave routing conserves water within SWMM's continuity errors") {
  for (const DrainageNetwork& net : {read_swmm("scenarios/drainage/Site_Drainage_Model.inp"), site_100yr()}) {
    CAPTURE(net.path);
    const DrainageResults r = simulate_drainage(net, FlowRouting::DYNWAVE);
    MESSAGE(net.path << ": routing continuity error " << 100.0 * r.routing.error() << " %");
    REQUIRE(r.routing.inflow_m3 > 0.0);
    CHECK(r.routing.outflow_m3 > 0.5 * r.routing.inflow_m3);
    CHECK(std::fabs(r.routing.error()) < 0.01);
    CHECK(r.routing.inflow_m3 == doctest::Approx(r.runoff.to_nodes_m3).epsilon(0.01));
  }
}

TEST_CASE("a junction full of water drains through a pipe to a free outfall by dynamic wave") {
  // No rain: a junction starts 3 ft deep and drains through a pipe to a free outfall.
  const DrainageNetwork net = parse_swmm(R"(
[OPTIONS]
FLOW_UNITS CFS
FLOW_ROUTING DYNWAVE
START_DATE 01/01/2020
START_TIME 00:00:00
END_DATE 01/01/2020
END_TIME 01:00:00
REPORT_STEP 00:01:00
ROUTING_STEP 0:00:05
[JUNCTIONS]
J1 100 4 3 0 0
[OUTFALLS]
O1 99 FREE NO
[CONDUITS]
C1 J1 O1 400 0.013 0 0 0 0
[XSECTIONS]
C1 CIRCULAR 1.5 0 0 0 1
)",
                                         "drain.inp");
  const DrainageResults r = simulate_drainage(net, FlowRouting::DYNWAVE);
  REQUIRE(!r.time_s.empty());
  CHECK(r.node_depth_m.back()[0] < 0.05 * 0.3048);
  CHECK(r.link_flow_m3s.front()[0] > 0.0);
  // All of it reaches the outfall: the pipe's initial water and more (the junction's, held over the pipe's surface).
  MESSAGE("outflow " << r.routing.outflow_m3 << " m3, initially " << r.routing.initial_storage_m3 << " m3 in the pipe");
  CHECK(r.routing.outflow_m3 > r.routing.initial_storage_m3);
  CHECK(r.routing.final_storage_m3 < 0.01 * r.routing.initial_storage_m3);
}

TEST_CASE("a steady direct inflow reaches the outfall whole by dynamic wave") {
  const DrainageNetwork net = parse_swmm(R"(
[OPTIONS]
FLOW_UNITS CFS
FLOW_ROUTING DYNWAVE
START_DATE 01/01/2020
START_TIME 00:00:00
END_DATE 01/01/2020
END_TIME 03:00:00
REPORT_STEP 00:05:00
ROUTING_STEP 0:00:10
[JUNCTIONS]
J1 100 4 0 0 0
J2 99.5 4 0 0 0
[OUTFALLS]
O1 99 FREE NO
[CONDUITS]
C1 J1 J2 300 0.013 0 0 0 0
C2 J2 O1 300 0.013 0 0 0 0
[XSECTIONS]
C1 CIRCULAR 1.5 0 0 0 1
C2 CIRCULAR 1.5 0 0 0 1
[INFLOWS]
J1 FLOW "" FLOW 1.0 1.0 2.0
)",
                                         "inflow.inp");
  const DrainageResults r = simulate_drainage(net, FlowRouting::DYNWAVE);
  const double q_m3s = 2.0 * net.units.flow_m3s;
  CHECK(r.link_flow_m3s.back()[1] == doctest::Approx(q_m3s).epsilon(0.001));
  CHECK(r.routing.inflow_m3 == doctest::Approx(q_m3s * 3 * 3600.0).epsilon(0.001));
  CHECK(std::fabs(r.routing.error()) < 0.01);
}

TEST_CASE("dynamic wave refuses a storage unit before the run starts") {
  const DrainageNetwork net = parse_swmm(R"(
[OPTIONS]
FLOW_UNITS CFS
FLOW_ROUTING DYNWAVE
START_DATE 01/01/2020
END_DATE 01/01/2020
END_TIME 01:00:00
[STORAGE]
S1 100 10 0 FUNCTIONAL 0 0 1000 0 0
[OUTFALLS]
O1 99 FREE NO
[CONDUITS]
C1 S1 O1 400 0.013 0 0 0 0
[XSECTIONS]
C1 CIRCULAR 1.5 0 0 0 1
)",
                                         "pond.inp");
  try {
    (void)simulate_drainage(net, FlowRouting::DYNWAVE);
    FAIL("no error");
  } catch (const UnsupportedRouting& e) {
    CHECK(std::string(e.what()).find("pond.inp:") == 0);
    CHECK(std::string(e.what()).find("storage unit 'S1' under dynamic wave routing is not modelled here") !=
          std::string::npos);
  }
}

TEST_CASE("the example models with streets, storage units, pumps or regulators are refused by dynamic wave") {
  for (const char* name : {"Inlet_Drains_Model", "Culvert_Model", "Pump_Control_Model", "Detention_Pond_Model"}) {
    CAPTURE(name);
    const DrainageNetwork net = read_swmm(std::string("scenarios/drainage/") + name + ".inp");
    try {
      (void)simulate_drainage(net, FlowRouting::DYNWAVE);
      FAIL("no error");
    } catch (const UnsupportedRouting& e) {
      MESSAGE(std::string(e.what()));
      CHECK(std::string(e.what()).find("under dynamic wave routing is not modelled here") != std::string::npos);
    }
  }
}

TEST_CASE("a narrowed outfall pipe backs water up until a swale junction floods, and routing conserves water") {
  // The site model under the 100-year storm with its outfall pipe C11 narrowed from 4.75 to 1.5 ft: the water backs
  // up through J11 until J10 (3 ft deep, the swales' crown) is full and floods; the flooding leaves the system.
  std::ifstream in("scenarios/drainage/Site_Drainage_Model.inp");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  };
  replace("TIMESERIES 2-yr", "TIMESERIES 100-yr");
  replace("C11              CIRCULAR     4.75", "C11              CIRCULAR     1.5 ");
  const DrainageNetwork net = parse_swmm(text, "Site_Drainage_Model_narrowed.inp");
  const DrainageResults r = simulate_drainage(net, FlowRouting::DYNWAVE);
  const int j10 = net.node("J10");
  double peak_m = 0.0, flooded_m3 = 0.0;
  for (const auto& row : r.node_depth_m) peak_m = std::max(peak_m, row[j10]);
  for (double v : r.flooded_m3) flooded_m3 += v;
  MESSAGE("J10 peaks at " << peak_m / 0.3048 << " ft and floods " << r.flooded_m3[j10] << " m3 of "
                          << r.routing.inflow_m3 << " m3; continuity error " << 100.0 * r.routing.error() << " %");
  CHECK(peak_m == doctest::Approx(3.0 * 0.3048).epsilon(0.001));
  CHECK(r.flooded_m3[j10] > 0.05 * r.routing.inflow_m3);
  CHECK(r.flooded_m3[j10] == doctest::Approx(flooded_m3));
  CHECK(r.routing.flooding_m3 == doctest::Approx(flooded_m3).epsilon(0.01));
  // Its reported flooding rate, summed over the report steps, is the volume flooded.
  double reported_m3 = 0.0;
  for (const auto& row : r.node_flooding_m3s) reported_m3 += row[j10] * static_cast<double>(net.options.report_step_s);
  CHECK(reported_m3 == doctest::Approx(r.flooded_m3[j10]).epsilon(0.05));
  CHECK(std::fabs(r.routing.error()) < 0.01);
}
