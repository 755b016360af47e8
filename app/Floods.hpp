// The program's command on flood scenarios: `citytwin place` for a floods scenario's level gauges.
#pragma once

#include <string>

#include "app/Cli.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::app {

/// `citytwin place SCENARIO` on a `floods` scenario: the gauges of an option (`--option`, or the first with
/// gauges), placed by lazy greedy on the training storms' lead times, against random placements and the MILP
/// optimum; `-o` writes the sites as GeoJSON. `args` are place's parsed options. Returns the exit code.
int place_flood_gauges(const sim::Scenario& scenario, const std::string& path, const cxxopts::ParseResult& args);

}  // namespace citytwin::app
