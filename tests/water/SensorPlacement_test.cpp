// Pressure sensor placement on a pipe network: simulated leak scenarios, greedy against random and the optimum.
#include "models/water/SensorPlacement.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "models/water/Hydraulics.hpp"
#include "models/water/InpReader.hpp"
#include "sim/RandomStream.hpp"

using namespace citytwin::models;
using namespace citytwin::models::water;

TEST_CASE("leak scenarios drop the pressure as a leak opened alone in the same state does") {
  const WaterNetwork net = read_inp(std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/networks/Net3.inp");
  PressurePlacementSettings s;
  s.times_s = {3 * 3600};
  const LeakScenarioSet sc = simulate_leak_scenarios(net, s);
  REQUIRE(sc.pipes.size() == sc.drops.size());
  CHECK(sc.junctions.size() == 92);
  // One scenario again, by hand: the network with only that pipe as a leak site, run to 3:00.
  const std::size_t j = 40;
  const HydraulicModel model(net, {sc.pipes[j]});
  HydraulicRun run(model);
  run.solve();
  while (run.time_s() < 3 * 3600) {
    run.advance();
    run.solve();
  }
  std::vector<double> before(sc.junctions.size());
  for (std::size_t i = 0; i < before.size(); ++i) before[i] = run.pressure_m(model.node(sc.junctions[i]));
  run.set_leak_area(0, std::numbers::pi * 0.02 * 0.02 / 4);
  run.solve();
  CHECK(run.leak_flow_m3s(0) == doctest::Approx(sc.flows_m3s[j]).epsilon(1e-4));
  for (const auto& [site, drop] : sc.drops[j])
    CHECK(drop == doctest::Approx(before[site] - run.pressure_m(model.node(sc.junctions[site]))).epsilon(1e-3).scale(1e-3));
}

TEST_CASE("greedy pressure sensors see more leaks than random ones, within its guarantee of the MILP optimum") {
  const WaterNetwork net = read_inp(std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/networks/Net3.inp");
  const LeakScenarioSet sc = simulate_leak_scenarios(net);
  const PlacementProblem problem = detection_problem(sc, 0.1);
  citytwin::sim::RandomStream rng(1, 0, 0, "test");
  for (std::size_t k : {2u, 5u}) {
    const Placement g = place_greedy(problem, k);
    const ExactPlacement e = place_exact(problem, k, 60.0);
    REQUIRE(e.optimal);
    CHECK(g.value <= e.best.value + 1e-12);
    CHECK(g.value >= (1.0 - std::exp(-1.0)) * e.best.value);
    double random = 0.0;
    for (int r = 0; r < 50; ++r) random += place_random(problem, k, rng).value / 50;
    CHECK(g.value > 1.5 * random);
    MESSAGE(k << " sensors: greedy " << g.value << ", optimum " << e.best.value << ", random " << random);
  }
}
