// What the detection core consumes (readings from sensors) and what it produces (alerts).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

namespace citytwin::detection {

/// What kind of sensor produced a reading.
enum class SensorKind : std::uint8_t {
  ALERT_BUTTON,     ///< a panic button in a shop: each press is a reading
  MICROPHONE,       ///< an acoustic sensor that reports impulsive sounds (onset time, level, classifier score)
  COUNTING_CAMERA,  ///< a camera that reports how many people are in its zone, per interval (never images)
  VIDEO_ANALYTICS,  ///< a camera whose analytics report events (fight, abandoned object), never images
  CITIZEN_LINE,     ///< the public's calls to the emergency number, entered by a call taker
  LEVEL,            ///< any sensor measuring a level against a threshold (water, fill, pressure)
};
inline constexpr std::size_t SENSOR_KIND_COUNT = 6;

/// The class of an alert: what the core believes is happening.
enum class AlertClass : std::uint8_t {
  SHOP_AGGRESSION,   ///< a shop's alert button was pressed
  GUNFIRE,           ///< shots located by microphones, or reported
  ASSAULT,
  ROBBERY,
  BURGLARY,
  ALTERCATION,       ///< a fight (camera analytics or a report)
  ABANDONED_OBJECT,  ///< an unattended object (camera analytics)
  CROWDING,          ///< people counted above a zone's threshold
  HIGH_LEVEL,        ///< a measured level above its threshold
};
inline constexpr std::size_t ALERT_CLASS_COUNT = 9;

/// A sensor as the detection core knows it: its identifier, kind and place.
struct SensorInfo {
  std::string id;      ///< stable identifier ("shop-017"); exported identifiers can be pseudonymised
  SensorKind kind = SensorKind::ALERT_BUTTON;
  double x_m = 0.0;    ///< position in the scenario's local metric frame
  double y_m = 0.0;
  /// COUNTING_CAMERA and LEVEL: the value above which an alert is raised (NaN: none).
  double threshold = std::numeric_limits<double>::quiet_NaN();
  /// How far from the sensor what it reports may be, metres: a camera's field of view, a microphone's
  /// hearing range. It is the location uncertainty of an alert placed at the sensor.
  double range_m = 0.0;
};

/// A press of an alert button.
struct Press {};
/// An impulsive sound a microphone heard; the reading's time is its onset.
struct Impulse {
  double level_db = 0.0;       ///< peak sound pressure level at the microphone, dB re 20 µPa
  double gunfire_logit = 0.0;  ///< the microphone's classifier: log-odds that the impulse is a gunshot
};
/// A measured value in the sensor's unit: people in a counting camera's zone, a level.
struct Measurement {
  double value = 0.0;
};
/// What a camera's video analytics recognised.
enum class VideoEventKind : std::uint8_t { FIGHT, ABANDONED_OBJECT };
/// An event from video analytics: its kind and the analytics' own score.
struct VideoEvent {
  VideoEventKind kind = VideoEventKind::FIGHT;
  double score = 1.0;  ///< 0..1
};
/// A call from the public, as the call taker enters it: what was seen and where.
struct CitizenReport {
  AlertClass reported = AlertClass::ASSAULT;
  double x_m = 0.0, y_m = 0.0;
  double uncertainty_m = 0.0;  ///< how far the place given may be from the incident
};
using Payload = std::variant<Press, Impulse, Measurement, VideoEvent, CitizenReport>;

/// One observation from one sensor. Times are integer microseconds on whatever clock the source runs
/// (simulated or wall-clock): the core never asks which.
struct Reading {
  std::uint32_t sensor = 0;  ///< index into the core's sensor table
  std::int64_t time_us = 0;  ///< when the sensor observed it
  Payload payload;
  std::uint64_t id = 0;      ///< the source's identifier of this reading (a message number); opaque to the core
};

/// What the core raises for the platform.
struct Alert {
  std::uint64_t id = 0;              ///< 1, 2, ... in the order raised
  AlertClass cls = AlertClass::SHOP_AGGRESSION;
  std::uint32_t sensor = 0;          ///< the sensor whose reading opened the alert
  std::int64_t first_reading_us = 0; ///< earliest observation (gunfire: the estimated time of the shot)
  std::int64_t raised_us = 0;        ///< when the core raised it, on the clock of the readings' arrival
  double x_m = 0.0, y_m = 0.0;       ///< where
  double uncertainty_m = 0.0;        ///< radius within which the incident lies (95% for a located shot)
  double confidence = 1.0;           ///< 0..1: how sure the core is of the class
  bool located = false;              ///< gunfire: fixed by multilateration (else placed at its sensors)
  std::uint32_t sensors = 1;         ///< distinct sensors that contributed (microphones that heard it)
  std::vector<std::uint64_t> reading_ids;  ///< the ids of every reading it holds, first first
};

const char* to_string(SensorKind k);
const char* to_string(AlertClass c);
const char* to_string(VideoEventKind k);

}  // namespace citytwin::detection
