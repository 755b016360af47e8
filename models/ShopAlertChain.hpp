// The shop-alert chain: alert buttons in shops, the town-hall platform that calls back, and the police.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/LiveTwin.hpp"
#include "models/detection/DetectionCore.hpp"
#include "models/networks/Network.hpp"
#include "models/response/PoliceFleet.hpp"
#include "models/streets/StreetGraph.hpp"
#include "models/streets/TravelTimes.hpp"
#include "models/streets/Zones.hpp"
#include "sim/Distribution.hpp"
#include "sim/Experiment.hpp"
#include "sim/Json.hpp"
#include "sim/Params.hpp"
#include "sim/Registry.hpp"
#include "sim/Time.hpp"

namespace citytwin::models {

/// Registers the chain's components: `shops`, `alert_network`, `detection`, `platform` and `police`.
void register_shop_alerts(sim::Registry& registry);

/// The chain's constant parameters, read once per variant and shared by its replications (SI units).
struct ShopAlertParams {
  // Run settings.
  std::uint64_t seed = 1;
  sim::Time duration, warmup, record_interval;
  // Shops and their buttons.
  std::uint32_t shop_count = 0;
  sim::Point area;                            ///< without streets, shops lie uniformly in [0, x] x [0, y]
  double aggression_rate_per_s = 0.0;         ///< per shop, averaged over the week
  std::vector<double> hourly_profile;         ///< 24 relative weights (hour 0 = 00:00-01:00)
  std::vector<double> weekly_profile;         ///< 7 relative weights (day 0 = Monday)
  double false_alarm_rate_per_s = 0.0;        ///< accidental presses per shop
  sim::Distribution reaction;                 ///< aggression -> first press
  double press_probability = 1.0;             ///< the shopkeeper manages to press
  double extra_presses_mean = 0.0;            ///< mean number of repeated presses (Poisson)
  sim::Distribution repeat_interval;          ///< between repeated presses
  // The network that carries a press to the platform.
  NetworkParams network;
  // The streets, when the scenario has a `streets` section: shops and incidents lie along them and the
  // police drive them. Without, travel is straight-line distance x circuity at `speed_m_per_s`.
  std::shared_ptr<const StreetGraph> streets;
  // The zones, when the scenario has a `zones` section: shops and incidents are drawn by their weight
  // (then placed on the nearest street, if there are streets).
  std::shared_ptr<const Zones> zones;
  ZoneWeight zone_weight = ZoneWeight::ACTIVITY;
  // Detection: the core's settings (the chain uses the buttons' merge window).
  detection::DetectionSettings detection;
  // The platform.
  std::uint32_t operators = 1;
  sim::Distribution call_duration;            ///< call-back: dial, talk, decide
  sim::Time abandon_after;                    ///< an alert not picked up by then is abandoned; 0: never
  double confirm_probability = 1.0;           ///< a real aggression is confirmed on call-back
  double false_dispatch_probability = 0.0;    ///< a false alarm still leads to a dispatch (no answer)
  double background_call_rate_per_s = 0.0;    ///< other work of the operators
  sim::Distribution background_call_duration;
  // The police: units, stations (on their streets), patrols, travel without streets, turnout.
  FleetSettings fleet;
  std::uint32_t units = 1;
  sim::Distribution on_site;                  ///< time spent at a shop alert
  double background_incident_rate_per_s = 0.0;
  sim::Distribution background_on_site;

  /// Reads a variant's resolved scenario; files it names (a map) are read from `directory`. Throws
  /// ScenarioError on a bad combination or an unreadable map.
  static ShopAlertParams from_scenario(const sim::Json& scenario, const std::string& directory = ".");
};

/// The shop-alert chain as a model: shops and the network's links set once per seed, replications run
/// independently. Its buttons can be live devices (shadow mode) or rehearse as a fleet.
class ShopAlertModel : public sim::Model, public LiveTwin {
 public:
  explicit ShopAlertModel(ShopAlertParams params);
  ~ShopAlertModel() override;

  sim::ReplicationResults run(const sim::ReplicationContext& ctx) const override;
  /// "streets" (one row per street segment), "shops" (with their network link), "gateways", "station".
  std::vector<sim::EventTable> layout() const override;
  /// Runs a replication and writes a line per event of the first `max_lines` events to `trace`
  /// (simulated time in seconds, what happened): the golden trace of a scenario.
  sim::ReplicationResults run_traced(const sim::ReplicationContext& ctx, std::vector<std::string>& trace,
                                     std::size_t max_lines) const;

  // LiveTwin: the buttons "shop-0000", ... (reporting only when pressed).
  const std::vector<detection::SensorInfo>& live_sensors() const override { return sensors_; }
  const detection::DetectionSettings& detection_settings() const override { return params_.detection; }
  std::vector<std::int64_t> reporting_intervals_us() const override;
  const LocalFrame* geo_frame() const override;
  sim::ReplicationResults run_tapped(const sim::ReplicationContext& ctx, const LiveTap& tap) const override;

  const ShopAlertParams& params() const { return params_; }
  /// Shop positions in metres, the same for every replication of a seed.
  const std::vector<sim::Point>& shops() const { return shops_; }
  /// Shops where they lie on the streets (points only, without streets).
  const std::vector<Place>& shop_places() const { return shop_places_; }
  /// The first station (where every unit waits when there is one).
  const Place& station() const { return station_; }
  /// The alert buttons' network (links and spreading factors of this seed).
  const Network& network() const { return *network_; }
  /// Routing on the streets, or nullptr without streets.
  const StreetRouter* router() const { return router_.get(); }

 private:
  ShopAlertParams params_;
  std::vector<sim::Point> shops_;
  std::vector<Place> shop_places_;
  Place station_;
  std::vector<detection::SensorInfo> sensors_;
  std::unique_ptr<const Network> network_;
  std::unique_ptr<const StreetRouter> router_;
};

}  // namespace citytwin::models
