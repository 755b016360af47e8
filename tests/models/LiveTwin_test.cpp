// Tests of the models as live twins: a tapped replication is the same run, and its readings alone, fed to a
// detection core of the same settings, give the core's alerts again (what shadow mode relies on).
#include "models/LiveTwin.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <limits>
#include <tuple>

#include "models/City.hpp"
#include "sim/Scenario.hpp"

using namespace citytwin;

namespace {

std::unique_ptr<const sim::Model> bundled(const std::string& file, std::vector<std::string> set) {
  sim::Registry r;
  models::register_models(r);
  sim::Scenario s = sim::Scenario::load_file(std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/" + file, r, set);
  return models::build_model(s.variants()[0]);
}

struct Tapped {
  std::vector<std::pair<detection::Reading, std::int64_t>> readings;
  std::vector<detection::AlertEvent> events;
  sim::ReplicationResults results;
};

Tapped run_tapped(const models::LiveTwin& twin, std::uint64_t seed) {
  Tapped t;
  models::LiveTap tap;
  tap.reading = [&](const detection::Reading& r, std::int64_t at) { t.readings.emplace_back(r, at); };
  tap.alert = [&](const detection::AlertEvent& e) { t.events.push_back(e); };
  sim::ReplicationContext ctx;
  ctx.seed = seed;
  t.results = twin.run_tapped(ctx, tap);
  return t;
}

auto key(const detection::AlertEvent& e) {
  const detection::Alert& a = e.alert;
  return std::make_tuple(e.kind, a.id, a.cls, a.sensor, a.first_reading_us, a.raised_us, a.x_m, a.y_m, a.uncertainty_m,
                         a.confidence, a.located, a.sensors, a.reading_ids, e.fused.has_value());
}

void check_replayed(const models::LiveTwin& twin, const Tapped& t) {
  detection::DetectionCore core(twin.live_sensors(), twin.detection_settings());
  std::vector<detection::AlertEvent> again;
  for (const auto& [r, at] : t.readings)
    for (auto& e : core.consume(r, at).events) again.push_back(std::move(e));
  for (auto& e : core.advance(std::numeric_limits<std::int64_t>::max())) again.push_back(std::move(e));
  // The replication ends at its duration; the core fed to the end may conclude more after it.
  REQUIRE(again.size() >= t.events.size());
  for (std::size_t i = 0; i < t.events.size(); ++i) {
    CAPTURE(i);
    CHECK(key(again[i]) == key(t.events[i]));
  }
}

}  // namespace

TEST_CASE("a tapped public-safety replication is the same run, and its readings give its alerts again") {
  auto model = bundled("aguascalientes-public-safety.yaml",
                       {"duration=60d", "warmup=0s", "microphones.count=20", "cameras.sites=[[1.0km, 1.38km], [1.1km, 1.32km]]",
                        "detection.reorder_window=2min"});
  const auto* twin = dynamic_cast<const models::LiveTwin*>(model.get());
  REQUIRE(twin);
  Tapped t = run_tapped(*twin, 2026);
  sim::ReplicationContext ctx;
  ctx.seed = 2026;
  sim::ReplicationResults plain = model->run(ctx);
  REQUIRE(plain.kpis.size() == t.results.kpis.size());
  for (std::size_t i = 0; i < plain.kpis.size(); ++i)
    CHECK(std::memcmp(&plain.kpis[i].value, &t.results.kpis[i].value, sizeof(double)) == 0);
  MESSAGE(t.readings.size() << " readings, " << t.events.size() << " alert events");
  CHECK(t.readings.size() > 1000);
  std::size_t gunfire = 0, counts = 0;
  for (const auto& e : t.events) gunfire += e.alert.cls == detection::AlertClass::GUNFIRE && e.alert.located;
  for (const auto& [r, at] : t.readings) {
    counts += twin->live_sensors()[r.sensor].kind == detection::SensorKind::COUNTING_CAMERA;
    CHECK(at >= r.time_us);  // a reading reaches the core after it was made
  }
  std::size_t mics = 0, impulses = 0;
  for (const auto& si : twin->live_sensors()) mics += si.kind == detection::SensorKind::MICROPHONE;
  for (const auto& [r, at] : t.readings) impulses += std::holds_alternative<detection::Impulse>(r.payload);
  MESSAGE(mics << " microphones, " << impulses << " impulses");
  CHECK(gunfire > 5);
  CHECK(counts > 100);
  check_replayed(*twin, t);
  // Counting cameras report every count interval; the rest on events.
  auto intervals = twin->reporting_intervals_us();
  for (std::size_t s = 0; s < intervals.size(); ++s)
    CHECK((intervals[s] > 0) == (twin->live_sensors()[s].kind == detection::SensorKind::COUNTING_CAMERA));
  REQUIRE(twin->geo_frame());
  CHECK(twin->geo_frame()->origin_lat_deg() == doctest::Approx(21.87).epsilon(0.01));
}

TEST_CASE("the shop-alert chain works in event-time mode: the same alerts, raised on the logical clock of their readings") {
  auto arrival = bundled("roanne-shop-alerts.yaml", {"duration=120d", "warmup=0s"});
  auto event_time = bundled("roanne-shop-alerts.yaml", {"duration=120d", "warmup=0s", "detection.reorder_window=30s"});
  const auto* twin = dynamic_cast<const models::LiveTwin*>(event_time.get());
  REQUIRE(twin);
  CHECK(twin->detection_settings().reorder_window_us == 30'000'000);
  Tapped a = run_tapped(*dynamic_cast<const models::LiveTwin*>(arrival.get()), 7);
  Tapped e = run_tapped(*twin, 7);
  CHECK(a.readings.size() == e.readings.size());  // the same presses reach the platform
  auto raised = [](const Tapped& t) {
    std::vector<std::pair<std::uint32_t, std::int64_t>> out;
    for (const auto& ev : t.events)
      if (ev.kind == detection::AlertEvent::Kind::RAISED) out.emplace_back(ev.alert.sensor, ev.alert.first_reading_us);
    std::sort(out.begin(), out.end());
    return out;
  };
  // The same alerts at the same shops; where two presses crossed on the network, event time opens the alert
  // at the earlier press, arrival order at the one that came first.
  auto ra = raised(a), re = raised(e);
  REQUIRE(ra.size() == re.size());
  std::size_t earlier = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    CHECK(ra[i].first == re[i].first);
    CHECK(re[i].second <= ra[i].second);
    CHECK(ra[i].second - re[i].second < 300'000'000);
    earlier += re[i].second < ra[i].second;
  }
  MESSAGE(earlier << " of " << ra.size() << " alerts opened at an earlier press than in arrival order");
  CHECK(raised(a).size() > 100);
  for (const auto& ev : e.events)
    if (ev.kind == detection::AlertEvent::Kind::RAISED) CHECK(ev.alert.raised_us == ev.alert.first_reading_us);  // on the logical clock
  double kpi_a = 0, kpi_e = 0;
  for (const auto& k : a.results.kpis)
    if (k.name == "alerts_raised") kpi_a = k.value;
  for (const auto& k : e.results.kpis)
    if (k.name == "alerts_raised") kpi_e = k.value;
  CHECK(kpi_a == kpi_e);
  check_replayed(*twin, e);
}
