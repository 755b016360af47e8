// Flow routing through the drains by SWMM 5.2's dynamic wave (its dynwave.c and dwflow.c): Picard iterations that
// alternate each conduit's St Venant momentum equation with each node's continuity, in SI.
#pragma once

#include <cstdint>
#include <vector>

#include "models/drainage/DrainageNetwork.hpp"
#include "models/drainage/DrainageSimulation.hpp"
#include "models/drainage/Regulators.hpp"
#include "models/drainage/SectionGeometry.hpp"

namespace citytwin::models::drainage {

/// A link's constant dynamic wave parameters: a conduit's (per barrel where a flow is meant), or a regulator's.
struct WaveLinkParams {
  LinkKind kind = LinkKind::CONDUIT;
  RegulatorParams regulator;         ///< orifices, weirs and outlets (their crest raised to the downstream invert)
  SectionGeometry section;
  double length_m = 0.0;             ///< conduit length (also its modified length: lengthening is not done)
  double offset1_m = 0.0, offset2_m = 0.0;   ///< heights of its inverts above the end nodes' inverts
  double slope = 0.0;                ///< of its invert along the horizontal run, a fraction (negative uphill)
  double beta = 0.0;                 ///< Manning's √|slope| / n (SI), so that normal flow = beta · A·R^(2/3)
  double rough_factor = 0.0;         ///< g·(n / Manning's constant)², m^(1/3)/s², of the friction slope
  double q_max_m3s = 0.0;            ///< greatest normal flow
  int barrels = 1;
  int culvert_code = 0;              ///< FHWA HDS-5 inlet (Culvert.hpp); 0: no inlet control
  bool open = true;                  ///< open at the top (no surcharge)
};

/// A node's constant dynamic wave parameters.
struct WaveNodeParams {
  double full_depth_m = 0.0;     ///< its depth, raised to the crown of its highest link (storage units: their own)
  double full_volume_m3 = 0.0;   ///< storage units: volume at full depth; 0 for junctions
  bool storage = false;
  double crown_depth_m = 0.0;    ///< from its invert to the crown of its highest link
  double surcharge_depth_m = 0.0;
  double ponded_area_m2 = 0.0;
  int degree = 0;                ///< links leaving it; negative for an upstream end (no link enters it)
};

/// The constant dynamic wave model of a network.
struct DynamicWaveModel {
  const DrainageNetwork* net = nullptr;
  std::vector<WaveLinkParams> links;
  std::vector<WaveNodeParams> nodes;
  double min_surface_area_m2 = 0.0;  ///< least surface area of a node (SWMM's 12.566 ft² by default)
  double head_tolerance_m = 0.0;     ///< convergence of node depths between trials (0.005 ft by default)
  int max_trials = 8;                ///< Picard iterations per step at most
  double courant_factor = 0.0;       ///< VARIABLE_STEP; 0: the fixed routing step
  double min_step_s = 0.5;           ///< least variable step
  bool slot = false;                 ///< surcharge by a Preissmann slot (else EXTRAN)
  double crown_cutoff = 0.96;        ///< relative depth above which a closed conduit's top width is held
};

/// Derives the dynamic wave parameters. Throws UnsupportedRouting for what is not modelled here under dynamic wave:
/// pump curves other than PUMP4 (and ideal pumps), storage seepage, tidal and time-series outfalls, outfalls routed
/// onto subcatchments, conduit lengthening, cross-sections other than CIRCULAR, RECT_CLOSED, RECT_OPEN, TRAPEZOIDAL,
/// TRIANGULAR and PARABOLIC (STREET among them); sim::ScenarioError for a bad cross-section, regulator or roughness.
DynamicWaveModel make_dynamic_wave_model(const DrainageNetwork& net);

struct WaveNodeState {
  double old_depth_m = 0.0, new_depth_m = 0.0;
  double old_volume_m3 = 0.0, new_volume_m3 = 0.0;
  double old_lateral_m3s = 0.0, new_lateral_m3s = 0.0;
  double inflow_m3s = 0.0, outflow_m3s = 0.0, overflow_m3s = 0.0;
  double old_net_inflow_m3s = 0.0;
  double new_surface_area_m2 = 0.0, old_surface_area_m2 = 0.0;  ///< old: the last non-surcharged area
  double sum_dqdh_m2s = 0.0;     ///< Σ dQ/dH of the links at the node
  double dydt_m_per_s = 0.0;
  bool converged = false;
};

struct WaveLinkState {
  double old_flow_m3s = 0.0, new_flow_m3s = 0.0;   ///< all barrels
  double old_depth_m = 0.0, new_depth_m = 0.0;
  double old_volume_m3 = 0.0, new_volume_m3 = 0.0;
  double q1_m3s = 0.0;               ///< per barrel, the last trial's flow
  double a1_m2 = 0.0, a2_m2 = 0.0;   ///< mid-length area of the last trial, and of the last step
  double dqdh_m2s = 0.0;             ///< dQ/dH, all barrels
  double froude = 0.0;
  double setting = 1.0;              ///< pumps: the fraction of the curve's flow (0: off), as controls set it
  double surface_area1_m2 = 0.0, surface_area2_m2 = 0.0;  ///< per barrel, given to the end nodes
  FlowClass flow_class = FlowClass::DRY;
  bool bypassed = false;
};

/// The dynamic wave state of a run.
struct DynamicWaveState {
  std::vector<WaveNodeState> nodes;
  std::vector<WaveLinkState> links;
  RoutingTotals totals;
  std::vector<double> flooded_m3;     ///< per node
  double variable_step_s = 0.0;       ///< the last variable step; 0 before the first
  double old_outfall_m3s = 0.0, old_flooding_m3s = 0.0;  ///< last step's system outflows, for the totals
  int non_converged_steps = 0;        ///< steps whose trials did not converge (warnings)
};

/// The state at the start of a run: nodes at their initial depths, conduits at the mean of their end depths.
DynamicWaveState initial_dynamic_wave_state(const DynamicWaveModel& model);

/// The next routing step, s: `fixed_step_s` without a variable step, else the Courant-limited step (SWMM's
/// dynwave_getRoutingStep, in whole milliseconds).
double dynamic_wave_step_s(const DynamicWaveModel& model, DynamicWaveState& state, double fixed_step_s);

/// Routes one step of `step_s` seconds with each node's lateral inflow `lateral_m3s`; returns the trials taken.
int dynamic_wave_step(const DynamicWaveModel& model, DynamicWaveState& state, const std::vector<double>& lateral_m3s,
                      double step_s);

/// Water stored in nodes and conduits, m³ (junctions hold none, as in SWMM).
double dynamic_wave_storage_m3(const DynamicWaveState& state);


}  // namespace citytwin::models::drainage
