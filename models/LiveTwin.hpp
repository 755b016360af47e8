// What a model offers when its sensors can be live devices: the sensors the detection core knows, its
// settings, and replications whose readings and alerts can be watched as they reach the core.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/detection/DetectionCore.hpp"
#include "models/streets/StreetGraph.hpp"
#include "sim/Experiment.hpp"

namespace citytwin::models {

/// Watches a simulated replication: each reading as it reaches the detection core (after its network, with
/// the simulated time it arrives, in arrival order), and each alert event the core puts out.
struct LiveTap {
  std::function<void(const detection::Reading& reading, std::int64_t arrival_us)> reading;
  std::function<void(const detection::AlertEvent& event)> alert;
};

/// A model whose sensors shadow mode can run on real devices, and whose simulated sensors can rehearse as a
/// device fleet. Implemented by the shop-alert chain and the public-safety model.
class LiveTwin {
 public:
  virtual ~LiveTwin() = default;
  /// The sensors, as the detection core knows them (ids, kinds, places, thresholds).
  virtual const std::vector<detection::SensorInfo>& live_sensors() const = 0;
  virtual const detection::DetectionSettings& detection_settings() const = 0;
  /// Per sensor: its reporting interval when it reports periodically (a counting camera), else 0.
  virtual std::vector<std::int64_t> reporting_intervals_us() const = 0;
  /// The frame of the model's map (for latitudes and longitudes), or nullptr without a geographic map.
  virtual const LocalFrame* geo_frame() const = 0;
  /// Runs one replication as `run` does (the same results), calling the tap on the way.
  virtual sim::ReplicationResults run_tapped(const sim::ReplicationContext& ctx, const LiveTap& tap) const = 0;
};

}  // namespace citytwin::models
