// What the detection core consumes (readings from sensors) and what it produces (alerts).
#pragma once

#include <cstdint>
#include <string>

namespace citytwin::detection {

/// What kind of sensor produced a reading.
enum class SensorKind : std::uint8_t {
  ALERT_BUTTON,  ///< a panic button in a shop: each press is a reading with value 1
};

/// A sensor as the detection core knows it: its identifier, kind and place.
struct SensorInfo {
  std::string id;      ///< stable identifier ("shop-017"); exported identifiers can be pseudonymised
  SensorKind kind = SensorKind::ALERT_BUTTON;
  double x_m = 0.0;    ///< position in the scenario's local metric frame
  double y_m = 0.0;
};

/// One measurement from one sensor. Times are integer microseconds on whatever clock the source runs
/// (simulated or wall-clock): the core never asks which.
struct Reading {
  std::uint32_t sensor = 0;      ///< index into the core's sensor table
  std::int64_t time_us = 0;      ///< when the sensor measured it
  double value = 0.0;
};

/// The class of an alert.
enum class AlertClass : std::uint8_t {
  SHOP_AGGRESSION,  ///< a shop's alert button was pressed
};

/// What the core raises for the platform.
struct Alert {
  std::uint64_t id = 0;              ///< 1, 2, ... in the order raised
  AlertClass cls = AlertClass::SHOP_AGGRESSION;
  std::uint32_t sensor = 0;          ///< the sensor whose reading opened the alert
  std::int64_t first_reading_us = 0; ///< measurement time of the first reading
  std::int64_t raised_us = 0;        ///< when the core raised it (time the reading reached the core)
  double x_m = 0.0, y_m = 0.0;       ///< where
  double confidence = 1.0;           ///< 0..1
};

const char* to_string(SensorKind k);
const char* to_string(AlertClass c);

}  // namespace citytwin::detection
