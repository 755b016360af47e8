// Cross-section geometry by SWMM 5.2's formulas (its xsect.c), with its tables of relative area, depth, width and
// section factor for circular pipes.
#include "models/drainage/SectionGeometry.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "models/drainage/Numerics.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::models::drainage {

namespace {

constexpr double PI = 3.141592654;   // SWMM's value
constexpr double TINY = 1.0e-6;
constexpr double RECT_ALFMAX = 0.97;  // relative area of greatest flow in a closed rectangle
constexpr double CIRC_AMAX = 0.9756;  // the same in a circle

using Table = std::array<double, 51>;

// Relative area against relative depth.
constexpr Table A_CIRC = {
    0.0,   .00471, .0134, .024446, .0374, .05208, .0680, .08505, .1033, .12236, .1423, .16310, .1845,
    .20665, .2292, .25236, .2759, .29985, .3242,  .34874, .3736, .39878, .4237, .44907, .4745, .500,
    .5255, .55093, .5763, .60135, .6264,  .65126, .6758, .70015, .7241, .74764, .7708, .79335, .8154,
    .83690, .8576, .87764, .8967, .91495, .9320,  .94792, .9626, .97555, .9866, .99516, 1.000};

// Relative depth against relative area.
constexpr Table Y_CIRC = {
    0.0,     0.05236, 0.08369, 0.11025, 0.13423, 0.15643, 0.17755, 0.19772, 0.21704, 0.23581, 0.25412,
    0.27194, 0.28948, 0.30653, 0.32349, 0.34017, 0.35666, 0.37298, 0.38915, 0.40521, 0.42117, 0.43704,
    0.45284, 0.46858, 0.4843,  0.50000, 0.51572, 0.53146, 0.54723, 0.56305, 0.57892, 0.59487, 0.61093,
    0.62710, 0.64342, 0.65991, 0.67659, 0.69350, 0.71068, 0.72816, 0.74602, 0.76424, 0.78297, 0.80235,
    0.82240, 0.84353, 0.86563, 0.88970, 0.91444, 0.94749, 1.0};

// Relative section factor against relative area.
constexpr Table S_CIRC = {
    0.0,     0.00529, 0.01432, 0.02559, 0.03859, 0.05304, 0.06877, 0.08551, 0.10326, 0.12195, 0.14144,
    0.16162, 0.18251, 0.2041,  0.22636, 0.24918, 0.27246, 0.29614, 0.32027, 0.34485, 0.36989, 0.39531,
    0.42105, 0.44704, 0.47329, 0.4998,  0.52658, 0.55354, 0.58064, 0.60777, 0.63499, 0.66232, 0.68995,
    0.7177,  0.74538, 0.77275, 0.79979, 0.82658, 0.8532,  0.87954, 0.90546, 0.93095, 0.95577, 0.97976,
    1.00291, 1.02443, 1.04465, 1.06135, 1.08208, 1.07662, 1.0};

// Relative width against relative depth.
constexpr Table W_CIRC = {
    0.0,   .2800, .3919, .4750, .5426, .6000, .6499, .6940, .7332, .7684, .8000, .8285, .8542, .8773, .8980,
    .9165, .9330, .9474, .9600, .9708, .9798, .9871, .9928, .9968, .9992, 1.000, .9992, .9968, .9928, .9871,
    .9798, .9708, .9600, .9474, .9330, .9165, .8980, .8773, .8542, .8285, .8000, .7684, .7332, .6940, .6499,
    .6000, .5426, .4750, .3919, .2800, .0};

// Relative hydraulic radius of a circle against relative depth (SWMM's R_Circ).
constexpr Table R_CIRC = {
    .0100, .0528, .1048, .1556, .2052, .254,  .3016, .3484, .3944, .4388,  .4824, .5248, .5664,
    .6064, .6456, .6836, .7204, .7564, .7912, .8244, .8568, .888,  .9176,  .9464, .9736, 1.00,
    1.024, 1.048, 1.070, 1.0912, 1.110, 1.1272, 1.144, 1.1596, 1.174, 1.1848, 1.194, 1.2024, 1.210,
    1.2148, 1.217, 1.2172, 1.215, 1.2104, 1.203, 1.192, 1.178, 1.1584, 1.132, 1.094, 1.000};

/// y(x) from a table of equally spaced x in [0, 1], quadratic near the origin (SWMM's lookup).
double lookup(double x, const Table& t) {
  const int n = static_cast<int>(t.size());
  const double delta = 1.0 / (n - 1);
  const int i = static_cast<int>(x / delta);
  if (i >= n - 1) return t[n - 1];
  const double x0 = i * delta, x1 = (i + 1) * delta;
  double y = t[i] + (x - x0) * (t[i + 1] - t[i]) / delta;
  if (i < 2) {
    const double y2 = y + (x - x0) * (x - x1) / (delta * delta) * (t[i] / 2.0 - t[i + 1] + t[i + 2] / 2.0);
    if (y2 > 0.0) y = y2;
  }
  return y < 0.0 ? 0.0 : y;
}

/// Highest index j ≤ last with t[j] ≤ y, by bisection.
int locate(double y, const Table& t, int last) {
  if (y <= t[0]) return 0;
  if (y >= t[last]) return last;
  int j1 = 0, j2 = last;
  while (j2 - j1 > 1) {
    const int j = (j1 + j2) >> 1;
    if (y >= t[j]) j1 = j;
    else j2 = j;
  }
  return j1;
}

/// x(y) from a table that increases, or whose greatest entry is third from last (SWMM's invLookup).
double inverse_lookup(double y, const Table& t) {
  const int items = static_cast<int>(t.size());
  const double dx = 1.0 / (items - 1);
  int n = items;
  if (t[n - 3] > t[n - 1]) n -= 2;
  int i;
  if (n < items && y > t[items - 1]) {
    if (y >= t[items - 3]) return (n - 1) * dx;
    i = y <= t[items - 2] ? items - 2 : items - 3;
  } else {
    i = locate(y, t, n - 1);
  }
  if (i >= n - 1) return (n - 1) * dx;
  const double x0 = i * dx, dy = t[i + 1] - t[i];
  double x = dy == 0.0 ? x0 : x0 + (y - t[i]) * dx / dy;
  if (x < 0.0) x = 0.0;
  if (x > 1.0) x = 1.0;
  return x;
}

/// dS/dA from one interval of a relative section factor table.
double tabular_slope(const SectionGeometry& g, double a, const Table& t) {
  const int n = static_cast<int>(t.size());
  const double delta = 1.0 / (n - 1);
  int i = static_cast<int>(a / g.a_full_m2 / delta);
  if (i >= n - 1) i = n - 2;
  return (t[i + 1] - t[i]) / delta * g.s_full / g.a_full_m2;
}

// Circles below 4 % full: the exact geometry of a segment of central angle theta.
double theta_of_alpha(double alpha) {
  double theta = alpha > 0.04 ? 1.2 + 5.08 * (alpha - 0.04) / 0.96
                              : 0.031715 - 12.79384 * alpha + 8.28479 * std::sqrt(alpha);
  const double theta1 = theta, ap = 2.0 * PI * alpha;
  for (int k = 1; k <= 40; ++k) {
    double d = -(ap - theta + std::sin(theta)) / (1.0 - std::cos(theta));
    if (d > 1.0) d = 1.0;  // SWMM's SIGN(1, d) for d > 1
    theta -= d;
    if (std::fabs(d) <= 0.0001) return theta;
  }
  return theta1;
}

double theta_of_psi(double psi) {
  double theta;
  if (psi > 0.90) theta = 4.17 + 1.12 * (psi - 0.90) / 0.176;
  else if (psi > 0.5) theta = 3.14 + 1.03 * (psi - 0.5) / 0.4;
  else if (psi > 0.015) theta = 1.2 + 1.94 * (psi - 0.015) / 0.485;
  else theta = 0.12103 - 55.5075 * psi + 15.62254 * std::sqrt(psi);
  const double theta1 = theta, ap = 2.0 * PI * psi;
  for (int k = 1; k <= 40; ++k) {
    theta = std::fabs(theta);
    const double tt = theta - std::sin(theta), tt23 = std::pow(tt, 2.0 / 3.0), t3 = std::pow(theta, 1.0 / 3.0);
    double d = ap * theta / t3 - tt * tt23;
    d /= ap * (2.0 / 3.0) / t3 - (5.0 / 3.0) * tt23 * (1.0 - std::cos(theta));
    theta -= d;
    if (std::fabs(d) <= 0.0001) return theta;
  }
  return theta1;
}

double circular_relative_depth(double alpha) {
  if (alpha >= 1.0) return 1.0;
  if (alpha <= 0.0) return 0.0;
  if (alpha <= 1.0e-5) {
    const double theta = std::pow(37.6911 * alpha, 1.0 / 3.0);
    return theta * theta / 16.0;
  }
  return (1.0 - std::cos(theta_of_alpha(alpha) / 2.0)) / 2.0;
}

double circular_relative_section_factor(double alpha) {
  if (alpha >= 1.0) return 1.0;
  if (alpha <= 0.0) return 0.0;
  if (alpha <= 1.0e-5) return std::pow(std::pow(37.6911 * alpha, 1.0 / 3.0), 13.0 / 3.0) / 124.4797;
  const double theta = theta_of_alpha(alpha);
  return std::pow(theta - std::sin(theta), 5.0 / 3.0) / (2.0 * PI) / std::pow(theta, 2.0 / 3.0);
}

double circular_relative_area(double psi) {
  if (psi >= 1.0) return 1.0;
  if (psi <= 0.0) return 0.0;
  if (psi <= 1.0e-6) {
    const double theta = std::pow(124.4797 * psi, 3.0 / 13.0);
    return theta * theta * theta / 37.6911;
  }
  const double theta = theta_of_psi(psi);
  return (theta - std::sin(theta)) / (2.0 * PI);
}

// The trapezoid, triangle and parabola by formula.
double trapezoid_depth(const SectionGeometry& g, double a) {
  if (g.s_bot == 0.0) return a / g.y_bot;
  return (std::sqrt(g.y_bot * g.y_bot + 4.0 * g.s_bot * a) - g.y_bot) / (2.0 * g.s_bot);
}

double parabola_perimeter(const SectionGeometry& g, double y) {
  const double x = 2.0 * std::sqrt(y) / g.r_bot, t = std::sqrt(1.0 + x * x);
  return 0.5 * g.r_bot * g.r_bot * (x * t + std::log(x + t));
}

double closed_rectangle_radius(const SectionGeometry& g, double a) {
  if (a <= 0.0) return 0.0;
  double p = g.w_max_m + 2.0 * a / g.w_max_m;
  if (a / g.a_full_m2 > RECT_ALFMAX) p += (a / g.a_full_m2 - RECT_ALFMAX) / (1.0 - RECT_ALFMAX) * g.w_max_m;
  return a / p;
}

/// dS/dA by a central difference over ±0.1 % of the full area.
double difference_slope(const SectionGeometry& g, double a) {
  const double alpha = a / g.a_full_m2;
  const double alpha1 = std::max(alpha - 0.001, 0.0), alpha2 = alpha + 0.001;
  const double a1 = alpha1 * g.a_full_m2, a2 = alpha2 * g.a_full_m2;
  return (g.section_factor_of_area(a2) - g.section_factor_of_area(a1)) / (a2 - a1);
}

/// [5/3 − (2/3)·(dP/dA)·R]·R^(2/3), the slope of S = A·R^(2/3) for a perimeter P(A).
double slope_formula(double r, double dpda) { return (5.0 / 3.0 - (2.0 / 3.0) * dpda * r) * std::pow(r, 2.0 / 3.0); }

}  // namespace

bool SectionGeometry::is_open() const { return shape != SectionShape::CIRCULAR && shape != SectionShape::RECT_CLOSED; }

double SectionGeometry::area_at_max_flow() const {
  switch (shape) {
    case SectionShape::CIRCULAR: return CIRC_AMAX * a_full_m2;
    case SectionShape::RECT_CLOSED: return RECT_ALFMAX * a_full_m2;
    default: return a_full_m2;
  }
}

double SectionGeometry::area_of_depth(double y) const {
  if (y <= 0.0) return 0.0;
  switch (shape) {
    case SectionShape::CIRCULAR: return a_full_m2 * lookup(y / y_full_m, A_CIRC);
    case SectionShape::RECT_CLOSED:
    case SectionShape::RECT_OPEN: return y * w_max_m;
    case SectionShape::TRAPEZOIDAL: return (y_bot + s_bot * y) * y;
    case SectionShape::TRIANGULAR: return y * y * s_bot;
    case SectionShape::PARABOLIC: return 4.0 / 3.0 * r_bot * y * std::sqrt(y);
  }
  return 0.0;
}

double SectionGeometry::depth_of_area(double a) const {
  switch (shape) {
    case SectionShape::CIRCULAR: {
      const double alpha = a / a_full_m2;
      return y_full_m * (alpha < 0.04 ? circular_relative_depth(alpha) : lookup(alpha, Y_CIRC));
    }
    case SectionShape::RECT_CLOSED:
    case SectionShape::RECT_OPEN: return a / w_max_m;
    case SectionShape::TRAPEZOIDAL: return trapezoid_depth(*this, a);
    case SectionShape::TRIANGULAR: return std::sqrt(a / s_bot);
    case SectionShape::PARABOLIC: return std::pow(0.75 * a / r_bot, 2.0 / 3.0);
  }
  return 0.0;
}

double SectionGeometry::width_of_depth(double y) const {
  switch (shape) {
    case SectionShape::CIRCULAR: return w_max_m * lookup(y / y_full_m, W_CIRC);
    case SectionShape::RECT_CLOSED: return y / y_full_m == 1.0 ? 0.0 : w_max_m;
    case SectionShape::RECT_OPEN: return w_max_m;
    case SectionShape::TRAPEZOIDAL: return y_bot + 2.0 * y * s_bot;
    case SectionShape::TRIANGULAR: return 2.0 * s_bot * y;
    case SectionShape::PARABOLIC: return 2.0 * r_bot * std::sqrt(y);
  }
  return 0.0;
}

double SectionGeometry::hydraulic_radius_of_depth(double y) const {
  if (y <= 0.0) return 0.0;
  if (shape == SectionShape::CIRCULAR) return r_full_m * lookup(y / y_full_m, R_CIRC);
  return hydraulic_radius_of_area(area_of_depth(y));
}

double SectionGeometry::hydraulic_radius_of_area(double a) const {
  if (a <= 0.0) return 0.0;
  switch (shape) {
    case SectionShape::CIRCULAR: {
      const double s = section_factor_of_area(a);
      if (s < TINY || a < TINY) return 0.0;
      return std::pow(s / a, 1.5);
    }
    case SectionShape::RECT_CLOSED: return closed_rectangle_radius(*this, a);
    case SectionShape::RECT_OPEN: return a / (w_max_m + (2.0 - s_bot) * a / w_max_m);
    case SectionShape::TRAPEZOIDAL: return a / (y_bot + trapezoid_depth(*this, a) * r_bot);
    case SectionShape::TRIANGULAR: return a / (2.0 * std::sqrt(a / s_bot) * r_bot);
    case SectionShape::PARABOLIC: return a / parabola_perimeter(*this, depth_of_area(a));
  }
  return 0.0;
}

double SectionGeometry::section_factor_of_area(double a) const {
  switch (shape) {
    case SectionShape::CIRCULAR: {
      const double alpha = a / a_full_m2;
      return s_full * (alpha < 0.04 ? circular_relative_section_factor(alpha) : lookup(alpha, S_CIRC));
    }
    case SectionShape::RECT_CLOSED:
      // Above the area of greatest flow, between s_max and s_full.
      if (a / a_full_m2 > RECT_ALFMAX)
        return s_max + (s_full - s_max) * (a / a_full_m2 - RECT_ALFMAX) / (1.0 - RECT_ALFMAX);
      return a * std::pow(closed_rectangle_radius(*this, a), 2.0 / 3.0);
    case SectionShape::RECT_OPEN: {
      const double r = a / ((2.0 - s_bot) * (a / w_max_m) + w_max_m);
      return a * std::pow(r, 2.0 / 3.0);
    }
    default: {
      if (a == 0.0) return 0.0;
      const double r = hydraulic_radius_of_area(a);
      if (r < TINY) return 0.0;
      return a * std::pow(r, 2.0 / 3.0);
    }
  }
}

double SectionGeometry::area_of_section_factor(double s) const {
  if (s <= 0.0) return 0.0;
  if (s > s_max) s = s_max;
  if (shape == SectionShape::CIRCULAR) {
    const double psi = s / s_full;
    if (psi >= 1.0) return a_full_m2;
    if (psi <= 0.015) return a_full_m2 * circular_relative_area(psi);
    return a_full_m2 * inverse_lookup(psi, S_CIRC);
  }
  // Newton-Raphson with bisection on S(a) − s, bracketed on the branch that holds s.
  double a1 = 0.0;
  const double a2 = area_at_max_flow();
  if (s <= s_max && s >= s_full && s_max != s_full) a1 = a_full_m2;
  double a = 0.5 * (a1 + a2);
  find_root_newton(a1, a2, a, 0.0001 * a_full_m2, [&](double x, double& f, double& df) {
    f = section_factor_of_area(x) - s;
    df = section_factor_slope(x);
  });
  return a;
}

double SectionGeometry::section_factor_slope(double a) const {
  const double alpha = a / a_full_m2;
  switch (shape) {
    case SectionShape::CIRCULAR: {
      if (alpha <= 1.0e-30) return 1.0e-30;
      if (alpha < 0.04) {
        const double theta = theta_of_alpha(alpha);
        const double r = a / (theta * y_full_m / 2.0);
        return slope_formula(r, 4.0 / y_full_m / (1.0 - std::cos(theta)));
      }
      return tabular_slope(*this, a, S_CIRC);
    }
    case SectionShape::RECT_CLOSED:
      if (alpha > RECT_ALFMAX) return (s_full - s_max) / ((1.0 - RECT_ALFMAX) * a_full_m2);
      if (alpha <= 1.0e-30) return difference_slope(*this, a);
      return slope_formula(closed_rectangle_radius(*this, a), 2.0 / w_max_m);
    case SectionShape::RECT_OPEN:
      if (alpha <= 1.0e-30) return difference_slope(*this, a);
      return slope_formula(hydraulic_radius_of_area(a), (2.0 - s_bot) / w_max_m);
    case SectionShape::TRAPEZOIDAL:
      if (alpha <= 1.0e-30) return difference_slope(*this, a);
      return slope_formula(hydraulic_radius_of_area(a), r_bot / std::sqrt(y_bot * y_bot + 4.0 * s_bot * a));
    case SectionShape::TRIANGULAR:
      if (alpha <= 1.0e-30) return difference_slope(*this, a);
      return slope_formula(hydraulic_radius_of_area(a), r_bot / std::sqrt(a * s_bot));
    case SectionShape::PARABOLIC: return difference_slope(*this, a);
  }
  return 0.0;
}

SectionGeometry make_section(const CrossSection& x, double length_m, const std::string& file,
                             const std::string& link) {
  SectionGeometry g;
  auto fail = [&](const std::string& what) {
    throw sim::ScenarioError(file + ":" + std::to_string(x.line) + ": [XSECTIONS] link '" + link + "': " + what);
  };
  if (x.line == 0) fail("has no cross-section; give it one in [XSECTIONS]");
  switch (x.shape) {
    case CrossSectionShape::CIRCULAR:
      g.shape = SectionShape::CIRCULAR;
      g.y_full_m = x.depth_m;
      g.w_max_m = g.y_full_m;
      g.a_full_m2 = PI / 4.0 * g.y_full_m * g.y_full_m;
      g.r_full_m = 0.25 * g.y_full_m;
      g.s_full = g.a_full_m2 * std::pow(g.r_full_m, 2.0 / 3.0);
      g.s_max = 1.08 * g.s_full;
      g.yw_max_m = 0.5 * g.y_full_m;
      break;
    case CrossSectionShape::RECT_CLOSED: {
      g.shape = SectionShape::RECT_CLOSED;
      g.y_full_m = x.depth_m;
      g.w_max_m = x.width_m;
      g.a_full_m2 = g.y_full_m * g.w_max_m;
      g.r_full_m = g.a_full_m2 / (2.0 * (g.y_full_m + g.w_max_m));
      g.s_full = g.a_full_m2 * std::pow(g.r_full_m, 2.0 / 3.0);
      const double a_max = RECT_ALFMAX * g.a_full_m2;
      g.s_max = a_max * std::pow(closed_rectangle_radius(g, a_max), 2.0 / 3.0);
      g.yw_max_m = g.y_full_m;
      break;
    }
    case CrossSectionShape::RECT_OPEN:
      g.shape = SectionShape::RECT_OPEN;
      g.y_full_m = x.depth_m;
      g.w_max_m = x.width_m;
      g.s_bot = x.sides_ignored;
      g.a_full_m2 = g.y_full_m * g.w_max_m;
      g.r_full_m = g.a_full_m2 / ((2.0 - g.s_bot) * g.y_full_m + g.w_max_m);
      g.s_full = g.a_full_m2 * std::pow(g.r_full_m, 2.0 / 3.0);
      g.s_max = g.s_full;
      g.yw_max_m = g.y_full_m;
      break;
    case CrossSectionShape::TRAPEZOIDAL:
      g.shape = SectionShape::TRAPEZOIDAL;
      g.y_full_m = x.depth_m;
      g.yw_max_m = g.y_full_m;
      g.y_bot = x.width_m;
      g.s_bot = (x.left_slope + x.right_slope) / 2.0;
      g.r_bot = std::sqrt(1.0 + x.left_slope * x.left_slope) + std::sqrt(1.0 + x.right_slope * x.right_slope);
      g.w_max_m = g.y_bot + g.y_full_m * (x.left_slope + x.right_slope);
      g.a_full_m2 = (g.y_bot + g.s_bot * g.y_full_m) * g.y_full_m;
      g.r_full_m = g.a_full_m2 / (g.y_bot + g.y_full_m * g.r_bot);
      g.s_full = g.a_full_m2 * std::pow(g.r_full_m, 2.0 / 3.0);
      g.s_max = g.s_full;
      break;
    case CrossSectionShape::TRIANGULAR:
      g.shape = SectionShape::TRIANGULAR;
      g.y_full_m = x.depth_m;
      g.w_max_m = x.width_m;
      g.yw_max_m = g.y_full_m;
      g.s_bot = g.w_max_m / g.y_full_m / 2.0;
      g.r_bot = std::sqrt(1.0 + g.s_bot * g.s_bot);
      g.a_full_m2 = g.y_full_m * g.y_full_m * g.s_bot;
      g.r_full_m = g.a_full_m2 / (2.0 * g.y_full_m * g.r_bot);
      g.s_full = g.a_full_m2 * std::pow(g.r_full_m, 2.0 / 3.0);
      g.s_max = g.s_full;
      break;
    case CrossSectionShape::OTHER:
      if (x.shape_name != "PARABOLIC")
        fail("shape " + x.shape_name +
             " is not supported by kinematic wave routing here; use CIRCULAR, RECT_CLOSED, RECT_OPEN, TRAPEZOIDAL, "
             "TRIANGULAR or PARABOLIC");
      if (!(x.geometry[0] > 0.0 && x.geometry[1] > 0.0)) fail("PARABOLIC height and top width must be above 0");
      g.shape = SectionShape::PARABOLIC;
      g.y_full_m = x.geometry[0] * length_m;
      g.w_max_m = x.geometry[1] * length_m;
      g.yw_max_m = g.y_full_m;
      g.r_bot = g.w_max_m / 2.0 / std::sqrt(g.y_full_m);
      g.a_full_m2 = (2.0 / 3.0) * g.y_full_m * g.w_max_m;
      g.r_full_m = g.a_full_m2 / parabola_perimeter(g, g.y_full_m);
      g.s_full = g.a_full_m2 * std::pow(g.r_full_m, 2.0 / 3.0);
      g.s_max = g.s_full;
      break;
  }
  return g;
}

}  // namespace citytwin::models::drainage
