// Tests of weekly profiles: normalised weights, the hour that holds a time, integrals.
#include "models/hazards/WeeklyProfile.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

using citytwin::models::WeeklyProfile;
using citytwin::sim::Time;

TEST_CASE("a profile's weights are scaled to a mean of one and looked up by hour and day") {
  std::vector<double> hourly(24, 1.0);
  hourly[18] = 25.0;  // 48 in all: mean 2
  std::vector<double> weekly = {1, 1, 1, 1, 1, 2, 0};  // mean 1
  WeeklyProfile p(hourly, weekly);
  CHECK(p.weight(Time::hours(18.5)) == doctest::Approx(12.5));
  CHECK(p.weight(Time::hours(3)) == doctest::Approx(0.5));
  CHECK(p.weight(Time::days(5) + Time::hours(18)) == doctest::Approx(25.0));  // Saturday evening
  CHECK(p.weight(Time::days(6) + Time::hours(18)) == 0.0);                    // Sunday
  CHECK(p.weight(Time::days(7) + Time::hours(3)) == doctest::Approx(0.5));    // Monday again
  CHECK(p.max_weight() == doctest::Approx(25.0));
}

TEST_CASE("a profile integrates to its span over whole weeks, and hour by hour within one") {
  std::vector<double> hourly(24);
  for (int h = 0; h < 24; ++h) hourly[static_cast<std::size_t>(h)] = 1.0 + h;
  WeeklyProfile p(hourly, {1, 2, 3, 4, 5, 6, 7});
  CHECK(p.integral_s(7 * 86400.0) == doctest::Approx(7 * 86400.0));
  CHECK(p.integral_s(21 * 86400.0) == doctest::Approx(21 * 86400.0));
  double by_hand = 0.0;
  for (int h = 0; h < 30; ++h) by_hand += p.weight(Time::hours(h)) * 3600.0;
  by_hand += p.weight(Time::hours(30)) * 1800.0;
  CHECK(p.integral_s(30.5 * 3600.0) == doctest::Approx(by_hand));
  CHECK(WeeklyProfile().integral_s(1234.5) == doctest::Approx(1234.5));
}

TEST_CASE("a profile needs 24 and 7 weights with a positive sum") {
  CHECK_THROWS_AS(WeeklyProfile(std::vector<double>(23, 1.0), std::vector<double>(7, 1.0)), std::invalid_argument);
  CHECK_THROWS_AS(WeeklyProfile(std::vector<double>(24, 0.0), std::vector<double>(7, 1.0)), std::invalid_argument);
}
