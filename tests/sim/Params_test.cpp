// Tests of typed access to scenario sections.
#include "sim/Params.hpp"

#include <doctest/doctest.h>

#include "sim/Scenario.hpp"

using namespace citytwin::sim;

TEST_CASE("parameters are read in SI units") {
  Json j = Json::parse(R"({"n": 3, "x": 2.5, "on": true, "name": "a", "d": "15min", "l": "2.5km", "v": "36km/h",
                           "r": "12/h", "p": [1, 2, 3], "pt": ["1km", 200], "pts": [[0, 0], ["1km", "1km"]],
                           "dist": {"dist": "exponential", "mean": "2min"}, "sub": {"k": 1}})");
  Params p(j, "section");
  CHECK(p.integer("n") == 3);
  CHECK(p.number("x") == 2.5);
  CHECK(p.boolean("on"));
  CHECK(p.string("name") == "a");
  CHECK(p.duration("d") == Time::minutes(15));
  CHECK(p.distance_m("l") == doctest::Approx(2500.0));
  CHECK(p.speed_m_per_s("v") == doctest::Approx(10.0));
  CHECK(p.rate_per_s("r") == doctest::Approx(12.0 / 3600.0));
  CHECK(p.profile("p").size() == 3);
  CHECK(p.point("pt").x_m == doctest::Approx(1000.0));
  CHECK(p.point("pt").y_m == doctest::Approx(200.0));
  CHECK(p.points("pts").size() == 2);
  CHECK(p.distribution("dist").mean_s() == doctest::Approx(120.0));
  CHECK(p.section("sub").integer("k") == 1);
  CHECK(p.has("n"));
  CHECK(!p.has("missing"));
}

TEST_CASE("a missing or mistyped parameter names its key path") {
  Json j = Json::parse(R"({"n": "three", "d": "soon"})");
  Params p(j, "platform");
  CHECK_THROWS_WITH_AS(p.integer("n"), doctest::Contains("at 'platform.n'"), ScenarioError);
  CHECK_THROWS_WITH_AS(p.number("missing"), doctest::Contains("at 'platform.missing': missing"), ScenarioError);
  CHECK_THROWS_WITH_AS(p.duration("d"), doctest::Contains("at 'platform.d'"), ScenarioError);
}
