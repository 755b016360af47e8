// How readings reach a detection core from a physical model's sensors: handed over as they are taken, or carried
// over a sensor network model (delays, losses) by an implementation of ReadingCarrier.
#pragma once

#include <cstdint>
#include <functional>

#include "models/detection/Reading.hpp"

namespace citytwin::detection {

/// Carries readings from the sensors to a detection core, delivering each reading that arrives through `deliver`.
class ReadingCarrier {
 public:
  virtual ~ReadingCarrier() = default;
  /// Takes a reading of sensor `reading.sensor` (its index among the model's sensors) at time `now_s`.
  virtual void send(const Reading& reading, std::int64_t now_s) = 0;
  /// Delivers, in time order, what has arrived by `t_s`.
  virtual void advance(std::int64_t t_s) = 0;
  /// Set by the model before the first reading: hands a reading to its detection core.
  std::function<void(const Reading&)> deliver;
};

}  // namespace citytwin::detection
