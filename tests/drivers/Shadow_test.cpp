// Tests of shadow mode: the same alerts whether the readings come from the twin's sensors directly, through
// a real mosquitto broker from a rehearsal fleet, or from the replay of the recorded log; duplicated and
// reordered messages, a flood of malformed ones, and a broker restart mid-stream.
#include "drivers/Shadow.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "Broker.hpp"
#include "drivers/Fleet.hpp"
#include "drivers/Outbound.hpp"
#include "models/City.hpp"
#include "sim/Scenario.hpp"

using namespace citytwin;
using namespace citytwin::drivers;
using citytwin::test::Broker;
using citytwin::test::TempDir;

namespace {

/// Two days of the bundled public-safety district with 20 microphones, two cameras and frequent gunfire, in
/// event-time mode (a reorder window of an hour: at the rehearsal's speed, a fifth of a second of wall time).
struct City {
  sim::Scenario scenario;
  std::unique_ptr<const sim::Model> model;
  const models::LiveTwin* twin = nullptr;
  City()
      : scenario(load()), model(models::build_model(scenario.variants()[0])),
        twin(dynamic_cast<const models::LiveTwin*>(model.get())) {
    REQUIRE(twin);
  }
  static sim::Scenario load() {
    sim::Registry r;
    models::register_models(r);
    return sim::Scenario::load_file(std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/aguascalientes-public-safety.yaml", r,
                                    {"duration=2d", "warmup=0s", "microphones.count=20",
                                     "cameras.sites=[[1.0km, 1.38km], [1.1km, 1.32km]]", "crime.gunfire.rate=3000/year",
                                     "detection.reorder_window=1h"});
  }
  ShadowSettings settings(const std::string& source) const {
    ShadowSettings s;
    s.source = source;
    s.seed = scenario.seed();
    s.duration = scenario.duration();
    s.baseline_replications = 2;
    return s;
  }
};

constexpr double SPEED = 17'280.0;  // two simulated days in ten seconds

std::vector<nlohmann::json> run_session(ShadowSession& session) {
  std::atomic<bool> stop{false};
  session.run(stop);
  return session.entities();
}

/// A session running on its own thread, subscribed before anything is published.
class Running {
 public:
  explicit Running(ShadowSession& session) : session_(session), thread_([this] { session_.run(stop_); }) {
    for (int i = 0; i < 500 && !session_.running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(session_.running());
  }
  /// Waits until `done` (or the limit), then stops the session.
  void finish(const std::function<bool()>& done, std::chrono::seconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stop_ = true;
    thread_.join();
  }
  ~Running() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  ShadowSession& session_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::size_t count_class(const std::vector<nlohmann::json>& entities, const std::string& cls, const std::string& status) {
  return static_cast<std::size_t>(std::count_if(entities.begin(), entities.end(), [&](const nlohmann::json& e) {
    return e["alertClass"] == cls && e["alertStatus"] == status;
  }));
}

}  // namespace

TEST_CASE("the alerts are the same from the twin's sensors, through a real broker, and from the replayed log") {
  City city;
  const auto& sensors = city.twin->live_sensors();
  FleetScript script = script_replication(*city.twin, city.scenario.seed(), 0);
  MESSAGE(script.arrivals.size() << " readings, " << script.alerts.size() << " alert events in the twin");
  REQUIRE(script.arrivals.size() > 500);

  // (a) The simulated source, straight into the session.
  ShadowSession direct(*city.twin, city.settings("sim:0"));
  std::vector<nlohmann::json> a = run_session(direct);
  CHECK(direct.ingest_counts().messages == 0);
  CHECK(count_class(a, "gunfire", "raised") >= 5);
  std::size_t located = 0;
  for (const auto& e : a) located += e["alertClass"] == "gunfire" && e["located"] == true;
  CHECK(located >= 3);
  // The twin's own core concluded the same, up to the end of its replication (the session concludes what
  // was still open when the stream ended).
  AlertContext context{&sensors, city.twin->geo_frame(), nullptr, "shadow"};
  REQUIRE(a.size() >= script.alerts.size());
  for (std::size_t i = 0; i < script.alerts.size(); ++i) {
    CAPTURE(i);
    CHECK(alert_entity(script.alerts[i], context) == a[i]);
  }

  // (b) A rehearsal fleet publishing through mosquitto in scaled wall-clock time, the session subscribed.
  Broker broker;
  TempDir logs;
  ShadowSettings live = city.settings(broker.url("shadow", "application/+/device/+/event/up"));
  live.mqtt.client_id = "citytwin-test-shadow";
  live.rehearsal = true;
  live.speed = SPEED;
  live.log_dir = logs.path.string();
  ShadowSession through_broker(*city.twin, live);
  MqttClient fleet(MqttEndpoint::parse(broker.url("fleet", "")), false);
  fleet.connect();
  std::atomic<bool> stop_fleet{false};
  Running running(through_broker);
  FleetReport published = publish_fleet(script, sensors, "aguascalientes", fleet, "", SPEED, stop_fleet);
  running.finish([&] { return through_broker.taken() >= script.arrivals.size(); },
                 std::chrono::seconds(60));
  CHECK(published.acknowledged);
  CHECK(through_broker.ingest_counts().readings == script.arrivals.size());
  CHECK(through_broker.ingest_counts().quarantined == 0);

  CHECK(through_broker.core_counts().late == 0);
  CHECK(through_broker.entities() == a);

  // (c) The raw log of (b), replayed as fast as possible.
  ShadowSettings replay = city.settings("replay:" + (logs.path / "raw.jsonl").string());
  replay.rehearsal = true;
  replay.speed = SPEED;
  ShadowSession replayed(*city.twin, replay);
  CHECK(run_session(replayed) == a);
  CHECK(replayed.ingest_counts().messages == through_broker.ingest_counts().messages);

  // The logs: every alert in alerts.jsonl, nothing quarantined.
  std::ifstream alerts(logs.path / "alerts.jsonl");
  std::size_t lines = 0;
  for (std::string line; std::getline(alerts, line);) ++lines;
  CHECK(lines == a.size());
  CHECK(std::filesystem::file_size(logs.path / "quarantine.jsonl") == 0);
}

TEST_CASE("duplicated and reordered messages through the broker give the same alerts") {
  City city;
  const auto& sensors = city.twin->live_sensors();
  FleetScript script = script_replication(*city.twin, city.scenario.seed(), 1);
  ShadowSession direct(*city.twin, city.settings("sim:1"));
  std::vector<nlohmann::json> reference = run_session(direct);

  Broker broker;
  ShadowSettings live = city.settings(broker.url("shadow", "application/+/device/+/event/up"));
  live.mqtt.client_id = "citytwin-test-shadow";
  live.rehearsal = true;
  live.speed = SPEED;
  ShadowSession session(*city.twin, live);
  // Every message twice, and neighbours within eight messages shuffled, as a network of gateways delivers.
  std::vector<std::uint32_t> frames(sensors.size(), 0);
  std::vector<std::pair<std::int64_t, RawMessage>> messages;
  for (const Arrival& x : script.arrivals)
    messages.emplace_back(x.arrival_us, chirpstack_uplink("city", x.reading.sensor, sensors[x.reading.sensor], x.reading,
                                                          frames[x.reading.sensor]++));
  std::mt19937_64 rng(99);
  for (std::size_t i = 0; i + 8 <= messages.size(); i += 8) std::shuffle(messages.begin() + i, messages.begin() + i + 8, rng);
  MqttClient fleet(MqttEndpoint::parse(broker.url("fleet", "")), false);
  fleet.connect();
  Running running(session);
  {
    auto started = std::chrono::steady_clock::now();
    const std::int64_t first = script.arrivals.front().arrival_us;
    for (const auto& [at, m] : messages) {
      std::this_thread::sleep_until(started + std::chrono::microseconds(static_cast<std::int64_t>(static_cast<double>(at - first) / SPEED)));
      fleet.publish(m.topic, m.payload);
      fleet.publish(m.topic, m.payload);
    }
    CHECK(fleet.wait_acknowledged(std::chrono::seconds(30)));
  }
  running.finish([&] { return session.taken() >= 2 * messages.size(); }, std::chrono::seconds(60));
  CHECK(session.ingest_counts().duplicates == messages.size());
  CHECK(session.ingest_counts().readings == messages.size());
  CHECK(session.ingest_counts().out_of_order > 0);
  CHECK(session.core_counts().late == 0);
  CHECK(session.entities() == reference);
}

TEST_CASE("a flood of malformed payloads is quarantined with its reasons while good messages are processed") {
  City city;
  const auto& sensors = city.twin->live_sensors();
  FleetScript script = script_replication(*city.twin, city.scenario.seed(), 2);
  Broker broker;
  TempDir logs;
  ShadowSettings live = city.settings(broker.url("shadow", "application/+/device/+/event/up"));
  live.rehearsal = true;
  live.speed = 1e5;
  live.log_dir = logs.path.string();
  ShadowSession session(*city.twin, live);
  MqttClient fleet(MqttEndpoint::parse(broker.url("fleet", "")), false);
  fleet.connect();
  Running running(session);
  std::vector<std::uint32_t> frames(sensors.size(), 0);
  const std::size_t good = std::min<std::size_t>(script.arrivals.size(), 400);
  std::mt19937_64 rng(5);
  std::map<std::string, std::size_t> sent_bad;
  const std::string other = "application/city/device/";
  for (std::size_t i = 0; i < good; ++i) {
    const Arrival& x = script.arrivals[i];
    RawMessage m = chirpstack_uplink("city", x.reading.sensor, sensors[x.reading.sensor], x.reading, frames[x.reading.sensor]++);
    fleet.publish(m.topic, m.payload);
    for (int k = 0; k < 5; ++k) {
      switch (rng() % 5) {
        case 0:
          fleet.publish(other + "0000000000000001/event/up",
                        "\x01" + std::string(rng() % 200, static_cast<char>(rng() % 256)));  // a control byte: never JSON
          ++sent_bad["not_json"];
          break;
        case 1:
          fleet.publish(other + "0000000000000001/event/up", std::string(10'000, '{'));
          ++sent_bad["too_large"];
          break;
        case 2:
          fleet.publish(m.topic, R"({"time":"2026-01-05T00:00:00Z","deviceInfo":{"devEui":"12"},"fCnt":1,"object":{}})");
          ++sent_bad["bad_format"];
          break;
        case 3:
          fleet.publish(other + "00000000000000ff/event/up",
                        R"({"time":"2026-01-05T00:00:00Z","deviceInfo":{"devEui":"00000000000000ff"},"fCnt":1,"object":{}})");
          ++sent_bad["unknown_device"];
          break;
        default: {
          nlohmann::json j = nlohmann::json::parse(m.payload);
          j["object"] = {{"pressed", "maybe"}, {"level_db", "loud"}, {"people", -4}, {"event", "party"}, {"reported", 7}};
          j["fCnt"] = 4'000'000'000u - static_cast<std::uint32_t>(i);
          j.erase("deduplicationId");
          fleet.publish(m.topic, j.dump());
          ++sent_bad["bad_values"];
        }
      }
    }
  }
  CHECK(fleet.wait_acknowledged(std::chrono::seconds(30)));
  const std::size_t total = good + 5 * good;
  running.finish([&] { return session.taken() >= total; }, std::chrono::seconds(60));
  const IngestCounts& c = session.ingest_counts();
  CHECK(c.messages == total);
  CHECK(c.readings == good);
  CHECK(c.quarantined == 5 * good);
  for (const auto& [code, n] : sent_bad) {
    CAPTURE(code);
    CHECK(c.by_code.count(code));
    if (c.by_code.count(code)) CHECK(c.by_code.at(code) == n);
  }
  // Each quarantined message is in the log with its reason.
  std::ifstream q(logs.path / "quarantine.jsonl");
  std::size_t lines = 0;
  for (std::string line; std::getline(q, line); ++lines) {
    nlohmann::json j = nlohmann::json::parse(line);
    CHECK(!j["reason"].get<std::string>().empty());
  }
  CHECK(lines == 5 * good);
}

TEST_CASE("shadow mode refuses to publish alerts where devices take their commands") {
  City city;
  ShadowSettings s = city.settings("sim:0");
  s.publish_alerts = "mqtt://127.0.0.1:1/application/city/device/ce01000000000001/command/down";
  CHECK_THROWS_WITH_AS(ShadowSession(*city.twin, s), doctest::Contains("never writes there"), std::invalid_argument);
}

TEST_CASE("a shadow session loses no reading when the broker restarts mid-stream") {
  City city;
  const auto& sensors = city.twin->live_sensors();
  FleetScript script = script_replication(*city.twin, city.scenario.seed(), 3);
  Broker broker;
  ShadowSettings live = city.settings(broker.url("shadow", "application/+/device/+/event/up"));
  live.mqtt.client_id = "citytwin-test-shadow";  // a persistent session: the broker keeps its messages
  live.rehearsal = true;
  live.speed = 4 * SPEED;
  ShadowSession session(*city.twin, live);
  MqttClient fleet(MqttEndpoint::parse(broker.url("fleet", "")), false);
  fleet.connect();
  Running running(session);
  std::vector<std::uint32_t> frames(sensors.size(), 0);
  const std::size_t n = script.arrivals.size();
  auto started = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    const Arrival& x = script.arrivals[i];
    if (i == n / 3) broker.stop();   // the administrator restarts the broker...
    if (i == n / 2) broker.start();  // ...while devices go on reporting
    std::this_thread::sleep_until(started + std::chrono::microseconds(static_cast<std::int64_t>(
                                                static_cast<double>(x.arrival_us - script.arrivals[0].arrival_us) / live.speed)));
    RawMessage m = chirpstack_uplink("city", x.reading.sensor, sensors[x.reading.sensor], x.reading, frames[x.reading.sensor]++);
    fleet.publish(m.topic, m.payload);
  }
  CHECK(fleet.wait_acknowledged(std::chrono::seconds(60)));
  running.finish([&] { return session.readings_taken() >= n; }, std::chrono::seconds(60));
  CHECK(session.ingest_counts().readings == n);  // every reading, once (QoS 1 repeats are dropped)
  CHECK(fleet.reconnections() >= 1);
  MESSAGE(n << " readings across a broker restart: " << session.ingest_counts().duplicates << " repeats dropped, "
            << session.core_counts().late << " taken as late (beyond the reorder window)");
}
