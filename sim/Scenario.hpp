// Scenario files: YAML read, validated against the JSON Schema built from the registry, resolved into variants.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/Json.hpp"
#include "sim/Registry.hpp"
#include "sim/Time.hpp"

namespace citytwin::sim {

/// A scenario that cannot run. `what()` holds one line per problem, each
/// "FILE:LINE:COLUMN: error: at 'key.path': <what is wrong>; <what is allowed or how to fix it>".
struct ScenarioError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The allowed word closest to a misspelled one (edit distance, adjacent transpositions counted once), if close
/// enough to be a likely typo: for "did you mean" in messages about any input file.
std::optional<std::string> closest_word(const std::string& word, const std::vector<std::string>& allowed);

/// One variant of a scenario: an option at a sweep point, with every key resolved.
struct Variant {
  std::string option;        ///< option name, "base" when the scenario declares no options
  std::string sweep_point;   ///< "platform.operators=2, police.units=3", or "" without a sweep
  std::string label;         ///< option and sweep point together ("2 operators | platform.call_duration=3min")
  Json params;               ///< the whole scenario for this variant: defaults filled, option and sweep
                             ///< values applied, `options` and `sweep` removed
  std::string directory;     ///< the scenario file's directory: files it names (maps) are read from there
};

/// A validated scenario.
///
/// The top level holds the run settings (name, description, model, seed, replications, duration, warmup,
/// record.interval), one section per registered component (with nested sections of its own), `options` (a list of {name, description, set})
/// and `sweep` (a map from key path to a list of values, expanded as a full matrix).
class Scenario {
 public:
  /// Reads and validates a scenario file. `overrides` are "key.path=value" strings (the value is read as
  /// YAML) applied before validation, as `--set` does. Throws ScenarioError naming the file.
  static Scenario load_file(const std::string& path, const Registry& registry,
                            const std::vector<std::string>& overrides = {});
  /// The same from text; `file_name` is used in messages.
  static Scenario load_string(std::string_view yaml, const std::string& file_name, const Registry& registry,
                              const std::vector<std::string>& overrides = {});

  const std::string& file() const { return file_; }
  /// The resolved base scenario (defaults filled, overrides applied; options and sweep kept).
  const Json& resolved() const { return resolved_; }
  /// The resolved scenario as YAML text, to store with results.
  std::string resolved_yaml() const;

  std::string name() const;
  /// The model family named by `model` (its default when left out); "" when the registry has none.
  std::string model() const;
  std::uint64_t seed() const;
  std::uint32_t replications() const;
  Time duration() const;
  Time warmup() const;
  Time record_interval() const;

  /// Every (option, sweep point), options outermost, in the order the file declares them.
  const std::vector<Variant>& variants() const { return variants_; }

 private:
  std::string file_;
  Json resolved_;
  std::vector<Variant> variants_;
};

/// The JSON Schema (draft 7) of scenarios for the registered components.
Json scenario_schema(const Registry& registry);

}  // namespace citytwin::sim
