// Culvert inlet control as SWMM 5.2 computes it (its culvert.c): the FHWA HDS-5 inlet-control equations limit the
// flow of a culvert barrel to what its inlet passes at the upstream head, with the derivative dynamic wave needs.
#pragma once

#include <cstdint>

#include "models/drainage/SectionGeometry.hpp"

namespace citytwin::models::drainage {

/// The HDS-5 coefficients of one of SWMM's culvert codes (HDS-5 Tables A.1 and A.2, numbered as SWMM numbers them).
/// They are for US customary units: with X = Q / (A·D^0.5), Q in cfs, A the barrel's full area in ft² and D its full
/// depth in ft, the headwater HW above the inlet invert is, on a barrel slope S,
///   unsubmerged, form 1:  HW/D = Hc/D + K·X^M - 0.5·S   (Hc: the specific head at critical depth, dc + A/(2·T))
///   unsubmerged, form 2:  HW/D = K·X^M                    (no slope term)
///   submerged:            HW/D = c·X² + Y - 0.5·S
/// with +0.7·S in place of -0.5·S for inlets mitered to the slope (but see InletEquations).
struct CulvertCoefficients {
  int form = 1;              ///< the unsubmerged equation: 1 or 2
  double k = 0.0, m = 0.0;   ///< unsubmerged K and M
  double c = 0.0, y = 0.0;   ///< submerged c and Y
  bool mitered = false;      ///< mitered to the slope (codes 5, 37, 46)
  const char* inlet = "";    ///< barrel and inlet, in words
};

/// Whose reading of the HDS-5 equations to follow where SWMM 5.2's culvert.c departs from them.
enum class InletEquations : std::uint8_t {
  /// As culvert.c computes, to reproduce SWMM's results: mitered inlets (codes 5, 37, 46) correct HW/D by +7·S, ten
  /// times HDS-5's; form 1's flow is the critical flow at the root finder's last evaluation, which is often the
  /// midpoint of its last bracket rather than the critical depth it converged on. That flow jitters with the head:
  /// in a 3 ft pipe of code 1 or 4, by up to a third of the equation's flow at heads below half the diameter and
  /// by up to 2 % above.
  SWMM_5_2,
  /// As HDS-5 states: mitered inlets +0.7·S; form 1's flow at the critical depth solved for. Regimes, transition and
  /// derivatives stay SWMM's.
  HDS_5,
};

/// The three ranges of head SWMM tells apart at a culvert inlet.
enum class InletRegime : std::uint8_t {
  UNSUBMERGED,  ///< head up to 0.95 of the barrel's full depth: the unsubmerged equation (a weir)
  TRANSITION,   ///< between the two: flow linear in head between their values at the limits
  SUBMERGED,    ///< head from where the submerged equation gives X = 4: the submerged equation (an orifice)
};

/// True for SWMM's culvert codes, 1 to 57 (0 is a conduit without inlet control).
bool valid_culvert_code(int code);

/// The coefficients of culvert code `code`. Throws std::invalid_argument for a code outside 1 to 57.
const CulvertCoefficients& culvert_coefficients(int code);

/// What the inlet of one barrel passes at a head, and the flow's derivative by that head.
struct InletControl {
  double q_m3s = 0.0;      ///< inlet-controlled flow of one barrel
  double dqdh_m2s = 0.0;   ///< its derivative by the upstream head, as SWMM takes it (see inlet_control)
  InletRegime regime = InletRegime::UNSUBMERGED;
};

/// The inlet-controlled flow of one barrel of culvert code `culvert_code` (SWMM's getUnsubmergedFlow,
/// getTransitionFlow and getSubmergedFlow). `section`: the barrel's geometry (form 1 takes its area and top width at
/// critical depth from it; its full area and depth make A and D); `slope`: the conduit's slope, a fraction;
/// `y1_m`: the head above the inlet's invert, m, which may exceed the full depth.
///
/// SWMM's equations are in US customary units, so the head and geometry are taken to feet, evaluated as SWMM does,
/// and the results brought back to SI. As in SWMM:
/// - up to 0.95·D the inlet is unsubmerged. Form 1 is solved for the critical depth by Ridder's method to 0.001 ft
///   between 0.01·h and h (see InletEquations for which critical flow is taken); where the equation has no root in
///   that range, SWMM takes the critical flow at depth h (HDS_5: at the end nearer the root, and no flow at all while
///   the head is below a mitered inlet's slope correction);
/// - from D·(16·c + Y - slope correction) the inlet is submerged;
/// - in between, the flow is linear in head between the two limits' flows, and dqdh is that line's slope;
/// - dqdh is Q/(M·h) unsubmerged: exact for form 2, for form 1 an approximation that leaves out the critical head.
/// A head of zero or less passes no flow (dqdh 0), where SWMM would divide by zero. Throws std::invalid_argument for
/// an invalid code or a section without full depth or area.
InletControl inlet_control(int culvert_code, const SectionGeometry& section, double slope, double y1_m,
                           InletEquations equations = InletEquations::SWMM_5_2);

/// The flow of one barrel once its inlet has had its say, and the derivative to give dynamic wave.
struct CulvertInflow {
  double q_m3s = 0.0;      ///< the smaller of the momentum equation's flow and the inlet's
  double dqdh_m2s = 0.0;   ///< when controlled: the inlet's dQ/dh for one barrel; else 0 (keep the momentum one)
  bool controlled = false; ///< the inlet passes less than the momentum equation gave
  InletRegime regime = InletRegime::UNSUBMERGED;
};

/// Culvert inlet control of one barrel (SWMM's culvert_getInflow): `q_m3s` is the flow the momentum equation gave one
/// barrel; the other arguments are inlet_control's. If the inlet passes less, that flow and its derivative replace the
/// momentum equation's; otherwise `q_m3s` stands and the conduit keeps its own dqdh. A flow of zero or less is not
/// controlled: SWMM applies inlet control to positive flow only.
///
/// SWMM calls it in dwflow_findConduitFlow when the new flow is positive, the conduit has a culvert code and is not
/// full at both ends, with y1 the upstream head less the inlet invert (node invert plus offset; the head not below the
/// invert, not capped at the full depth); before under-relaxation and the other limits. A culvert then never gets
/// the normal-flow limitation, controlled or not. SWMM stores this dqdh, which is for one barrel, in place of the
/// conduit's, which is for all its barrels: a caller that reproduces SWMM does not multiply it by the barrels.
CulvertInflow culvert_inflow(int culvert_code, const SectionGeometry& section, double slope, double y1_m,
                             double q_m3s, InletEquations equations = InletEquations::SWMM_5_2);

}  // namespace citytwin::models::drainage
