// Scoring leak detections by the rules of the BattLeDIM 2020 benchmark, on any network and leak list.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "models/water/Leaks.hpp"
#include "models/water/WaterNetwork.hpp"

namespace citytwin::models::water {

/// Pipe-length distances between the centres of pipes: shortest paths over the network's links weighted by
/// their length (pumps and valves count 0), from a pipe's centre half its length to either end.
class PipeDistances {
 public:
  explicit PipeDistances(const WaterNetwork& net);
  /// Distance in metres between the centres of links a and b (0 for the same link).
  double between(int a, int b) const;

 private:
  const WaterNetwork& net_;
  std::vector<std::vector<std::pair<int, double>>> adjacent_;  // per node: (node, metres)
  std::vector<double> from_node(int source) const;
};

/// One detection: a pipe named, at a time (seconds from the run's start).
struct LeakDetection {
  int pipe = -1;
  std::int64_t time_s = 0;
};

/// BattLeDIM's economics (its scoring code): water at 0.80 €/m³, a crew sent 500 € (times distance / 300 m for a
/// detection that names a nearby pipe), a false alarm −500 €.
struct ScoreRules {
  double max_distance_m = 300.0;
  double water_eur_per_m3 = 0.80;
  double crew_eur = 500.0;
  double false_alarm_eur = 500.0;
};

/// The score of a set of detections against the true leaks.
struct LeakScore {
  int true_positives = 0, false_positives = 0, missed = 0;
  double score_eur = 0.0;
  double perfect_eur = 0.0;     ///< every leak found at its start on its own pipe
  double share = 0.0;           ///< score / perfect
  /// Per leak: the delay from its start to its detection in seconds; NaN if missed.
  std::vector<double> delay_s;
  std::vector<double> distance_m;  ///< per leak: how far the detection's pipe was; NaN if missed
};

/// Scores `detections` by BattLeDIM's rules: a detection is a true positive when its time lies between a leak's
/// start and end and its pipe's centre is within `max_distance_m` of the leaking pipe's; it scores the water that
/// leak loses from the detection onward (`volumes`, from run_with_leaks) × the price, minus distance / max × the
/// crew. Each leak counts once, for its first such detection (the nearest leak if several qualify); every other
/// detection is a false positive at −500 €.
LeakScore score_battledim(const std::vector<Leak>& leaks, const LeakVolumes& volumes,
                          const std::vector<LeakDetection>& detections, const PipeDistances& distances,
                          const ScoreRules& rules = {});

}  // namespace citytwin::models::water
