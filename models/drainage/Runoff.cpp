// SWMM 5.2's runoff (its runoff.c, subcatch.c, gage.c and infil.c): rain from the gages' series, each subcatchment's
// three surfaces as nonlinear reservoirs integrated by Runge-Kutta-Cash-Karp, Horton infiltration on the pervious one.
#include "models/drainage/Runoff.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "models/drainage/Numerics.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::models::drainage {

namespace {

constexpr double FT = 0.3048;
/// Manning's 1.49 of overland flow (SWMM's MCOEFF, in feet) for metres.
const double MANNING_OVERLAND = 1.49 * std::cbrt(FT);
constexpr double MANNING_EXPONENT = 1.6666667;
constexpr double ODE_TOLERANCE = 0.0001;
constexpr double ZERO_DEPTH_M = 1.0e-10 * FT;       // SWMM's ZERO (ft)
constexpr double ZERO_RATE_M_PER_S = 1.0e-10 * FT;  // the same for rates (ft/s)

constexpr int index(Surface s) { return static_cast<int>(s); }
constexpr int BARE = index(Surface::IMPERVIOUS_BARE), STORED = index(Surface::IMPERVIOUS_STORED),
              PERVIOUS = index(Surface::PERVIOUS);

// ---- Rain gages ----------------------------------------------------------------------------------------------

/// A series value as an intensity (m/s), by the gage's format.
double rain_rate(const RainGage& g, GageState& s, double value) {
  const double interval = static_cast<double>(g.interval_s);
  switch (g.format) {
    case RainFormat::INTENSITY: return value;
    case RainFormat::VOLUME: return value / interval;
    case RainFormat::CUMULATIVE: {
      const double r = value < s.accumulated_m ? value / interval : (value - s.accumulated_m) / interval;
      s.accumulated_m = value;
      return r;
    }
  }
  return value;
}

/// Moves to the next nonzero value of the record (SWMM's getNextRainfall).
bool read_next_rain(const DrainageNetwork& net, const RainGage& g, GageState& s) {
  const TimeSeries& ts = net.time_series[g.series];
  s.next_rain_m_per_s = 0.0;
  double r = 0.0;
  do {
    if (s.next_entry >= ts.values.size()) return false;
    s.next_s = ts.time_s[s.next_entry];
    r = rain_rate(g, s, ts.values[s.next_entry]);
    ++s.next_entry;
  } while (r == 0.0);
  s.next_rain_m_per_s = r;
  return true;
}

GageState initial_gage(const DrainageNetwork& net, const RainGage& g) {
  GageState s;
  if (g.series < 0 || net.time_series[g.series].values.empty()) return s;
  const TimeSeries& ts = net.time_series[g.series];

  // The first value opens the first interval.
  s.has_start = true;
  s.start_s = ts.time_s[0];
  s.rain_m_per_s = rain_rate(g, s, ts.values[0]);
  s.next_entry = 1;
  s.end_s = s.start_s + static_cast<double>(g.interval_s);

  // A record that begins after the start of the run: dry until it does.
  if (s.start_s > 0.0) {
    s.has_next = true;
    s.next_s = s.start_s;
    s.next_rain_m_per_s = s.rain_m_per_s;
    s.start_s = 0.0;
    s.end_s = s.next_s;
    s.rain_m_per_s = 0.0;
  } else {
    s.has_next = read_next_rain(net, g, s);
  }
  return s;
}

/// The rain at time t, s (SWMM's gage_setState, with its one second against round-off).
void set_gage_state(const DrainageNetwork& net, const RainGage& g, GageState& s, double t) {
  t += 1.0;
  for (;;) {
    if (!s.has_start || t < s.start_s) {
      s.rain_m_per_s = 0.0;
      return;
    }
    if (t < s.end_s) return;
    if (!s.has_next || t < s.next_s) {
      s.rain_m_per_s = 0.0;
      return;
    }
    s.start_s = s.next_s;
    s.end_s = s.start_s + static_cast<double>(g.interval_s);
    s.rain_m_per_s = s.next_rain_m_per_s;
    s.has_next = read_next_rain(net, g, s);
  }
}

/// When the rain next changes after t, s; negative if never.
double next_rain_change(const GageState& s, double t) {
  t += 1.0;
  if (s.has_start && t < s.start_s) return s.start_s;
  if (s.has_start && t < s.end_s) return s.end_s;
  return s.has_next ? s.next_s : -1.0;
}

// ---- Infiltration --------------------------------------------------------------------------------------------

/// Horton infiltration over a step (SWMM's horton_getInfil): `rate` is rain plus runon, m/s.
double horton(const SubcatchmentParams& p, SubcatchmentState& s, double step, double rate, double depth) {
  const double f0 = p.f0_m_per_s, fmin = p.fmin_m_per_s, df = f0 - fmin, kd = p.decay_per_s, kr = p.regen_per_s;
  const double fmax = p.max_infiltration_m;
  double tp = s.horton_time_s, fp = 0.0;

  // No infiltration, or a constant one.
  if (df < 0.0 || kd < 0.0 || kr < 0.0) return 0.0;
  const double available = rate + depth / step;
  if (df == 0.0 || kd == 0.0) return std::max(0.0, std::min(f0, available));

  if (available > ZERO_RATE_M_PER_S) {
    // Mean capacity over the step on the decay curve.
    const double t1 = tp + step, tlim = 16.0 / kd;
    double Fp, F1;
    if (tp >= tlim) {
      Fp = fmin * tp + df / kd;
      F1 = Fp + fmin * step;
    } else {
      Fp = fmin * tp + df / kd * (1.0 - std::exp(-kd * tp));
      F1 = fmin * t1 + df / kd * (1.0 - std::exp(-kd * t1));
    }
    fp = std::max((F1 - Fp) / step, fmin);
    if (fp > available) fp = available;

    // Advance along the curve by the step, or (limited by the water available) by the volume infiltrated.
    if (t1 > tlim || fp < available) {
      tp = t1;
    } else {
      F1 = Fp + fp * step;
      tp += step / 2.0;
      for (int iter = 1; iter <= 20; ++iter) {
        const double ex = std::exp(-std::min(60.0, kd * tp));
        const double r = (fmin * tp + df / kd * (1.0 - ex) - F1) / (fmin + df * ex);
        tp -= r;
        if (std::fabs(r) <= 0.001 * step) break;
      }
    }

    // At most the maximum infiltrated depth.
    if (fmax > 0.0) {
      if (s.infiltrated_m + fp * step > fmax) fp = (fmax - s.infiltrated_m) / step;
      fp = std::max(fp, 0.0);
      s.infiltrated_m += fp * step;
    }
  } else if (kr > 0.0) {
    // Dry: the capacity recovers.
    const double r = std::exp(-kr * step);
    tp = -std::log(1.0 - r * (1.0 - std::exp(-kd * tp))) / kd;
    if (fmax > 0.0) s.infiltrated_m = fmin * tp + df / kd * (1.0 - std::exp(-kd * tp));
  }
  s.horton_time_s = tp;
  return fp;
}

/// Modified Horton (SWMM's modHorton_getInfil): the capacity falls with the depth infiltrated above the minimum rate.
double modified_horton(const SubcatchmentParams& p, SubcatchmentState& s, double step, double rate, double depth) {
  const double f0 = p.f0_m_per_s, fmin = p.fmin_m_per_s, df = f0 - fmin, kd = p.decay_per_s, kr = p.regen_per_s;
  if (df < 0.0 || kd < 0.0 || kr < 0.0) return 0.0;
  const double available = rate + depth / step;
  if (df == 0.0 || kd == 0.0) return std::max(0.0, std::min(f0, available));
  double f = 0.0;
  if (available > ZERO_RATE_M_PER_S) {
    if (p.max_infiltration_m > 0.0 && s.infiltrated_m >= p.max_infiltration_m) return 0.0;
    const double fp = std::max(f0 - kd * s.infiltrated_m, fmin);
    f = std::min(available, fp);
    s.infiltrated_m += std::max(f - fmin, 0.0) * step;
    if (p.max_infiltration_m > 0.0) s.infiltrated_m = std::min(s.infiltrated_m, p.max_infiltration_m);
  } else if (kr > 0.0) {
    s.infiltrated_m = std::max(s.infiltrated_m * std::exp(-kr * step), 0.0);
  }
  return f;
}

// ---- Surfaces ------------------------------------------------------------------------------------------------

/// Integrates a surface's ponded depth over the step; returns the time water stood above depression storage.
double update_ponded_depth(const SurfaceParams& p, double& depth, double inflow, double step, int& failures) {
  double t = step;
  const double store = p.depression_storage_m;
  if (depth + inflow * t <= store) {
    // Not enough water to fill depression storage.
    depth += inflow * t;
  } else {
    // Fill depression storage first, then route the excess through the reservoir.
    const double dx = store - depth;
    if (dx > 0.0 && inflow > 0.0) {
      t -= dx / inflow;
      depth = store;
    }
    if (p.alpha > 0.0 && t > 0.0) {
      const double alpha = p.alpha;
      const bool ok = integrate_ode(depth, t, ODE_TOLERANCE, [&](double d) {
        const double excess = d - store;
        return inflow - (excess < 0.0 ? 0.0 : alpha * std::pow(excess, MANNING_EXPONENT));
      });
      if (!ok) ++failures;
    } else {
      if (t < 0.0) t = 0.0;
      depth += inflow * t;
    }
  }
  if (depth < 0.0) depth = 0.0;
  return t;
}

/// Runoff per unit area after the step (SWMM's findSubareaRunoff).
double surface_runoff(const SurfaceParams& p, double& depth, double runoff_time) {
  const double excess = depth - p.depression_storage_m;
  if (excess <= ZERO_DEPTH_M) return 0.0;
  if (p.roughness > 0.0) return p.alpha * std::pow(excess, MANNING_EXPONENT);
  depth = p.depression_storage_m;
  return excess / runoff_time;
}

/// Volumes of one subcatchment's step.
struct StepVolumes {
  double infiltration_m3 = 0.0, outflow_m3 = 0.0;
};

/// One surface over the step (SWMM's getSubareaRunoff); returns its runoff per unit area.
double surface_step(const SubcatchmentParams& p, SubcatchmentState& s, int i, double area, double precip,
                    double step, StepVolumes& v, int& failures) {
  if (area == 0.0) return 0.0;
  const SurfaceParams& surface = p.surfaces[i];
  double& depth = s.depth_m[i];
  double& inflow = s.inflow_m_per_s[i];

  // Infiltration on the pervious surface, from rain, runon and ponded water.
  double infiltration = 0.0;
  if (i == PERVIOUS) {
    if (p.horton) infiltration = horton(p, s, step, precip + inflow, depth);
    else if (p.modified_horton) infiltration = modified_horton(p, s, step, precip + inflow, depth);
  }
  inflow += precip;
  const double moisture = depth / step + inflow;
  v.infiltration_m3 += infiltration * area * step;

  // What the losses leave ponds and runs off.
  double runoff_time = step;
  if (infiltration >= moisture) {
    depth = 0.0;
  } else {
    inflow -= infiltration;
    runoff_time = update_ponded_depth(surface, depth, inflow, step, failures);
  }
  const double runoff = surface_runoff(surface, depth, runoff_time);
  v.outflow_m3 += surface.outlet_fraction * runoff * area * step;
  return runoff;
}

/// Runon from upstream subcatchments and between the two surfaces (SWMM's subcatch_getRunon).
void add_runon(const RunoffModel& model, RunoffState& state, int j) {
  const Subcatchment& sc = model.net->subcatchments[j];
  const SubcatchmentParams& p = model.subcatchments[j];
  SubcatchmentState& s = state.subcatchments[j];

  // The last step's runoff onto the outlet subcatchment, over its whole area.
  const int k = sc.outlet_subcatchment;
  if (k >= 0 && k != j && model.subcatchments[k].area_m2 > 0.0) {
    const double q = s.old_runoff_m3s / model.subcatchments[k].area_m2;
    state.subcatchments[k].runon_m_per_s += q;
    for (double& f : state.subcatchments[k].inflow_m_per_s) f += q;
  }

  // Impervious runoff onto the pervious surface.
  const auto& f = p.surfaces;
  if (p.impervious_to_pervious) {
    const double q = s.runoff_m_per_s[BARE] * f[BARE].area_fraction +
                     s.runoff_m_per_s[STORED] * f[STORED].area_fraction;
    s.inflow_m_per_s[PERVIOUS] += q * (1.0 - f[BARE].outlet_fraction) / f[PERVIOUS].area_fraction;
  }

  // Pervious runoff onto the impervious surface with depression storage.
  if (p.pervious_to_impervious && f[STORED].area_fraction > 0.0) {
    s.inflow_m_per_s[STORED] += s.runoff_m_per_s[PERVIOUS] * (1.0 - f[PERVIOUS].outlet_fraction) *
                                f[PERVIOUS].area_fraction / f[STORED].area_fraction;
  }
}

/// A subcatchment over the step (SWMM's subcatch_getRunoff); returns its runoff per unit area before re-routing.
double subcatchment_step(const RunoffModel& model, RunoffState& state, int j, double step) {
  const Subcatchment& sc = model.net->subcatchments[j];
  const SubcatchmentParams& p = model.subcatchments[j];
  SubcatchmentState& s = state.subcatchments[j];

  // Rain from the gage.
  s.rain_m_per_s = sc.gage >= 0 && !model.net->options.ignore_rainfall ? state.gages[sc.gage].rain_m_per_s : 0.0;

  // Each surface in turn.
  StepVolumes v;
  double runoff_m3s = 0.0;
  for (int i = 0; i < 3; ++i) {
    const double area = p.area_m2 * p.surfaces[i].area_fraction;
    s.runoff_m_per_s[i] = surface_step(p, s, i, area, s.rain_m_per_s, step, v, state.ode_failures);
    runoff_m3s += s.runoff_m_per_s[i] * area;
  }
  s.new_runoff_m3s = v.outflow_m3 / step;

  // The mass balance counts runoff that leaves for a node or out of the model.
  state.totals.rain_m3 += s.rain_m_per_s * step * p.area_m2;
  state.totals.infiltration_m3 += v.infiltration_m3;
  if (sc.outlet_node >= 0 || sc.outlet_subcatchment == j) state.totals.runoff_m3 += v.outflow_m3;
  if (sc.outlet_node >= 0) state.totals.to_nodes_m3 += v.outflow_m3;
  return runoff_m3s / p.area_m2;
}

}  // namespace

RunoffModel make_runoff_model(const DrainageNetwork& net) {
  RunoffModel m;
  m.net = &net;
  for (const Outfall& o : net.outfalls)
    if (o.route_to >= 0)
      throw sim::ScenarioError(net.path + ":" + std::to_string(net.nodes[o.node].line) + ": [OUTFALLS] outfall '" +
                               net.nodes[o.node].id +
                               "' routes its outflow onto a subcatchment, which is not modelled here; remove the "
                               "route-to subcatchment");
  for (const Subcatchment& sc : net.subcatchments) {
    SubcatchmentParams p;
    p.area_m2 = sc.area_m2;
    const Subareas& a = sc.subareas;
    const double fi = sc.impervious_fraction;

    // The three surfaces (SWMM's subcatch_readSubareaParams and subcatch_validate).
    p.surfaces[BARE] = {fi * a.zero_storage_fraction, a.n_impervious, 0.0, 0.0, 1.0};
    p.surfaces[STORED] = {fi * (1.0 - a.zero_storage_fraction), a.n_impervious, a.storage_impervious_m, 0.0, 1.0};
    p.surfaces[PERVIOUS] = {1.0 - fi, a.n_pervious, a.storage_pervious_m, 0.0, 1.0};
    for (int i = 0; i < 3; ++i) {
      const double area = (i == PERVIOUS ? 1.0 - fi : fi) * sc.area_m2;
      SurfaceParams& s = p.surfaces[i];
      if (area > 0.0 && s.roughness > 0.0)
        s.alpha = MANNING_OVERLAND * sc.width_m / area * std::sqrt(sc.slope) / s.roughness;
    }
    RunoffRouting route = a.route_to;
    if (fi == 0.0 || fi == 1.0) route = RunoffRouting::OUTLET;
    if (route == RunoffRouting::IMPERVIOUS) {
      p.pervious_to_impervious = true;
      p.surfaces[PERVIOUS].outlet_fraction = 1.0 - a.routed_fraction;
    } else if (route == RunoffRouting::PERVIOUS) {
      p.impervious_to_pervious = true;
      p.surfaces[BARE].outlet_fraction = p.surfaces[STORED].outlet_fraction = 1.0 - a.routed_fraction;
    }

    // Infiltration.
    const Infiltration& inf = sc.infiltration;
    if (inf.line > 0) {
      if (!inf.horton)
        throw sim::ScenarioError(net.path + ":" + std::to_string(inf.line) + ": [INFILTRATION] subcatchment '" +
                                 sc.id +
                                 "': only Horton and modified Horton infiltration are modelled here; give it "
                                 "HORTON or MODIFIED_HORTON parameters");
      const Horton& h = *inf.horton;
      p.horton = inf.model == InfiltrationModel::HORTON;
      p.modified_horton = inf.model == InfiltrationModel::MODIFIED_HORTON;
      p.f0_m_per_s = h.max_rate_m_per_s;
      p.fmin_m_per_s = h.min_rate_m_per_s;
      p.decay_per_s = h.decay_per_s;
      p.regen_per_s = -std::log(1.0 - 0.98) / (h.dry_time_s > 0.0 ? h.dry_time_s : 1.0e-6 * 86400.0);
      p.max_infiltration_m = h.max_volume_m;
    }
    m.subcatchments.push_back(p);
  }
  return m;
}

RunoffState initial_runoff_state(const RunoffModel& model) {
  RunoffState s;
  const DrainageNetwork& net = *model.net;
  for (const RainGage& g : net.gages) s.gages.push_back(g.used ? initial_gage(net, g) : GageState{});
  s.subcatchments.resize(net.subcatchments.size());
  s.totals.initial_storage_m3 = surface_storage_m3(model, s);
  return s;
}

void runoff_step(const RunoffModel& model, RunoffState& state) {
  const DrainageNetwork& net = *model.net;
  const Options& o = net.options;
  const std::int64_t total_ms = o.duration_s * 1000;
  const double now_s = static_cast<double>(state.new_time_ms) / 1000.0;

  // Without subcatchments only the clock moves.
  if (net.subcatchments.empty()) {
    state.old_time_ms = state.new_time_ms;
    state.new_time_ms = std::min(state.new_time_ms + o.dry_step_s * 1000, total_ms);
    return;
  }

  // The rain at each gage now.
  state.raining = false;
  for (std::size_t j = 0; j < net.gages.size(); ++j) {
    if (!net.gages[j].used) continue;
    set_gage_state(net, net.gages[j], state.gages[j], now_s);
    if (state.gages[j].rain_m_per_s > 0.0 && !o.ignore_rainfall) state.raining = true;
  }

  // The step: wet or dry, cut at the next change of rain.
  std::int64_t max_step_s = o.dry_step_s;
  for (std::size_t j = 0; j < net.gages.size(); ++j) {
    if (!net.gages[j].used) continue;
    const double next = next_rain_change(state.gages[j], now_s);
    if (next < 0.0) continue;
    const auto until = static_cast<std::int64_t>(std::floor(next - now_s + 0.5));
    if (until > 0 && until < max_step_s) max_step_s = until;
  }
  std::int64_t step_ms = std::min(state.raining || state.has_runoff ? o.wet_step_s : o.dry_step_s, max_step_s) * 1000;
  state.old_time_ms = state.new_time_ms;
  state.new_time_ms += step_ms;
  if (state.new_time_ms > total_ms) {
    step_ms = total_ms - state.old_time_ms;
    state.new_time_ms = total_ms;
  }
  const double step = static_cast<double>(step_ms) / 1000.0;

  // The last step's runoff becomes the old one; runon from upstream and between surfaces.
  for (SubcatchmentState& s : state.subcatchments) {
    s.old_runoff_m3s = s.new_runoff_m3s;
    s.inflow_m_per_s = {0.0, 0.0, 0.0};
  }
  for (std::size_t j = 0; j < net.subcatchments.size(); ++j)
    if (model.subcatchments[j].area_m2 > 0.0) add_runon(model, state, static_cast<int>(j));

  // Runoff from each subcatchment.
  state.has_runoff = false;
  for (std::size_t j = 0; j < net.subcatchments.size(); ++j) {
    if (model.subcatchments[j].area_m2 == 0.0) continue;
    if (subcatchment_step(model, state, static_cast<int>(j), step) > 0.0) state.has_runoff = true;
  }
  for (SubcatchmentState& s : state.subcatchments) s.runon_m_per_s = 0.0;
}

double runoff_at(const RunoffState& state, int subcatchment, double time_ms) {
  const SubcatchmentState& s = state.subcatchments[subcatchment];
  const double span = static_cast<double>(state.new_time_ms - state.old_time_ms);
  double f = span > 0.0 ? (time_ms - static_cast<double>(state.old_time_ms)) / span : 1.0;
  f = std::clamp(f, 0.0, 1.0);
  return (1.0 - f) * s.old_runoff_m3s + f * s.new_runoff_m3s;
}

double surface_storage_m3(const RunoffModel& model, const RunoffState& state) {
  double v = 0.0;
  for (std::size_t j = 0; j < model.subcatchments.size(); ++j) {
    const SubcatchmentParams& p = model.subcatchments[j];
    for (int i = 0; i < 3; ++i) v += state.subcatchments[j].depth_m[i] * p.surfaces[i].area_fraction * p.area_m2;
  }
  return v;
}

}  // namespace citytwin::models::drainage
