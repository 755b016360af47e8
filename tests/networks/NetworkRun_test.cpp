// Tests of a network replication: ALOHA throughput, capture, duty cycles, retries, gateways, mesh, cellular.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "models/networks/Network.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Statistics.hpp"

using namespace citytwin;
using namespace citytwin::models;
using sim::Time;

namespace {

/// A LoRaWAN of one gateway at the origin without shadowing, one channel, SF7, no duty-cycle limit and an
/// instant backhaul.
NetworkParams single_channel_lorawan() {
  NetworkParams p;
  p.kind = NetworkKind::LORAWAN;
  p.gateways = {{0.0, 0.0}};
  p.path_loss.shadowing_sigma_db = 0.0;
  p.tx_power_dbm = 30.0;
  p.channels = 1;
  p.fixed_spreading_factor = 7;
  p.duty_cycle = 1.0;
  p.backhaul_delay = sim::Distribution::constant(0.0);
  p.retry_backoff = sim::Distribution::constant(2.0);
  return p;
}

/// Runs `script` (which sends) then the simulation to its end; returns the recorded message table.
struct Harness {
  Harness(const NetworkParams& p, std::vector<sim::Point> devices, std::uint64_t seed = 1,
          std::uint32_t replication = 0)
      : net(p, std::move(devices), seed), run(net, sim, seed, replication, nullptr, true) {}
  sim::EventTable table() const { return run.message_table(); }
  double at(const sim::EventTable& t, const char* column, std::size_t row) const {
    return t.column(t.column_index(column))[row];
  }
  Network net;
  sim::Simulation sim;
  NetworkRun run;
};

bool same_table(const sim::EventTable& a, const sim::EventTable& b) {
  if (a.rows() != b.rows() || a.columns().size() != b.columns().size()) return false;
  for (std::size_t c = 0; c < a.columns().size(); ++c)
    for (std::size_t r = 0; r < a.rows(); ++r) {
      double x = a.column(c)[r], y = b.column(c)[r];
      if (!(x == y || (std::isnan(x) && std::isnan(y)))) return false;
    }
  return true;
}

}  // namespace

TEST_CASE("delivered throughput on one channel follows pure ALOHA, S = G exp(-2G)") {
  // 2000 devices at one spot send Poisson traffic of total offered load G (transmissions per time on air);
  // capture is off, so any overlap destroys both. S is measured from messages created away from the ends.
  NetworkParams p = single_channel_lorawan();
  p.capture_threshold_db = 1000.0;
  p.demodulators = 100000;
  p.payload_bytes = 20;
  const double airtime_s = lora_time_on_air_s(7, 125e3, 20);
  const std::vector<sim::Point> devices(2000, sim::Point{100.0, 0.0});
  const std::uint32_t replications = 8;
  for (double g : {0.1, 0.25, 0.5, 1.0, 2.0}) {
    CAPTURE(g);
    const double rate_per_s = g / airtime_s;
    const double duration_s = 15000.0 / rate_per_s, margin_s = 5.0;
    std::vector<double> throughput;
    for (std::uint32_t rep = 0; rep < replications; ++rep) {
      Harness h(p, devices, 11, rep);
      sim::RandomStream traffic(11, rep, 0, "aloha_test");
      std::uint64_t tag = 0;
      std::function<void()> arrival = [&] {
        h.run.send(traffic.uniform_int(2000), tag++);
        h.sim.schedule_in(Time::seconds(traffic.exponential(1.0 / rate_per_s)), [&] { arrival(); });
      };
      h.sim.schedule_at(Time{}, [&] { arrival(); });
      h.sim.run_until(Time::seconds(duration_s));
      sim::EventTable t = h.table();
      const auto& created = t.column(t.column_index("created_s"));
      const auto& ok = t.column(t.column_index("ok"));
      double good = 0;
      for (std::size_t r = 0; r < t.rows(); ++r)
        if (created[r] >= margin_s && created[r] < duration_s - margin_s) good += ok[r];
      throughput.push_back(good * airtime_s / (duration_s - 2 * margin_s));
    }
    sim::ConfidenceInterval ci = sim::confidence_interval(throughput);
    const double expected = g * std::exp(-2.0 * g);
    MESSAGE("G = " << g << ": S = " << ci.mean << " +/- " << ci.half_width << ", theory " << expected);
    CHECK(std::fabs(ci.mean - expected) <= 2.0 * ci.half_width + 0.002);
  }
}

TEST_CASE("the stronger of two overlapping transmissions survives at the capture threshold, below it both are lost") {
  // Log-distance loss with exponent 2.08: a device at 100 m is 10 * 2.08 * log10(d / 100) dB stronger than
  // one at d. At 217 m the difference is 7 dB (above the 6 dB threshold), at 174 m it is 5 dB.
  for (double far : {217.0, 174.0}) {
    CAPTURE(far);
    NetworkParams p = single_channel_lorawan();
    Harness h(p, {{100.0, 0.0}, {far, 0.0}});
    const double difference = h.net.rx_power_dbm(0, 0) - h.net.rx_power_dbm(1, 0);
    h.sim.schedule_at(Time{}, [&] {
      h.run.send(0, 0);
      h.run.send(1, 1);
    });
    h.sim.run_until(Time::seconds(10));
    sim::EventTable t = h.table();
    REQUIRE(t.rows() == 2);
    for (std::size_t r = 0; r < 2; ++r) {
      const bool strong = h.at(t, "device", r) == 0.0;
      const bool expect_ok = strong && difference >= p.capture_threshold_db;
      CHECK(h.at(t, "ok", r) == (expect_ok ? 1.0 : 0.0));
      if (!expect_ok) CHECK(h.at(t, "cause", r) == static_cast<double>(LossCause::COLLISION));
    }
    CHECK(h.run.gateway_loads()[0].collided == (difference >= 6.0 ? 1u : 2u));
  }
}

TEST_CASE("transmissions on different spreading factors or channels do not collide") {
  NetworkParams p = single_channel_lorawan();
  p.fixed_spreading_factor = 0;  // the near device gets SF7, the far one a higher factor
  p.tx_power_dbm = 14.0;
  Harness h(p, {{30.0, 0.0}, {300.0, 0.0}});
  REQUIRE(h.net.spreading_factor(0) != h.net.spreading_factor(1));
  h.sim.schedule_at(Time{}, [&] {
    h.run.send(0, 0);
    h.run.send(1, 1);
  });
  h.sim.run_until(Time::seconds(10));
  CHECK(h.run.delivered() == 2);
}

TEST_CASE("a transmission that starts as another ends does not overlap it") {
  NetworkParams p = single_channel_lorawan();
  p.capture_threshold_db = 1000.0;
  Harness h(p, {{100.0, 0.0}, {100.0, 0.0}});
  const Time airtime = Time::seconds(lora_time_on_air_s(7, 125e3, static_cast<int>(p.payload_bytes)));
  h.sim.schedule_at(Time{}, [&] { h.run.send(0, 0); });
  h.sim.schedule_at(airtime, [&] { h.run.send(1, 1); });
  h.sim.run_until(Time::seconds(10));
  CHECK(h.run.delivered() == 2);
}

TEST_CASE("a device's next message, started as two transmissions end together, overlaps neither") {
  // Without a duty cycle, device 0's second message starts the instant its first ends, which is also when
  // device 1's transmission ends: the first two collide, the third is alone on the air.
  NetworkParams p = single_channel_lorawan();
  p.duty_cycle = 1.0;
  Harness h(p, {{100.0, 0.0}, {100.0, 0.0}});
  h.sim.schedule_at(Time{}, [&] {
    h.run.send(0, 1);
    h.run.send(0, 2);
    h.run.send(1, 3);
  });
  h.sim.run_until(Time::seconds(10));
  sim::EventTable t = h.table();
  REQUIRE(t.rows() == 3);
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const double tag = h.at(t, "tag", r);
    CAPTURE(tag);
    CHECK(h.at(t, "ok", r) == (tag == 2 ? 1.0 : 0.0));
    if (tag != 2) CHECK(h.at(t, "cause", r) == static_cast<double>(LossCause::COLLISION));
  }
}

TEST_CASE("a device waits out its duty cycle between transmissions, first in first out") {
  NetworkParams p = single_channel_lorawan();
  p.duty_cycle = 0.01;
  Harness h(p, {{100.0, 0.0}});
  const double airtime_s = lora_time_on_air_s(7, 125e3, static_cast<int>(p.payload_bytes));
  h.sim.schedule_at(Time{}, [&] {
    for (std::uint64_t k = 0; k < 3; ++k) h.run.send(0, k);
  });
  h.sim.run_until(Time::seconds(100));
  sim::EventTable t = h.table();
  REQUIRE(t.rows() == 3);
  for (std::size_t k = 0; k < 3; ++k) {
    CAPTURE(k);
    CHECK(h.at(t, "tag", k) == static_cast<double>(k));
    CHECK(h.at(t, "created_s", k) == 0.0);
    CHECK(h.at(t, "sent_s", k) == doctest::Approx(static_cast<double>(k) * airtime_s / 0.01).epsilon(1e-9));
    CHECK(h.at(t, "delivered_s", k) - h.at(t, "sent_s", k) == doctest::Approx(airtime_s).epsilon(1e-5));
  }
}

TEST_CASE("a confirmed uplink that keeps colliding is retransmitted up to the attempt limit") {
  NetworkParams p = single_channel_lorawan();
  p.capture_threshold_db = 1000.0;
  p.confirmed = true;
  p.max_attempts = 4;
  Harness h(p, {{100.0, 0.0}, {100.0, 0.0}});
  h.sim.schedule_at(Time{}, [&] {
    h.run.send(0, 0);
    h.run.send(1, 1);
  });
  h.sim.run_until(Time::seconds(60));
  sim::EventTable t = h.table();
  REQUIRE(t.rows() == 2);
  for (std::size_t r = 0; r < 2; ++r) {
    CHECK(h.at(t, "ok", r) == 0.0);
    CHECK(h.at(t, "attempts", r) == 4.0);
    CHECK(h.at(t, "cause", r) == static_cast<double>(LossCause::COLLISION));
  }
  CHECK(h.run.transmissions() == 8);
  CHECK(h.run.gateway_loads()[0].collided == 8);
  CHECK(h.run.gateway_loads()[0].acks == 0);
}

TEST_CASE("a confirmed uplink is acknowledged once, and the gateway's downlink duty cycle delays later acks") {
  // The ack after device 0's uplink (SF7, 12-byte downlink: 41.216 ms) keeps the gateway silent for
  // 4.12 s at a 1% downlink duty cycle. Device 1's uplink at 1 s is decoded but not acknowledged, so it is
  // retransmitted 2 s after each attempt, at 3.06 s (still silent) and 5.11 s (acknowledged).
  NetworkParams p = single_channel_lorawan();
  p.confirmed = true;
  p.gateway_downlink_duty_cycle = 0.01;
  Harness h(p, {{100.0, 0.0}, {100.0, 0.0}});
  h.sim.schedule_at(Time{}, [&] { h.run.send(0, 0); });
  h.sim.schedule_at(Time::seconds(1), [&] { h.run.send(1, 1); });
  h.sim.run_until(Time::seconds(60));
  sim::EventTable t = h.table();
  REQUIRE(t.rows() == 2);
  CHECK(h.run.delivered() == 2);
  CHECK(h.at(t, "attempts", 0) == 1.0);
  CHECK(h.at(t, "attempts", 1) == 1.0);  // delivered by its first transmission
  CHECK(h.run.transmissions() == 4);
  CHECK(h.run.gateway_loads()[0].acks == 2);
  CHECK(h.run.gateway_loads()[0].received == 4);
}

TEST_CASE("a gateway with every demodulator busy loses the next transmission") {
  NetworkParams p = single_channel_lorawan();
  p.capture_threshold_db = -1000.0;  // overlaps never destroy a reception here
  p.demodulators = 2;
  Harness h(p, {{100.0, 0.0}, {150.0, 0.0}, {200.0, 0.0}});
  h.sim.schedule_at(Time{}, [&] {
    for (std::uint32_t d = 0; d < 3; ++d) h.run.send(d, d);
  });
  h.sim.schedule_at(Time::seconds(1), [&] { h.run.send(2, 3); });
  h.sim.run_until(Time::seconds(10));
  sim::EventTable t = h.table();
  REQUIRE(t.rows() == 4);
  CHECK(h.run.delivered() == 3);
  CHECK(h.run.lost(LossCause::GATEWAY_BUSY) == 1);
  for (std::size_t r = 0; r < 4; ++r)
    if (h.at(t, "ok", r) == 0.0) CHECK(h.at(t, "tag", r) == 2.0);
  CHECK(h.run.gateway_loads()[0].busy == 1);
  CHECK(h.run.gateway_loads()[0].heard == 4);
}

TEST_CASE("several gateways decode one uplink and the strongest delivers it") {
  NetworkParams p = single_channel_lorawan();
  p.gateways = {{0.0, 0.0}, {300.0, 0.0}, {5000.0, 0.0}};
  Harness h(p, {{200.0, 0.0}});
  h.sim.schedule_at(Time{}, [&] { h.run.send(0, 0); });
  h.sim.run_until(Time::seconds(10));
  sim::EventTable t = h.table();
  CHECK(h.at(t, "gateway", 0) == 1.0);
  CHECK(h.at(t, "gateways_heard", 0) == 2.0);
  CHECK(h.run.gateway_loads()[2].heard == 0);
  sim::EventTable g = h.run.gateway_table();
  CHECK(g.rows() == 3);
  CHECK(g.column(g.column_index("x_m"))[1] == 300.0);
}

TEST_CASE("a LoRaWAN device out of range is lost for lack of coverage at once") {
  NetworkParams p = single_channel_lorawan();
  Harness h(p, {{1e6, 0.0}});
  bool reported = false;
  h.sim.schedule_at(Time{}, [&] {
    h.run.send(0, 0);
    reported = h.run.lost(LossCause::NO_COVERAGE) == 1;
  });
  h.sim.run_until(Time::seconds(1));
  CHECK(reported);
}

TEST_CASE("the generic link draws loss then delay from the device's network stream") {
  NetworkParams p;
  p.loss_probability = 0.3;
  p.delay = sim::Distribution::exponential(2.0);
  const std::uint64_t seed = 5;
  const std::uint32_t replication = 2;
  Network net(p, std::vector<sim::Point>(3), seed);
  sim::Simulation sim;
  std::vector<MessageOutcome> got;
  NetworkRun run(net, sim, seed, replication, [&](const MessageOutcome& o) { got.push_back(o); });
  // Device 1 sends twenty messages one second apart; a loss is reported from inside send().
  for (int k = 0; k < 20; ++k)
    sim.schedule_at(Time::seconds(k), [&, k] {
      const std::size_t before = got.size();
      run.send(1, static_cast<std::uint64_t>(k));
      if (got.size() > before) CHECK(!got.back().ok);
    });
  sim.run_until(Time::seconds(1000));
  REQUIRE(got.size() == 20);
  std::sort(got.begin(), got.end(), [](const auto& a, const auto& b) { return a.tag < b.tag; });
  sim::RandomStream rng(seed, replication, 1, "network");
  int lost = 0;
  for (int k = 0; k < 20; ++k) {
    const bool expect_lost = rng.bernoulli(0.3);
    const Time delay = p.delay.sample(rng);
    CAPTURE(k);
    CHECK(got[k].ok == !expect_lost);
    if (!expect_lost) CHECK(got[k].delivered == Time::seconds(k) + delay);
    lost += expect_lost;
  }
  CHECK(lost > 0);
  CHECK(run.lost(LossCause::LINK_LOSS) == static_cast<std::uint64_t>(lost));
}

TEST_CASE("two networks with different purposes draw independently") {
  NetworkParams p;
  p.delay = sim::Distribution::exponential(2.0);
  Network net(p, std::vector<sim::Point>(1), 1);
  sim::Simulation sim;
  std::vector<Time> a, b;
  NetworkRun first(net, sim, 1, 0, [&](const MessageOutcome& o) { a.push_back(o.delivered); });
  NetworkRun second(net, sim, 1, 0, [&](const MessageOutcome& o) { b.push_back(o.delivered); }, false, "backup");
  sim.schedule_at(Time{}, [&] {
    first.send(0, 0);
    second.send(0, 0);
  });
  sim.run_until(Time::seconds(1000));
  REQUIRE(a.size() == 1);
  REQUIRE(b.size() == 1);
  CHECK(a[0] != b[0]);
}

TEST_CASE("a wired link delivers after its fixed latency and never loses") {
  NetworkParams p;
  p.kind = NetworkKind::WIRED;
  p.latency = Time::seconds(0.02);
  Harness h(p, std::vector<sim::Point>(4));
  for (int k = 0; k < 8; ++k)
    h.sim.schedule_at(Time::seconds(k * 0.5), [&, k] { h.run.send(static_cast<std::uint32_t>(k % 4), 0); });
  h.sim.run_until(Time::seconds(10));
  sim::EventTable t = h.table();
  REQUIRE(t.rows() == 8);
  for (std::size_t r = 0; r < 8; ++r) CHECK(h.at(t, "latency_s", r) == doctest::Approx(0.02));
  CHECK(h.run.delivered() == 8);
}

TEST_CASE("cellular losses follow coverage and loss probability, and costs count devices and messages") {
  NetworkParams p;
  p.kind = NetworkKind::CELLULAR;
  p.coverage_probability = 0.9;
  p.loss_probability = 0.05;
  p.cellular_latency = sim::Distribution::constant(1.5);
  p.cost_per_device_month_eur = 1.5;
  p.cost_per_message_eur = 0.001;
  const std::uint32_t n = 20000;
  Harness h(p, std::vector<sim::Point>(n), 9);
  h.sim.schedule_at(Time{}, [&] {
    for (std::uint32_t d = 0; d < n; ++d) h.run.send(d, d);
  });
  h.sim.run_until(Time::days(1));
  std::uint32_t uncovered = 0;
  for (std::uint32_t d = 0; d < n; ++d) uncovered += h.net.covered(d) ? 0 : 1;
  CHECK(h.run.lost(LossCause::NO_COVERAGE) == uncovered);
  const double covered = n - uncovered;
  const double link_loss = static_cast<double>(h.run.lost(LossCause::LINK_LOSS)) / covered;
  CHECK(std::fabs(link_loss - 0.05) < 4.0 * std::sqrt(0.05 * 0.95 / covered));
  std::vector<sim::Kpi> kpis;
  h.run.append_kpis(kpis, "alarm_network", 86400.0);
  auto kpi = [&](const std::string& name) {
    for (const auto& k : kpis)
      if (k.name == name) return k.value;
    FAIL("no KPI " << name);
    return 0.0;
  };
  // 20000 devices at 18 EUR a year, plus 20000 messages a day at 0.1 cent.
  CHECK(kpi("alarm_network_cost_per_year_eur") == doctest::Approx(20000 * 18.0 + 20000 * 365 * 0.001));
  CHECK(kpi("alarm_network_latency_mean_s") == doctest::Approx(1.5));
  CHECK(kpi("alarm_network_delivery_ratio") == doctest::Approx(covered * (1 - link_loss) / n));
  CHECK(kpi("alarm_network_lost_no_coverage") == uncovered);
  for (const auto& k : kpis) CHECK(!k.description.empty());
}

TEST_CASE("a mesh delivers after one hop delay per hop and loses as the hop losses compound") {
  NetworkParams p;
  p.kind = NetworkKind::MESH;
  p.path_loss.d0_m = 1.0;
  p.path_loss.pl_d0_db = 40.0;
  p.path_loss.exponent = 2.0;
  p.mesh_sensitivity_dbm = -70.0;  // links up to 158 m
  p.gateways = {{-100.0, 0.0}};
  p.hop_delay = sim::Distribution::constant(0.01);
  p.backhaul_delay = sim::Distribution::constant(0.0);
  p.hop_attempts = 1;
  SUBCASE("without losses") {
    p.hop_loss_probability = 0.0;
    Harness h(p, {{0.0, 0.0}, {100.0, 0.0}, {200.0, 0.0}});
    h.sim.schedule_at(Time{}, [&] {
      for (std::uint32_t d = 0; d < 3; ++d) h.run.send(d, d);
    });
    h.sim.run_until(Time::seconds(1));
    sim::EventTable t = h.table();
    REQUIRE(t.rows() == 3);
    for (std::size_t r = 0; r < 3; ++r) {
      const double hops = h.at(t, "device", r) + 1;
      CHECK(h.at(t, "hops", r) == hops);
      CHECK(h.at(t, "latency_s", r) == doctest::Approx(0.01 * hops));
      CHECK(h.at(t, "gateway", r) == 0.0);
    }
  }
  SUBCASE("with losses on every hop") {
    p.hop_loss_probability = 0.3;
    const std::uint32_t n = 3000;
    std::vector<sim::Point> devices(n, sim::Point{200.0, 0.0});  // 3 hops through the relays below
    devices.push_back({0.0, 0.0});
    devices.push_back({100.0, 0.0});
    Harness h(p, devices);
    REQUIRE(h.net.hops(0) == 3);
    h.sim.schedule_at(Time{}, [&] {
      for (std::uint32_t d = 0; d < n; ++d) h.run.send(d, d);
    });
    h.sim.run_until(Time::seconds(10));
    const double ratio = static_cast<double>(h.run.delivered()) / n;
    const double expected = std::pow(0.7, 3);
    CHECK(std::fabs(ratio - expected) < 4.0 * std::sqrt(expected * (1 - expected) / n));
  }
}

TEST_CASE("the same seed gives identical message tables, another seed does not") {
  NetworkParams p;
  p.kind = NetworkKind::LORAWAN;
  p.gateways = {{0.0, 0.0}, {400.0, 300.0}};
  p.path_loss.fading_sigma_db = 3.0;
  p.confirmed = true;
  p.duty_cycle = 0.1;
  std::vector<sim::Point> devices;
  sim::RandomStream layout(1, 0, 0, "layout");
  for (int d = 0; d < 300; ++d) devices.push_back({layout.uniform(-200, 600), layout.uniform(-200, 500)});
  auto run = [&](std::uint64_t seed) {
    Harness h(p, devices, seed);
    sim::RandomStream traffic(seed, 0, 0, "traffic");
    for (int k = 0; k < 3000; ++k) {
      const auto d = traffic.uniform_int(300);
      h.sim.schedule_at(Time::seconds(traffic.uniform(0, 600)), [&h, d, k] { h.run.send(d, static_cast<std::uint64_t>(k)); });
    }
    h.sim.run_until(Time::hours(2));
    CHECK(h.run.pending() == 0);
    return h.table();
  };
  sim::EventTable a = run(3), b = run(3), c = run(4);
  CHECK(a.rows() == 3000);
  CHECK(same_table(a, b));
  CHECK(!same_table(a, c));
}
