// Acoustic propagation of impulses to microphones.
#include "models/sensors/Acoustics.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace citytwin::models {
namespace {

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

}  // namespace

double AcousticParams::speed_of_sound_m_per_s(double celsius) { return 331.3 * std::sqrt(1.0 + celsius / 273.15); }

double AcousticParams::temperature_at(double t_s) const {
  double hour = std::fmod(t_s / 3600.0, 24.0);
  return air_temperature_c + 0.5 * temperature_daily_range_c * std::cos(2.0 * std::numbers::pi * (hour - 15.0) / 24.0);
}

double AcousticParams::free_field_db(double source_db, double distance_m) const {
  double d = std::max(distance_m, 1.0);
  return source_db - 20.0 * std::log10(d) - absorption_db_per_m * d;
}

double AcousticParams::hearing_probability(double source_db, double distance_m, double threshold_db) const {
  // A ~ N(mean, sd) clipped at zero: P(free - A >= threshold) = P(A <= free - threshold).
  auto clear = [&](double extra_db) {
    double margin = free_field_db(source_db, distance_m) - extra_db - threshold_db;
    if (margin < 0) return 0.0;
    if (excess_attenuation_sd_db <= 0) return margin >= excess_attenuation_db ? 1.0 : 0.0;
    return normal_cdf((margin - excess_attenuation_db) / excess_attenuation_sd_db);
  };
  double blocked = nlos_distance_m > 0 ? 1.0 - std::exp(-distance_m / nlos_distance_m) : 0.0;
  return (1.0 - blocked) * clear(0.0) + blocked * clear(nlos_attenuation_db);
}

double AcousticParams::nominal_range_m(double source_db, double threshold_db) const {
  // The free-field level falls monotonically with distance: bisection for free - mean excess = threshold.
  double lo = 1.0, hi = 1e5;
  if (free_field_db(source_db, lo) - excess_attenuation_db < threshold_db) return 0.0;
  for (int k = 0; k < 100; ++k) {
    double mid = std::sqrt(lo * hi);
    (free_field_db(source_db, mid) - excess_attenuation_db >= threshold_db ? lo : hi) = mid;
  }
  return lo;
}

Hearing hear(const AcousticParams& a, double source_db, double distance_m, double t_s, double threshold_db,
             sim::RandomStream& rng) {
  // Every draw is made whether or not it is heard, so that one microphone's fate never shifts another's.
  Hearing h;
  double excess = std::max(0.0, rng.normal(a.excess_attenuation_db, a.excess_attenuation_sd_db));
  double blocked_u = rng.uniform();
  double jitter = rng.normal(0.0, a.timing_jitter_s);
  double extra_delay = a.nlos_delay.sample_s(rng);
  h.blocked = a.nlos_distance_m > 0 && blocked_u < 1.0 - std::exp(-distance_m / a.nlos_distance_m);
  h.level_db = a.free_field_db(source_db, distance_m) - excess - (h.blocked ? a.nlos_attenuation_db : 0.0);
  h.heard = h.level_db >= threshold_db;
  double c = AcousticParams::speed_of_sound_m_per_s(a.temperature_at(t_s));
  h.delay_s = distance_m / c + jitter + (h.blocked ? extra_delay : 0.0);
  return h;
}

}  // namespace citytwin::models
