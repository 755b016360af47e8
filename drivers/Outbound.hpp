// What citytwin writes for other systems: a rehearsal fleet's ChirpStack uplinks, FIWARE Alert entities,
// and pseudonyms for the device identifiers it exports.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "drivers/RawMessage.hpp"
#include "models/detection/DetectionCore.hpp"
#include "models/streets/StreetGraph.hpp"

namespace citytwin::drivers {

/// Exported sensor identifiers: unchanged, or keyed pseudonyms ("dev-" and 16 hex digits of
/// HMAC-SHA256(key, id)), stable for one key and unlinkable to the id without it.
class Pseudonymiser {
 public:
  Pseudonymiser() = default;
  /// An empty key leaves identifiers unchanged.
  explicit Pseudonymiser(std::string key) : key_(std::move(key)) {}
  std::string operator()(const std::string& id) const;
  bool active() const { return !key_.empty(); }

 private:
  std::string key_;
};

/// A simulated reading as a ChirpStack v4 `event/up` message of its sensor's rehearsal device
/// (rehearsal_dev_eui), on application `application`: `time` is the reading's own time, `fCnt` the device's
/// frame counter, `deduplicationId` a UUID derived from the device and the counter, `object` the decoded
/// values with the field names DeviceMap reads.
RawMessage chirpstack_uplink(const std::string& application, std::uint32_t sensor, const detection::SensorInfo& info,
                             const detection::Reading& reading, std::uint32_t frame_counter);

/// Where an alert lies and who raised it, for its entity.
struct AlertContext {
  const std::vector<detection::SensorInfo>* sensors = nullptr;
  const models::LocalFrame* frame = nullptr;    ///< latitudes and longitudes, when the map is geographic
  const Pseudonymiser* pseudonyms = nullptr;
  std::string session;                   ///< part of the entity ids: "urn:ngsi-ld:Alert:<session>:<alert>"
};

/// An alert event as a FIWARE NGSI-LD `Alert` entity in keyValues form (Smart Data Models dataModel.Alert):
/// id, type, category, subCategory, severity, alertSource (the sensor, pseudonymised when asked),
/// dateObserved (the first reading), dateIssued (when the core raised it, on its logical clock), validFrom,
/// validTo (a cleared alert), location (GeoJSON point) or x_m/y_m without a geographic map, description;
/// and citytwin's own attributes: alertClass, alertStatus (raised, merged, cleared), confidence,
/// uncertainty_m, located, sensorCount, readingCount. Never an image or a person: places and counts only.
nlohmann::json alert_entity(const detection::AlertEvent& event, const AlertContext& context);

/// The Smart Data Models subCategory of an alert class (robbery, assault, civilDisorder, crowdRisk...).
const char* alert_sub_category(detection::AlertClass c);

}  // namespace citytwin::drivers
