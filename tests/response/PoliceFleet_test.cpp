// Tests of the police fleet: nearest free unit, turnout, priorities, re-sending on the way home, patrols.
#include "models/response/PoliceFleet.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace citytwin;
using models::FleetSettings;
using models::Place;
using models::PoliceFleet;
using models::PoliceJob;
using sim::Time;

namespace {

Place at(double x, double y) { return {{x, y}, {}}; }

/// Two stations 2 km apart, straight-line travel at 10 m/s with no detour.
FleetSettings two_stations(std::uint32_t units) {
  FleetSettings s;
  s.units = units;
  s.stations = {at(0, 0), at(2000, 0)};
  s.turnout = Time::seconds(60);
  s.speed_m_per_s = 10.0;
  s.circuity = 1.0;
  return s;
}

struct Log {
  std::vector<std::pair<std::int64_t, std::size_t>> sent;
  std::vector<std::pair<std::int64_t, double>> arrived;  // job, time
};

}  // namespace

TEST_CASE("a job goes to the unit that reaches it first, turnout included, and the unit returns home") {
  sim::Simulation sim;
  Log log;
  PoliceFleet fleet(sim, two_stations(2), 1, nullptr, nullptr,
                    [&](const PoliceJob& j, std::size_t u, Time) { log.sent.emplace_back(j.id, u); },
                    [&](const PoliceJob& j, std::size_t) {
                      log.arrived.emplace_back(j.id, sim.now().to_seconds());
                      return Time::minutes(10);
                    });
  fleet.request({7, at(1500, 0), 0});
  REQUIRE(log.sent.size() == 1);
  CHECK(log.sent[0].second == 1);  // unit 1 lives at the second station, 500 m away
  CHECK(fleet.busy() == 1);
  sim.run_until(Time::hours(1));
  REQUIRE(log.arrived.size() == 1);
  CHECK(log.arrived[0].second == doctest::Approx(60 + 50));  // turnout + 500 m at 10 m/s
  CHECK(fleet.busy() == 0);
  auto free = fleet.free_units();
  REQUIRE(free.size() == 2);
  CHECK(free[1].first.point.x_m == 2000.0);  // home again
  CHECK(free[1].second == Time::seconds(60));
}

TEST_CASE("urgent jobs go first when units become free, and a returning unit is re-sent from where it is") {
  sim::Simulation sim;
  Log log;
  PoliceFleet fleet(sim, two_stations(1), 2, nullptr, nullptr,
                    [&](const PoliceJob& j, std::size_t u, Time) { log.sent.emplace_back(j.id, u); },
                    [&](const PoliceJob& j, std::size_t) {
                      log.arrived.emplace_back(j.id, sim.now().to_seconds());
                      return Time::seconds(100);
                    });
  fleet.request({1, at(1000, 0), 0});  // leaves at 60 s, arrives at 160 s, free at 260 s
  fleet.request({2, at(0, 500), 1});
  fleet.request({3, at(1000, 300), 0});
  CHECK(fleet.waiting() == 2);
  sim.run_until(Time::seconds(265));
  REQUIRE(log.sent.size() == 2);
  CHECK(log.sent[1].first == 3);  // the urgent one, though it came later
  sim.run_until(Time::seconds(700));
  REQUIRE(log.arrived.size() == 3);
  CHECK(log.arrived[1].second == doctest::Approx(260 + 30));  // 300 m from the last job, no turnout
  // Job 3 ends at 390 s; the unit heads home (1044 m, 104.4 s) and is re-sent at 440 s from its point on
  // the way, 500 m along.
  CHECK(log.arrived[2].second > 390);
}

TEST_CASE("units on patrol leave from where they are, without turnout") {
  sim::Simulation sim;
  FleetSettings s = two_stations(1);
  s.patrol = true;
  int legs = 0;
  std::vector<double> arrival;
  PoliceFleet fleet(sim, s, 1, nullptr, nullptr, [](const PoliceJob&, std::size_t, Time) {},
                    [&](const PoliceJob&, std::size_t) {
                      arrival.push_back(sim.now().to_seconds());
                      return Time::minutes(5);
                    },
                    [&](std::size_t) {
                      ++legs;
                      return legs % 2 ? at(1000, 0) : at(0, 0);
                    });
  fleet.start();
  // From its station at (0, 0) to (1000, 0) in 100 s, then back: at 150 s it is half-way home.
  sim.run_until(Time::seconds(150));
  auto free = fleet.free_units();
  REQUIRE(free.size() == 1);
  CHECK(free[0].first.point.x_m == doctest::Approx(500.0));
  CHECK(free[0].second == Time{});
  CHECK(legs == 2);
  fleet.request({1, at(1500, 100), 0});
  sim.run_until(Time::seconds(400));
  REQUIRE(arrival.size() == 1);
  CHECK(arrival[0] == doctest::Approx(150.0 + std::hypot(1000.0, 100.0) / 10.0));  // no turnout
  sim.run_until(Time::seconds(600));  // five minutes on site, then on patrol again
  CHECK(legs == 3);
}

TEST_CASE("on the streets a unit's travel time is the fastest route's") {
  models::StreetGraph g = models::StreetGraph::grid(6, 6, 100.0);
  models::StreetRouter router(g);
  models::TravelTimes travel(router);
  sim::Simulation sim;
  FleetSettings s;
  s.units = 1;
  s.stations = models::stations_on({{0, 0}}, &g);
  s.turnout = Time::seconds(30);
  Time told;
  PoliceFleet fleet(sim, s, 1, &g, &travel, [&](const PoliceJob&, std::size_t, Time t) { told = t; },
                    [](const PoliceJob&, std::size_t) { return Time::minutes(1); });
  Place target{{300, 200}, g.snap({300, 200})};
  fleet.request({1, target, 0});
  double route = travel.between(s.stations[0].street, target.street);
  CHECK(told.to_seconds() == doctest::Approx(route + 30.0).epsilon(1e-9));
  CHECK(route == doctest::Approx(500.0 / (30 / 3.6)).epsilon(1e-6));  // 500 m of residential street at 30 km/h
}
