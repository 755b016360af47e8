// Closed streets: which a flood shuts, counted closures, travel times around them against the router's on open
// streets, detours and places cut off.
#include "models/streets/StreetClosures.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "models/streets/TravelTimes.hpp"

using namespace citytwin::models;
using citytwin::sim::Point;

namespace {

// A 6 x 6 grid of two-way streets 100 m apart, arterials every third street.
StreetGraph town() { return StreetGraph::grid(6, 6, 100.0, {}, 3, 0.0, 1); }

std::uint32_t edge_between(const StreetGraph& g, std::uint32_t a, std::uint32_t b) {
  for (std::uint32_t k = g.out_begin(a); k < g.out_begin(a + 1); ++k)
    if (g.edges()[g.out_edges()[k]].to == b) return g.out_edges()[k];
  return StreetEdge::NO_EDGE;
}

}  // namespace

TEST_CASE("with nothing closed, travel times are the router's to every vertex") {
  const StreetGraph g = town();
  const StreetRouter router(g);
  TravelTimes tt(router);
  const StreetClosures c(g);
  for (std::uint32_t origin : {0u, 7u, 20u}) {
    const std::vector<double> mine = c.times_from(origin);
    const std::vector<double>& theirs = tt.from_origin(origin);
    REQUIRE(mine.size() == theirs.size());
    for (std::size_t v = 0; v < mine.size(); ++v) CHECK(mine[v] == doctest::Approx(theirs[v]).epsilon(1e-12));
  }
}

TEST_CASE("a flood in the middle of a block shuts that street both ways, and traffic goes round the block") {
  const StreetGraph g = town();
  StreetClosures c(g);
  const std::uint32_t a = g.nearest_vertex({100, 100}), b = g.nearest_vertex({200, 100});
  const std::vector<std::uint32_t> shut = c.edges_near({150, 100}, 10.0);
  REQUIRE(shut.size() == 2);
  CHECK(((shut[0] == edge_between(g, a, b) && shut[1] == edge_between(g, b, a)) ||
         (shut[1] == edge_between(g, a, b) && shut[0] == edge_between(g, b, a))));
  const double direct = c.times_from(a)[b];
  c.close(shut);
  CHECK(c.closed_edges() == 2);
  CHECK(c.closed_length_m() == doctest::Approx(100.0));
  // Round the block: up, across, down (every other route is as long or longer).
  const std::uint32_t up_a = g.nearest_vertex({100, 200}), up_b = g.nearest_vertex({200, 200}),
                      down_a = g.nearest_vertex({100, 0}), down_b = g.nearest_vertex({200, 0});
  auto time_of = [&](std::uint32_t x, std::uint32_t y) { return g.edges()[edge_between(g, x, y)].time_s; };
  const double around = std::min(time_of(a, up_a) + time_of(up_a, up_b) + time_of(up_b, b),
                                 time_of(a, down_a) + time_of(down_a, down_b) + time_of(down_b, b));
  CHECK(c.times_from(a)[b] == doctest::Approx(around));
  CHECK(c.times_from(a)[b] > direct);
  c.reopen(shut);
  CHECK(c.times_from(a)[b] == doctest::Approx(direct));
}

TEST_CASE("a street shut by two floods reopens when both have ended") {
  const StreetGraph g = town();
  StreetClosures c(g);
  const std::vector<std::uint32_t> shut = c.edges_near({150, 100}, 10.0);
  c.close(shut);
  c.close(shut);
  c.reopen(shut);
  CHECK(c.closed(shut[0]));
  c.reopen(shut);
  CHECK_FALSE(c.closed(shut[0]));
  CHECK(c.closed_edges() == 0);
  CHECK_THROWS_AS(c.reopen(shut), std::logic_error);
}

TEST_CASE("a corner flooded all round is cut off: its address is unreachable, the others detour or not") {
  const StreetGraph g = town();
  const StreetRouter router(g);
  TravelTimes tt(router);
  StreetClosures c(g);
  const std::uint32_t station = g.nearest_vertex({300, 300}), corner = g.nearest_vertex({0, 0});
  const std::vector<std::uint32_t> places = {corner, g.nearest_vertex({100, 0}), g.nearest_vertex({500, 500})};
  const std::vector<std::vector<double>> open = {tt.from_origin(station)};
  c.close(c.edges_near({0, 0}, 60.0));  // the two streets that leave the corner, both ways
  CHECK(c.closed_edges() == 4);
  const DetourSummary d = detours(c, {station}, open, places);
  CHECK(d.places == 3);
  CHECK(d.unreachable == 1);
  CHECK(d.detoured == 0);  // (100, 0) and (500, 500) are reached as fast as before
  CHECK(d.max_detour_s == 0.0);
  CHECK(d.detoured_mean_s == 0.0);
  CHECK(std::isinf(c.times_from(station)[corner]));
}
