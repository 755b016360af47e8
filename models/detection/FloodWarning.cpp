// Flood warnings from level readings: a forecast per gauge, a warning while a crossing is near.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <variant>

#include "models/detection/FloodWarning.hpp"

namespace citytwin::detection {

namespace {
constexpr double US = 1.0e-6;  // s per µs
}

const char* to_string(LevelForecast f) {
  switch (f) {
    case LevelForecast::NONE: return "none";
    case LevelForecast::RATE_OF_RISE: return "rate_of_rise";
    case LevelForecast::KALMAN: return "kalman";
  }
  return "?";
}

FloodWarningCore::FloodWarningCore(std::vector<Gauge> gauges, FloodWarningSettings settings)
    : gauges_(std::move(gauges)), settings_(settings), states_(gauges_.size()) {
  const FloodWarningSettings& s = settings_;
  if (s.horizon_us <= 0) throw std::invalid_argument("flood warning: the horizon must be positive");
  if (s.forecast == LevelForecast::RATE_OF_RISE && s.rate_window_us <= 0)
    throw std::invalid_argument("flood warning: the rate-of-rise window must be positive");
  if (s.forecast == LevelForecast::KALMAN && !(s.acceleration_sd_m_per_s2 > 0.0 && s.noise_sd_m > 0.0))
    throw std::invalid_argument("flood warning: the Kalman filter needs a positive acceleration and noise deviation");
  if (!(s.clear_fraction > 0.0 && s.clear_fraction <= 1.0) || s.clear_after_us < 0 || !(s.min_rise_m_per_s >= 0.0))
    throw std::invalid_argument(
        "flood warning: the clearing share must lie in (0, 1], the clearing delay and the "
        "least rise must not be negative");
  for (const Gauge& g : gauges_)
    if (!(g.overflow_m > s.min_level_m && g.overflow_m <= s.max_level_m))
      throw std::invalid_argument("flood warning: gauge '" + g.id + "' overflows at " + std::to_string(g.overflow_m) +
                                  " m, outside the levels a gauge can read (" + std::to_string(s.min_level_m) + " to " +
                                  std::to_string(s.max_level_m) + " m)");
}

void FloodWarningCore::update_kalman(GaugeState& g, double z, std::int64_t t_us) const {
  const double r = settings_.noise_sd_m * settings_.noise_sd_m;
  if (g.last_us < 0) {
    // The first reading fixes the level; the rise is unknown within what ten minutes of acceleration can build.
    const double v0 = settings_.acceleration_sd_m_per_s2 * 600.0;
    g.level_m = z;
    g.rise_m_per_s = 0.0;
    g.p[0] = r, g.p[1] = g.p[2] = 0.0, g.p[3] = v0 * v0;
    return;
  }
  // Predict over dt with the discrete white-noise acceleration model, Q = σa² [dt⁴/4 dt³/2; dt³/2 dt²].
  const double dt = static_cast<double>(t_us - g.last_us) * US, qa = settings_.acceleration_sd_m_per_s2;
  const double q = qa * qa, dt2 = dt * dt;
  double h = g.level_m + dt * g.rise_m_per_s, v = g.rise_m_per_s;
  const double p00 = g.p[0] + dt * (g.p[1] + g.p[2]) + dt2 * g.p[3] + q * dt2 * dt2 / 4.0;
  const double p01 = g.p[1] + dt * g.p[3] + q * dt2 * dt / 2.0;
  const double p11 = g.p[3] + q * dt2;
  // Update with the reading.
  const double sigma = p00 + r, k0 = p00 / sigma, k1 = p01 / sigma, innovation = z - h;
  h += k0 * innovation;
  v += k1 * innovation;
  g.level_m = h;
  g.rise_m_per_s = v;
  g.p[0] = (1.0 - k0) * p00;
  g.p[1] = g.p[2] = (1.0 - k0) * p01;
  g.p[3] = p11 - k1 * p01;
}

void FloodWarningCore::update_rate(GaugeState& g, double z, std::int64_t t_us) const {
  g.recent.emplace_back(t_us, z);
  std::erase_if(g.recent, [&](const auto& e) { return e.first <= t_us - settings_.rate_window_us; });
  // Least squares over the window, times from the latest reading; the level is the fitted line's value now.
  const auto n = static_cast<double>(g.recent.size());
  double st = 0.0, sz = 0.0;
  for (const auto& [t, v] : g.recent) st += static_cast<double>(t - t_us) * US, sz += v;
  const double tm = st / n, zm = sz / n;
  double stt = 0.0, stz = 0.0;
  for (const auto& [t, v] : g.recent) {
    const double dt = static_cast<double>(t - t_us) * US - tm;
    stt += dt * dt, stz += dt * (v - zm);
  }
  g.rise_m_per_s = stt > 0.0 ? stz / stt : 0.0;
  g.level_m = stt > 0.0 ? zm - g.rise_m_per_s * tm : z;
}

std::vector<FloodWarningEvent> FloodWarningCore::consume(const Reading& r) {
  std::vector<FloodWarningEvent> out;
  const auto* m = std::get_if<Measurement>(&r.payload);
  if (r.sensor >= gauges_.size() || !m || !std::isfinite(m->value) || m->value < settings_.min_level_m ||
      m->value > settings_.max_level_m || r.time_us <= states_[r.sensor].last_us) {
    ++rejected_;
    return out;
  }
  GaugeState& g = states_[r.sensor];
  const Gauge& gauge = gauges_[r.sensor];
  const double z = m->value;
  // After a long silence the forecast starts afresh; a standing warning stays.
  if (g.last_us >= 0 && r.time_us - g.last_us > settings_.restart_after_us) {
    g.last_us = -1;
    g.recent.clear();
  }
  // Level and rise as the forecast sees them.
  switch (settings_.forecast) {
    case LevelForecast::NONE: g.level_m = z, g.rise_m_per_s = 0.0; break;
    case LevelForecast::RATE_OF_RISE: update_rate(g, z, r.time_us); break;
    case LevelForecast::KALMAN: update_kalman(g, z, r.time_us); break;
  }
  g.last_us = r.time_us;
  // Over now, or on course to be within the horizon.
  const bool over = z >= gauge.overflow_m;
  const double ahead = forecast_m(r.sensor, settings_.horizon_us);
  const bool coming = settings_.forecast != LevelForecast::NONE && g.rise_m_per_s >= settings_.min_rise_m_per_s &&
                      ahead >= gauge.overflow_m;
  if (over || coming) {
    g.last_warned_us = r.time_us;
    if (g.open == 0) {
      FloodWarning w;
      w.id = warnings_.size() + 1;
      w.gauge = r.sensor;
      w.raised_us = r.time_us;
      w.level_m = g.level_m;
      w.rise_m_per_s = g.rise_m_per_s;
      w.forecast = !over;
      w.expected_overflow_us = over ? r.time_us : expected_overflow_us(r.sensor);
      warnings_.push_back(w);
      g.open = w.id;
      out.push_back({FloodWarningEvent::Kind::RAISED, w});
    }
    return out;
  }
  // A standing warning clears once the water is well down and has stayed so.
  const double low = settings_.clear_fraction * gauge.overflow_m;
  if (g.open != 0 && z < low && g.level_m < low && ahead < low &&
      r.time_us - g.last_warned_us >= settings_.clear_after_us) {
    FloodWarning& w = warnings_[g.open - 1];
    w.cleared_us = r.time_us;
    g.open = 0;
    out.push_back({FloodWarningEvent::Kind::CLEARED, w});
  }
  return out;
}

double FloodWarningCore::forecast_m(std::uint32_t gauge, std::int64_t ahead_us) const {
  const GaugeState& g = states_.at(gauge);
  return g.level_m + g.rise_m_per_s * static_cast<double>(ahead_us) * US;
}

std::int64_t FloodWarningCore::expected_overflow_us(std::uint32_t gauge) const {
  const GaugeState& g = states_.at(gauge);
  const double overflow = gauges_.at(gauge).overflow_m;
  if (g.last_us < 0) return -1;
  if (g.level_m >= overflow) return g.last_us;
  if (!(g.rise_m_per_s > 0.0)) return -1;
  return g.last_us + static_cast<std::int64_t>(std::llround((overflow - g.level_m) / g.rise_m_per_s / US));
}

}  // namespace citytwin::detection
