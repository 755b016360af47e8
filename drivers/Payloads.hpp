// Payload formats real deployments use: ChirpStack v4 uplink events, FIWARE NGSI-LD entities, plain JSON lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/RawMessage.hpp"

namespace citytwin::drivers {

/// Which format a message was written in.
enum class PayloadFormat : std::uint8_t {
  CHIRPSTACK,  ///< ChirpStack v4 `event/up`: deduplicationId, time, deviceInfo.devEui, fCnt, object
  NGSI_LD,     ///< a FIWARE NGSI-LD entity (keyValues or normalized), or a notification holding some
  PLAIN,       ///< {"device": ..., "time": ..., "values": {...}}, optionally "seq"
};
const char* to_string(PayloadFormat f);

/// One device's uplink as a message gives it, decoded but not yet mapped to a sensor.
struct Uplink {
  PayloadFormat format = PayloadFormat::PLAIN;
  std::string device;                          ///< devEui, entity id, or device name
  std::int64_t time_us = 0;                    ///< when the device observed it (microseconds since 1970)
  std::optional<std::uint32_t> frame_counter;  ///< fCnt (ChirpStack) or seq (plain)
  std::string dedup_id;                        ///< deduplicationId (ChirpStack), empty otherwise
  nlohmann::json values = nlohmann::json::object();  ///< the decoded values ("object", or the entity's attributes)
  std::string entity_type;                     ///< NGSI-LD: the entity's type (WasteContainer, WaterObserved...)
};

/// The uplinks in one message, or why it cannot be used ("not JSON: ...", "missing 'time'", ...).
using Decoded = std::variant<std::vector<Uplink>, std::string>;

/// Decodes a message: the format from its topic and keys, each required field checked with its type. An
/// NGSI-LD notification yields one uplink per entity.
Decoded decode_message(const RawMessage& message);

/// The ChirpStack v4 uplink topic of a device: "application/<app>/device/<devEui>/event/up".
std::string chirpstack_topic(const std::string& application, const std::string& dev_eui);

}  // namespace citytwin::drivers
