// The parameters of a network section: their schema with units and defaults, and reading them.
#include <cmath>
#include <string>

#include "models/networks/Network.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::models {

using sim::Json;
using sim::ParamType;

std::string_view network_kind_name(NetworkKind k) {
  switch (k) {
    case NetworkKind::GENERIC: return "generic";
    case NetworkKind::WIRED: return "wired";
    case NetworkKind::CELLULAR: return "cellular";
    case NetworkKind::LORAWAN: return "lorawan";
    case NetworkKind::MESH: return "mesh";
  }
  return "?";
}

std::vector<sim::ParamSpec> NetworkParams::specs() {
  using sim::choice;
  using sim::param;
  return {
      choice("kind", {"generic", "wired", "cellular", "lorawan", "mesh"}, "generic",
             "What carries the messages: a generic delay and loss, wired, cellular, LoRaWAN or a mesh."),
      // Generic.
      param("delay", ParamType::DISTRIBUTION, "s", Json{{"dist", "lognormal"}, {"median", "2s"}, {"sigma", 0.6}},
            "Generic: time from sending a message to its arrival."),
      param("loss_probability", ParamType::NUMBER, "", 0.01,
            "Generic and cellular: probability that a message never arrives.")
          .between(0, 1),
      // Wired.
      param("latency", ParamType::DURATION, "s", "20ms", "Wired: fixed time from sending to arrival."),
      // Cellular.
      param("coverage_probability", ParamType::NUMBER, "", 0.98,
            "Cellular: probability that a device has coverage where it is installed (drawn once per seed).")
          .between(0, 1),
      param("cellular_latency", ParamType::DISTRIBUTION, "s",
            Json{{"dist", "lognormal"}, {"median", "1s"}, {"sigma", 0.7}},
            "Cellular: time from sending to arrival at the application server."),
      param("cost_per_message", ParamType::NUMBER, "EUR", 0.0, "Price of each message sent.").at_least(0),
      param("cost_per_device_month", ParamType::NUMBER, "EUR", 0.0,
            "Subscription per device and month (SIM, network server).")
          .at_least(0),
      // Gateways.
      param("gateways", ParamType::POINT_LIST, "m", Json::array(),
            "LoRaWAN gateways or mesh border routers, as [x, y] points.").at_least(0),
      param("gateway_cost", ParamType::NUMBER, "EUR", 1200.0, "Purchase and installation of one gateway.")
          .at_least(0),
      param("gateway_cost_per_year", ParamType::NUMBER, "EUR", 300.0,
            "Backhaul, power and maintenance of one gateway, per year.")
          .at_least(0),
      // Propagation.
      choice("path_loss", {"log_distance", "okumura_hata"}, "log_distance",
             "Path-loss model: log-distance with shadowing, or Okumura-Hata for urban areas."),
      param("reference_distance", ParamType::DISTANCE, "m", "40m", "Log-distance: reference distance d0.")
          .at_least(0.01),
      param("reference_loss_db", ParamType::NUMBER, "dB", 127.41, "Log-distance: path loss at d0."),
      param("path_loss_exponent", ParamType::NUMBER, "", 2.08, "Log-distance: exponent n.").between(1, 8),
      param("frequency_mhz", ParamType::NUMBER, "MHz", 868.0, "Carrier frequency (Okumura-Hata: 150-1500 MHz).")
          .between(1, 100000),
      param("gateway_height", ParamType::DISTANCE, "m", "30m", "Okumura-Hata: gateway antenna height.")
          .at_least(1),
      param("device_height", ParamType::DISTANCE, "m", "1.5m", "Okumura-Hata: device antenna height.")
          .at_least(0.5),
      param("shadowing_sigma_db", ParamType::NUMBER, "dB", 3.57,
            "Standard deviation of log-normal shadowing, fixed per link and seed.")
          .between(0, 30),
      param("fading_sigma_db", ParamType::NUMBER, "dB", 0.0,
            "Standard deviation of the extra variation of each transmission.")
          .between(0, 30),
      // LoRaWAN radio.
      param("tx_power_dbm", ParamType::NUMBER, "dBm", 14.0, "Device transmit power (EU868: at most 14 dBm ERP).")
          .between(-30, 40),
      param("antenna_gain_db", ParamType::NUMBER, "dB", 0.0,
            "Gateway plus device antenna gain, minus cable losses.")
          .between(-30, 30),
      param("bandwidth_hz", ParamType::NUMBER, "Hz", 125000.0, "LoRa channel bandwidth: 125000, 250000 or 500000."),
      param("channels", ParamType::INTEGER, "", 8, "Uplink channels, one drawn at random per transmission.")
          .between(1, 64),
      param("payload_bytes", ParamType::INTEGER, "B", 20,
            "LoRa PHY payload: 13 bytes of LoRaWAN overhead plus the application data.")
          .between(1, 255),
      param("coding_rate", ParamType::INTEGER, "", 1, "Coding rate 4/(4+n): 1 is 4/5, 4 is 4/8.").between(1, 4),
      param("spreading_factor", ParamType::INTEGER, "", 0,
            "Force one spreading factor (7-12); 0 gives each device the lowest that closes its link.")
          .between(0, 12),
      param("max_spreading_factor", ParamType::INTEGER, "", 12,
            "Highest spreading factor allowed: 12 in EU868; 10 for US915 uplinks (400 ms dwell time).")
          .between(7, 12),
      param("penetration_loss_db", ParamType::NUMBER, "dB", 0.0,
            "LoRaWAN: building penetration loss of indoor devices (typically 10-20 dB).")
          .between(0, 60),
      param("link_margin_db", ParamType::NUMBER, "dB", 5.0,
            "Margin above sensitivity required when choosing a spreading factor.")
          .between(-30, 60),
      param("duty_cycle", ParamType::NUMBER, "", 0.01,
            "Share of time a device may transmit (EU868 sub-band: 0.01); 1 means no limit.")
          .between(1e-6, 1),
      param("capture_threshold_db", ParamType::NUMBER, "dB", 6.0,
            "A reception survives an overlapping one on its channel and spreading factor when this much stronger."),
      param("demodulators", ParamType::INTEGER, "", 8, "Receptions a gateway decodes in parallel (SX1301: 8).")
          .between(1, 1024),
      param("confirmed", ParamType::BOOLEAN, "", false, "Uplinks ask for an acknowledgement and are retransmitted."),
      param("max_attempts", ParamType::INTEGER, "", 4, "Transmissions of a confirmed uplink at most.")
          .between(1, 16),
      param("retry_backoff", ParamType::DISTRIBUTION, "s", Json{{"dist", "uniform"}, {"min", "1s"}, {"max", "3s"}},
            "Wait after a missing acknowledgement before the next attempt (LoRaWAN ACK_TIMEOUT: 2 +/- 1 s)."),
      param("backhaul_delay", ParamType::DISTRIBUTION, "s",
            Json{{"dist", "lognormal"}, {"median", "100ms"}, {"sigma", 0.5}},
            "From the gateway or border router to the application server."),
      param("gateway_downlink_duty_cycle", ParamType::NUMBER, "", 0.1,
            "Share of time a gateway may transmit acknowledgements (EU868 RX2 sub-band: 0.1).")
          .between(1e-6, 1),
      // Mesh.
      param("mesh_sensitivity_dbm", ParamType::NUMBER, "dBm", -120.0,
            "Mesh: a radio link exists between two nodes when the mean received power reaches this."),
      param("hop_delay", ParamType::DISTRIBUTION, "s", Json{{"dist", "uniform"}, {"min", "20ms"}, {"max", "100ms"}},
            "Mesh: time per link-layer attempt on a hop."),
      param("hop_loss_probability", ParamType::NUMBER, "", 0.05, "Mesh: probability that one attempt on a hop fails.")
          .between(0, 1),
      param("hop_attempts", ParamType::INTEGER, "", 3, "Mesh: link-layer attempts per hop before the message is lost.")
          .between(1, 16),
  };
}

namespace {

/// Reads a key from the section, or its registered default when the section leaves it out.
class Reader {
 public:
  explicit Reader(const sim::Params& section) : section_(section), defaults_(Json::object()) {
    for (const sim::ParamSpec& p : NetworkParams::specs()) defaults_[p.name] = p.default_value;
  }
  const sim::Params& operator()(const std::string& key) const {
    if (section_.has(key)) return section_;
    return default_params_;
  }

 private:
  const sim::Params& section_;
  Json defaults_;
  sim::Params default_params_{defaults_, "defaults"};
};

[[noreturn]] void refuse(const sim::Params& section, const std::string& key, const std::string& what) {
  throw sim::ScenarioError("at '" + (section.path().empty() ? key : section.path() + "." + key) + "': " + what);
}

}  // namespace

NetworkParams NetworkParams::from_section(const sim::Params& section) {
  Reader at(section);
  NetworkParams p;

  const std::string kind = at("kind").string("kind");
  if (kind == "generic") p.kind = NetworkKind::GENERIC;
  else if (kind == "wired") p.kind = NetworkKind::WIRED;
  else if (kind == "cellular") p.kind = NetworkKind::CELLULAR;
  else if (kind == "lorawan") p.kind = NetworkKind::LORAWAN;
  else if (kind == "mesh") p.kind = NetworkKind::MESH;
  else refuse(section, "kind", "unknown network kind '" + kind + "'; use one of generic, wired, cellular, lorawan, mesh");

  p.delay = at("delay").distribution("delay");
  p.loss_probability = at("loss_probability").number("loss_probability");
  p.latency = at("latency").duration("latency");
  p.coverage_probability = at("coverage_probability").number("coverage_probability");
  p.cellular_latency = at("cellular_latency").distribution("cellular_latency");
  p.cost_per_message_eur = at("cost_per_message").number("cost_per_message");
  p.cost_per_device_month_eur = at("cost_per_device_month").number("cost_per_device_month");
  p.gateways = at("gateways").points("gateways");
  p.gateway_cost_eur = at("gateway_cost").number("gateway_cost");
  p.gateway_cost_per_year_eur = at("gateway_cost_per_year").number("gateway_cost_per_year");

  const std::string model = at("path_loss").string("path_loss");
  if (model == "log_distance") p.path_loss.model = PathLoss::Model::LOG_DISTANCE;
  else if (model == "okumura_hata") p.path_loss.model = PathLoss::Model::OKUMURA_HATA;
  else refuse(section, "path_loss", "unknown path-loss model '" + model + "'; use log_distance or okumura_hata");
  p.path_loss.d0_m = at("reference_distance").distance_m("reference_distance");
  p.path_loss.pl_d0_db = at("reference_loss_db").number("reference_loss_db");
  p.path_loss.exponent = at("path_loss_exponent").number("path_loss_exponent");
  p.path_loss.frequency_mhz = at("frequency_mhz").number("frequency_mhz");
  p.path_loss.gateway_height_m = at("gateway_height").distance_m("gateway_height");
  p.path_loss.device_height_m = at("device_height").distance_m("device_height");
  p.path_loss.shadowing_sigma_db = at("shadowing_sigma_db").number("shadowing_sigma_db");
  p.path_loss.fading_sigma_db = at("fading_sigma_db").number("fading_sigma_db");

  p.tx_power_dbm = at("tx_power_dbm").number("tx_power_dbm");
  p.antenna_gain_db = at("antenna_gain_db").number("antenna_gain_db");
  p.bandwidth_hz = at("bandwidth_hz").number("bandwidth_hz");
  p.channels = static_cast<std::uint32_t>(at("channels").integer("channels"));
  p.payload_bytes = static_cast<std::uint32_t>(at("payload_bytes").integer("payload_bytes"));
  p.coding_rate = static_cast<int>(at("coding_rate").integer("coding_rate"));
  p.fixed_spreading_factor = static_cast<int>(at("spreading_factor").integer("spreading_factor"));
  p.link_margin_db = at("link_margin_db").number("link_margin_db");
  p.max_spreading_factor = static_cast<int>(at("max_spreading_factor").integer("max_spreading_factor"));
  p.penetration_loss_db = at("penetration_loss_db").number("penetration_loss_db");
  p.duty_cycle = at("duty_cycle").number("duty_cycle");
  p.capture_threshold_db = at("capture_threshold_db").number("capture_threshold_db");
  p.demodulators = static_cast<std::uint32_t>(at("demodulators").integer("demodulators"));
  p.confirmed = at("confirmed").boolean("confirmed");
  p.max_attempts = static_cast<std::uint32_t>(at("max_attempts").integer("max_attempts"));
  p.retry_backoff = at("retry_backoff").distribution("retry_backoff");
  p.backhaul_delay = at("backhaul_delay").distribution("backhaul_delay");
  p.gateway_downlink_duty_cycle = at("gateway_downlink_duty_cycle").number("gateway_downlink_duty_cycle");
  p.mesh_sensitivity_dbm = at("mesh_sensitivity_dbm").number("mesh_sensitivity_dbm");
  p.hop_delay = at("hop_delay").distribution("hop_delay");
  p.hop_loss_probability = at("hop_loss_probability").number("hop_loss_probability");
  p.hop_attempts = static_cast<std::uint32_t>(at("hop_attempts").integer("hop_attempts"));

  // Combinations the schema cannot express.
  const std::string k = std::string(network_kind_name(p.kind));
  if ((p.kind == NetworkKind::LORAWAN || p.kind == NetworkKind::MESH) && p.gateways.empty())
    refuse(section, "gateways", "kind '" + k + "' needs at least one " +
                           (p.kind == NetworkKind::MESH ? "border router" : "gateway") +
                           "; set 'gateways' to a list of points, e.g. gateways: [[1km, 2km], [3.5km, 0.8km]]");
  if (p.fixed_spreading_factor > p.max_spreading_factor)
    refuse(section, "spreading_factor", "got " + std::to_string(p.fixed_spreading_factor) + ", above max_spreading_factor " +
                                   std::to_string(p.max_spreading_factor) + "; lower it or raise max_spreading_factor");
  if (p.fixed_spreading_factor != 0 && (p.fixed_spreading_factor < 7 || p.fixed_spreading_factor > 12))
    refuse(section, "spreading_factor", "got " + std::to_string(p.fixed_spreading_factor) +
                                   "; use 7-12 to force one, or 0 to choose per device");
  if (p.bandwidth_hz != 125e3 && p.bandwidth_hz != 250e3 && p.bandwidth_hz != 500e3)
    refuse(section, "bandwidth_hz", "got " + std::to_string(p.bandwidth_hz) + "; LoRa uses 125000, 250000 or 500000");
  if (!(p.duty_cycle > 0.0 && p.duty_cycle <= 1.0))
    refuse(section, "duty_cycle", "got " + std::to_string(p.duty_cycle) + "; use a share in (0, 1], e.g. 0.01 for 1%");
  if (!(p.gateway_downlink_duty_cycle > 0.0 && p.gateway_downlink_duty_cycle <= 1.0))
    refuse(section, "gateway_downlink_duty_cycle",
           "got " + std::to_string(p.gateway_downlink_duty_cycle) + "; use a share in (0, 1], e.g. 0.1 for 10%");
  if (p.channels == 0) refuse(section, "channels", "got 0; a LoRaWAN needs at least one channel, e.g. channels: 8");
  if (p.demodulators == 0) refuse(section, "demodulators", "got 0; a gateway needs at least one, e.g. demodulators: 8");
  if (p.max_attempts == 0) refuse(section, "max_attempts", "got 0; use at least 1 transmission per message");
  if (p.hop_attempts == 0) refuse(section, "hop_attempts", "got 0; use at least 1 attempt per hop");
  if (p.payload_bytes == 0 || p.payload_bytes > 255)
    refuse(section, "payload_bytes", "got " + std::to_string(p.payload_bytes) + "; a LoRa PHY payload has 1-255 bytes");
  if (p.coding_rate < 1 || p.coding_rate > 4)
    refuse(section, "coding_rate", "got " + std::to_string(p.coding_rate) + "; use 1 (4/5) to 4 (4/8)");
  if (p.path_loss.model == PathLoss::Model::OKUMURA_HATA &&
      (p.path_loss.frequency_mhz < 150.0 || p.path_loss.frequency_mhz > 1500.0))
    refuse(section, "frequency_mhz", "Okumura-Hata holds for 150-1500 MHz, got " + std::to_string(p.path_loss.frequency_mhz) +
                                "; use path_loss: log_distance for other bands");
  if (p.path_loss.model == PathLoss::Model::LOG_DISTANCE && p.path_loss.d0_m <= 0.0)
    refuse(section, "reference_distance", "must be above zero, e.g. reference_distance: 40m");
  return p;
}

}  // namespace citytwin::models
