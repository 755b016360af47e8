// The SWMM 5.2 time loop (its swmm5.c execRouting, routing.c and output.c): runoff computed ahead of routing,
// lateral inflows taken at the start of each routing step, report values interpolated between steps.
#include "models/drainage/DrainageSimulation.hpp"

#include <algorithm>
#include <cmath>

#include "models/drainage/ControlRules.hpp"
#include "models/drainage/DynamicWave.hpp"
#include "models/drainage/ExternalInflow.hpp"

namespace citytwin::models::drainage {

namespace {

double fraction_error(double in, double out) { return in > 0.0 ? (in - out) / in : 0.0; }

}  // namespace

double RunoffBalance::error() const {
  return fraction_error(rain_m3 + initial_storage_m3, infiltration_m3 + runoff_m3 + final_storage_m3);
}

double RoutingBalance::error() const {
  return fraction_error(inflow_m3 + initial_storage_m3, outflow_m3 + flooding_m3 + final_storage_m3);
}

namespace {

/// Kinematic wave or steady flow routing at the fixed routing step.
struct KinematicRouter {
  RoutingModel model;
  RoutingState state;
  KinematicRouter(const DrainageNetwork& net, RoutingMethod method)
      : model(make_routing_model(net, method)), state(initial_routing_state(model)) {}
  double step_s(double fixed_step_s) { return fixed_step_s; }
  void route(const std::vector<double>& lateral, double dt) { routing_step(model, state, lateral, dt); }
  double storage_m3() const { return routed_storage_m3(model, state); }
  int continuity_failures() const { return state.continuity_failures; }
};

/// Dynamic wave routing at the fixed or the variable (Courant) step.
struct DynamicRouter {
  DynamicWaveModel model;
  DynamicWaveState state;
  explicit DynamicRouter(const DrainageNetwork& net)
      : model(make_dynamic_wave_model(net)), state(initial_dynamic_wave_state(model)) {}
  double step_s(double fixed_step_s) { return dynamic_wave_step_s(model, state, fixed_step_s); }
  void route(const std::vector<double>& lateral, double dt) { dynamic_wave_step(model, state, lateral, dt); }
  double storage_m3() const { return dynamic_wave_storage_m3(state); }
  int continuity_failures() const { return 0; }
};

template <class Router>
DrainageResults run(const DrainageNetwork& net, Router& router, bool do_routing) {
  const Options& o = net.options;
  const RunoffModel runoff_model = make_runoff_model(net);
  RunoffState runoff = initial_runoff_state(runoff_model);
  auto& flow = router.state;

  DrainageResults r;
  const std::int64_t total_ms = o.duration_s * 1000, report_ms = o.report_step_s * 1000;
  const std::int64_t runoff_only_ms = std::min(o.wet_step_s, o.report_step_s) * 1000;
  std::int64_t old_routing_ms = 0, new_routing_ms = 0, report_time_ms = report_ms, next_rule_ms = 0;
  std::vector<double> lateral(net.nodes.size(), 0.0);

  while (new_routing_ms < total_ms) {
    // The next routing time, from the step the routing allows, at most the end of the run; runoff computed until it.
    const std::int64_t step_ms =
        do_routing ? static_cast<std::int64_t>(std::llround(router.step_s(o.routing_step_s) * 1000.0)) : runoff_only_ms;
    const std::int64_t next_ms = std::min(new_routing_ms + step_ms, total_ms);
    while (runoff.new_time_ms < next_ms) runoff_step(runoff_model, runoff);

    // Pumps' depth limits, then control rules on the state the last step left (every routing step or rule step).
    if (do_routing) {
      apply_pump_depth_limits(net, flow);
      if (!net.rules.empty() && new_routing_ms >= next_rule_ms) {
        apply_control_rules(net, flow);
        next_rule_ms = o.rule_step_s > 0 ? next_rule_ms + o.rule_step_s * 1000 : new_routing_ms;
      }
    }

    // Route the step, with each outlet node's runoff and the direct and dry-weather inflows as they are at the start
    // of the step (SWMM's routing_execute).
    old_routing_ms = new_routing_ms;
    new_routing_ms = next_ms;
    if (do_routing) {
      std::fill(lateral.begin(), lateral.end(), 0.0);
      add_external_inflows(net, old_routing_ms, lateral);
      for (std::size_t i = 0; i < net.subcatchments.size(); ++i) {
        const int node = net.subcatchments[i].outlet_node;
        if (node >= 0 && net.subcatchments[i].area_m2 > 0.0)
          lateral[node] += runoff_at(runoff, static_cast<int>(i), static_cast<double>(old_routing_ms));
      }
      router.route(lateral, static_cast<double>(new_routing_ms - old_routing_ms) / 1000.0);
    }

    // Record at the report time this step reached, interpolated within the routing and runoff steps.
    if (new_routing_ms >= report_time_ms) {
      if (report_time_ms >= o.report_start_s * 1000)
        append_report(net, runoff, flow.nodes, flow.links, old_routing_ms, new_routing_ms, report_time_ms, r);
      report_time_ms += report_ms;
    }
  }

  // The mass balances.
  r.runoff = {runoff.totals.rain_m3, runoff.totals.infiltration_m3, runoff.totals.runoff_m3,
              runoff.totals.initial_storage_m3, surface_storage_m3(runoff_model, runoff), runoff.totals.to_nodes_m3};
  r.routing = {flow.totals.lateral_inflow_m3, flow.totals.outfall_outflow_m3, flow.totals.flooding_m3,
               flow.totals.initial_storage_m3, router.storage_m3()};
  r.flooded_m3 = flow.flooded_m3;
  r.ode_failures = runoff.ode_failures;
  r.continuity_failures = router.continuity_failures();
  return r;
}

}  // namespace

DrainageResults simulate_drainage(const DrainageNetwork& net, FlowRouting routing) {
  const bool do_routing = !net.options.ignore_routing && !net.links.empty();
  if (routing == FlowRouting::DYNWAVE && do_routing) {
    DynamicRouter router(net);
    return run(net, router, true);
  }
  KinematicRouter router(net, routing == FlowRouting::STEADY ? RoutingMethod::STEADY : RoutingMethod::KINWAVE);
  return run(net, router, do_routing);
}

}  // namespace citytwin::models::drainage
