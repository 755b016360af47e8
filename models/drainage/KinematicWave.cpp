// SWMM 5.2's kinematic wave and steady flow routing (its flowrout.c, kinwave.c, node.c and link.c), in SI.
#include "models/drainage/KinematicWave.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <string>

#include "models/drainage/Numerics.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::models::drainage {

namespace {

constexpr double FT = 0.3048;
const double MANNING = 1.486 * std::cbrt(FT);          // SWMM's PHI for metres
constexpr double FUDGE_M3 = 0.0001 * FT * FT * FT;     // SWMM's FUDGE as a volume or a flow
constexpr double MIN_DELTA_Z_M = 0.001 * FT;           // least drop along a conduit
constexpr double TINY = 1.0e-6;                        // of normalized flows
constexpr double WX = 0.6, WT = 0.6, EPSIL = 0.001;    // kinematic wave weights and tolerance
constexpr double OMEGA = 0.55;                         // storage under-relaxation
constexpr int MAX_STORAGE_ITERATIONS = 10;
constexpr double STORAGE_TOLERANCE_M = 0.005 * FT;

[[noreturn]] void refuse(const DrainageNetwork& net, int line, const std::string& what) {
  throw sim::ScenarioError(net.path + ":" + std::to_string(line) + ": " + what);
}

// ---- Storage units -------------------------------------------------------------------------------------------

const Storage& storage_of(const DrainageNetwork& net, int node) { return net.storage[net.nodes[node].kind_index]; }

double storage_volume(const RoutingModel& m, int node, double d) {
  const NodeParams& p = m.nodes[node];
  return storage_volume_m3(*m.net, storage_of(*m.net, node), d, p.full_depth_m, p.full_volume_m3);
}

double storage_depth(const RoutingModel& m, int node, double v) {
  const NodeParams& p = m.nodes[node];
  return storage_depth_m(*m.net, storage_of(*m.net, node), v, p.full_depth_m, p.full_volume_m3);
}

bool is_storage(const DrainageNetwork& net, int node) { return net.nodes[node].kind == NodeKind::STORAGE; }

double node_volume(const RoutingModel& m, int node, double d) {
  if (is_storage(*m.net, node)) return storage_volume(m, node, d);
  const NodeParams& p = m.nodes[node];
  return p.full_depth_m > 0.0 ? p.full_volume_m3 * (d / p.full_depth_m) : 0.0;
}

double node_depth(const RoutingModel& m, int node, double v) {
  return is_storage(*m.net, node) ? storage_depth(m, node, v) : 0.0;
}

// ---- Link inflows --------------------------------------------------------------------------------------------

/// Flow a conduit draws from a storage unit: normal flow at the depth above its inlet.
double storage_outflow_to_conduit(const RoutingModel& m, const RoutingState& st, int link) {
  const LinkParams& p = m.links[link];
  const double y = st.nodes[m.net->links[link].from].new_depth_m - p.offset1_m;
  if (y <= 0.0) return 0.0;
  if (y >= p.section.y_full_m) return p.q_full_m3s;
  return p.beta * p.section.section_factor_of_area(p.section.area_of_depth(y));
}

/// What a node offers a link leaving it (SWMM's node_getOutflow).
double node_outflow(const RoutingModel& m, const RoutingState& st, int node, int link) {
  if (is_storage(*m.net, node)) {
    return m.net->links[link].kind == LinkKind::CONDUIT ? storage_outflow_to_conduit(m, st, link) : 0.0;
  }
  return st.nodes[node].inflow_m3s + st.nodes[node].overflow_m3s;
}

/// Flow through a regulator leaving a storage unit: under kinematic wave the downstream level is the storage unit's
/// invert (downstream water is not felt), as in SWMM.
double regulator_inflow(const RoutingModel& m, const RoutingState& st, int link) {
  const Link& k = m.net->links[link];
  const double invert = m.net->nodes[k.from].invert_m;
  return regulator_flow(*m.net, link, m.links[link].regulator, st.nodes[k.from].new_depth_m + invert, invert).q_m3s;
}

/// A link's inflow over the step, limited by what its upstream node holds (SWMM's getLinkInflow).
double link_inflow(const RoutingModel& m, const RoutingState& st, int link, double dt) {
  const DrainageNetwork& net = *m.net;
  const Link& k = net.links[link];
  const int n1 = k.from;
  double q = 0.0;
  switch (k.kind) {
    case LinkKind::CONDUIT: {
      q = node_outflow(m, st, n1, link);
      const double limit = net.conduits[k.kind_index].max_flow_m3s;
      if (limit > 0.0) q = std::min(q, limit);
      break;
    }
    case LinkKind::PUMP: {
      // An ideal pump passes what flows in; a PUMP4 pump its curve's flow at the inlet's depth; both times the setting.
      const int curve = net.pumps[k.kind_index].curve;
      q = curve < 0 ? st.nodes[n1].inflow_m3s + st.nodes[n1].overflow_m3s
                    : curve_value(net.curves[curve], st.nodes[n1].new_depth_m);
      q *= st.links[link].setting;
      break;
    }
    case LinkKind::ORIFICE:
    case LinkKind::WEIR:
    case LinkKind::OUTLET: q = is_storage(net, n1) ? regulator_inflow(m, st, link) : 0.0; break;
  }
  if (m.nodes[n1].full_volume_m3 > 0.0) q = std::min(q, st.nodes[n1].inflow_m3s + st.nodes[n1].old_volume_m3 / dt);
  return std::max(0.0, q);
}

// ---- Conduits ------------------------------------------------------------------------------------------------

/// The kinematic wave through one conduit (SWMM's kinwave_execute): `qin` in, the outflow returned; `qin` is cut to
/// the conduit's full flow.
double kinematic_wave(const RoutingModel& m, RoutingState& st, int link, double& qin_total, double dt) {
  const LinkParams& p = m.links[link];
  const SectionGeometry& g = p.section;
  LinkState& s = st.links[link];
  const int barrels = m.net->links[link].xsection.barrels;
  const double q_full = p.q_full_m3s, a_full = g.a_full_m2, beta1 = p.beta / q_full;

  // Normalized flows and areas.
  const double q1 = s.q1_m3s / q_full, q2 = s.q2_m3s / q_full, a1 = s.a1_m2 / a_full, a2 = s.a2_m2 / a_full;
  double qin = qin_total / barrels / q_full;
  const double ain = qin >= 1.0 ? 1.0 : g.area_of_section_factor(qin / beta1) / a_full;

  double qout = 0.0, aout = 0.0;
  if (!(qin <= TINY && q2 <= TINY)) {
    // The weighted finite-difference continuity equation beta1·S(a) + c1·a + c2 = 0 for the outlet area a.
    const double dxdt = p.length_m / dt * a_full / q_full, dq = q2 - q1;
    const double c1 = dxdt * WT / WX;
    double c2 = (1.0 - WT) * (ain - a1) - WT * a2;
    c2 = c2 * dxdt / WX + (1.0 - WX) / WX * dq - qin;
    auto eval = [&](double a, double& f, double& df) {
      f = beta1 * g.section_factor_of_area(a * a_full) + c1 * a + c2;
      df = beta1 * a_full * g.section_factor_slope(a * a_full) + c1;
    };

    // Bracket the root between the area of greatest flow and full, else between empty and that.
    aout = a2;
    double a_hi = 1.0, f_hi = 1.0 + c1 + c2;
    double a_lo = g.area_at_max_flow() / a_full;
    double f_lo = a_lo < a_hi ? beta1 * g.s_max + c1 * a_lo + c2 : f_hi;
    if (f_hi * f_lo > 0.0) {
      a_hi = a_lo;
      f_hi = f_lo;
      a_lo = 0.0;
      f_lo = c2;
    }
    if (f_hi * f_lo <= 0.0) {
      if (aout < a_lo || aout > a_hi) aout = 0.5 * (a_lo + a_hi);
      if (f_lo > f_hi) std::swap(a_lo, a_hi);
      if (find_root_newton(a_lo, a_hi, aout, EPSIL, eval) <= 0) ++st.continuity_failures;
    } else if (f_lo < 0.0) {
      aout = qin > 1.0 ? ain : 1.0;   // always above full flow
    } else {
      aout = 0.0;                     // always below zero
    }
    qout = beta1 * g.section_factor_of_area(aout * a_full);
    if (qin > 1.0) qin = 1.0;
  }
  s.q1_m3s = qin * q_full;
  s.a1_m2 = ain * a_full;
  s.q2_m3s = qout * q_full;
  s.a2_m2 = aout * a_full;
  qin_total = s.q1_m3s * barrels;
  return s.q2_m3s * barrels;
}

/// Steady flow through one conduit: the inflow, at most full, at normal depth along it.
double steady_flow(const RoutingModel& m, RoutingState& st, int link, double& qin_total) {
  const LinkParams& p = m.links[link];
  LinkState& s = st.links[link];
  const int barrels = m.net->links[link].xsection.barrels;
  double q = qin_total / barrels;
  if (q > p.q_full_m3s) {
    q = p.q_full_m3s;
    s.a1_m2 = p.section.a_full_m2;
    qin_total = q * barrels;
  } else {
    s.a1_m2 = p.section.area_of_section_factor(q / p.beta);
  }
  s.a2_m2 = s.a1_m2;
  s.q1_m3s = s.q2_m3s = q;
  return q * barrels;
}

// ---- Nodes ---------------------------------------------------------------------------------------------------

/// A storage unit's depth and volume by successive approximation with under-relaxation (SWMM's
/// updateStorageState); `position` is where its outlets start in the sorted links.
void update_storage(const RoutingModel& m, RoutingState& st, int node, std::size_t position, double dt) {
  NodeState& n = st.nodes[node];
  if (n.updated) return;
  const NodeParams& p = m.nodes[node];
  const bool can_pond = m.net->options.allow_ponding && m.net->nodes[node].ponded_area_m2 > 0.0;
  const double fixed = n.old_volume_m3 + 0.5 * (n.old_net_inflow_m3s + n.inflow_m3s - n.outflow_m3s) * dt;
  double d1 = n.new_depth_m;
  for (int iter = 1; iter < MAX_STORAGE_ITERATIONS; ++iter) {
    // The volume the outflow at the current depth leaves, and what overflows.
    double outflow = 0.0;
    for (std::size_t k = position; k < m.sorted_links.size(); ++k) {
      const int link = m.sorted_links[k];
      if (m.net->links[link].from != node) break;
      outflow += link_inflow(m, st, link, dt);
    }
    double v2 = std::max(0.0, fixed - 0.5 * outflow * dt);
    n.overflow_m3s = 0.0;
    if (v2 > p.full_volume_m3) {
      n.overflow_m3s = (v2 - std::max(n.old_volume_m3, p.full_volume_m3)) / dt;
      if (n.overflow_m3s < FUDGE_M3) n.overflow_m3s = 0.0;
      if (!can_pond) v2 = p.full_volume_m3;
    }
    n.new_volume_m3 = v2;
    const double d2 = (1.0 - OMEGA) * d1 + OMEGA * node_depth(m, node, v2);
    n.new_depth_m = d2;
    const bool converged = std::fabs(d2 - d1) <= STORAGE_TOLERANCE_M;
    d1 = d2;
    if (converged) break;
  }
  n.updated = true;
}

/// A node's volume, overflow and depth after the step (SWMM's setNewNodeState).
void set_new_node_state(const RoutingModel& m, RoutingState& st, int node, double dt) {
  if (is_storage(*m.net, node)) {
    if (!st.nodes[node].updated) update_storage(m, st, node, m.sorted_links.size(), dt);
    return;
  }
  NodeState& n = st.nodes[node];
  const NodeParams& p = m.nodes[node];
  n.new_volume_m3 = n.old_volume_m3 + (n.inflow_m3s - n.outflow_m3s) * dt;
  if (n.new_volume_m3 < FUDGE_M3) n.new_volume_m3 = 0.0;
  n.overflow_m3s = 0.0;
  const bool can_pond = m.net->options.allow_ponding && m.net->nodes[node].ponded_area_m2 > 0.0;
  if (n.new_volume_m3 > p.full_volume_m3) {
    n.overflow_m3s = (n.new_volume_m3 - std::max(n.old_volume_m3, p.full_volume_m3)) / dt;
    if (n.overflow_m3s < FUDGE_M3) n.overflow_m3s = 0.0;
    if (!can_pond) n.new_volume_m3 = p.full_volume_m3;
  }
  n.new_depth_m = node_depth(m, node, n.new_volume_m3);
}

/// Raises a node's depth to a link end's water level (SWMM's updateNodeDepth); a flooded node is full.
void raise_node_depth(const RoutingModel& m, RoutingState& st, int node, double y) {
  const DrainageNetwork& net = *m.net;
  if (is_storage(net, node)) return;
  const NodeParams& p = m.nodes[node];
  NodeState& n = st.nodes[node];
  if (net.nodes[node].kind != NodeKind::OUTFALL && p.out_links > 0 && n.overflow_m3s > 0.0) y = p.full_depth_m;
  if (n.new_depth_m < y) n.new_depth_m = p.full_depth_m > 0.0 && y > p.full_depth_m ? p.full_depth_m : y;
}

void set_new_link_state(const RoutingModel& m, RoutingState& st, int link) {
  LinkState& s = st.links[link];
  s.new_depth_m = 0.0;
  s.new_volume_m3 = 0.0;
  const Link& k = m.net->links[link];
  if (k.kind != LinkKind::CONDUIT) return;
  const LinkParams& p = m.links[link];
  s.new_volume_m3 = 0.5 * (s.a1_m2 + s.a2_m2) * p.length_m * k.xsection.barrels;
  const double y1 = p.section.depth_of_area(s.a1_m2), y2 = p.section.depth_of_area(s.a2_m2);
  s.new_depth_m = 0.5 * (y1 + y2);
  raise_node_depth(m, st, k.from, y1 + p.offset1_m);
  raise_node_depth(m, st, k.to, y2 + p.offset2_m);
}

/// Topological order of the links, each node's outlets together (Kahn's algorithm over nodes in file order).
std::vector<int> sort_links(const DrainageNetwork& net) {
  const std::size_t n = net.nodes.size();
  std::vector<int> in_degree(n, 0);
  std::vector<std::vector<int>> out(n);
  for (std::size_t j = 0; j < net.links.size(); ++j) {
    ++in_degree[net.links[j].to];
    out[net.links[j].from].push_back(static_cast<int>(j));
  }
  std::deque<int> ready;
  for (std::size_t i = 0; i < n; ++i)
    if (in_degree[i] == 0) ready.push_back(static_cast<int>(i));
  std::vector<int> sorted;
  while (!ready.empty()) {
    const int i = ready.front();
    ready.pop_front();
    for (int j : out[i]) {
      sorted.push_back(j);
      if (--in_degree[net.links[j].to] == 0) ready.push_back(net.links[j].to);
    }
  }
  if (sorted.size() != net.links.size()) {
    for (std::size_t j = 0; j < net.links.size(); ++j)
      if (std::find(sorted.begin(), sorted.end(), static_cast<int>(j)) == sorted.end())
        refuse(net, net.links[j].line,
               "link '" + net.links[j].id +
                   "' is on a loop, which kinematic wave routing cannot route; break the loop or use dynamic wave");
  }
  return sorted;
}

}  // namespace

RoutingModel make_routing_model(const DrainageNetwork& net, RoutingMethod method) {
  RoutingModel m;
  m.net = &net;
  m.method = method;
  m.links.resize(net.links.size());
  m.nodes.resize(net.nodes.size());
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    const Node& n = net.nodes[i];
    m.nodes[i].full_depth_m = n.max_depth_m;
    if (n.kind == NodeKind::STORAGE && net.storage[n.kind_index].seepage)
      refuse(net, n.line, "[STORAGE] storage unit '" + n.id +
                              "' seeps into the soil, which is not modelled here; remove its seepage parameters");
  }

  // Each link's geometry, offsets and flow constants.
  for (std::size_t j = 0; j < net.links.size(); ++j) {
    const Link& k = net.links[j];
    LinkParams& p = m.links[j];
    const std::string what = "link '" + k.id + "'";
    switch (k.kind) {
      case LinkKind::CONDUIT: {
        const Conduit& c = net.conduits[k.kind_index];
        p.section = make_section(k.xsection, net.units.length_m, net.path, k.id);
        p.length_m = c.length_m;
        p.offset1_m = c.inlet_offset_m;
        p.offset2_m = c.outlet_offset_m;

        // Slope by the drop over the horizontal run, at least the least drop and the least slope.
        const double z1 = net.nodes[k.from].invert_m + p.offset1_m, z2 = net.nodes[k.to].invert_m + p.offset2_m;
        const double drop = std::max(std::fabs(z1 - z2), MIN_DELTA_Z_M);
        double slope = drop >= c.length_m ? drop / c.length_m : drop / std::sqrt(c.length_m * c.length_m - drop * drop);
        const double min_slope = net.options.min_slope;
        if (min_slope > 0.0 && slope < min_slope) slope = min_slope;
        else if (z1 < z2)
          refuse(net, k.line, "[CONDUITS] conduit '" + k.id +
                                  "' slopes uphill, which kinematic wave routing cannot route; reverse it or use "
                                  "dynamic wave");
        if (!(c.roughness > 0.0)) refuse(net, k.line, "[CONDUITS] conduit '" + k.id + "' needs a roughness above 0");
        p.beta = MANNING * std::sqrt(slope) / c.roughness;
        p.q_full_m3s = p.section.s_full * p.beta;
        p.q_max_m3s = p.section.s_max * p.beta;
        break;
      }
      case LinkKind::ORIFICE:
      case LinkKind::WEIR:
      case LinkKind::OUTLET:
        p.regulator = make_regulator_params(net, static_cast<int>(j), net.options.routing_step_s);
        p.section = p.regulator.section;
        p.offset1_m = p.offset2_m = p.regulator.crest_offset_m;
        break;
      case LinkKind::PUMP:
        if (const int c = net.pumps[k.kind_index].curve; c >= 0 && net.curves[c].type != CurveType::PUMP4)
          refuse(net, k.line, "[PUMPS] " + what + ": only PUMP4 curves (flow by inlet depth) and ideal pumps (*) are "
                                                  "modelled here; give it a PUMP4 curve or none");
        break;
    }

    // A regulator must leave a storage unit; nodes rise to the crowns of their links (not storage units).
    const bool regulator = k.kind == LinkKind::ORIFICE || k.kind == LinkKind::WEIR || k.kind == LinkKind::OUTLET;
    if (regulator && !is_storage(net, k.from))
      refuse(net, k.line, what + " is a regulator that does not leave a storage unit, which kinematic wave routing "
                                 "cannot route; put a storage unit upstream of it or use dynamic wave");
    ++m.nodes[k.from].out_links;
    const bool bottom_orifice = k.kind == LinkKind::ORIFICE && net.orifices[k.kind_index].type == OrificeType::BOTTOM;
    if (k.kind == LinkKind::PUMP || bottom_orifice) continue;
    auto raise = [&](int node, double crown) {
      const Node& n = net.nodes[node];
      if (n.kind != NodeKind::STORAGE || n.surcharge_depth_m > 0.0)
        m.nodes[node].full_depth_m = std::max(m.nodes[node].full_depth_m, crown);
    };
    raise(k.from, p.offset1_m + p.section.y_full_m);
    if (k.kind == LinkKind::CONDUIT) raise(k.to, p.offset2_m + p.section.y_full_m);
  }

  // The tree layout kinematic wave needs.
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    const Node& n = net.nodes[i];
    if (n.kind == NodeKind::OUTFALL && m.nodes[i].out_links > 0)
      refuse(net, n.line, "outfall '" + n.id + "' has a link leaving it; an outfall must be the end of the system");
    if (n.kind == NodeKind::JUNCTION && m.nodes[i].out_links > 1)
      refuse(net, n.line, "junction '" + n.id +
                              "' has more than one outlet link, which kinematic wave routing cannot route; keep one "
                              "or use dynamic wave");
  }
  m.sorted_links = sort_links(net);
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    if (is_storage(net, static_cast<int>(i)))
      m.nodes[i].full_volume_m3 = storage_volume(m, static_cast<int>(i), m.nodes[i].full_depth_m);
  return m;
}

RoutingState initial_routing_state(const RoutingModel& model) {
  const DrainageNetwork& net = *model.net;
  RoutingState st;
  st.nodes.resize(net.nodes.size());
  st.links.resize(net.links.size());
  st.flooded_m3.assign(net.nodes.size(), 0.0);
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    NodeState& n = st.nodes[i];
    n.old_depth_m = n.new_depth_m = net.nodes[i].initial_depth_m;
    n.old_volume_m3 = n.new_volume_m3 = node_volume(model, static_cast<int>(i), n.new_depth_m);
  }

  for (std::size_t j = 0; j < net.links.size(); ++j)
    if (net.links[j].kind == LinkKind::PUMP) st.links[j].setting = net.pumps[net.links[j].kind_index].initially_on;

  // Conduits carry their initial flows at normal depth.
  for (std::size_t j = 0; j < net.links.size(); ++j) {
    const Link& k = net.links[j];
    if (k.kind != LinkKind::CONDUIT) continue;
    const double q0 = net.conduits[k.kind_index].initial_flow_m3s;
    if (q0 == 0.0) continue;
    LinkState& s = st.links[j];
    const LinkParams& p = model.links[j];
    s.old_flow_m3s = s.new_flow_m3s = q0;
    s.q1_m3s = s.q2_m3s = q0 / k.xsection.barrels;
    s.a1_m2 = s.a2_m2 = p.section.area_of_section_factor(std::min(s.q1_m3s, p.q_max_m3s) / p.beta);
    s.old_volume_m3 = s.new_volume_m3 = s.a1_m2 * p.length_m * k.xsection.barrels;
    st.nodes[k.from].outflow_m3s += q0;
    st.nodes[k.to].inflow_m3s += q0;
  }
  st.totals.initial_storage_m3 = routed_storage_m3(model, st);
  return st;
}

void routing_step(const RoutingModel& model, RoutingState& st, const std::vector<double>& lateral_m3s,
                  double dt) {
  const DrainageNetwork& net = *model.net;

  // The old state becomes the new one's start; nodes take their lateral inflows.
  for (LinkState& s : st.links) {
    s.old_flow_m3s = s.new_flow_m3s;
    s.old_depth_m = s.new_depth_m;
    s.old_volume_m3 = s.new_volume_m3;
  }
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    NodeState& n = st.nodes[i];
    n.old_lateral_m3s = n.new_lateral_m3s;
    n.new_lateral_m3s = lateral_m3s[i];
    st.totals.lateral_inflow_m3 += n.new_lateral_m3s * dt;
    n.old_depth_m = n.new_depth_m;
    n.old_volume_m3 = n.new_volume_m3;
    n.old_net_inflow_m3s = n.inflow_m3s - n.outflow_m3s;
    n.inflow_m3s = n.new_lateral_m3s;
    n.outflow_m3s = 0.0;
    n.updated = false;
    n.overflow_m3s = 0.0;
    if (!is_storage(net, static_cast<int>(i)) && n.new_volume_m3 > model.nodes[i].full_volume_m3)
      n.overflow_m3s = (n.new_volume_m3 - model.nodes[i].full_volume_m3) / dt;
  }

  // Each link from upstream to downstream: a storage unit upstream is updated first.
  for (std::size_t position = 0; position < model.sorted_links.size(); ++position) {
    const int j = model.sorted_links[position];
    const Link& k = net.links[j];
    if (is_storage(net, k.from)) update_storage(model, st, k.from, position, dt);
    double qin = link_inflow(model, st, j, dt), qout = qin;
    if (k.kind == LinkKind::CONDUIT)
      qout = model.method == RoutingMethod::KINWAVE ? kinematic_wave(model, st, j, qin, dt)
                                                     : steady_flow(model, st, j, qin);
    st.links[j].new_flow_m3s = qout;
    st.nodes[k.from].outflow_m3s += qin;
    st.nodes[k.to].inflow_m3s += qout;
  }
  for (std::size_t i = 0; i < net.nodes.size(); ++i) set_new_node_state(model, st, static_cast<int>(i), dt);
  for (std::size_t j = 0; j < net.links.size(); ++j) set_new_link_state(model, st, static_cast<int>(j));

  // What leaves the system: outfalls and terminal nodes, and flooding.
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    NodeState& n = st.nodes[i];
    const bool terminal = net.nodes[i].kind == NodeKind::OUTFALL ||
                          (model.nodes[i].out_links == 0 && !is_storage(net, static_cast<int>(i)));
    if (terminal) {
      if (n.outflow_m3s == 0.0) st.totals.outfall_outflow_m3 += n.inflow_m3s * dt;
      n.overflow_m3s = 0.0;
      n.new_volume_m3 = 0.0;
    } else if (n.new_volume_m3 <= model.nodes[i].full_volume_m3 && n.overflow_m3s > 0.0) {
      st.totals.flooding_m3 += n.overflow_m3s * dt;
      st.flooded_m3[i] += n.overflow_m3s * dt;
    }
  }
}

double routed_storage_m3(const RoutingModel& model, const RoutingState& st) {
  (void)model;
  double v = 0.0;
  for (const NodeState& n : st.nodes) v += n.new_volume_m3;
  for (const LinkState& s : st.links) v += s.new_volume_m3;
  return v;
}

}  // namespace citytwin::models::drainage
