// Tests of the flood model family: scenario errors, a storm that floods the site warned of with lead time, the
// streets it closes and reopens, placement against the MILP optimum, stochastic years, determinism.
#include "models/Floods.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "ModelRuns.hpp"
#include "SameResults.hpp"
#include "sim/Scenario.hpp"

using namespace citytwin;
using namespace citytwin::testing;

namespace {

// The site drainage model under a 100-year design storm (Chicago's 10-year curve, heavier), under a grid of streets
// 100 m apart; no gauges, then four placed by lead time.
const char* SITE = R"(
name: site
model: floods
seed: 3
replications: 2
duration: 1d
drainage_model: {file: scenarios/drainage/Site_Drainage_Model.inp}
storms: {source: design, idf_a: 2500, duration: 2h, step: 5min}
flood_gauges: {count: 0}
sensor_network: {kind: generic, delay: 5s, loss_probability: 0}
streets: {source: grid, columns: 6, rows: 6, block: 100m, arterial_every: 0}
flood_streets: {closure_radius: 60m, stations: [[0m, 0m]]}
options:
  - name: none
  - name: four
    set: {flood_gauges.count: 4}
)";

sim::RunResults run(const std::string& text, unsigned threads = 2, const std::vector<std::string>& overrides = {}) {
  return run_scenario(text, threads, overrides);
}


std::string error_of(const std::string& text, std::vector<std::string> overrides = {}) {
  try {
    run(text, 1, std::move(overrides));
  } catch (const sim::ScenarioError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a flood scenario names what is wrong in it") {
  CHECK(error_of("name: x\nmodel: floods\nduration: 1d\n").find("needs the 'drainage_model' section") !=
        std::string::npos);
  CHECK(error_of(SITE, {"storms.shape=pulse"}).find("at 'storms.shape': 'pulse' is for stochastic storms") !=
        std::string::npos);
  CHECK(error_of(SITE, {"flood_gauges.placement=listed", "flood_gauges.nodes=J1, J99"})
            .find("at 'flood_gauges.nodes': 'J99' is no node of scenarios/drainage/Site_Drainage_Model.inp") !=
        std::string::npos);
  CHECK(error_of(SITE, {"storms.idf_c=1"}).find("at 'storms': c = 1.000000 must lie strictly between 0 and 1") !=
        std::string::npos);
  CHECK(error_of(SITE, {"storms.duration=7000s"}).find("at 'storms.duration': 7000 s is not a whole number of steps") !=
        std::string::npos);
  CHECK(error_of(SITE, {"drainage_model.file=scenarios/drainage/Inlet_Drains_Model.inp",
                        "drainage_model.routing=dynwave"})
            .find("at 'drainage_model.routing': ") != std::string::npos);
  CHECK(error_of(SITE, {"flood_streets.stations=[]"}).find("at 'flood_streets.stations': give at least one station") !=
        std::string::npos);
}

TEST_CASE("a storm that floods the site is missed without gauges, warned of with lead time by four, and closes streets "
          "that reopen") {
  const sim::RunResults r = run(SITE);
  REQUIRE(r.variants.size() == 2);
  const sim::ReplicationResults& none = r.variants[0].replications[0];
  const sim::ReplicationResults& four = r.variants[1].replications[0];
  REQUIRE(kpi_of(none, "floods") >= 1);
  CHECK(kpi_of(none, "missed_floods") == kpi_of(none, "floods"));
  CHECK(kpi_of(none, "flooded_volume_m3") > 0.0);
  // The same storm in both options; every flood warned before it starts.
  CHECK(kpi_of(four, "floods") == kpi_of(none, "floods"));
  CHECK(kpi_of(four, "floods_warned_share") == 1.0);
  CHECK(kpi_of(four, "lead_time_mean_min") > 0.0);
  const sim::EventTable& floods = table_of(four, "floods");
  for (double lead : floods.column(floods.column_index("lead_s"))) CHECK(lead > 0.0);
  // Streets near the flooded node close for the flood and reopen after it; addresses are cut off meanwhile.
  const sim::EventTable& closures = table_of(none, "closures");
  REQUIRE(closures.rows() >= 1);
  const std::vector<double>& closed = closures.column(closures.column_index("closed_s"));
  const std::vector<double>& reopened = closures.column(closures.column_index("reopened_s"));
  for (std::size_t i = 0; i < closures.rows(); ++i) CHECK(reopened[i] > closed[i]);
  for (double m : closures.column(closures.column_index("length_m"))) CHECK(m > 0.0);
  CHECK(kpi_of(none, "streets_closed_km_h") > 0.0);
  CHECK(kpi_of(none, "addresses_cut_off_max_share") + kpi_of(none, "detour_mean_s") > 0.0);
}

TEST_CASE("greedy gauges on the site give at least (1 - 1/e) of the MILP optimum's lead time, and beat one gauge") {
  const sim::Scenario s = sim::Scenario::load_string(SITE, "test.yaml", model_registry());
  const models::FloodParams p = models::FloodParams::from_scenario(s.variants()[0].params, ".");
  std::vector<models::FloodEvent> events;
  for (double a : {1800.0, 2500.0, 3200.0}) {
    models::FloodParams q = p;
    q.idf.a = a;
    events.push_back(models::simulate_storm(q, models::drainage::chicago_storm(q.idf, 7200, 300, 0.4), 0));
  }
  std::vector<int> candidates;
  for (std::size_t n = 0; n < p.model->nodes.size(); ++n)
    if (p.model->nodes[n].kind != models::drainage::NodeKind::OUTFALL) candidates.push_back(static_cast<int>(n));
  const models::PlacementProblem problem = models::lead_time_problem(p, events, candidates);
  REQUIRE(problem.samples() >= 3);
  const models::Placement one = models::place_greedy(problem, 1), greedy = models::place_greedy(problem, 2);
  const models::ExactPlacement exact = models::place_exact(problem, 2);
  CHECK(exact.optimal);
  CHECK(greedy.value >= (1.0 - 1.0 / std::exp(1.0)) * exact.best.value - 1e-12);
  CHECK(greedy.value <= exact.best.value + 1e-12);
  CHECK(greedy.value >= one.value);
  const double min = static_cast<double>(p.max_lead_s) / 60.0;
  MESSAGE("site: " << problem.samples() << " floods, mean best lead " << greedy.value * min
                   << " min of the greedy 2 gauges, optimum " << exact.best.value * min);
  // Events that share a clock are each read on their own: a storm twice over is worth what it is worth once.
  const models::PlacementProblem once = models::lead_time_problem(p, {events[1]}, candidates);
  const models::PlacementProblem twice = models::lead_time_problem(p, {events[1], events[1]}, candidates);
  REQUIRE(twice.samples() == 2 * once.samples());
  CHECK(models::place_greedy(twice, 1).value == doctest::Approx(models::place_greedy(once, 1).value));
  CHECK(models::place_greedy(once, 1).value > 0.0);
  // A lead is at most max_lead: values are shares of it.
  CHECK(exact.best.value <= 1.0);
}

TEST_CASE("a design storm given as a rain record floods the site as the design storm does") {
  const models::drainage::Hyetograph storm =
      models::drainage::chicago_storm({10.0, 2500.0, 9.56, 0.81}, 7200, 300, 0.4);
  std::string csv = "time_s,RainGage\n";
  for (std::size_t k = 0; k < storm.intensity_m_per_s.size(); ++k) {
    char row[64];
    std::snprintf(row, sizeof row, "%zu,%.12g\n", 300 * (k + 1), storm.intensity_m_per_s[k] * 300 * 1000);
    csv += row;
  }
  const auto path = std::filesystem::temp_directory_path() / "citytwin-floods-record.csv";
  std::ofstream(path) << csv;
  const sim::RunResults design = run(SITE, 1, {"replications=1"});
  const sim::RunResults record = run(SITE, 1, {"replications=1", "storms.source=record", "storms.file=" + path.string()});
  const sim::ReplicationResults &d = design.variants[0].replications[0], &r = record.variants[0].replications[0];
  REQUIRE(kpi_of(d, "floods") >= 1);
  CHECK(kpi_of(r, "floods") == kpi_of(d, "floods"));
  // (The runoff's adaptive integration answers the record's 12 digits to within its own tolerance.)
  CHECK(kpi_of(r, "flooded_volume_m3") == doctest::Approx(kpi_of(d, "flooded_volume_m3")).epsilon(0.01));
  // A record that misses the model's rain gage is refused.
  const auto other = std::filesystem::temp_directory_path() / "citytwin-floods-other.csv";
  std::ofstream(other) << "time_s,Elsewhere\n300,1\n";
  CHECK(error_of(SITE, {"storms.source=record", "storms.file=" + other.string()})
            .find("column 'Elsewhere' names no rain gage") != std::string::npos);
}

TEST_CASE("a run shorter than its storm, a moving storm, alternating blocks and dynamic wave run through") {
  for (const std::vector<std::string>& set :
       {std::vector<std::string>{"duration=2h"}, {"storms.speed=10m/s", "storms.heading=45"},
        {"storms.shape=alternating_block"}, {"drainage_model.routing=dynwave"}}) {
    CAPTURE(set.front());
    const sim::RunResults r = run(SITE, 1, set);
    CHECK(kpi_of(r.variants[1].replications[0], "floods") >= 1);
  }
}

TEST_CASE("a stochastic year floods the site now and then; gauges warn of it, and false warnings are counted") {
  const sim::RunResults r =
      run(SITE, 2,
          {"duration=365d", "storms.source=stochastic", "storms.mean_dry=4d", "storms.mean_duration=2h",
           "storms.mean_intensity=8", "storms.tail=3h", "replications=1"});
  const sim::ReplicationResults& none = r.variants[0].replications[0], &four = r.variants[1].replications[0];
  // About a storm every 4 days and 2 hours.
  CHECK(kpi_of(four, "storms") > 60);
  CHECK(kpi_of(four, "storms") < 110);
  // Both options see the same storms and floods; four gauges warn of nearly all, and cry wolf now and then.
  CHECK(kpi_of(none, "storms") == kpi_of(four, "storms"));
  REQUIRE(kpi_of(none, "floods") >= 1);
  CHECK(kpi_of(none, "missed_floods") == kpi_of(none, "floods"));
  CHECK(kpi_of(four, "floods_warned_share") >= 0.8);
  CHECK(kpi_of(four, "lead_time_mean_min") > 1.0);
  CHECK(kpi_of(four, "false_warnings_per_year") > 0.0);
  CHECK(kpi_of(four, "false_warnings_per_year") < 100.0);
  CHECK(kpi_of(none, "false_warnings") == 0);
}

TEST_CASE("the same flood scenario gives the same results bit for bit, on one thread or several") {
  const sim::RunResults one = run(SITE, 1), two = run(SITE, 2);
  testing::check_same_results(one, two);
}
