// Storage units and regulators (orifices, weirs, outlets, pumps) as SWMM 5.2 computes them (its node.c, link.c and
// roadway.c), in SI, for both kinematic and dynamic wave routing: kinematic wave gives a regulator its upstream node's
// invert as the downstream level, as SWMM does, so that only dynamic wave feels submergence and backflow.
#pragma once

#include <cstdint>

#include "models/drainage/DrainageNetwork.hpp"
#include "models/drainage/SectionGeometry.hpp"

namespace citytwin::models::drainage {

// ---- Storage units --------------------------------------------------------------------------------------------

/// Surface area at depth `depth_m`, m²: the curve (extended beyond its last point) or the shape's polynomial.
double storage_surface_area_m2(const DrainageNetwork& net, const Storage& s, double depth_m);

/// Volume held at depth `depth_m`, m³ (the tabular curve by trapezoids); `full_volume_m3` at or above the full depth
/// when it is known (above 0).
double storage_volume_m3(const DrainageNetwork& net, const Storage& s, double depth_m, double full_depth_m,
                         double full_volume_m3);

/// Depth holding volume `volume_m3`, m, at most the full depth (closed forms where SWMM has them, else Newton).
double storage_depth_m(const DrainageNetwork& net, const Storage& s, double volume_m3, double full_depth_m,
                       double full_volume_m3);

// ---- Regulators -----------------------------------------------------------------------------------------------

/// A regulator's constant parameters: its opening and SWMM's derived coefficients (link_validate, orifice_setSetting,
/// weir_validate), for a regulator fully open.
struct RegulatorParams {
  SectionGeometry section;               ///< orifices and weirs
  double crest_offset_m = 0.0;           ///< height of its crest above the upstream node's invert
  double orifice_coefficient = 0.0;      ///< orifices: Cd·A·√(2g) of the full opening, m^2.5/s
  double orifice_weir_coefficient = 0.0; ///< orifices: the coefficient of weir flow below the critical height
  double orifice_critical_height_m = 0.0;
  double weir_surcharge_coefficient = 0.0;  ///< weirs: the equivalent orifice's when the crown is submerged
  double weir_slope = 0.0;               ///< V-notch and trapezoidal weirs: side slope
  double equivalent_length_m = 0.0;      ///< orifices and weirs: the length that gives them a surface (dynamic wave)
};

/// The parameters of link `link`, a regulator (orifice, weir or outlet). `routing_step_s` sets the equivalent length
/// (2·Δt·√(g·D), at least 200 ft). Throws sim::ScenarioError naming the file and line for an opening of the wrong
/// shape (orifices CIRCULAR or RECT_CLOSED; weirs RECT_OPEN, TRIANGULAR for V-notch, TRAPEZOIDAL for trapezoidal).
RegulatorParams make_regulator_params(const DrainageNetwork& net, int link, double routing_step_s);

/// How water crosses a link, as SWMM classifies it (a regulator: DRY, SUBCRITICAL, or critical at the end where its
/// crest stands above the water).
enum class FlowClass : std::uint8_t { DRY, UP_DRY, DN_DRY, SUBCRITICAL, SUPERCRITICAL, UP_CRITICAL, DN_CRITICAL };

/// The flow through a regulator between two water levels.
struct RegulatorFlow {
  double q_m3s = 0.0;            ///< positive from the link's upstream node to its downstream node
  double dqdh_m2s = 0.0;         ///< dQ/dH, for dynamic wave's surcharge iterations
  double depth_m = 0.0;          ///< of the water in its opening
  double surface_area_m2 = 0.0;  ///< orifices: their opening's width (or area) over the equivalent length
  FlowClass flow_class = FlowClass::DRY;
};

/// Flow through regulator `link` with water levels (heads, m) `h1` at its upstream node and `h2` at its downstream
/// node (SWMM's orifice_getInflow, weir_getInflow with roadway_getInflow, outlet_getInflow): orifices by the orifice
/// or weir equation with Villemonte's submergence correction, weirs by their type's equation (HDS-5 for roadways),
/// surcharged as orifices, outlets by their rating; flow reverses when h2 > h1; flap gates stop backflow and cost the
/// ARMCO head loss.
RegulatorFlow regulator_flow(const DrainageNetwork& net, int link, const RegulatorParams& p, double h1, double h2);

/// A curve's y at x, linear between points and held beyond its ends (SWMM's table_lookup): a PUMP4 curve's flow at
/// an inlet depth, a WEIR curve's coefficient at a head, an outlet's RATING curve.
double curve_value(const Curve& curve, double x);

}  // namespace citytwin::models::drainage
