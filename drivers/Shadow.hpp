// Shadow mode: the scenario's detection core on a live stream, beside the existing system, raising the alerts
// it would raise and comparing the city with its twin, without ever acting on a device.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "drivers/Drift.hpp"
#include "drivers/Ingest.hpp"
#include "drivers/JsonLog.hpp"
#include "drivers/MessageSource.hpp"
#include "drivers/MqttClient.hpp"
#include "drivers/Outbound.hpp"
#include "models/LiveTwin.hpp"
#include "sim/Results.hpp"

namespace citytwin::drivers {

/// How a shadow session runs.
struct ShadowSettings {
  /// Where readings come from: mqtt://..., mqtts://..., replay:FILE, serial:/dev/ttyX[@BAUD], or sim[:K]
  /// (replication K of the twin's own sensors).
  std::string source;
  MqttEndpoint mqtt;            ///< TLS files and the persistent session's client id for MQTT sources
  double replay_speed = 0.0;    ///< replay: 0 as fast as possible, 1 the recorded pace, k times faster
  /// A rehearsal: the readings carry the twin's dates (from REHEARSAL_EPOCH_US) and the session's clock runs
  /// `speed` times faster than the wall clock from the first of them.
  bool rehearsal = false;
  double speed = 1.0;
  std::string devices;          ///< a device map file (CSV); empty: sensor ids and rehearsal devEuis
  std::string publish_alerts;   ///< an MQTT URL whose topic receives the alerts as FIWARE Alert entities
  std::string log_dir;          ///< raw.jsonl, quarantine.jsonl, alerts.jsonl are appended there
  std::string pseudonym_key;    ///< non-empty: exported sensor ids become keyed pseudonyms
  std::string timezone = "UTC"; ///< for the hour of the week of readings (the twin's expectations)
  std::size_t queue_capacity = 10'000;
  IngestSettings ingest;
  std::uint64_t seed = 1;       ///< the scenario's seed (the simulated source, the twin's expectations)
  sim::Time duration;           ///< the scenario's duration (a replication of the twin)
  std::uint32_t baseline_replications = 3;  ///< replications the twin's expectations are learnt from
  double drift_z = 3.0;         ///< |z| above which a sensor drifts
  std::string session = "shadow";  ///< names the alert entities: urn:ngsi-ld:Alert:<session>:<n>
};

/// What a session has done so far, for its status line.
struct ShadowStatus {
  double wall_seconds = 0.0;
  std::int64_t session_us = 0;  ///< the session's clock
  IngestCounts ingest;
  std::uint64_t alerts = 0, events = 0, late = 0, held = 0;
  std::size_t queue = 0, stale = 0;
};

/// One shadow session. Sources deliver on their own threads into a bounded queue; the session's thread
/// checks and decodes each message (ingestion), feeds the readings to a detection core built from the
/// scenario's sensors and settings, closes its windows on the session's clock, writes every raw message, every
/// quarantined one and every alert to crash-safe logs, and publishes the alerts. It never publishes on a
/// device's topic: alert topics under `application/` (where ChirpStack takes downlinks) are refused.
class ShadowSession {
 public:
  /// Builds the session; throws std::invalid_argument (a bad URL, an alert topic under application/) or
  /// std::runtime_error (a device map that cannot be read, a broker that refuses the connection).
  ShadowSession(const models::LiveTwin& twin, ShadowSettings settings);
  ~ShadowSession();
  ShadowSession(const ShadowSession&) = delete;
  ShadowSession& operator=(const ShadowSession&) = delete;

  /// Runs until `stop` is set (Ctrl-C, SIGTERM) or a finite source (a replay, the simulated source) has
  /// delivered everything; then takes what is still queued, concludes what the core holds, and flushes the
  /// logs. `status` is called about every `status_every`.
  void run(const std::atomic<bool>& stop, const std::function<void(const ShadowStatus&)>& status = {},
           std::chrono::milliseconds status_every = std::chrono::seconds(10));

  /// Every alert event, in the order the core put them out (dated on the session's clock).
  const std::vector<detection::AlertEvent>& events() const { return events_; }
  /// The alert entities as published (one per event), for comparison with a twin's.
  const std::vector<nlohmann::json>& entities() const { return entities_; }
  const IngestCounts& ingest_counts() const { return ingest_->counts(); }
  const detection::CoreCounts& core_counts() const { return core_->counts(); }
  /// The comparison with the twin over the span watched (empty before any reading).
  std::vector<DriftRow> drift() const;
  const std::vector<StaleChange>& stale_changes() const { return stale_changes_; }
  std::string source_description() const { return source_->describe(); }
  /// What the session recorded, as one replication of the results file: KPIs and the tables `alerts`,
  /// `alert_events`, `quarantine`, `drift` and `stale`.
  sim::ReplicationResults results() const;
  ShadowStatus status() const;
  /// Whether `run` has its source started (a broker subscribed) and is taking messages.
  bool running() const { return running_.load(); }
  /// Deliveries (messages or simulated readings) and readings taken so far; safe to read from any thread
  /// while the session runs (the other accessors are for after `run`, or its status callback).
  std::uint64_t taken() const { return taken_.load(); }
  std::uint64_t readings_taken() const { return readings_taken_.load(); }

 private:
  void take(Delivery d);
  void take_reading(const Arrival& a);
  void emit(std::vector<detection::AlertEvent> events);
  void housekeeping(std::int64_t now_us);

  const models::LiveTwin& twin_;
  ShadowSettings settings_;
  SessionClock clock_;
  Pseudonymiser pseudonyms_;
  std::unique_ptr<Ingest> ingest_;
  std::unique_ptr<detection::DetectionCore> core_;
  std::unique_ptr<TwinBaseline> baseline_;
  std::unique_ptr<DriftMonitor> drift_;
  std::unique_ptr<MessageSource> source_;
  std::unique_ptr<MqttClient> alert_client_;
  std::string alert_topic_;
  std::unique_ptr<JsonLog> raw_log_, quarantine_log_, alert_log_;
  std::vector<detection::AlertEvent> events_;
  std::vector<nlohmann::json> entities_;
  std::vector<StaleChange> stale_changes_;
  std::vector<Arrival> arrivals_;      // scratch
  std::int64_t now_us_ = std::numeric_limits<std::int64_t>::min();  // the session's clock, as far as taken
  std::int64_t first_reading_us_ = std::numeric_limits<std::int64_t>::max(), last_reading_us_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::size_t queue_high_water_ = 0;
  std::uint64_t queue_waits_ = 0, published_ = 0;
  std::atomic<std::size_t> queue_size_{0};
  std::atomic<bool> running_{false};
  std::atomic<std::uint64_t> taken_{0}, readings_taken_{0};
};

}  // namespace citytwin::drivers
