// The leak-detection core: sensor readings against the network's nominal model, a change detector on the
// residuals, and localisation by matching them against each candidate leak's simulated signature.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
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
  /// Residuals are learnt, not judged, until this time (the network assumed without new leaks): their mean by
  /// time of day and their spread, per sensor.
  std::int64_t training_s = 14 * 86400;
  /// Windows ending before this time are left out of training: the network settling from its initial state.
  std::int64_t warmup_s = 86400;
  /// Residuals are averaged over windows of this length before they are judged (s). Demand meters must read at
  /// this interval.
  std::int64_t window_s = 3600;
  /// CUSUM on the matched statistic (the residuals' largest projection on a candidate's signature, standardised
  /// over training): drift k and threshold h, in its standard deviations.
  double cusum_drift = 0.5;
  double cusum_threshold = 25.0;
  /// Signatures: a leak of this orifice diameter (m) opened at each candidate pipe.
  double signature_diameter_m = 0.015;
  /// Signatures from the nominal solution's linear response (one sparse solve per observed junction gives every
  /// candidate's at once; tank levels answer as a ramp over the window, pumps and valves keep their status) instead
  /// of an hour simulated per candidate: a hundred times cheaper on a large network, and less faithful where a leak
  /// makes a pump or valve switch.
  bool linear_signatures = false;
  /// The mean signature that combines the residuals is taken from nominal states this far apart over the last
  /// day of training (s).
  std::int64_t signature_every_s = 6 * 3600;
  /// An alarm is located over the windows since its CUSUM left zero (at most `keep_windows` of them), cut into at
  /// most `locate_blocks` blocks whose mean residuals are matched: first every candidate against the training
  /// signatures, then the best `refine_candidates` again with signatures simulated afresh from the model's state
  /// at each block's start (pumps and valves as they were then).
  std::size_t keep_windows = 72;
  /// Once the CUSUM crosses its threshold the alarm waits this many windows more for data before it is located.
  std::size_t confirm_windows = 2;
  std::size_t locate_blocks = 6;
  std::size_t refine_candidates = 120;
  /// An alarm whose best candidate lies within this distance of a leak already alerted updates that alert (m).
  double merge_distance_m = 300.0;
  /// No estimate above this diameter (m): an alarm that would need more is noise, or a break no sensor misses.
  double max_diameter_m = 0.15;
  /// Readings may arrive this late (s); windows wait for them.
  std::int64_t lateness_s = 600;
  /// Pumps with a flow meter run in the model as their meters say at each window's start, their controls left out
  /// (SCADA reports their status); otherwise the model's controls run them.
  bool pumps_from_meters = false;
  /// Standardised residuals may be held within ± this before they are judged (a pump that switches a few minutes
  /// earlier in the network than in the model makes one window's flow residual huge); by default they are not,
  /// since a large leak's residuals are large too.
  double z_limit = std::numeric_limits<double>::infinity();
  /// A sensor with no reading for this many windows is stale: left out of the statistics until it reports again.
  int stale_windows = 3;
  std::size_t ranking = 5;  ///< candidates listed with an alert
};

/// What the core raises: a leak believed to be at a pipe, since a time, of a size.
struct LeakAlert {
  std::uint64_t id = 0;
  bool update = false;          ///< a later estimate of an alert already raised (same id): the leak grew
  int pipe = -1;                ///< the best candidate, a link of the network as read
  std::int64_t raised_s = 0;    ///< when the core concluded (the end of the window that crossed the threshold)
  std::int64_t start_s = 0;     ///< the estimated start: when the CUSUM last left zero
  double flow_m3s = 0.0;        ///< estimated outflow
  double diameter_m = 0.0;      ///< estimated orifice diameter (of the whole leak, for an update)
  double fit = 0.0;             ///< share of the residuals the signature explains, 0..1
  std::vector<std::pair<int, double>> ranking;  ///< (pipe, fit), best first
};

/// One judged window.
struct ResidualWindow {
  std::int64_t end_s = 0;
  double statistic = 0.0;  ///< the matched statistic, standardised (NaN in training)
  double cusum = 0.0;
  std::vector<double> z;   ///< per judged sensor: the standardised mean residual (NaN: no reading, or training)
};

/// The core sees only readings and the network with its nominal demands, never the truth. Window by window (an
/// hour by default, the sensors' interval as the model's hydraulic step) it replays the nominal model from the
/// window's start, tank levels set from their sensors, pumps with a flow meter on or off as it reads (their
/// controls left out), metered consumers' demands from their meters' readings for the window, and compares pressure, flow and tank level readings with it: the residuals (measured − expected),
/// averaged over the window and standardised against what training learnt, are projected on every candidate
/// leak's signature; the largest projection, standardised, feeds a one-sided CUSUM. An alarm is located by least squares over the
/// candidate pipes' signatures across its last windows (simulated in parallel with oneTBB); the estimated leak
/// then joins the nominal model, so that the same leak does not alarm again (until it grows: then its alert is
/// updated), and leaves it when a repair is reported. A lower CUSUM watches for estimates the readings
/// contradict, and shrinks them. Readings' times are seconds from the network's start (µs in
/// detection::Reading); no engine, no clock of its own.
class LeakDetector {
 public:
  /// `nominal` is the network as the utility knows it; its times are replaced (hydraulic and report steps the
  /// sensors' shortest interval, an unbounded duration). Throws std::invalid_argument for unusable settings.
  LeakDetector(const WaterNetwork& nominal, std::vector<WaterSensor> sensors, LeakDetectorSettings settings = {});
  ~LeakDetector();

  /// Takes a reading (any order within the lateness); a reading for a time already judged is counted late.
  /// Returns false (and counts it rejected) for an unknown sensor or a non-measurement payload.
  bool consume(const detection::Reading& reading);
  /// The readings' clock has reached `now_s`: judges every window that ended by now − lateness; returns the
  /// alerts raised.
  std::vector<LeakAlert> advance(std::int64_t now_s);
  /// A leak near `pipe` was repaired at `time_s` (reported by the crew): the estimates absorbed near it are removed.
  void repaired(int pipe, std::int64_t time_s);

  const std::vector<WaterSensor>& sensors() const { return sensors_; }
  /// The judged sensors (pressure, flow, tank level), as indices into sensors(): the columns of ResidualWindow::z.
  const std::vector<int>& judged() const { return judged_; }
  const std::vector<int>& candidates() const { return candidates_; }
  const std::vector<ResidualWindow>& windows() const { return windows_; }
  bool trained() const { return trained_; }
  std::uint64_t late() const { return late_; }
  std::uint64_t rejected() const { return rejected_; }
  /// Estimates shrunk or withdrawn because the readings contradicted them.
  std::uint64_t corrections() const { return corrections_; }
  /// Seconds spent simulating signatures (in parallel).
  double signature_seconds() const { return signature_seconds_; }
  /// Solutions of the nominal model that did not converge within the trials (kept, as EPANET's UNBALANCED
  /// CONTINUE does: the detector never stops on them).
  std::size_t unbalanced() const;

 private:
  struct Absorbed {
    std::uint64_t alert;
    int site;  // candidate index
    double area_m2;
  };
  void process_window(std::vector<LeakAlert>& out);
  void judge_window(const std::vector<double>& mean, std::vector<LeakAlert>& out);
  void train();
  /// The windows from `first` to `last` (the last `keep_windows` of them) in blocks: each block's starting state,
  /// its first window, its mean standardised residuals and its number of windows.
  struct Block {
    const HydraulicRun* state;
    std::size_t window;
    std::vector<double> z;
    double weight;
  };
  std::vector<Block> blocks(std::size_t first, std::size_t last) const;
  LeakAlert locate(std::size_t first, std::size_t last);
  void correct(std::size_t first, std::size_t last);
  /// Means over the window from `start` (a state at a window's start, unsolved) of the judged sensors' values,
  /// weighted by the sampling times each solution covers; with `site`, its leak's outflow at the first solution
  /// goes to `site_flow`.
  std::vector<double> window_means(HydraulicRun start, int site = -1, double* site_flow = nullptr) const;
  /// Signatures over windows `used` (their starting states) of the candidates `which`, standardised, and the
  /// leaks' outflows; the candidates' current estimates are kept under the signature's leak.
  void fresh_signatures(const std::vector<const HydraulicRun*>& states, const std::vector<std::size_t>& which,
                        std::vector<std::vector<std::vector<double>>>& sig, std::vector<double>& flow);
  /// The same from each state's linear response (settings_.linear_signatures).
  void linear_signatures(const std::vector<const HydraulicRun*>& states, const std::vector<std::size_t>& which,
                         std::vector<std::vector<std::vector<double>>>& sig, std::vector<double>& flow) const;
  /// The largest projection of the standardised residuals on a candidate's unit signature, and on its opposite.
  std::pair<double, double> matched(const std::vector<double>& z, std::int64_t window_end) const;
  int slot_of(std::int64_t window_end) const;
  int snapshot_of(std::int64_t t) const;
  double nominal_demand(int node, std::int64_t t) const;

  WaterNetwork net_;
  std::vector<WaterSensor> sensors_;
  LeakDetectorSettings settings_;
  std::vector<int> candidates_;  // pipes
  std::unique_ptr<HydraulicModel> model_;
  std::unique_ptr<PipeDistances> distances_;
  std::unique_ptr<HydraulicRun> run_;  // at the next window's start, unsolved
  std::vector<int> judged_;            // pressure, flow and tank level sensors
  std::vector<int> position_;          // per sensor: its column among the judged, or -1
  std::vector<int> metered_pumps_;     // pumps with a flow meter: run as measured, their controls removed
  std::int64_t step_s_ = 300;
  int junctions_ = 0;

  std::multimap<std::int64_t, std::pair<std::uint32_t, double>> pending_;  // time_s -> (sensor, value)
  std::int64_t judged_until_s_ = 0;  // readings before this time are late
  std::uint64_t late_ = 0, rejected_ = 0, corrections_ = 0;

  // Training.
  bool trained_ = false;
  std::vector<std::vector<double>> training_means_;  // per training window: per judged sensor (NaN: none)
  std::vector<std::int64_t> training_ends_;
  std::vector<std::vector<double>> baseline_;  // per slot: per judged sensor
  std::vector<double> spread_;                 // per judged sensor
  std::vector<std::unique_ptr<HydraulicRun>> snapshots_;  // window starts over the last training day
  std::vector<std::vector<std::vector<double>>> signature_;  // per snapshot, per candidate: unit vectors
  double matched_mean_[2] = {0.0, 0.0}, matched_sd_[2] = {1.0, 1.0};  // of the matched statistics over training
  double signature_seconds_ = 0.0;

  // Judging.
  double cusum_ = 0.0, lower_ = 0.0;
  std::size_t alarm_at_ = 0;  // the window the CUSUM crossed at, + 1 (0: no alarm waiting)
  std::size_t cusum_start_ = 0, lower_start_ = 0;
  std::vector<int> silent_windows_;
  std::vector<ResidualWindow> windows_;
  std::deque<std::pair<std::size_t, std::unique_ptr<HydraulicRun>>> recent_;  // (window index, its start state)
  std::vector<Absorbed> absorbed_;
  std::vector<std::pair<std::int64_t, int>> repairs_;  // (time, pipe), applied at the next window's start
  std::uint64_t next_alert_ = 1;
};

}  // namespace citytwin::models::water
