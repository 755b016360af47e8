// Runs the independent Python reading of an OSM extract (osm_reference.py, networkx) and returns its JSON.
#pragma once

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <vector>

#include "sim/Json.hpp"

namespace citytwin::test {

/// The path of a map in scenarios/maps.
inline std::string map_path(const std::string& name) {
  return std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/maps/" + name;
}

/// Runs tests/streets/osm_reference.py on `osm_file` with "FROM:TO" node pairs; fails the test (never skips)
/// when /usr/bin/python3 or networkx is missing.
inline sim::Json osm_reference(const std::string& osm_file, const std::vector<std::string>& pairs = {}) {
  const std::string python = "/usr/bin/python3";
  const std::string script = std::string(CITYTWIN_SOURCE_DIR) + "/tests/streets/osm_reference.py";
  REQUIRE_MESSAGE(std::filesystem::exists(python),
                  "the independent OSM reading needs /usr/bin/python3 with networkx: apt-get install python3-networkx");
  std::string command = python + " '" + script + "' '" + osm_file + "'";
  for (const std::string& p : pairs) command += " " + p;
  command += " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE_MESSAGE(pipe != nullptr, "cannot run " << command);
  std::string output;
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  int status = pclose(pipe);
  REQUIRE_MESSAGE((WIFEXITED(status) && WEXITSTATUS(status) == 0),
                  "osm_reference.py failed (it needs /usr/bin/python3 with networkx: apt-get install "
                  "python3-networkx):\n" << output);
  return sim::Json::parse(output);
}

}  // namespace citytwin::test
