// SWMM 5.2's storage units (node.c: storage_getSurfArea, storage_getVolume, storage_getDepth) and regulators (link.c:
// orifice_getInflow, weir_getInflow, outlet_getInflow; roadway.c), in SI: SWMM's constants, given in feet, are
// converted where they are defined; the HDS-5 roadway tables are evaluated in feet, as SWMM does.
#include "models/drainage/Regulators.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "models/drainage/Numerics.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::models::drainage {

namespace {

constexpr double FT = 0.3048;
constexpr double GRAVITY = 32.2 * FT;                  // SWMM's g
constexpr double FUDGE_M = 0.0001 * FT;                // SWMM's FUDGE as a depth
constexpr double TINY_M2 = 1.0e-6 * FT * FT;           // SWMM's TINY as an area
constexpr double MIN_EQUIVALENT_LENGTH_M = 200.0 * FT;

// ---- Storage units: the tabular curve ----------------------------------------------------------------------------

/// Volume of a tabular curve up to depth d by trapezoids, constant area beyond its last point.
double tabular_volume(const Curve& c, double d) {
  if (d == 0.0) return 0.0;
  double x1 = c.x.front(), y1 = c.y.front(), v = 0.0;
  if (d <= x1) return x1 > 0.0 ? d * d * y1 / x1 / 2.0 : 0.0;
  for (std::size_t i = 1; i < c.x.size(); ++i) {
    const double x2 = c.x[i], y2 = c.y[i];
    if (d <= x2) {
      const double y = y1 + (d - x1) * (y2 - y1) / (x2 - x1);
      return v + (d - x1) * (y1 + y) / 2.0;
    }
    v += (x2 - x1) * (y1 + y2) / 2.0;
    x1 = x2;
    y1 = y2;
  }
  return v + (d - x1) * y1;
}

/// Depth of a tabular curve holding volume v.
double tabular_depth(const Curve& c, double v) {
  double x1 = c.x.front(), y1 = c.y.front();
  double v1 = x1 > 0.0 ? x1 * y1 / 2.0 : 0.0;
  if (v <= v1) return x1 > 0.0 && y1 > 0.0 ? std::sqrt(2.0 * v * x1 / y1) : 0.0;
  for (std::size_t i = 1; i < c.x.size(); ++i) {
    const double x2 = c.x[i], y2 = c.y[i], v2 = v1 + (x2 - x1) * (y1 + y2) / 2.0;
    if (v <= v2) {
      // Solve v − v1 = y1·e + (slope/2)·e² for the depth e above x1.
      const double slope = (y2 - y1) / (x2 - x1), dv = v - v1;
      if (std::fabs(slope) < 1.0e-12) return x1 + dv / y1;
      return x1 + (std::sqrt(y1 * y1 + 2.0 * slope * dv) - y1) / slope;
    }
    x1 = x2;
    y1 = y2;
    v1 = v2;
  }
  return y1 > 0.0 ? x1 + (v - v1) / y1 : x1;
}

// ---- Regulators --------------------------------------------------------------------------------------------------

/// ARMCO head loss of a flap gate, m.
double flap_gate_loss(double velocity, double head) {
  return (4.0 / GRAVITY) * velocity * velocity * std::exp(-1.15 * velocity / std::sqrt(head));
}

/// True if a flap gate stops flow in direction `dir` through link k: its own, or an outfall's at its inflow end.
bool flap_gate_closed(const DrainageNetwork& net, const Link& k, bool has_flap_gate, double dir) {
  if (has_flap_gate && dir < 0.0) return true;
  const int n = dir < 0.0 ? k.to : k.from;
  return net.nodes[n].kind == NodeKind::OUTFALL && net.outfalls[net.nodes[n].kind_index].flap_gate;
}

/// Orifice flow under `head` with `f` the filled fraction of the critical height (SWMM's orifice_getFlow).
void orifice_equation(const RegulatorParams& p, double head, double f, bool flap_gate, RegulatorFlow& r) {
  if (head == 0.0 || f <= 0.0) {
    r.q_m3s = r.dqdh_m2s = 0.0;
    return;
  }
  if (f < 1.0) {
    r.q_m3s = p.orifice_weir_coefficient * std::pow(f, 1.5);
    r.dqdh_m2s = 1.5 * r.q_m3s / (f * p.orifice_critical_height_m);
  } else {
    r.q_m3s = p.orifice_coefficient * std::sqrt(head);
    r.dqdh_m2s = r.q_m3s / (2.0 * head);
  }
  if (flap_gate) {
    const double v = r.q_m3s / p.section.area_of_depth(p.section.y_full_m), loss = flap_gate_loss(v, head);
    if (f < 1.0) f = std::max(f - loss / p.orifice_critical_height_m, 0.0);
    else head = std::max(head - loss, 0.0);
    orifice_equation(p, head, f, false, r);
  }
}

/// The levels across an orifice or outlet seen from where the water comes: `h1` the higher level (`dir` −1 when it is
/// the downstream node's), `y1` the depth at that node, and the crest's elevation above the upstream node's invert.
struct Levels {
  double dir, h1, h2, y1, crest;
};

Levels levels_across(const DrainageNetwork& net, const Link& k, const RegulatorParams& p, double h1, double h2) {
  Levels l{h1 >= h2 ? 1.0 : -1.0, h1, h2, h1 - net.nodes[k.from].invert_m,
           net.nodes[k.from].invert_m + p.crest_offset_m};
  if (l.dir < 0.0) {
    std::swap(l.h1, l.h2);
    l.y1 = l.h1 - net.nodes[k.to].invert_m;
  }
  return l;
}

RegulatorFlow orifice_flow(const DrainageNetwork& net, const Link& k, const RegulatorParams& p, double h1_m,
                           double h2_m) {
  const Orifice& o = net.orifices[k.kind_index];
  const auto [dir, h1, h2, y1, crest] = levels_across(net, k, p, h1_m, h2_m);
  double head, f;
  if (o.type == OrificeType::BOTTOM) {
    head = h1 < crest ? 0.0 : (h2 > crest ? h1 - h2 : h1 - crest);
    f = std::min(head / p.orifice_critical_height_m, 1.0);
  } else {
    const double crown = crest + p.section.y_full_m, mid = (crest + crown) / 2.0;
    f = h1 < crown && crown > crest ? (h1 - crest) / (crown - crest) : 1.0;
    head = f < 1.0 ? h1 - crest : (h2 < mid ? h1 - mid : h1 - h2);
  }
  RegulatorFlow r;
  if (head <= FUDGE_M || y1 <= FUDGE_M || flap_gate_closed(net, k, o.flap_gate, dir)) {
    r.surface_area_m2 = FUDGE_M * p.equivalent_length_m;
    return r;
  }
  r.flow_class = crest > h2 ? (dir > 0.0 ? FlowClass::DN_CRITICAL : FlowClass::UP_CRITICAL) : FlowClass::SUBCRITICAL;
  if (o.type == OrificeType::SIDE) {
    r.depth_m = p.section.y_full_m * f;
    r.surface_area_m2 = p.section.width_of_depth(r.depth_m) * p.equivalent_length_m;
  } else {
    r.depth_m = p.section.y_full_m;
    r.surface_area_m2 = p.section.area_of_depth(r.depth_m);
  }
  orifice_equation(p, head, f, o.flap_gate, r);
  r.q_m3s *= dir;
  if (f < 1.0 && h2 > crest) r.q_m3s *= std::pow(1.0 - std::pow((h2 - crest) / (h1 - crest), 1.5), 0.385);
  return r;
}

/// Weir flow through the central part (q1) and the triangular ends (q2) under `head` (SWMM's weir_getFlow); sets
/// dQ/dH from the two.
void weir_equation(const DrainageNetwork& net, const Weir& w, const RegulatorParams& p, double head, double dir,
                   bool flap_gate, double& q1, double& q2, double& dqdh) {
  q1 = q2 = dqdh = 0.0;
  if (head <= 0.0) return;
  const double cd = w.coefficient_curve >= 0 ? curve_value(net.curves[w.coefficient_curve], head)
                                             : w.discharge_coefficient;
  const double length = p.section.w_max_m;
  const double contracted = std::max(length - 0.1 * w.end_contractions * head, 0.0);
  double power = 1.5;
  switch (w.type) {
    case WeirType::TRANSVERSE: q1 = cd * contracted * std::pow(head, 1.5); break;
    case WeirType::SIDEFLOW:
      // A side-flow weir is transverse under reverse flow.
      if (dir < 0.0) {
        q1 = cd * contracted * std::pow(head, 1.5);
      } else {
        q1 = cd * std::pow(contracted, 0.83) * std::pow(head, 1.67);
        power = 1.67;
      }
      break;
    case WeirType::V_NOTCH:
      q1 = cd * p.weir_slope * std::pow(head, 2.5);
      power = 2.5;
      break;
    case WeirType::TRAPEZOIDAL:
      q1 = cd * p.section.width_of_depth(0.0) * std::pow(head, 1.5);
      q2 = w.end_coefficient * p.weir_slope * std::pow(head, 2.5);
      break;
    case WeirType::ROADWAY: return;
  }
  if (flap_gate) {
    const double area = p.section.area_of_depth(std::min(head, p.section.y_full_m));
    if (area > TINY_M2) {
      const double h = std::max(head - flap_gate_loss((q1 + q2) / area, head), 0.0);
      weir_equation(net, w, p, h, dir, false, q1, q2, dqdh);
      return;
    }
  }
  if (head >= FUDGE_M) dqdh = power * std::fabs(q1 / head) + 2.5 * std::fabs(q2 / head);
}

// FHWA HDS-5 roadway overtopping (SWMM's roadway.c, from FHWA/RD-86/108 Figure 10): discharge coefficients of US
// customary weir flow (ft^0.5/s) against the head over the road (ft) when head / road width <= 0.15, else against
// head / road width; submergence factors against downstream over upstream head.
struct Point {
  double x, y;
};
constexpr Point CR_LOW_PAVED[] = {{0.0, 2.85}, {0.2, 2.95}, {0.7, 3.03}, {4.0, 3.05}};
constexpr Point CR_LOW_GRAVEL[] = {{0.0, 2.5},  {0.5, 2.7},  {1.0, 2.8},  {1.5, 2.9},
                                   {2.0, 2.98}, {2.5, 3.02}, {3.0, 3.03}, {4.0, 3.05}};
constexpr Point CR_HIGH_PAVED[] = {{0.15, 3.05}, {0.25, 3.10}};
constexpr Point CR_HIGH_GRAVEL[] = {{0.15, 2.95}, {0.30, 3.10}};
constexpr Point KT_PAVED[] = {{0.8, 1.0},   {0.85, 0.98}, {0.90, 0.92}, {0.93, 0.85}, {0.95, 0.80},
                              {0.97, 0.70}, {0.98, 0.60}, {0.99, 0.50}, {1.00, 0.40}};
constexpr Point KT_GRAVEL[] = {{0.75, 1.00}, {0.80, 0.985}, {0.83, 0.97}, {0.86, 0.93},
                               {0.89, 0.90}, {0.90, 0.87},  {0.92, 0.80}, {0.94, 0.70},
                               {0.96, 0.60}, {0.98, 0.50},  {0.99, 0.40}, {1.00, 0.24}};

/// A table's y at x, linear between points and held beyond its ends.
template <std::size_t N>
double table_y(const Point (&t)[N], double x) {
  if (x <= t[0].x) return t[0].y;
  for (std::size_t i = 1; i < N; ++i)
    if (x <= t[i].x) return t[i - 1].y + (x - t[i - 1].x) * (t[i].y - t[i - 1].y) / (t[i].x - t[i - 1].x);
  return t[N - 1].y;
}

/// Flow over a ROADWAY weir (SWMM's roadway_getInflow): Cd · L · h^1.5 with h the head over the road, Cd from the
/// HDS-5 tables when the road's width and surface are given, else the weir's own coefficient.
RegulatorFlow roadway_flow(const DrainageNetwork& net, const Weir& w, const RegulatorParams& p, double road_m,
                           double dir, double h1, double h2) {
  // SWMM computes in feet with US coefficients: the stored SI coefficient back in ft^0.5/s (SI files: its / 0.552).
  const double head_ft = (h1 - road_m) / FT, tail_ft = (h2 - road_m) / FT;
  RegulatorFlow r;
  r.depth_m = std::max(h1 - road_m, 0.0);
  r.flow_class = road_m > h2 ? (dir > 0.0 ? FlowClass::DN_CRITICAL : FlowClass::UP_CRITICAL) : FlowClass::SUBCRITICAL;
  if (head_ft <= 0.0001) return r;
  double cd = net.units.us_customary ? w.discharge_coefficient / std::sqrt(FT) : w.discharge_coefficient / 0.552;
  if (w.road_width_m > 0.0 && w.road_surface != RoadSurface::NONE) {
    const bool paved = w.road_surface == RoadSurface::PAVED;
    const double per_width = head_ft / (w.road_width_m / FT);
    const double cr = per_width <= 0.15 ? (paved ? table_y(CR_LOW_PAVED, head_ft) : table_y(CR_LOW_GRAVEL, head_ft))
                                        : (paved ? table_y(CR_HIGH_PAVED, per_width)
                                                 : table_y(CR_HIGH_GRAVEL, per_width));
    double kt = 1.0;
    if (tail_ft > 0.0) kt = paved ? table_y(KT_PAVED, tail_ft / head_ft) : table_y(KT_GRAVEL, tail_ft / head_ft);
    cd = cr * kt;
  }
  const double q = cd * (p.section.w_max_m / FT) * std::pow(head_ft, 1.5) * FT * FT * FT;
  r.q_m3s = dir * q;
  r.dqdh_m2s = 1.5 * q / (h1 - road_m);
  return r;
}

RegulatorFlow weir_flow(const DrainageNetwork& net, const Link& k, const RegulatorParams& p, double h1, double h2) {
  const Weir& w = net.weirs[k.kind_index];
  const double dir = h1 > h2 ? 1.0 : -1.0;
  if (dir < 0.0) std::swap(h1, h2);
  const double crest = net.nodes[k.from].invert_m + p.crest_offset_m, crown = crest + p.section.y_full_m;
  if (w.type == WeirType::ROADWAY) return roadway_flow(net, w, p, crest, dir, h1, h2);
  RegulatorFlow r;
  double head = h1 - crest;
  if (head <= FUDGE_M || crest >= crown || flap_gate_closed(net, k, w.flap_gate, dir)) return r;
  r.flow_class = crest > h2 ? (dir > 0.0 ? FlowClass::DN_CRITICAL : FlowClass::UP_CRITICAL) : FlowClass::SUBCRITICAL;

  if (h1 >= crown) {
    if (w.can_surcharge) {
      // A submerged crown: an orifice at the weir's mid-height (or across the heads once the tail rises above it).
      const double mid = (crest + crown) / 2.0;
      double h = h2 < mid ? h1 - mid : h1 - h2;
      double q = p.weir_surcharge_coefficient * std::sqrt(h);
      if (w.flap_gate) {
        const double a = p.section.area_of_depth(p.section.y_full_m);
        if (a > 0.0) {
          h = std::max(h - flap_gate_loss(q / a, crown - crest), 0.0);
          q = p.weir_surcharge_coefficient * std::sqrt(h);
        }
      }
      r.dqdh_m2s = h > 0.0 ? q / (2.0 * h) : 0.0;
      r.depth_m = crown - crest;
      r.q_m3s = dir * q;
      return r;
    }
    head = crown - crest;
  }
  double q1 = 0.0, q2 = 0.0;
  weir_equation(net, w, p, head, dir, w.flap_gate, q1, q2, r.dqdh_m2s);

  // Villemonte's correction for a submerged crest.
  if (h2 > crest) {
    const double ratio = (h2 - crest) / (h1 - crest);
    const double power = w.type == WeirType::SIDEFLOW ? 5.0 / 3.0 : w.type == WeirType::V_NOTCH ? 2.5 : 1.5;
    q1 *= std::pow(1.0 - std::pow(ratio, power), 0.385);
    if (q2 > 0.0) q2 *= std::pow(1.0 - std::pow(ratio, 2.5), 0.385);
  }
  r.depth_m = std::min(h1 - crest, p.section.y_full_m);
  r.q_m3s = dir * (q1 + q2);
  return r;
}

RegulatorFlow outlet_flow(const DrainageNetwork& net, const Link& k, const RegulatorParams& p, double h1_m,
                          double h2_m) {
  const Outlet& o = net.outlets[k.kind_index];
  const auto [dir, h1, h2, y1, crest] = levels_across(net, k, p, h1_m, h2_m);
  // A HEAD rating by the difference of levels, a DEPTH rating by the depth above the crest.
  const double head = o.head_based ? h1 - std::max(h2, crest) : h1 - crest;
  RegulatorFlow r;
  if (head <= FUDGE_M || y1 <= FUDGE_M || flap_gate_closed(net, k, o.flap_gate, dir)) return r;
  r.depth_m = head;
  r.flow_class = FlowClass::SUBCRITICAL;
  const double q = o.curve >= 0 ? curve_value(net.curves[o.curve], head) : o.coefficient * std::pow(head, o.exponent);
  r.q_m3s = dir * q;
  return r;
}

}  // namespace

double curve_value(const Curve& c, double x) {
  if (x <= c.x.front()) return c.y.front();
  for (std::size_t i = 1; i < c.x.size(); ++i)
    if (x <= c.x[i]) return c.y[i - 1] + (x - c.x[i - 1]) * (c.y[i] - c.y[i - 1]) / (c.x[i] - c.x[i - 1]);
  return c.y.back();
}

double storage_surface_area_m2(const DrainageNetwork& net, const Storage& s, double d) {
  switch (s.shape) {
    case StorageShape::TABULAR: {
      const Curve& c = net.curves[s.curve];
      if (c.x.size() == 1 || d <= c.x.front()) return c.y.front();
      std::size_t i = 1;
      while (i + 1 < c.x.size() && d > c.x[i]) ++i;
      return c.y[i - 1] + (d - c.x[i - 1]) * (c.y[i] - c.y[i - 1]) / (c.x[i] - c.x[i - 1]);
    }
    case StorageShape::FUNCTIONAL: return s.a0_m2 + s.a1 * std::pow(d, s.a2);
    default: return s.a0_m2 + d * (s.a1 + d * s.a2);
  }
}

double storage_volume_m3(const DrainageNetwork& net, const Storage& s, double d, double full_depth_m,
                         double full_volume_m3) {
  if (d == 0.0) return 0.0;
  if (d >= full_depth_m && full_volume_m3 > 0.0) return full_volume_m3;
  switch (s.shape) {
    case StorageShape::TABULAR: return tabular_volume(net.curves[s.curve], d);
    case StorageShape::FUNCTIONAL: return s.a0_m2 * d + s.a1 / (s.a2 + 1.0) * std::pow(d, s.a2 + 1.0);
    default: return d * (s.a0_m2 + d * (s.a1 / 2.0 + d * s.a2 / 3.0));
  }
}

double storage_depth_m(const DrainageNetwork& net, const Storage& s, double v, double full_depth_m,
                       double full_volume_m3) {
  if (full_volume_m3 > 0.0 && v >= full_volume_m3) return full_depth_m;
  if (v == 0.0) return 0.0;
  const double a0 = s.a0_m2, a1 = s.a1, a2 = s.a2, tolerance = 0.001 * net.units.length_m;
  auto newton = [&](double d) {
    find_root_newton(0.0, full_depth_m, d, tolerance, [&](double y, double& f, double& df) {
      f = storage_volume_m3(net, s, y, full_depth_m, full_volume_m3) - v;
      df = storage_surface_area_m2(net, s, y);
    });
    return d;
  };
  double d = 0.0;
  switch (s.shape) {
    case StorageShape::TABULAR: d = tabular_depth(net.curves[s.curve], v); break;
    case StorageShape::CYLINDRICAL: d = v / a0; break;
    case StorageShape::PARABOLIC: d = std::sqrt(2.0 * v / a1); break;
    case StorageShape::FUNCTIONAL:
      if (a2 == 0.0) d = v / (a0 + a1);
      else if (a0 == 0.0) d = std::pow(v / (a1 / (a2 + 1.0)), 1.0 / (a2 + 1.0));
      else if (a2 == 1.0 && a1 > 0.0) d = (std::sqrt(a0 * a0 + 2.0 * a1 * v) - a0) / a1;
      else d = newton(v / (a0 + a1));
      break;
    case StorageShape::CONICAL:
    case StorageShape::PYRAMIDAL: d = newton(v / a0); break;
  }
  return std::min(d, full_depth_m);
}

RegulatorParams make_regulator_params(const DrainageNetwork& net, int link, double routing_step_s) {
  const Link& k = net.links[link];
  RegulatorParams p;
  auto refuse = [&](const std::string& what) {
    throw sim::ScenarioError(net.path + ":" + std::to_string(k.xsection.line > 0 ? k.xsection.line : k.line) +
                             ": [XSECTIONS] " + what);
  };
  switch (k.kind) {
    case LinkKind::ORIFICE: {
      const Orifice& o = net.orifices[k.kind_index];
      p.section = make_section(k.xsection, net.units.length_m, net.path, k.id);
      if (p.section.shape != SectionShape::CIRCULAR && p.section.shape != SectionShape::RECT_CLOSED)
        refuse("orifice '" + k.id + "' must be CIRCULAR or RECT_CLOSED");
      p.crest_offset_m = o.crest_height_m;
      const double h = p.section.y_full_m;
      const double f = p.section.area_of_depth(h) * std::sqrt(2.0 * GRAVITY);
      p.orifice_coefficient = o.discharge_coefficient * f;
      double head = h / 2.0;
      p.orifice_critical_height_m = h;
      if (o.type == OrificeType::BOTTOM) {
        // Weir flow below the critical height (Co/Cw)·(area/perimeter), Cw = 0.414 of a sharp-crested weir.
        const double w = p.section.w_max_m;
        const double a_over_l = p.section.shape == SectionShape::CIRCULAR ? h / 4.0 : h * w / (2.0 * (h + w));
        head = p.orifice_critical_height_m = o.discharge_coefficient / 0.414 * a_over_l;
      }
      p.orifice_weir_coefficient = o.discharge_coefficient * std::sqrt(head) * f;
      break;
    }
    case LinkKind::WEIR: {
      const Weir& w = net.weirs[k.kind_index];
      p.section = make_section(k.xsection, net.units.length_m, net.path, k.id);
      const SectionShape need = w.type == WeirType::V_NOTCH       ? SectionShape::TRIANGULAR
                                : w.type == WeirType::TRAPEZOIDAL ? SectionShape::TRAPEZOIDAL
                                                                  : SectionShape::RECT_OPEN;
      if (p.section.shape != need)
        refuse("weir '" + k.id + "' must be " +
               (need == SectionShape::TRIANGULAR ? "TRIANGULAR" : need == SectionShape::TRAPEZOIDAL ? "TRAPEZOIDAL"
                                                                                                    : "RECT_OPEN") +
               " for its type");
      p.weir_slope = need == SectionShape::RECT_OPEN ? 0.0 : p.section.s_bot;
      p.crest_offset_m = w.crest_height_m;
      double q1 = 0.0, q2 = 0.0, dqdh = 0.0;
      weir_equation(net, w, p, p.section.y_full_m, 1.0, false, q1, q2, dqdh);
      p.weir_surcharge_coefficient = (q1 + q2) / std::sqrt(p.section.y_full_m / 2.0);
      break;
    }
    case LinkKind::OUTLET: p.crest_offset_m = net.outlets[k.kind_index].crest_height_m; break;
    default: break;
  }
  if (p.section.y_full_m > 0.0)
    p.equivalent_length_m =
        std::max(2.0 * routing_step_s * std::sqrt(GRAVITY * p.section.y_full_m), MIN_EQUIVALENT_LENGTH_M);
  return p;
}

RegulatorFlow regulator_flow(const DrainageNetwork& net, int link, const RegulatorParams& p, double h1, double h2) {
  const Link& k = net.links[link];
  switch (k.kind) {
    case LinkKind::ORIFICE: return orifice_flow(net, k, p, h1, h2);
    case LinkKind::WEIR: return weir_flow(net, k, p, h1, h2);
    case LinkKind::OUTLET: return outlet_flow(net, k, p, h1, h2);
    default: return {};
  }
}

}  // namespace citytwin::models::drainage
