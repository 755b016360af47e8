// Direct and dry-weather inflows: SWMM's series lookup (linear, nothing outside the series) with its scale factor and
// baseline, and its patterns by month, day of week and hour.
#include "models/drainage/ExternalInflow.hpp"

#include <doctest/doctest.h>

#include <vector>

#include "models/drainage/SwmmReader.hpp"

using namespace citytwin::models::drainage;

namespace {

const char* MODEL = R"([OPTIONS]
FLOW_UNITS CMS
END_TIME 3:00
[JUNCTIONS]
J1 10
J2 9
[OUTFALLS]
Out 8 FREE
[CONDUITS]
C1 J1 J2 100 0.013 0 0
C2 J2 Out 100 0.013 0 0
[XSECTIONS]
C1 CIRCULAR 1 0 0 0
C2 CIRCULAR 1 0 0 0
[TIMESERIES]
Hydro 0:30 0
Hydro 1:00 2
Hydro 2:00 1
[INFLOWS]
J1 FLOW Hydro FLOW 1.0 0.5 0.1
J2 FLOW "" FLOW 1.0 1.0 0.25
)";

}  // namespace

TEST_CASE("a series is interpolated between its entries and gives nothing outside them") {
  TimeSeries s;
  s.time_s = {1800.0, 3600.0, 7200.0};
  s.values = {0.0, 2.0, 1.0};
  CHECK(series_value(s, 0.0) == 0.0);
  CHECK(series_value(s, 1800.0) == 0.0);
  CHECK(series_value(s, 2700.0) == doctest::Approx(1.0));
  CHECK(series_value(s, 3600.0) == doctest::Approx(2.0));
  CHECK(series_value(s, 5400.0) == doctest::Approx(1.5));
  CHECK(series_value(s, 7200.0) == doctest::Approx(1.0));
  CHECK(series_value(s, 7201.0) == 0.0);
}

TEST_CASE("a direct inflow is its scaled series plus its baseline, added to its node's lateral inflow") {
  const DrainageNetwork net = parse_swmm(MODEL, "model.inp");
  REQUIRE(net.inflows.size() == 2);
  // CMS: SWMM's 0.02832 m³/s per cfs composed with the exact foot makes 1 CMS 0.3048³ / 0.02832 m³/s.
  const double cms = 0.3048 * 0.3048 * 0.3048 / 0.02832;
  // 1:30 is half way from 2 to 1 CMS: 0.5 × 1.5 + 0.1 CMS.
  CHECK(external_inflow_m3s(net, net.inflows[0], 5'400'000) == doctest::Approx((0.5 * 1.5 + 0.1) * cms));
  // Before the series starts and after it ends, the baseline only.
  CHECK(external_inflow_m3s(net, net.inflows[0], 600'000) == doctest::Approx(0.1 * cms));
  CHECK(external_inflow_m3s(net, net.inflows[0], 9'000'000) == doctest::Approx(0.1 * cms));
  std::vector<double> lateral(net.nodes.size(), 1.0);
  add_external_inflows(net, 3'600'000, lateral);
  CHECK(lateral[net.node("J1")] == doctest::Approx(1.0 + (0.5 * 2.0 + 0.1) * cms));
  CHECK(lateral[net.node("J2")] == doctest::Approx(1.0 + 0.25 * cms));
  CHECK(lateral[net.node("Out")] == 1.0);
}

TEST_CASE("dry-weather flow follows its monthly, daily and hourly patterns, the weekend one on Saturdays and Sundays") {
  // 2001-01-05 is a Friday; the run starts at 22:00 on it.
  const DrainageNetwork net = parse_swmm(R"([OPTIONS]
FLOW_UNITS CFS
START_DATE 01/05/2001
START_TIME 22:00
END_DATE 01/07/2001
[JUNCTIONS]
J1 10
J2 9
[OUTFALLS]
Out 8 FREE
[CONDUITS]
C1 J1 J2 100 0.013 0 0
C2 J2 Out 100 0.013 0 0
[XSECTIONS]
C1 CIRCULAR 1 0 0 0
C2 CIRCULAR 1 0 0 0
[PATTERNS]
Months MONTHLY 2 1 1 1 1 1 1 1 1 1 1 1
Days DAILY 1 1 1 1 1 0.5 3
Hours HOURLY 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1
Hours 0.25 4
Weekend WEEKEND 0.1 0.2
[DWF]
J1 FLOW 2 Months Days Hours Weekend
J2 FLOW 0.5 "" "" Hours
)", "model.inp");
  REQUIRE(net.dry_weather.size() == 2);
  const DryWeatherInflow& j1 = net.dry_weather[0];
  CHECK(j1.average_m3s == doctest::Approx(2.0 * 0.3048 * 0.3048 * 0.3048));
  CHECK(j1.patterns[0] == net.pattern("Months"));
  CHECK(j1.patterns[3] == net.pattern("Weekend"));
  CHECK(net.patterns[net.pattern("Hours")].factors.size() == 24);
  CHECK(net.patterns[net.pattern("Hours")].factors[22] == 0.25);

  // Friday 22:30: January 2, Friday 0.5, hour 22 0.25 (weekday: the hourly pattern).
  const CalendarTime friday = calendar_time(net.options, 1'800'000);
  CHECK(friday.month == 0);
  CHECK(friday.day_of_week == 5);
  CHECK(friday.hour == 22);
  CHECK(dry_weather_inflow_m3s(net, j1, friday) == doctest::Approx(j1.average_m3s * 2.0 * 0.5 * 0.25));
  // Saturday 01:00 (3 h later): Saturday 3, the weekend pattern's hour 1, 0.2, in place of the hourly one.
  const CalendarTime saturday = calendar_time(net.options, 3 * 3'600'000);
  CHECK(saturday.day_of_week == 6);
  CHECK(saturday.hour == 1);
  CHECK(dry_weather_inflow_m3s(net, j1, saturday) == doctest::Approx(j1.average_m3s * 2.0 * 3.0 * 0.2));
  // Saturday 02:00: the weekend pattern has no factor for it (1).
  CHECK(dry_weather_inflow_m3s(net, j1, calendar_time(net.options, 4 * 3'600'000)) ==
        doctest::Approx(j1.average_m3s * 2.0 * 3.0));
  // J2 has the hourly pattern only, which holds on weekends too: hour 23 is 4.
  std::vector<double> lateral(net.nodes.size(), 0.0);
  add_external_inflows(net, 3'600'000, lateral);
  CHECK(lateral[net.node("J2")] == doctest::Approx(0.5 * 0.3048 * 0.3048 * 0.3048 * 4.0));
}
