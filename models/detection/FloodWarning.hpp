// The flood-warning core: water levels from gauges in, warnings out when a level will reach its overflow level
// within the horizon, forecast by the rate of rise or by a Kalman filter.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "models/detection/Reading.hpp"

namespace citytwin::detection {

/// How the core forecasts a gauge's level.
enum class LevelForecast : std::uint8_t {
  NONE,          ///< no forecast: a warning only once the level is over the overflow level
  RATE_OF_RISE,  ///< the least-squares slope of the readings of the last `rate_window_us`, extrapolated
  KALMAN,        ///< a constant-velocity Kalman filter on level and rate of rise (discrete white-noise acceleration)
};
const char* to_string(LevelForecast f);

/// Settings of the flood-warning core. Levels are metres above the gauge's datum (a drain's invert, a stream's bed).
struct FloodWarningSettings {
  LevelForecast forecast = LevelForecast::KALMAN;
  /// How far ahead a crossing is warned of, µs (15 minutes: the time a small stream takes to flood).
  std::int64_t horizon_us = 900'000'000;
  /// RATE_OF_RISE: readings of this span make the slope, µs.
  std::int64_t rate_window_us = 600'000'000;
  /// KALMAN: standard deviation of the level's acceleration, m/s² (how fast a rise can steepen: 1e-6 takes a rise
  /// from nothing to about 5 cm a minute in a quarter of an hour), and of a reading's noise, m.
  double acceleration_sd_m_per_s2 = 1.0e-6;
  double noise_sd_m = 0.01;
  /// A forecast warns only on a rise at least this fast, m/s (a gauge's noise alone must not warn): 1 cm a minute.
  double min_rise_m_per_s = 0.01 / 60.0;
  /// A warning clears once the level and its forecast are below this share of the overflow level, and no reading
  /// has warned for `clear_after_us`.
  double clear_fraction = 0.9;
  std::int64_t clear_after_us = 1'800'000'000;
  /// After a silence longer than this (a dry spell, a gauge offline), the forecast starts afresh from the next
  /// reading: a rise learnt days ago says nothing of the next storm, µs.
  std::int64_t restart_after_us = 3'600'000'000;
  /// Readings outside [min_level_m, max_level_m] are physically impossible for the gauge: rejected, counted.
  double min_level_m = -0.5;
  double max_level_m = 50.0;
};

/// A level gauge as the core knows it.
struct Gauge {
  std::string id;
  double overflow_m = 1.0;  ///< the level at which the water leaves the drain or the stream's banks
  double x_m = 0.0, y_m = 0.0;
};

/// A gauge's warning.
struct FloodWarning {
  std::uint64_t id = 0;                ///< 1, 2, ... in the order raised
  std::uint32_t gauge = 0;
  std::int64_t raised_us = 0;          ///< the time of the reading that raised it
  std::int64_t cleared_us = -1;        ///< -1 while it stands
  double level_m = 0.0;                ///< the level (filtered, for KALMAN) when raised
  double rise_m_per_s = 0.0;           ///< the rate of rise when raised
  /// When the level was expected to reach the overflow level, as forecast when raised (its own time when it was
  /// already over).
  std::int64_t expected_overflow_us = 0;
  bool forecast = false;               ///< raised by the forecast, before the level itself was over
};

/// What a reading did to its gauge's warning.
struct FloodWarningEvent {
  enum class Kind : std::uint8_t { RAISED, CLEARED } kind = Kind::RAISED;
  FloodWarning warning;
};

/// One gauge's state as the core last saw it.
struct GaugeState {
  double level_m = std::numeric_limits<double>::quiet_NaN();  ///< filtered (KALMAN) or last read
  double rise_m_per_s = 0.0;
  /// KALMAN: the covariance of (level, rise), row-major.
  double p[4] = {0.0, 0.0, 0.0, 0.0};
  std::int64_t last_us = -1;
  std::int64_t last_warned_us = -1;   ///< the last reading at which the level or its forecast warned
  std::uint64_t open = 0;             ///< the standing warning's id, 0 if none
  std::vector<std::pair<std::int64_t, double>> recent;  ///< RATE_OF_RISE: the window's readings
};

/// Turns level readings into flood warnings, gauge by gauge; it knows nothing of where readings come from.
class FloodWarningCore {
 public:
  /// Throws std::invalid_argument for settings or gauges that cannot work (a non-positive horizon, an overflow
  /// level outside the gauge's range), naming the setting or gauge.
  FloodWarningCore(std::vector<Gauge> gauges, FloodWarningSettings settings = {});

  /// Takes one reading (a Measurement of the gauge's level, m): readings of a gauge must come in time order. Returns
  /// what the reading did; a reading of an unknown gauge, of another payload, not finite, out of the gauge's range
  /// or not later than the gauge's last is rejected (counted) and does nothing.
  std::vector<FloodWarningEvent> consume(const Reading& r);

  /// The level forecast `ahead_us` after the gauge's last reading, m.
  double forecast_m(std::uint32_t gauge, std::int64_t ahead_us) const;
  /// When the gauge's level is forecast to reach its overflow level, µs; -1 if it is not rising.
  std::int64_t expected_overflow_us(std::uint32_t gauge) const;

  const std::vector<Gauge>& gauges() const { return gauges_; }
  const GaugeState& state(std::uint32_t gauge) const { return states_.at(gauge); }
  /// Every warning raised, cleared or standing, in the order raised.
  const std::vector<FloodWarning>& warnings() const { return warnings_; }
  std::uint64_t rejected() const { return rejected_; }
  const FloodWarningSettings& settings() const { return settings_; }

 private:
  void update_kalman(GaugeState& g, double level_m, std::int64_t t_us) const;
  void update_rate(GaugeState& g, double level_m, std::int64_t t_us) const;

  std::vector<Gauge> gauges_;
  FloodWarningSettings settings_;
  std::vector<GaugeState> states_;
  std::vector<FloodWarning> warnings_;
  std::uint64_t rejected_ = 0;
};

}  // namespace citytwin::detection
