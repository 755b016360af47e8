// A year of leaks on a network, its sensors and the leak-detection core, scored by BattLeDIM's rules.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/detection/ReadingCarrier.hpp"
#include "models/water/Consumers.hpp"
#include "models/water/LeakDetector.hpp"
#include "models/water/LeakScore.hpp"
#include "models/water/Leaks.hpp"
#include "models/water/WaterSensors.hpp"

namespace citytwin::models::water {

struct LeakStudySettings {
  std::int64_t duration_s = 365 * 86400;
  std::int64_t interval_s = 300;  ///< hydraulic step and sensors' sampling interval
  /// Leaks drawn on distinct pipes, starting uniformly after the detector's training and a week before the end.
  int leaks = 24;
  double abrupt_share = 0.4;
  /// Leak diameters, uniform (BattLeDIM's 2019 leaks: 8.8 to 20 mm).
  double min_diameter_m = 0.008, max_diameter_m = 0.020;
  /// Incipient leaks grow to their peak over a span drawn uniformly in this range.
  std::int64_t min_growth_s = 7 * 86400, max_growth_s = 90 * 86400;
  /// Without sensors a leak is found only when it surfaces or a customer complains: this long after it starts
  /// for a burst, after it starts for an incipient leak. It is then repaired (the leak's end).
  std::int64_t burst_found_after_s = 3 * 86400, incipient_found_after_s = 120 * 86400;
  DemandNoise demand_noise;
  double background_m3_per_km_day = 0.5;
  LeakDetectorSettings detector;
  /// Whether the detector runs; without it every leak is found the old way (the study's baseline).
  bool detect = true;
  std::uint64_t seed = 1;
  std::uint32_t replication = 0;
};

/// The pipes a leak may be drawn on: open pipes between two junctions.
std::vector<int> leakable_pipes(const WaterNetwork& net);

/// Leaks as the settings draw them (stream: seed, replication, "leaks").
std::vector<Leak> random_leaks(const WaterNetwork& net, const LeakStudySettings& settings);

/// Typical sensors for leak detection: `pressure` pressure sensors spread over the junctions (each the farthest, in
/// the network's coordinates, from those already chosen, from the junction farthest from the sources), a flow meter
/// on every pump and on every pipe leaving a reservoir, a level sensor in every tank, and smart meters (hourly) on
/// the `meters` largest consumers (by mean demand over their patterns).
/// `pressure_sites`, if given, replaces the spread: the junctions (node indices) to put the pressure sensors at.
std::vector<WaterSensor> typical_sensors(const WaterNetwork& net, int pressure, int meters = 0,
                                         const std::vector<int>& pressure_sites = {});

struct LeakStudyResult {
  std::vector<Leak> leaks;
  LeakVolumes volumes;
  std::vector<LeakAlert> alerts;             ///< as raised, updates included
  std::vector<LeakDetection> detections;     ///< each alert's first raising: what is scored
  LeakScore score;
  std::vector<ResidualWindow> windows;       ///< the detector's judged windows
  std::uint64_t readings = 0, dropped = 0;
  /// Solutions that did not converge within the trials: of the real network, and of the detector's nominal one.
  std::size_t unbalanced = 0, detector_unbalanced = 0;
  double seconds = 0.0, signature_seconds = 0.0;
};

/// Runs the network (with background leakage and consumers' variation) through the leaks, samples the sensors,
/// feeds the readings to a LeakDetector that knows only the nominal network, reports repairs to it when leaks are
/// found the old way, and scores its alerts. `progress` is called with the simulated time every day. With
/// `carrier`, readings reach the detector through it (else each is handed over when it is taken).
LeakStudyResult run_leak_study(const WaterNetwork& net, const std::vector<WaterSensor>& sensors,
                               const std::vector<Leak>& leaks, const LeakStudySettings& settings,
                               const std::function<void(std::int64_t)>& progress = {},
                               detection::ReadingCarrier* carrier = nullptr);

}  // namespace citytwin::models::water
