// The live commands: shadow mode on real devices, and the simulator as a device fleet (`run --publish`).
#pragma once

#include <string>

#include "app/Cli.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::app {

/// `citytwin shadow SCENARIO --source URL ...`: runs the scenario's detection core on a live stream until
/// Ctrl-C or SIGTERM (or the end of a replay), then writes the results file. Returns the exit code.
int shadow(int argc, char** argv, const std::string& version);

/// The options `citytwin run` takes to publish its sensors as a device fleet.
void add_publish_options(cxxopts::Options& o);

/// `citytwin run SCENARIO --publish URL`: one replication of one option, its readings published as
/// ChirpStack uplinks in scaled wall-clock time; writes that replication's results. Returns the exit code.
int rehearse(const cxxopts::ParseResult& args, const sim::Scenario& scenario, const std::string& output, bool quiet,
             const std::string& version);

}  // namespace citytwin::app
