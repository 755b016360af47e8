// A replication's script, published as a rehearsal fleet or delivered as the simulated source.
#include "drivers/Fleet.hpp"

#include <chrono>
#include <limits>
#include <unordered_map>

#include "drivers/Outbound.hpp"

namespace citytwin::drivers {

FleetScript script_replication(const models::LiveTwin& twin, std::uint64_t seed, std::uint32_t replication,
                               std::int64_t epoch_us, const std::atomic<bool>* cancelled) {
  FleetScript script;
  script.epoch_us = epoch_us;
  // The twin's reading ids are its own; the script numbers readings 1, 2, ... in arrival order, as a live
  // session does, and the alerts name them so.
  std::unordered_map<std::uint64_t, std::uint64_t> renumbered;
  models::LiveTap tap;
  tap.reading = [&](const detection::Reading& r, std::int64_t arrival_us) {
    detection::Reading dated = r;
    dated.time_us += epoch_us;
    dated.id = script.arrivals.size() + 1;
    renumbered[r.id] = dated.id;
    script.arrivals.push_back({std::move(dated), arrival_us + epoch_us});
  };
  tap.alert = [&](const detection::AlertEvent& e) {
    detection::AlertEvent dated = e;
    for (detection::Alert* a : {&dated.alert, dated.fused ? &*dated.fused : nullptr}) {
      if (!a) continue;
      a->first_reading_us += epoch_us;
      a->raised_us += epoch_us;
      for (std::uint64_t& id : a->reading_ids) id = renumbered.at(id);
    }
    script.alerts.push_back(std::move(dated));
  };
  sim::ReplicationContext ctx;
  ctx.seed = seed;
  ctx.replication = replication;
  ctx.cancelled = cancelled;
  script.results = twin.run_tapped(ctx, tap);
  return script;
}

FleetReport publish_fleet(const FleetScript& script, const std::vector<detection::SensorInfo>& sensors,
                          const std::string& application, MqttClient& client, const std::string& topic_prefix,
                          double speed, const std::atomic<bool>& stop, const std::function<void(double)>& progress) {
  FleetReport report;
  std::vector<std::uint32_t> frames(sensors.size(), 0);
  const auto started = std::chrono::steady_clock::now();
  auto last_progress = started;
  const std::int64_t first = script.arrivals.empty() ? 0 : script.arrivals.front().arrival_us;
  for (std::size_t i = 0; i < script.arrivals.size() && !stop.load(); ++i) {
    const Arrival& a = script.arrivals[i];
    if (speed > 0) {
      auto due = started + std::chrono::microseconds(
                               static_cast<std::int64_t>(static_cast<double>(a.arrival_us - first) / speed));
      while (!stop.load() && std::chrono::steady_clock::now() < due)
        std::this_thread::sleep_until(std::min(due, std::chrono::steady_clock::now() + std::chrono::milliseconds(100)));
      if (stop.load()) break;
    }
    const std::uint32_t s = a.reading.sensor;
    RawMessage m = chirpstack_uplink(application, s, sensors[s], a.reading, frames[s]++);
    client.publish(topic_prefix + m.topic, m.payload, 1);
    ++report.published;
    auto now = std::chrono::steady_clock::now();
    if (progress && now - last_progress > std::chrono::milliseconds(500)) {
      progress(static_cast<double>(i + 1) / static_cast<double>(script.arrivals.size()));
      last_progress = now;
    }
  }
  report.acknowledged = client.wait_acknowledged(std::chrono::seconds(30));
  report.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  report.reconnections = client.reconnections();
  if (progress) progress(1.0);
  return report;
}

SimulatedSource::SimulatedSource(const models::LiveTwin& twin, std::uint64_t seed, std::uint32_t replication)
    : twin_(twin), seed_(seed), replication_(replication) {}

SimulatedSource::~SimulatedSource() { stop(); }

std::string SimulatedSource::describe() const {
  return "the twin's simulated sensors (replication " + std::to_string(replication_) + ")";
}

void SimulatedSource::start(Sink sink) {
  thread_ = std::thread([this, sink] {
    FleetScript script = script_replication(twin_, seed_, replication_, REHEARSAL_EPOCH_US, &stop_);
    for (const Arrival& a : script.arrivals)
      if (stop_.load() || !sink(a)) break;
    done_ = true;
  });
}

void SimulatedSource::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace citytwin::drivers
