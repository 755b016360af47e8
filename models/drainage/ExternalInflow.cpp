// Inflows into nodes from outside the drains, as SWMM 5.2's inflow.c (inflow_getExtInflow, inflow_getDwfInflow,
// getPatternFactor) and table.c (table_tseriesLookup) compute them.
#include "models/drainage/ExternalInflow.hpp"

#include <algorithm>

namespace citytwin::models::drainage {

namespace {

constexpr std::int64_t DAY_MS = 86'400'000, HOUR_MS = 3'600'000;

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar.
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<std::int64_t>(y - era * 400);
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/// The month (1 to 12) of a day counted from 1970-01-01.
int month_of(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  return static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
}

}  // namespace

CalendarTime calendar_time(const Options& options, std::int64_t time_ms) {
  const Date& d = options.start_date;
  const std::int64_t ms = days_from_civil(d.year, d.month, d.day) * DAY_MS + options.start_time_s * 1000 + time_ms;
  const std::int64_t days = ms >= 0 ? ms / DAY_MS : (ms - DAY_MS + 1) / DAY_MS;
  CalendarTime c;
  c.month = month_of(days) - 1;
  c.day_of_week = static_cast<int>(((days + 4) % 7 + 7) % 7);  // 1970-01-01 was a Thursday
  c.hour = static_cast<int>((ms - days * DAY_MS) / HOUR_MS);
  return c;
}

double pattern_factor(const TimePattern& pattern, const CalendarTime& when) {
  auto factor = [&](int i) {
    return i >= 0 && static_cast<std::size_t>(i) < pattern.factors.size() ? pattern.factors[i] : 1.0;
  };
  switch (pattern.type) {
    case PatternType::MONTHLY: return factor(when.month);
    case PatternType::DAILY: return factor(when.day_of_week);
    case PatternType::HOURLY: return factor(when.hour);
    case PatternType::WEEKEND:
      return when.day_of_week == 0 || when.day_of_week == 6 ? factor(when.hour) : 1.0;
  }
  return 1.0;
}

double series_value(const TimeSeries& series, double time_s) {
  const std::vector<double>& t = series.time_s;
  if (t.empty() || time_s < t.front() || time_s > t.back()) return 0.0;
  if (t.size() == 1) return series.values.front();
  // The first entry at or after the time, and the one before it.
  const auto hi = static_cast<std::size_t>(std::lower_bound(t.begin(), t.end(), time_s) - t.begin());
  if (hi == 0) return series.values.front();
  const std::size_t lo = hi - 1;
  const double f = (time_s - t[lo]) / (t[hi] - t[lo]);
  return series.values[lo] + f * (series.values[hi] - series.values[lo]);
}

double external_inflow_m3s(const DrainageNetwork& net, const ExternalInflow& inflow, std::int64_t time_ms) {
  double baseline = inflow.baseline_m3s;
  if (inflow.pattern >= 0)
    baseline *= pattern_factor(net.patterns[inflow.pattern], calendar_time(net.options, time_ms));
  const double time_s = static_cast<double>(time_ms) / 1000.0;
  const double from_series = inflow.series >= 0 ? series_value(net.time_series[inflow.series], time_s) : 0.0;
  return inflow.scale_factor * from_series + baseline;
}

double dry_weather_inflow_m3s(const DrainageNetwork& net, const DryWeatherInflow& inflow, const CalendarTime& when) {
  auto factor = [&](PatternType t) {
    const int p = inflow.patterns[static_cast<std::size_t>(t)];
    return p >= 0 ? pattern_factor(net.patterns[p], when) : 1.0;
  };
  double f = factor(PatternType::MONTHLY) * factor(PatternType::DAILY);
  const bool weekend = when.day_of_week == 0 || when.day_of_week == 6;
  if (inflow.patterns[static_cast<std::size_t>(PatternType::WEEKEND)] >= 0) {
    if (weekend) f *= factor(PatternType::WEEKEND);
    else f *= factor(PatternType::HOURLY);
  } else {
    f *= factor(PatternType::HOURLY);
  }
  return std::max(0.0, f * inflow.average_m3s);
}

void add_external_inflows(const DrainageNetwork& net, std::int64_t time_ms, std::vector<double>& lateral_m3s) {
  for (const ExternalInflow& in : net.inflows) lateral_m3s[in.node] += external_inflow_m3s(net, in, time_ms);
  if (net.dry_weather.empty()) return;
  const CalendarTime when = calendar_time(net.options, time_ms);
  for (const DryWeatherInflow& d : net.dry_weather) lateral_m3s[d.node] += dry_weather_inflow_m3s(net, d, when);
}

}  // namespace citytwin::models::drainage
