// Reading EPANET input files (.inp) into a WaterNetwork in SI.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/water/WaterNetwork.hpp"

namespace citytwin::models::water {

/// Reads an EPANET 2.2 input file. Sections TITLE, JUNCTIONS, RESERVOIRS, TANKS, PIPES, PUMPS, VALVES, DEMANDS,
/// STATUS, PATTERNS, CURVES, CONTROLS (simple controls), EMITTERS, TIMES, OPTIONS and COORDINATES are read, in any
/// order; EPANET's other sections (RULES, ENERGY, QUALITY, ...) are skipped and listed in `ignored`. Every value
/// is converted to SI with EPANET's own factors (see FileUnits). Throws sim::ScenarioError for a missing file, or
/// for a malformed one with every error found, one per line, each "FILE:LINE: [SECTION] what is wrong; how to fix
/// it", sorted by line.
WaterNetwork read_inp(const std::string& path);

/// Parses the text of an .inp file; `name` stands for the file in messages (a path, or "<inline>").
WaterNetwork parse_inp(std::string_view text, const std::string& name);

/// One line per ignored section: "[ENERGY] at line 120: 4 entries ignored (pump energy and costs)".
std::vector<std::string> ignored_report(const WaterNetwork& net);

/// An EPANET time value in seconds: decimal hours ("1.5"), "h:mm" or "h:mm:ss", optionally followed by a unit
/// (SEC, MIN, HOURS, DAYS, or AM/PM for a clock time, where 12 AM is midnight). Empty when it does not parse.
std::optional<std::int64_t> parse_epanet_time(std::string_view value, std::string_view unit = {});

}  // namespace citytwin::models::water
