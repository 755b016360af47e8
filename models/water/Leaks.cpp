// Leak profiles, BattLeDIM's leak lists, and the volume each leak loses in an extended-period run.
#include "models/water/Leaks.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <numbers>
#include <sstream>

#include "sim/Calendar.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::models::water {

namespace {

/// "YYYY-MM-DD HH:MM" as seconds since 1970, or -1.
std::int64_t parse_stamp(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  char tail = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%d %d:%d%c", &y, &mo, &d, &h, &mi, &tail) != 5) return -1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59) return -1;
  return sim::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  const auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

double Leak::diameter_at(std::int64_t t) const {
  if (t < start_s || t >= end_s) return 0.0;
  if (incipient && t < peak_s && peak_s > start_s)
    return diameter_m * static_cast<double>(t - start_s) / static_cast<double>(peak_s - start_s);
  return diameter_m;
}

double Leak::area_at(std::int64_t t) const {
  const double dm = diameter_at(t);
  return std::numbers::pi * dm * dm / 4.0;
}

std::vector<Leak> read_battledim_leaks(const std::string& path, const WaterNetwork& net, const std::string& epoch) {
  std::ifstream in(path);
  if (!in) throw sim::ScenarioError(path + ": cannot open the leak list (" + std::strerror(errno) + "); check the path");
  const std::int64_t t0 = parse_stamp(epoch);
  if (t0 < 0) throw sim::ScenarioError(path + ": the start time '" + epoch + "' is not YYYY-MM-DD HH:MM");
  std::vector<Leak> leaks;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(trim(x));
    if (f.size() != 6)
      throw sim::ScenarioError(where + "expected 6 fields (linkID, startTime, endTime, leakDiameter (m), leakType, "
                                       "peakTime), found " + std::to_string(f.size()));
    Leak l;
    l.pipe = net.link(f[0]);
    if (l.pipe < 0 || (net.links[l.pipe].kind != LinkKind::PIPE && net.links[l.pipe].kind != LinkKind::CV_PIPE)) {
      std::vector<std::string> ids;
      for (const Link& k : net.links) ids.push_back(k.id);
      const auto guess = sim::closest_word(f[0], ids);
      throw sim::ScenarioError(where + "pipe '" + f[0] + "' is not a pipe of " + net.path +
                               (guess ? " (did you mean '" + *guess + "'?)" : ""));
    }
    const std::int64_t start = parse_stamp(f[1]), end = parse_stamp(f[2]), peak = parse_stamp(f[5]);
    for (const auto& [value, stamp] : {std::pair{f[1], start}, std::pair{f[2], end}, std::pair{f[5], peak}})
      if (stamp < 0) throw sim::ScenarioError(where + "'" + value + "' is not a time; write YYYY-MM-DD HH:MM");
    l.start_s = start - t0;
    l.end_s = end - t0;
    l.peak_s = peak - t0;
    char* rest = nullptr;
    l.diameter_m = std::strtod(f[3].c_str(), &rest);
    if (rest == f[3].c_str() || *rest || !(l.diameter_m > 0.0))
      throw sim::ScenarioError(where + "leak diameter '" + f[3] + "' must be a positive number of metres");
    if (f[4] == "incipient") l.incipient = true;
    else if (f[4] != "abrupt")
      throw sim::ScenarioError(where + "leak type '" + f[4] + "' must be abrupt or incipient");
    if (l.end_s < l.start_s || l.peak_s < l.start_s)
      throw sim::ScenarioError(where + "the leak ends or peaks before it starts; check its times");
    leaks.push_back(l);
  }
  return leaks;
}

std::vector<int> leak_pipes(const std::vector<Leak>& leaks) {
  std::vector<int> pipes;
  for (const Leak& l : leaks) pipes.push_back(l.pipe);
  return pipes;
}

LeakVolumes run_with_leaks(const HydraulicModel& model, const std::vector<Leak>& leaks,
                           const std::function<void(const HydraulicRun&)>& on_report) {
  LeakRunHooks hooks;
  if (on_report)
    hooks.after_solve = [&](const HydraulicRun& run) {
      if (run.is_report_time()) on_report(run);
    };
  return run_with_leaks(model, leaks, hooks);
}

LeakVolumes run_with_leaks(const HydraulicModel& model, const std::vector<Leak>& leaks, const LeakRunHooks& hooks) {
  LeakVolumes v;
  v.leaked_m3.assign(leaks.size(), 0.0);
  v.cumulative_m3.assign(leaks.size(), {});
  HydraulicRun run(model);
  std::int64_t step = 0;
  do {
    v.times_s.push_back(run.time_s());
    for (std::size_t i = 0; i < leaks.size(); ++i) v.cumulative_m3[i].push_back(v.leaked_m3[i]);
    for (std::size_t i = 0; i < leaks.size(); ++i)
      run.set_leak_area(static_cast<int>(i), leaks[i].area_at(run.time_s()), leaks[i].discharge_coefficient);
    if (hooks.before_solve) hooks.before_solve(run);
    run.solve();
    ++v.solutions;
    if (hooks.after_solve) hooks.after_solve(run);
    std::vector<double> flows(leaks.size());
    for (std::size_t i = 0; i < leaks.size(); ++i) flows[i] = run.leak_flow_m3s(static_cast<int>(i));
    step = run.advance();
    for (std::size_t i = 0; i < leaks.size(); ++i) {
      v.leaked_m3[i] += flows[i] * static_cast<double>(step);
      v.total_m3 += flows[i] * static_cast<double>(step);
    }
  } while (step > 0);
  return v;
}

double LeakVolumes::lost_after(int leak, std::int64_t t) const {
  const auto& c = cumulative_m3[leak];
  if (times_s.empty() || t >= times_s.back()) return 0.0;
  if (t <= times_s.front()) return c.back();
  const auto it = std::upper_bound(times_s.begin(), times_s.end(), t);
  const std::size_t k = static_cast<std::size_t>(it - times_s.begin());  // times_s[k-1] <= t < times_s[k]
  const double f = static_cast<double>(t - times_s[k - 1]) / static_cast<double>(times_s[k] - times_s[k - 1]);
  const double before = c[k - 1] + f * (c[k] - c[k - 1]);
  return c.back() - before;
}

}  // namespace citytwin::models::water
