// Tests of simulated time: integer microseconds, conversions and arithmetic.
#include "sim/Time.hpp"

#include <doctest/doctest.h>

using citytwin::sim::Time;

TEST_CASE("a time built from microseconds keeps its exact count") {
  CHECK(Time::us(0).count_us() == 0);
  CHECK(Time::us(123456789012345).count_us() == 123456789012345);
  CHECK(Time::us(-7).count_us() == -7);
  CHECK(Time{}.count_us() == 0);
}

TEST_CASE("seconds, minutes, hours and days round to the nearest microsecond") {
  CHECK(Time::seconds(1.0).count_us() == 1'000'000);
  CHECK(Time::seconds(0.0000014).count_us() == 1);
  CHECK(Time::seconds(0.0000016).count_us() == 2);
  CHECK(Time::seconds(-0.0000016).count_us() == -2);
  CHECK(Time::seconds(-1.5).count_us() == -1'500'000);
  CHECK(Time::minutes(1.5).count_us() == 90'000'000);
  CHECK(Time::hours(2).count_us() == 7'200'000'000);
  CHECK(Time::days(1).count_us() == 86'400'000'000);
  // 0.1 s is not exact in binary; rounding still gives exactly 100000 us.
  CHECK(Time::seconds(0.1).count_us() == 100'000);
}

TEST_CASE("adding many small delays never drifts") {
  Time t;
  for (int i = 0; i < 1'000'000; ++i) t += Time::seconds(0.1);
  CHECK(t == Time::seconds(100'000.0));
}

TEST_CASE("times compare and combine as integers") {
  CHECK(Time::us(1) < Time::us(2));
  CHECK(Time::us(2) == Time::us(2));
  CHECK(Time::us(3) >= Time::us(2));
  CHECK((Time::us(5) + Time::us(7)).count_us() == 12);
  CHECK((Time::us(5) - Time::us(7)).count_us() == -2);
  CHECK((Time::us(5) * 3).count_us() == 15);
  Time t = Time::us(10);
  t -= Time::us(4);
  CHECK(t.count_us() == 6);
  CHECK(Time::max() > Time::days(365.0 * 200'000));
  CHECK(Time::seconds(2.5).to_seconds() == doctest::Approx(2.5));
}

TEST_CASE("time arithmetic is usable in constant expressions") {
  constexpr Time t = Time::minutes(1) + Time::seconds(0.5);
  static_assert(t.count_us() == 60'500'000);
  CHECK(t.count_us() == 60'500'000);
}
