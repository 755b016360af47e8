// EPA SWMM 5 input files: options first, then identifiers, then data in any section order, converted to SI by SWMM's
// own factors and the exact foot as it is read; curves and time series last, by their type and their use.
#include "models/drainage/SwmmReader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <numbers>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "sim/InpText.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::models::drainage {

namespace {

// The exact foot, and SWMM's own factors (its swmm5.c Ucf and Qcf), which define what a value in the file's units
// means: divided by one of them, a value is in SWMM's internal feet, square feet, cubic feet, ft/s or cfs. Index 0
// for US customary files, 1 for SI files.
constexpr double FT = 0.3048;                                    // m
constexpr double UCF_RAINFALL[2] = {43200.0, 1097280.0};         // in/h, mm/h per ft/s
constexpr double UCF_RAINDEPTH[2] = {12.0, 304.8};               // in, mm per ft
constexpr double UCF_LENGTH[2] = {1.0, 0.3048};                  // ft, m per ft
constexpr double UCF_LANDAREA[2] = {2.2956e-5, 0.92903e-5};      // acres, hectares per ft²
constexpr double UCF_VOLUME[2] = {1.0, 0.02832};                 // ft³, m³ per ft³
constexpr double QCF[6] = {1.0, 448.831, 0.64632, 0.02832, 28.317, 2.4466};  // CFS, GPM, MGD, CMS, LPS, MLD per cfs
constexpr double HOUR_S = 3600.0;
constexpr std::int64_t DAY_S = 86400;
constexpr std::size_t MAX_ERRORS_SHOWN = 25;

enum class Section : std::uint8_t {
  TITLE, OPTIONS, RAINGAGES, TIMESERIES, SUBCATCHMENTS, SUBAREAS, INFILTRATION, JUNCTIONS, OUTFALLS, STORAGE,
  CONDUITS, PUMPS, ORIFICES, WEIRS, OUTLETS, XSECTIONS, CURVES, COORDINATES, INFLOWS,
  PATTERNS, DWF, CONTROLS,
  DIVIDERS, TRANSECTS, STREETS,  // ignored, but what refers to their names is checked
  IGNORED, UNKNOWN
};

struct SectionName {
  const char* prefix;  // how SWMM recognises the header (its text.h): "[JUNC" for [JUNCTIONS]
  const char* name;
  Section section;
  const char* what;    // for ignored sections: what they hold, for the report
};

// In SWMM's order (its SectWords), which decides between prefixes: [INLET_USAGE] before [INLETS].
constexpr SectionName SECTIONS[] = {
    {"[TITLE", "TITLE", Section::TITLE, ""},
    {"[OPTION", "OPTIONS", Section::OPTIONS, ""},
    {"[FILE", "FILES", Section::IGNORED, "interface files of rain, runoff and hot starts"},
    {"[RAINGAGE", "RAINGAGES", Section::RAINGAGES, ""},
    {"[TEMPERATURE", "TEMPERATURE", Section::IGNORED, "air temperature, wind and snowmelt"},
    {"[EVAP", "EVAPORATION", Section::IGNORED, "evaporation"},
    {"[SUBCATCHMENT", "SUBCATCHMENTS", Section::SUBCATCHMENTS, ""},
    {"[SUBAREA", "SUBAREAS", Section::SUBAREAS, ""},
    {"[INFIL", "INFILTRATION", Section::INFILTRATION, ""},
    {"[AQUIFER", "AQUIFERS", Section::IGNORED, "groundwater"},
    {"[GROUNDWATER", "GROUNDWATER", Section::IGNORED, "groundwater"},
    {"[SNOWPACK", "SNOWPACKS", Section::IGNORED, "snowmelt"},
    {"[JUNC", "JUNCTIONS", Section::JUNCTIONS, ""},
    {"[OUTFALL", "OUTFALLS", Section::OUTFALLS, ""},
    {"[STORAGE", "STORAGE", Section::STORAGE, ""},
    {"[DIVIDER", "DIVIDERS", Section::DIVIDERS, "flow dividers; a link that touches one is refused"},
    {"[CONDUIT", "CONDUITS", Section::CONDUITS, ""},
    {"[PUMP", "PUMPS", Section::PUMPS, ""},
    {"[ORIFICE", "ORIFICES", Section::ORIFICES, ""},
    {"[WEIR", "WEIRS", Section::WEIRS, ""},
    {"[OUTLET", "OUTLETS", Section::OUTLETS, ""},
    {"[XSECT", "XSECTIONS", Section::XSECTIONS, ""},
    {"[TRANSECT", "TRANSECTS", Section::TRANSECTS,
     "irregular channel cross-sections; IRREGULAR conduits keep the transect's name"},
    {"[LOSS", "LOSSES", Section::IGNORED, "local losses, flap gates and seepage of conduits"},
    {"[CONTROL", "CONTROLS", Section::CONTROLS, ""},
    {"[POLLUT", "POLLUTANTS", Section::IGNORED, "water quality"},
    {"[LANDUSE", "LANDUSES", Section::IGNORED, "water quality"},
    {"[BUILDUP", "BUILDUP", Section::IGNORED, "water quality"},
    {"[WASHOFF", "WASHOFF", Section::IGNORED, "water quality"},
    {"[COVERAGE", "COVERAGES", Section::IGNORED, "water quality"},
    {"[INFLOW", "INFLOWS", Section::INFLOWS, ""},
    {"[DWF", "DWF", Section::DWF, ""},
    {"[PATTERN", "PATTERNS", Section::PATTERNS, ""},
    {"[RDII", "RDII", Section::IGNORED, "rainfall-dependent infiltration and inflow"},
    {"[HYDROGRAPH", "HYDROGRAPHS", Section::IGNORED, "rainfall-dependent infiltration and inflow"},
    {"[LOADING", "LOADINGS", Section::IGNORED, "water quality"},
    {"[TREATMENT", "TREATMENT", Section::IGNORED, "water quality"},
    {"[CURVE", "CURVES", Section::CURVES, ""},
    {"[TIMESERIES", "TIMESERIES", Section::TIMESERIES, ""},
    {"[REPORT", "REPORT", Section::IGNORED, "SWMM's report file"},
    {"[COORDINATE", "COORDINATES", Section::COORDINATES, ""},
    {"[VERTICES", "VERTICES", Section::IGNORED, "the drawing of links"},
    {"[POLYGON", "POLYGONS", Section::IGNORED, "the outlines of subcatchments and storage units on the map"},
    {"[LABEL", "LABELS", Section::IGNORED, "the drawing of the map"},
    {"[SYMBOL", "SYMBOLS", Section::IGNORED, "the position of rain gages on the map"},
    {"[BACKDROP", "BACKDROP", Section::IGNORED, "the drawing of the map"},
    {"[TAG", "TAGS", Section::IGNORED, "labels for SWMM's interface"},
    {"[PROFILE", "PROFILES", Section::IGNORED, "profile plots of SWMM's interface"},
    {"[MAP", "MAP", Section::IGNORED, "the extent and units of the map"},
    {"[LID_CONTROL", "LID_CONTROLS", Section::IGNORED, "low-impact development controls"},
    {"[LID_USAGE", "LID_USAGE", Section::IGNORED, "low-impact development controls"},
    {"[GWF", "GWF", Section::IGNORED, "groundwater"},
    {"[ADJUSTMENT", "ADJUSTMENTS", Section::IGNORED, "monthly climate adjustments"},
    {"[EVENT", "EVENTS", Section::IGNORED, "SWMM's periods of detailed routing"},
    {"[STREET", "STREETS", Section::STREETS, "street cross-sections; STREET conduits keep the street's name"},
    {"[INLET_USAGE", "INLET_USAGE", Section::IGNORED, "street inlets that capture street flow into the drains"},
    {"[INLET", "INLETS", Section::IGNORED, "street inlets that capture street flow into the drains"},
};

// Keywords in SWMM's orders (its keywords.c), which decide between prefixes.
constexpr std::initializer_list<const char*> FLOW_UNIT_WORDS = {"CFS", "GPM", "MGD", "CMS", "LPS", "MLD"};
constexpr std::initializer_list<const char*> INFILTRATION_WORDS = {"HORTON", "MODIFIED_HORTON", "GREEN_AMPT",
                                                                   "MODIFIED_GREEN_AMPT", "CURVE_NUMBER"};
constexpr std::initializer_list<const char*> CURVE_WORDS = {"STORAGE", "DIVERSION", "TIDAL", "RATING",
                                                            "CONTROL", "SHAPE", "WEIR", "PUMP1",
                                                            "PUMP2", "PUMP3", "PUMP4", "PUMP5"};
constexpr std::initializer_list<const char*> SHAPE_WORDS = {
    "DUMMY", "CIRCULAR", "FILLED_CIRCULAR", "RECT_CLOSED", "RECT_OPEN", "TRAPEZOIDAL", "TRIANGULAR", "PARABOLIC",
    "POWER", "RECT_TRIANGULAR", "RECT_ROUND", "MODBASKETHANDLE", "HORIZ_ELLIPSE", "VERT_ELLIPSE", "ARCH", "EGG",
    "HORSESHOE", "GOTHIC", "CATENARY", "SEMIELLIPTICAL", "BASKETHANDLE", "SEMICIRCULAR", "IRREGULAR", "CUSTOM",
    "FORCE_MAIN", "STREET"};
constexpr std::initializer_list<const char*> OPTION_WORDS = {
    "FLOW_UNITS", "INFILTRATION", "FLOW_ROUTING", "START_DATE", "START_TIME", "END_DATE", "END_TIME",
    "REPORT_START_DATE", "REPORT_START_TIME", "SWEEP_START", "SWEEP_END", "DRY_DAYS", "WET_STEP", "DRY_STEP",
    "ROUTING_STEP", "RULE_STEP", "REPORT_STEP", "ALLOW_PONDING", "INERTIAL_DAMPING", "SLOPE_WEIGHTING",
    "VARIABLE_STEP", "NORMAL_FLOW_LIMITED", "LENGTHENING_STEP", "MIN_SURFAREA", "COMPATIBILITY", "SKIP_STEADY_STATE",
    "TEMPDIR", "IGNORE_RAINFALL", "FORCE_MAIN_EQUATION", "LINK_OFFSETS", "MIN_SLOPE", "IGNORE_SNOWMELT",
    "IGNORE_GROUNDWATER", "IGNORE_ROUTING", "IGNORE_QUALITY", "MAX_TRIALS", "HEAD_TOLERANCE", "SYS_FLOW_TOL",
    "LAT_FLOW_TOL", "IGNORE_RDII", "MINIMUM_STEP", "THREADS", "SURCHARGE_METHOD"};

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

/// SWMM's keyword match (its match()): the token starts with the keyword, case-insensitive, so that "Pump4" is PUMP4
/// and "FUNCTIONAL/HEAD" is FUNCTIONAL. Keywords are written in capitals.
bool starts(std::string_view token, std::string_view keyword) {
  if (token.size() < keyword.size()) return false;
  for (std::size_t i = 0; i < keyword.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(token[i])) != keyword[i]) return false;
  return true;
}

/// The index of the first keyword the token starts with, in the list's order, or -1 (SWMM's findmatch).
int choice(std::string_view token, std::initializer_list<const char*> words) {
  int i = 0;
  for (const char* w : words) {
    if (starts(token, w)) return i;
    ++i;
  }
  return -1;
}

std::vector<std::string> word_list(std::initializer_list<const char*> words) { return {words.begin(), words.end()}; }

/// A whole token read as a number, as SWMM's getDouble (strtod over the whole token) reads it; finite only.
std::optional<double> number(std::string_view s) {
  double v = 0.0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || b == e || !std::isfinite(v)) return std::nullopt;
  return v;
}

/// A token of digits only, as a number.
std::optional<int> whole(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  int v = 0;
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

std::string quoted(const char* word, const std::string& id) { return std::string(word) + " '" + id + "'"; }

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// A time as SWMM's datetime_strToTime reads one, in seconds: decimal hours ("1.5", possibly negative), or h:mm or
/// h:mm:ss in whole numbers ("0:05", "25:00:00"). Empty when it does not parse.
std::optional<double> clock_seconds(std::string_view s) {
  if (auto h = number(s)) return *h * HOUR_S;
  int parts[3] = {0, 0, 0};
  int n = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = s.find(':', start);
    if (n == 3) return std::nullopt;
    const auto part = whole(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (!part) return std::nullopt;
    parts[n++] = *part;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (n < 2) return std::nullopt;
  return parts[0] * HOUR_S + parts[1] * 60.0 + parts[2];
}

bool leap_year(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int days_in_month(int y, int m) {
  static constexpr int DAYS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29 : DAYS[m - 1];
}

/// A date as SWMM reads one: month, day and year separated by '/' or '-', the month a number or its first three
/// letters ("06/08/2015", "JUN-08-2015"). Empty when it does not parse or does not exist.
std::optional<Date> parse_date(std::string_view s) {
  std::string_view parts[3];
  int n = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = s.find_first_of("/-", start);
    if (n == 3) return std::nullopt;
    parts[n++] = s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (n != 3) return std::nullopt;
  static constexpr const char* MONTHS[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                           "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  std::optional<int> month = whole(parts[0]);
  if (!month && parts[0].size() == 3)
    for (int m = 0; m < 12; ++m)
      if (starts(parts[0], MONTHS[m])) month = m + 1;
  const auto day = whole(parts[1]);
  const auto year = whole(parts[2]);
  if (!month || !day || !year || *year < 1 || *year > 9999 || *month < 1 || *month > 12 || *day < 1 ||
      *day > days_in_month(*year, *month))
    return std::nullopt;
  return Date{*year, *month, *day};
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
std::int64_t day_number(const Date& d) {
  const int y = d.year - (d.month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (d.month > 2 ? d.month - 3 : d.month + 9) + 2) / 5 + d.day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

std::string date_text(const Date& d, double time_s) {
  const auto t = static_cast<long>(std::floor(time_s + 0.5));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d %02ld:%02ld:%02ld", d.month, d.day, d.year, t / 3600, t / 60 % 60,
                t % 60);
  return buf;
}

/// One line of data: its tokens (SWMM's: blanks separate them, a ';' starts a comment, a token that starts with '"'
/// runs to the next '"'), its text and its number.
struct Line {
  int number = 0;
  std::vector<std::string> tokens;
  std::string text;
};

Line tokenize(std::string_view raw, int number) {
  Line line;
  line.number = number;
  line.text = std::string(sim::inp_trim(raw));
  std::string_view data = raw.substr(0, raw.find(';'));
  line.tokens = sim::inp_tokens(data);
  return line;
}

struct Block {
  Section section = Section::UNKNOWN;
  std::string name;  // "JUNCTIONS"
  std::vector<Line> lines;
};

const char* node_word(NodeKind k) {
  switch (k) {
    case NodeKind::JUNCTION: return "junction";
    case NodeKind::OUTFALL: return "outfall";
    default: return "storage unit";
  }
}

const char* link_word(LinkKind k) {
  switch (k) {
    case LinkKind::CONDUIT: return "conduit";
    case LinkKind::PUMP: return "pump";
    case LinkKind::ORIFICE: return "orifice";
    case LinkKind::WEIR: return "weir";
    default: return "outlet";
  }
}

const char* link_section(LinkKind k) {
  switch (k) {
    case LinkKind::CONDUIT: return "CONDUITS";
    case LinkKind::PUMP: return "PUMPS";
    case LinkKind::ORIFICE: return "ORIFICES";
    case LinkKind::WEIR: return "WEIRS";
    default: return "OUTLETS";
  }
}

const char* use_word(SeriesUse u) {
  switch (u) {
    case SeriesUse::RAIN_INTENSITY: return "the rain of an INTENSITY gage";
    case SeriesUse::RAIN_VOLUME: return "the rain of a VOLUME gage";
    case SeriesUse::RAIN_CUMULATIVE: return "the rain of a CUMULATIVE gage";
    case SeriesUse::OUTFALL_STAGE: return "an outfall's stage";
    case SeriesUse::INFLOW: return "a node's inflow";
    default: return "nothing";
  }
}

class Reader {
 public:
  explicit Reader(std::string name) { net_.path = std::move(name); }

  DrainageNetwork read(std::string_view text) {
    split(text);
    // Options first, as SWMM reads them: the units, the start of the run and the kind of offsets apply everywhere.
    read_sections({Section::TITLE, Section::OPTIONS});
    set_units();
    collect_ids();
    if (errors_.empty()) {
      read_sections({Section::TIMESERIES, Section::CURVES, Section::PATTERNS});
      read_sections({Section::RAINGAGES, Section::JUNCTIONS, Section::OUTFALLS, Section::STORAGE,
                     Section::SUBCATCHMENTS, Section::SUBAREAS, Section::INFILTRATION});
      read_sections({Section::CONDUITS, Section::PUMPS, Section::ORIFICES, Section::WEIRS, Section::OUTLETS});
      read_sections({Section::XSECTIONS, Section::COORDINATES, Section::INFLOWS, Section::DWF, Section::CONTROLS});
      finish();
    }
    if (!errors_.empty()) throw sim::ScenarioError(message());
    std::stable_sort(net_.ignored.begin(), net_.ignored.end(),
                     [](const IgnoredSection& a, const IgnoredSection& b) { return a.line < b.line; });
    return std::move(net_);
  }

 private:
  DrainageNetwork net_;
  std::vector<Block> blocks_;
  std::vector<std::pair<int, std::string>> errors_;
  const Block* current_ = nullptr;
  std::vector<std::string> gage_ids_, series_ids_, subcatchment_ids_, node_ids_, link_ids_, curve_ids_, pattern_ids_;
  std::vector<bool> pattern_typed_;    // whether a pattern's first line (its type) was read
  enum class Clause : std::uint8_t { NONE, IF, THEN, ELSE } clause_ = Clause::NONE;  // where a rule's reading is
  std::unordered_map<std::string, int> divider_lines_;        // flow dividers: not read, refused where used
  std::unordered_set<std::string> street_ids_, transect_ids_;  // not read, but their names are checked
  std::vector<bool> curve_typed_;                              // whether a curve's first line (its type) was read
  std::vector<std::vector<int>> curve_point_lines_, series_point_lines_;
  std::vector<double> series_date_s_;  // per series, the date its undated entries count from (SWMM's lastDate)
  std::unordered_set<int> zero_roughness_;  // conduits (link indices) written with roughness 0
  // Options as written, resolved once the whole file is read.
  Date end_date_;
  std::optional<Date> report_date_;
  double start_time_s_ = 0.0, end_time_s_ = 0.0;
  std::optional<double> report_time_s_;
  std::int64_t start_s_ = 0;  // the start of the run, in seconds from 1970-01-01
  int end_line_ = 0, report_start_line_ = 0, report_step_line_ = 0;
  bool bad_dates_ = false;  // a date or time of the options did not parse: the run's times are not checked
  std::string report_step_text_, routing_step_text_;

  // --- Messages ---

  /// "FILE:LINE: [SECTION] what"; line 0 for the file as a whole.
  void error(int line, const std::string& what) { error_in(current_ ? current_->name.c_str() : "", line, what); }

  void error_in(const std::string& section, int line, const std::string& what) {
    const std::string s = section.empty() ? "" : "[" + section + "] ";
    const std::string where = line > 0 ? net_.path + ":" + std::to_string(line) + ": " : net_.path + ": ";
    errors_.emplace_back(line > 0 ? line : std::numeric_limits<int>::max(), where + s + what);
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

      // A section header: the first token starts with one of SWMM's prefixes.
      if (!line.tokens[0].empty() && line.tokens[0].front() == '[') {
        const std::string head = upper(line.tokens[0]);
        const SectionName* found = nullptr;
        for (const SectionName& s : SECTIONS)
          if (starts(head, s.prefix)) {
            found = &s;
            break;
          }
        blocks_.push_back({});
        block = &blocks_.back();
        if (!found) {
          std::string name = head.substr(1);
          if (!name.empty() && name.back() == ']') name.pop_back();
          std::vector<std::string> bracketed;
          for (const SectionName& s : SECTIONS) bracketed.push_back("[" + std::string(s.name) + "]");
          current_ = nullptr;
          error(line_no, "[" + name + "] is not a section of a SWMM file" +
                             suggestion("[" + name + "]", bracketed, false) + "; the sections are " + join(bracketed));
          continue;
        }
        block->section = found->section;
        block->name = found->name;
        if (*found->what) net_.ignored.push_back({"[" + block->name + "]", line_no, 0, found->what});
        continue;
      }
      if (!block) {
        current_ = nullptr;
        error(line_no, "'" + line.tokens[0] + "' comes before any section header; start the file with a section "
                       "such as [TITLE] or [OPTIONS]");
        continue;
      }
      if (block->section == Section::UNKNOWN) continue;
      if (block->section >= Section::DIVIDERS) {
        ++net_.ignored.back().entries;
        // Dividers, transects and streets keep their lines, for the names that others refer to.
        if (block->section == Section::IGNORED) continue;
      }
      block->lines.push_back(std::move(line));
    }
    current_ = nullptr;
    // Only sections that hold something are worth reporting.
    std::erase_if(net_.ignored, [](const IgnoredSection& s) { return s.entries == 0; });
  }

  void read_sections(std::initializer_list<Section> sections) {
    for (const Block& b : blocks_) {
      if (std::find(sections.begin(), sections.end(), b.section) == sections.end()) continue;
      current_ = &b;
      for (const Line& l : b.lines) read_line(b.section, l);
    }
    current_ = nullptr;
  }

  void read_line(Section s, const Line& l) {
    switch (s) {
      case Section::TITLE: net_.title += (net_.title.empty() ? "" : "\n") + l.text; break;
      case Section::OPTIONS: option(l); break;
      case Section::TIMESERIES: series(l); break;
      case Section::CURVES: curve(l); break;
      case Section::RAINGAGES: gage(l); break;
      case Section::JUNCTIONS: junction(l); break;
      case Section::OUTFALLS: outfall(l); break;
      case Section::STORAGE: storage(l); break;
      case Section::SUBCATCHMENTS: subcatchment(l); break;
      case Section::SUBAREAS: subareas(l); break;
      case Section::INFILTRATION: infiltration(l); break;
      case Section::CONDUITS: conduit(l); break;
      case Section::PUMPS: pump(l); break;
      case Section::ORIFICES: orifice(l); break;
      case Section::WEIRS: weir(l); break;
      case Section::OUTLETS: outlet(l); break;
      case Section::XSECTIONS: xsection(l); break;
      case Section::COORDINATES: coordinates(l); break;
      case Section::INFLOWS: inflow(l); break;
      case Section::PATTERNS: pattern(l); break;
      case Section::DWF: dry_weather(l); break;
      case Section::CONTROLS: control(l); break;
      default: break;
    }
  }

  // --- Options ---

  void option(const Line& l) {
    Options& o = net_.options;
    const std::string& key = l.tokens[0];
    const int k = choice(key, OPTION_WORDS);
    if (k < 0) {
      error(l.number, "unknown option '" + key + "'" + suggestion(upper(key), word_list(OPTION_WORDS), false) +
                          "; the options are " + join(word_list(OPTION_WORDS)));
      return;
    }
    const std::string name = *(OPTION_WORDS.begin() + k);
    if (l.tokens.size() < 2) {
      error(l.number, name + " has no value; write it after the option, as in 'FLOW_UNITS CFS'");
      return;
    }
    const std::string& v = l.tokens[1];
    auto pick = [&](std::initializer_list<const char*> words, const char* allowed) {
      const int c = choice(v, words);
      if (c < 0) error(l.number, name + " '" + v + "'" + suggestion(upper(v), word_list(words), false) + " must be " +
                                     allowed);
      return c;
    };
    auto yes = [&](bool& flag) {
      if (const int c = pick({"NO", "YES"}, "YES or NO"); c >= 0) flag = c == 1;
    };
    auto num = [&](double low, double high, const char* range) -> std::optional<double> {
      const auto x = number(v);
      if (!x) {
        error(l.number, name + " '" + v + "' is not a number; write a number such as 0.5");
        return std::nullopt;
      }
      if (*x < low || *x > high) {
        error(l.number, name + " " + v + " is out of range; it must be " + range);
        return std::nullopt;
      }
      return x;
    };
    constexpr double BIG = std::numeric_limits<double>::max();
    // A runoff or report step: a time (h:mm:ss or decimal hours), in whole seconds.
    auto step = [&](bool zero_allowed) -> std::optional<std::int64_t> {
      const auto s = clock_seconds(v);
      if (!s || *s < 0.0) {
        error(l.number, name + " '" + v + "' is not a time; write h:mm:ss (00:05:00) or decimal hours");
        return std::nullopt;
      }
      const auto whole_s = static_cast<std::int64_t>(std::floor(*s + 0.5));
      if (whole_s == 0 && !zero_allowed) {
        error(l.number, name + " " + v + " must be above 0; give the step");
        return std::nullopt;
      }
      return whole_s;
    };
    // A routing or lengthening step: decimal seconds, or h:mm:ss.
    auto seconds = [&]() -> std::optional<double> {
      if (auto x = number(v)) return *x;
      if (v.find(':') != std::string::npos)
        if (auto s = clock_seconds(v)) return std::floor(*s + 0.5);
      error(l.number, name + " '" + v + "' is not a time; write seconds (15) or h:mm:ss (0:00:15)");
      return std::nullopt;
    };
    auto date = [&](Date& d) {
      if (auto x = parse_date(v)) {
        d = *x;
        return;
      }
      error(l.number, name + " '" + v + "' is not a date; write month/day/year, as in 06/30/2024");
      bad_dates_ = true;
    };
    auto clock = [&](double& t) {
      if (const auto s = clock_seconds(v); s && *s >= 0.0) {
        t = *s;
        return;
      }
      error(l.number, name + " '" + v + "' is not a time of day; write h:mm:ss (06:00:00) or decimal hours");
      bad_dates_ = true;
    };
    auto ignore = [&](const char* what) { net_.ignored.push_back({"[OPTIONS] " + name, l.number, 1, what}); };

    if (name == "FLOW_UNITS") {
      if (const int c = pick(FLOW_UNIT_WORDS, "CFS, GPM, MGD (US customary) or CMS, LPS, MLD (SI)"); c >= 0)
        net_.units.flow = static_cast<FlowUnits>(c);
    } else if (name == "INFILTRATION") {
      if (const int c = pick(INFILTRATION_WORDS, "HORTON, MODIFIED_HORTON, GREEN_AMPT, MODIFIED_GREEN_AMPT or "
                                                 "CURVE_NUMBER");
          c >= 0)
        o.infiltration = static_cast<InfiltrationModel>(c);
    } else if (name == "FLOW_ROUTING") {
      // SWMM 5's words, then SWMM 4's (NF, KW, EKW, DW); XKINWAVE and EKW are kinematic wave.
      int c = choice(v, {"NONE", "STEADY", "KINWAVE", "XKINWAVE", "DYNWAVE"});
      if (c < 0) c = choice(v, {"NONE", "NF", "KW", "EKW", "DW"});
      if (c < 0) pick({"STEADY", "KINWAVE", "DYNWAVE", "NONE"}, "STEADY, KINWAVE, DYNWAVE or NONE");
      else if (c == 0) o.ignore_routing = true;
      else o.flow_routing = c == 1 ? FlowRouting::STEADY : c == 4 ? FlowRouting::DYNWAVE : FlowRouting::KINWAVE;
    } else if (name == "START_DATE") {
      date(o.start_date);
    } else if (name == "START_TIME") {
      clock(start_time_s_);
    } else if (name == "END_DATE") {
      date(end_date_);
      end_line_ = std::max(end_line_, l.number);
    } else if (name == "END_TIME") {
      clock(end_time_s_);
      end_line_ = std::max(end_line_, l.number);
    } else if (name == "REPORT_START_DATE") {
      Date d;
      date(d);
      report_date_ = d;
      report_start_line_ = std::max(report_start_line_, l.number);
    } else if (name == "REPORT_START_TIME") {
      double t = 0.0;
      clock(t);
      report_time_s_ = t;
      report_start_line_ = std::max(report_start_line_, l.number);
    } else if (name == "SWEEP_START" || name == "SWEEP_END") {
      ignore("street sweeping, a water-quality process");
    } else if (name == "DRY_DAYS") {
      if (auto x = num(0.0, BIG, "at least 0")) o.antecedent_dry_days = *x;
    } else if (name == "WET_STEP") {
      if (auto s = step(false)) o.wet_step_s = *s;
    } else if (name == "DRY_STEP") {
      if (auto s = step(false)) o.dry_step_s = *s;
    } else if (name == "REPORT_STEP") {
      if (auto s = step(false)) o.report_step_s = *s;
      report_step_line_ = l.number;
      report_step_text_ = v;
    } else if (name == "RULE_STEP") {
      if (auto s = step(true)) o.rule_step_s = *s;
    } else if (name == "ROUTING_STEP") {
      if (auto s = seconds()) {
        if (*s <= 0.0) error(l.number, name + " " + v + " must be above 0; give the step in seconds");
        else o.routing_step_s = *s;
      }
      routing_step_text_ = v;
    } else if (name == "LENGTHENING_STEP") {
      if (auto s = seconds()) o.lengthening_step_s = std::max(0.0, *s);
    } else if (name == "MINIMUM_STEP") {
      if (auto x = num(0.0, BIG, "at least 0 (seconds)")) o.minimum_step_s = *x;
    } else if (name == "VARIABLE_STEP") {
      if (auto x = num(0.0, 2.0, "from 0 to 2")) o.variable_step = *x;
    } else if (name == "MIN_SURFAREA") {
      if (auto x = num(0.0, BIG, "at least 0")) o.min_surface_area_m2 = *x;  // made m² by set_units()
    } else if (name == "MIN_SLOPE") {
      if (auto x = num(0.0, BIG, "at least 0 and below 100 (percent)")) {
        if (*x >= 100.0) error(l.number, name + " " + v + " is out of range; it must be below 100 (percent)");
        else o.min_slope = *x / 100.0;
      }
    } else if (name == "MAX_TRIALS") {
      if (auto x = num(0.0, 1e6, "a whole number of at least 0")) o.max_trials = static_cast<int>(*x);
    } else if (name == "HEAD_TOLERANCE") {
      if (auto x = num(0.0, BIG, "at least 0")) o.head_tolerance_m = *x;  // made metres by set_units()
    } else if (name == "SYS_FLOW_TOL") {
      if (auto x = num(0.0, BIG, "at least 0 (percent)")) o.sys_flow_tolerance = *x / 100.0;
    } else if (name == "LAT_FLOW_TOL") {
      if (auto x = num(0.0, BIG, "at least 0 (percent)")) o.lat_flow_tolerance = *x / 100.0;
    } else if (name == "ALLOW_PONDING") {
      yes(o.allow_ponding);
    } else if (name == "SKIP_STEADY_STATE") {
      yes(o.skip_steady_state);
    } else if (name == "IGNORE_RAINFALL") {
      yes(o.ignore_rainfall);
    } else if (name == "IGNORE_SNOWMELT") {
      yes(o.ignore_snowmelt);
    } else if (name == "IGNORE_GROUNDWATER") {
      yes(o.ignore_groundwater);
    } else if (name == "IGNORE_ROUTING") {
      yes(o.ignore_routing);
    } else if (name == "IGNORE_QUALITY") {
      yes(o.ignore_quality);
    } else if (name == "IGNORE_RDII") {
      yes(o.ignore_rdii);
    } else if (name == "INERTIAL_DAMPING") {
      if (const int c = pick({"NONE", "PARTIAL", "FULL"}, "NONE, PARTIAL or FULL"); c >= 0)
        o.inertial_damping = static_cast<InertialDamping>(c);
    } else if (name == "NORMAL_FLOW_LIMITED") {
      if (const int c = pick({"SLOPE", "FROUDE", "BOTH"}, "SLOPE, FROUDE or BOTH"); c >= 0)
        o.normal_flow_limited = static_cast<NormalFlowLimited>(c);
    } else if (name == "FORCE_MAIN_EQUATION") {
      if (const int c = pick({"H-W", "D-W"}, "H-W or D-W"); c >= 0)
        o.force_main_equation = static_cast<ForceMainEquation>(c);
    } else if (name == "LINK_OFFSETS") {
      if (const int c = pick({"DEPTH", "ELEVATION"}, "DEPTH or ELEVATION"); c >= 0)
        o.link_offsets = static_cast<LinkOffsets>(c);
    } else if (name == "SURCHARGE_METHOD") {
      if (const int c = pick({"EXTRAN", "SLOT"}, "EXTRAN or SLOT"); c >= 0)
        o.surcharge_method = static_cast<SurchargeMethod>(c);
    } else if (name == "TEMPDIR") {
      ignore("the folder of SWMM's scratch files");
    } else if (name == "THREADS") {
      ignore("the threads of SWMM's solver, which do not change its results");
    } else {  // COMPATIBILITY, SLOPE_WEIGHTING
      ignore("obsolete in SWMM 5");
    }
  }

  /// The factors of the file's units, and the options given in them; the start of the run.
  void set_units() {
    FileUnits& u = net_.units;
    u.us_customary = u.flow <= FlowUnits::MGD;
    const int s = u.us_customary ? 0 : 1;
    u.flow_m3s = FT * FT * FT / QCF[static_cast<int>(u.flow)];
    u.length_m = FT / UCF_LENGTH[s];
    u.area_m2 = FT * FT / UCF_LANDAREA[s];
    u.rain_rate_m_per_s = FT / UCF_RAINFALL[s];
    u.rain_depth_m = FT / UCF_RAINDEPTH[s];
    u.volume_m3 = FT * FT * FT / UCF_VOLUME[s];
    Options& o = net_.options;
    o.min_surface_area_m2 *= u.length_m * u.length_m;
    o.head_tolerance_m *= u.length_m;
    o.start_time_s = static_cast<std::int64_t>(std::floor(start_time_s_ + 0.5));
    start_s_ = day_number(o.start_date) * DAY_S + o.start_time_s;
  }

  // --- First pass: identifiers ---

  /// Whether `id` is new among the objects `lines` holds; if not, an error naming the line that declared it.
  bool claim(std::unordered_map<std::string, int>& lines, const Line& l, const std::string& object, const char* kind,
             const char* fix) {
    const std::string& id = l.tokens[0];
    if (auto it = lines.find(id); it != lines.end()) {
      error(l.number, object + ": the ID is already used by the " + kind + " at line " + std::to_string(it->second) +
                          "; " + fix);
      return false;
    }
    lines[id] = l.number;
    return true;
  }

  void collect_ids() {
    std::unordered_map<std::string, int> gage_lines, subcatchment_lines, node_lines, link_lines;
    const char* node_fix = "give each junction, outfall, storage unit and divider its own ID";
    const char* link_fix = "give each conduit, pump, orifice, weir and outlet its own ID";
    auto add_node = [&](const Line& l, NodeKind kind) {
      if (!claim(node_lines, l, quoted(node_word(kind), l.tokens[0]), "node", node_fix)) return;
      Node n;
      n.id = l.tokens[0];
      n.kind = kind;
      n.line = l.number;
      const int index = static_cast<int>(net_.nodes.size());
      if (kind == NodeKind::OUTFALL) {
        n.kind_index = static_cast<int>(net_.outfalls.size());
        net_.outfalls.push_back({});
        net_.outfalls.back().node = index;
      } else if (kind == NodeKind::STORAGE) {
        n.kind_index = static_cast<int>(net_.storage.size());
        net_.storage.push_back({});
        net_.storage.back().node = index;
      } else {
        n.kind_index = static_cast<int>(std::count_if(net_.nodes.begin(), net_.nodes.end(),
                                                      [](const Node& m) { return m.kind == NodeKind::JUNCTION; }));
      }
      net_.node_index[n.id] = index;
      node_ids_.push_back(n.id);
      net_.nodes.push_back(std::move(n));
    };
    auto add_link = [&](const Line& l, LinkKind kind) {
      if (!claim(link_lines, l, quoted(link_word(kind), l.tokens[0]), "link", link_fix)) return;
      Link k;
      k.id = l.tokens[0];
      k.kind = kind;
      k.line = l.number;
      const int index = static_cast<int>(net_.links.size());
      auto attach = [&](auto& list) {
        k.kind_index = static_cast<int>(list.size());
        list.push_back({});
        list.back().link = index;
      };
      switch (kind) {
        case LinkKind::CONDUIT: attach(net_.conduits); break;
        case LinkKind::PUMP: attach(net_.pumps); break;
        case LinkKind::ORIFICE: attach(net_.orifices); break;
        case LinkKind::WEIR: attach(net_.weirs); break;
        case LinkKind::OUTLET: attach(net_.outlets); break;
      }
      net_.link_index[k.id] = index;
      link_ids_.push_back(k.id);
      net_.links.push_back(std::move(k));
    };
    for (const Block& b : blocks_) {
      current_ = &b;
      for (const Line& l : b.lines) {
        const std::string& id = l.tokens[0];
        switch (b.section) {
          case Section::RAINGAGES:
            if (claim(gage_lines, l, quoted("rain gage", id), "rain gage", "give each rain gage its own ID")) {
              net_.gage_index[id] = static_cast<int>(net_.gages.size());
              net_.gages.push_back({});
              net_.gages.back().id = id;
              net_.gages.back().line = l.number;
              gage_ids_.push_back(id);
            }
            break;
          case Section::SUBCATCHMENTS:
            if (claim(subcatchment_lines, l, quoted("subcatchment", id), "subcatchment",
                      "give each subcatchment its own ID")) {
              net_.subcatchment_index[id] = static_cast<int>(net_.subcatchments.size());
              net_.subcatchments.push_back({});
              net_.subcatchments.back().id = id;
              net_.subcatchments.back().line = l.number;
              subcatchment_ids_.push_back(id);
            }
            break;
          case Section::JUNCTIONS: add_node(l, NodeKind::JUNCTION); break;
          case Section::OUTFALLS: add_node(l, NodeKind::OUTFALL); break;
          case Section::STORAGE: add_node(l, NodeKind::STORAGE); break;
          case Section::DIVIDERS:
            if (claim(node_lines, l, quoted("divider", id), "node", node_fix)) divider_lines_[id] = l.number;
            break;
          case Section::CONDUITS: add_link(l, LinkKind::CONDUIT); break;
          case Section::PUMPS: add_link(l, LinkKind::PUMP); break;
          case Section::ORIFICES: add_link(l, LinkKind::ORIFICE); break;
          case Section::WEIRS: add_link(l, LinkKind::WEIR); break;
          case Section::OUTLETS: add_link(l, LinkKind::OUTLET); break;
          case Section::CURVES:  // a curve spans several lines
            if (!net_.curve_index.count(id)) {
              net_.curve_index[id] = static_cast<int>(net_.curves.size());
              net_.curves.push_back({});
              net_.curves.back().id = id;
              net_.curves.back().line = l.number;
              curve_ids_.push_back(id);
              curve_typed_.push_back(false);
              curve_point_lines_.emplace_back();
            }
            break;
          case Section::TIMESERIES:  // so does a time series
            if (!net_.series_index.count(id)) {
              net_.series_index[id] = static_cast<int>(net_.time_series.size());
              net_.time_series.push_back({});
              net_.time_series.back().id = id;
              net_.time_series.back().line = l.number;
              series_ids_.push_back(id);
              series_point_lines_.emplace_back();
              series_date_s_.push_back(0.0);
            }
            break;
          case Section::PATTERNS:  // a pattern spans several lines
            if (!net_.pattern_index.count(id)) {
              net_.pattern_index[id] = static_cast<int>(net_.patterns.size());
              net_.patterns.push_back({});
              net_.patterns.back().id = id;
              net_.patterns.back().line = l.number;
              pattern_ids_.push_back(id);
            }
            break;
          case Section::STREETS: street_ids_.insert(id); break;
          case Section::TRANSECTS:  // a transect's name follows X1
            if (starts(id, "X1") && l.tokens.size() > 1) transect_ids_.insert(l.tokens[1]);
            break;
          default: break;
        }
      }
    }
    current_ = nullptr;
  }

  // --- Values and references ---

  /// The bound a number must respect.
  enum class Bound : std::uint8_t { ANY, NON_NEGATIVE, POSITIVE };

  /// The number in token `tok` of `l`, or an error naming `what` ("conduit 'C1': length") and the value.
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

  /// The keyword in token `tok`, by SWMM's match, or an error listing the allowed ones.
  int keyword(const Line& l, std::size_t tok, const std::string& what, std::initializer_list<const char*> words,
              const char* allowed) {
    const std::string& t = l.tokens[tok];
    const int c = choice(t, words);
    if (c < 0)
      error(l.number, what + " '" + t + "'" + suggestion(upper(t), word_list(words), false) + " must be " + allowed);
    return c;
  }

  std::optional<bool> yes_no(const Line& l, std::size_t tok, const std::string& what) {
    const int c = keyword(l, tok, what, {"NO", "YES"}, "YES or NO");
    if (c < 0) return std::nullopt;
    return c == 1;
  }

  int find(const std::unordered_map<std::string, int>& index, const std::vector<std::string>& ids, const Line& l,
           std::size_t tok, const std::string& role, const char* declare) {
    const std::string& id = l.tokens[tok];
    if (auto it = index.find(id); it != index.end()) return it->second;
    error(l.number, role + " '" + id + "' is not defined" + suggestion(id, ids, true) + "; declare it in " + declare);
    return -1;
  }

  int find_node(const Line& l, std::size_t tok, const std::string& role) {
    const std::string& id = l.tokens[tok];
    if (auto d = divider_lines_.find(id); d != divider_lines_.end()) {
      error(l.number, role + " '" + id + "' is a flow divider ([DIVIDERS] at line " + std::to_string(d->second) +
                          "), which is not read; make it a junction");
      return -1;
    }
    return find(net_.node_index, node_ids_, l, tok, role, "[JUNCTIONS], [OUTFALLS] or [STORAGE]");
  }

  int find_subcatchment(const Line& l, std::size_t tok, const std::string& role) {
    return find(net_.subcatchment_index, subcatchment_ids_, l, tok, role, "[SUBCATCHMENTS]");
  }

  int find_series(const Line& l, std::size_t tok, const std::string& role) {
    return find(net_.series_index, series_ids_, l, tok, role, "[TIMESERIES]");
  }

  /// A curve of one of the types `allowed` (named `needed` in the message), or an error.
  int find_curve(const Line& l, std::size_t tok, const std::string& role, std::initializer_list<CurveType> allowed,
                 const char* needed) {
    const int c = find(net_.curve_index, curve_ids_, l, tok, role, "[CURVES]");
    if (c < 0) return -1;
    const CurveType t = net_.curves[c].type;
    if (curve_typed_[c] && std::find(allowed.begin(), allowed.end(), t) == allowed.end()) {
      error(l.number, role + " '" + l.tokens[tok] + "' is a " + *(CURVE_WORDS.begin() + static_cast<int>(t)) +
                          " curve where a " + needed + " curve is needed; give it a " + needed + " curve");
      return -1;
    }
    return c;
  }

  /// Records what a time series feeds; one series cannot feed two things whose units differ.
  void use_series(const Line& l, int s, SeriesUse use) {
    TimeSeries& ts = net_.time_series[s];
    if (ts.use == SeriesUse::NONE) ts.use = use;
    else if (ts.use != use)
      error(l.number, "time series '" + ts.id + "' is used both as " + use_word(ts.use) + " and as " + use_word(use) +
                          "; give each use its own series");
  }

  // --- Inflows ---

  /// A direct inflow (SWMM's inflow_readExtInflow): NODE FLOW SERIES [TYPE MFACTOR SFACTOR BASELINE PATTERN]. An
  /// empty series ("") leaves the baseline alone; a pollutant's inflow is water quality, which is skipped.
  void inflow(const Line& l) {
    const std::string object = "inflow at " + quoted("node", l.tokens[0]);
    if (!fields(l, 3, object, "NODE FLOW SERIES [TYPE MFACTOR SFACTOR BASELINE PATTERN]")) return;
    if (upper(l.tokens[1]) != "FLOW") {
      const std::string name = "[INFLOWS] " + l.tokens[1];
      auto it = std::find_if(net_.ignored.begin(), net_.ignored.end(),
                             [&](const IgnoredSection& s) { return s.name == name; });
      if (it == net_.ignored.end()) net_.ignored.push_back({name, l.number, 1, "water quality"});
      else ++it->entries;
      return;
    }
    ExternalInflow in;
    in.line = l.number;
    in.node = find_node(l, 0, "inflow node");
    if (!l.tokens[2].empty()) {
      in.series = find_series(l, 2, object + ": time series");
      if (in.series >= 0) use_series(l, in.series, SeriesUse::INFLOW);
    }
    if (l.tokens.size() > 5) {
      const auto sf = value(l, 5, object + ": scale factor (Sfactor)");
      if (!sf) return;
      in.scale_factor = *sf;
    }
    if (l.tokens.size() > 6) {
      const auto base = value(l, 6, object + ": baseline");
      if (!base) return;
      in.baseline_m3s = *base * net_.units.flow_m3s;
    }
    if (l.tokens.size() > 7 && !l.tokens[7].empty()) {
      in.pattern = find(net_.pattern_index, pattern_ids_, l, 7, object + ": baseline pattern", "[PATTERNS]");
      if (in.pattern < 0) return;
    }
    if (in.node < 0 || (!l.tokens[2].empty() && in.series < 0)) return;
    // SWMM keeps one FLOW inflow per node: a later line replaces an earlier one.
    auto same = std::find_if(net_.inflows.begin(), net_.inflows.end(),
                             [&](const ExternalInflow& e) { return e.node == in.node; });
    if (same == net_.inflows.end()) net_.inflows.push_back(in);
    else *same = in;
  }

  /// A time pattern (SWMM's inflow_readDwfPattern): NAME TYPE FACTOR ... on its first line, NAME FACTOR ... after.
  void pattern(const Line& l) {
    const std::string object = quoted("pattern", l.tokens[0]);
    if (!fields(l, 2, object, "NAME TYPE FACTOR [FACTOR ...] on its first line, then NAME FACTOR [FACTOR ...]")) return;
    const int p = net_.pattern(l.tokens[0]);
    if (pattern_typed_.size() < net_.patterns.size()) pattern_typed_.resize(net_.patterns.size(), false);
    TimePattern& pt = net_.patterns[p];
    std::size_t k = 1;
    if (!pattern_typed_[p]) {
      const int t = keyword(l, 1, object + ": type", {"MONTHLY", "DAILY", "HOURLY", "WEEKEND"},
                            "MONTHLY, DAILY, HOURLY or WEEKEND; a pattern's first line names its type");
      pattern_typed_[p] = true;  // its next lines are factors, whatever this one says
      if (t < 0) return;
      pt.type = static_cast<PatternType>(t);
      k = 2;
    }
    const std::size_t most = pt.type == PatternType::MONTHLY ? 12 : pt.type == PatternType::DAILY ? 7 : 24;
    for (; k < l.tokens.size(); ++k) {
      if (pt.factors.size() == most) {
        error(l.number, object + " has more than " + std::to_string(most) + " factors; a " +
                            *(std::initializer_list<const char*>{"MONTHLY", "DAILY", "HOURLY", "WEEKEND"}.begin() +
                              static_cast<int>(pt.type)) +
                            " pattern has " + std::to_string(most));
        return;
      }
      const auto v = value(l, k, object + ": factor " + std::to_string(pt.factors.size() + 1), Bound::NON_NEGATIVE);
      if (!v) return;
      pt.factors.push_back(*v);
    }
  }

  /// A dry-weather inflow (SWMM's inflow_readDwfInflow): NODE FLOW AVERAGE [PATTERN ...] (up to four patterns, "" for
  /// none); a pollutant's is water quality, which is skipped.
  void dry_weather(const Line& l) {
    const std::string object = "dry-weather inflow at " + quoted("node", l.tokens[0]);
    if (!fields(l, 3, object, "NODE FLOW AVERAGE [PATTERN1 PATTERN2 PATTERN3 PATTERN4]")) return;
    if (upper(l.tokens[1]) != "FLOW") {
      const std::string name = "[DWF] " + l.tokens[1];
      auto it = std::find_if(net_.ignored.begin(), net_.ignored.end(),
                             [&](const IgnoredSection& s) { return s.name == name; });
      if (it == net_.ignored.end()) net_.ignored.push_back({name, l.number, 1, "water quality"});
      else ++it->entries;
      return;
    }
    DryWeatherInflow d;
    d.line = l.number;
    d.node = find_node(l, 0, "dry-weather inflow node");
    const auto average = value(l, 2, object + ": average flow");
    if (!average) return;
    d.average_m3s = *average * net_.units.flow_m3s;
    for (std::size_t k = 3; k < l.tokens.size() && k < 7; ++k) {
      if (l.tokens[k].empty()) continue;
      const int p = find(net_.pattern_index, pattern_ids_, l, k, object + ": pattern", "[PATTERNS]");
      if (p < 0) return;
      // SWMM files each pattern under its type: a later one of a type replaces an earlier one.
      d.patterns[static_cast<std::size_t>(net_.patterns[p].type)] = p;
    }
    if (d.node < 0) return;
    auto same = std::find_if(net_.dry_weather.begin(), net_.dry_weather.end(),
                             [&](const DryWeatherInflow& e) { return e.node == d.node; });
    if (same == net_.dry_weather.end()) net_.dry_weather.push_back(d);
    else *same = d;
  }

  /// One line of a control rule (SWMM's controls.c): RULE ID; IF, AND, OR premises; THEN, AND actions; ELSE, AND
  /// actions; PRIORITY value. Premises on node DEPTH or HEAD and link STATUS, SETTING or FLOW; actions on a pump's
  /// STATUS or SETTING. What else SWMM's rules can say (times of day, dates, variables, expressions, modulated and
  /// PID settings, actions on other links) is refused.
  void control(const Line& l) {
    const std::string head = upper(l.tokens[0]);
    if (head == "RULE") {
      if (!fields(l, 2, "rule", "RULE NAME")) return;
      for (const ControlRule& r : net_.rules)
        if (r.id == l.tokens[1]) {
          error(l.number, "rule '" + l.tokens[1] + "' is already defined at line " + std::to_string(r.line) +
                              "; give each rule its own name");
          return;
        }
      net_.rules.push_back({});
      net_.rules.back().id = l.tokens[1];
      net_.rules.back().line = l.number;
      clause_ = Clause::NONE;
      return;
    }
    if (net_.rules.empty()) {
      error(l.number, "'" + l.tokens[0] + "' comes before any RULE; start each rule with RULE NAME");
      return;
    }
    ControlRule& rule = net_.rules.back();
    const std::string object = quoted("rule", rule.id);
    if (head == "PRIORITY") {
      if (!fields(l, 2, object, "PRIORITY VALUE")) return;
      if (const auto v = value(l, 1, object + ": priority")) rule.priority = *v;
      return;
    }
    const bool first = head == "IF" || head == "THEN" || head == "ELSE";
    if (!first && head != "AND" && head != "OR") {
      error(l.number, object + ": '" + l.tokens[0] + "' does not start a rule's line; write RULE, IF, AND, OR, THEN, "
                               "ELSE or PRIORITY");
      return;
    }
    if (head == "IF") clause_ = Clause::IF;
    else if (head == "THEN") clause_ = Clause::THEN;
    else if (head == "ELSE") clause_ = Clause::ELSE;
    if (clause_ == Clause::NONE) {
      error(l.number, object + ": '" + l.tokens[0] + "' comes before the rule's IF; write IF first");
      return;
    }
    if (clause_ == Clause::IF) {
      if (const auto p = premise(l, object)) {
        rule.premises.push_back(*p);
        rule.premises.back().is_or = head == "OR";
      }
    } else {
      if (head == "OR") {
        error(l.number, object + ": OR joins premises, not actions; write AND");
        return;
      }
      if (const auto a = action(l, object)) (clause_ == Clause::THEN ? rule.then_actions : rule.else_actions).push_back(*a);
    }
  }

  /// A premise: NODE ID DEPTH|HEAD RELATION VALUE, or LINK|PUMP|CONDUIT|ORIFICE|WEIR|OUTLET ID STATUS|SETTING|FLOW
  /// RELATION VALUE.
  std::optional<Premise> premise(const Line& l, const std::string& object) {
    const char* layout = "IF NODE ID DEPTH|HEAD RELATION VALUE, or IF LINK|PUMP|CONDUIT|ORIFICE|WEIR|OUTLET ID "
                         "STATUS|SETTING|FLOW RELATION VALUE";
    if (l.tokens.size() != 6) {
      error(l.number, object + ": premise '" + l.text + "' is not one this reader evaluates; write " + layout);
      return std::nullopt;
    }
    Premise p;
    p.line = l.number;
    const int kind = choice(l.tokens[1], {"NODE", "LINK", "PUMP", "CONDUIT", "ORIFICE", "WEIR", "OUTLET"});
    if (kind < 0) {
      error(l.number, object + ": premise on '" + l.tokens[1] + "' is not one this reader evaluates; write " + layout);
      return std::nullopt;
    }
    p.object = kind == 0 ? ControlObject::NODE : ControlObject::LINK;
    p.index = kind == 0 ? find_node(l, 2, object + ": node") : find_link(l, 2, object + ": link");
    if (p.index < 0) return std::nullopt;
    const int attribute = kind == 0 ? keyword(l, 3, object + ": node attribute", {"DEPTH", "HEAD"}, "DEPTH or HEAD")
                                    : keyword(l, 3, object + ": link attribute", {"STATUS", "SETTING", "FLOW"},
                                              "STATUS, SETTING or FLOW");
    if (attribute < 0) return std::nullopt;
    p.attribute = kind == 0 ? static_cast<ControlAttribute>(attribute) : static_cast<ControlAttribute>(attribute + 2);
    const std::string& r = l.tokens[4];
    const char* relations[] = {"=", "<>", "<", "<=", ">", ">="};
    int relation = -1;
    for (int i = 0; i < 6; ++i)
      if (r == relations[i]) relation = i;
    if (relation < 0) {
      error(l.number, object + ": relation '" + r + "' must be =, <>, <, <=, > or >=");
      return std::nullopt;
    }
    p.relation = static_cast<Relation>(relation);
    if (p.attribute == ControlAttribute::STATUS) {
      const int status = keyword(l, 5, object + ": status", {"OFF", "ON", "CLOSED", "OPEN"}, "ON, OFF, OPEN or CLOSED");
      if (status < 0) return std::nullopt;
      p.value = status % 2;
      return p;
    }
    const auto v = value(l, 5, object + ": value");
    if (!v) return std::nullopt;
    const double f = p.attribute == ControlAttribute::FLOW      ? net_.units.flow_m3s
                     : p.attribute == ControlAttribute::SETTING ? 1.0
                                                                : net_.units.length_m;
    p.value = *v * f;
    return p;
  }

  /// An action: PUMP ID STATUS = ON|OFF, or PUMP ID SETTING = VALUE.
  std::optional<ControlAction> action(const Line& l, const std::string& object) {
    const char* layout = "THEN PUMP ID STATUS = ON|OFF or THEN PUMP ID SETTING = VALUE";
    if (l.tokens.size() != 6 || l.tokens[4] != "=") {
      error(l.number, object + ": action '" + l.text + "' is not one this reader applies; write " + layout);
      return std::nullopt;
    }
    if (choice(l.tokens[1], {"PUMP"}) < 0) {
      error(l.number, object + ": actions on " + upper(l.tokens[1]) + " links are not applied here, only on pumps; "
                               "write " + layout);
      return std::nullopt;
    }
    ControlAction a;
    a.line = l.number;
    a.link = find_link(l, 2, object + ": pump");
    if (a.link < 0) return std::nullopt;
    if (net_.links[a.link].kind != LinkKind::PUMP) {
      error(l.number, object + ": link '" + l.tokens[2] + "' is not a pump; name a pump of [PUMPS]");
      return std::nullopt;
    }
    const int attribute = keyword(l, 3, object + ": pump attribute", {"STATUS", "SETTING"}, "STATUS or SETTING");
    if (attribute < 0) return std::nullopt;
    if (attribute == 0) {
      const int status = keyword(l, 5, object + ": status", {"OFF", "ON"}, "ON or OFF");
      if (status < 0) return std::nullopt;
      a.setting = status;
    } else {
      const auto v = value(l, 5, object + ": setting", Bound::NON_NEGATIVE);
      if (!v) return std::nullopt;
      a.setting = *v;
    }
    return a;
  }

  int find_link(const Line& l, std::size_t tok, const std::string& role) {
    return find(net_.link_index, link_ids_, l, tok, role, "[CONDUITS], [PUMPS], [ORIFICES], [WEIRS] or [OUTLETS]");
  }

  // --- Time series and curves ---

  void series(const Line& l) {
    const std::string object = quoted("time series", l.tokens[0]);
    if (l.tokens.size() >= 2 && upper(l.tokens[1]) == "FILE") {
      error(l.number, object + ": external time series files are not read; write its entries here, NAME [DATE] "
                               "TIME VALUE on each line");
      return;
    }
    if (!fields(l, 3, object, "NAME [DATE] TIME VALUE [[DATE] TIME VALUE ...]")) return;
    const int s = net_.series(l.tokens[0]);
    TimeSeries& ts = net_.time_series[s];
    // SWMM's reading: an optional date, then a time, then a value, again and again; a date holds for what follows.
    std::size_t k = 1;
    while (k < l.tokens.size()) {
      if (auto d = parse_date(l.tokens[k])) {
        series_date_s_[s] = static_cast<double>(day_number(*d) * DAY_S - start_s_);
        ++k;
        if (k == l.tokens.size()) {
          error(l.number, object + ": date '" + l.tokens[k - 1] + "' has no time and value after it; write DATE TIME "
                                   "VALUE");
          return;
        }
      }
      const auto t = clock_seconds(l.tokens[k]);
      if (!t) {
        error(l.number, object + ": '" + l.tokens[k] + "' is not a time; write decimal hours (1.5), h:mm or h:mm:ss, "
                                 "optionally after a date month/day/year");
        return;
      }
      if (k + 1 == l.tokens.size()) {
        error(l.number, object + ": time '" + l.tokens[k] + "' has no value after it; write TIME VALUE");
        return;
      }
      const auto v = value(l, k + 1, object + ": value at " + l.tokens[k]);
      if (!v) return;
      ts.time_s.push_back(series_date_s_[s] + *t);
      ts.values.push_back(*v);
      series_point_lines_[s].push_back(l.number);
      k += 2;
    }
  }

  void curve(const Line& l) {
    const std::string object = quoted("curve", l.tokens[0]);
    if (!fields(l, 2, object, "NAME TYPE [X Y ...] on its first line, then NAME X Y [X Y ...]")) return;
    const int c = net_.curve(l.tokens[0]);
    Curve& cu = net_.curves[c];
    std::size_t k = 1;
    // The first line names the type (and may hold points); the next hold points only.
    if (!curve_typed_[c]) {
      const int t = keyword(l, 1, object + ": type", CURVE_WORDS,
                            "STORAGE, DIVERSION, TIDAL, RATING, CONTROL, SHAPE, WEIR or PUMP1 to PUMP5; a curve's "
                            "first line names its type");
      if (t < 0) return;
      cu.type = static_cast<CurveType>(t);
      curve_typed_[c] = true;
      k = 2;
    }
    if ((l.tokens.size() - k) % 2 != 0) {
      error(l.number, object + ": x " + l.tokens.back() + " has no y after it; write the points as pairs X Y");
      return;
    }
    for (; k + 1 < l.tokens.size(); k += 2) {
      const auto x = value(l, k, object + ": x");
      const auto y = value(l, k + 1, object + ": y");
      if (!x || !y) return;
      cu.x.push_back(*x);
      cu.y.push_back(*y);
      curve_point_lines_[c].push_back(l.number);
    }
  }

  // --- Rain and runoff ---

  void gage(const Line& l) {
    const std::string object = quoted("rain gage", l.tokens[0]);
    const char* layout = "NAME INTENSITY|VOLUME|CUMULATIVE INTERVAL SCF TIMESERIES SERIES";
    if (!fields(l, 5, object, layout)) return;
    RainGage& g = net_.gages[net_.gage(l.tokens[0])];
    if (starts(l.tokens[4], "FILE")) {
      error(l.number, object + ": rain files are not read; put the rain in [TIMESERIES] and write " + layout);
      return;
    }
    if (!starts(l.tokens[4], "TIMESERIES")) {
      error(l.number, object + ": source '" + l.tokens[4] + "' must be TIMESERIES (rain files are not read)");
      return;
    }
    if (!fields(l, 6, object, layout)) return;
    const int f = keyword(l, 1, object + ": format", {"INTENSITY", "VOLUME", "CUMULATIVE"},
                          "INTENSITY, VOLUME or CUMULATIVE");
    if (f >= 0) g.format = static_cast<RainFormat>(f);
    const auto interval = clock_seconds(l.tokens[2]);
    if (!interval || std::floor(*interval + 0.5) <= 0.0)
      error(l.number, object + ": interval '" + l.tokens[2] + "' is not a positive time; write h:mm (0:05) or "
                               "decimal hours");
    else
      g.interval_s = static_cast<std::int64_t>(std::floor(*interval + 0.5));
    if (auto v = value(l, 3, object + ": snow catch factor")) g.snow_catch_factor = *v;
    g.series = find_series(l, 5, object + ": time series");
    if (g.series >= 0 && f >= 0)
      use_series(l, g.series, f == 0 ? SeriesUse::RAIN_INTENSITY : f == 1 ? SeriesUse::RAIN_VOLUME
                                                                            : SeriesUse::RAIN_CUMULATIVE);
  }

  void subcatchment(const Line& l) {
    const std::string object = quoted("subcatchment", l.tokens[0]);
    if (!fields(l, 8, object, "NAME RAINGAGE OUTLET AREA %IMPERV WIDTH %SLOPE CURBLEN [SNOWPACK]")) return;
    const int j = net_.subcatchment(l.tokens[0]);
    Subcatchment& s = net_.subcatchments[j];
    const FileUnits& u = net_.units;
    s.gage = find(net_.gage_index, gage_ids_, l, 1, object + ": rain gage", "[RAINGAGES]");
    if (s.gage >= 0) net_.gages[s.gage].used = true;

    // The outlet: a node or a subcatchment (itself: the runoff leaves the model), never a name both have.
    const std::string& out = l.tokens[2];
    const int node = net_.node(out), sub = net_.subcatchment(out);
    if (node >= 0 && sub >= 0) {
      error(l.number, object + ": outlet '" + out + "' is both a node and a subcatchment; rename one of them");
    } else if (node < 0 && sub < 0 && divider_lines_.count(out)) {
      find_node(l, 2, object + ": outlet");  // a flow divider, which is refused
    } else if (node < 0 && sub < 0) {
      std::vector<std::string> both = node_ids_;
      both.insert(both.end(), subcatchment_ids_.begin(), subcatchment_ids_.end());
      error(l.number, object + ": outlet '" + out + "' is not defined" + suggestion(out, both, true) +
                          "; name a node of [JUNCTIONS], [OUTFALLS] or [STORAGE], or a subcatchment");
    }
    s.outlet_node = node;
    s.outlet_subcatchment = node >= 0 ? -1 : sub;

    const auto area = value(l, 3, object + ": area", Bound::NON_NEGATIVE);
    const auto imperv = value(l, 4, object + ": % impervious", Bound::NON_NEGATIVE);
    const auto width = value(l, 5, object + ": width", Bound::NON_NEGATIVE);
    const auto slope = value(l, 6, object + ": % slope", Bound::NON_NEGATIVE);
    const auto curb = value(l, 7, object + ": curb length", Bound::NON_NEGATIVE);
    if (area) s.area_m2 = *area * u.area_m2;
    if (imperv) s.impervious_fraction = std::min(*imperv, 100.0) / 100.0;
    if (width) s.width_m = *width * u.length_m;
    if (slope) s.slope = *slope / 100.0;
    if (curb) s.curb_length = *curb;
    if (l.tokens.size() > 8) s.snowpack = l.tokens[8];
  }

  void subareas(const Line& l) {
    const std::string object = quoted("subcatchment", l.tokens[0]);
    if (!fields(l, 7, object, "SUBCATCHMENT N-IMPERV N-PERV S-IMPERV S-PERV %ZERO OUTLET|IMPERVIOUS|PERVIOUS "
                              "[%ROUTED]"))
      return;
    const int j = find_subcatchment(l, 0, "subareas: subcatchment");
    if (j < 0) return;
    Subareas& a = net_.subcatchments[j].subareas;
    if (a.line > 0) {
      error(l.number, object + " already has its subareas at line " + std::to_string(a.line) + "; keep one line");
      return;
    }
    a.line = l.number;
    static constexpr const char* NAMES[] = {"impervious n", "pervious n", "impervious depression storage",
                                            "pervious depression storage", "% impervious without storage"};
    double x[5] = {0.0, 0.0, 0.0, 0.0, 0.0};
    for (std::size_t i = 0; i < 5; ++i)
      if (auto v = value(l, i + 1, object + ": " + NAMES[i], Bound::NON_NEGATIVE)) x[i] = *v;
    a.n_impervious = x[0];
    a.n_pervious = x[1];
    a.storage_impervious_m = x[2] * net_.units.rain_depth_m;
    a.storage_pervious_m = x[3] * net_.units.rain_depth_m;
    a.zero_storage_fraction = std::min(x[4], 100.0) / 100.0;
    if (const int r = keyword(l, 6, object + ": route-to", {"OUTLET", "IMPERV", "PERV"},
                              "OUTLET, IMPERVIOUS or PERVIOUS");
        r >= 0)
      a.route_to = static_cast<RunoffRouting>(r);
    if (l.tokens.size() > 7)
      if (auto v = value(l, 7, object + ": % routed", Bound::NON_NEGATIVE)) {
        if (*v > 100.0) error(l.number, object + ": % routed " + l.tokens[7] + " exceeds 100; give a percentage");
        else a.routed_fraction = *v / 100.0;
      }
  }

  void infiltration(const Line& l) {
    const std::string object = quoted("subcatchment", l.tokens[0]);
    const int j = find_subcatchment(l, 0, "infiltration: subcatchment");
    if (j < 0) return;
    Infiltration& inf = net_.subcatchments[j].infiltration;
    if (inf.line > 0) {
      error(l.number, object + " already has its infiltration at line " + std::to_string(inf.line) + "; keep one line");
      return;
    }
    // The model: the line's last word if it names one (SWMM 5.1.015's), else OPTIONS INFILTRATION.
    std::size_t n = l.tokens.size();
    InfiltrationModel m = net_.options.infiltration;
    if (const int c = choice(l.tokens.back(), INFILTRATION_WORDS); c >= 0 && n > 1) {
      m = static_cast<InfiltrationModel>(c);
      --n;
    }
    const bool horton = m == InfiltrationModel::HORTON || m == InfiltrationModel::MODIFIED_HORTON;
    const bool green_ampt = m == InfiltrationModel::GREEN_AMPT || m == InfiltrationModel::MODIFIED_GREEN_AMPT;
    const char* layout = horton ? "SUBCATCHMENT MAXRATE MINRATE DECAY DRYTIME [MAXINFIL] [METHOD]"
                         : green_ampt ? "SUBCATCHMENT SUCTION KSAT IMD [METHOD]"
                                      : "SUBCATCHMENT CURVENUMBER KSAT DRYTIME [METHOD]";
    if (n < (horton ? 5u : 4u)) {
      error(l.number, object + " has " + std::to_string(n) + (n == 1 ? " field" : " fields") + " where " +
                          (horton ? "5" : "4") + " are needed; write " + layout);
      return;
    }
    inf.line = l.number;
    inf.model = m;
    const FileUnits& u = net_.units;
    auto p = [&](std::size_t i, const char* what) { return value(l, i, object + ": " + what, Bound::NON_NEGATIVE); };
    if (horton) {
      const auto f0 = p(1, "maximum rate"), fmin = p(2, "minimum rate"), decay = p(3, "decay constant"),
                 dry = p(4, "drying time");
      const std::optional<double> fmax = n > 5 ? p(5, "maximum volume") : std::optional<double>(0.0);
      if (!f0 || !fmin || !decay || !dry || !fmax) return;
      if (*f0 < *fmin) {
        error(l.number, object + ": maximum rate " + l.tokens[1] + " is below the minimum rate " + l.tokens[2] +
                            "; swap them");
        return;
      }
      inf.horton = Horton{*f0 * u.rain_rate_m_per_s, *fmin * u.rain_rate_m_per_s, *decay / HOUR_S,
                          *dry * static_cast<double>(DAY_S), *fmax * u.rain_depth_m};
    } else if (green_ampt) {
      const auto suction = p(1, "suction head"), ksat = p(2, "conductivity"), imd = p(3, "initial deficit");
      if (!suction || !ksat || !imd) return;
      if (*ksat <= 0.0 || *imd > 1.0) {
        error(l.number, object + ": conductivity " + l.tokens[2] + " must be above 0 and initial deficit " +
                            l.tokens[3] + " at most 1; correct them");
        return;
      }
      inf.green_ampt = GreenAmpt{*suction * u.rain_depth_m, *ksat * u.rain_rate_m_per_s, *imd};
    } else {
      const auto cn = p(1, "curve number"), ksat = p(2, "conductivity"), dry = p(3, "drying time");
      if (!cn || !ksat || !dry) return;
      if (*dry <= 0.0) {
        error(l.number, object + ": drying time " + l.tokens[3] + " must be above 0 (days); correct the value");
        return;
      }
      // SWMM keeps the curve number between 10 and 99.
      inf.curve_number = CurveNumber{std::clamp(*cn, 10.0, 99.0), *ksat * u.rain_rate_m_per_s,
                                     *dry * static_cast<double>(DAY_S)};
    }
  }

  // --- Nodes ---

  Node& node_of(const Line& l) { return net_.nodes[net_.node(l.tokens[0])]; }

  void junction(const Line& l) {
    const std::string object = quoted("junction", l.tokens[0]);
    if (!fields(l, 2, object, "NAME ELEVATION [MAXDEPTH] [INITDEPTH] [SURDEPTH] [APONDED]")) return;
    Node& n = node_of(l);
    const double length = net_.units.length_m;
    if (auto v = value(l, 1, object + ": invert elevation")) n.invert_m = *v * length;
    static constexpr const char* NAMES[] = {"maximum depth", "initial depth", "surcharge depth", "ponded area"};
    double x[4] = {0.0, 0.0, 0.0, 0.0};
    for (std::size_t i = 0; i < 4 && i + 2 < l.tokens.size(); ++i)
      if (auto v = value(l, i + 2, object + ": " + NAMES[i], Bound::NON_NEGATIVE)) x[i] = *v;
    n.max_depth_m = x[0] * length;
    n.initial_depth_m = x[1] * length;
    n.surcharge_depth_m = x[2] * length;
    n.ponded_area_m2 = x[3] * length * length;
  }

  void outfall(const Line& l) {
    const std::string object = quoted("outfall", l.tokens[0]);
    const char* layout = "NAME ELEVATION FREE|NORMAL|FIXED stage|TIDAL curve|TIMESERIES series [GATED] [ROUTETO]";
    if (!fields(l, 3, object, layout)) return;
    Node& n = node_of(l);
    Outfall& o = net_.outfalls[n.kind_index];
    const double length = net_.units.length_m;
    if (auto v = value(l, 1, object + ": invert elevation")) n.invert_m = *v * length;
    const int t = keyword(l, 2, object + ": type", {"FREE", "NORMAL", "FIXED", "TIDAL", "TIMESERIES"},
                          "FREE, NORMAL, FIXED, TIDAL or TIMESERIES");
    if (t < 0) return;
    o.type = static_cast<OutfallType>(t);
    std::size_t next = 3;
    if (o.type == OutfallType::FIXED || o.type == OutfallType::TIDAL || o.type == OutfallType::TIMESERIES) {
      if (!fields(l, 4, object, layout)) return;
      if (o.type == OutfallType::FIXED) {
        if (auto v = value(l, 3, object + ": fixed stage")) o.fixed_stage_m = *v * length;
      } else if (o.type == OutfallType::TIDAL) {
        o.tide_curve = find_curve(l, 3, object + ": tidal curve", {CurveType::TIDAL}, "TIDAL");
      } else {
        o.stage_series = find_series(l, 3, object + ": stage series");
        if (o.stage_series >= 0) use_series(l, o.stage_series, SeriesUse::OUTFALL_STAGE);
      }
      next = 4;
    }
    if (l.tokens.size() > next)
      if (auto g = yes_no(l, next, object + ": flap gate")) o.flap_gate = *g;
    if (l.tokens.size() > next + 1) o.route_to = find_subcatchment(l, next + 1, object + ": route-to subcatchment");
  }

  void storage(const Line& l) {
    const std::string object = quoted("storage unit", l.tokens[0]);
    const char* layout = "NAME ELEVATION MAXDEPTH INITDEPTH TABULAR curve | FUNCTIONAL A B C | CYLINDRICAL L W 0 | "
                         "CONICAL L W Z | PARABOLIC L W H | PYRAMIDAL L W Z, then [SURDEPTH] [FEVAP] [PSI KSAT IMD]";
    if (!fields(l, 6, object, layout)) return;
    Node& n = node_of(l);
    Storage& s = net_.storage[n.kind_index];
    const FileUnits& u = net_.units;
    const double length = u.length_m;
    if (auto v = value(l, 1, object + ": invert elevation")) n.invert_m = *v * length;
    if (auto v = value(l, 2, object + ": maximum depth", Bound::NON_NEGATIVE)) n.max_depth_m = *v * length;
    if (auto v = value(l, 3, object + ": initial depth", Bound::NON_NEGATIVE)) n.initial_depth_m = *v * length;
    const int shape = keyword(l, 4, object + ": shape",
                              {"TABULAR", "FUNCTIONAL", "CYLINDRICAL", "CONICAL", "PARABOLIC", "PYRAMIDAL"},
                              "TABULAR, FUNCTIONAL, CYLINDRICAL, CONICAL, PARABOLIC or PYRAMIDAL");
    if (shape < 0) return;
    s.shape = static_cast<StorageShape>(shape);
    std::size_t next = 6;
    if (s.shape == StorageShape::TABULAR) {
      s.curve = find_curve(l, 5, object + ": storage curve", {CurveType::STORAGE}, "STORAGE");
    } else {
      if (!fields(l, 8, object, layout)) return;
      next = 8;
      const bool functional = s.shape == StorageShape::FUNCTIONAL;
      const char* names[3] = {"coefficient", "exponent", "constant"};
      if (!functional) {
        names[0] = "length";
        names[1] = "width";
        names[2] = s.shape == StorageShape::PARABOLIC ? "height" : "side slope";
      }
      std::optional<double> y[3];
      for (std::size_t i = 0; i < 3; ++i) {
        const Bound b = functional ? (i == 2 ? Bound::NON_NEGATIVE : Bound::ANY)
                                   : (i < 2 || s.shape == StorageShape::PARABOLIC ? Bound::POSITIVE
                                                                                  : Bound::NON_NEGATIVE);
        y[i] = value(l, 5 + i, object + ": " + names[i], b);
      }
      if (!y[0] || !y[1] || !y[2]) return;
      storage_area(s, *y[0], *y[1], *y[2]);
    }
    if (l.tokens.size() > next) {
      if (auto v = value(l, next, object + ": surcharge depth", Bound::NON_NEGATIVE)) n.surcharge_depth_m = *v * length;
      ++next;
    }
    if (l.tokens.size() > next) {
      if (auto v = value(l, next, object + ": evaporation factor", Bound::NON_NEGATIVE)) s.evaporation_factor = *v;
      ++next;
    }
    // Seepage: its conductivity alone, or Green-Ampt's three parameters; none when the conductivity is 0.
    if (l.tokens.size() > next) {
      GreenAmpt g;
      if (l.tokens.size() == next + 1) {
        if (auto v = value(l, next, object + ": seepage conductivity", Bound::NON_NEGATIVE))
          g.conductivity_m_per_s = *v * u.rain_rate_m_per_s;
      } else {
        if (!fields(l, next + 3, object, layout)) return;
        const auto psi = value(l, next, object + ": seepage suction head", Bound::NON_NEGATIVE);
        const auto ksat = value(l, next + 1, object + ": seepage conductivity", Bound::NON_NEGATIVE);
        const auto imd = value(l, next + 2, object + ": seepage initial deficit", Bound::NON_NEGATIVE);
        if (!psi || !ksat || !imd) return;
        g = GreenAmpt{*psi * u.rain_depth_m, *ksat * u.rain_rate_m_per_s, *imd};
      }
      if (g.conductivity_m_per_s > 0.0) s.seepage = g;
    }
  }

  /// A storage unit's dimensions in SI, and SWMM's coefficients of its surface area (its storage_readParams).
  void storage_area(Storage& s, double y0, double y1, double y2) {
    const double length = net_.units.length_m;
    constexpr double PI = std::numbers::pi;
    if (s.shape == StorageShape::FUNCTIONAL) {
      // Area (file units) = constant + coefficient · depth^exponent; in m², constant · L² and coefficient · L^(2-b).
      s.dimensions = {y0 * std::pow(length, 2.0 - y1), y1, y2 * length * length};
      s.a1 = s.dimensions[0];
      s.a2 = y1;
      s.a0_m2 = s.dimensions[2];
      return;
    }
    const bool slope = s.shape == StorageShape::CONICAL || s.shape == StorageShape::PYRAMIDAL;
    s.dimensions = {y0 * length, y1 * length, slope ? y2 : y2 * length};
    const double a = s.dimensions[0] / 2.0, b = s.dimensions[1] / 2.0, z = s.dimensions[2];
    switch (s.shape) {
      case StorageShape::CYLINDRICAL:
        s.a0_m2 = PI * a * b;
        break;
      case StorageShape::CONICAL:
        s.a0_m2 = PI * a * b;
        s.a1 = 2.0 * PI * b * z;
        s.a2 = PI * b / a * z * z;
        break;
      case StorageShape::PARABOLIC:
        s.a1 = PI * a * b / z;
        break;
      case StorageShape::PYRAMIDAL:
        s.a0_m2 = s.dimensions[0] * s.dimensions[1];
        s.a1 = 2.0 * (s.dimensions[0] + s.dimensions[1]) * z;
        s.a2 = 4.0 * z * z;
        break;
      default: break;
    }
  }

  void coordinates(const Line& l) {
    if (!fields(l, 3, "'" + l.tokens[0] + "'", "NODE X Y")) return;
    const int i = find_node(l, 0, "coordinates: node");
    if (i < 0) return;
    Node& n = net_.nodes[i];
    const std::string object = quoted(node_word(n.kind), n.id);
    const auto x = value(l, 1, object + ": x");
    const auto y = value(l, 2, object + ": y");
    if (!x || !y) return;
    n.has_coordinates = true;
    n.x = *x;
    n.y = *y;
  }

  // --- Links ---

  Link& link_of(const Line& l) { return net_.links[net_.link(l.tokens[0])]; }

  /// The link's end nodes, or an error.
  bool ends(const Line& l, Link& k, const std::string& object) {
    k.from = find_node(l, 1, object + ": from node");
    k.to = find_node(l, 2, object + ": to node");
    if (k.from >= 0 && k.from == k.to) {
      error(l.number, object + " starts and ends at node '" + l.tokens[1] + "'; connect two different nodes");
      return false;
    }
    return k.from >= 0 && k.to >= 0;
  }

  /// An offset as a height above the invert of `node`: the file's height (LINK_OFFSETS DEPTH) or elevation
  /// (ELEVATION, where '*' stands for the invert), at least 0 as SWMM makes it.
  std::optional<double> offset(const Line& l, std::size_t tok, int node, const std::string& what) {
    const bool elevation = net_.options.link_offsets == LinkOffsets::ELEVATION;
    if (elevation && l.tokens[tok] == "*") return 0.0;
    const auto v = value(l, tok, what);
    if (!v) return std::nullopt;
    double h = *v * net_.units.length_m;
    if (elevation) h -= node >= 0 ? net_.nodes[node].invert_m : 0.0;
    return std::max(0.0, h);
  }

  void conduit(const Line& l) {
    const std::string object = quoted("conduit", l.tokens[0]);
    if (!fields(l, 7, object, "NAME FROM TO LENGTH ROUGHNESS INOFFSET OUTOFFSET [INITFLOW] [MAXFLOW]")) return;
    Link& k = link_of(l);
    Conduit& c = net_.conduits[k.kind_index];
    const FileUnits& u = net_.units;
    ends(l, k, object);
    if (auto v = value(l, 3, object + ": length", Bound::POSITIVE)) c.length_m = *v * u.length_m;
    if (auto v = value(l, 4, object + ": roughness", Bound::NON_NEGATIVE)) {
      c.roughness = *v;
      if (*v == 0.0) zero_roughness_.insert(net_.link(k.id));  // allowed for IRREGULAR and STREET conduits only
    }
    if (auto h = offset(l, 5, k.from, object + ": inlet offset")) c.inlet_offset_m = *h;
    if (auto h = offset(l, 6, k.to, object + ": outlet offset")) c.outlet_offset_m = *h;
    if (l.tokens.size() > 7)
      if (auto v = value(l, 7, object + ": initial flow")) c.initial_flow_m3s = *v * u.flow_m3s;
    if (l.tokens.size() > 8)
      if (auto v = value(l, 8, object + ": maximum flow", Bound::NON_NEGATIVE)) c.max_flow_m3s = *v * u.flow_m3s;
  }

  void pump(const Line& l) {
    const std::string object = quoted("pump", l.tokens[0]);
    if (!fields(l, 3, object, "NAME FROM TO [CURVE|*] [ON|OFF] [STARTUP] [SHUTOFF]")) return;
    Link& k = link_of(l);
    Pump& p = net_.pumps[k.kind_index];
    const double length = net_.units.length_m;
    ends(l, k, object);
    if (l.tokens.size() > 3 && l.tokens[3] != "*")
      p.curve = find_curve(l, 3, object + ": pump curve",
                           {CurveType::PUMP1, CurveType::PUMP2, CurveType::PUMP3, CurveType::PUMP4, CurveType::PUMP5},
                           "PUMP1 to PUMP5");
    if (l.tokens.size() > 4)
      if (const int s = keyword(l, 4, object + ": initial status", {"OFF", "ON"}, "ON or OFF"); s >= 0)
        p.initially_on = s == 1;
    if (l.tokens.size() > 5)
      if (auto v = value(l, 5, object + ": startup depth", Bound::NON_NEGATIVE)) p.startup_depth_m = *v * length;
    if (l.tokens.size() > 6)
      if (auto v = value(l, 6, object + ": shutoff depth", Bound::NON_NEGATIVE)) p.shutoff_depth_m = *v * length;
    if (p.startup_depth_m > 0.0 && p.startup_depth_m <= p.shutoff_depth_m)
      error(l.number, object + ": startup depth " + l.tokens[5] + " is not above the shutoff depth " + l.tokens[6] +
                          "; raise it, or write 0 for no startup depth");
  }

  void orifice(const Line& l) {
    const std::string object = quoted("orifice", l.tokens[0]);
    if (!fields(l, 6, object, "NAME FROM TO SIDE|BOTTOM OFFSET DISCHARGECOEFF [GATED] [CLOSETIME]")) return;
    Link& k = link_of(l);
    Orifice& o = net_.orifices[k.kind_index];
    ends(l, k, object);
    if (const int t = keyword(l, 3, object + ": type", {"SIDE", "BOTTOM"}, "SIDE or BOTTOM"); t >= 0)
      o.type = static_cast<OrificeType>(t);
    if (auto h = offset(l, 4, k.from, object + ": crest height")) o.crest_height_m = *h;
    if (auto v = value(l, 5, object + ": discharge coefficient", Bound::NON_NEGATIVE)) o.discharge_coefficient = *v;
    if (l.tokens.size() > 6)
      if (auto g = yes_no(l, 6, object + ": flap gate")) o.flap_gate = *g;
    if (l.tokens.size() > 7)
      if (auto v = value(l, 7, object + ": open/close time", Bound::NON_NEGATIVE)) o.open_close_time_s = *v * HOUR_S;
  }

  void weir(const Line& l) {
    const std::string object = quoted("weir", l.tokens[0]);
    if (!fields(l, 6, object, "NAME FROM TO TRANSVERSE|SIDEFLOW|V-NOTCH|TRAPEZOIDAL|ROADWAY CRESTHT DISCHARGECOEFF "
                              "[GATED] [ENDCON] [ENDCOEFF] [SURCHARGE] [ROADWIDTH] [ROADSURF] [COEFFCURVE]"))
      return;
    Link& k = link_of(l);
    Weir& w = net_.weirs[k.kind_index];
    const double length = net_.units.length_m;
    // A weir coefficient (Q = C·L·h^1.5, and the like) in m^0.5/s: the file's times the square root of its length.
    const double coefficient = std::sqrt(length);
    ends(l, k, object);
    if (const int t = keyword(l, 3, object + ": type", {"TRANSVERSE", "SIDEFLOW", "V-NOTCH", "TRAPEZOIDAL", "ROADWAY"},
                              "TRANSVERSE, SIDEFLOW, V-NOTCH, TRAPEZOIDAL or ROADWAY");
        t >= 0)
      w.type = static_cast<WeirType>(t);
    if (auto h = offset(l, 4, k.from, object + ": crest height")) w.crest_height_m = *h;
    if (auto v = value(l, 5, object + ": discharge coefficient", Bound::NON_NEGATIVE))
      w.discharge_coefficient = *v * coefficient;
    // The optional fields, each '*' for its default.
    auto given = [&](std::size_t i) { return l.tokens.size() > i && l.tokens[i] != "*"; };
    if (given(6))
      if (auto g = yes_no(l, 6, object + ": flap gate")) w.flap_gate = *g;
    if (given(7))
      if (auto v = value(l, 7, object + ": end contractions", Bound::NON_NEGATIVE)) w.end_contractions = *v;
    if (given(8))
      if (auto v = value(l, 8, object + ": end coefficient", Bound::NON_NEGATIVE)) w.end_coefficient = *v * coefficient;
    if (given(9))
      if (auto g = yes_no(l, 9, object + ": surcharge")) w.can_surcharge = *g;
    if (w.type == WeirType::ROADWAY) {
      if (given(10))
        if (auto v = value(l, 10, object + ": road width", Bound::NON_NEGATIVE)) w.road_width_m = *v * length;
      if (given(11))
        if (const int r = keyword(l, 11, object + ": road surface", {"PAVED", "GRAVEL"}, "PAVED or GRAVEL"); r >= 0)
          w.road_surface = r == 0 ? RoadSurface::PAVED : RoadSurface::GRAVEL;
    }
    if (given(12)) w.coefficient_curve = find_curve(l, 12, object + ": coefficient curve", {CurveType::WEIR}, "WEIR");
  }

  void outlet(const Line& l) {
    const std::string object = quoted("outlet", l.tokens[0]);
    const char* layout = "NAME FROM TO OFFSET FUNCTIONAL/DEPTH|FUNCTIONAL/HEAD C N [GATED], or NAME FROM TO OFFSET "
                         "TABULAR/DEPTH|TABULAR/HEAD CURVE [GATED]";
    if (!fields(l, 6, object, layout)) return;
    Link& k = link_of(l);
    Outlet& o = net_.outlets[k.kind_index];
    const FileUnits& u = net_.units;
    ends(l, k, object);
    if (auto h = offset(l, 3, k.from, object + ": crest height")) o.crest_height_m = *h;
    // The rating: FUNCTIONAL or TABULAR, of the depth above the crest (/DEPTH, the default) or of the head (/HEAD).
    const std::string& rating = l.tokens[4];
    const bool tabular = starts(rating, "TABULAR"), functional = starts(rating, "FUNCTIONAL");
    const std::size_t slash = rating.find('/');
    const std::string qualifier = slash == std::string::npos ? "DEPTH" : upper(rating.substr(slash + 1));
    if ((!tabular && !functional) || (qualifier != "DEPTH" && qualifier != "HEAD")) {
      error(l.number, object + ": rating '" + rating + "' must be FUNCTIONAL/DEPTH, FUNCTIONAL/HEAD, TABULAR/DEPTH or "
                               "TABULAR/HEAD");
      return;
    }
    o.head_based = qualifier == "HEAD";
    std::size_t next = 6;
    if (functional) {
      if (!fields(l, 7, object, layout)) return;
      const auto c = value(l, 5, object + ": coefficient", Bound::NON_NEGATIVE);
      const auto e = value(l, 6, object + ": exponent");
      // Q = C·h^n in the file's units: in m³/s of h in m, C · flow_m3s / length_m^n.
      if (c && e) {
        o.coefficient = *c * u.flow_m3s / std::pow(u.length_m, *e);
        o.exponent = *e;
      }
      next = 7;
    } else {
      o.curve = find_curve(l, 5, object + ": rating curve", {CurveType::RATING}, "RATING");
    }
    if (l.tokens.size() > next)
      if (auto g = yes_no(l, next, object + ": flap gate")) o.flap_gate = *g;
  }

  void xsection(const Line& l) {
    const char* layout = "LINK SHAPE GEOM1 GEOM2 GEOM3 GEOM4 [BARRELS] [CULVERT], LINK CUSTOM DEPTH CURVE 0 0 "
                         "[BARRELS], LINK IRREGULAR TRANSECT or LINK STREET STREET";
    if (!fields(l, 3, "'" + l.tokens[0] + "'", layout)) return;
    const int j = find(net_.link_index, link_ids_, l, 0, "cross-section: link",
                       "[CONDUITS], [PUMPS], [ORIFICES], [WEIRS] or [OUTLETS]");
    if (j < 0) return;
    Link& k = net_.links[j];
    const std::string object = quoted(link_word(k.kind), k.id);
    CrossSection& x = k.xsection;
    if (x.line > 0) {
      error(l.number, object + " already has a cross-section at line " + std::to_string(x.line) + "; keep one line");
      return;
    }
    const int shape = choice(l.tokens[1], SHAPE_WORDS);
    if (shape < 0) {
      error(l.number, object + ": shape '" + l.tokens[1] + "'" +
                          suggestion(upper(l.tokens[1]), word_list(SHAPE_WORDS), false) +
                          " is not a SWMM cross-section; the shapes are " + join(word_list(SHAPE_WORDS)));
      return;
    }
    x.line = l.number;
    x.shape_name = *(SHAPE_WORDS.begin() + shape);
    const double length = net_.units.length_m;

    // Shapes named by another section: a transect or a street, whose sections are not read.
    if (x.shape_name == "IRREGULAR" || x.shape_name == "STREET") {
      const bool street = x.shape_name == "STREET";
      x.reference = l.tokens[2];
      if (!(street ? street_ids_ : transect_ids_).count(x.reference))
        error(l.number, object + ": " + (street ? "street '" : "transect '") + x.reference + "' is not defined; "
                            "declare it in " + (street ? "[STREETS]" : "[TRANSECTS]"));
      return;
    }
    if (!fields(l, 6, object, layout)) return;
    if (x.shape_name == "CUSTOM") {
      if (auto v = value(l, 2, object + ": full depth", Bound::POSITIVE)) {
        x.geometry[0] = *v;
        x.depth_m = *v * length;
      }
      x.reference = l.tokens[3];
      x.curve = find_curve(l, 3, object + ": shape curve", {CurveType::SHAPE}, "SHAPE");
    } else {
      for (std::size_t i = 0; i < 4; ++i) {
        const auto v = value(l, 2 + i, object + ": Geom" + std::to_string(i + 1));
        if (!v) return;
        x.geometry[i] = *v;
      }
    }
    // An open rectangle that is not a conduit has no walls to leave out (SWMM ignores its Geom3 and Geom4).
    if (x.shape_name == "RECT_OPEN" && k.kind != LinkKind::CONDUIT) x.geometry[2] = x.geometry[3] = 0.0;
    named_dimensions(l, x, object);

    // Barrels and culvert code: conduits only.
    if (k.kind == LinkKind::CONDUIT && l.tokens.size() > 6) {
      const auto b = whole(l.tokens[6]);
      if (!b || *b < 1)
        error(l.number, object + ": barrels '" + l.tokens[6] + "' must be a whole number of at least 1");
      else
        x.barrels = *b;
    }
    if (k.kind == LinkKind::CONDUIT && l.tokens.size() > 7) {
      const auto c = whole(l.tokens[7]);
      if (!c)
        error(l.number, object + ": culvert code '" + l.tokens[7] + "' must be a whole number (0: not a culvert)");
      else
        x.culvert_code = *c;
    }
  }

  /// The named dimensions of the shapes that have them, in SI, with SWMM's checks of their values.
  void named_dimensions(const Line& l, CrossSection& x, const std::string& object) {
    const double length = net_.units.length_m;
    const auto& g = x.geometry;
    auto need = [&](bool ok, const std::string& what) {
      if (!ok) error(l.number, object + ": " + x.shape_name + " " + what + "; correct the value");
      return ok;
    };
    const std::string depth = number_text(g[0]), width = number_text(g[1]);
    if (x.shape_name == "CIRCULAR") {
      if (!need(g[0] > 0.0, "diameter " + depth + " must be above 0")) return;
      x.shape = CrossSectionShape::CIRCULAR;
      x.depth_m = x.width_m = g[0] * length;
    } else if (x.shape_name == "RECT_CLOSED" || x.shape_name == "RECT_OPEN" || x.shape_name == "TRIANGULAR") {
      const bool open = x.shape_name == "RECT_OPEN";
      if (!need(g[0] > 0.0 && g[1] > 0.0, "height " + depth + " and width " + width + " must be above 0")) return;
      if (open && !need(g[2] >= 0.0 && g[2] <= 2.0, "sides left out " + number_text(g[2]) + " must be 0, 1 or 2"))
        return;
      x.shape = x.shape_name == "RECT_CLOSED" ? CrossSectionShape::RECT_CLOSED
                : open                         ? CrossSectionShape::RECT_OPEN
                                               : CrossSectionShape::TRIANGULAR;
      x.depth_m = g[0] * length;
      x.width_m = g[1] * length;
      if (open) x.sides_ignored = g[2];
    } else if (x.shape_name == "TRAPEZOIDAL") {
      if (!need(g[0] > 0.0 && g[1] >= 0.0 && g[2] >= 0.0 && g[3] >= 0.0,
                "depth " + depth + " must be above 0, and bottom width " + width + " and side slopes " +
                    number_text(g[2]) + ", " + number_text(g[3]) + " at least 0"))
        return;
      if (!need(g[1] > 0.0 || g[2] + g[3] > 0.0, "with no bottom width and vertical sides has no area"))
        return;
      x.shape = CrossSectionShape::TRAPEZOIDAL;
      x.depth_m = g[0] * length;
      x.width_m = g[1] * length;
      x.left_slope = g[2];
      x.right_slope = g[3];
    }
  }

  // --- Once everything is read ---

  void finish() {
    convert_curves();
    convert_series();
    set_times();
    check_gages();
    check_links();
    // SWMM's last adjustments of the steps (its project_validate).
    Options& o = net_.options;
    o.dry_step_s = std::max(o.dry_step_s, o.wet_step_s);
    o.routing_step_s = std::min(o.routing_step_s, static_cast<double>(o.wet_step_s));
  }

  /// Curves in SI by their type, once their points rise.
  void convert_curves() {
    const FileUnits& u = net_.units;
    const double length = u.length_m, flow = u.flow_m3s;
    for (std::size_t c = 0; c < net_.curves.size(); ++c) {
      Curve& cu = net_.curves[c];
      for (std::size_t p = 1; p < cu.x.size(); ++p)
        if (cu.x[p] <= cu.x[p - 1]) {
          error_in("CURVES", curve_point_lines_[c][p], "curve '" + cu.id + "': x " + number_text(cu.x[p]) +
                                                           " does not rise from the point before; list the points "
                                                           "by rising x");
          break;
        }
      double fx = 1.0, fy = 1.0;
      switch (cu.type) {
        case CurveType::STORAGE: fx = length; fy = length * length; break;
        case CurveType::DIVERSION: fx = flow; fy = flow; break;
        case CurveType::TIDAL: fx = HOUR_S; fy = length; break;
        case CurveType::RATING: fx = length; fy = flow; break;
        case CurveType::CONTROL:
        case CurveType::SHAPE: break;
        case CurveType::WEIR: fx = length; fy = std::sqrt(length); break;
        case CurveType::PUMP1: fx = u.volume_m3; fy = flow; break;
        default: fx = length; fy = flow; break;  // PUMP2 to PUMP5: a depth or a head
      }
      for (double& x : cu.x) x *= fx;
      for (double& y : cu.y) y *= fy;
    }
  }

  /// Time series in SI by their use, once their times rise.
  void convert_series() {
    const FileUnits& u = net_.units;
    for (std::size_t s = 0; s < net_.time_series.size(); ++s) {
      TimeSeries& ts = net_.time_series[s];
      for (std::size_t p = 1; p < ts.time_s.size(); ++p)
        if (ts.time_s[p] <= ts.time_s[p - 1]) {
          error_in("TIMESERIES", series_point_lines_[s][p],
                   "time series '" + ts.id + "': its entry at " + number_text(ts.time_s[p]) + " s from the start does "
                   "not come after the one before (" + number_text(ts.time_s[p - 1]) + " s); list the entries in "
                   "time order");
          break;
        }
      double f = 1.0;
      switch (ts.use) {
        case SeriesUse::RAIN_INTENSITY: f = u.rain_rate_m_per_s; break;
        case SeriesUse::RAIN_VOLUME:
        case SeriesUse::RAIN_CUMULATIVE: f = u.rain_depth_m; break;
        case SeriesUse::OUTFALL_STAGE: f = u.length_m; break;
        case SeriesUse::INFLOW: f = u.flow_m3s; break;
        case SeriesUse::NONE: break;
      }
      for (double& v : ts.values) v *= f;
    }
  }

  /// The run's start, end and reporting, by SWMM's rules (its project_readInput).
  void set_times() {
    Options& o = net_.options;
    if (bad_dates_) return;
    const double start = static_cast<double>(start_s_);
    const double end = static_cast<double>(day_number(end_date_) * DAY_S) + end_time_s_;
    if (end <= start) {
      error_in("OPTIONS", end_line_, "the run ends (" + date_text(end_date_, end_time_s_) + ") before it starts (" +
                                         date_text(o.start_date, start_time_s_) + "); set END_DATE and END_TIME "
                                         "after START_DATE and START_TIME");
      return;
    }
    o.duration_s = static_cast<std::int64_t>(std::floor(end - start));
    // Reporting starts with the run unless both its date and time are given.
    double report = start;
    if (report_date_ && report_time_s_)
      report = std::max(start, static_cast<double>(day_number(*report_date_) * DAY_S) + *report_time_s_);
    if (end <= report) {
      error_in("OPTIONS", report_start_line_, "reporting starts (" + date_text(*report_date_, *report_time_s_) +
                                                  ") after the run ends; set REPORT_START_DATE and REPORT_START_TIME "
                                                  "before END_DATE and END_TIME");
      return;
    }
    o.report_start_s = static_cast<std::int64_t>(std::floor(report - start + 0.5));
    o.report_step_s = std::min(o.report_step_s, o.duration_s);
    if (static_cast<double>(o.report_step_s) < o.routing_step_s) {
      const std::string report_step = report_step_text_.empty() ? "0:15:00" : report_step_text_;
      const std::string routing_step = routing_step_text_.empty() ? "300" : routing_step_text_;
      error_in("OPTIONS", report_step_line_, "REPORT_STEP " + report_step + " (" + std::to_string(o.report_step_s) +
                                                 " s) is shorter than ROUTING_STEP " + routing_step + " (" +
                                                 number_text(o.routing_step_s) + " s); make the report step at least "
                                                 "the routing step");
    }
  }

  /// SWMM's checks of rain gages in use (its gage_validate): the interval fits the series, the wet step the interval.
  void check_gages() {
    Options& o = net_.options;
    for (const RainGage& g : net_.gages) {
      if (!g.used || g.series < 0) continue;
      const TimeSeries& ts = net_.time_series[g.series];
      double gap = std::numeric_limits<double>::max();
      for (std::size_t p = 1; p < ts.time_s.size(); ++p) gap = std::min(gap, ts.time_s[p] - ts.time_s[p - 1]);
      const double series_interval = ts.time_s.size() > 1 ? std::floor(gap + 0.5) : 0.0;
      if (series_interval > 0.0 && static_cast<double>(g.interval_s) > series_interval)
        error_in("RAINGAGES", g.line, "rain gage '" + g.id + "': its interval of " + std::to_string(g.interval_s) +
                                          " s is longer than the " + number_text(series_interval) + " s between "
                                          "entries of time series '" + ts.id + "'; make it at most " +
                                          number_text(series_interval) + " s");
      o.wet_step_s = std::min(o.wet_step_s, g.interval_s);
    }
  }

  /// Each link has the cross-section its kind needs, as SWMM checks when it validates links.
  void check_links() {
    for (const Link& k : net_.links) {
      const CrossSection& x = k.xsection;
      const std::string object = quoted(link_word(k.kind), k.id);
      const bool needs = k.kind == LinkKind::CONDUIT || k.kind == LinkKind::ORIFICE || k.kind == LinkKind::WEIR;
      if (needs && x.line == 0) {
        error_in(link_section(k.kind), k.line, object + " has no cross-section; give it a line in [XSECTIONS]");
        continue;
      }
      auto shape_error = [&](const std::string& kind, const char* allowed) {
        error_in("XSECTIONS", x.line, object + ": shape " + x.shape_name + " does not fit " + kind + "; give it " +
                                          allowed);
      };
      if (k.kind == LinkKind::CONDUIT) {
        if (zero_roughness_.count(net_.link(k.id)) && x.shape_name != "IRREGULAR" && x.shape_name != "STREET")
          error_in("CONDUITS", k.line, object + ": roughness 0 must be above 0; give its Manning's n");
      } else if (k.kind == LinkKind::ORIFICE) {
        if (x.shape_name != "CIRCULAR" && x.shape_name != "RECT_CLOSED")
          shape_error("an orifice", "CIRCULAR or RECT_CLOSED");
      } else if (k.kind == LinkKind::WEIR) {
        static constexpr const char* TYPES[] = {"TRANSVERSE", "SIDEFLOW", "V-NOTCH", "TRAPEZOIDAL", "ROADWAY"};
        const WeirType t = net_.weirs[k.kind_index].type;
        const std::string kind = std::string("a ") + TYPES[static_cast<int>(t)] + " weir";
        if (t == WeirType::V_NOTCH) {
          if (x.shape_name != "TRIANGULAR") shape_error(kind, "TRIANGULAR");
        } else if (t == WeirType::TRAPEZOIDAL) {
          if (x.shape_name != "TRAPEZOIDAL") shape_error(kind, "TRAPEZOIDAL");
        } else if (x.shape_name != "RECT_OPEN") {
          shape_error(kind, "RECT_OPEN");
        }
      }
    }
  }
};

}  // namespace

DrainageNetwork parse_swmm(std::string_view text, const std::string& name) { return Reader(name).read(text); }

DrainageNetwork read_swmm(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw sim::ScenarioError(path + ": cannot open the drainage model (" + std::strerror(errno) + "); check the path");
  std::ostringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  if (s.empty()) throw sim::ScenarioError(path + ": the drainage model is empty; export it again from SWMM");
  return parse_swmm(s, path);
}

std::vector<std::string> ignored_report(const DrainageNetwork& net) {
  std::vector<std::string> out;
  for (const IgnoredSection& s : net.ignored)
    out.push_back(s.name + " at line " + std::to_string(s.line) + ": " + std::to_string(s.entries) +
                  (s.entries == 1 ? " entry" : " entries") + " ignored (" + s.what + ")");
  return out;
}

}  // namespace citytwin::models::drainage
