// Tests of the public-safety model: hearing against its odds, exact location through the whole chain,
// reports and responses, placement, privacy of what sensors emit, determinism, golden trace, errors.
#include "models/PublicSafety.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <numbers>
#include <string>

#include "ModelRuns.hpp"
#include "SameResults.hpp"
#include "models/City.hpp"
#include "sim/Experiment.hpp"
#include "sim/Scenario.hpp"
#include "sim/Statistics.hpp"

using namespace citytwin;

namespace {

using testing::model_registry;
using testing::kpi_of;
using testing::table_of;

std::unique_ptr<models::PublicSafetyModel> model_of(const std::string& yaml, const std::vector<std::string>& set = {}) {
  sim::Scenario s = sim::Scenario::load_string(yaml, "city.yaml", model_registry(), set);
  return std::make_unique<models::PublicSafetyModel>(
      models::PublicSafetyParams::from_scenario(s.variants()[0].params, s.variants()[0].directory));
}

sim::ReplicationResults run_one(const models::PublicSafetyModel& m, std::uint32_t replication = 0) {
  sim::ReplicationContext ctx;
  ctx.seed = m.params().seed;
  ctx.replication = replication;
  return m.run(ctx);
}

/// Shots only, in a grid town of 1.5 km, with 12 microphones placed by the optimiser and no one calling.
const char* SHOTS = R"(
model: public_safety
seed: 5
duration: 120d
streets: {source: grid, columns: 16, rows: 16, block: 100m}
crime:
  gunfire: {rate: 3/day, theta: 0, report_probability: 0}
microphones: {count: 12, placement_samples: 600}
sensor_network: {kind: wired}
police: {station: [750m, 750m], background_incident_rate: 0/h}
command_centre: {background_work_rate: 0/h}
citizens: {false_report_rate: 0/day}
)";

}  // namespace

TEST_CASE("simulated shots are heard by three or more microphones as often as their hearing odds say") {
  auto m = model_of(SHOTS);
  REQUIRE(m->microphones().size() == 12);
  sim::ReplicationResults r = run_one(*m);
  const sim::EventTable& crimes = table_of(r, "crimes");
  const auto& x = crimes.column(crimes.column_index("x_m"));
  const auto& y = crimes.column(crimes.column_index("y_m"));
  const auto& heard = crimes.column(crimes.column_index("heard_by"));
  const models::PublicSafetyParams& p = m->params();
  // P(at least 3 hear) given the shot's place: the microphones hear independently given the shot's level,
  // which is normal; integrate over it (Poisson-binomial at each level, 81 nodes over +- 4 sd).
  double expected = 0.0, variance = 0.0, observed = 0.0;
  for (std::size_t i = 0; i < crimes.rows(); ++i) {
    double prob = 0.0, wsum = 0.0;
    for (int k = -40; k <= 40; ++k) {
      double z = k / 10.0, w = std::exp(-0.5 * z * z);
      double level = p.gunshot_level_db + z * p.gunshot_level_sd_db;
      std::vector<double> dist(m->microphones().size() + 1, 0.0);  // P(exactly n hear)
      dist[0] = 1.0;
      for (const sim::Point& mic : m->microphones()) {
        double q = p.acoustics.hearing_probability(level, std::hypot(mic.x_m - x[i], mic.y_m - y[i]),
                                                   p.microphone_threshold_db);
        for (std::size_t n = dist.size() - 1; n > 0; --n) dist[n] = dist[n] * (1 - q) + dist[n - 1] * q;
        dist[0] *= 1 - q;
      }
      prob += w * (1.0 - dist[0] - dist[1] - dist[2]);
      wsum += w;
    }
    prob /= wsum;
    expected += prob;
    variance += prob * (1 - prob);
    observed += heard[i] >= 3;
  }
  MESSAGE(crimes.rows() << " shots: " << observed << " heard by 3 or more, " << expected << " expected");
  CHECK(crimes.rows() > 300);
  CHECK(std::abs(observed - expected) < 4.0 * std::sqrt(variance));
  CHECK(kpi_of(r, "gunfire_heard_by_3_share") == doctest::Approx(observed / static_cast<double>(crimes.rows())));
}

TEST_CASE("with exact acoustics every shot heard by three microphones not in a line is located within a metre") {
  // No obstacles, no blocked paths, one level for every shot, no clock error, a sure classifier, and the
  // solver knows the air's temperature: who hears a shot is fixed by distance, and the arrivals are exact.
  auto m = model_of(SHOTS, {"acoustics.excess_attenuation_sd_db=0", "acoustics.nlos_distance=1000000km",
                            "acoustics.timing_jitter=0s", "acoustics.temperature_daily_range=0",
                            "acoustics.air_temperature=15", "acoustics.gunshot_level_sd_db=0",
                            "acoustics.gunfire_logit=10", "detection.assumed_air_temperature=15",
                            "detection.timing_sigma=0.1ms"});
  const models::PublicSafetyParams& p = m->params();
  sim::ReplicationResults r = run_one(*m);
  const sim::EventTable& crimes = table_of(r, "crimes");
  const auto& x = crimes.column(crimes.column_index("x_m"));
  const auto& y = crimes.column(crimes.column_index("y_m"));
  const auto& heard = crimes.column(crimes.column_index("heard_by"));
  const auto& error = crimes.column(crimes.column_index("location_error_m"));
  std::size_t fixed = 0, in_line = 0;
  for (std::size_t i = 0; i < crimes.rows(); ++i) {
    // The microphones in range, and whether they all stand in one line.
    std::vector<sim::Point> hearing;
    for (const sim::Point& mic : m->microphones())
      if (p.acoustics.free_field_db(p.gunshot_level_db, std::hypot(mic.x_m - x[i], mic.y_m - y[i])) -
              p.acoustics.excess_attenuation_db >= p.microphone_threshold_db)
        hearing.push_back(mic);
    REQUIRE(hearing.size() == heard[i]);
    if (hearing.size() < 3) continue;
    bool line = true;
    for (std::size_t k = 2; k < hearing.size(); ++k) {
      double cross = (hearing[1].x_m - hearing[0].x_m) * (hearing[k].y_m - hearing[0].y_m) -
                     (hearing[1].y_m - hearing[0].y_m) * (hearing[k].x_m - hearing[0].x_m);
      line = line && std::abs(cross) < 1e-6;
    }
    CAPTURE(i);
    if (line) {
      ++in_line;
      CHECK(std::isnan(error[i]));  // mirror images fit alike: no fix
    } else {
      ++fixed;
      CHECK(error[i] < 1.0);
    }
  }
  MESSAGE(fixed << " shots located, " << in_line << " heard only by microphones in a line");
  CHECK(fixed > 250);
  CHECK(kpi_of(r, "gunfire_alerts_unlocated") == static_cast<double>(in_line));
}

TEST_CASE("a crime reported by everyone is always detected, and the police reach it after the call") {
  const char* text = R"(
model: public_safety
seed: 9
duration: 60d
streets: {source: grid, columns: 12, rows: 12, block: 100m}
crime:
  robbery: {rate: 2/day, theta: 0, report_probability: 1, report_delay: 2min, at_shop_share: 0}
police: {station: [550m, 550m], units: 20, background_incident_rate: 0/h}
command_centre:
  operators: 10
  background_work_rate: 0/h
  reports: {duration: 1min, dispatch_if_real: 1}
citizens: {false_report_rate: 0/day, location_error: 0m}
)";
  auto m = model_of(text);
  sim::ReplicationResults r = run_one(*m);
  CHECK(kpi_of(r, "robbery_detected_share") == 1.0);
  CHECK(kpi_of(r, "robbery_detection_delay_mean_s") == doctest::Approx(120.0));
  // Call, one minute of triage, turnout, the drive: never under 4 minutes, never over the drive across town.
  const sim::EventTable& crimes = table_of(r, "crimes");
  const auto& t = crimes.column(crimes.column_index("t_s"));
  const auto& reached = crimes.column(crimes.column_index("reached_s"));
  for (std::size_t i = 0; i < crimes.rows(); ++i) {
    CHECK(reached[i] - t[i] >= 240.0 - 1e-6);
    CHECK(reached[i] - t[i] <= 240.0 + 1100.0 / (30 / 3.6) * 2);
  }
  CHECK(kpi_of(r, "false_alarms_per_day") == 0.0);
}

TEST_CASE("the optimiser's microphones hear more shots than random ones") {
  auto greedy = model_of(SHOTS);
  auto random = model_of(SHOTS, {"microphones.placement=random"});
  CHECK(greedy->plan().chosen.value > random->plan().chosen.value);
  CHECK(greedy->plan().heard_by_3_share > random->plan().heard_by_3_share);
}

TEST_CASE("the results file states what each kind of sensor emits, and no camera emits images") {
  auto m = model_of(std::string(SHOTS) + "cameras: {sites: [[500m, 500m]]}\n");
  std::vector<sim::EventTable> layout = m->layout();
  const sim::EventTable* data = nullptr;
  for (const auto& t : layout)
    if (t.name() == "sensor_data") data = &t;
  REQUIRE(data);
  const auto& kind = data->text_column(data->column_index("sensor"));
  const auto& never = data->text_column(data->column_index("never_emits"));
  const auto& emits = data->text_column(data->column_index("emits"));
  for (std::size_t i = 0; i < data->rows(); ++i) {
    CAPTURE(kind[i]);
    CHECK(emits[i].find("image") == std::string::npos);
    if (kind[i] == "counting_camera" || kind[i] == "video_analytics") CHECK(never[i].find("images") != std::string::npos);
    if (kind[i] == "microphone") CHECK(never[i].find("audio") != std::string::npos);
  }
}

TEST_CASE("the bundled scenario is bit-identical with 1 and 2 threads") {
  std::string path = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/aguascalientes-public-safety.yaml";
  sim::Scenario s = sim::Scenario::load_file(path, model_registry(), {"duration=40d", "warmup=2d", "replications=2",
                                                                "sweep.police.units=[3]"});
  sim::ExperimentSettings one, two;
  one.threads = 1;
  two.threads = 2;
  sim::RunResults a = sim::run_experiment(s, models::build_model, one);
  sim::RunResults b = sim::run_experiment(s, models::build_model, two);
  REQUIRE(a.variants.size() == 4);
  testing::check_same_results(a, b);
}

TEST_CASE("the bundled scenario's first events match its golden trace") {
  // Regenerate after an intended change of the model with CITYTWIN_UPDATE_GOLDEN=1.
  std::string name = "aguascalientes-public-safety";
  std::string path = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/" + name + ".yaml";
  std::string golden = std::string(CITYTWIN_SOURCE_DIR) + "/tests/models/golden/" + name + ".trace";
  sim::Scenario s = sim::Scenario::load_file(path, model_registry());
  const sim::Variant& v = s.variants()[4];  // 20 microphones, 3 units
  REQUIRE(v.label == "20 microphones | police.units=3");
  models::PublicSafetyModel m(models::PublicSafetyParams::from_scenario(v.params, v.directory));
  std::vector<std::string> trace;
  sim::ReplicationContext ctx;
  ctx.seed = s.seed();
  m.run_traced(ctx, trace, 80);
  REQUIRE(trace.size() == 80);
  testing::check_golden_trace(trace, golden);
}

TEST_CASE("a public-safety scenario that cannot run is refused with what to change") {
  auto error_of = [](const std::string& yaml) -> std::string {
    try {
      sim::Scenario s = sim::Scenario::load_string(yaml, "city.yaml", model_registry());
      models::build_model(s.variants()[0]);
    } catch (const sim::ScenarioError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(error_of("model: public_safety\nduration: 1d\ncrime: {gunfire: {}}\n").find("needs a 'streets' section") !=
        std::string::npos);
  CHECK(error_of("model: public_safety\nduration: 1d\nstreets: {}\ncrime: {}\n").find("no crime type is written") !=
        std::string::npos);
  CHECK(error_of("model: public_safety\nduration: 1d\nstreets: {}\ncrime: {gunfire: {}}\nmicrophones: {placement: given}\n")
            .find("placement 'given' needs the sites") != std::string::npos);
  CHECK(error_of("model: public_safety\nduration: 1d\nstreets: {}\ncrime: {gunfire: {}}\nplatform: {}\n") ==
        "city.yaml:5:1: error: at 'platform': the model 'public_safety' does not read this section (it reads streets, "
        "zones, crime, impulses, acoustics, microphones, cameras, shop_buttons, citizens, alert_network, "
        "sensor_network, detection, command_centre, police, live); remove it, or choose a model that reads it (model: "
        "shop_alerts)");
  CHECK(error_of("model: public_safety\nduration: 1d\nstreets: {}\ncrime: {gunfire: {theta: 0.99}}\n")
            .find("at 'crime.gunfire.theta': 0.99 is too large; it must be at most 0.95") != std::string::npos);
}
