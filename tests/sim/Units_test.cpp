// Tests of the parsing of durations, distances, speeds and rates written with units.
#include "sim/Units.hpp"

#include <doctest/doctest.h>

#include <string>

using citytwin::sim::Json;
using citytwin::sim::Time;
namespace units = citytwin::sim::units;

namespace {

/// The message of the UnitError that parsing `v` with `parse` throws, or "" when it does not throw.
template <typename F>
std::string error_of(F parse, const Json& v) {
  try {
    parse(v);
  } catch (const units::UnitError& e) {
    return e.what();
  }
  return "";
}

std::string duration_error(const Json& v) { return error_of([](const Json& x) { return units::duration(x); }, v); }

}  // namespace

TEST_CASE("a duration is a number of seconds or a number with a unit") {
  CHECK(units::duration(90) == Time::seconds(90));
  CHECK(units::duration(1.5) == Time::us(1500000));
  CHECK(units::duration("90s") == Time::seconds(90));
  CHECK(units::duration("15min") == Time::minutes(15));
  CHECK(units::duration("15 min") == Time::minutes(15));
  CHECK(units::duration("2.5h") == Time::minutes(150));
  CHECK(units::duration("1d") == Time::days(1));
  CHECK(units::duration("1w") == Time::days(7));
  CHECK(units::duration("500ms") == Time::us(500000));
  CHECK(units::duration("250us") == Time::us(250));
  CHECK(units::duration(".5s") == Time::us(500000));
  CHECK(units::duration("1e3s") == Time::seconds(1000));
  CHECK(units::duration("0s") == Time());
}

TEST_CASE("a negative duration is refused with an example of the positive one") {
  CHECK(duration_error("-3min") == R"("-3min" is a negative duration; durations are zero or more, e.g. "3min")");
  CHECK(duration_error(-3) == "-3 is a negative duration; durations are zero or more, e.g. 3");
}

TEST_CASE("a duration with an unknown unit lists the units") {
  CHECK(duration_error("15 mins") ==
        R"("15 mins" is not a duration: use a number with one of the units us, ms, s, min, h, d, w, e.g. "15min")");
  CHECK(duration_error("2 hours") ==
        R"("2 hours" is not a duration: use a number with one of the units us, ms, s, min, h, d, w, e.g. "2h")");
  CHECK(duration_error("abc") ==
        R"("abc" is not a duration: use a number with one of the units us, ms, s, min, h, d, w, e.g. "15min")");
  CHECK(duration_error("90").find("e.g. \"90s\"") != std::string::npos);
  CHECK(duration_error(true).find("true is not a duration") == 0);
  CHECK(duration_error("nan s").find("is not a duration") != std::string::npos);
  CHECK(duration_error("3min extra").find("is not a duration") != std::string::npos);
}

TEST_CASE("a duration beyond the range of simulated time is refused") {
  CHECK(duration_error("1e300s").find("too long a duration") != std::string::npos);
  CHECK(duration_error("1e400s").find("too large a duration") != std::string::npos);
}

TEST_CASE("a distance is metres or kilometres") {
  CHECK(units::distance_m(300) == 300.0);
  CHECK(units::distance_m("300m") == 300.0);
  CHECK(units::distance_m("2.5km") == 2500.0);
  CHECK(units::distance_m("2.5 km") == 2500.0);
  CHECK(error_of(units::distance_m, "2.5 kms") ==
        R"("2.5 kms" is not a distance: use a number with one of the units m, km, e.g. "2.5km")");
  CHECK(error_of(units::distance_m, "-1km") ==
        R"("-1km" is a negative distance; distances are zero or more, e.g. "1km")");
}

TEST_CASE("a speed is metres per second or kilometres per hour") {
  CHECK(units::speed_m_per_s(8) == 8.0);
  CHECK(units::speed_m_per_s("8m/s") == 8.0);
  CHECK(units::speed_m_per_s("36km/h") == doctest::Approx(10.0));
  CHECK(error_of(units::speed_m_per_s, "30 mph") ==
        R"("30 mph" is not a speed: use a number with one of the units m/s, km/h, e.g. "30km/h")");
}

TEST_CASE("a rate is events per unit of time and a year is 365 days") {
  CHECK(units::rate_per_s(4) == 4.0);
  CHECK(units::rate_per_s("4/s") == 4.0);
  CHECK(units::rate_per_s("1/min") == doctest::Approx(1.0 / 60));
  CHECK(units::rate_per_s("0.5/h") == doctest::Approx(0.5 / 3600));
  CHECK(units::rate_per_s("3/day") == doctest::Approx(3.0 / 86400));
  CHECK(units::rate_per_s("3/d") == doctest::Approx(3.0 / 86400));
  CHECK(units::rate_per_s("2/week") == doctest::Approx(2.0 / (7 * 86400)));
  CHECK(units::rate_per_s("12/year") == doctest::Approx(12.0 / (365 * 86400)));
  CHECK(units::rate_per_s("12 / year") == doctest::Approx(12.0 / (365 * 86400)));
  CHECK(error_of(units::rate_per_s, "3 per day") ==
        R"("3 per day" is not a rate: use a number, "/" and one of the units s, min, h, d, day, w, week, y, year, e.g. "3/day")");
  CHECK(error_of(units::rate_per_s, "12/years").find("e.g. \"12/year\"") != std::string::npos);
  CHECK(error_of(units::rate_per_s, "-1/day").find("is a negative rate") != std::string::npos);
}
