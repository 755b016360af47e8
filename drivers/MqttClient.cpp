// MQTT over libmosquitto.
#include "drivers/MqttClient.hpp"

#include <mosquitto.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace citytwin::drivers {
namespace {

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

MqttEndpoint MqttEndpoint::parse(const std::string& url) {
  const std::string example = " (e.g. mqtt://citytwin@127.0.0.1:1883/application/+/device/+/event/up)";
  MqttEndpoint e;
  std::string rest;
  if (url.rfind("mqtt://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("mqtts://", 0) == 0) {
    rest = url.substr(8);
    e.tls = true;
    e.port = 8883;
  } else {
    throw std::invalid_argument("'" + url + "' is not an MQTT URL: it must start with mqtt:// or mqtts://" + example);
  }
  std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) e.topic = rest.substr(slash + 1);
  if (std::size_t at = authority.rfind('@'); at != std::string::npos) {
    std::string user = authority.substr(0, at);
    authority = authority.substr(at + 1);
    std::size_t colon = user.find(':');
    e.username = percent_decode(user.substr(0, colon));
    if (colon != std::string::npos) e.password = percent_decode(user.substr(colon + 1));
  }
  if (const char* pw = std::getenv("CITYTWIN_MQTT_PASSWORD"); pw && e.password.empty()) e.password = pw;
  std::size_t colon = authority.rfind(':');
  e.host = authority.substr(0, colon);
  if (e.host.empty()) throw std::invalid_argument("'" + url + "' names no host" + example);
  if (colon != std::string::npos) {
    std::string port = authority.substr(colon + 1);
    char* end = nullptr;
    long p = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || p < 1 || p > 65535)
      throw std::invalid_argument("'" + url + "': port '" + port + "' must be a number from 1 to 65535" + example);
    e.port = static_cast<int>(p);
  }
  return e;
}

std::string MqttEndpoint::describe() const {
  return std::string(tls ? "mqtts://" : "mqtt://") + (username.empty() ? "" : username + "@") + host + ":" +
         std::to_string(port) + "/" + topic;
}

MqttClient::MqttClient(MqttEndpoint endpoint, bool persistent, OnMessage on_message)
    : endpoint_(std::move(endpoint)), on_message_(std::move(on_message)) {
  init_library();
  if (persistent && endpoint_.client_id.empty())
    throw std::invalid_argument("a persistent MQTT session needs a client id");
  mosq_ = mosquitto_new(endpoint_.client_id.empty() ? nullptr : endpoint_.client_id.c_str(), !persistent, this);
  if (!mosq_) throw std::runtime_error("mosquitto_new() failed (out of memory?)");
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_max_inflight_messages_set(mosq_, 1000);
  mosquitto_reconnect_delay_set(mosq_, 1, 30, true);
  if (!endpoint_.username.empty())
    mosquitto_username_pw_set(mosq_, endpoint_.username.c_str(),
                              endpoint_.password.empty() ? nullptr : endpoint_.password.c_str());
  if (endpoint_.tls) {
    int rc = mosquitto_tls_set(mosq_, endpoint_.ca_file.empty() ? nullptr : endpoint_.ca_file.c_str(),
                               endpoint_.ca_file.empty() ? "/etc/ssl/certs" : nullptr,
                               endpoint_.cert_file.empty() ? nullptr : endpoint_.cert_file.c_str(),
                               endpoint_.key_file.empty() ? nullptr : endpoint_.key_file.c_str(), nullptr);
    if (rc != MOSQ_ERR_SUCCESS)
      throw std::runtime_error("TLS set-up for " + endpoint_.describe() + " failed: " + mosquitto_strerror(rc) +
                               "; check the certificate files");
  }
  mosquitto_connect_callback_set(mosq_, &MqttClient::on_connect);
  mosquitto_disconnect_callback_set(mosq_, &MqttClient::on_disconnect);
  mosquitto_publish_callback_set(mosq_, &MqttClient::on_publish);
  mosquitto_message_callback_set(mosq_, &MqttClient::on_message_cb);
}

MqttClient::~MqttClient() {
  if (!mosq_) return;
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, true);
  mosquitto_destroy(mosq_);
}

void MqttClient::connect(std::chrono::milliseconds timeout) {
  int rc = mosquitto_connect_async(mosq_, endpoint_.host.c_str(), endpoint_.port, endpoint_.keepalive_s);
  if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_ERRNO)
    throw std::runtime_error("cannot connect to " + endpoint_.describe() + ": " + mosquitto_strerror(rc));
  rc = mosquitto_loop_start(mosq_);
  if (rc != MOSQ_ERR_SUCCESS) throw std::runtime_error(std::string("mosquitto_loop_start() failed: ") + mosquitto_strerror(rc));
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, timeout, [&] { return connack_ >= 0; }))
    throw std::runtime_error("no answer from the broker at " + endpoint_.describe() + " within " +
                             std::to_string(timeout.count()) + " ms; check the host, the port and the firewall" +
                             (endpoint_.tls ? ", and that the broker speaks TLS there" : ""));
  if (connack_ != 0)
    throw std::runtime_error("the broker at " + endpoint_.describe() + " refused the connection: " +
                             mosquitto_connack_string(connack_) + "; check the user name and password (and the ACL)");
}

void MqttClient::subscribe(const std::string& filter) {
  {
    std::lock_guard lock(mutex_);
    filters_.push_back(filter);
  }
  int rc = mosquitto_subscribe(mosq_, nullptr, filter.c_str(), 1);
  if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN)
    throw std::runtime_error("cannot subscribe to '" + filter + "': " + mosquitto_strerror(rc));
}

void MqttClient::publish(const std::string& topic, const std::string& payload, int qos) {
  // libmosquitto queues a QoS 1 message even while disconnected and sends it again, under the same message
  // id, after each reconnection until the broker acknowledges it; the client only counts what is pending.
  std::lock_guard lock(mutex_);
  int mid = 0;
  int rc = mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(), qos, false);
  if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN && rc != MOSQ_ERR_CONN_LOST)
    throw std::runtime_error("cannot publish on '" + topic + "': " + mosquitto_strerror(rc));
  if (qos > 0) in_flight_.insert(mid);
}

bool MqttClient::wait_acknowledged(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return in_flight_.empty(); });
}

std::size_t MqttClient::unacknowledged() const {
  std::lock_guard lock(mutex_);
  return in_flight_.size();
}

void MqttClient::disconnect() {
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, false);
  connected_ = false;
}

void MqttClient::on_connect(mosquitto* m, void* self, int rc) {
  auto* c = static_cast<MqttClient*>(self);
  std::lock_guard lock(c->mutex_);
  c->connack_ = rc;
  if (rc == 0) {
    if (c->ever_connected_) ++c->reconnections_;
    c->ever_connected_ = true;
    c->connected_ = true;
    for (const auto& f : c->filters_) mosquitto_subscribe(m, nullptr, f.c_str(), 1);
  }
  c->changed_.notify_all();
}

void MqttClient::on_disconnect(mosquitto*, void* self, int) {
  auto* c = static_cast<MqttClient*>(self);
  c->connected_ = false;
}

void MqttClient::on_publish(mosquitto*, void* self, int mid) {
  auto* c = static_cast<MqttClient*>(self);
  std::lock_guard lock(c->mutex_);
  c->in_flight_.erase(mid);
  c->changed_.notify_all();
}

void MqttClient::on_message_cb(mosquitto*, void* self, const mosquitto_message* m) {
  auto* c = static_cast<MqttClient*>(self);
  if (!c->on_message_) return;
  std::string payload(static_cast<const char*>(m->payload), static_cast<std::size_t>(m->payloadlen));
  c->on_message_(m->topic, payload);
}

}  // namespace citytwin::drivers
