// The hydraulic solver against EPANET 2.2 (reference results and the epanet-js oracle) and against theory.
#include "models/water/Hydraulics.hpp"

#include <doctest/doctest.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "TempDir.hpp"
#include "models/water/InpReader.hpp"
#include "outputs/HydraulicsCsv.hpp"

using namespace citytwin::models::water;

namespace {

const std::string SOURCE = CITYTWIN_SOURCE_DIR;

/// A results table: its column names and rows (time first).
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
};

Table read_table(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  Table t;
  std::string line;
  std::getline(in, line);
  std::stringstream header(line);
  for (std::string c; std::getline(header, c, ',');) t.columns.push_back(c);
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::stringstream ss(line);
    for (std::string v; std::getline(ss, v, ',');) row.push_back(std::stod(v));
    t.rows.push_back(row);
  }
  return t;
}

/// Our tables for a network, written by the same writer `citytwin hydraulics --csv` uses.
std::string run_to_csv(const WaterNetwork& net, const std::string& dir) {
  HydraulicModel model(net);
  citytwin::outputs::HydraulicsCsv csv(net, dir);
  simulate(model, [&](const HydraulicRun& run) { csv.record(run); });
  csv.commit();
  return dir;
}

/// The largest difference between two tables of the same layout, and where.
struct Difference {
  double max = 0.0;
  std::string where;
};

Difference compare(const Table& ours, const Table& ref) {
  REQUIRE(ours.columns == ref.columns);
  REQUIRE(ours.rows.size() == ref.rows.size());
  Difference d;
  for (std::size_t r = 0; r < ref.rows.size(); ++r) {
    REQUIRE(ours.rows[r][0] == ref.rows[r][0]);  // the same report times
    for (std::size_t c = 1; c < ref.columns.size(); ++c) {
      const double diff = std::fabs(ours.rows[r][c] - ref.rows[r][c]);
      if (diff > d.max) {
        d.max = diff;
        d.where = ref.columns[c] + " at t = " + std::to_string(static_cast<long long>(ref.rows[r][0])) + " s (ours " +
                  std::to_string(ours.rows[r][c]) + ", EPANET " + std::to_string(ref.rows[r][c]) + ")";
      }
    }
  }
  return d;
}

/// The largest flow difference relative to the flow (with a floor of `floor` in file units).
Difference compare_relative(const Table& ours, const Table& ref, double floor) {
  Difference d;
  for (std::size_t r = 0; r < ref.rows.size(); ++r)
    for (std::size_t c = 1; c < ref.columns.size(); ++c) {
      const double diff = std::fabs(ours.rows[r][c] - ref.rows[r][c]) / std::max(std::fabs(ref.rows[r][c]), floor);
      if (diff > d.max) {
        d.max = diff;
        d.where = ref.columns[c] + " at t = " + std::to_string(static_cast<long long>(ref.rows[r][0])) + " s (ours " +
                  std::to_string(ours.rows[r][c]) + ", EPANET " + std::to_string(ref.rows[r][c]) + ")";
      }
    }
  return d;
}

/// Heads within 0.01 ft (3 mm) of EPANET's reference results at every report time (written by EPANET 2.3; EPANET 2.2
/// gives the same to 1.6e-5 ft); pressures likewise; flows within 0.1%.
void check_against(const std::string& name, const std::string& ref_dir, const std::string& ref_prefix) {
  citytwin::test::TempDir tmp;
  const WaterNetwork net = read_inp(SOURCE + "/scenarios/networks/" + name + ".inp");
  run_to_csv(net, tmp.path.string());
  const double head_tol = 0.01 * 0.3048 / net.units.length_m;  // 0.01 ft in the file's length unit
  const Difference heads = compare(read_table(tmp.path.string() + "/heads.csv"), read_table(ref_dir + ref_prefix + "heads.csv"));
  INFO(name << ": largest head difference " << heads.max << " at " << heads.where);
  CHECK(heads.max <= head_tol);
  const double pressure_tol = head_tol * net.units.length_m / net.units.pressure_m;
  const Difference pressures =
      compare(read_table(tmp.path.string() + "/pressures.csv"), read_table(ref_dir + ref_prefix + "pressures.csv"));
  INFO(name << ": largest pressure difference " << pressures.max << " at " << pressures.where);
  CHECK(pressures.max <= pressure_tol);
  const Difference flows = compare_relative(read_table(tmp.path.string() + "/flows.csv"),
                                            read_table(ref_dir + ref_prefix + "flows.csv"), 1.0);
  INFO(name << ": largest relative flow difference " << flows.max << " at " << flows.where);
  CHECK(flows.max <= 1.0e-3);
  MESSAGE(name << ": heads within " << heads.max << ", pressures within " << pressures.max
               << ", flows within " << flows.max * 100 << "% of EPANET's reference results");
}

WaterNetwork parse(const std::string& text) { return parse_inp(text, "<inline>"); }

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

TEST_CASE("heads on Net1 are EPANET's within 0.01 ft at every report time") {
  check_against("Net1", SOURCE + "/tests/water/reference/", "Net1.");
}

TEST_CASE("heads on Net2 are EPANET's within 0.01 ft at every report time") {
  check_against("Net2", SOURCE + "/tests/water/reference/", "Net2.");
}

TEST_CASE("heads on Net3 are EPANET's within 0.01 ft over its week of pumps, tanks and controls") {
  check_against("Net3", SOURCE + "/tests/water/reference/", "Net3.");
}

TEST_CASE("heads on ky4 are EPANET's within 0.01 ft") {
  check_against("ky4", SOURCE + "/tests/water/reference/", "ky4.");
}

TEST_CASE("Net6 agrees with EPANET 2.2 itself, run by the test through epanet-js") {
  // The oracle: EPANET 2.2's toolkit compiled to WebAssembly (npm package epanet-js 0.9.0, installed by .ci/setup).
  citytwin::test::TempDir tmp;
  const std::string theirs = tmp.path.string() + "/epanet", ours = tmp.path.string() + "/ours";
  const std::string net_file = SOURCE + "/scenarios/networks/Net6.inp";
  const std::string command = "node " + SOURCE + "/tests/water/oracle/epanet_run.mjs " + net_file + " --csv " + theirs +
                              " > " + tmp.path.string() + "/oracle.json 2> " + tmp.path.string() + "/oracle.err";
  const int rc = std::system(command.c_str());
  REQUIRE_MESSAGE(rc == 0, "epanet-js did not run (" << command << "); install it with: npm ci --prefix tests/water/oracle");
  const WaterNetwork net = read_inp(net_file);
  run_to_csv(net, ours);
  const Difference heads = compare(read_table(ours + "/heads.csv"), read_table(theirs + "/heads.csv"));
  INFO("Net6: largest head difference " << heads.max << " ft at " << heads.where);
  CHECK(heads.max <= 0.01);
  const Difference flows = compare(read_table(ours + "/flows.csv"), read_table(theirs + "/flows.csv"));
  const Difference relative =
      compare_relative(read_table(ours + "/flows.csv"), read_table(theirs + "/flows.csv"), 100.0);
  // Flows within 1% (1 GPM below 100 GPM): the tanks' levels differ by up to a few thousandths of a foot where a
  // step that ends as a tank fills is rounded to the other second.
  INFO("Net6: largest flow difference " << flows.max << " GPM at " << flows.where << "; relative " << relative.max
                                        << " at " << relative.where);
  CHECK(relative.max <= 0.01);
  MESSAGE("Net6 (3,356 nodes, 96 h): heads within " << heads.max << " ft of epanet-js, flows within " << flows.max
                                                     << " GPM");
}

TEST_CASE("ky10's valves and constant-power pumps, and L-Town's week in m³/h, agree with EPANET 2.2") {
  for (const std::string name : {"ky10", "L-TOWN"}) {
    CAPTURE(name);
    citytwin::test::TempDir tmp;
    const std::string theirs = tmp.path.string() + "/epanet", ours = tmp.path.string() + "/ours";
    const std::string net_file = SOURCE + "/scenarios/networks/" + name + ".inp";
    const std::string command = "node " + SOURCE + "/tests/water/oracle/epanet_run.mjs " + net_file + " --csv " +
                                theirs + " > /dev/null 2>&1";
    REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "epanet-js did not run: " << command);
    const WaterNetwork net = read_inp(net_file);
    run_to_csv(net, ours);
    const Table ours_heads = read_table(ours + "/heads.csv"), their_heads = read_table(theirs + "/heads.csv");
    const Table their_flows = read_table(theirs + "/flows.csv");
    REQUIRE(ours_heads.rows.size() == their_heads.rows.size());
    // A node whose every link carries no flow (behind a closed valve, fed by a pump that delivers nothing) has
    // no determined head: both solvers return whatever the tiny conductance of closed links leaves there.
    double worst = 0.0;
    int undetermined = 0;
    for (std::size_t r = 0; r < their_heads.rows.size(); ++r) {
      std::vector<bool> carries(net.nodes.size(), false);
      for (std::size_t k = 0; k < net.links.size(); ++k)
        if (std::fabs(their_flows.rows[r][k + 1]) > 1.0e-3) carries[net.links[k].from] = carries[net.links[k].to] = true;
      for (std::size_t i = 0; i < net.nodes.size(); ++i) {
        if (!carries[i]) {
          ++undetermined;
          continue;
        }
        worst = std::max(worst, std::fabs(ours_heads.rows[r][i + 1] - their_heads.rows[r][i + 1]));
      }
    }
    const double tol = 0.01 * 0.3048 / net.units.length_m;
    MESSAGE(name << ": heads within " << worst << " (file units) of epanet-js; " << undetermined
                 << " node-times without flow left out");
    CHECK(worst <= tol);
    // Such nodes are rare (dead ends without demand among them): under 2% of node-times.
    CHECK(undetermined < 0.02 * static_cast<double>(net.nodes.size() * their_heads.rows.size()));
  }
}

TEST_CASE("Darcy-Weisbach and Chezy-Manning head losses agree with EPANET 2.2") {
  // Net3 and Net1 rewritten: the formula changed in [OPTIONS], and each pipe's roughness set for it (0.5 mm
  // for D-W, n = 0.012 for C-M), run here and by epanet-js.
  for (const auto& [formula, roughness] : {std::pair{"D-W", "1.6"}, std::pair{"C-M", "0.012"}}) {
    for (const std::string name : {"Net1", "Net3"}) {
      CAPTURE(name);
      CAPTURE(formula);
      std::ifstream in(SOURCE + "/scenarios/networks/" + name + ".inp");
      std::stringstream out;
      std::string line, section;
      while (std::getline(in, line)) {
        std::stringstream ss(line);
        std::vector<std::string> tok;
        for (std::string t; ss >> t;) tok.push_back(t);
        if (!tok.empty() && tok[0].front() == '[') section = tok[0];
        if (section == "[PIPES]" && tok.size() >= 6 && tok[0].front() != ';' && tok[0].front() != '[') {
          tok[5] = roughness;
          line.clear();
          for (const auto& t : tok) line += t + " ";
        }
        if (section == "[OPTIONS]" && !tok.empty() && upper(tok[0]) == "HEADLOSS")
          line = std::string(" Headloss ") + formula;
        out << line << "\n";
      }
      citytwin::test::TempDir tmp;
      const std::string net_file = tmp.write("net.inp", out.str());
      const std::string theirs = tmp.path.string() + "/epanet", ours = tmp.path.string() + "/ours";
      const std::string command = "node " + SOURCE + "/tests/water/oracle/epanet_run.mjs " + net_file + " --csv " +
                                  theirs + " > /dev/null 2>&1";
      REQUIRE_MESSAGE(std::system(command.c_str()) == 0, "epanet-js did not run: " << command);
      const WaterNetwork net = read_inp(net_file);
      REQUIRE(net.options.headloss == (std::string(formula) == "D-W" ? HeadLossFormula::DARCY_WEISBACH
                                                                     : HeadLossFormula::CHEZY_MANNING));
      run_to_csv(net, ours);
      const Difference heads = compare(read_table(ours + "/heads.csv"), read_table(theirs + "/heads.csv"));
      INFO(name << " with " << formula << ": largest head difference " << heads.max << " ft at " << heads.where);
      CHECK(heads.max <= 0.01);
    }
  }
}

TEST_CASE("a single pipe loses the head the Hazen-Williams formula gives") {
  // 1000 m of 300 mm pipe, C = 120, carrying 50 L/s from a reservoir at 100 m.
  const WaterNetwork net = parse(R"(
[JUNCTIONS]
 J  0  50
[RESERVOIRS]
 R  100
[PIPES]
 P  R  J  1000  300  120
[OPTIONS]
 Units LPS
 Headloss H-W
[END]
)");
  HydraulicModel model(net);
  HydraulicRun run(model);
  const SolveInfo info = run.solve();
  CHECK(info.converged);
  // h = k L Q^1.852 / (C^1.852 d^4.871): EPANET's k = 4.727 in feet is 10.674 in SI (the textbook's 10.67).
  const double q = 50.0 * net.units.flow_m3s;
  const double k = 4.727 * std::pow(0.3048, 4.871 - 3 * 1.852);
  CHECK(k == doctest::Approx(10.67).epsilon(1e-3));
  const double hl = k * 1000.0 * std::pow(q, 1.852) / std::pow(120.0, 1.852) / std::pow(0.3, 4.871);
  CHECK(run.flows_m3s()[0] == doctest::Approx(q).epsilon(1e-9));
  CHECK(100.0 - run.heads_m()[net.node("J")] == doctest::Approx(hl).epsilon(1e-6));
}

TEST_CASE("flow is conserved at every junction of Net3 at every step") {
  const WaterNetwork net = read_inp(SOURCE + "/scenarios/networks/Net3.inp");
  HydraulicModel model(net);
  double worst = 0.0;
  simulate(model, [&](const HydraulicRun& run) {
    std::vector<double> balance(net.nodes.size(), 0.0);
    for (std::size_t k = 0; k < net.links.size(); ++k) {
      if (run.statuses()[k] <= HydraulicStatus::CLOSED) continue;
      balance[net.links[k].from] -= run.flows_m3s()[k];
      balance[net.links[k].to] += run.flows_m3s()[k];
    }
    for (int i = 0; i < model.junctions(); ++i)
      worst = std::max(worst, std::fabs(balance[i] - run.demands_m3s()[i]));
  });
  // Within the solver's accuracy of 0.001 of the total flow (about 0.5 m³/s in Net3).
  CHECK(worst < 1.0e-4);
}

TEST_CASE("a tank's volume follows the flow into it until it is full, then takes no more") {
  // A reservoir fills a 10 m wide tank past a junction; levels integrate the inflow step by step.
  const WaterNetwork net = parse(R"(
[JUNCTIONS]
 J  0  2
[RESERVOIRS]
 R  50
[TANKS]
 T  0  1  0.5  20  10
[PIPES]
 P1  R  J  250  200  130
 P2  J  T  250  200  130
[TIMES]
 Duration 8:00
 Hydraulic Timestep 0:15
[OPTIONS]
 Units LPS
[END]
)");
  HydraulicModel model(net);
  HydraulicRun run(model);
  const int tank = net.node("T");
  const double area = std::numbers::pi * 10.0 * 10.0 / 4.0;
  const double vmax = area * 20.0;
  double expected = run.tank_volume_m3(tank);
  bool filled = false;
  std::int64_t step = 0;
  do {
    run.solve();
    const double inflow = run.demands_m3s()[tank];
    if (filled) {
      // Full: the pipe into it is closed for now and the level stays at its maximum.
      CHECK(run.statuses()[net.link("P2")] == HydraulicStatus::TEMP_CLOSED);
      CHECK(run.heads_m()[tank] == doctest::Approx(20.0));
    } else {
      CHECK(inflow > 0.0);
    }
    step = run.advance();
    expected += inflow * static_cast<double>(step);
    if (!filled && expected + inflow < vmax) {
      CHECK(run.tank_volume_m3(tank) == doctest::Approx(expected).epsilon(1e-12));
      CHECK(run.heads_m()[tank] == doctest::Approx(run.tank_volume_m3(tank) / area).epsilon(1e-12));
    } else if (!filled) {
      // The step was shortened to end when the tank fills.
      CHECK(run.tank_volume_m3(tank) == doctest::Approx(vmax).epsilon(1e-12));
      filled = true;
    }
  } while (step > 0);
  CHECK(filled);
}

TEST_CASE("a pressure-reducing valve holds its downstream pressure") {
  const WaterNetwork net = parse(R"(
[JUNCTIONS]
 A  0  0
 B  0  20
[RESERVOIRS]
 R  80
[PIPES]
 P1  R  A  100  300  130
 P2  B  C  100  300  130
[JUNCTIONS]
 C  0  5
[VALVES]
 V  A  B  300  PRV  30
[OPTIONS]
 Units LPS
[END]
)");
  HydraulicModel model(net);
  HydraulicRun run(model);
  CHECK(run.solve().converged);
  CHECK(run.statuses()[net.link("V")] == HydraulicStatus::ACTIVE);
  CHECK(run.pressure_m(net.node("B")) == doctest::Approx(30.0 * net.units.pressure_m).epsilon(1e-6));
  CHECK(run.flows_m3s()[net.link("V")] == doctest::Approx(25.0 * net.units.flow_m3s).epsilon(1e-6));
}

TEST_CASE("a pump delivers the head of its curve at its flow") {
  // Single-point curve: EPANET's fit h = 4/3 h1 − (4/3 h1 / (2 q1)²) q² through (q1, h1).
  const WaterNetwork net = parse(R"(
[JUNCTIONS]
 J  10  30
[RESERVOIRS]
 R  0
[PIPES]
 P  PJ  J  200  250  130
[JUNCTIONS]
 PJ  0  0
[PUMPS]
 Pump  R  PJ  HEAD  C1
[CURVES]
 C1  40  50
[OPTIONS]
 Units LPS
[END]
)");
  HydraulicModel model(net);
  HydraulicRun run(model);
  CHECK(run.solve().converged);
  const double q = run.flows_m3s()[net.link("Pump")];
  CHECK(q == doctest::Approx(30.0 * net.units.flow_m3s).epsilon(1e-6));
  const double q1 = 40 * net.units.flow_m3s, h1 = 50 * net.units.length_m, h0 = 1.33334 * h1;
  const double c = std::log(h0 / (h0 - h1)) / std::log(2.0);
  const double gain = h0 - (h0 - h1) * std::pow(q / q1, c);
  CHECK(run.heads_m()[net.node("PJ")] - run.heads_m()[net.node("R")] == doctest::Approx(gain).epsilon(1e-6));
}

TEST_CASE("a junction behind a closed pipe gets no water: its pressure collapses") {
  const WaterNetwork net = parse(R"(
[JUNCTIONS]
 A  0  10
[RESERVOIRS]
 R  50
[PIPES]
 P  R  A  100  200  130  0  CLOSED
[END]
)");
  HydraulicModel model(net);
  HydraulicRun run(model);
  // A closed pipe keeps a tiny conductance (as in EPANET): the system solves, with A's demand unmet.
  const SolveInfo info = run.solve();
  CHECK(info.iterations >= 1);
  CHECK(run.pressure_m(net.node("A")) < -1000.0);
}

TEST_CASE("a leak is an orifice at its pipe's midpoint: Cd A sqrt(2 g p) leaves there") {
  const WaterNetwork net = parse(R"(
[JUNCTIONS]
 A  10  5
 B  12  5
[RESERVOIRS]
 R  60
[PIPES]
 P1  R  A  400  200  120
 P2  A  B  600  150  120
[OPTIONS]
 Units LPS
[END]
)");
  HydraulicModel model(net, {net.link("P2")});
  REQUIRE(model.leak_count() == 1);
  const int site = model.leak_node(0);
  CHECK(model.solved().nodes[site].id == "P2#leak");
  CHECK(model.solved().nodes[site].elevation_m == doctest::Approx(11.0));
  CHECK(model.solved().links[net.link("P2")].length_m == doctest::Approx(300.0));
  HydraulicRun run(model);

  // Closed, the split pipe behaves as the whole one.
  HydraulicModel plain(net);
  HydraulicRun reference(plain);
  reference.solve();
  run.solve();
  CHECK(run.leak_flow_m3s(0) == 0.0);
  CHECK(run.heads_m()[model.node(net.node("B"))] == doctest::Approx(reference.heads_m()[net.node("B")]).epsilon(1e-9));

  // A 2 cm hole: the orifice law at the solved pressure, and the water balance.
  const double area = std::numbers::pi * 0.02 * 0.02 / 4;
  run.set_leak_area(0, area);
  CHECK(run.solve().converged);
  const double p = run.pressure_m(site);
  CHECK(p > 0.0);
  const double expected = 0.75 * area * std::sqrt(2 * 9.80665 * p);
  CHECK(run.leak_flow_m3s(0) == doctest::Approx(expected).epsilon(1e-6));
  const double supplied = run.flows_m3s()[net.link("P1")];
  CHECK(supplied == doctest::Approx(10.0 * net.units.flow_m3s + run.leak_flow_m3s(0)).epsilon(1e-6));
  // The leak lowers the pressure downstream; closing it restores the network.
  CHECK(run.heads_m()[model.node(net.node("B"))] < reference.heads_m()[net.node("B")] - 0.1);
  run.set_leak_area(0, 0.0);
  run.solve();
  CHECK(run.heads_m()[model.node(net.node("B"))] == doctest::Approx(reference.heads_m()[net.node("B")]).epsilon(1e-9));
}

TEST_CASE("leak sites change nothing while closed, even on a network with tanks, pumps and controls") {
  const WaterNetwork net = read_inp(SOURCE + "/scenarios/networks/Net3.inp");
  HydraulicModel plain(net);
  HydraulicModel sited(net, {net.link("101"), net.link("329"), net.link("40")});
  std::vector<std::vector<double>> a, b;
  simulate(plain, [&](const HydraulicRun& r) { a.push_back(r.heads_m()); });
  simulate(sited, [&](const HydraulicRun& r) {
    std::vector<double> h;
    for (std::size_t i = 0; i < net.nodes.size(); ++i) h.push_back(r.heads_m()[sited.node(static_cast<int>(i))]);
    b.push_back(h);
  });
  REQUIRE(a.size() == b.size());
  double worst = 0.0;
  for (std::size_t t = 0; t < a.size(); ++t)
    for (std::size_t i = 0; i < net.nodes.size(); ++i) worst = std::max(worst, std::fabs(a[t][i] - b[t][i]));
  CHECK(worst < 1.0e-6);
}

TEST_CASE("the linear response of the heads and flows is what a small leak does, and it is symmetric") {
  const WaterNetwork net = read_inp(std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/networks/Net3.inp");
  const int pipe = net.link("145");
  HydraulicModel model(net, {pipe});
  HydraulicRun run(model);
  CHECK_THROWS_AS(run.head_sensitivity(0), std::logic_error);  // nothing solved yet
  run.solve();
  const int site = model.leak_node(0);
  const std::vector<double> at_site = run.head_sensitivity(site);
  // A 5 mm hole: every junction's head change against the response times its outflow.
  HydraulicRun leaking(run);
  leaking.set_leak_area(0, std::numbers::pi * 0.005 * 0.005 / 4);
  REQUIRE(leaking.solve().converged);
  const double q = leaking.leak_flow_m3s(0);
  REQUIRE(q > 1e-4);
  int compared = 0;
  for (int j = 0; j < model.junctions(); ++j) {
    const double actual = leaking.heads_m()[static_cast<std::size_t>(j)] - run.heads_m()[static_cast<std::size_t>(j)];
    if (std::fabs(actual) < 1e-3) continue;
    CHECK(at_site[static_cast<std::size_t>(j)] * q == doctest::Approx(actual).epsilon(0.05));
    ++compared;
  }
  CHECK(compared > 10);
  // A link's flow change from its ends' head changes.
  const int link = net.link("20");
  const Link& l = model.solved().links[static_cast<std::size_t>(link)];
  auto dh = [&](int node) { return node < model.junctions() ? at_site[static_cast<std::size_t>(node)] * q : 0.0; };
  const double dq = leaking.flows_m3s()[static_cast<std::size_t>(link)] - run.flows_m3s()[static_cast<std::size_t>(link)];
  CHECK(run.flow_gradient(link) * (dh(l.from) - dh(l.to)) == doctest::Approx(dq).epsilon(0.05));
  // Symmetry: the head at a responds to an outflow at b as the head at b to one at a.
  const int a = model.node(net.node("101")), b = model.node(net.node("241"));
  CHECK(run.head_sensitivity(a)[static_cast<std::size_t>(b)] ==
        doctest::Approx(run.head_sensitivity(b)[static_cast<std::size_t>(a)]).epsilon(1e-9));
  CHECK(run.tank_area_m2(model.node(net.node("1"))) > 0.0);
}
