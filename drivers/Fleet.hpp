// The simulator as a device fleet: a replication's readings, as they reach the command centre, published
// as a fleet's uplinks in scaled wall-clock time, or delivered straight to a session (the simulated source).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "drivers/MessageSource.hpp"
#include "drivers/MqttClient.hpp"
#include "drivers/RawMessage.hpp"
#include "models/LiveTwin.hpp"

namespace citytwin::drivers {

/// Where a rehearsal's dates start: simulated time 0, a Monday at 00:00 (2026-01-05T00:00:00Z), as the
/// models' weekly profiles start their weeks.
inline constexpr std::int64_t REHEARSAL_EPOCH_US = 1'767'571'200'000'000;

/// One simulated replication as the command centre saw it: every reading that reached the core, with the
/// time it arrived, and every alert event the twin's own core put out, all dated from `epoch_us`.
struct FleetScript {
  std::vector<Arrival> arrivals;                  ///< in arrival order; reading ids 1, 2, ... in that order
  std::vector<detection::AlertEvent> alerts;      ///< the twin's own conclusions
  sim::ReplicationResults results;                ///< what the replication recorded
  std::int64_t epoch_us = REHEARSAL_EPOCH_US;
};

/// Runs replication `replication` of the twin and keeps its script.
FleetScript script_replication(const models::LiveTwin& twin, std::uint64_t seed, std::uint32_t replication,
                               std::int64_t epoch_us = REHEARSAL_EPOCH_US, const std::atomic<bool>* cancelled = nullptr);

/// What publishing a fleet did.
struct FleetReport {
  std::uint64_t published = 0;
  double wall_seconds = 0.0;
  std::uint64_t reconnections = 0;
  bool acknowledged = false;  ///< every message acknowledged by the broker at the end
};

/// Publishes a script's readings as ChirpStack uplinks of the sensors' rehearsal devices, each when its
/// arrival comes on a clock `speed` times faster than the wall clock (0: as fast as possible), with QoS 1.
/// `progress` is told the share done now and then; `stop` ends it early.
FleetReport publish_fleet(const FleetScript& script, const std::vector<detection::SensorInfo>& sensors,
                          const std::string& application, MqttClient& client, const std::string& topic_prefix,
                          double speed, const std::atomic<bool>& stop,
                          const std::function<void(double)>& progress = {});

/// The twin's own sensors as a source: a replication's readings delivered straight to a session, on the
/// script's clock (a virtual clock: as fast as the session takes them).
class SimulatedSource : public MessageSource {
 public:
  SimulatedSource(const models::LiveTwin& twin, std::uint64_t seed, std::uint32_t replication);
  ~SimulatedSource() override;
  std::string describe() const override;
  void start(Sink sink) override;
  void stop() override;
  bool finished() const override { return done_.load(); }
  bool virtual_clock() const override { return true; }

 private:
  const models::LiveTwin& twin_;
  std::uint64_t seed_;
  std::uint32_t replication_;
  std::thread thread_;
  std::atomic<bool> stop_{false}, done_{false};
};

}  // namespace citytwin::drivers
