// Control rules evaluated on the routing state, as SWMM 5.2's controls.c evaluates them: premises in order (an OR
// tried only if what came before failed, an AND only if it held), THEN or ELSE actions, one action per link by
// priority.
#pragma once

#include "models/drainage/DrainageNetwork.hpp"
#include "models/drainage/DynamicWave.hpp"
#include "models/drainage/KinematicWave.hpp"

namespace citytwin::models::drainage {

// The state is kinematic or dynamic wave's (RoutingState, DynamicWaveState): node depths `new_depth_m`, link flows
// `new_flow_m3s` and settings `setting`.

/// Whether a rule's premises hold on the state: node depths (and heads) and link flows as the last routing step
/// left them, link settings as they are.
template <class State>
bool premises_hold(const DrainageNetwork& net, const ControlRule& rule, const State& state);

/// Evaluates every rule and applies the winning action on each link to its setting; returns how many settings
/// changed. Called before each routing step (RULE_STEP 0), or every rule step.
template <class State>
int apply_control_rules(const DrainageNetwork& net, State& state);

/// Switches pumps off below their shutoff depth and on above their startup depth, at their inlet nodes (SWMM's
/// link_setTargetSetting, before the control rules of each routing step); returns how many settings changed.
template <class State>
int apply_pump_depth_limits(const DrainageNetwork& net, State& state);

extern template bool premises_hold(const DrainageNetwork&, const ControlRule&, const RoutingState&);
extern template bool premises_hold(const DrainageNetwork&, const ControlRule&, const DynamicWaveState&);
extern template int apply_control_rules(const DrainageNetwork&, RoutingState&);
extern template int apply_control_rules(const DrainageNetwork&, DynamicWaveState&);
extern template int apply_pump_depth_limits(const DrainageNetwork&, RoutingState&);
extern template int apply_pump_depth_limits(const DrainageNetwork&, DynamicWaveState&);

}  // namespace citytwin::models::drainage
