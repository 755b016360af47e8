// Tests of the shop-alert chain: Erlang-C and Little's law validation, determinism, golden trace.
#include "models/ShopAlertChain.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "TempDir.hpp"
#include "ModelRuns.hpp"
#include "SameResults.hpp"
#include "models/City.hpp"
#include "sim/Experiment.hpp"
#include "sim/Scenario.hpp"

using namespace citytwin;

namespace {

using testing::model_registry;
using testing::summary_of;

/// A variant's mean of a KPI.
double kpi(const sim::VariantResults& v, const std::string& name) { return summary_of(v, name).mean; }


// The operator stage alone: Poisson alerts (flat profiles, one press each, no delay, no loss), exponential
// call-backs, no other work, no abandonment, no dispatch.
const char* MMC_SCENARIO = R"(
name: mmc
seed: 11
replications: 16
duration: 40d
warmup: 1d
shops:
  count: 100
  aggression_rate: 0.54/h
  hourly_profile: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]
  weekly_profile: [1,1,1,1,1,1,1]
  false_alarm_rate: 0/year
  reaction: 0s
  press_probability: 1
  extra_presses_mean: 0
alert_network: {delay: 0s, loss_probability: 0}
detection: {merge_window: 0s}
platform:
  operators: 2
  call_duration: {dist: exponential, mean: 2min}
  abandon_after: 0s
  confirm_probability: 0
  false_dispatch_probability: 0
  background_call_rate: 0/h
police: {background_incident_rate: 0/h}
)";

/// Erlang's C formula: the probability that an arrival waits in an M/M/c queue with offered load a = λ/μ.
double erlang_c(int c, double a) {
  double term = 1.0, sum = 0.0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  double top = term * c / (c - a);  // a^c / c! * c / (c - a)
  return top / (sum + top);
}

sim::RunResults run(const char* text, const std::vector<std::string>& overrides, unsigned threads = 0) {
  return testing::run_scenario(text, threads, overrides);
}

}  // namespace

TEST_CASE("the operator stage matches Erlang C for M/M/c queues up to a load of 0.9") {
  // (operators, load per operator): the arrival rate per shop is set so that λ = ρ c μ with μ = 1/(2 min).
  const std::pair<int, double> cases[] = {{1, 0.5}, {2, 0.7}, {2, 0.9}, {3, 0.8}};
  for (auto [c, rho] : cases) {
    double mu_per_min = 0.5, lambda_per_min = rho * c * mu_per_min;
    double per_shop_per_h = lambda_per_min * 60.0 / 100.0;
    std::ostringstream rate;
    rate.precision(17);
    rate << "shops.aggression_rate=" << per_shop_per_h << "/h";
    sim::RunResults r = run(MMC_SCENARIO, {rate.str(), "platform.operators=" + std::to_string(c)});
    const sim::KpiSummary& w = summary_of(r.variants[0], "alert_wait_mean_s");
    double theory_s = 60.0 * erlang_c(c, lambda_per_min / mu_per_min) / (c * mu_per_min - lambda_per_min);
    MESSAGE("M/M/" << c << " at rho " << rho << ": Erlang C wait " << theory_s << " s, simulated " << w.mean
                    << " ± " << w.half_width << " s");
    CHECK(std::fabs(w.mean - theory_s) <= w.half_width);
    // Utilisation is the offered load per operator.
    const sim::KpiSummary& u = summary_of(r.variants[0], "operator_utilisation");
    CHECK(std::fabs(u.mean - rho) <= std::max(u.half_width, 0.005));
  }
}

TEST_CASE("Little's law holds on the alert queue: L = λ W in every replication") {
  sim::RunResults r = run(MMC_SCENARIO, {"replications=4"});
  for (const auto& rep : r.variants[0].replications) {
    double l = 0, lambda_per_h = 0, w_s = 0;
    for (const auto& k : rep.kpis) {
      if (k.name == "alert_queue_mean") l = k.value;
      if (k.name == "alert_rate_per_h") lambda_per_h = k.value;
      if (k.name == "alert_wait_mean_s") w_s = k.value;
    }
    CAPTURE(rep.replication);
    CHECK(l == doctest::Approx(lambda_per_h / 3600.0 * w_s).epsilon(0.02));
  }
}

TEST_CASE("results are bit-identical whatever the thread count, on streets and over LoRaWAN too") {
  const char* name = "roanne-shop-alerts.yaml";
  SUBCASE("straight lines, generic network") {}
  SUBCASE("Aguascalientes streets, LoRaWAN") { name = "aguascalientes-shop-alerts.yaml"; }
  CAPTURE(name);
  std::string path = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/" + name;
  sim::Scenario s = sim::Scenario::load_file(path, model_registry(), {"duration=30d", "warmup=1d", "replications=3"});
  sim::ExperimentSettings one, two;
  one.threads = 1;
  two.threads = 2;
  sim::RunResults a = sim::run_experiment(s, models::build_model, one);
  sim::RunResults b = sim::run_experiment(s, models::build_model, two);
  testing::check_same_results(a, b);
}

TEST_CASE("replication k is the same run whether 1 or 5 replications are run") {
  std::string path = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/roanne-shop-alerts.yaml";
  auto events_of_first = [&](const char* n) {
    sim::Scenario s = sim::Scenario::load_file(path, model_registry(), {"duration=20d", "warmup=0s", std::string("replications=") + n});
    sim::RunResults r = sim::run_experiment(s, models::build_model, {});
    return r.variants[1].replications[0];
  };
  sim::ReplicationResults a = events_of_first("1"), b = events_of_first("5");
  CHECK(a.events == b.events);
  for (std::size_t i = 0; i < a.kpis.size(); ++i) CHECK(std::memcmp(&a.kpis[i].value, &b.kpis[i].value, sizeof(double)) == 0);
}

TEST_CASE("the bundled scenarios' first events match their golden traces") {
  // Regenerate after an intended change of the model with CITYTWIN_UPDATE_GOLDEN=1.
  std::string name = "roanne-shop-alerts";
  SUBCASE("Roanne") {}
  SUBCASE("Aguascalientes") { name = "aguascalientes-shop-alerts"; }
  CAPTURE(name);
  std::string path = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/" + name + ".yaml";
  std::string golden = std::string(CITYTWIN_SOURCE_DIR) + "/tests/models/golden/" + name + ".trace";
  sim::Scenario s = sim::Scenario::load_file(path, model_registry());
  auto model = std::make_unique<models::ShopAlertModel>(
      models::ShopAlertParams::from_scenario(s.variants()[0].params, s.variants()[0].directory));
  std::vector<std::string> trace;
  sim::ReplicationContext ctx;
  ctx.seed = s.seed();
  ctx.replication = 0;
  model->run_traced(ctx, trace, 60);
  REQUIRE(trace.size() == 60);
  testing::check_golden_trace(trace, golden);
}

TEST_CASE("more operators shorten the time to call-back and more units the time to police arrival") {
  std::string path = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/roanne-shop-alerts.yaml";
  sim::Scenario s = sim::Scenario::load_file(path, model_registry(), {"duration=120d", "replications=6"});
  sim::RunResults r = sim::run_experiment(s, models::build_model, {});
  REQUIRE(r.variants.size() == 4);
  CHECK(kpi(r.variants[1], "callback_time_mean_s") < kpi(r.variants[0], "callback_time_mean_s"));
  CHECK(kpi(r.variants[2], "police_arrival_time_mean_s") < kpi(r.variants[0], "police_arrival_time_mean_s"));
  CHECK(kpi(r.variants[2], "unit_utilisation") < kpi(r.variants[0], "unit_utilisation"));
}

TEST_CASE("a scenario without a section the chain needs is refused before it runs") {
  const char* text = R"(
duration: 1d
shops: {}
platform: {}
police: {}
detection: {}
)";
  sim::Scenario s = sim::Scenario::load_string(text, "partial.yaml", model_registry());
  try {
    models::build_model(s.variants()[0]);
    FAIL("expected an error");
  } catch (const sim::ScenarioError& e) {
    CHECK(std::string(e.what()).find("needs the 'alert_network' section") != std::string::npos);
  }
}

// A grid town where the only police unit is always back at the station before the next alert.
static const char* const GRID_SCENARIO = R"(
name: grid
seed: 5
replications: 2
duration: 60d
warmup: 0s
streets: {source: grid, columns: 12, rows: 10, block: 180m, arterial_every: 4, one_way_fraction: 0.3}
shops:
  count: 40
  aggression_rate: 0.5/week
  false_alarm_rate: 0/year
  press_probability: 1
  extra_presses_mean: 0
alert_network: {delay: 0s, loss_probability: 0}
platform: {operators: 3, confirm_probability: 1, background_call_rate: 0/h, abandon_after: 0s}
detection: {}
police: {units: 1, station: [1km, 0.9km], turnout: 1min, on_site: 5min, background_incident_rate: 0/h}
)";

TEST_CASE("on streets the police take the fastest route: arrival = dispatch + turnout + street travel time") {
  sim::Scenario s = sim::Scenario::load_string(GRID_SCENARIO, "grid.yaml", model_registry());
  models::ShopAlertModel model(models::ShopAlertParams::from_scenario(s.variants()[0].params, "."));
  REQUIRE(model.router() != nullptr);
  models::TravelTimes travel(*model.router());
  sim::ReplicationContext ctx;
  ctx.seed = s.seed();
  sim::ReplicationResults r = model.run(ctx);
  const sim::EventTable& alerts = r.tables.at(0);
  REQUIRE(alerts.name() == "alerts");
  const auto& shop = alerts.column(alerts.column_index("shop"));
  const auto& dispatched = alerts.column(alerts.column_index("callback_end_s"));
  const auto& arrival = alerts.column(alerts.column_index("police_arrival_s"));
  std::size_t checked = 0;
  double previous_arrival = -1e9;
  for (std::size_t i = 0; i < alerts.rows(); ++i) {
    if (std::isnan(arrival[i])) continue;
    // Only when the unit has surely finished the previous job and driven back (under an hour here).
    if (dispatched[i] > previous_arrival + 3600.0) {
      const models::Place& place = model.shop_places()[static_cast<std::size_t>(shop[i])];
      double expected = 60.0 + travel.between(model.station().street, place.street);
      CAPTURE(i);
      CHECK(arrival[i] - dispatched[i] == doctest::Approx(expected).epsilon(1e-6));
      ++checked;
    }
    previous_arrival = arrival[i];
  }
  CHECK(checked > 10);
  // And the travel differs from the straight line: the streets are a grid, some of it one-way.
  double straight = 0.0, street = 0.0;
  for (const models::Place& p : model.shop_places()) {
    street += travel.between(model.station().street, p.street);
    straight += std::hypot(p.point.x_m - model.station().point.x_m, p.point.y_m - model.station().point.y_m) /
                (30.0 / 3.6);
  }
  CHECK(street > 1.1 * straight);
}

TEST_CASE("a button out of LoRaWAN range never reaches the platform, and a second gateway brings buttons in") {
  std::string path = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/aguascalientes-shop-alerts.yaml";
  sim::Scenario s = sim::Scenario::load_file(path, model_registry(), {"duration=120d", "warmup=0s", "replications=4"});
  sim::RunResults r = sim::run_experiment(s, models::build_model, {});
  REQUIRE(r.variants.size() == 4);
  // Every press of an uncovered button is lost for want of coverage, and only those are.
  auto uncovered_checks = [](const sim::VariantResults& v) {
    const sim::EventTable* shops = nullptr;
    for (const auto& t : v.layout)
      if (t.name() == "shops") shops = &t;
    REQUIRE(shops != nullptr);
    const auto& covered = shops->column(shops->column_index("covered"));
    std::size_t uncovered = 0;
    for (double c : covered) uncovered += c == 0.0;
    for (const auto& rep : v.replications)
      for (const auto& t : rep.tables) {
        if (t.name() != "messages") continue;
        const auto& device = t.column(t.column_index("device"));
        const auto& cause = t.column(t.column_index("cause"));
        for (std::size_t i = 0; i < t.rows(); ++i) {
          bool in_range = covered[static_cast<std::size_t>(device[i])] == 1.0;
          CHECK((cause[i] == static_cast<double>(models::LossCause::NO_COVERAGE)) == !in_range);
        }
      }
    return uncovered;
  };
  std::size_t one = uncovered_checks(r.variants[0]), two = uncovered_checks(r.variants[2]);
  CHECK(one > 0);
  CHECK(two < one);
  // Fewer aggressions go unheard with two gateways; more units arrive sooner; the second gateway costs.
  CHECK(kpi(r.variants[2], "aggressions_unheard") < kpi(r.variants[0], "aggressions_unheard"));
  CHECK(kpi(r.variants[2], "alert_network_delivery_ratio") > kpi(r.variants[0], "alert_network_delivery_ratio"));
  CHECK(kpi(r.variants[1], "police_arrival_time_mean_s") < kpi(r.variants[0], "police_arrival_time_mean_s"));
  CHECK(kpi(r.variants[2], "alert_network_capex_eur") == 2 * kpi(r.variants[0], "alert_network_capex_eur"));
}

TEST_CASE("a missing map is refused before the run, naming the file") {
  std::string text = std::string(GRID_SCENARIO);
  text.replace(text.find("{source: grid"), std::string("{source: grid").size(), "{source: osm, file: no-such-map.osm.pbf");
  sim::Scenario s = sim::Scenario::load_string(text, "maps.yaml", model_registry());
  try {
    models::build_model(s.variants()[0]);
    FAIL("expected an error");
  } catch (const sim::ScenarioError& e) {
    CHECK(std::string(e.what()).find("no-such-map.osm.pbf") != std::string::npos);
  }
}

TEST_CASE("with zones, shops are drawn by the zones' activity and placed on the nearest street") {
  // Two zones in the grid town's metres: the west half nine times as active as the east half.
  test::TempDir dir;
  dir.write("zones.geojson", R"({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "west", "activity": 9},
     "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [990, 0], [990, 1620], [0, 1620], [0, 0]]]}},
    {"type": "Feature", "properties": {"name": "east", "activity": 1},
     "geometry": {"type": "Polygon", "coordinates": [[[990, 0], [1980, 0], [1980, 1620], [990, 1620], [990, 0]]]}}]})");
  auto west_share = [&](const std::string& extra) {
    sim::Scenario s = sim::Scenario::load_string(std::string(GRID_SCENARIO) + extra, (dir.path / "zones.yaml").string(),
                                                 model_registry(), {"shops.count=400"});
    models::ShopAlertModel model(models::ShopAlertParams::from_scenario(s.variants()[0].params,
                                                                        s.variants()[0].directory));
    double west = 0;
    for (const models::Place& p : model.shop_places()) {
      REQUIRE(p.street.edge != models::StreetEdge::NO_EDGE);
      west += p.point.x_m < 990.0 ? 1 : 0;
    }
    return west / static_cast<double>(model.shop_places().size());
  };
  double uniform = west_share(""), zoned = west_share("zones: {file: zones.geojson}\n");
  CHECK(uniform == doctest::Approx(0.5).epsilon(0.15));
  CHECK(zoned == doctest::Approx(0.9).epsilon(0.05));
  // A zones section without its file is refused by the schema.
  CHECK_THROWS_WITH_AS(sim::Scenario::load_string(std::string(GRID_SCENARIO) + "zones: {weight: population}\n",
                                                  "nofile.yaml", model_registry()),
                       doctest::Contains("file"), sim::ScenarioError);
}
