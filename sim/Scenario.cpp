// Scenario files: YAML read with source positions, validated against the registry's JSON Schema, resolved into variants.
#include "sim/Scenario.hpp"


#include <yaml-cpp/yaml.h>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <sstream>

#include "sim/Distribution.hpp"
#include "sim/Units.hpp"

namespace citytwin::sim {
namespace {

// ---------------------------------------------------------------------------------------------------------
// Key paths

/// A path into a scenario: object keys, and array indices written "[3]".
using Path = std::vector<std::string>;

bool is_index(const std::string& token) { return token.size() >= 2 && token.front() == '[' && token.back() == ']'; }

std::string index_token(std::size_t i) { return "[" + std::to_string(i) + "]"; }

/// "platform.operators", "options[1].set".
std::string path_text(const Path& path) {
  std::string s;
  for (const auto& t : path) {
    if (!s.empty() && !is_index(t)) s += '.';
    s += t;
  }
  return s;
}

bool is_prefix(const Path& prefix, const Path& path) {
  return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

Path split_key_path(const std::string& text) {
  Path path;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = text.find('.', start);
    path.push_back(text.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return path;
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string s;
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? separator : "") + items[i];
  return s;
}

/// The value at `path`, or nullptr when there is none.
const Json* find_at(const Json& doc, const Path& path) {
  const Json* cur = &doc;
  for (const auto& t : path) {
    if (is_index(t)) {
      std::size_t i = std::stoul(t.substr(1, t.size() - 2));
      if (!cur->is_array() || i >= cur->size()) return nullptr;
      cur = &(*cur)[i];
    } else {
      if (!cur->is_object()) return nullptr;
      auto it = cur->find(t);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    }
  }
  return cur;
}

/// Sets the value at a path of object keys, creating (or replacing non-object) parents as needed.
void set_at(Json& doc, const Path& path, const Json& value) {
  if (!doc.is_object()) doc = Json::object();
  Json* cur = &doc;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    Json& next = (*cur)[path[i]];
    if (!next.is_object()) next = Json::object();
    cur = &next;
  }
  (*cur)[path.back()] = value;
}

// ---------------------------------------------------------------------------------------------------------
// Values in messages

/// A value as the user wrote it, in JSON notation, shortened when long.
std::string show(const Json& v) {
  std::string s = v.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

/// A value as written in a sweep point: strings without quotes.
std::string show_plain(const Json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

/// The shortest text that reads back as the same double.
std::string format_number(double x) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(x);
}

/// Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions).
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

/// The allowed word closest to a misspelled one, if close enough to be a likely typo.
std::optional<std::string> closest(const std::string& word, const std::vector<std::string>& allowed) {
  std::size_t limit = word.size() <= 2 ? 1 : std::max<std::size_t>(2, word.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : allowed) {
    std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& allowed) {
  auto match = closest(word, allowed);
  return match ? "; did you mean '" + *match + "'?" : "";
}

/// "unknown key 'operatrs'; did you mean 'operators'? (allowed keys in 'platform': operators, ...)".
std::string unknown_key_message(const std::string& key, const Path& parent, const std::vector<std::string>& allowed) {
  std::string where = parent.empty() ? "at the top level" : "in '" + path_text(parent) + "'";
  auto match = closest(key, allowed);
  std::string list = "allowed keys " + where + ": " + join(allowed, ", ");
  if (match) return "unknown key '" + key + "'; did you mean '" + *match + "'? (" + list + ")";
  return "unknown key '" + key + "'; " + list;
}

// ---------------------------------------------------------------------------------------------------------
// YAML to JSON

/// Where each node of a YAML document was written (0-based, as yaml-cpp marks).
struct SourceMap {
  std::map<Path, YAML::Mark> keys;    ///< position of the key of an object member
  std::map<Path, YAML::Mark> values;  ///< position of each value
  std::map<Path, bool> block;         ///< whether a collection is written in block style (its mark is its first item)
};

/// A problem found while reading the YAML, located by its mark.
struct ReadProblem {
  YAML::Mark mark;
  std::string message;
};

const std::regex& int_pattern() {
  static const std::regex re("^[-+]?[0-9]+$");
  return re;
}

const std::regex& float_pattern() {
  static const std::regex re(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  return re;
}

/// Resolves a plain YAML scalar with the YAML 1.2 core schema: null, booleans, integers, floats, else text.
/// Infinities and NaN stay text, as JSON cannot hold them.
Json resolve_plain(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  std::string_view body = s;
  bool plus = body.front() == '+';
  if (plus) body.remove_prefix(1);
  if (std::regex_match(s, int_pattern())) {
    std::int64_t i = 0;
    auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), i);
    if (ec == std::errc() && end == body.data() + body.size()) return i;
    std::uint64_t u = 0;
    auto [uend, uec] = std::from_chars(body.data(), body.data() + body.size(), u);
    if (uec == std::errc() && uend == body.data() + body.size()) return u;
  }
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
    std::uint64_t u = 0;
    auto [end, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), u, s[1] == 'o' ? 8 : 16);
    if (ec == std::errc() && end == s.data() + s.size()) {
      if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return static_cast<std::int64_t>(u);
      return u;
    }
  }
  if (std::regex_match(s, float_pattern())) {
    double x = 0;
    auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), x, std::chars_format::general);
    if (ec == std::errc() && end == body.data() + body.size() && std::isfinite(x)) return x;
  }
  return s;
}

/// Converts a YAML node to JSON, recording where each node was written when `map` is given.
Json to_json(const YAML::Node& node, Path& path, SourceMap* map, std::vector<ReadProblem>& problems) {
  if (map) map->values[path] = node.Mark();
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return node.Scalar();
      return resolve_plain(node.Scalar());
    case YAML::NodeType::Sequence: {
      if (map) map->block[path] = node.Style() != YAML::EmitterStyle::Flow;
      Json array = Json::array();
      std::size_t i = 0;
      for (const auto& item : node) {
        path.push_back(index_token(i++));
        array.push_back(to_json(item, path, map, problems));
        path.pop_back();
      }
      return array;
    }
    case YAML::NodeType::Map: {
      if (map) map->block[path] = node.Style() != YAML::EmitterStyle::Flow;
      Json object = Json::object();
      std::map<std::string, YAML::Mark> seen;
      for (const auto& member : node) {
        if (!member.first.IsScalar()) {
          problems.push_back({member.first.Mark(), "keys must be plain words, not lists or maps; write 'key: value'"});
          continue;
        }
        const std::string& key = member.first.Scalar();
        if (auto it = seen.find(key); it != seen.end()) {
          std::string where = path.empty() ? "" : "at '" + path_text(path) + "': ";
          problems.push_back({member.first.Mark(), where + "duplicate key '" + key + "', already written at line " +
                                                       std::to_string(it->second.line + 1) + "; keep only one"});
          continue;
        }
        seen.emplace(key, member.first.Mark());
        path.push_back(key);
        if (map) map->keys[path] = member.first.Mark();
        object[key] = to_json(member.second, path, map, problems);
        path.pop_back();
      }
      return object;
    }
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------------------
// JSON to YAML

bool is_scalar(const Json& v) { return !v.is_object() && !v.is_array(); }

/// Whether an array reads best on one line: scalars, or lists of scalars such as points.
bool is_flat(const Json& v) {
  for (const auto& item : v) {
    if (item.is_object()) return false;
    if (item.is_array() && !std::all_of(item.begin(), item.end(), is_scalar)) return false;
  }
  return true;
}

void emit(YAML::Emitter& out, const Json& v) {
  switch (v.type()) {
    case Json::value_t::object:
      if (v.empty()) out << YAML::Flow;
      out << YAML::BeginMap;
      for (const auto& [key, value] : v.items()) {
        out << YAML::Key << key << YAML::Value;
        emit(out, value);
      }
      out << YAML::EndMap;
      break;
    case Json::value_t::array:
      if (is_flat(v)) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& item : v) emit(out, item);
      out << YAML::EndSeq;
      break;
    case Json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      // Text that would read back as a number, boolean or null is quoted.
      if (!resolve_plain(s).is_string()) out << YAML::DoubleQuoted;
      out << s;
      break;
    }
    case Json::value_t::boolean: out << v.get<bool>(); break;
    case Json::value_t::number_integer: out << v.get<std::int64_t>(); break;
    case Json::value_t::number_unsigned: out << v.get<std::uint64_t>(); break;
    case Json::value_t::number_float: {
      std::string s = format_number(v.get<double>());
      if (s.find_first_of(".eE") == std::string::npos) s += ".0";
      out << s;
      break;
    }
    default: out << YAML::Null; break;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The run settings, described like component parameters

ParamSpec make_spec(std::string name, ParamType type, Json default_value, std::string description) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = type;
  p.default_value = std::move(default_value);
  p.description = std::move(description);
  return p;
}

/// The top-level settings other than `record`, `options` and `sweep`, in the order a resolved scenario lists them.
const std::vector<ParamSpec>& run_settings() {
  static const std::vector<ParamSpec> settings = [] {
    std::vector<ParamSpec> s;
    s.push_back(make_spec("name", ParamType::STRING, nullptr, "Name of the scenario; by default the file name."));
    s.push_back(make_spec("description", ParamType::STRING, nullptr, "What the scenario studies."));
    s.push_back(make_spec("seed", ParamType::INTEGER, 1, "Seed of all random streams; the same seed repeats a run."));
    s.back().minimum = 0;
    s.push_back(make_spec("replications", ParamType::INTEGER, 10, "Independent runs of each variant."));
    s.back().minimum = 1;
    s.back().maximum = 1000000;
    s.push_back(make_spec("duration", ParamType::DURATION, nullptr, "Simulated time of each run."));
    s.back().unit = "s";
    s.push_back(make_spec("warmup", ParamType::DURATION, "0s", "Initial time excluded from statistics."));
    s.back().unit = "s";
    return s;
  }();
  return settings;
}

const ParamSpec& record_interval_spec() {
  static const ParamSpec spec = [] {
    ParamSpec p = make_spec("interval", ParamType::DURATION, "15min", "Time between recorded samples.");
    p.unit = "s";
    return p;
  }();
  return spec;
}

/// The `model` key when model families are registered: one of their names, the first by default.
std::optional<ParamSpec> model_setting(const Registry& registry) {
  if (registry.models().empty()) return std::nullopt;
  std::vector<std::string> names;
  std::string text = "The model family to run:";
  for (const auto& m : registry.models()) {
    names.push_back(m.name);
    text += " " + m.name + " (" + m.description + ")" + (names.size() < registry.models().size() ? ";" : ".");
  }
  ParamSpec p = make_spec("model", ParamType::CHOICE, names.front(), text);
  p.choices = names;
  return p;
}

const ParamSpec* find_setting(const std::string& name) {
  for (const auto& p : run_settings())
    if (p.name == name) return &p;
  return nullptr;
}

const std::vector<std::string>& distribution_kinds() {
  static const std::vector<std::string> kinds = {"constant", "exponential", "uniform", "lognormal",
                                                 "gamma",    "erlang",      "normal",  "triangular"};
  return kinds;
}

const std::vector<std::string>& distribution_fields() {
  static const std::vector<std::string> fields = {"dist", "mean",  "value", "min",   "max", "mode",
                                                  "median", "sigma", "sd",  "shape", "k"};
  return fields;
}

// ---------------------------------------------------------------------------------------------------------
// Schema

constexpr const char* NUMBER_RE = R"([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?)";

std::string unit_pattern(const std::string& units) {
  return std::string("^ *[+]?(") + NUMBER_RE + " *(" + units + ") *$";
}

Json quantity_schema(const std::string& units) {
  return {{"anyOf", Json::array({{{"type", "number"}, {"minimum", 0}},
                                 {{"type", "string"}, {"pattern", unit_pattern(units)}}})}};
}

Json duration_schema() { return quantity_schema("us|ms|s|min|h|d|w"); }
Json distance_schema() { return quantity_schema("m|km"); }

Json point_schema() {
  return {{"type", "array"}, {"items", distance_schema()}, {"minItems", 2}, {"maxItems", 2}};
}

Json param_schema(const ParamSpec& p);

/// The schema of a map of parameters (a component, or a nested section).
Json section_schema(const std::vector<ParamSpec>& specs, const std::string& description) {
  Json params = Json::object();
  Json needed = Json::array();
  for (const auto& p : specs) {
    params[p.name] = param_schema(p);
    if (p.default_value.is_null() && p.type != ParamType::SECTION) needed.push_back(p.name);
  }
  Json out = {{"type", "object"}, {"description", description}, {"additionalProperties", false},
              {"properties", params}};
  if (!needed.empty()) out["required"] = needed;
  return out;
}

Json param_schema(const ParamSpec& p) {
  Json s = Json::object();
  switch (p.type) {
    case ParamType::NUMBER:
    case ParamType::INTEGER:
      s["type"] = p.type == ParamType::NUMBER ? "number" : "integer";
      if (p.minimum) s["minimum"] = *p.minimum;
      if (p.maximum) s["maximum"] = *p.maximum;
      break;
    case ParamType::BOOLEAN: s["type"] = "boolean"; break;
    case ParamType::STRING: s["type"] = "string"; break;
    case ParamType::CHOICE: s["enum"] = p.choices; break;
    case ParamType::DURATION: s = duration_schema(); break;
    case ParamType::DISTANCE: s = distance_schema(); break;
    case ParamType::SPEED: s = quantity_schema("m/s|km/h"); break;
    case ParamType::RATE: s = quantity_schema(" */ *(s|min|h|d|day|w|week|y|year)"); break;
    case ParamType::DISTRIBUTION: {
      Json field = {{"anyOf", Json::array({{{"type", "number"}, {"minimum", 0}},
                                           {{"type", "string"}, {"pattern", unit_pattern("us|ms|s|min|h|d|w")}}})}};
      Json properties = {{"dist", {{"enum", distribution_kinds()}}}};
      for (const auto& f : distribution_fields())
        if (f != "dist") properties[f] = field;
      Json object = {{"type", "object"}, {"required", {"dist"}}, {"additionalProperties", false},
                     {"properties", properties}};
      s = {{"anyOf", Json::array({duration_schema(), object})}};
      break;
    }
    case ParamType::PROFILE:
      s = {{"type", "array"}, {"items", {{"type", "number"}, {"minimum", 0}}}, {"minItems", std::max<std::size_t>(p.length, 1)}};
      if (p.length) s["maxItems"] = p.length;
      break;
    case ParamType::POINT: s = point_schema(); break;
    case ParamType::POINT_LIST: s = {{"type", "array"}, {"items", point_schema()}}; break;
    case ParamType::SECTION: s = section_schema(p.children, ""); break;
  }
  s["description"] = p.description + (p.unit.empty() ? "" : " Unit: " + p.unit + ".");
  if (!p.default_value.is_null()) s["default"] = p.default_value;
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Checking a scenario document

/// One problem in a scenario document.
struct Issue {
  Path path;            ///< where it is: located in the file
  Path shown;           ///< the key path named in the message ("" for the top level)
  std::string message;  ///< what is wrong and how to fix it
  bool at_key = false;  ///< point at the key rather than the value
};

/// How a key path written in `options`, `sweep` or `--set` may be used.
enum class KeyUse { VARIANT, OVERRIDE };

std::string nominal_unit(ParamType type) {
  switch (type) {
    case ParamType::DURATION: return "s";
    case ParamType::DISTANCE: return "m";
    case ParamType::SPEED: return "m/s";
    case ParamType::RATE: return "/s";
    default: return "";
  }
}

/// Checks documents against the schema of a registry and the parameter specs behind it.
class Checker {
 public:
  explicit Checker(const Registry& registry)
      : registry_(registry), model_spec_(model_setting(registry)), schema_json_(scenario_schema(registry)) {
    nlohmann::json plain = nlohmann::json::parse(schema_json_.dump());
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(plain);
    parser.populateSchema(adapter, schema_);
  }

  /// All problems of one document, with messages built from the parameter specs.
  std::vector<Issue> check(const Json& doc) const {
    std::vector<Issue> issues;
    if (!doc.is_object()) {
      issues.push_back({{}, {}, "a scenario is a map of keys (duration, seed, one section per component), got " + show(doc)});
      return issues;
    }

    // Parameter values, with messages from their specs.
    std::vector<Path> reported_params;
    for_each_param(doc, [&](const ParamSpec& spec, const Path& path, const Json& value) {
      std::size_t before = issues.size();
      check_value(spec, value, path, issues);
      if (issues.size() > before) reported_params.push_back(path);
    });

    // The schema's verdict, for everything the parameter checks did not already explain.
    std::vector<Issue> structure;
    for (const auto& [path, description] : schema_errors(doc)) {
      auto param = param_root(path);
      if (param && std::find(reported_params.begin(), reported_params.end(), param->second) != reported_params.end())
        continue;
      if (param) {
        const Json* v = find_at(doc, param->second);
        structure.push_back({param->second, param->second,
                             "expected " + describe_type(*param->first) + ", got " + (v ? show(*v) : "nothing")});
        continue;
      }
      static const std::string unknown = "Object contains a property that could not be validated";
      static const std::string missing = "Missing required property '";
      if (description.rfind(unknown, 0) == 0) {
        std::size_t close = description.rfind('\'');
        std::size_t open = description.rfind('\'', close - 1);
        std::string key = description.substr(open + 1, close - open - 1);
        Path at = path;
        at.push_back(key);
        issues.push_back({at, path, unknown_key_message(key, path, allowed_keys(path)), true});
      } else if (description.rfind(missing, 0) == 0) {
        std::string key = description.substr(missing.size(), description.find('\'', missing.size()) - missing.size());
        Path child = path;
        child.push_back(key);
        std::string where = path.empty() ? " at the top level" : "";
        issues.push_back({path, path, "missing required key '" + key + "'; add it" + where + " (expected: " +
                                          expectation(child) + ")"});
      } else {
        const Json* v = find_at(doc, path);
        structure.push_back({path, path, "expected " + expectation(path) + ", got " + (v ? show(*v) : "nothing")});
      }
    }

    // A wrong structure is reported where it is deepest: its parents only fail because of it.
    for (const auto& s : structure) {
      bool explained = false;
      for (const auto& other : issues) explained = explained || is_prefix(s.path, other.path);
      for (const auto& other : structure)
        explained = explained || (other.path.size() > s.path.size() && is_prefix(s.path, other.path));
      bool duplicate = false;
      for (const auto& other : issues) duplicate = duplicate || (other.path == s.path && other.message == s.message);
      if (!explained && !duplicate) issues.push_back(s);
    }

    // Sections the chosen model does not read.
    if (doc.contains("model") && doc["model"].is_string())
      if (const ModelSpec* model = registry_.find_model(doc["model"].get<std::string>()))
        for (const auto& c : registry_.components()) {
          if (!doc.contains(c.name) ||
              std::find(model->sections.begin(), model->sections.end(), c.name) != model->sections.end())
            continue;
          std::vector<std::string> users;
          for (const auto& m : registry_.models())
            if (std::find(m.sections.begin(), m.sections.end(), c.name) != m.sections.end()) users.push_back(m.name);
          std::string fix = users.empty() ? "remove it"
                                          : "remove it, or choose a model that reads it (model: " + join(users, " or ") + ")";
          issues.push_back({{c.name}, {c.name}, "the model '" + model->name + "' does not read this section (it reads " +
                                                    join(model->sections, ", ") + "); " + fix, true});
        }
    return issues;
  }

  /// Whether `warmup` is shorter than `duration`; the problem otherwise.
  static std::optional<Issue> check_timing(const Json& doc) {
    if (!doc.is_object() || !doc.contains("warmup") || !doc.contains("duration")) return std::nullopt;
    try {
      Time warmup = units::duration(doc["warmup"]);
      Time duration = units::duration(doc["duration"]);
      if (duration.count_us() == 0)
        return Issue{{"duration"}, {"duration"}, "the duration is zero; a run needs a duration above zero, e.g. \"1d\""};
      if (warmup < duration) return std::nullopt;
      return Issue{{"warmup"}, {"warmup"}, "the warmup " + show(doc["warmup"]) + " is not shorter than the duration " +
                                               show(doc["duration"]) + "; make the warmup shorter than the duration"};
    } catch (const units::UnitError&) {
      return std::nullopt;  // reported by check()
    }
  }

  /// What is wrong with a key path written in `options`, `sweep` or `--set`, or nothing when it is usable.
  std::optional<std::string> key_path_problem(const Path& path, KeyUse use) const {
    for (const auto& t : path)
      if (t.empty()) return "'" + join(path, ".") + "' is not a key path; write keys separated by dots, e.g. 'section.key'";
    const std::string& top = path.front();
    std::vector<std::string> top_keys = allowed_keys({});
    if (std::find(top_keys.begin(), top_keys.end(), top) == top_keys.end())
      return unknown_key_message(top, {}, top_keys);
    std::string text = join(path, ".");
    if (const ComponentSpec* c = registry_.find(top)) {
      if (path.size() == 1) {
        if (use == KeyUse::OVERRIDE) return std::nullopt;
        return "'" + top + "' is a section; name one of its parameters, e.g. '" + top + "." +
               (c->params.empty() ? std::string("key") : c->params.front().name) + "'";
      }
      // Down through nested sections to a parameter, or to a whole nested section.
      const std::vector<ParamSpec>* level = &c->params;
      Path parent{top};
      for (std::size_t i = 1; i < path.size(); ++i) {
        const ParamSpec* p = find_child(*level, path[i]);
        if (!p) return unknown_key_message(path[i], parent, names_of(*level));
        parent.push_back(path[i]);
        if (p->type != ParamType::SECTION) {
          if (i + 1 < path.size()) return "'" + join(parent, ".") + "' is a parameter; set its whole value, not a part";
          return std::nullopt;
        }
        level = &p->children;
      }
      return std::nullopt;
    }
    if (top == "record") {
      if (path.size() == 1) return use == KeyUse::OVERRIDE ? std::nullopt
                                                           : std::optional<std::string>("name 'record.interval'");
      if (path[1] != "interval") return unknown_key_message(path[1], {"record"}, {"interval"});
      if (path.size() > 2) return "'record.interval' is a duration; set its whole value";
      return std::nullopt;
    }
    if (top == "sweep" && use == KeyUse::OVERRIDE) return std::nullopt;
    if (use == KeyUse::VARIANT && top != "duration" && top != "warmup")
      return "'" + top + "' cannot differ between variants; set it at the top level";
    if (path.size() > 1) return "'" + top + "' has no keys below it; write '" + top + "' alone";
    return std::nullopt;
  }

  /// The keys an object at `path` may hold.
  std::vector<std::string> allowed_keys(const Path& path) const {
    std::vector<std::string> keys;
    if (path.empty()) {
      for (const auto& p : run_settings()) keys.push_back(p.name);
      if (model_spec_) keys.push_back("model");
      for (const char* k : {"record", "options", "sweep"}) keys.push_back(k);
      for (const auto& c : registry_.components()) keys.push_back(c.name);
    } else if (path == Path{"record"}) {
      keys.push_back("interval");
    } else if (path.size() == 2 && path[0] == "options") {
      keys = {"name", "description", "set"};
    } else if (const std::vector<ParamSpec>* specs = section_at(path)) {
      keys = names_of(*specs);
    }
    return keys;
  }

  /// The parameters of the component or nested section at `path`, or nullptr when it is neither.
  const std::vector<ParamSpec>* section_at(const Path& path) const {
    if (path.empty()) return nullptr;
    const ComponentSpec* c = registry_.find(path[0]);
    if (!c) return nullptr;
    const std::vector<ParamSpec>* level = &c->params;
    for (std::size_t i = 1; i < path.size(); ++i) {
      const ParamSpec* p = find_child(*level, path[i]);
      if (!p || p->type != ParamType::SECTION) return nullptr;
      level = &p->children;
    }
    return level;
  }

  static std::vector<std::string> names_of(const std::vector<ParamSpec>& specs) {
    std::vector<std::string> names;
    for (const auto& p : specs) names.push_back(p.name);
    return names;
  }

  /// Calls `f(spec, path, value)` for each parameter written in the document, run settings included.
  template <typename F>
  void for_each_param(const Json& doc, F&& f) const {
    for (const auto& p : run_settings())
      if (doc.contains(p.name)) f(p, Path{p.name}, doc[p.name]);
    if (model_spec_ && doc.contains("model")) f(*model_spec_, Path{"model"}, doc["model"]);
    if (doc.contains("record") && doc["record"].is_object() && doc["record"].contains("interval"))
      f(record_interval_spec(), Path{"record", "interval"}, doc["record"]["interval"]);
    for (const auto& c : registry_.components()) {
      if (!doc.contains(c.name) || !doc[c.name].is_object()) continue;
      Path path{c.name};
      visit_params(c.params, doc[c.name], path, f);
    }
  }

  /// Calls `f` for each leaf parameter written in `object`, descending into nested sections.
  template <typename F>
  static void visit_params(const std::vector<ParamSpec>& specs, const Json& object, Path& path, F& f) {
    for (const auto& p : specs) {
      if (!object.contains(p.name)) continue;
      path.push_back(p.name);
      if (p.type != ParamType::SECTION)
        f(p, path, object[p.name]);
      else if (object[p.name].is_object())
        visit_params(p.children, object[p.name], path, f);
      path.pop_back();
    }
  }

 private:
  /// The parameter at or above `path` (its spec and path), if any.
  /// A nested section is not a parameter: what is wrong inside it is about its keys.
  std::optional<std::pair<const ParamSpec*, Path>> param_root(const Path& path) const {
    if (path.empty()) return std::nullopt;
    if (const ParamSpec* s = find_setting(path[0])) return std::make_pair(s, Path{path[0]});
    if (model_spec_ && path[0] == "model") return std::make_pair(&*model_spec_, Path{"model"});
    if (path.size() >= 2 && path[0] == "record" && path[1] == "interval")
      return std::make_pair(&record_interval_spec(), Path{"record", "interval"});
    const ComponentSpec* c = registry_.find(path[0]);
    if (!c) return std::nullopt;
    const std::vector<ParamSpec>* level = &c->params;
    for (std::size_t i = 1; i < path.size(); ++i) {
      const ParamSpec* p = find_child(*level, path[i]);
      if (!p) return std::nullopt;
      if (p->type != ParamType::SECTION) return std::make_pair(p, Path(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(i + 1)));
      level = &p->children;
    }
    return std::nullopt;
  }

  /// What belongs at a path that is not a parameter, for messages.
  std::string expectation(const Path& path) const {
    if (auto root = param_root(path); root && root->second.size() == path.size()) return describe_type(*root->first);
    if (path.empty()) return "a map of keys";
    if (path == Path{"record"}) return "a map with the key 'interval', e.g. {interval: 15min}";
    if (path == Path{"options"}) return "a list of options, each {name: ..., description: ..., set: {key.path: value}}";
    if (path == Path{"sweep"}) return "a map from key path to a list of values, e.g. {section.key: [1, 2, 3]}";
    if (path.size() == 2 && path[0] == "sweep") return "a non-empty list of values, e.g. [1, 2, 3]";
    if (path.size() == 2 && path[0] == "options") return "an option {name: ..., description: ..., set: {key.path: value}}";
    if (path.size() == 3 && path[0] == "options" && (path[2] == "name" || path[2] == "description")) return "text";
    if (path.size() == 3 && path[0] == "options" && path[2] == "set")
      return "a map from key path to value, e.g. {section.key: 3}";
    if (section_at(path))
      return "a map of the parameters of '" + path_text(path) + "' (" + join(allowed_keys(path), ", ") + ")";
    return "a valid value";
  }

  /// The schema's errors as (path, valijson's description).
  std::vector<std::pair<Path, std::string>> schema_errors(const Json& doc) const {
    nlohmann::json plain = nlohmann::json::parse(doc.dump());
    valijson::adapters::NlohmannJsonAdapter adapter(plain);
    valijson::Validator validator;
    valijson::ValidationResults results;
    std::vector<std::pair<Path, std::string>> errors;
    if (validator.validate(schema_, adapter, &results)) return errors;
    valijson::ValidationResults::Error e;
    while (results.popError(e)) {
      // The context reads ["<root>", "[platform]", "[0]"]; brackets hold a key or, inside a list, an index.
      Path path;
      const Json* cur = &doc;
      for (std::size_t i = 1; i < e.context.size(); ++i) {
        const std::string& t = e.context[i];
        std::string inner = t.size() >= 2 ? t.substr(1, t.size() - 2) : t;
        if (cur && cur->is_array()) {
          path.push_back(t);
          std::size_t k = std::stoul(inner);
          cur = k < cur->size() ? &(*cur)[k] : nullptr;
        } else {
          path.push_back(inner);
          cur = cur && cur->is_object() && cur->contains(inner) ? &(*cur)[inner] : nullptr;
        }
      }
      errors.emplace_back(std::move(path), e.description);
    }
    return errors;
  }

  /// Problems with one parameter value, from its spec.
  static void check_value(const ParamSpec& p, const Json& v, const Path& path, std::vector<Issue>& out) {
    auto bad = [&](const Path& at, std::string message) { out.push_back({at, at, std::move(message)}); };
    auto expected = [&]() { return "expected " + describe_type(p) + ", got " + show(v); };
    auto unit_check = [&](double (*parse)(const Json&)) {
      try {
        check_bounds(p, v, parse(v), path, out);
      } catch (const units::UnitError& e) {
        bad(path, e.what());
      }
    };
    switch (p.type) {
      case ParamType::NUMBER:
        if (!v.is_number()) return bad(path, expected());
        return check_bounds(p, v, v.get<double>(), path, out);
      case ParamType::INTEGER:
        if (!v.is_number_integer()) return bad(path, expected());
        return check_bounds(p, v, v.get<double>(), path, out);
      case ParamType::BOOLEAN:
        if (!v.is_boolean()) bad(path, expected());
        return;
      case ParamType::STRING:
        if (!v.is_string()) bad(path, expected());
        return;
      case ParamType::CHOICE:
        if (!v.is_string() || std::find(p.choices.begin(), p.choices.end(), v.get<std::string>()) == p.choices.end())
          bad(path, expected() + (v.is_string() ? did_you_mean(v.get<std::string>(), p.choices) : ""));
        return;
      case ParamType::DURATION:
        return unit_check([](const Json& x) { return units::duration(x).to_seconds(); });
      case ParamType::DISTANCE: return unit_check(&units::distance_m);
      case ParamType::SPEED: return unit_check(&units::speed_m_per_s);
      case ParamType::RATE: return unit_check(&units::rate_per_s);
      case ParamType::DISTRIBUTION:
        if (v.is_object()) return check_distribution(v, path, out);
        if (!v.is_number() && !v.is_string()) return bad(path, expected());
        try {
          units::duration(v);
        } catch (const units::UnitError& e) {
          bad(path, std::string(e.what()) + "; or write a distribution such as {dist: exponential, mean: 4min}");
        }
        return;
      case ParamType::PROFILE:
        if (!v.is_array()) return bad(path, expected());
        for (std::size_t i = 0; i < v.size(); ++i)
          if (!v[i].is_number() || v[i].get<double>() < 0) {
            Path at = path;
            at.push_back(index_token(i));
            bad(at, "expected a number, zero or more, got " + show(v[i]));
          }
        if (p.length && v.size() != p.length)
          bad(path, "got a list of " + std::to_string(v.size()) + " values; expected " + describe_type(p));
        else if (v.empty())
          bad(path, "got an empty list; expected " + describe_type(p));
        return;
      case ParamType::POINT: return check_point(v, path, out);
      case ParamType::SECTION: return;  // its parameters are checked one by one
      case ParamType::POINT_LIST:
        if (!v.is_array()) return bad(path, expected());
        for (std::size_t i = 0; i < v.size(); ++i) {
          Path at = path;
          at.push_back(index_token(i));
          check_point(v[i], at, out);
        }
        return;
    }
  }

  /// Compares a value, converted to SI units, with the spec's bounds.
  static void check_bounds(const ParamSpec& p, const Json& v, double si, const Path& path, std::vector<Issue>& out) {
    std::string unit = nominal_unit(p.type);
    if (unit.empty() && !p.unit.empty()) unit = " " + p.unit;
    if (p.minimum && si < *p.minimum)
      out.push_back({path, path, show(v) + " is too small; it must be at least " + format_number(*p.minimum) + unit});
    if (p.maximum && si > *p.maximum)
      out.push_back({path, path, show(v) + " is too large; it must be at most " + format_number(*p.maximum) + unit});
  }

  static void check_point(const Json& v, const Path& path, std::vector<Issue>& out) {
    if (!v.is_array() || v.size() != 2) {
      out.push_back({path, path, "expected a point [x, y] of two distances (e.g. [\"1.2km\", \"300m\"]), got " + show(v)});
      return;
    }
    for (std::size_t i = 0; i < 2; ++i) {
      try {
        units::distance_m(v[i]);
      } catch (const units::UnitError& e) {
        Path at = path;
        at.push_back(index_token(i));
        out.push_back({at, at, e.what()});
      }
    }
  }

  static void check_distribution(const Json& v, const Path& path, std::vector<Issue>& out) {
    std::size_t before = out.size();
    check_distribution_fields(v, path, out);
    if (out.size() != before) return;
    // The fields are well formed: check that they make this distribution (needed fields, order of bounds).
    try {
      Distribution::parse(v);
    } catch (const units::UnitError& e) {
      out.push_back({path, path, e.what()});
    }
  }

  static void check_distribution_fields(const Json& v, const Path& path, std::vector<Issue>& out) {
    const auto& kinds = distribution_kinds();
    const auto& fields = distribution_fields();
    if (!v.contains("dist"))
      out.push_back({path, path, "missing required key 'dist'; add it (expected: one of " + join(kinds, ", ") + ")"});
    for (const auto& [key, value] : v.items()) {
      Path at = path;
      at.push_back(key);
      if (std::find(fields.begin(), fields.end(), key) == fields.end()) {
        out.push_back({at, path, unknown_key_message(key, path, fields), true});
      } else if (key == "dist") {
        if (!value.is_string() || std::find(kinds.begin(), kinds.end(), value.get<std::string>()) == kinds.end())
          out.push_back({at, at, "expected one of " + join(kinds, ", ") + ", got " + show(value) +
                                     (value.is_string() ? did_you_mean(value.get<std::string>(), kinds) : "")});
      } else if (value.is_number()) {
        if (value.get<double>() < 0) out.push_back({at, at, show(value) + " is negative; it must be zero or more"});
      } else {
        try {
          units::duration(value);
        } catch (const units::UnitError& e) {
          out.push_back({at, at, value.is_string() ? std::string(e.what())
                                                   : "expected a duration or a number, got " + show(value)});
        }
      }
    }
  }

  const Registry& registry_;
  std::optional<ParamSpec> model_spec_;
  Json schema_json_;
  valijson::Schema schema_;
};

// ---------------------------------------------------------------------------------------------------------
// Defaults

/// Fills the defaults of the run settings and of each component present, and lists the run settings first.
void fill_defaults(Json& doc, const Registry& registry, const std::string& default_name) {
  if (!doc.is_object()) return;
  if (!doc.contains("name") && !default_name.empty()) doc["name"] = default_name;
  for (const auto& p : run_settings())
    if (!doc.contains(p.name) && !p.default_value.is_null()) doc[p.name] = p.default_value;
  std::optional<ParamSpec> model = model_setting(registry);
  if (model && !doc.contains("model")) doc["model"] = model->default_value;
  if (!doc.contains("record")) doc["record"] = Json::object();
  if (doc["record"].is_object() && !doc["record"].contains("interval"))
    doc["record"]["interval"] = record_interval_spec().default_value;
  for (const auto& c : registry.components())
    if (doc.contains(c.name) && doc[c.name].is_object()) doc[c.name] = with_defaults(doc[c.name], c.params);

  // Run settings first, then the rest as written.
  Json ordered = Json::object();
  for (const auto& p : run_settings())
    if (doc.contains(p.name)) ordered[p.name] = doc[p.name];
  if (doc.contains("model")) ordered["model"] = doc["model"];
  ordered["record"] = doc["record"];
  for (const auto& [key, value] : doc.items())
    if (!ordered.contains(key)) ordered[key] = value;
  doc = std::move(ordered);
}

// ---------------------------------------------------------------------------------------------------------
// Loading

/// Where a problem is reported: a file position, or a --set argument.
struct Location {
  std::size_t rank = 0;  ///< 0 for the file, 1 + i for the i-th --set
  long line = -1;        ///< 0-based; -1 when unknown
  long column = -1;
  std::string text;      ///< "FILE:LINE:COLUMN" or "--set key=value"
};

/// A value set by --set: where it went and how it was written.
struct Override {
  Path path;
  Location location;
};

/// A key path written in an option's `set` or in `sweep`, with where its value is written.
struct Assignment {
  Path path;
  Json value;
  Path source;  ///< path of the written value in the scenario
};

struct Option {
  std::string name;
  std::vector<Assignment> set;
};

/// One scenario being loaded: the document, where each part came from, and the problems found.
class Loader {
 public:
  Loader(const std::string& file, const Registry& registry) : file_(file), registry_(registry), checker_(registry) {}

  void read(std::string_view yaml) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(yaml));
    } catch (const YAML::ParserException& e) {
      throw ScenarioError(file_location(e.mark).text + ": error: YAML syntax: " + e.msg);
    } catch (const YAML::Exception& e) {
      throw ScenarioError(file_location(e.mark).text + ": error: YAML: " + e.msg);
    }
    Path path;
    std::vector<ReadProblem> problems;
    base_ = to_json(root, path, &source_, problems);
    if (base_.is_null()) base_ = Json::object();
    for (const auto& p : problems) report_at(file_location(p.mark), p.message);
  }

  void apply_overrides(const std::vector<std::string>& overrides) {
    for (std::size_t i = 0; i < overrides.size(); ++i) {
      const std::string& text = overrides[i];
      Location where{1 + i, -1, -1, "--set " + text};
      std::size_t eq = text.find('=');
      if (eq == std::string::npos) {
        report_at(where, "missing '='; write it as --set key.path=value, e.g. --set duration=2d");
        continue;
      }
      std::string key = text.substr(0, eq);
      while (!key.empty() && key.back() == ' ') key.pop_back();
      while (!key.empty() && key.front() == ' ') key.erase(0, 1);
      Path key_path = split_key_path(key);
      if (auto problem = checker_.key_path_problem(key_path, KeyUse::OVERRIDE)) {
        report_at(where, *problem + "; write it as --set key.path=value");
        continue;
      }
      Json value;
      try {
        Path value_path;
        std::vector<ReadProblem> problems;
        value = to_json(YAML::Load(text.substr(eq + 1)), value_path, nullptr, problems);
        if (!problems.empty()) {
          report_at(where, problems.front().message);
          continue;
        }
      } catch (const YAML::Exception& e) {
        report_at(where, "the value is not valid YAML (" + e.msg + "); quote it, or write a list as [100, 200]");
        continue;
      }
      if (key_path.front() == "sweep" && key_path.size() > 1)
        key_path = {"sweep", join(Path(key_path.begin() + 1, key_path.end()), ".")};
      set_at(base_, key_path, value);
      overrides_.push_back({key_path, where});
    }
  }

  Json resolve() {
    fill_defaults(base_, registry_, std::filesystem::path(file_).stem().string());
    for (const auto& issue : checker_.check(base_)) report(issue);
    bool timing_ok = true;
    if (auto issue = Checker::check_timing(base_)) {
      report(*issue);
      timing_ok = false;
    }
    read_options();
    read_sweep();
    throw_if_errors();
    build_variants(timing_ok);
    throw_if_errors();
    return base_;
  }

  std::vector<Variant> take_variants() { return std::move(variants_); }

 private:
  // ----- Options and sweep

  /// The base without `options` and `sweep`: the starting point of every variant.
  Json variant_base() const {
    Json doc = base_;
    doc.erase("options");
    doc.erase("sweep");
    return doc;
  }

  /// Reads one `set` or `sweep` key path; reports it when it addresses nothing.
  std::optional<Path> read_key_path(const std::string& key, const Path& source) {
    Path key_path = split_key_path(key);
    if (auto problem = checker_.key_path_problem(key_path, KeyUse::VARIANT)) {
      Path parent(source.begin(), source.end() - 1);
      report({source, parent, "key path '" + key + "': " + *problem, true});
      return std::nullopt;
    }
    return key_path;
  }

  /// Validates the base with some assignments applied, reporting problems where the assignments are written.
  void check_assignments(const std::vector<Assignment>& set, const std::string& note) {
    if (set.empty()) return;
    Json doc = variant_base();
    for (const auto& a : set) set_at(doc, a.path, a.value);
    fill_defaults(doc, registry_, "");
    for (auto issue : checker_.check(doc)) {
      for (const auto& a : set) {
        if (is_prefix(a.path, issue.path)) {
          Path at = a.source;
          at.insert(at.end(), issue.path.begin() + static_cast<std::ptrdiff_t>(a.path.size()), issue.path.end());
          issue.path = at;
        } else if (is_prefix(issue.path, a.path)) {
          issue.path = a.source;
          issue.at_key = false;
        } else {
          continue;
        }
        report(issue, note);
        break;
      }
    }
  }

  void read_options() {
    if (!base_.contains("options") || !base_["options"].is_array()) return;
    const Json& list = base_["options"];
    std::map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Json& o = list[i];
      Path at{"options", index_token(i)};
      if (!o.is_object() || !o.contains("name") || !o["name"].is_string()) continue;
      Option option{o["name"].get<std::string>(), {}};
      Path name_path = at;
      name_path.push_back("name");
      if (auto it = first.find(option.name); it != first.end()) {
        Path other{"options", index_token(it->second), "name"};
        report({name_path, name_path,
             "duplicate option name '" + option.name + "', already used at " + locate(other, false).text +
                 "; give each option its own name"});
      } else {
        first.emplace(option.name, i);
      }
      if (o.contains("set") && o["set"].is_object()) {
        for (const auto& [key, value] : o["set"].items()) {
          Path source = at;
          source.push_back("set");
          source.push_back(key);
          if (auto key_path = read_key_path(key, source)) option.set.push_back({*key_path, value, source});
        }
      }
      check_assignments(option.set, " (set by option '" + option.name + "')");
      options_.push_back(std::move(option));
    }
  }

  void read_sweep() {
    if (!base_.contains("sweep") || !base_["sweep"].is_object()) return;
    for (const auto& [key, values] : base_["sweep"].items()) {
      Path source{"sweep", key};
      auto key_path = read_key_path(key, source);
      if (!key_path || !values.is_array() || values.empty()) {
        sweep_ok_ = false;
        continue;
      }
      for (std::size_t j = 0; j < values.size(); ++j) {
        Path at = source;
        at.push_back(index_token(j));
        check_assignments({{*key_path, values[j], at}}, " (sweep value " + show_plain(values[j]) + ")");
      }
      sweep_.push_back({*key_path, values, source});
    }
  }

  void build_variants(bool check_timing) {
    if (!sweep_ok_) return;
    constexpr std::size_t MAX_VARIANTS = 100000;
    std::size_t points = 1;
    for (const auto& s : sweep_) {
      points *= s.value.size();
      if (points > MAX_VARIANTS) {
        report({{"sweep"}, {"sweep"}, "the sweep makes more than " + std::to_string(MAX_VARIANTS) +
                                       " points; sweep fewer keys or fewer values", true});
        return;
      }
    }
    std::vector<Option> options = options_;
    if (options.empty()) options.push_back({"base", {}});
    std::map<std::string, bool> reported;
    for (const auto& option : options) {
      std::vector<std::size_t> index(sweep_.size(), 0);
      for (std::size_t n = 0; n < points; ++n) {
        // The last sweep key varies fastest.
        std::vector<Assignment> applied = option.set;
        std::vector<std::string> point;
        for (std::size_t k = 0; k < sweep_.size(); ++k) {
          const Json& value = sweep_[k].value[index[k]];
          Path source = sweep_[k].source;
          source.push_back(index_token(index[k]));
          applied.push_back({sweep_[k].path, value, source});
          point.push_back(path_text(sweep_[k].path) + "=" + show_plain(value));
        }
        Variant v;
        v.option = option.name;
        v.sweep_point = join(point, ", ");
        v.label = v.sweep_point.empty() ? v.option : v.option + " | " + v.sweep_point;
        v.params = variant_base();
        for (const auto& a : applied) set_at(v.params, a.path, a.value);
        fill_defaults(v.params, registry_, "");
        if (check_timing) report_timing(v, applied, reported);
        variants_.push_back(std::move(v));
        for (std::size_t k = sweep_.size(); k-- > 0;) {
          if (++index[k] < sweep_[k].value.size()) break;
          index[k] = 0;
        }
      }
    }
  }

  /// Reports a warmup not shorter than the duration in a variant, at the option or sweep value that set it.
  void report_timing(const Variant& v, const std::vector<Assignment>& applied, std::map<std::string, bool>& reported) {
    auto issue = Checker::check_timing(v.params);
    if (!issue) return;
    for (auto it = applied.rbegin(); it != applied.rend(); ++it) {
      if (it->path != Path{"duration"} && it->path != Path{"warmup"}) continue;
      issue->path = it->source;
      break;
    }
    issue->message += " (in variant '" + v.label + "')";
    std::string key = locate(issue->path, false).text + issue->message;
    if (reported[key]) return;
    reported[key] = true;
    report(*issue);
  }

  // ----- Locations and messages

  Location file_location(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.line < 0) return {0, -1, -1, file_};
    return {0, mark.line, mark.column,
            file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1)};
  }

  std::optional<Location> mark_of(const Path& path, bool at_key) const {
    auto key = source_.keys.find(path);
    auto value = source_.values.find(path);
    bool has_key = key != source_.keys.end();
    bool has_value = value != source_.values.end() && !value->second.is_null() && value->second.line >= 0;
    auto block = source_.block.find(path);
    bool is_block = block != source_.block.end() && block->second;
    if (has_key && (at_key || !has_value || is_block)) return file_location(key->second);
    if (has_value) return file_location(value->second);
    return std::nullopt;
  }

  /// Where the value at `path` was written: the --set that set it last, else its position in the file.
  Location locate(const Path& path, bool at_key) const {
    for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it)
      if (is_prefix(it->path, path)) return it->location;
    for (Path p = path;; p.pop_back()) {
      if (auto l = mark_of(p, at_key && p.size() == path.size())) return *l;
      if (p.size() == path.size())
        for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it)
          if (is_prefix(path, it->path)) return it->location;
      if (p.empty()) break;
    }
    return {0, 0, 0, file_ + ":1:1"};
  }

  void report_at(const Location& where, const std::string& message) {
    errors_.push_back({where, where.text + ": error: " + message});
  }

  void report(const Issue& issue, const std::string& note = "") {
    std::string text = issue.shown.empty() ? issue.message
                                           : "at '" + path_text(issue.shown) + "'" + note + ": " + issue.message;
    report_at(locate(issue.path, issue.at_key), text);
  }

  void throw_if_errors() {
    if (errors_.empty()) return;
    std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) {
      return std::tie(a.first.rank, a.first.line, a.first.column) < std::tie(b.first.rank, b.first.line, b.first.column);
    });
    std::string text;
    std::vector<std::string> seen;
    for (const auto& [where, line] : errors_) {
      if (std::find(seen.begin(), seen.end(), line) != seen.end()) continue;
      seen.push_back(line);
      text += (text.empty() ? "" : "\n") + line;
    }
    throw ScenarioError(text);
  }

  std::string file_;
  const Registry& registry_;
  Checker checker_;
  Json base_;
  SourceMap source_;
  std::vector<Override> overrides_;
  std::vector<Option> options_;
  std::vector<Assignment> sweep_;  ///< each key path with its list of values
  bool sweep_ok_ = true;
  std::vector<Variant> variants_;
  std::vector<std::pair<Location, std::string>> errors_;
};

}  // namespace

Json scenario_schema(const Registry& registry) {
  Json properties = Json::object();
  for (const auto& p : run_settings()) properties[p.name] = param_schema(p);
  properties["record"] = {{"type", "object"},
                          {"description", "What is recorded during a run."},
                          {"additionalProperties", false},
                          {"properties", {{"interval", param_schema(record_interval_spec())}}}};
  Json option = {{"type", "object"},
                 {"additionalProperties", false},
                 {"required", {"name"}},
                 {"properties",
                  {{"name", {{"type", "string"}, {"minLength", 1}, {"description", "Name of the option, unique."}}},
                   {"description", {{"type", "string"}}},
                   {"set", {{"type", "object"}, {"description", "Values this option sets, by key path."}}}}}};
  properties["options"] = {{"type", "array"},
                           {"description", "Alternatives compared with each other; each sets some key paths."},
                           {"items", option}};
  properties["sweep"] = {{"type", "object"},
                         {"description", "Key paths and the values each takes; every combination is run."},
                         {"additionalProperties", {{"type", "array"}, {"minItems", 1}}}};
  if (auto model = model_setting(registry)) properties["model"] = param_schema(*model);
  Json required = Json::array({"duration"});
  for (const auto& c : registry.components()) {
    properties[c.name] = section_schema(c.params, c.description);
    if (c.required) required.push_back(c.name);
  }
  return {{"$schema", "http://json-schema.org/draft-07/schema#"},
          {"title", "citytwin scenario"},
          {"type", "object"},
          {"additionalProperties", false},
          {"properties", properties},
          {"required", required}};
}

Scenario Scenario::load_string(std::string_view yaml, const std::string& file_name, const Registry& registry,
                               const std::vector<std::string>& overrides) {
  Loader loader(file_name, registry);
  loader.read(yaml);
  loader.apply_overrides(overrides);
  Scenario s;
  s.file_ = file_name;
  s.resolved_ = loader.resolve();
  s.variants_ = loader.take_variants();
  std::string directory = std::filesystem::path(file_name).parent_path().string();
  for (Variant& v : s.variants_) v.directory = directory.empty() ? "." : directory;
  return s;
}

Scenario Scenario::load_file(const std::string& path, const Registry& registry,
                             const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(path + ": error: cannot open scenario file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return load_string(text.str(), path, registry, overrides);
}

std::string Scenario::resolved_yaml() const {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, resolved_);
  return std::string(out.c_str()) + "\n";
}

std::string Scenario::name() const {
  if (resolved_.contains("name") && resolved_["name"].is_string()) return resolved_["name"].get<std::string>();
  return std::filesystem::path(file_).stem().string();
}

std::string Scenario::model() const {
  if (resolved_.contains("model") && resolved_["model"].is_string()) return resolved_["model"].get<std::string>();
  return "";
}

std::uint64_t Scenario::seed() const { return resolved_.at("seed").get<std::uint64_t>(); }

std::uint32_t Scenario::replications() const { return resolved_.at("replications").get<std::uint32_t>(); }

Time Scenario::duration() const { return units::duration(resolved_.at("duration")); }

Time Scenario::warmup() const { return units::duration(resolved_.at("warmup")); }

Time Scenario::record_interval() const { return units::duration(resolved_.at("record").at("interval")); }

std::optional<std::string> closest_word(const std::string& word, const std::vector<std::string>& allowed) {
  return closest(word, allowed);
}

}  // namespace citytwin::sim
