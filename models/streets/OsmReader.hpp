// Reading the drivable ways of an OpenStreetMap extract, with the node locations they use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/streets/StreetGraph.hpp"

namespace citytwin::models {

/// Which way a street may be driven, relative to the order of its OSM nodes.
enum class WayDirection : std::uint8_t { BOTH, FORWARD, BACKWARD };

/// A drivable way, its nodes as indices into `OsmStreets::nodes` (missing nodes removed, no repeated
/// neighbours).
struct OsmWay {
  std::int64_t id = 0;
  RoadClass road_class = RoadClass::RESIDENTIAL;
  WayDirection direction = WayDirection::BOTH;
  std::vector<std::uint32_t> nodes;
};

/// An OSM node used by a drivable way.
struct OsmNode {
  std::int64_t id = 0;
  double lat_deg = 0.0, lon_deg = 0.0;
};

/// The drivable part of an extract.
struct OsmStreets {
  std::vector<OsmNode> nodes;
  std::vector<OsmWay> ways;          ///< drivable ways with at least two nodes present
  std::size_t ways_read = 0;         ///< all ways in the file
  std::size_t drivable_ways = 0;     ///< ways of a drivable class, including those left with < 2 nodes
  std::size_t missing_nodes = 0;     ///< references of drivable ways to nodes absent from the file
};

/// The direction a way may be driven from its tags: `oneway=yes|true|1` forward, `-1|reverse` backward,
/// `no|false|0` both; otherwise one-way forward on `junction=roundabout` and `highway=motorway`.
WayDirection way_direction(const char* oneway, const char* junction, const char* highway);

/// Reads `path` (`.osm`, `.osm.bz2`, `.osm.gz`, `.osm.pbf`) with libosmium. Throws sim::ScenarioError
/// "PATH: what is wrong; how to fix it" for a missing, unknown, truncated or corrupted file.
OsmStreets read_osm_streets(const std::string& path);

}  // namespace citytwin::models
