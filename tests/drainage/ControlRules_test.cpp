// Control rules as SWMM 5.2 evaluates them: premises in order with AND and OR, THEN or ELSE, priorities per link.
#include "models/drainage/ControlRules.hpp"

#include <doctest/doctest.h>

#include <string>

#include "models/drainage/SwmmReader.hpp"

using namespace citytwin::models::drainage;

namespace {

constexpr double FT = 0.3048;

/// A wet well W emptied by two pumps, with the rules given.
DrainageNetwork well(const std::string& rules) {
  return parse_swmm(R"([OPTIONS]
FLOW_UNITS CFS
END_TIME 6:00
[STORAGE]
W 100 10 0 FUNCTIONAL 0 0 50
[OUTFALLS]
Out 105 FREE
[PUMPS]
P1 W Out * ON 0 0
P2 W Out * OFF 0 0
[CONTROLS]
)" + rules,
                    "well.inp");
}

RoutingState state_at(const DrainageNetwork& net, double depth_ft) {
  const RoutingModel model = make_routing_model(net, RoutingMethod::KINWAVE);
  RoutingState st = initial_routing_state(model);
  st.nodes[net.node("W")].new_depth_m = depth_ft * FT;
  return st;
}

}  // namespace

TEST_CASE("a rule's THEN actions apply while its premises hold and its ELSE actions otherwise") {
  const DrainageNetwork net = well(R"(RULE R1
IF NODE W DEPTH >= 4
THEN PUMP P2 STATUS = ON
ELSE PUMP P2 STATUS = OFF
)");
  RoutingState st = state_at(net, 3.9);
  CHECK(st.links[net.link("P1")].setting == 1.0);  // as the file starts them
  CHECK(st.links[net.link("P2")].setting == 0.0);
  CHECK(apply_control_rules(net, st) == 0);
  st.nodes[net.node("W")].new_depth_m = 4.0 * FT;
  CHECK(apply_control_rules(net, st) == 1);
  CHECK(st.links[net.link("P2")].setting == 1.0);
  CHECK(st.links[net.link("P1")].setting == 1.0);  // no rule acts on it
  st.nodes[net.node("W")].new_depth_m = 2.0 * FT;
  CHECK(apply_control_rules(net, st) == 1);
  CHECK(st.links[net.link("P2")].setting == 0.0);
}

TEST_CASE("an OR is tried only when what came before failed, an AND only when it held") {
  // (head > 104 AND P1 on) OR depth < 1: heads are the invert, 100 ft, plus the depth.
  const DrainageNetwork net = well(R"(RULE R1
IF NODE W HEAD > 104
AND LINK P1 STATUS = ON
OR NODE W DEPTH < 1
THEN PUMP P2 SETTING = 0.5
)");
  const ControlRule& r = net.rules[0];
  RoutingState st = state_at(net, 4.5);
  CHECK(premises_hold(net, r, st));
  st.links[net.link("P1")].setting = 0.0;
  CHECK_FALSE(premises_hold(net, r, st));
  // A low head fails the first premise: SWMM stops at the AND that follows and never tries the OR, though the depth
  // is below 1 ft.
  st.nodes[net.node("W")].new_depth_m = 0.5 * FT;
  st.links[net.link("P1")].setting = 1.0;
  CHECK_FALSE(premises_hold(net, r, st));
  CHECK(apply_control_rules(net, st) == 0);
  CHECK(st.links[net.link("P2")].setting == 0.0);
}

TEST_CASE("an OR after a failed premise can still make the rule hold") {
  // depth < 1 OR P1 on: the first fails, the OR holds.
  const DrainageNetwork net = well(R"(RULE R1
IF NODE W DEPTH < 1
OR LINK P1 STATUS = ON
THEN PUMP P2 SETTING = 0.5
)");
  RoutingState st = state_at(net, 4.5);
  CHECK(premises_hold(net, net.rules[0], st));
  CHECK(apply_control_rules(net, st) == 1);
  CHECK(st.links[net.link("P2")].setting == 0.5);
  st.links[net.link("P1")].setting = 0.0;
  CHECK_FALSE(premises_hold(net, net.rules[0], st));
}

TEST_CASE("on one link the higher priority wins, and the earlier rule between equal priorities") {
  const DrainageNetwork net = well(R"(RULE Low
IF NODE W DEPTH > 1
THEN PUMP P2 SETTING = 0.25
PRIORITY 1
RULE High
IF NODE W DEPTH > 1
THEN PUMP P2 SETTING = 0.75
PRIORITY 5
RULE Same
IF NODE W DEPTH > 1
THEN PUMP P2 SETTING = 1.0
PRIORITY 5
)");
  RoutingState st = state_at(net, 2.0);
  apply_control_rules(net, st);
  CHECK(st.links[net.link("P2")].setting == 0.75);
}
