// Tests of the MQTT transport against a real mosquitto broker: credentials, the ACL, TLS, persistent sessions
// across a broker restart; and the serial transport through a pseudo-terminal pair.
#include "drivers/MessageSource.hpp"
#include "drivers/MqttClient.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>

#include "Broker.hpp"

using namespace citytwin::drivers;
using citytwin::test::Broker;

namespace {

/// Messages a subscriber receives, with a wait for a count.
struct Inbox {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> got;
  MqttClient::OnMessage sink() {
    return [this](const std::string& t, const std::string& p) {
      std::lock_guard lock(mutex);
      got.emplace_back(t, p);
    };
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return got.size();
  }
  /// The distinct payloads received so far (QoS 1 delivers at least once: some may come twice).
  std::set<std::string> distinct() {
    std::lock_guard lock(mutex);
    std::set<std::string> d;
    for (const auto& [t, p] : got) d.insert(p);
    return d;
  }
  /// Waits until `n` messages have arrived, counting a payload received twice once if `distinct_only`.
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000),
                bool distinct_only = false) {
    auto count = [&] { return distinct_only ? distinct().size() : size(); };
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (count() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return count() >= n;
  }
};

}  // namespace

TEST_CASE("MQTT URLs are read with their parts, and their mistakes named") {
  MqttEndpoint e = MqttEndpoint::parse("mqtts://shadow:s%40cret@broker.example.org/application/+/device/+/event/up");
  CHECK(e.tls);
  CHECK(e.port == 8883);
  CHECK(e.username == "shadow");
  CHECK(e.password == "s@cret");
  CHECK(e.host == "broker.example.org");
  CHECK(e.topic == "application/+/device/+/event/up");
  CHECK(e.describe() == "mqtts://shadow@broker.example.org:8883/application/+/device/+/event/up");  // no password
  CHECK(MqttEndpoint::parse("mqtt://127.0.0.1:1884").port == 1884);
  CHECK_THROWS_WITH_AS(MqttEndpoint::parse("http://x"), doctest::Contains("must start with mqtt://"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(MqttEndpoint::parse("mqtt://host:99999/t"), doctest::Contains("port '99999'"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(MqttEndpoint::parse("mqtt:///t"), doctest::Contains("names no host"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(make_source("ftp://x", 0, {}), doctest::Contains("replay:FILE"), std::invalid_argument);
}

TEST_CASE("the broker refuses a client without credentials, and the ACL keeps a device to its own topic") {
  Broker broker;
  MqttClient anonymous(MqttEndpoint::parse(broker.url("", "x")), false);
  CHECK_THROWS_WITH_AS(anonymous.connect(), doctest::Contains("refused the connection"), std::runtime_error);
  MqttClient wrong(MqttEndpoint::parse("mqtt://shadow:guess@127.0.0.1:" + std::to_string(broker.port()) + "/x"), false);
  CHECK_THROWS_WITH_AS(wrong.connect(), doctest::Contains("user name and password"), std::runtime_error);

  Inbox inbox;
  MqttClient shadow(MqttEndpoint::parse(broker.url("shadow", "")), false, inbox.sink());
  shadow.subscribe("application/+/device/+/event/up");
  shadow.connect();
  MqttClient device(MqttEndpoint::parse(broker.url("ce01000000000001", "")), false);
  device.connect();
  // Another device's topic: the broker takes the message and drops it; the device's own topic goes through.
  device.publish("application/city/device/ce01000000000002/event/up", R"({"forged":true})");
  device.publish("application/city/device/ce01000000000001/event/up", R"({"own":true})");
  CHECK(device.wait_acknowledged(std::chrono::seconds(5)));
  REQUIRE(inbox.wait_for(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  REQUIRE(inbox.size() == 1);
  CHECK(inbox.got[0].first == "application/city/device/ce01000000000001/event/up");
  // Nor may the shadow write on a device's topic: what it publishes there never arrives.
  Inbox fleet_inbox;
  MqttClient fleet(MqttEndpoint::parse(broker.url("fleet", "")), false, fleet_inbox.sink());
  fleet.subscribe("application/#");
  fleet.connect();
  shadow.publish("application/city/device/ce01000000000001/command/down", "{}");
  CHECK(shadow.wait_acknowledged(std::chrono::seconds(5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(fleet_inbox.size() == 0);
}

TEST_CASE("over TLS the client checks the broker's certificate against the given authority") {
  Broker broker(true);
  Inbox inbox;
  MqttEndpoint e = MqttEndpoint::parse(broker.url("shadow", "", true));
  e.ca_file = broker.ca_file();
  MqttClient shadow(e, false, inbox.sink());
  shadow.subscribe("citytwin/#");
  shadow.connect();
  shadow.publish("citytwin/alerts", "over tls");
  REQUIRE(inbox.wait_for(1));
  CHECK(inbox.got[0].second == "over tls");
  // Without the authority the broker's certificate is not trusted: no connection.
  MqttEndpoint untrusted = MqttEndpoint::parse(broker.url("shadow", "", true));
  untrusted.ca_file = "/etc/ssl/certs/ca-certificates.crt";
  MqttClient refused(untrusted, false);
  CHECK_THROWS_AS(refused.connect(std::chrono::milliseconds(3000)), std::runtime_error);
}

TEST_CASE("a persistent QoS 1 session loses nothing when the broker restarts mid-stream") {
  Broker broker;
  Inbox inbox;
  MqttEndpoint se = MqttEndpoint::parse(broker.url("shadow", ""));
  se.client_id = "citytwin-test-shadow";
  MqttClient shadow(se, true, inbox.sink());
  shadow.subscribe("application/+/device/+/event/up");
  shadow.connect();
  MqttClient fleet(MqttEndpoint::parse(broker.url("fleet", "")), false);
  fleet.connect();
  const int n = 3000;
  for (int i = 0; i < n; ++i) {
    if (i == n / 3) broker.stop();  // publications go on while the broker is down: the client keeps them
    if (i == n / 2) broker.start();
    fleet.publish("application/city/device/ce01000000000001/event/up", std::to_string(i));
    if (i % 100 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(fleet.wait_acknowledged(std::chrono::seconds(60)));
  // Every one, some perhaps twice (QoS 1 is at least once): duplicates must not stand in for a missing one.
  CHECK(inbox.wait_for(n, std::chrono::seconds(60), true));
  std::set<std::string> distinct = inbox.distinct();
  CHECK(distinct.size() == n);
  CHECK(fleet.reconnections() >= 1);
  CHECK(shadow.reconnections() >= 1);
  MESSAGE(inbox.size() << " deliveries of " << n << " messages across a broker restart");
}

TEST_CASE("a serial device's lines arrive as messages, a line too long is cut and passed on") {
  int master = -1, slave = -1;
  char name[256];
  REQUIRE(::openpty(&master, &slave, name, nullptr, nullptr) == 0);
  std::vector<RawMessage> got;
  std::mutex m;
  {
    SerialSource serial(name, 115200, 64);
    serial.start([&](Delivery d) {
      std::lock_guard lock(m);
      got.push_back(std::get<RawMessage>(d));
      return true;
    });
    std::string lines = "{\"device\":\"mic-000\",\"time\":1,\"values\":{}}\r\n" + std::string(100, 'x') + "\nlast\n";
    REQUIRE(::write(master, lines.data(), lines.size()) == static_cast<ssize_t>(lines.size()));
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard lock(m);
        if (got.size() >= 4) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    serial.stop();
  }
  ::close(master);
  ::close(slave);
  REQUIRE(got.size() == 4);
  CHECK(got[0].payload == "{\"device\":\"mic-000\",\"time\":1,\"values\":{}}");
  CHECK(got[0].topic == name);
  CHECK(got[1].payload == std::string(64, 'x'));
  CHECK(got[2].payload == std::string(36, 'x'));
  CHECK(got[3].payload == "last");
  CHECK(got[0].received_us > 0);
}
