// EPANET input files: two passes (identifiers, then data, in any section order), then conversion to SI.
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
#include <map>
#include <numbers>
#include <sstream>
#include <unordered_map>

#include "sim/Scenario.hpp"

namespace citytwin::models::water {

namespace {

constexpr double FT = 0.3048;
constexpr double CFS = FT * FT * FT;
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

enum class Section : std::uint8_t {
  NONE, TITLE, JUNCTIONS, RESERVOIRS, TANKS, PIPES, PUMPS, VALVES, DEMANDS, STATUS, PATTERNS, CURVES, CONTROLS,
  EMITTERS, TIMES, OPTIONS, COORDINATES, IGNORED, END
};

struct SectionName {
  const char* name;
  Section section;
  const char* what;  // for ignored sections: what they hold
};

constexpr SectionName SECTIONS[] = {
    {"TITLE", Section::TITLE, ""},           {"JUNCTIONS", Section::JUNCTIONS, ""},
    {"RESERVOIRS", Section::RESERVOIRS, ""}, {"TANKS", Section::TANKS, ""},
    {"PIPES", Section::PIPES, ""},           {"PUMPS", Section::PUMPS, ""},
    {"VALVES", Section::VALVES, ""},         {"DEMANDS", Section::DEMANDS, ""},
    {"STATUS", Section::STATUS, ""},         {"PATTERNS", Section::PATTERNS, ""},
    {"CURVES", Section::CURVES, ""},         {"CONTROLS", Section::CONTROLS, ""},
    {"EMITTERS", Section::EMITTERS, ""},     {"TIMES", Section::TIMES, ""},
    {"OPTIONS", Section::OPTIONS, ""},       {"COORDINATES", Section::COORDINATES, ""},
    {"END", Section::END, ""},
    {"RULES", Section::IGNORED, "rule-based controls are not simulated; write them as simple [CONTROLS]"},
    {"ENERGY", Section::IGNORED, "pump energy and costs"},
    {"QUALITY", Section::IGNORED, "water quality"},
    {"REACTIONS", Section::IGNORED, "water quality"},
    {"SOURCES", Section::IGNORED, "water quality"},
    {"MIXING", Section::IGNORED, "water quality"},
    {"REPORT", Section::IGNORED, "EPANET's report file"},
    {"TAGS", Section::IGNORED, "labels for EPANET's interface"},
    {"VERTICES", Section::IGNORED, "the drawing of links"},
    {"LABELS", Section::IGNORED, "the drawing of the map"},
    {"BACKDROP", Section::IGNORED, "the drawing of the map"},
    {"LEAKAGE", Section::IGNORED, "EPANET 2.3's pipe leakage; leaks are modelled by the scenario"},
};

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

/// A keyword matches when the token starts with it, case-insensitive, as in EPANET ("HOURS" matches "HOU").
bool starts(std::string_view token, std::string_view keyword) {
  if (token.size() < keyword.size()) return false;
  for (std::size_t i = 0; i < keyword.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(token[i])) != keyword[i]) return false;
  return true;
}

bool same(std::string_view token, std::string_view keyword) { return token.size() == keyword.size() && starts(token, keyword); }

std::optional<double> number(std::string_view s) {
  double v = 0.0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string list(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

/// One data line: its tokens, its comment, its number.
struct Line {
  int number = 0;
  std::vector<std::string> tokens;
  std::string comment;
};

struct Raw {
  Section section = Section::NONE;
  std::string section_name;
  std::vector<Line> lines;
};

/// What a curve is used for, which sets its units.
enum class CurveUse : std::uint8_t { NONE, PUMP, VOLUME, HEADLOSS };

class Reader {
 public:
  explicit Reader(std::string name) { net_.path = std::move(name); }

  WaterNetwork read(std::string_view text) {
    split(text);
    collect_ids();
    if (errors_.empty()) read_data();
    if (errors_.empty()) convert();
    if (!errors_.empty()) {
      std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      std::string message;
      for (const auto& [line, text_] : errors_) message += (message.empty() ? "" : "\n") + text_;
      throw sim::ScenarioError(message);
    }
    return std::move(net_);
  }

 private:
  WaterNetwork net_;
  std::vector<Raw> blocks_;
  std::vector<std::pair<int, std::string>> errors_;
  const Raw* current_ = nullptr;
  // Identifiers collected by the first pass.
  std::vector<std::pair<std::string, int>> junction_ids_, fixed_ids_, link_ids_;
  std::vector<NodeKind> fixed_kinds_;
  std::unordered_map<std::string, int> pattern_index_, curve_index_;
  std::vector<CurveUse> curve_use_;
  std::vector<bool> demands_replaced_;
  std::string default_pattern_id_ = "1";
  std::vector<double> control_levels_;  // per control: the level or pressure as written
  bool any_volume_curve_ = false;

  void error(int line, const std::string& what) {
    const std::string section = current_ ? "[" + current_->section_name + "] " : "";
    errors_.emplace_back(line, net_.path + ":" + std::to_string(line) + ": " + section + what);
  }

  // --- Lines and sections ---

  void split(std::string_view text) {
    int line_no = 0;
    Raw* block = nullptr;
    std::size_t pos = 0;
    while (pos <= text.size()) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view raw = text.substr(pos, end - pos);
      pos = end + 1;
      ++line_no;
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);

      // Tokens up to a ';' outside quotes; a quoted token may hold spaces.
      Line line;
      line.number = line_no;
      std::string token;
      bool quoted = false, in_token = false;
      std::size_t i = 0;
      for (; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c == '"') {
          quoted = !quoted;
          in_token = true;
          continue;
        }
        if (!quoted && c == ';') break;
        if (!quoted && (c == ' ' || c == '\t')) {
          if (in_token) line.tokens.push_back(token);
          token.clear();
          in_token = false;
          continue;
        }
        token += c;
        in_token = true;
      }
      if (in_token) line.tokens.push_back(token);
      if (i < raw.size()) {
        std::string_view comment = raw.substr(i + 1);
        while (!comment.empty() && std::isspace(static_cast<unsigned char>(comment.front()))) comment.remove_prefix(1);
        while (!comment.empty() && std::isspace(static_cast<unsigned char>(comment.back()))) comment.remove_suffix(1);
        line.comment = std::string(comment);
      }
      if (line.tokens.empty()) {
        // A title keeps its comment-free text only; blank lines end nothing.
        continue;
      }
      if (line.tokens[0].front() == '[') {
        std::string name = line.tokens[0].substr(1);
        if (!name.empty() && name.back() == ']') name.pop_back();
        name = upper(name);
        blocks_.push_back({});
        block = &blocks_.back();
        block->section_name = name;
        const SectionName* found = nullptr;
        for (const SectionName& s : SECTIONS)
          if (name == s.name) found = &s;
        if (!found) {
          std::vector<std::string> names;
          for (const SectionName& s : SECTIONS) names.emplace_back(s.name);
          current_ = nullptr;
          const auto guess = sim::closest_word(name, names);
          error(line_no, "unknown section [" + name + "]" + (guess ? " (did you mean [" + *guess + "]?)" : "") +
                             "; the sections of an EPANET file are " + list(names));
          block->section = Section::IGNORED;
          block->section_name.clear();
          continue;
        }
        block->section = found->section;
        if (found->section == Section::IGNORED)
          net_.ignored.push_back({"[" + name + "]", line_no, 0});
        continue;
      }
      if (!block) {
        current_ = nullptr;
        error(line_no, "data before the first section header; start the file with a section such as [TITLE] or [JUNCTIONS]");
        continue;
      }
      if (block->section == Section::IGNORED) {
        if (!block->section_name.empty()) ++net_.ignored.back().entries;
        continue;
      }
      if (block->section == Section::END) continue;
      block->lines.push_back(std::move(line));
    }
    // Only sections that hold something are worth reporting.
    std::erase_if(net_.ignored, [](const IgnoredSection& s) { return s.entries == 0; });
  }

  // --- First pass: identifiers ---

  void collect_ids() {
    std::unordered_map<std::string, int> node_lines, link_lines;
    auto add_node = [&](const Line& l, NodeKind kind) {
      const std::string& id = l.tokens[0];
      if (auto it = node_lines.find(id); it != node_lines.end()) {
        error(l.number, "node '" + id + "' is already defined at line " + std::to_string(it->second) +
                            "; give each junction, reservoir and tank its own ID");
        return;
      }
      node_lines[id] = l.number;
      if (kind == NodeKind::JUNCTION) junction_ids_.emplace_back(id, l.number);
      else {
        fixed_ids_.emplace_back(id, l.number);
        fixed_kinds_.push_back(kind);
      }
    };
    for (const Raw& b : blocks_) {
      current_ = &b;
      for (const Line& l : b.lines) {
        switch (b.section) {
          case Section::JUNCTIONS: add_node(l, NodeKind::JUNCTION); break;
          case Section::RESERVOIRS: add_node(l, NodeKind::RESERVOIR); break;
          case Section::TANKS: add_node(l, NodeKind::TANK); break;
          case Section::PIPES:
          case Section::PUMPS:
          case Section::VALVES: {
            const std::string& id = l.tokens[0];
            if (auto it = link_lines.find(id); it != link_lines.end()) {
              error(l.number, "link '" + id + "' is already defined at line " + std::to_string(it->second) +
                                  "; give each pipe, pump and valve its own ID");
              break;
            }
            link_lines[id] = l.number;
            link_ids_.emplace_back(id, l.number);
            break;
          }
          case Section::PATTERNS:
            if (!pattern_index_.count(l.tokens[0])) {
              pattern_index_[l.tokens[0]] = static_cast<int>(net_.patterns.size());
              net_.patterns.push_back({l.tokens[0], {}});
            }
            break;
          case Section::CURVES:
            if (!curve_index_.count(l.tokens[0])) {
              curve_index_[l.tokens[0]] = static_cast<int>(net_.curves.size());
              net_.curves.push_back({l.tokens[0], {}, {}, l.number});
              curve_use_.push_back(CurveUse::NONE);
            }
            break;
          default: break;
        }
      }
    }
    current_ = nullptr;

    // Junctions first, then reservoirs and tanks, as EPANET numbers them.
    for (const auto& [id, line] : junction_ids_) {
      Node n;
      n.id = id;
      n.kind = NodeKind::JUNCTION;
      n.line = line;
      net_.node_index[id] = static_cast<int>(net_.nodes.size());
      net_.nodes.push_back(std::move(n));
    }
    for (std::size_t i = 0; i < fixed_ids_.size(); ++i) {
      Node n;
      n.id = fixed_ids_[i].first;
      n.kind = fixed_kinds_[i];
      n.line = fixed_ids_[i].second;
      net_.node_index[n.id] = static_cast<int>(net_.nodes.size());
      net_.nodes.push_back(std::move(n));
    }
    for (const auto& [id, line] : link_ids_) {
      Link k;
      k.id = id;
      k.line = line;
      net_.link_index[id] = static_cast<int>(net_.links.size());
      net_.links.push_back(std::move(k));
    }
    demands_replaced_.assign(net_.nodes.size(), false);
  }

  // --- Second pass: data in the file's units ---

  std::vector<std::string> node_ids() const {
    std::vector<std::string> ids;
    for (const Node& n : net_.nodes) ids.push_back(n.id);
    return ids;
  }

  int find_node(const Line& l, std::size_t tok, const char* role) {
    const std::string& id = l.tokens[tok];
    const int i = net_.node(id);
    if (i < 0) {
      const auto guess = sim::closest_word(id, node_ids());
      error(l.number, std::string(role) + " '" + id + "' is not defined" + (guess ? " (did you mean '" + *guess + "'?)" : "") +
                          "; declare it in [JUNCTIONS], [RESERVOIRS] or [TANKS]");
    }
    return i;
  }

  int find_pattern(const Line& l, const std::string& id) {
    auto it = pattern_index_.find(id);
    if (it != pattern_index_.end()) return it->second;
    std::vector<std::string> ids;
    for (const Pattern& p : net_.patterns) ids.push_back(p.id);
    const auto guess = sim::closest_word(id, ids);
    error(l.number, "pattern '" + id + "' is not defined" + (guess ? " (did you mean '" + *guess + "'?)" : "") +
                        "; declare it in [PATTERNS]");
    return -1;
  }

  int find_curve(const Line& l, const std::string& id, CurveUse use, const char* what) {
    auto it = curve_index_.find(id);
    if (it == curve_index_.end()) {
      std::vector<std::string> ids;
      for (const Curve& c : net_.curves) ids.push_back(c.id);
      const auto guess = sim::closest_word(id, ids);
      error(l.number, std::string(what) + " '" + id + "' is not defined" +
                          (guess ? " (did you mean '" + *guess + "'?)" : "") + "; declare it in [CURVES]");
      return -1;
    }
    CurveUse& u = curve_use_[it->second];
    if (u != CurveUse::NONE && u != use)
      error(l.number, "curve '" + id + "' is used both as a pump, volume or head-loss curve and as another kind; "
                      "give each use its own curve");
    u = use;
    return it->second;
  }

  /// The number in token `tok`, or an error naming `field`; `min` is the smallest allowed value.
  std::optional<double> value(const Line& l, std::size_t tok, const char* field, double min = -HUGE_VAL,
                              bool strictly = false) {
    const auto v = number(l.tokens[tok]);
    if (!v) {
      error(l.number, std::string(field) + ": '" + l.tokens[tok] + "' is not a number; write a number such as 12.5");
      return std::nullopt;
    }
    if (strictly ? *v <= min : *v < min) {
      char bound[32];
      std::snprintf(bound, sizeof bound, "%g", min);
      error(l.number, std::string(field) + ": " + l.tokens[tok] + " must be " + (strictly ? "above " : "at least ") +
                          bound + "; correct the value");
      return std::nullopt;
    }
    return v;
  }

  bool fields(const Line& l, std::size_t n, const char* layout) {
    if (l.tokens.size() >= n) return true;
    error(l.number, "'" + l.tokens[0] + "' has " + std::to_string(l.tokens.size()) + " fields where " +
                        std::to_string(n) + " are needed; write " + layout);
    return false;
  }

  void read_data() {
    for (const Raw& b : blocks_) {
      current_ = &b;
      for (const Line& l : b.lines) {
        switch (b.section) {
          case Section::TITLE: {
            std::string text;
            for (const auto& t : l.tokens) text += (text.empty() ? "" : " ") + t;
            net_.title += (net_.title.empty() ? "" : "\n") + text;
            break;
          }
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
    }
    current_ = nullptr;
  }

  void junction(const Line& l) {
    if (!fields(l, 2, "ID ELEVATION [DEMAND] [PATTERN]")) return;
    Node& n = net_.nodes[net_.node(l.tokens[0])];
    if (auto v = value(l, 1, "elevation")) n.elevation_m = *v;
    if (l.tokens.size() > 2) {
      Demand d;
      if (auto v = value(l, 2, "demand")) d.base_m3s = *v;
      if (l.tokens.size() > 3) d.pattern = find_pattern(l, l.tokens[3]);
      n.demands.push_back(d);
    }
  }

  void reservoir(const Line& l) {
    if (!fields(l, 2, "ID HEAD [PATTERN]")) return;
    Node& n = net_.nodes[net_.node(l.tokens[0])];
    if (auto v = value(l, 1, "head")) n.elevation_m = *v;
    if (l.tokens.size() > 2) n.head_pattern = find_pattern(l, l.tokens[2]);
  }

  void tank(const Line& l) {
    if (!fields(l, 6, "ID ELEVATION INITLEVEL MINLEVEL MAXLEVEL DIAMETER [MINVOL] [VOLCURVE] [OVERFLOW]")) return;
    Node& n = net_.nodes[net_.node(l.tokens[0])];
    if (auto v = value(l, 1, "elevation")) n.elevation_m = *v;
    if (auto v = value(l, 2, "initial level", 0.0)) n.init_level_m = *v;
    if (auto v = value(l, 3, "minimum level", 0.0)) n.min_level_m = *v;
    if (auto v = value(l, 4, "maximum level", 0.0)) n.max_level_m = *v;
    if (auto v = value(l, 5, "diameter", 0.0)) n.diameter_m = *v;
    if (l.tokens.size() > 6)
      if (auto v = value(l, 6, "minimum volume", 0.0)) n.min_volume_m3 = *v;
    if (l.tokens.size() > 7 && l.tokens[7] != "*") {
      n.volume_curve = find_curve(l, l.tokens[7], CurveUse::VOLUME, "volume curve");
      any_volume_curve_ = true;
    }
    if (l.tokens.size() > 8) {
      if (same(l.tokens[8], "YES")) n.can_overflow = true;
      else if (same(l.tokens[8], "NO")) n.can_overflow = false;
      else error(l.number, "tank '" + n.id + "': overflow '" + l.tokens[8] + "' must be YES or NO");
    }
    if (n.init_level_m < n.min_level_m || n.init_level_m > n.max_level_m)
      error(l.number, "tank '" + n.id + "': initial level " + l.tokens[2] + " lies outside its levels " + l.tokens[3] +
                          " to " + l.tokens[4] + "; put it between the minimum and maximum levels");
  }

  bool ends(const Line& l, Link& k) {
    k.from = find_node(l, 1, ("link '" + k.id + "': start node").c_str());
    k.to = find_node(l, 2, ("link '" + k.id + "': end node").c_str());
    if (k.from >= 0 && k.from == k.to) {
      error(l.number, "link '" + k.id + "' starts and ends at node '" + l.tokens[1] + "'; connect two different nodes");
      return false;
    }
    return k.from >= 0 && k.to >= 0;
  }

  void pipe(const Line& l) {
    if (!fields(l, 6, "ID NODE1 NODE2 LENGTH DIAMETER ROUGHNESS [MINORLOSS] [OPEN|CLOSED|CV]")) return;
    Link& k = net_.links[net_.link(l.tokens[0])];
    k.kind = LinkKind::PIPE;
    if (!ends(l, k)) return;
    if (auto v = value(l, 3, "length", 0.0, true)) k.length_m = *v;
    if (auto v = value(l, 4, "diameter", 0.0, true)) k.diameter_m = *v;
    if (auto v = value(l, 5, "roughness", 0.0, true)) k.roughness = *v;
    std::size_t status_tok = 0;
    if (l.tokens.size() == 7) {
      if (number(l.tokens[6])) {
        if (auto v = value(l, 6, "minor loss", 0.0)) k.minor_loss = *v;
      } else {
        status_tok = 6;
      }
    } else if (l.tokens.size() >= 8) {
      if (auto v = value(l, 6, "minor loss", 0.0)) k.minor_loss = *v;
      status_tok = 7;
    }
    if (status_tok) {
      const std::string& s = l.tokens[status_tok];
      if (same(s, "CV")) k.kind = LinkKind::CV_PIPE;
      else if (same(s, "CLOSED")) k.status = LinkStatus::CLOSED;
      else if (same(s, "OPEN")) k.status = LinkStatus::OPEN;
      else error(l.number, "pipe '" + k.id + "': status '" + s + "' must be OPEN, CLOSED or CV");
    }
  }

  void pump(const Line& l) {
    if (!fields(l, 5, "ID NODE1 NODE2 HEAD curve | POWER kw [SPEED s] [PATTERN p]")) return;
    Link& k = net_.links[net_.link(l.tokens[0])];
    k.kind = LinkKind::PUMP;
    k.setting = 1.0;
    if (!ends(l, k)) return;
    for (std::size_t m = 3; m + 1 < l.tokens.size() + 1; m += 2) {
      const std::string& key = l.tokens[m];
      if (m + 1 >= l.tokens.size()) {
        error(l.number, "pump '" + k.id + "': keyword '" + key + "' has no value; write KEYWORD VALUE pairs");
        return;
      }
      if (same(key, "HEAD")) k.head_curve = find_curve(l, l.tokens[m + 1], CurveUse::PUMP, "head curve");
      else if (same(key, "POWER")) {
        if (auto v = value(l, m + 1, "power", 0.0, true)) k.power_kw = *v;
      } else if (same(key, "SPEED")) {
        if (auto v = value(l, m + 1, "speed", 0.0)) k.setting = *v;
      } else if (same(key, "PATTERN")) {
        k.speed_pattern = find_pattern(l, l.tokens[m + 1]);
      } else {
        const auto guess = sim::closest_word(upper(key), {"HEAD", "POWER", "SPEED", "PATTERN"});
        error(l.number, "pump '" + k.id + "': unknown keyword '" + key + "'" +
                            (guess ? " (did you mean " + *guess + "?)" : "") + "; the keywords are HEAD, POWER, SPEED, PATTERN");
      }
    }
    if (k.head_curve < 0 && k.power_kw <= 0.0)
      error(l.number, "pump '" + k.id + "' has neither a HEAD curve nor a POWER; give it one of them");
  }

  void valve(const Line& l) {
    if (!fields(l, 6, "ID NODE1 NODE2 DIAMETER TYPE SETTING [MINORLOSS]")) return;
    Link& k = net_.links[net_.link(l.tokens[0])];
    const std::string type = upper(l.tokens[4]);
    static const std::map<std::string, LinkKind> kinds = {{"PRV", LinkKind::PRV}, {"PSV", LinkKind::PSV},
                                                          {"PBV", LinkKind::PBV}, {"FCV", LinkKind::FCV},
                                                          {"TCV", LinkKind::TCV}, {"GPV", LinkKind::GPV}};
    auto it = kinds.find(type);
    if (it == kinds.end()) {
      error(l.number, "valve '" + k.id + "': type '" + l.tokens[4] + "' must be PRV, PSV, PBV, FCV, TCV or GPV");
      return;
    }
    k.kind = it->second;
    k.status = k.kind == LinkKind::GPV ? LinkStatus::OPEN : LinkStatus::ACTIVE;
    if (!ends(l, k)) return;
    if ((k.kind == LinkKind::PRV || k.kind == LinkKind::PSV || k.kind == LinkKind::FCV) &&
        (net_.nodes[k.from].kind != NodeKind::JUNCTION || net_.nodes[k.to].kind != NodeKind::JUNCTION))
      error(l.number, "valve '" + k.id + "': a " + type +
                          " cannot connect to a reservoir or tank; put a short pipe between them");
    if (auto v = value(l, 3, "diameter", 0.0, true)) k.diameter_m = *v;
    if (k.kind == LinkKind::GPV) {
      const int c = find_curve(l, l.tokens[5], CurveUse::HEADLOSS, "head-loss curve");
      k.setting = c;
    } else if (auto v = value(l, 5, "setting")) {
      k.setting = *v;
    }
    if (l.tokens.size() > 6)
      if (auto v = value(l, 6, "minor loss", 0.0)) k.minor_loss = *v;
  }

  void demand(const Line& l) {
    if (!fields(l, 2, "JUNCTION DEMAND [PATTERN] [;CATEGORY]")) return;
    const int i = find_node(l, 0, "junction");
    if (i < 0) return;
    if (net_.nodes[i].kind != NodeKind::JUNCTION) {
      error(l.number, "node '" + l.tokens[0] + "' is a reservoir or tank; demands go on junctions");
      return;
    }
    Demand d;
    if (auto v = value(l, 1, "demand")) d.base_m3s = *v;
    if (l.tokens.size() > 2) d.pattern = find_pattern(l, l.tokens[2]);
    d.category = l.comment;
    Node& n = net_.nodes[i];
    if (!demands_replaced_[i]) {
      n.demands.clear();
      demands_replaced_[i] = true;
    }
    n.demands.push_back(d);
  }

  void status(const Line& l) {
    if (!fields(l, 2, "LINK OPEN|CLOSED|ACTIVE|VALUE")) return;
    const int j = net_.link(l.tokens[0]);
    if (j < 0) {
      std::vector<std::string> ids;
      for (const Link& k : net_.links) ids.push_back(k.id);
      const auto guess = sim::closest_word(l.tokens[0], ids);
      error(l.number, "link '" + l.tokens[0] + "' is not defined" + (guess ? " (did you mean '" + *guess + "'?)" : "") +
                          "; declare it in [PIPES], [PUMPS] or [VALVES]");
      return;
    }
    Link& k = net_.links[j];
    const std::string& s = l.tokens[1];
    const auto v = number(s);
    if (!v && !same(s, "OPEN") && !same(s, "CLOSED") && !same(s, "ACTIVE")) {
      error(l.number, "link '" + k.id + "': status '" + s + "' must be OPEN, CLOSED, ACTIVE or a setting");
      return;
    }
    const bool is_pipe = k.kind == LinkKind::PIPE || k.kind == LinkKind::CV_PIPE;
    if (k.kind == LinkKind::CV_PIPE) {
      error(l.number, "pipe '" + k.id + "' has a check valve: its status cannot be set; remove this line");
      return;
    }
    if (is_pipe || k.kind == LinkKind::GPV) {
      if (v || same(s, "ACTIVE")) {
        error(l.number, "link '" + k.id + "': a pipe or GPV takes OPEN or CLOSED, not '" + s + "'");
        return;
      }
      k.status = same(s, "OPEN") ? LinkStatus::OPEN : LinkStatus::CLOSED;
    } else if (k.kind == LinkKind::PUMP) {
      if (v) {
        if (*v < 0.0) {
          error(l.number, "pump '" + k.id + "': speed " + s + " must be at least 0");
          return;
        }
        k.setting = *v;
        k.status = *v == 0.0 ? LinkStatus::CLOSED : LinkStatus::OPEN;
      } else if (same(s, "OPEN")) {
        k.setting = 1.0;
        k.status = LinkStatus::OPEN;
      } else if (same(s, "CLOSED")) {
        k.status = LinkStatus::CLOSED;
      } else {
        error(l.number, "pump '" + k.id + "' takes OPEN, CLOSED or a speed, not ACTIVE");
      }
    } else {
      if (v) {
        k.setting = *v;
        k.status = LinkStatus::ACTIVE;
      } else if (same(s, "ACTIVE")) {
        k.status = LinkStatus::ACTIVE;
      } else {
        k.status = same(s, "OPEN") ? LinkStatus::OPEN : LinkStatus::CLOSED;
        k.setting = NaN;
      }
    }
  }

  void pattern(const Line& l) {
    if (!fields(l, 2, "ID MULTIPLIER [MULTIPLIER ...]")) return;
    Pattern& p = net_.patterns[pattern_index_[l.tokens[0]]];
    for (std::size_t t = 1; t < l.tokens.size(); ++t)
      if (auto v = value(l, t, "multiplier")) p.multipliers.push_back(*v);
  }

  void curve(const Line& l) {
    if (!fields(l, 3, "ID X Y")) return;
    Curve& c = net_.curves[curve_index_[l.tokens[0]]];
    auto x = value(l, 1, "x");
    auto y = value(l, 2, "y");
    if (!x || !y) return;
    if (!c.x.empty() && *x <= c.x.back())
      error(l.number, "curve '" + c.id + "': x = " + l.tokens[1] + " does not increase; list the points by increasing x");
    c.x.push_back(*x);
    c.y.push_back(*y);
  }

  void control(const Line& l) {
    const char* layout = "LINK id status IF NODE id ABOVE|BELOW value, LINK id status AT TIME t, or LINK id status AT "
                         "CLOCKTIME t [AM|PM]";
    if (!fields(l, 6, layout)) return;
    if (!same(l.tokens[0], "LINK")) {
      error(l.number, "a control starts with LINK; write " + std::string(layout));
      return;
    }
    const int j = net_.link(l.tokens[1]);
    if (j < 0) {
      std::vector<std::string> ids;
      for (const Link& k : net_.links) ids.push_back(k.id);
      const auto guess = sim::closest_word(l.tokens[1], ids);
      error(l.number, "link '" + l.tokens[1] + "' is not defined" + (guess ? " (did you mean '" + *guess + "'?)" : "") +
                          "; declare it in [PIPES], [PUMPS] or [VALVES]");
      return;
    }
    Control c;
    c.line = l.number;
    c.link = j;
    const Link& k = net_.links[j];
    const std::string& s = l.tokens[2];
    if (same(s, "OPEN")) c.status = LinkStatus::OPEN;
    else if (same(s, "CLOSED")) c.status = LinkStatus::CLOSED;
    else if (auto v = number(s)) {
      if (k.kind == LinkKind::GPV || (*v < 0.0 && (k.kind == LinkKind::PUMP || k.kind == LinkKind::PIPE))) {
        error(l.number, "control of link '" + k.id + "': setting '" + s + "' is not valid for this link");
        return;
      }
      c.has_setting = true;
      c.setting = *v;
      c.status = LinkStatus::ACTIVE;
    } else {
      error(l.number, "control of link '" + k.id + "': '" + s + "' must be OPEN, CLOSED or a setting");
      return;
    }
    if (k.kind == LinkKind::CV_PIPE) {
      error(l.number, "pipe '" + k.id + "' has a check valve: a control cannot set it; remove the control");
      return;
    }
    if (same(l.tokens[3], "IF")) {
      if (!fields(l, 8, layout)) return;
      c.node = find_node(l, 5, "control node");
      if (c.node < 0) return;
      if (same(l.tokens[6], "BELOW")) c.type = Control::Type::LOW_LEVEL;
      else if (same(l.tokens[6], "ABOVE")) c.type = Control::Type::HIGH_LEVEL;
      else {
        error(l.number, "control: '" + l.tokens[6] + "' must be ABOVE or BELOW");
        return;
      }
      auto v = value(l, 7, "control level");
      if (!v) return;
      c.grade_m = *v;  // the level or pressure as written; made a head in SI by convert()
    } else if (same(l.tokens[3], "AT")) {
      const std::string unit = l.tokens.size() > 6 ? l.tokens[6] : "";
      if (same(l.tokens[4], "TIME")) {
        c.type = Control::Type::TIMER;
        const auto t = parse_epanet_time(l.tokens[5], unit);
        if (!t) {
          error(l.number, "control: '" + l.tokens[5] + "' is not a time; write hours (1.5), h:mm or h:mm:ss");
          return;
        }
        c.time_s = *t;
      } else if (same(l.tokens[4], "CLOCKTIME")) {
        c.type = Control::Type::TIME_OF_DAY;
        const auto t = parse_epanet_time(l.tokens[5], unit);
        if (!t) {
          error(l.number, "control: '" + l.tokens[5] + "' is not a clock time; write h:mm with AM or PM, or 24-hour h:mm");
          return;
        }
        c.time_s = *t % 86400;
      } else {
        error(l.number, "control: 'AT " + l.tokens[4] + "' must be AT TIME or AT CLOCKTIME");
        return;
      }
    } else {
      error(l.number, "control: '" + l.tokens[3] + "' must be IF or AT; write " + std::string(layout));
      return;
    }
    net_.controls.push_back(c);
  }

  void emitter(const Line& l) {
    if (!fields(l, 2, "JUNCTION COEFFICIENT")) return;
    const int i = find_node(l, 0, "junction");
    if (i < 0) return;
    if (net_.nodes[i].kind != NodeKind::JUNCTION) {
      error(l.number, "node '" + l.tokens[0] + "' is a reservoir or tank; emitters go on junctions");
      return;
    }
    if (auto v = value(l, 1, "emitter coefficient", 0.0)) net_.nodes[i].emitter_m3s = *v;
  }

  void times(const Line& l) {
    Times& t = net_.times;
    const std::string key = upper(l.tokens[0]);
    auto time_value = [&](std::size_t first) -> std::optional<std::int64_t> {
      // The last token is the value, or a unit after it.
      const std::size_t n = l.tokens.size() - 1;
      if (n < first) {
        error(l.number, "'" + l.tokens[0] + "' has no value; write for instance 'Duration 24:00'");
        return std::nullopt;
      }
      if (auto v = parse_epanet_time(l.tokens[n])) return v;
      if (n > first)
        if (auto v = parse_epanet_time(l.tokens[n - 1], l.tokens[n])) return v;
      error(l.number, "'" + l.tokens[n] + "' is not a time; write hours (1.5), h:mm or h:mm:ss, optionally with SEC, "
                                           "MIN, HOURS or DAYS");
      return std::nullopt;
    };
    const std::string second = l.tokens.size() > 1 ? upper(l.tokens[1]) : "";
    if (starts(key, "DURA")) {
      if (auto v = time_value(1)) t.duration_s = *v;
    } else if (starts(key, "HYDR")) {
      if (auto v = time_value(2)) t.hydraulic_step_s = *v;
    } else if (starts(key, "QUAL")) {
      // Water quality is not simulated.
    } else if (starts(key, "RULE")) {
      if (auto v = time_value(2)) t.rule_step_s = *v;
    } else if (starts(key, "PATT")) {
      if (starts(second, "TIME")) {
        if (auto v = time_value(2)) t.pattern_step_s = *v;
      } else if (starts(second, "STAR")) {
        if (auto v = time_value(2)) t.pattern_start_s = *v;
      } else {
        error(l.number, "'" + l.tokens[0] + " " + second + "' must be PATTERN TIMESTEP or PATTERN START");
      }
    } else if (starts(key, "REPO")) {
      if (starts(second, "TIME")) {
        if (auto v = time_value(2)) t.report_step_s = *v;
      } else if (starts(second, "STAR")) {
        if (auto v = time_value(2)) t.report_start_s = *v;
      } else {
        error(l.number, "'" + l.tokens[0] + " " + second + "' must be REPORT TIMESTEP or REPORT START");
      }
    } else if (starts(key, "STAR")) {
      if (l.tokens.size() < 3) {
        error(l.number, "START CLOCKTIME has no value; write for instance 'Start ClockTime 6 AM'");
        return;
      }
      const auto v = parse_epanet_time(l.tokens[2], l.tokens.size() > 3 ? l.tokens[3] : "");
      if (!v) {
        error(l.number, "'" + l.tokens[2] + "' is not a clock time; write h:mm with AM or PM, or 24-hour h:mm");
        return;
      }
      t.start_clocktime_s = *v % 86400;
    } else if (starts(key, "STAT")) {
      // Statistics of EPANET's report: not used.
    } else {
      const auto guess = sim::closest_word(key, {"DURATION", "HYDRAULIC", "QUALITY", "RULE", "PATTERN", "REPORT",
                                                 "START", "STATISTIC"});
      error(l.number, "unknown time option '" + l.tokens[0] + "'" + (guess ? " (did you mean " + *guess + "?)" : "") +
                          "; the options are DURATION, HYDRAULIC TIMESTEP, QUALITY TIMESTEP, RULE TIMESTEP, PATTERN "
                          "TIMESTEP, PATTERN START, REPORT TIMESTEP, REPORT START, START CLOCKTIME, STATISTIC");
    }
  }

  std::optional<FlowUnits> flow_units(const std::string& u) {
    static const std::map<std::string, FlowUnits> units = {
        {"CFS", FlowUnits::CFS}, {"GPM", FlowUnits::GPM}, {"MGD", FlowUnits::MGD}, {"IMGD", FlowUnits::IMGD},
        {"AFD", FlowUnits::AFD}, {"LPS", FlowUnits::LPS}, {"LPM", FlowUnits::LPM}, {"MLD", FlowUnits::MLD},
        {"CMH", FlowUnits::CMH}, {"CMD", FlowUnits::CMD}};
    auto it = units.find(upper(u));
    if (it == units.end()) return std::nullopt;
    return it->second;
  }

  void option(const Line& l) {
    Options& o = net_.options;
    const std::string key = upper(l.tokens[0]);
    const std::string second = l.tokens.size() > 1 ? upper(l.tokens[1]) : "";
    auto need = [&](std::size_t tok) {
      if (l.tokens.size() > tok) return true;
      error(l.number, "option '" + l.tokens[0] + "' has no value; write for instance 'Units GPM'");
      return false;
    };
    auto num = [&](std::size_t tok, const char* what, double min = -HUGE_VAL) -> std::optional<double> {
      if (!need(tok)) return std::nullopt;
      return value(l, tok, what, min);
    };
    if (starts(key, "UNIT")) {
      if (!need(1)) return;
      if (auto u = flow_units(l.tokens[1])) net_.units.flow = *u;
      else error(l.number, "flow units '" + l.tokens[1] + "' must be CFS, GPM, MGD, IMGD, AFD, LPS, LPM, MLD, CMH or CMD");
    } else if (key == "PRESSURE" && second == "EXPONENT") {
      if (auto v = num(2, "pressure exponent", 0.0)) o.pressure_exponent = *v;
    } else if (starts(key, "PRES")) {
      if (!need(1)) return;
      if (starts(second, "PSI")) net_.units.pressure = PressureUnits::PSI;
      else if (starts(second, "KPA")) net_.units.pressure = PressureUnits::KPA;
      else if (starts(second, "MET")) net_.units.pressure = PressureUnits::METERS;
      else error(l.number, "pressure units '" + l.tokens[1] + "' must be PSI, KPA or METERS");
    } else if (starts(key, "HEADL")) {
      if (!need(1)) return;
      if (second == "H-W") o.headloss = HeadLossFormula::HAZEN_WILLIAMS;
      else if (second == "D-W") o.headloss = HeadLossFormula::DARCY_WEISBACH;
      else if (second == "C-M") o.headloss = HeadLossFormula::CHEZY_MANNING;
      else error(l.number, "head-loss formula '" + l.tokens[1] + "' must be H-W, D-W or C-M");
    } else if (starts(key, "VISC")) {
      if (auto v = num(1, "viscosity", 0.0)) o.viscosity = *v;
    } else if (starts(key, "SPEC")) {
      if (auto v = num(2, "specific gravity", 0.0)) o.specific_gravity = *v;
    } else if (starts(key, "TRIAL")) {
      if (auto v = num(1, "trials", 1.0)) o.max_trials = static_cast<int>(*v);
    } else if (starts(key, "ACCU")) {
      if (auto v = num(1, "accuracy", 0.0)) o.accuracy = *v;
    } else if (starts(key, "CHECKF")) {
      if (auto v = num(1, "check frequency", 1.0)) o.check_freq = static_cast<int>(*v);
    } else if (starts(key, "MAXCH")) {
      if (auto v = num(1, "maximum checks", 0.0)) o.max_check = static_cast<int>(*v);
    } else if (starts(key, "DAMP")) {
      if (auto v = num(1, "damping limit", 0.0)) o.damp_limit = *v;
    } else if (starts(key, "HEADE")) {
      if (auto v = num(1, "head error", 0.0)) o.head_error_m = *v;
    } else if (starts(key, "FLOWC")) {
      if (auto v = num(1, "flow change", 0.0)) o.flow_change_m3s = *v;
    } else if (starts(key, "UNBA")) {
      if (!need(1)) return;
      if (starts(second, "STOP")) o.unbalanced_continue = -1;
      else if (starts(second, "CONT")) {
        o.unbalanced_continue = 0;
        if (l.tokens.size() > 2)
          if (auto v = value(l, 2, "extra trials", 0.0)) o.unbalanced_continue = static_cast<int>(*v);
      } else {
        error(l.number, "UNBALANCED '" + l.tokens[1] + "' must be STOP or CONTINUE [n]");
      }
    } else if (starts(key, "PATT")) {
      if (!need(1)) return;
      default_pattern_id_ = l.tokens[1];
    } else if (key == "DEMAND" && starts(second, "MOD")) {
      if (!need(2)) return;
      const std::string m = upper(l.tokens[2]);
      if (m == "DDA") o.demand_model = DemandModel::DEMAND_DRIVEN;
      else if (m == "PDA") o.demand_model = DemandModel::PRESSURE_DRIVEN;
      else error(l.number, "DEMAND MODEL '" + l.tokens[2] + "' must be DDA or PDA");
    } else if (key == "DEMAND" && starts(second, "MULT")) {
      if (auto v = num(2, "demand multiplier", 0.0)) o.demand_multiplier = *v;
    } else if (key == "DEMAND" && starts(second, "CHAR")) {
      // Energy: not used.
    } else if (starts(key, "EMIT")) {
      if (starts(second, "EXP")) {
        if (auto v = num(2, "emitter exponent", 0.0)) {
          if (*v <= 0.0) error(l.number, "emitter exponent must be above 0; EPANET's default is 0.5");
          else o.emitter_exponent = *v;
        }
      }
    } else if (key == "MINIMUM" && starts(second, "PRES")) {
      if (auto v = num(2, "minimum pressure", 0.0)) o.minimum_pressure_m = *v;
    } else if (key == "REQUIRED" && starts(second, "PRES")) {
      if (auto v = num(2, "required pressure", 0.0)) o.required_pressure_m = *v;
    } else if (starts(key, "QUAL") || starts(key, "DIFF") || starts(key, "TOLE") || starts(key, "MAP") ||
               starts(key, "HYDR") || starts(key, "VERI") || starts(key, "BACK")) {
      // Water quality and EPANET's own files: not used.
    } else {
      const auto guess = sim::closest_word(
          key, {"UNITS", "PRESSURE", "HEADLOSS", "VISCOSITY", "SPECIFIC", "TRIALS", "ACCURACY", "CHECKFREQ", "MAXCHECK",
                "DAMPLIMIT", "HEADERROR", "FLOWCHANGE", "UNBALANCED", "PATTERN", "DEMAND", "EMITTER", "MINIMUM",
                "REQUIRED", "QUALITY", "DIFFUSIVITY", "TOLERANCE", "MAP", "HYDRAULICS"});
      error(l.number, "unknown option '" + l.tokens[0] + "'" + (guess ? " (did you mean " + *guess + "?)" : "") +
                          "; see EPANET's manual for the [OPTIONS] keywords");
    }
  }

  void coordinates(const Line& l) {
    if (!fields(l, 3, "NODE X Y")) return;
    const int i = find_node(l, 0, "node");
    if (i < 0) return;
    auto x = value(l, 1, "x");
    auto y = value(l, 2, "y");
    if (!x || !y) return;
    Node& n = net_.nodes[i];
    n.has_coordinates = true;
    n.x = *x;
    n.y = *y;
  }

  // --- Conversion to SI and EPANET's adjustments ---

  void convert() {
    FileUnits& u = net_.units;
    Options& o = net_.options;
    double per_cfs = 1.0;
    switch (u.flow) {
      case FlowUnits::CFS: per_cfs = 1.0; break;
      case FlowUnits::GPM: per_cfs = 448.831; break;
      case FlowUnits::MGD: per_cfs = 0.64632; break;
      case FlowUnits::IMGD: per_cfs = 0.5382; break;
      case FlowUnits::AFD: per_cfs = 1.9837; break;
      case FlowUnits::LPS: per_cfs = 28.317; break;
      case FlowUnits::LPM: per_cfs = 1699.0; break;
      case FlowUnits::MLD: per_cfs = 2.4466; break;
      case FlowUnits::CMH: per_cfs = 101.94; break;
      case FlowUnits::CMD: per_cfs = 2446.6; break;
    }
    u.us_customary = u.flow <= FlowUnits::AFD;
    u.flow_m3s = CFS / per_cfs;
    const double sg = o.specific_gravity;
    if (u.us_customary) {
      u.pressure = PressureUnits::PSI;
      u.length_m = FT;
      u.diameter_m = FT / 12.0;
      u.pressure_m = FT / (0.4333 * sg);
      u.volume_m3 = CFS;
      u.power_kw = 0.7457;
      u.darcy_roughness_m = FT / 1000.0;
    } else {
      if (u.pressure == PressureUnits::PSI) u.pressure = PressureUnits::METERS;
      u.length_m = 1.0;
      u.diameter_m = 0.001;
      u.pressure_m = u.pressure == PressureUnits::METERS ? 1.0 / sg : FT / (6.895 * 0.4333 * sg);
      u.volume_m3 = 1.0;
      u.power_kw = 1.0;
      u.darcy_roughness_m = 0.001;
    }
    // Viscosity: a value above 1e-3 is relative to water's; below, a kinematic viscosity in ft²/s or m²/s.
    if (o.viscosity <= 1.0e-3) o.viscosity = o.viscosity * (u.us_customary ? 1.0 : 1.0 / (FT * FT)) / 1.1e-5;

    for (Node& n : net_.nodes) {
      n.elevation_m *= u.length_m;
      for (Demand& d : n.demands) d.base_m3s *= u.flow_m3s;
      if (n.emitter_m3s > 0.0) n.emitter_m3s = n.emitter_m3s * u.flow_m3s / std::pow(u.pressure_m, o.emitter_exponent);
      n.init_level_m *= u.length_m;
      n.min_level_m *= u.length_m;
      n.max_level_m *= u.length_m;
      n.diameter_m *= u.length_m;
      n.min_volume_m3 *= u.volume_m3;
    }
    for (Link& k : net_.links) {
      switch (k.kind) {
        case LinkKind::PIPE:
        case LinkKind::CV_PIPE:
          k.length_m *= u.length_m;
          k.diameter_m *= u.diameter_m;
          if (o.headloss == HeadLossFormula::DARCY_WEISBACH) k.roughness *= u.darcy_roughness_m;
          break;
        case LinkKind::PUMP: k.power_kw *= u.power_kw; break;
        default:
          k.diameter_m *= u.diameter_m;
          k.setting = link_setting(k, k.setting);
          break;
      }
    }
    for (std::size_t i = 0; i < net_.curves.size(); ++i) {
      Curve& c = net_.curves[i];
      double fx = 1.0, fy = 1.0;
      switch (curve_use_[i]) {
        case CurveUse::PUMP: fx = u.flow_m3s; fy = u.length_m; break;
        case CurveUse::VOLUME: fx = u.length_m; fy = u.volume_m3; break;
        case CurveUse::HEADLOSS: fx = u.flow_m3s; fy = u.length_m; break;
        case CurveUse::NONE: break;
      }
      for (double& x : c.x) x *= fx;
      for (double& y : c.y) y *= fy;
      if (curve_use_[i] != CurveUse::NONE && c.x.empty()) error(c.line, "curve '" + c.id + "' has no points; give it some");
    }
    for (Control& c : net_.controls) {
      if (c.node >= 0) {
        const Node& n = net_.nodes[c.node];
        c.grade_m = n.elevation_m + c.grade_m * (n.kind == NodeKind::JUNCTION ? u.pressure_m : u.length_m);
      }
      if (c.has_setting) c.setting = link_setting(net_.links[c.link], c.setting);
    }
    o.minimum_pressure_m *= u.pressure_m;
    o.required_pressure_m *= u.pressure_m;
    o.head_error_m *= u.length_m;
    o.flow_change_m3s *= u.flow_m3s;
    if (o.demand_model == DemandModel::PRESSURE_DRIVEN && o.required_pressure_m <= o.minimum_pressure_m)
      error(0, "[OPTIONS] REQUIRED PRESSURE must be above MINIMUM PRESSURE for pressure-driven demand; raise it");

    // The default pattern: OPTIONS PATTERN, else the pattern called "1", else none (multiplier 1).
    auto it = pattern_index_.find(default_pattern_id_);
    // (EPANET accepts a default pattern that is not defined, and uses no pattern then.)
    if (it != pattern_index_.end()) o.default_pattern = it->second;
    for (const Pattern& p : net_.patterns)
      if (p.multipliers.empty()) error(0, "[PATTERNS] pattern '" + p.id + "' has no multipliers; give it some");

    // EPANET's adjustments of the time steps.
    Times& t = net_.times;
    if (t.pattern_step_s <= 0) t.pattern_step_s = 3600;
    if (t.report_step_s <= 0) t.report_step_s = t.pattern_step_s;
    if (t.hydraulic_step_s <= 0) t.hydraulic_step_s = 3600;
    if (t.hydraulic_step_s > t.pattern_step_s) t.hydraulic_step_s = t.pattern_step_s;
    if (t.hydraulic_step_s > t.report_step_s) t.hydraulic_step_s = t.report_step_s;
    if (t.report_start_s > t.duration_s) t.report_start_s = 0;
    if (t.rule_step_s <= 0 || t.rule_step_s > t.hydraulic_step_s) t.rule_step_s = std::max<std::int64_t>(1, t.hydraulic_step_s / 10);
  }

  /// A valve's or a pump's setting in SI: pressures for PRV, PSV, PBV; flow for FCV; others unitless.
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
  // Hours as a decimal number, or h:mm, or h:mm:ss.
  double hours = 0.0;
  const auto colons = std::count(value.begin(), value.end(), ':');
  if (colons == 0) {
    const auto v = number(value);
    if (!v || *v < 0.0) return std::nullopt;
    hours = *v;
  } else if (colons <= 2) {
    double parts[3] = {0.0, 0.0, 0.0};
    std::size_t start = 0;
    for (int i = 0; i <= colons; ++i) {
      const std::size_t end = value.find(':', start);
      const auto v = number(value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
      if (!v || *v < 0.0) return std::nullopt;
      parts[i] = *v;
      start = end + 1;
    }
    hours = parts[0] + parts[1] / 60.0 + parts[2] / 3600.0;
  } else {
    return std::nullopt;
  }
  if (!unit.empty()) {
    if (colons == 0 && starts(unit, "SEC")) hours /= 3600.0;
    else if (colons == 0 && starts(unit, "MIN")) hours /= 60.0;
    else if (colons == 0 && starts(unit, "HOU")) {
    } else if (colons == 0 && starts(unit, "DAY")) hours *= 24.0;
    else if (same(unit, "AM")) {
      if (hours >= 13.0) return std::nullopt;
      if (hours >= 12.0) hours -= 12.0;
    } else if (same(unit, "PM")) {
      if (hours >= 13.0) return std::nullopt;
      if (hours < 12.0) hours += 12.0;
    } else {
      return std::nullopt;
    }
  }
  return static_cast<std::int64_t>(std::llround(hours * 3600.0));
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
