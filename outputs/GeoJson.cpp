// GeoJSON points, written whole or not at all.
#include "outputs/GeoJson.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace citytwin::outputs {

void write_geojson(const std::vector<GeoPoint>& points, const std::string& path) {
  sim::Json features = sim::Json::array();
  for (const GeoPoint& p : points)
    features.push_back({{"type", "Feature"},
                        {"geometry", {{"type", "Point"}, {"coordinates", {p.lon_deg, p.lat_deg}}}},
                        {"properties", p.properties}});
  sim::Json doc = {{"type", "FeatureCollection"}, {"features", features}};
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
    out << doc.dump(1) << '\n';
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(partial, ignored);
      throw std::runtime_error("cannot write '" + path + "': the disk refused the data");
    }
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw std::runtime_error("cannot rename '" + partial + "' to '" + path + "': " + error.message());
  }
}

}  // namespace citytwin::outputs
