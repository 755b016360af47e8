// Tests of the comparison with the twin: a stream from the twin itself shows no drift beyond chance; a
// microphone gone deaf, a camera counting too high and a chatty button are flagged.
#include "drivers/Drift.hpp"

#include <doctest/doctest.h>

#include <cmath>

#include "drivers/Fleet.hpp"
#include "drivers/Rfc3339.hpp"
#include "models/City.hpp"
#include "sim/Scenario.hpp"

using namespace citytwin;
using namespace citytwin::drivers;

namespace {

struct City {
  sim::Scenario scenario;
  std::unique_ptr<const sim::Model> model;
  const models::LiveTwin* twin;
  City()
      : scenario(load()), model(models::build_model(scenario.variants()[0])),
        twin(dynamic_cast<const models::LiveTwin*>(model.get())) {}
  static sim::Scenario load() {
    sim::Registry r;
    models::register_models(r);
    return sim::Scenario::load_file(std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/aguascalientes-public-safety.yaml", r,
                                    {"duration=91d", "warmup=0s", "microphones.count=20",
                                     "cameras.sites=[[1.0km, 1.38km], [1.1km, 1.32km]]"});
  }
};

}  // namespace

TEST_CASE("the hour of the week: UTC arithmetic, and a time zone with summer time from the system's database") {
  auto utc = hour_of_week_in("UTC");
  CHECK(utc(REHEARSAL_EPOCH_US) == 0);  // a Monday at 00:00 UTC
  CHECK(utc(REHEARSAL_EPOCH_US + 3'600'000'000LL * 167) == 167);
  CHECK(utc(REHEARSAL_EPOCH_US + 3'600'000'000LL * 168) == 0);
  CHECK(utc(0) == 72);  // 1970-01-01 00:00 was a Thursday
  auto paris = hour_of_week_in("Europe/Paris");
  CHECK(paris(*parse_rfc3339_us("2026-01-05T00:00:00Z")) == 1);          // 01:00 on Monday, winter (UTC+1)
  CHECK(paris(*parse_rfc3339_us("2026-07-06T00:00:00Z")) == 2);          // 02:00 on Monday, summer (UTC+2)
  CHECK(paris(*parse_rfc3339_us("2026-01-04T23:30:00Z")) == 0);          // already Monday in Paris
  auto kolkata = hour_of_week_in("Asia/Kolkata");  // UTC+5:30
  CHECK(kolkata(*parse_rfc3339_us("2026-01-05T00:29:00Z")) == 5);
  CHECK(kolkata(*parse_rfc3339_us("2026-01-05T00:31:00Z")) == 6);
  CHECK(kolkata(*parse_rfc3339_us("2026-01-05T00:29:59Z")) == 5);  // the same quarter hour, remembered
  CHECK_THROWS_WITH_AS(hour_of_week_in("Mars/Olympus_Mons"), doctest::Contains("IANA name"), std::invalid_argument);
}

TEST_CASE("the twin's own stream shows no drift beyond chance; a deaf microphone and a camera counting high do") {
  City city;
  REQUIRE(city.twin);
  const auto& sensors = city.twin->live_sensors();
  TwinBaseline baseline = TwinBaseline::learn(*city.twin, city.scenario.seed(), 4, city.scenario.duration());
  CHECK(baseline.simulated_days() == doctest::Approx(364));
  // What the baseline learnt: counting cameras every 5 minutes (12 an hour), their values autocorrelated.
  auto camera = static_cast<std::uint32_t>(sensors.size());
  for (std::uint32_t s = 0; s < sensors.size(); ++s)
    if (sensors[s].kind == detection::SensorKind::COUNTING_CAMERA) {
      camera = s;
      break;
    }
  REQUIRE(camera < sensors.size());
  const SensorBaseline& cam = baseline.sensors()[camera];
  CHECK(cam.measured);
  CHECK(cam.rate_per_h[10] == doctest::Approx(3600e6 / static_cast<double>(city.twin->reporting_intervals_us()[camera])).epsilon(0.02));
  CHECK(cam.lag1 > 0.5);

  FleetScript script = script_replication(*city.twin, city.scenario.seed(), 0);
  const std::int64_t from = REHEARSAL_EPOCH_US, to = REHEARSAL_EPOCH_US + city.scenario.duration().count_us();
  DriftMonitor clean(baseline, hour_of_week_in("UTC"));
  for (const Arrival& a : script.arrivals) clean.observe(a.reading);
  std::size_t judged = 0, flagged = 0;
  for (const DriftRow& r : clean.report(from, to)) {
    if (r.status == "too_few") continue;
    ++judged;
    if (r.status != "ok") {
      ++flagged;
      MESSAGE("flagged in the twin's own stream: " << sensors[r.sensor].id << " rate z " << r.rate_z << ", value z "
                                                   << r.value_z);
    }
  }
  MESSAGE(judged << " sensors judged, " << flagged << " flagged");
  CHECK(judged >= 10);
  CHECK(flagged <= 1 + judged / 20);  // |z| > 3 by chance, with some slack for the approximations

  // Faults: the busiest microphone hears nothing after the first week; the camera counts 40% too many; a
  // shop's button sends a press every hour.
  std::uint32_t mic = 0;  // the microphone that hears most
  double most = -1;
  for (std::uint32_t s = 0; s < sensors.size(); ++s) {
    double rate = 0;
    for (double r : baseline.sensors()[s].rate_per_h) rate += r;
    if (sensors[s].kind == detection::SensorKind::MICROPHONE && rate > most) {
      most = rate;
      mic = s;
    }
  }
  std::uint32_t button = 0;
  while (sensors[button].kind != detection::SensorKind::ALERT_BUTTON) ++button;
  DriftMonitor faulty(baseline, hour_of_week_in("UTC"));
  for (Arrival a : script.arrivals) {
    if (a.reading.sensor == mic && a.reading.time_us > from + 7 * 86'400'000'000LL) continue;
    if (a.reading.sensor == camera) std::get<detection::Measurement>(a.reading.payload).value *= 1.4;
    faulty.observe(a.reading);
  }
  for (std::int64_t t = from; t < to; t += 3'600'000'000LL) faulty.observe({button, t, detection::Press{}, 0});
  auto rows = faulty.report(from, to);
  CHECK(rows[mic].status == "low");
  CHECK(rows[camera].status == "high");
  CHECK(rows[camera].value_z > 3);
  CHECK(rows[button].status == "high");
  MESSAGE("deaf microphone: expected " << rows[mic].expected_readings << ", saw " << rows[mic].observed_readings
                                       << " (z " << rows[mic].rate_z << "); camera: expected mean "
                                       << rows[camera].expected_mean << ", saw " << rows[camera].observed_mean
                                       << " (z " << rows[camera].value_z << ")");
}
