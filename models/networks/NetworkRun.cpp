// One replication of a network: message fates, LoRaWAN transmissions with collisions and duty cycles, counters.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "models/networks/Network.hpp"
#include "sim/Check.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Statistics.hpp"

namespace citytwin::models {

using sim::Time;

std::string_view loss_cause_name(LossCause c) {
  switch (c) {
    case LossCause::NONE: return "none";
    case LossCause::NO_COVERAGE: return "no_coverage";
    case LossCause::LINK_LOSS: return "link_loss";
    case LossCause::COLLISION: return "collision";
    case LossCause::FADING: return "fading";
    case LossCause::GATEWAY_BUSY: return "gateway_busy";
  }
  return "?";
}

namespace {

constexpr std::uint32_t NONE = std::numeric_limits<std::uint32_t>::max();
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
// Ends of transmissions run before anything else at the same instant: a transmission that starts exactly
// when another ends does not overlap it.
constexpr sim::Priority END_PRIORITY = -50;
// A LoRaWAN acknowledgement: an empty downlink frame (MHDR, FHDR, MIC), sent without payload CRC.
constexpr int ACK_PHY_BYTES = 12;

/// A free-list pool of records addressed by index, so that events carry a 32-bit index.
template <class T>
class Pool {
 public:
  std::uint32_t allocate() {
    if (free_.empty()) {
      items_.emplace_back();
      return static_cast<std::uint32_t>(items_.size() - 1);
    }
    std::uint32_t i = free_.back();
    free_.pop_back();
    items_[i] = T{};
    return i;
  }
  void release(std::uint32_t i) { free_.push_back(i); }
  T& operator[](std::uint32_t i) { return items_[i]; }
  std::size_t capacity() const { return items_.size(); }

 private:
  std::vector<T> items_;
  std::vector<std::uint32_t> free_;
};

}  // namespace

struct NetworkRun::Impl {
  /// A message not yet finished by its device (waiting, on air, or awaiting a retry).
  struct Message {
    MessageOutcome out;
    std::uint32_t next = NONE;     // next message of the same device, in FIFO order
    std::uint16_t payload = 0;     // PHY payload bytes
    bool delivered = false;        // a gateway decoded it; its delivery is reported or scheduled
  };
  /// A device's LoRaWAN state.
  struct Device {
    Time next_free;                // the duty cycle allows the next transmission from here
    std::uint32_t head = NONE, tail = NONE;
    bool busy = false;             // its head message is in progress
  };
  /// A LoRaWAN transmission on air; per-gateway values live in the flat arrays below.
  struct Tx {
    std::uint32_t message = NONE;
    std::uint32_t device = 0;
    Time start, end;
    std::uint16_t list = 0;        // channel * 6 + (sf - 7)
    std::uint8_t sf = 0;
  };
  enum RxState : std::uint8_t { BELOW = 0, LOCKED = 1, NO_DEMODULATOR = 2 };

  Impl(const Network& net, std::uint64_t seed_, std::uint32_t replication_, std::uint32_t purpose_)
      : seed(seed_), replication(replication_), purpose(purpose_), gateway_count(net.params().gateways.size()) {}

  std::uint64_t seed;
  std::uint32_t replication;
  std::uint32_t purpose;
  std::size_t gateway_count;
  std::vector<sim::RandomStream> streams;  // one per device, built at the first send

  // Outcomes of deliveries scheduled for later.
  Pool<MessageOutcome> deliveries;

  // LoRaWAN.
  Pool<Message> messages;
  std::vector<Device> devices;
  Pool<Tx> txs;
  std::vector<float> tx_rx_dbm, tx_interference_dbm;  // per transmission slot and gateway
  std::vector<std::uint8_t> tx_state;
  std::vector<std::vector<std::uint32_t>> on_air;     // transmissions per (channel, spreading factor)
  std::vector<std::uint32_t> demodulators_busy;       // per gateway
  // True while a transmission's end is resolved: other transmissions may end at the same instant and not be
  // resolved yet, so nothing may start synchronously (it would overlap them).
  bool resolving = false;
  std::vector<Time> downlink_free;                    // per gateway: its duty cycle allows an ack from here
  double sensitivity_dbm[13] = {};
  double airtime_s[13] = {};                          // of the default payload
  double ack_airtime_s[13] = {};

  // Statistics kept without storing messages.
  sim::RunningStats latency;
  sim::P2Quantile latency_p95{0.95};

  sim::RandomStream& stream(std::uint32_t device, std::size_t device_count) {
    if (streams.empty()) {
      streams.reserve(device_count);
      for (std::uint32_t d = 0; d < device_count; ++d) streams.emplace_back(seed, replication, d, purpose);
    }
    return streams[device];
  }
};

NetworkRun::NetworkRun(const Network& network, sim::Simulation& sim, std::uint64_t seed, std::uint32_t replication,
                       Handler on_outcome, bool record, std::string_view purpose)
    : network_(&network), sim_(&sim), handler_(std::move(on_outcome)),
      impl_(std::make_unique<Impl>(network, seed, replication, sim::purpose_id(purpose))),
      gateways_(network.params().gateways.size()), record_(record) {
  const NetworkParams& p = network.params();
  if (p.kind == NetworkKind::LORAWAN) {
    Impl& m = *impl_;
    m.devices.resize(network.device_count());
    m.on_air.resize(static_cast<std::size_t>(p.channels) * 6);
    m.demodulators_busy.assign(m.gateway_count, 0);
    m.downlink_free.assign(m.gateway_count, Time{});
    for (int sf = 7; sf <= 12; ++sf) {
      m.sensitivity_dbm[sf] = lora_sensitivity_dbm(sf, p.bandwidth_hz);
      m.airtime_s[sf] = lora_time_on_air_s(sf, p.bandwidth_hz, static_cast<int>(p.payload_bytes), p.coding_rate);
      m.ack_airtime_s[sf] = lora_time_on_air_s(sf, p.bandwidth_hz, ACK_PHY_BYTES, p.coding_rate, 8, true, false);
    }
  }
}

NetworkRun::~NetworkRun() = default;

std::uint64_t NetworkRun::lost_total() const {
  std::uint64_t n = 0;
  for (std::size_t c = 1; c < LOSS_CAUSE_COUNT; ++c) n += lost_[c];
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// Sending

namespace {

MessageOutcome new_outcome(std::uint32_t device, std::uint64_t tag, Time now) {
  MessageOutcome o;
  o.tag = tag;
  o.device = device;
  o.created = now;
  o.sent = now;
  return o;
}

std::uint8_t saturate_u8(std::uint32_t v) { return static_cast<std::uint8_t>(std::min<std::uint32_t>(v, 255)); }

}  // namespace

void NetworkRun::send(std::uint32_t device, std::uint64_t tag, std::uint32_t payload_bytes) {
  const Network& net = *network_;
  const NetworkParams& p = net.params();
  CITYTWIN_CHECK(device < net.device_count(), "NetworkRun::send(): device index out of range");
  ++sent_;
  Impl& m = *impl_;
  const Time now = sim_->now();
  MessageOutcome o = new_outcome(device, tag, now);

  // Reports a loss now, or schedules the delivery `after` from now.
  auto settle = [&](bool lost, LossCause cause, Time after) {
    if (lost) {
      o.cause = cause;
      report(o);
      return;
    }
    o.ok = true;
    o.delivered = now + after;
    schedule_delivery(o);
  };

  switch (p.kind) {
    case NetworkKind::GENERIC: {
      // The draws, in this order, are part of the contract: an existing golden trace depends on them.
      sim::RandomStream& rng = m.stream(device, net.device_count());
      o.attempts = 1;
      const bool lost = rng.bernoulli(p.loss_probability);
      const Time delay = p.delay.sample(rng);
      settle(lost, LossCause::LINK_LOSS, delay);
      return;
    }
    case NetworkKind::WIRED:
      o.attempts = 1;
      settle(false, LossCause::NONE, p.latency);
      return;
    case NetworkKind::CELLULAR: {
      if (!net.covered(device)) return settle(true, LossCause::NO_COVERAGE, Time{});
      sim::RandomStream& rng = m.stream(device, net.device_count());
      o.attempts = 1;
      const bool lost = rng.bernoulli(p.loss_probability);
      const Time latency = p.cellular_latency.sample(rng);
      settle(lost, LossCause::LINK_LOSS, latency);
      return;
    }
    case NetworkKind::MESH: {
      if (!net.covered(device)) return settle(true, LossCause::NO_COVERAGE, Time{});
      // Walk the route hop by hop: each hop makes up to hop_attempts attempts, each taking a hop delay.
      sim::RandomStream& rng = m.stream(device, net.device_count());
      const auto n = static_cast<std::uint32_t>(net.device_count());
      Time total;
      std::uint32_t attempts = 0;
      std::uint32_t node = device;
      o.hops = saturate_u8(net.hops(device));
      while (node < n) {
        bool through = false;
        for (std::uint32_t a = 0; a < p.hop_attempts && !through; ++a) {
          ++attempts;
          total += p.hop_delay.sample(rng);
          through = !rng.bernoulli(p.hop_loss_probability);
        }
        if (!through) {
          o.attempts = saturate_u8(attempts);
          return settle(true, LossCause::LINK_LOSS, Time{});
        }
        node = net.next_hop_[node];
      }
      const std::uint32_t sink = node - n;
      o.gateway = static_cast<std::int32_t>(sink);
      o.attempts = saturate_u8(attempts);
      ++gateways_[sink].heard;
      ++gateways_[sink].received;
      settle(false, LossCause::NONE, total + p.backhaul_delay.sample(rng));
      return;
    }
    case NetworkKind::LORAWAN: {
      if (!net.covered(device)) return settle(true, LossCause::NO_COVERAGE, Time{});
      // Queue behind the device's earlier messages; start at once if it is idle.
      const std::uint32_t id = m.messages.allocate();
      Impl::Message& msg = m.messages[id];
      msg.out = o;
      msg.out.spreading_factor = static_cast<std::uint8_t>(net.spreading_factor(device));
      msg.payload = static_cast<std::uint16_t>(payload_bytes == 0 ? p.payload_bytes : payload_bytes);
      Impl::Device& dev = m.devices[device];
      if (dev.tail == NONE) dev.head = id;
      else m.messages[dev.tail].next = id;
      dev.tail = id;
      if (!dev.busy) begin_next(device);
      return;
    }
  }
}

void NetworkRun::schedule_delivery(const MessageOutcome& o) {
  const std::uint32_t slot = impl_->deliveries.allocate();
  impl_->deliveries[slot] = o;
  sim_->schedule_at(o.delivered, [this, slot] {
    MessageOutcome out = impl_->deliveries[slot];
    impl_->deliveries.release(slot);
    report(out);
  });
}

void NetworkRun::report(const MessageOutcome& o) {
  if (o.ok) {
    ++delivered_;
    const double latency_s = (o.delivered - o.created).to_seconds();
    impl_->latency.add(latency_s);
    impl_->latency_p95.add(latency_s);
  } else {
    ++lost_[static_cast<std::size_t>(o.cause)];
  }
  if (record_) records_.push_back(o);
  if (handler_) handler_(o);
}

// ---------------------------------------------------------------------------------------------------------
// LoRaWAN transmissions

void NetworkRun::begin_next(std::uint32_t device) {
  Impl& m = *impl_;
  Impl::Device& dev = m.devices[device];
  if (dev.head == NONE) return;
  dev.busy = true;
  start_when_allowed(device, sim_->now());
}

void NetworkRun::start_when_allowed(std::uint32_t device, Time earliest) {
  Impl::Device& dev = impl_->devices[device];
  const Time t = std::max(earliest, dev.next_free);
  // A start at this instant waits, while an end is being resolved, until every end at this instant has run.
  if (t == sim_->now() && !impl_->resolving) start_transmission(device);
  else sim_->schedule_at(t, [this, device] { start_transmission(device); });
}

void NetworkRun::start_transmission(std::uint32_t device) {
  Impl& m = *impl_;
  const NetworkParams& p = network_->params();
  const Time now = sim_->now();
  Impl::Device& dev = m.devices[device];
  const std::uint32_t id = dev.head;
  Impl::Message& msg = m.messages[id];
  const int sf = msg.out.spreading_factor;
  if (msg.out.attempts == 0) msg.out.sent = now;
  msg.out.attempts = saturate_u8(msg.out.attempts + 1u);
  ++transmissions_;

  // Time on air and the duty-cycle wait that follows it.
  const double airtime_s = msg.payload == p.payload_bytes
                               ? m.airtime_s[sf]
                               : lora_time_on_air_s(sf, p.bandwidth_hz, msg.payload, p.coding_rate);
  const Time end = now + Time::seconds(airtime_s);
  dev.next_free = now + Time::seconds(airtime_s / p.duty_cycle);

  // The channel, and the power at each gateway with this transmission's fading.
  sim::RandomStream& rng = m.stream(device, network_->device_count());
  const std::uint32_t channel = rng.uniform_int(p.channels);
  const std::uint32_t t = m.txs.allocate();
  const std::size_t g_count = m.gateway_count;
  if (m.tx_state.size() < m.txs.capacity() * g_count) {
    const std::size_t size = std::max<std::size_t>(m.txs.capacity(), 16) * 2 * g_count;
    m.tx_rx_dbm.resize(size);
    m.tx_interference_dbm.resize(size);
    m.tx_state.resize(size);
  }
  Impl::Tx& tx = m.txs[t];
  tx.message = id;
  tx.device = device;
  tx.start = now;
  tx.end = end;
  tx.sf = static_cast<std::uint8_t>(sf);
  tx.list = static_cast<std::uint16_t>(channel * 6 + static_cast<std::uint32_t>(sf - 7));
  float* rx = &m.tx_rx_dbm[t * g_count];
  float* interference = &m.tx_interference_dbm[t * g_count];
  std::uint8_t* state = &m.tx_state[t * g_count];
  const double fading = p.path_loss.fading_sigma_db;
  for (std::size_t g = 0; g < g_count; ++g) {
    double power = network_->rx_dbm_[device * g_count + g];
    if (fading > 0.0) power += rng.normal(0.0, fading);
    rx[g] = static_cast<float>(power);
    interference[g] = -std::numeric_limits<float>::infinity();
    // A gateway locks a demodulator on the preamble of a transmission above its sensitivity, if one is free.
    if (power < m.sensitivity_dbm[sf]) {
      state[g] = Impl::BELOW;
    } else if (m.demodulators_busy[g] < p.demodulators) {
      state[g] = Impl::LOCKED;
      ++m.demodulators_busy[g];
    } else {
      state[g] = Impl::NO_DEMODULATOR;
    }
  }

  // Every transmission on air on the same channel and spreading factor overlaps this one: each keeps the
  // strongest interferer it has met at each gateway.
  std::vector<std::uint32_t>& list = m.on_air[tx.list];
  for (std::uint32_t other : list) {
    float* other_rx = &m.tx_rx_dbm[other * g_count];
    float* other_interference = &m.tx_interference_dbm[other * g_count];
    for (std::size_t g = 0; g < g_count; ++g) {
      interference[g] = std::max(interference[g], other_rx[g]);
      other_interference[g] = std::max(other_interference[g], rx[g]);
    }
  }
  list.push_back(t);
  sim_->schedule_at(end, [this, t] { end_transmission(t); }, END_PRIORITY);
}

void NetworkRun::end_transmission(std::uint32_t t) {
  Impl& m = *impl_;
  struct Resolving {
    bool& flag;
    explicit Resolving(bool& f) : flag(f) { flag = true; }
    ~Resolving() { flag = false; }
  } resolving(m.resolving);
  const NetworkParams& p = network_->params();
  const Time now = sim_->now();
  const Impl::Tx tx = m.txs[t];
  std::vector<std::uint32_t>& list = m.on_air[tx.list];
  auto it = std::find(list.begin(), list.end(), t);
  CITYTWIN_CHECK(it != list.end(), "a LoRa transmission ended that was not on air");
  *it = list.back();
  list.pop_back();

  // Resolve the reception at each gateway: decoded unless an overlap came within the capture threshold.
  const std::size_t g_count = m.gateway_count;
  const float* rx = &m.tx_rx_dbm[t * g_count];
  const float* interference = &m.tx_interference_dbm[t * g_count];
  const std::uint8_t* state = &m.tx_state[t * g_count];
  const double airtime_s = (tx.end - tx.start).to_seconds();
  std::uint32_t decoded = 0;
  bool heard = false, collided = false;
  std::int32_t best = -1;  // the strongest decoding gateway
  std::int32_t best_ack = -1;  // the strongest decoding gateway whose downlink duty cycle allows an ack
  for (std::size_t g = 0; g < g_count; ++g) {
    if (state[g] == Impl::BELOW) continue;
    GatewayLoad& load = gateways_[g];
    ++load.heard;
    heard = true;
    if (state[g] == Impl::NO_DEMODULATOR) {
      ++load.busy;
      continue;
    }
    --m.demodulators_busy[g];
    if (static_cast<double>(rx[g]) - static_cast<double>(interference[g]) < p.capture_threshold_db) {
      ++load.collided;
      collided = true;
      continue;
    }
    ++load.received;
    load.airtime_s += airtime_s;
    ++decoded;
    if (best < 0 || rx[g] > rx[best]) best = static_cast<std::int32_t>(g);
    if (m.downlink_free[g] <= now && (best_ack < 0 || rx[g] > rx[best_ack])) best_ack = static_cast<std::int32_t>(g);
  }
  m.txs.release(t);

  Impl::Message& msg = m.messages[tx.message];
  sim::RandomStream& rng = m.stream(tx.device, network_->device_count());
  bool done = true;
  std::optional<MessageOutcome> lost;
  if (decoded > 0) {
    // The first decoded transmission delivers the message, after the backhaul.
    if (!msg.delivered) {
      msg.delivered = true;
      MessageOutcome o = msg.out;
      o.ok = true;
      o.gateway = best;
      o.gateways_heard = saturate_u8(decoded);
      o.delivered = now + p.backhaul_delay.sample(rng);
      schedule_delivery(o);
    }
    // A confirmed uplink is acknowledged by the strongest gateway free to transmit; without one the
    // device retries, though the server already has the message.
    if (p.confirmed) {
      if (best_ack >= 0) {
        ++gateways_[best_ack].acks;
        m.downlink_free[best_ack] = now + Time::seconds(m.ack_airtime_s[tx.sf] / p.gateway_downlink_duty_cycle);
      } else if (msg.out.attempts < p.max_attempts) {
        done = false;
      }
    }
  } else if (p.confirmed && msg.out.attempts < p.max_attempts) {
    done = false;
  } else if (!msg.delivered) {
    MessageOutcome o = msg.out;
    o.cause = !heard ? LossCause::FADING : collided ? LossCause::COLLISION : LossCause::GATEWAY_BUSY;
    lost = o;
  }

  if (!done) {
    // No acknowledgement: try again after the back-off, when the duty cycle allows.
    start_when_allowed(tx.device, now + p.retry_backoff.sample(rng));
    return;
  }
  // The message is finished: the device moves on to its next one, then the loss is reported.
  Impl::Device& dev = m.devices[tx.device];
  dev.head = msg.next;
  if (dev.head == NONE) dev.tail = NONE;
  dev.busy = false;
  m.messages.release(tx.message);
  begin_next(tx.device);
  if (lost) report(*lost);
}

// ---------------------------------------------------------------------------------------------------------
// Results

sim::EventTable NetworkRun::message_table() const {
  using Type = sim::ColumnSpec::Type;
  sim::EventTable table(
      "messages", "One row per message handed to the network: when it was sent and delivered, or why it was lost.",
      {
          {"device", Type::INT64, "", "Index of the sending device."},
          {"tag", Type::INT64, "", "The sender's tag of the message."},
          {"created_s", Type::FLOAT64, "s", "When the sensor handed the message to the network."},
          {"sent_s", Type::FLOAT64, "s", "Start of its first transmission (after any duty-cycle wait)."},
          {"delivered_s", Type::FLOAT64, "s", "Arrival at the application server; NaN when lost."},
          {"latency_s", Type::FLOAT64, "s", "From creation to delivery; NaN when lost."},
          {"ok", Type::INT64, "", "1 when delivered, 0 when lost."},
          {"cause", Type::INT64, "",
           "Why it was lost: 0 delivered, 1 no coverage (no gateway, cell or route), 2 link loss, "
           "3 collision, 4 fading (below every gateway's sensitivity), 5 gateway busy (no free demodulator)."},
          {"gateway", Type::INT64, "", "Gateway or mesh border router that delivered it; -1 when none."},
          {"spreading_factor", Type::INT64, "", "LoRaWAN spreading factor (7-12); 0 for other networks."},
          {"attempts", Type::INT64, "", "Transmissions made (LoRaWAN retries, mesh link-layer attempts)."},
          {"hops", Type::INT64, "", "Mesh hops on the route; 0 for other networks."},
          {"gateways_heard", Type::INT64, "", "LoRaWAN gateways that decoded the delivering transmission."},
      });
  for (const MessageOutcome& o : records_) {
    const double delivered_s = o.ok ? o.delivered.to_seconds() : NaN;
    const double latency_s = o.ok ? (o.delivered - o.created).to_seconds() : NaN;
    table.append({static_cast<double>(o.device), static_cast<double>(o.tag), o.created.to_seconds(),
                  o.sent.to_seconds(), delivered_s, latency_s, o.ok ? 1.0 : 0.0, static_cast<double>(o.cause),
                  static_cast<double>(o.gateway), static_cast<double>(o.spreading_factor),
                  static_cast<double>(o.attempts), static_cast<double>(o.hops),
                  static_cast<double>(o.gateways_heard)});
  }
  return table;
}

sim::EventTable NetworkRun::gateway_table() const {
  using Type = sim::ColumnSpec::Type;
  sim::EventTable table("gateways", "One row per gateway or mesh border router: its position and load.",
                        {
                            {"gateway", Type::INT64, "", "Index of the gateway."},
                            {"x_m", Type::FLOAT64, "m", "Position, x."},
                            {"y_m", Type::FLOAT64, "m", "Position, y."},
                            {"heard", Type::INT64, "", "Transmissions received above sensitivity."},
                            {"received", Type::INT64, "", "Transmissions decoded."},
                            {"collided", Type::INT64, "", "Transmissions lost to an overlapping one."},
                            {"busy", Type::INT64, "", "Transmissions lost for lack of a free demodulator."},
                            {"acks", Type::INT64, "", "Acknowledgements sent."},
                            {"airtime_s", Type::FLOAT64, "s", "Time spent receiving decoded transmissions."},
                        });
  const auto& where = network_->params().gateways;
  for (std::size_t g = 0; g < gateways_.size(); ++g) {
    const GatewayLoad& l = gateways_[g];
    table.append({static_cast<double>(g), where[g].x_m, where[g].y_m, static_cast<double>(l.heard),
                  static_cast<double>(l.received), static_cast<double>(l.collided), static_cast<double>(l.busy),
                  static_cast<double>(l.acks), l.airtime_s});
  }
  return table;
}

void NetworkRun::append_kpis(std::vector<sim::Kpi>& kpis, const std::string& prefix, double duration_s) const {
  const std::uint64_t settled = delivered_ + lost_total();
  kpis.push_back({prefix + "_messages", "", "Messages handed to the network.", static_cast<double>(sent_)});
  kpis.push_back({prefix + "_delivery_ratio", "", "Share of messages with a known fate that were delivered.",
                  settled ? static_cast<double>(delivered_) / static_cast<double>(settled) : NaN});
  kpis.push_back({prefix + "_latency_mean_s", "s", "Mean time from a message's creation to its delivery.",
                  impl_->latency.count() ? impl_->latency.mean() : NaN});
  kpis.push_back({prefix + "_latency_p95_s", "s",
                  "95th percentile of the time from creation to delivery (P-square estimate).",
                  impl_->latency_p95.value()});
  for (std::size_t c = 1; c < LOSS_CAUSE_COUNT; ++c) {
    const std::string name(loss_cause_name(static_cast<LossCause>(c)));
    kpis.push_back({prefix + "_lost_" + name, "", "Messages lost, cause: " + name + ".",
                    static_cast<double>(lost_[c])});
  }
  const double year_s = 365.0 * 86400.0;
  const double messages_per_year = duration_s > 0.0 ? static_cast<double>(sent_) * year_s / duration_s : 0.0;
  kpis.push_back({prefix + "_cost_per_year_eur", "EUR",
                  "Yearly running cost: gateways, subscriptions, and messages at this run's rate.",
                  network_->opex_eur_per_year(messages_per_year)});
  kpis.push_back({prefix + "_capex_eur", "EUR", "Purchase and installation of the gateways.", network_->capex_eur()});
}

}  // namespace citytwin::models
