// BattLeDIM's scoring rules, checked on hand-made cases.
#include "models/water/LeakScore.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "models/water/InpReader.hpp"

using namespace citytwin::models::water;

namespace {

// Four 100 m pipes in a line, then a pump and a fifth pipe.
const char* LINE = R"(
[JUNCTIONS]
 A 0 1
 B 0 1
 C 0 1
 D 0 1
 E 0 1
 F 0 1
[RESERVOIRS]
 R 50
[PIPES]
 P1 R A 100 200 120
 P2 A B 100 200 120
 P3 B C 100 200 120
 P4 C D 100 200 120
 P5 E F 100 200 120
[PUMPS]
 PU D E POWER 5
[OPTIONS]
 Units LPS
[END]
)";

/// Volumes of leaks losing 1 m³ every second from their start to the end of a 10,000 s run, at 1 s steps.
LeakVolumes constant_loss(const std::vector<Leak>& leaks) {
  LeakVolumes v;
  v.cumulative_m3.assign(leaks.size(), {});
  for (std::int64_t t = 0; t <= 10000; t += 1000) {
    v.times_s.push_back(t);
    for (std::size_t i = 0; i < leaks.size(); ++i)
      v.cumulative_m3[i].push_back(static_cast<double>(std::max<std::int64_t>(0, t - leaks[i].start_s)));
  }
  return v;
}

}  // namespace

TEST_CASE("distances run between pipe centres along the pipes; pumps and valves add nothing") {
  const WaterNetwork net = parse_inp(LINE, "line.inp");
  const PipeDistances d(net);
  CHECK(d.between(net.link("P2"), net.link("P2")) == 0.0);
  CHECK(d.between(net.link("P1"), net.link("P2")) == doctest::Approx(100.0));
  CHECK(d.between(net.link("P1"), net.link("P4")) == doctest::Approx(300.0));
  CHECK(d.between(net.link("P4"), net.link("P5")) == doctest::Approx(100.0));  // across the pump
}

TEST_CASE("a leak found at its start on its own pipe scores all its water: the perfect score") {
  const WaterNetwork net = parse_inp(LINE, "line.inp");
  const PipeDistances d(net);
  const std::vector<Leak> leaks = {{net.link("P2"), 1000, 1000, 9000, 0.01, false},
                                   {net.link("P4"), 4000, 4000, 9000, 0.01, false}};
  const LeakVolumes v = constant_loss(leaks);
  CHECK(v.lost_after(0, 1000) == doctest::Approx(9000.0));
  CHECK(v.lost_after(0, 2500) == doctest::Approx(7500.0));
  const LeakScore perfect = score_battledim(leaks, v, {{net.link("P2"), 1000}, {net.link("P4"), 4000}}, d);
  CHECK(perfect.true_positives == 2);
  CHECK(perfect.false_positives == 0);
  CHECK(perfect.perfect_eur == doctest::Approx((9000 + 6000) * 0.8));
  CHECK(perfect.score_eur == doctest::Approx(perfect.perfect_eur));
  CHECK(perfect.share == doctest::Approx(1.0));
  CHECK(perfect.delay_s[0] == 0.0);
}

TEST_CASE("late, near, early, far and repeated detections score as BattLeDIM's rules say") {
  const WaterNetwork net = parse_inp(LINE, "line.inp");
  const PipeDistances d(net);
  const std::vector<Leak> leaks = {{net.link("P2"), 1000, 1000, 9000, 0.01, false}};
  const LeakVolumes v = constant_loss(leaks);
  // Found 2,000 s late, naming the pipe next to it (100 m): the water after, less a third of a crew.
  LeakScore s = score_battledim(leaks, v, {{net.link("P3"), 3000}}, d);
  CHECK(s.true_positives == 1);
  CHECK(s.score_eur == doctest::Approx(7000 * 0.8 - 100.0 / 300.0 * 500.0));
  CHECK(s.delay_s[0] == doctest::Approx(2000.0));
  CHECK(s.distance_m[0] == doctest::Approx(100.0));
  // Exactly 300 m away (P5, across the pump) still counts, for no crew's worth of water.
  s = score_battledim(leaks, v, {{net.link("P5"), 3000}}, d);
  CHECK(s.true_positives == 1);
  CHECK(s.score_eur == doctest::Approx(7000 * 0.8 - 500.0));
  // Before the leak, after its repair, or more than 300 m away (P5 from a leak on P1: 400 m): false alarms at
  // -500 EUR each, and the leak missed.
  const std::vector<Leak> on_p1 = {{net.link("P1"), 1000, 1000, 9000, 0.01, false}};
  s = score_battledim(on_p1, constant_loss(on_p1),
                      {{net.link("P1"), 500}, {net.link("P1"), 9500}, {net.link("P5"), 2000}}, d);
  CHECK(s.true_positives == 0);
  CHECK(s.false_positives == 3);
  CHECK(s.missed == 1);
  CHECK(s.score_eur == doctest::Approx(-1500.0));
  CHECK(std::isnan(s.delay_s[0]));
  // Found twice: the first counts, the second is a false alarm.
  s = score_battledim(leaks, v, {{net.link("P2"), 5000}, {net.link("P2"), 2000}}, d);
  CHECK(s.true_positives == 1);
  CHECK(s.false_positives == 1);
  CHECK(s.score_eur == doctest::Approx(8000 * 0.8 - 500.0));
}
