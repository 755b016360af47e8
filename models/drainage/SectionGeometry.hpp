// The geometry of a conduit's or regulator's cross-section as SWMM 5.2 computes it: area, width, hydraulic radius
// and section factor against depth, with SWMM's tables for the circular shape.
#pragma once

#include <cstdint>
#include <string>

#include "models/drainage/DrainageNetwork.hpp"

namespace citytwin::models::drainage {

/// The shapes whose geometry is computed here.
enum class SectionShape : std::uint8_t { CIRCULAR, RECT_CLOSED, RECT_OPEN, TRAPEZOIDAL, TRIANGULAR, PARABOLIC };

/// A cross-section's constant geometry, in SI (m, m², m^(8/3) for section factors). The section factor of a flow
/// area A is S = A·R^(2/3), R its hydraulic radius, so that Manning's normal flow is (√slope / n)·S. The fields are
/// SWMM's TXsect: `y_bot`, `s_bot` and `r_bot` hold what each shape needs (TRAPEZOIDAL: bottom width, mean side slope,
/// wall length per unit depth; TRIANGULAR: side slope, wall length per unit depth; PARABOLIC: 1/√c of y = c·x²;
/// RECT_OPEN: the walls left out of the wetted perimeter in `s_bot`).
struct SectionGeometry {
  SectionShape shape = SectionShape::CIRCULAR;
  double y_full_m = 0.0;     ///< full depth
  double w_max_m = 0.0;      ///< greatest top width
  double a_full_m2 = 0.0;    ///< full area
  double r_full_m = 0.0;     ///< hydraulic radius when full
  double s_full = 0.0;       ///< section factor when full, m^(8/3)
  double s_max = 0.0;        ///< greatest section factor (above s_full for closed shapes), m^(8/3)
  double yw_max_m = 0.0;     ///< depth at the greatest width
  double y_bot = 0.0, s_bot = 0.0, r_bot = 0.0;

  /// True for shapes open at the top (the section factor grows to the full depth).
  bool is_open() const;
  /// Flow area at which the section factor is greatest, m².
  double area_at_max_flow() const;

  double area_of_depth(double y_m) const;
  double depth_of_area(double a_m2) const;
  double width_of_depth(double y_m) const;
  double hydraulic_radius_of_area(double a_m2) const;
  /// Hydraulic radius at a depth, m: from SWMM's table for circles (as dynamic wave takes it), else of the area.
  double hydraulic_radius_of_depth(double y_m) const;
  double section_factor_of_area(double a_m2) const;
  /// The flow area whose section factor is `s` (at most s_max), on the lower branch for closed shapes.
  double area_of_section_factor(double s) const;
  /// dS/dA at flow area `a`, m^(2/3).
  double section_factor_slope(double a_m2) const;
};

/// The geometry of a link's cross-section in SI. `length_m` converts the file's Geom values of shapes the reader keeps
/// unnamed (PARABOLIC). Throws sim::ScenarioError naming the file, line and link for a shape kinematic wave routing
/// does not support here ("... EGG is not supported; use CIRCULAR, RECT_CLOSED, RECT_OPEN, TRAPEZOIDAL, TRIANGULAR or
/// PARABOLIC").
SectionGeometry make_section(const CrossSection& x, double length_m, const std::string& file, const std::string& link);

}  // namespace citytwin::models::drainage
