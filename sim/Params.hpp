// Typed, read-only access to one section of a resolved scenario, with units converted to SI.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/Distribution.hpp"
#include "sim/Json.hpp"
#include "sim/Time.hpp"

namespace citytwin::sim {

/// A point in the scenario's local metric frame, in metres.
struct Point {
  double x_m = 0.0;
  double y_m = 0.0;
};

/// Reads parameters of a validated scenario section. Values were checked by the scenario loader, so a
/// failure here is a mismatch between a model and its registered schema: it throws ScenarioError naming
/// the key path.
class Params {
 public:
  /// `section` is the JSON object; `path` its dotted key path, for messages ("platform").
  Params(const Json& section, std::string path);

  /// The section's dotted key path ("alert_network"), for messages.
  const std::string& path() const { return path_; }
  bool has(const std::string& key) const;
  Params section(const std::string& key) const;
  double number(const std::string& key) const;
  std::int64_t integer(const std::string& key) const;
  bool boolean(const std::string& key) const;
  std::string string(const std::string& key) const;
  Time duration(const std::string& key) const;
  double distance_m(const std::string& key) const;
  double speed_m_per_s(const std::string& key) const;
  double rate_per_s(const std::string& key) const;
  Distribution distribution(const std::string& key) const;
  std::vector<double> profile(const std::string& key) const;
  Point point(const std::string& key) const;
  std::vector<Point> points(const std::string& key) const;

 private:
  const Json& at(const std::string& key) const;
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  const Json* section_;
  std::string path_;
};

}  // namespace citytwin::sim
