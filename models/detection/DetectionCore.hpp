// The detection core: turns sensor readings into alerts, whatever the source of the readings.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <vector>

#include "models/detection/GunfireLocator.hpp"
#include "models/detection/Reading.hpp"

namespace citytwin::detection {

/// Settings of the detection core.
struct DetectionSettings {
  /// Presses of one button closer than this to the previous press of the same button belong to the
  /// alert already open (a frightened shopkeeper presses several times), in microseconds.
  std::int64_t merge_window_us = 300'000'000;
  GunfireSettings gunfire;
  /// Events of one kind from one camera within this span of its previous one join the open alert, µs.
  std::int64_t event_merge_window_us = 600'000'000;
  /// A count or level alert clears once a reading falls below this share of the threshold (hysteresis).
  double clear_fraction = 0.9;
  /// Alerts of one kind of incident (shots; violence against people; burglary; abandoned objects) from
  /// different sensors are one incident when their places are within this distance plus both
  /// uncertainties (two microphone fixes: within both uncertainties and 10 m), metres...
  double fusion_radius_m = 150.0;
  /// ...and their first observations within this span, microseconds.
  std::int64_t fusion_window_us = 900'000'000;
  /// 0: readings are taken in the order they arrive. Above 0 (event-time mode): each reading is held until
  /// the arrival clock passes its own time plus this window, and readings are taken in the order of their
  /// times (then sensor, then id), each as if it had arrived when it was made, gunfire groups closing at
  /// their deadlines on the same time line: what the core concludes, and when on that logical clock (an
  /// alert's `raised_us`), then depends only on the readings, whatever the order and delay of their
  /// arrival within the window; it comes out the window later. A reading older than the watermark (the
  /// arrival clock less the window) is late. Microseconds.
  std::int64_t reorder_window_us = 0;
};

/// What an alert went through.
struct AlertEvent {
  enum class Kind : std::uint8_t {
    RAISED,   ///< a new alert
    MERGED,   ///< an open alert took in more readings or another sensor's alert of the same incident
    CLEARED,  ///< a count or level alert ended (the value fell back below its threshold)
  };
  Kind kind = Kind::RAISED;
  Alert alert;  ///< the alert as it stands after the event
  /// MERGED by fusion: the other sensor's alert as it came (id 0), with its own place and readings.
  std::optional<Alert> fused;
};

/// What became of one reading.
enum class Fate : std::uint8_t {
  RAISED,     ///< it opened a new alert
  MERGED,     ///< it joined an open alert
  PENDING,    ///< it waits for its window to close (a microphone's arrival)
  UNCHANGED,  ///< valid, and changes nothing (a count below its threshold)
  CLEARED,    ///< it ended an alert (a count back below its threshold)
  LATE,       ///< it came after the core had decided what it belonged to
  REJECTED,   ///< unusable: unknown sensor, a payload its sensor cannot send, a value out of range
};
const char* to_string(Fate f);

/// What became of one reading, for those who keep the record (taken in time order in event-time mode).
struct ReadingFate {
  std::uint64_t id = 0;
  std::uint32_t sensor = 0;
  Fate fate = Fate::REJECTED;
  std::uint64_t alert = 0;  ///< the alert it raised, joined or cleared (0: none, or not yet: PENDING)
  std::int64_t time_us = 0; ///< the reading's own time
};

/// What one reading did.
struct ConsumeResult {
  Fate fate = Fate::REJECTED;
  std::uint64_t alert = 0;         ///< the alert it raised, joined or cleared (0: none)
  std::vector<AlertEvent> events;  ///< what alerts went through because of it, in order
};

/// Counters of what the core did.
struct CoreCounts {
  std::uint64_t readings = 0, rejected = 0, late = 0, merged = 0, raised = 0, cleared = 0;
  std::uint64_t fused = 0;  ///< alerts from one sensor merged into another sensor's alert of the same incident
};

/// Turns readings into alerts. It knows nothing of the engine, the network or the clock: it consumes
/// readings with the time they reached it, and `advance` tells it how far that clock has gone, so the same
/// code runs on simulated and live sensors.
///
/// - Alert buttons: a press raises a shop-aggression alert at the button, unless it is within the merge
///   window of the same button's previous press.
/// - Microphones: impulses are grouped by onset, classified and located (GunfireLocator); a gunfire alert
///   comes when the group's window and the allowed lateness have passed (`advance`).
/// - Video analytics: an event raises an alert of its kind at the camera; the same camera's events of one
///   kind within the event merge window join it.
/// - Counting cameras and levels: an alert when the value exceeds the sensor's threshold, cleared below
///   `clear_fraction` of it; readings older than the sensor's last are late.
/// - Citizen reports: an alert of the reported class at the reported place.
/// Alerts of one kind of incident from different sensors within the fusion radius and window are fused
/// into the first (one shot heard by six microphones and reported by a caller is one alert); two shops'
/// buttons are never fused.
class DetectionCore {
 public:
  DetectionCore(std::vector<SensorInfo> sensors, DetectionSettings settings);

  /// Consumes one reading that reached the core at `arrival_us`; also advances the clock to it. In
  /// event-time mode (a reorder window) its fate is PENDING until the watermark passes it (or LATE, or
  /// REJECTED at once), and the events it causes come out of a later call.
  ConsumeResult consume(const Reading& r, std::int64_t arrival_us);
  /// The arrival clock has reached `now_us`: closes the windows that have ended (gunfire groups) and, in
  /// event-time mode, takes the held readings the watermark has passed.
  std::vector<AlertEvent> advance(std::int64_t now_us);
  /// When `advance` next has something to do; INT64_MAX when nothing waits.
  std::int64_t next_deadline_us() const;
  /// Keeps the fate of every reading, to be taken with `take_fates` (off by default: memory).
  void keep_fates(bool on) { keep_fates_ = on; }
  /// The fates noted since the last call, in the order the readings were taken.
  std::vector<ReadingFate> take_fates();
  /// Readings held for the watermark (event-time mode).
  std::size_t held() const { return held_.size(); }

  const std::vector<SensorInfo>& sensors() const { return sensors_; }
  const DetectionSettings& settings() const { return settings_; }
  const CoreCounts& counts() const { return counts_; }
  const GunfireCounts& gunfire_counts() const { return gunfire_.counts(); }
  std::uint64_t readings() const { return counts_.readings; }
  std::uint64_t alerts_raised() const { return counts_.raised; }
  std::uint64_t merged() const { return counts_.merged; }
  std::uint64_t rejected() const { return counts_.rejected; }

 private:
  struct Open {
    Alert alert;
    std::int64_t last_us;  // latest observation it holds
    bool fusable;
  };
  Open* find_open(std::uint64_t id);
  /// Counts an open alert in (+1) or out (-1) of the fusable ones of its kind of incident.
  void count_open(const Open& o, int change);
  ConsumeResult process(const Reading& r, std::int64_t arrival_us);
  std::vector<AlertEvent> close_groups(std::int64_t now_us);
  void note_fate(const Reading& r, Fate f, std::uint64_t alert = 0);
  /// Raises `candidate`, or fuses it into an open alert of the same incident; returns the event.
  AlertEvent raise_or_fuse(Alert candidate, std::int64_t arrival_us, bool fusable);
  AlertEvent join(Open& open, const Reading& r);
  /// An alert of class `cls` at the reading's sensor, as uncertain as the sensor's range.
  Alert at_sensor(const Reading& r, AlertClass cls, double confidence) const;
  ConsumeResult merged_into(Open& open, const Reading& r);
  /// The result of a reading that raised an alert or had it fused into an open one.
  ConsumeResult outcome(AlertEvent e);
  void forget_before(std::int64_t time_us);
  ConsumeResult on_press(const Reading& r, std::int64_t arrival_us);
  ConsumeResult on_measurement(const Reading& r, const Measurement& m, std::int64_t arrival_us);
  ConsumeResult on_video(const Reading& r, const VideoEvent& e, std::int64_t arrival_us);
  ConsumeResult on_report(const Reading& r, const CitizenReport& c, std::int64_t arrival_us);

  std::vector<SensorInfo> sensors_;
  DetectionSettings settings_;
  GunfireLocator gunfire_;
  std::deque<Open> open_;                      // alerts still open to merging, in the order raised
  std::array<std::size_t, 4> fusable_open_{}, fusable_not_button_{};  // per kind of incident
  std::vector<std::int64_t> last_us_;          // per sensor: latest observation (buttons, thresholds)
  std::vector<std::uint64_t> sensor_alert_;    // per sensor: its open alert (buttons, thresholds), 0 none
  std::vector<std::int64_t> last_event_us_[2];     // per camera and video event kind
  std::vector<std::uint64_t> event_alert_[2];
  std::uint64_t next_id_ = 1;
  std::int64_t horizon_us_ = 0;                // how long an alert stays open to merging
  std::vector<Reading> held_;                  // event-time mode: by (time, sensor, id)
  std::int64_t watermark_us_ = std::numeric_limits<std::int64_t>::min();
  bool keep_fates_ = false;
  std::vector<ReadingFate> fates_;
  CoreCounts counts_;
};

}  // namespace citytwin::detection
