// Gunfire from microphone impulses: group, keep each microphone's first arrival, classify, locate.
#include "models/detection/GunfireLocator.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace citytwin::detection {

GunfireLocator::GunfireLocator(GunfireSettings settings) : settings_(settings) {}

bool GunfireLocator::add(const Reading& r, const Impulse& impulse, const SensorInfo& sensor) {
  ++counts_.impulses;
  if (r.time_us <= closed_until_us_) {
    ++counts_.late;
    return false;
  }
  Pending p{r.time_us, r.sensor, r.id, sensor.x_m, sensor.y_m, sensor.range_m, impulse.gunfire_logit, impulse.level_db};
  auto key = [](const Pending& a) { return std::tie(a.onset_us, a.sensor, a.id); };
  auto at = std::upper_bound(pending_.begin(), pending_.end(), p,
                             [&](const Pending& a, const Pending& b) { return key(a) < key(b); });
  pending_.insert(at, p);
  return true;
}

std::int64_t GunfireLocator::next_deadline_us() const {
  if (pending_.empty()) return std::numeric_limits<std::int64_t>::max();
  return pending_.front().onset_us + settings_.group_window_us + settings_.allowed_lateness_us;
}

std::vector<GunfireCandidate> GunfireLocator::advance(std::int64_t now_us) {
  std::vector<GunfireCandidate> out;
  while (!pending_.empty() && next_deadline_us() <= now_us) {
    // The group: every onset within the window of the earliest.
    std::int64_t end = pending_.front().onset_us + settings_.group_window_us;
    auto last = std::upper_bound(pending_.begin(), pending_.end(), end,
                                 [](std::int64_t t, const Pending& p) { return t < p.onset_us; });
    std::vector<Pending> group(pending_.begin(), last);
    pending_.erase(pending_.begin(), last);
    closed_until_us_ = std::max(closed_until_us_, end);
    for (auto& c : close_group(std::move(group))) out.push_back(std::move(c));
  }
  return out;
}

std::vector<GunfireCandidate> GunfireLocator::close_group(std::vector<Pending> group) {
  ++counts_.incidents;
  // Each microphone's first arrival; later ones are further rounds or echoes, kept only as evidence.
  std::vector<const Pending*> first;
  for (const Pending& p : group) {
    bool seen = std::any_of(first.begin(), first.end(), [&](const Pending* q) { return q->sensor == p.sensor; });
    if (!seen) first.push_back(&p);
  }
  if (first.size() < std::max<std::uint32_t>(settings_.min_microphones, 1)) {
    ++counts_.too_few;
    return {};
  }
  // Classification: the mean of the microphones' log-odds.
  double logit = 0.0;
  for (const Pending* p : first) logit += p->logit;
  logit /= static_cast<double>(first.size());
  if (logit < settings_.logit_threshold) {
    ++counts_.dismissed;
    return {};
  }

  GunfireCandidate c;
  Alert& a = c.alert;
  a.cls = AlertClass::GUNFIRE;
  a.sensor = first.front()->sensor;
  a.first_reading_us = first.front()->onset_us;
  a.confidence = 1.0 / (1.0 + std::exp(-logit));
  a.sensors = static_cast<std::uint32_t>(first.size());
  for (const Pending& p : group) a.reading_ids.push_back(p.id);
  c.microphones = a.sensors;

  // Location: TDOA from the first arrivals, times relative to the first onset.
  TdoaFix fix;
  if (first.size() >= 3) {
    std::vector<Arrival> arrivals;
    for (const Pending* p : first)
      arrivals.push_back({p->x_m, p->y_m, static_cast<double>(p->onset_us - a.first_reading_us) * 1e-6});
    TdoaSettings s;
    s.speed_of_sound_m_per_s = settings_.speed_of_sound_m_per_s;
    s.timing_sigma_s = settings_.timing_sigma_s;
    s.outlier_sigma = settings_.outlier_sigma;
    s.max_range_m = settings_.max_range_m;
    // The levels heard tell the ranges apart: by spherical spreading and absorption, level + 20 log10(d)
    // + alpha d is the same at every microphone; the position where it varies least is the more plausible.
    const double alpha = settings_.absorption_db_per_m;
    s.implausibility = [&first, alpha](double x, double y, const std::vector<bool>& used) {
      double sum = 0.0, sum2 = 0.0, n = 0.0;
      for (std::size_t i = 0; i < first.size(); ++i) {
        if (!used[i]) continue;
        double d = std::max(1.0, std::hypot(first[i]->x_m - x, first[i]->y_m - y));
        double source = first[i]->level_db + 20.0 * std::log10(d) + alpha * d;
        sum += source;
        sum2 += source * source;
        n += 1.0;
      }
      return n > 0 ? sum2 / n - (sum / n) * (sum / n) : 0.0;
    };
    fix = locate_tdoa(arrivals, s);
  }
  if (fix.ok) {
    a.located = true;
    a.x_m = fix.x_m;
    a.y_m = fix.y_m;
    a.uncertainty_m = std::max(fix.radius95_m, 1.0);
    a.first_reading_us += static_cast<std::int64_t>(std::llround(fix.t0_s * 1e6));
    c.outliers = static_cast<std::uint32_t>(first.size() - fix.inliers);
  } else {
    // Without a fix: the centroid of the microphones, as uncertain as their hearing range.
    ++counts_.unlocated;
    double range = 0.0;
    for (const Pending* p : first) {
      a.x_m += p->x_m / static_cast<double>(first.size());
      a.y_m += p->y_m / static_cast<double>(first.size());
      range = std::max(range, p->range_m);
    }
    a.uncertainty_m = range;
  }
  return {c};
}

}  // namespace citytwin::detection
