// Floods on a commune's drains: storms on an EPA SWMM model, level gauges and the flood-warning core, the lead time
// they give before each node floods, their false warnings, and the streets the floods close.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/detection/FloodWarning.hpp"
#include "models/drainage/DrainageNetwork.hpp"
#include "models/drainage/Rainfall.hpp"
#include "models/networks/Network.hpp"
#include "models/placement/PlacementProblem.hpp"
#include "models/streets/StreetGraph.hpp"
#include "sim/Experiment.hpp"
#include "sim/Json.hpp"
#include "sim/Registry.hpp"

namespace citytwin::models {

/// Registers the family's components (`drainage_model`, `storms`, `flood_gauges`, `flood_warning`, `flood_streets`;
/// `sensor_network` is shared) and the `floods` model.
void register_floods(sim::Registry& registry);

/// Where a storm's rain comes from.
enum class StormSource : std::uint8_t { DESIGN, STOCHASTIC, RECORD };

/// The family's constant parameters, read once per variant (SI units, euros).
struct FloodParams {
  std::uint64_t seed = 1;
  std::string model_file;
  std::shared_ptr<const drainage::DrainageNetwork> model;
  drainage::FlowRouting routing = drainage::FlowRouting::KINWAVE;
  double metres_per_unit = 0.3048;  ///< the model's map units to metres
  std::int64_t duration_s = 0;      ///< the run (stochastic storms: the span they are drawn over)

  // Storms.
  StormSource source = StormSource::DESIGN;
  drainage::IdfCurve idf;
  bool alternating_block = false;   ///< storms' shape: alternating blocks instead of Chicago
  bool pulses = false;              ///< stochastic storms as rectangular pulses instead of the design shape
  std::int64_t storm_duration_s = 7200, storm_step_s = 300;
  double peak_fraction = 0.4;
  drainage::StormClimate climate;
  std::string record_file;
  drainage::RainRecord record;
  bool moving = false;              ///< rain gages at different places get the storm as it passes them
  drainage::StormPath path;         ///< origin set upwind of the model by from_scenario
  std::int64_t tail_s = 6 * 3600;   ///< simulated after each storm ends, for the drains to empty

  // Gauges.
  std::vector<int> gauge_nodes;     ///< chosen (listed or placed), indices into the model's nodes
  int gauge_count = 0;
  bool greedy_placement = false;
  double noise_sd_m = 0.005, resolution_m = 0.001, dropout = 0.01;
  std::int64_t interval_s = 60;
  double warn_share = 0.8;          ///< a gauge warns of its node reaching this share of its full depth
  double gauge_eur = 0.0, gauge_eur_per_year = 0.0;
  detection::FloodWarningSettings warning;
  std::int64_t max_lead_s = 7200;   ///< a warning counts for a flood that starts at most this long after it

  // Streets.
  std::string map_file;
  std::shared_ptr<const StreetGraph> streets;
  double offset_x_m = 0.0, offset_y_m = 0.0, rotation_deg = 0.0;  ///< the model's frame to the map's
  double closure_radius_m = 30.0;
  std::vector<sim::Point> stations;

  NetworkParams sensor_network;

  /// Reads a variant's resolved scenario; files are read from `directory`. Throws ScenarioError.
  static FloodParams from_scenario(const sim::Json& scenario, const std::string& directory = ".");
};

/// One node's flood: from the first report step it overflows to the last.
struct NodeFlood {
  int node = -1;
  std::int64_t start_s = 0, end_s = 0;  ///< on the run's clock
  double volume_m3 = 0.0;
};

/// One storm event simulated: its rain, the depth at every node and the floods.
struct FloodEvent {
  std::int64_t start_s = 0;             ///< on the run's clock
  std::int64_t report_step_s = 60;
  std::vector<double> time_s;           ///< report times from the event's start
  std::vector<std::vector<double>> depth_m;  ///< [report][node]
  std::vector<NodeFlood> floods;
  drainage::Hyetograph rain;            ///< at the first rain gage (as it fell there)
};

/// Simulates one storm on `params.model`: every used rain gage takes `storm` (moved along the path if asked), the
/// drains are routed from `start_s` to the storm's end plus the tail.
FloodEvent simulate_storm(const FloodParams& params, const drainage::Hyetograph& storm, std::int64_t start_s);

/// The warnings each candidate gauge would give of each flood of `events` (noise-free readings at the gauges'
/// interval, each event read on its own), as a facility-location problem: sample j is a node's flood, candidate i's
/// value its lead time as a share of max_lead_s (in [0, 1]), so that a placement maximises the mean best lead time.
PlacementProblem lead_time_problem(const FloodParams& params, const std::vector<FloodEvent>& events,
                                   const std::vector<int>& candidates);

/// Where a node of the drainage model lies on the street map (`flood_streets`' offset and rotation), m.
sim::Point node_on_map(const FloodParams& params, int node);

/// The full depth of a node: its maximum depth, or (0 given, as SWMM sets it) its highest link's crown, m.
double node_full_depth_m(const drainage::DrainageNetwork& net, int node);

/// Where the gauges go and why (greedy placement): the candidate nodes, the lead-time problem over the training
/// storms, and the greedy choice.
struct GaugePlan {
  std::vector<int> candidates;                       ///< nodes, indices into the model's
  std::shared_ptr<const PlacementProblem> problem;   ///< null when the training storms flood nothing
  Placement chosen;  ///< sites index `candidates`; value: mean best lead over max_lead (see lead_time_problem)
  std::size_t training_events = 0, training_floods = 0;
};

/// The model: gauges and their radio links fixed per variant (greedy placement on training storms apart from the
/// replications': the design storm peaking early, midway and late, at half, once and one and a half times its
/// duration; a year of stochastic storms; or the record; when none floods, the nodes that fill closest to their
/// ground); each replication draws its storms (the same in every
/// option), routes them, reads the gauges over the sensor network into the flood-warning core, and scores the
/// warnings against the floods, with the streets they close.
class FloodModel : public sim::Model {
 public:
  explicit FloodModel(FloodParams params);
  ~FloodModel() override;

  sim::ReplicationResults run(const sim::ReplicationContext& ctx) const override;
  /// "nodes" (id, kind, position, full depth, gauge) and "links" of the drainage model, in metres.
  std::vector<sim::EventTable> layout() const override;

  const FloodParams& params() const { return params_; }
  /// The greedy placement's problem and choice (empty unless `flood_gauges.placement` is greedy).
  const GaugePlan& plan() const { return plan_; }
  double capex_eur() const;

 private:
  FloodParams params_;
  GaugePlan plan_;
  std::vector<int> device_;  // per gauge
  std::unique_ptr<const Network> network_;
};

}  // namespace citytwin::models
