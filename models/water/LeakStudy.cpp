// A year of leaks, sensors and detection.
#include "models/water/LeakStudy.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include "sim/RandomStream.hpp"

namespace citytwin::models::water {

std::vector<int> leakable_pipes(const WaterNetwork& net) {
  std::vector<int> pipes = open_pipes(net);
  std::erase_if(pipes, [&](int k) {
    return net.nodes[net.links[k].from].kind != NodeKind::JUNCTION || net.nodes[net.links[k].to].kind != NodeKind::JUNCTION;
  });
  return pipes;
}

std::vector<Leak> random_leaks(const WaterNetwork& net, const LeakStudySettings& s) {
  std::vector<int> pipes = leakable_pipes(net);
  if (static_cast<int>(pipes.size()) < s.leaks)
    throw std::invalid_argument("leak study: " + std::to_string(s.leaks) + " leaks asked for, but " + net.path +
                                " has only " + std::to_string(pipes.size()) + " pipes between junctions");
  const std::int64_t first = s.detector.training_s + 86400, last = s.duration_s - 7 * 86400;
  if (last <= first) throw std::invalid_argument("leak study: the run is too short for leaks after the training");
  sim::RandomStream rng(s.seed, s.replication, 0, "leaks");
  std::vector<Leak> leaks;
  for (int i = 0; i < s.leaks; ++i) {
    const std::uint32_t pick = rng.uniform_int(static_cast<std::uint32_t>(pipes.size()));
    Leak l;
    l.pipe = pipes[pick];
    pipes.erase(pipes.begin() + pick);
    l.incipient = !rng.bernoulli(s.abrupt_share);
    l.start_s = (first + static_cast<std::int64_t>(rng.uniform() * static_cast<double>(last - first))) / s.interval_s * s.interval_s;
    l.diameter_m = rng.uniform(s.min_diameter_m, s.max_diameter_m);
    const auto growth = static_cast<std::int64_t>(rng.uniform(static_cast<double>(s.min_growth_s), static_cast<double>(s.max_growth_s)));
    l.peak_s = l.incipient ? l.start_s + growth : l.start_s;
    l.end_s = std::min(s.duration_s, l.start_s + (l.incipient ? s.incipient_found_after_s : s.burst_found_after_s));
    l.peak_s = std::min(l.peak_s, l.end_s);
    leaks.push_back(l);
  }
  std::sort(leaks.begin(), leaks.end(), [](const Leak& a, const Leak& b) { return a.start_s < b.start_s; });
  return leaks;
}

std::vector<WaterSensor> typical_sensors(const WaterNetwork& net, int pressure, int meters,
                                         const std::vector<int>& pressure_sites) {
  std::vector<int> sources, pumps_and_inlets, tanks, junctions;
  for (int n = 0; n < static_cast<int>(net.nodes.size()); ++n) {
    if (net.nodes[n].kind == NodeKind::JUNCTION) junctions.push_back(n);
    else sources.push_back(n);
    if (net.nodes[n].kind == NodeKind::TANK) tanks.push_back(n);
  }
  for (int k = 0; k < static_cast<int>(net.links.size()); ++k) {
    const Link& l = net.links[k];
    const bool from_reservoir = net.nodes[l.from].kind == NodeKind::RESERVOIR || net.nodes[l.to].kind == NodeKind::RESERVOIR;
    if (l.kind == LinkKind::PUMP || (from_reservoir && l.kind != LinkKind::PUMP && l.status != LinkStatus::CLOSED))
      pumps_and_inlets.push_back(k);
  }
  // Farthest-point spread over the junctions, in the network's coordinates.
  std::vector<int> chosen;
  std::vector<double> nearest(junctions.size(), std::numeric_limits<double>::infinity());
  auto d2 = [&](int a, int b) {
    const double dx = net.nodes[a].x - net.nodes[b].x, dy = net.nodes[a].y - net.nodes[b].y;
    return dx * dx + dy * dy;
  };
  for (std::size_t j = 0; j < junctions.size(); ++j)
    for (int s : sources) nearest[j] = std::min(nearest[j], d2(junctions[j], s));
  if (!pressure_sites.empty()) pressure = 0;
  chosen = pressure_sites;
  for (int i = 0; i < pressure && i < static_cast<int>(junctions.size()); ++i) {
    std::size_t best = 0;
    for (std::size_t j = 1; j < junctions.size(); ++j)
      if (nearest[j] > nearest[best]) best = j;
    chosen.push_back(junctions[best]);
    for (std::size_t j = 0; j < junctions.size(); ++j) nearest[j] = std::min(nearest[j], d2(junctions[j], junctions[best]));
  }
  std::vector<WaterSensor> out = make_sensors(net, WaterSensorKind::PRESSURE, chosen);
  for (auto& s : make_sensors(net, WaterSensorKind::FLOW, pumps_and_inlets)) out.push_back(std::move(s));
  for (auto& s : make_sensors(net, WaterSensorKind::TANK_LEVEL, tanks)) out.push_back(std::move(s));
  // The largest consumers, by their mean demand over their patterns.
  std::vector<std::pair<double, int>> consumers;
  for (int j : junctions) {
    double mean = 0.0;
    for (const Demand& d : net.nodes[j].demands) {
      const int p = d.pattern >= 0 ? d.pattern : net.options.default_pattern;
      double f = 1.0;
      if (p >= 0 && !net.patterns[p].multipliers.empty()) {
        f = 0.0;
        for (double m : net.patterns[p].multipliers) f += m;
        f /= static_cast<double>(net.patterns[p].multipliers.size());
      }
      mean += d.base_m3s * f * net.options.demand_multiplier;
    }
    if (mean > 0.0) consumers.emplace_back(-mean, j);
  }
  std::sort(consumers.begin(), consumers.end());
  std::vector<int> metered;
  for (int i = 0; i < meters && i < static_cast<int>(consumers.size()); ++i) metered.push_back(consumers[i].second);
  for (auto& s : make_sensors(net, WaterSensorKind::DEMAND_METER, metered)) out.push_back(std::move(s));
  return out;
}

LeakStudyResult run_leak_study(const WaterNetwork& net, const std::vector<WaterSensor>& sensors,
                               const std::vector<Leak>& leaks, const LeakStudySettings& s,
                               const std::function<void(std::int64_t)>& progress,
                               detection::ReadingCarrier* carrier) {
  const auto started = std::chrono::steady_clock::now();
  LeakStudyResult result;
  result.leaks = leaks;
  // The real network: the nominal one with background leakage, run at the sensors' interval.
  WaterNetwork real = with_background_leakage(net, s.background_m3_per_km_day);
  real.times.duration_s = s.duration_s;
  real.times.hydraulic_step_s = s.interval_s;
  real.times.report_step_s = s.interval_s;
  real.times.report_start_s = 0;
  if (real.options.unbalanced_continue < 0) real.options.unbalanced_continue = UNBALANCED_CONTINUE_TRIALS;
  std::vector<WaterSensor> timed = sensors;
  for (WaterSensor& w : timed)
    if (w.kind != WaterSensorKind::DEMAND_METER) w.interval_s = s.interval_s;
  HydraulicModel model(real, leak_pipes(leaks));
  std::optional<LeakDetector> detector;
  if (s.detect) detector.emplace(net, timed, s.detector);
  SensorSampler sampler(timed, s.seed, s.replication);
  DemandFactors factors(static_cast<int>(std::count_if(net.nodes.begin(), net.nodes.end(),
                                                       [](const Node& n) { return n.kind == NodeKind::JUNCTION; })),
                        s.demand_noise, s.seed, s.replication);
  std::vector<double> per_junction(static_cast<std::size_t>(model.junctions()), 1.0);
  std::int64_t period = -1, next_day = 0;
  std::vector<bool> repaired(leaks.size(), false);
  auto take = [&](std::vector<LeakAlert> alerts) {
    for (LeakAlert& a : alerts) {
      if (!a.update) result.detections.push_back({a.pipe, a.raised_s});
      result.alerts.push_back(std::move(a));
    }
  };
  if (carrier)
    carrier->deliver = [&detector](const detection::Reading& r) {
      if (detector) detector->consume(r);
    };
  LeakRunHooks hooks;
  hooks.before_solve = [&](HydraulicRun& run) {
    const std::int64_t p = (run.time_s() + real.times.pattern_start_s) / real.times.pattern_step_s;
    if (p == period) return;
    period = p;
    const std::vector<double>& f = factors.next();
    std::copy(f.begin(), f.end(), per_junction.begin());
    run.set_demand_factors(per_junction);
  };
  hooks.after_solve = [&](const HydraulicRun& run) {
    const std::int64_t t = run.time_s();
    result.unbalanced = run.warnings().size();
    for (const detection::Reading& r : sampler.observe(run)) {
      if (carrier) carrier->send(r, t);
      else if (detector) detector->consume(r);
      ++result.readings;
    }
    if (carrier) carrier->advance(t);
    for (std::size_t i = 0; i < leaks.size(); ++i)
      if (!repaired[i] && leaks[i].end_s <= t && leaks[i].end_s < s.duration_s) {
        if (detector) detector->repaired(leaks[i].pipe, leaks[i].end_s);  // found the old way, and repaired
        repaired[i] = true;
      }
    if (detector) take(detector->advance(t));
    if (progress && t >= next_day) {
      progress(t);
      next_day += 86400;
    }
  };
  result.volumes = run_with_leaks(model, leaks, hooks);
  if (carrier) carrier->advance(s.duration_s + s.detector.lateness_s);
  if (detector) {
    take(detector->advance(s.duration_s + s.detector.lateness_s + s.interval_s));
    result.windows = detector->windows();
    result.signature_seconds = detector->signature_seconds();
    result.detector_unbalanced = detector->unbalanced();
  }
  result.dropped = sampler.dropped();
  result.score = score_battledim(leaks, result.volumes, result.detections, PipeDistances(net));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace citytwin::models::water
