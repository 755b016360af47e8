// SWMM 5.2's dynamic wave routing (its dynwave.c, dwflow.c, and what they use of flowrout.c, link.c, node.c and
// xsect.c), in SI: SWMM's constants, given in feet, are converted where they are defined.
#include "models/drainage/DynamicWave.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "models/drainage/Culvert.hpp"
#include "models/drainage/ExternalInflow.hpp"
#include "models/drainage/Runoff.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::models::drainage {

namespace {

constexpr double FT = 0.3048;
const double MANNING = 1.486 * std::cbrt(FT);            // SWMM's PHI for metres
constexpr double GRAVITY = 32.2 * FT;                    // SWMM's g, m/s²
constexpr double FUDGE_M = 0.0001 * FT;                  // SWMM's FUDGE as a depth
constexpr double FUDGE_M2 = 0.0001 * FT * FT;            // ... as an area
constexpr double FUDGE_M3S = 0.0001 * FT * FT * FT;      // ... as a flow
constexpr double FUDGE_M_PER_S = 0.0001 * FT;            // ... as a rate of depth change
constexpr double MIN_DELTA_Z_M = 0.001 * FT;             // least drop along a conduit
constexpr double MAX_VELOCITY_M_PER_S = 50.0 * FT;
constexpr double OMEGA = 0.5;                            // under-relaxation of trials
constexpr double DEFAULT_SURFACE_AREA_M2 = 12.566 * FT * FT;
constexpr double DEFAULT_HEAD_TOLERANCE_M = 0.005 * FT;
constexpr double MIN_TIME_STEP_S = 0.001;
constexpr double PI = 3.141592654;


[[noreturn]] void refuse(const DrainageNetwork& net, int line, const std::string& what) {
  throw UnsupportedRouting(net.path + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " + what +
                           " under dynamic wave routing is not modelled here; run it with kinematic wave");
}

// ---- Cross-section helpers of dynamic wave (SWMM's dwflow.c and xsect.c) --------------------------------------

/// Width of the Preissmann slot at depth y (0 unless the SLOT method applies to a closed section that high).
double slot_width(const DynamicWaveModel& m, const WaveLinkParams& p, double y) {
  const double y_norm = y / p.section.y_full_m;
  if (!m.slot || p.open || y_norm < m.crown_cutoff) return 0.0;
  if (y_norm > 1.78) return 0.01 * p.section.w_max_m;
  return p.section.w_max_m * 0.5423 * std::exp(-std::pow(y_norm, 2.4));
}

double top_width(const DynamicWaveModel& m, const WaveLinkParams& p, double y) {
  const double w_slot = slot_width(m, p, y);
  if (w_slot > 0.0) return w_slot;
  if (y / p.section.y_full_m >= m.crown_cutoff && !p.open) y = m.crown_cutoff * p.section.y_full_m;
  return p.section.width_of_depth(y);
}

double flow_area(const WaveLinkParams& p, double y, double w_slot) {
  if (y >= p.section.y_full_m) return p.section.a_full_m2 + (y - p.section.y_full_m) * w_slot;
  return p.section.area_of_depth(y);
}

double flow_radius(const WaveLinkParams& p, double y) {
  return y >= p.section.y_full_m ? p.section.r_full_m : p.section.hydraulic_radius_of_depth(y);
}

double normal_depth(const WaveLinkParams& p, double q) {
  q = std::fabs(q);
  if (q > p.q_max_m3s) q = p.q_max_m3s;
  if (q <= 0.0) return 0.0;
  return p.section.depth_of_area(p.section.area_of_section_factor(q / p.beta));
}

/// Flow at critical depth y: A·√(g·A/W).
double critical_flow(const SectionGeometry& g, double y) {
  const double a = g.area_of_depth(y), w = g.width_of_depth(y);
  return w > 0.0 ? a * std::sqrt(GRAVITY * a / w) : 0.0;
}

/// Critical depth of flow q (SWMM's xsect_getYcrit): analytical for rectangles and triangles, else by SWMM's interval
/// enumeration for shapes near a circle's area and by root finding otherwise.
double critical_depth(const SectionGeometry& g, double q) {
  const double q2g = q * q / GRAVITY;
  if (q2g == 0.0) return 0.0;
  double y = 0.0;
  switch (g.shape) {
    case SectionShape::RECT_OPEN:
    case SectionShape::RECT_CLOSED: y = std::cbrt(q2g / (g.w_max_m * g.w_max_m)); break;
    case SectionShape::TRIANGULAR: y = std::pow(2.0 * q2g / (g.s_bot * g.s_bot), 0.2); break;
    case SectionShape::PARABOLIC: y = std::pow(27.0 / 32.0 * q2g / (g.r_bot * g.r_bot), 0.25); break;
    default: {
      y = 1.01 * std::pow(q2g / g.y_full_m, 0.25);
      if (y >= g.y_full_m) y = 0.97 * g.y_full_m;
      const double ratio = g.a_full_m2 / (PI / 4.0 * g.y_full_m * g.y_full_m);
      if (ratio >= 0.5 && ratio <= 2.0) {
        // Enumerate 25 depth increments from the estimate, interpolating in the one that holds q.
        const double dy = g.y_full_m / 25.0;
        const int i1 = static_cast<int>(y / dy);
        double q0 = critical_flow(g, i1 * dy);
        if (q0 < q) {
          y = g.y_full_m;
          for (int i = i1 + 1; i <= 25; ++i) {
            const double qc = critical_flow(g, i * dy);
            if (qc >= q) {
              y = ((q - q0) / (qc - q0) + (i - 1)) * dy;
              break;
            }
            q0 = qc;
          }
        } else {
          y = 0.0;
          for (int i = i1 - 1; i >= 0; --i) {
            const double qc = critical_flow(g, i * dy);
            if (qc < q) {
              y = ((q - qc) / (q0 - qc) + i) * dy;
              break;
            }
            q0 = qc;
          }
        }
      } else {
        // Bracket q between empty and 99 % full, then bisect to 0.001 ft.
        double hi = 0.99 * g.y_full_m, lo = 0.0;
        if (critical_flow(g, hi) < q) return g.y_full_m;
        while (hi - lo > 0.0005 * FT) {
          const double mid = 0.5 * (lo + hi);
          if (critical_flow(g, mid) < q) lo = mid;
          else hi = mid;
        }
        y = 0.5 * (lo + hi);
      }
    }
  }
  return std::min(y, g.y_full_m);
}

double froude_number(const WaveLinkParams& p, double v, double y) {
  if (y <= FUDGE_M) return 0.0;
  if (!p.open && p.section.y_full_m - y <= FUDGE_M) return 0.0;
  const double w = p.section.width_of_depth(y);
  if (w <= 0.0) return 0.0;
  return std::fabs(v) / std::sqrt(GRAVITY * p.section.area_of_depth(y) / w);
}

bool is_outfall(const DrainageNetwork& net, int node) { return net.nodes[node].kind == NodeKind::OUTFALL; }

// ---- Outfalls (SWMM's link_setOutfallDepth and outfall_setOutletDepth) -----------------------------------------

void set_outfall_depth(const DynamicWaveModel& m, DynamicWaveState& st, int link) {
  const DrainageNetwork& net = *m.net;
  const Link& k = net.links[link];
  const WaveLinkParams& p = m.links[link];
  int n;
  double z;
  if (is_outfall(net, k.to)) {
    n = k.to;
    z = p.offset2_m;
  } else if (is_outfall(net, k.from)) {
    n = k.from;
    z = p.offset1_m;
  } else {
    return;
  }
  // A pump or regulator gives its outfall no normal or critical depth.
  const double q = std::fabs(st.links[link].new_flow_m3s / p.barrels);
  const bool conduit = p.kind == LinkKind::CONDUIT;
  const double y_norm = conduit ? normal_depth(p, q) : 0.0, y_crit_raw = conduit ? critical_depth(p.section, q) : 0.0;
  const Outfall& o = net.outfalls[net.nodes[n].kind_index];
  double& depth = st.nodes[n].new_depth_m;
  switch (o.type) {
    case OutfallType::FREE: depth = z > 0.0 ? 0.0 : std::min(y_norm, y_crit_raw); return;
    case OutfallType::NORMAL: depth = z > 0.0 ? 0.0 : y_norm; return;
    default: break;
  }
  // A fixed stage: it sets the depth unless it lies below the critical (or normal) depth in the conduit.
  const double invert = net.nodes[n].invert_m, stage = o.fixed_stage_m;
  const double y_crit = std::min(y_crit_raw, y_norm);
  if (y_crit + z + invert < stage) depth = stage - invert;
  else if (z > 0.0) depth = stage < invert + z ? std::max(0.0, stage - invert) : z + y_crit;
  else depth = y_crit;
}

// ---- Conduit momentum (SWMM's dwflow_findConduitFlow) -----------------------------------------------------------

FlowClass flow_class(const DynamicWaveModel& m, const DynamicWaveState& st, int link, double q, double h1, double h2,
                     double y1, double y2, double& y_crit, double& y_norm, double& fasnh) {
  const DrainageNetwork& net = *m.net;
  const Link& k = net.links[link];
  const WaveLinkParams& p = m.links[link];
  double z1 = p.offset1_m, z2 = p.offset2_m;
  if (is_outfall(net, k.from)) z1 = std::max(0.0, z1 - st.nodes[k.from].new_depth_m);
  if (is_outfall(net, k.to)) z2 = std::max(0.0, z2 - st.nodes[k.to].new_depth_m);
  fasnh = 1.0;
  auto depths = [&] {
    y_norm = normal_depth(p, std::fabs(q));
    y_crit = critical_depth(p.section, std::fabs(q));
  };
  if (y1 > FUDGE_M && y2 > FUDGE_M) {
    if (q < 0.0) {
      // Reverse flow: the upstream end is critical below an upstream offset.
      if (z1 > 0.0) {
        depths();
        if (y1 < std::min(y_norm, y_crit)) return FlowClass::UP_CRITICAL;
      }
    } else if (z2 > 0.0) {
      // The downstream end is at the smaller of critical and normal depth over a downstream offset.
      depths();
      const double lo = std::min(y_norm, y_crit), hi = std::max(y_norm, y_crit);
      if (y2 < lo) return FlowClass::DN_CRITICAL;
      if (y2 < hi) fasnh = hi - lo < FUDGE_M ? 0.0 : (hi - y2) / (hi - lo);
    }
    return FlowClass::SUBCRITICAL;
  }
  if (y1 <= FUDGE_M && y2 <= FUDGE_M) return FlowClass::DRY;
  const double invert1 = net.nodes[k.from].invert_m + p.offset1_m, invert2 = net.nodes[k.to].invert_m + p.offset2_m;
  if (y2 > FUDGE_M) {
    if (h2 < invert1) return FlowClass::UP_DRY;
    if (z1 > 0.0) {
      depths();
      return FlowClass::UP_CRITICAL;
    }
    return FlowClass::SUBCRITICAL;
  }
  if (h1 < invert2) return FlowClass::DN_DRY;
  if (z2 > 0.0) {
    depths();
    return FlowClass::DN_CRITICAL;
  }
  return FlowClass::SUBCRITICAL;
}

/// Classifies the flow and gives each end node its share of the conduit's surface (SWMM's findSurfArea); may set the
/// end depths and heads to critical depth.
void find_surface_area(const DynamicWaveModel& m, DynamicWaveState& st, int link, double q, double& h1, double& h2,
                       double& y1, double& y2) {
  const DrainageNetwork& net = *m.net;
  const Link& k = net.links[link];
  const WaveLinkParams& p = m.links[link];
  WaveLinkState& s = st.links[link];
  const double length = p.length_m;
  double d1 = y1, d2 = y2, y_norm = 0.5 * (d1 + d2), y_crit = y_norm, fasnh = 1.0;
  const double full = p.section.y_full_m;
  s.flow_class = d1 >= full && d2 >= full ? FlowClass::SUBCRITICAL
                                          : flow_class(m, st, link, q, h1, h2, y1, y2, y_crit, y_norm, fasnh);
  double area1 = 0.0, area2 = 0.0;
  auto mid = [&] { return std::max(0.5 * (d1 + d2), FUDGE_M); };
  switch (s.flow_class) {
    case FlowClass::SUBCRITICAL:
    case FlowClass::SUPERCRITICAL: {
      const double w1 = top_width(m, p, d1), w2 = top_width(m, p, d2), wm = top_width(m, p, mid());
      area1 = (w1 + wm) * length / 4.0;
      area2 = (wm + w2) * length / 4.0 * fasnh;
      break;
    }
    case FlowClass::UP_CRITICAL: {
      d1 = std::max(y_norm < y_crit ? y_norm : y_crit, FUDGE_M);
      h1 = net.nodes[k.from].invert_m + p.offset1_m + d1;
      const double w2 = top_width(m, p, d2), wm = top_width(m, p, mid());
      area2 = (wm + w2) * length * 0.5;
      break;
    }
    case FlowClass::DN_CRITICAL: {
      d2 = std::max(y_norm < y_crit ? y_norm : y_crit, FUDGE_M);
      h2 = net.nodes[k.to].invert_m + p.offset2_m + d2;
      const double w1 = top_width(m, p, d1), wm = top_width(m, p, mid());
      area1 = (w1 + wm) * length * 0.5;
      break;
    }
    case FlowClass::UP_DRY: {
      d1 = FUDGE_M;
      const double w1 = top_width(m, p, d1), w2 = top_width(m, p, d2), wm = top_width(m, p, mid());
      area2 = (wm + w2) * length / 4.0;
      if (p.offset1_m <= 0.0) area1 = (w1 + wm) * length / 4.0;
      break;
    }
    case FlowClass::DN_DRY: {
      d2 = FUDGE_M;
      const double w1 = top_width(m, p, d1), w2 = top_width(m, p, d2), wm = top_width(m, p, mid());
      area1 = (wm + w1) * length / 4.0;
      if (p.offset2_m <= 0.0) area2 = (w2 + wm) * length / 4.0;
      break;
    }
    case FlowClass::DRY:
      area1 = FUDGE_M * length / 2.0;
      area2 = area1;
      break;
  }
  s.surface_area1_m2 = area1;
  s.surface_area2_m2 = area2;
  y1 = d1;
  y2 = d2;
}

/// Replaces the dynamic flow by normal flow where the water surface slopes less than the invert or the upstream
/// Froude number reaches 1 (SWMM's checkNormalFlow).
double check_normal_flow(const DynamicWaveModel& m, int link, double q, double y1, double y2, double a1, double r1) {
  const DrainageNetwork& net = *m.net;
  const Link& k = net.links[link];
  const WaveLinkParams& p = m.links[link];
  const NormalFlowLimited rule = net.options.normal_flow_limited;
  const bool has_outfall = is_outfall(net, k.from) || is_outfall(net, k.to);
  bool check = false;
  if (rule == NormalFlowLimited::SLOPE || rule == NormalFlowLimited::BOTH || has_outfall) check = y1 < y2;
  if (!check && (rule == NormalFlowLimited::FROUDE || rule == NormalFlowLimited::BOTH) && !has_outfall &&
      y1 > FUDGE_M && y2 > FUDGE_M)
    check = froude_number(p, q / a1, y1) >= 1.0;
  if (check) {
    const double q_norm = p.beta * a1 * std::pow(r1, 2.0 / 3.0);
    if (q_norm < q) return q_norm;
  }
  return q;
}

/// A flap gate at an outfall stops flow back out of it.
bool flap_gate_closed(const DrainageNetwork& net, int link, double q) {
  const Link& k = net.links[link];
  auto gated = [&](int n) { return is_outfall(net, n) && net.outfalls[net.nodes[n].kind_index].flap_gate; };
  return (q < 0.0 && gated(k.to)) || (q > 0.0 && gated(k.from));
}

void conduit_flow(const DynamicWaveModel& m, DynamicWaveState& st, int link, int steps, double dt) {
  const DrainageNetwork& net = *m.net;
  const Link& k = net.links[link];
  const WaveLinkParams& p = m.links[link];
  const SectionGeometry& g = p.section;
  WaveLinkState& s = st.links[link];
  const double barrels = p.barrels;
  const double q_old = s.old_flow_m3s / barrels, q_last = s.q1_m3s;

  // Heads and depths at both ends, the depths within the conduit unless it has a slot.
  const int n1 = k.from, n2 = k.to;
  const double z1 = net.nodes[n1].invert_m + p.offset1_m, z2 = net.nodes[n2].invert_m + p.offset2_m;
  double h1 = std::max(st.nodes[n1].new_depth_m + net.nodes[n1].invert_m, z1);
  double h2 = std::max(st.nodes[n2].new_depth_m + net.nodes[n2].invert_m, z2);
  double y1 = std::max(h1 - z1, FUDGE_M), y2 = std::max(h2 - z2, FUDGE_M);
  if (!m.slot) {
    y1 = std::min(y1, g.y_full_m);
    y2 = std::min(y2, g.y_full_m);
  }
  const double a_old = std::max(s.a2_m2, FUDGE_M2), length = p.length_m;

  // Surface areas for the end nodes from the last trial's flow; areas at the ends and the middle.
  find_surface_area(m, st, link, q_last, h1, h2, y1, y2);
  const double a1 = flow_area(p, y1, slot_width(m, p, y1)), r1 = flow_radius(p, y1);
  const double a2 = flow_area(p, y2, slot_width(m, p, y2));
  const double y_mid = 0.5 * (y1 + y2);
  double a_mid = flow_area(p, y_mid, slot_width(m, p, y_mid));
  const double r_mid = flow_radius(p, y_mid);
  const bool full = y1 >= g.y_full_m && y2 >= g.y_full_m;

  // A dry conduit carries nothing.
  if (s.flow_class == FlowClass::DRY || s.flow_class == FlowClass::UP_DRY || s.flow_class == FlowClass::DN_DRY ||
      a_mid <= FUDGE_M2) {
    s.a1_m2 = 0.5 * (a1 + a2);
    s.q1_m3s = 0.0;
    s.dqdh_m2s = GRAVITY * dt * a_mid / length * barrels;
    s.froude = 0.0;
    s.new_depth_m = std::min(y_mid, g.y_full_m);
    s.new_volume_m3 = s.a1_m2 * length * barrels;
    s.new_flow_m3s = 0.0;
    return;
  }

  // Velocity, Froude number and the inertial damping it calls for.
  double v = q_last / a_mid;
  if (std::fabs(v) > MAX_VELOCITY_M_PER_S) v = MAX_VELOCITY_M_PER_S * (q_last < 0.0 ? -1.0 : 1.0);
  s.froude = froude_number(p, v, y_mid);
  if (s.flow_class == FlowClass::SUBCRITICAL && s.froude > 1.0) s.flow_class = FlowClass::SUPERCRITICAL;
  double sigma = s.froude <= 0.5 ? 1.0 : (s.froude >= 1.0 ? 0.0 : 2.0 * (1.0 - s.froude));

  // Upstream-weighted area and hydraulic radius.
  const double rho = !full && q_last > 0.0 && h1 >= h2 ? sigma : 1.0;
  const double a_wtd = a1 + (a_mid - a1) * rho, r_wtd = r1 + (r_mid - r1) * rho;
  const InertialDamping damping = net.options.inertial_damping;
  if (damping == InertialDamping::NONE) sigma = 1.0;
  else if (damping == InertialDamping::FULL) sigma = 0.0;
  if (full && !p.open) sigma = 0.0;

  // The momentum equation's terms: friction, water surface slope, inertia.
  const double dq1 = dt * p.rough_factor / std::pow(r_wtd, 1.33333) * std::fabs(v);
  const double dq2 = dt * GRAVITY * a_wtd * (h2 - h1) / length;
  double dq3 = 0.0, dq4 = 0.0;
  if (sigma > 0.0) {
    dq3 = 2.0 * v * (a_mid - a_old) * sigma;
    dq4 = dt * v * v * (a2 - a1) / length * sigma;
  }
  const double denom = 1.0 + dq1;
  double q = (q_old - dq2 + dq3 + dq4) / denom;
  s.dqdh_m2s = 1.0 / denom * GRAVITY * dt * a_wtd / length * barrels;

  // A culvert's inlet may pass less (its dQ/dH then the inlet's, for one barrel, as SWMM keeps it); other conduits
  // are limited to normal flow.
  if (q > 0.0) {
    if (p.culvert_code > 0 && !full) {
      const double y_inlet = h1 - (net.nodes[n1].invert_m + p.offset1_m);
      const CulvertInflow c = culvert_inflow(p.culvert_code, g, p.slope, y_inlet, q);
      q = c.q_m3s;
      if (c.controlled) s.dqdh_m2s = c.dqdh_m2s;
    } else if (y1 < g.y_full_m &&
               (s.flow_class == FlowClass::SUBCRITICAL || s.flow_class == FlowClass::SUPERCRITICAL)) {
      q = check_normal_flow(m, link, q, y1, y2, a1, r1);
    }
  }

  // Under-relaxation against the last trial; no reversal without passing through zero.
  if (steps > 0) {
    q = (1.0 - OMEGA) * q_last + OMEGA * q;
    if (q * q_last < 0.0) q = 0.001 * FT * FT * FT * (q < 0.0 ? -1.0 : 1.0);
  }
  const double limit = net.conduits[k.kind_index].max_flow_m3s;
  if (limit > 0.0 && std::fabs(q) > limit) q = (q < 0.0 ? -1.0 : 1.0) * limit;
  if (flap_gate_closed(net, link, q)) q = 0.0;

  // No flow out of a dry node.
  if (q > FUDGE_M3S && st.nodes[n1].new_depth_m <= FUDGE_M) q = FUDGE_M3S;
  if (q < -FUDGE_M3S && st.nodes[n2].new_depth_m <= FUDGE_M) q = -FUDGE_M3S;

  s.a1_m2 = a_mid;
  s.q1_m3s = q;
  s.new_depth_m = std::min(y_mid, g.y_full_m);
  a_mid = 0.5 * (a1 + a2);
  s.new_volume_m3 = a_mid * length * barrels;
  s.new_flow_m3s = q * barrels;
}

// ---- Node continuity (SWMM's findNodeDepths, setNodeDepth) ------------------------------------------------------

const Storage& storage_of(const DynamicWaveModel& m, int node) {
  return m.net->storage[m.net->nodes[node].kind_index];
}

/// Water a node holds at depth d, m³: a storage unit's; junctions hold none.
double node_volume(const DynamicWaveModel& m, int node, double d) {
  const WaveNodeParams& p = m.nodes[node];
  return p.storage ? storage_volume_m3(*m.net, storage_of(m, node), d, p.full_depth_m, p.full_volume_m3) : 0.0;
}

double node_surface_area(const DynamicWaveModel& m, const DynamicWaveState& st, int node) {
  // A storage unit has its own surface, junctions and outfalls none; a ponded node has its ponded area.
  const WaveNodeParams& p = m.nodes[node];
  const double d = st.nodes[node].new_depth_m;
  if (m.net->options.allow_ponding && d > p.full_depth_m && p.ponded_area_m2 > 0.0) return p.ponded_area_m2;
  return p.storage ? storage_surface_area_m2(*m.net, storage_of(m, node), d) : 0.0;
}

void set_node_depth(const DynamicWaveModel& m, DynamicWaveState& st, int node, int steps, double dt) {
  const WaveNodeParams& p = m.nodes[node];
  WaveNodeState& n = st.nodes[node];
  const bool can_pond = m.net->options.allow_ponding && p.ponded_area_m2 > 0.0;
  const bool ponded = can_pond && n.new_depth_m > p.full_depth_m;
  const double y_crown = p.crown_depth_m, y_old = n.old_depth_m, y_last = n.new_depth_m;
  n.overflow_m3s = 0.0;
  const double area = std::max(n.new_surface_area_m2, m.min_surface_area_m2);

  // Net inflow volume over the step, averaged with the last step's.
  const double dq = n.inflow_m3s - n.outflow_m3s;
  const double dv = 0.5 * (n.old_net_inflow_m3s + dq) * dt;
  // EXTRAN surcharge: above the crown of the node's highest link, or, for a storage unit that can surcharge, above
  // its full depth.
  bool surcharged = false;
  if (!m.slot && !ponded)
    surcharged = p.storage ? p.surcharge_depth_m > 0.0 && y_last > p.full_depth_m : y_crown > 0.0 && y_last > y_crown;

  double y_new;
  if (!surcharged || (p.storage && n.sum_dqdh_m2s == 0.0)) {
    // Free surface: the depth changes by the volume over the surface area.
    y_new = y_old + dv / area;
    if (!ponded) n.old_surface_area_m2 = area;
    if (steps > 0) y_new = (1.0 - OMEGA) * y_last + OMEGA * y_new;
    if (ponded && y_new < p.full_depth_m) y_new = p.full_depth_m - FUDGE_M;
  } else {
    // Surcharged: the head changes by the flow imbalance over Σ dQ/dH, eased in near the crown.
    const double corr = p.degree < 0 ? 0.6 : 1.0;
    double denom = n.sum_dqdh_m2s;
    if (y_last < 1.25 * y_crown) {
      const double f = (y_last - y_crown) / y_crown;
      denom += (n.old_surface_area_m2 / dt - n.sum_dqdh_m2s) * std::exp(-15.0 * f);
    }
    const double dy = denom == 0.0 ? 0.0 : corr * dq / denom;
    y_new = y_last + dy;
    if (y_new < y_crown) y_new = y_crown - FUDGE_M;
    if (can_pond && y_new > p.full_depth_m) y_new = p.full_depth_m + FUDGE_M;
  }
  if (y_new < 0.0) y_new = 0.0;

  // Above the greatest depth the node floods: the excess leaves (or ponds).
  double y_max = p.full_depth_m;
  if (!can_pond) y_max += p.surcharge_depth_m;
  if (y_new > y_max) {
    if (!can_pond) {
      n.overflow_m3s = dv / dt;
      n.new_volume_m3 = p.full_volume_m3;
      y_new = y_max;
    } else {
      n.new_volume_m3 = std::max(n.old_volume_m3 + dv, p.full_volume_m3);
      n.overflow_m3s = (n.new_volume_m3 - std::max(n.old_volume_m3, p.full_volume_m3)) / dt;
    }
    if (n.overflow_m3s < FUDGE_M3S) n.overflow_m3s = 0.0;
  } else {
    n.new_volume_m3 = node_volume(m, node, y_new);
  }
  n.dydt_m_per_s = std::fabs(y_new - y_old) / dt;
  n.new_depth_m = y_new;
}

void add_link_to_nodes(const DynamicWaveModel& m, DynamicWaveState& st, int link) {
  const Link& k = m.net->links[link];
  const WaveLinkState& s = st.links[link];
  const double q = s.new_flow_m3s;
  if (q >= 0.0) {
    st.nodes[k.from].outflow_m3s += q;
    st.nodes[k.to].inflow_m3s += q;
  } else {
    st.nodes[k.from].inflow_m3s -= q;
    st.nodes[k.to].outflow_m3s -= q;
  }
  const double barrels = m.links[link].barrels;
  st.nodes[k.from].new_surface_area_m2 += s.surface_area1_m2 * barrels;
  st.nodes[k.to].new_surface_area_m2 += s.surface_area2_m2 * barrels;
  // A PUMP4 pump's flow depends on its inlet's depth only.
  st.nodes[k.from].sum_dqdh_m2s += s.dqdh_m2s;
  const bool pump4 = k.kind == LinkKind::PUMP && m.net->pumps[k.kind_index].curve >= 0;
  if (!pump4) st.nodes[k.to].sum_dqdh_m2s += s.dqdh_m2s;
}

// ---- Pumps and regulators (SWMM's findNonConduitFlow, pump_getInflow, getModPumpFlow) -----------------------------

/// A pump's flow by its setting: an ideal pump passes what reaches its inlet, a PUMP4 pump its curve's flow at the
/// inlet depth (with dQ/dH by a 0.001 ft difference); no more than the inlet can give over the step.
double pump_flow(const DynamicWaveModel& m, DynamicWaveState& st, int link, double dt) {
  const DrainageNetwork& net = *m.net;
  const Link& k = net.links[link];
  WaveLinkState& s = st.links[link];
  WaveNodeState& inlet = st.nodes[k.from];
  s.flow_class = FlowClass::DRY;
  if (s.setting == 0.0) return 0.0;
  const int curve = net.pumps[k.kind_index].curve;
  double q;
  if (curve < 0) {
    q = inlet.inflow_m3s + inlet.overflow_m3s;
  } else {
    constexpr double DH_M = 0.001 * FT;
    const Curve& c = net.curves[curve];
    q = curve_value(c, inlet.new_depth_m);
    s.dqdh_m2s = (curve_value(c, inlet.new_depth_m + DH_M) - q) / DH_M;
  }
  q = std::max(q, 0.0) * s.setting;
  if (q == 0.0) return q;

  // A storage unit cannot give more than it holds and receives; a junction's pump falls back to its inflow where it
  // would empty it.
  const WaveNodeParams& p = m.nodes[k.from];
  if (p.storage) {
    if (p.full_volume_m3 > 0.0) q = std::min(q, inlet.inflow_m3s + inlet.old_volume_m3 / dt);
    return std::max(q, 0.0);
  }
  if (curve >= 0) {
    const double net_inflow = inlet.inflow_m3s - inlet.outflow_m3s - q;
    const double volume = 0.5 * (inlet.old_net_inflow_m3s + net_inflow) * dt;
    const double area = inlet.new_surface_area_m2;
    const bool empties = area > 0.0 ? inlet.old_depth_m + volume / area <= 0.0 : volume < 0.0;
    if (empties) return inlet.inflow_m3s;
  }
  return q;
}

/// A pump's or regulator's flow in this trial, its dQ/dH, and the surface an orifice gives its end nodes.
void non_conduit_flow(const DynamicWaveModel& m, DynamicWaveState& st, int link, int steps, double dt) {
  const DrainageNetwork& net = *m.net;
  const Link& k = net.links[link];
  const WaveLinkParams& p = m.links[link];
  WaveLinkState& s = st.links[link];
  const double q_last = s.new_flow_m3s;
  s.dqdh_m2s = 0.0;
  double q = 0.0, area = 0.0;
  if (k.kind == LinkKind::PUMP) {
    q = pump_flow(m, st, link, dt);
  } else if (s.setting > 0.0) {
    const double h1 = st.nodes[k.from].new_depth_m + net.nodes[k.from].invert_m;
    const double h2 = st.nodes[k.to].new_depth_m + net.nodes[k.to].invert_m;
    const RegulatorFlow r = regulator_flow(net, link, p.regulator, h1, h2);
    q = r.q_m3s;
    s.dqdh_m2s = r.dqdh_m2s;
    s.new_depth_m = r.depth_m;
    s.flow_class = r.flow_class;
    if (k.kind == LinkKind::ORIFICE) area = r.surface_area_m2;
  }

  // Weirs give no surface (as in SWMM 4); none goes to a storage unit or to a critical end.
  s.surface_area1_m2 = s.surface_area2_m2 = area / 2.0;
  if (s.flow_class == FlowClass::UP_CRITICAL || m.nodes[k.from].storage) s.surface_area1_m2 = 0.0;
  if (s.flow_class == FlowClass::DN_CRITICAL || m.nodes[k.to].storage) s.surface_area2_m2 = 0.0;

  if (steps > 0 && k.kind != LinkKind::PUMP) {
    q = (1.0 - OMEGA) * q_last + OMEGA * q;
    if (q * q_last < 0.0) q = 0.001 * FT * FT * FT * (q < 0.0 ? -1.0 : 1.0);
  }
  s.new_flow_m3s = q;
}

/// One Picard trial's node depths; true if every non-outfall node moved less than the head tolerance.
bool find_node_depths(const DynamicWaveModel& m, DynamicWaveState& st, int steps, double dt) {
  const DrainageNetwork& net = *m.net;
  for (std::size_t j = 0; j < net.links.size(); ++j) set_outfall_depth(m, st, static_cast<int>(j));
  bool converged = true;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    if (is_outfall(net, static_cast<int>(i))) continue;
    WaveNodeState& n = st.nodes[i];
    const double y_before = n.new_depth_m;
    set_node_depth(m, st, static_cast<int>(i), steps, dt);
    n.converged = std::fabs(y_before - n.new_depth_m) <= m.head_tolerance_m;
    if (!n.converged) converged = false;
  }
  return converged;
}

// ---- The variable step (SWMM's getVariableStep) -----------------------------------------------------------------

double variable_step(const DynamicWaveModel& m, const DynamicWaveState& st, double max_step) {
  const DrainageNetwork& net = *m.net;
  double t_link = max_step;
  for (std::size_t j = 0; j < net.links.size(); ++j) {
    const WaveLinkParams& p = m.links[j];
    if (p.kind != LinkKind::CONDUIT) continue;
    const WaveLinkState& s = st.links[j];
    const double q = std::fabs(s.new_flow_m3s) / p.barrels;
    if (q <= FUDGE_M3S || s.a1_m2 <= FUDGE_M2 || s.froude <= 0.01) continue;
    const double t = s.new_volume_m3 / p.barrels / q * s.froude / (1.0 + s.froude) * m.courant_factor;
    t_link = std::min(t_link, t);
  }
  double t_node = t_link;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    if (is_outfall(net, static_cast<int>(i))) continue;
    const WaveNodeState& n = st.nodes[i];
    const double crown = m.nodes[i].crown_depth_m;
    if (n.new_depth_m <= FUDGE_M || n.new_depth_m + FUDGE_M >= crown) continue;
    const double max_change = 0.25 * crown;
    if (max_change < FUDGE_M || n.dydt_m_per_s < FUDGE_M_PER_S) continue;
    t_node = std::min(t_node, max_change / n.dydt_m_per_s);
  }
  return std::max(std::min(t_link, t_node), m.min_step_s);
}

}  // namespace

DynamicWaveModel make_dynamic_wave_model(const DrainageNetwork& net) {
  const Options& o = net.options;
  DynamicWaveModel m;
  m.net = &net;
  m.links.resize(net.links.size());
  m.nodes.resize(net.nodes.size());
  m.min_surface_area_m2 = o.min_surface_area_m2 > 0.0 ? o.min_surface_area_m2 : DEFAULT_SURFACE_AREA_M2;
  m.head_tolerance_m = o.head_tolerance_m > 0.0 ? o.head_tolerance_m : DEFAULT_HEAD_TOLERANCE_M;
  m.max_trials = o.max_trials > 0 ? o.max_trials : 8;
  m.courant_factor = o.variable_step;
  m.min_step_s = std::max(std::min(o.minimum_step_s, o.routing_step_s), MIN_TIME_STEP_S);
  m.slot = o.surcharge_method == SurchargeMethod::SLOT;
  m.crown_cutoff = m.slot ? 0.985257 : 0.96;
  if (o.lengthening_step_s > 0.0) refuse(net, 0, "[OPTIONS] LENGTHENING_STEP");

  // Nodes: their own depths; what is not modelled.
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    const Node& n = net.nodes[i];
    WaveNodeParams& p = m.nodes[i];
    p.full_depth_m = n.max_depth_m;
    p.surcharge_depth_m = n.surcharge_depth_m;
    p.ponded_area_m2 = n.ponded_area_m2;
    p.storage = n.kind == NodeKind::STORAGE;
    if (p.storage && net.storage[n.kind_index].seepage)
      refuse(net, n.line, "the seepage of storage unit '" + n.id + "'");
    if (n.kind == NodeKind::OUTFALL) {
      const Outfall& f = net.outfalls[n.kind_index];
      if (f.type == OutfallType::TIDAL || f.type == OutfallType::TIMESERIES)
        refuse(net, n.line, "the tidal or time-series stage of outfall '" + n.id + "'");
      if (f.route_to >= 0) refuse(net, n.line, "outfall '" + n.id + "' routed onto a subcatchment");
    }
  }

  // Links: conduits' geometry, slope and friction, regulators' openings; node depths raised to the crowns of their
  // links (storage units only when they can surcharge), and each node's crown at its highest link's.
  std::vector<int> in_links(net.nodes.size(), 0);
  for (std::size_t j = 0; j < net.links.size(); ++j) {
    const Link& k = net.links[j];
    WaveLinkParams& p = m.links[j];
    p.kind = k.kind;
    if (k.kind == LinkKind::CONDUIT) {
      if (k.xsection.culvert_code > 0 && !valid_culvert_code(k.xsection.culvert_code))
        throw sim::ScenarioError(net.path + ":" + std::to_string(k.xsection.line) + ": [XSECTIONS] conduit '" + k.id +
                                 "': culvert code " + std::to_string(k.xsection.culvert_code) +
                                 " is not one of SWMM's FHWA HDS-5 inlets; use a code from 1 to 57, or 0 for none");
      p.culvert_code = k.xsection.culvert_code;
      if (k.xsection.shape == CrossSectionShape::OTHER && k.xsection.shape_name != "PARABOLIC")
        throw UnsupportedRouting(net.path + ":" + std::to_string(k.xsection.line) + ": the " + k.xsection.shape_name +
                                 " cross-section of '" + k.id +
                                 "' is not modelled here, under dynamic or kinematic wave; use CIRCULAR, RECT_CLOSED, "
                                 "RECT_OPEN, TRAPEZOIDAL, TRIANGULAR or PARABOLIC");
      const Conduit& c = net.conduits[k.kind_index];
      p.section = make_section(k.xsection, net.units.length_m, net.path, k.id);
      p.open = p.section.is_open();
      p.barrels = std::max(1, k.xsection.barrels);
      p.length_m = c.length_m;
      p.offset1_m = c.inlet_offset_m;
      p.offset2_m = c.outlet_offset_m;
      if (!(c.roughness > 0.0))
        throw sim::ScenarioError(net.path + ":" + std::to_string(k.line) + ": [CONDUITS] conduit '" + k.id +
                                 "' needs a roughness above 0");
      const double z1 = net.nodes[k.from].invert_m + p.offset1_m, z2 = net.nodes[k.to].invert_m + p.offset2_m;
      const double drop = std::max(std::fabs(z1 - z2), MIN_DELTA_Z_M);
      double slope =
          drop >= c.length_m ? drop / c.length_m : drop / std::sqrt(c.length_m * c.length_m - drop * drop);
      if (o.min_slope > 0.0 && slope < o.min_slope) slope = o.min_slope;
      if (z1 < z2) slope = -slope;
      p.slope = slope;
      p.beta = MANNING * std::sqrt(std::fabs(slope)) / c.roughness;
      p.rough_factor = GRAVITY * (c.roughness / MANNING) * (c.roughness / MANNING);
      p.q_max_m3s = p.beta * p.section.s_max;
    } else if (k.kind == LinkKind::PUMP) {
      if (const int c = net.pumps[k.kind_index].curve; c >= 0 && net.curves[c].type != CurveType::PUMP4)
        refuse(net, k.line, "pump '" + k.id + "' with a curve other than PUMP4 (flow by inlet depth)");
    } else {
      // A regulator's crest stands at least at the downstream node's invert (SWMM's link_validate under dynamic wave).
      p.regulator = make_regulator_params(net, static_cast<int>(j), o.routing_step_s);
      p.section = p.regulator.section;
      p.offset1_m = p.offset2_m = p.regulator.crest_offset_m;
      const double rise = net.nodes[k.to].invert_m - net.nodes[k.from].invert_m;
      if (p.offset1_m < rise) p.offset1_m = p.regulator.crest_offset_m = rise;
    }
    ++in_links[k.to];
    ++m.nodes[k.from].degree;
    const double y_full = k.kind == LinkKind::PUMP ? 0.0 : p.section.y_full_m;
    const bool bottom_orifice = k.kind == LinkKind::ORIFICE && net.orifices[k.kind_index].type == OrificeType::BOTTOM;
    for (const auto& [node, offset] : {std::pair{k.from, p.offset1_m}, std::pair{k.to, p.offset2_m}}) {
      const double crown = offset + y_full;
      m.nodes[node].crown_depth_m = std::max(m.nodes[node].crown_depth_m, crown);
      const bool raised =
          k.kind != LinkKind::PUMP && !bottom_orifice && (node == k.from || k.kind == LinkKind::CONDUIT);
      const Node& n = net.nodes[node];
      if (raised && (n.kind != NodeKind::STORAGE || n.surcharge_depth_m > 0.0))
        m.nodes[node].full_depth_m = std::max(m.nodes[node].full_depth_m, crown);
    }
  }
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    WaveNodeParams& p = m.nodes[i];
    if (in_links[i] == 0) p.degree = -p.degree;
    if (p.storage) p.full_volume_m3 = storage_volume_m3(net, net.storage[net.nodes[i].kind_index], p.full_depth_m,
                                                        p.full_depth_m, 0.0);
  }
  return m;
}

DynamicWaveState initial_dynamic_wave_state(const DynamicWaveModel& m) {
  const DrainageNetwork& net = *m.net;
  DynamicWaveState st;
  st.nodes.resize(net.nodes.size());
  st.links.resize(net.links.size());
  st.flooded_m3.assign(net.nodes.size(), 0.0);
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    st.nodes[i].old_depth_m = st.nodes[i].new_depth_m = net.nodes[i].initial_depth_m;

  // Conduits with an initial flow are at normal depth; nodes without an initial depth take the mean of their links'.
  std::vector<double> depth_sum(net.nodes.size(), 0.0), count(net.nodes.size(), 0.0);
  for (std::size_t j = 0; j < net.links.size(); ++j) {
    const Link& k = net.links[j];
    if (k.kind == LinkKind::PUMP) st.links[j].setting = net.pumps[k.kind_index].initially_on ? 1.0 : 0.0;
    if (k.kind != LinkKind::CONDUIT) {
      count[k.from] += 1.0;
      count[k.to] += 1.0;
      continue;
    }
    const WaveLinkParams& p = m.links[j];
    WaveLinkState& s = st.links[j];
    const double q0 = net.conduits[k.kind_index].initial_flow_m3s;
    s.old_flow_m3s = s.new_flow_m3s = q0;
    s.new_depth_m = q0 != 0.0 ? normal_depth(p, q0 / p.barrels) : 0.0;
    const double y = s.new_depth_m > FUDGE_M ? s.new_depth_m + p.offset1_m : 0.0;
    for (int n : {k.from, k.to}) {
      depth_sum[n] += y;
      count[n] += 1.0;
    }
  }
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    if (is_outfall(net, static_cast<int>(i)) || net.nodes[i].initial_depth_m > 0.0 || count[i] == 0.0) continue;
    st.nodes[i].new_depth_m = depth_sum[i] / count[i];
  }
  for (std::size_t j = 0; j < net.links.size(); ++j) set_outfall_depth(m, st, static_cast<int>(j));
  for (std::size_t j = 0; j < net.links.size(); ++j) {
    const Link& k = net.links[j];
    if (k.kind != LinkKind::CONDUIT) continue;
    const WaveLinkParams& p = m.links[j];
    WaveLinkState& s = st.links[j];
    if (net.conduits[k.kind_index].initial_flow_m3s == 0.0) {
      auto end_depth = [&](int n, double offset) {
        return std::clamp(st.nodes[n].new_depth_m - offset, 0.0, p.section.y_full_m);
      };
      s.new_depth_m = std::max(0.5 * (end_depth(k.from, p.offset1_m) + end_depth(k.to, p.offset2_m)), FUDGE_M);
    }
    s.old_depth_m = s.new_depth_m;
    s.q1_m3s = s.new_flow_m3s / p.barrels;
    s.a1_m2 = s.a2_m2 = p.section.area_of_depth(s.new_depth_m);
    s.old_volume_m3 = s.new_volume_m3 = s.a1_m2 * p.length_m * p.barrels;
  }
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    WaveNodeState& n = st.nodes[i];
    n.old_depth_m = n.new_depth_m;
    n.old_volume_m3 = n.new_volume_m3 = node_volume(m, static_cast<int>(i), n.new_depth_m);
  }

  // Nodes' inflow and outflow from the initial link flows.
  for (std::size_t j = 0; j < net.links.size(); ++j) {
    const double q = st.links[j].new_flow_m3s;
    const Link& k = net.links[j];
    if (q >= 0.0) {
      st.nodes[k.from].outflow_m3s += q;
      st.nodes[k.to].inflow_m3s += q;
    } else {
      st.nodes[k.from].inflow_m3s -= q;
      st.nodes[k.to].outflow_m3s -= q;
    }
  }
  st.totals.initial_storage_m3 = dynamic_wave_storage_m3(st);
  return st;
}

double dynamic_wave_step_s(const DynamicWaveModel& m, DynamicWaveState& st, double fixed_step_s) {
  if (m.courant_factor == 0.0 || fixed_step_s < MIN_TIME_STEP_S) return fixed_step_s;
  st.variable_step_s = st.variable_step_s == 0.0 ? m.min_step_s : variable_step(m, st, fixed_step_s);
  st.variable_step_s = std::floor(1000.0 * st.variable_step_s) / 1000.0;
  return st.variable_step_s;
}

int dynamic_wave_step(const DynamicWaveModel& m, DynamicWaveState& st, const std::vector<double>& lateral_m3s,
                      double dt) {
  const DrainageNetwork& net = *m.net;

  // The new state starts from the old one; nodes take their lateral inflows.
  for (WaveLinkState& s : st.links) {
    s.old_flow_m3s = s.new_flow_m3s;
    s.old_depth_m = s.new_depth_m;
    s.old_volume_m3 = s.new_volume_m3;
    s.bypassed = false;
    s.surface_area1_m2 = s.surface_area2_m2 = 0.0;
    s.a2_m2 = s.a1_m2;
  }
  double lateral_old = 0.0, lateral_new = 0.0;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    WaveNodeState& n = st.nodes[i];
    n.old_lateral_m3s = n.new_lateral_m3s;
    n.new_lateral_m3s = lateral_m3s[i];
    lateral_old += n.old_lateral_m3s;
    lateral_new += n.new_lateral_m3s;
    n.old_depth_m = n.new_depth_m;
    n.old_volume_m3 = n.new_volume_m3;
    n.old_net_inflow_m3s = n.inflow_m3s - n.outflow_m3s;
    n.converged = false;
    n.dydt_m_per_s = 0.0;
    n.overflow_m3s = 0.0;
  }

  // Picard trials: link flows, then node depths, until the nodes settle.
  int steps = 0;
  bool converged = false;
  while (steps < m.max_trials) {
    for (std::size_t i = 0; i < net.nodes.size(); ++i) {
      WaveNodeState& n = st.nodes[i];
      n.new_surface_area_m2 = node_surface_area(m, st, static_cast<int>(i));
      n.inflow_m3s = std::max(n.new_lateral_m3s, 0.0);
      n.outflow_m3s = std::max(-n.new_lateral_m3s, 0.0);
      n.sum_dqdh_m2s = 0.0;
    }
    // Conduits first, then pumps and regulators (which see the conduits' flows at their nodes).
    for (std::size_t j = 0; j < net.links.size(); ++j)
      if (m.links[j].kind == LinkKind::CONDUIT && !st.links[j].bypassed)
        conduit_flow(m, st, static_cast<int>(j), steps, dt);
    for (std::size_t j = 0; j < net.links.size(); ++j)
      if (m.links[j].kind == LinkKind::CONDUIT) add_link_to_nodes(m, st, static_cast<int>(j));
    for (std::size_t j = 0; j < net.links.size(); ++j) {
      if (m.links[j].kind == LinkKind::CONDUIT) continue;
      if (!st.links[j].bypassed) non_conduit_flow(m, st, static_cast<int>(j), steps, dt);
      add_link_to_nodes(m, st, static_cast<int>(j));
    }
    converged = find_node_depths(m, st, steps, dt);
    ++steps;
    if (steps > 1) {
      if (converged) break;
      for (std::size_t j = 0; j < net.links.size(); ++j) {
        const Link& k = net.links[j];
        st.links[j].bypassed = st.nodes[k.from].converged && st.nodes[k.to].converged;
      }
    }
  }
  if (!converged) ++st.non_converged_steps;

  // What leaves the system: outfall inflows and flooding (trapezoidal totals over the step, as SWMM's).
  double outfall = 0.0, flooding = 0.0;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    WaveNodeState& n = st.nodes[i];
    if (is_outfall(net, static_cast<int>(i))) {
      if (n.outflow_m3s == 0.0) outfall += n.inflow_m3s;
      else if (n.inflow_m3s == 0.0) outfall -= n.outflow_m3s;
      n.overflow_m3s = 0.0;
      n.new_volume_m3 = 0.0;
    } else if (n.overflow_m3s > 0.0 && n.new_volume_m3 <= m.nodes[i].full_volume_m3) {
      flooding += n.overflow_m3s;
      st.flooded_m3[i] += n.overflow_m3s * dt;
    }
  }
  st.totals.lateral_inflow_m3 += 0.5 * (lateral_old + lateral_new) * dt;
  st.totals.outfall_outflow_m3 += 0.5 * (st.old_outfall_m3s + outfall) * dt;
  st.totals.flooding_m3 += 0.5 * (st.old_flooding_m3s + flooding) * dt;
  st.old_outfall_m3s = outfall;
  st.old_flooding_m3s = flooding;
  return steps;
}

double dynamic_wave_storage_m3(const DynamicWaveState& st) {
  double v = 0.0;
  for (const WaveNodeState& n : st.nodes) v += n.new_volume_m3;
  for (const WaveLinkState& s : st.links) v += s.new_volume_m3;
  return v;
}

}  // namespace citytwin::models::drainage
