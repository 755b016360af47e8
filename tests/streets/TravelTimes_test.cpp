// Tests of travel times: the contraction hierarchy against Boost's Dijkstra on synthetic towns and a real map,
// against an independent networkx reading, point-to-point on streets, routes and the tree cache.
#include "models/streets/TravelTimes.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "OsmReference.hpp"
#include "sim/RandomStream.hpp"

using citytwin::models::Route;
using citytwin::models::StreetEdge;
using citytwin::models::StreetGraph;
using citytwin::models::StreetLocation;
using citytwin::models::StreetRouter;
using citytwin::models::TravelTimes;

namespace {

/// Checks CH answers against full Dijkstra trees (Boost) for `pairs` random origin-destination pairs.
void check_against_dijkstra(const StreetGraph& g, std::uint32_t entity, int origins, int per_origin) {
  StreetRouter router(g);
  TravelTimes ch(router);
  TravelTimes reference(router, 2);
  citytwin::sim::RandomStream rng(3, 0, entity, "route_pairs");
  auto n = static_cast<std::uint32_t>(g.vertex_count());
  for (int i = 0; i < origins; ++i) {
    std::uint32_t s = rng.uniform_int(n);
    const std::vector<double> tree = reference.from_origin(s);
    for (int j = 0; j < per_origin; ++j) {
      std::uint32_t t = rng.uniform_int(n);
      CAPTURE(s);
      CAPTURE(t);
      REQUIRE(std::isfinite(tree[t]));  // the graph is strongly connected
      CHECK(ch.between(s, t) == doctest::Approx(tree[t]).epsilon(1e-9));
      CHECK(reference.to_destination(t)[s] == doctest::Approx(tree[t]).epsilon(1e-9));
    }
  }
  CHECK(router.shortcut_count() > 0);
}

/// The time from a street location to another by brute force over full trees: through either end of the
/// first street, or along it when the second lies ahead on the same street.
double brute_force(const StreetGraph& g, TravelTimes& tt, const StreetLocation& a, const StreetLocation& b) {
  struct Leg {
    std::uint32_t vertex;
    double time_s;
  };
  const StreetEdge& ea = g.edges()[a.edge];
  const StreetEdge& eb = g.edges()[b.edge];
  std::vector<Leg> starts = {{ea.to, (1 - a.offset_m / ea.length_m) * ea.time_s}};
  if (ea.reverse != StreetEdge::NO_EDGE) starts.push_back({ea.from, a.offset_m / ea.length_m * ea.time_s});
  std::vector<Leg> ends = {{eb.from, b.offset_m / eb.length_m * eb.time_s}};
  if (eb.reverse != StreetEdge::NO_EDGE) ends.push_back({eb.to, (1 - b.offset_m / eb.length_m) * eb.time_s});
  double best = TravelTimes::UNREACHABLE;
  for (const Leg& s : starts) {
    const std::vector<double>& tree = tt.from_origin(s.vertex);
    for (const Leg& e : ends) best = std::min(best, s.time_s + tree[e.vertex] + e.time_s);
  }
  // Same street: in a's direction, b's position measured from a's start.
  double b_along_a = b.edge == a.edge ? b.offset_m : ea.reverse == b.edge ? ea.length_m - b.offset_m : -1;
  if (b_along_a >= 0) {
    if (b_along_a >= a.offset_m) best = std::min(best, (b_along_a - a.offset_m) / ea.length_m * ea.time_s);
    else if (ea.reverse != StreetEdge::NO_EDGE)
      best = std::min(best, (a.offset_m - b_along_a) / ea.length_m * ea.time_s);
  }
  return best;
}

}  // namespace

TEST_CASE("the contraction hierarchy agrees with Dijkstra on a grid with random one-way streets") {
  check_against_dijkstra(StreetGraph::grid(40, 35, 100.0, {}, 6, 0.35, 2), 1, 30, 20);
}

TEST_CASE("the contraction hierarchy agrees with Dijkstra on a radial town") {
  check_against_dijkstra(StreetGraph::radial(12, 16, 150.0), 2, 25, 20);
}

TEST_CASE("the contraction hierarchy agrees with Dijkstra on the Aguascalientes map") {
  check_against_dijkstra(StreetGraph::from_osm(citytwin::test::map_path("aguascalientes.osm.pbf")), 3, 30, 20);
}

TEST_CASE("travel times on the Aguascalientes map match an independent networkx reading") {
  StreetGraph g = StreetGraph::from_osm(citytwin::test::map_path("aguascalientes.osm.pbf"));
  StreetRouter router(g);
  TravelTimes tt(router);
  citytwin::sim::RandomStream rng(5, 0, 0, "reference_pairs");
  std::vector<std::string> pairs;
  std::vector<double> times;
  auto n = static_cast<std::uint32_t>(g.vertex_count());
  for (int i = 0; i < 60; ++i) {
    std::uint32_t s = rng.uniform_int(n), t = rng.uniform_int(n);
    pairs.push_back(std::to_string(g.vertices()[s].osm_id) + ":" + std::to_string(g.vertices()[t].osm_id));
    times.push_back(tt.between(s, t));
  }
  citytwin::sim::Json ref = citytwin::test::osm_reference(citytwin::test::map_path("aguascalientes.osm.bz2"), pairs);
  REQUIRE(ref["times_s"].size() == times.size());
  for (std::size_t i = 0; i < times.size(); ++i) {
    CAPTURE(pairs[i]);
    REQUIRE(ref["times_s"][i].is_number());
    CHECK(times[i] == doctest::Approx(ref["times_s"][i].get<double>()).epsilon(0.005));
  }
}

TEST_CASE("travel times between street locations take either direction of two-way streets") {
  StreetGraph g = StreetGraph::grid(20, 20, 100.0, {}, 5, 0.3, 9);
  StreetRouter router(g);
  TravelTimes tt(router, 64);
  TravelTimes brute(router, 64);
  citytwin::sim::RandomStream rng(8, 0, 0, "locations");
  auto [lo, hi] = g.bounds();
  for (int i = 0; i < 300; ++i) {
    StreetLocation a = g.snap({rng.uniform(lo.x_m, hi.x_m), rng.uniform(lo.y_m, hi.y_m)});
    StreetLocation b = i % 3 == 0 ? g.snap({a.point.x_m + rng.uniform(-60, 60), a.point.y_m + rng.uniform(-60, 60)})
                                  : g.snap({rng.uniform(lo.x_m, hi.x_m), rng.uniform(lo.y_m, hi.y_m)});
    CAPTURE(i);
    CHECK(tt.between(a, b) == doctest::Approx(brute_force(g, brute, a, b)).epsilon(1e-9));
  }
}

TEST_CASE("a location at an intersection, at the end or the start of any of its streets, is that intersection") {
  StreetGraph g = StreetGraph::grid(15, 15, 100.0, {}, 5, 0.4, 3);
  StreetRouter router(g);
  TravelTimes tt(router);
  // Every way of standing at vertex v: at the end of an edge arriving there, or at the start of one leaving.
  std::vector<std::vector<StreetLocation>> at(g.vertex_count());
  for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
    const StreetEdge& edge = g.edges()[e];
    at[edge.to].push_back({e, edge.length_m, g.vertices()[edge.to].pos, 0.0});
    at[edge.from].push_back({e, 0.0, g.vertices()[edge.from].pos, 0.0});
  }
  citytwin::sim::RandomStream rng(4, 0, 0, "vertex_pairs");
  auto n = static_cast<std::uint32_t>(g.vertex_count());
  std::size_t one_way_ends = 0;
  for (int i = 0; i < 200; ++i) {
    std::uint32_t u = rng.uniform_int(n), v = i % 10 == 0 ? u : rng.uniform_int(n);
    const double expected = tt.between(u, v);
    for (const StreetLocation& a : at[u])
      for (const StreetLocation& b : at[v]) {
        CAPTURE(u);
        CAPTURE(v);
        CHECK(tt.between(a, b) == doctest::Approx(expected).epsilon(1e-9));
        one_way_ends += g.edges()[a.edge].reverse == StreetEdge::NO_EDGE;
      }
  }
  CHECK(one_way_ends > 100);  // the one-way streets' ends were exercised
}

TEST_CASE("on one street the time is the share of the street between the two points") {
  StreetGraph g = StreetGraph::grid(5, 5, 100.0);
  StreetRouter router(g);
  TravelTimes tt(router);
  StreetLocation a = g.snap({120.0, 0.0}), b = g.snap({170.0, 0.0});
  const double speed = 30 / 3.6;
  CHECK(tt.between(a, b) == doctest::Approx(50.0 / speed));
  CHECK(tt.between(b, a) == doctest::Approx(50.0 / speed));  // back along the reverse edge
  CHECK(tt.between(a, a) == doctest::Approx(0.0));
  StreetLocation c = g.snap({300.0, 30.0});
  CHECK(tt.between(a, c) == doctest::Approx((180.0 + 30.0) / speed));
}

TEST_CASE("a route follows the cached tree and its times add up the edges") {
  StreetGraph g = StreetGraph::grid(25, 25, 80.0, {}, 4, 0.3, 4);
  StreetRouter router(g);
  TravelTimes tt(router, 3);
  citytwin::sim::RandomStream rng(9, 0, 0, "routes");
  auto n = static_cast<std::uint32_t>(g.vertex_count());
  for (int i = 0; i < 50; ++i) {
    std::uint32_t s = rng.uniform_int(n), t = rng.uniform_int(n);
    Route r = tt.route(s, t);
    REQUIRE(!r.vertices.empty());
    CHECK(r.vertices.front() == s);
    CHECK(r.vertices.back() == t);
    CHECK(r.time_s.front() == 0.0);
    CHECK(r.time_s.back() == doctest::Approx(tt.between(s, t)).epsilon(1e-9));
    for (std::size_t k = 1; k < r.vertices.size(); ++k) {
      // Some edge joins consecutive vertices with exactly the time difference.
      double step = r.time_s[k] - r.time_s[k - 1];
      bool found = false;
      for (std::uint32_t j = g.out_begin(r.vertices[k - 1]); j < g.out_begin(r.vertices[k - 1] + 1); ++j) {
        const StreetEdge& e = g.edges()[g.out_edges()[j]];
        found = found || (e.to == r.vertices[k] && std::abs(e.time_s - step) < 1e-9);
      }
      CHECK(found);
    }
  }
  CHECK(tt.route(3, 3).vertices == std::vector<std::uint32_t>{3});
}

TEST_CASE("the tree cache returns the same tree for a repeated origin and evicts the least recently used") {
  StreetGraph g = StreetGraph::grid(10, 10, 100.0);
  StreetRouter router(g);
  TravelTimes tt(router, 2);
  const std::vector<double>* first = &tt.from_origin(5);
  CHECK(&tt.from_origin(5) == first);
  tt.to_destination(5);  // a reversed tree is another entry
  CHECK(&tt.from_origin(5) == first);
  tt.from_origin(6);  // evicts the reversed tree of 5, the least recently used
  CHECK(&tt.from_origin(5) == first);
  CHECK(tt.from_origin(5)[5] == 0.0);
  CHECK(tt.from_origin(5)[6] == doctest::Approx(100.0 / (30 / 3.6)));
  CHECK(tt.to_destination(6)[5] == doctest::Approx(100.0 / (30 / 3.6)));
}

TEST_CASE("the share of streets reachable within a limit agrees with Dijkstra from every source") {
  StreetGraph g = StreetGraph::grid(12, 10, 110.0, {}, 4, 0.3, 5);
  StreetRouter router(g);
  TravelTimes travel(router);
  citytwin::sim::RandomStream rng(4, 0, 0, "coverage");
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<std::pair<StreetLocation, double>> sources;
    for (int k = 0; k < 1 + trial % 3; ++k)
      sources.emplace_back(g.location_along(rng.uniform()), rng.uniform(0.0, 60.0));
    double limit = rng.uniform(60.0, 300.0);
    // Brute force: a vertex is reached when some source gets there in time, by between().
    double reached = 0.0, total = 0.0;
    for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
      const StreetEdge& edge = g.edges()[e];
      if (edge.reverse != StreetEdge::NO_EDGE && edge.reverse < e) continue;
      total += edge.length_m;
      for (std::uint32_t v : {edge.from, edge.to}) {
        StreetLocation at_v{e, edge.from == v ? 0.0 : edge.length_m, g.vertices()[v].pos, 0.0};
        double best = TravelTimes::UNREACHABLE;
        for (const auto& [loc, delay] : sources) best = std::min(best, delay + travel.between(loc, at_v));
        if (best <= limit) reached += edge.length_m / 2.0;
      }
    }
    CHECK(travel.share_within(sources, limit) == doctest::Approx(reached / total).epsilon(1e-9));
  }
  CHECK(travel.share_within({}, 1e9) == 0.0);
}
