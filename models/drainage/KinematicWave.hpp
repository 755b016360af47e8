// Flow routing through the drains by SWMM 5.2's kinematic wave (or steady flow): links in topological order, each
// conduit's continuity equation solved on its section factor, storage units by successive approximation, and
// flooding where a node receives more than its outlet carries.
#pragma once

#include <cstdint>
#include <vector>

#include "models/drainage/DrainageNetwork.hpp"
#include "models/drainage/Regulators.hpp"
#include "models/drainage/SectionGeometry.hpp"

namespace citytwin::models::drainage {

/// How flow moves through conduits: at once at normal depth (STEADY) or as a kinematic wave.
enum class RoutingMethod : std::uint8_t { STEADY, KINWAVE };

/// A link's constant routing parameters.
struct LinkParams {
  SectionGeometry section;       ///< conduits, orifices, weirs
  double beta = 0.0;             ///< conduits: Manning's √slope / n (SI), so that normal flow = beta · S(A)
  double q_full_m3s = 0.0;       ///< conduits: normal flow when full, per barrel
  double q_max_m3s = 0.0;        ///< conduits: the greatest normal flow, per barrel
  double length_m = 0.0;
  double offset1_m = 0.0, offset2_m = 0.0;   ///< heights above the end nodes' inverts
  RegulatorParams regulator;                 ///< orifices, weirs and outlets
};

/// A node's constant routing parameters.
struct NodeParams {
  double full_depth_m = 0.0;     ///< the node's depth, raised to the crown of its highest link (not for storage)
  double full_volume_m3 = 0.0;   ///< storage units: volume at full depth; 0 for junctions under kinematic wave
  int out_links = 0;             ///< links leaving the node
};

/// The constant routing model: what `make_routing_model` derives from a network.
struct RoutingModel {
  const DrainageNetwork* net = nullptr;
  RoutingMethod method = RoutingMethod::KINWAVE;
  std::vector<LinkParams> links;
  std::vector<NodeParams> nodes;
  std::vector<int> sorted_links;   ///< upstream to downstream, a node's outlets together
};

/// Derives the routing parameters (SWMM's link_validate, conduit slopes by the horizontal run, node depths raised to
/// link crowns). Throws sim::ScenarioError naming the file and line for a layout kinematic wave cannot route (a
/// junction with two outlets, a regulator that does not leave a storage unit, an adverse conduit, a loop) and for
/// what is not modelled here (pump curves other than PUMP4, storage seepage, unsupported cross-sections). Culvert inlet control
/// is not applied: SWMM 5.2 applies it under dynamic wave only (its dwflow.c).
RoutingModel make_routing_model(const DrainageNetwork& net, RoutingMethod method);

struct NodeState {
  double old_depth_m = 0.0, new_depth_m = 0.0;
  double old_volume_m3 = 0.0, new_volume_m3 = 0.0;
  double old_lateral_m3s = 0.0, new_lateral_m3s = 0.0;
  double inflow_m3s = 0.0, outflow_m3s = 0.0, overflow_m3s = 0.0;
  double old_net_inflow_m3s = 0.0;
  bool updated = false;
};

struct LinkState {
  double old_flow_m3s = 0.0, new_flow_m3s = 0.0;
  double old_depth_m = 0.0, new_depth_m = 0.0;
  double old_volume_m3 = 0.0, new_volume_m3 = 0.0;
  double q1_m3s = 0.0, q2_m3s = 0.0;   ///< conduits, per barrel: flow at the inlet and outlet
  double a1_m2 = 0.0, a2_m2 = 0.0;     ///< conduits: flow area at the inlet and outlet
  double setting = 1.0;                ///< pumps: the fraction of the curve's flow (0: off, 1: on), as controls set it
};

/// Volumes over the whole run, m³, for the mass balance.
struct RoutingTotals {
  double lateral_inflow_m3 = 0.0, outfall_outflow_m3 = 0.0, flooding_m3 = 0.0;
  double initial_storage_m3 = 0.0;
};

/// The routing state of a run.
struct RoutingState {
  std::vector<NodeState> nodes;
  std::vector<LinkState> links;
  RoutingTotals totals;
  std::vector<double> flooded_m3;   ///< per node
  int continuity_failures = 0;      ///< conduit steps whose continuity equation was not solved (warnings)
};

/// The state at the start of a run: nodes at their initial depths, links empty, pumps on or off as the file says.
RoutingState initial_routing_state(const RoutingModel& model);

/// Routes one step of `step_s` seconds: `lateral_m3s` holds each node's lateral inflow over the step (runoff and
/// external inflows). Updates the mass balance totals.
void routing_step(const RoutingModel& model, RoutingState& state, const std::vector<double>& lateral_m3s,
                  double step_s);

/// Water stored in nodes and conduits, m³.
double routed_storage_m3(const RoutingModel& model, const RoutingState& state);

}  // namespace citytwin::models::drainage
