// Writes places as a GeoJSON FeatureCollection of points (sensor sites for GIS tools and web maps).
#pragma once

#include <string>
#include <vector>

#include "sim/Json.hpp"

namespace citytwin::outputs {

/// One point feature: longitude and latitude in degrees (WGS84), and its properties.
struct GeoPoint {
  double lon_deg = 0.0;
  double lat_deg = 0.0;
  sim::Json properties = sim::Json::object();
};

/// Writes the points to `path` as a GeoJSON (RFC 7946) FeatureCollection, through "PATH.partial" renamed
/// once complete. Throws std::runtime_error naming the file when it cannot be written.
void write_geojson(const std::vector<GeoPoint>& points, const std::string& path);

}  // namespace citytwin::outputs
