// A pressurised pipe network (water supply or district heating) as an EPANET input file describes it, in SI.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace citytwin::models::water {

/// The flow units of an EPANET file; the first five are US customary (feet, psi), the others SI (metres).
enum class FlowUnits : std::uint8_t { CFS, GPM, MGD, IMGD, AFD, LPS, LPM, MLD, CMH, CMD };

/// Pressure units of an EPANET file (`OPTIONS PRESSURE`): psi for US units, metres or kPa for SI units.
enum class PressureUnits : std::uint8_t { PSI, KPA, METERS };

/// Head-loss formula of every pipe (`OPTIONS HEADLOSS`).
enum class HeadLossFormula : std::uint8_t { HAZEN_WILLIAMS, DARCY_WEISBACH, CHEZY_MANNING };

/// Demand model: demands met whatever the pressure (EPANET's default), or pressure-driven.
enum class DemandModel : std::uint8_t { DEMAND_DRIVEN, PRESSURE_DRIVEN };

enum class NodeKind : std::uint8_t { JUNCTION, RESERVOIR, TANK };

/// PIPE and CV_PIPE (a pipe with a check valve) are pipes; the six valve kinds are EPANET's.
enum class LinkKind : std::uint8_t { PIPE, CV_PIPE, PUMP, PRV, PSV, PBV, FCV, TCV, GPV };

/// A link's initial or controlled status. ACTIVE: a valve that regulates at its setting (its default).
enum class LinkStatus : std::uint8_t { OPEN, CLOSED, ACTIVE };

/// The file's units and the factors that convert them to SI. Every quantity is SI internally; each factor
/// multiplies a value in the file's units to give SI. They are EPANET's own factors (448.831 GPM per cfs, 101.94
/// m³/h per cfs, 0.4333 psi per ft, ...) composed with the exact foot, so that a network in any units is the
/// same problem EPANET solves and results agree with its to rounding.
struct FileUnits {
  FlowUnits flow = FlowUnits::GPM;
  PressureUnits pressure = PressureUnits::PSI;
  bool us_customary = true;          ///< CFS, GPM, MGD, IMGD, AFD: lengths in feet, diameters in inches
  double flow_m3s = 0.0;             ///< m³/s per file flow unit
  double length_m = 0.0;             ///< m per file length unit (ft or m)
  double diameter_m = 0.0;           ///< m per file diameter unit (in or mm)
  double pressure_m = 0.0;           ///< m of water head per file pressure unit (psi, kPa or m), at the
                                     ///< file's specific gravity
  double volume_m3 = 0.0;            ///< m³ per file volume unit (ft³ or m³)
  double power_kw = 0.0;             ///< kW per file power unit (hp or kW)
  double darcy_roughness_m = 0.0;    ///< m per file Darcy-Weisbach roughness unit (millifeet or mm)
};

/// One demand category at a junction.
struct Demand {
  double base_m3s = 0.0;   ///< base demand (before the pattern and the demand multiplier)
  int pattern = -1;        ///< index into WaterNetwork::patterns; -1: the default pattern (see Options)
  std::string category;    ///< the name after ';' in [DEMANDS], or ""
};

/// A junction, reservoir or tank.
struct Node {
  std::string id;
  NodeKind kind = NodeKind::JUNCTION;
  double elevation_m = 0.0;   ///< junction elevation; a reservoir's head; a tank's bottom elevation
  std::vector<Demand> demands;  ///< junctions only; [DEMANDS] entries replace the [JUNCTIONS] demand
  double emitter_m3s = 0.0;   ///< emitter coefficient: outflow in m³/s at 1 m of pressure head (Q = C p^exponent)
  int head_pattern = -1;      ///< reservoirs: pattern of the head (multiplies elevation_m); -1: constant
  // Tanks.
  double init_level_m = 0.0, min_level_m = 0.0, max_level_m = 0.0;  ///< water depth above the bottom
  double diameter_m = 0.0;
  double min_volume_m3 = 0.0;  ///< volume at the minimum level: [TANKS] MINVOL, else the cylinder's, or the volume
                               ///< curve's at the minimum level when the tank has one (as EPANET sets it)
  int volume_curve = -1;      ///< curve of volume (m³) against depth (m); -1: cylindrical
  bool can_overflow = false;  ///< EPANET 2.2's overflow flag
  // Map.
  bool has_coordinates = false;
  double x = 0.0, y = 0.0;    ///< [COORDINATES], in the file's own map units
  int line = 0;               ///< line of the file that declared it
};

/// A pipe, pump or valve from node `from` to node `to` (indices into WaterNetwork::nodes).
struct Link {
  std::string id;
  LinkKind kind = LinkKind::PIPE;
  int from = -1, to = -1;
  double length_m = 0.0;      ///< pipes
  double diameter_m = 0.0;    ///< pipes and valves
  double roughness = 0.0;     ///< Hazen-Williams C, Chezy-Manning n (unitless), or Darcy-Weisbach roughness in m
  double minor_loss = 0.0;    ///< minor-loss coefficient K (unitless)
  LinkStatus status = LinkStatus::OPEN;   ///< initial status ([PIPES] field or [STATUS])
  /// Initial setting: a pump's relative speed; a PRV, PSV or PBV's pressure (m of head); an FCV's flow
  /// (m³/s); a TCV's loss coefficient; a GPV's head-loss curve index. NaN: none given.
  double setting = 0.0;
  // Pumps.
  int head_curve = -1;        ///< index into WaterNetwork::curves (flow m³/s → head m); -1: constant power
  double power_kw = 0.0;      ///< constant-power pumps
  int speed_pattern = -1;     ///< pattern of the relative speed; -1: constant
  int line = 0;
};

/// A curve of (x, y) points, in SI by its use: a pump's head curve (flow m³/s, head m), a GPV's (flow m³/s, head
/// loss m), a tank's volume curve (depth m, volume m³). A curve no pump, valve or tank uses (an efficiency curve)
/// keeps the file's units.
struct Curve {
  std::string id;
  std::vector<double> x, y;
  int line = 0;
};

/// Multipliers, one per pattern step; all patterns share Times::pattern_step_s and wrap around.
struct Pattern {
  std::string id;
  std::vector<double> multipliers;
};

/// A simple control from [CONTROLS].
struct Control {
  enum class Type : std::uint8_t { LOW_LEVEL, HIGH_LEVEL, TIMER, TIME_OF_DAY };
  Type type = Type::TIMER;
  int link = -1;
  LinkStatus status = LinkStatus::OPEN;  ///< OPEN or CLOSED, or ACTIVE when a setting is given
  bool has_setting = false;
  double setting = 0.0;       ///< in the same SI units as Link::setting
  int node = -1;              ///< LOW_LEVEL (BELOW) and HIGH_LEVEL (ABOVE)
  double grade_m = 0.0;       ///< the head at which it acts: elevation + level (tank) or pressure (junction)
  std::int64_t time_s = 0;    ///< TIMER: time since the start; TIME_OF_DAY: seconds after midnight
  int line = 0;
};

/// [OPTIONS].
struct Options {
  HeadLossFormula headloss = HeadLossFormula::HAZEN_WILLIAMS;
  double viscosity = 1.0;          ///< kinematic viscosity relative to water at 20 °C
  double specific_gravity = 1.0;
  int max_trials = 200;
  double accuracy = 0.001;         ///< sum of flow changes / sum of flows at convergence
  int check_freq = 2;              ///< status checks every this many trials
  int max_check = 10;              ///< no status checks after this many trials
  double damp_limit = 0.0;         ///< accuracy below which flow changes are damped (0: never)
  double head_error_m = 0.0;       ///< extra convergence test on head loss (0: none)
  double flow_change_m3s = 0.0;    ///< extra convergence test on the largest flow change (0: none)
  int unbalanced_continue = -1;    ///< UNBALANCED: -1 STOP, otherwise CONTINUE n (0 for plain CONTINUE)
  int default_pattern = -1;        ///< pattern of junctions without one: OPTIONS PATTERN, else pattern "1"
  double demand_multiplier = 1.0;
  double emitter_exponent = 0.5;
  DemandModel demand_model = DemandModel::DEMAND_DRIVEN;
  double minimum_pressure_m = 0.0;   ///< pressure-driven demand: no supply below this
  double required_pressure_m = 0.1;  ///< pressure-driven demand: full supply above this
  double pressure_exponent = 0.5;
};

/// [TIMES], in seconds.
struct Times {
  std::int64_t duration_s = 0;
  std::int64_t hydraulic_step_s = 3600;
  std::int64_t pattern_step_s = 3600;
  std::int64_t pattern_start_s = 0;
  std::int64_t report_step_s = 3600;
  std::int64_t report_start_s = 0;
  std::int64_t start_clocktime_s = 0;   ///< time of day at the start (seconds after midnight)
  std::int64_t rule_step_s = 360;
};

/// A section the reader skipped, for the report.
struct IgnoredSection {
  std::string name;   ///< "[ENERGY]"
  int line = 0;       ///< where it starts
  int entries = 0;    ///< non-comment lines in it
};

/// A whole network: constant parameters, shared read-only by every run on it.
struct WaterNetwork {
  std::string path;                 ///< the file it was read from
  std::string title;
  FileUnits units;
  Options options;
  Times times;
  std::vector<Node> nodes;          ///< EPANET's order: the junctions as declared, then reservoirs and tanks as
                                    ///< declared (whichever section comes first)
  std::vector<Link> links;          ///< EPANET's order: pipes, pumps and valves as they appear in the file
  std::vector<Pattern> patterns;
  std::vector<Curve> curves;
  std::vector<Control> controls;
  std::vector<IgnoredSection> ignored;
  std::unordered_map<std::string, int> node_index, link_index;

  int node(const std::string& id) const;   ///< index of a node by id, -1 if absent
  int link(const std::string& id) const;   ///< index of a link by id, -1 if absent
};

/// PIPE or CV_PIPE.
inline bool is_pipe(LinkKind k) { return k == LinkKind::PIPE || k == LinkKind::CV_PIPE; }

/// The pipes a leak can open on: pipes open at the start, of positive length, in link order.
std::vector<int> open_pipes(const WaterNetwork& net);

/// Pattern `pattern`'s multiplier at pattern step `period` (the pattern wraps around); 1 for no pattern (-1) or an
/// empty one.
double pattern_multiplier(const WaterNetwork& net, int pattern, std::int64_t period);

/// A junction's demand at pattern step `period` as the file gives it: each category's base demand times its
/// pattern (or the default pattern) and the demand multiplier.
double nominal_demand_m3s(const WaterNetwork& net, int node, std::int64_t period);

}  // namespace citytwin::models::water
