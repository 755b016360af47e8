// Reading EPA SWMM files: the five shared models with the counts of their files and their values in SI by SWMM's
// factors, the sections left out, SI files, dated rain, SWMM's adjustments, and the messages for malformed files.
#include "models/drainage/SwmmReader.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "sim/Scenario.hpp"

using namespace citytwin::models::drainage;

namespace {

// Conversions by hand: the exact foot and inch, and SWMM's acre (2.2956e-5 acres per ft²) and hectare.
constexpr double FT = 0.3048;
constexpr double FT2 = FT * FT;
constexpr double CFS = FT * FT * FT;
constexpr double ACRE = FT2 / 2.2956e-5;
constexpr double HECTARE = FT2 / 0.92903e-5;
constexpr double IN = 0.0254;
constexpr double IN_PER_H = IN / 3600.0;
constexpr double PI = std::numbers::pi;

DrainageNetwork model(const std::string& name) { return read_swmm("scenarios/drainage/" + name + ".inp"); }

/// The message a malformed text gets, "" if it reads.
std::string error_of(const std::string& text) {
  try {
    parse_swmm(text, "model.inp");
  } catch (const citytwin::sim::ScenarioError& e) {
    return e.what();
  }
  return "";
}

int count(const DrainageNetwork& net, NodeKind kind) {
  return static_cast<int>(
      std::count_if(net.nodes.begin(), net.nodes.end(), [&](const Node& n) { return n.kind == kind; }));
}

int count(const DrainageNetwork& net, LinkKind kind) {
  return static_cast<int>(
      std::count_if(net.links.begin(), net.links.end(), [&](const Link& k) { return k.kind == kind; }));
}

const Conduit& conduit(const DrainageNetwork& net, const std::string& id) {
  return net.conduits[net.links[net.link(id)].kind_index];
}

const CrossSection& xsection(const DrainageNetwork& net, const std::string& id) {
  return net.links[net.link(id)].xsection;
}

/// A small valid model in US units; the error tests change one line of it, so that line numbers hold.
const std::string SMALL = R"([OPTIONS]
FLOW_UNITS CFS
END_TIME 6:00
[RAINGAGES]
G1 INTENSITY 0:05 1.0 TIMESERIES Rain
[TIMESERIES]
Rain 0:00 0.5
Rain 0:05 1.0
[SUBCATCHMENTS]
S1 G1 J1 2 50 400 1 0
[JUNCTIONS]
J1 100
J2 98
[OUTFALLS]
Out 97 FREE
[CONDUITS]
C1 J1 J2 400 0.013 0 0
C2 J2 Out 300 0.013 0 0
[XSECTIONS]
C1 CIRCULAR 1.5 0 0 0
C2 CIRCULAR 1.5 0 0 0
)";

/// SMALL with its text `from` replaced by `to`.
std::string small_with(const std::string& from, const std::string& to) {
  std::string s = SMALL;
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("the five shared models read with the counts of their files") {
  // Counts from the files themselves, by awk over their non-comment lines, section by section.
  struct Expected {
    const char* name;
    int subcatchments, junctions, outfalls, storage, conduits, pumps, orifices, weirs, outlets, series, curves, gages,
        coordinates;
    const char* first_node;
  };
  const Expected models[] = {
      {"Culvert_Model", 0, 1, 1, 1, 2, 0, 0, 1, 0, 1, 1, 0, 3, "Outlet"},
      {"Detention_Pond_Model", 8, 12, 1, 1, 12, 0, 1, 1, 0, 3, 1, 1, 14, "J1"},
      {"Inlet_Drains_Model", 7, 19, 1, 0, 23, 0, 0, 0, 0, 2, 0, 1, 20, "Aux1"},
      {"Pump_Control_Model", 0, 31, 2, 1, 32, 1, 0, 0, 0, 0, 1, 0, 34, "KRO3001"},
      {"Site_Drainage_Model", 7, 11, 1, 0, 11, 0, 0, 0, 0, 3, 0, 1, 12, "J1"},
  };
  for (const Expected& e : models) {
    CAPTURE(e.name);
    const DrainageNetwork net = model(e.name);
    CHECK(net.subcatchments.size() == static_cast<std::size_t>(e.subcatchments));
    CHECK(count(net, NodeKind::JUNCTION) == e.junctions);
    CHECK(count(net, NodeKind::OUTFALL) == e.outfalls);
    CHECK(count(net, NodeKind::STORAGE) == e.storage);
    CHECK(count(net, LinkKind::CONDUIT) == e.conduits);
    CHECK(count(net, LinkKind::PUMP) == e.pumps);
    CHECK(count(net, LinkKind::ORIFICE) == e.orifices);
    CHECK(count(net, LinkKind::WEIR) == e.weirs);
    CHECK(count(net, LinkKind::OUTLET) == e.outlets);
    CHECK(net.time_series.size() == static_cast<std::size_t>(e.series));
    CHECK(net.curves.size() == static_cast<std::size_t>(e.curves));
    CHECK(net.gages.size() == static_cast<std::size_t>(e.gages));
    CHECK(std::count_if(net.nodes.begin(), net.nodes.end(), [](const Node& n) { return n.has_coordinates; }) ==
          e.coordinates);
    CHECK(net.outfalls.size() + net.storage.size() == static_cast<std::size_t>(e.outfalls + e.storage));
    CHECK(net.nodes.front().id == e.first_node);
    CHECK(net.units.flow == FlowUnits::CFS);
    CHECK(net.units.us_customary);
    // Every link joins two nodes, and every conduit, orifice and weir has its cross-section.
    for (const Link& k : net.links) {
      CAPTURE(k.id);
      CHECK(k.from >= 0);
      CHECK(k.to >= 0);
      CHECK(net.link(k.id) == &k - net.links.data());
      if (k.kind != LinkKind::PUMP && k.kind != LinkKind::OUTLET) CHECK(k.xsection.line > 0);
    }
    for (const Subcatchment& s : net.subcatchments) {
      CHECK(s.subareas.line > 0);
      CHECK(s.infiltration.horton.has_value());
    }
  }
  // Each rain series holds 24 five-minute values; the curves their points.
  const DrainageNetwork site = model("Site_Drainage_Model");
  for (const TimeSeries& ts : site.time_series) CHECK(ts.values.size() == 24);
  CHECK(model("Culvert_Model").curves[0].x.size() == 5);
  CHECK(model("Pump_Control_Model").curves[0].x.size() == 6);
}

TEST_CASE("the site model comes out in SI by SWMM's factors for feet, acres, inches and in/h") {
  const DrainageNetwork net = model("Site_Drainage_Model");
  CHECK(net.title == "A site surface drainage model.\nSee Site_Drainage_Model.txt for more details.");
  CHECK(net.units.length_m == FT);
  CHECK(net.units.flow_m3s == doctest::Approx(CFS));
  CHECK(net.units.area_m2 == doctest::Approx(ACRE));
  CHECK(net.units.rain_rate_m_per_s == doctest::Approx(IN_PER_H));

  // Options: 6 h from 01/01/1998 at 1-min reports, 15-s dynamic wave routing.
  const Options& o = net.options;
  CHECK(o.infiltration == InfiltrationModel::HORTON);
  CHECK(o.flow_routing == FlowRouting::DYNWAVE);
  CHECK(o.link_offsets == LinkOffsets::DEPTH);
  CHECK_FALSE(o.allow_ponding);
  CHECK(o.start_date.year == 1998);
  CHECK(o.start_time_s == 0);
  CHECK(o.duration_s == 6 * 3600);
  CHECK(o.report_start_s == 0);
  CHECK(o.report_step_s == 60);
  CHECK(o.wet_step_s == 60);
  CHECK(o.dry_step_s == 3600);
  CHECK(o.routing_step_s == 15.0);
  CHECK(o.antecedent_dry_days == 5.0);
  CHECK(o.normal_flow_limited == NormalFlowLimited::SLOPE);
  CHECK(o.variable_step == doctest::Approx(0.75));
  CHECK(o.min_surface_area_m2 == doctest::Approx(12.566 * FT2));
  CHECK(o.head_tolerance_m == doctest::Approx(0.005 * FT));
  CHECK(o.max_trials == 8);
  CHECK(o.sys_flow_tolerance == doctest::Approx(0.05));

  // The rain gage on the 2-year storm: intensities every 5 minutes, 0.29 in/h then 0.33 in/h ...
  REQUIRE(net.gages.size() == 1);
  const RainGage& g = net.gages[0];
  CHECK(g.format == RainFormat::INTENSITY);
  CHECK(g.interval_s == 300);
  CHECK(g.used);
  const TimeSeries& rain = net.time_series[g.series];
  CHECK(rain.id == "2-yr");
  CHECK(rain.use == SeriesUse::RAIN_INTENSITY);
  CHECK(rain.time_s[0] == 0.0);
  CHECK(rain.time_s[1] == 300.0);
  CHECK(rain.time_s.back() == 6900.0);  // 1:55
  CHECK(rain.values[0] == doctest::Approx(0.29 * IN_PER_H));
  CHECK(rain.values[6] == doctest::Approx(2.85 * IN_PER_H));  // the peak, at 0:30
  // The 100-year storm feeds nothing: it keeps the file's in/h, which the units convert.
  const TimeSeries& storm = net.time_series[net.series("100-yr")];
  CHECK(storm.use == SeriesUse::NONE);
  CHECK(storm.values[6] == 9.95);
  CHECK(storm.values[6] * net.units.rain_rate_m_per_s == doctest::Approx(9.95 * IN_PER_H));

  // Subcatchment S1: 4.55 acres, 56.8 % impervious, 1587 ft wide, 2 % slope, draining to J1.
  const Subcatchment& s1 = net.subcatchments[net.subcatchment("S1")];
  CHECK(s1.gage == 0);
  CHECK(net.nodes[s1.outlet_node].id == "J1");
  CHECK(s1.outlet_subcatchment == -1);
  CHECK(s1.area_m2 == doctest::Approx(4.55 * ACRE));
  CHECK(s1.area_m2 == doctest::Approx(4.55 * 4046.8564224).epsilon(1e-4));  // the acre by definition, nearly
  CHECK(s1.impervious_fraction == doctest::Approx(0.568));
  CHECK(s1.width_m == doctest::Approx(1587 * FT));
  CHECK(s1.slope == doctest::Approx(0.02));
  CHECK(s1.curb_length == 1680.0);
  CHECK(s1.subareas.n_impervious == doctest::Approx(0.015));
  CHECK(s1.subareas.n_pervious == doctest::Approx(0.24));
  CHECK(s1.subareas.storage_impervious_m == doctest::Approx(0.06 * IN));
  CHECK(s1.subareas.storage_pervious_m == doctest::Approx(0.3 * IN));
  CHECK(s1.subareas.zero_storage_fraction == doctest::Approx(0.25));
  CHECK(s1.subareas.route_to == RunoffRouting::OUTLET);
  CHECK(s1.subareas.routed_fraction == 1.0);
  // Horton: 4.5 in/h down to 0.2 in/h, decay 6.5 /h, dry in 7 days, no limit.
  REQUIRE(s1.infiltration.horton);
  const Horton& h = *s1.infiltration.horton;
  CHECK(s1.infiltration.model == InfiltrationModel::HORTON);
  CHECK(h.max_rate_m_per_s == doctest::Approx(4.5 * IN_PER_H));
  CHECK(h.max_rate_m_per_s == doctest::Approx(3.175e-5));
  CHECK(h.min_rate_m_per_s == doctest::Approx(0.2 * IN_PER_H));
  CHECK(h.decay_per_s == doctest::Approx(6.5 / 3600.0));
  CHECK(h.dry_time_s == doctest::Approx(7 * 86400.0));
  CHECK(h.max_volume_m == 0.0);
  CHECK_FALSE(s1.infiltration.green_ampt);

  // Junction J1 at 4973 ft, its depth left to SWMM; the free outfall O1 at 4962 ft.
  const Node& j1 = net.nodes[net.node("J1")];
  CHECK(j1.kind == NodeKind::JUNCTION);
  CHECK(j1.invert_m == doctest::Approx(4973 * FT));
  CHECK(j1.max_depth_m == 0.0);
  CHECK(j1.has_coordinates);
  CHECK(j1.x == doctest::Approx(648.532));
  CHECK(j1.y == doctest::Approx(1043.713));
  const Node& o1 = net.nodes[net.node("O1")];
  CHECK(o1.kind == NodeKind::OUTFALL);
  CHECK(o1.invert_m == doctest::Approx(4962 * FT));
  CHECK(net.outfalls[o1.kind_index].type == OutfallType::FREE);
  CHECK_FALSE(net.outfalls[o1.kind_index].flap_gate);

  // Swale C1: 185 ft from J1 to J5, n = 0.05, a trapezoid 3 ft deep, 5 ft at the bottom, sides 5:1.
  const Link& c1 = net.links[net.link("C1")];
  CHECK(net.nodes[c1.from].id == "J1");
  CHECK(net.nodes[c1.to].id == "J5");
  CHECK(conduit(net, "C1").length_m == doctest::Approx(185 * FT));
  CHECK(conduit(net, "C1").length_m == doctest::Approx(56.388));
  CHECK(conduit(net, "C1").roughness == doctest::Approx(0.05));
  CHECK(c1.xsection.shape == CrossSectionShape::TRAPEZOIDAL);
  CHECK(c1.xsection.depth_m == doctest::Approx(3 * FT));
  CHECK(c1.xsection.width_m == doctest::Approx(5 * FT));
  CHECK(c1.xsection.left_slope == 5.0);
  CHECK(c1.xsection.right_slope == 5.0);
  CHECK(c1.xsection.barrels == 1);
  // Gutter C2 enters J11 4 ft above its invert; culvert C3 is a 2.25 ft pipe.
  CHECK(conduit(net, "C2").outlet_offset_m == doctest::Approx(4 * FT));
  CHECK(xsection(net, "C3").shape == CrossSectionShape::CIRCULAR);
  CHECK(xsection(net, "C3").depth_m == doctest::Approx(2.25 * FT));
  CHECK(xsection(net, "C3").geometry[0] == 2.25);
}

TEST_CASE("the detention pond keeps its pyramidal pond, its orifice, its weir and its undeveloped subcatchment") {
  const DrainageNetwork net = model("Detention_Pond_Model");
  CHECK(net.options.flow_routing == FlowRouting::KINWAVE);
  CHECK(net.options.duration_s == 12 * 3600);
  CHECK(net.options.report_step_s == 300);
  // SU1: a pyramid 180 ft by 90 ft at the bottom, sides 2:1, 10 ft deep; area = LW + 2(L+W)Z d + 4Z² d².
  const Node& su1 = net.nodes[net.node("SU1")];
  CHECK(su1.kind == NodeKind::STORAGE);
  CHECK(su1.invert_m == doctest::Approx(4956 * FT));
  CHECK(su1.max_depth_m == doctest::Approx(10 * FT));
  const Storage& pond = net.storage[su1.kind_index];
  CHECK(pond.shape == StorageShape::PYRAMIDAL);
  CHECK(pond.dimensions[0] == doctest::Approx(180 * FT));
  CHECK(pond.dimensions[1] == doctest::Approx(90 * FT));
  CHECK(pond.dimensions[2] == 2.0);
  CHECK(pond.a0_m2 == doctest::Approx(180 * 90 * FT2));
  CHECK(pond.a1 == doctest::Approx(2 * (180 + 90) * 2 * FT));
  CHECK(pond.a2 == doctest::Approx(16.0));
  CHECK_FALSE(pond.seepage);
  // Its outlets: a side orifice 0.83 ft across at the bottom, a transverse weir 8 ft up, 5 ft long.
  const Link& o1 = net.links[net.link("O1")];
  CHECK(o1.kind == LinkKind::ORIFICE);
  CHECK(net.nodes[o1.from].id == "SU1");
  CHECK(net.nodes[o1.to].id == "J_out");
  const Orifice& orifice = net.orifices[o1.kind_index];
  CHECK(orifice.type == OrificeType::SIDE);
  CHECK(orifice.crest_height_m == 0.0);
  CHECK(orifice.discharge_coefficient == doctest::Approx(0.65));
  CHECK(o1.xsection.shape == CrossSectionShape::CIRCULAR);
  CHECK(o1.xsection.depth_m == doctest::Approx(0.83 * FT));
  const Link& w1 = net.links[net.link("W1")];
  const Weir& weir = net.weirs[w1.kind_index];
  CHECK(weir.type == WeirType::TRANSVERSE);
  CHECK(weir.crest_height_m == doctest::Approx(8 * FT));
  CHECK(weir.discharge_coefficient == doctest::Approx(3.33 * std::sqrt(FT)));  // 1.84 m^0.5/s
  CHECK(weir.discharge_coefficient == doctest::Approx(1.838).epsilon(1e-3));
  CHECK_FALSE(weir.can_surcharge);
  CHECK(w1.xsection.shape == CrossSectionShape::RECT_OPEN);
  CHECK(w1.xsection.depth_m == doctest::Approx(2 * FT));
  CHECK(w1.xsection.width_m == doctest::Approx(5 * FT));
  // PreDevelop runs off onto itself: SWMM's way of computing a subcatchment's runoff alone.
  const int pre = net.subcatchment("PreDevelop");
  CHECK(net.subcatchments[pre].outlet_subcatchment == pre);
  CHECK(net.subcatchments[pre].outlet_node == -1);
  CHECK(net.subcatchments[pre].area_m2 == doctest::Approx(28.94 * ACRE));
  // Curve SU1, a storage curve no unit uses, still in SI by its type: 4 ft, 21780 ft².
  const Curve& c = net.curves[net.curve("SU1")];
  CHECK(c.type == CurveType::STORAGE);
  CHECK(c.x[1] == doctest::Approx(4 * FT));
  CHECK(c.y[1] == doctest::Approx(21780 * FT2));
}

TEST_CASE("the culvert model keeps its barrels, its roadway weir, its fixed tail water and its storage curve") {
  const DrainageNetwork net = model("Culvert_Model");
  CHECK(net.options.routing_step_s == 5.0);
  CHECK(net.options.report_step_s == 450);
  CHECK(net.options.duration_s == 5 * 3600);
  const CrossSection& culvert = xsection(net, "Culvert");
  CHECK(culvert.shape == CrossSectionShape::CIRCULAR);
  CHECK(culvert.depth_m == doctest::Approx(3 * FT));
  CHECK(culvert.barrels == 2);
  CHECK(culvert.culvert_code == 4);
  CHECK(conduit(net, "Channel").roughness == doctest::Approx(0.03));
  CHECK(xsection(net, "Channel").shape == CrossSectionShape::TRAPEZOIDAL);
  CHECK(xsection(net, "Channel").width_m == doctest::Approx(10 * FT));
  // The road: a ROADWAY weir 9 ft up, 40 ft wide, gravel, 200 ft long.
  const Link& road = net.links[net.link("Roadway")];
  const Weir& w = net.weirs[road.kind_index];
  CHECK(w.type == WeirType::ROADWAY);
  CHECK(w.crest_height_m == doctest::Approx(9 * FT));
  CHECK(w.road_width_m == doctest::Approx(40 * FT));
  CHECK(w.road_surface == RoadSurface::GRAVEL);
  CHECK_FALSE(w.can_surcharge);
  CHECK(road.xsection.width_m == doctest::Approx(200 * FT));
  // Tail water fixed at 859.5 ft; the inlet pond on its storage curve (2 ft: 9583 ft²).
  const Node& tail = net.nodes[net.node("TailWater")];
  CHECK(net.outfalls[tail.kind_index].type == OutfallType::FIXED);
  CHECK(net.outfalls[tail.kind_index].fixed_stage_m == doctest::Approx(859.5 * FT));
  const Storage& inlet = net.storage[net.nodes[net.node("Inlet")].kind_index];
  CHECK(inlet.shape == StorageShape::TABULAR);
  REQUIRE(inlet.curve >= 0);
  CHECK(net.curves[inlet.curve].id == "StorageCurve");
  CHECK(net.curves[inlet.curve].x[1] == doctest::Approx(2 * FT));
  CHECK(net.curves[inlet.curve].y[1] == doctest::Approx(9583 * FT2));
  // The inflow hydrograph enters the inlet pond ([INFLOWS]): decimal hours made seconds, cfs made m³/s by the exact
  // foot (9 cfs at 0.125 h: 9 × 0.3048³ m³/s), scaled by 1 with no baseline.
  REQUIRE(net.inflows.size() == 1);
  const ExternalInflow& in = net.inflows[0];
  CHECK(in.node == net.node("Inlet"));
  CHECK(in.series == net.series("Inflow"));
  CHECK(in.scale_factor == 1.0);
  CHECK(in.baseline_m3s == 0.0);
  CHECK(in.line == 86);
  const TimeSeries& inflow = net.time_series[net.series("Inflow")];
  CHECK(inflow.use == SeriesUse::INFLOW);
  CHECK(inflow.time_s[1] == doctest::Approx(450.0));  // .125 h
  CHECK(inflow.values[1] == doctest::Approx(9.0 * FT * FT * FT));
  CHECK(inflow.values[1] == doctest::Approx(0.254852).epsilon(1e-5));
  for (const std::string& line : ignored_report(net)) CHECK(line.find("[INFLOWS]") == std::string::npos);
}

TEST_CASE("direct inflows take the file's flow units, their scale factor and baseline, and one line per node") {
  // SI (LPS): 20 L/s baseline, the series doubled; a second FLOW line at J1 replaces the first; a pollutant's inflow
  // is skipped as water quality.
  std::string text = small_with("FLOW_UNITS CFS", "FLOW_UNITS LPS");
  text += R"([TIMESERIES]
Hydro 0:00 0
Hydro 1:00 150
[INFLOWS]
J2 FLOW Hydro FLOW 1.0 1.0
J1 FLOW "" FLOW 1.0 1.0 5
J1 FLOW Hydro FLOW 1.0 2.0 20
J1 TSS Hydro CONCEN 1.0 1.0
)";
  const DrainageNetwork net = parse_swmm(text, "model.inp");
  REQUIRE(net.inflows.size() == 2);
  const ExternalInflow& j2 = net.inflows[0];
  CHECK(j2.node == net.node("J2"));
  CHECK(j2.scale_factor == 1.0);
  CHECK(j2.baseline_m3s == 0.0);
  const ExternalInflow& j1 = net.inflows[1];
  CHECK(j1.node == net.node("J1"));
  CHECK(j1.series == net.series("Hydro"));
  CHECK(j1.scale_factor == 2.0);
  CHECK(j1.line == 28);
  // SWMM's 28.317 L/s per cfs and 0.02832 m³ per ft³: 20 L/s is 20 / 28.317 × 0.3048³ m³/s = 0.0199964 m³/s.
  CHECK(j1.baseline_m3s == doctest::Approx(20.0 / 28.317 * FT * FT * FT));
  CHECK(j1.baseline_m3s == doctest::Approx(0.0199964).epsilon(1e-5));
  const TimeSeries& hydro = net.time_series[net.series("Hydro")];
  CHECK(hydro.values[1] == doctest::Approx(150.0 / 28.317 * FT * FT * FT));
  const auto report = ignored_report(net);
  CHECK(std::find(report.begin(), report.end(), "[INFLOWS] TSS at line 29: 1 entry ignored (water quality)") !=
        report.end());
}

TEST_CASE("malformed inflows are refused with their line and the fix") {
  const std::string inflows = "[INFLOWS]\n";
  CHECK(error_of(SMALL + inflows + "J3 FLOW \"\" FLOW 1.0 1.0 5\n") ==
        "model.inp:23: [INFLOWS] inflow node 'J3' is not defined (did you mean 'J1'?); declare it in [JUNCTIONS], "
        "[OUTFALLS] or [STORAGE]");
  CHECK(error_of(SMALL + inflows + "J1 FLOW\n") ==
        "model.inp:23: [INFLOWS] inflow at node 'J1' has 2 fields where 3 are needed; write NODE FLOW SERIES [TYPE "
        "MFACTOR SFACTOR BASELINE PATTERN]");
  CHECK(error_of(SMALL + inflows + "J1 FLOW \"\" FLOW 1.0 1.0 x5\n") ==
        "model.inp:23: [INFLOWS] inflow at node 'J1': baseline 'x5' is not a number; write a number such as 12.5");
  CHECK(error_of(SMALL + inflows + "J1 FLOW \"\" FLOW 1.0 1.0 5 Daily\n") ==
        "model.inp:23: [INFLOWS] inflow at node 'J1': baseline pattern 'Daily' is not defined; declare it in "
        "[PATTERNS]");
  // A rain series cannot also be an inflow: their units differ.
  CHECK(error_of(SMALL + inflows + "J1 FLOW Rain\n") ==
        "model.inp:23: [INFLOWS] time series 'Rain' is used both as the rain of an INTENSITY gage and as a node's "
        "inflow; give each use its own series");
}

TEST_CASE("the pump control model keeps its wet well, its pump curve, its rules and its dry-weather flow") {
  const DrainageNetwork net = model("Pump_Control_Model");
  CHECK(net.options.duration_s == 86400);  // 01/01/2001 to 01/02/2001
  CHECK(net.options.report_step_s == 20);
  CHECK(net.options.wet_step_s == 900);
  CHECK(net.options.variable_step == 0.0);
  // PUMP1 lifts from the wet well SU1 to KRO1014 on a PUMP4 curve (depth → flow): 4 ft, 0.9 cfs.
  const Link& p = net.links[net.link("PUMP1")];
  CHECK(p.kind == LinkKind::PUMP);
  CHECK(net.nodes[p.from].id == "SU1");
  CHECK(net.nodes[p.to].id == "KRO1014");
  const Pump& pump = net.pumps[p.kind_index];
  CHECK(pump.initially_on);
  CHECK(pump.startup_depth_m == 0.0);
  const Curve& curve = net.curves[pump.curve];
  CHECK(curve.type == CurveType::PUMP4);
  CHECK(curve.x[4] == doctest::Approx(4 * FT));
  CHECK(curve.y[4] == doctest::Approx(0.9 * CFS));
  // The wet well: a cylinder 6 ft across, 17 ft deep.
  const Node& well = net.nodes[net.node("SU1")];
  CHECK(well.max_depth_m == doctest::Approx(17 * FT));
  const Storage& s = net.storage[well.kind_index];
  CHECK(s.shape == StorageShape::CYLINDRICAL);
  CHECK(s.a0_m2 == doctest::Approx(PI * 9 * FT2));
  CHECK(s.a1 == 0.0);
  // Pipes enter the well 5 ft up; KRO4012-KRO3001 drops 0.5 ft into KRO3001.
  CHECK(conduit(net, "KRO3001-KRO3002").outlet_offset_m == doctest::Approx(5 * FT));
  CHECK(conduit(net, "KRO4012-KRO3001").outlet_offset_m == doctest::Approx(0.5 * FT));
  CHECK(net.nodes[net.node("KRO1002")].max_depth_m == doctest::Approx(3 * FT));
  // The rules: the pump on at 4 ft in the well, off below 1 ft, both of priority 1.
  REQUIRE(net.rules.size() == 2);
  const ControlRule& on = net.rules[0];
  CHECK(on.id == "PUMP1A");
  CHECK(on.line == 176);
  CHECK(on.priority == 1.0);
  REQUIRE(on.premises.size() == 1);
  CHECK(on.premises[0].object == ControlObject::NODE);
  CHECK(on.premises[0].index == net.node("SU1"));
  CHECK(on.premises[0].attribute == ControlAttribute::DEPTH);
  CHECK(on.premises[0].relation == Relation::GE);
  CHECK(on.premises[0].value == doctest::Approx(4 * FT));
  REQUIRE(on.then_actions.size() == 1);
  CHECK(on.then_actions[0].link == net.link("PUMP1"));
  CHECK(on.then_actions[0].setting == 1.0);
  CHECK(on.else_actions.empty());
  const ControlRule& off = net.rules[1];
  CHECK(off.premises[0].relation == Relation::LT);
  CHECK(off.premises[0].value == doctest::Approx(1 * FT));
  CHECK(off.then_actions[0].setting == 0.0);
  // Dry-weather flow: 1 cfs on average at 30 nodes, on the hourly pattern DWF (0.0151 at midnight, 24 factors).
  CHECK(net.dry_weather.size() == 30);
  const DryWeatherInflow& well_dwf = net.dry_weather.back();
  CHECK(well_dwf.node == net.node("SU1"));
  CHECK(well_dwf.average_m3s == doctest::Approx(CFS));
  CHECK(well_dwf.patterns == std::array<int, 4>{-1, -1, net.pattern("DWF"), -1});
  const TimePattern& dwf = net.patterns[net.pattern("DWF")];
  CHECK(dwf.type == PatternType::HOURLY);
  REQUIRE(dwf.factors.size() == 24);
  CHECK(dwf.factors[0] == 0.0151);
  CHECK(dwf.factors[23] == 0.02718);
  for (const std::string& line : ignored_report(net))
    for (const char* section : {"[CONTROLS]", "[DWF]", "[PATTERNS]"}) CHECK(line.find(section) == std::string::npos);
}

TEST_CASE("patterns, dry-weather flows and control rules are read in SI, and malformed ones refused with the fix") {
  // SI (CMS): a rule on a node's head with an OR, an ELSE and a pump setting; a daily pattern on two lines.
  const std::string si = small_with("FLOW_UNITS CFS", "FLOW_UNITS CMS") + R"([PUMPS]
P1 J2 Out * ON 0 0
[PATTERNS]
Week DAILY 1 1 1
Week 1 1 0.5 0.5
[DWF]
J1 FLOW 0.2 Week
[CONTROLS]
RULE R1
IF NODE J1 HEAD > 100.5
OR LINK C1 FLOW >= 0.3
THEN PUMP P1 SETTING = 0.75
ELSE PUMP P1 STATUS = OFF
PRIORITY 2
)";
  const DrainageNetwork net = parse_swmm(si, "model.inp");
  const TimePattern& week = net.patterns[net.pattern("Week")];
  CHECK(week.type == PatternType::DAILY);
  CHECK(week.factors == std::vector<double>{1, 1, 1, 1, 1, 0.5, 0.5});
  REQUIRE(net.dry_weather.size() == 1);
  CHECK(net.dry_weather[0].patterns[1] == net.pattern("Week"));
  // SWMM's 0.02832 m³/s per cfs with the exact foot: 0.2 CMS is 0.2 × 0.3048³ / 0.02832 m³/s.
  const double cms = FT * FT * FT / 0.02832;
  CHECK(net.dry_weather[0].average_m3s == doctest::Approx(0.2 * cms));
  REQUIRE(net.rules.size() == 1);
  const ControlRule& r = net.rules[0];
  CHECK(r.priority == 2.0);
  REQUIRE(r.premises.size() == 2);
  CHECK(r.premises[0].attribute == ControlAttribute::HEAD);
  CHECK(r.premises[0].value == doctest::Approx(100.5));
  CHECK(r.premises[1].is_or);
  CHECK(r.premises[1].object == ControlObject::LINK);
  CHECK(r.premises[1].index == net.link("C1"));
  CHECK(r.premises[1].value == doctest::Approx(0.3 * cms));
  CHECK(r.then_actions[0].setting == 0.75);
  CHECK(r.else_actions[0].setting == 0.0);

  // Malformed: a pattern of an unknown type, too many factors, an unknown pattern, a rule on the time of day and an
  // action on a conduit.
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = si;
    t.replace(t.find(from), from.size(), to);
    return error_of(t);
  };
  CHECK(with("Week DAILY", "Week WEEKLY") ==
        "model.inp:25: [PATTERNS] pattern 'Week': type 'WEEKLY' must be MONTHLY, DAILY, HOURLY or WEEKEND; a "
        "pattern's first line names its type");
  CHECK(with("Week 1 1 0.5 0.5", "Week 1 1 0.5 0.5 2") ==
        "model.inp:26: [PATTERNS] pattern 'Week' has more than 7 factors; a DAILY pattern has 7");
  CHECK(with("J1 FLOW 0.2 Week", "J1 FLOW 0.2 Weak") ==
        "model.inp:28: [DWF] dry-weather inflow at node 'J1': pattern 'Weak' is not defined (did you mean 'Week'?); "
        "declare it in [PATTERNS]");
  CHECK(with("IF NODE J1 HEAD > 100.5", "IF SIMULATION TIME > 2") ==
        "model.inp:31: [CONTROLS] rule 'R1': premise 'IF SIMULATION TIME > 2' is not one this reader evaluates; "
        "write IF NODE ID DEPTH|HEAD RELATION VALUE, or IF LINK|PUMP|CONDUIT|ORIFICE|WEIR|OUTLET ID "
        "STATUS|SETTING|FLOW RELATION VALUE");
  CHECK(with("THEN PUMP P1 SETTING = 0.75", "THEN CONDUIT C1 STATUS = CLOSED") ==
        "model.inp:33: [CONTROLS] rule 'R1': actions on CONDUIT links are not applied here, only on pumps; write THEN "
        "PUMP ID STATUS = ON|OFF or THEN PUMP ID SETTING = VALUE");
}

TEST_CASE("the dual drainage model keeps its street conduits by name and reports its streets and inlets ignored") {
  const DrainageNetwork net = model("Inlet_Drains_Model");
  const CrossSection& street = xsection(net, "Street1");
  CHECK(street.shape == CrossSectionShape::OTHER);
  CHECK(street.shape_name == "STREET");
  CHECK(street.reference == "FullStreet");
  CHECK(xsection(net, "Street4").reference == "HalfStreet");
  CHECK(conduit(net, "Street1").length_m == doctest::Approx(377.31 * FT));
  CHECK(net.nodes[net.node("J1")].max_depth_m == doctest::Approx(4 * FT));
  CHECK(conduit(net, "C4").inlet_offset_m == doctest::Approx(6 * FT));
  const auto report = ignored_report(net);
  for (const char* line :
       {"[STREETS] at line 170: 2 entries ignored (street cross-sections; STREET conduits keep the street's name)",
        "[INLETS] at line 176: 2 entries ignored (street inlets that capture street flow into the drains)",
        "[INLET_USAGE] at line 182: 4 entries ignored (street inlets that capture street flow into the drains)"})
    CHECK(std::find(report.begin(), report.end(), line) != report.end());
}

TEST_CASE("sections and options that do not bear on the flows are reported as ignored, with their line") {
  CHECK(ignored_report(model("Site_Drainage_Model")) ==
        std::vector<std::string>{
            "[OPTIONS] SWEEP_START at line 22: 1 entry ignored (street sweeping, a water-quality process)",
            "[OPTIONS] SWEEP_END at line 23: 1 entry ignored (street sweeping, a water-quality process)",
            "[OPTIONS] THREADS at line 42: 1 entry ignored (the threads of SWMM's solver, which do not change its "
            "results)",
            "[EVAPORATION] at line 44: 2 entries ignored (evaporation)",
            "[POLLUTANTS] at line 138: 1 entry ignored (water quality)",
            "[LANDUSES] at line 143: 4 entries ignored (water quality)",
            "[COVERAGES] at line 152: 10 entries ignored (water quality)",
            "[BUILDUP] at line 170: 4 entries ignored (water quality)",  // [LOADINGS], empty, is not worth a line
            "[WASHOFF] at line 178: 4 entries ignored (water quality)",
            "[REPORT] at line 264: 3 entries ignored (SWMM's report file)",
            "[TAGS] at line 270: 11 entries ignored (labels for SWMM's interface)",
            "[MAP] at line 283: 2 entries ignored (the extent and units of the map)",
            "[VERTICES] at line 303: 23 entries ignored (the drawing of links)",
            "[POLYGONS] at line 330: 145 entries ignored (the outlines of subcatchments and storage units on the map)",
            "[SYMBOLS] at line 479: 1 entry ignored (the position of rain gages on the map)",
            "[LABELS] at line 484: 8 entries ignored (the drawing of the map)"});
}

TEST_CASE("an SI model keeps metres and converts hectares, mm and litres per second by SWMM's factors") {
  const DrainageNetwork net = parse_swmm(R"(
[OPTIONS]
FLOW_UNITS LPS
START_DATE 06/01/2024
START_TIME 06:00
END_DATE 06/02/2024
END_TIME 06:00
REPORT_STEP 0:10:00
WET_STEP 0:05:00
ROUTING_STEP 30
LINK_OFFSETS ELEVATION
[RAINGAGES]
G1 VOLUME 0:10 1.0 TIMESERIES Rain
[TIMESERIES]
Rain 06/01/2024 07:00 2.5 07:10 4.0
Rain 06/02/2024 0.5 1.0 1:00 2.0
[SUBCATCHMENTS]
S1 G1 J1 2.5 40 120 1.5 0
[INFILTRATION]
S1 75 0.5 7 CURVE_NUMBER
[JUNCTIONS]
J1 100 2 0 0 50
[OUTFALLS]
Out 98.5 FIXED 99
[CONDUITS]
P1 J1 Out 80 0.013 100.2 * 0 5
[XSECTIONS]
P1 RECT_CLOSED 1.2 0.8 0 0
)",
                                         "si.inp");
  CHECK_FALSE(net.units.us_customary);
  CHECK(net.units.length_m == 1.0);
  CHECK(net.units.flow_m3s == doctest::Approx(CFS / 28.317));   // 28.317 L/s per cfs, not exactly 1 L/s
  CHECK(net.units.rain_depth_m == doctest::Approx(0.001));
  CHECK(net.units.rain_rate_m_per_s == doctest::Approx(0.001 / 3600));
  const Subcatchment& s = net.subcatchments[0];
  CHECK(s.area_m2 == doctest::Approx(2.5 * HECTARE));
  CHECK(s.area_m2 == doctest::Approx(25000.0).epsilon(1e-5));
  CHECK(s.width_m == doctest::Approx(120.0));
  CHECK(s.slope == doctest::Approx(0.015));
  // The line names its own infiltration model: curve number 75, 0.5 mm/h, 7 days.
  REQUIRE(s.infiltration.curve_number);
  CHECK(s.infiltration.model == InfiltrationModel::CURVE_NUMBER);
  CHECK(s.infiltration.curve_number->curve_number == 75.0);
  CHECK(s.infiltration.curve_number->conductivity_m_per_s == doctest::Approx(0.5e-3 / 3600));
  CHECK(s.infiltration.curve_number->dry_time_s == doctest::Approx(7 * 86400.0));
  // A VOLUME gage: depths of rain per 10 minutes, in m. Dated entries from the run's start at 06:00; a date holds
  // for the entries after it.
  const TimeSeries& rain = net.time_series[0];
  CHECK(rain.use == SeriesUse::RAIN_VOLUME);
  REQUIRE(rain.values.size() == 4);
  CHECK(rain.values[0] == doctest::Approx(0.0025));
  CHECK(rain.values[1] == doctest::Approx(0.004));
  CHECK(rain.values[2] == doctest::Approx(0.001));
  CHECK(rain.values[3] == doctest::Approx(0.002));
  CHECK(rain.time_s == std::vector<double>{3600.0, 4200.0, 18.5 * 3600, 19.0 * 3600});
  CHECK(net.gages[0].interval_s == 600);
  const Node& j1 = net.nodes[net.node("J1")];
  CHECK(j1.max_depth_m == 2.0);
  CHECK(j1.ponded_area_m2 == 50.0);
  CHECK(net.outfalls[0].fixed_stage_m == 99.0);
  // Elevation offsets become heights: 100.2 m over J1's 100 m; '*' for the outfall's invert.
  const Conduit& p1 = net.conduits[0];
  CHECK(p1.inlet_offset_m == doctest::Approx(0.2));
  CHECK(p1.outlet_offset_m == 0.0);
  CHECK(p1.max_flow_m3s == doctest::Approx(5 * CFS / 28.317));
  CHECK(net.links[0].xsection.shape == CrossSectionShape::RECT_CLOSED);
  CHECK(net.links[0].xsection.depth_m == 1.2);
  CHECK(net.links[0].xsection.width_m == 0.8);
  CHECK(net.options.start_time_s == 6 * 3600);
  CHECK(net.options.duration_s == 86400);
  CHECK(net.options.routing_step_s == 30.0);
  CHECK(net.options.report_step_s == 600);
}

TEST_CASE("outlets, functional storage, Green-Ampt soils, tides and custom shapes convert by their own formulas") {
  const DrainageNetwork net = parse_swmm(R"([OPTIONS]
FLOW_UNITS CFS
INFILTRATION GREEN_AMPT
END_TIME 1:00
[RAINGAGES]
G1 CUMULATIVE 0.25 1.0 TIMESERIES R
[TIMESERIES]
R 0 0 0.25 0.1 0.5 0.3
[SUBCATCHMENTS]
S1 G1 S2 1 0 100 1 0
S2 G1 Pond 2 10 200 1 0
[SUBAREAS]
S1 0.012 0.1 0.05 0.1 0 PERVIOUS 50
[INFILTRATION]
S1 4 0.5 0.3
[JUNCTIONS]
J1 10
[OUTFALLS]
Sea 0 TIDAL Tide YES
[STORAGE]
Pond 5 8 1 FUNCTIONAL 1000 0.5 200 0.5 0.8 3 0.2 0.25
[ORIFICES]
Gate Pond J1 BOTTOM 0.5 0.61 NO 0.1
[OUTLETS]
Spill Pond Sea 6 FUNCTIONAL/HEAD 2 0.5 YES
Valve J1 Sea 0 TABULAR/DEPTH Rating
[WEIRS]
W Pond Sea TRAPEZOIDAL 7 3.0 NO 0 2.5
[CONDUITS]
Drain J1 Sea 100 0.015 0 0
[XSECTIONS]
Gate RECT_CLOSED 1 2 0 0
W TRAPEZOIDAL 1 4 0.5 0.5
Drain CUSTOM 2 Oval 0 0 3
[CURVES]
Tide Tidal 0 1 12 2
Rating Rating 0 0 2 5
Oval Shape 0 0 0.5 1 1 0
)",
                                         "kinds.inp");
  // Cumulative rain: depths in m, every quarter of an hour.
  const TimeSeries& r = net.time_series[0];
  CHECK(r.use == SeriesUse::RAIN_CUMULATIVE);
  CHECK(r.time_s == std::vector<double>{0.0, 900.0, 1800.0});
  CHECK(r.values[2] == doctest::Approx(0.3 * IN));
  CHECK(net.gages[0].interval_s == 900);
  // S1 runs off onto S2, half its pervious runoff onto its impervious part first; Green-Ampt from the options.
  const Subcatchment& s1 = net.subcatchments[0];
  CHECK(s1.outlet_subcatchment == 1);
  CHECK(s1.outlet_node == -1);
  CHECK(s1.subareas.route_to == RunoffRouting::PERVIOUS);
  CHECK(s1.subareas.routed_fraction == doctest::Approx(0.5));
  REQUIRE(s1.infiltration.green_ampt);
  CHECK(s1.infiltration.model == InfiltrationModel::GREEN_AMPT);
  CHECK(s1.infiltration.green_ampt->suction_head_m == doctest::Approx(4 * IN));
  CHECK(s1.infiltration.green_ampt->conductivity_m_per_s == doctest::Approx(0.5 * IN_PER_H));
  CHECK(s1.infiltration.green_ampt->initial_deficit == doctest::Approx(0.3));
  CHECK(net.subcatchments[1].infiltration.line == 0);  // none given: no infiltration
  CHECK_FALSE(net.subcatchments[1].infiltration.green_ampt);
  // A tidal outfall with a flap gate: its curve's hours made seconds after midnight, its stages metres.
  const Outfall& sea = net.outfalls[0];
  CHECK(sea.type == OutfallType::TIDAL);
  CHECK(sea.flap_gate);
  CHECK(net.curves[sea.tide_curve].x[1] == 12 * 3600.0);
  CHECK(net.curves[sea.tide_curve].y[1] == doctest::Approx(2 * FT));
  // A functional pond: area = 200 + 1000 d^0.5 ft² with d in ft, the same area in m² with d in m.
  const Node& pond_node = net.nodes[net.node("Pond")];
  const Storage& pond = net.storage[pond_node.kind_index];
  CHECK(pond.shape == StorageShape::FUNCTIONAL);
  const double d = 1.0;  // m
  CHECK(pond.a0_m2 + pond.a1 * std::pow(d, pond.a2) == doctest::Approx((200 + 1000 * std::sqrt(d / FT)) * FT2));
  CHECK(pond_node.initial_depth_m == doctest::Approx(1 * FT));
  CHECK(pond_node.surcharge_depth_m == doctest::Approx(0.5 * FT));
  CHECK(pond.evaporation_factor == doctest::Approx(0.8));
  REQUIRE(pond.seepage);
  CHECK(pond.seepage->suction_head_m == doctest::Approx(3 * IN));
  CHECK(pond.seepage->conductivity_m_per_s == doctest::Approx(0.2 * IN_PER_H));
  // A bottom orifice that closes in 0.1 h; a head-based outlet Q = 2 h^0.5 cfs, the same flow in m³/s of h in m.
  const Orifice& gate = net.orifices[0];
  CHECK(gate.type == OrificeType::BOTTOM);
  CHECK(gate.crest_height_m == doctest::Approx(0.5 * FT));
  CHECK(gate.open_close_time_s == doctest::Approx(360.0));
  CHECK(net.links[net.link("Gate")].xsection.width_m == doctest::Approx(2 * FT));
  const Outlet& spill = net.outlets[net.links[net.link("Spill")].kind_index];
  CHECK(spill.head_based);
  CHECK(spill.flap_gate);
  CHECK(spill.crest_height_m == doctest::Approx(6 * FT));
  CHECK(spill.coefficient * std::pow(1.0, spill.exponent) == doctest::Approx(2 * std::sqrt(1.0 / FT) * CFS));
  const Outlet& valve = net.outlets[net.links[net.link("Valve")].kind_index];
  CHECK_FALSE(valve.head_based);
  CHECK(net.curves[valve.curve].type == CurveType::RATING);
  CHECK(net.curves[valve.curve].x[1] == doctest::Approx(2 * FT));
  CHECK(net.curves[valve.curve].y[1] == doctest::Approx(5 * CFS));
  // A trapezoidal weir: both coefficients in m^0.5/s.
  const Weir& w = net.weirs[0];
  CHECK(w.type == WeirType::TRAPEZOIDAL);
  CHECK(w.discharge_coefficient == doctest::Approx(3.0 * std::sqrt(FT)));
  CHECK(w.end_coefficient == doctest::Approx(2.5 * std::sqrt(FT)));
  CHECK(net.links[net.link("W")].xsection.left_slope == 0.5);
  // A custom shape: its depth in m, its shape curve as written (relative), three barrels.
  const CrossSection& drain = net.links[net.link("Drain")].xsection;
  CHECK(drain.shape == CrossSectionShape::OTHER);
  CHECK(drain.shape_name == "CUSTOM");
  CHECK(drain.depth_m == doctest::Approx(2 * FT));
  CHECK(drain.reference == "Oval");
  CHECK(drain.barrels == 3);
  CHECK(net.curves[drain.curve].y[1] == 1.0);
}

TEST_CASE("the time steps are adjusted as SWMM adjusts them") {
  const DrainageNetwork net = parse_swmm(R"([OPTIONS]
START_DATE 01/01/2020
END_DATE 01/01/2020
END_TIME 00:30:00
REPORT_STEP 01:00:00
WET_STEP 00:10:00
DRY_STEP 00:05:00
ROUTING_STEP 0:20:00
[JUNCTIONS]
J 0
)",
                                         "steps.inp");
  CHECK(net.options.duration_s == 1800);
  CHECK(net.options.report_step_s == 1800);    // at most the run
  CHECK(net.options.routing_step_s == 600.0);  // at most the wet step
  CHECK(net.options.dry_step_s == 600);        // at least the wet step
  // A rain gage in use shortens the wet step to its interval.
  const DrainageNetwork rain =
      parse_swmm(small_with("G1 INTENSITY 0:05", "G1 INTENSITY 0:01") + "[OPTIONS]\nWET_STEP 0:05:00\n", "rain.inp");
  CHECK(rain.options.wet_step_s == 60);
}

TEST_CASE("SWMM's way of matching headers and keywords by their first letters is kept") {
  // [junction] and [XSECTION] stand for [JUNCTIONS] and [XSECTIONS]; keywords in any case; IDs are case-sensitive.
  std::string text = small_with("[JUNCTIONS]", "[junction]");
  text.replace(text.find("[XSECTIONS]"), 11, "[XSECTION]");
  text.replace(text.find("C2 CIRCULAR"), 11, "C2 circular");
  const DrainageNetwork net = parse_swmm(text, "case.inp");
  CHECK(net.nodes.size() == 3);
  CHECK(xsection(net, "C2").shape == CrossSectionShape::CIRCULAR);
  CHECK(net.node("j1") == -1);
}

TEST_CASE("malformed models are refused with the file, the line, the value and the fix") {
  CHECK(error_of(SMALL).empty());
  // An unknown node named by a conduit, with the closest ID.
  CHECK(error_of(small_with("C1 J1 J2", "C1 J1 J22")) ==
        "model.inp:17: [CONDUITS] conduit 'C1': to node 'J22' is not defined (did you mean 'J2'?); declare it in "
        "[JUNCTIONS], [OUTFALLS] or [STORAGE]");
  // A missing field.
  CHECK(error_of(small_with("C2 J2 Out 300 0.013 0 0", "C2 J2 Out 300 0.013")) ==
        "model.inp:18: [CONDUITS] conduit 'C2' has 5 fields where 7 are needed; write NAME FROM TO LENGTH ROUGHNESS "
        "INOFFSET OUTOFFSET [INITFLOW] [MAXFLOW]");
  // A value that is not a number.
  CHECK(error_of(small_with("J1 100", "J1 1OO")) ==
        "model.inp:12: [JUNCTIONS] junction 'J1': invert elevation '1OO' is not a number; write a number such as 12.5");
  // An unknown cross-section shape: the conduit is then also without one, both in line order.
  const std::string shape = error_of(small_with("C1 CIRCULAR", "C1 CIRCULER"));
  CHECK(shape.rfind("model.inp:17: [CONDUITS] conduit 'C1' has no cross-section; give it a line in [XSECTIONS]\n"
                    "model.inp:20: [XSECTIONS] conduit 'C1': shape 'CIRCULER' (did you mean CIRCULAR?) is not a SWMM "
                    "cross-section; the shapes are DUMMY, CIRCULAR, FILLED_CIRCULAR, RECT_CLOSED, RECT_OPEN, ",
                    0) == 0);
  // A subcatchment whose rain gage does not exist.
  CHECK(error_of(small_with("S1 G1 J1", "S1 G2 J1")) ==
        "model.inp:10: [SUBCATCHMENTS] subcatchment 'S1': rain gage 'G2' is not defined (did you mean 'G1'?); declare "
        "it in [RAINGAGES]");
  // A duplicate ID across node sections.
  CHECK(error_of(small_with("Out 97 FREE", "J2 97 FREE")) ==
        "model.inp:15: [OUTFALLS] outfall 'J2': the ID is already used by the node at line 13; give each junction, "
        "outfall, storage unit and divider its own ID");
  // Several mistakes in several sections, each reported, sorted by line.
  std::string several = small_with("S1 G1 J1 2 50", "S1 G1 J1 -2 50");
  several.replace(several.find("J1 100"), 6, "J1 abc");
  several.replace(several.find("300 0.013"), 9, "300 n=0.1");
  CHECK(error_of(several) ==
        "model.inp:10: [SUBCATCHMENTS] subcatchment 'S1': area -2 is negative; it must be at least 0\n"
        "model.inp:12: [JUNCTIONS] junction 'J1': invert elevation 'abc' is not a number; write a number such as 12.5\n"
        "model.inp:18: [CONDUITS] conduit 'C2': roughness 'n=0.1' is not a number; write a number such as 12.5");
}

TEST_CASE("other mistakes are named with their line, their value and a suggestion") {
  CHECK(error_of(small_with("[CONDUITS]", "[CONDUTIS]"))
            .rfind("model.inp:16: [CONDUTIS] is not a section of a SWMM file (did you mean [CONDUITS]?); the sections "
                   "are [TITLE], [OPTIONS], [FILES], [RAINGAGES]",
                   0) == 0);
  CHECK(error_of(small_with("FLOW_UNITS CFS", "FLOW_UNIT CFS"))
            .rfind("model.inp:2: [OPTIONS] unknown option 'FLOW_UNIT' (did you mean FLOW_UNITS?); the options are "
                   "FLOW_UNITS, INFILTRATION, FLOW_ROUTING,",
                   0) == 0);
  CHECK(error_of(small_with("FLOW_UNITS CFS", "FLOW_UNITS CMH")) ==
        "model.inp:2: [OPTIONS] FLOW_UNITS 'CMH' (did you mean CMS?) must be CFS, GPM, MGD (US customary) or CMS, "
        "LPS, MLD (SI)");
  CHECK(error_of(small_with("END_TIME 6:00", "END_DATE 12/31/2003")) ==
        "model.inp:3: [OPTIONS] the run ends (12/31/2003 00:00:00) before it starts (01/01/2004 00:00:00); set "
        "END_DATE and END_TIME after START_DATE and START_TIME");
  CHECK(error_of(small_with("END_TIME 6:00", "END_DATE 31/12/2004")) ==
        "model.inp:3: [OPTIONS] END_DATE '31/12/2004' is not a date; write month/day/year, as in 06/30/2024");
  CHECK(error_of(small_with("G1 INTENSITY 0:05 1.0 TIMESERIES Rain", "G1 INTENSITY 0:05 1.0 FILE rain.dat G1 IN")) ==
        "model.inp:5: [RAINGAGES] rain gage 'G1': rain files are not read; put the rain in [TIMESERIES] and write "
        "NAME INTENSITY|VOLUME|CUMULATIVE INTERVAL SCF TIMESERIES SERIES");
  CHECK(error_of(small_with("G1 INTENSITY 0:05", "G1 INTENSITY 0:10")) ==
        "model.inp:5: [RAINGAGES] rain gage 'G1': its interval of 600 s is longer than the 300 s between entries of "
        "time series 'Rain'; make it at most 300 s");
  CHECK(error_of(small_with("Rain 0:05 1.0", "Rain 0:00 1.0")) ==
        "model.inp:8: [TIMESERIES] time series 'Rain': its entry at 0 s from the start does not come after the one "
        "before (0 s); list the entries in time order");
  CHECK(error_of(small_with("Out 97 FREE", "Out 97 TIMESERIES Rain")) ==
        "model.inp:15: [OUTFALLS] time series 'Rain' is used both as the rain of an INTENSITY gage and as an "
        "outfall's stage; give each use its own series");
  CHECK(error_of(small_with("S1 G1 J1", "S1 G1 J11")) ==
        "model.inp:10: [SUBCATCHMENTS] subcatchment 'S1': outlet 'J11' is not defined (did you mean 'J1'?); name a "
        "node of [JUNCTIONS], [OUTFALLS] or [STORAGE], or a subcatchment");
  CHECK(error_of(small_with("C1 CIRCULAR 1.5", "C1 CIRCULAR 0")) ==
        "model.inp:20: [XSECTIONS] conduit 'C1': CIRCULAR diameter 0 must be above 0; correct the value");
  // A flow divider (lines 14 and 15) is not read: a link to it is refused.
  std::string divider = small_with("J2 98\n", "J2 98\n[DIVIDERS]\nD1 98 C2 OVERFLOW\n");
  divider.replace(divider.find("C2 J2 Out"), 9, "C2 J2 D1");
  CHECK(error_of(divider) ==
        "model.inp:20: [CONDUITS] conduit 'C2': to node 'D1' is a flow divider ([DIVIDERS] at line 15), which is not "
        "read; make it a junction");
  CHECK(error_of(small_with("C1 J1 J2 400 0.013", "C1 J1 J2 400 0")) ==
        "model.inp:17: [CONDUITS] conduit 'C1': roughness 0 must be above 0; give its Manning's n");
  CHECK(error_of(small_with("C1 CIRCULAR 1.5 0 0 0", "C1 STREET Main") + "[STREETS]\nMain_St 20 0.5 4 0.016\n") ==
        "model.inp:20: [XSECTIONS] conduit 'C1': street 'Main' is not defined; declare it in [STREETS]");
  CHECK(error_of(small_with("Rain 0:05 1.0", "Rain FILE rain.dat")) ==
        "model.inp:8: [TIMESERIES] time series 'Rain': external time series files are not read; write its entries "
        "here, NAME [DATE] TIME VALUE on each line");
  CHECK(error_of(" J0 100\n" + SMALL) ==
        "model.inp:1: 'J0' comes before any section header; start the file with a section such as [TITLE] or "
        "[OPTIONS]");
}

TEST_CASE("links are refused when their cross-section, their curve or their ends do not fit them") {
  // An orifice must be round or a closed rectangle; a pump's curve a pump curve; a storage curve a storage curve.
  const std::string base = SMALL + "[STORAGE]\nPond 95 6 0 TABULAR Area\n[ORIFICES]\nOr Pond Out SIDE 0 0.6\n"
                                   "[PUMPS]\nPu Pond J1 Area ON\n[CURVES]\nArea Storage 0 100\nArea 6 400\n";
  // Pond on line 23, orifice Or on 25, pump Pu on 27, curve Area on 29 and 30; what is appended starts on line 31.
  CHECK(error_of(base + "[XSECTIONS]\nOr RECT_OPEN 1 1 0 0\n") ==
        "model.inp:27: [PUMPS] pump 'Pu': pump curve 'Area' is a STORAGE curve where a PUMP1 to PUMP5 curve is "
        "needed; give it a PUMP1 to PUMP5 curve\n"
        "model.inp:32: [XSECTIONS] orifice 'Or': shape RECT_OPEN does not fit an orifice; give it CIRCULAR or "
        "RECT_CLOSED");
  CHECK(error_of(base + "[CURVES]\nArea 5 300\n") ==
        "model.inp:25: [ORIFICES] orifice 'Or' has no cross-section; give it a line in [XSECTIONS]\n"
        "model.inp:27: [PUMPS] pump 'Pu': pump curve 'Area' is a STORAGE curve where a PUMP1 to PUMP5 curve is "
        "needed; give it a PUMP1 to PUMP5 curve\n"
        "model.inp:32: [CURVES] curve 'Area': x 5 does not rise from the point before; list the points by rising x");
  // A V-notch weir needs a triangle.
  CHECK(error_of(SMALL + "[WEIRS]\nW J2 Out V-NOTCH 0.5 3.1\n[XSECTIONS]\nW RECT_OPEN 1 2 0 0\n") ==
        "model.inp:25: [XSECTIONS] weir 'W': shape RECT_OPEN does not fit a V-NOTCH weir; give it TRIANGULAR");
  CHECK(error_of(small_with("C1 J1 J2", "C1 J1 J1")) ==
        "model.inp:17: [CONDUITS] conduit 'C1' starts and ends at node 'J1'; connect two different nodes");
}
