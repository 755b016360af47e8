// Where to put pressure sensors on a pipe network so that they see the most leaks: simulated leak scenarios and
// the placement problem they make (lazy greedy, random, exact MILP through models/placement).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "models/placement/PlacementProblem.hpp"
#include "models/water/WaterNetwork.hpp"

namespace citytwin::models::water {

struct PressurePlacementSettings {
  /// Each scenario is a leak of this orifice diameter at one pipe's midpoint (every open pipe), at each time.
  double leak_diameter_m = 0.02;
  std::vector<std::int64_t> times_s = {3 * 3600, 14 * 3600};  ///< the night minimum and the afternoon
  /// A pressure sensor sees a leak when the pressure at its junction drops by at least this (m): three standard
  /// deviations of an hourly mean of 12 readings at ±0.1 m.
  double threshold_m = 0.1;
};

/// The leak scenarios simulated: for each, its pipe, time and outflow, and the pressure drop it causes at every
/// junction that drops by at least a tenth of the threshold (sparse).
struct LeakScenarioSet {
  std::vector<int> junctions;  ///< the candidate sites: every junction of the network, as its node index
  std::vector<int> pipes;
  std::vector<std::int64_t> times_s;
  std::vector<double> flows_m3s;
  std::vector<std::vector<std::pair<std::uint32_t, double>>> drops;  ///< per scenario: (site, drop in m)
  double seconds = 0.0;
};

/// Runs the network to each time and opens the leak at each pipe from that state, in parallel (oneTBB).
LeakScenarioSet simulate_leak_scenarios(const WaterNetwork& net, const PressurePlacementSettings& settings = {});

/// The share of scenarios seen by at least one chosen site: coverage with a cap of 1, every scenario weighing 1.
PlacementProblem detection_problem(const LeakScenarioSet& scenarios, double threshold_m);

}  // namespace citytwin::models::water
