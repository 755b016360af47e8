// Leaks on pipes as BattLeDIM describes them (abrupt bursts and incipient leaks that grow), run through the hydraulics.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/water/Hydraulics.hpp"
#include "models/water/WaterNetwork.hpp"

namespace citytwin::models::water {

/// One leak at a pipe's midpoint. An abrupt leak (a burst) opens to its full diameter at `start_s`; an incipient
/// one grows, its diameter rising linearly from 0 at `start_s` to full at `peak_s`; both stay full until `end_s`
/// (the repair), as in BattLeDIM's data set generator. Times are seconds from the run's start.
struct Leak {
  int pipe = -1;
  std::int64_t start_s = 0, peak_s = 0, end_s = 0;
  double diameter_m = 0.0;
  bool incipient = false;
  double discharge_coefficient = 0.75;

  /// The leak's diameter at time t (0 before it starts and after it is repaired).
  double diameter_at(std::int64_t t) const;
  /// The orifice area π d² / 4 at time t.
  double area_at(std::int64_t t) const;
};

/// Reads a leak list in BattLeDIM's format (`linkID, startTime, endTime, leakDiameter (m), leakType, peakTime`,
/// times "YYYY-MM-DD HH:MM", '#' comments), times in seconds from `epoch` ("YYYY-MM-DD HH:MM"). Throws
/// sim::ScenarioError naming the file, line and value for a pipe not in `net`, a bad time or a bad type.
std::vector<Leak> read_battledim_leaks(const std::string& path, const WaterNetwork& net, const std::string& epoch);

/// What a run with leaks lost.
struct LeakVolumes {
  std::vector<double> leaked_m3;   ///< per leak: the volume it lost
  double total_m3 = 0.0;
  int solutions = 0;
  std::vector<std::int64_t> times_s;              ///< the hydraulic times, the run's end last
  std::vector<std::vector<double>> cumulative_m3;  ///< per leak, per time: the volume lost before that time

  /// What leak `leak` loses from time t to the end of the run (interpolated within a step).
  double lost_after(int leak, std::int64_t t) const;
};

/// Runs `model` (built with the leaks' pipes as its leak sites, in the same order) over its duration, the leaks'
/// areas set at every hydraulic time, each leak's outflow integrated over the step that follows (as EPANET
/// integrates tank levels); `on_report` is called at every report time.
LeakVolumes run_with_leaks(const HydraulicModel& model, const std::vector<Leak>& leaks,
                           const std::function<void(const HydraulicRun&)>& on_report = {});

/// What a caller may do at each hydraulic time of a run with leaks: before the solution (set demand factors, tank
/// levels), and after it (read sensors, report).
struct LeakRunHooks {
  std::function<void(HydraulicRun&)> before_solve;
  std::function<void(const HydraulicRun&)> after_solve;
};
LeakVolumes run_with_leaks(const HydraulicModel& model, const std::vector<Leak>& leaks, const LeakRunHooks& hooks);

/// The pipes of `leaks`, in order: the leak sites of the model to build for them.
std::vector<int> leak_pipes(const std::vector<Leak>& leaks);

}  // namespace citytwin::models::water
