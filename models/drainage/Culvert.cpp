// SWMM 5.2's culvert inlet control (its culvert.c, and the Ridder root finder of its findroot.c). The FHWA HDS-5
// coefficients are for US customary units, so a barrel's head and geometry are taken to feet, the equations are
// evaluated in feet and cfs as SWMM evaluates them, and the flow and its derivative are brought back to SI.
#include "models/drainage/Culvert.hpp"

#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

namespace citytwin::models::drainage {

namespace {

constexpr double FT = 0.3048;
constexpr double GRAVITY_FT = 32.2;               // SWMM's g, ft/s²
constexpr double UNSUBMERGED_LIMIT = 0.95;        // relative head up to which SWMM takes the inlet as unsubmerged
constexpr double SUBMERGED_X2 = 16.0;             // X² = 4² from which HDS-5 takes the inlet as submerged
constexpr double CRITICAL_DEPTH_TOLERANCE_FT = 0.001;
constexpr int MAX_CODE = 57;

// HDS-5 Tables A.1 and A.2 in SWMM's order of culvert codes: form, K, M, c, Y, mitered, inlet.
constexpr std::array<CulvertCoefficients, MAX_CODE> COEFFICIENTS = {{
    // Circular concrete pipe.
    {1, 0.0098, 2.00, 0.0398, 0.67, false, "circular concrete, square edge with headwall"},
    {1, 0.0018, 2.00, 0.0292, 0.74, false, "circular concrete, groove end with headwall"},
    {1, 0.0045, 2.00, 0.0317, 0.69, false, "circular concrete, groove end projecting"},
    // Circular corrugated metal pipe.
    {1, 0.0078, 2.00, 0.0379, 0.69, false, "circular corrugated metal, headwall"},
    {1, 0.0210, 1.33, 0.0463, 0.75, true, "circular corrugated metal, mitered to the slope"},
    {1, 0.0340, 1.50, 0.0553, 0.54, false, "circular corrugated metal, projecting"},
    // Circular pipe with a beveled ring.
    {1, 0.0018, 2.50, 0.0300, 0.74, false, "circular, beveled ring with 45° bevels"},
    {1, 0.0018, 2.50, 0.0243, 0.83, false, "circular, beveled ring with 33.7° bevels"},
    // Concrete box with flared wingwalls.
    {1, 0.026, 1.0, 0.0347, 0.81, false, "concrete box, wingwalls flared 30° to 75°"},
    {1, 0.061, 0.75, 0.0400, 0.80, false, "concrete box, wingwalls flared 90° or 15°"},
    {1, 0.061, 0.75, 0.0423, 0.82, false, "concrete box, wingwalls not flared (0°)"},
    // Concrete box with flared wingwalls and a beveled top edge.
    {2, 0.510, 0.667, 0.0309, 0.80, false, "concrete box, wingwalls flared 45°, top edge bevel 0.043·D"},
    {2, 0.486, 0.667, 0.0249, 0.83, false, "concrete box, wingwalls flared 18° to 33.7°, top edge bevel 0.083·D"},
    // Concrete box, 90° headwall, chamfered or beveled edges.
    {2, 0.515, 0.667, 0.0375, 0.79, false, "concrete box, 90° headwall, 3/4 in chamfers"},
    {2, 0.495, 0.667, 0.0314, 0.82, false, "concrete box, 90° headwall, 45° bevels"},
    {2, 0.486, 0.667, 0.0252, 0.865, false, "concrete box, 90° headwall, 33.7° bevels"},
    // Concrete box, skewed headwall, chamfered or beveled edges.
    {2, 0.545, 0.667, 0.04505, 0.73, false, "concrete box, headwall skewed 45°, 3/4 in chamfers"},
    {2, 0.533, 0.667, 0.0425, 0.705, false, "concrete box, headwall skewed 30°, 3/4 in chamfers"},
    {2, 0.522, 0.667, 0.0402, 0.68, false, "concrete box, headwall skewed 15°, 3/4 in chamfers"},
    {2, 0.498, 0.667, 0.0327, 0.75, false, "concrete box, headwall skewed 10° to 45°, 45° bevels"},
    // Concrete box, non-offset flared wingwalls, 3/4 in chamfer at the top of the inlet.
    {2, 0.497, 0.667, 0.0339, 0.803, false, "concrete box, non-offset wingwalls flared 45° (1:1)"},
    {2, 0.493, 0.667, 0.0361, 0.806, false, "concrete box, non-offset wingwalls flared 18.4° (3:1)"},
    {2, 0.495, 0.667, 0.0386, 0.71, false, "concrete box, non-offset wingwalls flared 18.4° (3:1), inlet skewed 30°"},
    // Concrete box, offset flared wingwalls, beveled top edge.
    {2, 0.497, 0.667, 0.0302, 0.835, false, "concrete box, offset wingwalls flared 45° (1:1), top bevel 0.042·D"},
    {2, 0.495, 0.667, 0.0252, 0.881, false, "concrete box, offset wingwalls flared 33.7° (1.5:1), top bevel 0.083·D"},
    {2, 0.493, 0.667, 0.0227, 0.887, false, "concrete box, offset wingwalls flared 18.4° (3:1), top bevel 0.083·D"},
    // Corrugated metal box.
    {1, 0.0083, 2.00, 0.0379, 0.69, false, "corrugated metal box, 90° headwall"},
    {1, 0.0145, 1.75, 0.0419, 0.64, false, "corrugated metal box, thick wall projecting"},
    {1, 0.0340, 1.50, 0.0496, 0.57, false, "corrugated metal box, thin wall projecting"},
    // Horizontal ellipse, concrete.
    {1, 0.0100, 2.00, 0.0398, 0.67, false, "horizontal concrete ellipse, square edge with headwall"},
    {1, 0.0018, 2.50, 0.0292, 0.74, false, "horizontal concrete ellipse, groove end with headwall"},
    {1, 0.0045, 2.00, 0.0317, 0.69, false, "horizontal concrete ellipse, groove end projecting"},
    // Vertical ellipse, concrete.
    {1, 0.0100, 2.00, 0.0398, 0.67, false, "vertical concrete ellipse, square edge with headwall"},
    {1, 0.0018, 2.50, 0.0292, 0.74, false, "vertical concrete ellipse, groove end with headwall"},
    {1, 0.0095, 2.00, 0.0317, 0.69, false, "vertical concrete ellipse, groove end projecting"},
    // Corrugated metal pipe arch, 18 in corner radius.
    {1, 0.0083, 2.00, 0.0379, 0.69, false, "corrugated metal pipe arch (18 in corner radius), 90° headwall"},
    {1, 0.0300, 1.00, 0.0463, 0.75, true, "corrugated metal pipe arch (18 in corner radius), mitered to the slope"},
    {1, 0.0340, 1.50, 0.0496, 0.57, false, "corrugated metal pipe arch (18 in corner radius), projecting"},
    {1, 0.0300, 1.50, 0.0496, 0.57, false, "corrugated metal pipe arch (18 in corner radius), projecting (chart 35)"},
    {1, 0.0088, 2.00, 0.0368, 0.68, false, "corrugated metal pipe arch (18 in corner radius), no bevels"},
    {1, 0.0030, 2.00, 0.0269, 0.77, false, "corrugated metal pipe arch (18 in corner radius), 33.7° bevels"},
    // Corrugated metal pipe arch, 31 in corner radius.
    {1, 0.0300, 1.50, 0.0496, 0.57, false, "corrugated metal pipe arch (31 in corner radius), projecting"},
    {1, 0.0088, 2.00, 0.0368, 0.68, false, "corrugated metal pipe arch (31 in corner radius), no bevels"},
    {1, 0.0030, 2.00, 0.0269, 0.77, false, "corrugated metal pipe arch (31 in corner radius), 33.7° bevels"},
    // Corrugated metal arch.
    {1, 0.0083, 2.00, 0.0379, 0.69, false, "corrugated metal arch, 90° headwall"},
    {1, 0.0300, 1.00, 0.0473, 0.75, true, "corrugated metal arch, mitered to the slope"},
    {1, 0.0340, 1.50, 0.0496, 0.57, false, "corrugated metal arch, thin wall projecting"},
    // Circular, tapered inlet throat.
    {2, 0.534, 0.555, 0.0196, 0.90, false, "circular, smooth tapered inlet throat"},
    {2, 0.519, 0.640, 0.0210, 0.90, false, "circular, rough tapered inlet throat"},
    // Elliptical inlet face, tapered inlet.
    {2, 0.536, 0.622, 0.0368, 0.83, false, "elliptical inlet face, tapered inlet, beveled edges"},
    {2, 0.5035, 0.719, 0.0478, 0.80, false, "elliptical inlet face, tapered inlet, square edges"},
    {2, 0.547, 0.800, 0.0598, 0.75, false, "elliptical inlet face, tapered inlet, thin edge projecting"},
    // Rectangular, tapered inlet throat.
    {2, 0.475, 0.667, 0.0179, 0.97, false, "rectangular, tapered inlet throat"},
    // Rectangular concrete, side tapered.
    {2, 0.560, 0.667, 0.0446, 0.85, false, "rectangular concrete, side tapered, less favourable edges"},
    {2, 0.560, 0.667, 0.0378, 0.87, false, "rectangular concrete, side tapered, more favourable edges"},
    // Rectangular concrete, slope tapered.
    {2, 0.500, 0.667, 0.0446, 0.65, false, "rectangular concrete, slope tapered, less favourable edges"},
    {2, 0.500, 0.667, 0.0378, 0.71, false, "rectangular concrete, slope tapered, more favourable edges"},
}};

/// A barrel in SWMM's units: its geometry, A·D^0.5 and the slope correction as SWMM keeps it (added to HW/D on the
/// side of the head, so that 0.5·S is HDS-5's -0.5·S).
struct Barrel {
  const SectionGeometry& section;
  const CulvertCoefficients& k;
  InletEquations equations;
  double y_full_ft;
  double ad;   // full area times the square root of full depth, ft^2.5
  double scf;
};

/// True when a and b have strictly opposite signs, b's zero counting as positive (as SWMM's SIGN tests).
bool opposite(double a, double b) { return b >= 0.0 ? a < 0.0 : a > 0.0; }

/// Ridder's method on f between x1 and x2 to `tolerance`, evaluating f in the order SWMM's findroot_Ridder does (the
/// ends, then per iteration the midpoint and the new estimate), so that whatever f records of its last evaluation is
/// what SWMM's would record. Returns the root, or -1e20 when f(x1) and f(x2) have the same sign.
template <class F>
double ridder_root(double x1, double x2, double tolerance, F&& f) {
  constexpr int MAX_ITERATIONS = 60;
  double f_lo = f(x1), f_hi = f(x2);
  if (f_lo == 0.0) return x1;
  if (f_hi == 0.0) return x2;
  if (!((f_lo > 0.0 && f_hi < 0.0) || (f_lo < 0.0 && f_hi > 0.0))) return -1.0e20;
  double lo = x1, hi = x2, root = 0.5 * (x1 + x2);
  for (int j = 1; j <= MAX_ITERATIONS; ++j) {
    // The midpoint, and the exponential fit through it and the bracket's ends.
    const double mid = 0.5 * (lo + hi), f_mid = f(mid);
    const double s = std::sqrt(f_mid * f_mid - f_lo * f_hi);
    if (s == 0.0) return root;
    const double next = mid + (mid - lo) * ((f_lo >= f_hi ? 1.0 : -1.0) * f_mid / s);
    if (std::fabs(next - root) <= tolerance) break;
    root = next;
    const double f_next = f(root);
    // Keep the root bracketed by the tightest pair of opposite signs.
    if (opposite(f_mid, f_next)) {
      lo = mid;
      f_lo = f_mid;
      hi = root;
      f_hi = f_next;
    } else if (opposite(f_lo, f_next)) {
      hi = root;
      f_hi = f_next;
    } else if (opposite(f_hi, f_next)) {
      lo = root;
      f_lo = f_next;
    } else {
      return root;
    }
    if (std::fabs(hi - lo) <= tolerance) return root;
  }
  return root;
}

/// Flow through an unsubmerged form 1 inlet at head h (ft), cfs: the critical flow whose critical depth yc satisfies
/// h/D + scf = yc/D + yh/(2·D) + K·(Qc/AD)^M, yh = A/T the hydraulic depth at yc and Qc = A·√(g·yh).
double form1_flow(const Barrel& b, double h) {
  const double h_plus = h / b.y_full_ft + b.scf;
  if (b.equations == InletEquations::HDS_5 && h_plus <= 0.0) return 0.0;
  double qc = 0.0;
  auto residual = [&](double yc) {
    const double ac = b.section.area_of_depth(yc * FT) / (FT * FT);
    const double wc = b.section.width_of_depth(yc * FT) / FT;
    const double yh = ac / wc;
    qc = ac * std::sqrt(GRAVITY_FT * yh);
    return h_plus - yc / b.y_full_ft - yh / 2.0 / b.y_full_ft - b.k.k * std::pow(qc / b.ad, b.k.m);
  };
  const double lo = 0.01 * h, root = ridder_root(lo, h, CRITICAL_DEPTH_TOLERANCE_FT, residual);
  // SWMM keeps the critical flow of the last evaluation: the bracket's midpoint, or depth h without a bracket.
  if (b.equations == InletEquations::SWMM_5_2) return qc;
  if (root > 0.0) residual(root);
  else if (residual(h) < 0.0) residual(lo);
  return qc;
}

struct FlowFt {
  double q = 0.0;      // cfs
  double dqdh = 0.0;   // cfs per ft
};

/// Unsubmerged flow at head h (ft): form 1 or HDS-5 form 2 inverted, Q = AD·(h / (D·K))^(1/M).
FlowFt unsubmerged_flow(const Barrel& b, double h) {
  FlowFt r;
  r.q = b.k.form == 1 ? form1_flow(b, h) : b.ad * std::pow(h / b.y_full_ft / b.k.k, 1.0 / b.k.m);
  r.dqdh = r.q / h / b.k.m;
  return r;
}

/// Submerged flow at head h (ft): the submerged equation inverted, Q = AD·√((h/D - Y + scf) / c). Only evaluated
/// from the submerged limit up, where the root's argument is at least 16.
FlowFt submerged_flow(const Barrel& b, double h) {
  const double arg = (h / b.y_full_ft - b.k.y + b.scf) / b.k.c;
  FlowFt r;
  r.q = std::sqrt(arg) * b.ad;
  r.dqdh = 0.5 * r.q / arg / b.y_full_ft / b.k.c;
  return r;
}

}  // namespace

bool valid_culvert_code(int code) { return code >= 1 && code <= MAX_CODE; }

const CulvertCoefficients& culvert_coefficients(int code) {
  if (!valid_culvert_code(code))
    throw std::invalid_argument("culvert code " + std::to_string(code) +
                                " is not one of SWMM's FHWA HDS-5 inlets; use a code from 1 to 57, or 0 for a conduit "
                                "without inlet control");
  return COEFFICIENTS[static_cast<std::size_t>(code - 1)];
}

InletControl inlet_control(int culvert_code, const SectionGeometry& section, double slope, double y1_m,
                           InletEquations equations) {
  const CulvertCoefficients& k = culvert_coefficients(culvert_code);
  if (!(section.y_full_m > 0.0) || !(section.a_full_m2 > 0.0))
    throw std::invalid_argument("culvert code " + std::to_string(culvert_code) +
                                ": the barrel's section has no full depth or area; make it with make_section");

  // The barrel in feet, and the slope correction: -0.5·S on HW/D, for mitered inlets +7·S (SWMM) or +0.7·S (HDS-5).
  const double y_full_ft = section.y_full_m / FT;
  double scf = 0.5 * slope;
  if (k.mitered) scf = (equations == InletEquations::SWMM_5_2 ? -7.0 : -0.7) * slope;
  const Barrel b{section, k, equations, y_full_ft, section.a_full_m2 / (FT * FT) * std::sqrt(y_full_ft), scf};

  InletControl r;
  const double y = y1_m / FT;
  if (y <= 0.0) return r;

  // The submerged limit, where X = 4, is checked first; then the unsubmerged one, 0.95 full; else the transition.
  const double y_submerged = y_full_ft * (SUBMERGED_X2 * k.c + k.y - scf);
  const double y_unsubmerged = UNSUBMERGED_LIMIT * y_full_ft;
  FlowFt f;
  if (y >= y_submerged) {
    f = submerged_flow(b, y);
    r.regime = InletRegime::SUBMERGED;
  } else if (y <= y_unsubmerged) {
    f = unsubmerged_flow(b, y);
    r.regime = InletRegime::UNSUBMERGED;
  } else {
    const double q1 = unsubmerged_flow(b, y_unsubmerged).q, q2 = submerged_flow(b, y_submerged).q;
    f.q = q1 + (q2 - q1) * (y - y_unsubmerged) / (y_submerged - y_unsubmerged);
    f.dqdh = (q2 - q1) / (y_submerged - y_unsubmerged);
    r.regime = InletRegime::TRANSITION;
  }
  r.q_m3s = f.q * FT * FT * FT;
  r.dqdh_m2s = f.dqdh * FT * FT;
  return r;
}

CulvertInflow culvert_inflow(int culvert_code, const SectionGeometry& section, double slope, double y1_m,
                             double q_m3s, InletEquations equations) {
  const InletControl inlet = inlet_control(culvert_code, section, slope, y1_m, equations);
  CulvertInflow r;
  r.q_m3s = q_m3s;
  r.regime = inlet.regime;
  if (q_m3s > 0.0 && inlet.q_m3s < q_m3s) {
    r.q_m3s = inlet.q_m3s;
    r.dqdh_m2s = inlet.dqdh_m2s;
    r.controlled = true;
  }
  return r;
}

}  // namespace citytwin::models::drainage
