// SWMM 5.2's rule-based controls (its controls.c: controls_evaluate, evaluatePremise, updateActionList,
// executeActionList) on node depths and heads, link statuses, settings and flows, acting on pump settings.
#include "models/drainage/ControlRules.hpp"

#include <vector>

namespace citytwin::models::drainage {

namespace {

bool compare(double x, Relation r, double y) {
  switch (r) {
    case Relation::EQ: return x == y;
    case Relation::NE: return x != y;
    case Relation::LT: return x < y;
    case Relation::LE: return x <= y;
    case Relation::GT: return x > y;
    case Relation::GE: return x >= y;
  }
  return false;
}

template <class State>
double premise_value(const DrainageNetwork& net, const Premise& p, const State& st) {
  if (p.object == ControlObject::NODE) {
    const double depth = st.nodes[p.index].new_depth_m;
    return p.attribute == ControlAttribute::HEAD ? depth + net.nodes[p.index].invert_m : depth;
  }
  const auto& s = st.links[p.index];
  switch (p.attribute) {
    case ControlAttribute::STATUS: return s.setting > 0.0 ? 1.0 : 0.0;
    case ControlAttribute::SETTING: return s.setting;
    case ControlAttribute::FLOW: return s.new_flow_m3s;
    default: return 0.0;
  }
}

}  // namespace

template <class State>
bool premises_hold(const DrainageNetwork& net, const ControlRule& rule, const State& state) {
  bool result = true;
  for (const Premise& p : rule.premises) {
    if (p.is_or) {
      if (!result) result = compare(premise_value(net, p, state), p.relation, p.value);
    } else {
      if (!result) break;
      result = compare(premise_value(net, p, state), p.relation, p.value);
    }
  }
  return result;
}

template <class State>
int apply_control_rules(const DrainageNetwork& net, State& state) {
  // The winning action on each link: the first rule's, unless a later one has a higher priority.
  struct Chosen {
    const ControlAction* action;
    double priority;
  };
  std::vector<Chosen> chosen(net.links.size(), {nullptr, 0.0});
  for (const ControlRule& rule : net.rules) {
    const bool holds = premises_hold(net, rule, state);
    for (const ControlAction& a : holds ? rule.then_actions : rule.else_actions) {
      Chosen& c = chosen[a.link];
      if (!c.action || rule.priority > c.priority) c = {&a, rule.priority};
    }
  }

  // Settings take the chosen values at once (pumps have no opening time).
  int changed = 0;
  for (std::size_t j = 0; j < chosen.size(); ++j) {
    if (!chosen[j].action) continue;
    double& setting = state.links[j].setting;
    if (setting != chosen[j].action->setting) {
      setting = chosen[j].action->setting;
      ++changed;
    }
  }
  return changed;
}

template <class State>
int apply_pump_depth_limits(const DrainageNetwork& net, State& state) {
  int changed = 0;
  for (const Pump& p : net.pumps) {
    double& setting = state.links[p.link].setting;
    const double depth = state.nodes[net.links[p.link].from].new_depth_m;
    double target = setting;
    if (p.shutoff_depth_m > 0.0 && setting > 0.0 && depth < p.shutoff_depth_m) target = 0.0;
    if (p.startup_depth_m > 0.0 && setting == 0.0 && depth > p.startup_depth_m) target = 1.0;
    if (target != setting) {
      setting = target;
      ++changed;
    }
  }
  return changed;
}

template bool premises_hold(const DrainageNetwork&, const ControlRule&, const RoutingState&);
template bool premises_hold(const DrainageNetwork&, const ControlRule&, const DynamicWaveState&);
template int apply_control_rules(const DrainageNetwork&, RoutingState&);
template int apply_control_rules(const DrainageNetwork&, DynamicWaveState&);
template int apply_pump_depth_limits(const DrainageNetwork&, RoutingState&);
template int apply_pump_depth_limits(const DrainageNetwork&, DynamicWaveState&);

}  // namespace citytwin::models::drainage
