// The registry of model components: each entry has a name, one line of description and a parameter schema.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/Json.hpp"

namespace citytwin::sim {

/// The kind of value a parameter takes, which fixes how a scenario writes it and its unit.
enum class ParamType {
  NUMBER,        ///< a real number (unit in `ParamSpec::unit`, often dimensionless)
  INTEGER,       ///< a whole number
  BOOLEAN,       ///< true or false
  STRING,        ///< free text
  CHOICE,        ///< one of `ParamSpec::choices`
  DURATION,      ///< "90s", "15min", "2.5h", "1d", "1w", "500ms"; a bare number is seconds; never negative
  DISTANCE,      ///< "300m", "2.5km"; a bare number is metres; never negative
  SPEED,         ///< "30km/h", "8m/s"; a bare number is metres per second
  RATE,          ///< events per time: "12/year", "3/day", "0.5/h", "2/week", "1/min", "4/s"; a bare number is per second
  DISTRIBUTION,  ///< a random duration: a duration (constant) or {dist: exponential, mean: 4min}, see Distribution.hpp
  PROFILE,       ///< a list of `length` non-negative numbers (relative weights, e.g. 24 hourly values)
  POINT,         ///< [x, y]: two distances in the scenario's local metric frame
  POINT_LIST,    ///< a list of points
  SECTION,       ///< a map of parameters of its own (`ParamSpec::children`), written or left out as a whole
};

/// One parameter of a component, documented where it is declared (as ns-3 attributes are).
struct ParamSpec {
  std::string name;                     ///< key in the scenario, snake_case
  ParamType type = ParamType::NUMBER;
  std::string unit;                     ///< unit shown to users ("s", "m", "1/year", "" for none)
  /// Written as in a scenario ("3min"); null means required. For a SECTION, null means the section is
  /// optional (absent unless written) and `{}` that it is always there, its children taking their defaults.
  Json default_value;
  std::string description;              ///< one sentence
  std::optional<double> minimum;        ///< lower bound in SI units (seconds, metres, per second), inclusive
  std::optional<double> maximum;        ///< upper bound in SI units, inclusive
  std::vector<std::string> choices;     ///< allowed values of a CHOICE
  std::size_t length = 0;               ///< required length of a PROFILE (0: any non-empty length)
  std::vector<ParamSpec> children;      ///< the parameters of a SECTION

  /// Sets the allowed range, in SI units.
  ParamSpec& between(double lo, double hi) { minimum = lo; maximum = hi; return *this; }
  ParamSpec& at_least(double lo) { minimum = lo; return *this; }
  /// Sets the required length of a PROFILE.
  ParamSpec& of_length(std::size_t n) { length = n; return *this; }
};

/// Declares a parameter: `param("operators", ParamType::INTEGER, "", 2, "Operators on duty.").at_least(1)`.
inline ParamSpec param(std::string name, ParamType type, std::string unit, Json default_value, std::string description) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = type;
  p.unit = std::move(unit);
  p.default_value = std::move(default_value);
  p.description = std::move(description);
  return p;
}

/// Declares a CHOICE parameter.
inline ParamSpec choice(std::string name, std::vector<std::string> choices, std::string default_value,
                        std::string description) {
  ParamSpec p = param(std::move(name), ParamType::CHOICE, "", std::move(default_value), std::move(description));
  p.choices = std::move(choices);
  return p;
}

/// Declares a nested SECTION of parameters: `crime.gunfire: {rate: ..., theta: ...}`. An optional section
/// (`always` false) is simulated only when written; an `always` section is there with its defaults.
inline ParamSpec section(std::string name, std::string description, std::vector<ParamSpec> children,
                         bool always = false) {
  ParamSpec p = param(std::move(name), ParamType::SECTION, "", always ? Json::object() : Json(), std::move(description));
  p.children = std::move(children);
  return p;
}

/// A model component: one top-level section of a scenario (`platform:`, `police:`).
struct ComponentSpec {
  std::string name;                     ///< scenario key, snake_case
  std::string description;              ///< one line
  std::vector<ParamSpec> params;
  bool required = false;                ///< whether every scenario must have this section

  ComponentSpec(std::string name_, std::string description_, std::vector<ParamSpec> params_, bool required_ = false)
      : name(std::move(name_)), description(std::move(description_)), params(std::move(params_)), required(required_) {}
};

/// A model family: what a scenario's top-level `model:` key names, and the sections it reads.
struct ModelSpec {
  std::string name;                   ///< scenario value of `model`, snake_case
  std::string description;            ///< one line
  std::vector<std::string> sections;  ///< the components it reads; a scenario may write no others
};

/// The components and model families known to the program. Each model family adds its own with
/// `register_*(Registry&)`.
class Registry {
 public:
  /// Adds a component; a duplicate name is a programming error and throws std::logic_error.
  void add(ComponentSpec spec);
  /// Adds a model family whose sections are already registered; the first one added is the default of
  /// a scenario's `model` key. A duplicate name or an unknown section throws std::logic_error.
  void add_model(ModelSpec spec);
  /// The component with this name, or nullptr.
  const ComponentSpec* find(const std::string& name) const;
  /// The model family with this name, or nullptr.
  const ModelSpec* find_model(const std::string& name) const;
  /// All components, in registration order.
  const std::vector<ComponentSpec>& components() const { return components_; }
  /// All model families, in registration order.
  const std::vector<ModelSpec>& models() const { return models_; }

 private:
  std::vector<ComponentSpec> components_;
  std::vector<ModelSpec> models_;
};

/// A section with the defaults of the parameters it leaves out filled in, nested sections included (an
/// optional nested section only when it is written): what a scenario's section resolves to.
Json with_defaults(Json section, const std::vector<ParamSpec>& specs);

/// The child of `specs` named `name` (a component's parameter or a section's), or nullptr.
const ParamSpec* find_child(const std::vector<ParamSpec>& specs, const std::string& name);

/// A human-readable name of a parameter type with its unit, for `list-models` and error messages:
/// "duration (e.g. \"15min\")".
std::string describe_type(const ParamSpec& p);

}  // namespace citytwin::sim
