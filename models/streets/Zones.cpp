// Zones of a town: grid cells or GeoJSON polygons with weights, point location and weighted sampling.
#include "models/streets/Zones.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "sim/Json.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::models {

using sim::Json;
using sim::Point;

namespace {

/// The signed area of a polygon (positive counter-clockwise), square metres: the shoelace formula.
double signed_area(const std::vector<Point>& polygon) {
  double twice = 0.0;
  for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++)
    twice += polygon[j].x_m * polygon[i].y_m - polygon[i].x_m * polygon[j].y_m;
  return twice / 2.0;
}

/// Whether `p` lies inside the polygon (even-odd rule, crossing number).
bool contains(const std::vector<Point>& polygon, Point p) {
  bool inside = false;
  for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
    const Point& a = polygon[i];
    const Point& b = polygon[j];
    if ((a.y_m > p.y_m) != (b.y_m > p.y_m) &&
        p.x_m < (b.x_m - a.x_m) * (p.y_m - a.y_m) / (b.y_m - a.y_m) + a.x_m)
      inside = !inside;
  }
  return inside;
}

double weight_of(const Zone& z, ZoneWeight w) {
  switch (w) {
    case ZoneWeight::POPULATION: return z.population;
    case ZoneWeight::ACTIVITY: return z.activity;
    case ZoneWeight::AREA: return z.area_m2;
  }
  return 0.0;
}

const char* weight_name(ZoneWeight w) {
  switch (w) {
    case ZoneWeight::POPULATION: return "population";
    case ZoneWeight::ACTIVITY: return "activity";
    case ZoneWeight::AREA: return "area";
  }
  return "";
}

/// Reads GeoJSON features, failing with "FILE: feature N: key 'K': what; fix".
class GeoJsonReader {
 public:
  GeoJsonReader(std::string path, const LocalFrame& frame) : path_(std::move(path)), frame_(frame) {}

  [[noreturn]] void fail(std::size_t feature, const std::string& key, const std::string& what) const {
    throw sim::ScenarioError(path_ + ": feature " + std::to_string(feature) + ": key '" + key + "': " + what);
  }

  /// One outer ring as a polygon in the local frame.
  std::vector<Point> ring(const Json& coords, std::size_t feature, const std::string& key) const {
    if (!coords.is_array())
      fail(feature, key, "expected a list of [longitude, latitude] positions, got " + coords.dump());
    std::vector<Point> polygon;
    for (std::size_t i = 0; i < coords.size(); ++i) {
      const Json& c = coords[i];
      if (!c.is_array() || c.size() < 2 || !c[0].is_number() || !c[1].is_number())
        fail(feature, key + "[" + std::to_string(i) + "]", "expected a position [x, y], got " + c.dump());
      double x = c[0].get<double>(), y = c[1].get<double>();
      polygon.push_back(frame_.geographic() ? frame_.to_local(y, x) : Point{x, y});
    }
    if (polygon.size() >= 2 && polygon.front().x_m == polygon.back().x_m && polygon.front().y_m == polygon.back().y_m)
      polygon.pop_back();
    if (polygon.size() < 3)
      fail(feature, key, "a ring needs at least 3 distinct positions; give the zone's outline");
    return polygon;
  }

  /// The outer ring of a GeoJSON Polygon's coordinates; holes are refused.
  std::vector<Point> polygon(const Json& coords, std::size_t feature, const std::string& key) const {
    if (!coords.is_array() || coords.empty())
      fail(feature, key, "expected a list of rings, got " + coords.dump());
    if (coords.size() > 1)
      fail(feature, key, "the polygon has " + std::to_string(coords.size() - 1) +
                             " hole(s), which zones do not support; split the zone into polygons without holes");
    return ring(coords[0], feature, key + "[0]");
  }

  double number(const Json& properties, const char* name, double fallback, std::size_t feature) const {
    if (!properties.is_object() || !properties.contains(name)) return fallback;
    const Json& v = properties[name];
    if (!v.is_number() || v.get<double>() < 0.0 || !std::isfinite(v.get<double>()))
      fail(feature, std::string("properties.") + name, "expected a non-negative number, got " + v.dump());
    return v.get<double>();
  }

 private:
  std::string path_;
  const LocalFrame& frame_;
};

}  // namespace

Zones Zones::grid(Point lo, Point hi, double cell_m) {
  if (!(cell_m > 0.0) || !(hi.x_m > lo.x_m) || !(hi.y_m > lo.y_m))
    throw sim::ScenarioError("zones: a zone grid needs a positive cell size and a non-empty rectangle");
  auto count = [&](double extent) {
    return std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(extent / cell_m - 1e-9)));
  };
  std::size_t columns = count(hi.x_m - lo.x_m), rows = count(hi.y_m - lo.y_m);
  Zones z;
  z.zones_.reserve(columns * rows);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < columns; ++c) {
      double x0 = lo.x_m + static_cast<double>(c) * cell_m, y0 = lo.y_m + static_cast<double>(r) * cell_m;
      double x1 = std::min(x0 + cell_m, hi.x_m), y1 = std::min(y0 + cell_m, hi.y_m);
      Zone zone;
      zone.name = "cell " + std::to_string(c) + "," + std::to_string(r);
      zone.polygon = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
      zone.population = 1.0;
      zone.activity = 1.0;
      zone.area_m2 = (x1 - x0) * (y1 - y0);
      z.zones_.push_back(std::move(zone));
    }
  return z;
}

Zones Zones::from_geojson(const std::string& path, const LocalFrame& frame) {
  std::ifstream in(path);
  if (!in) throw sim::ScenarioError(path + ": zone file not found or not readable; check the path");
  Json doc;
  try {
    doc = Json::parse(in);
  } catch (const Json::parse_error& e) {
    throw sim::ScenarioError(path + ": not valid JSON (" + e.what() + "); fix the file or export it again as GeoJSON");
  }
  if (!doc.is_object() || doc.value("type", "") != "FeatureCollection" || !doc.contains("features") ||
      !doc["features"].is_array())
    throw sim::ScenarioError(path + ": expected a GeoJSON FeatureCollection with a 'features' list; export the zones "
                                    "as a FeatureCollection");
  GeoJsonReader reader(path, frame);
  Zones z;
  const Json& features = doc["features"];
  for (std::size_t i = 0; i < features.size(); ++i) {
    const Json& f = features[i];
    if (!f.is_object() || !f.contains("geometry") || !f["geometry"].is_object())
      reader.fail(i, "geometry", "missing; every zone needs a Polygon or MultiPolygon geometry");
    const Json& geometry = f["geometry"];
    std::string type = geometry.value("type", "");
    if (!geometry.contains("coordinates")) reader.fail(i, "geometry.coordinates", "missing; give the zone's outline");
    const Json& coords = geometry["coordinates"];
    std::vector<std::vector<Point>> parts;
    if (type == "Polygon") {
      parts.push_back(reader.polygon(coords, i, "geometry.coordinates"));
    } else if (type == "MultiPolygon") {
      if (!coords.is_array() || coords.empty())
        reader.fail(i, "geometry.coordinates", "expected a list of polygons, got " + coords.dump());
      for (std::size_t k = 0; k < coords.size(); ++k)
        parts.push_back(reader.polygon(coords[k], i, "geometry.coordinates[" + std::to_string(k) + "]"));
    } else {
      reader.fail(i, "geometry.type", "'" + type + "' is not supported; use Polygon or MultiPolygon");
    }
    const Json properties = f.contains("properties") ? f["properties"] : Json::object();
    std::string name = "zone " + std::to_string(i);
    if (properties.is_object() && properties.contains("name")) {
      if (!properties["name"].is_string())
        reader.fail(i, "properties.name", "expected text, got " + properties["name"].dump());
      name = properties["name"].get<std::string>();
    }
    double population = reader.number(properties, "population", 0.0, i);
    double activity = reader.number(properties, "activity", 1.0, i);
    // A MultiPolygon becomes one zone per part, its weights shared in proportion to area.
    double total_area = 0.0;
    for (auto& part : parts) {
      if (signed_area(part) < 0.0) std::reverse(part.begin(), part.end());
      total_area += signed_area(part);
    }
    for (auto& part : parts) {
      Zone zone;
      zone.name = name;
      zone.area_m2 = signed_area(part);
      double share = total_area > 0.0 ? zone.area_m2 / total_area : 1.0 / static_cast<double>(parts.size());
      zone.population = population * share;
      zone.activity = activity * share;
      zone.polygon = std::move(part);
      z.zones_.push_back(std::move(zone));
    }
  }
  if (z.zones_.empty()) throw sim::ScenarioError(path + ": the FeatureCollection has no feature; add the zones");
  return z;
}

std::int64_t Zones::zone_of(Point p) const {
  for (std::size_t i = 0; i < zones_.size(); ++i)
    if (contains(zones_[i].polygon, p)) return static_cast<std::int64_t>(i);
  return -1;
}

Point Zones::sample(sim::RandomStream& rng, ZoneWeight weight) const {
  // Choose a zone by weight (inverse transform on the cumulative weights).
  double total = 0.0;
  for (const Zone& z : zones_) total += weight_of(z, weight);
  if (!(total > 0.0))
    throw sim::ScenarioError(std::string("zones: every zone has zero ") + weight_name(weight) +
                             "; give at least one zone a positive weight");
  double u = rng.uniform() * total;
  std::size_t chosen = zones_.size() - 1;
  for (std::size_t i = 0; i < zones_.size(); ++i) {
    u -= weight_of(zones_[i], weight);
    if (u < 0.0) {
      chosen = i;
      break;
    }
  }
  while (weight_of(zones_[chosen], weight) <= 0.0) --chosen;  // rounding at the end of the list

  // Uniform inside the polygon by rejection from its bounding box.
  const std::vector<Point>& polygon = zones_[chosen].polygon;
  Point lo = polygon[0], hi = polygon[0];
  for (const Point& q : polygon) {
    lo = {std::min(lo.x_m, q.x_m), std::min(lo.y_m, q.y_m)};
    hi = {std::max(hi.x_m, q.x_m), std::max(hi.y_m, q.y_m)};
  }
  for (int attempt = 0; attempt < 100000; ++attempt) {
    Point p{rng.uniform(lo.x_m, hi.x_m), rng.uniform(lo.y_m, hi.y_m)};
    if (contains(polygon, p)) return p;
  }
  return polygon[0];  // a degenerate sliver of zero area
}

StreetLocation Zones::sample_on_streets(sim::RandomStream& rng, ZoneWeight weight, const StreetGraph& streets) const {
  return streets.snap(sample(rng, weight));
}

std::vector<sim::ParamSpec> zone_param_specs() {
  return {
      sim::param("file", sim::ParamType::STRING, "", Json(),
                 "GeoJSON FeatureCollection of (Multi)Polygons with properties name, population and activity, "
                 "relative to the scenario file; longitude and latitude on an OpenStreetMap map, else metres."),
      sim::choice("weight", {"activity", "population", "area"}, "activity",
                  "What draws places (shops, incidents) to a zone: its activity, its population or its area."),
  };
}

Zones zones_from(const sim::Params& section, const std::string& base_dir, const LocalFrame& frame) {
  std::filesystem::path file = section.string("file");
  if (file.is_relative()) file = std::filesystem::path(base_dir) / file;
  return Zones::from_geojson(file.lexically_normal().string(), frame);
}

ZoneWeight zone_weight_from(const sim::Params& section) {
  std::string w = section.string("weight");
  return w == "population" ? ZoneWeight::POPULATION : w == "area" ? ZoneWeight::AREA : ZoneWeight::ACTIVITY;
}

CityMap city_map_from(const sim::Json& scenario, const std::string& directory) {
  CityMap map;
  if (scenario.contains("streets")) {
    try {
      map.streets = std::make_shared<const StreetGraph>(
          street_graph_from(sim::Params(scenario.at("streets"), "streets"), directory));
    } catch (const sim::ScenarioError& e) {
      throw sim::ScenarioError(std::string("at 'streets': ") + e.what());
    }
  }
  if (scenario.contains("zones")) {
    sim::Params zones(scenario.at("zones"), "zones");
    try {
      map.zones = std::make_shared<const Zones>(
          zones_from(zones, directory, map.streets ? map.streets->frame() : LocalFrame()));
    } catch (const sim::ScenarioError& e) {
      throw sim::ScenarioError(std::string("at 'zones.file': ") + e.what());
    }
    map.weight = zone_weight_from(zones);
  }
  return map;
}

}  // namespace citytwin::models
