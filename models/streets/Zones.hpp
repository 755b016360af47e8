// Zones of a town (grid cells or polygons) with population and activity weights, to place people, shops and events.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/streets/StreetGraph.hpp"
#include "sim/Params.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Registry.hpp"

namespace citytwin::models {

/// One zone: a simple polygon in the local frame (metres), with its weights.
struct Zone {
  std::string name;
  std::vector<sim::Point> polygon;  ///< vertices in order, not closed (the last is not the first again)
  double population = 0.0;          ///< residents
  double activity = 0.0;            ///< relative weight of activity: shops, visitors, incidents
  double area_m2 = 0.0;
};

/// Which weight to draw by.
enum class ZoneWeight : std::uint8_t { POPULATION, ACTIVITY, AREA };

/// A partition (or a partial cover) of the town into zones.
class Zones {
 public:
  /// Square cells of side `cell_m` covering [lo, hi]; every cell gets population and activity 1 (uniform).
  static Zones grid(sim::Point lo, sim::Point hi, double cell_m);
  /// Reads a GeoJSON FeatureCollection of Polygon or MultiPolygon features (outer rings; holes are refused
  /// with a message). Coordinates are longitude, latitude projected with `frame` when the frame is
  /// geographic, else metres in the local frame. Properties `name`, `population`, `activity` (numbers,
  /// default 0 and 1). Throws sim::ScenarioError naming the file, the feature and the key.
  static Zones from_geojson(const std::string& path, const LocalFrame& frame);

  std::size_t size() const { return zones_.size(); }
  const std::vector<Zone>& zones() const { return zones_; }
  Zone& operator[](std::size_t i) { return zones_[i]; }
  const Zone& operator[](std::size_t i) const { return zones_[i]; }

  /// The index of the zone containing `p`, or -1.
  std::int64_t zone_of(sim::Point p) const;
  /// A point drawn with probability proportional to the weight of its zone, uniform inside it.
  sim::Point sample(sim::RandomStream& rng, ZoneWeight weight) const;
  /// The same, then snapped to the nearest street.
  StreetLocation sample_on_streets(sim::RandomStream& rng, ZoneWeight weight, const StreetGraph& streets) const;

 private:
  std::vector<Zone> zones_;
};

/// The parameters of a scenario's `zones:` section: a GeoJSON `file` and the `weight` to draw places by.
std::vector<sim::ParamSpec> zone_param_specs();

/// The zones a `zones` section describes: its GeoJSON `file` (relative to `base_dir`, the scenario's
/// directory), projected with `frame` (the map's). Throws sim::ScenarioError naming the file and key.
Zones zones_from(const sim::Params& section, const std::string& base_dir, const LocalFrame& frame);

/// The `weight` key of a `zones` section.
ZoneWeight zone_weight_from(const sim::Params& section);

/// A scenario's map: its streets and zones when it has the sections, each read once per variant.
struct CityMap {
  std::shared_ptr<const StreetGraph> streets;  ///< null without a `streets` section
  std::shared_ptr<const Zones> zones;          ///< null without a `zones` section
  ZoneWeight weight = ZoneWeight::ACTIVITY;    ///< the `zones` section's weight
};

/// Reads the `streets` and `zones` sections of a resolved scenario, files relative to `directory`. Throws
/// sim::ScenarioError naming the section and the file.
CityMap city_map_from(const sim::Json& scenario, const std::string& directory);

}  // namespace citytwin::models
