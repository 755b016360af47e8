// The flood model family: its parameters, its storms on the drains, its gauges and warnings, and the streets floods
// close.
#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>
#include <limits>
#include <map>
#include <numbers>
#include <optional>
#include <sstream>

#include "models/Floods.hpp"
#include "models/NetworkCarrier.hpp"
#include "models/drainage/DrainageSimulation.hpp"
#include "models/drainage/SwmmReader.hpp"
#include "models/streets/StreetClosures.hpp"
#include "sim/Params.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::models {

using sim::Json;
using sim::ParamType;

namespace {

constexpr double YEAR_S = 365.0 * 86400.0;
constexpr double FLOODING_M3S = 1.0e-6;  // a node floods above this outflow to the surface
constexpr std::int64_t US_PER_S = 1'000'000;

std::vector<sim::ParamSpec> model_specs() {
  using sim::param;
  return {
      param("file", ParamType::STRING, "", Json(),
            "The EPA SWMM input file (.inp) of the drains, relative to the "
            "scenario file."),
      sim::choice("routing", {"kinwave", "dynwave"}, "kinwave",
                  "Flow routing through the drains: kinematic wave, or dynamic wave (SWMM's Saint-Venant solution, with "
                  "storage units, pumps and regulators; street cross-sections are refused under it)."),
      param("coordinate_unit", ParamType::DISTANCE, "m", "0m",
            "What one unit of the file's map coordinates measures; 0 for the file's length unit (feet in a US file, "
            "metres in an SI one).")
          .between(0, 1e5),
  };
}

std::vector<sim::ParamSpec> storm_specs() {
  using sim::param;
  return {
      sim::choice("source", {"design", "stochastic", "record"}, "design",
                  "Where the rain comes from: a design storm from the IDF curve, Eagleson's stochastic storms over "
                  "the run, or a rain record."),
      param("idf_a", ParamType::NUMBER, "mm/h", 1547.0,
            "IDF curve i = a / (t + b)^c, i in mm/h, t in minutes (default: Chicago's 10-year curve, Wenzel 1982).")
          .at_least(0),
      param("idf_b", ParamType::NUMBER, "min", 9.56, "IDF curve's b, minutes (0 for Montana's form).").at_least(0),
      param("idf_c", ParamType::NUMBER, "", 0.81, "IDF curve's exponent c, between 0 and 1.").between(0, 1),
      param("return_period", ParamType::NUMBER, "year", 10.0, "The return period the IDF curve is for (reported).")
          .at_least(0),
      sim::choice(
          "shape", {"chicago", "alternating_block", "pulse"}, "chicago",
          "The storms' hyetograph: Chicago or alternating blocks from the IDF curve (stochastic storms take its "
          "shape at their own depth and duration), or, for stochastic storms, Eagleson's rectangular pulses."),
      param("duration", ParamType::DURATION, "s", "2h", "The design storm's duration.").between(300, 7 * 86400),
      param("step", ParamType::DURATION, "s", "5min", "Step of the storm's hyetograph.").between(60, 3600),
      param("peak", ParamType::NUMBER, "", 0.4, "Where the design storm peaks, as a share of its duration.")
          .between(0, 1),
      param("mean_dry", ParamType::DURATION, "s", "3d", "Stochastic storms: mean dry spell between storms.")
          .at_least(3600),
      param("mean_duration", ParamType::DURATION, "s", "6h", "Stochastic storms: mean storm duration.").at_least(60),
      param("mean_intensity", ParamType::NUMBER, "mm/h", 1.5, "Stochastic storms: mean intensity.").between(0.001, 500),
      param("file", ParamType::STRING, "", "",
            "Rain record (CSV: time_s and one column of depths in mm per gauge, named as the model's rain gages)."),
      param("speed", ParamType::SPEED, "m/s", "0m/s",
            "Storms move at this speed towards 'heading' across the model's rain gages; 0 for rain everywhere at once.")
          .between(0, 100),
      param("heading", ParamType::NUMBER, "deg", 90.0, "Where moving storms go, clockwise from north.").between(0, 360),
      param("width", ParamType::DISTANCE, "m", "0m",
            "Moving storms' width across their track (Gaussian standard deviation); 0 for no fall-off."),
      param("tail", ParamType::DURATION, "s", "6h", "Simulated after each storm ends, for the drains to empty.")
          .between(0, 7 * 86400),
  };
}

std::vector<sim::ParamSpec> gauge_specs() {
  using sim::param;
  return {
      param("count", ParamType::INTEGER, "", 0, "Level gauges, placed as 'placement' says.").between(0, 10000),
      sim::choice(
          "placement", {"greedy", "listed"}, "greedy",
          "greedy: the nodes with the largest expected lead time over training storms (CELF); listed: 'nodes'."),
      param("nodes", ParamType::STRING, "", "", "Listed placement: the gauges' node IDs, separated by commas."),
      sim::choice("kind", {"ultrasonic", "pressure"}, "ultrasonic",
                  "Ultrasonic (over the water, noise 5 mm) or pressure (on the bed, noise 10 mm) gauges; 'noise' "
                  "overrides."),
      param("noise", ParamType::DISTANCE, "m", "0m", "Standard deviation of a reading's noise; 0 for the kind's."),
      param("resolution", ParamType::DISTANCE, "m", "0.001m", "Readings are rounded to this."),
      param("interval", ParamType::DURATION, "s", "1min", "Sampling interval.").between(1, 3600),
      param("dropout", ParamType::NUMBER, "", 0.01, "Share of readings never sent.").between(0, 1),
      param("warn_at", ParamType::NUMBER, "", 0.8,
            "A gauge warns of its node filling to this share of its full depth (its forecast or its reading).")
          .between(0.05, 1),
      param("cost", ParamType::NUMBER, "EUR", 2500.0, "Purchase and installation of a gauge.").at_least(0),
      param("cost_per_year", ParamType::NUMBER, "EUR", 200.0, "Its yearly upkeep.").at_least(0),
  };
}

std::vector<sim::ParamSpec> warning_specs() {
  using sim::param;
  return {
      sim::choice("forecast", {"kalman", "rate_of_rise", "none"}, "kalman",
                  "How the core forecasts a gauge's level: a Kalman filter on level and rise, the rate of rise "
                  "extrapolated, or none (a warning only once the level is over)."),
      param("horizon", ParamType::DURATION, "s", "15min", "How far ahead a crossing is warned of.").between(60, 86400),
      param("rate_window", ParamType::DURATION, "s", "10min", "rate_of_rise: readings of this span make the slope.")
          .between(60, 86400),
      param("min_rise", ParamType::NUMBER, "m/h", 0.3, "A forecast warns only on a rise at least this fast.")
          .at_least(0),
      param("acceleration_sd", ParamType::NUMBER, "m/s2", 1e-6, "kalman: how fast a rise can steepen.")
          .between(1e-12, 1),
      param("max_lead", ParamType::DURATION, "s", "2h",
            "A warning counts for a flood that starts at most this long after it; one with no flood as near is "
            "false.")
          .between(60, 86400),
  };
}

std::vector<sim::ParamSpec> street_specs() {
  using sim::param;
  return {
      param("offset_x", ParamType::DISTANCE, "m", "0m", "Where the model's origin lies on the map (east)."),
      param("offset_y", ParamType::DISTANCE, "m", "0m", "Where the model's origin lies on the map (north)."),
      param("rotation", ParamType::NUMBER, "deg", 0.0,
            "The model's frame turned by this, anticlockwise, onto the "
            "map's.")
          .between(-360, 360),
      param("closure_radius", ParamType::DISTANCE, "m", "30m", "A flooded node closes the streets within this.")
          .between(1, 1000),
      param("stations", ParamType::POINT_LIST, "m", Json::array(),
            "Where police and trucks start (map frame); detours and addresses cut off are counted from them."),
  };
}

sim::Params section_of(const Json& scenario, const char* key, const std::vector<sim::ParamSpec>& specs,
                       std::deque<Json>& keep) {
  keep.push_back(sim::with_defaults(scenario.contains(key) ? scenario.at(key) : Json::object(), specs));
  return sim::Params(keep.back(), key);
}

std::int64_t whole_seconds(const sim::Params& p, const char* key) {
  return static_cast<std::int64_t>(std::llround(p.duration(key).to_seconds()));
}


// Where a rain gage is: the mean position of the outlets of the subcatchments it rains on, m (model frame); NaN for
// a gage that rains on none.
std::vector<sim::Point> gage_positions(const FloodParams& p) {
  const drainage::DrainageNetwork& net = *p.model;
  std::vector<sim::Point> at(net.gages.size());
  std::vector<int> n(net.gages.size(), 0);
  for (const drainage::Subcatchment& s : net.subcatchments) {
    if (s.gage < 0 || s.outlet_node < 0) continue;
    const drainage::Node& node = net.nodes[static_cast<std::size_t>(s.outlet_node)];
    at[static_cast<std::size_t>(s.gage)].x_m += node.x * p.metres_per_unit;
    at[static_cast<std::size_t>(s.gage)].y_m += node.y * p.metres_per_unit;
    ++n[static_cast<std::size_t>(s.gage)];
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t g = 0; g < at.size(); ++g) {
    if (n[g] > 0) at[g].x_m /= n[g], at[g].y_m /= n[g];
    else at[g] = {nan, nan};
  }
  return at;
}

// The depth at a node `t_s` after an event's start, linearly between report times (its initial depth at 0).
double depth_at(const FloodEvent& ev, const drainage::DrainageNetwork& net, int node, double t_s) {
  const auto k = static_cast<std::size_t>(node);
  if (ev.time_s.empty() || t_s <= 0.0) return net.nodes[k].initial_depth_m;
  const auto it = std::lower_bound(ev.time_s.begin(), ev.time_s.end(), t_s);
  if (it == ev.time_s.end()) return ev.depth_m.back()[k];
  const std::size_t r = static_cast<std::size_t>(it - ev.time_s.begin());
  const double t1 = ev.time_s[r], v1 = ev.depth_m[r][k];
  const double t0 = r > 0 ? ev.time_s[r - 1] : 0.0, v0 = r > 0 ? ev.depth_m[r - 1][k] : net.nodes[k].initial_depth_m;
  return t1 > t0 ? v0 + (v1 - v0) * (t_s - t0) / (t1 - t0) : v1;
}

// A warning as the commune gets it: from which gauge, known when.
struct KnownWarning {
  std::uint32_t gauge = 0;
  double raised_s = 0.0, known_s = 0.0, expected_overflow_s = 0.0, cleared_s = -1.0;
  bool forecast = false;
  std::size_t event = 0;  // the storm event it came in
};

// The best lead time `warnings` give a flood starting at `start_s`, s (0: none before it); the gauge that gave it.
std::pair<double, int> best_lead(const std::vector<KnownWarning>& warnings, double start_s, double max_lead_s) {
  double best = 0.0;
  int gauge = -1;
  for (const KnownWarning& w : warnings) {
    if (w.known_s > start_s) continue;
    const bool standing = w.cleared_s < 0.0 || w.cleared_s >= start_s;
    if (start_s - w.known_s > max_lead_s && !standing) continue;
    const double lead = std::min(start_s - w.known_s, max_lead_s);
    if (lead > best) best = lead, gauge = static_cast<int>(w.gauge);
  }
  return {best, gauge};
}

detection::FloodWarningCore make_core(const FloodParams& p, const std::vector<int>& nodes) {
  std::vector<detection::Gauge> gauges;
  for (int n : nodes) {
    const drainage::Node& node = p.model->nodes[static_cast<std::size_t>(n)];
    gauges.push_back({node.id, p.warn_share * node_full_depth_m(*p.model, n), node.x, node.y});
  }
  return detection::FloodWarningCore(std::move(gauges), p.warning);
}

// Events of the replication: storms, each with its rain from its start, on the run's clock.
std::vector<std::pair<std::int64_t, drainage::Hyetograph>> storms_of(const FloodParams& p, std::uint64_t seed,
                                                                     std::uint32_t replication) {
  std::vector<std::pair<std::int64_t, drainage::Hyetograph>> out;
  switch (p.source) {
    case StormSource::DESIGN:
      out.emplace_back(
          0, p.alternating_block
                 ? drainage::alternating_block_storm(p.idf, p.storm_duration_s, p.storm_step_s, p.peak_fraction)
                 : drainage::chicago_storm(p.idf, p.storm_duration_s, p.storm_step_s, p.peak_fraction));
      break;
    case StormSource::RECORD: out.emplace_back(0, p.record.rain.front()); break;
    case StormSource::STOCHASTIC: {
      const std::vector<drainage::Storm> storms = drainage::generate_storms(p.climate, p.duration_s, seed, replication);
      // Storms closer than the tail are routed together.
      for (std::size_t i = 0; i < storms.size();) {
        std::size_t j = i + 1;
        std::int64_t end = storms[i].start_s + storms[i].duration_s;
        // (Three steps more: an event runs to its last storm's end rounded up to whole steps, plus the tail.)
        while (j < storms.size() && storms[j].start_s < end + p.tail_s + 3 * p.storm_step_s)
          end = std::max(end, storms[j].start_s + storms[j].duration_s), ++j;
        const std::int64_t start = storms[i].start_s / p.storm_step_s * p.storm_step_s;
        std::vector<drainage::Storm> group(storms.begin() + static_cast<std::ptrdiff_t>(i),
                                           storms.begin() + static_cast<std::ptrdiff_t>(j));
        for (drainage::Storm& s : group) s.start_s -= start;
        if (!p.pulses) {
          // Each storm given the design shape, its rain laid on the event's steps.
          drainage::Hyetograph h;
          h.step_s = p.storm_step_s;
          std::vector<drainage::Hyetograph> shaped;
          std::int64_t last = 0;
          for (const drainage::Storm& s : group) {
            shaped.push_back(drainage::shaped_storm(s, p.idf, p.alternating_block, p.storm_step_s, p.peak_fraction));
            last = std::max(last, shaped.back().end_s());
          }
          h.intensity_m_per_s.assign(static_cast<std::size_t>((last + p.storm_step_s - 1) / p.storm_step_s), 0.0);
          const auto dt = static_cast<double>(p.storm_step_s);
          for (const drainage::Hyetograph& g : shaped)
            for (std::int64_t k = g.start_s / p.storm_step_s; k * p.storm_step_s < g.end_s(); ++k) {
              const double t0 = static_cast<double>(k * p.storm_step_s);
              h.intensity_m_per_s[static_cast<std::size_t>(k)] += (g.depth_until_m(t0 + dt) - g.depth_until_m(t0)) / dt;
            }
          out.emplace_back(start, std::move(h));
        } else {
          out.emplace_back(start, drainage::storms_hyetograph(group, end - start, p.storm_step_s));
        }
        i = j;
      }
      break;
    }
  }
  return out;
}

}  // namespace

sim::Point node_on_map(const FloodParams& p, int node) {
  const drainage::Node& n = p.model->nodes.at(static_cast<std::size_t>(node));
  const double a = p.rotation_deg * std::numbers::pi / 180.0;
  const double x = n.x * p.metres_per_unit, y = n.y * p.metres_per_unit;
  return {p.offset_x_m + x * std::cos(a) - y * std::sin(a), p.offset_y_m + x * std::sin(a) + y * std::cos(a)};
}

double node_full_depth_m(const drainage::DrainageNetwork& net, int node) {
  const drainage::Node& n = net.nodes.at(static_cast<std::size_t>(node));
  if (n.max_depth_m > 0.0) return n.max_depth_m;
  double crown = 0.0;
  for (const drainage::Link& l : net.links) {
    if (l.from != node && l.to != node) continue;
    double offset = 0.0;
    if (l.kind == drainage::LinkKind::CONDUIT) {
      const drainage::Conduit& c = net.conduits[static_cast<std::size_t>(l.kind_index)];
      offset = l.from == node ? c.inlet_offset_m : c.outlet_offset_m;
    }
    crown = std::max(crown, offset + l.xsection.depth_m);
  }
  return crown;
}

void register_floods(sim::Registry& registry) {
  registry.add({"drainage_model", "A commune's drains from an EPA SWMM file: subcatchments, pipes, channels, ponds",
                model_specs()});
  registry.add({"storms",
                "The rain: a design storm from an IDF curve, stochastic storms over the run, or a record; "
                "moving across the rain gages or everywhere at once",
                storm_specs()});
  registry.add({"flood_gauges", "Level gauges on the drains' nodes: placement, noise, sampling, dropouts, costs",
                gauge_specs()});
  registry.add({"flood_warning",
                "The flood-warning core on the gauges' readings: forecast, horizon, what counts as "
                "a warning",
                warning_specs()});
  registry.add({"flood_streets",
                "The drainage model on the street map ('streets'), the streets a flood closes and "
                "the stations detours are counted from",
                street_specs()});
  registry.add_model(
      {"floods",
       "Storms on a commune's drains, level gauges and the flood-warning core: lead time before each "
       "node floods, missed floods, false warnings, streets closed and detours",
       {"drainage_model", "storms", "flood_gauges", "flood_warning", "sensor_network", "streets", "flood_streets"}});
}

FloodParams FloodParams::from_scenario(const Json& scenario, const std::string& directory) {
  sim::Params run(scenario, "");
  FloodParams p;
  p.seed = static_cast<std::uint64_t>(run.integer("seed"));
  p.duration_s = whole_seconds(run, "duration");
  std::deque<Json> kept;
  auto resolve = [&](const std::string& file) {
    std::filesystem::path path(file);
    return (path.is_relative() ? std::filesystem::path(directory) / path : path).string();
  };
  if (!scenario.contains("drainage_model"))
    throw sim::ScenarioError("the flood model needs the 'drainage_model' section with its 'file'");
  sim::Params dm = section_of(scenario, "drainage_model", model_specs(), kept);
  p.model_file = dm.string("file");
  try {
    p.model = std::make_shared<const drainage::DrainageNetwork>(drainage::read_swmm(resolve(p.model_file)));
  } catch (const sim::ScenarioError& e) {
    throw sim::ScenarioError(std::string("at 'drainage_model.file': ") + e.what());
  }
  const drainage::DrainageNetwork& net = *p.model;
  p.routing = dm.string("routing") == "dynwave" ? drainage::FlowRouting::DYNWAVE : drainage::FlowRouting::KINWAVE;
  if (p.routing == drainage::FlowRouting::DYNWAVE) {
    // What dynamic wave refuses, it refuses before it runs: ask now, not in a replication.
    drainage::DrainageNetwork probe = *p.model;
    probe.options.duration_s = probe.options.report_step_s;
    try {
      drainage::simulate_drainage(probe, p.routing);
    } catch (const drainage::UnsupportedRouting& e) {
      throw sim::ScenarioError(std::string("at 'drainage_model.routing': ") + e.what() + "; use kinwave");
    }
  }
  p.metres_per_unit = dm.distance_m("coordinate_unit") > 0.0 ? dm.distance_m("coordinate_unit") : net.units.length_m;

  sim::Params st = section_of(scenario, "storms", storm_specs(), kept);
  const std::string source = st.string("source");
  p.source = source == "design"       ? StormSource::DESIGN
             : source == "stochastic" ? StormSource::STOCHASTIC
                                      : StormSource::RECORD;
  p.idf = {st.number("return_period"), st.number("idf_a"), st.number("idf_b"), st.number("idf_c")};
  if (std::string problem = drainage::idf_problem(p.idf, "at 'storms'"); !problem.empty())
    throw sim::ScenarioError(problem);
  p.alternating_block = st.string("shape") == "alternating_block";
  p.pulses = st.string("shape") == "pulse";
  if (p.pulses && p.source != StormSource::STOCHASTIC)
    throw sim::ScenarioError(
        "at 'storms.shape': 'pulse' is for stochastic storms; a design storm is 'chicago' or "
        "'alternating_block'");
  p.storm_duration_s = whole_seconds(st, "duration");
  p.storm_step_s = whole_seconds(st, "step");
  if (p.storm_duration_s % p.storm_step_s != 0)
    throw sim::ScenarioError("at 'storms.duration': " + std::to_string(p.storm_duration_s) +
                             " s is not a whole number of steps of " + std::to_string(p.storm_step_s) + " s");
  p.peak_fraction = st.number("peak");
  p.climate.mean_dry_s = st.duration("mean_dry").to_seconds();
  p.climate.mean_duration_s = st.duration("mean_duration").to_seconds();
  p.climate.mean_intensity_m_per_s = st.number("mean_intensity") * 1.0e-3 / 3600.0;
  p.tail_s = whole_seconds(st, "tail");
  if (p.source == StormSource::RECORD) {
    p.record_file = st.string("file");
    if (p.record_file.empty())
      throw sim::ScenarioError("at 'storms.file': a record needs its file (time_s and a column per rain gage)");
    p.record = drainage::read_rain_csv(resolve(p.record_file));
    for (const std::string& g : p.record.gauges)
      if (net.gage(g) < 0)
        throw sim::ScenarioError("at 'storms.file': column '" + g + "' names no rain gage of " + p.model_file);
    for (const drainage::RainGage& g : net.gages)
      if (g.used && std::find(p.record.gauges.begin(), p.record.gauges.end(), g.id) == p.record.gauges.end())
        throw sim::ScenarioError("at 'storms.file': rain gage '" + g.id + "' of " + p.model_file +
                                 " has no column in " + p.record_file + "; give it one (empty cells for no rain)");
  }
  p.moving = st.speed_m_per_s("speed") > 0.0;
  p.path.speed_m_per_s = p.moving ? st.speed_m_per_s("speed") : 1.0;
  p.path.heading_deg = st.number("heading");
  p.path.width_m = st.distance_m("width");
  if (p.moving) {
    // The origin upwind of every gage: the track passes the gages' centre, starting behind the farthest back.
    // (Gages that rain on no subcatchment have no place and take no part.) A metre more upwind keeps the rearmost
    // gage ahead of the origin whatever the rounding.
    std::vector<sim::Point> at = gage_positions(p);
    std::erase_if(at, [](const sim::Point& q) { return std::isnan(q.x_m); });
    const double h = p.path.heading_deg * std::numbers::pi / 180.0, ux = std::sin(h), uy = std::cos(h);
    double cx = 0.0, cy = 0.0, back = 0.0;
    for (const sim::Point& q : at)
      cx += q.x_m / static_cast<double>(at.size()), cy += q.y_m / static_cast<double>(at.size());
    for (const sim::Point& q : at) back = std::min(back, (q.x_m - cx) * ux + (q.y_m - cy) * uy);
    p.path.origin_x_m = cx + (back - 1.0) * ux;
    p.path.origin_y_m = cy + (back - 1.0) * uy;
  }
  if (p.source == StormSource::STOCHASTIC && p.duration_s < 86400)
    throw sim::ScenarioError("at 'duration': stochastic storms need a run of at least a day (a year is usual)");

  sim::Params ga = section_of(scenario, "flood_gauges", gauge_specs(), kept);
  p.gauge_count = static_cast<int>(ga.integer("count"));
  p.greedy_placement = ga.string("placement") == "greedy";
  if (!p.greedy_placement) {
    std::stringstream list(ga.string("nodes"));
    std::string id;
    while (std::getline(list, id, ',')) {
      id.erase(0, id.find_first_not_of(' '));
      id.erase(id.find_last_not_of(' ') + 1);
      if (id.empty()) continue;
      const int n = net.node(id);
      if (n < 0) throw sim::ScenarioError("at 'flood_gauges.nodes': '" + id + "' is no node of " + p.model_file);
      if (node_full_depth_m(net, n) <= 0.0)
        throw sim::ScenarioError("at 'flood_gauges.nodes': node '" + id + "' has no depth to measure");
      p.gauge_nodes.push_back(n);
    }
    p.gauge_count = static_cast<int>(p.gauge_nodes.size());
  }
  p.noise_sd_m =
      ga.distance_m("noise") > 0.0 ? ga.distance_m("noise") : (ga.string("kind") == "pressure" ? 0.01 : 0.005);
  p.resolution_m = ga.distance_m("resolution");
  p.interval_s = whole_seconds(ga, "interval");
  p.dropout = ga.number("dropout");
  p.warn_share = ga.number("warn_at");
  p.gauge_eur = ga.number("cost");
  p.gauge_eur_per_year = ga.number("cost_per_year");

  sim::Params wa = section_of(scenario, "flood_warning", warning_specs(), kept);
  const std::string f = wa.string("forecast");
  p.warning.forecast = f == "kalman"         ? detection::LevelForecast::KALMAN
                       : f == "rate_of_rise" ? detection::LevelForecast::RATE_OF_RISE
                                             : detection::LevelForecast::NONE;
  p.warning.horizon_us = whole_seconds(wa, "horizon") * US_PER_S;
  p.warning.rate_window_us = whole_seconds(wa, "rate_window") * US_PER_S;
  p.warning.min_rise_m_per_s = wa.number("min_rise") / 3600.0;
  p.warning.acceleration_sd_m_per_s2 = wa.number("acceleration_sd");
  p.warning.noise_sd_m = std::max(p.noise_sd_m, 1e-4);
  // Gauges read up to twice the deepest node (and at least 50 m).
  for (std::size_t n = 0; n < net.nodes.size(); ++n)
    p.warning.max_level_m = std::max(p.warning.max_level_m, 2.0 * node_full_depth_m(net, static_cast<int>(n)));
  p.max_lead_s = whole_seconds(wa, "max_lead");

  static const std::vector<sim::ParamSpec> net_specs = NetworkParams::specs();
  p.sensor_network = NetworkParams::from_section(section_of(scenario, "sensor_network", net_specs, kept));

  if (scenario.contains("streets")) {
    p.streets = std::make_shared<const StreetGraph>(
        street_graph_from(sim::Params(scenario.at("streets"), "streets"), directory));
    sim::Params fs = section_of(scenario, "flood_streets", street_specs(), kept);
    p.offset_x_m = fs.distance_m("offset_x");
    p.offset_y_m = fs.distance_m("offset_y");
    p.rotation_deg = fs.number("rotation");
    p.closure_radius_m = fs.distance_m("closure_radius");
    p.stations = fs.points("stations");
    if (p.stations.empty())
      throw sim::ScenarioError(
          "at 'flood_streets.stations': give at least one station (police, depot) on the map, "
          "e.g. stations: [[500m, 800m]]");
  }
  return p;
}

FloodEvent simulate_storm(const FloodParams& p, const drainage::Hyetograph& storm, std::int64_t start_s) {
  drainage::DrainageNetwork net = *p.model;
  const std::int64_t length = storm.end_s() + p.tail_s;
  net.options.duration_s = length;
  net.options.report_start_s = 0;
  const std::vector<sim::Point> at = p.moving ? gage_positions(p) : std::vector<sim::Point>{};
  FloodEvent ev;
  ev.start_s = start_s;
  bool first = true;
  for (std::size_t g = 0; g < net.gages.size(); ++g) {
    if (!net.gages[g].used) continue;
    // A record gives each gage its own column; a storm falls on every gage, moved along its path if it moves.
    drainage::Hyetograph rain = storm;
    if (p.source == StormSource::RECORD) {
      const auto c = std::find(p.record.gauges.begin(), p.record.gauges.end(), net.gages[g].id);
      rain = p.record.rain[static_cast<std::size_t>(c - p.record.gauges.begin())];
    } else if (p.moving && !std::isnan(at[g].x_m)) {
      rain = drainage::storm_at(storm, p.path, at[g].x_m, at[g].y_m);
    }
    drainage::set_gage_rain(net, net.gages[g].id, rain);
    if (first) ev.rain = rain, first = false;
  }
  const drainage::DrainageResults r = drainage::simulate_drainage(net, p.routing);
  ev.report_step_s = net.options.report_step_s;
  ev.time_s = r.time_s;
  ev.depth_m = r.node_depth_m;
  // Each node's floods: runs of report times at which it overflows.
  for (std::size_t n = 0; n < net.nodes.size(); ++n) {
    NodeFlood open;
    bool flooding = false;
    for (std::size_t k = 0; k < r.time_s.size(); ++k) {
      const double q = r.node_flooding_m3s[k][n];
      const auto t = start_s + static_cast<std::int64_t>(std::llround(r.time_s[k]));
      if (q > FLOODING_M3S) {
        if (!flooding) open = {static_cast<int>(n), t, t, 0.0}, flooding = true;
        open.end_s = t;
        open.volume_m3 += q * static_cast<double>(ev.report_step_s);
      } else if (flooding) {
        ev.floods.push_back(open);
        flooding = false;
      }
    }
    if (flooding) ev.floods.push_back(open);
  }
  std::sort(ev.floods.begin(), ev.floods.end(), [](const NodeFlood& a, const NodeFlood& b) {
    return a.start_s != b.start_s ? a.start_s < b.start_s : a.node < b.node;
  });
  return ev;
}

PlacementProblem lead_time_problem(const FloodParams& p, const std::vector<FloodEvent>& events,
                                   const std::vector<int>& candidates) {
  std::vector<const NodeFlood*> floods;
  std::vector<std::size_t> flood_event;
  for (std::size_t e = 0; e < events.size(); ++e)
    for (const NodeFlood& f : events[e].floods) floods.push_back(&f), flood_event.push_back(e);
  std::vector<std::vector<std::pair<std::uint32_t, double>>> values(floods.size());
  for (std::uint32_t i = 0; i < candidates.size(); ++i) {
    // The candidate's warnings from noise-free readings at the gauges' interval, each event on its own (training
    // events may share a clock).
    std::vector<KnownWarning> ws;
    for (const FloodEvent& ev : events) {
      detection::FloodWarningCore core = make_core(p, {candidates[i]});
      const double end = ev.time_s.empty() ? 0.0 : ev.time_s.back();
      for (std::int64_t t = p.interval_s; static_cast<double>(t) <= end; t += p.interval_s)
        core.consume({0, (ev.start_s + t) * US_PER_S,
                      detection::Measurement{depth_at(ev, *p.model, candidates[i], static_cast<double>(t))}, 0});
      for (const detection::FloodWarning& w : core.warnings())
        ws.push_back({0, static_cast<double>(w.raised_us) / US_PER_S, static_cast<double>(w.raised_us) / US_PER_S, 0.0,
                      w.cleared_us < 0 ? -1.0 : static_cast<double>(w.cleared_us) / US_PER_S, w.forecast,
                      static_cast<std::size_t>(&ev - events.data())});
    }
    // Each flood's best warning from this event's own warnings.
    for (std::size_t j = 0; j < floods.size(); ++j) {
      std::vector<KnownWarning> own;
      for (const KnownWarning& w : ws)
        if (w.event == flood_event[j]) own.push_back(w);
      const double lead =
          best_lead(own, static_cast<double>(floods[j]->start_s), static_cast<double>(p.max_lead_s)).first;
      if (lead > 0.0) values[j].emplace_back(i, lead / static_cast<double>(p.max_lead_s));
    }
  }
  return PlacementProblem::facility(candidates.size(), values, std::vector<double>(floods.size(), 1.0));
}

FloodModel::FloodModel(FloodParams params) : params_(std::move(params)) {
  const drainage::DrainageNetwork& net = *params_.model;
  if (params_.greedy_placement && params_.gauge_count > 0) {
    // Training storms, apart from every replication's: the design storm peaking early, midway and late, at half,
    // once and one and a half times its duration; or a run of stochastic storms; or the record.
    std::vector<FloodEvent> training;
    if (params_.source == StormSource::DESIGN) {
      for (double scale : {0.5, 1.0, 1.5})
        for (double peak : {0.25, 0.4, 0.6}) {
          FloodParams q = params_;
          q.storm_duration_s = std::max<std::int64_t>(
              q.storm_step_s, static_cast<std::int64_t>(std::llround(scale * static_cast<double>(q.storm_duration_s) /
                                                                     static_cast<double>(q.storm_step_s))) *
                                  q.storm_step_s);
          q.peak_fraction = peak;
          for (auto& [start, rain] : storms_of(q, params_.seed, 0)) training.push_back(simulate_storm(q, rain, start));
        }
    } else {
      for (auto& [start, rain] : storms_of(params_, params_.seed, 1'000'000u))
        training.push_back(simulate_storm(params_, rain, start));
    }
    std::vector<int>& candidates = plan_.candidates;
    for (std::size_t n = 0; n < net.nodes.size(); ++n)
      if (net.nodes[n].kind != drainage::NodeKind::OUTFALL && node_full_depth_m(net, static_cast<int>(n)) > 0.0)
        candidates.push_back(static_cast<int>(n));
    plan_.training_events = training.size();
    for (const FloodEvent& e : training) plan_.training_floods += e.floods.size();
    const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(params_.gauge_count), candidates.size());
    if (plan_.training_floods > 0) {
      plan_.problem = std::make_shared<const PlacementProblem>(lead_time_problem(params_, training, candidates));
      plan_.chosen = place_greedy(*plan_.problem, k);
      for (std::uint32_t i : plan_.chosen.sites) params_.gauge_nodes.push_back(candidates[i]);
    } else {
      // Storms that flood nothing leave no lead time to place by: the nodes that come closest to their ground.
      std::vector<std::pair<double, int>> fill;
      for (int c : candidates) {
        double most = 0.0;
        for (const FloodEvent& e : training)
          for (const auto& row : e.depth_m) most = std::max(most, row[static_cast<std::size_t>(c)]);
        fill.emplace_back(-most / node_full_depth_m(net, c), c);
      }
      std::sort(fill.begin(), fill.end());
      for (std::size_t i = 0; i < k; ++i) params_.gauge_nodes.push_back(fill[i].second);
    }
  }
  std::vector<sim::Point> devices;
  for (int n : params_.gauge_nodes) {
    const drainage::Node& node = net.nodes[static_cast<std::size_t>(n)];
    device_.push_back(static_cast<int>(devices.size()));
    devices.push_back({node.x * params_.metres_per_unit, node.y * params_.metres_per_unit});
  }
  network_ = std::make_unique<const Network>(params_.sensor_network, std::move(devices), params_.seed);
}

FloodModel::~FloodModel() = default;

double FloodModel::capex_eur() const {
  // Without gauges there is no sensor network to build.
  if (params_.gauge_nodes.empty()) return 0.0;
  return static_cast<double>(params_.gauge_nodes.size()) * params_.gauge_eur + network_->capex_eur();
}

sim::ReplicationResults FloodModel::run(const sim::ReplicationContext& ctx) const {
  const FloodParams& p = params_;
  const drainage::DrainageNetwork& net = *p.model;
  const std::size_t gauges = p.gauge_nodes.size();
  sim::ReplicationResults out;

  // Storms routed one event at a time; the gauges read each event over the sensor network into the core.
  detection::FloodWarningCore core = make_core(p, p.gauge_nodes);
  NetworkCarrier carrier(*network_, device_, ctx.seed, ctx.replication);
  std::vector<KnownWarning> warnings;
  carrier.deliver = [&](const detection::Reading& r) {
    for (const detection::FloodWarningEvent& e : core.consume(r)) {
      if (e.kind == detection::FloodWarningEvent::Kind::RAISED) {
        const detection::FloodWarning& w = e.warning;
        warnings.push_back({w.gauge, static_cast<double>(w.raised_us) / US_PER_S, carrier.now_s(),
                            static_cast<double>(w.expected_overflow_us) / US_PER_S, -1.0, w.forecast});
      } else {
        for (KnownWarning& k : warnings)
          if (k.gauge == e.warning.gauge && k.cleared_s < 0.0) k.cleared_s = carrier.now_s();
      }
    }
  };
  // Each gauge's noise and dropouts from a stream keyed by its node: adding a gauge changes no other's readings.
  std::vector<sim::RandomStream> noise;
  for (std::size_t g = 0; g < gauges; ++g)
    noise.emplace_back(ctx.seed, ctx.replication, static_cast<std::uint32_t>(p.gauge_nodes[g]), "flood_gauge");
  std::vector<NodeFlood> floods;
  std::optional<FloodEvent> worst;
  double worst_volume = -1.0;
  std::uint64_t dropped = 0, next_id = 1;
  const auto events = storms_of(p, ctx.seed, ctx.replication);
  std::int64_t clock = 0;  // the last time the readings reached
  for (const auto& [storm_start, rain] : events) {
    if (ctx.cancelled && ctx.cancelled->load()) break;
    // Events never overlap (storms_of leaves them apart); the clock guards it.
    const std::int64_t start = std::max(storm_start, clock);
    FloodEvent ev = simulate_storm(p, rain, start);
    const double end = ev.time_s.empty() ? 0.0 : ev.time_s.back();
    for (std::int64_t t = p.interval_s; static_cast<double>(t) <= end; t += p.interval_s) {
      for (std::size_t g = 0; g < gauges; ++g) {
        sim::RandomStream& rng = noise[g];
        const double depth = depth_at(ev, net, p.gauge_nodes[g], static_cast<double>(t));
        double value = depth + rng.normal(0.0, p.noise_sd_m);
        if (p.resolution_m > 0.0) value = std::round(value / p.resolution_m) * p.resolution_m;
        if (rng.bernoulli(p.dropout)) {
          ++dropped;
          continue;
        }
        carrier.send({static_cast<std::uint32_t>(g), (start + t) * US_PER_S, detection::Measurement{value}, next_id++},
                     start + t);
      }
      carrier.advance(start + t);
    }
    double volume = 0.0;
    for (const NodeFlood& f : ev.floods) volume += f.volume_m3;
    floods.insert(floods.end(), ev.floods.begin(), ev.floods.end());
    if (volume > worst_volume) worst_volume = volume, worst = std::move(ev);
    const std::int64_t reached = start + static_cast<std::int64_t>(end);
    if (ctx.progress_us && reached > clock)
      ctx.progress_us->fetch_add((std::min(reached, p.duration_s) - std::min(clock, p.duration_s)) * US_PER_S,
                                 std::memory_order_relaxed);
    clock = std::max(clock, reached);
  }
  carrier.advance(std::max(p.duration_s, clock) + 3600);

  // Each flood's best warning; a warning with no flood near after it (nor one under way) is false.
  const auto max_lead = static_cast<double>(p.max_lead_s);
  sim::EventTable flood_table(
      "floods", "One row per node flood: where, when, how much, and the best warning any gauge gave of it.",
      {{"node", sim::ColumnSpec::Type::STRING, "", "The flooding node's ID in the drainage model."},
       {"start_s", sim::ColumnSpec::Type::FLOAT64, "s", "The first report time it overflows."},
       {"end_s", sim::ColumnSpec::Type::FLOAT64, "s", "The last."},
       {"volume_m3", sim::ColumnSpec::Type::FLOAT64, "m3", "Water it sends onto the street."},
       {"lead_s", sim::ColumnSpec::Type::FLOAT64, "s",
        "From the warning known at the platform to the flood (0: none)."},
       {"gauge", sim::ColumnSpec::Type::STRING, "", "The gauge's node whose warning that was (empty: none)."}});
  double lead_sum = 0.0, volume = 0.0;
  int warned = 0;
  for (const NodeFlood& f : floods) {
    const auto [lead, g] = best_lead(warnings, static_cast<double>(f.start_s), max_lead);
    if (lead > 0.0) ++warned, lead_sum += lead;
    volume += f.volume_m3;
    flood_table.append(
        {net.nodes[static_cast<std::size_t>(f.node)].id, static_cast<double>(f.start_s), static_cast<double>(f.end_s),
         f.volume_m3, lead,
         g < 0 ? std::string() : net.nodes[static_cast<std::size_t>(p.gauge_nodes[static_cast<std::size_t>(g)])].id});
  }
  sim::EventTable warning_table(
      "warnings", "One row per warning the core raised.",
      {{"gauge", sim::ColumnSpec::Type::STRING, "", "The gauge's node."},
       {"raised_s", sim::ColumnSpec::Type::FLOAT64, "s", "The time of the reading that raised it."},
       {"known_s", sim::ColumnSpec::Type::FLOAT64, "s", "When it reached the platform (the reading's arrival)."},
       {"expected_overflow_s", sim::ColumnSpec::Type::FLOAT64, "s", "When the level was forecast to reach 'warn_at'."},
       {"forecast", sim::ColumnSpec::Type::INT64, "", "1 if raised by the forecast before the level was there."},
       {"false_warning", sim::ColumnSpec::Type::INT64, "", "1 if no node flooded within max_lead after it."}});
  int false_warnings = 0;
  for (const KnownWarning& w : warnings) {
    // Real when a flood is under way, or starts within max_lead or while the warning still stands: the floods
    // best_lead credits it with.
    const bool real = std::any_of(floods.begin(), floods.end(), [&](const NodeFlood& f) {
      const auto start = static_cast<double>(f.start_s), end = static_cast<double>(f.end_s);
      const bool standing = w.cleared_s < 0.0 || w.cleared_s >= start;
      return end >= w.known_s && (start <= w.known_s + max_lead || standing);
    });
    if (!real) ++false_warnings;
    warning_table.append({net.nodes[static_cast<std::size_t>(p.gauge_nodes[w.gauge])].id, w.raised_s, w.known_s,
                          w.expected_overflow_s, w.forecast ? 1.0 : 0.0, real ? 0.0 : 1.0});
  }
  out.tables.push_back(std::move(flood_table));
  out.tables.push_back(std::move(warning_table));

  // Streets: each flooded node closes the streets near it while it floods; detours from the stations.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double closed_km_h = nan, detour_mean_s = nan, unreachable_max = nan, detoured_max = nan;
  if (p.streets) {
    const StreetGraph& g = *p.streets;
    StreetClosures closures(g);
    std::vector<std::uint32_t> stations;
    for (const sim::Point& s : p.stations) stations.push_back(g.nearest_vertex(s));
    std::vector<std::vector<double>> open;
    for (std::uint32_t s : stations) open.push_back(closures.times_from(s));
    std::vector<std::uint32_t> places(g.vertex_count());
    for (std::uint32_t v = 0; v < places.size(); ++v) places[v] = v;
    // Closing and reopening in time order (a flood's streets reopen a report step after its last overflow).
    std::map<std::int64_t, std::vector<std::pair<bool, std::vector<std::uint32_t>>>> changes;
    sim::EventTable closure_table(
        "closures", "One row per flood that closes streets: the node, when its streets close and reopen, how much.",
        {{"node", sim::ColumnSpec::Type::STRING, "", "The flooding node."},
         {"closed_s", sim::ColumnSpec::Type::FLOAT64, "s", "Its first overflow."},
         {"reopened_s", sim::ColumnSpec::Type::FLOAT64, "s", "A report step after its last."},
         {"edges", sim::ColumnSpec::Type::INT64, "", "Street edges closed (each direction counts)."},
         {"length_m", sim::ColumnSpec::Type::FLOAT64, "m", "Their length, a two-way street once."}});
    for (const NodeFlood& f : floods) {
      std::vector<std::uint32_t> edges =
          closures.edges_near(node_on_map(p, f.node), p.closure_radius_m);
      if (edges.empty()) continue;
      const std::int64_t reopen = f.end_s + net.options.report_step_s;
      StreetClosures alone(g);
      alone.close(edges);
      closure_table.append({net.nodes[static_cast<std::size_t>(f.node)].id, static_cast<double>(f.start_s),
                            static_cast<double>(reopen), static_cast<double>(edges.size()), alone.closed_length_m()});
      changes[f.start_s].emplace_back(true, edges);
      changes[reopen].emplace_back(false, std::move(edges));
    }
    out.tables.push_back(std::move(closure_table));
    closed_km_h = 0.0, unreachable_max = 0.0, detoured_max = 0.0;
    double detour_weighted = 0.0, closed_time = 0.0;
    for (auto it = changes.begin(); it != changes.end(); ++it) {
      for (auto& [close, edges] : it->second) close ? closures.close(edges) : closures.reopen(edges);
      const auto next = std::next(it);
      if (next == changes.end() || closures.closed_edges() == 0) continue;
      const double span_s = static_cast<double>(next->first - it->first);
      const DetourSummary d = detours(closures, stations, open, places);
      closed_km_h += closures.closed_length_m() / 1000.0 * span_s / 3600.0;
      detour_weighted += d.detoured_mean_s * static_cast<double>(d.detoured) * span_s;
      closed_time += static_cast<double>(d.detoured) * span_s;
      detoured_max = std::max(detoured_max, static_cast<double>(d.detoured));
      unreachable_max = std::max(unreachable_max, static_cast<double>(d.unreachable) / static_cast<double>(d.places));
    }
    detour_mean_s = closed_time > 0.0 ? detour_weighted / closed_time : 0.0;
  }

  // The worst event's rain, gauges' depths and warnings, for plots.
  if (worst) {
    const FloodEvent& ev = *worst;
    out.series.time_s.reserve(ev.time_s.size());
    out.series.series.push_back({"rain_mm_per_h", "mm/h", "Rain at the first rain gage over each report step.", {}});
    for (int n : p.gauge_nodes)
      out.series.series.push_back(
          {"depth_" + net.nodes[static_cast<std::size_t>(n)].id, "m", "Depth at the gauge's node.", {}});
    int most = -1;
    double most_volume = 0.0;
    for (const NodeFlood& f : ev.floods)
      if (f.volume_m3 > most_volume) most_volume = f.volume_m3, most = f.node;
    if (most >= 0)
      out.series.series.push_back({"depth_flooded_" + net.nodes[static_cast<std::size_t>(most)].id,
                                   "m",
                                   "Depth at the node that sends the most water onto the street.",
                                   {}});
    double before = 0.0;
    for (std::size_t k = 0; k < ev.time_s.size(); ++k) {
      const double t = ev.time_s[k], prev = k > 0 ? ev.time_s[k - 1] : 0.0;
      out.series.time_s.push_back(static_cast<double>(ev.start_s) + t);
      const double fallen = ev.rain.depth_until_m(t);
      out.series.series[0].values.push_back(t > prev ? (fallen - before) / (t - prev) * 3.6e6 : 0.0);
      before = fallen;
      for (std::size_t g = 0; g < gauges; ++g)
        out.series.series[1 + g].values.push_back(ev.depth_m[k][static_cast<std::size_t>(p.gauge_nodes[g])]);
      if (most >= 0) out.series.series.back().values.push_back(ev.depth_m[k][static_cast<std::size_t>(most)]);
    }
  }

  const double years = static_cast<double>(std::max<std::int64_t>(p.duration_s, 1)) / YEAR_S;
  auto kpi = [&](std::string name, const char* unit, std::string description, double value) {
    out.kpis.push_back({std::move(name), unit, std::move(description), value});
  };
  kpi("storms", "", "Storm events routed (storms closer than the tail together).", static_cast<double>(events.size()));
  kpi("floods", "", "Node floods: a node overflowing onto the street, from its first report time to its last.",
      static_cast<double>(floods.size()));
  kpi("floods_warned", "", "Floods a warning reached the platform before.", warned);
  kpi("floods_warned_share", "", "Their share of the floods.",
      floods.empty() ? nan : static_cast<double>(warned) / static_cast<double>(floods.size()));
  kpi("missed_floods", "", "Floods no warning came before.", static_cast<double>(floods.size()) - warned);
  kpi("lead_time_mean_min", "min", "Mean lead time of the warned floods (at most max_lead).",
      warned ? lead_sum / warned / 60.0 : nan);
  kpi("false_warnings", "", "Warnings no node flood followed within max_lead (or while they stood), over the run.",
      false_warnings);
  // A year's rate means something for a year of storms only, not for one design storm or a record.
  kpi("false_warnings_per_year", "1/year", "The same, a year (stochastic storms only).",
      p.source == StormSource::STOCHASTIC ? false_warnings / years : nan);
  kpi("flooded_volume_m3", "m3", "Water sent onto the streets over the run.", volume);
  kpi("streets_closed_km_h", "km h", "Length of street closed by floods times the hours closed.", closed_km_h);
  kpi("detour_mean_s", "s",
      "While streets are closed: the mean extra time from the nearest station to the addresses that must detour.",
      detour_mean_s);
  kpi("addresses_detoured_max", "", "The most addresses (street intersections) that must detour at once.",
      detoured_max);
  kpi("addresses_cut_off_max_share", "", "The largest share of addresses no station could reach at once.",
      unreachable_max);
  kpi("capex_eur", "EUR", "Purchase and installation of the gauges and the sensor network's gateways.", capex_eur());
  // Gauges report in dry weather too: a reading every interval (less dropouts) all year.
  const double messages_per_year = static_cast<double>(gauges) * (1.0 - p.dropout) * YEAR_S /
                                   static_cast<double>(p.interval_s);
  kpi("costs_eur_per_year", "EUR/year", "Yearly upkeep of the gauges and the sensor network.",
      gauges == 0
          ? 0.0
          : static_cast<double>(gauges) * p.gauge_eur_per_year + network_->opex_eur_per_year(messages_per_year));
  const double sent = static_cast<double>(carrier.run().sent());
  kpi("gauge_readings_lost_share", "", "Share of the gauges' readings the sensor network lost.",
      sent > 0 ? 1.0 - static_cast<double>(carrier.run().delivered()) / sent : nan);
  out.events = carrier.events();
  if (dropped > 0) out.warnings.push_back(std::to_string(dropped) + " gauge readings dropped out at the gauges");
  if (core.rejected() > 0)
    out.warnings.push_back(std::to_string(core.rejected()) +
                           " gauge readings refused by the flood-warning core (out of order after the network's delays, "
                           "or out of range)");
  return out;
}

std::vector<sim::EventTable> FloodModel::layout() const {
  const drainage::DrainageNetwork& net = *params_.model;
  using Col = sim::ColumnSpec;
  const double u = params_.metres_per_unit;
  sim::EventTable nodes("nodes", "Every node of the drainage model, in metres in the model's own frame.",
                        {{"id", Col::Type::STRING, "", "The node's ID in the model file."},
                         {"kind", Col::Type::STRING, "", "junction, outfall or storage."},
                         {"x", Col::Type::FLOAT64, "m", ""},
                         {"y", Col::Type::FLOAT64, "m", ""},
                         {"full_depth_m", Col::Type::FLOAT64, "m", "From the invert to the ground."},
                         {"gauge", Col::Type::INT64, "", "1 if a level gauge is there."}});
  for (std::size_t n = 0; n < net.nodes.size(); ++n) {
    const drainage::Node& node = net.nodes[n];
    const char* kind = node.kind == drainage::NodeKind::JUNCTION  ? "junction"
                       : node.kind == drainage::NodeKind::OUTFALL ? "outfall"
                                                                  : "storage";
    const bool gauge = std::find(params_.gauge_nodes.begin(), params_.gauge_nodes.end(), static_cast<int>(n)) !=
                       params_.gauge_nodes.end();
    nodes.append(
        {node.id, kind, node.x * u, node.y * u, node_full_depth_m(net, static_cast<int>(n)), gauge ? 1.0 : 0.0});
  }
  sim::EventTable links("links", "Every link with its ends, in metres in the model's own frame.",
                        {{"id", Col::Type::STRING, "", "The link's ID in the model file."},
                         {"x1", Col::Type::FLOAT64, "m", ""},
                         {"y1", Col::Type::FLOAT64, "m", ""},
                         {"x2", Col::Type::FLOAT64, "m", ""},
                         {"y2", Col::Type::FLOAT64, "m", ""}});
  for (const drainage::Link& l : net.links) {
    const drainage::Node &a = net.nodes[static_cast<std::size_t>(l.from)],
                         &b = net.nodes[static_cast<std::size_t>(l.to)];
    links.append({l.id, a.x * u, a.y * u, b.x * u, b.y * u});
  }
  return {std::move(nodes), std::move(links)};
}

}  // namespace citytwin::models
