// A drainage model run through time as EPA SWMM 5.2 runs it: runoff steps as the rain needs them, routing steps at
// the fixed routing step with runoff interpolated onto them, results sampled at each report time.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "models/drainage/DrainageNetwork.hpp"
#include "models/drainage/KinematicWave.hpp"
#include "models/drainage/Runoff.hpp"

namespace citytwin::models::drainage {

/// A flow routing the simulator does not implement for a model (dynamic wave of storage units, pumps, regulators and
/// the other parts make_dynamic_wave_model lists): thrown before anything runs.
struct UnsupportedRouting : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Runoff continuity over a run, m³: rain = infiltration + runoff + the change of water ponded on the surfaces.
struct RunoffBalance {
  double rain_m3 = 0.0, infiltration_m3 = 0.0, runoff_m3 = 0.0;
  double initial_storage_m3 = 0.0, final_storage_m3 = 0.0;
  double to_nodes_m3 = 0.0;   ///< the part of the runoff that reaches a node (the rest leaves the model)
  /// (in − out) / in, a fraction, as SWMM's continuity error; 0 without rain.
  double error() const;
};

/// Routing continuity over a run, m³: inflow = outflow at outfalls + flooding + the change of water stored.
struct RoutingBalance {
  double inflow_m3 = 0.0, outflow_m3 = 0.0, flooding_m3 = 0.0;
  double initial_storage_m3 = 0.0, final_storage_m3 = 0.0;
  double error() const;
};

/// What a run records at each report time, in SI, one column per object in file order: node depths (m), node
/// flooding (m³/s), link flows (m³/s) and subcatchment runoff (m³/s); the mass balances and the warning counts.
struct DrainageResults {
  std::vector<double> time_s;                          ///< report times, at the end of each report step
  std::vector<std::vector<double>> node_depth_m;       ///< [report][node]
  std::vector<std::vector<double>> node_flooding_m3s;  ///< [report][node]
  std::vector<std::vector<double>> link_flow_m3s;      ///< [report][link]
  std::vector<std::vector<double>> runoff_m3s;         ///< [report][subcatchment]
  std::vector<double> flooded_m3;                      ///< per node, over the run
  RunoffBalance runoff;
  RoutingBalance routing;
  int ode_failures = 0;         ///< runoff steps whose integration did not converge
  int continuity_failures = 0;  ///< conduit steps whose continuity equation was not solved
};

/// Appends the report at `t_ms` to `r`, between routing steps at `old_ms` and `new_ms` (ms): each node's depth and
/// each link's flow interpolated from the step's old and new values, each node's flooding as it stands, each
/// subcatchment's runoff at that time (below SWMM's reporting threshold, 0). The states are kinematic or dynamic
/// wave's: any node with old_depth_m, new_depth_m, overflow_m3s, any link with old_flow_m3s, new_flow_m3s.
template <class NodeStates, class LinkStates>
void append_report(const DrainageNetwork& net, const RunoffState& runoff, const NodeStates& nodes,
                   const LinkStates& links, std::int64_t old_ms, std::int64_t new_ms, std::int64_t t_ms,
                   DrainageResults& r) {
  constexpr double MIN_RUNOFF_M_PER_S = 2.31481e-8 * 0.3048;  // SWMM's 2.31481e-8 ft/s
  const auto t = static_cast<double>(t_ms);
  r.time_s.push_back(t / 1000.0);
  const auto span = static_cast<double>(new_ms - old_ms);
  const double f = span > 0.0 ? (t - static_cast<double>(old_ms)) / span : 1.0;
  std::vector<double> depth, flooding, flows, runoffs;
  for (const auto& n : nodes) {
    depth.push_back((1.0 - f) * n.old_depth_m + f * n.new_depth_m);
    flooding.push_back(n.overflow_m3s);
  }
  for (std::size_t j = 0; j < links.size(); ++j) {
    // A pump switching on or off reports the nearer step's flow.
    const auto& s = links[j];
    const bool switching = net.links[j].kind == LinkKind::PUMP && s.old_flow_m3s * s.new_flow_m3s == 0.0;
    flows.push_back(switching ? (f >= 0.5 ? s.new_flow_m3s : s.old_flow_m3s)
                              : (1.0 - f) * s.old_flow_m3s + f * s.new_flow_m3s);
  }
  for (std::size_t i = 0; i < net.subcatchments.size(); ++i) {
    const double q = runoff_at(runoff, static_cast<int>(i), t);
    runoffs.push_back(q < MIN_RUNOFF_M_PER_S * net.subcatchments[i].area_m2 ? 0.0 : q);
  }
  r.node_depth_m.push_back(std::move(depth));
  r.node_flooding_m3s.push_back(std::move(flooding));
  r.link_flow_m3s.push_back(std::move(flows));
  r.runoff_m3s.push_back(std::move(runoffs));
}

/// Runs a network over its duration. `routing` is the flow routing to use (the file's, or one forced on it): STEADY,
/// KINWAVE or DYNWAVE (UnsupportedRouting for what dynamic wave refuses). Pumps follow their startup and shutoff
/// depths and the control rules before each routing step.
/// Runoff only (no routing) when the file ignores routing or has no links. Throws sim::ScenarioError for what the
/// models refuse (see make_runoff_model, make_routing_model and make_dynamic_wave_model).
DrainageResults simulate_drainage(const DrainageNetwork& net, FlowRouting routing);

}  // namespace citytwin::models::drainage
