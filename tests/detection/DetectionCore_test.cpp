// Tests of the detection core: readings in, alerts out, repeated presses merged.
#include "models/detection/DetectionCore.hpp"

#include <doctest/doctest.h>

using namespace citytwin::detection;

namespace {
DetectionCore two_buttons(std::int64_t window_us = 300'000'000) {
  return DetectionCore({{"shop-a", SensorKind::ALERT_BUTTON, 10.0, 20.0}, {"shop-b", SensorKind::ALERT_BUTTON, 30.0, 40.0}},
                       {window_us});
}
}  // namespace

TEST_CASE("a first press raises an alert at the button's place, stamped with its arrival time") {
  DetectionCore core = two_buttons();
  ConsumeResult r = core.consume({1, 5'000'000, 1.0}, 7'000'000);
  REQUIRE(r.raised);
  CHECK(r.raised->id == 1);
  CHECK(r.raised->sensor == 1);
  CHECK(r.raised->first_reading_us == 5'000'000);
  CHECK(r.raised->raised_us == 7'000'000);
  CHECK(r.raised->x_m == 30.0);
  CHECK(r.raised->y_m == 40.0);
  CHECK(r.raised->cls == AlertClass::SHOP_AGGRESSION);
  CHECK(core.alerts_raised() == 1);
}

TEST_CASE("repeated presses of one button within the merge window make one alert") {
  DetectionCore core = two_buttons(60'000'000);
  CHECK(core.consume({0, 0, 1.0}, 1).raised);
  CHECK(core.consume({0, 20'000'000, 1.0}, 2).merged);
  CHECK(core.consume({0, 70'000'000, 1.0}, 3).merged);  // 50 s after the previous press
  CHECK(core.merged() == 2);
  CHECK(core.alerts_raised() == 1);
}

TEST_CASE("a press after the merge window opens a new alert") {
  DetectionCore core = two_buttons(60'000'000);
  CHECK(core.consume({0, 0, 1.0}, 1).raised);
  ConsumeResult r = core.consume({0, 61'000'000, 1.0}, 2);
  REQUIRE(r.raised);
  CHECK(r.raised->id == 2);
}

TEST_CASE("presses of different buttons never merge") {
  DetectionCore core = two_buttons();
  CHECK(core.consume({0, 0, 1.0}, 1).raised);
  CHECK(core.consume({1, 1, 1.0}, 2).raised);
  CHECK(core.alerts_raised() == 2);
}

TEST_CASE("a press that arrives out of order still merges with the alert it belongs to") {
  DetectionCore core = two_buttons(60'000'000);
  CHECK(core.consume({0, 30'000'000, 1.0}, 31'000'000).raised);
  CHECK(core.consume({0, 10'000'000, 1.0}, 32'000'000).merged);
  CHECK(core.consume({0, 85'000'000, 1.0}, 86'000'000).merged);  // within the window of the latest press
}

TEST_CASE("readings from an unknown sensor or with no press are rejected and counted, never raised") {
  DetectionCore core = two_buttons();
  CHECK(core.consume({7, 0, 1.0}, 1).rejected);
  CHECK(core.consume({0, 0, 0.0}, 1).rejected);
  CHECK(core.rejected() == 2);
  CHECK(core.alerts_raised() == 0);
  CHECK(core.readings() == 2);
}
