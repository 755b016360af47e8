// Decoding ChirpStack v4 uplinks, NGSI-LD entities (keyValues and normalized) and plain JSON lines.
#include "drivers/Payloads.hpp"

#include <cctype>
#include <limits>

#include "drivers/Rfc3339.hpp"

namespace citytwin::drivers {

using nlohmann::json;

const char* to_string(PayloadFormat f) {
  switch (f) {
    case PayloadFormat::CHIRPSTACK: return "chirpstack";
    case PayloadFormat::NGSI_LD: return "ngsi-ld";
    case PayloadFormat::PLAIN: return "plain";
  }
  return "?";
}

std::string chirpstack_topic(const std::string& application, const std::string& dev_eui) {
  return "application/" + application + "/device/" + dev_eui + "/event/up";
}

namespace {

/// The devEui of a ChirpStack uplink topic, or nothing when the topic is not one.
std::optional<std::string> topic_device(const std::string& topic) {
  // application/<app>/device/<devEui>/event/up
  static const std::string head = "application/", mid = "/device/", tail = "/event/up";
  if (topic.rfind(head, 0) != 0 || topic.size() < tail.size() ||
      topic.compare(topic.size() - tail.size(), tail.size(), tail) != 0)
    return std::nullopt;
  std::size_t at = topic.find(mid, head.size());
  if (at == std::string::npos) return std::nullopt;
  std::size_t start = at + mid.size(), end = topic.size() - tail.size();
  if (end <= start) return std::nullopt;
  return topic.substr(start, end - start);
}

bool is_eui(const std::string& s) {
  if (s.size() != 16) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// A time as RFC 3339 text, or as a whole number of microseconds since 1970.
std::optional<std::int64_t> time_of(const json& v) {
  if (v.is_string()) return parse_rfc3339_us(v.get<std::string>());
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return std::nullopt;
}

Decoded chirpstack(const RawMessage& m, const json& doc) {
  auto fail = [](std::string why) { return Decoded(std::string("ChirpStack uplink: ") + why); };
  if (!doc.contains("deviceInfo") || !doc["deviceInfo"].is_object()) return fail("missing 'deviceInfo'");
  const json& info = doc["deviceInfo"];
  if (!info.contains("devEui") || !info["devEui"].is_string() || !is_eui(info["devEui"].get<std::string>()))
    return fail("'deviceInfo.devEui' must be 16 hexadecimal digits");
  Uplink u;
  u.format = PayloadFormat::CHIRPSTACK;
  u.device = lower(info["devEui"].get<std::string>());
  if (auto from_topic = topic_device(m.topic); from_topic && lower(*from_topic) != u.device)
    return fail("the topic names device " + *from_topic + " but the payload " + u.device);
  if (!doc.contains("time")) return fail("missing 'time'");
  auto t = time_of(doc["time"]);
  if (!t) return fail("'time' is not an RFC 3339 time: " + doc["time"].dump());
  u.time_us = *t;
  if (!doc.contains("fCnt") || !doc["fCnt"].is_number_unsigned() ||
      doc["fCnt"].get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max())
    return fail("'fCnt' must be a frame counter (0 to 4294967295)");
  u.frame_counter = static_cast<std::uint32_t>(doc["fCnt"].get<std::uint64_t>());
  if (doc.contains("deduplicationId")) {
    if (!doc["deduplicationId"].is_string()) return fail("'deduplicationId' must be text");
    u.dedup_id = doc["deduplicationId"].get<std::string>();
  }
  if (!doc.contains("object") || !doc["object"].is_object())
    return fail("no decoded 'object' (configure a payload codec in the device profile)");
  u.values = doc["object"];
  return std::vector<Uplink>{u};
}

/// One NGSI-LD entity: keyValues ("fillingLevel": 0.4) or normalized ("fillingLevel": {"type": "Property",
/// "value": 0.4, "observedAt": ...}).
std::optional<std::string> entity(const json& e, Uplink& u) {
  if (!e.is_object()) return "an entity must be a JSON object";
  if (!e.contains("id") || !e["id"].is_string() || e["id"].get<std::string>().empty()) return "an entity needs an 'id'";
  if (!e.contains("type") || !e["type"].is_string()) return "entity " + e["id"].dump() + " needs a 'type'";
  u.format = PayloadFormat::NGSI_LD;
  u.device = e["id"].get<std::string>();
  u.entity_type = e["type"].get<std::string>();
  std::optional<std::int64_t> t;
  for (const auto& [key, value] : e.items()) {
    if (key == "id" || key == "type" || key == "@context") continue;
    json v = value;
    if (value.is_object() && value.contains("value") && value.contains("type")) {
      v = value["value"];
      if (value.contains("observedAt") && !t) t = time_of(value["observedAt"]);
    }
    if (key == "dateObserved" || key == "observedAt" || key == "dateLastValueReported") {
      if (!t) t = time_of(v.is_object() && v.contains("@value") ? v["@value"] : v);
      continue;
    }
    u.values[key] = v;
  }
  if (!t) return "entity " + u.device + " gives no time (dateObserved, observedAt or dateLastValueReported)";
  u.time_us = *t;
  return std::nullopt;
}

Decoded ngsi(const json& doc) {
  std::vector<Uplink> out;
  const bool notification = doc.value("type", "") == "Notification";
  if (notification && !(doc.contains("data") && doc["data"].is_array()))
    return std::string("NGSI-LD notification: 'data' must be a list of entities");
  const json list = notification ? doc["data"] : json::array({doc});
  for (const json& e : list) {
    Uplink u;
    if (auto why = entity(e, u)) return "NGSI-LD: " + *why;
    out.push_back(std::move(u));
  }
  if (out.empty()) return std::string("NGSI-LD notification with no entity");
  return out;
}

Decoded plain(const json& doc) {
  auto fail = [](std::string why) { return Decoded(std::string("plain reading: ") + why); };
  Uplink u;
  u.format = PayloadFormat::PLAIN;
  if (!doc["device"].is_string() || doc["device"].get<std::string>().empty()) return fail("'device' must be text");
  u.device = doc["device"].get<std::string>();
  if (!doc.contains("time")) return fail("missing 'time'");
  auto t = time_of(doc["time"]);
  if (!t) return fail("'time' must be RFC 3339 text or whole microseconds since 1970, got " + doc["time"].dump());
  u.time_us = *t;
  if (!doc["values"].is_object()) return fail("'values' must be a map of values");
  u.values = doc["values"];
  if (doc.contains("seq")) {
    if (!doc["seq"].is_number_unsigned() || doc["seq"].get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max())
      return fail("'seq' must be a counter (0 to 4294967295)");
    u.frame_counter = static_cast<std::uint32_t>(doc["seq"].get<std::uint64_t>());
  }
  return std::vector<Uplink>{u};
}

}  // namespace

Decoded decode_message(const RawMessage& m) {
  json doc = json::parse(m.payload, nullptr, false);
  if (doc.is_discarded()) return std::string("not JSON");
  if (!doc.is_object()) return std::string("not a JSON object");
  if (topic_device(m.topic) || doc.contains("deviceInfo")) return chirpstack(m, doc);
  if (doc.contains("device") && doc.contains("values")) return plain(doc);
  if (doc.contains("type") && (doc.contains("id") || doc.value("type", "") == "Notification")) return ngsi(doc);
  return std::string("unknown format: neither a ChirpStack uplink, an NGSI-LD entity nor {device, time, values}");
}

}  // namespace citytwin::drivers
