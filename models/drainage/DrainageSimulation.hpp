// A drainage model run through time as EPA SWMM 5.2 runs it: runoff steps as the rain needs them, routing steps at
// the fixed routing step with runoff interpolated onto them, results sampled at each report time.
#pragma once

#include <stdexcept>
#include <string>
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

/// Runs a network over its duration. `routing` is the flow routing to use (the file's, or one forced on it); STEADY
/// and KINWAVE are implemented, and DYNWAVE by simulate_dynamic_wave (UnsupportedRouting for what it refuses).
/// Runoff only (no routing) when the file ignores routing or has no links. Throws sim::ScenarioError for what the
/// models refuse (see make_runoff_model, make_routing_model and make_dynamic_wave_model).
DrainageResults simulate_drainage(const DrainageNetwork& net, FlowRouting routing);

}  // namespace citytwin::models::drainage
