// ChirpStack uplinks of a rehearsal fleet, FIWARE Alert entities, keyed pseudonyms.
#include "drivers/Outbound.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "drivers/DeviceMap.hpp"
#include "drivers/Payloads.hpp"
#include "drivers/Rfc3339.hpp"

namespace citytwin::drivers {

using detection::AlertClass;
using nlohmann::json;

std::string Pseudonymiser::operator()(const std::string& id) const {
  if (key_.empty()) return id;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(id.data()),
            id.size(), mac, &length))
    throw std::runtime_error("HMAC-SHA256 failed");
  std::string out = "dev-";
  char hex[3];
  for (unsigned i = 0; i < 8 && i < length; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", mac[i]);
    out += hex;
  }
  return out;
}

namespace {

/// SplitMix64: a well-mixed 64-bit value of a 64-bit input.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// A version-4-shaped UUID from a device and a frame counter, the same every time.
std::string uuid_of(std::uint32_t sensor, std::uint32_t frame_counter) {
  std::uint64_t a = mix((std::uint64_t{sensor} << 32) | frame_counter), b = mix(a);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

json values_of(const detection::Reading& r) {
  return std::visit(
      [&](const auto& p) -> json {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, detection::Press>) {
          return {{"pressed", true}};
        } else if constexpr (std::is_same_v<P, detection::Impulse>) {
          return {{"onset", format_rfc3339_us(r.time_us)}, {"level_db", p.level_db}, {"gunfire_logit", p.gunfire_logit}};
        } else if constexpr (std::is_same_v<P, detection::Measurement>) {
          return {{"value", p.value}};
        } else if constexpr (std::is_same_v<P, detection::VideoEvent>) {
          return {{"event", detection::to_string(p.kind)}, {"score", p.score}};
        } else {
          return {{"reported", detection::to_string(p.reported)}, {"x_m", p.x_m}, {"y_m", p.y_m},
                  {"uncertainty_m", p.uncertainty_m}};
        }
      },
      r.payload);
}

}  // namespace

RawMessage chirpstack_uplink(const std::string& application, std::uint32_t sensor, const detection::SensorInfo& info,
                             const detection::Reading& reading, std::uint32_t frame_counter) {
  const std::string eui = rehearsal_dev_eui(sensor, info.kind);
  json object = values_of(reading);
  if (object.contains("value")) {
    // A measurement under the name its kind of sensor uses.
    object[info.kind == detection::SensorKind::COUNTING_CAMERA ? "people" : "level"] = object["value"];
    object.erase("value");
  }
  json j = {{"deduplicationId", uuid_of(sensor, frame_counter)},
            {"time", format_rfc3339_us(reading.time_us)},
            {"deviceInfo",
             {{"tenantName", "citytwin"},
              {"applicationName", application},
              {"deviceProfileName", detection::to_string(info.kind)},
              {"deviceName", info.id},
              {"devEui", eui}}},
            {"fCnt", frame_counter},
            {"fPort", 1},
            {"confirmed", false},
            {"object", std::move(object)}};
  return {chirpstack_topic(application, eui), j.dump(), 0};
}

const char* alert_sub_category(AlertClass c) {
  switch (c) {
    case AlertClass::SHOP_AGGRESSION: return "assault";
    case AlertClass::GUNFIRE: return "suspiciousAction";
    case AlertClass::ASSAULT: return "assault";
    case AlertClass::ROBBERY: return "robbery";
    case AlertClass::BURGLARY: return "robbery";
    case AlertClass::ALTERCATION: return "civilDisorder";
    case AlertClass::ABANDONED_OBJECT: return "suspiciousAction";
    case AlertClass::CROWDING: return "crowdRisk";
    case AlertClass::HIGH_LEVEL: return "floodRisk";
  }
  return "suspiciousAction";
}

namespace {

const char* severity_of(AlertClass c) {
  switch (c) {
    case AlertClass::GUNFIRE: return "critical";
    case AlertClass::SHOP_AGGRESSION:
    case AlertClass::ASSAULT:
    case AlertClass::ROBBERY: return "high";
    default: return "medium";
  }
}

const char* description_of(AlertClass c) {
  switch (c) {
    case AlertClass::SHOP_AGGRESSION: return "Alert button pressed in a shop";
    case AlertClass::GUNFIRE: return "Gunfire heard by the microphones, or reported";
    case AlertClass::ASSAULT: return "Assault reported";
    case AlertClass::ROBBERY: return "Robbery reported";
    case AlertClass::BURGLARY: return "Burglary reported";
    case AlertClass::ALTERCATION: return "Fight seen by a camera's analytics, or reported";
    case AlertClass::ABANDONED_OBJECT: return "Unattended object seen by a camera's analytics";
    case AlertClass::CROWDING: return "People counted above the zone's capacity";
    case AlertClass::HIGH_LEVEL: return "Measured level above its threshold";
  }
  return "Alert";
}

const char* status_of(detection::AlertEvent::Kind k) {
  switch (k) {
    case detection::AlertEvent::Kind::RAISED: return "raised";
    case detection::AlertEvent::Kind::MERGED: return "merged";
    case detection::AlertEvent::Kind::CLEARED: return "cleared";
  }
  return "raised";
}

}  // namespace

nlohmann::json alert_entity(const detection::AlertEvent& event, const AlertContext& context) {
  const detection::Alert& a = event.alert;
  std::string source = context.sensors && a.sensor < context.sensors->size() ? (*context.sensors)[a.sensor].id
                                                                              : std::to_string(a.sensor);
  if (context.pseudonyms) source = (*context.pseudonyms)(source);
  json e = {{"id", "urn:ngsi-ld:Alert:" + context.session + ":" + std::to_string(a.id)},
            {"type", "Alert"},
            {"category", a.cls == AlertClass::HIGH_LEVEL ? "environment" : "security"},
            {"subCategory", alert_sub_category(a.cls)},
            {"severity", severity_of(a.cls)},
            {"alertSource", "urn:ngsi-ld:Device:" + source},
            {"description", description_of(a.cls)},
            {"dateObserved", format_rfc3339_us(a.first_reading_us)},
            {"validFrom", format_rfc3339_us(a.first_reading_us)},
            {"dateIssued", format_rfc3339_us(a.raised_us)},
            {"alertClass", detection::to_string(a.cls)},
            {"alertStatus", status_of(event.kind)},
            {"confidence", a.confidence},
            {"uncertainty_m", a.uncertainty_m},
            {"located", a.located},
            {"sensorCount", a.sensors},
            {"readingCount", a.reading_ids.size()},
            {"@context", json::array({"https://raw.githubusercontent.com/smart-data-models/dataModel.Alert/master/context.jsonld",
                                      "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"})}};
  if (event.kind == detection::AlertEvent::Kind::CLEARED) e["validTo"] = format_rfc3339_us(a.raised_us);
  if (context.frame && context.frame->geographic()) {
    auto ll = context.frame->to_geo({a.x_m, a.y_m});
    // GeoJSON: longitude first; a tenth of a metre is enough.
    e["location"] = {{"type", "Point"},
                     {"coordinates", json::array({std::round(ll[1] * 1e6) / 1e6, std::round(ll[0] * 1e6) / 1e6})}};
  } else {
    e["x_m"] = a.x_m;
    e["y_m"] = a.y_m;
  }
  return e;
}

}  // namespace citytwin::drivers
