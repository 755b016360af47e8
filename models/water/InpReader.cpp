// EPANET input files: identifiers first, then data in any section order, then conversion to SI by EPANET's rules.
#include "models/water/InpReader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <numbers>
#include <sstream>
#include <unordered_map>

#include "sim/InpText.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::models::water {

namespace {

// The exact foot, and EPANET's own factors (its types.h), which define what a value in the file's units means.
constexpr double FT = 0.3048;                 // m
constexpr double CFS = FT * FT * FT;          // m³/s
constexpr double GPM_PER_CFS = 448.831;
constexpr double AFD_PER_CFS = 1.9837;
constexpr double MGD_PER_CFS = 0.64632;
constexpr double IMGD_PER_CFS = 0.5382;
constexpr double LPS_PER_CFS = 28.317;
constexpr double LPM_PER_CFS = 1699.0;
constexpr double CMH_PER_CFS = 101.94;
constexpr double CMD_PER_CFS = 2446.6;
constexpr double MLD_PER_CFS = 2.4466;
constexpr double M_PER_FT = 0.3048;
constexpr double PSI_PER_FT = 0.4333;
constexpr double KPA_PER_PSI = 6.895;
constexpr double KW_PER_HP = 0.7457;
constexpr double VISCOSITY_FT2S = 1.1e-5;     // EPANET's kinematic viscosity of water at 20 °C, ft²/s
constexpr double MIN_PRESSURE_DIFF = 0.1;     // EPANET's least REQUIRED - MINIMUM PRESSURE (file pressure units)
constexpr std::int64_t DAY_S = 86400;
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t MAX_ERRORS_SHOWN = 25;

enum class Section : std::uint8_t {
  TITLE, JUNCTIONS, RESERVOIRS, TANKS, PIPES, PUMPS, VALVES, DEMANDS, STATUS, PATTERNS, CURVES, CONTROLS,
  EMITTERS, TIMES, OPTIONS, COORDINATES, IGNORED, UNKNOWN, END
};

struct SectionName {
  const char* name;
  Section section;
  const char* what;  // for ignored sections: what they hold, for the report
};

constexpr SectionName SECTIONS[] = {
    {"TITLE", Section::TITLE, ""},           {"JUNCTIONS", Section::JUNCTIONS, ""},
    {"RESERVOIRS", Section::RESERVOIRS, ""}, {"TANKS", Section::TANKS, ""},
    {"PIPES", Section::PIPES, ""},           {"PUMPS", Section::PUMPS, ""},
    {"VALVES", Section::VALVES, ""},         {"CONTROLS", Section::CONTROLS, ""},
    {"DEMANDS", Section::DEMANDS, ""},       {"EMITTERS", Section::EMITTERS, ""},
    {"PATTERNS", Section::PATTERNS, ""},     {"CURVES", Section::CURVES, ""},
    {"STATUS", Section::STATUS, ""},         {"TIMES", Section::TIMES, ""},
    {"OPTIONS", Section::OPTIONS, ""},       {"COORDINATES", Section::COORDINATES, ""},
    {"END", Section::END, ""},
    {"RULES", Section::IGNORED, "rule-based controls are not simulated; write them as simple [CONTROLS]"},
    {"ENERGY", Section::IGNORED, "energy and cost reporting"},
    {"QUALITY", Section::IGNORED, "water quality"},
    {"REACTIONS", Section::IGNORED, "water quality"},
    {"SOURCES", Section::IGNORED, "water quality"},
    {"MIXING", Section::IGNORED, "water quality"},
    {"REPORT", Section::IGNORED, "EPANET's report file"},
    {"TAGS", Section::IGNORED, "labels for EPANET's interface"},
    {"VERTICES", Section::IGNORED, "the drawing of links"},
    {"LABELS", Section::IGNORED, "the drawing of the map"},
    {"BACKDROP", Section::IGNORED, "the drawing of the map"},
    {"ROUGHNESS", Section::IGNORED, "unused by EPANET 2.2 as well"},
    {"LEAKAGE", Section::IGNORED, "EPANET 2.3's pipe leakage; leaks are set by the scenario"},
};

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

/// EPANET's keyword match: the token starts with the keyword, case-insensitive ("HOURS" matches "HOU").
bool starts(std::string_view token, std::string_view keyword) {
  if (token.size() < keyword.size()) return false;
  for (std::size_t i = 0; i < keyword.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(token[i])) != keyword[i]) return false;
  return true;
}

/// A whole token read as a number, as EPANET's getfloat (strtod over the whole token) reads it; finite only.
std::optional<double> number(std::string_view s) {
  double v = 0.0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || b == e || !std::isfinite(v)) return std::nullopt;
  return v;
}

/// The leading integer of an ID, as C's atol reads it (0 when it does not start with digits).
long leading_integer(const std::string& s) {
  long v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::string join(const std::vector<std::string>& words, const char* sep = ", ") {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

std::string suggestion(const std::string& word, const std::vector<std::string>& allowed, bool quoted) {
  const auto guess = sim::closest_word(word, allowed);
  if (!guess) return "";
  return quoted ? " (did you mean '" + *guess + "'?)" : " (did you mean " + *guess + "?)";
}

/// EPANET's time value in hours (its hour() in input2.c): decimal hours, or h:mm or h:mm:ss, with an optional unit
/// (SEC, MIN, HOURS, DAYS after a decimal number; AM or PM after any). Empty when it does not parse or is negative.
std::optional<double> epanet_hours(std::string_view value, std::string_view unit) {
  double parts[3] = {0.0, 0.0, 0.0};
  int n = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = value.find(':', start);
    if (n == 3) return std::nullopt;
    const auto v = number(value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (!v || *v < 0.0) return std::nullopt;
    parts[n++] = *v;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  double hours = parts[0];
  if (n == 1 && !unit.empty()) {
    if (starts(unit, "SEC")) return hours / 3600.0;
    if (starts(unit, "MIN")) return hours / 60.0;
    if (starts(unit, "HOU")) return hours;
    if (starts(unit, "DAY")) return hours * 24.0;
  }
  if (n > 1) hours = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0;
  if (unit.empty()) return hours;
  if (starts(unit, "AM")) {
    if (hours >= 13.0) return std::nullopt;
    return hours >= 12.0 ? hours - 12.0 : hours;
  }
  if (starts(unit, "PM")) {
    if (hours >= 13.0) return std::nullopt;
    return hours >= 12.0 ? hours : hours + 12.0;
  }
  return std::nullopt;
}

constexpr const char* TIME_FIX = "write hours (1.5), h:mm or h:mm:ss, optionally with SEC, MIN, HOURS or DAYS";

/// One line of data: its tokens (EPANET's: blanks separate them, a ';' starts a comment, a token that starts with
/// '"' runs to the next '"'), its comment, its text and its number.
struct Line {
  int number = 0;
  std::vector<std::string> tokens;
  std::string comment;
  std::string text;
};

Line tokenize(std::string_view raw, int number) {
  Line line;
  line.number = number;
  line.text = std::string(sim::inp_trim(raw));
  std::string_view data = raw;
  if (const std::size_t semicolon = raw.find(';'); semicolon != std::string_view::npos) {
    line.comment = std::string(sim::inp_trim(raw.substr(semicolon + 1)));
    data = raw.substr(0, semicolon);
  }
  line.tokens = sim::inp_tokens(data);
  return line;
}

struct Block {
  Section section = Section::UNKNOWN;
  std::string name;  // "JUNCTIONS"
  std::vector<Line> lines;
};

/// What a curve is used for, which sets its units.
enum class CurveUse : std::uint8_t { NONE, PUMP, VOLUME, HEADLOSS };

/// A [STATUS] value or a control's action: a keyword or a number.
enum class StatusWord : std::uint8_t { OPEN, CLOSED, ACTIVE, VALUE };

const char* link_word(LinkKind k) {
  switch (k) {
    case LinkKind::PIPE:
    case LinkKind::CV_PIPE: return "pipe";
    case LinkKind::PUMP: return "pump";
    default: return "valve";
  }
}

const char* node_word(NodeKind k) {
  switch (k) {
    case NodeKind::JUNCTION: return "junction";
    case NodeKind::RESERVOIR: return "reservoir";
    default: return "tank";
  }
}

class Reader {
 public:
  explicit Reader(std::string name) { net_.path = std::move(name); }

  WaterNetwork read(std::string_view text) {
    split(text);
    collect_ids();
    if (errors_.empty()) read_data();
    if (errors_.empty()) convert();
    if (!errors_.empty()) throw sim::ScenarioError(message());
    return std::move(net_);
  }

 private:
  WaterNetwork net_;
  std::vector<Block> blocks_;
  std::vector<std::pair<int, std::string>> errors_;
  const Block* current_ = nullptr;
  std::unordered_map<std::string, int> pattern_index_, curve_index_;
  std::vector<CurveUse> curve_use_;
  std::vector<std::vector<int>> curve_point_lines_;
  std::vector<bool> demands_replaced_;
  std::vector<double> valve_setting_;   // each valve's [VALVES] setting, for ACTIVE in [STATUS]
  std::vector<int> valves_read_;        // valves in file order, for EPANET's checks of valves side by side
  std::vector<std::string> node_ids_, link_ids_, pattern_ids_, curve_ids_;
  std::string default_pattern_id_ = "1";
  int demand_multiplier_line_ = 0;
  bool rule_step_given_ = false;
  double minimum_pressure_ = 0.0, required_pressure_ = MIN_PRESSURE_DIFF;  // file pressure units, as written

  // --- Messages ---

  /// "FILE:LINE: [SECTION] what"; line 0 for the file as a whole.
  void error(int line, const std::string& what) {
    const std::string section = current_ ? "[" + current_->name + "] " : "";
    const std::string where = line > 0 ? net_.path + ":" + std::to_string(line) + ": " : net_.path + ": ";
    errors_.emplace_back(line > 0 ? line : std::numeric_limits<int>::max(), where + section + what);
  }

  std::string message() {
    std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out;
    for (std::size_t i = 0; i < errors_.size() && i < MAX_ERRORS_SHOWN; ++i)
      out += (out.empty() ? "" : "\n") + errors_[i].second;
    if (errors_.size() > MAX_ERRORS_SHOWN)
      out += "\n" + net_.path + ": " + std::to_string(errors_.size() - MAX_ERRORS_SHOWN) + " more errors not shown";
    return out;
  }

  // --- Lines and sections ---

  void split(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte-order mark
    int line_no = 0;
    Block* block = nullptr;
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      Line line = tokenize(text.substr(pos, end - pos), ++line_no);
      pos = end + 1;
      if (line.tokens.empty()) continue;

      // A section header: the first token starts with "[NAME]", as EPANET matches it.
      if (line.tokens[0].front() == '[') {
        const std::string head = upper(line.tokens[0]);
        const SectionName* found = nullptr;
        for (const SectionName& s : SECTIONS)
          if (starts(head, "[" + std::string(s.name) + "]")) found = &s;
        if (found && found->section == Section::END) break;  // EPANET reads nothing after [END]
        blocks_.push_back({});
        block = &blocks_.back();
        if (!found) {
          std::string name = head.substr(1);
          if (!name.empty() && name.back() == ']') name.pop_back();
          current_ = nullptr;
          std::vector<std::string> bracketed;
          for (const SectionName& s : SECTIONS) bracketed.push_back("[" + std::string(s.name) + "]");
          error(line_no, "[" + name + "] is not a section of an EPANET file" +
                             suggestion("[" + name + "]", bracketed, false) + "; the sections are " + join(bracketed));
          block->section = Section::UNKNOWN;
          continue;
        }
        block->section = found->section;
        block->name = found->name;
        if (found->section == Section::IGNORED) net_.ignored.push_back({"[" + block->name + "]", line_no, 0});
        continue;
      }
      if (!block) {
        current_ = nullptr;
        error(line_no, "'" + line.tokens[0] + "' comes before any section header; start the file with a section "
                       "such as [TITLE] or [JUNCTIONS]");
        continue;
      }
      if (block->section == Section::IGNORED) {
        ++net_.ignored.back().entries;
        continue;
      }
      if (block->section == Section::UNKNOWN) continue;
      block->lines.push_back(std::move(line));
    }
    current_ = nullptr;
    // Only sections that hold something are worth reporting.
    std::erase_if(net_.ignored, [](const IgnoredSection& s) { return s.entries == 0; });
  }

  // --- First pass: identifiers ---

  void collect_ids() {
    std::unordered_map<std::string, int> node_lines, link_lines;
    std::vector<std::pair<std::string, int>> junctions, fixed, links;
    std::vector<NodeKind> fixed_kinds;
    std::vector<LinkKind> link_kinds;
    auto add_node = [&](const Line& l, NodeKind kind) {
      const std::string& id = l.tokens[0];
      if (auto it = node_lines.find(id); it != node_lines.end()) {
        error(l.number, std::string(node_word(kind)) + " '" + id + "': the ID is already used by the node at line " +
                            std::to_string(it->second) + "; give each junction, reservoir and tank its own ID");
        return;
      }
      node_lines[id] = l.number;
      if (kind == NodeKind::JUNCTION) {
        junctions.emplace_back(id, l.number);
      } else {
        fixed.emplace_back(id, l.number);
        fixed_kinds.push_back(kind);
      }
    };
    auto add_link = [&](const Line& l, LinkKind kind) {
      const std::string& id = l.tokens[0];
      if (auto it = link_lines.find(id); it != link_lines.end()) {
        error(l.number, std::string(link_word(kind)) + " '" + id + "': the ID is already used by the link at line " +
                            std::to_string(it->second) + "; give each pipe, pump and valve its own ID");
        return;
      }
      link_lines[id] = l.number;
      links.emplace_back(id, l.number);
      link_kinds.push_back(kind);
    };
    for (const Block& b : blocks_) {
      current_ = &b;
      for (const Line& l : b.lines) {
        const std::string& id = l.tokens[0];
        switch (b.section) {
          case Section::JUNCTIONS: add_node(l, NodeKind::JUNCTION); break;
          case Section::RESERVOIRS: add_node(l, NodeKind::RESERVOIR); break;
          case Section::TANKS: add_node(l, NodeKind::TANK); break;
          case Section::PIPES: add_link(l, LinkKind::PIPE); break;
          case Section::PUMPS: add_link(l, LinkKind::PUMP); break;
          case Section::VALVES: add_link(l, LinkKind::PRV); break;
          case Section::PATTERNS:
            if (!pattern_index_.count(id)) {
              pattern_index_[id] = static_cast<int>(net_.patterns.size());
              net_.patterns.push_back({id, {}});
              pattern_ids_.push_back(id);
            }
            break;
          case Section::CURVES:
            if (!curve_index_.count(id)) {
              curve_index_[id] = static_cast<int>(net_.curves.size());
              net_.curves.push_back({id, {}, {}, l.number});
              curve_use_.push_back(CurveUse::NONE);
              curve_point_lines_.emplace_back();
              curve_ids_.push_back(id);
            }
            break;
          default: break;
        }
      }
    }
    current_ = nullptr;

    // EPANET's numbering: the junctions, then reservoirs and tanks in the order they appear.
    auto add = [&](const std::string& id, NodeKind kind, int line) {
      Node n;
      n.id = id;
      n.kind = kind;
      n.line = line;
      net_.node_index[id] = static_cast<int>(net_.nodes.size());
      net_.nodes.push_back(std::move(n));
      node_ids_.push_back(id);
    };
    for (const auto& [id, line] : junctions) add(id, NodeKind::JUNCTION, line);
    for (std::size_t i = 0; i < fixed.size(); ++i) add(fixed[i].first, fixed_kinds[i], fixed[i].second);
    for (std::size_t i = 0; i < links.size(); ++i) {
      Link k;
      k.id = links[i].first;
      k.kind = link_kinds[i];
      k.line = links[i].second;
      net_.link_index[k.id] = static_cast<int>(net_.links.size());
      net_.links.push_back(std::move(k));
      link_ids_.push_back(links[i].first);
    }
    demands_replaced_.assign(net_.nodes.size(), false);
    valve_setting_.assign(net_.links.size(), NaN);
  }

  // --- Second pass: data, in the file's units ---

  void read_data() {
    // Nodes, patterns, curves and options first, then links, then what refers to links, each in file order: the
    // sections may come in any order, where EPANET needs nodes before the links between them.
    const std::vector<std::vector<Section>> phases = {
        {Section::TITLE, Section::JUNCTIONS, Section::RESERVOIRS, Section::TANKS, Section::PATTERNS, Section::CURVES,
         Section::TIMES, Section::OPTIONS},
        {Section::PIPES, Section::PUMPS, Section::VALVES},
        {Section::DEMANDS, Section::EMITTERS, Section::STATUS, Section::CONTROLS, Section::COORDINATES}};
    for (const auto& phase : phases) {
      for (const Block& b : blocks_) {
        if (std::find(phase.begin(), phase.end(), b.section) == phase.end()) continue;
        current_ = &b;
        for (const Line& l : b.lines) read_line(b.section, l);
      }
    }
    current_ = nullptr;
  }

  void read_line(Section s, const Line& l) {
    switch (s) {
      case Section::TITLE: net_.title += (net_.title.empty() ? "" : "\n") + l.text; break;
      case Section::JUNCTIONS: junction(l); break;
      case Section::RESERVOIRS: reservoir(l); break;
      case Section::TANKS: tank(l); break;
      case Section::PIPES: pipe(l); break;
      case Section::PUMPS: pump(l); break;
      case Section::VALVES: valve(l); break;
      case Section::DEMANDS: demand(l); break;
      case Section::STATUS: status(l); break;
      case Section::PATTERNS: pattern(l); break;
      case Section::CURVES: curve(l); break;
      case Section::CONTROLS: control(l); break;
      case Section::EMITTERS: emitter(l); break;
      case Section::TIMES: times(l); break;
      case Section::OPTIONS: option(l); break;
      case Section::COORDINATES: coordinates(l); break;
      default: break;
    }
  }

  /// The bound a number must respect.
  enum class Bound : std::uint8_t { ANY, NON_NEGATIVE, POSITIVE };
  /// The number in token `tok` of `l`, or an error naming `what` ("pipe 'P1': length") and the value.
  std::optional<double> value(const Line& l, std::size_t tok, const std::string& what, Bound bound = Bound::ANY) {
    const std::string& t = l.tokens[tok];
    const auto v = number(t);
    if (!v) {
      error(l.number, what + " '" + t + "' is not a number; write a number such as 12.5");
      return std::nullopt;
    }
    if (bound == Bound::NON_NEGATIVE && *v < 0.0) {
      error(l.number, what + " " + t + " is negative; it must be at least 0");
      return std::nullopt;
    }
    if (bound == Bound::POSITIVE && *v <= 0.0) {
      error(l.number, what + " " + t + " must be above 0; correct the value");
      return std::nullopt;
    }
    return v;
  }

  /// Whether `l` has at least `n` fields; if not, an error naming the fields expected.
  bool fields(const Line& l, std::size_t n, const std::string& object, const char* layout) {
    if (l.tokens.size() >= n) return true;
    error(l.number, object + " has " + std::to_string(l.tokens.size()) + (l.tokens.size() == 1 ? " field" : " fields") +
                        " where " + std::to_string(n) + " are needed; write " + layout);
    return false;
  }

  static std::string quoted(const char* word, const std::string& id) { return std::string(word) + " '" + id + "'"; }

  int find_node(const Line& l, std::size_t tok, const std::string& role) {
    const std::string& id = l.tokens[tok];
    const int i = net_.node(id);
    if (i < 0)
      error(l.number, role + " '" + id + "' is not defined" + suggestion(id, node_ids_, true) +
                          "; declare it in [JUNCTIONS], [RESERVOIRS] or [TANKS]");
    return i;
  }

  int find_link(const Line& l, std::size_t tok, const std::string& role) {
    const std::string& id = l.tokens[tok];
    const int j = net_.link(id);
    if (j < 0)
      error(l.number, role + " '" + id + "' is not defined" + suggestion(id, link_ids_, true) +
                          "; declare it in [PIPES], [PUMPS] or [VALVES]");
    return j;
  }

  int find_pattern(const Line& l, std::size_t tok, const std::string& role) {
    const std::string& id = l.tokens[tok];
    auto it = pattern_index_.find(id);
    if (it != pattern_index_.end()) return it->second;
    error(l.number, role + " '" + id + "' is not defined" + suggestion(id, pattern_ids_, true) +
                        "; declare it in [PATTERNS]");
    return -1;
  }

  int find_curve(const Line& l, std::size_t tok, const std::string& role) {
    const std::string& id = l.tokens[tok];
    auto it = curve_index_.find(id);
    if (it != curve_index_.end()) return it->second;
    error(l.number, role + " '" + id + "' is not defined" + suggestion(id, curve_ids_, true) +
                        "; declare it in [CURVES]");
    return -1;
  }

  /// Records what a curve is used for: a pump's or a GPV's (flow against head) or a tank's (depth against volume).
  void use_curve(const Line& l, int c, CurveUse use) {
    CurveUse& u = curve_use_[c];
    const bool flow_head = use != CurveUse::VOLUME, was_flow_head = u != CurveUse::VOLUME;
    if (u != CurveUse::NONE && flow_head != was_flow_head)
      error(l.number, "curve '" + net_.curves[c].id + "' is used both as a tank's volume curve and as a pump's or "
                      "valve's curve, whose units differ; give each use its own curve");
    else if (u == CurveUse::NONE || use == CurveUse::PUMP)
      u = use;
  }

  void junction(const Line& l) {
    const std::string object = quoted("junction", l.tokens[0]);
    if (!fields(l, 2, object, "ID ELEVATION [DEMAND] [PATTERN]")) return;
    Node& n = net_.nodes[net_.node(l.tokens[0])];
    if (auto v = value(l, 1, object + ": elevation")) n.elevation_m = *v;
    // EPANET gives every junction one demand from this line, 0 when none is written.
    Demand d;
    if (l.tokens.size() > 2)
      if (auto v = value(l, 2, object + ": demand")) d.base_m3s = *v;
    if (l.tokens.size() > 3) d.pattern = find_pattern(l, 3, object + ": demand pattern");
    n.demands.push_back(d);
  }

  void reservoir(const Line& l) {
    const std::string object = quoted("reservoir", l.tokens[0]);
    if (!fields(l, 2, object, "ID HEAD [PATTERN]")) return;
    if (l.tokens.size() > 3) {
      error(l.number, object + " has " + std::to_string(l.tokens.size()) + " fields where a reservoir takes at most "
                      "3; write ID HEAD [PATTERN], and put tanks in [TANKS]");
      return;
    }
    Node& n = net_.nodes[net_.node(l.tokens[0])];
    if (auto v = value(l, 1, object + ": head")) n.elevation_m = *v;
    if (l.tokens.size() > 2) n.head_pattern = find_pattern(l, 2, object + ": head pattern");
  }

  void tank(const Line& l) {
    const std::string object = quoted("tank", l.tokens[0]);
    if (!fields(l, 6, object, "ID ELEVATION INITLEVEL MINLEVEL MAXLEVEL DIAMETER [MINVOL] [VOLCURVE|*] [YES|NO]"))
      return;
    Node& n = net_.nodes[net_.node(l.tokens[0])];
    const auto elevation = value(l, 1, object + ": elevation");
    const auto init = value(l, 2, object + ": initial level", Bound::NON_NEGATIVE);
    const auto low = value(l, 3, object + ": minimum level", Bound::NON_NEGATIVE);
    const auto high = value(l, 4, object + ": maximum level", Bound::NON_NEGATIVE);
    const auto diameter = value(l, 5, object + ": diameter", Bound::NON_NEGATIVE);
    std::optional<double> min_volume = 0.0;
    if (l.tokens.size() > 6) min_volume = value(l, 6, object + ": minimum volume", Bound::NON_NEGATIVE);
    if (l.tokens.size() > 7 && l.tokens[7] != "*") {
      n.volume_curve = find_curve(l, 7, object + ": volume curve");
      if (n.volume_curve >= 0) use_curve(l, n.volume_curve, CurveUse::VOLUME);
    }
    if (l.tokens.size() > 8) {
      if (starts(l.tokens[8], "YES")) n.can_overflow = true;
      else if (starts(l.tokens[8], "NO")) n.can_overflow = false;
      else error(l.number, object + ": overflow '" + l.tokens[8] + "' must be YES or NO");
    }
    if (!elevation || !init || !low || !high || !diameter || !min_volume) return;
    n.elevation_m = *elevation;
    n.init_level_m = *init;
    n.min_level_m = *low;
    n.max_level_m = *high;
    n.diameter_m = *diameter;
    n.min_volume_m3 = *min_volume;
    if (*diameter == 0.0)
      error(l.number, object + ": diameter 0 would make EPANET take it for a reservoir at its bottom elevation; give "
                      "its diameter (any positive number when it has a volume curve), or move it to [RESERVOIRS]");
    if (*low > *high || *init < *low || *init > *high)
      error(l.number, object + ": levels " + l.tokens[2] + " (initial), " + l.tokens[3] + " (minimum) and " +
                          l.tokens[4] + " (maximum) are out of order; the initial level must lie between the minimum "
                          "and the maximum");
  }

  bool ends(const Line& l, Link& k, const std::string& object) {
    k.from = find_node(l, 1, object + ": start node");
    k.to = find_node(l, 2, object + ": end node");
    if (k.from >= 0 && k.from == k.to) {
      error(l.number, object + " starts and ends at node '" + l.tokens[1] + "'; connect two different nodes");
      return false;
    }
    return k.from >= 0 && k.to >= 0;
  }

  void pipe(const Line& l) {
    const std::string object = quoted("pipe", l.tokens[0]);
    if (!fields(l, 6, object, "ID NODE1 NODE2 LENGTH DIAMETER ROUGHNESS [MINORLOSS] [OPEN|CLOSED|CV]")) return;
    Link& k = net_.links[net_.link(l.tokens[0])];
    k.kind = LinkKind::PIPE;
    k.status = LinkStatus::OPEN;
    ends(l, k, object);
    if (auto v = value(l, 3, object + ": length", Bound::POSITIVE)) k.length_m = *v;
    if (auto v = value(l, 4, object + ": diameter", Bound::POSITIVE)) k.diameter_m = *v;
    if (auto v = value(l, 5, object + ": roughness", Bound::POSITIVE)) k.roughness = *v;
    // Seven fields: a minor loss or a status; eight: both (EPANET ignores any more).
    auto set_status = [&](const std::string& s) {
      if (starts(s, "CV")) k.kind = LinkKind::CV_PIPE;
      else if (starts(s, "CLOSED")) k.status = LinkStatus::CLOSED;
      else if (starts(s, "OPEN")) k.status = LinkStatus::OPEN;
      else return false;
      return true;
    };
    if (l.tokens.size() == 7 && !set_status(l.tokens[6])) {
      if (!number(l.tokens[6])) {
        error(l.number, object + ": '" + l.tokens[6] + "' is neither a minor-loss coefficient nor a status; write a "
                                 "number, or OPEN, CLOSED or CV");
        return;
      }
      if (auto v = value(l, 6, object + ": minor-loss coefficient", Bound::NON_NEGATIVE)) k.minor_loss = *v;
    } else if (l.tokens.size() >= 8) {
      if (auto v = value(l, 6, object + ": minor-loss coefficient", Bound::NON_NEGATIVE)) k.minor_loss = *v;
      if (!set_status(l.tokens[7]))
        error(l.number, object + ": status '" + l.tokens[7] + "' must be OPEN, CLOSED or CV");
    }
  }

  void pump(const Line& l) {
    const std::string object = quoted("pump", l.tokens[0]);
    const char* layout = "ID NODE1 NODE2 HEAD curve | POWER value [SPEED value] [PATTERN id]";
    if (!fields(l, 5, object, layout)) return;
    Link& k = net_.links[net_.link(l.tokens[0])];
    k.kind = LinkKind::PUMP;
    k.status = LinkStatus::OPEN;
    k.setting = 1.0;
    ends(l, k, object);
    if (number(l.tokens[3])) {
      error(l.number, object + ": '" + l.tokens[3] + "' after the nodes is EPANET 1's pump format, which is not read; "
                               "write " + layout);
      return;
    }
    int curve = -1;
    bool power = false, head = false;
    for (std::size_t m = 3; m < l.tokens.size(); m += 2) {
      const std::string& key = l.tokens[m];
      if (m + 1 >= l.tokens.size()) {
        error(l.number, object + ": keyword '" + key + "' has no value; write " + layout);
        return;
      }
      if (starts(key, "HEAD")) {
        curve = find_curve(l, m + 1, object + ": head curve");
        head = true;
      } else if (starts(key, "POWER")) {
        if (auto v = value(l, m + 1, object + ": power", Bound::POSITIVE)) k.power_kw = *v;
        power = true;
      } else if (starts(key, "SPEE")) {
        if (auto v = value(l, m + 1, object + ": speed", Bound::NON_NEGATIVE)) k.setting = *v;
      } else if (starts(key, "PATT")) {
        k.speed_pattern = find_pattern(l, m + 1, object + ": speed pattern");
      } else {
        error(l.number, object + ": unknown keyword '" + key + "'" +
                            suggestion(upper(key), {"HEAD", "POWER", "SPEED", "PATTERN"}, false) +
                            "; the keywords are HEAD, POWER, SPEED and PATTERN");
      }
    }
    // As in EPANET, a POWER makes it a constant-power pump even with a HEAD curve.
    if (power) {
      k.head_curve = -1;
    } else if (curve >= 0) {
      k.head_curve = curve;
      use_curve(l, curve, CurveUse::PUMP);
    } else if (!head) {
      error(l.number, object + " has neither a HEAD curve nor a POWER; give it one of them");
    }
  }

  void valve(const Line& l) {
    const std::string object = quoted("valve", l.tokens[0]);
    if (!fields(l, 6, object, "ID NODE1 NODE2 DIAMETER TYPE SETTING [MINORLOSS]")) return;
    const int j = net_.link(l.tokens[0]);
    Link& k = net_.links[j];
    const std::string& type = l.tokens[4];
    static constexpr std::pair<const char*, LinkKind> TYPES[] = {{"PRV", LinkKind::PRV}, {"PSV", LinkKind::PSV},
                                                                 {"PBV", LinkKind::PBV}, {"FCV", LinkKind::FCV},
                                                                 {"TCV", LinkKind::TCV}, {"GPV", LinkKind::GPV}};
    bool known = false;
    for (const auto& [word, kind] : TYPES)
      if (starts(type, word)) {
        k.kind = kind;
        known = true;
        break;
      }
    if (!known) {
      error(l.number, object + ": type '" + type + "'" +
                          suggestion(upper(type), {"PRV", "PSV", "PBV", "FCV", "TCV", "GPV"}, false) +
                          " must be PRV, PSV, PBV, FCV, TCV or GPV");
      return;
    }
    k.status = k.kind == LinkKind::GPV ? LinkStatus::OPEN : LinkStatus::ACTIVE;
    const bool joined = ends(l, k, object);
    if (auto v = value(l, 3, object + ": diameter", Bound::POSITIVE)) k.diameter_m = *v;
    if (k.kind == LinkKind::GPV) {
      const int c = find_curve(l, 5, object + ": head-loss curve");
      if (c >= 0) use_curve(l, c, CurveUse::HEADLOSS);
      k.setting = c;
    } else if (auto v = value(l, 5, object + ": setting")) {
      k.setting = *v;
    }
    valve_setting_[j] = k.setting;
    if (l.tokens.size() > 6)
      if (auto v = value(l, 6, object + ": minor-loss coefficient", Bound::NON_NEGATIVE)) k.minor_loss = *v;
    if (joined) check_valve(l, j, object);
    valves_read_.push_back(j);
  }

  /// EPANET's valvecheck: a PRV, PSV or FCV joins two junctions, and pressure valves do not fight each other.
  void check_valve(const Line& l, int j, const std::string& object) {
    const Link& k = net_.links[j];
    const LinkKind t = k.kind;
    if (t != LinkKind::PRV && t != LinkKind::PSV && t != LinkKind::FCV) return;
    for (const int end : {k.from, k.to})
      if (net_.nodes[end].kind != NodeKind::JUNCTION) {
        error(l.number, object + ": a " + upper(l.tokens[4]).substr(0, 3) + " cannot connect to " +
                            node_word(net_.nodes[end].kind) + " '" + net_.nodes[end].id +
                            "'; put a short pipe between them");
        return;
      }
    const int j1 = k.from, j2 = k.to;
    for (const int other : valves_read_) {
      const Link& v = net_.links[other];
      const LinkKind vt = v.kind;
      const int v1 = v.from, v2 = v.to;
      const bool clash = (vt == LinkKind::PRV && t == LinkKind::PRV && (v2 == j2 || v2 == j1 || v1 == j2)) ||
                         (vt == LinkKind::PSV && t == LinkKind::PSV && (v1 == j1 || v1 == j2 || v2 == j1)) ||
                         (vt == LinkKind::PSV && t == LinkKind::PRV && v1 == j2) ||
                         (vt == LinkKind::PRV && t == LinkKind::PSV && v2 == j1) ||
                         (vt == LinkKind::FCV && t == LinkKind::PSV && v2 == j1) ||
                         (vt == LinkKind::FCV && t == LinkKind::PRV && v1 == j2) ||
                         (vt == LinkKind::PSV && t == LinkKind::FCV && v1 == j2) ||
                         (vt == LinkKind::PRV && t == LinkKind::FCV && v2 == j1);
      if (clash) {
        error(l.number, object + " shares a node with valve '" + v.id + "' in a way EPANET forbids (two PRVs or two "
                                 "PSVs in series or sharing their regulated node, or a PSV, PRV or FCV regulating "
                                 "against another); put a pipe between them");
        return;
      }
    }
  }

  void demand(const Line& l) {
    if (!fields(l, 2, "'" + l.tokens[0] + "'", "JUNCTION DEMAND [PATTERN] [;CATEGORY], or MULTIPLY factor")) return;
    // MULTIPLY factor: EPANET's other way of writing OPTIONS DEMAND MULTIPLIER.
    if (starts(l.tokens[0], "MULT") && net_.node(l.tokens[0]) < 0) {
      if (auto v = value(l, 1, "MULTIPLY", Bound::POSITIVE)) set_demand_multiplier(l, *v);
      return;
    }
    const int i = find_node(l, 0, "junction");
    if (i < 0) return;
    Node& n = net_.nodes[i];
    if (n.kind != NodeKind::JUNCTION) {
      error(l.number, std::string(node_word(n.kind)) + " '" + n.id + "' has a demand, which only junctions have; "
                      "remove the line or move the demand to a junction");
      return;
    }
    const std::string object = quoted("junction", n.id);
    Demand d;
    if (auto v = value(l, 1, object + ": demand")) d.base_m3s = *v;
    if (l.tokens.size() > 2) d.pattern = find_pattern(l, 2, object + ": demand pattern");
    d.category = l.comment;
    if (!demands_replaced_[i]) {
      n.demands.clear();
      demands_replaced_[i] = true;
    }
    n.demands.push_back(d);
  }

  void set_demand_multiplier(const Line& l, double v) {
    // Whichever of [DEMANDS] MULTIPLY and OPTIONS DEMAND MULTIPLIER comes last in the file holds, as in EPANET.
    if (l.number < demand_multiplier_line_) return;
    demand_multiplier_line_ = l.number;
    net_.options.demand_multiplier = v;
  }

  /// A status word or a number (at least 0), or an error.
  std::optional<std::pair<StatusWord, double>> status_word(const Line& l, std::size_t tok, const std::string& what) {
    const std::string& s = l.tokens[tok];
    if (starts(s, "OPEN")) return std::pair{StatusWord::OPEN, 0.0};
    if (starts(s, "CLOSED")) return std::pair{StatusWord::CLOSED, 0.0};
    if (starts(s, "ACTIVE")) return std::pair{StatusWord::ACTIVE, 0.0};
    const auto v = number(s);
    if (!v) {
      error(l.number, what + " '" + s + "' must be OPEN, CLOSED, ACTIVE (valves) or a setting");
      return std::nullopt;
    }
    if (*v < 0.0) {
      error(l.number, what + " " + s + " is negative; a setting must be at least 0");
      return std::nullopt;
    }
    return std::pair{StatusWord::VALUE, *v};
  }

  /// EPANET's changestatus (EPANET 2.2: a pump closed in [STATUS] keeps its speed), and ACTIVE for valves.
  void apply_status(Link& k, int j, StatusWord w, double y) {
    switch (k.kind) {
      case LinkKind::PIPE:
      case LinkKind::GPV:
        if (w == StatusWord::OPEN) k.status = LinkStatus::OPEN;
        if (w == StatusWord::CLOSED) k.status = LinkStatus::CLOSED;
        break;
      case LinkKind::CV_PIPE: break;
      case LinkKind::PUMP:
        if (w == StatusWord::VALUE) {
          k.setting = y;
          k.status = y == 0.0 ? LinkStatus::CLOSED : LinkStatus::OPEN;
        } else if (w == StatusWord::OPEN) {
          k.setting = 1.0;
          k.status = LinkStatus::OPEN;
        } else if (w == StatusWord::CLOSED) {
          k.status = LinkStatus::CLOSED;
        }
        break;
      default:
        if (w == StatusWord::VALUE) {
          k.setting = y;
          k.status = LinkStatus::ACTIVE;
        } else if (w == StatusWord::ACTIVE) {
          k.setting = valve_setting_[j];
          k.status = LinkStatus::ACTIVE;
        } else {
          k.setting = NaN;
          k.status = w == StatusWord::OPEN ? LinkStatus::OPEN : LinkStatus::CLOSED;
        }
        break;
    }
  }

  void status(const Line& l) {
    if (!fields(l, 2, "'" + l.tokens[0] + "'", "LINK OPEN|CLOSED|setting, or LINK1 LINK2 OPEN|CLOSED|setting"))
      return;
    const std::size_t last = l.tokens.size() - 1;
    if (l.tokens.size() == 2) {
      const int j = find_link(l, 0, "link");
      if (j < 0) return;
      Link& k = net_.links[j];
      const std::string object = quoted(link_word(k.kind), k.id);
      const auto w = status_word(l, last, object + ": status");
      if (!w) return;
      if (k.kind == LinkKind::CV_PIPE) {
        error(l.number, object + " has a check valve, whose status cannot be set; remove the line");
        return;
      }
      if ((k.kind == LinkKind::PIPE || k.kind == LinkKind::GPV) && w->first != StatusWord::OPEN &&
          w->first != StatusWord::CLOSED) {
        error(l.number, object + ": status '" + l.tokens[last] + "' does not apply; a " +
                            (k.kind == LinkKind::GPV ? "GPV" : "pipe") + " takes OPEN or CLOSED");
        return;
      }
      if (k.kind == LinkKind::PUMP && w->first == StatusWord::ACTIVE) {
        error(l.number, object + ": status 'ACTIVE' does not apply; a pump takes OPEN, CLOSED or a speed");
        return;
      }
      apply_status(k, j, w->first, w->second);
      return;
    }
    // A range of links: by number when both ends start with digits, else by ID in alphabetical order, as EPANET.
    const auto w = status_word(l, last, "links '" + l.tokens[0] + "' to '" + l.tokens[1] + "': status");
    if (!w) return;
    const long i1 = leading_integer(l.tokens[0]), i2 = leading_integer(l.tokens[1]);
    int changed = 0;
    for (std::size_t j = 0; j < net_.links.size(); ++j) {
      Link& k = net_.links[j];
      const long i = leading_integer(k.id);
      const bool in = i1 > 0 && i2 > 0 ? i >= i1 && i <= i2 : l.tokens[0] <= k.id && k.id <= l.tokens[1];
      if (!in) continue;
      apply_status(k, static_cast<int>(j), w->first, w->second);
      ++changed;
    }
    if (changed == 0)
      error(l.number, "no link lies in the range '" + l.tokens[0] + "' to '" + l.tokens[1] +
                          "'; check the two IDs, or write one line per link");
  }

  void pattern(const Line& l) {
    const std::string object = quoted("pattern", l.tokens[0]);
    if (!fields(l, 2, object, "ID MULTIPLIER [MULTIPLIER ...]")) return;
    Pattern& p = net_.patterns[pattern_index_[l.tokens[0]]];
    for (std::size_t t = 1; t < l.tokens.size(); ++t)
      if (auto v = value(l, t, object + ": multiplier")) p.multipliers.push_back(*v);
  }

  void curve(const Line& l) {
    const std::string object = quoted("curve", l.tokens[0]);
    if (!fields(l, 3, object, "ID X Y")) return;
    const int c = curve_index_[l.tokens[0]];
    auto x = value(l, 1, object + ": x");
    auto y = value(l, 2, object + ": y");
    if (!x || !y) return;
    net_.curves[c].x.push_back(*x);
    net_.curves[c].y.push_back(*y);
    curve_point_lines_[c].push_back(l.number);
  }

  void control(const Line& l) {
    const char* layout = "LINK id status IF NODE id ABOVE|BELOW value, LINK id status AT TIME t, or LINK id status "
                         "AT CLOCKTIME t [AM|PM]";
    if (!fields(l, 6, "the control", layout)) return;
    if (!starts(l.tokens[0], "LINK")) {
      error(l.number, "a control starts with LINK, not '" + l.tokens[0] + "'; write " + layout);
      return;
    }
    const int j = find_link(l, 1, "control: link");
    if (j < 0) return;
    const Link& k = net_.links[j];
    const std::string object = "control of " + quoted(link_word(k.kind), k.id);
    if (k.kind == LinkKind::CV_PIPE) {
      error(l.number, object + ": the pipe has a check valve, which no control can set; remove the control");
      return;
    }
    Control c;
    c.line = l.number;
    c.link = j;
    const std::string& s = l.tokens[2];
    if (starts(s, "OPEN")) {
      c.status = LinkStatus::OPEN;
    } else if (starts(s, "CLOSED")) {
      c.status = LinkStatus::CLOSED;
    } else if (k.kind == LinkKind::GPV) {
      error(l.number, object + ": '" + s + "' does not apply; a GPV takes OPEN or CLOSED");
      return;
    } else if (auto v = number(s)) {
      if (*v < 0.0 && (k.kind == LinkKind::PUMP || k.kind == LinkKind::PIPE)) {
        error(l.number, object + ": setting " + s + " is negative; it must be at least 0");
        return;
      }
      c.has_setting = true;
      c.setting = *v;
      c.status = LinkStatus::ACTIVE;
    } else {
      error(l.number, object + ": '" + s + "' must be OPEN, CLOSED or a setting");
      return;
    }
    if (starts(l.tokens[3], "IF")) {
      if (!fields(l, 8, "the control", layout)) return;
      c.node = find_node(l, 5, object + ": node");
      if (starts(l.tokens[6], "BELOW")) c.type = Control::Type::LOW_LEVEL;
      else if (starts(l.tokens[6], "ABOVE")) c.type = Control::Type::HIGH_LEVEL;
      else {
        error(l.number, object + ": '" + l.tokens[6] + "' must be ABOVE or BELOW");
        return;
      }
      // The level (tank) or pressure (junction) as written; made a head in SI by convert().
      const auto v = value(l, 7, object + ": level");
      if (!v || c.node < 0) return;
      c.grade_m = *v;
    } else if (starts(l.tokens[3], "AT")) {
      const bool timer = starts(l.tokens[4], "TIME"), clock = starts(l.tokens[4], "CLOCKTIME");
      if (!timer && !clock) {
        error(l.number, object + ": 'AT " + l.tokens[4] + "' must be AT TIME or AT CLOCKTIME");
        return;
      }
      if (l.tokens.size() > 7) {
        error(l.number, object + " has " + std::to_string(l.tokens.size()) + " fields where a timed control has at "
                                 "most 7; write " + layout);
        return;
      }
      const std::string unit = l.tokens.size() > 6 ? l.tokens[6] : "";
      const auto hours = epanet_hours(l.tokens[5], unit);
      if (!hours) {
        error(l.number, object + ": '" + join(std::vector<std::string>(l.tokens.begin() + 5, l.tokens.end()), " ") + "' is not a time; " +
                            TIME_FIX + (clock ? ", or AM or PM" : ""));
        return;
      }
      // EPANET truncates a control's time to the second.
      c.type = timer ? Control::Type::TIMER : Control::Type::TIME_OF_DAY;
      c.time_s = static_cast<std::int64_t>(3600.0 * *hours);
      if (clock) c.time_s %= DAY_S;
    } else {
      error(l.number, object + ": '" + l.tokens[3] + "' must be IF or AT; write " + layout);
      return;
    }
    net_.controls.push_back(c);
  }

  void emitter(const Line& l) {
    if (!fields(l, 2, "'" + l.tokens[0] + "'", "JUNCTION COEFFICIENT")) return;
    const int i = find_node(l, 0, "junction");
    if (i < 0) return;
    Node& n = net_.nodes[i];
    if (n.kind != NodeKind::JUNCTION) {
      error(l.number, std::string(node_word(n.kind)) + " '" + n.id + "' has an emitter, which only junctions have; "
                      "remove the line or move the emitter to a junction");
      return;
    }
    if (auto v = value(l, 1, quoted("junction", n.id) + ": emitter coefficient", Bound::NON_NEGATIVE))
      n.emitter_m3s = *v;
  }

  void times(const Line& l) {
    Times& t = net_.times;
    const auto& tok = l.tokens;
    const std::string& key = tok[0];
    if (tok.size() < 2) {
      error(l.number, "'" + key + "' has no value; write for instance 'Duration 24:00'");
      return;
    }
    if (starts(key, "STAT")) {
      const std::string& v = tok.back();
      if (!starts(v, "NONE") && !starts(v, "NO") && !starts(v, "AVERAGE") && !starts(v, "MINIMUM") &&
          !starts(v, "MAXIMUM") && !starts(v, "RANGE"))
        error(l.number, "STATISTIC '" + v + "' must be NONE, AVERAGED, MINIMUM, MAXIMUM or RANGE");
      return;  // statistics of EPANET's report: not used
    }
    // The value is the last token, or the last but one followed by its unit (EPANET's timedata).
    const std::size_t n = tok.size() - 1;
    std::optional<double> hours = epanet_hours(tok[n], "");
    if (!hours && n >= 2) hours = epanet_hours(tok[n - 1], tok[n]);
    const bool two_words = starts(key, "HYDR") || starts(key, "QUAL") || starts(key, "RULE") ||
                           starts(key, "PATT") || starts(key, "REPO") || starts(key, "STAR") || starts(key, "MINI");
    const std::string name = two_words ? key + " " + tok[1] : key;
    if (!hours) {
      const std::size_t first = two_words ? std::min<std::size_t>(2, n) : 1;
      error(l.number, name + ": '" + join(std::vector<std::string>(tok.begin() + static_cast<long>(first), tok.end()), " ") +
                          "' is not a time; " + TIME_FIX + (starts(key, "STAR") ? ", or AM or PM" : ""));
      return;
    }
    const auto s = static_cast<std::int64_t>(3600.0 * *hours + 0.5);
    auto second_word = [&](std::int64_t& step, std::int64_t& start, const char* what) {
      if (starts(tok[1], "TIME")) step = s;
      else if (starts(tok[1], "STAR")) start = s;
      else error(l.number, "'" + name + "' must be " + what + " TIMESTEP or " + what + " START");
    };
    if (starts(key, "DURA")) {
      t.duration_s = s;
    } else if (starts(key, "HYDR")) {
      t.hydraulic_step_s = s;
    } else if (starts(key, "QUAL") || starts(key, "MINI")) {
      // Water quality is not simulated; MINIMUM TRAVELTIME is obsolete in EPANET too.
    } else if (starts(key, "RULE")) {
      t.rule_step_s = s;
      rule_step_given_ = true;
    } else if (starts(key, "PATT")) {
      second_word(t.pattern_step_s, t.pattern_start_s, "PATTERN");
    } else if (starts(key, "REPO")) {
      second_word(t.report_step_s, t.report_start_s, "REPORT");
    } else if (starts(key, "STAR")) {
      t.start_clocktime_s = s % DAY_S;
    } else {
      error(l.number, "unknown time option '" + key + "'" +
                          suggestion(upper(key), {"DURATION", "HYDRAULIC", "QUALITY", "RULE", "PATTERN", "REPORT",
                                                  "START", "STATISTIC"}, false) +
                          "; the options are DURATION, HYDRAULIC TIMESTEP, QUALITY TIMESTEP, RULE TIMESTEP, PATTERN "
                          "TIMESTEP, PATTERN START, REPORT TIMESTEP, REPORT START, START CLOCKTIME, STATISTIC");
    }
  }

  void option(const Line& l) {
    Options& o = net_.options;
    const auto& tok = l.tokens;
    const std::string& key = tok[0];
    const std::size_t n = tok.size() - 1;  // EPANET ignores an option written without its value
    auto second = [&](const char* word) { return n >= 1 && starts(tok[1], word); };

    // Options that name a choice (EPANET's optionchoice).
    if (starts(key, "UNIT")) {
      if (n < 1) return;
      static constexpr std::pair<const char*, FlowUnits> UNITS[] = {
          {"CFS", FlowUnits::CFS}, {"GPM", FlowUnits::GPM}, {"AFD", FlowUnits::AFD}, {"MGD", FlowUnits::MGD},
          {"IMGD", FlowUnits::IMGD}, {"LPS", FlowUnits::LPS}, {"LPM", FlowUnits::LPM}, {"CMH", FlowUnits::CMH},
          {"CMD", FlowUnits::CMD}, {"MLD", FlowUnits::MLD}, {"SI", FlowUnits::LPS}};
      for (const auto& [word, units] : UNITS)
        if (starts(tok[1], word)) {
          net_.units.flow = units;
          return;
        }
      error(l.number, "UNITS '" + tok[1] + "' must be CFS, GPM, MGD, IMGD, AFD (US customary) or LPS, LPM, MLD, CMH, "
                      "CMD (SI)" + (starts(tok[1], "CMS") ? "; m³/s (CMS) is EPANET 2.3's and is not read" : ""));
      return;
    }
    if (starts(key, "PRESSURE") && !second("EXP")) {
      if (n < 1) return;
      if (starts(tok[1], "PSI")) net_.units.pressure = PressureUnits::PSI;
      else if (starts(tok[1], "KPA")) net_.units.pressure = PressureUnits::KPA;
      else if (starts(tok[1], "METERS")) net_.units.pressure = PressureUnits::METERS;
      else error(l.number, "PRESSURE '" + tok[1] + "' must be PSI, KPA or METERS");
      return;
    }
    if (starts(key, "HEADL")) {
      if (n < 1) return;
      if (starts(tok[1], "H-W")) o.headloss = HeadLossFormula::HAZEN_WILLIAMS;
      else if (starts(tok[1], "D-W")) o.headloss = HeadLossFormula::DARCY_WEISBACH;
      else if (starts(tok[1], "C-M")) o.headloss = HeadLossFormula::CHEZY_MANNING;
      else error(l.number, "HEADLOSS '" + tok[1] + "' must be H-W, D-W or C-M");
      return;
    }
    if (starts(key, "HYDR") || starts(key, "QUAL") || starts(key, "MAP") || starts(key, "VERI") ||
        starts(key, "SEGM") || (starts(key, "DEMAND") && second("CHARGE")))
      return;  // EPANET's own files, water quality and energy: not used
    if (starts(key, "UNBA")) {
      if (n < 1) return;
      if (starts(tok[1], "STOP")) {
        o.unbalanced_continue = -1;
      } else if (starts(tok[1], "CONT")) {
        o.unbalanced_continue = 0;
        if (n >= 2)
          if (auto v = value(l, 2, "UNBALANCED CONTINUE: extra trials", Bound::NON_NEGATIVE))
            o.unbalanced_continue = static_cast<int>(*v);
      } else {
        error(l.number, "UNBALANCED '" + tok[1] + "' must be STOP or CONTINUE [trials]");
      }
      return;
    }
    if (starts(key, "PATT")) {
      if (n >= 1) default_pattern_id_ = tok[1];
      return;
    }
    if (starts(key, "DEMAND") && second("MODEL")) {
      if (n < 2) return;
      if (starts(tok[2], "DDA")) o.demand_model = DemandModel::DEMAND_DRIVEN;
      else if (starts(tok[2], "PDA")) o.demand_model = DemandModel::PRESSURE_DRIVEN;
      else error(l.number, "DEMAND MODEL '" + tok[2] + "' must be DDA or PDA");
      return;
    }
    if (starts(key, "BACK")) {
      error(l.number, "BACKFLOW ALLOWED is EPANET 2.3's emitter option and is not read; remove the line (emitters "
                      "follow EPANET 2.2)");
      return;
    }

    // Options that take a number (EPANET's optionvalue).
    static const char* const NUMERIC[] = {"TOLER", "DIFF", "DAMPLIMIT", "FLOWCHANGE", "HEADERROR", "MINI", "REQ",
                                          "PRESSURE", "VISC", "SPEC", "TRIAL", "ACCU", "HTOL", "QTOL", "RQTOL",
                                          "CHECKFREQ", "MAXCHECK", "EMIT", "DEMAND"};
    const char* matched = nullptr;
    for (const char* word : NUMERIC)
      if (starts(key, word)) {
        matched = word;
        break;
      }
    if (!matched) {
      error(l.number, "unknown option '" + key + "'" +
                          suggestion(upper(key), {"UNITS", "PRESSURE", "HEADLOSS", "HYDRAULICS", "QUALITY", "MAP",
                                                  "UNBALANCED", "PATTERN", "DEMAND", "EMITTER", "VISCOSITY",
                                                  "DIFFUSIVITY", "SPECIFIC", "TRIALS", "ACCURACY", "TOLERANCE",
                                                  "CHECKFREQ", "MAXCHECK", "DAMPLIMIT", "HEADERROR", "FLOWCHANGE",
                                                  "MINIMUM", "REQUIRED"}, false) +
                          "; the options are UNITS, PRESSURE, HEADLOSS, VISCOSITY, SPECIFIC GRAVITY, TRIALS, ACCURACY, "
                          "CHECKFREQ, MAXCHECK, DAMPLIMIT, HEADERROR, FLOWCHANGE, UNBALANCED, PATTERN, DEMAND "
                          "MULTIPLIER, DEMAND MODEL, EMITTER EXPONENT, MINIMUM PRESSURE, REQUIRED PRESSURE, PRESSURE "
                          "EXPONENT, and QUALITY, DIFFUSIVITY, TOLERANCE, MAP, HYDRAULICS (not used)");
      return;
    }
    const std::string word = matched;
    const bool two_words = word == "SPEC" || word == "EMIT" || word == "DEMAND" || word == "MINI" || word == "REQ" ||
                           word == "PRESSURE";
    const std::size_t at = two_words ? 2 : 1;
    if (n < at) return;
    const std::string name = upper(two_words ? key + " " + tok[1] : key);
    const bool any = word == "DAMPLIMIT";
    const bool non_negative = word == "TOLER" || word == "DIFF" || word == "FLOWCHANGE" || word == "HEADERROR" ||
                              word == "MINI" || word == "REQ" || word == "PRESSURE";
    const auto y = value(l, at, name, any ? Bound::ANY : non_negative ? Bound::NON_NEGATIVE : Bound::POSITIVE);
    if (!y) return;
    if (word == "DAMPLIMIT") o.damp_limit = *y;
    else if (word == "FLOWCHANGE") o.flow_change_m3s = *y;
    else if (word == "HEADERROR") o.head_error_m = *y;
    else if (word == "MINI") minimum_pressure(l, *y);
    else if (word == "REQ") required_pressure(l, *y);
    else if (word == "PRESSURE") o.pressure_exponent = *y;
    else if (word == "VISC") o.viscosity = *y;  // a multiplier, or a viscosity: see convert()
    else if (word == "SPEC") o.specific_gravity = *y;
    else if (word == "TRIAL") o.max_trials = static_cast<int>(*y);
    else if (word == "ACCU") o.accuracy = std::clamp(*y, 1.0e-5, 1.0e-1);  // EPANET's bounds
    else if (word == "RQTOL" && *y >= 1.0) error(l.number, "RQTOL " + tok[at] + " must be below 1");
    else if (word == "CHECKFREQ") o.check_freq = static_cast<int>(*y);
    else if (word == "MAXCHECK") o.max_check = static_cast<int>(*y);
    else if (word == "EMIT") o.emitter_exponent = *y;
    else if (word == "DEMAND") set_demand_multiplier(l, *y);
    // TOLERANCE, DIFFUSIVITY (water quality), HTOL, QTOL and RQTOL (EPANET's own tolerances): checked, not used.
  }

  /// MINIMUM and REQUIRED PRESSURE as EPANET takes them, line by line: the required pressure follows the minimum
  /// while it keeps its default, and must stay 0.1 (psi or m) above it.
  void minimum_pressure(const Line& l, double y) {
    if (required_pressure_ == MIN_PRESSURE_DIFF) {
      required_pressure_ = y + MIN_PRESSURE_DIFF;
    } else if (required_pressure_ - y < MIN_PRESSURE_DIFF) {
      error(l.number, "MINIMUM PRESSURE " + l.tokens[2] + " leaves less than 0.1 below the REQUIRED PRESSURE " +
                          number_text(required_pressure_) + "; lower it or raise the required pressure");
      return;
    }
    minimum_pressure_ = y;
  }

  void required_pressure(const Line& l, double y) {
    if (y - minimum_pressure_ < MIN_PRESSURE_DIFF) {
      error(l.number, "REQUIRED PRESSURE " + l.tokens[2] + " must exceed the MINIMUM PRESSURE " +
                          number_text(minimum_pressure_) + " by at least 0.1; raise it");
      return;
    }
    required_pressure_ = y;
  }

  static std::string number_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
  }

  void coordinates(const Line& l) {
    if (!fields(l, 3, "'" + l.tokens[0] + "'", "NODE X Y")) return;
    const int i = find_node(l, 0, "node");
    if (i < 0) return;
    const std::string object = quoted(node_word(net_.nodes[i].kind), l.tokens[0]);
    auto x = value(l, 1, object + ": x");
    auto y = value(l, 2, object + ": y");
    if (!x || !y) return;
    Node& n = net_.nodes[i];
    n.has_coordinates = true;
    n.x = *x;
    n.y = *y;
  }

  // --- Conversion to SI, and EPANET's adjustments ---

  void convert() {
    FileUnits& u = net_.units;
    Options& o = net_.options;

    // The units system follows the flow units; pressure is psi in US units, metres by default in SI.
    double per_cfs = 1.0;
    switch (u.flow) {
      case FlowUnits::CFS: per_cfs = 1.0; break;
      case FlowUnits::GPM: per_cfs = GPM_PER_CFS; break;
      case FlowUnits::MGD: per_cfs = MGD_PER_CFS; break;
      case FlowUnits::IMGD: per_cfs = IMGD_PER_CFS; break;
      case FlowUnits::AFD: per_cfs = AFD_PER_CFS; break;
      case FlowUnits::LPS: per_cfs = LPS_PER_CFS; break;
      case FlowUnits::LPM: per_cfs = LPM_PER_CFS; break;
      case FlowUnits::MLD: per_cfs = MLD_PER_CFS; break;
      case FlowUnits::CMH: per_cfs = CMH_PER_CFS; break;
      case FlowUnits::CMD: per_cfs = CMD_PER_CFS; break;
    }
    u.us_customary = u.flow <= FlowUnits::AFD;
    if (u.us_customary) u.pressure = PressureUnits::PSI;
    else if (u.pressure == PressureUnits::PSI) u.pressure = PressureUnits::METERS;

    // Each factor: the file's unit in EPANET's feet and cfs (its Ucf), then the exact foot.
    const double sg = o.specific_gravity;
    u.flow_m3s = CFS / per_cfs;
    if (u.us_customary) {
      u.length_m = FT;
      u.diameter_m = FT / 12.0;
      u.pressure_m = FT / (PSI_PER_FT * sg);
      u.power_kw = KW_PER_HP;
      u.darcy_roughness_m = FT / 1000.0;
    } else {
      u.length_m = FT / M_PER_FT;
      u.diameter_m = FT / (1000.0 * M_PER_FT);
      u.pressure_m = FT / ((u.pressure == PressureUnits::METERS ? M_PER_FT : KPA_PER_PSI * PSI_PER_FT) * sg);
      u.power_kw = 1.0;  // EPANET reads kW as hp by its 0.7457, which converts them back
      u.darcy_roughness_m = FT / (1000.0 * M_PER_FT);
    }
    u.volume_m3 = u.length_m * u.length_m * u.length_m;

    // Viscosity: above 1e-3 a multiplier of water's, else a kinematic viscosity in ft²/s or m²/s.
    if (o.viscosity <= 1.0e-3) o.viscosity = o.viscosity / (u.us_customary ? 1.0 : M_PER_FT * M_PER_FT) / VISCOSITY_FT2S;

    // Curves by their use; the others (efficiency curves, unused curves) stay in the file's units.
    for (std::size_t i = 0; i < net_.curves.size(); ++i) {
      Curve& c = net_.curves[i];
      double fx = 1.0, fy = 1.0;
      switch (curve_use_[i]) {
        case CurveUse::PUMP:
        case CurveUse::HEADLOSS: fx = u.flow_m3s; fy = u.length_m; break;
        case CurveUse::VOLUME: fx = u.length_m; fy = u.volume_m3; break;
        case CurveUse::NONE: continue;
      }
      for (std::size_t p = 1; p < c.x.size(); ++p)
        if (c.x[p] <= c.x[p - 1]) {
          error(curve_point_lines_[i][p], "[CURVES] curve '" + c.id + "': x " + number_text(c.x[p]) +
                                              " does not rise from the point before; list the points by rising x");
          break;
        }
      for (double& x : c.x) x *= fx;
      for (double& y : c.y) y *= fy;
    }

    for (Node& n : net_.nodes) {
      n.elevation_m *= u.length_m;
      for (Demand& d : n.demands) d.base_m3s *= u.flow_m3s;
      // Q = C p^n: C in file flow per (file pressure)^n, made m³/s per (m of head)^n.
      if (n.emitter_m3s > 0.0) n.emitter_m3s = n.emitter_m3s * u.flow_m3s / std::pow(u.pressure_m, o.emitter_exponent);
      if (n.kind != NodeKind::TANK) continue;
      n.init_level_m *= u.length_m;
      n.min_level_m *= u.length_m;
      n.max_level_m *= u.length_m;
      n.diameter_m *= u.length_m;
      n.min_volume_m3 *= u.volume_m3;
      tank_volume(n);
    }
    for (Link& k : net_.links) {
      if (k.kind == LinkKind::PIPE || k.kind == LinkKind::CV_PIPE) {
        k.length_m *= u.length_m;
        k.diameter_m *= u.diameter_m;
        if (o.headloss == HeadLossFormula::DARCY_WEISBACH) k.roughness *= u.darcy_roughness_m;
      } else if (k.kind == LinkKind::PUMP) {
        k.power_kw *= u.power_kw;
      } else {
        k.diameter_m *= u.diameter_m;
        k.setting = link_setting(k, k.setting);
      }
    }
    for (Control& c : net_.controls) {
      if (c.node >= 0) {
        const Node& n = net_.nodes[c.node];
        c.grade_m = n.elevation_m + c.grade_m * (n.kind == NodeKind::JUNCTION ? u.pressure_m : u.length_m);
      }
      if (c.has_setting) c.setting = link_setting(net_.links[c.link], c.setting);
    }
    o.minimum_pressure_m = minimum_pressure_ * u.pressure_m;
    o.required_pressure_m = required_pressure_ * u.pressure_m;
    o.head_error_m *= u.length_m;
    o.flow_change_m3s *= u.flow_m3s;

    // The default pattern: OPTIONS PATTERN, else the pattern called "1"; none (multiplier 1) when it does not
    // exist, as EPANET does.
    if (auto it = pattern_index_.find(default_pattern_id_); it != pattern_index_.end()) o.default_pattern = it->second;

    // EPANET's adjustments of the time steps (adjustdata).
    Times& t = net_.times;
    if (t.pattern_step_s <= 0) t.pattern_step_s = 3600;
    if (t.report_step_s == 0) t.report_step_s = t.pattern_step_s;
    if (t.hydraulic_step_s <= 0) t.hydraulic_step_s = 3600;
    if (t.hydraulic_step_s > t.pattern_step_s) t.hydraulic_step_s = t.pattern_step_s;
    if (t.hydraulic_step_s > t.report_step_s) t.hydraulic_step_s = t.report_step_s;
    if (t.report_start_s > t.duration_s) t.report_start_s = 0;
    if (!rule_step_given_ || t.rule_step_s == 0) t.rule_step_s = t.hydraulic_step_s / 10;
    t.rule_step_s = std::min(t.rule_step_s, t.hydraulic_step_s);
  }

  /// A tank's volume at its minimum level, as EPANET sets it: MINVOL if given, else the cylinder's; from the volume
  /// curve when it has one, whose depths must then cover the tank's levels.
  void tank_volume(Node& n) {
    if (n.volume_curve < 0) {
      if (n.min_volume_m3 <= 0.0) n.min_volume_m3 = std::numbers::pi * n.diameter_m * n.diameter_m / 4.0 * n.min_level_m;
      return;
    }
    const Curve& c = net_.curves[n.volume_curve];
    if (c.x.empty() || n.min_level_m < c.x.front() || n.max_level_m > c.x.back()) {
      current_ = nullptr;
      error(n.line, "[TANKS] tank '" + n.id + "': its volume curve '" + c.id + "' does not cover its levels from the "
                    "minimum to the maximum; extend the curve");
      return;
    }
    std::size_t i = 1;
    while (i + 1 < c.x.size() && c.x[i] < n.min_level_m) ++i;
    n.min_volume_m3 = c.x.size() == 1 ? c.y[0]
                                      : c.y[i - 1] + (c.y[i] - c.y[i - 1]) * (n.min_level_m - c.x[i - 1]) /
                                                         (c.x[i] - c.x[i - 1]);
  }

  /// A valve's setting in SI: pressures for PRV, PSV and PBV, a flow for an FCV; a TCV's loss coefficient and a
  /// GPV's curve index as they are; a pump's speed as it is.
  double link_setting(const Link& k, double s) const {
    if (std::isnan(s)) return s;
    switch (k.kind) {
      case LinkKind::PRV:
      case LinkKind::PSV:
      case LinkKind::PBV: return s * net_.units.pressure_m;
      case LinkKind::FCV: return s * net_.units.flow_m3s;
      default: return s;
    }
  }
};

}  // namespace

std::optional<std::int64_t> parse_epanet_time(std::string_view value, std::string_view unit) {
  const auto hours = epanet_hours(value, unit);
  if (!hours) return std::nullopt;
  return static_cast<std::int64_t>(3600.0 * *hours + 0.5);
}

WaterNetwork parse_inp(std::string_view text, const std::string& name) { return Reader(name).read(text); }

WaterNetwork read_inp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw sim::ScenarioError(path + ": cannot open the network file (" + std::strerror(errno) + "); check the path");
  std::ostringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  if (s.empty()) throw sim::ScenarioError(path + ": the network file is empty; export it again from EPANET");
  return parse_inp(s, path);
}

std::vector<std::string> ignored_report(const WaterNetwork& net) {
  std::vector<std::string> out;
  for (const IgnoredSection& s : net.ignored) {
    std::string what;
    for (const SectionName& n : SECTIONS)
      if (s.name == "[" + std::string(n.name) + "]") what = n.what;
    out.push_back(s.name + " at line " + std::to_string(s.line) + ": " + std::to_string(s.entries) +
                  (s.entries == 1 ? " entry" : " entries") + " ignored (" + what + ")");
  }
  return out;
}

}  // namespace citytwin::models::water
