// Tests of the component registry.
#include "sim/Registry.hpp"

#include <doctest/doctest.h>

using namespace citytwin::sim;

TEST_CASE("components are found by name and listed in registration order") {
  Registry r;
  r.add({"platform", "Operators.", {param("operators", ParamType::INTEGER, "", 2, "Operators.").at_least(1)}});
  r.add({"police", "Units.", {}});
  REQUIRE(r.find("platform") != nullptr);
  CHECK(r.find("platform")->params[0].minimum == 1.0);
  CHECK(r.find("nothing") == nullptr);
  CHECK(r.components()[1].name == "police");
}

TEST_CASE("registering a component or a parameter twice is a programming error") {
  Registry r;
  r.add({"platform", "Operators.", {}});
  CHECK_THROWS_WITH_AS(r.add({"platform", "Again.", {}}), doctest::Contains("registered twice"), std::logic_error);
  CHECK_THROWS_WITH_AS(r.add({"police", "Units.",
                              {param("units", ParamType::INTEGER, "", 3, "Units."),
                               param("units", ParamType::INTEGER, "", 3, "Units.")}}),
                       doctest::Contains("declares parameter 'units' twice"), std::logic_error);
}

TEST_CASE("type descriptions give an example a user can copy") {
  CHECK(describe_type(param("d", ParamType::DURATION, "s", "1min", "")).find("\"15min\"") != std::string::npos);
  CHECK(describe_type(param("p", ParamType::PROFILE, "", Json::array(), "").of_length(24)) ==
        "list of 24 non-negative numbers");
  CHECK(describe_type(choice("c", {"a", "b"}, "a", "")) == "one of a, b");
}

TEST_CASE("a model family must read registered sections and be registered once") {
  Registry r;
  r.add({"shops", "Shops.", {}});
  r.add_model({"shop_alerts", "Alert buttons.", {"shops"}});
  CHECK(r.find_model("shop_alerts")->sections == std::vector<std::string>{"shops"});
  CHECK(r.find_model("none") == nullptr);
  CHECK_THROWS_WITH_AS(r.add_model({"shop_alerts", "Again.", {}}), doctest::Contains("registered twice"),
                       std::logic_error);
  CHECK_THROWS_WITH_AS(r.add_model({"floods", "Rain.", {"drainage"}}),
                       doctest::Contains("reads section 'drainage', which is not registered"), std::logic_error);
}

TEST_CASE("a parameter declared twice inside a nested section is a programming error") {
  Registry r;
  CHECK_THROWS_WITH_AS(r.add({"crime", "Crime.",
                              {section("gunfire", "Shots.",
                                       {param("rate", ParamType::RATE, "", "1/day", "R."),
                                        param("rate", ParamType::RATE, "", "1/day", "R.")})}}),
                       doctest::Contains("component 'crime.gunfire' declares parameter 'rate' twice"),
                       std::logic_error);
  CHECK(describe_type(section("k", "K.", {param("sigma", ParamType::DISTANCE, "m", "1m", "S.")})) ==
        "a map of parameters (sigma)");
}
