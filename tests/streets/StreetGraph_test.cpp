// Tests of street graphs: OSM tag rules on an inline extract, the Aguascalientes and West Oakland extracts against
// an independent Python/networkx reading, synthetic towns against their formulas, snapping against brute force,
// and the messages for broken map files.
#include "models/streets/StreetGraph.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <queue>
#include <string>

#include "OsmReference.hpp"
#include "TempDir.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Scenario.hpp"

using citytwin::models::RoadClass;
using citytwin::models::StreetEdge;
using citytwin::models::StreetGraph;
using citytwin::models::StreetLocation;
using citytwin::sim::Point;
using citytwin::test::TempDir;

namespace {

/// The message of the ScenarioError that `f` throws ("" if none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const citytwin::sim::ScenarioError& e) {
    return e.what();
  }
  return "";
}

/// Whether every vertex reaches every other (breadth-first searches forward and backward from vertex 0).
bool strongly_connected(const StreetGraph& g) {
  for (bool forward : {true, false}) {
    std::vector<std::vector<std::uint32_t>> adj(g.vertex_count());
    for (const StreetEdge& e : g.edges()) (forward ? adj[e.from] : adj[e.to]).push_back(forward ? e.to : e.from);
    std::vector<bool> seen(g.vertex_count(), false);
    std::queue<std::uint32_t> q;
    q.push(0);
    seen[0] = true;
    std::size_t count = 1;
    while (!q.empty()) {
      std::uint32_t v = q.front();
      q.pop();
      for (std::uint32_t w : adj[v])
        if (!seen[w]) {
          seen[w] = true;
          ++count;
          q.push(w);
        }
    }
    if (count != g.vertex_count()) return false;
  }
  return true;
}

/// The nearest point of any edge shape by brute force: its distance.
double brute_force_distance(const StreetGraph& g, Point p) {
  double best = INFINITY;
  const auto& s = g.shape_points();
  for (const StreetEdge& e : g.edges())
    for (std::uint32_t k = e.shape_begin; k + 1 < e.shape_end; ++k) {
      Point a = s[k], b = s[k + 1];
      double dx = b.x_m - a.x_m, dy = b.y_m - a.y_m, len2 = dx * dx + dy * dy;
      double t = len2 > 0 ? std::clamp(((p.x_m - a.x_m) * dx + (p.y_m - a.y_m) * dy) / len2, 0.0, 1.0) : 0.0;
      best = std::min(best, std::hypot(a.x_m + t * dx - p.x_m, a.y_m + t * dy - p.y_m));
    }
  return best;
}

/// Checks snap() and nearest_vertex() against brute force on random points around the town.
void check_snapping(const StreetGraph& g, std::uint32_t entity) {
  citytwin::sim::RandomStream rng(7, 0, entity, "snap_points");
  auto [lo, hi] = g.bounds();
  for (int i = 0; i < 300; ++i) {
    Point p{rng.uniform(lo.x_m - 200, hi.x_m + 200), rng.uniform(lo.y_m - 200, hi.y_m + 200)};
    StreetLocation loc = g.snap(p);
    CAPTURE(p.x_m);
    CAPTURE(p.y_m);
    REQUIRE(loc.edge < g.edge_count());
    CHECK(loc.distance_m == doctest::Approx(brute_force_distance(g, p)).epsilon(1e-9));
    CHECK(std::hypot(loc.point.x_m - p.x_m, loc.point.y_m - p.y_m) == doctest::Approx(loc.distance_m).epsilon(1e-9));
    CHECK(loc.offset_m >= 0.0);
    CHECK(loc.offset_m <= g.edges()[loc.edge].length_m + 1e-9);
    Point on = g.point_on_edge(loc.edge, loc.offset_m);
    CHECK(std::hypot(on.x_m - loc.point.x_m, on.y_m - loc.point.y_m) < 1e-6);

    std::uint32_t v = g.nearest_vertex(p);
    double best = INFINITY;
    for (const auto& w : g.vertices()) best = std::min(best, std::hypot(w.pos.x_m - p.x_m, w.pos.y_m - p.y_m));
    CHECK(std::hypot(g.vertices()[v].pos.x_m - p.x_m, g.vertices()[v].pos.y_m - p.y_m) == doctest::Approx(best));
  }
}

/// A small extract exercising the tag rules (see the test below for what each way checks).
const char* RULES_OSM = R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
  <node id="1" lat="45.0000" lon="5.0000"/>
  <node id="2" lat="45.0000" lon="5.0010"/>
  <node id="3" lat="45.0000" lon="5.0020"/>
  <node id="4" lat="45.0010" lon="5.0020"/>
  <node id="5" lat="44.9990" lon="5.0000"/>
  <node id="6" lat="44.9990" lon="5.0010"/>
  <node id="7" lat="44.9990" lon="5.0020"/>
  <node id="8" lat="45.0020" lon="5.0010"/>
  <node id="9" lat="45.0030" lon="5.0015"/>
  <node id="10" lat="45.0030" lon="5.0005"/>
  <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
  <way id="101"><nd ref="3"/><nd ref="4"/><tag k="highway" v="residential"/><tag k="oneway" v="yes"/></way>
  <way id="102"><nd ref="4"/><nd ref="1"/><tag k="highway" v="tertiary"/><tag k="oneway" v="-1"/></way>
  <way id="103"><nd ref="1"/><nd ref="5"/><tag k="highway" v="footway"/></way>
  <way id="104"><nd ref="2"/><nd ref="6"/><tag k="highway" v="residential"/><tag k="access" v="private"/></way>
  <way id="105"><nd ref="3"/><nd ref="7"/><tag k="highway" v="service"/><tag k="area" v="yes"/></way>
  <way id="106"><nd ref="2"/><nd ref="99"/><nd ref="8"/><tag k="highway" v="residential"/></way>
  <way id="107"><nd ref="8"/><nd ref="9"/><nd ref="10"/><nd ref="8"/><tag k="highway" v="primary"/><tag k="junction" v="roundabout"/></way>
  <way id="108"><nd ref="1"/><nd ref="3"/><tag k="highway" v="motorway"/></way>
  <way id="109"><nd ref="2"/><nd ref="4"/><tag k="highway" v="motorway_link"/><tag k="oneway" v="no"/></way>
  <way id="110"><nd ref="2"/><nd ref="8"/><tag k="highway" v="residential"/></way>
</osm>
)";

/// The edges between two OSM nodes, in that direction.
std::vector<const StreetEdge*> edges_between(const StreetGraph& g, std::int64_t from, std::int64_t to) {
  std::vector<const StreetEdge*> out;
  for (const StreetEdge& e : g.edges())
    if (g.vertices()[e.from].osm_id == from && g.vertices()[e.to].osm_id == to) out.push_back(&e);
  return out;
}

}  // namespace

TEST_CASE("road classes are named by their OSM tag and links take the class they link") {
  using citytwin::models::road_class_from_highway;
  CHECK(citytwin::models::road_class_name(RoadClass::LIVING_STREET) == "living_street");
  CHECK(road_class_from_highway("residential") == RoadClass::RESIDENTIAL);
  CHECK(road_class_from_highway("trunk_link") == RoadClass::TRUNK);
  CHECK(road_class_from_highway("service") == RoadClass::SERVICE);
  CHECK_FALSE(road_class_from_highway("footway").has_value());
  CHECK_FALSE(road_class_from_highway("residential_link").has_value());
  CHECK_FALSE(road_class_from_highway("").has_value());
}

TEST_CASE("a local frame maps back to the same latitude and longitude") {
  citytwin::models::LocalFrame frame(21.86, -102.30);
  Point p = frame.to_local(21.87, -102.29);
  CHECK(p.x_m > 1000);
  CHECK(p.y_m > 1000);
  auto [lat, lon] = frame.to_geo(p);
  CHECK(lat == doctest::Approx(21.87).epsilon(1e-12));
  CHECK(lon == doctest::Approx(-102.29).epsilon(1e-12));
  // Near the origin a degree of latitude is the meridian arc per degree there on WGS84:
  // 111132.954 - 559.822 cos 2phi + 1.175 cos 4phi metres.
  double phi = 21.86 * std::numbers::pi / 180;
  double per_degree = 111132.954 - 559.822 * std::cos(2 * phi) + 1.175 * std::cos(4 * phi);
  CHECK(frame.to_local(21.861, -102.30).y_m == doctest::Approx(per_degree / 1000).epsilon(1e-5));
}

TEST_CASE("OSM tags decide which ways are drivable and in which direction") {
  TempDir dir;
  StreetGraph g = StreetGraph::from_osm(dir.write("rules.osm", RULES_OSM));
  const auto& r = g.report();
  CHECK(r.ways_read == 11);
  CHECK(r.drivable_ways == 8);  // footway, private access and area ways are not
  CHECK(r.missing_nodes == 1);
  CHECK(r.dropped_vertices == 0);
  CHECK(g.vertex_count() == 5);  // nodes 1, 2, 3, 4, 8
  CHECK(g.edge_count() == 12);
  CHECK(edges_between(g, 1, 2).size() == 1);  // a two-way street is split at node 2
  CHECK(edges_between(g, 2, 1).size() == 1);
  CHECK(edges_between(g, 3, 4).size() == 1);  // oneway=yes
  CHECK(edges_between(g, 4, 3).empty());
  CHECK(edges_between(g, 1, 4).size() == 1);  // oneway=-1 on the way 4 -> 1
  CHECK(edges_between(g, 4, 1).empty());
  CHECK(edges_between(g, 1, 3).size() == 1);  // a motorway is one-way
  CHECK(edges_between(g, 3, 1).empty());
  CHECK(edges_between(g, 2, 4).size() == 1);  // unless oneway=no
  CHECK(edges_between(g, 4, 2).size() == 1);
  // The way 2 - (missing) - 8 is cut at the missing node, leaving nothing: 2 and 8 are joined by way 110.
  REQUIRE(edges_between(g, 2, 8).size() == 1);
  CHECK(edges_between(g, 2, 8)[0]->osm_way == 110);
  for (const StreetEdge& e : g.edges()) CHECK(e.osm_way != 106);
  REQUIRE(edges_between(g, 8, 8).size() == 1);  // the roundabout is one loop
  const StreetEdge& loop = *edges_between(g, 8, 8)[0];
  CHECK(loop.reverse == StreetEdge::NO_EDGE);
  CHECK(loop.road_class == RoadClass::PRIMARY);
  CHECK(loop.shape_end - loop.shape_begin == 4);

  // The edge 1 -> 4 follows the way backwards, and two-way streets are linked by `reverse`.
  const StreetEdge& e14 = *edges_between(g, 1, 4)[0];
  CHECK(e14.osm_way == 102);
  const auto& s = g.shape_points();
  CHECK(s[e14.shape_begin].x_m == doctest::Approx(g.vertices()[e14.from].pos.x_m));
  CHECK(s[e14.shape_end - 1].y_m == doctest::Approx(g.vertices()[e14.to].pos.y_m));
  const StreetEdge& e12 = *edges_between(g, 1, 2)[0];
  REQUIRE(e12.reverse != StreetEdge::NO_EDGE);
  CHECK(g.edges()[e12.reverse].from == e12.to);
  CHECK(g.edges()[e12.reverse].length_m == doctest::Approx(e12.length_m));
  // 0.001 degree of longitude at 45 degrees is 78.85 m; residential speed 30 km/h.
  CHECK(e12.length_m == doctest::Approx(78.85).epsilon(1e-3));
  CHECK(e12.time_s == doctest::Approx(e12.length_m / (30 / 3.6)));

  // The origin is the south-west corner of the kept data.
  auto [lo, hi] = g.bounds();
  CHECK(lo.x_m == 0.0);
  CHECK(lo.y_m == 0.0);
  CHECK(g.frame().geographic());
  CHECK(g.frame().origin_lat_deg() == doctest::Approx(45.0));
  CHECK(g.frame().origin_lon_deg() == doctest::Approx(5.0));
  CHECK_FALSE(r.warnings.empty());  // the missing node
}

TEST_CASE("the Aguascalientes extract matches an independent networkx reading of the same file") {
  StreetGraph g = StreetGraph::from_osm(citytwin::test::map_path("aguascalientes.osm.pbf"));
  citytwin::sim::Json ref = citytwin::test::osm_reference(citytwin::test::map_path("aguascalientes.osm.bz2"));
  const auto& r = g.report();
  CHECK(r.ways_read == ref["ways_read"].get<std::size_t>());
  CHECK(r.ways_read == 733);
  CHECK(r.drivable_ways == ref["drivable_ways"].get<std::size_t>());
  CHECK(r.missing_nodes == ref["missing_nodes"].get<std::size_t>());
  CHECK(g.vertex_count() == ref["vertices"].get<std::size_t>());
  CHECK(g.edge_count() == ref["edges"].get<std::size_t>());
  CHECK(r.dropped_vertices == ref["dropped_vertices"].get<std::size_t>());
  CHECK(r.dropped_edges == ref["dropped_edges"].get<std::size_t>());
  CHECK(g.total_length_m() == doctest::Approx(ref["total_length_m"].get<double>()).epsilon(0.005));
  CHECK(r.dropped_vertices > 0);
  CHECK(r.warnings.size() == 1);
  CHECK(strongly_connected(g));
  auto [lo, hi] = g.bounds();
  CHECK(lo.x_m == 0.0);
  CHECK(lo.y_m == 0.0);
  CHECK(hi.x_m > 1000);  // about 1.7 km x 1.4 km
  CHECK(hi.y_m > 1000);
}

TEST_CASE("the West Oakland extract matches an independent networkx reading") {
  StreetGraph g = StreetGraph::from_osm(citytwin::test::map_path("West-Oakland.osm.bz2"));
  citytwin::sim::Json ref = citytwin::test::osm_reference(citytwin::test::map_path("West-Oakland.osm.bz2"));
  CHECK(g.report().ways_read == 66);
  CHECK(g.report().drivable_ways == ref["drivable_ways"].get<std::size_t>());
  CHECK(g.vertex_count() == ref["vertices"].get<std::size_t>());
  CHECK(g.edge_count() == ref["edges"].get<std::size_t>());
  CHECK(g.report().dropped_edges == ref["dropped_edges"].get<std::size_t>());
  CHECK(g.total_length_m() == doctest::Approx(ref["total_length_m"].get<double>()).epsilon(0.005));
}

TEST_CASE("the PBF and bz2 XML forms of one extract give the same graph") {
  StreetGraph a = StreetGraph::from_osm(citytwin::test::map_path("aguascalientes.osm.pbf"));
  StreetGraph b = StreetGraph::from_osm(citytwin::test::map_path("aguascalientes.osm.bz2"));
  REQUIRE(a.vertex_count() == b.vertex_count());
  REQUIRE(a.edge_count() == b.edge_count());
  for (std::size_t i = 0; i < a.edge_count(); ++i) {
    CHECK(a.edges()[i].osm_way == b.edges()[i].osm_way);
    CHECK(a.edges()[i].length_m == doctest::Approx(b.edges()[i].length_m).epsilon(1e-9));
  }
}

TEST_CASE("a grid town has the vertices, edges and length of its formula") {
  const std::uint32_t columns = 12, rows = 7;
  const double block = 110.0;
  StreetGraph g = StreetGraph::grid(columns, rows, block, {}, 4);
  std::size_t streets = std::size_t{columns - 1} * rows + std::size_t{columns} * (rows - 1);
  CHECK(g.vertex_count() == columns * rows);
  CHECK(g.edge_count() == 2 * streets);
  CHECK(g.total_length_m() == doctest::Approx(2.0 * static_cast<double>(streets) * block));
  CHECK(g.report().dropped_vertices == 0);
  CHECK(g.report().source == "grid 12x7");
  // Rows 0 and 4 and columns 0, 4 and 8 are arterials.
  std::size_t arterial = 0;
  for (const StreetEdge& e : g.edges()) arterial += e.road_class == RoadClass::SECONDARY;
  CHECK(arterial == 2 * (2 * (columns - 1) + 3 * (rows - 1)));
  auto [lo, hi] = g.bounds();
  CHECK(lo.x_m == 0.0);
  CHECK(hi.x_m == doctest::Approx((columns - 1) * block));
  CHECK(hi.y_m == doctest::Approx((rows - 1) * block));
  for (std::uint32_t v = 0; v < g.vertex_count(); ++v) {
    std::uint32_t degree = g.out_begin(v + 1) - g.out_begin(v);
    CHECK(degree >= 2);
    CHECK(degree <= 4);
    for (std::uint32_t k = g.out_begin(v); k < g.out_begin(v + 1); ++k) CHECK(g.edges()[g.out_edges()[k]].from == v);
  }
}

TEST_CASE("a grid town with random one-way streets keeps its largest strongly connected component") {
  StreetGraph g = StreetGraph::grid(30, 30, 100.0, {}, 0, 0.4, 11);
  std::size_t streets = 2 * 29 * 30;
  const auto& r = g.report();
  // Every street gives one or two edges; the kept part plus the dropped part is the whole town.
  CHECK(g.vertex_count() + r.dropped_vertices == 900);
  CHECK(g.edge_count() + r.dropped_edges > streets);
  CHECK(g.edge_count() + r.dropped_edges < 2 * streets);
  CHECK(strongly_connected(g));
  CHECK(r.dropped_vertices > 0);  // with 40 % one-way streets some corners are trapped
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("strongly connected") != std::string::npos);
  StreetGraph same = StreetGraph::grid(30, 30, 100.0, {}, 0, 0.4, 11);
  CHECK(same.edge_count() == g.edge_count());
}

TEST_CASE("a radial town has the vertices, edges and length of its formula") {
  const std::uint32_t rings = 5, spokes = 9;
  const double spacing = 200.0;
  StreetGraph g = StreetGraph::radial(rings, spokes, spacing);
  CHECK(g.vertex_count() == 1 + rings * spokes);
  CHECK(g.edge_count() == 2 * (2 * rings * spokes));
  double outer = rings * spacing;
  double exact = 2.0 * spokes * outer;  // spokes, both directions
  for (std::uint32_t k = 1; k <= rings; ++k) exact += 2.0 * 2.0 * std::numbers::pi * k * spacing;
  CHECK(g.total_length_m() == doctest::Approx(exact).epsilon(1e-3));  // arcs as polylines
  auto [lo, hi] = g.bounds();
  CHECK(lo.x_m == doctest::Approx(0.0).epsilon(1e-9));
  CHECK(hi.x_m == doctest::Approx(2 * outer));
  CHECK(g.vertices()[0].pos.x_m == outer);
  CHECK(strongly_connected(g));
}

TEST_CASE("snapping finds the nearest street point as brute force does") {
  check_snapping(StreetGraph::grid(15, 11, 90.0, {}, 3, 0.3, 5), 1);
  check_snapping(StreetGraph::radial(4, 7, 150.0), 2);
  check_snapping(StreetGraph::from_osm(citytwin::test::map_path("aguascalientes.osm.pbf")), 3);
}

TEST_CASE("a point placed on a street snaps back to it") {
  StreetGraph g = StreetGraph::grid(5, 5, 100.0);
  StreetLocation loc = g.snap({250.0, 120.0});
  CHECK(loc.distance_m == doctest::Approx(20.0));
  CHECK(loc.point.x_m == doctest::Approx(250.0));
  CHECK(loc.point.y_m == doctest::Approx(100.0));
  const StreetEdge& e = g.edges()[loc.edge];
  CHECK(std::min(g.vertices()[e.from].pos.x_m, g.vertices()[e.to].pos.x_m) == doctest::Approx(200.0));
  CHECK(loc.offset_m == doctest::Approx(50.0));
  CHECK(g.nearest_vertex({260.0, 130.0}) == 1 * 5 + 3);
}

TEST_CASE("locations along the streets are uniform in length, a two-way street once, motorways left out") {
  citytwin::models::StreetOptions options;
  StreetGraph g = StreetGraph::grid(6, 5, 100.0, options, 3);
  // Equally spaced fractions: each counted street gets a share of them proportional to its length.
  const int n = 20000;
  std::vector<int> hits(g.edge_count(), 0);
  for (int k = 0; k < n; ++k) {
    StreetLocation loc = g.location_along((k + 0.5) / n);
    REQUIRE(loc.edge < g.edge_count());
    const StreetEdge& e = g.edges()[loc.edge];
    CHECK(loc.offset_m >= 0.0);
    CHECK(loc.offset_m <= e.length_m);
    Point p = g.point_on_edge(loc.edge, loc.offset_m);
    CHECK(p.x_m == doctest::Approx(loc.point.x_m));
    CHECK(p.y_m == doctest::Approx(loc.point.y_m));
    ++hits[loc.edge];
  }
  double counted_m = g.total_length_m() / 2.0;  // every street is two-way: each is counted once
  for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
    const StreetEdge& edge = g.edges()[e];
    bool counted = edge.reverse == StreetEdge::NO_EDGE || e < edge.reverse;
    CAPTURE(e);
    if (!counted) CHECK(hits[e] == 0);
    else CHECK(std::abs(hits[e] - n * edge.length_m / counted_m) <= 1.0);
  }
}

TEST_CASE("locations along the streets avoid motorways and trunk roads") {
  TempDir dir;
  StreetGraph g = StreetGraph::from_osm(dir.write("rules.osm", RULES_OSM));
  bool has_motorway = false;
  for (const StreetEdge& e : g.edges()) has_motorway |= e.road_class == RoadClass::MOTORWAY;
  REQUIRE(has_motorway);
  for (int k = 0; k < 2000; ++k) CHECK(g.edges()[g.location_along((k + 0.5) / 2000).edge].road_class != RoadClass::MOTORWAY);
}

TEST_CASE("speeds per class come from the options") {
  citytwin::models::StreetOptions options;
  options.speed_m_per_s[static_cast<std::size_t>(RoadClass::RESIDENTIAL)] = 5.0;
  StreetGraph g = StreetGraph::grid(3, 3, 100.0, options);
  for (const StreetEdge& e : g.edges()) CHECK(e.time_s == doctest::Approx(20.0));
  options.speed_m_per_s[0] = 0.0;
  CHECK(error_of([&] { StreetGraph::grid(3, 3, 100.0, options); }).find("not positive") != std::string::npos);
}

TEST_CASE("a streets section builds a grid, a radial town or an OSM map relative to the scenario") {
  using citytwin::sim::Json;
  using citytwin::sim::Params;
  auto specs = citytwin::models::street_param_specs();
  auto has = [&](const std::string& name) {
    return std::any_of(specs.begin(), specs.end(), [&](const auto& s) { return s.name == name; });
  };
  for (const char* name : {"source", "file", "columns", "rows", "block", "rings", "spokes", "ring_spacing",
                           "arterial_every", "speed_residential", "speed_motorway", "speed_living_street"})
    CHECK_MESSAGE(has(name), name);
  for (const auto& s : specs)
    if (s.name == "speed_residential") CHECK(s.default_value == "30km/h");

  Json grid = Json::parse(
      R"({"source": "grid", "columns": 4, "rows": 3, "block": "150m", "speed_residential": "18km/h"})");
  StreetGraph g = citytwin::models::street_graph_from(Params(grid, "streets"), "");
  CHECK(g.vertex_count() == 12);
  for (const StreetEdge& e : g.edges())
    CHECK(e.time_s == doctest::Approx(e.road_class == RoadClass::RESIDENTIAL ? 150.0 / 5.0 : 150.0 / (40 / 3.6)));

  Json radial = Json::parse(R"({"source": "radial", "rings": 2, "spokes": 4, "ring_spacing": "1km"})");
  CHECK(citytwin::models::street_graph_from(Params(radial, "streets"), "").vertex_count() == 9);

  Json osm = Json::parse(R"({"source": "osm", "file": "maps/West-Oakland.osm.bz2"})");
  StreetGraph w = citytwin::models::street_graph_from(Params(osm, "streets"),
                                                      std::string(CITYTWIN_SOURCE_DIR) + "/scenarios");
  CHECK(w.report().ways_read == 66);
  Json missing = Json::parse(R"({"source": "osm", "file": "maps/nowhere.osm.pbf"})");
  CHECK(error_of([&] { citytwin::models::street_graph_from(Params(missing, "streets"), "/tmp"); })
            .find("/tmp/maps/nowhere.osm.pbf: map file not found") != std::string::npos);
}

TEST_CASE("a missing, unknown, truncated or empty map file gets a clear error") {
  TempDir dir;
  using citytwin::test::map_path;
  auto message = [](const std::string& path) { return error_of([&] { StreetGraph::from_osm(path); }); };

  std::string missing = (dir.path / "absent.osm.pbf").string();
  CHECK(message(missing) == missing + ": map file not found; check the path (relative to the scenario file)");
  std::string unknown = dir.write("town.shp", "not a map");
  CHECK(message(unknown).find(unknown + ": unknown map format; use") != std::string::npos);
  std::string empty = dir.write("empty.osm.pbf", "");
  CHECK(message(empty).find("empty") != std::string::npos);

  for (const char* name : {"aguascalientes.osm.pbf", "aguascalientes.osm.bz2", "West-Oakland.osm.bz2"}) {
    std::string cut = dir.truncated_copy(map_path(name), std::string("cut-") + name, 0.5);
    std::string m = message(cut);
    CAPTURE(m);
    CHECK(m.rfind(cut + ": cannot read the map, the file is truncated or corrupted (", 0) == 0);
    CHECK(m.find("download or export the extract again") != std::string::npos);
  }
  std::string xml(RULES_OSM);
  std::string cut_xml = dir.write("cut.osm", xml.substr(0, xml.size() / 2));
  CHECK(message(cut_xml).find("truncated or corrupted") != std::string::npos);

  std::string garbage = dir.write("garbage.osm.pbf", std::string(3000, 'x'));
  CHECK(message(garbage).find("truncated or corrupted") != std::string::npos);

  std::string paths_only = dir.write("paths.osm", R"(<?xml version="1.0"?>
<osm version="0.6"><node id="1" lat="1" lon="1"/><node id="2" lat="1.001" lon="1"/>
<way id="5"><nd ref="1"/><nd ref="2"/><tag k="highway" v="footway"/></way></osm>
)");
  CHECK(message(paths_only).find(paths_only + ": no drivable street") != std::string::npos);
}
