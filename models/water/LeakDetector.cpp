// The leak-detection core.
#include "models/water/LeakDetector.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

namespace citytwin::models::water {
namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t DAY = 86400;
constexpr double PUMP_RUNNING_M3S = 1e-4;  // a pump's meter above this (0.1 L/s): it runs

double circle(double d) { return std::numbers::pi * d * d / 4.0; }

/// The least-squares fit of blocks `from`.. of mean residuals by one candidate's signatures (`signature_of(b)` for
/// block b), each block weighing its number of windows: the scale alpha and what it explains (num² / den, 0 unless
/// alpha > 0).
struct Fit {
  bool usable = false;  ///< the signatures are not all zero
  double alpha = 0.0, explained = 0.0;
};
template <class Blocks, class SignatureOf>
Fit fit_blocks(const Blocks& bs, std::size_t from, SignatureOf&& signature_of) {
  double num = 0.0, den = 0.0;
  for (std::size_t b = from; b < bs.size(); ++b) {
    const std::vector<double>& u = signature_of(b);
    const auto& z = bs[b].z;
    for (std::size_t j = 0; j < z.size(); ++j)
      if (!std::isnan(z[j])) num += bs[b].weight * z[j] * u[j], den += bs[b].weight * u[j] * u[j];
  }
  Fit f;
  f.usable = den > 0.0;
  if (f.usable) f.alpha = num / den;
  if (f.usable && num > 0.0) f.explained = num * num / den;
  return f;
}

}  // namespace

LeakDetector::LeakDetector(const WaterNetwork& nominal, std::vector<WaterSensor> sensors, LeakDetectorSettings settings)
    : net_(nominal), sensors_(std::move(sensors)), settings_(settings) {
  const LeakDetectorSettings& s = settings_;
  std::int64_t step = 0;
  position_.assign(sensors_.size(), -1);
  for (std::size_t i = 0; i < sensors_.size(); ++i) {
    const WaterSensor& w = sensors_[i];
    const bool on_link = w.kind == WaterSensorKind::FLOW;
    const int size = static_cast<int>(on_link ? net_.links.size() : net_.nodes.size());
    if (w.element < 0 || w.element >= size)
      throw std::invalid_argument("leak detector: sensor '" + w.id + "' is on no " + (on_link ? "link" : "node") + " of " + net_.path);
    if (w.kind == WaterSensorKind::DEMAND_METER) {
      if (net_.nodes[w.element].kind != NodeKind::JUNCTION)
        throw std::invalid_argument("leak detector: demand meter '" + w.id + "' is not at a junction");
      if (w.interval_s != s.window_s)
        throw std::invalid_argument("leak detector: demand meter '" + w.id + "' reads every " + std::to_string(w.interval_s) +
                                    " s; it must read once per window (" + std::to_string(s.window_s) + " s)");
      continue;
    }
    position_[i] = static_cast<int>(judged_.size());
    judged_.push_back(static_cast<int>(i));
    step = step == 0 ? w.interval_s : std::min(step, w.interval_s);
  }
  if (judged_.empty()) throw std::invalid_argument("leak detector: no pressure, flow or tank level sensor to judge residuals by");
  step_s_ = step;
  if (s.window_s <= 0 || s.window_s % step_s_ != 0 || DAY % s.window_s != 0)
    throw std::invalid_argument("leak detector: the window (" + std::to_string(s.window_s) +
                                " s) must be a multiple of the sensors' interval (" + std::to_string(step_s_) +
                                " s) and divide a day");
  if (s.signature_every_s <= 0 || s.signature_every_s % s.window_s != 0 || DAY % s.signature_every_s != 0)
    throw std::invalid_argument("leak detector: signatures must be taken a whole number of windows apart, dividing a day");
  if (s.training_s < DAY || s.training_s % s.window_s != 0 || s.warmup_s > s.training_s - DAY)
    throw std::invalid_argument("leak detector: training must last at least a day after the warm-up, in whole windows");
  if (!(s.z_limit > 0.0) || s.cusum_threshold <= 0.0 || s.cusum_drift < 0.0 || s.signature_diameter_m <= 0.0 ||
      s.locate_blocks == 0 || s.keep_windows == 0)
    throw std::invalid_argument("leak detector: the CUSUM threshold, the signature diameter and the windows located "
                                "over must be positive");

  // Pumps with a flow meter run as it says (SCADA reports their status): their controls leave the model.
  for (const WaterSensor& w : sensors_)
    if (s.pumps_from_meters && w.kind == WaterSensorKind::FLOW && net_.links[w.element].kind == LinkKind::PUMP)
      metered_pumps_.push_back(w.element);
  std::erase_if(net_.controls, [&](const Control& c) {
    return std::find(metered_pumps_.begin(), metered_pumps_.end(), c.link) != metered_pumps_.end();
  });
  Times& t = net_.times;
  t.hydraulic_step_s = step_s_;
  t.report_step_s = step_s_;
  t.report_start_s = 0;
  t.duration_s = std::numeric_limits<std::int32_t>::max();
  // A network that says UNBALANCED STOP would end the detector's run at its first unconverged solution.
  if (net_.options.unbalanced_continue < 0) net_.options.unbalanced_continue = UNBALANCED_CONTINUE_TRIALS;
  candidates_ = open_pipes(net_);
  model_ = std::make_unique<HydraulicModel>(net_, candidates_);
  distances_ = std::make_unique<PipeDistances>(net_);
  run_ = std::make_unique<HydraulicRun>(*model_);
  junctions_ = model_->junctions();
  silent_windows_.assign(judged_.size(), 0);
  snapshots_.resize(static_cast<std::size_t>(DAY / s.signature_every_s));
}

LeakDetector::~LeakDetector() = default;

bool LeakDetector::consume(const detection::Reading& r) {
  const auto* m = std::get_if<detection::Measurement>(&r.payload);
  if (r.sensor >= sensors_.size() || !m || !std::isfinite(m->value)) {
    ++rejected_;
    return false;
  }
  const std::int64_t t = r.time_us >= 0 ? r.time_us / 1'000'000 : -1;
  // A meter's reading, stamped at its window's end, still counts while that window is open.
  const bool meter = sensors_[r.sensor].kind == WaterSensorKind::DEMAND_METER;
  if (t < 0 || t < judged_until_s_ + (meter ? 1 : 0)) {
    ++late_;
    return true;
  }
  pending_.emplace(t, std::make_pair(r.sensor, m->value));
  return true;
}

std::vector<LeakAlert> LeakDetector::advance(std::int64_t now_s) {
  std::vector<LeakAlert> out;
  while (run_->time_s() + settings_.window_s <= now_s - settings_.lateness_s) process_window(out);
  return out;
}

std::size_t LeakDetector::unbalanced() const { return run_->warnings().size(); }

void LeakDetector::repaired(int pipe, std::int64_t time_s) { repairs_.emplace_back(time_s, pipe); }

int LeakDetector::slot_of(std::int64_t window_end) const {
  return static_cast<int>(((window_end - settings_.window_s) % DAY) / settings_.window_s);
}

int LeakDetector::snapshot_of(std::int64_t t) const { return static_cast<int>((t % DAY) / settings_.signature_every_s); }

double LeakDetector::nominal_demand(int node, std::int64_t t) const {
  return nominal_demand_m3s(net_, node, (t + net_.times.pattern_start_s) / net_.times.pattern_step_s);
}

std::vector<double> LeakDetector::window_means(HydraulicRun run, int site, double* site_flow) const {
  const std::size_t n = judged_.size();
  std::vector<double> m(n, 0.0);
  const std::int64_t until = run.time_s() + settings_.window_s;
  std::int64_t samples = 0;
  while (run.time_s() < until) {
    const std::int64_t t = run.time_s();
    run.solve();
    if (site >= 0 && site_flow && samples == 0) *site_flow = run.leak_flow_m3s(site);
    const std::int64_t step = run.advance();
    const std::int64_t next = std::min(step > 0 ? t + step : until, until);
    // The sampling times this solution stands for.
    const std::int64_t covered = (next + step_s_ - 1) / step_s_ - (t + step_s_ - 1) / step_s_;
    if (covered > 0)
      for (std::size_t j = 0; j < n; ++j)
        m[j] += static_cast<double>(covered) * true_value(run, sensors_[static_cast<std::size_t>(judged_[j])]);
    samples += covered;
    if (step == 0) break;
  }
  for (double& v : m) v /= static_cast<double>(std::max<std::int64_t>(samples, 1));
  return m;
}

void LeakDetector::process_window(std::vector<LeakAlert>& out) {
  const std::int64_t t0 = run_->time_s(), t1 = t0 + settings_.window_s;
  // Repairs reported up to now take their estimates out of the model.
  for (auto it = repairs_.begin(); it != repairs_.end();) {
    if (it->first > t0) {
      ++it;
      continue;
    }
    for (auto a = absorbed_.begin(); a != absorbed_.end();) {
      if (distances_->between(candidates_[static_cast<std::size_t>(a->site)], it->second) <= settings_.merge_distance_m) {
        run_->set_leak_area(a->site, 0.0);
        a = absorbed_.erase(a);
      } else {
        ++a;
      }
    }
    it = repairs_.erase(it);
  }
  // Tank levels measured at the start; metered consumers as their meters say for the window.
  const auto at_start = pending_.equal_range(t0);
  for (auto it = at_start.first; it != at_start.second; ++it) {
    const WaterSensor& w = sensors_[it->second.first];
    if (w.kind == WaterSensorKind::TANK_LEVEL) run_->set_tank_level(model_->node(w.element), it->second.second);
    if (w.kind == WaterSensorKind::FLOW &&
        std::find(metered_pumps_.begin(), metered_pumps_.end(), w.element) != metered_pumps_.end())
      run_->set_pump_on(w.element, std::fabs(it->second.second) > PUMP_RUNNING_M3S);
  }
  std::vector<double> factors;
  const auto at_end = pending_.equal_range(t1);
  for (auto it = at_end.first; it != at_end.second; ++it) {
    const WaterSensor& w = sensors_[it->second.first];
    if (w.kind != WaterSensorKind::DEMAND_METER) continue;
    const double nominal = nominal_demand(w.element, t0);
    if (nominal <= 0.0) continue;
    if (factors.empty()) factors.assign(static_cast<std::size_t>(junctions_), 1.0);
    factors[static_cast<std::size_t>(model_->node(w.element))] = std::max(it->second.second, 0.0) / nominal;
  }
  run_->set_demand_factors(std::move(factors));
  if (trained_) {
    recent_.emplace_back(windows_.size(), std::make_unique<HydraulicRun>(*run_));
    while (recent_.size() > settings_.keep_windows) recent_.pop_front();
  } else if (t0 >= settings_.training_s - DAY && t0 % settings_.signature_every_s == 0) {
    snapshots_[static_cast<std::size_t>(snapshot_of(t0))] = std::make_unique<HydraulicRun>(*run_);
  }
  // The window replayed on the nominal model, each reading against the solution it falls in.
  const std::size_t n = judged_.size();
  std::vector<double> sum(n, 0.0), expected(n);
  std::vector<int> count(n, 0);
  while (run_->time_s() < t1) {
    const std::int64_t t = run_->time_s();
    run_->solve();
    for (std::size_t j = 0; j < n; ++j) expected[j] = true_value(*run_, sensors_[static_cast<std::size_t>(judged_[j])]);
    const std::int64_t step = run_->advance();
    const std::int64_t next = std::min(step > 0 ? t + step : t1, t1);
    for (auto it = pending_.lower_bound(t); it != pending_.end() && it->first < next; ++it) {
      const int j = position_[it->second.first];
      if (j < 0) continue;
      sum[static_cast<std::size_t>(j)] += it->second.second - expected[static_cast<std::size_t>(j)];
      ++count[static_cast<std::size_t>(j)];
    }
    if (step == 0) break;
  }
  pending_.erase(pending_.begin(), pending_.lower_bound(t1));
  judged_until_s_ = t1;
  std::vector<double> mean(n, NaN);
  for (std::size_t j = 0; j < n; ++j) {
    if (count[j] > 0) {
      mean[j] = sum[j] / count[j];
      silent_windows_[j] = 0;
    } else {
      ++silent_windows_[j];
    }
  }
  judge_window(mean, out);
}

void LeakDetector::judge_window(const std::vector<double>& mean, std::vector<LeakAlert>& out) {
  const std::size_t n = judged_.size();
  const std::int64_t end = run_->time_s();
  if (!trained_) {
    if (end > settings_.warmup_s) {
      training_means_.push_back(mean);
      training_ends_.push_back(end);
    }
    windows_.push_back({end, NaN, 0.0, std::vector<double>(n, NaN)});
    if (end >= settings_.training_s) train();
    return;
  }
  ResidualWindow w{end, 0.0, 0.0, std::vector<double>(n, NaN)};
  const auto& base = baseline_[static_cast<std::size_t>(slot_of(end))];
  for (std::size_t j = 0; j < n; ++j) {
    if (std::isnan(mean[j]) || silent_windows_[j] >= settings_.stale_windows) continue;
    w.z[j] = std::clamp((mean[j] - base[j]) / spread_[j], -settings_.z_limit, settings_.z_limit);
  }
  const auto [up, down] = matched(w.z, end);
  const double g = (up - matched_mean_[0]) / matched_sd_[0];
  const double g_down = (down - matched_mean_[1]) / matched_sd_[1];
  const std::size_t index = windows_.size();
  if (cusum_ == 0.0) cusum_start_ = index;
  cusum_ = std::max(0.0, cusum_ + g - settings_.cusum_drift);
  if (absorbed_.empty()) {
    lower_ = 0.0;
  } else {
    if (lower_ == 0.0) lower_start_ = index;
    lower_ = std::max(0.0, lower_ + g_down - settings_.cusum_drift);
  }
  w.statistic = g;
  w.cusum = cusum_;
  windows_.push_back(std::move(w));
  if (alarm_at_ == 0 && lower_ > settings_.cusum_threshold) {
    correct(lower_start_, index);
    lower_ = cusum_ = 0.0;
    return;
  }
  if (alarm_at_ == 0 && cusum_ > settings_.cusum_threshold) alarm_at_ = index + 1;
  if (alarm_at_ == 0 || index + 1 < alarm_at_ + settings_.confirm_windows) return;

  alarm_at_ = 0;
  LeakAlert alert = locate(cusum_start_, index);
  cusum_ = lower_ = 0.0;
  if (alert.pipe < 0) return;
  const int site = static_cast<int>(std::lower_bound(candidates_.begin(), candidates_.end(), alert.pipe) - candidates_.begin());
  const double area = circle(alert.diameter_m);
  // The same leak again: an estimate already in the model near the best candidate, or among the candidates ranked.
  auto near = std::find_if(absorbed_.begin(), absorbed_.end(), [&](const Absorbed& a) {
    const int pipe = candidates_[static_cast<std::size_t>(a.site)];
    if (distances_->between(pipe, alert.pipe) <= settings_.merge_distance_m) return true;
    return std::any_of(alert.ranking.begin(), alert.ranking.end(), [&](const auto& r) { return r.first == pipe; });
  });
  if (near != absorbed_.end()) {
    // The leak alerted before has grown (or a neighbour opened): one alert, its estimate raised.
    near->area_m2 = std::min(near->area_m2 + area, circle(settings_.max_diameter_m));
    run_->set_leak_area(near->site, near->area_m2);
    alert.id = near->alert;
    alert.update = true;
    alert.pipe = candidates_[static_cast<std::size_t>(near->site)];
    alert.diameter_m = std::sqrt(4.0 * near->area_m2 / std::numbers::pi);
  } else {
    alert.id = next_alert_++;
    absorbed_.push_back({alert.id, site, area});
    run_->set_leak_area(site, area);
  }
  out.push_back(std::move(alert));
}

void LeakDetector::fresh_signatures(const std::vector<const HydraulicRun*>& states, const std::vector<std::size_t>& which,
                                    std::vector<std::vector<std::vector<double>>>& sig, std::vector<double>& flow) {
  const auto started = std::chrono::steady_clock::now();
  if (settings_.linear_signatures) {
    linear_signatures(states, which, sig, flow);
    signature_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return;
  }
  const std::size_t n = judged_.size(), ns = states.size(), nw = which.size();
  std::vector<std::vector<double>> base(ns);
  tbb::parallel_for(std::size_t{0}, ns, [&](std::size_t u) { base[u] = window_means(*states[u]); });
  std::vector<double> open_area(candidates_.size(), 0.0);  // estimates already in the model: a signature adds to them
  for (const Absorbed& a : absorbed_) open_area[static_cast<std::size_t>(a.site)] = a.area_m2;
  const double area = circle(settings_.signature_diameter_m);
  sig.assign(ns, std::vector<std::vector<double>>(nw, std::vector<double>(n, 0.0)));
  std::vector<std::vector<double>> q(ns, std::vector<double>(nw, 0.0));
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, ns * nw), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t idx = r.begin(); idx != r.end(); ++idx) {
      const std::size_t u = idx / nw, i = idx % nw;
      const int c = static_cast<int>(which[i]);
      HydraulicRun what_if(*states[u]);
      what_if.set_leak_area(c, open_area[which[i]] + area);
      std::vector<double> m;
      try {
        m = window_means(std::move(what_if), c, &q[u][i]);
      } catch (const std::runtime_error&) {
        q[u][i] = 0.0;
        continue;  // a candidate the model cannot open: no signature, never chosen
      }
      for (std::size_t j = 0; j < n; ++j) sig[u][i][j] = (m[j] - base[u][j]) / spread_[j];
    }
  });
  flow.assign(nw, 0.0);
  for (std::size_t i = 0; i < nw; ++i) {
    for (std::size_t u = 0; u < ns; ++u) flow[i] += q[u][i];
    flow[i] /= static_cast<double>(std::max<std::size_t>(ns, 1));
  }
  signature_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

void LeakDetector::linear_signatures(const std::vector<const HydraulicRun*>& states, const std::vector<std::size_t>& which,
                                     std::vector<std::vector<std::vector<double>>>& sig, std::vector<double>& flow) const {
  const std::size_t n = judged_.size(), ns = states.size(), nw = which.size();
  const WaterNetwork& solved = model_->solved();
  const double area = circle(settings_.signature_diameter_m);
  constexpr double G = 9.80665, CD = 0.75;
  // Readings of a window start with the tank levels set from their sensors: a level's residual grows from zero,
  // its mean over the window's samples is the inflow change times their mean time since the start.
  const double level_time_s = static_cast<double>(settings_.window_s - step_s_) / 2.0;
  // The junctions whose heads the judged sensors depend on.
  std::vector<int> observed;
  auto observe = [&](int node) {
    if (node < junctions_ && std::find(observed.begin(), observed.end(), node) == observed.end()) observed.push_back(node);
  };
  for (int s : judged_) {
    const WaterSensor& w = sensors_[static_cast<std::size_t>(s)];
    if (w.kind == WaterSensorKind::PRESSURE) observe(model_->node(w.element));
    if (w.kind == WaterSensorKind::FLOW) {
      observe(solved.links[static_cast<std::size_t>(w.element)].from);
      observe(solved.links[static_cast<std::size_t>(w.element)].to);
    }
    if (w.kind == WaterSensorKind::TANK_LEVEL)
      for (const Link& l : solved.links)
        if (l.from == model_->node(w.element) || l.to == model_->node(w.element)) observe(l.from == model_->node(w.element) ? l.to : l.from);
  }
  sig.assign(ns, std::vector<std::vector<double>>(nw, std::vector<double>(n, 0.0)));
  std::vector<std::vector<double>> q(ns, std::vector<double>(nw, 0.0));
  tbb::parallel_for(std::size_t{0}, ns, [&](std::size_t u) {
    HydraulicRun run(*states[u]);
    run.solve();
    // Per observed junction: its head's response to an outflow at every junction.
    std::vector<std::vector<double>> response(observed.size());
    tbb::parallel_for(std::size_t{0}, observed.size(), [&](std::size_t o) { response[o] = run.head_sensitivity(observed[o]); });
    auto head_change = [&](int node, int at) {
      if (node >= junctions_) return 0.0;  // a tank's or reservoir's head is held
      const auto o = static_cast<std::size_t>(std::find(observed.begin(), observed.end(), node) - observed.begin());
      return response[o][static_cast<std::size_t>(at)];
    };
    for (std::size_t i = 0; i < nw; ++i) {
      const int site = static_cast<int>(which[i]);
      const int at = model_->leak_node(site);
      const double p = run.pressure_m(at);
      q[u][i] = p > 0.0 ? CD * area * std::sqrt(2.0 * G * p) : 0.0;
      for (std::size_t j = 0; j < n; ++j) {
        const WaterSensor& w = sensors_[static_cast<std::size_t>(judged_[j])];
        double per_m3s = 0.0;
        if (w.kind == WaterSensorKind::PRESSURE) per_m3s = head_change(model_->node(w.element), at);
        if (w.kind == WaterSensorKind::FLOW) {
          const Link& l = solved.links[static_cast<std::size_t>(w.element)];
          per_m3s = run.flow_gradient(w.element) * (head_change(l.from, at) - head_change(l.to, at));
        }
        if (w.kind == WaterSensorKind::TANK_LEVEL) {
          const int tank = model_->node(w.element);
          double inflow = 0.0;  // the tank's inflow change: each link's flow towards it
          for (std::size_t k = 0; k < solved.links.size(); ++k) {
            const Link& l = solved.links[k];
            if (l.from == tank) inflow += run.flow_gradient(static_cast<int>(k)) * head_change(l.to, at);
            else if (l.to == tank) inflow += run.flow_gradient(static_cast<int>(k)) * head_change(l.from, at);
          }
          per_m3s = inflow * level_time_s / run.tank_area_m2(tank);
        }
        sig[u][i][j] = per_m3s * q[u][i] / spread_[j];
      }
    }
  });
  flow.assign(nw, 0.0);
  for (std::size_t i = 0; i < nw; ++i) {
    for (std::size_t u = 0; u < ns; ++u) flow[i] += q[u][i];
    flow[i] /= static_cast<double>(std::max<std::size_t>(ns, 1));
  }
}

void LeakDetector::train() {
  const std::size_t n = judged_.size();
  const std::size_t slots = static_cast<std::size_t>(DAY / settings_.window_s);
  // Mean residual by time of day, and the spread about it, per sensor.
  std::vector<double> overall(n, 0.0);
  std::vector<double> overall_count(n, 0.0);
  baseline_.assign(slots, std::vector<double>(n, 0.0));
  std::vector<std::vector<double>> counts(slots, std::vector<double>(n, 0.0));
  for (std::size_t w = 0; w < training_means_.size(); ++w) {
    const std::size_t slot = static_cast<std::size_t>(slot_of(training_ends_[w]));
    for (std::size_t j = 0; j < n; ++j) {
      const double m = training_means_[w][j];
      if (std::isnan(m)) continue;
      baseline_[slot][j] += m;
      ++counts[slot][j];
      overall[j] += m;
      ++overall_count[j];
    }
  }
  for (std::size_t j = 0; j < n; ++j) overall[j] = overall_count[j] ? overall[j] / overall_count[j] : 0.0;
  for (std::size_t slot = 0; slot < slots; ++slot)
    for (std::size_t j = 0; j < n; ++j)
      baseline_[slot][j] = counts[slot][j] ? baseline_[slot][j] / counts[slot][j] : overall[j];
  spread_.assign(n, 0.0);
  std::vector<double> spread_count(n, 0.0);
  for (std::size_t w = 0; w < training_means_.size(); ++w) {
    const auto& base = baseline_[static_cast<std::size_t>(slot_of(training_ends_[w]))];
    for (std::size_t j = 0; j < n; ++j) {
      const double m = training_means_[w][j];
      if (std::isnan(m)) continue;
      spread_[j] += (m - base[j]) * (m - base[j]);
      ++spread_count[j];
    }
  }
  for (std::size_t j = 0; j < n; ++j) {
    // Floors: a sensor that never strays is still read with the resolution of its kind.
    const WaterSensorKind k = sensors_[static_cast<std::size_t>(judged_[j])].kind;
    const double floor = k == WaterSensorKind::FLOW ? 1e-5 : k == WaterSensorKind::TANK_LEVEL ? 1e-3 : 1e-2;
    spread_[j] = std::max(spread_count[j] > 1 ? std::sqrt(spread_[j] / (spread_count[j] - 1)) : 0.0, floor);
  }

  // Every candidate's signature from each state of the last training day kept, in parallel.
  std::vector<const HydraulicRun*> states;
  for (const auto& snap : snapshots_) {
    if (!snap) throw std::logic_error("leak detector: a nominal state of the last training day is missing");
    states.push_back(snap.get());
  }
  std::vector<std::size_t> all(candidates_.size());
  for (std::size_t c = 0; c < all.size(); ++c) all[c] = c;
  std::vector<double> flows;
  fresh_signatures(states, all, signature_, flows);
  // Each signature's unit vector; then what the matched statistics are over training, to standardise them.
  for (auto& per_snapshot : signature_)
    for (auto& sig : per_snapshot) {
      double norm = 0.0;
      for (double u : sig) norm += u * u;
      if (norm > 0.0)
        for (double& u : sig) u /= std::sqrt(norm);
    }
  std::vector<double> ups, downs;
  for (std::size_t w = 0; w < training_means_.size(); ++w) {
    const auto& base = baseline_[static_cast<std::size_t>(slot_of(training_ends_[w]))];
    std::vector<double> z(n, NaN);
    for (std::size_t j = 0; j < n; ++j)
      if (!std::isnan(training_means_[w][j]))
        z[j] = std::clamp((training_means_[w][j] - base[j]) / spread_[j], -settings_.z_limit, settings_.z_limit);
    const auto [up, down] = matched(z, training_ends_[w]);
    ups.push_back(up);
    downs.push_back(down);
  }
  for (int side = 0; side < 2; ++side) {
    const std::vector<double>& v = side == 0 ? ups : downs;
    double m = 0.0, ss = 0.0;
    for (double x : v) m += x;
    m /= static_cast<double>(std::max<std::size_t>(v.size(), 1));
    for (double x : v) ss += (x - m) * (x - m);
    matched_mean_[side] = m;
    matched_sd_[side] = std::max(v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 1.0, 1e-6);
  }
  snapshots_.clear();
  training_means_.clear();
  training_ends_.clear();
  trained_ = true;
}

std::pair<double, double> LeakDetector::matched(const std::vector<double>& z, std::int64_t window_end) const {
  const auto& sigs = signature_[static_cast<std::size_t>(snapshot_of(window_end - settings_.window_s))];
  double up = 0.0, down = 0.0;
  for (const auto& u : sigs) {
    double p = 0.0;
    for (std::size_t j = 0; j < z.size(); ++j)
      if (!std::isnan(z[j])) p += z[j] * u[j];
    up = std::max(up, p);
    down = std::max(down, -p);
  }
  return {up, down};
}

std::vector<LeakDetector::Block> LeakDetector::blocks(std::size_t first, std::size_t last) const {
  const std::size_t n = judged_.size();
  std::vector<std::pair<std::size_t, const HydraulicRun*>> kept;
  for (const auto& [w, state] : recent_)
    if (w >= first && w <= last) kept.emplace_back(w, state.get());
  std::vector<Block> out;
  if (kept.empty()) return out;
  const std::size_t count = kept.size(), nb = std::min(count, settings_.locate_blocks);
  for (std::size_t b = 0; b < nb; ++b) {
    const std::size_t begin = b * count / nb, end = (b + 1) * count / nb;
    Block block{kept[begin].second, kept[begin].first, std::vector<double>(n, 0.0), static_cast<double>(end - begin)};
    std::vector<double> m(n, 0.0);
    for (std::size_t k = begin; k < end; ++k) {
      const auto& z = windows_[kept[k].first].z;
      for (std::size_t j = 0; j < n; ++j)
        if (!std::isnan(z[j])) block.z[j] += z[j], m[j] += 1.0;
    }
    for (std::size_t j = 0; j < n; ++j) block.z[j] = m[j] > 0.0 ? block.z[j] / m[j] : NaN;
    out.push_back(std::move(block));
  }
  return out;
}

LeakAlert LeakDetector::locate(std::size_t first, std::size_t last) {
  const std::size_t nc = candidates_.size();
  LeakAlert alert;
  alert.raised_s = windows_[last].end_s;
  alert.start_s = windows_[first].end_s - settings_.window_s;
  const std::vector<Block> bs = blocks(first, last);
  double zz = 0.0;
  for (const Block& b : bs)
    for (double z : b.z)
      if (!std::isnan(z)) zz += b.weight * z * z;
  if (nc == 0 || zz <= 0.0) return alert;
  // First every candidate against the training day's signatures...
  std::vector<double> coarse(nc, 0.0);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nc), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t c = r.begin(); c != r.end(); ++c) {
      coarse[c] = fit_blocks(bs, 0, [&](std::size_t b) -> const std::vector<double>& {
        return signature_[static_cast<std::size_t>(snapshot_of(windows_[bs[b].window].end_s - settings_.window_s))][c];
      }).explained;
    }
  });
  std::vector<std::size_t> order(nc);
  for (std::size_t c = 0; c < nc; ++c) order[c] = c;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return coarse[a] > coarse[b]; });
  order.resize(std::min(nc, settings_.refine_candidates));
  // ...then the best again, their signatures simulated from the states the blocks started from.
  std::vector<const HydraulicRun*> states;
  for (const Block& b : bs) states.push_back(b.state);
  std::vector<std::vector<std::vector<double>>> sig;
  std::vector<double> flow;
  fresh_signatures(states, order, sig, flow);
  std::vector<double> score(order.size(), 0.0), alpha(order.size(), 0.0);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Fit f = fit_blocks(bs, 0, [&](std::size_t b) -> const std::vector<double>& { return sig[b][i]; });
    score[i] = f.explained;
    alpha[i] = f.alpha;
  }
  std::vector<std::size_t> rank(order.size());
  for (std::size_t i = 0; i < rank.size(); ++i) rank[i] = i;
  std::stable_sort(rank.begin(), rank.end(), [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  const std::size_t best = rank[0];
  if (score[best] <= 0.0) return alert;
  alert.pipe = candidates_[order[best]];
  alert.fit = score[best] / zz;
  // The outflow grows with the orifice's area: alpha times the signature's. The size is the latest block's, the
  // leak as it is now (an incipient leak has grown since the change began), if that block has it.
  double a = alpha[best];
  if (const Fit now = fit_blocks(bs, bs.size() - 1, [&](std::size_t b) -> const std::vector<double>& { return sig[b][best]; });
      now.explained > 0.0)
    a = now.alpha;
  const double ratio = settings_.max_diameter_m / settings_.signature_diameter_m;
  a = std::min(a, ratio * ratio);
  alert.flow_m3s = a * flow[best];
  alert.diameter_m = settings_.signature_diameter_m * std::sqrt(a);
  for (std::size_t i = 0; i < std::min(settings_.ranking, rank.size()) && score[rank[i]] > 0.0; ++i)
    alert.ranking.emplace_back(candidates_[order[rank[i]]], score[rank[i]] / zz);
  return alert;
}

void LeakDetector::correct(std::size_t first, std::size_t last) {
  // The model loses more water than the readings show: the latest estimate is refitted, and withdrawn if the
  // readings leave little of it.
  if (absorbed_.empty()) return;
  Absorbed& a = absorbed_.back();
  const std::vector<Block> bs = blocks(first, last);
  if (bs.empty()) return;
  std::vector<const HydraulicRun*> states;
  for (const Block& b : bs) states.push_back(b.state);
  std::vector<std::vector<std::vector<double>>> sig;
  std::vector<double> flow;
  fresh_signatures(states, {static_cast<std::size_t>(a.site)}, sig, flow);
  const Fit f = fit_blocks(bs, 0, [&](std::size_t b) -> const std::vector<double>& { return sig[b][0]; });
  ++corrections_;
  const double area = f.usable ? a.area_m2 + f.alpha * circle(settings_.signature_diameter_m) : 0.0;
  if (area <= 0.1 * a.area_m2) {
    run_->set_leak_area(a.site, 0.0);
    absorbed_.pop_back();
  } else {
    a.area_m2 = std::min(area, a.area_m2);
    run_->set_leak_area(a.site, a.area_m2);
  }
}

}  // namespace citytwin::models::water
