// Reading EPANET input files: real networks, units by EPANET's factors, EPANET 2.2's rules, and the messages for
// malformed files.
#include "models/water/InpReader.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "sim/Scenario.hpp"

using namespace citytwin::models::water;

namespace {

const std::string SOURCE = CITYTWIN_SOURCE_DIR;
constexpr double FT = 0.3048;
constexpr double CFS = FT * FT * FT;
constexpr double PI = std::numbers::pi;

WaterNetwork network(const std::string& name) { return read_inp(SOURCE + "/scenarios/networks/" + name + ".inp"); }

/// The message a malformed text gets, "" if it reads.
std::string error_of(const std::string& text) {
  try {
    parse_inp(text, "net.inp");
  } catch (const citytwin::sim::ScenarioError& e) {
    return e.what();
  }
  return "";
}

std::string error_of_file(const std::string& path) {
  try {
    read_inp(path);
  } catch (const citytwin::sim::ScenarioError& e) {
    return e.what();
  }
  return "";
}

int count(const WaterNetwork& net, NodeKind kind) {
  int n = 0;
  for (const Node& x : net.nodes) n += x.kind == kind;
  return n;
}

int count(const WaterNetwork& net, LinkKind kind) {
  int n = 0;
  for (const Link& x : net.links) n += x.kind == kind;
  return n;
}

/// A small SI network; tests append sections to it (it has no [END], after which nothing is read).
const std::string SMALL = R"(
[TITLE]
A small network
[JUNCTIONS]
;ID  Elev  Demand  Pattern
 J1  10    5       P1
 J2  12    0
[RESERVOIRS]
 R   60
[PIPES]
 L1  R   J1  1000  300  120
 L2  J1  J2  500   200  110  0.5  CV
[PATTERNS]
 P1  1.0  1.2
 P1  0.8
[OPTIONS]
 Units LPS
)";

/// Two junctions fed by a reservoir, for settings and statuses.
const std::string VALVES = R"(
[JUNCTIONS]
 A 0
 B 0
 C 0
 D 0
[RESERVOIRS]
 R 100
[PIPES]
 P1 R A 100 200 100
 P2 B C 100 200 100
[PUMPS]
 PU C D HEAD K SPEED 0.9
[VALVES]
 V1 A B 200 PRV 30
 V2 C D 150 FCV 20
 V3 D A 150 TCV 5
[CURVES]
 K 10 50
[OPTIONS]
 Units LPS
)";

}  // namespace

TEST_CASE("the shared networks read with the counts of their files") {
  // Counts from the files themselves, by awk over their non-comment lines, section by section.
  struct Expected {
    const char* name;
    int junctions, reservoirs, tanks, pipes, check_valves, pumps, valves, patterns, curves, controls;
    const char* first_fixed;  // the first reservoir or tank in the file: EPANET numbers it after the junctions
  };
  const Expected nets[] = {
      {"Net1", 9, 1, 1, 12, 0, 1, 0, 1, 1, 2, "9"},
      {"Net2", 35, 0, 1, 40, 0, 0, 0, 3, 0, 0, "26"},
      {"Net3", 92, 2, 3, 117, 0, 2, 0, 5, 2, 18, "River"},
      {"Net6", 3323, 1, 32, 3829, 1, 61, 2, 3, 60, 124, "RESERVOIR-3323"},
      {"ky4", 959, 1, 4, 1156, 0, 2, 0, 3, 0, 2, nullptr},
      {"ky10", 920, 2, 13, 1043, 1, 13, 5, 4, 0, 6, "R-1"},
      {"L-TOWN", 782, 2, 1, 905, 0, 1, 3, 3, 1, 2, "R1"},
  };
  for (const Expected& e : nets) {
    CAPTURE(e.name);
    const WaterNetwork net = network(e.name);
    CHECK(count(net, NodeKind::JUNCTION) == e.junctions);
    CHECK(count(net, NodeKind::RESERVOIR) == e.reservoirs);
    CHECK(count(net, NodeKind::TANK) == e.tanks);
    CHECK(count(net, LinkKind::PIPE) + count(net, LinkKind::CV_PIPE) == e.pipes);
    CHECK(count(net, LinkKind::CV_PIPE) == e.check_valves);
    CHECK(count(net, LinkKind::PUMP) == e.pumps);
    CHECK(static_cast<int>(net.links.size()) - e.pipes - e.pumps == e.valves);
    CHECK(net.patterns.size() == static_cast<std::size_t>(e.patterns));
    CHECK(net.curves.size() == static_cast<std::size_t>(e.curves));
    CHECK(net.controls.size() == static_cast<std::size_t>(e.controls));
    // EPANET's order: junctions first, then reservoirs and tanks as they appear.
    for (int i = 0; i < e.junctions; ++i) CHECK(net.nodes[i].kind == NodeKind::JUNCTION);
    if (e.first_fixed) CHECK(net.nodes[e.junctions].id == e.first_fixed);
    for (const Node& n : net.nodes) CHECK(net.node(n.id) == &n - net.nodes.data());
  }
  CHECK(network("Net6").units.flow == FlowUnits::GPM);
  CHECK(network("Net6").nodes.size() == 3356);
}

TEST_CASE("Net1's values come out in SI by EPANET's factors for gallons per minute and feet") {
  const WaterNetwork net = network("Net1");
  CHECK(net.title == "EPANET Example Network 1\nA simple example of modeling chlorine decay. Both bulk and\n"
                     "wall reactions are included.");
  CHECK(net.units.flow == FlowUnits::GPM);
  CHECK(net.units.us_customary);
  CHECK(net.units.pressure == PressureUnits::PSI);
  CHECK(net.units.flow_m3s == doctest::Approx(CFS / 448.831));
  // Pipe 10: 10530 ft of 18 in pipe, C = 100, from junction 10 to junction 11.
  const Link& p10 = net.links[net.link("10")];
  CHECK(p10.kind == LinkKind::PIPE);
  CHECK(p10.length_m == doctest::Approx(10530 * FT));
  CHECK(p10.diameter_m == doctest::Approx(18 * 0.0254));
  CHECK(p10.roughness == doctest::Approx(100));
  CHECK(net.nodes[p10.from].id == "10");
  CHECK(net.nodes[p10.to].id == "11");
  // Junction 11: elevation 710 ft, demand 150 GPM with no pattern of its own (the default applies).
  const Node& j11 = net.nodes[net.node("11")];
  CHECK(j11.elevation_m == doctest::Approx(710 * FT));
  REQUIRE(j11.demands.size() == 1);
  CHECK(j11.demands[0].base_m3s == doctest::Approx(150 / 448.831 * CFS));
  CHECK(j11.demands[0].pattern == -1);
  // Tank 2: elevation 850, levels 120 / 100 / 150, diameter 50.5 ft; its minimum volume the cylinder's.
  const Node& t2 = net.nodes[net.node("2")];
  CHECK(t2.kind == NodeKind::TANK);
  CHECK(t2.elevation_m == doctest::Approx(850 * FT));
  CHECK(t2.init_level_m == doctest::Approx(120 * FT));
  CHECK(t2.min_level_m == doctest::Approx(100 * FT));
  CHECK(t2.max_level_m == doctest::Approx(150 * FT));
  CHECK(t2.diameter_m == doctest::Approx(50.5 * FT));
  CHECK(t2.min_volume_m3 == doctest::Approx(PI * 50.5 * 50.5 / 4 * 100 * CFS));
  // Reservoir 9: a head of 800 ft.
  CHECK(net.nodes[net.node("9")].kind == NodeKind::RESERVOIR);
  CHECK(net.nodes[net.node("9")].elevation_m == doctest::Approx(800 * FT));
  // Pump 9 on curve 1: one point, 1500 GPM at 250 ft.
  const Link& pump = net.links[net.link("9")];
  CHECK(pump.kind == LinkKind::PUMP);
  CHECK(pump.setting == 1.0);
  REQUIRE(pump.head_curve == net.curves.size() - 1);
  const Curve& c = net.curves[pump.head_curve];
  REQUIRE(c.x.size() == 1);
  CHECK(c.x[0] == doctest::Approx(1500 / 448.831 * CFS));
  CHECK(c.y[0] == doctest::Approx(250 * FT));
  // LINK 9 OPEN IF NODE 2 BELOW 110: a tank level, so a head of 850 + 110 ft.
  REQUIRE(net.controls.size() == 2);
  CHECK(net.controls[0].type == Control::Type::LOW_LEVEL);
  CHECK(net.controls[0].link == net.link("9"));
  CHECK(net.controls[0].node == net.node("2"));
  CHECK(net.controls[0].status == LinkStatus::OPEN);
  CHECK(net.controls[0].grade_m == doctest::Approx((850 + 110) * FT));
  CHECK(net.controls[1].type == Control::Type::HIGH_LEVEL);
  CHECK(net.controls[1].grade_m == doctest::Approx((850 + 140) * FT));
  // OPTIONS PATTERN 1, which exists.
  CHECK(net.options.default_pattern == net.patterns.size() - 1);
  CHECK(net.patterns[net.options.default_pattern].id == "1");
  CHECK(net.options.max_trials == 40);
  CHECK(net.options.unbalanced_continue == 10);
  CHECK(net.times.duration_s == 24 * 3600);
  CHECK(net.times.hydraulic_step_s == 3600);
  CHECK(net.times.pattern_step_s == 2 * 3600);
  CHECK(net.times.rule_step_s == 360);  // a tenth of the hydraulic step when not given
  // Psi to metres of head at specific gravity 1: 1 psi = 1 / 0.4333 ft.
  CHECK(net.units.pressure_m == doctest::Approx(FT / 0.4333));
}

TEST_CASE("Net3 keeps its closed pipe and pump, its pressure controls and its tanks' volumes") {
  const WaterNetwork net = network("Net3");
  CHECK(net.links[net.link("330")].status == LinkStatus::CLOSED);
  // [STATUS] 10 Closed: a pump closed at the start keeps its speed (EPANET 2.2).
  const Link& p10 = net.links[net.link("10")];
  CHECK(p10.status == LinkStatus::CLOSED);
  CHECK(p10.setting == 1.0);
  // Junction 15: 1 GPM on pattern 3.
  const Node& j15 = net.nodes[net.node("15")];
  REQUIRE(j15.demands.size() == 1);
  CHECK(net.patterns[j15.demands[0].pattern].id == "3");
  // LINK 335 OPEN IF NODE 1 BELOW 17.1: tank 1 at 131.9 ft.
  CHECK(net.controls[14].grade_m == doctest::Approx((131.9 + 17.1) * FT));
  // LINK 10 OPEN AT TIME 1 ... CLOSED AT TIME 159.
  CHECK(net.controls[0].type == Control::Type::TIMER);
  CHECK(net.controls[0].time_s == 3600);
  CHECK(net.controls[13].time_s == 159 * 3600);
  // Tank 1: 85 ft across, minimum level 0.1 ft.
  const Node& t1 = net.nodes[net.node("1")];
  CHECK(t1.min_volume_m3 == doctest::Approx(PI * (85 * FT) * (85 * FT) / 4 * (0.1 * FT)));
  // Pump curve 2: three points, 8000 GPM at 138 ft.
  const Curve& c2 = net.curves[net.links[net.link("335")].head_curve];
  CHECK(c2.id == "2");
  CHECK(c2.x[1] == doctest::Approx(8000 / 448.831 * CFS));
  CHECK(c2.y[1] == doctest::Approx(138 * FT));
  CHECK(network("Net6").patterns[network("Net6").options.default_pattern].id == "PATTERN-0");
}

TEST_CASE("L-Town's cubic metres per hour and metres convert by EPANET's 101.94 m3/h per cfs") {
  const WaterNetwork net = network("L-TOWN");
  CHECK(net.units.flow == FlowUnits::CMH);
  CHECK_FALSE(net.units.us_customary);
  CHECK(net.units.pressure == PressureUnits::METERS);
  CHECK(net.units.flow_m3s == doctest::Approx(CFS / 101.94));
  CHECK(net.units.length_m == doctest::Approx(1.0));
  CHECK(net.units.pressure_m == doctest::Approx(1.0));
  // Pipe p1: 26.9292 m of 200 mm pipe, C = 140.
  const Link& p1 = net.links[net.link("p1")];
  CHECK(p1.length_m == doctest::Approx(26.9292));
  CHECK(p1.diameter_m == doctest::Approx(0.2));
  CHECK(p1.roughness == doctest::Approx(140));
  // Junction n1: three [DEMANDS] categories replace its [JUNCTIONS] demand; 0.66024 m³/h industrial.
  const Node& n1 = net.nodes[net.node("n1")];
  REQUIRE(n1.demands.size() == 3);
  CHECK(n1.demands[2].base_m3s == doctest::Approx(0.660240 / 101.94 * CFS));
  CHECK(net.patterns[n1.demands[2].pattern].id == "P-Industrial");
  // The pump's three-point curve: 27.3856 m³/h at 88.669 m.
  const Curve& c = net.curves[net.links[net.link("PUMP_1")].head_curve];
  REQUIRE(c.x.size() == 3);
  CHECK(c.x[1] == doctest::Approx(27.3856 / 101.94 * CFS));
  CHECK(c.y[1] == doctest::Approx(88.6690));
  // PRV-1: 200 mm set at 40 m.
  const Link& prv = net.links[net.link("PRV-1")];
  CHECK(prv.kind == LinkKind::PRV);
  CHECK(prv.status == LinkStatus::ACTIVE);
  CHECK(prv.diameter_m == doctest::Approx(0.2));
  CHECK(prv.setting == doctest::Approx(40));
  // LINK PUMP_1 CLOSED IF NODE T1 ABOVE 3.9: T1's bottom at 98.68 m.
  CHECK(net.controls[0].grade_m == doctest::Approx(98.68 + 3.9));
  CHECK(net.controls[0].status == LinkStatus::CLOSED);
  // OPTIONS PATTERN 1 names no pattern: demands without one are constant, as in EPANET.
  CHECK(net.options.default_pattern == -1);
  CHECK(net.options.accuracy == doctest::Approx(0.01));
  CHECK(net.times.hydraulic_step_s == 300);
  CHECK(net.times.rule_step_s == 30);
}

TEST_CASE("an SI network keeps metres and converts its flows by EPANET's factor") {
  const WaterNetwork net = parse_inp(SMALL, "small.inp");
  CHECK(net.title == "A small network");
  CHECK_FALSE(net.units.us_customary);
  CHECK(net.units.pressure == PressureUnits::METERS);
  const Link& l1 = net.links[net.link("L1")];
  CHECK(l1.length_m == doctest::Approx(1000));
  CHECK(l1.diameter_m == doctest::Approx(0.3));
  const Link& l2 = net.links[net.link("L2")];
  CHECK(l2.kind == LinkKind::CV_PIPE);
  CHECK(l2.minor_loss == doctest::Approx(0.5));
  // 5 L/s through EPANET's 28.317 L/s per cfs, not exactly 0.005 m³/s.
  CHECK(net.nodes[net.node("J1")].demands[0].base_m3s == doctest::Approx(5 / 28.317 * CFS).epsilon(1e-12));
  CHECK(net.nodes[net.node("J1")].demands[0].base_m3s != doctest::Approx(0.005).epsilon(1e-9));
  // J2 has no demand written: EPANET still gives it one, of 0.
  REQUIRE(net.nodes[net.node("J2")].demands.size() == 1);
  CHECK(net.nodes[net.node("J2")].demands[0].base_m3s == 0.0);
  // A pattern continued on a second line.
  CHECK(net.patterns[0].multipliers == std::vector<double>{1.0, 1.2, 0.8});
  CHECK(net.options.default_pattern == -1);  // no pattern "1"
}

TEST_CASE("pressure units, specific gravity, emitters and Darcy-Weisbach roughness convert as EPANET does") {
  // kPa at specific gravity 0.9: a kPa is 1 / (6.895 * 0.4333 * 0.9) ft of the fluid.
  const WaterNetwork kpa = parse_inp(SMALL + R"(
 Pressure KPA
 Specific Gravity 0.9
 Headloss D-W
 Emitter Exponent 0.6
 Viscosity 1e-6
[EMITTERS]
 J1 2
)",
                                     "kpa.inp");
  const double kpa_m = FT / (6.895 * 0.4333 * 0.9);
  CHECK(kpa.units.pressure == PressureUnits::KPA);
  CHECK(kpa.units.pressure_m == doctest::Approx(kpa_m));
  // 2 L/s per kPa^0.6 as m³/s per (m of head)^0.6.
  CHECK(kpa.nodes[kpa.node("J1")].emitter_m3s == doctest::Approx(2 * CFS / 28.317 / std::pow(kpa_m, 0.6)));
  // Darcy-Weisbach roughness in mm, made metres; a viscosity below 1e-3 is m²/s, made relative to water's.
  CHECK(kpa.links[kpa.link("L1")].roughness == doctest::Approx(0.120));
  CHECK(kpa.options.viscosity == doctest::Approx(1e-6 / (FT * FT) / 1.1e-5));
  CHECK(kpa.options.required_pressure_m == doctest::Approx(0.1 * kpa_m));  // EPANET's default, in kPa

  // US units: pressure stays psi whatever the file says, roughness in millifeet, power in hp.
  const WaterNetwork us = parse_inp(R"(
[JUNCTIONS]
 J 0 10
[RESERVOIRS]
 R 100
[PIPES]
 P R J 1000 12 0.5
[PUMPS]
 PU J R POWER 10
[OPTIONS]
 Units CFS
 Pressure METERS
 Headloss D-W
 Specific Gravity 1.1
)",
                                    "us.inp");
  CHECK(us.units.pressure == PressureUnits::PSI);
  CHECK(us.units.pressure_m == doctest::Approx(FT / (0.4333 * 1.1)));
  CHECK(us.units.flow_m3s == doctest::Approx(CFS));
  CHECK(us.links[us.link("P")].roughness == doctest::Approx(0.5e-3 * FT));
  CHECK(us.links[us.link("P")].diameter_m == doctest::Approx(12 * 0.0254));
  CHECK(us.links[us.link("PU")].power_kw == doctest::Approx(10 * 0.7457));
  CHECK(us.links[us.link("PU")].head_curve == -1);
}

TEST_CASE("valve settings, pump speeds and statuses follow EPANET's rules") {
  const WaterNetwork net = parse_inp(VALVES, "valves.inp");
  CHECK(net.links[net.link("V1")].setting == doctest::Approx(30));  // m of head
  CHECK(net.links[net.link("V2")].setting == doctest::Approx(20 * CFS / 28.317));
  CHECK(net.links[net.link("V3")].setting == doctest::Approx(5));  // a loss coefficient
  CHECK(net.links[net.link("PU")].setting == doctest::Approx(0.9));
  CHECK(net.curves[0].x[0] == doctest::Approx(10 * CFS / 28.317));

  const WaterNetwork s = parse_inp(VALVES + R"(
[STATUS]
 V1 Closed
 V2 12
 V3 Open
 PU 0
 P1 Closed
)",
                                   "status.inp");
  CHECK(s.links[s.link("V1")].status == LinkStatus::CLOSED);
  CHECK(std::isnan(s.links[s.link("V1")].setting));  // fixed closed: no setting
  CHECK(s.links[s.link("V2")].status == LinkStatus::ACTIVE);
  CHECK(s.links[s.link("V2")].setting == doctest::Approx(12 * CFS / 28.317));
  CHECK(s.links[s.link("V3")].status == LinkStatus::OPEN);
  CHECK(s.links[s.link("PU")].status == LinkStatus::CLOSED);  // speed 0
  CHECK(s.links[s.link("PU")].setting == 0.0);
  CHECK(s.links[s.link("P1")].status == LinkStatus::CLOSED);

  // A range of links by number, as EPANET allows: links 2 to 3 of "1", "2", "3", "10".
  const WaterNetwork r = parse_inp(R"(
[JUNCTIONS]
 A 0
 B 0
[RESERVOIRS]
 R 10
[PIPES]
 1 R A 10 100 100
 2 A B 10 100 100
 3 R B 10 100 100
 10 R A 10 100 100
[STATUS]
 2 3 CLOSED
)",
                                   "range.inp");
  CHECK(r.links[r.link("1")].status == LinkStatus::OPEN);
  CHECK(r.links[r.link("2")].status == LinkStatus::CLOSED);
  CHECK(r.links[r.link("3")].status == LinkStatus::CLOSED);
  CHECK(r.links[r.link("10")].status == LinkStatus::OPEN);
}

TEST_CASE("sections may come in any order, and nothing after [END] is read") {
  const WaterNetwork net = parse_inp(R"(
[COORDINATES]
 T 1 2
 J 3 4
[STATUS]
 P CLOSED
[PIPES]
 P T J 100 100 100
 Q R J 100 100 100
[TANKS]
 T 10 1 0 2 5
[JUNCTIONS]
 J 0
[RESERVOIRS]
 R 50
[OPTIONS]
 Units CMD
[END]
[FOO]
 anything
)",
                                     "order.inp");
  REQUIRE(net.nodes.size() == 3);
  CHECK(net.nodes[0].id == "J");  // junctions first
  CHECK(net.nodes[1].id == "T");  // then tanks and reservoirs as they appear
  CHECK(net.nodes[2].id == "R");
  CHECK(net.nodes[1].has_coordinates);
  CHECK(net.nodes[1].x == 1.0);
  CHECK(net.links[net.link("P")].status == LinkStatus::CLOSED);
  CHECK(net.units.flow == FlowUnits::CMD);
  CHECK(net.nodes[0].demands[0].base_m3s == 0.0);
}

TEST_CASE("keywords are case-insensitive and IDs case-sensitive, as in EPANET") {
  const WaterNetwork net = parse_inp(R"(
[junctions]
 j1 0
 J1 0
 "node with spaces" 0
[reservoirs]
 R 10
[pipes]
 a R j1 10 100 100 0 closed
 A R J1 10 100 100
 b j1 "node with spaces" 10 100 100 cv
[options]
 units si
 headloss c-m
)",
                                     "case.inp");
  CHECK(net.nodes.size() == 4);
  CHECK(net.node("j1") != net.node("J1"));
  CHECK(net.node("node with spaces") == 2);
  CHECK(net.links[net.link("a")].status == LinkStatus::CLOSED);
  CHECK(net.links[net.link("A")].status == LinkStatus::OPEN);
  CHECK(net.links[net.link("b")].kind == LinkKind::CV_PIPE);
  CHECK(net.units.flow == FlowUnits::LPS);  // SI stands for LPS
  CHECK(net.options.headloss == HeadLossFormula::CHEZY_MANNING);
}

TEST_CASE("[DEMANDS] replaces a junction's demand, then adds categories") {
  const WaterNetwork net = parse_inp(SMALL + R"(
[DEMANDS]
 J1  2  P1  ;homes
 J1  3      ;shops
 MULTIPLY 1.5
)",
                                     "small.inp");
  const Node& j1 = net.nodes[net.node("J1")];
  REQUIRE(j1.demands.size() == 2);
  CHECK(j1.demands[0].base_m3s == doctest::Approx(2 / 28.317 * CFS));
  CHECK(j1.demands[0].pattern == 0);
  CHECK(j1.demands[0].category == "homes");
  CHECK(j1.demands[1].pattern == -1);
  CHECK(j1.demands[1].category == "shops");
  CHECK(net.options.demand_multiplier == 1.5);
}

TEST_CASE("times take EPANET's formats") {
  CHECK(parse_epanet_time("1.5") == 5400);
  CHECK(parse_epanet_time("1:30") == 5400);
  CHECK(parse_epanet_time("1:05") == 3900);
  CHECK(parse_epanet_time("0:00:30") == 30);
  CHECK(parse_epanet_time("90", "MIN") == 5400);
  CHECK(parse_epanet_time("30", "SECONDS") == 30);
  CHECK(parse_epanet_time("1.5", "hours") == 5400);
  CHECK(parse_epanet_time("2", "DAYS") == 172800);
  CHECK(parse_epanet_time("12", "AM") == 0);
  CHECK(parse_epanet_time("12", "PM") == 43200);
  CHECK(parse_epanet_time("12:30", "am") == 1800);
  CHECK(parse_epanet_time("8", "am") == 28800);
  CHECK(parse_epanet_time("6:30", "PM") == 66600);
  CHECK(parse_epanet_time("0.50014") == 1801);  // rounded to the second
  CHECK_FALSE(parse_epanet_time("0:00:00:00").has_value());
  CHECK_FALSE(parse_epanet_time("1:30", "MIN").has_value());  // units go with decimal hours only
  CHECK_FALSE(parse_epanet_time("abc").has_value());
  CHECK_FALSE(parse_epanet_time("-1").has_value());
  CHECK_FALSE(parse_epanet_time("1::30").has_value());
  CHECK_FALSE(parse_epanet_time("13", "PM").has_value());
  CHECK_FALSE(parse_epanet_time("1", "FORTNIGHTS").has_value());
}

TEST_CASE("the time steps are adjusted as EPANET adjusts them") {
  const WaterNetwork net = parse_inp(SMALL + R"(
[TIMES]
 Duration 2 DAYS
 Hydraulic Timestep 2:00
 Pattern Timestep 30 MIN
 Report Timestep 0
 Report Start 72
 Start ClockTime 6:30 PM
)",
                                     "times.inp");
  CHECK(net.times.duration_s == 2 * 86400);
  CHECK(net.times.pattern_step_s == 1800);
  CHECK(net.times.report_step_s == 1800);     // 0: the pattern step
  CHECK(net.times.hydraulic_step_s == 1800);  // no longer than the pattern and report steps
  CHECK(net.times.rule_step_s == 180);        // a tenth of the hydraulic step
  CHECK(net.times.report_start_s == 0);       // after the end: 0
  CHECK(net.times.start_clocktime_s == 18 * 3600 + 1800);
  const WaterNetwork given = parse_inp(SMALL + "[TIMES]\n Rule Timestep 2:00\n", "rule.inp");
  CHECK(given.times.rule_step_s == 3600);  // no longer than the hydraulic step
}

TEST_CASE("controls are read as EPANET reads them") {
  const WaterNetwork net = parse_inp(SMALL + R"(
[CONTROLS]
 LINK L1 CLOSED AT TIME 2:30
 LINK L1 OPEN AT CLOCKTIME 6 PM
 LINK L1 CLOSED IF NODE J2 ABOVE 40
 LINK L1 OPEN AT TIME 0.50014
 LINK L1 OPEN AT TIME 90 MIN
 link L1 0 at clocktime 30
)",
                                     "small.inp");
  REQUIRE(net.controls.size() == 6);
  CHECK(net.controls[0].type == Control::Type::TIMER);
  CHECK(net.controls[0].time_s == 9000);
  CHECK(net.controls[0].status == LinkStatus::CLOSED);
  CHECK(net.controls[1].type == Control::Type::TIME_OF_DAY);
  CHECK(net.controls[1].time_s == 18 * 3600);
  // A junction's pressure of 40 m: its head is its elevation plus 40 m.
  CHECK(net.controls[2].type == Control::Type::HIGH_LEVEL);
  CHECK(net.controls[2].grade_m == doctest::Approx(12 + 40));
  // EPANET truncates a control's time to the second (1800.5 s), where [TIMES] rounds.
  CHECK(net.controls[3].time_s == 1800);
  CHECK(net.controls[4].time_s == 5400);
  // A setting on a pipe; a clock time past midnight wraps.
  CHECK(net.controls[5].has_setting);
  CHECK(net.controls[5].setting == 0.0);
  CHECK(net.controls[5].time_s == 6 * 3600);
}

TEST_CASE("a pump with a POWER is a constant-power pump, and unused curves keep the file's units") {
  const WaterNetwork net = parse_inp(R"(
[JUNCTIONS]
 J 0
[RESERVOIRS]
 R 10
[TANKS]
 T 20 2 1 4 0.0001 0 V
[PIPES]
 P J T 10 100 100
[PUMPS]
 PU R J HEAD H POWER 5
[CURVES]
 H 100 40
 E 100 75
 V 0 0
 V 5 50
[OPTIONS]
 Units CMH
)",
                                     "power.inp");
  const Link& pu = net.links[net.link("PU")];
  CHECK(pu.head_curve == -1);
  CHECK(pu.power_kw == doctest::Approx(5));
  CHECK(net.curves[0].x[0] == 100.0);  // H: not used, as in EPANET once POWER is given
  CHECK(net.curves[1].y[0] == 75.0);   // E: an efficiency curve, say
  // Tank T on volume curve V: its minimum volume read from the curve at 1 m.
  const Node& t = net.nodes[net.node("T")];
  CHECK(net.curves[t.volume_curve].id == "V");
  CHECK(t.min_volume_m3 == doctest::Approx(10));
}

TEST_CASE("options are taken by EPANET's keywords and bounds") {
  const WaterNetwork net = parse_inp(SMALL + R"(
 Accuracy 0.0000001
 Trials 50.7
 Demand Model PDA
 Minimum Pressure 5
 Pressure Exponent 0.6
 Demand Multiplier 0.8
 Quality Chlorine mg/L
 Map net.map
 Pattern
 Unbalanced Continue
 Flowchange 0.5
 Headerror 0.01
)",
                                     "options.inp");
  CHECK(net.options.accuracy == doctest::Approx(1e-5));  // EPANET's lower bound
  CHECK(net.options.max_trials == 50);
  CHECK(net.options.demand_model == DemandModel::PRESSURE_DRIVEN);
  CHECK(net.options.minimum_pressure_m == doctest::Approx(5));
  CHECK(net.options.required_pressure_m == doctest::Approx(5.1));  // follows the minimum, as in EPANET
  CHECK(net.options.pressure_exponent == doctest::Approx(0.6));
  CHECK(net.options.demand_multiplier == doctest::Approx(0.8));
  CHECK(net.options.unbalanced_continue == 0);
  CHECK(net.options.flow_change_m3s == doctest::Approx(0.5 * CFS / 28.317));
  CHECK(net.options.head_error_m == doctest::Approx(0.01));
  CHECK(net.options.default_pattern == -1);  // "Pattern" without a value is ignored, as in EPANET

  CHECK(error_of(SMALL + " Required Pressure 20\n Minimum Pressure 19.95\n") ==
        "net.inp:19: [OPTIONS] MINIMUM PRESSURE 19.95 leaves less than 0.1 below the REQUIRED PRESSURE 20; lower it "
        "or raise the required pressure");
  CHECK(error_of(SMALL + " Minimum Pressure 10\n Required Pressure 5\n") ==
        "net.inp:19: [OPTIONS] REQUIRED PRESSURE 5 must exceed the MINIMUM PRESSURE 10 by at least 0.1; raise it");
}

TEST_CASE("the malformed shared files are refused with the file, the line, the value and the fix") {
  const std::string dir = SOURCE + "/tests/water/malformed/";
  const std::string syntax = error_of_file(dir + "bad_syntax.inp");
  CHECK(syntax.rfind(dir + "bad_syntax.inp:330: [FOO] is not a section of an EPANET file; the sections are "
                           "[TITLE], [JUNCTIONS]",
                     0) == 0);
  const std::string values = error_of_file(dir + "bad_values.inp");
  CHECK(values == dir + "bad_values.inp:56: [PIPES] pipe 'pipe2': start node 'node1' is not defined; declare it in "
                        "[JUNCTIONS], [RESERVOIRS] or [TANKS]");
  const std::string times = error_of_file(dir + "bad_times.inp");
  CHECK(times == dir + "bad_times.inp:324: [TIMES] Pattern Start: '0:00:00:00' is not a time; write hours (1.5), "
                       "h:mm or h:mm:ss, optionally with SEC, MIN, HOURS or DAYS");
  CHECK(error_of_file(dir + "missing.inp") ==
        dir + "missing.inp: cannot open the network file (No such file or directory); check the path");
}

TEST_CASE("other mistakes are named with their line, their value and a suggestion") {
  const std::string base = "[JUNCTIONS]\n J 0\n[RESERVOIRS]\n R 10\n";  // lines 1 to 4
  // An unknown option, with the closest keyword.
  std::string e = error_of(base + "[PIPES]\n P R J 10 100 100\n[OPTIONS]\n Trails 40\n");
  CHECK(e.rfind("net.inp:8: [OPTIONS] unknown option 'Trails' (did you mean TRIALS?); the options are UNITS, ", 0) == 0);
  // An unknown pump keyword, and a misspelt node, with suggestions.
  e = error_of(base + "[CURVES]\n C 10 10\n[PUMPS]\n P R J HEAD C SPED 1\n");
  CHECK(e == "net.inp:8: [PUMPS] pump 'P': unknown keyword 'SPED' (did you mean SPEED?); the keywords are HEAD, "
             "POWER, SPEED and PATTERN");
  e = error_of("[JUNCTIONS]\n Junction1 0\n[RESERVOIRS]\n R 10\n[PIPES]\n P R Junction2 10 100 100\n");
  CHECK(e == "net.inp:6: [PIPES] pipe 'P': end node 'Junction2' is not defined (did you mean 'Junction1'?); declare "
             "it in [JUNCTIONS], [RESERVOIRS] or [TANKS]");
  // A duplicate ID.
  e = error_of(base + " J 5\n");
  CHECK(e == "net.inp:5: [RESERVOIRS] reservoir 'J': the ID is already used by the node at line 2; give each "
             "junction, reservoir and tank its own ID");
  // Too few fields, with the fields expected.
  e = error_of(base + "[PIPES]\n P R J 10\n");
  CHECK(e == "net.inp:6: [PIPES] pipe 'P' has 4 fields where 6 are needed; write ID NODE1 NODE2 LENGTH DIAMETER "
             "ROUGHNESS [MINORLOSS] [OPEN|CLOSED|CV]");
  // A bad number and a negative length, both reported, in line order.
  e = error_of("[PIPES]\n P R J -10 100 100\n[JUNCTIONS]\n J abc\n[RESERVOIRS]\n R 10\n");
  CHECK(e == "net.inp:2: [PIPES] pipe 'P': length -10 must be above 0; correct the value\n"
             "net.inp:4: [JUNCTIONS] junction 'J': elevation 'abc' is not a number; write a number such as 12.5");
  // An undefined pattern, and an unknown section.
  e = error_of(base + "[PATTERNS]\n Day 1 2\n[PUMPS]\n[JUNCTION]\n K 0 0 Dya\n");
  CHECK(e == "net.inp:8: [JUNCTION] is not a section of an EPANET file (did you mean [JUNCTIONS]?); the sections "
             "are [TITLE], [JUNCTIONS], [RESERVOIRS], [TANKS], [PIPES], [PUMPS], [VALVES], [CONTROLS], [DEMANDS], "
             "[EMITTERS], [PATTERNS], [CURVES], [STATUS], [TIMES], [OPTIONS], [COORDINATES], [END], [RULES], "
             "[ENERGY], [QUALITY], [REACTIONS], [SOURCES], [MIXING], [REPORT], [TAGS], [VERTICES], [LABELS], "
             "[BACKDROP], [ROUGHNESS], [LEAKAGE]");
  e = error_of("[JUNCTIONS]\n J 0 1 Dya\n[RESERVOIRS]\n R 10\n[PATTERNS]\n Day 1 2\n");
  CHECK(e == "net.inp:2: [JUNCTIONS] junction 'J': demand pattern 'Dya' is not defined (did you mean 'Day'?); "
             "declare it in [PATTERNS]");
  e = error_of(" J 0\n" + base);
  CHECK(e == "net.inp:1: 'J' comes before any section header; start the file with a section such as [TITLE] or "
             "[JUNCTIONS]");
  // What EPANET would silently turn into something else, or drop.
  e = error_of(base + "[TANKS]\n T 10 1 0 2 0\n");
  CHECK(e == "net.inp:6: [TANKS] tank 'T': diameter 0 would make EPANET take it for a reservoir at its bottom "
             "elevation; give its diameter (any positive number when it has a volume curve), or move it to "
             "[RESERVOIRS]");
  e = error_of(base + "[DEMANDS]\n R 5\n");
  CHECK(e == "net.inp:6: [DEMANDS] reservoir 'R' has a demand, which only junctions have; remove the line or move "
             "the demand to a junction");
  e = error_of(base + "[PUMPS]\n PU R J 100 50\n");
  CHECK(e == "net.inp:6: [PUMPS] pump 'PU': '100' after the nodes is EPANET 1's pump format, which is not read; "
             "write ID NODE1 NODE2 HEAD curve | POWER value [SPEED value] [PATTERN id]");
  e = error_of(base + "[TANKS]\n T 10 3 0 2 5\n");
  CHECK(e == "net.inp:6: [TANKS] tank 'T': levels 3 (initial), 0 (minimum) and 2 (maximum) are out of order; the "
             "initial level must lie between the minimum and the maximum");
  e = error_of(base + "[TANKS]\n T 10 1 0 2 5 0 V\n[CURVES]\n V 0 0\n V 1 10\n");
  CHECK(e == "net.inp:6: [TANKS] tank 'T': its volume curve 'V' does not cover its levels from the minimum to the "
             "maximum; extend the curve");
  // A bad time in a control.
  e = error_of(base + "[PIPES]\n P R J 10 100 100\n[CONTROLS]\n LINK P OPEN AT TIME 1:30:00:00\n");
  CHECK(e == "net.inp:8: [CONTROLS] control of pipe 'P': '1:30:00:00' is not a time; write hours (1.5), h:mm or "
             "h:mm:ss, optionally with SEC, MIN, HOURS or DAYS");
}

TEST_CASE("statuses EPANET refuses are refused with the link and the fix") {
  const std::string base = "[JUNCTIONS]\n J 0\n[RESERVOIRS]\n R 10\n[CURVES]\n C 10 10\n[PIPES]\n P R J 10 100 100\n"
                           " CVP J R 10 100 100 CV\n[PUMPS]\n PU R J HEAD C\n[STATUS]\n";  // STATUS lines from 13
  CHECK(error_of(base + " P HALF\n") ==
        "net.inp:13: [STATUS] pipe 'P': status 'HALF' must be OPEN, CLOSED, ACTIVE (valves) or a setting");
  CHECK(error_of(base + " P 0.5\n") ==
        "net.inp:13: [STATUS] pipe 'P': status '0.5' does not apply; a pipe takes OPEN or CLOSED");
  CHECK(error_of(base + " CVP CLOSED\n") ==
        "net.inp:13: [STATUS] pipe 'CVP' has a check valve, whose status cannot be set; remove the line");
  CHECK(error_of(base + " PU ACTIVE\n") ==
        "net.inp:13: [STATUS] pump 'PU': status 'ACTIVE' does not apply; a pump takes OPEN, CLOSED or a speed");
  CHECK(error_of(base + " PU -1\n") == "net.inp:13: [STATUS] pump 'PU': status -1 is negative; a setting must be at "
                                       "least 0");
  CHECK(error_of(base + " Q OPEN\n") == "net.inp:13: [STATUS] link 'Q' is not defined (did you mean 'P'?); declare "
                                        "it in [PIPES], [PUMPS] or [VALVES]");
}

TEST_CASE("valves EPANET forbids are refused") {
  const std::string base = "[JUNCTIONS]\n A 0\n B 0\n C 0\n[RESERVOIRS]\n R 10\n[PIPES]\n P R A 10 100 100\n[VALVES]\n";
  CHECK(error_of(base + " V R B 100 PRV 10\n") ==
        "net.inp:10: [VALVES] valve 'V': a PRV cannot connect to reservoir 'R'; put a short pipe between them");
  CHECK(error_of(base + " V1 A B 100 PRV 10\n V2 B C 100 PRV 5\n") ==
        "net.inp:11: [VALVES] valve 'V2' shares a node with valve 'V1' in a way EPANET forbids (two PRVs or two "
        "PSVs in series or sharing their regulated node, or a PSV, PRV or FCV regulating against another); put a "
        "pipe between them");
  CHECK(error_of(base + " V1 A B 100 XYZ 10\n") ==
        "net.inp:10: [VALVES] valve 'V1': type 'XYZ' must be PRV, PSV, PBV, FCV, TCV or GPV");
}

TEST_CASE("sections EPANET has but the hydraulics do not use are reported as ignored, with their line") {
  const WaterNetwork net =
      parse_inp(SMALL + "[ENERGY]\n Global Efficiency 75\n Global Price 0\n[RULES]\n[VERTICES]\n L1 1 2\n", "small.inp");
  // [RULES] is empty: not worth a line.
  REQUIRE(net.ignored.size() == 2);
  CHECK(net.ignored[0].name == "[ENERGY]");
  CHECK(net.ignored[0].line == 18);
  CHECK(net.ignored[0].entries == 2);
  CHECK(ignored_report(net) == std::vector<std::string>{
                                   "[ENERGY] at line 18: 2 entries ignored (energy and cost reporting)",
                                   "[VERTICES] at line 22: 1 entry ignored (the drawing of links)"});
}
