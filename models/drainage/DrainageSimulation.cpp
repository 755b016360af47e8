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

DrainageResults simulate_drainage(const DrainageNetwork& net, FlowRouting routing) {
  const Options& o = net.options;
  const bool do_routing = !o.ignore_routing && !net.links.empty();
  if (routing == FlowRouting::DYNWAVE && do_routing) return simulate_dynamic_wave(net);
  const RunoffModel runoff_model = make_runoff_model(net);
  const RoutingModel routing_model = make_routing_model(
      net, routing == FlowRouting::STEADY ? RoutingMethod::STEADY : RoutingMethod::KINWAVE);
  RunoffState runoff = initial_runoff_state(runoff_model);
  RoutingState flow = initial_routing_state(routing_model);

  DrainageResults r;
  const std::int64_t total_ms = o.duration_s * 1000, report_ms = o.report_step_s * 1000;
  const std::int64_t step_ms = do_routing ? static_cast<std::int64_t>(std::llround(o.routing_step_s * 1000.0))
                                          : std::min(o.wet_step_s, o.report_step_s) * 1000;
  std::int64_t old_routing_ms = 0, new_routing_ms = 0, report_time_ms = report_ms, next_rule_ms = 0;
  std::vector<double> lateral(net.nodes.size(), 0.0);

  while (new_routing_ms < total_ms) {
    // The next routing time, at most the end of the run; runoff computed until it.
    std::int64_t next_ms = new_routing_ms + step_ms;
    if (next_ms > total_ms) next_ms = total_ms;
    while (runoff.new_time_ms < next_ms) runoff_step(runoff_model, runoff);

    // Control rules on the state the last step left, every routing step or every rule step.
    if (do_routing && !net.rules.empty() && new_routing_ms >= next_rule_ms) {
      apply_control_rules(net, flow);
      next_rule_ms = o.rule_step_s > 0 ? next_rule_ms + o.rule_step_s * 1000 : new_routing_ms;
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
      routing_step(routing_model, flow, lateral, static_cast<double>(new_routing_ms - old_routing_ms) / 1000.0);
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
               flow.totals.initial_storage_m3, routed_storage_m3(routing_model, flow)};
  r.flooded_m3 = flow.flooded_m3;
  r.ode_failures = runoff.ode_failures;
  r.continuity_failures = flow.continuity_failures;
  return r;
}

}  // namespace citytwin::models::drainage
