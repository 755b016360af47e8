// The flood-warning core: its Kalman filter against the alpha-beta filter's theory, warnings ahead of a steady rise
// for each forecast, no warnings from noise, clearing and warning again, and readings it refuses.
#include "models/detection/FloodWarning.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <stdexcept>

using namespace citytwin::detection;

namespace {

constexpr std::int64_t MINUTE = 60'000'000;

Reading level(std::uint32_t gauge, std::int64_t t_us, double m) { return {gauge, t_us, Measurement{m}, 0}; }

// The first warning a steady rise gets: from 0.2 m at 2 cm a minute, read every minute, to an overflow at 1 m
// (reached at 40 minutes).
FloodWarning first_warning(LevelForecast forecast) {
  FloodWarningSettings s;
  s.forecast = forecast;
  FloodWarningCore core({{"G1", 1.0, 0.0, 0.0}}, s);
  for (int k = 0; k <= 60; ++k)
    for (const FloodWarningEvent& e : core.consume(level(0, k * MINUTE, 0.2 + 0.02 * k)))
      if (e.kind == FloodWarningEvent::Kind::RAISED) return e.warning;
  return {};
}

}  // namespace

TEST_CASE("the Kalman filter settles on the alpha-beta gains Kalata's tracking index gives") {
  // Discrete white-noise acceleration: the steady gains satisfy beta = 2(2 - alpha) - 4 sqrt(1 - alpha) and
  // lambda^2 = beta^2 / (1 - alpha), lambda = sigma_a T^2 / sigma_v (Kalata, 1984; Bar-Shalom, Li and Kirubarajan).
  for (double sigma_a : {1.0e-6, 2.0e-5, 1.0e-4}) {
    CAPTURE(sigma_a);
    FloodWarningSettings s;
    s.acceleration_sd_m_per_s2 = sigma_a;
    s.noise_sd_m = 0.01;
    FloodWarningCore core({{"G1", 5.0, 0.0, 0.0}}, s);
    for (int k = 0; k < 2000; ++k) core.consume(level(0, k * MINUTE, 0.3));
    const double r = s.noise_sd_m * s.noise_sd_m, dt = 60.0;
    const GaugeState& g = core.state(0);
    const double alpha = g.p[0] / r, beta = g.p[1] / r * dt;  // posterior P = K R
    const double lambda = sigma_a * dt * dt / s.noise_sd_m;
    CHECK(beta == doctest::Approx(2.0 * (2.0 - alpha) - 4.0 * std::sqrt(1.0 - alpha)).epsilon(1e-6));
    CHECK(lambda * lambda == doctest::Approx(beta * beta / (1.0 - alpha)).epsilon(1e-6));
  }
}

TEST_CASE("a steady rise is warned of a horizon before it overflows, by either forecast; without one, at overflow") {
  const FloodWarning rate = first_warning(LevelForecast::RATE_OF_RISE);
  REQUIRE(rate.id == 1);
  // Level + 15 minutes of rise reaches 1 m at 25 minutes; the slope is exact from the second reading.
  CHECK(rate.raised_us >= 25 * MINUTE);
  CHECK(rate.raised_us <= 26 * MINUTE);
  CHECK(rate.forecast);
  CHECK(std::abs(rate.expected_overflow_us - 40 * MINUTE) <= MINUTE);
  CHECK(rate.rise_m_per_s == doctest::Approx(0.02 / 60));

  const FloodWarning kalman = first_warning(LevelForecast::KALMAN);
  REQUIRE(kalman.id == 1);
  // The filter learns the rise over a few readings: a little later, never after the overflow.
  CHECK(kalman.raised_us >= 25 * MINUTE);
  CHECK(kalman.raised_us <= 30 * MINUTE);
  CHECK(std::abs(kalman.expected_overflow_us - 40 * MINUTE) <= 2 * MINUTE);

  const FloodWarning none = first_warning(LevelForecast::NONE);
  CHECK(none.raised_us == 40 * MINUTE);
  CHECK_FALSE(none.forecast);
  CHECK(none.expected_overflow_us == 40 * MINUTE);
}

TEST_CASE("a month of a gauge's noise at half its overflow level raises no warning") {
  for (LevelForecast f : {LevelForecast::RATE_OF_RISE, LevelForecast::KALMAN}) {
    CAPTURE(std::string(to_string(f)));
    FloodWarningSettings s;
    s.forecast = f;
    FloodWarningCore core({{"G1", 1.0, 0.0, 0.0}}, s);
    std::mt19937_64 gen(11);
    std::normal_distribution<double> noise(0.0, 0.01);
    for (int k = 0; k < 30 * 24 * 60; ++k) core.consume(level(0, k * MINUTE, 0.5 + noise(gen)));
    CHECK(core.warnings().empty());
    CHECK(core.rejected() == 0);
  }
}

TEST_CASE("a warning clears when the water is well down and has stayed down, and the next flood gets a new one") {
  FloodWarningSettings s;
  s.forecast = LevelForecast::RATE_OF_RISE;
  FloodWarningCore core({{"G1", 1.0, 0.0, 0.0}}, s);
  std::vector<FloodWarningEvent> events;
  auto feed = [&](std::int64_t t, double m) {
    for (FloodWarningEvent& e : core.consume(level(0, t, m))) events.push_back(e);
  };
  // Up to 1.2 m in an hour, down to 0.3 m in the next, calm for an hour, then up again.
  std::int64_t t = 0;
  for (int k = 0; k <= 60; ++k) feed(t += MINUTE, 0.2 + k / 60.0);
  for (int k = 0; k <= 60; ++k) feed(t += MINUTE, 1.2 - 0.9 * k / 60.0);
  for (int k = 0; k < 60; ++k) feed(t += MINUTE, 0.3);
  for (int k = 0; k <= 60; ++k) feed(t += MINUTE, 0.3 + k / 60.0);
  REQUIRE(events.size() == 3);
  CHECK(events[0].kind == FloodWarningEvent::Kind::RAISED);
  CHECK(events[1].kind == FloodWarningEvent::Kind::CLEARED);
  CHECK(events[1].warning.id == 1);
  // Last over 1 m at 75 minutes (1.005 m), below 0.9 m since 82: cleared 30 minutes after the last warning reading.
  CHECK(events[1].warning.cleared_us == 105 * MINUTE);
  CHECK(events[2].kind == FloodWarningEvent::Kind::RAISED);
  CHECK(events[2].warning.id == 2);
  CHECK(core.warnings().size() == 2);
  CHECK(core.warnings()[0].cleared_us == events[1].warning.cleared_us);
}

TEST_CASE("after a long silence the forecast starts afresh: a rise learnt before a dry spell warns of nothing after it") {
  FloodWarningSettings s;
  s.forecast = LevelForecast::KALMAN;
  FloodWarningCore core({{"G1", 1.0, 0.0, 0.0}}, s);
  // A rise of 1 cm a minute to 0.5 m, then nothing for two days, then the level as it was.
  for (int k = 0; k <= 30; ++k) core.consume(level(0, k * MINUTE, 0.2 + 0.01 * k));
  CHECK(core.state(0).rise_m_per_s > 0.005 / 60);
  const std::int64_t later = 30 * MINUTE + 2 * 86400LL * 1'000'000;
  CHECK(core.consume(level(0, later, 0.5)).empty());
  CHECK(core.state(0).rise_m_per_s == 0.0);
  CHECK(core.forecast_m(0, s.horizon_us) == doctest::Approx(0.5));
}

TEST_CASE("readings of unknown gauges, other payloads, impossible or out-of-order levels are refused and counted") {
  FloodWarningCore core({{"G1", 1.0, 0.0, 0.0}});
  CHECK(core.consume(level(1, MINUTE, 0.5)).empty());
  CHECK(core.consume({0, MINUTE, Press{}, 0}).empty());
  CHECK(core.consume(level(0, MINUTE, std::nan(""))).empty());
  CHECK(core.consume(level(0, MINUTE, 80.0)).empty());  // beyond what a gauge reads
  CHECK(core.rejected() == 4);
  core.consume(level(0, 2 * MINUTE, 0.5));
  core.consume(level(0, MINUTE, 1.5));  // older than the last: not taken
  CHECK(core.rejected() == 5);
  CHECK(core.warnings().empty());
  CHECK(core.state(0).last_us == 2 * MINUTE);
}

TEST_CASE("settings and gauges that cannot work are refused with what is wrong") {
  FloodWarningSettings s;
  s.horizon_us = 0;
  CHECK_THROWS_WITH_AS(FloodWarningCore({{"G1", 1.0, 0.0, 0.0}}, s), "flood warning: the horizon must be positive",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(FloodWarningCore({{"G7", 60.0, 0.0, 0.0}}),
                       doctest::Contains("gauge 'G7' overflows at 60.000000 m, outside the levels a gauge can read"),
                       std::invalid_argument);
}
