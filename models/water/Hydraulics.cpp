// The Global Gradient Algorithm (Todini and Pilati 1988) with EPANET 2.2's status checks, controls and time steps.
//
// Every quantity is SI. EPANET works in feet and cubic feet per second, and several of its constants (tolerances,
// the large and small coefficients that stand for closed and open links, the Hazen-Williams and minor-loss
// factors) carry those units: each is written here as its value in EPANET's units times the unit, so that the
// problem solved is EPANET's, scaled, and the results agree with EPANET's to rounding.
#include "models/water/Hydraulics.hpp"

#include <Eigen/OrderingMethods>
#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <stdexcept>

#include "sim/Check.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::models::water {

namespace {

constexpr double FT = 0.3048;             // m
constexpr double CFS = FT * FT * FT;      // m³/s
constexpr double PI = std::numbers::pi;
constexpr double MISSING = -1.0e10;       // a setting that is not set (a valve fixed open or closed)
constexpr double BIG = 1.0e10;

// EPANET's constants in its units (ft, cfs), times those units.
constexpr double QZERO = 1.0e-6 * CFS;            // flow taken as zero
constexpr double P_UNIT = CFS / FT;               // unit of a link's inverse head-loss gradient
constexpr double P_CLOSED = 1.0e-8 * P_UNIT;      // 1 / CBIG: a closed link
constexpr double P_OPEN = 1.0e6 * P_UNIT;         // 1 / CSMALL: an open valve without loss
constexpr double CBIG_P = 1.0e8 * P_UNIT;         // CBIG as a coefficient of the matrix
constexpr double RQTOL = 1.0e-7 * FT / CFS;       // smallest head-loss gradient
constexpr double HTOL = 0.0005 * FT;              // head tolerance of the status checks
constexpr double QTOL = 0.0001 * CFS;             // flow tolerance of the status checks
constexpr double TINY_Q = 1.0e-6 * CFS;           // smallest flow on a pump or valve curve
constexpr double TINY_SLOPE = 1.0e-6 * FT / CFS;  // smallest slope of a valve's head-loss curve
constexpr double VISCOSITY_WATER = 1.1e-5 * FT * FT;  // m²/s at 20 °C
constexpr double PDA_MIN_DIFF = 0.1 * FT;         // smallest pressure range of pressure-driven demand
constexpr double PDA_QTOL = 0.0001 * CFS;

// Darcy-Weisbach: Swamee-Jain, and Dunlop's interpolation in the transition (EPANET's constants).
constexpr double A1 = 3.14159265358979323850e+03;   // 1000 π
constexpr double A2 = 1.57079632679489661930e+03;   // 500 π
constexpr double A8 = 4.61841319859066668690e+00;   // 5.74 (π/4)^0.9
constexpr double A9 = -8.68588963806503655300e-01;  // −2 / ln 10
constexpr double AB = 3.28895476345399058690e-03;   // 5.74 / 4000^0.9
constexpr double AC = -5.14214965799093883760e-03;  // −2 × 0.9 × 2 / ln 10 × AB

bool is_valve(LinkKind k) { return k >= LinkKind::PRV; }

// Piecewise-linear interpolation as EPANET's interp(): constant beyond the ends.
double interp(const std::vector<double>& x, const std::vector<double>& y, double xx) {
  const std::size_t m = x.size() - 1;
  if (xx <= x[0]) return y[0];
  for (std::size_t k = 1; k <= m; ++k) {
    if (x[k] >= xx) {
      const double dx = x[k] - x[k - 1], dy = y[k] - y[k - 1];
      if (std::fabs(dx) < 1.0e-6) return y[k];
      return y[k] - (x[k] - xx) * dy / dx;
    }
  }
  return y[m];
}

std::string clock(std::int64_t t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(t / 3600),
                static_cast<long long>(t % 3600 / 60), static_cast<long long>(t % 60));
  return buf;
}

}  // namespace

enum class PumpType : std::uint8_t { CONST_HP, POWER_FUNC, CUSTOM, NOCURVE };

struct PumpData {
  int link = -1;
  PumpType type = PumpType::NOCURVE;
  double h0 = 0.0, r = 0.0, n = 1.0;   // head loss = h0 + r q^n (h0 < 0: a head gain)
  double q0 = 0.0, qmax = 0.0, hmax = 0.0;
  int curve = -1;
  int speed_pattern = -1;
};

struct TankData {
  bool reservoir = true;
  double area = 0.0, hmin = 0.0, hmax = 0.0, h0 = 0.0, vmin = 0.0, vmax = 0.0, v0 = 0.0;
  int vcurve = -1, pattern = -1;
  bool can_overflow = false;
};

struct LinkData {
  LinkKind kind = LinkKind::PIPE;
  int n1 = -1, n2 = -1;
  double r = 0.0;      // pipes: resistance (head loss = r q^hexp)
  double km = 0.0;     // minor loss: head loss = km q²
  double diam = 0.0, kc = 0.0;
  HydraulicStatus init_status = HydraulicStatus::OPEN;
  double init_setting = 0.0;
  int pump = -1;
};

struct ControlData {
  Control::Type type = Control::Type::TIMER;
  int link = -1;
  HydraulicStatus status = HydraulicStatus::OPEN;
  double setting = MISSING;
  int node = -1;
  double grade = 0.0;
  std::int64_t time = 0;
};

using SpMat = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

struct ModelData {
  double hexp = 1.852;
  double viscosity = VISCOSITY_WATER;
  double qexp = 2.0;        // emitters: head loss = ke q^qexp, qexp = 1 / exponent
  double hacc = 0.001;
  std::vector<LinkData> links;
  std::vector<PumpData> pumps;
  std::vector<int> valves;  // link indices, in order
  // Pipes under a power law (Hazen-Williams, Chezy-Manning), apart for the tight loop that computes their
  // coefficients at every trial; every other link is in `other_links`.
  std::vector<int> power_pipes, other_links;
  std::vector<double> power_r, power_km;
  std::vector<TankData> tanks;  // per node; junctions have an unused entry
  std::vector<double> emitter_ke;
  std::vector<ControlData> controls;
  // The linear system: one unknown per junction, in the order `row`, upper triangle stored.
  std::vector<int> row, node_of_row;
  std::vector<int> link_entry;   // per link: index into the values of its off-diagonal entry, -1 if none
  std::vector<int> diag_entry;   // per row
  SpMat pattern;
};

namespace {

// A tank's volume at head h, and its head at volume v: cylindrical, or by its volume curve.
double tank_volume(const ModelData& d, const WaterNetwork& net, int node, double h) {
  const TankData& t = d.tanks[node];
  if (t.vcurve < 0) return t.vmin + (h - t.hmin) * t.area;
  const Curve& c = net.curves[t.vcurve];
  return interp(c.x, c.y, h - net.nodes[node].elevation_m);
}

double tank_grade(const ModelData& d, const WaterNetwork& net, int node, double v) {
  const TankData& t = d.tanks[node];
  if (t.vcurve < 0) return t.hmin + (v - t.vmin) / t.area;
  const Curve& c = net.curves[t.vcurve];
  return net.nodes[node].elevation_m + interp(c.y, c.x, v);
}

[[noreturn]] void refuse(const WaterNetwork& net, int line, const std::string& what) {
  throw sim::ScenarioError(net.path + ":" + std::to_string(line) + ": " + what);
}

// EPANET's fit of h = a + b q^c through (0, h0), (q1, h1), (q2, h2); false when the points do not allow one.
bool power_curve(double h0, double h1, double h2, double q1, double q2, double& a, double& b, double& c) {
  const double tiny_h = 1.0e-6 * FT, tiny_q = 1.0e-6 * CFS;
  if (h0 < tiny_h || h0 - h1 < tiny_h || h1 - h2 < tiny_h || q1 < tiny_q || q2 - q1 < tiny_q) return false;
  a = h0;
  const double h4 = h0 - h1, h5 = h0 - h2;
  c = std::log(h5 / h4) / std::log(q2 / q1);
  if (c <= 0.0 || c > 20.0) return false;
  b = -h4 / std::pow(q1, c);
  return b < 0.0;
}

}  // namespace

namespace {

/// The network with each leak pipe split at its midpoint by a junction placed after the original junctions.
WaterNetwork with_leak_sites(const WaterNetwork& original, const std::vector<int>& leak_pipes, int& junctions,
                             std::vector<int>& leak_nodes) {
  junctions = 0;
  while (junctions < static_cast<int>(original.nodes.size()) && original.nodes[junctions].kind == NodeKind::JUNCTION)
    ++junctions;
  if (leak_pipes.empty()) return original;
  WaterNetwork net = original;
  const int leaks = static_cast<int>(leak_pipes.size());
  auto shifted = [&](int n) { return n < junctions ? n : n + leaks; };
  std::vector<Node> nodes(net.nodes.begin(), net.nodes.begin() + junctions);
  for (int s = 0; s < leaks; ++s) {
    const int k = leak_pipes[s];
    if (k < 0 || k >= static_cast<int>(original.links.size()) ||
        (original.links[k].kind != LinkKind::PIPE && original.links[k].kind != LinkKind::CV_PIPE))
      throw sim::ScenarioError(original.path + ": leak site " + std::to_string(k) +
                               " is not a pipe of the network; leaks go on pipes");
    const Link& l = original.links[k];
    const Node& a = original.nodes[l.from];
    const Node& b = original.nodes[l.to];
    Node mid;
    mid.id = l.id + "#leak";
    mid.kind = NodeKind::JUNCTION;
    const bool a_junction = a.kind == NodeKind::JUNCTION, b_junction = b.kind == NodeKind::JUNCTION;
    mid.elevation_m = a_junction && b_junction ? (a.elevation_m + b.elevation_m) / 2
                      : a_junction              ? a.elevation_m
                      : b_junction              ? b.elevation_m
                                                : (a.elevation_m + b.elevation_m) / 2;
    mid.has_coordinates = a.has_coordinates && b.has_coordinates;
    mid.x = (a.x + b.x) / 2;
    mid.y = (a.y + b.y) / 2;
    mid.line = l.line;
    leak_nodes.push_back(static_cast<int>(nodes.size()));
    nodes.push_back(std::move(mid));
  }
  nodes.insert(nodes.end(), net.nodes.begin() + junctions, net.nodes.end());
  net.nodes = std::move(nodes);
  for (Link& l : net.links) {
    l.from = shifted(l.from);
    l.to = shifted(l.to);
  }
  for (Control& c : net.controls)
    if (c.node >= 0) c.node = shifted(c.node);
  for (int s = 0; s < leaks; ++s) {
    Link& first = net.links[leak_pipes[s]];
    Link second = first;
    second.id = first.id + "#2";
    second.kind = LinkKind::PIPE;
    second.minor_loss = 0.0;
    first.length_m /= 2;
    second.length_m = first.length_m;
    second.from = leak_nodes[s];
    first.to = leak_nodes[s];
    net.links.push_back(std::move(second));
  }
  net.node_index.clear();
  net.link_index.clear();
  for (std::size_t i = 0; i < net.nodes.size(); ++i) net.node_index[net.nodes[i].id] = static_cast<int>(i);
  for (std::size_t k = 0; k < net.links.size(); ++k) net.link_index[net.links[k].id] = static_cast<int>(k);
  junctions += leaks;
  return net;
}

}  // namespace

HydraulicModel::HydraulicModel(const WaterNetwork& original, const std::vector<int>& leak_pipes)
    : leak_pipes_(leak_pipes),
      original_(original),
      net_(with_leak_sites(original, leak_pipes, original_junctions_, leak_nodes_)),
      data_(std::make_unique<ModelData>()) {
  original_junctions_ -= static_cast<int>(leak_pipes.size());
  const WaterNetwork& net = net_;
  ModelData& d = *data_;
  const int n_nodes = static_cast<int>(net.nodes.size());
  const int n_links = static_cast<int>(net.links.size());

  // Junctions come first, as in EPANET.
  while (junctions_ < n_nodes && net.nodes[junctions_].kind == NodeKind::JUNCTION) ++junctions_;
  for (int i = junctions_; i < n_nodes; ++i)
    CITYTWIN_CHECK(net.nodes[i].kind != NodeKind::JUNCTION, "junctions must precede reservoirs and tanks");
  if (n_nodes < 2) refuse(net, 1, "the network has fewer than two nodes; a network needs a reservoir or tank and the junctions it feeds");
  if (junctions_ == 0)
    refuse(net, 1, "the network has no junction, so there is nothing to solve; add a [JUNCTIONS] entry between its reservoirs and tanks");
  if (junctions_ == n_nodes)
    refuse(net, 1, "the network has no reservoir or tank, so its heads are undetermined; add a [RESERVOIRS] or [TANKS] entry");

  // Options.
  const Options& o = net.options;
  switch (o.headloss) {
    case HeadLossFormula::HAZEN_WILLIAMS: d.hexp = 1.852; break;
    case HeadLossFormula::DARCY_WEISBACH: d.hexp = 2.0; break;
    case HeadLossFormula::CHEZY_MANNING: d.hexp = 2.0; break;
  }
  d.viscosity = VISCOSITY_WATER * o.viscosity;
  d.qexp = 1.0 / o.emitter_exponent;
  d.hacc = o.accuracy;

  // Tanks and reservoirs.
  d.tanks.resize(n_nodes);
  for (int i = junctions_; i < n_nodes; ++i) {
    const Node& nd = net.nodes[i];
    TankData& t = d.tanks[i];
    if (nd.kind == NodeKind::RESERVOIR) {
      t.reservoir = true;
      t.h0 = t.hmin = t.hmax = nd.elevation_m;
      t.pattern = nd.head_pattern;
      continue;
    }
    t.reservoir = false;
    t.h0 = nd.elevation_m + nd.init_level_m;
    t.hmin = nd.elevation_m + nd.min_level_m;
    t.hmax = nd.elevation_m + nd.max_level_m;
    t.area = PI * nd.diameter_m * nd.diameter_m / 4.0;
    t.vmin = nd.min_volume_m3 > 0.0 ? nd.min_volume_m3 : t.area * nd.min_level_m;
    t.v0 = t.vmin + t.area * (nd.init_level_m - nd.min_level_m);
    t.vmax = t.vmin + t.area * (nd.max_level_m - nd.min_level_m);
    t.vcurve = nd.volume_curve;
    t.can_overflow = nd.can_overflow;
    if (t.vcurve >= 0) {
      const Curve& c = net.curves[t.vcurve];
      if (c.x.size() < 2 || c.x.front() > nd.min_level_m || c.x.back() < nd.max_level_m)
        refuse(net, nd.line, "[TANKS] tank '" + nd.id + "': its volume curve '" + c.id +
                                 "' does not cover the levels from its minimum to its maximum; extend the curve");
      t.vmin = interp(c.x, c.y, nd.min_level_m);
      t.v0 = interp(c.x, c.y, nd.init_level_m);
      t.vmax = interp(c.x, c.y, nd.max_level_m);
    }
    if (nd.max_level_m < nd.min_level_m || nd.init_level_m < nd.min_level_m || nd.init_level_m > nd.max_level_m)
      refuse(net, nd.line, "[TANKS] tank '" + nd.id +
                               "': its initial level must lie between its minimum and maximum levels; correct the levels");
    if (t.area <= 0.0 && t.vcurve < 0)
      refuse(net, nd.line, "[TANKS] tank '" + nd.id + "': its diameter must be positive; give a diameter or a volume curve");
  }

  // Emitters.
  d.emitter_ke.assign(n_nodes, 0.0);
  for (int i = 0; i < junctions_; ++i) {
    const double c = net.nodes[i].emitter_m3s;
    if (c > 0.0) d.emitter_ke[i] = 1.0 / std::pow(c, d.qexp);
  }

  // Links.
  d.links.resize(n_links);
  std::vector<int> degree(n_nodes, 0);
  for (int k = 0; k < n_links; ++k) {
    const Link& l = net.links[k];
    LinkData& ld = d.links[k];
    ld.kind = l.kind;
    ld.n1 = l.from;
    ld.n2 = l.to;
    ld.diam = l.diameter_m;
    ++degree[l.from];
    ++degree[l.to];
    if (is_pipe(l.kind) || is_valve(l.kind)) {
      const double d_ft = l.diameter_m / FT;
      ld.km = l.diameter_m > 0.0 ? 0.02517 * l.minor_loss / (d_ft * d_ft * d_ft * d_ft) * FT / (CFS * CFS) : 0.0;
    }
    if (is_pipe(l.kind)) {
      const double len_ft = l.length_m / FT, d_ft = l.diameter_m / FT;
      double r_ft = 0.0;  // resistance in EPANET's units (ft per cfs^hexp)
      switch (o.headloss) {
        case HeadLossFormula::HAZEN_WILLIAMS:
          r_ft = 4.727 * len_ft / std::pow(l.roughness, d.hexp) / std::pow(d_ft, 4.871);
          break;
        case HeadLossFormula::DARCY_WEISBACH: {
          const double area = PI * d_ft * d_ft / 4.0;
          r_ft = len_ft / 2.0 / 32.2 / d_ft / (area * area);
          ld.kc = l.roughness;
          break;
        }
        case HeadLossFormula::CHEZY_MANNING: {
          const double x = 4.0 * l.roughness / (1.49 * PI * d_ft * d_ft);
          r_ft = x * x * std::pow(d_ft / 4.0, -1.333) * len_ft;
          break;
        }
      }
      ld.r = r_ft * FT / std::pow(CFS, d.hexp);
      ld.init_status = l.status == LinkStatus::CLOSED ? HydraulicStatus::CLOSED : HydraulicStatus::OPEN;
      ld.init_setting = l.roughness;
    } else if (l.kind == LinkKind::PUMP) {
      PumpData p;
      p.link = k;
      p.speed_pattern = l.speed_pattern;
      if (l.head_curve < 0 && l.power_kw > 0.0) {
        // Constant power: head = 8.814 hp / q in EPANET's units.
        p.type = PumpType::CONST_HP;
        p.h0 = 0.0;
        p.r = -8.814 * (l.power_kw / 0.7457) * FT * CFS;
        p.n = -1.0;
        p.hmax = BIG;
        p.qmax = BIG;
        p.q0 = CFS;
      } else if (l.head_curve >= 0) {
        const Curve& c = net.curves[l.head_curve];
        p.curve = l.head_curve;
        double h0 = 0.0, h1 = 0.0, h2 = 0.0, q1 = 0.0, q2 = 0.0;
        const std::size_t npts = c.x.size();
        if (npts == 1) {
          p.type = PumpType::POWER_FUNC;
          q1 = c.x[0];
          h1 = c.y[0];
          h0 = 1.33334 * h1;
          q2 = 2.0 * q1;
          h2 = 0.0;
        } else if (npts == 3 && c.x[0] == 0.0) {
          p.type = PumpType::POWER_FUNC;
          h0 = c.y[0];
          q1 = c.x[1];
          h1 = c.y[1];
          q2 = c.x[2];
          h2 = c.y[2];
        } else {
          p.type = PumpType::CUSTOM;
        }
        if (p.type == PumpType::POWER_FUNC) {
          double a = 0.0, b = 0.0, cc = 0.0;
          if (!power_curve(h0, h1, h2, q1, q2, a, b, cc))
            refuse(net, c.line, "[CURVES] pump curve '" + c.id + "' of pump '" + l.id +
                                    "' cannot be fitted (its head must fall as the flow rises); correct its points");
          p.h0 = -a;
          p.r = -b;
          p.n = cc;
          p.q0 = q1;
          p.qmax = std::pow(-a / b, 1.0 / cc);
          p.hmax = h0;
        } else {
          for (std::size_t j = 1; j < npts; ++j)
            if (c.y[j] >= c.y[j - 1] || c.x[j] <= c.x[j - 1])
              refuse(net, c.line, "[CURVES] pump curve '" + c.id + "' of pump '" + l.id +
                                      "': its flows must rise and its heads fall from point to point; correct its points");
          p.q0 = (c.x.front() + c.x.back()) / 2.0;
          p.qmax = c.x.back();
          p.hmax = c.y.front();
        }
      } else {
        p.type = PumpType::NOCURVE;
      }
      ld.pump = static_cast<int>(d.pumps.size());
      d.pumps.push_back(p);
      // A pump closed in [STATUS] keeps its speed as its setting, as in EPANET (which matters to the controls).
      ld.init_status = l.status == LinkStatus::CLOSED ? HydraulicStatus::CLOSED : HydraulicStatus::OPEN;
      ld.init_setting = std::isnan(l.setting) ? 1.0 : l.setting;
      if (ld.init_setting == 0.0) ld.init_status = HydraulicStatus::CLOSED;
    } else {
      d.valves.push_back(k);
      if (l.kind == LinkKind::GPV) {
        ld.init_setting = l.setting;
        ld.init_status = l.status == LinkStatus::CLOSED ? HydraulicStatus::CLOSED : HydraulicStatus::OPEN;
      } else if (l.status == LinkStatus::ACTIVE && !std::isnan(l.setting)) {
        ld.init_status = HydraulicStatus::ACTIVE;
        ld.init_setting = l.setting;
      } else {
        // Fixed open or closed by [STATUS].
        ld.init_status = l.status == LinkStatus::CLOSED ? HydraulicStatus::CLOSED : HydraulicStatus::OPEN;
        ld.init_setting = MISSING;
      }
    }
  }
  for (int k = 0; k < n_links; ++k) {
    const LinkData& ld = d.links[k];
    if (is_pipe(ld.kind) && o.headloss != HeadLossFormula::DARCY_WEISBACH) {
      d.power_pipes.push_back(k);
      d.power_r.push_back(ld.r);
      d.power_km.push_back(ld.km);
    } else {
      d.other_links.push_back(k);
    }
  }
  for (int i = 0; i < junctions_; ++i)
    if (degree[i] == 0)
      refuse(net, net.nodes[i].line, "[JUNCTIONS] junction '" + net.nodes[i].id +
                                         "' is connected to no link; connect it or remove it");

  // Controls.
  for (const Control& c : net.controls) {
    ControlData cd;
    cd.type = c.type;
    cd.link = c.link;
    cd.node = c.node;
    cd.grade = c.grade_m;
    cd.time = c.time_s;
    const Link& l = net.links[c.link];
    cd.status = c.status == LinkStatus::CLOSED ? HydraulicStatus::CLOSED
                : c.status == LinkStatus::ACTIVE ? HydraulicStatus::ACTIVE
                                                 : HydraulicStatus::OPEN;
    if (l.kind == LinkKind::PUMP) {
      cd.setting = c.has_setting ? c.setting : (c.status == LinkStatus::CLOSED ? 0.0 : 1.0);
      cd.status = cd.setting == 0.0 ? HydraulicStatus::CLOSED : HydraulicStatus::OPEN;
    } else if (l.kind == LinkKind::GPV) {
      cd.setting = l.setting;
    } else if (is_valve(l.kind)) {
      cd.setting = c.has_setting ? c.setting : MISSING;
      if (c.has_setting) cd.status = HydraulicStatus::ACTIVE;
    } else {
      cd.setting = MISSING;
      if (c.has_setting) cd.status = c.setting == 0.0 ? HydraulicStatus::CLOSED : HydraulicStatus::OPEN;
    }
    d.controls.push_back(cd);
  }

  // The matrix: symmetric, one row per junction, ordered to reduce fill-in (approximate minimum degree).
  const int nj = junctions_;
  std::vector<Eigen::Triplet<double, int>> entries;
  for (int i = 0; i < nj; ++i) entries.emplace_back(i, i, 1.0);
  for (const LinkData& ld : d.links)
    if (ld.n1 < nj && ld.n2 < nj) {
      entries.emplace_back(ld.n1, ld.n2, 1.0);
      entries.emplace_back(ld.n2, ld.n1, 1.0);
    }
  SpMat full(nj, nj);
  full.setFromTriplets(entries.begin(), entries.end());
  Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> pinv;
  Eigen::AMDOrdering<int> amd;
  amd(full, pinv);
  d.row.assign(nj, 0);
  d.node_of_row.assign(nj, 0);
  if (pinv.size() == nj) {
    // Eigen's ordering gives the inverse permutation: node pinv(j) goes to row j.
    for (int j = 0; j < nj; ++j) d.row[pinv.indices()(j)] = j;
  } else {
    for (int i = 0; i < nj; ++i) d.row[i] = i;
  }
  for (int i = 0; i < nj; ++i) d.node_of_row[d.row[i]] = i;

  entries.clear();
  for (int i = 0; i < nj; ++i) entries.emplace_back(i, i, 1.0);
  for (const LinkData& ld : d.links)
    if (ld.n1 < nj && ld.n2 < nj) {
      const int a = d.row[ld.n1], b = d.row[ld.n2];
      entries.emplace_back(std::min(a, b), std::max(a, b), 1.0);
    }
  d.pattern.resize(nj, nj);
  d.pattern.setFromTriplets(entries.begin(), entries.end());
  d.pattern.makeCompressed();
  auto entry = [&](int r, int c) {
    for (int p = d.pattern.outerIndexPtr()[c]; p < d.pattern.outerIndexPtr()[c + 1]; ++p)
      if (d.pattern.innerIndexPtr()[p] == r) return p;
    CITYTWIN_CHECK(false, "matrix entry missing from the pattern");
    return -1;
  };
  d.diag_entry.resize(nj);
  for (int r = 0; r < nj; ++r) d.diag_entry[r] = entry(r, r);
  d.link_entry.assign(n_links, -1);
  for (int k = 0; k < n_links; ++k) {
    const LinkData& ld = d.links[k];
    if (ld.n1 < nj && ld.n2 < nj) {
      const int a = d.row[ld.n1], b = d.row[ld.n2];
      d.link_entry[k] = entry(std::min(a, b), std::max(a, b));
    }
  }
}

HydraulicModel::~HydraulicModel() = default;

// --- One run ---------------------------------------------------------------------------------------------

struct RunState {
  const HydraulicModel* model = nullptr;
  const ModelData* d = nullptr;
  const WaterNetwork* net = nullptr;
  int nj = 0, nn = 0, nl = 0;

  std::vector<double> head, demand, demand_flow, emitter_flow, xflow;
  std::vector<double> leak_ke, leak_flow;  // per node: orifice head-loss coefficient (0: none), outflow
  std::vector<double> q, p, y, setting;
  std::vector<HydraulicStatus> status;
  std::vector<double> volume;  // per node (tanks)
  double relax = 1.0;

  std::int64_t htime = 0, rtime = 0;
  bool halt = false;
  int extra_iter = -1;
  std::vector<std::string> warnings;

  std::vector<double> demand_factor;  // per junction: multiplies its demand (consumers' variation); empty: 1

  SpMat a;
  Eigen::VectorXd f, x;
  /// The factorisation; a copy of a run analyses the (shared) pattern afresh, Eigen's solvers being non-copyable.
  struct Factorisation {
    Eigen::SimplicialLDLT<SpMat, Eigen::Upper, Eigen::NaturalOrdering<int>> ldlt;
    bool factored = false;  // a matrix has been factorised since the pattern was analysed
    Factorisation() = default;
    Factorisation(const Factorisation&) {}
    Factorisation& operator=(const Factorisation&) { return *this; }
  } fact;

  RunState(const RunState& o);
  RunState& operator=(const RunState&) = delete;

  explicit RunState(const HydraulicModel& m);
  void init_link_flow(int k);
  double pattern_factor(int pattern, std::int64_t period) const;
  void set_link_setting(int k, double value);
  void compute_demands();
  int apply_controls();
  SolveInfo hydsolve();

  // Coefficients.
  void headloss_coeffs();
  void pipe_coeff(int k);
  void dw_pipe_coeff(int k);
  void pump_coeff(int k);
  void valve_coeff(int k);
  void valve_coeff_with_km(int k, double km);
  void gpv_coeff(int k);
  void pbv_coeff(int k);
  void tcv_coeff(int k);
  void curve_coeff(int curve, double qq, double& h0, double& r) const;
  void matrix_coeffs();
  void emitter_head_loss(int i, double& hloss, double& hgrad) const;
  void leak_head_loss(int i, double& hloss, double& hgrad) const;
  void demand_head_loss(int i, double dp, double n, double& hloss, double& hgrad) const;
  /// Pressure-driven demand: the pressure below which nothing flows, the range to full supply, 1 / exponent.
  struct PdaParameters {
    double pmin, dp, n;
  };
  PdaParameters pda_parameters() const {
    const Options& o = net->options;
    return {o.minimum_pressure_m, std::max(o.required_pressure_m - o.minimum_pressure_m, PDA_MIN_DIFF),
            1.0 / o.pressure_exponent};
  }
  double new_flows();

  // Status checks.
  bool valve_status();
  bool link_status();
  bool pressure_switch();
  bool bad_valve(int node);
  HydraulicStatus cv_status(HydraulicStatus s, double dh, double flow) const;
  HydraulicStatus pump_status(int k, double dh) const;
  HydraulicStatus prv_status(int k, HydraulicStatus s, double hset, double h1, double h2) const;
  HydraulicStatus psv_status(int k, HydraulicStatus s, double hset, double h1, double h2) const;
  HydraulicStatus fcv_status(int k, HydraulicStatus s, double h1, double h2) const;
  void tank_link_status(int k, int n1, int n2);
  bool has_converged(double relerr);
  bool pda_converged();

  // Time.
  std::int64_t timestep();
  void tank_timestep(std::int64_t& tstep) const;
  void control_timestep(std::int64_t& tstep) const;
  void tank_levels(std::int64_t tstep);
};

RunState::RunState(const RunState& o)
    : model(o.model), d(o.d), net(o.net), nj(o.nj), nn(o.nn), nl(o.nl), head(o.head), demand(o.demand),
      demand_flow(o.demand_flow), emitter_flow(o.emitter_flow), xflow(o.xflow), leak_ke(o.leak_ke),
      leak_flow(o.leak_flow), q(o.q), p(o.p), y(o.y), setting(o.setting), status(o.status), volume(o.volume),
      relax(o.relax), htime(o.htime), rtime(o.rtime), halt(o.halt), extra_iter(o.extra_iter), warnings(o.warnings),
      demand_factor(o.demand_factor), a(o.a), f(o.f), x(o.x) {
  fact.ldlt.analyzePattern(a);
}

RunState::RunState(const HydraulicModel& m) : model(&m), d(&m.data()), net(&m.solved()) {
  nj = m.junctions();
  nn = static_cast<int>(net->nodes.size());
  nl = static_cast<int>(net->links.size());
  head.assign(nn, 0.0);
  demand.assign(nn, 0.0);
  demand_flow.assign(nn, 0.0);
  emitter_flow.assign(nn, 0.0);
  xflow.assign(nn, 0.0);
  leak_ke.assign(nn, 0.0);
  leak_flow.assign(nn, 0.0);
  q.assign(nl, 0.0);
  p.assign(nl, 0.0);
  y.assign(nl, 0.0);
  setting.assign(nl, 0.0);
  status.assign(nl, HydraulicStatus::OPEN);
  volume.assign(nn, 0.0);
  extra_iter = net->options.unbalanced_continue;

  a = d->pattern;
  f.setZero(nj);
  x.setZero(nj);
  fact.ldlt.analyzePattern(a);

  // Tanks, emitters and links as EPANET's openhyd() and inithyd() leave them.
  for (int i = nj; i < nn; ++i) {
    const TankData& t = d->tanks[i];
    volume[i] = t.v0;
    head[i] = t.h0;
  }
  for (int i = 0; i < nj; ++i)
    if (d->emitter_ke[i] > 0.0) emitter_flow[i] = CFS;
  for (int k = 0; k < nl; ++k) {
    const LinkData& ld = d->links[k];
    status[k] = ld.init_status;
    setting[k] = ld.init_setting;
    init_link_flow(k);  // openhyd()
    if ((ld.kind == LinkKind::PRV || ld.kind == LinkKind::PSV || ld.kind == LinkKind::FCV) &&
        ld.init_setting != MISSING)
      status[k] = HydraulicStatus::ACTIVE;
    if (status[k] <= HydraulicStatus::CLOSED) q[k] = QZERO;
    else if (std::fabs(q[k]) <= QZERO) init_link_flow(k);
  }
  htime = 0;
  rtime = net->times.report_step_s;
}

void RunState::init_link_flow(int k) {
  const LinkData& ld = d->links[k];
  if (status[k] == HydraulicStatus::CLOSED) q[k] = QZERO;
  else if (ld.kind == LinkKind::PUMP) q[k] = setting[k] * d->pumps[ld.pump].q0;
  else q[k] = PI * ld.diam * ld.diam / 4.0 * FT;  // 1 ft/s
}

double RunState::pattern_factor(int pattern, std::int64_t period) const {
  return pattern_multiplier(*net, pattern, period);
}

void RunState::set_link_setting(int k, double value) {
  const LinkData& ld = d->links[k];
  if (ld.kind == LinkKind::PUMP) {
    setting[k] = value;
    if (value > 0.0 && status[k] <= HydraulicStatus::CLOSED) {
      if (d->pumps[ld.pump].type == PumpType::CONST_HP) q[k] = d->pumps[ld.pump].q0;
      status[k] = HydraulicStatus::OPEN;
    }
    if (value == 0.0 && status[k] > HydraulicStatus::CLOSED) status[k] = HydraulicStatus::CLOSED;
  } else if (ld.kind == LinkKind::FCV) {
    setting[k] = value;
    status[k] = HydraulicStatus::ACTIVE;
  } else {
    if (setting[k] == MISSING && status[k] <= HydraulicStatus::CLOSED) status[k] = HydraulicStatus::OPEN;
    setting[k] = value;
  }
}

void RunState::compute_demands() {
  const Times& t = net->times;
  const std::int64_t period = (htime + t.pattern_start_s) / t.pattern_step_s;
  for (int i = 0; i < nj; ++i) {
    double sum = nominal_demand_m3s(*net, i, period);
    if (!demand_factor.empty()) sum *= demand_factor[i];
    demand[i] = sum;
    demand_flow[i] = sum;
  }
  for (int i = nj; i < nn; ++i) {
    const TankData& tk = d->tanks[i];
    if (tk.reservoir && tk.pattern >= 0) head[i] = net->nodes[i].elevation_m * pattern_factor(tk.pattern, period);
  }
  for (const PumpData& pd : d->pumps)
    if (pd.speed_pattern >= 0) set_link_setting(pd.link, pattern_factor(pd.speed_pattern, period));
}

int RunState::apply_controls() {
  int changes = 0;
  for (const ControlData& c : d->controls) {
    bool reset = false;
    const int k = c.link;
    const LinkData& ld = d->links[k];
    if (c.node >= nj) {
      const double h = head[c.node];
      const double vplus = std::fabs(demand[c.node]);
      const double v1 = tank_volume(*d, *net, c.node, h);
      const double v2 = tank_volume(*d, *net, c.node, c.grade);
      if (c.type == Control::Type::LOW_LEVEL && v1 <= v2 + vplus) reset = true;
      if (c.type == Control::Type::HIGH_LEVEL && v1 >= v2 - vplus) reset = true;
    }
    if (c.type == Control::Type::TIMER && c.time == htime) reset = true;
    if (c.type == Control::Type::TIME_OF_DAY && (htime + net->times.start_clocktime_s) % 86400 == c.time) reset = true;
    if (!reset) continue;

    const HydraulicStatus s1 = status[k] <= HydraulicStatus::CLOSED ? HydraulicStatus::CLOSED : HydraulicStatus::OPEN;
    const HydraulicStatus s2 = c.status;
    const double k1 = setting[k];
    const double k2 = is_pipe(ld.kind) ? k1 : c.setting;
    if (ld.kind == LinkKind::PUMP && s1 == HydraulicStatus::CLOSED && s2 == HydraulicStatus::OPEN &&
        d->pumps[ld.pump].type == PumpType::CONST_HP)
      q[k] = d->pumps[ld.pump].q0;
    if (s1 != s2 || k1 != k2) {
      status[k] = s2;
      setting[k] = k2;
      ++changes;
    }
  }
  return changes;
}

// --- Coefficients ---------------------------------------------------------------------------------------

void RunState::headloss_coeffs() {
  // Pipes under a power law: h = r q^n + km q², linear below the smallest gradient (EPANET's pipecoeff).
  const double hexp = d->hexp, e = hexp - 1.0;
  const std::size_t np = d->power_pipes.size();
  for (std::size_t j = 0; j < np; ++j) {
    const int k = d->power_pipes[j];
    if (status[k] <= HydraulicStatus::CLOSED) {
      p[k] = P_CLOSED;
      y[k] = q[k];
      continue;
    }
    const double qa = std::fabs(q[k]);
    double hgrad = hexp * d->power_r[j] * std::pow(qa, e);
    double hloss;
    if (hgrad < RQTOL) {
      hgrad = RQTOL / hexp;
      hloss = hgrad * qa;
    } else {
      hloss = hgrad * qa / hexp;
    }
    const double km = d->power_km[j];
    hloss += km * qa * qa;
    hgrad += 2.0 * km * qa;
    p[k] = 1.0 / hgrad;
    y[k] = (q[k] < 0.0 ? -hloss : hloss) * p[k];
  }
  for (int k : d->other_links) {
    switch (d->links[k].kind) {
      case LinkKind::PIPE:
      case LinkKind::CV_PIPE: pipe_coeff(k); break;
      case LinkKind::PUMP: pump_coeff(k); break;
      case LinkKind::PBV: pbv_coeff(k); break;
      case LinkKind::TCV: tcv_coeff(k); break;
      case LinkKind::GPV: gpv_coeff(k); break;
      case LinkKind::FCV:
      case LinkKind::PRV:
      case LinkKind::PSV:
        if (setting[k] == MISSING) valve_coeff(k);
        else p[k] = 0.0;
        break;
    }
  }
}

void RunState::pipe_coeff(int k) {
  // Darcy-Weisbach pipes (the others are done in headloss_coeffs' own loop).
  if (status[k] <= HydraulicStatus::CLOSED) {
    p[k] = P_CLOSED;
    y[k] = q[k];
    return;
  }
  dw_pipe_coeff(k);
}

void RunState::dw_pipe_coeff(int k) {
  const LinkData& ld = d->links[k];
  const double qa = std::fabs(q[k]);
  const double r = ld.r;
  const double e = ld.kc / ld.diam;
  const double s = d->viscosity * ld.diam;
  double hloss, hgrad;
  if (qa <= A2 * s) {
    // Laminar flow (Re <= 2000): Hagen-Poiseuille.
    const double rl = 16.0 * PI * s * r;
    hloss = q[k] * (rl + ld.km * qa);
    hgrad = rl + 2.0 * ld.km * qa;
  } else {
    double fric, dfdq;
    const double w = qa / s;
    if (w >= A1) {
      const double y1 = A8 / std::pow(w, 0.9);
      const double y2 = e / 3.7 + y1;
      const double y3 = A9 * std::log(y2);
      fric = 1.0 / (y3 * y3);
      dfdq = 1.8 * fric * y1 * A9 / y2 / y3 / qa;
    } else {
      const double y2 = e / 3.7 + AB;
      const double y3 = A9 * std::log(y2);
      const double fa = 1.0 / (y3 * y3);
      const double fb = (2.0 + AC / (y2 * y3)) * fa;
      const double rr = w / A2;
      const double x1 = 7.0 * fa - fb;
      const double x2 = 0.128 - 17.0 * fa + 2.5 * fb;
      const double x3 = -0.128 + 13.0 * fa - (fb + fb);
      const double x4 = 0.032 - 3.0 * fa + 0.5 * fb;
      fric = x1 + rr * (x2 + rr * (x3 + rr * x4));
      dfdq = (x2 + rr * (2.0 * x3 + rr * 3.0 * x4)) / s / A2;
    }
    const double r1 = fric * r + ld.km;
    hloss = r1 * qa * q[k];
    hgrad = 2.0 * r1 * qa + dfdq * r * qa * qa;
  }
  p[k] = 1.0 / hgrad;
  y[k] = hloss / hgrad;
}

void RunState::curve_coeff(int curve, double qq, double& h0, double& r) const {
  const Curve& c = net->curves[curve];
  const std::size_t npts = c.x.size();
  std::size_t k2 = 0;
  while (k2 < npts && c.x[k2] < qq) ++k2;
  if (k2 == 0) ++k2;
  else if (k2 == npts) --k2;
  const std::size_t k1 = k2 - 1;
  r = (c.y[k2] - c.y[k1]) / (c.x[k2] - c.x[k1]);
  h0 = c.y[k1] - r * c.x[k1];
}

void RunState::pump_coeff(int k) {
  const double s = setting[k];
  if (status[k] <= HydraulicStatus::CLOSED || s == 0.0) {
    p[k] = P_CLOSED;
    y[k] = q[k];
    return;
  }
  const PumpData& pd = d->pumps[d->links[k].pump];
  const double qa = std::max(std::fabs(q[k]), TINY_Q);
  if (pd.type == PumpType::NOCURVE) {
    p[k] = P_OPEN;
    y[k] = q[k];
    return;
  }
  double h0, r, n;
  if (pd.type == PumpType::CUSTOM) {
    double ch0, cr;
    curve_coeff(pd.curve, qa / s, ch0, cr);
    h0 = -ch0 * s * s;
    n = 1.0;
    r = -cr * s;
  } else {
    h0 = s * s * pd.h0;
    n = pd.n;
    if (std::fabs(n - 1.0) < 1.0e-6) n = 1.0;
    r = pd.r * std::pow(s, 2.0 - n);
  }
  if (pd.type == PumpType::CONST_HP) {
    // Head = −r / q: its gradient r / q².
    const double hgrad = -r / qa / qa;
    if (hgrad > 1.0 / P_CLOSED) {
      p[k] = P_CLOSED;
      y[k] = q[k];
      return;
    }
    if (hgrad < 1.0 / P_OPEN) {
      p[k] = P_OPEN;
      y[k] = q[k];
      return;
    }
    const double hloss = r / q[k];
    p[k] = 1.0 / hgrad;
    y[k] = hloss / hgrad;
    return;
  }
  double hgrad, hloss;
  if (n != 1.0) {
    hgrad = n * r * std::pow(qa, n - 1.0);
    if (hgrad < RQTOL) {
      hgrad = RQTOL;
      hloss = h0 + hgrad * q[k];
    } else {
      hloss = h0 + hgrad * q[k] / n;
    }
  } else {
    hgrad = r;
    hloss = h0 + hgrad * q[k];
  }
  p[k] = 1.0 / hgrad;
  y[k] = hloss / hgrad;
}

void RunState::valve_coeff_with_km(int k, double km) {
  const double flow = q[k];
  if (status[k] <= HydraulicStatus::CLOSED) {
    p[k] = P_CLOSED;
    y[k] = flow;
    return;
  }
  if (km > 0.0) {
    double hgrad = 2.0 * km * std::fabs(flow);
    double hloss;
    if (hgrad < RQTOL) {
      hgrad = RQTOL / 2.0;
      hloss = flow * hgrad;
    } else {
      hloss = flow * hgrad / 2.0;
    }
    p[k] = 1.0 / hgrad;
    y[k] = hloss / hgrad;
  } else {
    p[k] = P_OPEN;
    y[k] = flow;
  }
}

void RunState::valve_coeff(int k) { valve_coeff_with_km(k, d->links[k].km); }

void RunState::gpv_coeff(int k) {
  if (status[k] == HydraulicStatus::CLOSED) {
    valve_coeff(k);
    return;
  }
  const int curve = static_cast<int>(std::lround(setting[k]));
  const double qa = std::max(std::fabs(q[k]), TINY_Q);
  double h0, r;
  curve_coeff(curve, qa, h0, r);
  r = std::max(r, TINY_SLOPE);
  p[k] = 1.0 / r;
  y[k] = (h0 / r + qa) * (q[k] < 0.0 ? -1.0 : 1.0);
}

void RunState::pbv_coeff(int k) {
  const LinkData& ld = d->links[k];
  if (setting[k] == MISSING || setting[k] == 0.0) {
    valve_coeff(k);
  } else if (ld.km * q[k] * q[k] > setting[k]) {
    valve_coeff(k);
  } else {
    p[k] = CBIG_P;
    y[k] = setting[k] * CBIG_P;
  }
}

void RunState::tcv_coeff(int k) {
  const LinkData& ld = d->links[k];
  double km = ld.km;
  if (setting[k] != MISSING) {
    const double d_ft = ld.diam / FT;
    km = 0.02517 * setting[k] / (d_ft * d_ft * d_ft * d_ft) * FT / (CFS * CFS);
  }
  valve_coeff_with_km(k, km);
}

void RunState::emitter_head_loss(int i, double& hloss, double& hgrad) const {
  const double ke_small = 1.0e-6 * FT / std::pow(CFS, d->qexp);
  const double ke = std::max(ke_small, d->emitter_ke[i]);
  const double qe = emitter_flow[i];
  hgrad = d->qexp * ke * std::pow(std::fabs(qe), d->qexp - 1.0);
  if (hgrad < RQTOL) {
    hgrad = RQTOL / d->qexp;
    hloss = hgrad * qe;
  } else {
    hloss = hgrad * qe / d->qexp;
  }
}

void RunState::leak_head_loss(int i, double& hloss, double& hgrad) const {
  // An orifice: head loss ke q², linear below the smallest gradient, and a barrier against inflow (as EPANET 2.3
  // does for emitters without backflow), in EPANET's units inside the barrier.
  const double ql = leak_flow[i];
  hgrad = 2.0 * leak_ke[i] * std::fabs(ql);
  if (hgrad < RQTOL) {
    hgrad = RQTOL / 2.0;
    hloss = hgrad * ql;
  } else {
    hloss = hgrad * ql / 2.0;
  }
  const double ba = 1.0e9 * ql / CFS;
  const double bb = std::sqrt(ba * ba + 1.0e-6);
  hloss += FT * (ba - bb) / 2.0;
  hgrad += FT / CFS * 1.0e9 / 2.0 * (1.0 - ba / bb);
}

void RunState::demand_head_loss(int i, double dp, double n, double& hloss, double& hgrad) const {
  const double dq = demand_flow[i];
  const double dfull = demand[i];
  const double r = dq / dfull;
  const double cbig = 1.0 / P_CLOSED;
  if (r <= 0.0) {
    hgrad = cbig;
    hloss = cbig * dq;
  } else if (r < 1.0) {
    hgrad = n * dp * std::pow(r, n - 1.0) / dfull;
    if (hgrad < RQTOL) {
      hgrad = RQTOL;
      hloss = hgrad * dq;
    } else {
      hloss = hgrad * dq / n;
    }
  } else {
    hgrad = cbig;
    hloss = dp + cbig * (dq - dfull);
  }
}

void RunState::matrix_coeffs() {
  double* val = a.valuePtr();
  std::fill(val, val + a.nonZeros(), 0.0);
  f.setZero();
  std::fill(xflow.begin(), xflow.end(), 0.0);
  const auto& row = d->row;

  // Links.
  for (int k = 0; k < nl; ++k) {
    if (p[k] == 0.0) continue;
    const int n1 = d->links[k].n1, n2 = d->links[k].n2;
    xflow[n1] -= q[k];
    xflow[n2] += q[k];
    if (d->link_entry[k] >= 0) val[d->link_entry[k]] -= p[k];
    // A link between two reservoirs or tanks adds nothing to the system.
    if (n1 < nj) {
      val[d->diag_entry[row[n1]]] += p[k];
      f[row[n1]] += y[k];
    } else if (n2 < nj) {
      f[row[n2]] += p[k] * head[n1];
    }
    if (n2 < nj) {
      val[d->diag_entry[row[n2]]] += p[k];
      f[row[n2]] -= y[k];
    } else if (n1 < nj) {
      f[row[n1]] += p[k] * head[n2];
    }
  }

  // Emitters.
  for (int i = 0; i < nj; ++i) {
    if (d->emitter_ke[i] == 0.0) continue;
    double hloss, hgrad;
    emitter_head_loss(i, hloss, hgrad);
    val[d->diag_entry[row[i]]] += 1.0 / hgrad;
    f[row[i]] += (hloss + net->nodes[i].elevation_m) / hgrad;
    xflow[i] -= emitter_flow[i];
  }

  // Leaks: orifices at their sites' junctions.
  for (int site = 0; site < model->leak_count(); ++site) {
    const int i = model->leak_node(site);
    if (leak_ke[i] == 0.0) continue;
    double hloss, hgrad;
    leak_head_loss(i, hloss, hgrad);
    val[d->diag_entry[row[i]]] += 1.0 / hgrad;
    f[row[i]] += (hloss + net->nodes[i].elevation_m) / hgrad;
    xflow[i] -= leak_flow[i];
  }

  // Pressure-driven demands.
  if (net->options.demand_model == DemandModel::PRESSURE_DRIVEN) {
    const auto [pmin, dp, n] = pda_parameters();
    for (int i = 0; i < nj; ++i) {
      if (demand[i] <= 0.0) continue;
      double hloss, hgrad;
      demand_head_loss(i, dp, n, hloss, hgrad);
      if (hgrad > 0.0) {
        val[d->diag_entry[row[i]]] += 1.0 / hgrad;
        f[row[i]] += (hloss + net->nodes[i].elevation_m + pmin) / hgrad;
      }
    }
  }

  // Nodal flow balances.
  for (int i = 0; i < nj; ++i) {
    xflow[i] -= demand_flow[i];
    f[row[i]] += xflow[i];
  }

  // Control valves that regulate (PRV, PSV, FCV whose status is not fixed).
  for (int k : d->valves) {
    if (setting[k] == MISSING) continue;
    const LinkData& ld = d->links[k];
    if (ld.kind != LinkKind::PRV && ld.kind != LinkKind::PSV && ld.kind != LinkKind::FCV) continue;
    const int n1 = ld.n1, n2 = ld.n2;  // junctions both: the reader refuses these valves next to a tank
    const int i = row[n1], j = row[n2];
    const int e = d->link_entry[k];
    auto add_as_pipe = [&] {
      valve_coeff(k);
      val[e] -= p[k];
      val[d->diag_entry[i]] += p[k];
      val[d->diag_entry[j]] += p[k];
      f[i] += y[k] - q[k];
      f[j] -= y[k] - q[k];
    };
    switch (ld.kind) {
      case LinkKind::PRV: {
        const double hset = net->nodes[n2].elevation_m + setting[k];
        if (status[k] == HydraulicStatus::ACTIVE) {
          p[k] = 0.0;
          y[k] = q[k] + xflow[n2];
          f[j] += hset * CBIG_P;
          val[d->diag_entry[j]] += CBIG_P;
          if (xflow[n2] < 0.0) f[i] += xflow[n2];
        } else {
          add_as_pipe();
        }
        break;
      }
      case LinkKind::PSV: {
        const double hset = net->nodes[n1].elevation_m + setting[k];
        if (status[k] == HydraulicStatus::ACTIVE) {
          p[k] = 0.0;
          y[k] = q[k] - xflow[n1];
          f[i] += hset * CBIG_P;
          val[d->diag_entry[i]] += CBIG_P;
          if (xflow[n1] > 0.0) f[j] += xflow[n1];
        } else {
          add_as_pipe();
        }
        break;
      }
      case LinkKind::FCV: {
        const double qs = setting[k];
        if (status[k] == HydraulicStatus::ACTIVE) {
          xflow[n1] -= qs;
          xflow[n2] += qs;
          y[k] = q[k] - qs;
          f[i] -= qs;
          f[j] += qs;
          p[k] = P_CLOSED;
          val[e] -= p[k];
          val[d->diag_entry[i]] += p[k];
          val[d->diag_entry[j]] += p[k];
        } else {
          add_as_pipe();
        }
        break;
      }
      default: break;
    }
  }
}

double RunState::new_flows() {
  double qsum = 0.0, dqsum = 0.0;

  // Links, and the net inflow of tanks and reservoirs.
  for (int i = nj; i < nn; ++i) demand[i] = 0.0;
  for (int k = 0; k < nl; ++k) {
    const LinkData& ld = d->links[k];
    const double dh = head[ld.n1] - head[ld.n2];
    double dq = y[k] - p[k] * dh;
    dq *= relax;
    if (ld.kind == LinkKind::PUMP && d->pumps[ld.pump].type == PumpType::CONST_HP && dq > q[k]) dq = q[k] / 2.0;
    q[k] -= dq;
    qsum += std::fabs(q[k]);
    dqsum += std::fabs(dq);
    if (status[k] > HydraulicStatus::CLOSED) {
      if (ld.n1 >= nj) demand[ld.n1] -= q[k];
      if (ld.n2 >= nj) demand[ld.n2] += q[k];
    }
  }

  // Emitters.
  for (int i = 0; i < nj; ++i) {
    if (d->emitter_ke[i] == 0.0) continue;
    double hloss, hgrad;
    emitter_head_loss(i, hloss, hgrad);
    const double dh = head[i] - net->nodes[i].elevation_m;
    const double dq = (hloss - dh) / hgrad * relax;
    emitter_flow[i] -= dq;
    qsum += std::fabs(emitter_flow[i]);
    dqsum += std::fabs(dq);
  }

  // Leaks.
  for (int site = 0; site < model->leak_count(); ++site) {
    const int i = model->leak_node(site);
    if (leak_ke[i] == 0.0) continue;
    double hloss, hgrad;
    leak_head_loss(i, hloss, hgrad);
    const double dh = head[i] - net->nodes[i].elevation_m;
    const double dq = (hloss - dh) / hgrad * relax;
    leak_flow[i] -= dq;
    qsum += std::fabs(leak_flow[i]);
    dqsum += std::fabs(dq);
  }

  // Pressure-driven demands.
  if (net->options.demand_model == DemandModel::PRESSURE_DRIVEN) {
    const auto [pmin, dp, n] = pda_parameters();
    for (int i = 0; i < nj; ++i) {
      if (demand[i] <= 0.0) continue;
      double hloss, hgrad;
      demand_head_loss(i, dp, n, hloss, hgrad);
      const double dh = head[i] - net->nodes[i].elevation_m - pmin;
      const double dq = (hloss - dh) / hgrad * relax;
      demand_flow[i] -= dq;
      qsum += std::fabs(demand_flow[i]);
      dqsum += std::fabs(dq);
    }
  }
  if (qsum > d->hacc * CFS) return dqsum / qsum;
  return dqsum / CFS;
}

// --- Status checks --------------------------------------------------------------------------------------

HydraulicStatus RunState::cv_status(HydraulicStatus s, double dh, double flow) const {
  if (std::fabs(dh) > HTOL) {
    if (dh < -HTOL) return HydraulicStatus::CLOSED;
    if (flow < -QTOL) return HydraulicStatus::CLOSED;
    return HydraulicStatus::OPEN;
  }
  if (flow < -QTOL) return HydraulicStatus::CLOSED;
  return s;
}

HydraulicStatus RunState::pump_status(int k, double dh) const {
  const PumpData& pd = d->pumps[d->links[k].pump];
  const double hmax = pd.type == PumpType::CONST_HP ? BIG : setting[k] * setting[k] * pd.hmax;
  if (dh > hmax + HTOL) return HydraulicStatus::XHEAD;
  return HydraulicStatus::OPEN;
}

HydraulicStatus RunState::prv_status(int k, HydraulicStatus s, double hset, double h1, double h2) const {
  const double hml = d->links[k].km * q[k] * q[k];
  switch (s) {
    case HydraulicStatus::ACTIVE:
      if (q[k] < -QTOL) return HydraulicStatus::CLOSED;
      if (h1 - hml < hset - HTOL) return HydraulicStatus::OPEN;
      return HydraulicStatus::ACTIVE;
    case HydraulicStatus::OPEN:
      if (q[k] < -QTOL) return HydraulicStatus::CLOSED;
      if (h2 >= hset + HTOL) return HydraulicStatus::ACTIVE;
      return HydraulicStatus::OPEN;
    case HydraulicStatus::CLOSED:
      if (h1 >= hset + HTOL && h2 < hset - HTOL) return HydraulicStatus::ACTIVE;
      if (h1 < hset - HTOL && h1 > h2 + HTOL) return HydraulicStatus::OPEN;
      return HydraulicStatus::CLOSED;
    case HydraulicStatus::XPRESSURE:
      if (q[k] < -QTOL) return HydraulicStatus::CLOSED;
      return s;
    default: return s;
  }
}

HydraulicStatus RunState::psv_status(int k, HydraulicStatus s, double hset, double h1, double h2) const {
  const double hml = d->links[k].km * q[k] * q[k];
  switch (s) {
    case HydraulicStatus::ACTIVE:
      if (q[k] < -QTOL) return HydraulicStatus::CLOSED;
      if (h2 + hml > hset + HTOL) return HydraulicStatus::OPEN;
      return HydraulicStatus::ACTIVE;
    case HydraulicStatus::OPEN:
      if (q[k] < -QTOL) return HydraulicStatus::CLOSED;
      if (h1 < hset - HTOL) return HydraulicStatus::ACTIVE;
      return HydraulicStatus::OPEN;
    case HydraulicStatus::CLOSED:
      if (h2 > hset + HTOL && h1 > h2 + HTOL) return HydraulicStatus::OPEN;
      if (h1 >= hset + HTOL && h1 > h2 + HTOL) return HydraulicStatus::ACTIVE;
      return HydraulicStatus::CLOSED;
    case HydraulicStatus::XPRESSURE:
      if (q[k] < -QTOL) return HydraulicStatus::CLOSED;
      return s;
    default: return s;
  }
}

HydraulicStatus RunState::fcv_status(int k, HydraulicStatus s, double h1, double h2) const {
  if (h1 - h2 < -HTOL) return HydraulicStatus::XFCV;
  if (q[k] < -QTOL) return HydraulicStatus::XFCV;
  if (s == HydraulicStatus::XFCV && q[k] >= setting[k]) return HydraulicStatus::ACTIVE;
  return s;
}

bool RunState::valve_status() {
  bool change = false;
  for (int k : d->valves) {
    if (setting[k] == MISSING) continue;
    const LinkData& ld = d->links[k];
    const HydraulicStatus s = status[k];
    if (ld.kind == LinkKind::PRV) {
      const double hset = net->nodes[ld.n2].elevation_m + setting[k];
      status[k] = prv_status(k, s, hset, head[ld.n1], head[ld.n2]);
    } else if (ld.kind == LinkKind::PSV) {
      const double hset = net->nodes[ld.n1].elevation_m + setting[k];
      status[k] = psv_status(k, s, hset, head[ld.n1], head[ld.n2]);
    } else {
      continue;
    }
    if (status[k] != s) change = true;
  }
  return change;
}

void RunState::tank_link_status(int k, int n1, int n2) {
  if (status[k] <= HydraulicStatus::CLOSED) return;
  const LinkData& ld = d->links[k];
  double flow = q[k];
  if (n1 < nj) {
    std::swap(n1, n2);
    flow = -flow;
  }
  const TankData& t = d->tanks[n1];
  if (t.reservoir) return;
  const double h = head[n1] - head[n2];
  if (head[n1] >= t.hmax - HTOL && !t.can_overflow) {
    if (ld.kind == LinkKind::PUMP) {
      if (ld.n2 == n1) status[k] = HydraulicStatus::TEMP_CLOSED;
    } else if (cv_status(HydraulicStatus::OPEN, h, flow) == HydraulicStatus::CLOSED) {
      status[k] = HydraulicStatus::TEMP_CLOSED;
    }
  }
  if (head[n1] <= t.hmin + HTOL) {
    if (ld.kind == LinkKind::PUMP) {
      if (ld.n1 == n1) status[k] = HydraulicStatus::TEMP_CLOSED;
    } else if (cv_status(HydraulicStatus::CLOSED, h, flow) == HydraulicStatus::OPEN) {
      status[k] = HydraulicStatus::TEMP_CLOSED;
    }
  }
}

bool RunState::link_status() {
  bool change = false;
  for (int k = 0; k < nl; ++k) {
    const LinkData& ld = d->links[k];
    const double dh = head[ld.n1] - head[ld.n2];
    const HydraulicStatus s = status[k];
    if (s == HydraulicStatus::XHEAD || s == HydraulicStatus::TEMP_CLOSED) status[k] = HydraulicStatus::OPEN;
    if (ld.kind == LinkKind::CV_PIPE) status[k] = cv_status(status[k], dh, q[k]);
    if (ld.kind == LinkKind::PUMP && status[k] >= HydraulicStatus::OPEN && setting[k] > 0.0)
      status[k] = pump_status(k, -dh);
    if (ld.kind == LinkKind::FCV && setting[k] != MISSING)
      status[k] = fcv_status(k, s, head[ld.n1], head[ld.n2]);
    if (ld.n1 >= nj || ld.n2 >= nj) tank_link_status(k, ld.n1, ld.n2);
    if (s != status[k]) change = true;
  }
  return change;
}

bool RunState::pressure_switch() {
  bool anychange = false;
  for (const ControlData& c : d->controls) {
    const int k = c.link;
    if (c.node < 0 || c.node >= nj) continue;
    bool reset = false;
    if (c.type == Control::Type::LOW_LEVEL && head[c.node] <= c.grade + HTOL) reset = true;
    if (c.type == Control::Type::HIGH_LEVEL && head[c.node] >= c.grade - HTOL) reset = true;
    if (!reset) continue;
    const LinkData& ld = d->links[k];
    bool change = false;
    const HydraulicStatus s = status[k];
    if (ld.kind == LinkKind::PIPE && s != c.status) change = true;
    if (ld.kind == LinkKind::PUMP && setting[k] != c.setting) change = true;
    if (is_valve(ld.kind)) {
      if (setting[k] != c.setting) change = true;
      else if (setting[k] == MISSING && s != c.status) change = true;
    }
    if (change) {
      status[k] = c.status;
      if (!is_pipe(ld.kind)) setting[k] = c.setting;
      anychange = true;
    }
  }
  return anychange;
}

bool RunState::bad_valve(int node) {
  for (int k : d->valves) {
    const LinkData& ld = d->links[k];
    if (node == ld.n1 || node == ld.n2) {
      if ((ld.kind == LinkKind::PRV || ld.kind == LinkKind::PSV || ld.kind == LinkKind::FCV) &&
          status[k] == HydraulicStatus::ACTIVE) {
        status[k] = ld.kind == LinkKind::FCV ? HydraulicStatus::XFCV : HydraulicStatus::XPRESSURE;
        return true;
      }
      return false;
    }
  }
  return false;
}

bool RunState::pda_converged() {
  const double pmin = net->options.minimum_pressure_m, preq = net->options.required_pressure_m;
  const double dp = preq - pmin;
  bool converged = true;
  for (int i = 0; i < nj; ++i) {
    if (demand[i] <= 0.0) continue;
    const double pr = head[i] - net->nodes[i].elevation_m;
    double qd;
    if (pr <= pmin) qd = 0.0;
    else if (pr >= preq) qd = demand[i];
    else qd = demand[i] * std::pow((pr - pmin) / dp, net->options.pressure_exponent);
    if (std::fabs(qd - demand_flow[i]) > PDA_QTOL) converged = false;
  }
  return converged;
}

bool RunState::has_converged(double relerr) {
  if (relerr > d->hacc) return false;
  const Options& o = net->options;
  if (o.head_error_m > 0.0 || o.flow_change_m3s > 0.0) {
    // The largest head-loss error over the links, and the largest flow change.
    headloss_coeffs();
    double maxheaderror = 0.0;
    for (int k = 0; k < nl; ++k) {
      if (status[k] <= HydraulicStatus::CLOSED || p[k] == 0.0) continue;
      const double dh = head[d->links[k].n1] - head[d->links[k].n2];
      maxheaderror = std::max(maxheaderror, std::fabs(dh - y[k] / p[k]));
    }
    if (o.head_error_m > 0.0 && maxheaderror > o.head_error_m) return false;
  }
  if (o.demand_model == DemandModel::PRESSURE_DRIVEN) return pda_converged();
  return true;
}

SolveInfo RunState::hydsolve() {
  SolveInfo info;
  const Options& o = net->options;
  int nextcheck = o.check_freq;
  relax = 1.0;
  int maxtrials = o.max_trials;
  if (extra_iter > 0) maxtrials += extra_iter;
  int iter = 1;
  double relerr = 0.0;
  bool failed = false;
  int bad_node = -1;
  double max_flow_change = 0.0;
  while (iter <= maxtrials) {
    headloss_coeffs();
    matrix_coeffs();

    // Factor and solve A h = F; a pivot that is not positive means a singular system.
    fact.ldlt.factorize(a);
    int bad_row = -1;
    if (fact.ldlt.info() != Eigen::Success) {
      bad_row = 0;
    }
    fact.factored = bad_row < 0;
    const auto& dvec = fact.ldlt.vectorD();
    for (int r = 0; r < nj; ++r)
      if (!(dvec[r] > 0.0)) {
        bad_row = r;
        break;
      }
    if (bad_row >= 0) {
      bad_node = d->node_of_row[bad_row];
      if (bad_valve(bad_node)) continue;
      failed = true;
      break;
    }
    x = fact.ldlt.solve(f);
    for (int i = 0; i < nj; ++i) head[i] = x[d->row[i]];

    std::vector<double> before;
    if (o.flow_change_m3s > 0.0) before = q;
    relerr = new_flows();
    if (o.flow_change_m3s > 0.0) {
      max_flow_change = 0.0;
      for (int k = 0; k < nl; ++k) max_flow_change = std::max(max_flow_change, std::fabs(q[k] - before[k]));
    }

    relax = 1.0;
    bool valve_change = false;
    if (o.damp_limit > 0.0) {
      if (relerr <= o.damp_limit) {
        relax = 0.6;
        valve_change = valve_status();
      }
    } else {
      valve_change = valve_status();
    }

    bool converged = has_converged(relerr);
    if (converged && o.flow_change_m3s > 0.0 && max_flow_change > o.flow_change_m3s) converged = false;
    if (converged) {
      if (iter > o.max_trials) break;
      bool stat_change = valve_change;
      if (link_status()) stat_change = true;
      if (pressure_switch()) stat_change = true;
      if (!stat_change) break;
      nextcheck = iter + o.check_freq;
    } else if (iter <= o.max_check && iter == nextcheck) {
      link_status();
      nextcheck += o.check_freq;
    }
    ++iter;
  }

  // Junction outflows actually delivered, the full demand kept.
  for (int i = 0; i < nj; ++i) {
    const double full = demand[i];
    demand[i] = demand_flow[i] + emitter_flow[i] + leak_flow[i];
    demand_flow[i] = full;
  }
  info.iterations = std::min(iter, maxtrials);
  info.relative_error = relerr;
  info.converged = !failed && relerr <= d->hacc;
  if (failed) {
    throw std::runtime_error(net->path + ": at " + clock(htime) +
                             ": the hydraulic equations cannot be solved: junction '" + net->nodes[bad_node].id +
                             "' is cut off from every reservoir and tank; check the statuses and controls of the "
                             "links around it");
  }
  return info;
}

// --- Time -----------------------------------------------------------------------------------------------

void RunState::tank_timestep(std::int64_t& tstep) const {
  for (int n = nj; n < nn; ++n) {
    const TankData& t = d->tanks[n];
    if (t.reservoir) continue;
    const double h = head[n], qn = demand[n];
    if (std::fabs(qn) <= QZERO) continue;
    double v;
    if (qn > 0.0 && h < t.hmax) v = t.vmax - volume[n];
    else if (qn < 0.0 && h > t.hmin) v = t.vmin - volume[n];
    else continue;
    const auto ts = static_cast<std::int64_t>(std::llround(v / qn));
    if (ts > 0 && ts < tstep) tstep = ts;
  }
}

void RunState::control_timestep(std::int64_t& tstep) const {
  for (const ControlData& c : d->controls) {
    std::int64_t t = 0;
    if (c.node >= 0) {
      if (c.node < nj) continue;
      const double h = head[c.node], qn = demand[c.node];
      if (std::fabs(qn) <= QZERO) continue;
      if ((h < c.grade && c.type == Control::Type::HIGH_LEVEL && qn > 0.0) ||
          (h > c.grade && c.type == Control::Type::LOW_LEVEL && qn < 0.0)) {
        const double v = tank_volume(*d, *net, c.node, c.grade) - volume[c.node];
        t = static_cast<std::int64_t>(std::llround(v / qn));
      }
    }
    if (c.type == Control::Type::TIMER && c.time > htime) t = c.time - htime;
    if (c.type == Control::Type::TIME_OF_DAY) {
      const std::int64_t t1 = (htime + net->times.start_clocktime_s) % 86400;
      const std::int64_t t2 = c.time;
      t = t2 >= t1 ? t2 - t1 : 86400 - t1 + t2;
    }
    if (t > 0 && t < tstep) {
      const int k = c.link;
      if ((!is_pipe(d->links[k].kind) && setting[k] != c.setting) || status[k] != c.status) tstep = t;
    }
  }
}

void RunState::tank_levels(std::int64_t tstep) {
  for (int n = nj; n < nn; ++n) {
    const TankData& t = d->tanks[n];
    if (t.reservoir) continue;
    volume[n] += demand[n] * static_cast<double>(tstep);
    if (volume[n] + demand[n] >= t.vmax) volume[n] = t.vmax;
    else if (volume[n] - demand[n] <= t.vmin) volume[n] = t.vmin;
    head[n] = tank_grade(*d, *net, n, volume[n]);
  }
}

std::int64_t RunState::timestep() {
  const Times& t = net->times;
  std::int64_t tstep = t.hydraulic_step_s;
  const std::int64_t np = (htime + t.pattern_start_s) / t.pattern_step_s + 1;
  std::int64_t dt = np * t.pattern_step_s - htime;
  if (dt > 0 && dt < tstep) tstep = dt;
  dt = rtime - htime;
  if (dt > 0 && dt < tstep) tstep = dt;
  tank_timestep(tstep);
  control_timestep(tstep);
  tank_levels(tstep);
  return tstep;
}

// --- HydraulicRun ---------------------------------------------------------------------------------------

HydraulicRun::HydraulicRun(const HydraulicModel& model) : s_(std::make_unique<RunState>(model)) {}
HydraulicRun::~HydraulicRun() = default;
HydraulicRun::HydraulicRun(const HydraulicRun& o) : s_(std::make_unique<RunState>(*o.s_)) {}
HydraulicRun::HydraulicRun(HydraulicRun&&) noexcept = default;
HydraulicRun& HydraulicRun::operator=(HydraulicRun&&) noexcept = default;

SolveInfo HydraulicRun::solve() {
  RunState& s = *s_;
  s.compute_demands();
  s.apply_controls();
  SolveInfo info = s.hydsolve();
  if (!info.converged) {
    s.warnings.push_back("at " + clock(s.htime) + ": the system is unbalanced after " +
                         std::to_string(info.iterations) + " trials (relative flow change " +
                         std::to_string(info.relative_error) + ")");
    if (s.extra_iter == -1) s.halt = true;
  }
  return info;
}

std::int64_t HydraulicRun::advance() {
  RunState& s = *s_;
  const std::int64_t dur = s.net->times.duration_s;
  if (s.halt) s.htime = dur;
  std::int64_t hydstep = 0;
  if (s.htime < dur) hydstep = s.timestep();
  if (s.htime < dur) {
    s.htime += hydstep;
    if (s.htime >= s.rtime) s.rtime += s.net->times.report_step_s;
  } else {
    ++s.htime;
  }
  return hydstep;
}

std::int64_t HydraulicRun::time_s() const { return s_->htime; }
const HydraulicModel& HydraulicRun::model() const { return *s_->model; }

void HydraulicRun::set_leak_area(int site, double area_m2, double discharge_coefficient) {
  RunState& s = *s_;
  const int i = s.model->leak_node(site);
  if (area_m2 <= 0.0) {
    s.leak_ke[i] = 0.0;
    s.leak_flow[i] = 0.0;
    return;
  }
  // Q = Cd A √(2 g p): p = Q² / (2 g Cd² A²).
  constexpr double G = 9.80665;
  const double cda = discharge_coefficient * area_m2;
  const bool opening = s.leak_ke[i] == 0.0;
  s.leak_ke[i] = 1.0 / (2.0 * G * cda * cda);
  if (opening) s.leak_flow[i] = cda * std::sqrt(2.0 * G * std::max(s.head[i] - s.net->nodes[i].elevation_m, 1.0));
}

double HydraulicRun::leak_flow_m3s(int site) const { return s_->leak_flow[s_->model->leak_node(site)]; }

std::vector<double> HydraulicRun::head_sensitivity(int node) const {
  const RunState& s = *s_;
  if (node < 0 || node >= s.nj) throw std::invalid_argument("head_sensitivity: node " + std::to_string(node) + " is not a junction");
  if (!s.fact.factored) throw std::logic_error("head_sensitivity: the run has not been solved since it was made");
  // A h = F: an outflow δq at a junction lowers its F by δq, so δh = −A⁻¹ e δq; A is symmetric.
  Eigen::VectorXd e = Eigen::VectorXd::Zero(s.nj);
  e[s.d->row[static_cast<std::size_t>(node)]] = -1.0;
  const Eigen::VectorXd x = s.fact.ldlt.solve(e);
  std::vector<double> out(static_cast<std::size_t>(s.nj));
  for (int i = 0; i < s.nj; ++i) out[static_cast<std::size_t>(i)] = x[s.d->row[static_cast<std::size_t>(i)]];
  return out;
}

double HydraulicRun::flow_gradient(int link) const { return s_->p.at(static_cast<std::size_t>(link)); }

double HydraulicRun::tank_area_m2(int node) const {
  const RunState& s = *s_;
  const TankData& t = s.d->tanks.at(static_cast<std::size_t>(node));
  if (t.reservoir || node < s.nj) throw std::invalid_argument("tank_area_m2: node " + std::to_string(node) + " is not a tank");
  if (t.vcurve < 0) return t.area;
  // The volume curve's slope about the current level.
  const double h = s.head[static_cast<std::size_t>(node)], dh = 0.01;
  const double lo = std::max(h - dh, t.hmin), hi = std::min(h + dh, t.hmax);
  if (!(hi > lo)) return t.area;
  return (tank_volume(*s.d, *s.net, node, hi) - tank_volume(*s.d, *s.net, node, lo)) / (hi - lo);
}

bool HydraulicRun::is_report_time() const {
  const Times& t = s_->net->times;
  const std::int64_t h = s_->htime;
  return h >= t.report_start_s && h <= t.duration_s && (h - t.report_start_s) % t.report_step_s == 0;
}

const std::vector<double>& HydraulicRun::heads_m() const { return s_->head; }
double HydraulicRun::pressure_m(int node) const { return s_->head[node] - s_->net->nodes[node].elevation_m; }
const std::vector<double>& HydraulicRun::flows_m3s() const { return s_->q; }
const std::vector<HydraulicStatus>& HydraulicRun::statuses() const { return s_->status; }
const std::vector<double>& HydraulicRun::demands_m3s() const { return s_->demand; }
const std::vector<double>& HydraulicRun::emitter_flows_m3s() const { return s_->emitter_flow; }
double HydraulicRun::tank_volume_m3(int node) const { return s_->volume[node]; }

double HydraulicRun::consumer_demand_m3s(int node) const {
  const RunState& s = *s_;
  return s.demand[node] - s.emitter_flow[node] - s.leak_flow[node];
}

void HydraulicRun::set_pump_on(int link, bool on) {
  RunState& s = *s_;
  if (link < 0 || link >= s.nl || s.d->links[link].kind != LinkKind::PUMP)
    throw std::invalid_argument("set_pump_on: link " + std::to_string(link) + " is not a pump");
  const bool is_on = s.status[link] > HydraulicStatus::CLOSED;
  if (on == is_on) return;
  if (on) {
    const PumpData& pd = s.d->pumps[s.d->links[link].pump];
    if (s.setting[link] <= 0.0) s.setting[link] = 1.0;
    s.status[link] = HydraulicStatus::OPEN;
    s.q[link] = pd.type == PumpType::CONST_HP ? pd.q0 : s.setting[link] * pd.q0;
  } else {
    s.status[link] = HydraulicStatus::CLOSED;
    s.q[link] = QZERO;
  }
}

double HydraulicRun::tank_level_m(int node) const {
  const RunState& s = *s_;
  return s.head[node] - s.net->nodes[node].elevation_m;
}

void HydraulicRun::set_demand_factors(std::vector<double> factors) {
  RunState& s = *s_;
  if (!factors.empty() && factors.size() != static_cast<std::size_t>(s.nj))
    throw std::invalid_argument("set_demand_factors: " + std::to_string(factors.size()) + " factors for " +
                                std::to_string(s.nj) + " junctions");
  s.demand_factor = std::move(factors);
}

void HydraulicRun::set_tank_level(int node, double level_m) {
  RunState& s = *s_;
  if (node < s.nj || node >= s.nn || s.d->tanks[node].reservoir)
    throw std::invalid_argument("set_tank_level: node " + std::to_string(node) + " is not a tank");
  const TankData& t = s.d->tanks[node];
  const Node& nd = s.net->nodes[node];
  const double level = std::clamp(level_m, nd.min_level_m, nd.max_level_m);
  s.volume[node] = t.vcurve >= 0 ? interp(s.net->curves[t.vcurve].x, s.net->curves[t.vcurve].y, level)
                                 : t.vmin + t.area * (level - nd.min_level_m);
  s.head[node] = tank_grade(*s.d, *s.net, node, s.volume[node]);
}
const std::vector<std::string>& HydraulicRun::warnings() const { return s_->warnings; }

int simulate(const HydraulicModel& model, const std::function<void(const HydraulicRun&)>& on_report) {
  HydraulicRun run(model);
  int solutions = 0;
  std::int64_t step = 0;
  do {
    run.solve();
    ++solutions;
    if (run.is_report_time()) on_report(run);
    step = run.advance();
  } while (step > 0);
  return solutions;
}

}  // namespace citytwin::models::water
