// The networks that carry sensor messages to the command centre: LoRaWAN, cellular, mesh, wired, or a generic link.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/Distribution.hpp"
#include "sim/Params.hpp"
#include "sim/Registry.hpp"
#include "sim/Results.hpp"
#include "sim/Simulation.hpp"
#include "sim/Time.hpp"

namespace citytwin::models {

enum class NetworkKind : std::uint8_t {
  GENERIC,   ///< a delay distribution and a loss probability, nothing else
  WIRED,     ///< wired or fibre: fixed latency, no loss
  CELLULAR,  ///< 4G / LTE-M / NB-IoT: coverage per device, latency distribution, loss, cost per message or month
  LORAWAN,   ///< LoRaWAN: path loss, spreading factors, time on air, duty cycle, ALOHA collisions with capture
  MESH,      ///< multi-hop over a radio graph of the devices to the nearest gateway
};
/// The scenario name of a kind: "generic", "wired", "cellular", "lorawan", "mesh".
std::string_view network_kind_name(NetworkKind k);

/// Why a message did not arrive.
enum class LossCause : std::uint8_t {
  NONE,           ///< delivered
  NO_COVERAGE,    ///< the device reaches no gateway / no cell / no route, whatever it does
  LINK_LOSS,      ///< lost at random on the link (generic, cellular) or on a mesh hop
  COLLISION,      ///< LoRaWAN: every gateway that heard it lost it to an overlapping transmission
  FADING,         ///< LoRaWAN: below every gateway's sensitivity for this transmission (shadowing or fading)
  GATEWAY_BUSY,   ///< LoRaWAN: every gateway in range had all its demodulators busy
};
/// Number of LossCause values (NONE included).
inline constexpr std::size_t LOSS_CAUSE_COUNT = 6;
/// The snake_case name of a cause: "none", "no_coverage", "link_loss", "collision", "fading", "gateway_busy".
std::string_view loss_cause_name(LossCause c);

/// What became of one message, reported once when its fate is known.
struct MessageOutcome {
  std::uint64_t tag = 0;             ///< the sender's tag, passed back unchanged
  std::uint32_t device = 0;
  sim::Time created;                 ///< handed to the network by the sensor
  sim::Time sent;                    ///< start of the first transmission (after any duty-cycle wait)
  sim::Time delivered;               ///< reached the application server (valid when `ok`)
  bool ok = false;
  LossCause cause = LossCause::NONE;
  std::int32_t gateway = -1;         ///< the gateway (LoRaWAN, mesh sink) that delivered it, or -1
  std::uint8_t spreading_factor = 0; ///< LoRaWAN, 0 otherwise
  std::uint8_t attempts = 0;         ///< transmissions made (confirmed uplinks retransmit)
  std::uint8_t hops = 0;             ///< mesh hops on the route
  std::uint8_t gateways_heard = 0;   ///< LoRaWAN gateways that decoded it (duplicates removed by the server)
};

/// Radio propagation: mean path loss and shadowing.
struct PathLoss {
  enum class Model : std::uint8_t {
    LOG_DISTANCE,  ///< PL(d) = PL(d0) + 10 n log10(d / d0) (Bor et al. 2016 fit for LoRa at 868 MHz by default)
    OKUMURA_HATA,  ///< Hata's urban formula for small and medium cities (150-1500 MHz, 1-20 km)
  };
  Model model = Model::LOG_DISTANCE;
  double d0_m = 40.0;
  double pl_d0_db = 127.41;
  double exponent = 2.08;
  double frequency_mhz = 868.0;
  double gateway_height_m = 30.0;
  double device_height_m = 1.5;
  double shadowing_sigma_db = 3.57;   ///< log-normal shadowing, fixed per link and seed
  double fading_sigma_db = 0.0;       ///< extra per-transmission variation

  /// Mean path loss in dB at `distance_m` (distances below 1 m count as 1 m) between a gateway at
  /// `gateway_height_m` and a device at `device_height_m`. Okumura-Hata takes the distance in km as is,
  /// outside its 1-20 km range too.
  double mean_db(double distance_m) const;
  /// The largest distance in metres at which the mean path loss stays at or below `max_loss_db`
  /// (0 when even 1 m loses more); the models grow with distance, so this is their inverse.
  double range_m(double max_loss_db) const;
};

/// LoRa time on air in seconds (Semtech AN1200.13, SX1272/76 datasheets): `payload_bytes` of PHY payload,
/// coding rate 4/(4+coding_rate), explicit header, CRC on, low-data-rate optimisation when the symbol lasts
/// 16 ms or more (SF11 and SF12 at 125 kHz).
double lora_time_on_air_s(int spreading_factor, double bandwidth_hz, int payload_bytes, int coding_rate = 1,
                          int preamble_symbols = 8, bool explicit_header = true, bool crc = true);
/// Receiver sensitivity in dBm of an SX1276-class radio at this spreading factor (7-12) and bandwidth:
/// the datasheet's figures at 125 kHz (-123 dBm at SF7 to -137 dBm at SF12), plus 10 log10(bw / 125 kHz).
double lora_sensitivity_dbm(int spreading_factor, double bandwidth_hz);

/// A network's constant parameters (SI units, costs in euros), read from a scenario section.
///
/// The field initialisers are for building parameters in code; a scenario section's defaults are those
/// of specs() (for instance a 1% generic loss, gateways at 1200 EUR each).
struct NetworkParams {
  NetworkKind kind = NetworkKind::GENERIC;
  // Generic link (also the application-level delay after a cellular or mesh delivery is included there).
  sim::Distribution delay;
  double loss_probability = 0.0;      ///< generic and cellular: per message
  // Wired.
  sim::Time latency;
  // Cellular.
  double coverage_probability = 1.0;  ///< per device, drawn once per seed (indoor, basement...)
  sim::Distribution cellular_latency;
  double cost_per_message_eur = 0.0;
  double cost_per_device_month_eur = 0.0;
  // LoRaWAN and mesh radio.
  std::vector<sim::Point> gateways;   ///< LoRaWAN gateways, or the mesh's border routers
  double gateway_cost_eur = 0.0;      ///< purchase and installation, each
  double gateway_cost_per_year_eur = 0.0;  ///< backhaul, power, maintenance, each
  PathLoss path_loss;
  double tx_power_dbm = 14.0;
  double antenna_gain_db = 0.0;       ///< gateway antenna gain plus device antenna gain, minus cable loss
  double penetration_loss_db = 0.0;   ///< LoRaWAN: building penetration loss of indoor devices
  double bandwidth_hz = 125e3;
  std::uint32_t channels = 8;
  std::uint32_t payload_bytes = 20;   ///< PHY payload (13 bytes of LoRaWAN overhead + application data)
  int coding_rate = 1;
  int fixed_spreading_factor = 0;     ///< 7-12 to force one; 0 chooses the lowest that closes the link
  int max_spreading_factor = 12;      ///< highest allowed (US915 uplinks at 125 kHz: 10, for the 400 ms dwell time)
  double link_margin_db = 5.0;        ///< required above sensitivity when choosing a spreading factor
  double duty_cycle = 0.01;           ///< fraction of time a device may transmit (EU868 sub-band: 1%)
  double capture_threshold_db = 6.0;  ///< a reception survives an overlap this much stronger than the other
  std::uint32_t demodulators = 8;     ///< parallel receptions per gateway (SX1301: 8)
  bool confirmed = false;             ///< acknowledged uplinks, retransmitted when no ack comes back
  std::uint32_t max_attempts = 4;     ///< transmissions per confirmed message
  sim::Distribution retry_backoff;    ///< wait after a missing ack before the next attempt
  sim::Distribution backhaul_delay;   ///< gateway (or mesh border router) to network and application server
  double gateway_downlink_duty_cycle = 0.1;  ///< a gateway's transmit share for acks (EU868 RX2 sub-band: 10%)
  // Mesh.
  double mesh_sensitivity_dbm = -120.0;  ///< a radio link exists when the mean received power reaches it
  sim::Distribution hop_delay;
  double hop_loss_probability = 0.0;     ///< per attempt on a hop
  std::uint32_t hop_attempts = 3;        ///< link-layer attempts per hop

  /// Whether this kind of network has gateways (LoRaWAN, mesh); others ignore `gateways` and their costs.
  bool uses_gateways() const { return kind == NetworkKind::LORAWAN || kind == NetworkKind::MESH; }

  /// The parameters every network section declares (for the registry and `list-models`).
  static std::vector<sim::ParamSpec> specs();
  /// Reads a network section; a key it leaves out takes its default from specs(). Throws sim::ScenarioError
  /// naming the key, the value and the fix on a bad combination (a LoRaWAN without gateways, SF 5...).
  static NetworkParams from_section(const sim::Params& section);
};

/// A network serving a fixed set of devices: link budgets, spreading factors, coverage and mesh routes are
/// worked out once per seed and shared read-only by every replication.
class Network {
 public:
  Network(NetworkParams params, std::vector<sim::Point> devices, std::uint64_t seed);

  const NetworkParams& params() const { return params_; }
  std::size_t device_count() const { return devices_.size(); }
  const std::vector<sim::Point>& devices() const { return devices_; }
  /// Whether a device can reach the command centre at all (in range of a gateway, in a cell, routed).
  bool covered(std::uint32_t device) const;
  /// LoRaWAN: the device's spreading factor (7-12), 0 when no gateway is in range.
  int spreading_factor(std::uint32_t device) const;
  /// LoRaWAN: mean received power at a gateway, dBm, with the link's shadowing (NaN for other kinds).
  double rx_power_dbm(std::uint32_t device, std::uint32_t gateway) const;
  /// Mesh: hops from the device to its sink, 0 if unrouted.
  std::uint32_t hops(std::uint32_t device) const;
  /// Purchase and installation of gateways (euros).
  double capex_eur() const;
  /// Yearly running cost: gateways and subscriptions, plus messages at `messages_per_year` in total.
  double opex_eur_per_year(double messages_per_year) const;

 private:
  friend class NetworkRun;
  double gateway_count() const;  // gateways that count: none for kinds without
  NetworkParams params_;
  std::vector<sim::Point> devices_;
  std::vector<std::uint8_t> covered_;
  std::vector<std::uint8_t> sf_;
  std::vector<float> rx_dbm_;              // device-major, gateway_count per device
  std::vector<std::uint32_t> next_hop_;    // mesh: next device or sink (device_count + gateway)
  std::vector<std::uint8_t> hops_;
};

/// Per-gateway load over a replication.
struct GatewayLoad {
  std::uint64_t heard = 0;       ///< transmissions above sensitivity at this gateway
  std::uint64_t received = 0;    ///< decoded
  std::uint64_t collided = 0;    ///< lost to an overlap
  std::uint64_t busy = 0;        ///< lost for lack of a free demodulator
  std::uint64_t acks = 0;        ///< downlink acknowledgements sent
  double airtime_s = 0.0;        ///< time spent receiving decoded uplinks
};

/// One replication's network: transmissions in flight, collisions, duty cycles, counters.
///
/// Random draws come from one stream per device, RandomStream(seed, replication, device, purpose), so a
/// device's fate does not change when another device is added. When an outcome is reported:
/// - generic, cellular and mesh: a loss is reported synchronously from inside send(), a delivery by an
///   event at its delivery time (the whole route is drawn at send time);
/// - wired: by an event at now + latency;
/// - LoRaWAN: a device with no spreading factor is reported lost (NO_COVERAGE) synchronously from inside
///   send(); otherwise a loss is reported at the end of its last transmission and a delivery at the end of
///   the first transmission a gateway decodes plus the backhaul delay.
/// The handler may call send() again.
class NetworkRun {
 public:
  using Handler = std::function<void(const MessageOutcome&)>;

  /// Outcomes are passed to `on_outcome` at the simulated time they are known. With `record`, every
  /// outcome is also kept for `message_table()` (memory grows with messages: leave off for long runs).
  /// `purpose` names the random streams, so that two networks in one model draw independently.
  NetworkRun(const Network& network, sim::Simulation& sim, std::uint64_t seed, std::uint32_t replication,
             Handler on_outcome, bool record = false, std::string_view purpose = "network");
  NetworkRun(const NetworkRun&) = delete;
  NetworkRun& operator=(const NetworkRun&) = delete;
  ~NetworkRun();

  /// Hands a message to the network now. `payload_bytes` 0 uses the network's default.
  void send(std::uint32_t device, std::uint64_t tag, std::uint32_t payload_bytes = 0);

  /// Messages handed to the network so far.
  std::uint64_t sent() const { return sent_; }
  std::uint64_t delivered() const { return delivered_; }
  std::uint64_t lost(LossCause c) const { return lost_[static_cast<std::size_t>(c)]; }
  /// Messages whose fate is not known yet (waiting for the duty cycle, on air, awaiting a retry or delivery).
  std::uint64_t pending() const { return sent_ - delivered_ - lost_total(); }
  /// LoRaWAN radio transmissions started (retransmissions included).
  std::uint64_t transmissions() const { return transmissions_; }
  const std::vector<GatewayLoad>& gateway_loads() const { return gateways_; }

  /// "messages": one row per message (device, times, fate, gateway, spreading factor, attempts, hops).
  sim::EventTable message_table() const;
  /// "gateways": one row per gateway (position, load counters, airtime).
  sim::EventTable gateway_table() const;
  /// Delivery ratio, latency mean and 95th percentile, losses by cause, cost: KPIs named `<prefix>_...`.
  /// `duration_s` is the simulated time the run covered, to scale message costs to a year.
  void append_kpis(std::vector<sim::Kpi>& kpis, const std::string& prefix, double duration_s) const;

 private:
  struct Impl;
  std::uint64_t lost_total() const;
  void report(const MessageOutcome& o);
  void schedule_delivery(const MessageOutcome& o);
  void begin_next(std::uint32_t device);
  void start_when_allowed(std::uint32_t device, sim::Time earliest);
  void start_transmission(std::uint32_t device);
  void end_transmission(std::uint32_t tx);
  const Network* network_;
  sim::Simulation* sim_;
  Handler handler_;
  std::unique_ptr<Impl> impl_;
  std::uint64_t sent_ = 0, delivered_ = 0, transmissions_ = 0;
  std::uint64_t lost_[LOSS_CAUSE_COUNT] = {};
  std::vector<GatewayLoad> gateways_;
  bool record_;
  std::vector<MessageOutcome> records_;
};

}  // namespace citytwin::models
