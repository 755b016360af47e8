// Control rules evaluated on the routing state, as SWMM 5.2's controls.c evaluates them: premises in order (an OR
// tried only if what came before failed, an AND only if it held), THEN or ELSE actions, one action per link by
// priority.
#pragma once

#include "models/drainage/DrainageNetwork.hpp"
#include "models/drainage/KinematicWave.hpp"

namespace citytwin::models::drainage {

/// Whether a rule's premises hold on the state: node depths (and heads) and link flows as the last routing step
/// left them, link settings as they are.
bool premises_hold(const DrainageNetwork& net, const ControlRule& rule, const RoutingState& state);

/// Evaluates every rule and applies the winning action on each link to its setting; returns how many settings
/// changed. Called before each routing step (RULE_STEP 0), or every rule step.
int apply_control_rules(const DrainageNetwork& net, RoutingState& state);

}  // namespace citytwin::models::drainage
