// Culvert inlet control against the FHWA HDS-5 equations solved by hand (critical depth of the exact circle, not
// SWMM's tables), published worked examples, finite differences of the flow, and the limits of SWMM's three regimes.
#include "models/drainage/Culvert.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <string>

using namespace citytwin::models::drainage;

namespace {

constexpr double FT = 0.3048;
constexpr double CFS = FT * FT * FT;   // m³/s per cfs
constexpr double PI = 3.141592653589793;
constexpr double G_FT = 32.2;

SectionGeometry circle(double diameter_m) {
  CrossSection x;
  x.shape = CrossSectionShape::CIRCULAR;
  x.shape_name = "CIRCULAR";
  x.depth_m = x.width_m = diameter_m;
  x.line = 1;
  return make_section(x, 1.0, "culvert.inp", "C1");
}

SectionGeometry box(double height_m, double width_m) {
  CrossSection x;
  x.shape = CrossSectionShape::RECT_CLOSED;
  x.shape_name = "RECT_CLOSED";
  x.depth_m = height_m;
  x.width_m = width_m;
  x.line = 1;
  return make_section(x, 1.0, "culvert.inp", "C1");
}

/// Area (ft²) and top width (ft) of a circle of diameter d flowing y deep, exactly.
void exact_circle(double d, double y, double& area, double& width) {
  const double theta = 2.0 * std::acos(1.0 - 2.0 * y / d);
  area = d * d / 8.0 * (theta - std::sin(theta));
  width = d * std::sin(theta / 2.0);
}

/// Critical depth (ft) of q (cfs) in the exact circle of diameter d, by bisection on Q = A·√(g·A/T).
double exact_critical_depth(double d, double q) {
  double lo = 1e-9, hi = 0.999 * d;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    double a = 0.0, w = 0.0;
    exact_circle(d, mid, a, w);
    (a * std::sqrt(G_FT * a / w) < q ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

/// HDS-5 form 1 unsubmerged headwater (ft) of q (cfs) for a circle of diameter d (ft): Hc/D + K·X^M - 0.5·S.
double form1_headwater_ft(double d, double q, double k, double m, double slope) {
  const double yc = exact_critical_depth(d, q);
  double a = 0.0, w = 0.0;
  exact_circle(d, yc, a, w);
  const double hc = yc + a / (2.0 * w);
  const double x = q / (PI / 4.0 * d * d * std::sqrt(d));
  return d * (hc / d + k * std::pow(x, m) - 0.5 * slope);
}

}  // namespace

TEST_CASE("the table holds SWMM's 57 culvert codes with HDS-5's coefficients") {
  CHECK_FALSE(valid_culvert_code(0));
  CHECK(valid_culvert_code(1));
  CHECK(valid_culvert_code(57));
  CHECK_FALSE(valid_culvert_code(58));
  CHECK_FALSE(valid_culvert_code(-3));
  // HDS-5 Table A.1: circular concrete, square edge with headwall; a box of form 2; a tapered inlet.
  const CulvertCoefficients& c1 = culvert_coefficients(1);
  CHECK(c1.form == 1);
  CHECK(c1.k == 0.0098);
  CHECK(c1.m == 2.0);
  CHECK(c1.c == 0.0398);
  CHECK(c1.y == 0.67);
  const CulvertCoefficients& c12 = culvert_coefficients(12);
  CHECK(c12.form == 2);
  CHECK(c12.k == 0.510);
  CHECK(c12.m == 0.667);
  CHECK(culvert_coefficients(57).y == 0.71);
  // Only the three inlets mitered to the slope take HDS-5's +0.7·S.
  int mitered = 0;
  for (int code = 1; code <= 57; ++code) {
    const CulvertCoefficients& c = culvert_coefficients(code);
    CHECK((c.form == 1 || c.form == 2));
    CHECK(c.k > 0.0);
    CHECK(c.m > 0.0);
    CHECK(c.c > 0.0);
    CHECK(c.y > 0.0);
    if (c.mitered) {
      ++mitered;
      CHECK((code == 5 || code == 37 || code == 46));
    }
  }
  CHECK(mitered == 3);
}

TEST_CASE("a code outside 1 to 57 is refused with the codes that are valid") {
  const SectionGeometry pipe = circle(0.9144);
  const std::string message =
      "culvert code 58 is not one of SWMM's FHWA HDS-5 inlets; use a code from 1 to 57, or 0 for a conduit without "
      "inlet control";
  CHECK_THROWS_WITH_AS(culvert_inflow(58, pipe, 0.01, 0.5, 1.0), message.c_str(), std::invalid_argument);
  CHECK_THROWS_AS(culvert_inflow(0, pipe, 0.01, 0.5, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(culvert_coefficients(-1), std::invalid_argument);
  CHECK_THROWS_WITH_AS(inlet_control(1, SectionGeometry{}, 0.01, 0.5),
                       "culvert code 1: the barrel's section has no full depth or area; make it with make_section",
                       std::invalid_argument);
}

TEST_CASE("a square-edged concrete pipe passes the HDS-5 form 1 flow at its unsubmerged headwater") {
  // A 3 ft (0.9144 m) circular concrete pipe, square edge with headwall (code 1: K 0.0098, M 2.0), on a 1 % slope.
  // By hand, 30 cfs: critical depth 1.774 ft in the exact circle (A 4.352 ft², T 2.949 ft), Hc = dc + A/(2T) =
  // 2.512 ft, X = Q/(A·D^0.5) = 30/12.243 = 2.450, HW/D = 2.512/3 + 0.0098·2.450² - 0.005 = 0.891: HW = 2.673 ft.
  const double d_ft = 3.0;
  const SectionGeometry pipe = circle(d_ft * FT);
  CHECK(form1_headwater_ft(d_ft, 30.0, 0.0098, 2.0, 0.01) == doctest::Approx(2.673).epsilon(5e-4));
  for (double q_cfs : {2.0, 5.0, 10.0, 20.0, 30.0}) {
    const double hw_ft = form1_headwater_ft(d_ft, q_cfs, 0.0098, 2.0, 0.01);
    REQUIRE(hw_ft < 0.95 * d_ft);
    const InletControl inlet = inlet_control(1, pipe, 0.01, hw_ft * FT, InletEquations::HDS_5);
    CAPTURE(q_cfs);
    CHECK(inlet.regime == InletRegime::UNSUBMERGED);
    CHECK(inlet.q_m3s == doctest::Approx(q_cfs * CFS).epsilon(0.005));
    // SWMM's derivative of form 1: Q/(M·h).
    CHECK(inlet.dqdh_m2s == doctest::Approx(inlet.q_m3s / (2.0 * hw_ft * FT)).epsilon(1e-12));
  }
}

TEST_CASE("SWMM's form 1 flow is the critical flow where its root finder last looked, not where it converged") {
  // At the hand headwater of 5 cfs in the pipe above (0.936 ft, critical depth 0.699 ft), Ridder's first estimate
  // of the critical depth, 0.6986 ft, falls just short of the root; the bracket then shrinks from below only, to
  // [0.6986, 0.936] ft, and the next estimate converges, but the last evaluation was at that bracket's midpoint,
  // 0.817 ft, whose critical flow (6.76 cfs) is what SWMM 5.2 keeps: 35 % more than the equation's 5 cfs.
  const SectionGeometry pipe = circle(3.0 * FT);
  const double hw_ft = form1_headwater_ft(3.0, 5.0, 0.0098, 2.0, 0.01);
  CHECK(hw_ft == doctest::Approx(0.936).epsilon(1e-3));
  const InletControl swmm = inlet_control(1, pipe, 0.01, hw_ft * FT, InletEquations::SWMM_5_2);
  CHECK(swmm.q_m3s > 1.3 * 5.0 * CFS);
  CHECK(swmm.q_m3s < 1.4 * 5.0 * CFS);
  CHECK(inlet_control(1, pipe, 0.01, hw_ft * FT, InletEquations::HDS_5).q_m3s ==
        doctest::Approx(5.0 * CFS).epsilon(0.005));
  // Where the last evaluation is the converged estimate, the two agree (27 cfs: HW/D 0.830).
  const double hw27_ft = form1_headwater_ft(3.0, 27.0, 0.0098, 2.0, 0.01);
  CHECK(inlet_control(1, pipe, 0.01, hw27_ft * FT).q_m3s == doctest::Approx(27.0 * CFS).epsilon(0.005));
  // SWMM's reading is the default.
  CHECK(inlet_control(1, pipe, 0.01, hw_ft * FT).q_m3s == swmm.q_m3s);
}

TEST_CASE("a box inlet of form 2 passes K·X^M's flow, whatever its slope") {
  // A 1.8 m wide, 1.2 m high box, 45° flared wingwalls and a beveled top edge (code 12: K 0.510, M 0.667). At
  // X = 2.5: Q = 2.5·A·D^0.5 = 2.5 · 23.25 ft² · 1.984 ft^0.5 = 115.3 cfs, HW/D = 0.510 · 2.5^0.667 = 0.940.
  const SectionGeometry barrel = box(1.2, 1.8);
  const double a_ft2 = 1.2 * 1.8 / (FT * FT), d_ft = 1.2 / FT;
  const double q_cfs = 2.5 * a_ft2 * std::sqrt(d_ft), hw_ft = d_ft * 0.510 * std::pow(2.5, 0.667);
  CHECK(q_cfs == doctest::Approx(115.3).epsilon(1e-3));
  CHECK(hw_ft / d_ft == doctest::Approx(0.940).epsilon(1e-3));
  for (double slope : {0.0, 0.01, 0.05}) {
    const InletControl inlet = inlet_control(12, barrel, slope, hw_ft * FT);
    CHECK(inlet.regime == InletRegime::UNSUBMERGED);
    CHECK(inlet.q_m3s == doctest::Approx(q_cfs * CFS).epsilon(1e-9));
  }
}

TEST_CASE("a submerged inlet passes the flow of HDS-5's orifice equation") {
  // Code 1 (c 0.0398, Y 0.67), 3 ft, 1 % slope, 60 cfs: X = 4.901, HW/D = 0.0398·4.901² + 0.67 - 0.005 = 1.621,
  // HW = 4.863 ft; the inlet is submerged from HW/D = 16·0.0398 + 0.67 - 0.005 = 1.302 (X = 4) up.
  const SectionGeometry pipe = circle(3.0 * FT);
  const double x = 60.0 / (PI / 4.0 * 9.0 * std::sqrt(3.0));
  const double hw_ft = 3.0 * (0.0398 * x * x + 0.67 - 0.005);
  CHECK(hw_ft == doctest::Approx(4.863).epsilon(2e-4));
  const InletControl inlet = inlet_control(1, pipe, 0.01, hw_ft * FT);
  CHECK(inlet.regime == InletRegime::SUBMERGED);
  CHECK(inlet.q_m3s == doctest::Approx(60.0 * CFS).epsilon(1e-6));
  // At the submerged limit, X = 4 exactly.
  const InletControl limit = inlet_control(1, pipe, 0.01, 3.0 * 1.3018 * FT);
  CHECK(limit.regime == InletRegime::SUBMERGED);
  CHECK(limit.q_m3s == doctest::Approx(4.0 * PI / 4.0 * 9.0 * std::sqrt(3.0) * CFS).epsilon(1e-9));
}

TEST_CASE("published worked examples of submerged inlet control are reproduced") {
  // MSMA Aware, culvert case study 3, "Manual calculation" (msmaware.com/blog/documentation/culvert/
  // case-study-3-outlet-control-pipe-culvert/manual-calculation): a 0.6 m concrete pipe with a square-edged
  // headwall (c 0.0398, Y 0.67) carrying 0.9 m³/s (31.78 cfs) on a 0.008 slope: Q/(A·D^0.5) = 7.443, submerged,
  // HW/D = 2.872, HWi = 1.723 m.
  const InletControl msma = inlet_control(1, circle(0.6), 0.008, 1.723);
  CHECK(msma.regime == InletRegime::SUBMERGED);
  CHECK(msma.q_m3s == doctest::Approx(0.9).epsilon(0.005));

  // A 3 ft corrugated metal pipe mitered to a 5 % slope (code 5: c 0.0463, Y 0.75) carrying 60 cfs (HydroCouple's
  // SWMM issue analysis NUM-06, "Mitered culvert inlets get ten times the HDS-5 slope correction"): X = 4.90, HDS-5
  // with +0.7·S gives HW = 5.691 ft (HW/D 1.897); SWMM 5.2.4 gives 6.637 ft (HW/D 2.212), its +7·S.
  const SectionGeometry cmp = circle(3.0 * FT);
  const InletControl swmm = inlet_control(5, cmp, 0.05, 6.637 * FT, InletEquations::SWMM_5_2);
  CHECK(swmm.regime == InletRegime::SUBMERGED);
  CHECK(swmm.q_m3s == doctest::Approx(60.0 * CFS).epsilon(0.005));
  const InletControl hds5 = inlet_control(5, cmp, 0.05, 5.691 * FT, InletEquations::HDS_5);
  CHECK(hds5.regime == InletRegime::SUBMERGED);
  CHECK(hds5.q_m3s == doctest::Approx(60.0 * CFS).epsilon(0.005));
  // SWMM's correction is the default; an inlet that is not mitered is the same either way.
  CHECK(inlet_control(5, cmp, 0.05, 6.637 * FT).q_m3s == swmm.q_m3s);
  CHECK(inlet_control(4, cmp, 0.05, 5.0 * FT, InletEquations::HDS_5).q_m3s ==
        inlet_control(4, cmp, 0.05, 5.0 * FT, InletEquations::SWMM_5_2).q_m3s);
}

TEST_CASE("the derivative by head agrees with a finite difference of the flow") {
  const SectionGeometry pipe = circle(3.0 * FT), barrel = box(1.2, 1.8);
  auto central = [](int code, const SectionGeometry& g, double slope, double y) {
    const double dy = 1e-5;
    return (inlet_control(code, g, slope, y + dy).q_m3s - inlet_control(code, g, slope, y - dy).q_m3s) / (2.0 * dy);
  };
  struct Case {
    int code;
    const SectionGeometry* g;
    double y_m;
    InletRegime regime;
  };
  // Form 2 unsubmerged, submerged, and the transition between 0.95·D (0.8687 m) and 1.302·D (1.190 m).
  const Case cases[] = {{12, &barrel, 0.6, InletRegime::UNSUBMERGED}, {12, &barrel, 1.0, InletRegime::UNSUBMERGED},
                        {1, &pipe, 1.5, InletRegime::SUBMERGED},       {12, &barrel, 1.8, InletRegime::SUBMERGED},
                        {1, &pipe, 1.0, InletRegime::TRANSITION},      {12, &barrel, 1.2, InletRegime::TRANSITION}};
  for (const Case& c : cases) {
    const InletControl inlet = inlet_control(c.code, *c.g, 0.01, c.y_m);
    CAPTURE(c.code);
    CAPTURE(c.y_m);
    CHECK(inlet.regime == c.regime);
    CHECK(inlet.dqdh_m2s > 0.0);
    CHECK(inlet.dqdh_m2s == doctest::Approx(central(c.code, *c.g, 0.01, c.y_m)).epsilon(1e-4));
  }
  // Form 1's Q/(M·h) leaves out how the critical head grows with the flow: it understates the true derivative.
  const auto hds5 = InletEquations::HDS_5;
  const double y = 0.6, dy = 0.01;
  const double above = inlet_control(1, pipe, 0.01, y + dy, hds5).q_m3s;
  const double below = inlet_control(1, pipe, 0.01, y - dy, hds5).q_m3s;
  const double fd = (above - below) / (2.0 * dy);
  CHECK(inlet_control(1, pipe, 0.01, y, hds5).dqdh_m2s < fd);
}

TEST_CASE("the flow grows with the head through SWMM's transition, for every code") {
  const SectionGeometry pipe = circle(1.2), barrel = box(1.2, 1.8);
  for (int code = 1; code <= 57; ++code) {
    const CulvertCoefficients& k = culvert_coefficients(code);
    const SectionGeometry& g = k.form == 1 ? pipe : barrel;
    const double d = g.y_full_m, slope = 0.01;
    for (InletEquations eq : {InletEquations::SWMM_5_2, InletEquations::HDS_5}) {
      const double scf = k.mitered ? (eq == InletEquations::SWMM_5_2 ? -7.0 : -0.7) * slope : 0.5 * slope;
      const double y1 = 0.95 * d, y2 = d * (16.0 * k.c + k.y - scf);
      CAPTURE(code);
      CAPTURE(static_cast<int>(eq));
      REQUIRE(y2 > y1);
      // Continuous at both limits; linear in between.
      const InletControl at1 = inlet_control(code, g, slope, y1, eq);
      const InletControl at2 = inlet_control(code, g, slope, y2 * (1.0 + 1e-12), eq);
      CHECK(at1.regime == InletRegime::UNSUBMERGED);
      CHECK(at2.regime == InletRegime::SUBMERGED);
      const double after1 = inlet_control(code, g, slope, y1 * (1.0 + 1e-12), eq).q_m3s;
      const double before2 = inlet_control(code, g, slope, y2 * (1.0 - 1e-12), eq).q_m3s;
      CHECK(after1 == doctest::Approx(at1.q_m3s).epsilon(1e-9));
      CHECK(before2 == doctest::Approx(at2.q_m3s).epsilon(1e-9));
      const InletControl mid = inlet_control(code, g, slope, 0.5 * (y1 + y2), eq);
      CHECK(mid.regime == InletRegime::TRANSITION);
      CHECK(mid.q_m3s == doctest::Approx(0.5 * (at1.q_m3s + at2.q_m3s)).epsilon(1e-9));
      // Rising from the unsubmerged limit through the transition into the submerged range; with HDS-5's reading of
      // form 1, from a tenth of the barrel's depth (SWMM's form 1 flow jitters with the head below 0.95·D).
      const double from = eq == InletEquations::SWMM_5_2 ? y1 : 0.1 * d;
      double last = 0.0;
      bool rising = true;
      for (double y = from; y <= 1.5 * y2; y += 0.005 * d) {
        const double q = inlet_control(code, g, slope, y, eq).q_m3s;
        rising = rising && q > last;
        last = q;
      }
      CHECK(rising);
    }
  }
}

TEST_CASE("the inlet governs only when it passes less than the momentum equation gives") {
  const SectionGeometry pipe = circle(3.0 * FT);
  const double y = 2.0 * FT;
  const InletControl inlet = inlet_control(1, pipe, 0.01, y);
  // More than the inlet passes: the inlet's flow and derivative replace the momentum equation's.
  const CulvertInflow limited = culvert_inflow(1, pipe, 0.01, y, 2.0 * inlet.q_m3s);
  CHECK(limited.controlled);
  CHECK(limited.q_m3s == inlet.q_m3s);
  CHECK(limited.dqdh_m2s == inlet.dqdh_m2s);
  CHECK(limited.regime == InletRegime::UNSUBMERGED);
  // Less: the momentum equation's flow stands, and so does its derivative.
  const CulvertInflow free = culvert_inflow(1, pipe, 0.01, y, 0.5 * inlet.q_m3s);
  CHECK_FALSE(free.controlled);
  CHECK(free.q_m3s == 0.5 * inlet.q_m3s);
  CHECK(free.dqdh_m2s == 0.0);
  // No flow or backflow is not controlled; no head passes no flow.
  CHECK_FALSE(culvert_inflow(1, pipe, 0.01, y, -0.1).controlled);
  CHECK(culvert_inflow(1, pipe, 0.01, y, -0.1).q_m3s == -0.1);
  const CulvertInflow dry = culvert_inflow(1, pipe, 0.01, 0.0, 0.1);
  CHECK(dry.controlled);
  CHECK(dry.q_m3s == 0.0);
  CHECK(dry.dqdh_m2s == 0.0);
}

TEST_CASE("a mitered inlet below SWMM's slope correction passes the critical flow of its head") {
  // Code 5 on a 5 % slope in SWMM: h/D + scf = h/D - 0.35 is negative below h = 1.05 ft in a 3 ft pipe, form 1 has
  // no root, and SWMM's flow is the critical flow at depth h, more than the inlet would pass by HDS-5.
  const SectionGeometry cmp = circle(3.0 * FT);
  const double h = 0.5 * FT, a = cmp.area_of_depth(h), w = cmp.width_of_depth(h);
  const double qc = a * std::sqrt(G_FT * FT * a / w);
  CHECK(inlet_control(5, cmp, 0.05, h).q_m3s == doctest::Approx(qc).epsilon(1e-12));
  CHECK(inlet_control(5, cmp, 0.05, h, InletEquations::HDS_5).q_m3s < 0.9 * qc);
}
