// The twin's expectations per sensor and hour of the week, and drift statistics against them.
#include "drivers/Drift.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace citytwin::drivers {

namespace {

constexpr std::int64_t HOUR_US = 3'600'000'000;
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

std::size_t utc_hour_of_week(std::int64_t us) {
  std::int64_t hours = us >= 0 ? us / HOUR_US : -((-us + HOUR_US - 1) / HOUR_US);
  // 1970-01-01 was a Thursday: hour 0 of the epoch is hour 72 of its week.
  std::int64_t h = (hours + 72) % static_cast<std::int64_t>(HOURS_PER_WEEK);
  return static_cast<std::size_t>(h < 0 ? h + static_cast<std::int64_t>(HOURS_PER_WEEK) : h);
}

std::mutex tz_mutex;  // TZ is process-wide

}  // namespace

std::function<std::size_t(std::int64_t)> hour_of_week_in(const std::string& timezone) {
  if (timezone.empty() || timezone == "UTC" || timezone == "Z") return utc_hour_of_week;
  std::string file = "/usr/share/zoneinfo/" + timezone;
  std::FILE* f = timezone.find("..") == std::string::npos ? std::fopen(file.c_str(), "rb") : nullptr;
  if (!f)
    throw std::invalid_argument("time zone '" + timezone + "' is not in the system's database (" + file +
                                "); give an IANA name such as Europe/Paris or America/Mexico_City, or UTC");
  std::fclose(f);
  // Zones are offset from UTC by whole quarters of an hour (India's 5:30, Nepal's 5:45), and change their
  // offsets on them: the local hour is the same through a UTC quarter hour, and the last one asked is
  // remembered.
  constexpr std::int64_t QUARTER_US = HOUR_US / 4;
  struct Memo {
    std::int64_t quarter = std::numeric_limits<std::int64_t>::min();
    std::size_t value = 0;
  };
  auto memo = std::make_shared<Memo>();
  return [timezone, memo](std::int64_t us) {
    std::int64_t quarter = us >= 0 ? us / QUARTER_US : -((-us + QUARTER_US - 1) / QUARTER_US);
    std::lock_guard lock(tz_mutex);
    if (memo->quarter == quarter) return memo->value;
    const char* old = std::getenv("TZ");
    std::string saved = old ? old : "";
    ::setenv("TZ", timezone.c_str(), 1);
    ::tzset();
    std::time_t t = static_cast<std::time_t>(quarter * 900);
    std::tm local{};
    ::localtime_r(&t, &local);
    if (old)
      ::setenv("TZ", saved.c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
    memo->quarter = quarter;
    memo->value = static_cast<std::size_t>(((local.tm_wday + 6) % 7) * 24 + local.tm_hour);
    return memo->value;
  };
}

TwinBaseline TwinBaseline::learn(const models::LiveTwin& twin, std::uint64_t seed, std::uint32_t replications,
                                 sim::Time duration, const std::atomic<bool>* cancelled) {
  const std::size_t n = twin.live_sensors().size();
  TwinBaseline out;
  out.sensors_.assign(n, SensorBaseline{});
  const std::int64_t horizon_us = duration.count_us();
  const std::size_t hours = static_cast<std::size_t>((horizon_us + HOUR_US - 1) / HOUR_US);
  const std::size_t days = (hours + 23) / 24;
  // The simulated week starts on Monday at 00:00: hour h of a run is hour h mod 168 of the week.
  std::array<double, HOURS_PER_WEEK> exposure{};
  std::vector<std::array<double, HOURS_PER_WEEK>> counts(n), sums(n), squares(n);
  std::vector<std::vector<double>> daily(n);  // per sensor: counts per replication-day
  struct Value {
    std::int64_t t;
    double v;
  };
  std::vector<std::vector<std::vector<Value>>> values(n);  // per sensor, per replication, in time order later
  for (std::uint32_t k = 0; k < replications; ++k) {
    if (cancelled && cancelled->load()) break;
    for (std::size_t h = 0; h < hours; ++h) exposure[h % HOURS_PER_WEEK] += 1.0;
    for (auto& d : daily) d.resize(d.size() + days, 0.0);
    for (auto& v : values) v.emplace_back();
    models::LiveTap tap;
    tap.reading = [&](const detection::Reading& r, std::int64_t) {
      if (r.sensor >= n || r.time_us < 0 || r.time_us >= horizon_us) return;
      std::size_t bin = static_cast<std::size_t>(r.time_us / HOUR_US) % HOURS_PER_WEEK;
      counts[r.sensor][bin] += 1.0;
      daily[r.sensor][k * days + static_cast<std::size_t>(r.time_us / (24 * HOUR_US))] += 1.0;
      if (const auto* m = std::get_if<detection::Measurement>(&r.payload)) {
        sums[r.sensor][bin] += m->value;
        squares[r.sensor][bin] += m->value * m->value;
        values[r.sensor][k].push_back({r.time_us, m->value});
      }
    };
    sim::ReplicationContext ctx;
    ctx.seed = seed;
    ctx.replication = 1000 + k;  // not the replications a rehearsal publishes
    ctx.cancelled = cancelled;
    twin.run_tapped(ctx, tap);
  }
  out.days_ = static_cast<double>(replications) * static_cast<double>(horizon_us) / (24.0 * HOUR_US);
  for (std::size_t s = 0; s < n; ++s) {
    SensorBaseline& b = out.sensors_[s];
    for (std::size_t h = 0; h < HOURS_PER_WEEK; ++h) {
      b.rate_per_h[h] = exposure[h] > 0 ? counts[s][h] / exposure[h] : 0.0;
      b.mean[h] = counts[s][h] > 0 ? sums[s][h] / counts[s][h] : NaN;
    }
    // Pearson dispersion of the daily counts against the rates.
    double chi = 0.0, expected_total = 0.0;
    for (std::size_t i = 0; i < daily[s].size(); ++i) {
      std::size_t day = i % days;
      double e = 0.0;
      for (std::size_t h = day * 24; h < std::min(hours, day * 24 + 24); ++h) e += b.rate_per_h[h % HOURS_PER_WEEK];
      if (e <= 0) continue;
      chi += (daily[s][i] - e) * (daily[s][i] - e);
      expected_total += e;
    }
    b.dispersion = expected_total > 0 ? std::max(1.0, chi / expected_total) : 1.0;
    // Values: the residual's spread and its lag-1 autocorrelation, reading after reading.
    double rr = 0.0, r1 = 0.0, count = 0.0;
    for (auto& run : values[s]) {
      std::sort(run.begin(), run.end(), [](const Value& a, const Value& c) { return a.t < c.t; });
      double previous = NaN;
      for (const Value& x : run) {
        double r = x.v - b.mean[static_cast<std::size_t>(x.t / HOUR_US) % HOURS_PER_WEEK];
        rr += r * r;
        count += 1.0;
        if (!std::isnan(previous)) r1 += r * previous;
        previous = r;
      }
    }
    if (count >= 2) {
      b.measured = true;
      b.residual_sd = std::sqrt(rr / (count - 1));
      b.lag1 = rr > 0 ? std::clamp(r1 / rr, -0.99, 0.99) : 0.0;
    }
  }
  return out;
}

DriftMonitor::DriftMonitor(const TwinBaseline& baseline, std::function<std::size_t(std::int64_t)> hour_of_week,
                           double z_limit)
    : baseline_(baseline), hour_of_week_(std::move(hour_of_week)), z_limit_(z_limit), seen_(baseline.sensors().size()) {}

void DriftMonitor::observe(const detection::Reading& r) {
  if (r.sensor >= seen_.size()) return;
  Seen& s = seen_[r.sensor];
  s.readings += 1.0;
  if (const auto* m = std::get_if<detection::Measurement>(&r.payload)) {
    double expected = baseline_.sensors()[r.sensor].mean[hour_of_week_(r.time_us)];
    if (std::isnan(expected)) return;
    s.values += 1.0;
    s.value_sum += m->value;
    s.expected_sum += expected;
    s.residual_sum += m->value - expected;
  }
}

std::vector<DriftRow> DriftMonitor::report(std::int64_t from_us, std::int64_t to_us) const {
  // The hours watched, each weighed by the share of it inside the span.
  std::array<double, HOURS_PER_WEEK> watched{};
  for (std::int64_t t = from_us; t < to_us;) {
    std::int64_t hour_start = t - ((t % HOUR_US) + HOUR_US) % HOUR_US;
    std::int64_t end = std::min(to_us, hour_start + HOUR_US);
    watched[hour_of_week_(t)] += static_cast<double>(end - t) / static_cast<double>(HOUR_US);
    t = end;
  }
  std::vector<DriftRow> out;
  for (std::uint32_t s = 0; s < seen_.size(); ++s) {
    const SensorBaseline& b = baseline_.sensors()[s];
    const Seen& seen = seen_[s];
    DriftRow row;
    row.sensor = s;
    for (std::size_t h = 0; h < HOURS_PER_WEEK; ++h) row.expected_readings += b.rate_per_h[h] * watched[h];
    row.observed_readings = seen.readings;
    if (row.expected_readings > 0)
      row.rate_z = (row.observed_readings - row.expected_readings) / std::sqrt(b.dispersion * row.expected_readings);
    bool enough = row.expected_readings >= 5 || row.observed_readings >= 5;
    bool high = enough && (row.expected_readings == 0 ? row.observed_readings > 0 : row.rate_z > z_limit_);
    bool low = enough && row.rate_z < -z_limit_;
    if (b.measured && seen.values > 0) {
      row.expected_mean = seen.expected_sum / seen.values;
      row.observed_mean = seen.value_sum / seen.values;
      // The mean of n AR(1) residuals has the variance of n (1 - phi) / (1 + phi) independent ones.
      double n_eff = seen.values * (1 - b.lag1) / (1 + b.lag1);
      if (n_eff >= 2 && b.residual_sd > 0) {
        row.value_z = (seen.residual_sum / seen.values) / (b.residual_sd / std::sqrt(n_eff));
        high = high || row.value_z > z_limit_;
        low = low || row.value_z < -z_limit_;
      }
    }
    row.status = !enough && std::isnan(row.value_z) ? "too_few" : high ? "high" : low ? "low" : "ok";
    out.push_back(row);
  }
  return out;
}

}  // namespace citytwin::drivers
