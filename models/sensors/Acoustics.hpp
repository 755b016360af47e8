// Sound from an impulse (a gunshot, a firework) to the microphones: spreading, absorption, obstacles, timing.
#pragma once

#include <cstdint>

#include "sim/Distribution.hpp"
#include "sim/RandomStream.hpp"

namespace citytwin::models {

/// How an impulse's sound reaches a microphone (SI units, levels in dB re 20 µPa).
///
/// The peak level at distance d is L(d) = L_source(1 m) - 20 log10(d / 1 m) - alpha d - A, with spherical
/// spreading, atmospheric absorption alpha (ISO 9613-1: about 4.5 dB/km at 1 kHz, 15-20 °C, 50-70% humidity)
/// and an excess attenuation A from buildings and the ground, drawn per shot and microphone from a normal
/// law (never below zero). With probability 1 - exp(-d / nlos_distance) the direct path is blocked: the
/// sound arrives by a reflection or a diffraction, weaker by `nlos_attenuation_db` and later by a draw of
/// `nlos_delay`. The onset is stamped with the microphone's timing error (GPS clock and onset picking).
struct AcousticParams {
  double air_temperature_c = 18.0;      ///< mean air temperature
  double temperature_daily_range_c = 0.0;  ///< peak-to-trough of the daily cycle (warmest at 15:00)
  double absorption_db_per_m = 0.0045;
  double excess_attenuation_db = 10.0;  ///< mean of A
  double excess_attenuation_sd_db = 5.0;
  double nlos_distance_m = 400.0;
  double nlos_attenuation_db = 8.0;
  sim::Distribution nlos_delay = sim::Distribution::exponential(0.025);
  double timing_jitter_s = 0.001;       ///< standard deviation of a microphone's onset time error

  /// The speed of sound in dry air at `celsius`: 331.3 sqrt(1 + T / 273.15) m/s.
  static double speed_of_sound_m_per_s(double celsius);
  /// The air temperature at time t (seconds since Monday 00:00): the daily cycle about the mean.
  double temperature_at(double t_s) const;
  /// The mean level at distance d for a source of `source_db` at 1 m, before obstacles: spreading and
  /// absorption only (distances below 1 m count as 1 m).
  double free_field_db(double source_db, double distance_m) const;
  /// The probability that a microphone with detection threshold `threshold_db` hears an impulse of
  /// `source_db` at 1 m from `distance_m` away, over the excess attenuation and the blocked-path chance.
  double hearing_probability(double source_db, double distance_m, double threshold_db) const;
  /// The distance at which a source of `source_db` is heard half of the time by a clear path, metres.
  double nominal_range_m(double source_db, double threshold_db) const;
};

/// What one microphone made of one impulse.
struct Hearing {
  bool heard = false;
  double level_db = 0.0;   ///< peak level at the microphone
  double delay_s = 0.0;    ///< from emission to the stamped onset
  bool blocked = false;    ///< came by a reflected or diffracted path
};

/// Draws whether and when a microphone `distance_m` away hears an impulse emitted with `source_db` at 1 m
/// at time `t_s` (for the temperature).
Hearing hear(const AcousticParams& a, double source_db, double distance_m, double t_s, double threshold_db,
             sim::RandomStream& rng);

}  // namespace citytwin::models
