// Cross-section geometry against the formulas of each shape, and SWMM's circular tables against the exact circle.
#include "models/drainage/SectionGeometry.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

using namespace citytwin::models::drainage;

namespace {

CrossSection section(CrossSectionShape shape, const std::string& name, double depth, double width,
                     double left = 0.0, double right = 0.0) {
  CrossSection x;
  x.shape = shape;
  x.shape_name = name;
  x.depth_m = depth;
  x.width_m = width;
  x.left_slope = left;
  x.right_slope = right;
  x.geometry = {depth, width, 0.0, 0.0};
  x.line = 7;
  return x;
}

constexpr double PI = 3.141592653589793;

}  // namespace

TEST_CASE("a circular pipe's tabulated geometry agrees with the exact circle") {
  const SectionGeometry g = make_section(section(CrossSectionShape::CIRCULAR, "CIRCULAR", 1.2, 1.2), 1.0, "f", "C");
  CHECK(g.a_full_m2 == doctest::Approx(PI / 4.0 * 1.44).epsilon(1e-8));
  CHECK(g.s_full == doctest::Approx(g.a_full_m2 * std::pow(0.3, 2.0 / 3.0)));
  // Half full: half the area, the full hydraulic radius.
  CHECK(g.area_of_depth(0.6) == doctest::Approx(g.a_full_m2 / 2.0).epsilon(1e-6));
  const double half = g.a_full_m2 / 2.0;
  CHECK(g.section_factor_of_area(half) == doctest::Approx(half * std::pow(0.3, 2.0 / 3.0)).epsilon(2e-3));
  // A segment of central angle theta at 30 % depth, by the exact formula.
  const double y = 0.36, theta = 2.0 * std::acos(1.0 - 2.0 * y / 1.2);
  const double area = 1.44 / 8.0 * (theta - std::sin(theta));
  CHECK(g.area_of_depth(y) == doctest::Approx(area).epsilon(2e-3));
  CHECK(g.depth_of_area(area) == doctest::Approx(y).epsilon(2e-3));
  // The section factor inverts on the lower branch; above the full pipe's it is the full area, as in SWMM.
  for (double f : {0.001, 0.01, 0.1, 0.5, 0.9, 1.0}) {
    const double s = f * g.s_full;
    CHECK(g.section_factor_of_area(g.area_of_section_factor(s)) == doctest::Approx(s).epsilon(3e-3));
  }
  CHECK(g.area_of_section_factor(1.05 * g.s_full) == g.a_full_m2);
}

TEST_CASE("open rectangles and trapezoids follow Manning's section factor") {
  const SectionGeometry r = make_section(section(CrossSectionShape::RECT_OPEN, "RECT_OPEN", 1.0, 2.0), 1.0, "f", "C");
  for (double y : {0.05, 0.3, 0.8}) {
    const double a = 2.0 * y, s = a * std::pow(a / (2.0 + 2.0 * y), 2.0 / 3.0);
    CHECK(r.section_factor_of_area(a) == doctest::Approx(s));
    CHECK(r.area_of_section_factor(s) == doctest::Approx(a).epsilon(1e-3));
    CHECK(r.section_factor_slope(a) ==
          doctest::Approx((r.section_factor_of_area(a * 1.0001) - r.section_factor_of_area(a * 0.9999)) / (2e-4 * a))
              .epsilon(1e-4));
  }
  const SectionGeometry t =
      make_section(section(CrossSectionShape::TRAPEZOIDAL, "TRAPEZOIDAL", 1.0, 3.0, 2.0, 1.0), 1.0, "f", "C");
  const double y = 0.4, a = (3.0 + 1.5 * y) * y, p = 3.0 + y * (std::sqrt(5.0) + std::sqrt(2.0));
  CHECK(t.area_of_depth(y) == doctest::Approx(a));
  CHECK(t.depth_of_area(a) == doctest::Approx(y));
  CHECK(t.width_of_depth(y) == doctest::Approx(3.0 + 3.0 * y));
  CHECK(t.section_factor_of_area(a) == doctest::Approx(a * std::pow(a / p, 2.0 / 3.0)));
}

TEST_CASE("a shape kinematic wave does not support here is refused with its file, line and link") {
  CrossSection egg = section(CrossSectionShape::OTHER, "EGG", 1.0, 0.0);
  try {
    (void)make_section(egg, 1.0, "model.inp", "P7");
    FAIL("no error");
  } catch (const std::exception& e) {
    CHECK(std::string(e.what()) ==
          "model.inp:7: [XSECTIONS] link 'P7': shape EGG is not supported by kinematic wave routing here; use "
          "CIRCULAR, RECT_CLOSED, RECT_OPEN, TRAPEZOIDAL, TRIANGULAR or PARABOLIC");
  }
}
