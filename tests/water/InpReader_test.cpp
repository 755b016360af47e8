// Reading EPANET input files: real networks, units, EPANET's rules, and the messages for malformed files.
#include "models/water/InpReader.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "sim/Scenario.hpp"

using namespace citytwin::models::water;

namespace {

const std::string SOURCE = CITYTWIN_SOURCE_DIR;
constexpr double FT = 0.3048;
constexpr double CFS = FT * FT * FT;

/// The message a malformed text gets.
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

const char* SMALL = R"(
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
[END]
)";

}  // namespace

TEST_CASE("the shared networks read with the counts of their files") {
  // Counts taken from the files' sections by hand (awk over the non-comment lines).
  struct Expected {
    const char* name;
    int junctions, reservoirs, tanks, pipes, pumps, valves;
  };
  const Expected nets[] = {{"Net1", 9, 1, 1, 12, 1, 0},       {"Net2", 35, 0, 1, 40, 0, 0},
                           {"Net3", 92, 2, 3, 117, 2, 0},     {"ky4", 959, 1, 4, 1156, 2, 0},
                           {"Net6", 3323, 1, 32, 3829, 61, 2}, {"ky10", 920, 2, 13, 1043, 13, 5},
                           {"L-TOWN", 782, 2, 1, 905, 1, 3}};
  for (const Expected& e : nets) {
    CAPTURE(e.name);
    const WaterNetwork net = read_inp(SOURCE + "/scenarios/networks/" + e.name + ".inp");
    CHECK(count(net, NodeKind::JUNCTION) == e.junctions);
    CHECK(count(net, NodeKind::RESERVOIR) == e.reservoirs);
    CHECK(count(net, NodeKind::TANK) == e.tanks);
    CHECK(count(net, LinkKind::PIPE) + count(net, LinkKind::CV_PIPE) == e.pipes);
    CHECK(count(net, LinkKind::PUMP) == e.pumps);
    CHECK(static_cast<int>(net.links.size()) - e.pipes - e.pumps == e.valves);
    // EPANET's order: junctions first.
    for (int i = 0; i < e.junctions; ++i) CHECK(net.nodes[i].kind == NodeKind::JUNCTION);
  }
}

TEST_CASE("Net1's values come out in SI by EPANET's factors") {
  const WaterNetwork net = read_inp(SOURCE + "/scenarios/networks/Net1.inp");
  CHECK(net.units.flow == FlowUnits::GPM);
  CHECK(net.units.us_customary);
  // Pipe 10: 10530 ft of 18 in pipe, C = 100, from junction 10 to junction 11.
  const Link& p10 = net.links[net.link("10")];
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
  // Tank 2: elevation 850, levels 120 / 100 / 150, diameter 50.5 ft.
  const Node& t2 = net.nodes[net.node("2")];
  CHECK(t2.kind == NodeKind::TANK);
  CHECK(t2.elevation_m == doctest::Approx(850 * FT));
  CHECK(t2.init_level_m == doctest::Approx(120 * FT));
  CHECK(t2.min_level_m == doctest::Approx(100 * FT));
  CHECK(t2.max_level_m == doctest::Approx(150 * FT));
  CHECK(t2.diameter_m == doctest::Approx(50.5 * FT));
  // Pump 9 on curve 1: one point, 1500 GPM at 250 ft.
  const Link& pump = net.links[net.link("9")];
  CHECK(pump.kind == LinkKind::PUMP);
  REQUIRE(pump.head_curve >= 0);
  const Curve& c = net.curves[pump.head_curve];
  REQUIRE(c.x.size() == 1);
  CHECK(c.x[0] == doctest::Approx(1500 / 448.831 * CFS));
  CHECK(c.y[0] == doctest::Approx(250 * FT));
  // LINK 9 OPEN IF NODE 2 BELOW 110: a head of 850 + 110 ft.
  REQUIRE(net.controls.size() == 2);
  CHECK(net.controls[0].type == Control::Type::LOW_LEVEL);
  CHECK(net.controls[0].grade_m == doctest::Approx((850 + 110) * FT));
  CHECK(net.controls[1].type == Control::Type::HIGH_LEVEL);
  CHECK(net.options.default_pattern == 0);
  CHECK(net.times.duration_s == 24 * 3600);
  CHECK(net.times.pattern_step_s == 2 * 3600);
  // Psi to metres of head at specific gravity 1: 1 psi = 1 / 0.4333 ft.
  CHECK(net.units.pressure_m == doctest::Approx(FT / 0.4333));
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
  // 5 L/s through EPANET's 28.317 L/s per cfs.
  CHECK(net.nodes[net.node("J1")].demands[0].base_m3s == doctest::Approx(5 / 28.317 * CFS));
  CHECK(net.nodes[net.node("J1")].demands[0].base_m3s == doctest::Approx(0.005).epsilon(1e-4));
  // A pattern continued on a second line.
  CHECK(net.patterns[0].multipliers == std::vector<double>{1.0, 1.2, 0.8});
  CHECK(net.options.default_pattern == -1);  // no pattern "1"
  // L-TOWN is in m³/h.
  const WaterNetwork lt = read_inp(SOURCE + "/scenarios/networks/L-TOWN.inp");
  CHECK(lt.units.flow == FlowUnits::CMH);
  CHECK(lt.units.flow_m3s == doctest::Approx(CFS / 101.94));
}

TEST_CASE("[DEMANDS] replaces a junction's demand, then adds categories") {
  const WaterNetwork net = parse_inp(std::string(SMALL) + R"(
[DEMANDS]
 J1  2  P1  ;homes
 J1  3      ;shops
)",
                                     "small.inp");
  const Node& j1 = net.nodes[net.node("J1")];
  REQUIRE(j1.demands.size() == 2);
  CHECK(j1.demands[0].base_m3s == doctest::Approx(2 / 28.317 * CFS));
  CHECK(j1.demands[0].category == "homes");
  CHECK(j1.demands[1].pattern == -1);
  CHECK(j1.demands[1].category == "shops");
}

TEST_CASE("times take EPANET's formats") {
  CHECK(parse_epanet_time("1.5") == 5400);
  CHECK(parse_epanet_time("1:30") == 5400);
  CHECK(parse_epanet_time("1:05") == 3900);
  CHECK(parse_epanet_time("0:00:30") == 30);
  CHECK(parse_epanet_time("90", "MIN") == 5400);
  CHECK(parse_epanet_time("30", "SECONDS") == 30);
  CHECK(parse_epanet_time("2", "DAYS") == 172800);
  CHECK(parse_epanet_time("12", "AM") == 0);
  CHECK(parse_epanet_time("12", "PM") == 43200);
  CHECK(parse_epanet_time("8", "am") == 28800);
  CHECK(parse_epanet_time("6:30", "PM") == 66600);
  CHECK_FALSE(parse_epanet_time("0:00:00:00").has_value());
  CHECK_FALSE(parse_epanet_time("abc").has_value());
  CHECK_FALSE(parse_epanet_time("13", "PM").has_value());
  CHECK_FALSE(parse_epanet_time("1", "FORTNIGHTS").has_value());
}

TEST_CASE("the malformed shared files are refused with the line, the value and the fix") {
  const std::string dir = SOURCE + "/tests/water/malformed/";
  const std::string syntax = error_of_file(dir + "bad_syntax.inp");
  CHECK(syntax.find("bad_syntax.inp:330:") != std::string::npos);
  CHECK(syntax.find("unknown section [FOO]") != std::string::npos);
  CHECK(syntax.find("the sections of an EPANET file are") != std::string::npos);
  const std::string values = error_of_file(dir + "bad_values.inp");
  CHECK(values.find("bad_values.inp:56: [PIPES] link 'pipe2': start node 'node1' is not defined") != std::string::npos);
  CHECK(values.find("declare it in [JUNCTIONS], [RESERVOIRS] or [TANKS]") != std::string::npos);
  const std::string times = error_of_file(dir + "bad_times.inp");
  CHECK(times.find("bad_times.inp:324: [TIMES] '0:00:00:00' is not a time; write hours (1.5), h:mm or h:mm:ss") !=
        std::string::npos);
  CHECK(error_of_file(dir + "missing.inp").find("missing.inp: cannot open the network file") != std::string::npos);
}

TEST_CASE("other mistakes are named with their line and a suggestion") {
  // An unknown option with a suggestion (keywords match by their first letters, as in EPANET: 'Unitz' is UNITS).
  std::string e = error_of("[JUNCTIONS]\n J 0\n[RESERVOIRS]\n R 10\n[PIPES]\n P R J 10 100 100\n[OPTIONS]\n Trails 40\n");
  CHECK(e == "net.inp:8: [OPTIONS] unknown option 'Trails' (did you mean TRIALS?); see EPANET's manual for the "
             "[OPTIONS] keywords");
  // A duplicate ID.
  e = error_of("[JUNCTIONS]\n J 0\n J 5\n");
  CHECK(e == "net.inp:3: [JUNCTIONS] node 'J' is already defined at line 2; give each junction, reservoir and tank "
             "its own ID");
  // Too few fields.
  e = error_of("[JUNCTIONS]\n J 0\n[RESERVOIRS]\n R 10\n[PIPES]\n P R J 10\n");
  CHECK(e.find("net.inp:6: [PIPES] 'P' has 4 fields where 6 are needed; write ID NODE1 NODE2 LENGTH DIAMETER "
               "ROUGHNESS") != std::string::npos);
  // A bad number and a negative length, both reported, in line order.
  e = error_of("[JUNCTIONS]\n J abc\n[RESERVOIRS]\n R 10\n[PIPES]\n P R J -10 100 100\n");
  CHECK(e == "net.inp:2: [JUNCTIONS] elevation: 'abc' is not a number; write a number such as 12.5\n"
             "net.inp:6: [PIPES] length: -10 must be above 0; correct the value");
  // A bad status, a misspelt node with a suggestion, an unknown pump keyword.
  e = error_of("[JUNCTIONS]\n Junction1 0\n[RESERVOIRS]\n R 10\n[PIPES]\n P R Junction2 10 100 100\n");
  CHECK(e.find("start node") == std::string::npos);
  CHECK(e.find("end node 'Junction2' is not defined (did you mean 'Junction1'?)") != std::string::npos);
  e = error_of("[JUNCTIONS]\n J 0\n[RESERVOIRS]\n R 10\n[PIPES]\n P R J 10 100 100\n[STATUS]\n P HALF\n");
  CHECK(e == "net.inp:8: [STATUS] link 'P': status 'HALF' must be OPEN, CLOSED, ACTIVE or a setting");
  e = error_of("[JUNCTIONS]\n J 0\n[RESERVOIRS]\n R 10\n[CURVES]\n C 10 10\n[PUMPS]\n P R J HEAD C SPED 1\n");
  CHECK(e.find("net.inp:8: [PUMPS] pump 'P': unknown keyword 'SPED' (did you mean SPEED?)") != std::string::npos);
}

TEST_CASE("sections EPANET has but the hydraulics do not use are reported as ignored") {
  const WaterNetwork net = parse_inp(std::string(SMALL) + "[ENERGY]\n Global Efficiency 75\n[RULES]\n", "small.inp");
  // [RULES] is empty: not worth a line.
  REQUIRE(net.ignored.size() == 1);
  CHECK(net.ignored[0].name == "[ENERGY]");
  CHECK(net.ignored[0].entries == 1);
  const auto report = ignored_report(net);
  REQUIRE(report.size() == 1);
  CHECK(report[0] == "[ENERGY] at line 19: 1 entry ignored (pump energy and costs)");
}

TEST_CASE("controls are read as EPANET reads them") {
  const WaterNetwork net = parse_inp(std::string(SMALL) + R"(
[CONTROLS]
 LINK L1 CLOSED AT TIME 2:30
 LINK L1 OPEN AT CLOCKTIME 6 PM
 LINK L1 CLOSED IF NODE J2 ABOVE 40
)",
                                     "small.inp");
  REQUIRE(net.controls.size() == 3);
  CHECK(net.controls[0].type == Control::Type::TIMER);
  CHECK(net.controls[0].time_s == 9000);
  CHECK(net.controls[0].status == LinkStatus::CLOSED);
  CHECK(net.controls[1].type == Control::Type::TIME_OF_DAY);
  CHECK(net.controls[1].time_s == 18 * 3600);
  // A junction's pressure of 40 m: its head is its elevation plus 40 m.
  CHECK(net.controls[2].type == Control::Type::HIGH_LEVEL);
  CHECK(net.controls[2].grade_m == doctest::Approx(12 + 40));
}
