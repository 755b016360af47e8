// Which device is which sensor, and what each kind of sensor's values mean.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "drivers/Payloads.hpp"
#include "models/detection/Reading.hpp"

namespace citytwin::drivers {

/// One device's sensor and how often it reports when all is well (0: only on events).
struct DeviceBinding {
  std::uint32_t sensor = 0;
  std::int64_t interval_us = 0;
};

/// What an uplink's values gave: a reading's payload, a status only (a battery level: the device is
/// alive), or why they cannot be used.
struct NoReading {};
using Interpreted = std::variant<detection::Payload, NoReading, std::string>;

/// The devices of a deployment and the sensors the detection core knows.
///
/// A device is named by its devEui (ChirpStack), its entity id (NGSI-LD) or its name (plain). By default,
/// every sensor answers to its own id ("mic-003") and to its rehearsal devEui (`rehearsal_dev_eui`); a
/// mapping file (CSV: `device,sensor[,interval]`, a header line, `#` comments) names a real fleet's
/// devices instead.
class DeviceMap {
 public:
  /// The sensors answering to their ids and rehearsal devEuis; `intervals_us` (per sensor, may be empty)
  /// are the reporting intervals of periodic sensors.
  DeviceMap(const std::vector<detection::SensorInfo>& sensors, const std::vector<std::int64_t>& intervals_us = {});
  /// Reads a mapping file (its intervals override `intervals_us`); throws std::runtime_error naming the
  /// file, line and value, and the fix.
  static DeviceMap from_csv(const std::string& path, const std::vector<detection::SensorInfo>& sensors,
                            const std::vector<std::int64_t>& intervals_us = {});

  /// The binding of a device, or nothing for an unknown device.
  std::optional<DeviceBinding> find(const std::string& device) const;
  const std::vector<detection::SensorInfo>& sensors() const { return sensors_; }
  /// The interval of each sensor (0 where none is known).
  const std::vector<std::int64_t>& intervals_us() const { return intervals_; }

  /// Reads an uplink's values as its sensor's payload. Field names, by sensor kind:
  /// - alert_button: `pressed` (true or 1);
  /// - microphone: `onset_us` (whole microseconds since 1970) or `onset` (RFC 3339; the uplink's time when
  ///   absent), `level_db`, and `gunfire_logit` or `gunfire_probability`;
  /// - counting_camera: `people` (or `peopleCount`);
  /// - video_analytics: `event` ("fight" or "abandoned_object"), `score` (0..1, default 1);
  /// - level: `level`, or NGSI-LD's `fillingLevel`, `currentLevel` or `height`;
  /// - citizen_line: `reported` (an alert class), `x_m`, `y_m`, `uncertainty_m`.
  /// A `batteryLevel` alone (an NGSI-LD Device) is a status.
  Interpreted interpret(const Uplink& u, std::uint32_t sensor, std::int64_t& time_us) const;

 private:
  std::vector<detection::SensorInfo> sensors_;
  std::vector<std::int64_t> intervals_;
  std::unordered_map<std::string, DeviceBinding> devices_;
};

/// The devEui a rehearsal fleet gives sensor `index` of kind `kind`: "ce", the kind in two hex digits and
/// the index in twelve ("ce01000000000003" for the fourth sensor, a microphone).
std::string rehearsal_dev_eui(std::uint32_t index, detection::SensorKind kind);

}  // namespace citytwin::drivers
