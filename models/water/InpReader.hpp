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
/// order, by EPANET 2.2's rules (keywords case-insensitive and matched by their first letters, IDs case-sensitive,
/// nothing read after [END]); EPANET's other sections (RULES, ENERGY, QUALITY, ...) are skipped and listed in
/// `ignored`. Every value is converted to SI after the whole file is read, by EPANET's own factors composed with
/// the exact foot (see FileUnits), and EPANET's adjustments of time steps, default pattern and tank volumes are
/// applied. Curves take the units of their use: pump head curves (flow, head), GPV curves (flow, head loss), tank
/// volume curves (depth, volume); a curve nothing uses (an efficiency curve) stays in the file's units.
/// Throws sim::ScenarioError for a missing file ("PATH: cannot open the network file (...); check the path"), or for
/// a malformed one with every error found, one per line sorted by line, each "FILE:LINE: [SECTION] what is wrong,
/// with the value; how to fix it".
WaterNetwork read_inp(const std::string& path);

/// Parses the text of an .inp file; `name` stands for the file in messages (a path, or "<inline>").
WaterNetwork parse_inp(std::string_view text, const std::string& name);

/// One line per ignored section: "[ENERGY] at line 120: 4 entries ignored (energy and cost reporting)".
std::vector<std::string> ignored_report(const WaterNetwork& net);

/// An EPANET time value in whole seconds (rounded, as [TIMES] takes it): decimal hours ("1.5"), "h:mm" or "h:mm:ss",
/// optionally with a unit: SEC, MIN, HOURS or DAYS after decimal hours, AM or PM after any (12 AM is midnight,
/// 12 PM noon). Units match by their first letters ("SECONDS", "hours"). Empty when it does not parse or is negative.
std::optional<std::int64_t> parse_epanet_time(std::string_view value, std::string_view unit = {});

}  // namespace citytwin::models::water
