// Tests of the detection core: readings of every kind in, alerts out, duplicates merged and fused.
#include "models/detection/DetectionCore.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <algorithm>
#include <limits>
#include <random>

using namespace citytwin::detection;

namespace {

constexpr std::int64_t S = 1'000'000;  // one second in microseconds

Reading press(std::uint32_t sensor, std::int64_t t_us, std::uint64_t id = 0) { return {sensor, t_us, Press{}, id}; }

DetectionCore two_buttons(std::int64_t window_us = 300 * S) {
  DetectionSettings s;
  s.merge_window_us = window_us;
  return DetectionCore({{"shop-a", SensorKind::ALERT_BUTTON, 10.0, 20.0}, {"shop-b", SensorKind::ALERT_BUTTON, 30.0, 40.0}},
                       s);
}

const AlertEvent& only_event(const ConsumeResult& r) {
  REQUIRE(r.events.size() == 1);
  return r.events.front();
}

/// Six microphones about 400 m apart, a counting camera, a video camera and the citizen line.
std::vector<SensorInfo> city_sensors() {
  std::vector<SensorInfo> s;
  const double pos[6][2] = {{0, 0}, {400, 0}, {800, 0}, {0, 400}, {400, 400}, {800, 400}};
  for (int i = 0; i < 6; ++i) {
    SensorInfo m{"mic-" + std::to_string(i), SensorKind::MICROPHONE, pos[i][0], pos[i][1]};
    m.range_m = 600;
    s.push_back(m);
  }
  SensorInfo counter{"square-count", SensorKind::COUNTING_CAMERA, 400, 200};
  counter.threshold = 500;
  counter.range_m = 40;
  s.push_back(counter);  // 6
  SensorInfo video{"square-video", SensorKind::VIDEO_ANALYTICS, 420, 210};
  video.range_m = 40;
  s.push_back(video);  // 7
  s.push_back({"emergency-line", SensorKind::CITIZEN_LINE, 0, 0});  // 8
  return s;
}

constexpr double C = 340.3;

/// The arrivals of a shot at (x, y) at time t0 at microphones 0-5, as readings with ids from `first_id`.
std::vector<Reading> shot(double x, double y, double t0_s, double logit = 3.0, std::uint64_t first_id = 100) {
  std::vector<Reading> out;
  auto sensors = city_sensors();
  for (std::uint32_t i = 0; i < 6; ++i) {
    double d = std::hypot(sensors[i].x_m - x, sensors[i].y_m - y);
    auto t = static_cast<std::int64_t>(std::llround((t0_s + d / C) * 1e6));
    out.push_back({i, t, Impulse{90.0, logit}, first_id + i});
  }
  return out;
}

}  // namespace

TEST_CASE("a first press raises an alert at the button's place, stamped with its arrival time") {
  DetectionCore core = two_buttons();
  ConsumeResult r = core.consume(press(1, 5 * S, 42), 7 * S);
  CHECK(r.fate == Fate::RAISED);
  const Alert& a = only_event(r).alert;
  CHECK(only_event(r).kind == AlertEvent::Kind::RAISED);
  CHECK(a.id == 1);
  CHECK(r.alert == 1);
  CHECK(a.sensor == 1);
  CHECK(a.first_reading_us == 5 * S);
  CHECK(a.raised_us == 7 * S);
  CHECK(a.x_m == 30.0);
  CHECK(a.y_m == 40.0);
  CHECK(a.cls == AlertClass::SHOP_AGGRESSION);
  CHECK(a.reading_ids == std::vector<std::uint64_t>{42});
  CHECK(core.alerts_raised() == 1);
}

TEST_CASE("repeated presses of one button within the merge window make one alert") {
  DetectionCore core = two_buttons(60 * S);
  CHECK(core.consume(press(0, 0, 1), 1).fate == Fate::RAISED);
  CHECK(core.consume(press(0, 20 * S, 2), 2).fate == Fate::MERGED);
  ConsumeResult third = core.consume(press(0, 70 * S, 3), 3);  // 50 s after the previous press
  CHECK(third.fate == Fate::MERGED);
  CHECK(third.alert == 1);
  CHECK(only_event(third).alert.reading_ids == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(core.merged() == 2);
  CHECK(core.alerts_raised() == 1);
}

TEST_CASE("a press after the merge window opens a new alert") {
  DetectionCore core = two_buttons(60 * S);
  CHECK(core.consume(press(0, 0), 1).fate == Fate::RAISED);
  ConsumeResult r = core.consume(press(0, 61 * S), 2);
  CHECK(r.fate == Fate::RAISED);
  CHECK(r.alert == 2);
}

TEST_CASE("presses of different buttons never merge, however close the shops") {
  DetectionCore core = two_buttons();
  CHECK(core.consume(press(0, 0), 1).fate == Fate::RAISED);
  CHECK(core.consume(press(1, 1), 2).fate == Fate::RAISED);
  CHECK(core.alerts_raised() == 2);
}

TEST_CASE("a press that arrives out of order still merges with the alert it belongs to") {
  DetectionCore core = two_buttons(60 * S);
  CHECK(core.consume(press(0, 30 * S), 31 * S).fate == Fate::RAISED);
  CHECK(core.consume(press(0, 10 * S), 32 * S).fate == Fate::MERGED);
  CHECK(core.consume(press(0, 85 * S), 86 * S).fate == Fate::MERGED);  // within the window of the latest press
}

TEST_CASE("readings from an unknown sensor or with a payload their sensor cannot send are rejected and counted") {
  DetectionCore core = two_buttons();
  CHECK(core.consume(press(7, 0), 1).fate == Fate::REJECTED);
  CHECK(core.consume({0, 0, Measurement{3.0}, 0}, 1).fate == Fate::REJECTED);
  CHECK(core.consume({0, 0, Impulse{90, 2}, 0}, 1).fate == Fate::REJECTED);
  CHECK(core.rejected() == 3);
  CHECK(core.alerts_raised() == 0);
  CHECK(core.readings() == 3);
}

TEST_CASE("one shot heard by six microphones is one located alert, raised once the window and lateness pass") {
  DetectionCore core(city_sensors(), DetectionSettings{});
  const GunfireSettings& g = core.settings().gunfire;
  std::int64_t last_arrival = 0, first_onset = std::numeric_limits<std::int64_t>::max();
  for (const Reading& r : shot(300, 150, 100.0)) {
    first_onset = std::min(first_onset, r.time_us);
    ConsumeResult c = core.consume(r, r.time_us + 500'000);  // half a second across the network
    CHECK(c.fate == Fate::PENDING);
    CHECK(c.events.empty());
    last_arrival = std::max(last_arrival, r.time_us + 500'000);
  }
  CHECK(core.next_deadline_us() == first_onset + g.group_window_us + g.allowed_lateness_us);
  CHECK(core.advance(core.next_deadline_us() - 1).empty());
  std::vector<AlertEvent> events = core.advance(core.next_deadline_us());
  REQUIRE(events.size() == 1);
  const Alert& a = events[0].alert;
  CHECK(events[0].kind == AlertEvent::Kind::RAISED);
  CHECK(a.cls == AlertClass::GUNFIRE);
  CHECK(a.located);
  CHECK(a.sensors == 6);
  CHECK(std::hypot(a.x_m - 300, a.y_m - 150) < 0.05);  // onsets rounded to the microsecond
  CHECK(std::abs(a.first_reading_us - 100 * S) < 10);
  CHECK(a.confidence == doctest::Approx(1.0 / (1.0 + std::exp(-3.0))));
  CHECK(a.reading_ids.size() == 6);
  CHECK(a.raised_us > last_arrival);
  CHECK(core.next_deadline_us() == std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("an impulse whose group has closed is late, never a second alert") {
  DetectionCore core(city_sensors(), DetectionSettings{});
  std::vector<Reading> r = shot(300, 150, 10.0);
  Reading straggler = r.back();
  r.pop_back();
  for (const Reading& x : r) core.consume(x, x.time_us);
  CHECK(core.advance(60 * S).size() == 1);
  CHECK(core.consume(straggler, 61 * S).fate == Fate::LATE);
  CHECK(core.advance(120 * S).empty());
  CHECK(core.gunfire_counts().late == 1);
  CHECK(core.alerts_raised() == 1);
}

TEST_CASE("an impulse the microphones classify as something else is dismissed") {
  DetectionCore core(city_sensors(), DetectionSettings{});
  for (const Reading& x : shot(300, 150, 10.0, -2.0)) core.consume(x, x.time_us);
  CHECK(core.advance(60 * S).empty());
  CHECK(core.gunfire_counts().dismissed == 1);
}

TEST_CASE("fewer microphones than the minimum raise nothing; below three an allowed alert is unlocated") {
  std::vector<Reading> two = shot(100, 50, 10.0);
  two.resize(2);
  {
    DetectionCore core(city_sensors(), DetectionSettings{});
    for (const Reading& x : two) core.consume(x, x.time_us);
    CHECK(core.advance(60 * S).empty());
    CHECK(core.gunfire_counts().too_few == 1);
  }
  DetectionSettings s;
  s.gunfire.min_microphones = 1;
  DetectionCore core(city_sensors(), s);
  for (const Reading& x : two) core.consume(x, x.time_us);
  auto events = core.advance(60 * S);
  REQUIRE(events.size() == 1);
  CHECK_FALSE(events[0].alert.located);
  CHECK(events[0].alert.x_m == 200.0);  // the microphones' centroid
  CHECK(events[0].alert.uncertainty_m == 600.0);
}

TEST_CASE("two shots far apart in time are two alerts; a citizen's report of the first is fused into it") {
  DetectionCore core(city_sensors(), DetectionSettings{});
  for (const Reading& x : shot(300, 150, 10.0)) core.consume(x, x.time_us);
  auto first = core.advance(30 * S);
  REQUIRE(first.size() == 1);
  for (const Reading& x : shot(700, 300, 100.0, 3.0, 200)) CHECK(core.consume(x, x.time_us).events.empty());
  ConsumeResult report = core.consume({8, 70 * S, CitizenReport{AlertClass::GUNFIRE, 320, 170, 50}, 900}, 75 * S);
  CHECK(report.fate == Fate::MERGED);
  CHECK(report.alert == first[0].alert.id);
  CHECK(only_event(report).alert.reading_ids.back() == 900);
  CHECK(only_event(report).alert.located);  // the fix is better placed than the caller
  auto second = core.advance(200 * S);
  REQUIRE(second.size() == 1);
  CHECK(second[0].kind == AlertEvent::Kind::RAISED);
  CHECK(core.alerts_raised() == 2);
  CHECK(core.counts().fused == 1);
}

TEST_CASE("a report of another kind of incident, or too far, or too late, is its own alert") {
  DetectionCore core(city_sensors(), DetectionSettings{});
  for (const Reading& x : shot(300, 150, 10.0)) core.consume(x, x.time_us);
  core.advance(30 * S);
  CHECK(core.consume({8, 40 * S, CitizenReport{AlertClass::BURGLARY, 300, 150, 20}, 1}, 41 * S).fate == Fate::RAISED);
  CHECK(core.consume({8, 40 * S, CitizenReport{AlertClass::GUNFIRE, 1300, 150, 20}, 2}, 41 * S).fate == Fate::RAISED);
  CHECK(core.consume({8, 3000 * S, CitizenReport{AlertClass::GUNFIRE, 300, 150, 20}, 3}, 3001 * S).fate ==
        Fate::RAISED);
  CHECK(core.alerts_raised() == 4);
}

TEST_CASE("a camera's fight events merge into one alert, and a report of an assault there joins it") {
  DetectionCore core(city_sensors(), DetectionSettings{});
  ConsumeResult first = core.consume({7, 10 * S, VideoEvent{VideoEventKind::FIGHT, 0.7}, 1}, 11 * S);
  CHECK(first.fate == Fate::RAISED);
  CHECK(only_event(first).alert.cls == AlertClass::ALTERCATION);
  CHECK(only_event(first).alert.confidence == 0.7);
  CHECK(core.consume({7, 40 * S, VideoEvent{VideoEventKind::FIGHT, 0.9}, 2}, 41 * S).fate == Fate::MERGED);
  CHECK(core.consume({7, 50 * S, VideoEvent{VideoEventKind::ABANDONED_OBJECT, 0.9}, 3}, 51 * S).fate == Fate::RAISED);
  ConsumeResult report = core.consume({8, 90 * S, CitizenReport{AlertClass::ASSAULT, 430, 220, 30}, 4}, 95 * S);
  CHECK(report.fate == Fate::MERGED);
  CHECK(report.alert == first.alert);
  CHECK(only_event(report).alert.confidence == doctest::Approx(1.0));
  CHECK(core.consume({7, 20 * S, VideoEvent{VideoEventKind::FIGHT, 1.5}, 5}, 96 * S).fate == Fate::REJECTED);
}

TEST_CASE("a count above its threshold raises crowding once, clears below the hysteresis, and old counts are late") {
  DetectionCore core(city_sensors(), DetectionSettings{});
  auto count = [](std::int64_t t_s, double people) { return Reading{6, t_s * S, Measurement{people}, 0}; };
  CHECK(core.consume(count(0, 300), 1 * S).fate == Fate::UNCHANGED);
  ConsumeResult over = core.consume(count(300, 520), 301 * S);
  CHECK(over.fate == Fate::RAISED);
  CHECK(only_event(over).alert.cls == AlertClass::CROWDING);
  CHECK(core.consume(count(600, 480), 601 * S).fate == Fate::MERGED);  // between 90% and 100% of the threshold
  CHECK(core.consume(count(450, 100), 602 * S).fate == Fate::LATE);
  ConsumeResult below = core.consume(count(900, 440), 901 * S);
  CHECK(below.fate == Fate::CLEARED);
  CHECK(only_event(below).kind == AlertEvent::Kind::CLEARED);
  CHECK(only_event(below).alert.id == over.alert);
  CHECK(core.consume(count(1200, 510), 1201 * S).fate == Fate::RAISED);
  CHECK(core.consume(count(1500, -1), 1501 * S).fate == Fate::REJECTED);
  CHECK(core.consume(count(1500, 10.5), 1501 * S).fate == Fate::REJECTED);
  CHECK(core.counts().cleared == 1);
}

TEST_CASE("a report of a robbery at a shop whose button was pressed joins the shop's alert") {
  std::vector<SensorInfo> sensors = {{"shop-a", SensorKind::ALERT_BUTTON, 100, 100},
                                     {"line", SensorKind::CITIZEN_LINE, 0, 0}};
  DetectionCore core(sensors, DetectionSettings{});
  ConsumeResult button = core.consume(press(0, 10 * S, 1), 12 * S);
  ConsumeResult call = core.consume({1, 60 * S, CitizenReport{AlertClass::ROBBERY, 110, 90, 25}, 2}, 65 * S);
  CHECK(call.fate == Fate::MERGED);
  CHECK(call.alert == button.alert);
  CHECK(only_event(call).alert.cls == AlertClass::SHOP_AGGRESSION);
}

namespace {

/// A stream of readings of every kind over an hour: two shots, a report of the first, presses, fights,
/// counts crossing the threshold.
std::vector<Reading> mixed_stream() {
  std::vector<Reading> r;
  for (const Reading& x : shot(300, 150, 100.0, 3.0, 100)) r.push_back(x);
  for (const Reading& x : shot(650, 320, 1500.0, 2.5, 200)) r.push_back(x);
  r.push_back({8, 160 * S, CitizenReport{AlertClass::GUNFIRE, 320, 170, 60}, 300});
  r.push_back({8, 2000 * S, CitizenReport{AlertClass::ASSAULT, 420, 205, 30}, 301});
  r.push_back({7, 1990 * S, VideoEvent{VideoEventKind::FIGHT, 0.8}, 302});
  r.push_back({7, 2100 * S, VideoEvent{VideoEventKind::FIGHT, 0.9}, 303});
  for (int k = 0; k < 12; ++k)
    r.push_back({6, (300 * k + 7) * S, Measurement{k >= 4 && k < 8 ? 650.0 : 300.0}, static_cast<std::uint64_t>(400 + k)});
  return r;
}

struct Seen {
  AlertEvent::Kind kind;
  AlertClass cls;
  std::uint32_t sensor;
  std::int64_t first_us, raised_us;
  std::vector<std::uint64_t> ids;
  bool operator==(const Seen&) const = default;
};

/// Feeds readings arriving at time + delay (in arrival order), then lets the clock run out.
std::vector<Seen> feed(const std::vector<Reading>& readings, const std::vector<std::int64_t>& delay_us,
                       std::int64_t window_us) {
  DetectionSettings s;
  s.reorder_window_us = window_us;
  DetectionCore core(city_sensors(), s);
  std::vector<std::pair<std::int64_t, std::size_t>> order;
  for (std::size_t i = 0; i < readings.size(); ++i) order.emplace_back(readings[i].time_us + delay_us[i], i);
  std::sort(order.begin(), order.end());
  std::vector<Seen> seen;
  auto keep = [&](const std::vector<AlertEvent>& events) {
    for (const auto& e : events)
      seen.push_back({e.kind, e.alert.cls, e.alert.sensor, e.alert.first_reading_us, e.alert.raised_us, e.alert.reading_ids});
  };
  for (auto [at, i] : order) keep(core.consume(readings[i], at).events);
  keep(core.advance(std::numeric_limits<std::int64_t>::max() / 2));
  CHECK(core.held() == 0);
  return seen;
}

}  // namespace

TEST_CASE("in event-time order the alerts depend on the readings alone, whatever their order and delay within the window") {
  std::vector<Reading> readings = mixed_stream();
  std::vector<std::int64_t> none(readings.size(), 0);
  std::vector<Seen> reference = feed(readings, none, 10 * S);
  CHECK(reference.size() >= 6);
  // A window wider than the microphones' allowed lateness changes nothing: readings that arrive at once,
  // in order, give the same alerts in either mode (raised at other times: arrival order closes a group
  // when a later reading comes).
  auto except_raised = [](std::vector<Seen> v) {
    for (Seen& x : v) x.raised_us = 0;
    return v;
  };
  CHECK(except_raised(feed(readings, none, 0)) == except_raised(reference));
  CHECK(except_raised(feed(readings, none, 60 * S)) == except_raised(reference));
  CHECK(std::count_if(reference.begin(), reference.end(),
                      [](const Seen& x) { return x.cls == AlertClass::GUNFIRE && x.kind == AlertEvent::Kind::RAISED; }) == 2);
  std::mt19937_64 rng(17);
  std::uniform_int_distribution<std::int64_t> delay(0, 10 * S - 1);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<std::int64_t> d(readings.size());
    for (auto& x : d) x = delay(rng);
    CHECK(feed(readings, d, 10 * S) == reference);
  }
}

TEST_CASE("in event-time order a reading older than the watermark is late, and one within it waits its turn") {
  DetectionSettings s;
  s.reorder_window_us = 5 * S;
  DetectionCore core(two_buttons().sensors(), s);
  ConsumeResult first = core.consume(press(0, 100 * S, 1), 101 * S);
  CHECK(first.fate == Fate::PENDING);
  CHECK(first.events.empty());
  CHECK(core.next_deadline_us() == 105 * S);
  std::vector<AlertEvent> raised = core.advance(105 * S);
  REQUIRE(raised.size() == 1);
  CHECK(raised[0].alert.raised_us == 100 * S);  // on the logical clock: as if it had arrived when pressed
  CHECK(core.consume(press(1, 99 * S, 2), 106 * S).fate == Fate::LATE);
  CHECK(core.counts().late == 1);
  core.keep_fates(true);
  core.consume(press(1, 103 * S, 3), 106 * S);  // waited for by the watermark (101 s)
  CHECK(core.advance(200 * S).size() == 1);
  std::vector<ReadingFate> fates = core.take_fates();
  REQUIRE(fates.size() == 1);
  CHECK(fates[0].id == 3);
  CHECK(fates[0].fate == Fate::RAISED);
}
