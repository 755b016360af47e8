// The leak-detection core: sensor readings against the network's nominal model, a change detector on the
// residuals, and localisation by matching them against each candidate leak's simulated signature.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "models/detection/Reading.hpp"
#include "models/water/Hydraulics.hpp"
#include "models/water/LeakScore.hpp"
#include "models/water/WaterSensors.hpp"

namespace citytwin::models::water {

struct LeakDetectorSettings {
  /// Residuals are learnt, not judged, over this span from the start (the network assumed without new leaks):
  /// their mean by time of day and their spread, per sensor.
  std::int64_t training_s = 14 * 86400;
  /// Windows ending before this time are left out of training: the network settling from its initial state.
  std::int64_t warmup_s = 86400;
  /// Residuals are averaged over windows of this length before they are judged (s).
  std::int64_t window_s = 3600;
  /// CUSUM on the combined standardised residual: drift k and threshold h, in its standard deviations.
  double cusum_drift = 0.5;
  double cusum_threshold = 12.0;
  /// Signatures: the leak opened at each candidate pipe (orifice diameter, m), from nominal states this far apart
  /// over the last day of training (s).
  double signature_diameter_m = 0.015;
  std::int64_t signature_every_s = 3 * 3600;
  /// An alarm whose best candidate lies within this distance of a leak already alerted updates that alert (m).
  double merge_distance_m = 300.0;
  /// Readings may arrive this late (s); solutions wait for them.
  std::int64_t lateness_s = 600;
  /// A sensor with no reading for this many windows is stale: left out of the statistics until it reports again.
  int stale_windows = 3;
  std::size_t ranking = 5;  ///< candidates listed with an alert
  /// An alarm is located over at most this many of its last windows, each candidate's signature simulated afresh
  /// from the model's state at each window's start (pumps and valves as they were then).
  std::size_t locate_windows = 6;
};

/// What the core raises: a leak believed to be at a pipe, since a time, of a size.
struct LeakAlert {
  std::uint64_t id = 0;
  bool update = false;          ///< a later estimate of an alert already raised (same id): the leak grew
  int pipe = -1;                ///< the best candidate, a link of the network as read
  std::int64_t raised_s = 0;    ///< when the core concluded (the end of the window that crossed the threshold)
  std::int64_t start_s = 0;     ///< the estimated start: when the CUSUM last left zero
  double flow_m3s = 0.0;        ///< estimated outflow
  double diameter_m = 0.0;      ///< estimated orifice diameter
  double fit = 0.0;             ///< share of the residuals the signature explains, 0..1
  std::vector<std::pair<int, double>> ranking;  ///< (pipe, fit), best first
};

/// One judged window.
struct ResidualWindow {
  std::int64_t end_s = 0;
  double statistic = 0.0;  ///< the combined standardised residual
  double cusum = 0.0;
  std::vector<double> z;   ///< per sensor: the standardised mean residual (NaN: no reading, or not judged)
};

/// The core sees only readings and the network with its nominal demands, never the truth. It runs the nominal
/// model in step with the readings (the sensors' interval as its hydraulic step), tank levels set from their
/// sensors at each window's start; pressure, flow and tank level residuals (measured − expected) are averaged over
/// windows, standardised against
/// what training learnt, combined along the mean leak signature and fed to a one-sided CUSUM. An alarm is located
/// by least squares over every candidate pipe's signature across the last windows since the change began (each
/// signature simulated, in parallel, from the model's state at the window's start); the estimated leak is then added to the nominal model, so that the same leak does not
/// alarm again (until it grows: then the alert is updated), and removed when a repair is reported.
/// Readings' times are seconds from the network's start (µs in detection::Reading); no engine, no clock of its own.
class LeakDetector {
 public:
  /// `nominal` is the network as the utility knows it; its times are replaced (hydraulic and report steps the
  /// sensors' shortest interval, an unbounded duration). Throws std::invalid_argument for unusable settings.
  LeakDetector(const WaterNetwork& nominal, std::vector<WaterSensor> sensors, LeakDetectorSettings settings = {});
  ~LeakDetector();

  /// Takes a reading (any order within the lateness); a reading for a time already judged is counted late.
  /// Returns false (and counts it rejected) for an unknown sensor or a non-measurement payload.
  bool consume(const detection::Reading& reading);
  /// The readings' clock has reached `now_s`: judges everything up to now − lateness; returns the alerts raised.
  std::vector<LeakAlert> advance(std::int64_t now_s);
  /// A leak near `pipe` was repaired at `time_s` (reported by the crew): the estimates absorbed near it are removed.
  void repaired(int pipe, std::int64_t time_s);

  const std::vector<WaterSensor>& sensors() const { return sensors_; }
  const std::vector<int>& candidates() const { return candidates_; }
  const std::vector<ResidualWindow>& windows() const { return windows_; }
  bool trained() const { return trained_; }
  std::uint64_t late() const { return late_; }
  std::uint64_t rejected() const { return rejected_; }
  /// Seconds spent computing signatures (in parallel).
  double signature_seconds() const { return signature_seconds_; }

 private:
  struct Absorbed {
    std::uint64_t alert;
    int site;           // candidate index
    double area_m2;
  };
  void solve_step(std::vector<LeakAlert>& out);
  void close_window(std::vector<LeakAlert>& out);
  void train();
  LeakAlert locate(std::size_t first_window, std::size_t last_window);
  int slot_of(std::int64_t t) const;      // time-of-day slot of a window end
  int snapshot_of(std::int64_t t) const;  // signature snapshot for a time

  WaterNetwork net_;
  std::vector<WaterSensor> sensors_;
  LeakDetectorSettings settings_;
  std::vector<int> candidates_;  // pipes
  std::unique_ptr<HydraulicModel> model_;
  std::unique_ptr<PipeDistances> distances_;
  std::unique_ptr<HydraulicRun> run_;
  std::vector<int> judged_;  // sensors whose residuals count (pressure, flow)
  std::int64_t step_s_ = 300;

  std::multimap<std::int64_t, std::pair<std::uint32_t, double>> pending_;  // time_s -> (sensor, value)
  std::int64_t judged_until_s_ = -1;  // readings before this time are late
  std::uint64_t late_ = 0, rejected_ = 0;

  // The open window.
  std::int64_t window_end_s_ = 0;
  std::vector<double> sum_;
  std::vector<int> count_;
  std::vector<int> silent_windows_;

  // Training.
  bool trained_ = false;
  std::vector<std::vector<double>> training_means_;  // per training window: per judged sensor (NaN: none)
  std::vector<std::int64_t> training_ends_;
  std::vector<std::vector<double>> baseline_;  // per slot: per judged sensor
  std::vector<double> spread_;                 // per judged sensor
  std::vector<std::unique_ptr<HydraulicRun>> snapshots_;  // nominal states over the last training day
  std::vector<std::int64_t> snapshot_times_;
  // Signatures: per snapshot, per candidate, per judged sensor, standardised; and each leak's outflow.
  std::vector<std::vector<std::vector<double>>> signature_;
  std::vector<std::vector<double>> signature_flow_;
  std::vector<std::vector<double>> direction_;  // per snapshot: the unit mean signature
  double statistic_sd_ = 1.0;
  double signature_seconds_ = 0.0;

  // Judging.
  double cusum_ = 0.0;
  std::size_t cusum_start_ = 0;
  std::vector<ResidualWindow> windows_;
  std::vector<Absorbed> absorbed_;
  std::vector<std::pair<std::int64_t, int>> repairs_;
  std::deque<std::pair<std::size_t, std::unique_ptr<HydraulicRun>>> recent_;  // (window index, its starting state)
  std::vector<double> window_means(HydraulicRun& run) const;  // (time, pipe), applied when the model reaches the time
  std::uint64_t next_alert_ = 1;
};

}  // namespace citytwin::models::water
