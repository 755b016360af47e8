// Leaks on a commune's water network: what pressure sensors and the leak-detection core find, the water they
// save against finding leaks the old way, and what the sensors cost: savings and payback by option.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/networks/Network.hpp"
#include "models/water/LeakStudy.hpp"
#include "models/water/WaterNetwork.hpp"
#include "sim/Experiment.hpp"
#include "sim/Json.hpp"
#include "sim/Registry.hpp"

namespace citytwin::models {

/// Registers the family's components (`water_network`, `leaks`, `leak_sensors`, `leak_detection`,
/// `leak_costs`; `sensor_network` is shared) and the `water_leaks` model.
void register_water_leaks(sim::Registry& registry);

/// The family's constant parameters, read once per variant (SI units, euros).
struct WaterLeakParams {
  std::uint64_t seed = 1;
  std::string network_file;            ///< the EPANET file, resolved against the scenario's directory
  std::shared_ptr<const water::WaterNetwork> network;
  double metres_per_unit = 1.0;        ///< the network's coordinates to metres (for the sensors' radio links)
  /// Leaks, consumers, sensors' interval, detector settings and run length (its `leaks` count is drawn per
  /// replication from `leak_rate_per_s`).
  water::LeakStudySettings study;
  double leak_rate_per_s = 0.0;        ///< new leaks per second of the leak window
  std::int64_t repair_after_s = 86400; ///< from a detection to the repair
  int pressure_sensors = 0, meters = 0;
  bool greedy_placement = false;
  bool detection = true;               ///< false: no detector (every leak found the old way)
  NetworkParams sensor_network;
  // Costs.
  double water_eur_per_m3 = 0.8;
  double pressure_sensor_eur = 0.0, pressure_sensor_eur_per_year = 0.0;
  double meter_eur = 0.0, meter_eur_per_year = 0.0;
  double detector_eur = 0.0, detector_eur_per_year = 0.0;
  double search_eur = 500.0;           ///< a crew sent to pinpoint a leak the detector names 300 m away
  double false_alarm_eur = 500.0;      ///< a crew sent for nothing
  double burst_damage_eur = 0.0;       ///< damage when a burst surfaces before it is repaired

  /// Reads a variant's resolved scenario; the network file is read from `directory`. Throws ScenarioError.
  static WaterLeakParams from_scenario(const sim::Json& scenario, const std::string& directory = ".");
};

/// The model: the network, its sensors and their radio links fixed per variant; each replication draws a
/// year of leaks (the same in every option: common random numbers), runs the network and the detector, and
/// prices what was found against finding every leak the old way.
class WaterLeakModel : public sim::Model {
 public:
  explicit WaterLeakModel(WaterLeakParams params);
  ~WaterLeakModel() override;

  sim::ReplicationResults run(const sim::ReplicationContext& ctx) const override;
  /// "pipes" (every link with its ends' coordinates) and "sensors" (id, kind, position, whether its readings
  /// cross the sensor network).
  std::vector<sim::EventTable> layout() const override;
  /// `payback_years`: the investment over the mean yearly net saving, its interval from that of the saving.
  void derive_kpis(std::vector<sim::KpiSummary>& summary) const override;

  const WaterLeakParams& params() const { return params_; }
  const std::vector<water::WaterSensor>& sensors() const { return sensors_; }
  /// Per sensor: its device in the sensor network, or -1 (SCADA: flows and tank levels, wired).
  const std::vector<int>& devices() const { return device_; }
  /// Purchase and installation of the sensors, the detector and the network.
  double capex_eur() const;

 private:
  WaterLeakParams params_;
  std::vector<water::WaterSensor> sensors_;
  std::vector<int> device_;
  std::unique_ptr<const Network> network_;
};

}  // namespace citytwin::models
