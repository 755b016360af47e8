// An MQTT client (libmosquitto): credentials and TLS, QoS 1 with a persistent session, reconnection with
// back-off, and publications kept until the broker acknowledges them.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <set>
#include <mutex>
#include <string>
#include <vector>

struct mosquitto;
struct mosquitto_message;

namespace citytwin::drivers {

/// Where and how to reach a broker. Written as `mqtt://[user[:password]@]host[:port][/topic]`, or
/// `mqtts://...` for TLS (port 8883 by default); the topic is a subscription filter (`application/+/device/+/event/up`)
/// or a topic to publish on. A password is better given by the CITYTWIN_MQTT_PASSWORD environment variable
/// than in a URL that shows in process lists.
struct MqttEndpoint {
  std::string host = "localhost";
  int port = 1883;
  bool tls = false;
  std::string username, password;
  std::string topic;
  std::string ca_file;                ///< TLS: the certificate authority that signed the broker's certificate
  std::string cert_file, key_file;    ///< TLS: the client's own certificate and key, when the broker asks for one
  std::string client_id;              ///< the persistent session's name (empty: a random one, clean session)
  int keepalive_s = 30;

  /// Parses a URL; throws std::invalid_argument saying what is wrong and giving an example.
  static MqttEndpoint parse(const std::string& url);
  /// "mqtt://user@host:port/topic", without the password.
  std::string describe() const;
};

/// One connection to a broker, with its own network thread. Messages of the subscriptions go to
/// `on_message` on that thread. Reconnects by itself (1 s, doubling to 30 s), resubscribes, and sends again
/// the publications the broker had not acknowledged (libmosquitto keeps them, under their message ids).
class MqttClient {
 public:
  using OnMessage = std::function<void(const std::string& topic, const std::string& payload)>;

  /// `persistent`: the broker keeps the session (subscriptions and QoS 1 messages) while disconnected;
  /// needs a client id.
  MqttClient(MqttEndpoint endpoint, bool persistent, OnMessage on_message = {});
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  /// Connects and waits for the broker's answer; throws std::runtime_error with the broker's reason
  /// (refused credentials, unreachable host, TLS failure) and what to check.
  void connect(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  /// Subscribes to a filter with QoS 1 (kept across reconnections).
  void subscribe(const std::string& filter);
  /// Publishes with QoS 1 (or 0); a QoS 1 message is kept until the broker acknowledges it.
  void publish(const std::string& topic, const std::string& payload, int qos = 1);
  /// Waits until every QoS 1 publication is acknowledged; false at the timeout.
  bool wait_acknowledged(std::chrono::milliseconds timeout);
  void disconnect();

  bool connected() const { return connected_.load(); }
  std::uint64_t reconnections() const { return reconnections_.load(); }
  std::size_t unacknowledged() const;
  const MqttEndpoint& endpoint() const { return endpoint_; }

 private:
  static void on_connect(mosquitto*, void* self, int rc);
  static void on_disconnect(mosquitto*, void* self, int rc);
  static void on_publish(mosquitto*, void* self, int mid);
  static void on_message_cb(mosquitto*, void* self, const mosquitto_message* m);

  MqttEndpoint endpoint_;
  OnMessage on_message_;
  mosquitto* mosq_ = nullptr;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::set<int> in_flight_;              // QoS 1 message ids not yet acknowledged
  std::vector<std::string> filters_;
  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> reconnections_{0};
  int connack_ = -1;                     // the last CONNACK code, -1 before any
  bool ever_connected_ = false;
};

}  // namespace citytwin::drivers
