// The detection core: turns sensor readings into alerts, whatever the source of the readings.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "models/detection/Reading.hpp"

namespace citytwin::detection {

/// Settings of the detection core.
struct DetectionSettings {
  /// Presses of one button closer than this to the previous press of the same button belong to the
  /// alert already open (a frightened shopkeeper presses several times), in microseconds.
  std::int64_t merge_window_us = 300'000'000;
};

/// What one reading did.
struct ConsumeResult {
  std::optional<Alert> raised;  ///< a new alert, if the reading opened one
  bool merged = false;          ///< the reading joined an alert already open
  bool rejected = false;        ///< the reading was not usable (unknown sensor, value out of range)
};

/// Turns readings into alerts. It knows nothing of the engine, the network or the clock: it consumes
/// readings with the time they reached it and returns alerts, so the same code runs on simulated and
/// live sensors. Counters say what it did.
class DetectionCore {
 public:
  DetectionCore(std::vector<SensorInfo> sensors, DetectionSettings settings);

  /// Consumes one reading that reached the core at `arrival_us`.
  ConsumeResult consume(const Reading& r, std::int64_t arrival_us);

  const std::vector<SensorInfo>& sensors() const { return sensors_; }
  std::uint64_t readings() const { return readings_; }
  std::uint64_t alerts_raised() const { return next_id_ - 1; }
  std::uint64_t merged() const { return merged_; }
  std::uint64_t rejected() const { return rejected_; }

 private:
  std::vector<SensorInfo> sensors_;
  DetectionSettings settings_;
  std::vector<std::int64_t> last_press_us_;  // per sensor; INT64_MIN when none
  std::uint64_t next_id_ = 1;
  std::uint64_t readings_ = 0, merged_ = 0, rejected_ = 0;
};

}  // namespace citytwin::detection
