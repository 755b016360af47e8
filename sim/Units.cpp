// Parsing of quantities with units as scenarios write them: "15min", "2.5km", "30km/h", "12/year".
#include "sim/Units.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string_view>
#include <vector>

namespace citytwin::sim::units {
namespace {

/// One accepted unit and its size in SI units (seconds, metres, metres per second, events per second).
struct Unit {
  std::string_view name;
  double si;
};

/// What a kind of quantity accepts and how to explain it.
struct Kind {
  std::string_view noun;          ///< "duration"
  std::string_view plural;        ///< "durations"
  std::vector<Unit> units;
  std::string_view separator;     ///< text between number and unit name ("/" for rates)
  std::string_view fallback_unit; ///< unit used in examples when the written one is not recognisable
  std::string_view example;       ///< full example when the number is not readable either
};

const Kind& duration_kind() {
  static const Kind kind{"duration", "durations",
                         {{"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0}, {"min", 60.0}, {"h", 3600.0}, {"d", 86400.0},
                          {"w", 7 * 86400.0}},
                         "", "min", "15min"};
  return kind;
}

const Kind& distance_kind() {
  static const Kind kind{"distance", "distances", {{"m", 1.0}, {"km", 1000.0}}, "", "m", "2.5km"};
  return kind;
}

const Kind& speed_kind() {
  static const Kind kind{"speed", "speeds", {{"m/s", 1.0}, {"km/h", 1000.0 / 3600.0}}, "", "km/h", "30km/h"};
  return kind;
}

const Kind& rate_kind() {
  static const Kind kind{"rate", "rates",
                         {{"s", 1.0}, {"min", 1.0 / 60.0}, {"h", 1.0 / 3600.0}, {"d", 1.0 / 86400.0},
                          {"day", 1.0 / 86400.0}, {"w", 1.0 / (7 * 86400.0)}, {"week", 1.0 / (7 * 86400.0)},
                          {"y", 1.0 / (365 * 86400.0)}, {"year", 1.0 / (365 * 86400.0)}},
                         "/", "day", "3/day"};
  return kind;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string unit_list(const Kind& kind) {
  std::string s;
  for (std::size_t i = 0; i < kind.units.size(); ++i) s += (i ? ", " : "") + std::string(kind.units[i].name);
  return s;
}

/// The value as written, for messages: strings in double quotes, numbers as JSON.
std::string shown(const Json& v) { return v.dump(-1, ' ', false, Json::error_handler_t::replace); }

/// The unit the user probably meant: the longest accepted unit that starts the written one ("mins" -> "min"),
/// or the SI unit when none was written.
std::string_view likely_unit(const Kind& kind, std::string_view written) {
  std::string_view best;
  if (written.empty())
    for (const auto& u : kind.units)
      if (u.si == 1.0) return u.name;
  if (kind.separator == "/") written = written.substr(written.find_last_of(" /") + 1);  // "per year" -> "year"
  for (const auto& u : kind.units)
    if (written.substr(0, u.name.size()) == u.name && u.name.size() > best.size()) best = u.name;
  return best.empty() ? kind.fallback_unit : best;
}

[[noreturn]] void refuse_format(const Json& v, const Kind& kind, std::string_view number_text,
                                std::string_view unit_text) {
  std::string example;
  if (number_text.empty()) {
    example = kind.example;
  } else {
    example = std::string(number_text) + std::string(kind.separator) + std::string(likely_unit(kind, unit_text));
  }
  std::string how = kind.separator.empty() ? "use a number with one of the units "
                                           : "use a number, \"" + std::string(kind.separator) + "\" and one of the units ";
  throw UnitError(shown(v) + " is not a " + std::string(kind.noun) + ": " + how + unit_list(kind) + ", e.g. \"" +
                  example + "\"");
}

/// Reads a non-negative quantity in SI units from a number (already in SI units) or a string with a unit.
double parse(const Json& v, const Kind& kind) {
  if (v.is_number()) {
    double x = v.get<double>();
    if (!std::isfinite(x)) refuse_format(v, kind, "", "");
    if (x < 0)
      throw UnitError(shown(v) + " is a negative " + std::string(kind.noun) + "; " + std::string(kind.plural) +
                      " are zero or more, e.g. " + shown(v).substr(1));
    return x;
  }
  if (!v.is_string()) refuse_format(v, kind, "", "");

  // Split "<number>[ ]<separator>[ ]<unit>".
  std::string_view text = trim(v.get_ref<const std::string&>());
  std::string_view body = text;
  bool plus = !body.empty() && body.front() == '+';
  if (plus) body.remove_prefix(1);
  double x = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), x, std::chars_format::general);
  bool starts_like_number = !body.empty() && (std::isdigit(static_cast<unsigned char>(body.front())) ||
                                              body.front() == '.' || (body.front() == '-' && !plus));
  if (!starts_like_number || ec == std::errc::invalid_argument) refuse_format(v, kind, "", "");
  if (ec == std::errc::result_out_of_range)
    throw UnitError(shown(v) + " is too large a " + std::string(kind.noun) + "; write a smaller number");
  std::string_view number_text(body.data(), static_cast<std::size_t>(end - body.data()));
  std::string_view rest = trim(std::string_view(end, static_cast<std::size_t>(body.data() + body.size() - end)));
  if (!std::isfinite(x)) refuse_format(v, kind, "", "");
  std::string_view positive_number = number_text.front() == '-' ? number_text.substr(1) : number_text;
  if (!kind.separator.empty()) {
    if (rest.substr(0, kind.separator.size()) != kind.separator) refuse_format(v, kind, positive_number, rest);
    rest = trim(rest.substr(kind.separator.size()));
  }

  // Find the unit.
  const Unit* unit = nullptr;
  for (const auto& u : kind.units)
    if (u.name == rest) unit = &u;
  if (!unit) refuse_format(v, kind, positive_number, rest);
  if (x < 0)
    throw UnitError(shown(v) + " is a negative " + std::string(kind.noun) + "; " + std::string(kind.plural) +
                    " are zero or more, e.g. \"" + std::string(positive_number) + std::string(kind.separator) +
                    std::string(unit->name) + "\"");
  double si = x * unit->si;
  if (!std::isfinite(si))
    throw UnitError(shown(v) + " is too large a " + std::string(kind.noun) + "; write a smaller number");
  return si;
}

}  // namespace

Time duration(const Json& v) {
  double s = parse(v, duration_kind());
  // The longest representable time is about 292,000 years; keep a margin for rounding.
  constexpr double longest_s = 9.2e12;
  if (s > longest_s)
    throw UnitError(shown(v) + " is too long a duration; durations are at most 290000 years (\"15000000w\")");
  return Time::seconds(s);
}

double distance_m(const Json& v) { return parse(v, distance_kind()); }

double speed_m_per_s(const Json& v) { return parse(v, speed_kind()); }

double rate_per_s(const Json& v) { return parse(v, rate_kind()); }

}  // namespace citytwin::sim::units
