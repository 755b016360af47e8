// The water-leak model family: its parameters, its sensors' network, its replications and their prices.
#include "models/WaterLeaks.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>
#include <limits>
#include <map>
#include <utility>

#include "models/NetworkCarrier.hpp"
#include "models/placement/PlacementProblem.hpp"
#include "models/water/InpReader.hpp"
#include "models/water/SensorPlacement.hpp"
#include "sim/Params.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Scenario.hpp"
#include "sim/Simulation.hpp"

namespace citytwin::models {

using sim::Json;
using sim::ParamType;

namespace {

constexpr double YEAR_S = 365.0 * 86400.0;

std::vector<sim::ParamSpec> network_specs() {
  using sim::param;
  return {
      param("file", ParamType::STRING, "", Json(),
            "The EPANET input file (.inp) of the network, relative to the scenario file."),
      param("coordinate_unit", ParamType::DISTANCE, "m", "1m",
            "What one unit of the file's coordinates measures, for the sensors' radio links.").at_least(1e-6),
      param("demand_cv", ParamType::NUMBER, "", 0.1,
            "Consumers' hourly variation around their demand patterns (coefficient of variation).").between(0, 1),
      param("background_leakage", ParamType::NUMBER, "m3/km/day", 0.5,
            "Background leakage of the pipes at 50 m of pressure, spread over the junctions as emitters.")
          .between(0, 1000),
      param("interval", ParamType::DURATION, "s", "5min",
            "Hydraulic step, and the sampling interval of the pressure, flow and level sensors.").between(60, 3600),
  };
}

std::vector<sim::ParamSpec> leak_specs() {
  using sim::param;
  return {
      param("rate", ParamType::RATE, "1/year", "24/year",
            "New leaks a year (Poisson), each on its own pipe between two junctions.").at_least(0),
      param("abrupt_share", ParamType::NUMBER, "", 0.4, "Share of leaks that are bursts; the rest grow.").between(0, 1),
      param("min_diameter_mm", ParamType::NUMBER, "mm", 8.0, "Smallest orifice diameter drawn (uniform).")
          .between(0.1, 500),
      param("max_diameter_mm", ParamType::NUMBER, "mm", 20.0, "Largest orifice diameter drawn.").between(0.1, 500),
      param("min_growth", ParamType::DURATION, "s", "7d", "Shortest time an incipient leak takes to its peak."),
      param("max_growth", ParamType::DURATION, "s", "90d", "Longest time an incipient leak takes to its peak."),
      param("burst_found_after", ParamType::DURATION, "s", "3d",
            "Without detection, a burst surfaces or is reported and repaired this long after it starts.")
          .at_least(3600),
      param("incipient_found_after", ParamType::DURATION, "s", "120d",
            "Without detection, an incipient leak is found (a survey, a complaint) and repaired this long after it "
            "starts.")
          .at_least(3600),
      param("repair_after", ParamType::DURATION, "s", "1d",
            "From the detector's alert to the repair (pinpointing and the crew's work)."),
  };
}

std::vector<sim::ParamSpec> sensor_specs() {
  using sim::param;
  return {
      param("pressure", ParamType::INTEGER, "", 10, "Pressure sensors on junctions.").between(0, 100000),
      sim::choice("placement", {"spread", "greedy"}, "spread",
                  "Where the pressure sensors go: spread (each the farthest from those chosen) or greedy (the "
                  "junctions that see the most simulated leaks, as 'citytwin place NET.inp' chooses them)."),
      param("meters", ParamType::INTEGER, "", 5, "Smart meters (hourly) on the largest consumers.").between(0, 100000),
      param("pressure_sensor_cost", ParamType::NUMBER, "EUR", 1500.0,
            "Purchase and installation of a pressure sensor (a logger in a hydrant or a valve chamber).").at_least(0),
      param("pressure_sensor_cost_per_year", ParamType::NUMBER, "EUR", 150.0,
            "Its yearly upkeep: battery, calibration, platform licence.").at_least(0),
      param("meter_cost", ParamType::NUMBER, "EUR", 150.0, "Making a consumer's meter a smart meter.").at_least(0),
      param("meter_cost_per_year", ParamType::NUMBER, "EUR", 10.0, "Its yearly upkeep.").at_least(0),
  };
}

std::vector<sim::ParamSpec> detection_specs() {
  using sim::param;
  return {
      param("enabled", ParamType::BOOLEAN, "", true,
            "Whether the leak-detection core runs; without it every leak is found the old way."),
      param("training", ParamType::DURATION, "s", "21d",
            "The core learns its residuals over this first part of the run (warm-up included); leaks start after it.")
          .at_least(86400),
      param("warmup", ParamType::DURATION, "s", "8d",
            "Left out of training while the network settles from its initial state."),
      param("threshold", ParamType::NUMBER, "", 25.0, "CUSUM threshold, in standard deviations of the statistic.")
          .between(0.1, 1e6),
      param("drift", ParamType::NUMBER, "", 0.5, "CUSUM drift per window, in standard deviations.").between(0, 100),
      sim::choice("pumps", {"controls", "meters"}, "controls",
                  "How the core's model runs pumps that have a flow meter: by the file's controls, or on and off as "
                  "their meters read (SCADA)."),
      sim::choice("signatures", {"simulated", "linear"}, "simulated",
                  "How candidate leaks' signatures are computed: an hour simulated per candidate, or from the nominal "
                  "solution's linear response (far cheaper on a large network)."),
      param("cost", ParamType::NUMBER, "EUR", 10000.0, "Setting up the detection platform (software, integration).")
          .at_least(0),
      param("cost_per_year", ParamType::NUMBER, "EUR", 3000.0, "Its yearly licence and the analyst's time.").at_least(0),
  };
}

std::vector<sim::ParamSpec> cost_specs() {
  using sim::param;
  return {
      param("water_price", ParamType::NUMBER, "EUR/m3", 0.8,
            "What a cubic metre lost costs the utility (production, treatment, pumping; BattLeDIM: 0.80).").at_least(0),
      param("search_cost", ParamType::NUMBER, "EUR", 500.0,
            "A crew pinpointing a detected leak, counted pro rata of how far from it the alert's pipe lies (the whole "
            "of it at 300 m), as BattLeDIM scores.").at_least(0),
      param("false_alarm_cost", ParamType::NUMBER, "EUR", 500.0, "A crew sent out for an alert with no leak near.")
          .at_least(0),
      param("burst_damage", ParamType::NUMBER, "EUR", 0.0,
            "Damage a burst does when it surfaces (roads, cellars), avoided when it is repaired before.").at_least(0),
  };
}

sim::Params section_of(const Json& scenario, const char* key, const std::vector<sim::ParamSpec>& specs,
                       std::deque<Json>& keep) {
  keep.push_back(sim::with_defaults(scenario.contains(key) ? scenario.at(key) : Json::object(), specs));
  return sim::Params(keep.back(), key);
}

const char* kind_name(water::WaterSensorKind k) {
  switch (k) {
    case water::WaterSensorKind::PRESSURE: return "pressure";
    case water::WaterSensorKind::FLOW: return "flow";
    case water::WaterSensorKind::TANK_LEVEL: return "tank_level";
    case water::WaterSensorKind::DEMAND_METER: return "demand_meter";
  }
  return "?";
}

// The judged windows as series: the statistic, its CUSUM and each judged sensor's standardised residual.
void add_window_series(const std::vector<water::WaterSensor>& sensors, const std::vector<water::ResidualWindow>& windows,
                       sim::SeriesSet& series) {
  std::vector<const water::WaterSensor*> judged;
  for (const water::WaterSensor& w : sensors)
    if (w.kind != water::WaterSensorKind::DEMAND_METER) judged.push_back(&w);
  series.series.push_back({"statistic", "", "The detector's matched statistic, standardised (NaN in training).", {}});
  series.series.push_back({"cusum", "", "Its one-sided CUSUM.", {}});
  for (const water::WaterSensor* w : judged)
    series.series.push_back({"residual_" + w->id, "", "The sensor's standardised mean residual over the window.", {}});
  for (const water::ResidualWindow& w : windows) {
    series.time_s.push_back(static_cast<double>(w.end_s));
    series.series[0].values.push_back(w.statistic);
    series.series[1].values.push_back(w.cusum);
    for (std::size_t j = 0; j < judged.size(); ++j)
      series.series[2 + j].values.push_back(j < w.z.size() ? w.z[j] : std::numeric_limits<double>::quiet_NaN());
  }
}

}  // namespace

void register_water_leaks(sim::Registry& registry) {
  registry.add({"water_network", "A water or heating network from an EPANET file: its consumers' variation and its "
                                 "background leakage",
                network_specs()});
  registry.add({"leaks", "Leaks on the network's pipes (bursts and incipient leaks, as BattLeDIM draws them) and how "
                         "they are found without detection",
                leak_specs()});
  registry.add({"leak_sensors", "Pressure sensors and smart meters added for leak detection (SCADA's flow meters at "
                                "pumps and inlets and tank levels are there already), and their costs",
                sensor_specs()});
  registry.add({"leak_detection", "The leak-detection core on the readings: training, CUSUM, pumps, and its costs",
                detection_specs()});
  registry.add({"leak_costs", "What leaks and crews cost, to price what detection saves", cost_specs()});
  registry.add_model({"water_leaks",
                      "A year of leaks on a water network, found by pressure sensors and the leak-detection core or "
                      "the old way: water saved, costs and payback",
                      {"water_network", "leaks", "leak_sensors", "leak_detection", "sensor_network", "leak_costs"}});
}

WaterLeakParams WaterLeakParams::from_scenario(const Json& scenario, const std::string& directory) {
  sim::Params run(scenario, "");
  WaterLeakParams p;
  p.seed = static_cast<std::uint64_t>(run.integer("seed"));
  std::deque<Json> kept;
  if (!scenario.contains("water_network"))
    throw sim::ScenarioError("the water-leak model needs the 'water_network' section with its 'file'");
  sim::Params wn = section_of(scenario, "water_network", network_specs(), kept);
  p.network_file = wn.string("file");
  std::filesystem::path path(p.network_file);
  if (path.is_relative()) path = std::filesystem::path(directory) / path;
  try {
    p.network = std::make_shared<const water::WaterNetwork>(water::read_inp(path.string()));
  } catch (const sim::ScenarioError& e) {
    throw sim::ScenarioError(std::string("at 'water_network.file': ") + e.what());
  }
  p.metres_per_unit = wn.distance_m("coordinate_unit");
  water::LeakStudySettings& s = p.study;
  s.demand_noise.cv = wn.number("demand_cv");
  s.background_m3_per_km_day = wn.number("background_leakage");
  s.interval_s = static_cast<std::int64_t>(std::llround(wn.duration("interval").to_seconds()));
  s.duration_s = static_cast<std::int64_t>(std::llround(run.duration("duration").to_seconds()));

  sim::Params lk = section_of(scenario, "leaks", leak_specs(), kept);
  p.leak_rate_per_s = lk.rate_per_s("rate");
  s.abrupt_share = lk.number("abrupt_share");
  s.min_diameter_m = lk.number("min_diameter_mm") / 1000.0;
  s.max_diameter_m = lk.number("max_diameter_mm") / 1000.0;
  if (s.max_diameter_m < s.min_diameter_m)
    throw sim::ScenarioError("at 'leaks.max_diameter_mm': " + std::to_string(s.max_diameter_m * 1000) +
                             " is below min_diameter_mm; give the smaller first");
  auto secs = [](const sim::Params& q, const char* key) {
    return static_cast<std::int64_t>(std::llround(q.duration(key).to_seconds()));
  };
  s.min_growth_s = secs(lk, "min_growth");
  s.max_growth_s = secs(lk, "max_growth");
  if (s.max_growth_s < s.min_growth_s)
    throw sim::ScenarioError("at 'leaks.max_growth': it is shorter than min_growth; give the shorter first");
  s.burst_found_after_s = secs(lk, "burst_found_after");
  s.incipient_found_after_s = secs(lk, "incipient_found_after");
  p.repair_after_s = secs(lk, "repair_after");

  sim::Params se = section_of(scenario, "leak_sensors", sensor_specs(), kept);
  p.pressure_sensors = static_cast<int>(se.integer("pressure"));
  p.greedy_placement = se.string("placement") == "greedy";
  p.meters = static_cast<int>(se.integer("meters"));
  p.pressure_sensor_eur = se.number("pressure_sensor_cost");
  p.pressure_sensor_eur_per_year = se.number("pressure_sensor_cost_per_year");
  p.meter_eur = se.number("meter_cost");
  p.meter_eur_per_year = se.number("meter_cost_per_year");

  sim::Params de = section_of(scenario, "leak_detection", detection_specs(), kept);
  p.detection = de.boolean("enabled");
  s.detector.training_s = secs(de, "training");
  s.detector.warmup_s = secs(de, "warmup");
  s.detector.cusum_threshold = de.number("threshold");
  s.detector.cusum_drift = de.number("drift");
  s.detector.pumps_from_meters = de.string("pumps") == "meters";
  s.detector.linear_signatures = de.string("signatures") == "linear";
  p.detector_eur = p.detection ? de.number("cost") : 0.0;
  p.detector_eur_per_year = p.detection ? de.number("cost_per_year") : 0.0;
  if (s.detector.warmup_s >= s.detector.training_s)
    throw sim::ScenarioError("at 'leak_detection.warmup': it must be shorter than 'leak_detection.training'");
  if (s.duration_s < s.detector.training_s + 9 * 86400)
    throw sim::ScenarioError("at 'duration': the run must last at least 9 days more than 'leak_detection.training' "
                             "(leaks start a day after training and a week before the end)");

  static const std::vector<sim::ParamSpec> net_specs = NetworkParams::specs();
  p.sensor_network = NetworkParams::from_section(section_of(scenario, "sensor_network", net_specs, kept));

  sim::Params co = section_of(scenario, "leak_costs", cost_specs(), kept);
  p.water_eur_per_m3 = co.number("water_price");
  p.search_eur = co.number("search_cost");
  p.false_alarm_eur = co.number("false_alarm_cost");
  p.burst_damage_eur = co.number("burst_damage");
  return p;
}

WaterLeakModel::WaterLeakModel(WaterLeakParams params) : params_(std::move(params)) {
  const water::WaterNetwork& net = *params_.network;
  std::vector<int> sites;
  if (params_.greedy_placement && params_.pressure_sensors > 0) {
    const water::PressurePlacementSettings ps;
    const water::LeakScenarioSet sc = water::simulate_leak_scenarios(net, ps);
    for (std::uint32_t i :
         place_greedy(water::detection_problem(sc, ps.threshold_m), static_cast<std::size_t>(params_.pressure_sensors)).sites)
      sites.push_back(sc.junctions[i]);
  }
  sensors_ = water::typical_sensors(net, params_.pressure_sensors, params_.meters, sites);
  std::vector<sim::Point> devices;
  for (const water::WaterSensor& w : sensors_) {
    const bool radio = w.kind == water::WaterSensorKind::PRESSURE || w.kind == water::WaterSensorKind::DEMAND_METER;
    device_.push_back(radio ? static_cast<int>(devices.size()) : -1);
    if (radio) {
      const water::Node& n = net.nodes[static_cast<std::size_t>(w.element)];
      devices.push_back({n.x * params_.metres_per_unit, n.y * params_.metres_per_unit});
    }
  }
  network_ = std::make_unique<const Network>(params_.sensor_network, std::move(devices), params_.seed);
}

WaterLeakModel::~WaterLeakModel() = default;

double WaterLeakModel::capex_eur() const {
  return params_.pressure_sensors * params_.pressure_sensor_eur + params_.meters * params_.meter_eur +
         params_.detector_eur + network_->capex_eur();
}

sim::ReplicationResults WaterLeakModel::run(const sim::ReplicationContext& ctx) const {
  const water::WaterNetwork& net = *params_.network;
  water::LeakStudySettings s = params_.study;
  s.seed = ctx.seed;
  s.replication = ctx.replication;
  // The leak window: from a day after training to a week before the end.
  const double window_s = static_cast<double>(s.duration_s - s.detector.training_s - 8 * 86400);
  sim::RandomStream count_rng(ctx.seed, ctx.replication, 0, "leak_count");
  const std::size_t pipes = water::leakable_pipes(net).size();
  s.leaks = static_cast<int>(std::min<std::uint64_t>(count_rng.poisson(params_.leak_rate_per_s * window_s), pipes));
  const std::vector<water::Leak> leaks = water::random_leaks(net, s);

  sim::ReplicationResults out;
  auto progress = [&](std::int64_t) {
    if (ctx.progress_us) ctx.progress_us->fetch_add(86400LL * 1000000LL, std::memory_order_relaxed);
  };
  NetworkCarrier carrier(*network_, device_, ctx.seed, ctx.replication);
  s.detect = params_.detection;
  const water::LeakStudyResult r = water::run_leak_study(net, sensors_, leaks, s, progress, &carrier);

  // What detection saved: each leak found on its pipe (within 300 m) is repaired `repair_after` after its alert,
  // unless it was found the old way first; the water it would have lost from then on is saved.
  const double years = static_cast<double>(s.duration_s - s.detector.training_s) / YEAR_S;
  double saved_m3 = 0.0, search_eur = 0.0, damage_avoided_eur = 0.0;
  int found = 0, found_in_time = 0;
  double delay_sum_s = 0.0;
  sim::EventTable leak_table(
      "leaks", "One row per leak: where, what, when it was found and the water it lost and detection saved.",
      {{"pipe", sim::ColumnSpec::Type::STRING, "", "The leaking pipe's ID in the network file."},
       {"incipient", sim::ColumnSpec::Type::INT64, "", "1 for a leak that grows, 0 for a burst."},
       {"diameter_m", sim::ColumnSpec::Type::FLOAT64, "m", "Orifice diameter at its peak."},
       {"start_s", sim::ColumnSpec::Type::FLOAT64, "s", "When it starts."},
       {"peak_s", sim::ColumnSpec::Type::FLOAT64, "s", "When it reaches its full size."},
       {"found_old_way_s", sim::ColumnSpec::Type::FLOAT64, "s", "When it would be found without detection."},
       {"detected_s", sim::ColumnSpec::Type::FLOAT64, "s", "The first alert that names a pipe within 300 m (NaN: none)."},
       {"alert_distance_m", sim::ColumnSpec::Type::FLOAT64, "m", "Pipe distance from that alert's pipe (NaN: none)."},
       {"repaired_s", sim::ColumnSpec::Type::FLOAT64, "s", "When it is repaired, with detection."},
       {"lost_baseline_m3", sim::ColumnSpec::Type::FLOAT64, "m3", "What it loses without detection."},
       {"saved_m3", sim::ColumnSpec::Type::FLOAT64, "m3", "What detection saves of that."}});
  for (std::size_t i = 0; i < leaks.size(); ++i) {
    const water::Leak& l = leaks[i];
    const double delay = r.score.delay_s[i];
    double detected = std::numeric_limits<double>::quiet_NaN(), saved = 0.0;
    auto repaired = static_cast<double>(l.end_s);
    if (!std::isnan(delay)) {
      ++found;
      delay_sum_s += delay;
      detected = static_cast<double>(l.start_s) + delay;
      search_eur += std::min(1.0, r.score.distance_m[i] / 300.0) * params_.search_eur;
      const auto repair = static_cast<std::int64_t>(detected) + params_.repair_after_s;
      if (repair < l.end_s) {
        ++found_in_time;
        saved = r.volumes.lost_after(static_cast<int>(i), repair);
        repaired = static_cast<double>(repair);
        if (!l.incipient) damage_avoided_eur += params_.burst_damage_eur;
      }
    }
    saved_m3 += saved;
    leak_table.append({net.links[static_cast<std::size_t>(l.pipe)].id, l.incipient ? 1.0 : 0.0, l.diameter_m,
                       static_cast<double>(l.start_s), static_cast<double>(l.peak_s), static_cast<double>(l.end_s),
                       detected, std::isnan(delay) ? std::numeric_limits<double>::quiet_NaN() : r.score.distance_m[i],
                       repaired, r.volumes.leaked_m3[i], saved});
  }
  sim::EventTable alert_table(
      "alerts", "One row per alert the detector raised (updates of an alert included).",
      {{"id", sim::ColumnSpec::Type::INT64, "", "The alert; an update keeps its id."},
       {"update", sim::ColumnSpec::Type::INT64, "", "1 for a later estimate of an alert already raised."},
       {"raised_s", sim::ColumnSpec::Type::FLOAT64, "s", "When the core concluded."},
       {"pipe", sim::ColumnSpec::Type::STRING, "", "The pipe it names."},
       {"start_s", sim::ColumnSpec::Type::FLOAT64, "s", "The estimated start of the leak."},
       {"flow_m3s", sim::ColumnSpec::Type::FLOAT64, "m3/s", "The estimated outflow."},
       {"diameter_m", sim::ColumnSpec::Type::FLOAT64, "m", "The estimated orifice diameter."},
       {"fit", sim::ColumnSpec::Type::FLOAT64, "", "Share of the residuals its signature explains."}});
  for (const water::LeakAlert& a : r.alerts)
    alert_table.append({static_cast<double>(a.id), a.update ? 1.0 : 0.0, static_cast<double>(a.raised_s),
                        net.links[static_cast<std::size_t>(a.pipe)].id, static_cast<double>(a.start_s), a.flow_m3s,
                        a.diameter_m, a.fit});
  out.tables.push_back(std::move(leak_table));
  out.tables.push_back(std::move(alert_table));

  // The judged windows: the statistic, its CUSUM and each judged sensor's standardised residual.
  if (!r.windows.empty()) add_window_series(sensors_, r.windows, out.series);

  const double baseline_m3 = r.volumes.total_m3;
  const double false_eur = r.score.false_positives * params_.false_alarm_eur;
  const double savings = saved_m3 * params_.water_eur_per_m3 + damage_avoided_eur - search_eur - false_eur;
  const double messages_per_year = static_cast<double>(carrier.run().sent()) / (static_cast<double>(s.duration_s) / YEAR_S);
  const double costs = params_.pressure_sensors * params_.pressure_sensor_eur_per_year +
                       params_.meters * params_.meter_eur_per_year + params_.detector_eur_per_year +
                       network_->opex_eur_per_year(messages_per_year);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto kpi = [&](std::string name, const char* unit, std::string description, double value) {
    out.kpis.push_back({std::move(name), unit, std::move(description), value});
  };
  kpi("leaks", "", "Leaks that started over the run, after training.", static_cast<double>(leaks.size()));
  kpi("leaks_detected", "", "Leaks an alert named within 300 m while they ran (BattLeDIM's true positives).", found);
  kpi("leaks_detected_share", "", "Their share of the leaks.",
      leaks.empty() ? nan : static_cast<double>(found) / static_cast<double>(leaks.size()));
  kpi("leaks_repaired_early", "", "Detected leaks repaired before they would have been found the old way.",
      found_in_time);
  kpi("false_alarms_per_year", "1/year", "Alerts with no leak within 300 m (BattLeDIM's false positives), a year.",
      r.score.false_positives / years);
  kpi("detection_delay_mean_h", "h", "Mean time from a detected leak's start to its first alert.",
      found ? delay_sum_s / found / 3600.0 : nan);
  kpi("leak_loss_baseline_m3_per_year", "m3/year", "Water the leaks lose a year when found the old way.",
      baseline_m3 / years);
  kpi("water_saved_m3_per_year", "m3/year", "Water detection saves a year: what detected leaks would lose after their "
                                             "repair.", saved_m3 / years);
  kpi("water_saved_share", "", "Its share of the baseline loss.", baseline_m3 > 0 ? saved_m3 / baseline_m3 : nan);
  kpi("savings_eur_per_year", "EUR/year",
      "Water saved at its price, plus burst damage avoided, less crews pinpointing leaks and crews sent for false "
      "alarms, a year.", savings / years);
  kpi("capex_eur", "EUR", "Purchase and installation: pressure sensors, smart meters, the detection platform, the "
                          "sensor network's gateways.", capex_eur());
  kpi("costs_eur_per_year", "EUR/year", "Yearly upkeep of the sensors, the platform and the sensor network.", costs);
  kpi("net_savings_eur_per_year", "EUR/year", "Savings less yearly costs.", savings / years - costs);
  const double sent = static_cast<double>(carrier.run().sent());
  kpi("sensor_readings_lost_share", "", "Share of the pressure and meter readings the sensor network lost.",
      sent > 0 ? 1.0 - static_cast<double>(carrier.run().delivered()) / sent : nan);
  out.events = carrier.events();
  if (r.dropped > 0)
    out.warnings.push_back(std::to_string(r.dropped) + " readings dropped out at the sensors");
  return out;
}

void WaterLeakModel::derive_kpis(std::vector<sim::KpiSummary>& summary) const {
  auto net = std::find_if(summary.begin(), summary.end(), [](const auto& k) { return k.name == "net_savings_eur_per_year"; });
  if (net == summary.end()) return;
  const double inf = std::numeric_limits<double>::infinity();
  const double capex = capex_eur();
  auto years = [&](double saving) { return saving > 0.0 ? capex / saving : inf; };
  sim::KpiSummary p;
  p.name = "payback_years";
  p.unit = "year";
  p.description = "Investment over the mean yearly net saving; the interval is that of the saving carried over "
                  "(never: the saving may be nil or negative).";
  p.derived = true;
  p.n = net->n;
  p.mean = years(net->mean);
  p.sd = p.half_width = std::numeric_limits<double>::quiet_NaN();
  const bool interval = !std::isnan(net->half_width);
  p.ci_low = interval ? years(net->high()) : std::numeric_limits<double>::quiet_NaN();
  p.ci_high = interval ? years(net->low()) : std::numeric_limits<double>::quiet_NaN();
  p.min = p.max = p.mean;
  summary.insert(net + 1, std::move(p));
}

std::vector<sim::EventTable> WaterLeakModel::layout() const {
  const water::WaterNetwork& net = *params_.network;
  using Col = sim::ColumnSpec;
  const double u = params_.metres_per_unit;
  sim::EventTable pipes("pipes", "Every link of the network with its ends, in metres in the network's own frame.",
                        {{"id", Col::Type::STRING, "", "The link's ID in the network file."},
                         {"kind", Col::Type::STRING, "", "pipe, pump or valve."},
                         {"x1", Col::Type::FLOAT64, "m", ""}, {"y1", Col::Type::FLOAT64, "m", ""},
                         {"x2", Col::Type::FLOAT64, "m", ""}, {"y2", Col::Type::FLOAT64, "m", ""},
                         {"diameter_m", Col::Type::FLOAT64, "m", "Pipes and valves."}});
  for (const water::Link& l : net.links) {
    const water::Node &a = net.nodes[static_cast<std::size_t>(l.from)], &b = net.nodes[static_cast<std::size_t>(l.to)];
    const char* kind = l.kind == water::LinkKind::PIPE ? "pipe" : l.kind == water::LinkKind::PUMP ? "pump" : "valve";
    pipes.append({l.id, kind, a.x * u, a.y * u, b.x * u, b.y * u, l.diameter_m});
  }
  sim::EventTable sensors("sensors", "The leak detector's sensors.",
                          {{"id", Col::Type::STRING, "", "pressure-<junction>, flow-<link>, tank_level-<tank>, ..."},
                           {"kind", Col::Type::STRING, "", "pressure, flow, tank_level or demand_meter."},
                           {"x", Col::Type::FLOAT64, "m", "At its node, or its link's midpoint."},
                           {"y", Col::Type::FLOAT64, "m", ""},
                           {"networked", Col::Type::INT64, "", "1 when its readings cross the sensor network, 0 for SCADA."}});
  for (std::size_t i = 0; i < sensors_.size(); ++i) {
    const water::WaterSensor& w = sensors_[i];
    double x = 0.0, y = 0.0;
    if (w.kind == water::WaterSensorKind::FLOW) {
      const water::Link& l = net.links[static_cast<std::size_t>(w.element)];
      x = (net.nodes[static_cast<std::size_t>(l.from)].x + net.nodes[static_cast<std::size_t>(l.to)].x) / 2;
      y = (net.nodes[static_cast<std::size_t>(l.from)].y + net.nodes[static_cast<std::size_t>(l.to)].y) / 2;
    } else {
      x = net.nodes[static_cast<std::size_t>(w.element)].x;
      y = net.nodes[static_cast<std::size_t>(w.element)].y;
    }
    sensors.append({w.id, kind_name(w.kind), x * u, y * u, device_[i] >= 0 ? 1.0 : 0.0});
  }
  return {std::move(pipes), std::move(sensors)};
}

}  // namespace citytwin::models
