// Design storms, stochastic storms, moving storms and rain records.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>
#include <stdexcept>

#include "models/drainage/Rainfall.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::models::drainage {

namespace {

constexpr double MM_PER_H = 1.0e-3 / 3600.0;  // m/s

void check_steps(std::int64_t duration_s, std::int64_t step_s, double peak_fraction, const char* what) {
  if (step_s <= 0 || duration_s <= 0 || duration_s % step_s != 0)
    throw std::invalid_argument(std::string(what) + ": the duration (" + std::to_string(duration_s) +
                                " s) must be a positive whole number of steps (" + std::to_string(step_s) + " s)");
  if (!(peak_fraction >= 0.0 && peak_fraction <= 1.0))
    throw std::invalid_argument(std::string(what) + ": the peak's position " + std::to_string(peak_fraction) +
                                " must lie between 0 (at the start) and 1 (at the end)");
}

// Depth fallen from the start of a Chicago storm to t, m: before the peak t_p, the depth of the (t_p − t)/r storm
// is still to come on that side; after it, the depth of the (t − t_p)/(1 − r) storm has fallen on the other.
double chicago_cumulative(const IdfCurve& idf, double duration_s, double r, double t) {
  const double tp = r * duration_s, before = r * idf.depth_m(duration_s);
  if (t <= tp) return r > 0.0 ? before - r * idf.depth_m((tp - t) / r) : 0.0;
  return before + (r < 1.0 ? (1.0 - r) * idf.depth_m((t - tp) / (1.0 - r)) : 0.0);
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split_csv(std::string_view line) {
  std::vector<std::string> cells;
  std::size_t from = 0;
  while (true) {
    const auto comma = line.find(',', from);
    cells.push_back(trim(line.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from)));
    if (comma == std::string_view::npos) return cells;
    from = comma + 1;
  }
}

}  // namespace

// --- Hyetograph -----------------------------------------------------------------------------------------

double Hyetograph::depth_m() const {
  double d = 0.0;
  for (double i : intensity_m_per_s) d += i;
  return d * static_cast<double>(step_s);
}

double Hyetograph::depth_until_m(double t_s) const {
  const double x = (t_s - static_cast<double>(start_s)) / static_cast<double>(step_s);
  if (x <= 0.0) return 0.0;
  const std::size_t whole = std::min(intensity_m_per_s.size(), static_cast<std::size_t>(x));
  double d = 0.0;
  for (std::size_t k = 0; k < whole; ++k) d += intensity_m_per_s[k];
  if (whole < intensity_m_per_s.size()) d += intensity_m_per_s[whole] * (x - static_cast<double>(whole));
  return d * static_cast<double>(step_s);
}

double Hyetograph::max_depth_m(std::int64_t window_s) const {
  if (window_s <= 0 || intensity_m_per_s.empty()) return 0.0;
  // A window's depth is piecewise linear in its start, with breaks where either end crosses a step boundary: the
  // largest is at one of those starts.
  double best = 0.0;
  const std::int64_t s0 = start_s - window_s, s1 = end_s();
  auto consider = [&](std::int64_t a) {
    if (a < s0 || a > s1) return;
    best = std::max(best, depth_until_m(static_cast<double>(a + window_s)) - depth_until_m(static_cast<double>(a)));
  };
  for (std::int64_t b = start_s; b <= s1; b += step_s) {
    consider(b);
    consider(b - window_s);
  }
  return best;
}

// --- IDF curves and design storms -----------------------------------------------------------------------

double IdfCurve::intensity_m_per_s(double duration_s) const {
  const double t_min = duration_s / 60.0;
  if (t_min <= 0.0) return b_min > 0.0 ? a / std::pow(b_min, c) * MM_PER_H : 0.0;
  return a / std::pow(t_min + b_min, c) * MM_PER_H;
}

std::string idf_problem(const IdfCurve& idf, std::string_view where) {
  const std::string at(where);
  if (!(idf.return_period_years > 0.0))
    return at + ": the return period " + std::to_string(idf.return_period_years) + " must be positive (years)";
  if (!(idf.a > 0.0)) return at + ": a = " + std::to_string(idf.a) + " must be positive (mm/h, durations in minutes)";
  if (!(idf.b_min >= 0.0)) return at + ": b = " + std::to_string(idf.b_min) + " must be zero or positive (minutes)";
  if (!(idf.c > 0.0 && idf.c < 1.0))
    return at + ": c = " + std::to_string(idf.c) +
           " must lie strictly between 0 and 1, so that intensity falls and depth grows with duration";
  return {};
}

Hyetograph chicago_storm(const IdfCurve& idf, std::int64_t duration_s, std::int64_t step_s, double peak_fraction) {
  check_steps(duration_s, step_s, peak_fraction, "Chicago storm");
  if (auto problem = idf_problem(idf, "Chicago storm"); !problem.empty()) throw std::invalid_argument(problem);
  Hyetograph h;
  h.step_s = step_s;
  const auto n = static_cast<std::size_t>(duration_s / step_s);
  h.intensity_m_per_s.resize(n);
  const double d = static_cast<double>(duration_s), dt = static_cast<double>(step_s);
  for (std::size_t k = 0; k < n; ++k) {
    const double t0 = static_cast<double>(k) * dt;
    h.intensity_m_per_s[k] =
        (chicago_cumulative(idf, d, peak_fraction, t0 + dt) - chicago_cumulative(idf, d, peak_fraction, t0)) / dt;
  }
  return h;
}

Hyetograph alternating_block_storm(const IdfCurve& idf, std::int64_t duration_s, std::int64_t step_s,
                                   double peak_fraction) {
  check_steps(duration_s, step_s, peak_fraction, "alternating-block storm");
  if (auto problem = idf_problem(idf, "alternating-block storm"); !problem.empty())
    throw std::invalid_argument(problem);
  const auto n = static_cast<std::size_t>(duration_s / step_s);
  const double dt = static_cast<double>(step_s);
  Hyetograph h;
  h.step_s = step_s;
  h.intensity_m_per_s.assign(n, 0.0);
  // The peak block, then one after and one before in turn; a side that is full leaves the rest to the other.
  const auto peak = std::min(n - 1, static_cast<std::size_t>(peak_fraction * static_cast<double>(n)));
  std::size_t after = peak + 1, before = peak;  // next free block on each side (before: one past it)
  for (std::size_t k = 0; k < n; ++k) {
    const double block = (idf.depth_m(static_cast<double>(k + 1) * dt) - idf.depth_m(static_cast<double>(k) * dt)) / dt;
    std::size_t at = peak;
    if (k > 0) {
      const bool go_after = (k % 2 == 1 && after < n) || before == 0;
      at = go_after ? after++ : --before;
    }
    h.intensity_m_per_s[at] = block;
  }
  return h;
}

// --- Stochastic storms ----------------------------------------------------------------------------------

std::vector<Storm> generate_storms(const StormClimate& climate, std::int64_t duration_s, std::uint64_t seed,
                                   std::uint32_t replication) {
  if (!(climate.mean_dry_s > 0.0 && climate.mean_duration_s >= 1.0 && climate.mean_intensity_m_per_s > 0.0))
    throw std::invalid_argument(
        "storm climate: the mean dry spell, the mean storm duration (at least 1 s) and the mean "
        "intensity must be positive");
  sim::RandomStream rng(seed, replication, 0, "storms");
  std::vector<Storm> storms;
  double t = rng.exponential(climate.mean_dry_s);
  while (t < static_cast<double>(duration_s)) {
    Storm s;
    s.start_s = static_cast<std::int64_t>(std::llround(t));
    s.duration_s = std::max<std::int64_t>(1, std::llround(rng.exponential(climate.mean_duration_s)));
    s.intensity_m_per_s = rng.exponential(climate.mean_intensity_m_per_s);
    if (s.start_s >= duration_s) break;
    storms.push_back(s);
    t = static_cast<double>(s.start_s + s.duration_s) + rng.exponential(climate.mean_dry_s);
  }
  return storms;
}

Hyetograph storms_hyetograph(const std::vector<Storm>& storms, std::int64_t duration_s, std::int64_t step_s) {
  if (step_s <= 0 || duration_s <= 0)
    throw std::invalid_argument("storms' hyetograph: the duration and the step must be positive");
  Hyetograph h;
  h.step_s = step_s;
  h.intensity_m_per_s.assign(static_cast<std::size_t>((duration_s + step_s - 1) / step_s), 0.0);
  for (const Storm& s : storms) {
    const std::int64_t end = std::min(s.start_s + s.duration_s, duration_s);
    // Spread the pulse over the steps it covers, each taking its share of the depth.
    for (std::int64_t a = s.start_s; a < end;) {
      const std::int64_t k = a / step_s, b = std::min(end, (k + 1) * step_s);
      h.intensity_m_per_s[static_cast<std::size_t>(k)] +=
          s.intensity_m_per_s * static_cast<double>(b - a) / static_cast<double>(step_s);
      a = b;
    }
  }
  return h;
}

Hyetograph shaped_storm(const Storm& storm, const IdfCurve& shape_of, bool alternating_block, std::int64_t step_s,
                        double peak_fraction) {
  if (step_s <= 0) throw std::invalid_argument("shaped storm: the step must be positive");
  const std::int64_t duration = std::max<std::int64_t>(1, (storm.duration_s + step_s - 1) / step_s) * step_s;
  Hyetograph h = alternating_block ? alternating_block_storm(shape_of, duration, step_s, peak_fraction)
                                   : chicago_storm(shape_of, duration, step_s, peak_fraction);
  const double scale = storm.depth_m() / h.depth_m();
  for (double& i : h.intensity_m_per_s) i *= scale;
  h.start_s = storm.start_s;
  return h;
}

// --- Moving storms --------------------------------------------------------------------------------------

Hyetograph storm_at(const Hyetograph& storm, const StormPath& path, double x_m, double y_m) {
  if (!(path.speed_m_per_s > 0.0) || !(path.width_m >= 0.0))
    throw std::invalid_argument("storm path: the speed must be positive and the width zero or positive");
  const double heading = path.heading_deg * std::numbers::pi / 180.0;
  const double ux = std::sin(heading), uy = std::cos(heading);
  const double dx = x_m - path.origin_x_m, dy = y_m - path.origin_y_m;
  const double along = dx * ux + dy * uy, across = -dx * uy + dy * ux;
  if (along < 0.0)
    throw std::invalid_argument("storm path: the point (" + std::to_string(x_m) + ", " + std::to_string(y_m) +
                                ") lies " + std::to_string(-along) +
                                " m behind the storm's origin; put the origin upwind of every gauge");
  const double delay_s = along / path.speed_m_per_s;
  const double scale = path.width_m > 0.0 ? std::exp(-0.5 * across * across / (path.width_m * path.width_m)) : 1.0;
  // Same steps, shifted: each step holds the rain the storm dropped over that step's span, delay_s earlier.
  Hyetograph h;
  h.start_s = storm.start_s;
  h.step_s = storm.step_s;
  const auto extra = static_cast<std::size_t>(std::ceil(delay_s / static_cast<double>(storm.step_s)));
  h.intensity_m_per_s.resize(storm.intensity_m_per_s.size() + extra);
  const double dt = static_cast<double>(storm.step_s);
  for (std::size_t k = 0; k < h.intensity_m_per_s.size(); ++k) {
    const double a = static_cast<double>(h.start_s) + static_cast<double>(k) * dt - delay_s;
    h.intensity_m_per_s[k] = scale * std::max(0.0, storm.depth_until_m(a + dt) - storm.depth_until_m(a)) / dt;
  }
  return h;
}

// --- Rain records ---------------------------------------------------------------------------------------

RainRecord parse_rain_csv(std::string_view text, const std::string& name) {
  auto fail = [&](int line, const std::string& what) {
    throw sim::ScenarioError(name + ":" + std::to_string(line) + ": error: " + what);
  };
  RainRecord rec;
  std::vector<std::int64_t> ends;
  std::vector<std::vector<double>> depths_mm;
  std::istringstream in{std::string(text)};
  std::string raw;
  int number = 0;
  while (std::getline(in, raw)) {
    ++number;
    if (trim(raw).empty() || trim(raw).front() == '#') continue;
    std::vector<std::string> cells = split_csv(raw);
    if (rec.gauges.empty()) {
      if (cells.front() != "time_s")
        fail(number, "the header must start with 'time_s' (the end of each interval, seconds from the start), not '" +
                         cells.front() + "'");
      if (cells.size() < 2) fail(number, "the header names no gauge: write 'time_s,<gauge>,...'");
      for (std::size_t c = 1; c < cells.size(); ++c) {
        if (cells[c].empty()) fail(number, "column " + std::to_string(c + 1) + " of the header has no gauge name");
        if (std::find(rec.gauges.begin(), rec.gauges.end(), cells[c]) != rec.gauges.end())
          fail(number, "gauge '" + cells[c] + "' is named twice");
        rec.gauges.push_back(cells[c]);
      }
      depths_mm.resize(rec.gauges.size());
      continue;
    }
    if (cells.size() != rec.gauges.size() + 1)
      fail(number, std::to_string(cells.size()) + " cells where the header has " +
                       std::to_string(rec.gauges.size() + 1) + "; leave a cell empty for no rain");
    auto number_in = [&](std::size_t c) {
      if (cells[c].empty()) return 0.0;
      std::size_t used = 0;
      double v = 0.0;
      try {
        v = std::stod(cells[c], &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != cells[c].size() || !std::isfinite(v))
        fail(number, "column " + std::to_string(c + 1) + " ('" + (c == 0 ? std::string("time_s") : rec.gauges[c - 1]) +
                         "'): '" + cells[c] + "' is not a number");
      return v;
    };
    const double t = number_in(0);
    if (t != std::floor(t) || t <= 0.0)
      fail(number, "time_s '" + cells[0] + "' must be a whole positive number of seconds (the interval's end)");
    const auto end = static_cast<std::int64_t>(t);
    if (!ends.empty()) {
      const std::int64_t step = ends.size() > 1 ? ends[1] - ends[0] : 0;
      if (end <= ends.back()) fail(number, "time_s " + cells[0] + " does not come after the previous row's");
      if (step > 0 && end - ends.back() != step)
        fail(number, "time_s " + cells[0] + " breaks the record's interval of " + std::to_string(step) +
                         " s; give every interval, empty cells for no rain");
    }
    ends.push_back(end);
    for (std::size_t g = 0; g < rec.gauges.size(); ++g) {
      const double d = number_in(g + 1);
      if (d < 0.0) fail(number, "gauge '" + rec.gauges[g] + "': a depth of " + cells[g + 1] + " mm cannot be negative");
      depths_mm[g].push_back(d);
    }
  }
  if (rec.gauges.empty()) throw sim::ScenarioError(name + ": error: no header 'time_s,<gauge>,...'");
  if (ends.empty()) throw sim::ScenarioError(name + ": error: no rows after the header; give one row per interval");
  // A single row's interval is its end: the record starts at 0.
  const std::int64_t step = ends.size() > 1 ? ends[1] - ends[0] : ends[0];
  if (ends[0] - step < 0)
    throw sim::ScenarioError(name + ": error: the first row ends at " + std::to_string(ends[0]) +
                             " s, before a whole interval of " + std::to_string(step) + " s has passed");
  for (std::size_t g = 0; g < rec.gauges.size(); ++g) {
    Hyetograph h;
    h.start_s = ends[0] - step;
    h.step_s = step;
    for (double d : depths_mm[g]) h.intensity_m_per_s.push_back(d * 1.0e-3 / static_cast<double>(step));
    rec.rain.push_back(std::move(h));
  }
  return rec;
}

RainRecord read_rain_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw sim::ScenarioError(path.string() + ": error: cannot open the rain record; check the path");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_rain_csv(text.str(), path.string());
}

void set_gage_rain(DrainageNetwork& net, std::string_view gage, const Hyetograph& rain) {
  const int g = net.gage(std::string(gage));
  if (g < 0)
    throw std::invalid_argument((net.path.empty() ? std::string("drainage model") : net.path) + ": no rain gage '" +
                                std::string(gage) + "' to give the rain to");
  TimeSeries ts;
  ts.id = std::string(gage) + " (rain)";
  ts.use = SeriesUse::RAIN_INTENSITY;
  for (std::size_t k = 0; k < rain.intensity_m_per_s.size(); ++k) {
    ts.time_s.push_back(static_cast<double>(rain.start_s + static_cast<std::int64_t>(k) * rain.step_s));
    ts.values.push_back(rain.intensity_m_per_s[k]);
  }
  // The series' own index, under a name no file can give (ids have no spaces).
  const auto existing = net.series_index.find(ts.id);
  int index = existing != net.series_index.end() ? existing->second : static_cast<int>(net.time_series.size());
  if (index == static_cast<int>(net.time_series.size())) net.time_series.emplace_back();
  net.series_index[ts.id] = index;
  net.time_series[static_cast<std::size_t>(index)] = std::move(ts);
  RainGage& rg = net.gages[static_cast<std::size_t>(g)];
  rg.format = RainFormat::INTENSITY;
  rg.interval_s = rain.step_s;
  rg.series = index;
  // SWMM's step rules: the wet step at most a used gage's interval, the routing step at most the wet step.
  if (rg.used) {
    net.options.wet_step_s = std::min(net.options.wet_step_s, rain.step_s);
    net.options.dry_step_s = std::max(net.options.dry_step_s, net.options.wet_step_s);
    net.options.routing_step_s = std::min(net.options.routing_step_s, static_cast<double>(net.options.wet_step_s));
  }
}

}  // namespace citytwin::models::drainage
