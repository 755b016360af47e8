// Rain on subcatchments and the runoff it makes, by SWMM 5.2's nonlinear reservoirs and Horton infiltration.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "models/drainage/DrainageNetwork.hpp"

namespace citytwin::models::drainage {

/// The three surfaces of a subcatchment, as SWMM orders them.
enum class Surface : std::uint8_t { IMPERVIOUS_BARE, IMPERVIOUS_STORED, PERVIOUS };

/// One surface's constant parameters: a nonlinear reservoir whose outflow per unit area is
/// alpha·(depth − depression storage)^(5/3).
struct SurfaceParams {
  double area_fraction = 0.0;            ///< of the subcatchment
  double roughness = 0.0;                ///< Manning's n; 0: excess water leaves at once
  double depression_storage_m = 0.0;
  double alpha = 0.0;                    ///< 1.49·W/A·√slope/n in SI units, m^(-2/3)/s
  double outlet_fraction = 1.0;          ///< of its runoff that leaves for the outlet (the rest to the other surface)
};

/// A subcatchment's constant runoff parameters.
struct SubcatchmentParams {
  double area_m2 = 0.0;
  std::array<SurfaceParams, 3> surfaces{};
  bool impervious_to_pervious = false;   ///< part of the impervious runoff is routed onto the pervious surface
  bool pervious_to_impervious = false;   ///< part of the pervious runoff is routed onto the impervious surface
  bool horton = false, modified_horton = false;
  double f0_m_per_s = 0.0, fmin_m_per_s = 0.0, decay_per_s = 0.0, regen_per_s = 0.0, max_infiltration_m = 0.0;
};

/// The constant runoff model of a network: what `make_runoff_model` derives from the file.
struct RunoffModel {
  const DrainageNetwork* net = nullptr;
  std::vector<SubcatchmentParams> subcatchments;
};

/// Derives the runoff parameters. Throws sim::ScenarioError naming the file and line for what is not modelled here:
/// Green-Ampt and curve-number infiltration, outfalls that route onto subcatchments.
RunoffModel make_runoff_model(const DrainageNetwork& net);

/// A rain gage's position in its record, as SWMM keeps it: the rain of the current interval [start, end), and the
/// next nonzero value. Times in seconds from the start of the run; `has_*` false when there is none.
struct GageState {
  bool has_start = false, has_next = false;
  double start_s = 0.0, end_s = 0.0, next_s = 0.0;
  double rain_m_per_s = 0.0, next_rain_m_per_s = 0.0;
  double accumulated_m = 0.0;   ///< CUMULATIVE gages: the last value read
  std::size_t next_entry = 0;   ///< next entry of the series to read
};

/// A subcatchment's state: ponded depths, infiltration state and runoff.
struct SubcatchmentState {
  std::array<double, 3> depth_m{};          ///< ponded on each surface
  std::array<double, 3> inflow_m_per_s{};   ///< onto each surface over the current step (runon, then rain)
  std::array<double, 3> runoff_m_per_s{};   ///< from each surface, per unit of its area
  double runon_m_per_s = 0.0;               ///< from upstream subcatchments over the current step
  double old_runoff_m3s = 0.0, new_runoff_m3s = 0.0;   ///< to the outlet, at the start and end of the last step
  double rain_m_per_s = 0.0;
  double horton_time_s = 0.0;               ///< Horton: time on the decay curve
  double infiltrated_m = 0.0;               ///< Horton: depth infiltrated (for the maximum volume)
};

/// Volumes over the whole run, m³, for the mass balance.
struct RunoffTotals {
  double rain_m3 = 0.0, infiltration_m3 = 0.0;
  double runoff_m3 = 0.0;     ///< leaving the subcatchments for nodes or out of the model
  double to_nodes_m3 = 0.0;   ///< the part of the runoff that reaches a node
  double initial_storage_m3 = 0.0;
};

/// The runoff state of a run: gages, subcatchments and the runoff clock (milliseconds from the start, as SWMM
/// keeps it: runoff has been computed up to `new_time_ms`, the previous step ending at `old_time_ms`).
struct RunoffState {
  std::vector<GageState> gages;
  std::vector<SubcatchmentState> subcatchments;
  std::int64_t old_time_ms = 0, new_time_ms = 0;
  bool raining = false, has_runoff = false;
  RunoffTotals totals;
  int ode_failures = 0;   ///< runoff steps whose depth integration did not converge (warnings)
};

/// The state at the start of a run: dry surfaces, gages at the start of their records.
RunoffState initial_runoff_state(const RunoffModel& model);

/// Advances runoff by one step of SWMM's (the wet step while it rains or water runs off, else the dry step, cut at the
/// next change of rain and at the end of the run), from `new_time_ms`.
void runoff_step(const RunoffModel& model, RunoffState& state);

/// A subcatchment's runoff to its outlet at `time_ms` within the last step, linearly interpolated (m³/s).
double runoff_at(const RunoffState& state, int subcatchment, double time_ms);

/// Water ponded on all subcatchments, m³.
double surface_storage_m3(const RunoffModel& model, const RunoffState& state);

}  // namespace citytwin::models::drainage
