// Tests of sound propagation: the speed of sound, spreading and absorption, hearing odds, onset timing.
#include "models/sensors/Acoustics.hpp"

#include <doctest/doctest.h>

#include <cmath>

#include "sim/Statistics.hpp"

using namespace citytwin;
using models::AcousticParams;

TEST_CASE("the speed of sound follows the temperature of the air") {
  CHECK(AcousticParams::speed_of_sound_m_per_s(0.0) == doctest::Approx(331.3));
  CHECK(AcousticParams::speed_of_sound_m_per_s(20.0) == doctest::Approx(343.21).epsilon(1e-4));
  CHECK(AcousticParams::speed_of_sound_m_per_s(-10.0) == doctest::Approx(325.2).epsilon(1e-3));
  AcousticParams a;
  a.air_temperature_c = 15;
  a.temperature_daily_range_c = 10;
  CHECK(a.temperature_at(15 * 3600.0) == doctest::Approx(20.0));
  CHECK(a.temperature_at(3 * 3600.0 + 86400.0) == doctest::Approx(10.0));
}

TEST_CASE("the free-field level falls 6 dB per doubling of distance, plus absorption") {
  AcousticParams a;
  a.absorption_db_per_m = 0.0045;
  CHECK(a.free_field_db(150, 100) == doctest::Approx(150 - 40 - 0.45));
  CHECK(a.free_field_db(150, 200) - a.free_field_db(150, 400) == doctest::Approx(20 * std::log10(2.0) + 0.9));
  CHECK(a.free_field_db(150, 0.2) == a.free_field_db(150, 1.0));
  double r = a.nominal_range_m(150, 80);
  CHECK(a.free_field_db(150, r) - a.excess_attenuation_db == doctest::Approx(80.0).epsilon(1e-9));
}

TEST_CASE("the hearing odds of a microphone agree with draws of its propagation") {
  AcousticParams a;
  for (double d : {150.0, 400.0, 700.0, 1100.0}) {
    sim::RandomStream rng(3, 0, static_cast<std::uint32_t>(d), "hear");
    const int n = 20000;
    int heard = 0;
    sim::RunningStats delay;
    for (int k = 0; k < n; ++k) {
      models::Hearing h = models::hear(a, 150, d, 0.0, 80, rng);
      heard += h.heard;
      delay.add(h.delay_s);
    }
    double p = a.hearing_probability(150, d, 80);
    double se = std::sqrt(p * (1 - p) / n) + 1e-4;
    MESSAGE(d << " m: heard " << heard / double(n) << ", expected " << p);
    CHECK(std::abs(heard / double(n) - p) < 4 * se);
    // Mean delay: the direct path, plus the mean echo delay when blocked.
    double blocked = 1 - std::exp(-d / a.nlos_distance_m);
    double expected = d / AcousticParams::speed_of_sound_m_per_s(a.air_temperature_c) + blocked * 0.025;
    CHECK(std::abs(delay.mean() - expected) < 4 * delay.stddev() / std::sqrt(double(n)));
  }
}

TEST_CASE("with no obstacles and no spread, a microphone hears exactly within its range") {
  AcousticParams a;
  a.excess_attenuation_sd_db = 0;
  a.nlos_distance_m = 0;
  double r = a.nominal_range_m(150, 80);
  CHECK(a.hearing_probability(150, r * 0.99, 80) == 1.0);
  CHECK(a.hearing_probability(150, r * 1.01, 80) == 0.0);
}
