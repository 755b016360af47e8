// Rain for the drainage models: design storms from intensity-duration-frequency curves, historical records, a
// stochastic storm generator for year-long runs, and storms that move across the commune's gauges.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "models/drainage/DrainageNetwork.hpp"

namespace citytwin::models::drainage {

/// Rain as mean intensities over equal steps: step k covers [start_s + k step_s, start_s + (k + 1) step_s).
struct Hyetograph {
  std::int64_t start_s = 0;               ///< from the start of the run
  std::int64_t step_s = 300;
  std::vector<double> intensity_m_per_s;  ///< mean over each step, ≥ 0

  std::int64_t end_s() const { return start_s + step_s * static_cast<std::int64_t>(intensity_m_per_s.size()); }
  /// Depth fallen over the whole record, m.
  double depth_m() const;
  /// Depth fallen from the record's start to `t_s` (rain spread evenly over each step), m.
  double depth_until_m(double t_s) const;
  /// The largest depth that falls in any window of `window_s` seconds, m: what an IDF curve gives for that duration.
  double max_depth_m(std::int64_t window_s) const;
};

/// One return period's intensity-duration-frequency curve in Sherman's form, i = a / (t + b)^c, with i in mm/h and
/// the duration t in minutes. b = 0 is Montana's form (i = a t^-c, as Météo-France publishes its coefficients);
/// c = 1 is Talbot's.
struct IdfCurve {
  double return_period_years = 10.0;
  double a = 0.0;      ///< mm/h · min^c
  double b_min = 0.0;  ///< min
  double c = 0.0;

  /// Mean intensity over the `duration_s` with the heaviest rain of a storm of this return period, m/s.
  double intensity_m_per_s(double duration_s) const;
  /// Depth of rain over that duration, m.
  double depth_m(double duration_s) const { return intensity_m_per_s(duration_s) * duration_s; }
};

/// Checks a curve (a > 0, b ≥ 0, 0 < c < 1 so that depth grows with duration; a positive return period) and says
/// what is wrong with it, naming `where` (a file and key). Empty when it is sound.
std::string idf_problem(const IdfCurve& idf, std::string_view where);

/// The Chicago design storm (Keifer and Chu, 1957) of `duration_s`, peaking at `peak_fraction` of it (0.3 to 0.5 is
/// usual): around its peak, every duration t holds exactly the IDF depth of t, split `peak_fraction` before the peak
/// and the rest after. Steps hold the exact mean of the instantaneous intensity over them.
Hyetograph chicago_storm(const IdfCurve& idf, std::int64_t duration_s, std::int64_t step_s, double peak_fraction);

/// The alternating-block design storm (Chow, Maidment and Mays, 1988): blocks of `step_s` whose depths are the IDF
/// depth increments of 1, 2, ... steps, the largest at `peak_fraction` of the storm and the others placed in turn
/// after and before it. Any k blocks around the peak hold the IDF depth of k steps.
Hyetograph alternating_block_storm(const IdfCurve& idf, std::int64_t duration_s, std::int64_t step_s,
                                   double peak_fraction);

/// A storm of the stochastic generator: a rectangular pulse.
struct Storm {
  std::int64_t start_s = 0;
  std::int64_t duration_s = 0;
  double intensity_m_per_s = 0.0;
  double depth_m() const { return intensity_m_per_s * static_cast<double>(duration_s); }
};

/// Eagleson's Poisson rectangular pulses (Eagleson, 1978): dry spells, storm durations and storm intensities drawn
/// independently from exponential distributions. Over a year, the expected rain is (year / (dry + duration)) ×
/// duration × intensity; a storm's depth, the product of two exponentials, exceeds d with probability
/// 2 √x K₁(2 √x), x = d / (mean duration × mean intensity).
struct StormClimate {
  double mean_dry_s = 3.0 * 86400;        ///< between the end of a storm and the start of the next
  double mean_duration_s = 6.0 * 3600;
  double mean_intensity_m_per_s = 1.0e-3 / 3600;  ///< 1 mm/h
};

/// Draws the storms of [0, duration_s) from the seed's stream (seed, replication, "storms"): the same seed gives the
/// same storms. Durations are whole seconds, at least one.
std::vector<Storm> generate_storms(const StormClimate& climate, std::int64_t duration_s, std::uint64_t seed,
                                   std::uint32_t replication);

/// The storms as a hyetograph over [0, duration_s) in steps of `step_s`, each step holding the exact rain that falls
/// in it.
Hyetograph storms_hyetograph(const std::vector<Storm>& storms, std::int64_t duration_s, std::int64_t step_s);

/// A storm of the generator given a design storm's shape: over its duration (rounded up to whole steps), the Chicago
/// or alternating-block profile of `shape_of` (its b and c; a sets nothing) peaking at `peak_fraction`, scaled to the
/// storm's depth. Stochastic storms so shaped peak as real ones do, where rectangular pulses never would.
Hyetograph shaped_storm(const Storm& storm, const IdfCurve& shape_of, bool alternating_block, std::int64_t step_s,
                        double peak_fraction);

/// A storm cell moving in a straight line: it passes `origin` at time 0 of the hyetograph it carries and travels
/// towards `heading_deg` (clockwise from north, the map's +y) at `speed_m_per_s`. Across its track the rain falls off
/// as a Gaussian of `width_m` (standard deviation); a width of 0 keeps the whole intensity everywhere.
struct StormPath {
  double origin_x_m = 0.0, origin_y_m = 0.0;
  double heading_deg = 90.0;
  double speed_m_per_s = 10.0;
  double width_m = 0.0;
};

/// The rain `storm` gives at (x, y): delayed by the time the cell takes to reach the point's projection on its track,
/// and scaled by the fall-off across it. Points behind the origin (a negative delay) are refused: put the origin
/// upwind of the commune.
Hyetograph storm_at(const Hyetograph& storm, const StormPath& path, double x_m, double y_m);

/// A rain record of several gauges, as read from a CSV file.
struct RainRecord {
  std::vector<std::string> gauges;
  std::vector<Hyetograph> rain;  ///< one per gauge, all on the same steps
};

/// Reads a rain record: a header `time_s,<gauge>,<gauge>...`, then one row per interval: its end, in seconds from the
/// start of the run, and the depth each gauge caught over it, in mm (as tipping-bucket loggers and SWMM's VOLUME
/// gages count). Intervals must be equal; empty cells are no rain. Errors (sim::ScenarioError) name the file, line
/// and column.
RainRecord read_rain_csv(const std::filesystem::path& path);
RainRecord parse_rain_csv(std::string_view text, const std::string& name = "<rain>");

/// Makes `gage` of `net` take its rain from `rain`: a new INTENSITY time series in SI replaces the gage's own.
/// Throws if the network has no such gage.
void set_gage_rain(DrainageNetwork& net, std::string_view gage, const Hyetograph& rain);

}  // namespace citytwin::models::drainage
