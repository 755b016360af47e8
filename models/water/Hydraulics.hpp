// Extended-period hydraulics of a pipe network by the Global Gradient Algorithm, as EPANET 2.2 computes them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/water/WaterNetwork.hpp"

namespace citytwin::models::water {

/// A link's hydraulic status during a run, in EPANET's order: every status up to CLOSED carries no flow.
enum class HydraulicStatus : std::uint8_t {
  XHEAD,        ///< a pump closed because it cannot deliver the head asked of it
  TEMP_CLOSED,  ///< closed for now: a pump or pipe that would fill a full tank or drain an empty one
  CLOSED,
  OPEN,
  ACTIVE,       ///< a control valve regulating at its setting
  XFLOW,
  XFCV,         ///< a flow control valve that cannot deliver its setting (open)
  XPRESSURE,    ///< a pressure valve that cannot hold its setting (open)
};

struct ModelData;  // defined in Hydraulics.cpp

/// The constant part of a network's hydraulics, shared read-only by every run on it: resistances, pump
/// curves fitted, tanks, controls, and the sparse matrix's pattern and fill-reducing ordering, analysed once.
///
/// Leak sites: each pipe named in `leak_pipes` is split at its midpoint by a junction (elevation the mean of its
/// ends', or the junction end's next to a reservoir or tank) where a run may open an orifice (see
/// HydraulicRun::set_leak_area). The first half keeps the pipe's index, ID, minor loss and check valve; the second
/// half is a new link after the others. The network the model solves (`solved()`) has the sites' junctions after
/// the original junctions, before the reservoirs and tanks; `node()` maps an original node to it.
class HydraulicModel {
 public:
  /// Builds the model. Throws sim::ScenarioError naming the file, the element and the fix for what EPANET
  /// also refuses: a pump curve that cannot be fitted, a tank volume curve that does not cover its levels,
  /// a junction connected to nothing, a network without a reservoir or tank; and a leak site that is not a pipe.
  explicit HydraulicModel(const WaterNetwork& net, const std::vector<int>& leak_pipes = {});
  ~HydraulicModel();
  HydraulicModel(const HydraulicModel&) = delete;
  HydraulicModel& operator=(const HydraulicModel&) = delete;

  const WaterNetwork& network() const { return original_; }  ///< the network as given
  const WaterNetwork& solved() const { return net_; }         ///< with its leak sites' junctions and half pipes
  int junctions() const { return junctions_; }   ///< nodes 0 .. junctions()-1 of solved() are junctions
  /// The index in solved() of node `original` of network(); links keep their indices.
  int node(int original) const { return original < original_junctions_ ? original : original + leak_count(); }
  int leak_count() const { return static_cast<int>(leak_nodes_.size()); }
  int leak_node(int site) const { return leak_nodes_[site]; }   ///< the site's junction in solved()
  int leak_pipe(int site) const { return leak_pipes_[site]; }   ///< the pipe it splits (its first half)
  const ModelData& data() const { return *data_; }

 private:
  // (Declared before net_, which is built with them.)
  int junctions_ = 0, original_junctions_ = 0;
  std::vector<int> leak_nodes_, leak_pipes_;
  const WaterNetwork& original_;
  WaterNetwork net_;
  std::unique_ptr<ModelData> data_;
};

/// What one hydraulic solution took.
/// Extra trials, with link statuses frozen, that long runs give an unbalanced solution instead of stopping (as
/// EPANET's `UNBALANCED CONTINUE 10`): a year with leaks must not end at its first hard hour.
inline constexpr int UNBALANCED_CONTINUE_TRIALS = 10;

struct SolveInfo {
  int iterations = 0;
  double relative_error = 0.0;  ///< sum of flow changes / sum of flows at the last trial
  bool converged = false;        ///< within the accuracy; otherwise the run warns (and halts if UNBALANCED STOP)
};

struct RunState;  // defined in Hydraulics.cpp

/// One extended-period run: heads, flows, statuses and tank levels, advanced like EPANET's toolkit
/// (`solve()` at the current time, then `advance()` to the next time the hydraulics change).
class HydraulicRun {
 public:
  explicit HydraulicRun(const HydraulicModel& model);
  ~HydraulicRun();
  /// A copy of the run as it stands (time, levels, flows, statuses, open leaks), to be taken further on its own:
  /// what-if solutions from a common state (a leak opened at one site, then another).
  HydraulicRun(const HydraulicRun& other);
  HydraulicRun(HydraulicRun&&) noexcept;
  HydraulicRun& operator=(HydraulicRun&&) noexcept;

  /// Solves the network at the current time: demands and reservoir heads from their patterns, simple
  /// controls, then the gradient iterations with status checks. Throws std::runtime_error naming the time and a
  /// junction when the equations are singular even after fixing the control valves that cause it (a junction
  /// cut off from every reservoir and tank), as EPANET stops with its error 110.
  SolveInfo solve();
  /// Moves the clock to the next time the hydraulics change (hydraulic step, pattern step, report step, a
  /// tank filling or draining, a control), integrating the tank levels over the step. Returns the step in
  /// seconds, 0 when the run is over.
  std::int64_t advance();

  std::int64_t time_s() const;
  bool is_report_time() const;           ///< the current time is a report time (Times::report_*)
  const HydraulicModel& model() const;

  /// Opens (area > 0) or closes (0) the orifice of leak site `site`: its outflow is Cd A √(2 g p) at the
  /// junction's pressure p (none below 0), with the discharge coefficient Cd (0.75 by default, BattLeDIM's).
  void set_leak_area(int site, double area_m2, double discharge_coefficient = 0.75);
  /// The site's outflow at the last solution (m³/s).
  double leak_flow_m3s(int site) const;
  /// Multiplies each junction's demand (index as in model().solved(), junctions only) from the next solution on:
  /// consumers who use more or less than their pattern says. Empty: every factor 1.
  void set_demand_factors(std::vector<double> factors);
  /// Sets a tank's water level (m above its bottom, held within its minimum and maximum): a measured level
  /// replacing the one the run integrated. Throws std::invalid_argument when `node` is not a tank.
  void set_tank_level(int node, double level_m);
  /// Switches a pump on or off, as a measured status (its flow meter) says, until a control switches it again.
  /// Throws std::invalid_argument when `link` is not a pump.
  void set_pump_on(int link, bool on);
  /// A tank's water level above its bottom (m).
  double tank_level_m(int node) const;
  /// A tank's surface area at its current level (m²): its cross-section, or the slope of its volume curve.
  double tank_area_m2(int node) const;

  /// The last solution's linear response (valid after solve(), until the next solve(); throws std::logic_error
  /// before any): per junction c of model().solved(), the change of the head at junction `node` per m³/s of extra
  /// outflow at c, in m per m³/s (at most 0). It is −(A⁻¹ e_node)_c, A being the gradient algorithm's last matrix
  /// (the Jacobian of the junctions' flow balance in their heads, with emitters, leaks and pressure-driven demand);
  /// A is symmetric, so the same vector is every junction's head response to an outflow at `node`. Statuses,
  /// controls and tank levels are held as they are.
  std::vector<double> head_sensitivity(int node) const;
  /// A link's flow change per metre of change in its head loss at the last solution (m³/s per m): the inverse of
  /// its head-loss gradient as the gradient algorithm holds it (next to nothing for a closed link).
  double flow_gradient(int link) const;

  // Results are indexed as the nodes of model().solved(): the same as the network's without leak sites.
  const std::vector<double>& heads_m() const;          ///< per node: hydraulic head
  double pressure_m(int node) const;                   ///< head − elevation, in m of water
  const std::vector<double>& flows_m3s() const;        ///< per link, positive from `from` to `to`
  const std::vector<HydraulicStatus>& statuses() const;  ///< per link
  /// Per node: junctions the outflow actually delivered (demand, emitter, leak); tanks and reservoirs their
  /// net inflow (positive filling).
  const std::vector<double>& demands_m3s() const;
  const std::vector<double>& emitter_flows_m3s() const;  ///< per node, junctions with an emitter
  /// What a junction's consumers drew at the last solution (its demand delivered, without emitter or leak).
  double consumer_demand_m3s(int node) const;
  /// Each tank's volume (m³); 0 for reservoirs and junctions.
  double tank_volume_m3(int node) const;
  /// Warnings of the run so far, one line each ("at 14:00: the system is unbalanced after 40 trials").
  const std::vector<std::string>& warnings() const;

 private:
  std::unique_ptr<RunState> s_;
};

/// The whole run from start to end, calling `on_report` at every report time after solving it.
/// Returns the number of hydraulic solutions.
int simulate(const HydraulicModel& model, const std::function<void(const HydraulicRun&)>& on_report);

}  // namespace citytwin::models::water
