// Comparing the city with its twin: what the model expects of each sensor against what it reports.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "models/LiveTwin.hpp"
#include "sim/Time.hpp"

namespace citytwin::drivers {

inline constexpr std::size_t HOURS_PER_WEEK = 168;

/// The hour of the week (0: Monday 00:00-01:00) of an instant, in microseconds since 1970, in a time zone:
/// "UTC" (the default, and a rehearsal's, whose dates start on a Monday at 00:00 UTC) or an IANA name
/// ("Europe/Paris") read from the system's time-zone database, summer time included. Throws
/// std::invalid_argument for a zone the system does not know.
std::function<std::size_t(std::int64_t)> hour_of_week_in(const std::string& timezone);

/// What the twin expects of one sensor, learnt from simulated replications.
struct SensorBaseline {
  std::array<double, HOURS_PER_WEEK> rate_per_h{};  ///< readings per hour, by hour of the week
  /// Overdispersion of daily counts against those rates (Pearson: sum (n - e)^2 / sum e; 1 for Poisson;
  /// above for clustered events, such as shots heard together by several microphones).
  double dispersion = 1.0;
  bool measured = false;  ///< its readings carry a value (a count of people, a level)
  std::array<double, HOURS_PER_WEEK> mean{};        ///< the expected value by hour of the week (NaN: none seen)
  double residual_sd = std::numeric_limits<double>::quiet_NaN();  ///< of value less its hour's mean
  double lag1 = 0.0;  ///< lag-1 autocorrelation of successive residuals (an AR(1) process's phi)
};

/// The twin's expectations of every sensor, from `replications` simulated replications of `duration`.
class TwinBaseline {
 public:
  static TwinBaseline learn(const models::LiveTwin& twin, std::uint64_t seed, std::uint32_t replications,
                            sim::Time duration, const std::atomic<bool>* cancelled = nullptr);
  const std::vector<SensorBaseline>& sensors() const { return sensors_; }
  double simulated_days() const { return days_; }

 private:
  std::vector<SensorBaseline> sensors_;
  double days_ = 0.0;
};

/// One sensor's comparison over the span observed.
struct DriftRow {
  std::uint32_t sensor = 0;
  double expected_readings = 0.0, observed_readings = 0.0;
  double rate_z = std::numeric_limits<double>::quiet_NaN();   ///< (observed - expected) / sqrt(dispersion x expected)
  double expected_mean = std::numeric_limits<double>::quiet_NaN(), observed_mean = std::numeric_limits<double>::quiet_NaN();
  double value_z = std::numeric_limits<double>::quiet_NaN();  ///< mean residual over its AR(1) standard error
  /// ok; high or low (|z| above the limit, on the rate or the value); too_few (fewer than 5 readings
  /// expected and seen); stale (silent k intervals, from ingestion).
  std::string status = "too_few";
};

/// Counts what each sensor reports, and compares it with the twin's expectations: readings against the
/// expected number over the hours observed, values against the expected value of their hours.
class DriftMonitor {
 public:
  DriftMonitor(const TwinBaseline& baseline, std::function<std::size_t(std::int64_t)> hour_of_week, double z_limit = 3.0);
  void observe(const detection::Reading& r);
  /// The comparison over [from_us, to_us), the span the session watched.
  std::vector<DriftRow> report(std::int64_t from_us, std::int64_t to_us) const;
  double z_limit() const { return z_limit_; }

 private:
  struct Seen {
    double readings = 0.0;
    double residual_sum = 0.0, expected_sum = 0.0, value_sum = 0.0;
    double values = 0.0;
  };
  const TwinBaseline& baseline_;
  std::function<std::size_t(std::int64_t)> hour_of_week_;
  double z_limit_;
  std::vector<Seen> seen_;
};

}  // namespace citytwin::drivers
