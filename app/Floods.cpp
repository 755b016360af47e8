// `citytwin place` on a flood scenario: gauges by lead time, against random placements and the MILP optimum.
#include "app/Floods.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "app/Cli.hpp"
#include "models/Floods.hpp"
#include "outputs/GeoJson.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Statistics.hpp"

namespace citytwin::app {

int place_flood_gauges(const sim::Scenario& scenario, const std::string& path, const cxxopts::ParseResult& args) {
  const sim::Variant* variant = &variant_to_place(scenario, args, "flood_gauges", "gauges");
  models::FloodParams params = models::FloodParams::from_scenario(variant->params, variant->directory);
  if (!params.greedy_placement)
    throw UsageError("option '" + variant->label + "' lists its gauges (flood_gauges.placement: listed); nothing to "
                     "place");
  if (args.count("count")) params.gauge_count = static_cast<int>(args["count"].as<unsigned>());
  if (params.gauge_count <= 0) throw UsageError("no gauges to place: give --count N");
  params.gauge_nodes.clear();

  const auto started = std::chrono::steady_clock::now();
  const models::FloodModel model(params);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const models::GaugePlan& plan = model.plan();
  const auto& net = *params.model;
  std::printf("%s, option '%s': %zu gauges among %zu candidate nodes, over %zu floods of %zu training storms\n",
              path.c_str(), variant->label.c_str(), model.params().gauge_nodes.size(), plan.candidates.size(),
              plan.training_floods, plan.training_events);
  if (!plan.problem) {
    std::printf("  the training storms flood nothing: the gauges go to the nodes that fill closest to their ground\n");
  } else {
    // Values are mean best lead times over the training floods, as shares of max_lead: in minutes, times `min`.
    const models::PlacementProblem& problem = *plan.problem;
    const double min = static_cast<double>(params.max_lead_s) / 60.0;
    const std::size_t k = plan.chosen.sites.size();
    std::printf("  greedy (CELF): mean best lead %.1f min over the floods; upper bound %.1f min (within %.1f%% of "
                "the optimum); %zu gains computed; %.2f s with the training storms\n",
                plan.chosen.value * min, plan.chosen.upper_bound * min,
                100.0 * (1.0 - plan.chosen.value / plan.chosen.upper_bound), plan.chosen.evaluations, seconds);
    const unsigned draws = args["random"].as<unsigned>();
    if (draws > 0) {
      sim::RunningStats value;
      double best = 0.0;
      sim::RandomStream rng(params.seed, 0, 0, "place_random");
      for (unsigned r = 0; r < draws; ++r) {
        const models::Placement x = models::place_random(problem, k, rng);
        value.add(x.value);
        best = std::max(best, x.value);
      }
      std::printf("  random (%u draws): %.1f +- %.1f min (sd), best %.1f min\n", draws, value.mean() * min,
                  value.stddev() * min, best * min);
    }
    if (args.count("exact")) {
      const models::ExactPlacement e = models::place_exact(problem, k, args["time-limit"].as<double>());
      if (e.optimal)
        std::printf("  exact (MILP, GLPK): optimum %.1f min; greedy reaches %.2f%% of it (its guarantee: %.1f%%); "
                    "%.1f s\n",
                    e.best.value * min, 100.0 * plan.chosen.value / e.best.value, 100.0 * (1.0 - std::exp(-1.0)),
                    e.seconds);
      else
        std::printf("  exact (MILP, GLPK): best %.1f min, bound %.1f min after the time limit: greedy reaches at "
                    "least %.2f%% of the optimum; %.1f s\n",
                    e.best.value * min, e.bound * min, 100.0 * plan.chosen.value / e.bound, e.seconds);
    }
  }
  const std::vector<int>& nodes = model.params().gauge_nodes;
  for (std::size_t r = 0; r < nodes.size(); ++r)
    std::printf("  %zu. node %s\n", r + 1, net.nodes[static_cast<std::size_t>(nodes[r])].id.c_str());

  if (args.count("output")) {
    // On the street map (longitude, latitude) when there is one from OpenStreetMap, else in the model's metres.
    const std::string out = args["output"].as<std::string>();
    std::vector<outputs::GeoPoint> points;
    const bool geographic = params.streets && params.streets->frame().geographic();
    for (std::size_t r = 0; r < nodes.size(); ++r) {
      const sim::Point p = models::node_on_map(params, nodes[r]);
      const auto ll = geographic ? params.streets->frame().to_geo(p) : std::array<double, 2>{p.y_m, p.x_m};
      points.push_back({ll[1], ll[0],
                        {{"kind", "level_gauge"},
                         {"rank", r + 1},
                         {"node", net.nodes[static_cast<std::size_t>(nodes[r])].id},
                         {"x_m", p.x_m},
                         {"y_m", p.y_m}}});
    }
    outputs::write_geojson(points, out);
    std::printf("wrote %s (%zu gauges, %s; rank is the order greedy chose them)\n", out.c_str(), points.size(),
                geographic ? "longitude and latitude" : "in the map's metres");
  }
  return EXIT_OK;
}

}  // namespace citytwin::app
