// Leak scenarios for sensor placement.
#include "models/water/SensorPlacement.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <numbers>
#include <stdexcept>

#include "models/water/Hydraulics.hpp"

namespace citytwin::models::water {

LeakScenarioSet simulate_leak_scenarios(const WaterNetwork& network, const PressurePlacementSettings& s) {
  const auto started = std::chrono::steady_clock::now();
  if (s.times_s.empty() || !(s.leak_diameter_m > 0.0) || !(s.threshold_m > 0.0))
    throw std::invalid_argument("sensor placement: give at least one time, a positive leak diameter and threshold");
  WaterNetwork net = network;
  std::int64_t last = *std::max_element(s.times_s.begin(), s.times_s.end());
  net.times.duration_s = std::max(net.times.duration_s, last);
  LeakScenarioSet out;
  const std::vector<int> pipes = open_pipes(net);
  for (int n = 0; n < static_cast<int>(net.nodes.size()); ++n)
    if (net.nodes[n].kind == NodeKind::JUNCTION) out.junctions.push_back(n);
  const HydraulicModel model(net, pipes);
  const double area = std::numbers::pi * s.leak_diameter_m * s.leak_diameter_m / 4.0;
  std::vector<std::int64_t> times = s.times_s;
  std::sort(times.begin(), times.end());
  HydraulicRun run(model);
  for (std::int64_t t : times) {
    // The state at t: solved at every hydraulic time up to it.
    run.solve();
    while (run.time_s() < t) {
      if (run.advance() == 0) break;
      run.solve();
    }
    std::vector<double> base(out.junctions.size());
    for (std::size_t i = 0; i < base.size(); ++i) base[i] = run.pressure_m(model.node(out.junctions[i]));
    const std::size_t first = out.pipes.size();
    for (int p : pipes) {
      out.pipes.push_back(p);
      out.times_s.push_back(run.time_s());
    }
    out.flows_m3s.resize(out.pipes.size(), 0.0);
    out.drops.resize(out.pipes.size());
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, pipes.size()), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t c = r.begin(); c != r.end(); ++c) {
        HydraulicRun what_if(run);
        what_if.set_leak_area(static_cast<int>(c), area);
        try {
          what_if.solve();
        } catch (const std::runtime_error&) {
          continue;  // a leak the model cannot open: seen by no one
        }
        out.flows_m3s[first + c] = what_if.leak_flow_m3s(static_cast<int>(c));
        auto& d = out.drops[first + c];
        for (std::size_t i = 0; i < base.size(); ++i) {
          const double drop = base[i] - what_if.pressure_m(model.node(out.junctions[i]));
          if (drop >= 0.1 * s.threshold_m) d.emplace_back(static_cast<std::uint32_t>(i), drop);
        }
      }
    });
    run.advance();
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

PlacementProblem detection_problem(const LeakScenarioSet& sc, double threshold_m) {
  std::vector<std::vector<std::uint32_t>> covering(sc.drops.size());
  for (std::size_t j = 0; j < sc.drops.size(); ++j)
    for (const auto& [site, drop] : sc.drops[j])
      if (drop >= threshold_m) covering[j].push_back(site);
  return PlacementProblem::coverage(sc.junctions.size(), covering, std::vector<double>(sc.drops.size(), 1.0), 1);
}

}  // namespace citytwin::models::water
