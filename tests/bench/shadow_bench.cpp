// The shadow-mode throughput benchmark: readings published through a real mosquitto broker on loopback into
// the detection core, against a plain subscriber that only counts (the limit the broker sets), in one run.
//
// 1. Flood: N uplinks published as fast as the broker takes them, once to the counting subscriber, once to a
//    shadow session (ingestion, the core, the raw and alert logs): the rate each sustains, without loss.
// 2. Paced: 1,000 uplinks per second for a span, each a press of a shop's button not pressed in the last
//    second (so each raises an alert, logged and published as a FIWARE entity): publish-to-alert latency of
//    the session (p50, p99) beside the subscriber's publish-to-receipt.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "drivers/Broker.hpp"
#include "drivers/DeviceMap.hpp"
#include "drivers/Payloads.hpp"
#include "drivers/Rfc3339.hpp"
#include "drivers/Shadow.hpp"
#include "models/City.hpp"
#include "sim/Scenario.hpp"
#include "sim/Statistics.hpp"

namespace {

using namespace citytwin;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t SHOPS = 20'000;

std::int64_t wall_us() { return drivers::SessionClock::wall_us(); }

/// The uplink of shop `shop`'s button, pressed at `t_us` (wall clock), frame `fcnt`.
std::pair<std::string, std::string> press(std::uint32_t shop, std::uint32_t fcnt, std::int64_t t_us) {
  std::string eui = drivers::rehearsal_dev_eui(shop, detection::SensorKind::ALERT_BUTTON);
  nlohmann::json j = {{"deduplicationId", std::to_string(shop) + "-" + std::to_string(fcnt)},
                      {"time", drivers::format_rfc3339_us(t_us)},
                      {"deviceInfo", {{"tenantName", "bench"}, {"applicationName", "bench"}, {"devEui", eui}}},
                      {"fCnt", fcnt},
                      {"fPort", 1},
                      {"object", {{"pressed", true}}}};
  return {drivers::chirpstack_topic("bench", eui), j.dump()};
}

/// A subscriber that counts messages and keeps when each arrived.
struct Counter {
  std::atomic<std::uint64_t> n{0};
  std::mutex mutex;
  std::vector<std::pair<std::int64_t, std::string>> kept;  // (received, payload) when keeping
  bool keep = false;
  drivers::MqttClient::OnMessage sink() {
    return [this](const std::string&, const std::string& payload) {
      if (keep) {
        std::lock_guard lock(mutex);
        kept.emplace_back(wall_us(), payload);
      }
      n.fetch_add(1, std::memory_order_relaxed);
    };
  }
};

void wait_until(const std::function<bool()>& done, double limit_s) {
  auto until = Clock::now() + std::chrono::milliseconds(static_cast<long>(limit_s * 1000));
  while (!done() && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Flood {
  double publish_s = 0, receive_s = 0;
  std::uint64_t received = 0;
};

/// Publishes `n` presses as fast as the client takes them; `received` says how many the consumer has.
Flood flood(drivers::MqttClient& fleet, std::uint64_t n, const std::function<std::uint64_t()>& received,
            std::uint32_t frame_base) {
  std::vector<std::pair<std::string, std::string>> messages;
  messages.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i)
    messages.push_back(press(static_cast<std::uint32_t>(i % SHOPS), frame_base + static_cast<std::uint32_t>(i / SHOPS),
                             wall_us()));
  const std::uint64_t before = received();
  Flood f;
  auto t0 = Clock::now();
  for (const auto& [topic, payload] : messages) fleet.publish(topic, payload);
  fleet.wait_acknowledged(std::chrono::seconds(120));
  f.publish_s = seconds_since(t0);
  wait_until([&] { return received() - before >= n; }, 120);
  f.receive_s = seconds_since(t0);
  f.received = received() - before;
  return f;
}

/// A shadow session on the broker, running on its own thread.
struct Session {
  test::TempDir logs;
  std::unique_ptr<drivers::ShadowSession> session;
  std::atomic<bool> stop{false};
  std::thread runner;
  Session(const models::LiveTwin& twin, const sim::Scenario& scenario, const test::Broker& broker, bool publish) {
    drivers::ShadowSettings s;
    s.source = broker.url("shadow", "application/+/device/+/event/up");
    // A clean session (no client id): a persistent one left behind would have the broker queue every later
    // message for it.
    if (publish) s.publish_alerts = broker.url("shadow", "citytwin/alerts");
    s.log_dir = logs.path.string();
    s.seed = scenario.seed();
    s.duration = scenario.duration();
    s.baseline_replications = 1;
    s.queue_capacity = 10'000;
    s.ingest.future_tolerance_us = 3'600'000'000;
    session = std::make_unique<drivers::ShadowSession>(twin, s);
    runner = std::thread([this] { session->run(stop); });
    wait_until([&] { return session->running(); }, 10);
  }
  ~Session() {
    stop = true;
    if (runner.joinable()) runner.join();
  }
};

double median(std::vector<double> v) { return sim::quantile(v, 0.5); }

}  // namespace

int main(int argc, char** argv) {
  bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  if (argc > 1 && !quick) {
    std::printf("usage: shadow_bench [--quick]\n  Starts mosquitto on 127.0.0.1 and prints the rates and latencies of a "
                "shadow session against a plain subscriber.\n");
    return std::strcmp(argv[1], "--help") == 0 ? 0 : 2;
  }
  const std::uint64_t n = quick ? 5'000 : 100'000;
  const int rounds = quick ? 1 : 3;
  const double paced_s = quick ? 2.0 : 20.0;
  const double rate = 1000.0;

  // The city: shops with buttons and nothing else; a day of the twin for its expectations.
  sim::Registry registry;
  models::register_models(registry);
  sim::Scenario scenario = sim::Scenario::load_file(
      std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/roanne-shop-alerts.yaml", registry,
      // Short windows keep few alerts open at 1,000 a second (the core scans its open alerts for fusion).
      {"shops.count=" + std::to_string(SHOPS), "duration=1d", "warmup=0s", "detection.merge_window=1s",
       "detection.fusion_window=1s", "detection.event_merge_window=1s"});
  auto model = models::build_model(scenario.variants()[0]);
  const auto* twin = dynamic_cast<const models::LiveTwin*>(model.get());

  test::Broker broker;
  std::printf("shadow_bench: mosquitto on 127.0.0.1:%d, QoS 1, %u buttons, ChirpStack v4 uplinks (%zu bytes); every "
              "message a press that raises an alert\n",
              broker.port(), SHOPS, press(0, 0, wall_us()).second.size());
  drivers::MqttClient fleet(drivers::MqttEndpoint::parse(broker.url("fleet", "")), false);
  fleet.connect();

  // 1. Floods, in rounds that alternate the consumers: the plain subscriber, the session that logs its
  // alerts, the session that also publishes them as FIWARE entities through the same broker.
  Counter counter;
  std::vector<double> rate_plain, rate_logged, rate_published;
  std::uint64_t lost = 0;
  std::uint32_t frames = 0;
  Flood last;
  for (int r = 0; r < rounds; ++r) {
    {
      drivers::MqttClient plain(drivers::MqttEndpoint::parse(broker.url("shadow", "")), false, counter.sink());
      plain.subscribe("application/+/device/+/event/up");
      plain.connect();
      Flood f = flood(fleet, n, [&] { return counter.n.load(); }, frames);
      frames += static_cast<std::uint32_t>(n / SHOPS + 1);
      rate_plain.push_back(static_cast<double>(f.received) / f.receive_s);
      lost += n - f.received;
      plain.disconnect();
    }
    for (bool publish : {false, true}) {
      Session s(*twin, scenario, broker, publish);
      Flood f = flood(fleet, n, [&] { return s.session->taken(); }, frames);
      frames += static_cast<std::uint32_t>(n / SHOPS + 1);
      (publish ? rate_published : rate_logged).push_back(static_cast<double>(f.received) / f.receive_s);
      lost += n - f.received;
    }
  }

  // 2. Paced at 1,000 a second into the publishing session, the plain subscriber beside it.
  Session paced_session(*twin, scenario, broker, true);
  drivers::ShadowSession& session = *paced_session.session;
  counter.keep = true;
  drivers::MqttClient plain2(drivers::MqttEndpoint::parse(broker.url("shadow", "")), false, counter.sink());
  plain2.subscribe("application/+/device/+/event/up");
  plain2.connect();
  const std::uint64_t paced = static_cast<std::uint64_t>(rate * paced_s);
  const std::uint64_t counted_before = counter.n.load();
  const std::int64_t paced_from_us = wall_us();
  auto t0 = Clock::now();
  for (std::uint64_t i = 0; i < paced; ++i) {
    std::this_thread::sleep_until(t0 + std::chrono::microseconds(static_cast<std::int64_t>(static_cast<double>(i) * 1e6 / rate)));
    auto [topic, payload] = press(static_cast<std::uint32_t>(i % SHOPS), frames + static_cast<std::uint32_t>(i / SHOPS), wall_us());
    fleet.publish(topic, payload);
  }
  fleet.wait_acknowledged(std::chrono::seconds(60));
  wait_until([&] { return session.taken() >= paced && counter.n.load() - counted_before >= paced; }, 60);
  const double paced_wall = seconds_since(t0);
  const std::uint64_t paced_taken = session.taken();
  paced_session.stop = true;
  paced_session.runner.join();
  plain2.disconnect();

  // Latencies: publish (the uplink's time) to the alert's emission (alerts.jsonl), and to the subscriber's receipt.
  std::vector<double> to_alert, to_subscriber;
  {
    std::ifstream in(paced_session.logs.path / "alerts.jsonl");
    for (std::string line; std::getline(in, line);) {
      nlohmann::json j = nlohmann::json::parse(line);
      if (j["event"] != "raised") continue;
      auto at = drivers::parse_rfc3339_us(j["at"].get<std::string>());
      auto observed = drivers::parse_rfc3339_us(j["alert"]["dateObserved"].get<std::string>());
      if (at && observed && *observed >= paced_from_us) to_alert.push_back(static_cast<double>(*at - *observed) / 1000.0);
    }
    for (const auto& [received, payload] : counter.kept) {
      auto t = drivers::parse_rfc3339_us(nlohmann::json::parse(payload)["time"].get<std::string>());
      if (t && *t >= paced_from_us) to_subscriber.push_back(static_cast<double>(received - *t) / 1000.0);
    }
  }
  const double plain_rate = median(rate_plain), logged_rate = median(rate_logged), published_rate = median(rate_published);
  std::printf("\nflood of %llu messages, median of %d rounds        rate msg/s   of plain\n",
              static_cast<unsigned long long>(n), rounds);
  std::printf("  plain subscriber (counts only)                %10.0f\n", plain_rate);
  std::printf("  shadow session, alerts logged                 %10.0f   %5.0f%%\n", logged_rate,
              100.0 * logged_rate / plain_rate);
  std::printf("  shadow session, alerts logged and published   %10.0f   %5.0f%%\n", published_rate,
              100.0 * published_rate / plain_rate);
  std::printf("  messages lost in the floods: %llu (target: at least 80%% of the plain rate, no loss)\n",
              static_cast<unsigned long long>(lost));
  std::printf("\npaced at %.0f msg/s for %.0f s (%llu presses, %zu alerts logged and published; %.1f s wall)\n", rate,
              paced_s, static_cast<unsigned long long>(paced), to_alert.size(), paced_wall);
  std::printf("  publish -> alert (shadow):      p50 %.2f ms, p99 %.2f ms, max %.2f ms (target: p99 under 50 ms)\n",
              sim::quantile(to_alert, 0.5), sim::quantile(to_alert, 0.99),
              to_alert.empty() ? 0.0 : *std::max_element(to_alert.begin(), to_alert.end()));
  std::printf("  publish -> receipt (plain):     p50 %.2f ms, p99 %.2f ms\n", sim::quantile(to_subscriber, 0.5),
              sim::quantile(to_subscriber, 0.99));
  std::printf("  lost: %llu\n", static_cast<unsigned long long>(paced - std::min(paced, paced_taken)));
  return 0;
}
