// An urban drainage network (rain, subcatchments, drains, ponds, pumps) as an EPA SWMM 5 input file gives it, in SI.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace citytwin::models::drainage {

/// The flow units of a SWMM file. CFS, GPM and MGD make the whole file US customary (feet, acres, inches, in/h);
/// CMS, LPS and MLD make it SI (metres, hectares, mm, mm/h).
enum class FlowUnits : std::uint8_t { CFS, GPM, MGD, CMS, LPS, MLD };

/// Infiltration into the pervious part of subcatchments (`OPTIONS INFILTRATION`, or the last word of an
/// [INFILTRATION] line).
enum class InfiltrationModel : std::uint8_t { HORTON, MODIFIED_HORTON, GREEN_AMPT, MODIFIED_GREEN_AMPT, CURVE_NUMBER };

/// Flow routing through the drains (`OPTIONS FLOW_ROUTING`): steady flow, kinematic wave or dynamic wave.
enum class FlowRouting : std::uint8_t { STEADY, KINWAVE, DYNWAVE };

/// How the file gives link offsets (`OPTIONS LINK_OFFSETS`): heights above the node inverts, or elevations. The
/// reader makes them heights either way.
enum class LinkOffsets : std::uint8_t { DEPTH, ELEVATION };

/// Dynamic wave options: damping of the inertial terms, the normal-flow limit, the force-main friction formula and
/// how surcharged pipes are solved.
enum class InertialDamping : std::uint8_t { NONE, PARTIAL, FULL };
enum class NormalFlowLimited : std::uint8_t { SLOPE, FROUDE, BOTH };
enum class ForceMainEquation : std::uint8_t { HAZEN_WILLIAMS, DARCY_WEISBACH };
enum class SurchargeMethod : std::uint8_t { EXTRAN, SLOT };

/// The file's units and the factors that convert them to SI; each factor multiplies a value in the file's units to
/// give SI. They are SWMM's own factors (its Ucf and Qcf tables: 2.2956e-5 acre and 0.92903e-5 ha per ft², 0.02832 m³
/// per ft³, 448.831 GPM and 28.317 L/s per cfs, ...) composed with the exact foot, 0.3048 m, so that a model in any
/// units is the problem SWMM solves and results agree with SWMM's to rounding. Feet, inches and in/h are then exact;
/// an acre is 4,047.005 m² (4,046.856 by definition), and in SI files a hectare is 10,000.004 m² and a cubic metre
/// per second 0.99989 m³/s, as SWMM takes them.
struct FileUnits {
  FlowUnits flow = FlowUnits::CFS;
  bool us_customary = true;         ///< CFS, GPM, MGD
  double flow_m3s = 0.0;            ///< m³/s per file flow unit
  double length_m = 0.0;            ///< m per ft or m: lengths, depths, elevations, offsets, widths
  double area_m2 = 0.0;             ///< m² per acre or hectare: subcatchment areas
  double rain_rate_m_per_s = 0.0;   ///< m/s per in/h or mm/h: rain intensity, infiltration rates, conductivities
  double rain_depth_m = 0.0;        ///< m per in or mm: rain depths, depression storage, infiltration volumes, suction
  double volume_m3 = 0.0;           ///< m³ per ft³ or m³: wet-well volumes of PUMP1 curves
};

/// A calendar date.
struct Date {
  int year = 2004, month = 1, day = 1;
};

/// [OPTIONS], with SWMM's defaults. The time steps are SWMM's after its adjustments: the report step at most the
/// run's duration, the wet step at most the recording interval of any rain gage in use, the dry step at least the wet
/// step, the routing step at most the wet step.
struct Options {
  InfiltrationModel infiltration = InfiltrationModel::HORTON;  ///< for subcatchments whose line names none
  FlowRouting flow_routing = FlowRouting::KINWAVE;
  LinkOffsets link_offsets = LinkOffsets::DEPTH;   ///< as the file gave them; offsets here are heights either way
  bool allow_ponding = false;        ///< flooded water ponds over a node's ponded area and returns, instead of leaving
  bool skip_steady_state = false;    ///< skip routing through periods when inflows hold steady
  bool ignore_rainfall = false, ignore_snowmelt = false, ignore_groundwater = false, ignore_rdii = false;
  bool ignore_routing = false;       ///< runoff only (also FLOW_ROUTING NONE)
  bool ignore_quality = false;
  double min_slope = 0.0;            ///< least conduit slope, a fraction (the file's percent / 100); 0: none
  Date start_date;                   ///< START_DATE
  std::int64_t start_time_s = 0;     ///< START_TIME, seconds after midnight (rounded to the second)
  std::int64_t duration_s = 0;       ///< from the start to END_DATE END_TIME
  std::int64_t report_start_s = 0;   ///< REPORT_START_DATE REPORT_START_TIME, from the start of the run
  double antecedent_dry_days = 0.0;  ///< DRY_DAYS, days without rain before the run
  std::int64_t report_step_s = 900;
  std::int64_t wet_step_s = 300;     ///< runoff step while it rains or water ponds
  std::int64_t dry_step_s = 3600;    ///< runoff step in dry weather
  double routing_step_s = 300.0;     ///< routing step (SWMM takes decimal seconds)
  std::int64_t rule_step_s = 0;      ///< control rules evaluated every this often; 0: every routing step
  double lengthening_step_s = 0.0;   ///< dynamic wave: conduits lengthened to this Courant step; 0: none
  double variable_step = 0.0;        ///< dynamic wave: safety factor of the variable step (0 to 2); 0: fixed step
  double minimum_step_s = 0.5;       ///< dynamic wave: least variable step
  InertialDamping inertial_damping = InertialDamping::PARTIAL;
  NormalFlowLimited normal_flow_limited = NormalFlowLimited::BOTH;
  ForceMainEquation force_main_equation = ForceMainEquation::HAZEN_WILLIAMS;
  SurchargeMethod surcharge_method = SurchargeMethod::EXTRAN;
  double min_surface_area_m2 = 0.0;  ///< dynamic wave: least surface area of a node; 0: SWMM's 12.566 ft²
  int max_trials = 0;                ///< dynamic wave: trials per step; 0: SWMM's 8
  double head_tolerance_m = 0.0;     ///< dynamic wave: head convergence; 0: SWMM's 0.005 ft
  double sys_flow_tolerance = 0.05;  ///< steady-state test on system inflow against outflow, a fraction
  double lat_flow_tolerance = 0.05;  ///< steady-state test on lateral inflows, a fraction
};

/// How a rain gage's values are written: intensity (rate), volume (depth over each interval) or cumulative depth.
enum class RainFormat : std::uint8_t { INTENSITY, VOLUME, CUMULATIVE };

/// A rain gage reading a time series (rain files are refused: they are not read).
struct RainGage {
  std::string id;
  RainFormat format = RainFormat::INTENSITY;
  std::int64_t interval_s = 3600;   ///< recording interval of the series
  double snow_catch_factor = 1.0;   ///< multiplies snowfall (unused without snowmelt)
  int series = -1;                  ///< index into DrainageNetwork::time_series
  bool used = false;                ///< some subcatchment takes its rain
  int line = 0;
};

/// What a time series feeds, which sets its units.
enum class SeriesUse : std::uint8_t {
  NONE,             ///< nothing read uses it (or only an ignored section): values as in the file
  RAIN_INTENSITY,   ///< an INTENSITY rain gage: m/s
  RAIN_VOLUME,      ///< a VOLUME rain gage: m of rain over each recording interval
  RAIN_CUMULATIVE,  ///< a CUMULATIVE rain gage: m of rain since the start of the series
  OUTFALL_STAGE,    ///< a TIMESERIES outfall: water elevation, m
  INFLOW,           ///< a direct inflow at a node ([INFLOWS] FLOW): m³/s
};

/// A time series. Times are seconds from the start of the run (START_DATE START_TIME): undated entries count hours
/// from the start, dated entries are converted (and a date holds for the entries after it, as in SWMM); decimal hours
/// can make them fractional. Values are in SI by their use; a series nothing read uses keeps the file's values (to
/// give one to a rain gage, multiply by FileUnits::rain_rate_m_per_s or rain_depth_m).
struct TimeSeries {
  std::string id;
  std::vector<double> time_s;
  std::vector<double> values;
  SeriesUse use = SeriesUse::NONE;
  int line = 0;
};

/// Where runoff from one part of a subcatchment goes first: the outlet, or the other part.
enum class RunoffRouting : std::uint8_t { OUTLET, IMPERVIOUS, PERVIOUS };

/// A subcatchment's two surfaces ([SUBAREAS]).
struct Subareas {
  double n_impervious = 0.0, n_pervious = 0.0;                 ///< Manning's n of overland flow
  double storage_impervious_m = 0.0, storage_pervious_m = 0.0;  ///< depression storage
  double zero_storage_fraction = 0.0;  ///< fraction of the impervious area without depression storage
  RunoffRouting route_to = RunoffRouting::OUTLET;
  double routed_fraction = 1.0;        ///< fraction of the runoff routed to the other surface
  int line = 0;                        ///< 0: no [SUBAREAS] line (all zero, as SWMM leaves it: no overland flow)
};

/// Horton infiltration (and modified Horton): the rate decays from the maximum to the minimum while it rains and
/// recovers in dry weather.
struct Horton {
  double max_rate_m_per_s = 0.0;
  double min_rate_m_per_s = 0.0;
  double decay_per_s = 0.0;      ///< decay constant (the file's 1/h / 3600)
  double dry_time_s = 0.0;       ///< for a fully saturated soil to dry out (the file's days × 86400)
  double max_volume_m = 0.0;     ///< greatest infiltrated depth; 0: no limit
};

/// Green-Ampt infiltration (and modified Green-Ampt); also a storage unit's seepage into the soil.
struct GreenAmpt {
  double suction_head_m = 0.0;         ///< capillary suction at the wetting front
  double conductivity_m_per_s = 0.0;   ///< saturated hydraulic conductivity
  double initial_deficit = 0.0;        ///< initial moisture deficit, a fraction of the soil volume
};

/// SCS curve number infiltration.
struct CurveNumber {
  double curve_number = 0.0;
  double conductivity_m_per_s = 0.0;   ///< kept from the file; SWMM 5.2's method does not use it
  double dry_time_s = 0.0;             ///< for a fully saturated soil to dry out
};

/// A subcatchment's infiltration ([INFILTRATION]): the parameters of its model, the others empty.
struct Infiltration {
  InfiltrationModel model = InfiltrationModel::HORTON;
  std::optional<Horton> horton;              ///< HORTON, MODIFIED_HORTON
  std::optional<GreenAmpt> green_ampt;       ///< GREEN_AMPT, MODIFIED_GREEN_AMPT
  std::optional<CurveNumber> curve_number;   ///< CURVE_NUMBER
  int line = 0;                              ///< 0: no [INFILTRATION] line (no infiltration)
};

/// A land area whose rain runs off to a node or to another subcatchment.
struct Subcatchment {
  std::string id;
  int gage = -1;                  ///< index into DrainageNetwork::gages
  int outlet_node = -1;           ///< index into nodes, or -1 when the outlet is a subcatchment
  int outlet_subcatchment = -1;   ///< index into subcatchments, or -1; its own index: the runoff leaves the model
  double area_m2 = 0.0;
  double impervious_fraction = 0.0;  ///< the file's % / 100 (at most 1)
  double width_m = 0.0;              ///< characteristic width of overland flow
  double slope = 0.0;                ///< the file's % / 100
  double curb_length = 0.0;          ///< as written: SWMM leaves its unit to the user (it scales pollutant buildup)
  std::string snowpack;              ///< the snow pack named, or "" ([SNOWPACKS] is not read)
  Subareas subareas;
  Infiltration infiltration;
  int line = 0;
};

enum class NodeKind : std::uint8_t { JUNCTION, OUTFALL, STORAGE };

/// A junction, outfall or storage unit: what all nodes share. A junction is nothing more; an outfall's or a storage
/// unit's own data are in DrainageNetwork::outfalls or storage, at `kind_index`.
struct Node {
  std::string id;
  NodeKind kind = NodeKind::JUNCTION;
  int kind_index = -1;               ///< index among the nodes of its kind (into outfalls or storage)
  double invert_m = 0.0;             ///< invert elevation
  double max_depth_m = 0.0;          ///< from the invert to the ground; 0: its highest link's crown, as SWMM sets it
  double initial_depth_m = 0.0;
  double surcharge_depth_m = 0.0;    ///< junctions and storage: depth above the maximum before the node floods
  double ponded_area_m2 = 0.0;       ///< junctions: area over which flood water ponds (with OPTIONS ALLOW_PONDING)
  bool has_coordinates = false;
  double x = 0.0, y = 0.0;           ///< [COORDINATES], in the file's own map units
  int line = 0;
};

/// What sets the water level at an outfall.
enum class OutfallType : std::uint8_t { FREE, NORMAL, FIXED, TIDAL, TIMESERIES };

/// An outfall: where the drains leave the model.
struct Outfall {
  int node = -1;
  OutfallType type = OutfallType::FREE;
  double fixed_stage_m = 0.0;   ///< FIXED: water elevation
  int tide_curve = -1;          ///< TIDAL: a TIDAL curve (time of day → stage)
  int stage_series = -1;        ///< TIMESERIES: a series of stages
  bool flap_gate = false;       ///< stops backflow
  int route_to = -1;            ///< subcatchment that receives the outflow, or -1
};

/// How a storage unit's surface area varies with depth.
enum class StorageShape : std::uint8_t { TABULAR, FUNCTIONAL, CYLINDRICAL, CONICAL, PARABOLIC, PYRAMIDAL };

/// A storage unit (pond, tank, wet well). Its surface area at depth d (m) is SWMM's: `curve` for TABULAR;
/// a0 + a1·d^a2 for FUNCTIONAL; a0 + a1·d + a2·d² for the other shapes, in m². The field after the shape is SWMM 5.2's
/// surcharge depth (Node::surcharge_depth_m), where files of SWMM 5.0 to 5.1.012 wrote a ponded area.
struct Storage {
  int node = -1;
  StorageShape shape = StorageShape::TABULAR;
  int curve = -1;                  ///< TABULAR: a STORAGE curve (depth m → area m²)
  /// The file's three values in SI: FUNCTIONAL: coefficient, exponent, constant (as a1, a2, a0); CYLINDRICAL:
  /// length and width of the elliptical base (m), and the unused third; CONICAL and PYRAMIDAL: length and width of
  /// the base (m), side slope (run over rise); PARABOLIC (a paraboloid): length and width at the top, height (m).
  std::array<double, 3> dimensions{};
  double a0_m2 = 0.0, a1 = 0.0, a2 = 0.0;   ///< SWMM's area coefficients, in SI
  double evaporation_factor = 0.0;          ///< fraction of potential evaporation that takes place
  std::optional<GreenAmpt> seepage;         ///< exfiltration through the bottom and banks, if given
};

enum class LinkKind : std::uint8_t { CONDUIT, PUMP, ORIFICE, WEIR, OUTLET };

/// Cross-section shapes that have named dimensions here; the others keep SWMM's name and the file's four values.
enum class CrossSectionShape : std::uint8_t { CIRCULAR, RECT_CLOSED, RECT_OPEN, TRAPEZOIDAL, TRIANGULAR, OTHER };

/// A link's cross-section ([XSECTIONS]).
struct CrossSection {
  CrossSectionShape shape = CrossSectionShape::OTHER;
  std::string shape_name;            ///< SWMM's keyword: "CIRCULAR", "EGG", "HORIZ_ELLIPSE", "STREET", ...
  double depth_m = 0.0;              ///< full depth: the diameter, or the height (CUSTOM too)
  double width_m = 0.0;              ///< CIRCULAR: the diameter; RECT_*: the width; TRAPEZOIDAL: the bottom width;
                                     ///< TRIANGULAR: the top width
  double left_slope = 0.0, right_slope = 0.0;  ///< TRAPEZOIDAL: side walls, run over rise
  double sides_ignored = 0.0;        ///< RECT_OPEN conduits: walls left out of the wetted perimeter (0 to 2)
  std::array<double, 4> geometry{};  ///< Geom1 to Geom4 as written, in the file's units (every shape but IRREGULAR,
                                     ///< STREET; CUSTOM: Geom1 only); the named dimensions above are in SI
  std::string reference;             ///< CUSTOM: its shape curve; IRREGULAR: its transect; STREET: its street (the
                                     ///< last two sections are not read)
  int curve = -1;                    ///< CUSTOM: index of its SHAPE curve
  int barrels = 1;                   ///< conduits: identical barrels side by side
  int culvert_code = 0;              ///< conduits: FHWA HDS-5 culvert inlet code; 0: not a culvert
  int line = 0;                      ///< 0: none given
};

/// A conduit, pump, orifice, weir or outlet from node `from` to node `to` (indices into DrainageNetwork::nodes): what
/// all links share. The rest is in conduits, pumps, orifices, weirs or outlets, at `kind_index`.
struct Link {
  std::string id;
  LinkKind kind = LinkKind::CONDUIT;
  int kind_index = -1;
  int from = -1, to = -1;
  CrossSection xsection;             ///< conduits, orifices and weirs (xsection.line 0: none)
  int line = 0;
};

/// A conduit: a pipe or open channel.
struct Conduit {
  int link = -1;
  double length_m = 0.0;
  double roughness = 0.0;            ///< Manning's n (IRREGULAR and STREET conduits take their transect's or street's)
  double inlet_offset_m = 0.0;       ///< height of its invert above the upstream node's invert (at least 0)
  double outlet_offset_m = 0.0;      ///< the same at the downstream node
  double initial_flow_m3s = 0.0;
  double max_flow_m3s = 0.0;         ///< 0: no limit
};

/// A pump, run by its curve; without one an ideal pump passes whatever flows in.
struct Pump {
  int link = -1;
  int curve = -1;                    ///< a PUMP1 to PUMP5 curve, or -1 for an ideal pump
  bool initially_on = true;
  double startup_depth_m = 0.0;      ///< switches on above this depth at the inlet node; 0: not used
  double shutoff_depth_m = 0.0;      ///< switches off below this depth; 0: not used
};

enum class OrificeType : std::uint8_t { SIDE, BOTTOM };

/// An orifice (CIRCULAR or RECT_CLOSED cross-section).
struct Orifice {
  int link = -1;
  OrificeType type = OrificeType::SIDE;
  double crest_height_m = 0.0;       ///< above the upstream node's invert
  double discharge_coefficient = 0.0;
  bool flap_gate = false;
  double open_close_time_s = 0.0;    ///< to open or close fully under a control; 0: at once
};

enum class WeirType : std::uint8_t { TRANSVERSE, SIDEFLOW, V_NOTCH, TRAPEZOIDAL, ROADWAY };
enum class RoadSurface : std::uint8_t { NONE, PAVED, GRAVEL };

/// A weir (RECT_OPEN cross-section, TRIANGULAR for V_NOTCH, TRAPEZOIDAL for TRAPEZOIDAL).
struct Weir {
  int link = -1;
  WeirType type = WeirType::TRANSVERSE;
  double crest_height_m = 0.0;       ///< above the upstream node's invert
  double discharge_coefficient = 0.0;  ///< in SI, m^0.5/s: the file's (ft^0.5/s in US files) × √length_m
  bool flap_gate = false;
  double end_contractions = 0.0;
  double end_coefficient = 0.0;      ///< TRAPEZOIDAL: of the triangular ends, m^0.5/s
  bool can_surcharge = true;
  double road_width_m = 0.0;         ///< ROADWAY
  RoadSurface road_surface = RoadSurface::NONE;  ///< ROADWAY
  int coefficient_curve = -1;        ///< a WEIR curve (head → coefficient), or -1
};

/// An outlet: flow by a rating, a function or a curve, of the depth above its crest or of the head across it.
struct Outlet {
  int link = -1;
  double crest_height_m = 0.0;       ///< above the upstream node's invert
  bool head_based = false;           ///< HEAD: of the head difference; else of the depth above the crest
  int curve = -1;                    ///< TABULAR: a RATING curve; -1 for FUNCTIONAL
  double coefficient = 0.0;          ///< FUNCTIONAL: Q (m³/s) = coefficient · h (m)^exponent
  double exponent = 0.0;
  bool flap_gate = false;
};

/// The type of a curve, as its first line names it.
enum class CurveType : std::uint8_t {
  STORAGE, DIVERSION, TIDAL, RATING, CONTROL, SHAPE, WEIR, PUMP1, PUMP2, PUMP3, PUMP4, PUMP5
};

/// A curve of (x, y) points, in SI by its type: STORAGE: depth m → surface area m²; TIDAL: time of day (s after
/// midnight; the file's hours × 3600) → stage m; RATING: head or depth m → flow m³/s; DIVERSION: inflow → diverted
/// flow, m³/s; PUMP1: wet-well volume m³ → flow m³/s; PUMP2 and PUMP4: depth m → flow; PUMP3 and PUMP5: head m →
/// flow (at full speed); WEIR: head m → discharge coefficient m^0.5/s; SHAPE: depth → width, both relative to the
/// full depth. A CONTROL curve (a control variable → a setting) keeps the file's values.
struct Curve {
  std::string id;
  CurveType type = CurveType::STORAGE;
  std::vector<double> x, y;
  int line = 0;
};

/// A direct inflow of water into a node ([INFLOWS], constituent FLOW), as SWMM 5.2 defines it: at time t,
/// `scale_factor` · series(t) + `baseline_m3s` · pattern(t), in m³/s. The series is interpolated linearly and gives 0
/// before its first entry and after its last. SWMM ignores the line's type and Mfactor for FLOW (its flow is in the
/// file's flow units, converted by FileUnits::flow_m3s), and so does the reader.
struct ExternalInflow {
  int node = -1;                ///< index into DrainageNetwork::nodes
  int series = -1;              ///< index into DrainageNetwork::time_series (use INFLOW), or -1: the baseline only
  double scale_factor = 1.0;    ///< Sfactor, multiplies the series
  double baseline_m3s = 0.0;    ///< constant added to the scaled series
  int pattern = -1;             ///< a pattern of any type multiplying the baseline, or -1
  int line = 0;
};

/// The kind of a time pattern ([PATTERNS]): 12 monthly factors (January first), 7 daily ones (Sunday first), 24
/// hourly ones (from midnight), or 24 hourly ones that hold on weekends only.
enum class PatternType : std::uint8_t { MONTHLY, DAILY, HOURLY, WEEKEND };

/// A time pattern: factors that multiply an average dry-weather flow (missing factors are 1, as in SWMM).
struct TimePattern {
  std::string id;
  PatternType type = PatternType::HOURLY;
  std::vector<double> factors;   ///< 12, 7 or 24 of them
  int line = 0;
};

/// A dry-weather inflow into a node ([DWF], constituent FLOW): its average, m³/s, times the factors of its patterns
/// at the time (SWMM's inflow_getDwfInflow): monthly, daily, and hourly, the weekend pattern replacing the hourly
/// one on Saturdays and Sundays.
struct DryWeatherInflow {
  int node = -1;
  double average_m3s = 0.0;
  std::array<int, 4> patterns{-1, -1, -1, -1};   ///< by PatternType, indices into DrainageNetwork::patterns or -1
  int line = 0;
};

/// What a control rule's premise or action is about.
enum class ControlObject : std::uint8_t { NODE, LINK };
enum class ControlAttribute : std::uint8_t { DEPTH, HEAD, STATUS, SETTING, FLOW };
enum class Relation : std::uint8_t { EQ, NE, LT, LE, GT, GE };

/// A condition of a control rule: IF (or AND, OR) OBJECT ID ATTRIBUTE RELATION VALUE. Values are in SI: node depth
/// and head m, link flow m³/s, status 1 (ON, OPEN) or 0 (OFF, CLOSED), setting as written.
struct Premise {
  bool is_or = false;            ///< an OR premise (else IF or AND)
  ControlObject object = ControlObject::NODE;
  int index = -1;                ///< into nodes or links
  ControlAttribute attribute = ControlAttribute::DEPTH;
  Relation relation = Relation::EQ;
  double value = 0.0;
  int line = 0;
};

/// An action of a control rule: PUMP ID STATUS = ON|OFF, or PUMP ID SETTING = value (the pump's speed, a fraction).
struct ControlAction {
  int link = -1;
  double setting = 0.0;          ///< STATUS ON: 1, OFF: 0
  int line = 0;
};

/// A control rule ([CONTROLS]): if its premises hold, its THEN actions, else its ELSE actions; where two rules act
/// on one link, the higher priority wins, and between equal priorities the earlier rule (SWMM's updateActionList).
struct ControlRule {
  std::string id;
  std::vector<Premise> premises;
  std::vector<ControlAction> then_actions, else_actions;
  double priority = 0.0;
  int line = 0;
};

/// A section or option the reader skipped, for the report.
struct IgnoredSection {
  std::string name;   ///< "[EVAPORATION]", or "[OPTIONS] SWEEP_START" for an option
  int line = 0;       ///< where it starts
  int entries = 0;    ///< non-comment lines in it
  std::string what;   ///< what it holds: "evaporation"
};

/// A whole drainage model: constant parameters, shared read-only by every run on it.
struct DrainageNetwork {
  std::string path;                        ///< the file it was read from
  std::string title;
  FileUnits units;
  Options options;
  std::vector<RainGage> gages;
  std::vector<TimeSeries> time_series;
  std::vector<Subcatchment> subcatchments;
  std::vector<Node> nodes;                 ///< in file order, whatever their kind (as SWMM numbers them)
  std::vector<Outfall> outfalls;
  std::vector<Storage> storage;
  std::vector<Link> links;                 ///< in file order, whatever their kind
  std::vector<Conduit> conduits;
  std::vector<Pump> pumps;
  std::vector<Orifice> orifices;
  std::vector<Weir> weirs;
  std::vector<Outlet> outlets;
  std::vector<Curve> curves;
  std::vector<ExternalInflow> inflows;     ///< [INFLOWS] of FLOW, at most one per node (a later line replaces it)
  std::vector<TimePattern> patterns;
  std::vector<DryWeatherInflow> dry_weather;  ///< [DWF] of FLOW, at most one per node (a later line replaces it)
  std::vector<ControlRule> rules;          ///< in file order
  std::vector<IgnoredSection> ignored;     ///< by line
  std::unordered_map<std::string, int> gage_index, series_index, subcatchment_index, node_index, link_index,
      curve_index, pattern_index;

  /// Index of an object by id, -1 if absent; each kind of object has its own ids, as in SWMM.
  int gage(const std::string& id) const { return find(gage_index, id); }
  int series(const std::string& id) const { return find(series_index, id); }
  int subcatchment(const std::string& id) const { return find(subcatchment_index, id); }
  int node(const std::string& id) const { return find(node_index, id); }
  int link(const std::string& id) const { return find(link_index, id); }
  int curve(const std::string& id) const { return find(curve_index, id); }
  int pattern(const std::string& id) const { return find(pattern_index, id); }

 private:
  static int find(const std::unordered_map<std::string, int>& index, const std::string& id) {
    auto it = index.find(id);
    return it == index.end() ? -1 : it->second;
  }
};

}  // namespace citytwin::models::drainage
