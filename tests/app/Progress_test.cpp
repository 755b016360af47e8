// Tests of the progress display's formatting.
#include "app/Progress.hpp"

#include <doctest/doctest.h>

#include <cmath>

using citytwin::app::Progress;

TEST_CASE("durations are shown as minutes and seconds, with hours when long") {
  CHECK(Progress::format_duration(0) == "0:00");
  CHECK(Progress::format_duration(75) == "1:15");
  CHECK(Progress::format_duration(3723) == "1:02:03");
  CHECK(Progress::format_duration(NAN) == "--:--");
}

TEST_CASE("a disabled progress display prints nothing and does not fail") {
  Progress p(false, false);
  p.update(0.5, 1, 2);
  p.finish();
}
