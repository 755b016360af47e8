// Gunfire from microphone impulses: arrivals grouped by onset time, classified, located by TDOA.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "models/detection/Reading.hpp"
#include "models/detection/TdoaSolver.hpp"

namespace citytwin::detection {

/// How impulses become gunfire alerts.
struct GunfireSettings {
  double speed_of_sound_m_per_s = 340.3;  ///< assumed by the solver (15 °C air)
  double timing_sigma_s = 0.002;          ///< assumed onset timing error of one microphone
  double outlier_sigma = 4.0;             ///< residual, in timing sigmas, beyond which an arrival is an echo
  /// Impulses whose onsets lie within this span of the first one belong to one incident (the sound takes
  /// about 3 s to cross 1 km, and two microphones that hear one shot may be 2 km apart; a burst of shots is
  /// one incident), in microseconds.
  std::int64_t group_window_us = 6'000'000;
  /// How long after the window the core waits for arrivals still crossing the network, in microseconds.
  std::int64_t allowed_lateness_us = 5'000'000;
  std::uint32_t min_microphones = 3;      ///< distinct microphones needed to raise an alert (3 for a 2-D fix)
  /// The mean classifier log-odds of the microphones above which the incident is gunfire; below, it is
  /// dismissed (fireworks, backfires).
  double logit_threshold = 0.0;
  /// A fix farther than this from every microphone that heard it is refused (0: no limit), metres.
  double max_range_m = 2000.0;
  /// Atmospheric absorption the core assumes when it compares the levels heard (to choose between the two
  /// positions three arrivals fit), dB per metre.
  double absorption_db_per_m = 0.0045;
};

/// A gunfire incident the locator concluded, before the core fuses it with other alerts.
struct GunfireCandidate {
  Alert alert;                       ///< id 0: not raised yet
  std::uint32_t microphones = 0;     ///< distinct microphones that heard it
  std::uint32_t outliers = 0;        ///< arrivals the fix left out (late echoes)
};

/// Counters of what the locator did.
struct GunfireCounts {
  std::uint64_t impulses = 0;        ///< impulse readings consumed
  std::uint64_t incidents = 0;       ///< groups of impulses closed
  std::uint64_t too_few = 0;         ///< groups heard by fewer than min_microphones
  std::uint64_t dismissed = 0;       ///< groups classified as something other than gunfire
  std::uint64_t unlocated = 0;       ///< gunfire alerts without a fix (fewer than three consistent arrivals)
  std::uint64_t late = 0;            ///< impulses whose group had already closed
};

/// Groups impulses by onset time, waits for the stragglers, then classifies and locates each group.
/// It never looks at a clock: `advance(now)` says how far the arrival clock has gone.
class GunfireLocator {
 public:
  explicit GunfireLocator(GunfireSettings settings);

  /// Takes an impulse from microphone `mic` (its place in `sensor`). Returns false when the impulse is late:
  /// its group has been decided.
  bool add(const Reading& r, const Impulse& impulse, const SensorInfo& sensor);
  /// Closes the groups whose window and lateness have passed by `now_us` and returns their incidents, in
  /// onset order (gunfire only: groups dismissed or heard too little are counted, not returned).
  std::vector<GunfireCandidate> advance(std::int64_t now_us);
  /// When `advance` next has something to close; INT64_MAX when nothing is pending.
  std::int64_t next_deadline_us() const;

  const GunfireCounts& counts() const { return counts_; }
  const GunfireSettings& settings() const { return settings_; }

 private:
  struct Pending {
    std::int64_t onset_us;
    std::uint32_t sensor;
    std::uint64_t id;
    double x_m, y_m, range_m;
    double logit;
    double level_db;
  };
  std::vector<GunfireCandidate> close_group(std::vector<Pending> group);

  GunfireSettings settings_;
  std::vector<Pending> pending_;  // sorted by (onset, sensor, id)
  std::int64_t closed_until_us_ = std::numeric_limits<std::int64_t>::min();
  GunfireCounts counts_;
};

}  // namespace citytwin::detection
