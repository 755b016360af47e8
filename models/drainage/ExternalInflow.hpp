// Inflows into nodes from outside the drains at a time of the run, as SWMM 5.2's inflow.c evaluates them: direct
// inflows ([INFLOWS]) and dry-weather flows ([DWF]) with their time patterns.
#pragma once

#include <cstdint>
#include <vector>

#include "models/drainage/DrainageNetwork.hpp"

namespace citytwin::models::drainage {

/// Where a time of the run falls in the calendar, as SWMM's patterns read it.
struct CalendarTime {
  int month = 0;         ///< 0 for January
  int day_of_week = 0;   ///< 0 for Sunday
  int hour = 0;          ///< 0 to 23
};

/// The calendar time `time_ms` milliseconds after the start of the run (Options::start_date, start_time_s).
CalendarTime calendar_time(const Options& options, std::int64_t time_ms);

/// A pattern's factor at a calendar time: its month's, day's or hour's (a WEEKEND pattern's hour on Saturdays and
/// Sundays only); 1 where the pattern says nothing (a weekday for a WEEKEND pattern, a factor not given).
double pattern_factor(const TimePattern& pattern, const CalendarTime& when);

/// The value of a time series at `time_s` seconds from the start of the run, interpolated linearly between entries;
/// 0 before the first entry and after the last, as SWMM looks up a series without extending it.
double series_value(const TimeSeries& series, double time_s);

/// A direct inflow at `time_ms` after the start of the run, m³/s: scale factor · series + baseline · pattern.
double external_inflow_m3s(const DrainageNetwork& net, const ExternalInflow& inflow, std::int64_t time_ms);

/// A dry-weather inflow at a calendar time, m³/s: the average times its monthly and daily factors and its hourly
/// one (the weekend pattern's instead on Saturdays and Sundays, when it has one).
double dry_weather_inflow_m3s(const DrainageNetwork& net, const DryWeatherInflow& inflow, const CalendarTime& when);

/// Adds every direct and dry-weather inflow at `time_ms` to its node's entry of `lateral_m3s` (one per node, m³/s).
void add_external_inflows(const DrainageNetwork& net, std::int64_t time_ms, std::vector<double>& lateral_m3s);

}  // namespace citytwin::models::drainage
