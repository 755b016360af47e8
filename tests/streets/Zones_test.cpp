// Tests of zones: grid cells, GeoJSON polygons in local and geographic frames, the messages for bad files, and
// sampling frequencies against the weights (chi-square).
#include "models/streets/Zones.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "OsmReference.hpp"
#include "TempDir.hpp"
#include "sim/Scenario.hpp"

using citytwin::models::LocalFrame;
using citytwin::models::StreetGraph;
using citytwin::models::ZoneWeight;
using citytwin::models::Zones;
using citytwin::sim::Point;
using citytwin::sim::RandomStream;
using citytwin::test::TempDir;

namespace {

std::string error_of(const std::string& content) {
  TempDir dir;
  const std::string file = dir.write("zones.geojson", content);
  try {
    Zones::from_geojson(file, LocalFrame());
  } catch (const citytwin::sim::ScenarioError& e) {
    return std::string(e.what()).substr(file.size());
  }
  return "no error";
}

/// Pearson's chi-square statistic of observed counts against expected probabilities.
double chi_square(const std::vector<double>& observed, const std::vector<double>& p, double n) {
  double x2 = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) x2 += (observed[i] - n * p[i]) * (observed[i] - n * p[i]) / (n * p[i]);
  return x2;
}

const char* THREE_ZONES = R"({
  "type": "FeatureCollection",
  "features": [
    {"type": "Feature", "properties": {"name": "centre", "population": 3000, "activity": 5},
     "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [400, 0], [400, 300], [0, 300], [0, 0]]]}},
    {"type": "Feature", "properties": {"name": "east", "population": 1000},
     "geometry": {"type": "Polygon", "coordinates": [[[400, 0], [800, 0], [600, 300], [400, 300]]]}},
    {"type": "Feature", "properties": {"name": "islands", "population": 600, "activity": 2},
     "geometry": {"type": "MultiPolygon", "coordinates": [
       [[[0, 400], [100, 400], [100, 500], [0, 500]]],
       [[[200, 400], [400, 400], [400, 500], [200, 500]]]]}}
  ]
})";

}  // namespace

TEST_CASE("a zone grid covers the rectangle with uniform cells") {
  Zones z = Zones::grid({0, 0}, {1000, 450}, 200);
  CHECK(z.size() == 5 * 3);
  double area = 0.0;
  for (const auto& zone : z.zones()) {
    area += zone.area_m2;
    CHECK(zone.population == 1.0);
    CHECK(zone.activity == 1.0);
  }
  CHECK(area == doctest::Approx(1000.0 * 450.0));
  CHECK(z.zone_of({250, 50}) == 1);
  CHECK(z.zone_of({990, 440}) == 14);
  CHECK(z.zone_of({1001, 10}) == -1);
}

TEST_CASE("GeoJSON zones keep their names, weights and areas, and a multipolygon shares its weights by area") {
  TempDir dir;
  const std::string file = dir.write("zones.geojson", THREE_ZONES);
  Zones z = Zones::from_geojson(file, LocalFrame());
  REQUIRE(z.size() == 4);
  CHECK(z[0].name == "centre");
  CHECK(z[0].population == 3000);
  CHECK(z[0].activity == 5);
  CHECK(z[0].area_m2 == doctest::Approx(120000));
  CHECK(z[0].polygon.size() == 4);  // the closing position is dropped
  CHECK(z[1].activity == 1);        // the default
  CHECK(z[1].area_m2 == doctest::Approx(300 * (400 + 200) / 2.0));
  CHECK(z[2].name == "islands");
  CHECK(z[2].population == doctest::Approx(200));
  CHECK(z[3].population == doctest::Approx(400));
  CHECK(z.zone_of({100, 100}) == 0);
  CHECK(z.zone_of({450, 200}) == 1);
  CHECK(z.zone_of({750, 250}) == -1);  // outside the trapezoid
  CHECK(z.zone_of({300, 450}) == 3);
}

TEST_CASE("GeoJSON zones in longitude and latitude are projected with the street graph's frame") {
  StreetGraph g = StreetGraph::from_osm(citytwin::test::map_path("aguascalientes.osm.pbf"));
  const LocalFrame& frame = g.frame();
  double lat = frame.origin_lat_deg(), lon = frame.origin_lon_deg();
  std::string json = R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"population": 5},
    "geometry": {"type": "Polygon", "coordinates": [[)";
  auto pos = [](double x, double y) { return "[" + std::to_string(x) + ", " + std::to_string(y) + "]"; };
  // A square of 0.004 degrees, 0.004 degrees north-east of the frame's origin: in the town centre.
  auto at = [&](double east, double north) { return pos(lon + 0.004 * east, lat + 0.004 * north); };
  json += at(1, 1) + "," + at(2, 1) + "," + at(2, 2) + "," + at(1, 2);
  json += "]]}}]}";
  TempDir dir;
  const std::string file = dir.write("geo.geojson", json);
  Zones z = Zones::from_geojson(file, frame);
  REQUIRE(z.size() == 1);
  // 0.004 degree of longitude at 21.85 degrees is 413.5 m, of latitude 442.9 m.
  CHECK(z[0].polygon[0].x_m == doctest::Approx(413.5).epsilon(2e-3));
  CHECK(z[0].polygon[2].x_m == doctest::Approx(2 * 413.5).epsilon(2e-3));
  CHECK(z[0].polygon[2].y_m == doctest::Approx(2 * 442.9).epsilon(2e-3));
  RandomStream rng(1, 0, 0, "zone_points");
  for (int i = 0; i < 100; ++i) {
    auto loc = z.sample_on_streets(rng, ZoneWeight::POPULATION, g);
    CHECK(loc.edge < g.edge_count());
    CHECK(loc.distance_m < 100.0);
  }
}

TEST_CASE("a bad GeoJSON file is refused naming the file, the feature and the key") {
  CHECK(error_of("{").find(": not valid JSON") == 0);
  CHECK(error_of(R"({"type": "Feature"})").find(": expected a GeoJSON FeatureCollection") == 0);
  auto feature = [](const std::string& geometry, const std::string& properties = "{}") {
    return R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
      "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1]]]}}, {"type": "Feature", "properties": )" +
           properties + R"(, "geometry": )" + geometry + "}]}";
  };
  const std::string square = R"({"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1]]]})";
  CHECK(error_of(feature(R"({"type": "Point", "coordinates": [0, 0]})")) ==
        ": feature 1: key 'geometry.type': 'Point' is not supported; use Polygon or MultiPolygon");
  CHECK(error_of(feature(R"({"type": "Polygon", "coordinates": [[[0,0],[9,0],[9,9]], [[1,1],[2,1],[2,2]]]})"))
            .find(": feature 1: key 'geometry.coordinates': the polygon has 1 hole(s)") == 0);
  CHECK(error_of(feature(R"({"type": "Polygon", "coordinates": [[[0,0],[1,0]]]})")) ==
        ": feature 1: key 'geometry.coordinates[0]': a ring needs at least 3 distinct positions; give the zone's "
        "outline");
  CHECK(error_of(feature(R"({"type": "Polygon", "coordinates": [[[0,0],[1,"a"],[1,1]]]})"))
            .find(": feature 1: key 'geometry.coordinates[0][1]': expected a position") == 0);
  CHECK(error_of(feature(square, R"({"population": "many"})")) ==
        ": feature 1: key 'properties.population': expected a non-negative number, got \"many\"");
  CHECK(error_of(feature(square, R"({"activity": -2})")) ==
        ": feature 1: key 'properties.activity': expected a non-negative number, got -2");
  CHECK(error_of(feature(square, R"({"name": 7})")) == ": feature 1: key 'properties.name': expected text, got 7");
  CHECK(error_of(feature("null")).find(": feature 1: key 'geometry': missing") == 0);
  std::string missing = "/nonexistent/zones.geojson";
  CHECK_THROWS_WITH_AS(Zones::from_geojson(missing, LocalFrame()),
                       (missing + ": zone file not found or not readable; check the path").c_str(),
                       citytwin::sim::ScenarioError);
}

TEST_CASE("sampled points fall in zones with frequencies proportional to their weights") {
  TempDir dir;
  const std::string file = dir.write("zones.geojson", THREE_ZONES);
  Zones z = Zones::from_geojson(file, LocalFrame());
  const double n = 40000;
  for (ZoneWeight w : {ZoneWeight::POPULATION, ZoneWeight::ACTIVITY, ZoneWeight::AREA}) {
    std::vector<double> weights, observed(z.size(), 0.0);
    double total = 0.0;
    for (const auto& zone : z.zones()) {
      double x = w == ZoneWeight::POPULATION ? zone.population
                 : w == ZoneWeight::ACTIVITY ? zone.activity
                                             : zone.area_m2;
      weights.push_back(x);
      total += x;
    }
    for (double& x : weights) x /= total;
    RandomStream rng(42, 0, static_cast<std::uint32_t>(w), "zone_sampling");
    for (int i = 0; i < static_cast<int>(n); ++i) {
      std::int64_t k = z.zone_of(z.sample(rng, w));
      REQUIRE(k >= 0);  // every sample lies inside its zone
      observed[static_cast<std::size_t>(k)] += 1;
    }
    // Three degrees of freedom: P(chi2 > 27.9) = 4e-6. Ignoring the weights (uniform over zones, or by area
    // for population) would give a statistic in the thousands.
    double x2 = chi_square(observed, weights, n);
    CAPTURE(x2);
    CHECK(x2 < 27.9);
    std::vector<double> uniform(z.size(), 1.0 / static_cast<double>(z.size()));
    CHECK(chi_square(observed, uniform, n) > 1000);
  }
}

TEST_CASE("sampling with all weights zero is refused") {
  Zones z = Zones::grid({0, 0}, {100, 100}, 50);
  for (std::size_t i = 0; i < z.size(); ++i) z[i].population = 0.0;
  RandomStream rng(1, 0, 0, "zones");
  CHECK_THROWS_WITH_AS(z.sample(rng, ZoneWeight::POPULATION),
                       "zones: every zone has zero population; give at least one zone a positive weight",
                       citytwin::sim::ScenarioError);
}
