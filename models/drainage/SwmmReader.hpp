// Reading EPA SWMM 5 input files (.inp) into a DrainageNetwork in SI.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "models/drainage/DrainageNetwork.hpp"

namespace citytwin::models::drainage {

/// Reads an EPA SWMM 5.2 input file. Sections TITLE, OPTIONS, RAINGAGES, TIMESERIES, SUBCATCHMENTS, SUBAREAS,
/// INFILTRATION, JUNCTIONS, OUTFALLS, STORAGE, CONDUITS, PUMPS, ORIFICES, WEIRS, OUTLETS, XSECTIONS, CURVES,
/// COORDINATES, INFLOWS and DWF (of FLOW), PATTERNS and CONTROLS (rules on node depth or head and link status,
/// setting or flow that act on pumps; other rules are refused) are read, in any order, by SWMM 5.2's rules (section
/// headers and keywords case-insensitive and matched by their first letters as SWMM matches them, IDs
/// case-sensitive, ';' starts a comment, nodes and links numbered in file order whatever their kind). SWMM's other
/// sections ([EVAPORATION], streets and inlets, water quality, the map, ...) and the options that do not bear on the
/// flows are skipped and listed in `ignored`; a link that touches a flow divider, a rain gage or time series that
/// reads an external file, are refused.
/// Every value is converted to SI by SWMM's own factors composed with the exact foot (see FileUnits), for US files
/// (CFS, GPM, MGD: feet, acres, inches, in/h) and SI files (CMS, LPS, MLD: metres, hectares, mm, mm/h) alike. Curves
/// take the units of their type (see Curve), time series those of their use (see TimeSeries); link offsets become
/// heights above the node inverts whatever LINK_OFFSETS says (at least 0, as SWMM makes them); SWMM's adjustments of
/// the time steps are applied (see Options).
/// Throws sim::ScenarioError for a missing file ("PATH: cannot open the drainage model (...); check the path"), or
/// for a malformed one with every error found, one per line sorted by line, each "FILE:LINE: [SECTION] what is wrong,
/// with the value; how to fix it".
DrainageNetwork read_swmm(const std::string& path);

/// Parses the text of a SWMM .inp file; `name` stands for the file in messages (a path, or "<inline>").
DrainageNetwork parse_swmm(std::string_view text, const std::string& name);

/// One line per ignored section or option, by line: "[EVAPORATION] at line 44: 2 entries ignored (evaporation)".
std::vector<std::string> ignored_report(const DrainageNetwork& net);

}  // namespace citytwin::models::drainage
