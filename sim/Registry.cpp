// The registry of model components.
#include "sim/Registry.hpp"

#include <stdexcept>

namespace citytwin::sim {

namespace {

// Refuses a parameter declared twice at one level of a component, nested sections included.
void check_unique(const std::vector<ParamSpec>& specs, const std::string& where) {
  for (std::size_t i = 0; i < specs.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j)
      if (specs[i].name == specs[j].name)
        throw std::logic_error("Registry::add(): component '" + where + "' declares parameter '" + specs[i].name +
                               "' twice");
    if (specs[i].type == ParamType::SECTION) check_unique(specs[i].children, where + "." + specs[i].name);
  }
}

}  // namespace

void Registry::add(ComponentSpec spec) {
  if (find(spec.name)) throw std::logic_error("Registry::add(): component '" + spec.name + "' is registered twice");
  check_unique(spec.params, spec.name);
  components_.push_back(std::move(spec));
}

void Registry::add_model(ModelSpec spec) {
  if (find_model(spec.name)) throw std::logic_error("Registry::add_model(): model '" + spec.name + "' is registered twice");
  for (const std::string& s : spec.sections)
    if (!find(s))
      throw std::logic_error("Registry::add_model(): model '" + spec.name + "' reads section '" + s +
                             "', which is not registered; register its component first");
  models_.push_back(std::move(spec));
}

const ComponentSpec* Registry::find(const std::string& name) const {
  for (const auto& c : components_)
    if (c.name == name) return &c;
  return nullptr;
}

const ModelSpec* Registry::find_model(const std::string& name) const {
  for (const auto& m : models_)
    if (m.name == name) return &m;
  return nullptr;
}

Json with_defaults(Json section, const std::vector<ParamSpec>& specs) {
  if (!section.is_object()) return section;
  for (const auto& p : specs) {
    if (!section.contains(p.name) && !p.default_value.is_null()) section[p.name] = p.default_value;
    if (p.type == ParamType::SECTION && section.contains(p.name) && section[p.name].is_object())
      section[p.name] = with_defaults(section[p.name], p.children);
  }
  return section;
}

const ParamSpec* find_child(const std::vector<ParamSpec>& specs, const std::string& name) {
  for (const auto& p : specs)
    if (p.name == name) return &p;
  return nullptr;
}

std::string describe_type(const ParamSpec& p) {
  switch (p.type) {
    case ParamType::NUMBER: return p.unit.empty() ? "number" : "number in " + p.unit;
    case ParamType::INTEGER: return "integer";
    case ParamType::BOOLEAN: return "true or false";
    case ParamType::STRING: return "text";
    case ParamType::CHOICE: {
      std::string s = "one of";
      for (std::size_t i = 0; i < p.choices.size(); ++i) s += (i ? ", " : " ") + p.choices[i];
      return s;
    }
    case ParamType::DURATION: return "duration (e.g. \"90s\", \"15min\", \"2h\")";
    case ParamType::DISTANCE: return "distance (e.g. \"300m\", \"2.5km\")";
    case ParamType::SPEED: return "speed (e.g. \"30km/h\", \"8m/s\")";
    case ParamType::RATE: return "rate (e.g. \"12/year\", \"3/day\", \"0.5/h\")";
    case ParamType::DISTRIBUTION:
      return "random duration (e.g. \"4min\" or {dist: exponential, mean: 4min})";
    case ParamType::PROFILE:
      return p.length ? "list of " + std::to_string(p.length) + " non-negative numbers" : "list of non-negative numbers";
    case ParamType::POINT: return "point [x, y] (e.g. [\"1.2km\", \"300m\"])";
    case ParamType::POINT_LIST: return "list of points [x, y]";
    case ParamType::SECTION: {
      std::string s = "a map of parameters (";
      for (std::size_t i = 0; i < p.children.size(); ++i) s += (i ? ", " : "") + p.children[i].name;
      return s + ")";
    }
  }
  return "value";
}

}  // namespace citytwin::sim
