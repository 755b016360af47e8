// Typed access to scenario sections.
#include "sim/Params.hpp"

#include "sim/Scenario.hpp"
#include "sim/Units.hpp"

namespace citytwin::sim {

Params::Params(const Json& section, std::string path) : section_(&section), path_(std::move(path)) {}

void Params::fail(const std::string& key, const std::string& what) const {
  throw ScenarioError("at '" + path_ + "." + key + "': " + what);
}

const Json& Params::at(const std::string& key) const {
  if (!section_->is_object()) fail(key, "'" + path_ + "' is not a section");
  auto it = section_->find(key);
  if (it == section_->end()) fail(key, "missing");
  return *it;
}

bool Params::has(const std::string& key) const { return section_->is_object() && section_->contains(key); }

Params Params::section(const std::string& key) const { return Params(at(key), path_ + "." + key); }

double Params::number(const std::string& key) const {
  const Json& v = at(key);
  if (!v.is_number()) fail(key, "expected a number, got " + v.dump());
  return v.get<double>();
}

std::int64_t Params::integer(const std::string& key) const {
  const Json& v = at(key);
  if (!v.is_number_integer()) fail(key, "expected a whole number, got " + v.dump());
  return v.get<std::int64_t>();
}

bool Params::boolean(const std::string& key) const {
  const Json& v = at(key);
  if (!v.is_boolean()) fail(key, "expected true or false, got " + v.dump());
  return v.get<bool>();
}

std::string Params::string(const std::string& key) const {
  const Json& v = at(key);
  if (!v.is_string()) fail(key, "expected text, got " + v.dump());
  return v.get<std::string>();
}

template <class F>
static auto converted(const std::string& key, const Json& v, F&& f) -> decltype(f(v)) {
  try {
    return f(v);
  } catch (const units::UnitError& e) {
    throw ScenarioError("at '" + key + "': " + e.what());
  }
}

Time Params::duration(const std::string& key) const {
  return converted(path_ + "." + key, at(key), [](const Json& v) { return units::duration(v); });
}
double Params::distance_m(const std::string& key) const {
  return converted(path_ + "." + key, at(key), [](const Json& v) { return units::distance_m(v); });
}
double Params::speed_m_per_s(const std::string& key) const {
  return converted(path_ + "." + key, at(key), [](const Json& v) { return units::speed_m_per_s(v); });
}
double Params::rate_per_s(const std::string& key) const {
  return converted(path_ + "." + key, at(key), [](const Json& v) { return units::rate_per_s(v); });
}
Distribution Params::distribution(const std::string& key) const {
  return converted(path_ + "." + key, at(key), [](const Json& v) { return Distribution::parse(v); });
}

std::vector<double> Params::profile(const std::string& key) const {
  const Json& v = at(key);
  if (!v.is_array()) fail(key, "expected a list of numbers, got " + v.dump());
  std::vector<double> out;
  for (const Json& x : v) {
    if (!x.is_number() || x.get<double>() < 0.0) fail(key, "expected non-negative numbers, got " + x.dump());
    out.push_back(x.get<double>());
  }
  return out;
}

static Point to_point(const Json& v) {
  if (!v.is_array() || v.size() != 2) throw units::UnitError("expected a point [x, y], got " + v.dump());
  return {units::distance_m(v[0]), units::distance_m(v[1])};
}

Point Params::point(const std::string& key) const {
  return converted(path_ + "." + key, at(key), [](const Json& v) { return to_point(v); });
}

std::vector<Point> Params::points(const std::string& key) const {
  return converted(path_ + "." + key, at(key), [](const Json& v) {
    if (!v.is_array()) throw units::UnitError("expected a list of points [x, y], got " + v.dump());
    std::vector<Point> out;
    for (const Json& p : v) out.push_back(to_point(p));
    return out;
  });
}

}  // namespace citytwin::sim
