// Public safety: crime that clusters, gunfire heard by microphones, cameras, shop buttons, citizens' calls,
// one detection core, the command centre and the police on the streets.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/LiveTwin.hpp"
#include "models/detection/DetectionCore.hpp"
#include "models/hazards/HawkesProcess.hpp"
#include "models/networks/Network.hpp"
#include "models/placement/PlacementProblem.hpp"
#include "models/response/PoliceFleet.hpp"
#include "models/sensors/Acoustics.hpp"
#include "models/sensors/CrowdProcess.hpp"
#include "models/streets/StreetGraph.hpp"
#include "models/streets/TravelTimes.hpp"
#include "models/streets/Zones.hpp"
#include "sim/Distribution.hpp"
#include "sim/Experiment.hpp"
#include "sim/Json.hpp"
#include "sim/Registry.hpp"
#include "sim/Time.hpp"

namespace citytwin::models {

/// Registers the public-safety sections (`crime`, `impulses`, `acoustics`, `microphones`, `cameras`,
/// `shop_buttons`, `citizens`, `sensor_network`, `command_centre`) and the `public_safety` model. Needs the
/// shop-alert chain's `alert_network`, `detection` and `police` registered first.
void register_public_safety(sim::Registry& registry);

/// The types of crime, each a self-exciting process of its own.
enum class CrimeType : std::uint8_t { ASSAULT, ROBBERY, BURGLARY, ALTERCATION, GUNFIRE };
inline constexpr std::size_t CRIME_TYPE_COUNT = 5;
/// "assault", "robbery", "burglary", "altercation", "gunfire".
const char* crime_type_name(CrimeType t);
/// The alert class a report of this crime raises.
detection::AlertClass alert_class_of(CrimeType t);

/// One crime type's parameters.
struct CrimeTypeParams {
  bool enabled = false;
  HawkesParams hawkes;                 ///< background rate, weekly profile, theta, omega, sigma
  ZoneWeight weight = ZoneWeight::ACTIVITY;  ///< what draws background events to a zone
  double report_probability = 0.0;     ///< someone calls the emergency number
  sim::Distribution report_delay;      ///< from the crime to the call
  double at_shop_share = 0.0;          ///< robbery: the share that happen in a shop with an alert button
  sim::Distribution on_site;           ///< police time at the scene
};

/// Impulsive sounds that are not gunfire but that microphones hear (fireworks, backfires).
struct ImpulseSourceParams {
  double rate_per_s = 0.0;
  WeeklyProfile profile;
  double level_db = 140.0;       ///< peak level at 1 m
  double gunfire_logit = -1.0;   ///< mean of the microphones' classifier log-odds for this sound
  double report_probability = 0.0;  ///< someone calls to report shots
};

/// Where the microphones go.
enum class MicrophonePlacement : std::uint8_t { GREEDY, RANDOM, GIVEN };

/// How the command centre handles alerts from one kind of source.
struct Handling {
  sim::Distribution duration;     ///< an operator's time on the alert (call-back, review)
  double dispatch_if_real = 1.0;  ///< probability that a real incident gets a unit
  double dispatch_if_false = 0.0; ///< probability that a false alarm still gets one
};
/// The sources whose alerts the command centre handles differently.
enum class AlertSource : std::uint8_t { SHOP_BUTTON, MICROPHONES, VIDEO, REPORT, CROWD_COUNT };
inline constexpr std::size_t ALERT_SOURCE_COUNT = 5;
const char* alert_source_name(AlertSource s);

/// The model's constant parameters, read once per variant and shared by its replications (SI units).
struct PublicSafetyParams {
  std::uint64_t seed = 1;
  sim::Time duration, warmup, record_interval;
  std::shared_ptr<const StreetGraph> streets;
  std::shared_ptr<const Zones> zones;
  // What happens.
  std::array<CrimeTypeParams, CRIME_TYPE_COUNT> crime;
  ImpulseSourceParams fireworks, backfires;
  // Sound.
  AcousticParams acoustics;
  double gunshot_level_db = 150.0, gunshot_level_sd_db = 4.0;
  double gunfire_logit = 2.0, logit_sd = 1.5;
  // Microphones.
  std::uint32_t microphone_count = 0;
  MicrophonePlacement placement = MicrophonePlacement::GREEDY;
  std::vector<sim::Point> microphone_sites;   ///< GIVEN
  std::vector<sim::Point> candidate_sites;    ///< empty: street intersections
  double min_spacing_m = 200.0;               ///< candidates are thinned to keep chosen sites this far apart
  double microphone_threshold_db = 80.0;
  std::uint32_t placement_samples = 1500;
  double microphone_cost_eur = 0.0, microphone_cost_per_year_eur = 0.0;
  // Cameras.
  std::vector<sim::Point> camera_sites;
  double view_radius_m = 40.0;
  bool counting = true;
  double capacity = 600.0;
  sim::Time count_interval;
  double count_error_sd = 0.08;
  CrowdParams crowd;
  double fight_detection_probability = 0.7;
  sim::Distribution analytics_delay;
  double abandoned_object_rate_per_s = 0.0;
  double object_detection_probability = 0.8;
  double camera_false_alarm_rate_per_s = 0.0;
  sim::Distribution object_on_site;
  double camera_cost_eur = 0.0, camera_cost_per_year_eur = 0.0;
  // Shop buttons.
  std::uint32_t shop_count = 0;
  double press_probability = 0.9;
  sim::Distribution reaction;
  double extra_presses_mean = 1.0;
  sim::Distribution repeat_interval;
  double button_false_alarm_rate_per_s = 0.0;
  // Citizens' calls that match no incident, and how far the place a caller gives is off.
  double false_report_rate_per_s = 0.0;
  double report_location_error_m = 40.0;
  // Networks: the buttons' and the microphones' and cameras'.
  NetworkParams alert_network, sensor_network;
  // The detection core.
  detection::DetectionSettings detection;
  // The command centre.
  std::uint32_t operators = 2;
  sim::Time abandon_after;
  double background_work_rate_per_s = 0.0;
  sim::Distribution background_work_duration;
  std::array<Handling, ALERT_SOURCE_COUNT> handling;
  // The police.
  FleetSettings fleet;
  std::array<int, detection::ALERT_CLASS_COUNT> priority{};
  double search_speed_m_per_s = 2.0;
  sim::Distribution false_alarm_on_site;
  double background_incident_rate_per_s = 0.0;
  sim::Distribution background_on_site;
  sim::Time coverage_limit = sim::Time::minutes(8);  ///< "reachable within" for the coverage KPI

  /// Reads a variant's resolved scenario; files it names (the map, zones) are read from `directory`.
  static PublicSafetyParams from_scenario(const sim::Json& scenario, const std::string& directory = ".");
};

/// What the placement of microphones worked with and found (for the layout and `citytwin place`).
struct MicrophonePlan {
  std::size_t candidates_before_spacing = 0;  ///< candidate sites before thinning to the minimum spacing
  std::vector<sim::Point> candidates;   ///< candidate sites, at least the minimum spacing apart
  std::vector<sim::Point> samples;      ///< simulated shot places, drawn where gunfire happens
  std::unique_ptr<PlacementProblem> problem;  ///< truncated coverage (cap 3) over the samples
  Placement chosen;                     ///< the sites (indices into candidates) and their objective
  double heard_by_3_share = 0.0;        ///< of the samples, heard by 3 or more chosen microphones
};

/// The public-safety model: the city and its sensors set once per seed, replications run independently. Its
/// sensors can be live devices (shadow mode) or rehearse as a fleet.
class PublicSafetyModel : public sim::Model, public LiveTwin {
 public:
  explicit PublicSafetyModel(PublicSafetyParams params);
  ~PublicSafetyModel() override;

  sim::ReplicationResults run(const sim::ReplicationContext& ctx) const override;
  /// Runs a replication and keeps a line per event of the first `max_lines` (the golden trace).
  sim::ReplicationResults run_traced(const sim::ReplicationContext& ctx, std::vector<std::string>& trace,
                                     std::size_t max_lines) const;
  /// "streets", "microphones", "cameras", "shops", "stations", "gateways" and "sensor_data" (what each kind
  /// of sensor emits, and what it never does).
  std::vector<sim::EventTable> layout() const override;

  // LiveTwin: the sensors below; counting cameras report every count interval, the others on events.
  const std::vector<detection::SensorInfo>& live_sensors() const override { return sensors_; }
  const detection::DetectionSettings& detection_settings() const override { return params_.detection; }
  std::vector<std::int64_t> reporting_intervals_us() const override;
  const LocalFrame* geo_frame() const override;
  sim::ReplicationResults run_tapped(const sim::ReplicationContext& ctx, const LiveTap& tap) const override;

  const PublicSafetyParams& params() const { return params_; }
  const std::vector<Place>& shops() const { return shops_; }
  const std::vector<sim::Point>& microphones() const { return microphones_; }
  const MicrophonePlan& plan() const { return plan_; }
  /// The sensors as the detection core knows them: shops' buttons, microphones, counting cameras, video
  /// analytics, then the citizen line.
  const std::vector<detection::SensorInfo>& sensors() const { return sensors_; }
  /// The background place sampler of a crime type (by its zone weight, on the streets).
  Place background_place(CrimeType type, sim::RandomStream& rng) const;
  /// A place drawn by a zone weight along the streets (uniformly along them without zones).
  Place place_by(ZoneWeight weight, sim::RandomStream& rng) const;
  /// Where a triggered event displaced to `p` happens (the nearest street), or nothing outside the map.
  std::optional<Place> triggered_place(sim::Point p) const;
  const StreetRouter& router() const { return *router_; }
  const Network& alert_network() const { return *alert_network_; }
  const Network& sensor_network() const { return *sensor_network_; }
  /// Index of the first sensor of each kind in `sensors()`.
  std::uint32_t first_microphone() const { return first_mic_; }
  std::uint32_t first_counter() const { return first_counter_; }
  std::uint32_t first_video() const { return first_video_; }
  std::uint32_t citizen_line() const { return citizen_line_; }

  /// Builds the microphone plan: candidates, samples, the coverage problem; chooses `count` sites by
  /// `placement` (GREEDY: lazy greedy; RANDOM: uniform; GIVEN: the sites as written).
  static MicrophonePlan plan_microphones(const PublicSafetyParams& params, const PublicSafetyModel& city);

 private:
  PublicSafetyParams params_;
  std::vector<Place> shops_;
  std::vector<sim::Point> microphones_;
  MicrophonePlan plan_;
  std::vector<detection::SensorInfo> sensors_;
  std::uint32_t first_mic_ = 0, first_counter_ = 0, first_video_ = 0, citizen_line_ = 0;
  std::unique_ptr<const StreetRouter> router_;
  std::unique_ptr<const Network> alert_network_, sensor_network_;
  std::array<double, 2> bounds_lo_{}, bounds_hi_{};
};

}  // namespace citytwin::models
