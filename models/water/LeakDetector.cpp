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

}  // namespace

LeakDetector::LeakDetector(const WaterNetwork& nominal, std::vector<WaterSensor> sensors, LeakDetectorSettings settings)
    : net_(nominal), sensors_(std::move(sensors)), settings_(settings) {
  const LeakDetectorSettings& s = settings_;
  std::int64_t step = 0;
  for (std::size_t i = 0; i < sensors_.size(); ++i) {
    const WaterSensor& w = sensors_[i];
    const bool on_link = w.kind == WaterSensorKind::FLOW;
    const int size = static_cast<int>(on_link ? net_.links.size() : net_.nodes.size());
    if (w.element < 0 || w.element >= size)
      throw std::invalid_argument("leak detector: sensor '" + w.id + "' is on no " + (on_link ? "link" : "node") + " of " + net_.path);
    if (w.kind != WaterSensorKind::DEMAND_METER) judged_.push_back(static_cast<int>(i));
    if (w.kind != WaterSensorKind::DEMAND_METER) step = step == 0 ? w.interval_s : std::min(step, w.interval_s);
  }
  if (judged_.empty()) throw std::invalid_argument("leak detector: no pressure or flow sensor to judge residuals by");
  step_s_ = step;
  if (s.window_s <= 0 || s.window_s % step_s_ != 0 || DAY % s.window_s != 0)
    throw std::invalid_argument("leak detector: the window (" + std::to_string(s.window_s) +
                                " s) must be a multiple of the sensors' interval (" + std::to_string(step_s_) +
                                " s) and divide a day");
  if (s.signature_every_s <= 0 || s.signature_every_s % s.window_s != 0 || DAY % s.signature_every_s != 0)
    throw std::invalid_argument("leak detector: signatures must be taken a whole number of windows apart, dividing a day");
  if (s.training_s < DAY || s.training_s % s.window_s != 0)
    throw std::invalid_argument("leak detector: training must last at least a day, in whole windows");
  if (s.cusum_threshold <= 0.0 || s.cusum_drift < 0.0 || s.signature_diameter_m <= 0.0)
    throw std::invalid_argument("leak detector: the CUSUM threshold and the signature diameter must be positive");

  Times& t = net_.times;
  t.hydraulic_step_s = step_s_;
  t.report_step_s = step_s_;
  t.report_start_s = 0;
  t.duration_s = std::numeric_limits<std::int32_t>::max();
  for (int k = 0; k < static_cast<int>(net_.links.size()); ++k) {
    const Link& l = net_.links[k];
    if ((l.kind == LinkKind::PIPE || l.kind == LinkKind::CV_PIPE) && l.status == LinkStatus::OPEN && l.length_m > 0.0)
      candidates_.push_back(k);
  }
  model_ = std::make_unique<HydraulicModel>(net_, candidates_);
  distances_ = std::make_unique<PipeDistances>(net_);
  run_ = std::make_unique<HydraulicRun>(*model_);
  sum_.assign(judged_.size(), 0.0);
  count_.assign(judged_.size(), 0);
  silent_windows_.assign(judged_.size(), 0);
  window_end_s_ = s.window_s;
  snapshots_.resize(static_cast<std::size_t>(DAY / s.signature_every_s));
}

LeakDetector::~LeakDetector() = default;

bool LeakDetector::consume(const detection::Reading& r) {
  const auto* m = std::get_if<detection::Measurement>(&r.payload);
  if (r.sensor >= sensors_.size() || !m || !std::isfinite(m->value)) {
    ++rejected_;
    return false;
  }
  const std::int64_t t = r.time_us >= 0 ? r.time_us / 1'000'000 : -((-r.time_us + 999'999) / 1'000'000);
  if (t < judged_until_s_ || t < 0) {
    ++late_;
    return true;
  }
  pending_.emplace(t, std::make_pair(r.sensor, m->value));
  return true;
}

std::vector<LeakAlert> LeakDetector::advance(std::int64_t now_s) {
  std::vector<LeakAlert> out;
  while (run_->time_s() + step_s_ <= now_s - settings_.lateness_s) solve_step(out);
  return out;
}

void LeakDetector::repaired(int pipe, std::int64_t time_s) { repairs_.emplace_back(time_s, pipe); }

int LeakDetector::slot_of(std::int64_t window_end) const {
  return static_cast<int>(((window_end - settings_.window_s) % DAY) / settings_.window_s);
}

int LeakDetector::snapshot_of(std::int64_t t) const { return static_cast<int>((t % DAY) / settings_.signature_every_s); }

void LeakDetector::solve_step(std::vector<LeakAlert>& out) {
  const std::int64_t t = run_->time_s();
  while (t >= window_end_s_) close_window(out);
  // Repairs reported up to now take their estimates out of the model.
  for (auto it = repairs_.begin(); it != repairs_.end();) {
    if (it->first > t) {
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
  // At each window's start, tank levels measured replace the integrated ones: over the window the model's tanks
  // then fill and drain as the nominal demands say, and their level residuals measure the water unaccounted for.
  if (t % settings_.window_s == 0) {
    const auto now = pending_.equal_range(t);
    for (auto it = now.first; it != now.second; ++it) {
      const WaterSensor& w = sensors_[it->second.first];
      if (w.kind == WaterSensorKind::TANK_LEVEL) run_->set_tank_level(model_->node(w.element), it->second.second);
    }
  }
  run_->solve();
  std::vector<double> expected(judged_.size());
  for (std::size_t j = 0; j < judged_.size(); ++j) expected[j] = true_value(*run_, sensors_[static_cast<std::size_t>(judged_[j])]);
  if (t % settings_.window_s == 0 && trained_) {
    recent_.emplace_back(windows_.size(), std::make_unique<HydraulicRun>(*run_));
    while (recent_.size() > settings_.locate_windows) recent_.pop_front();
  }
  if (!trained_ && t >= settings_.training_s - DAY && t < settings_.training_s && t % settings_.signature_every_s == 0)
    snapshots_[static_cast<std::size_t>(snapshot_of(t))] = std::make_unique<HydraulicRun>(*run_);
  const std::int64_t step = run_->advance();
  const std::int64_t next = t + (step > 0 ? step : step_s_);
  // The readings this solution explains: every one made before the next hydraulic time.
  std::vector<int> position(sensors_.size(), -1);
  for (std::size_t j = 0; j < judged_.size(); ++j) position[static_cast<std::size_t>(judged_[j])] = static_cast<int>(j);
  auto end = pending_.lower_bound(next);
  for (auto it = pending_.begin(); it != end; ++it) {
    const int j = position[it->second.first];
    if (j < 0) continue;
    sum_[static_cast<std::size_t>(j)] += it->second.second - expected[static_cast<std::size_t>(j)];
    ++count_[static_cast<std::size_t>(j)];
  }
  pending_.erase(pending_.begin(), end);
  judged_until_s_ = next;
}

void LeakDetector::close_window(std::vector<LeakAlert>& out) {
  const std::size_t n = judged_.size();
  std::vector<double> mean(n, NaN);
  for (std::size_t j = 0; j < n; ++j) {
    if (count_[j] > 0) {
      mean[j] = sum_[j] / count_[j];
      silent_windows_[j] = 0;
    } else {
      ++silent_windows_[j];
    }
    sum_[j] = 0.0;
    count_[j] = 0;
  }
  const std::int64_t end = window_end_s_;
  window_end_s_ += settings_.window_s;
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
  const auto& dir = direction_[static_cast<std::size_t>(snapshot_of(end - settings_.window_s / 2))];
  double g = 0.0;
  for (std::size_t j = 0; j < n; ++j) {
    if (std::isnan(mean[j]) || silent_windows_[j] >= settings_.stale_windows) continue;
    w.z[j] = (mean[j] - base[j]) / spread_[j];
    g += dir[j] * w.z[j];
  }
  g /= statistic_sd_;
  if (cusum_ == 0.0) cusum_start_ = windows_.size();
  cusum_ = std::max(0.0, cusum_ + g - settings_.cusum_drift);
  w.statistic = g;
  w.cusum = cusum_;
  windows_.push_back(std::move(w));
  if (cusum_ <= settings_.cusum_threshold) return;

  LeakAlert alert = locate(cusum_start_, windows_.size() - 1);
  cusum_ = 0.0;
  if (alert.pipe < 0) return;
  const int site = static_cast<int>(std::lower_bound(candidates_.begin(), candidates_.end(), alert.pipe) - candidates_.begin());
  const double area = std::numbers::pi * alert.diameter_m * alert.diameter_m / 4.0;
  auto near = std::find_if(absorbed_.begin(), absorbed_.end(), [&](const Absorbed& a) {
    return distances_->between(candidates_[static_cast<std::size_t>(a.site)], alert.pipe) <= settings_.merge_distance_m;
  });
  if (near != absorbed_.end()) {
    // The leak alerted before has grown (or a neighbour opened): one alert, its estimate raised.
    near->area_m2 += area;
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

void LeakDetector::train() {
  const std::size_t n = judged_.size();
  const std::size_t slots = static_cast<std::size_t>(DAY / settings_.window_s);
  // Mean residual by time of day, and the spread about it, per sensor.
  std::vector<double> overall(n, 0.0);
  std::vector<int> overall_count(n, 0);
  baseline_.assign(slots, std::vector<double>(n, 0.0));
  std::vector<std::vector<int>> counts(slots, std::vector<int>(n, 0));
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
  std::vector<int> spread_count(n, 0);
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
    const double floor = sensors_[static_cast<std::size_t>(judged_[j])].kind == WaterSensorKind::FLOW ? 1e-6 : 1e-3;
    spread_[j] = std::max(spread_count[j] > 1 ? std::sqrt(spread_[j] / (spread_count[j] - 1)) : 0.0, floor);
  }

  // Signatures: each candidate's leak opened in each nominal state of the last training day, in parallel.
  const auto started = std::chrono::steady_clock::now();
  const std::size_t nsnap = snapshots_.size(), nc = candidates_.size();
  for (const auto& snap : snapshots_)
    if (!snap) throw std::logic_error("leak detector: a nominal state of the last training day is missing");
  std::vector<std::vector<double>> base_values(nsnap);
  signature_.assign(nsnap, std::vector<std::vector<double>>(nc, std::vector<double>(n, 0.0)));
  signature_flow_.assign(nsnap, std::vector<double>(nc, 0.0));
  const double area = std::numbers::pi * settings_.signature_diameter_m * settings_.signature_diameter_m / 4.0;
  // Each signature is the mean change over a window from the snapshot on (tank levels integrate the outflow).
  for (std::size_t s = 0; s < nsnap; ++s) {
    HydraulicRun base(*snapshots_[s]);
    base_values[s] = window_means(base);
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nsnap * nc), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t idx = r.begin(); idx != r.end(); ++idx) {
      const std::size_t s = idx / nc, c = idx % nc;
      HydraulicRun what_if(*snapshots_[s]);
      what_if.set_leak_area(static_cast<int>(c), area);
      std::vector<double> m;
      try {
        what_if.solve();
        signature_flow_[s][c] = what_if.leak_flow_m3s(static_cast<int>(c));
        m = window_means(what_if);
      } catch (const std::runtime_error&) {
        signature_flow_[s][c] = 0.0;
        continue;  // a candidate the model cannot open: no signature, never chosen
      }
      for (std::size_t j = 0; j < n; ++j) signature_[s][c][j] = (m[j] - base_values[s][j]) / spread_[j];
    }
  });
  signature_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  direction_.assign(nsnap, std::vector<double>(n, 0.0));
  for (std::size_t s = 0; s < nsnap; ++s) {
    for (std::size_t c = 0; c < nc; ++c) {
      double norm = 0.0;
      for (double u : signature_[s][c]) norm += u * u;
      if (norm <= 0.0) continue;
      norm = std::sqrt(norm);
      for (std::size_t j = 0; j < n; ++j) direction_[s][j] += signature_[s][c][j] / norm;
    }
    double norm = 0.0;
    for (double d : direction_[s]) norm += d * d;
    if (norm > 0.0)
      for (double& d : direction_[s]) d /= std::sqrt(norm);
  }
  // The combined statistic's spread over training.
  double ss = 0.0;
  int m = 0;
  for (std::size_t w = 0; w < training_means_.size(); ++w) {
    const auto& base = baseline_[static_cast<std::size_t>(slot_of(training_ends_[w]))];
    const auto& dir = direction_[static_cast<std::size_t>(snapshot_of(training_ends_[w] - settings_.window_s / 2))];
    double g = 0.0;
    for (std::size_t j = 0; j < n; ++j)
      if (!std::isnan(training_means_[w][j])) g += dir[j] * (training_means_[w][j] - base[j]) / spread_[j];
    ss += g * g;
    ++m;
  }
  statistic_sd_ = std::max(m > 1 ? std::sqrt(ss / (m - 1)) : 1.0, 1e-6);
  snapshots_.clear();
  training_means_.clear();
  training_ends_.clear();
  trained_ = true;
}

std::vector<double> LeakDetector::window_means(HydraulicRun& run) const {
  // `run` is solved at the window's start.
  const std::size_t n = judged_.size();
  std::vector<double> m(n, 0.0);
  int steps = 0;
  const std::int64_t until = run.time_s() + settings_.window_s;
  while (run.time_s() < until) {
    if (steps > 0) run.solve();
    for (std::size_t j = 0; j < n; ++j) m[j] += true_value(run, sensors_[static_cast<std::size_t>(judged_[j])]);
    ++steps;
    if (run.advance() == 0) break;
  }
  for (double& v : m) v /= steps;
  return m;
}

LeakAlert LeakDetector::locate(std::size_t first, std::size_t last) {
  const std::size_t nc = candidates_.size(), n = judged_.size();
  std::vector<double> score(nc, 0.0), alpha(nc, 0.0), flow(nc, 0.0);
  // The windows located over: the last ones since the change began whose starting state is kept.
  std::vector<std::pair<std::size_t, const HydraulicRun*>> used;
  for (const auto& [w, state] : recent_)
    if (w >= first && w <= last) used.emplace_back(w, state.get());
  if (used.empty()) {
    LeakAlert none;
    none.raised_s = windows_[last].end_s;
    return none;
  }
  std::vector<std::vector<double>> base(used.size());
  for (std::size_t u = 0; u < used.size(); ++u) {
    HydraulicRun b(*used[u].second);
    base[u] = window_means(b);
  }
  double zz = 0.0;
  for (const auto& [w, state] : used)
    for (double z : windows_[w].z)
      if (!std::isnan(z)) zz += z * z;
  const double area = std::numbers::pi * settings_.signature_diameter_m * settings_.signature_diameter_m / 4.0;
  std::vector<double> open_area(nc, 0.0);  // estimates already in the model: a signature adds to them
  for (const Absorbed& a : absorbed_) open_area[static_cast<std::size_t>(a.site)] = a.area_m2;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nc), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t c = r.begin(); c != r.end(); ++c) {
      double num = 0.0, den = 0.0, q = 0.0;
      bool usable = true;
      for (std::size_t u = 0; u < used.size() && usable; ++u) {
        HydraulicRun what_if(*used[u].second);
        what_if.set_leak_area(static_cast<int>(c), open_area[c] + area);
        std::vector<double> m;
        try {
          what_if.solve();
          q += what_if.leak_flow_m3s(static_cast<int>(c));
          m = window_means(what_if);
        } catch (const std::runtime_error&) {
          usable = false;
          break;
        }
        const auto& z = windows_[used[u].first].z;
        for (std::size_t j = 0; j < n; ++j) {
          if (std::isnan(z[j])) continue;
          const double sig = (m[j] - base[u][j]) / spread_[j];
          num += z[j] * sig;
          den += sig * sig;
        }
      }
      if (!usable || num <= 0.0 || den <= 0.0) continue;
      score[c] = num * num / den;
      alpha[c] = num / den;
      flow[c] = q / static_cast<double>(used.size());
    }
  });
  std::vector<std::size_t> order(nc);
  for (std::size_t c = 0; c < nc; ++c) order[c] = c;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  LeakAlert alert;
  alert.raised_s = windows_[last].end_s;
  alert.start_s = windows_[first].end_s - settings_.window_s;
  if (nc == 0 || score[order[0]] <= 0.0) return alert;
  const std::size_t best = order[0];
  alert.pipe = candidates_[best];
  alert.fit = zz > 0.0 ? score[best] / zz : 0.0;
  alert.flow_m3s = alpha[best] * flow[best];
  alert.diameter_m = settings_.signature_diameter_m * std::sqrt(alpha[best]);  // outflow grows with the area
  for (std::size_t i = 0; i < std::min(settings_.ranking, nc) && score[order[i]] > 0.0; ++i)
    alert.ranking.emplace_back(candidates_[order[i]], zz > 0.0 ? score[order[i]] / zz : 0.0);
  return alert;
}

}  // namespace citytwin::models::water
