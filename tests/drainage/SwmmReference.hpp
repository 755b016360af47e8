// Comparison with EPA SWMM 5.2's results in tests/drainage/reference, shared by the routing tests: the reference
// tables, our results in the file's units, and the checks on runoff, node depths, flooding and link flows.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/drainage/DrainageSimulation.hpp"
#include "models/drainage/SwmmReader.hpp"

namespace citytwin::models::drainage::testing {

/// A reference table: its column names (after time_s), its times and rows.
struct Table {
  std::vector<std::string> columns;
  std::vector<double> time_s;
  std::vector<std::vector<double>> rows;

  int column(const std::string& id) const {
    const auto it = std::find(columns.begin(), columns.end(), id);
    return it == columns.end() ? -1 : static_cast<int>(it - columns.begin());
  }
  std::vector<double> series(int c) const {
    std::vector<double> v;
    for (const auto& r : rows) v.push_back(r[c]);
    return v;
  }
};

inline Table read_table(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in, "cannot open " << path);
  Table t;
  std::string line, cell;
  std::getline(in, line);
  std::stringstream head(line);
  std::getline(head, cell, ',');
  while (std::getline(head, cell, ',')) t.columns.push_back(cell);
  while (std::getline(in, line)) {
    std::stringstream s(line);
    std::getline(s, cell, ',');
    t.time_s.push_back(std::stod(cell));
    std::vector<double> row;
    while (std::getline(s, cell, ',')) row.push_back(std::stod(cell));
    t.rows.push_back(row);
  }
  return t;
}

inline std::string reference(const std::string& name) { return "tests/drainage/reference/" + name; }

/// Our values of one object over the report times, in the file's units.
inline std::vector<double> ours(const std::vector<std::vector<double>>& rows, int object, double factor) {
  std::vector<double> v;
  for (const auto& r : rows) v.push_back(r[object] / factor);
  return v;
}

/// `v` rounded to 6 significant digits, as the reference tables are written.
inline double six_digits(double v) {
  if (v == 0.0) return 0.0;
  const double scale = std::pow(10.0, 5 - static_cast<int>(std::floor(std::log10(std::fabs(v)))));
  return std::round(v * scale) / scale;
}

/// Index of the first greatest value.
inline std::size_t peak_at(const std::vector<double>& v) {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

/// Volume of a flow series sampled at the report times (rectangles of one report step).
inline double volume(const std::vector<double>& q, double step_s) {
  double v = 0.0;
  for (double x : q) v += x * step_s;
  return v;
}

/// The worst errors over a model's comparisons, for the messages.
struct Worst {
  double value = 0.0;
  std::string where;
  void take(double e, const std::string& w) {
    if (e > value) {
      value = e;
      where = w;
    }
  }
};

/// Runoff of every subcatchment: peak and volume within 5 %.
inline void check_runoff(const DrainageNetwork& net, const DrainageResults& r, const std::string& table) {
  const Table ref = read_table(reference(table));
  REQUIRE(ref.rows.size() == r.time_s.size());
  Worst peak, vol;
  const double step = static_cast<double>(net.options.report_step_s);
  for (std::size_t i = 0; i < net.subcatchments.size(); ++i) {
    const std::string& id = net.subcatchments[i].id;
    const int c = ref.column(id);
    REQUIRE(c >= 0);
    const auto theirs = ref.series(c), mine = ours(r.runoff_m3s, static_cast<int>(i), net.units.flow_m3s);
    const double p_ref = *std::max_element(theirs.begin(), theirs.end());
    const double p = *std::max_element(mine.begin(), mine.end());
    const double v_ref = volume(theirs, step), v = volume(mine, step);
    CHECK_MESSAGE(std::fabs(p - p_ref) <= 0.05 * p_ref, id << " runoff peak " << p << " against " << p_ref);
    CHECK_MESSAGE(std::fabs(v - v_ref) <= 0.05 * v_ref, id << " runoff volume " << v << " against " << v_ref);
    if (p_ref > 0.0) peak.take(std::fabs(p - p_ref) / p_ref, id);
    if (v_ref > 0.0) vol.take(std::fabs(v - v_ref) / v_ref, id);
  }
  MESSAGE(table << ": worst runoff peak error " << 100.0 * peak.value << " % (" << peak.where
                << "), worst runoff volume error " << 100.0 * vol.value << " % (" << vol.where << ")");
}

/// Every node: peak depth within 5 % or 1 cm, whichever is looser; time of peak within one report step where the
/// peak is above 1 cm; flooded volume within 5 %; link flow peaks within 5 %.
inline void check_nodes(const DrainageNetwork& net, const DrainageResults& r, const std::string& prefix) {
  const Table depth = read_table(reference(prefix + "node_depth.csv"));
  const Table flood = read_table(reference(prefix + "node_flooding.csv"));
  REQUIRE(depth.rows.size() == r.time_s.size());
  const double cm = 0.01 / net.units.length_m, step = static_cast<double>(net.options.report_step_s);
  Worst depth_error, time_error, flood_error;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    const std::string& id = net.nodes[i].id;
    const int c = depth.column(id);
    REQUIRE(c >= 0);
    const auto theirs = depth.series(c), mine = ours(r.node_depth_m, static_cast<int>(i), net.units.length_m);
    // The time of peak on values written alike: on a plateau the first greatest value depends on the digits kept.
    std::vector<double> mine_written(mine.size());
    std::transform(mine.begin(), mine.end(), mine_written.begin(), six_digits);
    const std::size_t k_ref = peak_at(theirs), k = peak_at(mine_written);
    const double p_ref = theirs[k_ref], p = mine[k];
    const double tolerance = std::max(0.05 * p_ref, cm);
    CHECK_MESSAGE(std::fabs(p - p_ref) <= tolerance, id << " peak depth " << p << " against " << p_ref);
    depth_error.take(std::fabs(p - p_ref) * net.units.length_m, id);
    if (p_ref > cm) {
      // On a plateau the six digits cannot order the values: the nearest time the reference is within a unit of its
      // last digit of its peak.
      const double unit = std::pow(10.0, std::floor(std::log10(p_ref)) - 5);
      double dt = std::fabs(r.time_s[k] - depth.time_s[k_ref]);
      for (std::size_t q = 0; q < theirs.size(); ++q)
        if (theirs[q] >= p_ref - unit) dt = std::min(dt, std::fabs(r.time_s[k] - depth.time_s[q]));
      CHECK_MESSAGE(dt <= step, id << " peaks at " << r.time_s[k] << " s against " << depth.time_s[k_ref] << " s");
      time_error.take(dt, id);
    }
    const auto f_ref = flood.series(flood.column(id));
    const auto f = ours(r.node_flooding_m3s, static_cast<int>(i), net.units.flow_m3s);
    const double v_ref = volume(f_ref, step), v = volume(f, step);
    CHECK_MESSAGE(std::fabs(v - v_ref) <= 0.05 * v_ref, id << " flooded " << v << " against " << v_ref);
    if (v_ref > 0.0) flood_error.take(std::fabs(v - v_ref) / v_ref, id);
  }
  // Link flows: peak within 5 %.
  const Table flow = read_table(reference(prefix + "link_flow.csv"));
  Worst flow_error;
  for (std::size_t j = 0; j < net.links.size(); ++j) {
    const std::string& id = net.links[j].id;
    const auto theirs = flow.series(flow.column(id));
    const auto mine = ours(r.link_flow_m3s, static_cast<int>(j), net.units.flow_m3s);
    const double p_ref = *std::max_element(theirs.begin(), theirs.end());
    const double p = *std::max_element(mine.begin(), mine.end());
    CHECK_MESSAGE(std::fabs(p - p_ref) <= 0.05 * p_ref, id << " peak flow " << p << " against " << p_ref);
    if (p_ref > 0.0) flow_error.take(std::fabs(p - p_ref) / p_ref, id);
  }
  MESSAGE(prefix << ": worst peak flow error " << 100.0 * flow_error.value << " % (" << flow_error.where << ")");
  MESSAGE(prefix << ": worst peak depth error " << 100.0 * depth_error.value << " cm (" << depth_error.where
                 << "), worst time of peak " << time_error.value << " s (" << time_error.where
                 << "), worst flooded volume error " << 100.0 * flood_error.value << " % (" << flood_error.where
                 << ")");
}

inline DrainageNetwork site_100yr() {
  std::ifstream in("scenarios/drainage/Site_Drainage_Model.inp");
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  const auto at = text.find("TIMESERIES 2-yr");
  REQUIRE(at != std::string::npos);
  text.replace(at, 15, "TIMESERIES 100-yr");
  return parse_swmm(text, "Site_Drainage_Model_100yr.inp");
}


}  // namespace citytwin::models::drainage::testing
