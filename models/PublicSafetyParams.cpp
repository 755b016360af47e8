// The public-safety model's sections: their schema with units and defaults, and reading them.
#include <cmath>
#include <deque>
#include <numeric>
#include <stdexcept>

#include "models/DetectionParams.hpp"
#include "models/PublicSafety.hpp"
#include "sim/Params.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::models {

using sim::Json;
using sim::param;
using sim::ParamType;
using sim::section;

const char* crime_type_name(CrimeType t) {
  switch (t) {
    case CrimeType::ASSAULT: return "assault";
    case CrimeType::ROBBERY: return "robbery";
    case CrimeType::BURGLARY: return "burglary";
    case CrimeType::ALTERCATION: return "altercation";
    case CrimeType::GUNFIRE: return "gunfire";
  }
  return "?";
}

detection::AlertClass alert_class_of(CrimeType t) {
  switch (t) {
    case CrimeType::ASSAULT: return detection::AlertClass::ASSAULT;
    case CrimeType::ROBBERY: return detection::AlertClass::ROBBERY;
    case CrimeType::BURGLARY: return detection::AlertClass::BURGLARY;
    case CrimeType::ALTERCATION: return detection::AlertClass::ALTERCATION;
    case CrimeType::GUNFIRE: return detection::AlertClass::GUNFIRE;
  }
  return detection::AlertClass::ASSAULT;
}

const char* alert_source_name(AlertSource s) {
  switch (s) {
    case AlertSource::SHOP_BUTTON: return "shop_alerts";
    case AlertSource::MICROPHONES: return "microphones";
    case AlertSource::VIDEO: return "video";
    case AlertSource::REPORT: return "reports";
    case AlertSource::CROWD_COUNT: return "crowding";
  }
  return "?";
}

namespace {

/// Defaults of one crime type, written as a scenario would.
struct CrimeDefaults {
  const char* name;
  const char* description;
  const char* rate;
  double theta;
  const char* trigger_delay;
  const char* sigma;
  double report_probability;
  Json report_delay;
  Json on_site;
  const char* weight;
  std::vector<double> hourly;
  std::vector<double> weekly;
};

Json lognormal(const char* median, double sigma) { return {{"dist", "lognormal"}, {"median", median}, {"sigma", sigma}}; }
Json gamma(const char* mean, double shape) { return {{"dist", "gamma"}, {"mean", mean}, {"shape", shape}}; }

const std::vector<double> EVENING = {0.8, 0.6, 0.5, 0.4, 0.3, 0.3, 0.4, 0.6, 0.8, 0.9, 1.0, 1.1,
                                     1.2, 1.2, 1.3, 1.4, 1.5, 1.7, 1.9, 2.0, 1.9, 1.7, 1.4, 1.1};
const std::vector<double> NIGHT = {1.6, 1.5, 1.3, 1.0, 0.7, 0.4, 0.3, 0.3, 0.3, 0.4, 0.5, 0.6,
                                   0.7, 0.7, 0.8, 0.9, 1.0, 1.1, 1.3, 1.5, 1.7, 1.9, 2.0, 1.9};
const std::vector<double> DAYTIME = {0.3, 0.3, 0.3, 0.3, 0.3, 0.4, 0.6, 0.9, 1.3, 1.6, 1.8, 1.8,
                                     1.7, 1.6, 1.6, 1.5, 1.4, 1.2, 1.0, 0.8, 0.6, 0.5, 0.4, 0.3};
const std::vector<double> WEEKEND = {0.9, 0.85, 0.85, 0.9, 1.1, 1.4, 1.3};
const std::vector<double> WEEKDAY = {1.1, 1.1, 1.1, 1.1, 1.1, 0.8, 0.7};

const std::vector<CrimeDefaults>& crime_defaults() {
  static const std::vector<CrimeDefaults> d = {
      {"assault", "Assaults in the street (lesiones).", "250/year", 0.15, "2d", "150m", 0.45, lognormal("6min", 0.8),
       gamma("45min", 2), "activity", EVENING, WEEKEND},
      {"robbery", "Robberies, in the street and in shops (a share at shops with an alert button).", "400/year", 0.10,
       "3d", "200m", 0.49, lognormal("6min", 0.8), gamma("40min", 2), "activity", EVENING, WEEKDAY},
      {"burglary", "Burglaries of homes, found later, with near repeats.", "100/year", 0.30, "7d", "200m", 0.49,
       lognormal("4h", 1.0), gamma("60min", 2), "population", DAYTIME, WEEKDAY},
      {"altercation", "Fights in public places.", "300/year", 0.10, "1d", "100m", 0.30, lognormal("4min", 0.8),
       gamma("30min", 2), "activity", NIGHT, WEEKEND},
      {"gunfire", "Shots fired outdoors (a shooting incident may be several rounds).", "30/year", 0.20, "7d", "200m",
       0.12, lognormal("4min", 0.8), gamma("60min", 2), "activity", NIGHT, WEEKEND},
  };
  return d;
}

sim::ParamSpec crime_type_spec(const CrimeDefaults& d) {
  std::vector<sim::ParamSpec> p = {
      param("rate", ParamType::RATE, "1/year", d.rate,
            "Background events per year over the whole town (mu), averaged over the week."),
      param("hourly_profile", ParamType::PROFILE, "", Json(d.hourly), "Relative background rate by hour, 00:00 first.")
          .of_length(24),
      param("weekly_profile", ParamType::PROFILE, "", Json(d.weekly), "Relative background rate by day, Monday first.")
          .of_length(7),
      param("theta", ParamType::NUMBER, "", d.theta,
            "Events each event triggers on average (the branching ratio); the long-run rate is rate / (1 - theta).")
          .between(0, 0.95),
      param("trigger_delay", ParamType::DURATION, "s", d.trigger_delay,
            "Mean delay from an event to one it triggers, 1/omega: the triggering decays as omega exp(-omega t).")
          .at_least(1),
      param("sigma", ParamType::DISTANCE, "m", d.sigma,
            "Width of the Gaussian in space around an event where the events it triggers happen.")
          .at_least(1),
      sim::choice("weight", {"activity", "population", "area"}, d.weight,
                  "With zones: what draws background events to a zone."),
      param("report_probability", ParamType::NUMBER, "", d.report_probability,
            "Probability that someone calls the emergency number about it.")
          .between(0, 1),
      param("report_delay", ParamType::DISTRIBUTION, "s", d.report_delay, "From the event to the call."),
      param("on_site", ParamType::DISTRIBUTION, "s", d.on_site, "Police time at the scene."),
  };
  if (std::string(d.name) == "robbery")
    p.push_back(param("at_shop_share", ParamType::NUMBER, "", 0.45,
                      "Share of robberies that happen in a shop with an alert button (at the nearest one).")
                    .between(0, 1));
  return section(d.name, d.description, p);
}

sim::ParamSpec impulse_spec(const char* name, const char* description, const char* rate, double level, double logit,
                            double report, const std::vector<double>& hourly, const std::vector<double>& weekly) {
  return section(name, description,
                 {param("rate", ParamType::RATE, "1/year", rate, "Events per year over the whole town."),
                  param("hourly_profile", ParamType::PROFILE, "", Json(hourly), "Relative rate by hour.").of_length(24),
                  param("weekly_profile", ParamType::PROFILE, "", Json(weekly), "Relative rate by day.").of_length(7),
                  param("level_db", ParamType::NUMBER, "dB", level, "Peak sound level at 1 m.").between(60, 200),
                  param("gunfire_logit", ParamType::NUMBER, "", logit,
                        "Mean of the microphones' classifier log-odds that it is gunfire (gunfire: acoustics.gunfire_logit).")
                      .between(-20, 20),
                  param("report_probability", ParamType::NUMBER, "", report,
                        "Probability that someone calls to report shots.")
                      .between(0, 1)},
                 true);
}

sim::ParamSpec handling_spec(const char* name, const char* description, Json duration, double real, double fake) {
  return section(name, description,
                 {param("duration", ParamType::DISTRIBUTION, "s", std::move(duration),
                        "An operator's time on one alert (call-back, review)."),
                  param("dispatch_if_real", ParamType::NUMBER, "", real,
                        "Probability that a real incident gets a police unit.")
                      .between(0, 1),
                  param("dispatch_if_false", ParamType::NUMBER, "", fake,
                        "Probability that a false alarm still gets one (the operator cannot rule it out).")
                      .between(0, 1)},
                 true);
}

std::vector<sim::ParamSpec> button_specs() {
  return {
      param("count", ParamType::INTEGER, "", 200, "Shops with an alert button, along the streets (or by zone activity).")
          .between(0, 1e6),
      param("press_probability", ParamType::NUMBER, "", 0.9,
            "Probability that the shopkeeper manages to press during a robbery.")
          .between(0, 1),
      param("reaction", ParamType::DISTRIBUTION, "s", Json{{"dist", "exponential"}, {"mean", "45s"}},
            "From the start of the robbery to the first press."),
      param("extra_presses_mean", ParamType::NUMBER, "", 1.0, "Mean number of further presses (Poisson).").between(0, 100),
      param("repeat_interval", ParamType::DISTRIBUTION, "s", Json{{"dist", "exponential"}, {"mean", "20s"}},
            "Time between repeated presses."),
      param("false_alarm_rate", ParamType::RATE, "1/year", "3/year", "Accidental presses per shop."),
  };
}

/// A weekly profile from a section's two profile keys, refused with the key path when it sums to zero.
WeeklyProfile profile_from(const sim::Params& s) {
  try {
    return WeeklyProfile(s.profile("hourly_profile"), s.profile("weekly_profile"));
  } catch (const std::invalid_argument&) {
    throw sim::ScenarioError("at '" + s.path() + "': a profile needs at least one weight above zero");
  }
}

Handling handling_from(const sim::Params& s) {
  return {s.distribution("duration"), s.number("dispatch_if_real"), s.number("dispatch_if_false")};
}

}  // namespace

namespace {

/// The public-safety model's own sections, in the order `list-models` shows them.
std::vector<sim::ComponentSpec> build_components() {
  sim::Registry registry;
  std::vector<sim::ParamSpec> crime;
  for (const auto& d : crime_defaults()) crime.push_back(crime_type_spec(d));
  registry.add({"crime", "Crime that clusters: one self-exciting (Hawkes) process per type written here", crime});
  registry.add({"impulses", "Impulsive sounds that are not gunfire but that microphones hear",
                {impulse_spec("fireworks", "Fireworks and firecrackers.", "120/year", 145.0, -1.0, 0.03, NIGHT, WEEKEND),
                 impulse_spec("backfires", "Vehicle backfires.", "200/year", 135.0, -0.5, 0.01, DAYTIME, WEEKDAY)}});
  registry.add({"acoustics", "How an impulse's sound reaches the microphones",
                {
                    param("air_temperature", ParamType::NUMBER, "°C", 18.0, "Mean air temperature.").between(-50, 60),
                    param("temperature_daily_range", ParamType::NUMBER, "°C", 14.0,
                          "Peak-to-trough of the daily temperature cycle (warmest at 15:00).")
                        .between(0, 50),
                    param("absorption_db_per_km", ParamType::NUMBER, "dB/km", 4.5,
                          "Atmospheric absorption (ISO 9613-1 at 1 kHz, 15-20 °C, 50-70% humidity: 4.2-5.0).")
                        .between(0, 100),
                    param("excess_attenuation_db", ParamType::NUMBER, "dB", 8.0,
                          "Mean extra attenuation from buildings and the ground, per shot and microphone.")
                        .between(0, 100),
                    param("excess_attenuation_sd_db", ParamType::NUMBER, "dB", 6.0, "Its standard deviation.")
                        .between(0, 50),
                    param("nlos_distance", ParamType::DISTANCE, "m", "500m",
                          "A path of length d is blocked with probability 1 - exp(-d / this); the sound then comes "
                          "by a reflection.")
                        .at_least(1),
                    param("nlos_attenuation_db", ParamType::NUMBER, "dB", 8.0, "Extra loss of a blocked path.")
                        .between(0, 100),
                    param("nlos_delay", ParamType::DISTRIBUTION, "s", Json{{"dist", "exponential"}, {"mean", "20ms"}},
                          "Extra delay of a blocked path (the reflection's longer way)."),
                    param("timing_jitter", ParamType::DURATION, "s", "1ms",
                          "Standard deviation of a microphone's onset time (GPS clock and onset picking)."),
                    param("gunshot_level_db", ParamType::NUMBER, "dB", 150.0,
                          "Mean peak level of a gunshot at 1 m (handguns and rifles: 140-175 dB).")
                        .between(60, 200),
                    param("gunshot_level_sd_db", ParamType::NUMBER, "dB", 4.0, "Its spread across shots.").between(0, 30),
                    param("gunfire_logit", ParamType::NUMBER, "", 2.0,
                          "Mean of a microphone's classifier log-odds that a gunshot is gunfire.")
                        .between(-20, 20),
                    param("logit_sd", ParamType::NUMBER, "", 1.5, "Spread of the classifier log-odds per microphone.")
                        .between(0, 20),
                }});
  registry.add({"microphones", "Acoustic gunshot sensors: how many, where, and how sensitive",
                {
                    param("count", ParamType::INTEGER, "", 0, "Microphones to place (0: none).").between(0, 100000),
                    sim::choice("placement", {"greedy", "random", "given"}, "greedy",
                                "greedy: chosen among the candidates by lazy greedy for the expected min(heard, 3) / 3 "
                                "over simulated shots; random: uniform among them; given: the sites written."),
                    param("sites", ParamType::POINT_LIST, "m", Json::array(), "placement given: the microphones."),
                    param("candidate_sites", ParamType::POINT_LIST, "m", Json::array(),
                          "Where microphones may go (public buildings); empty: every street intersection."),
                    param("min_spacing", ParamType::DISTANCE, "m", "200m",
                          "Candidates are thinned, those that hear most kept first, so that no two are closer than "
                          "this: microphones side by side hear the same shots but cannot locate them."),
                    param("threshold_db", ParamType::NUMBER, "dB", 80.0,
                          "Peak level above which a microphone reports an impulse.")
                        .between(0, 200),
                    param("placement_samples", ParamType::INTEGER, "", 1500,
                          "Simulated shots, drawn where gunfire happens, that placement is optimised over.")
                        .between(10, 1000000),
                    param("cost", ParamType::NUMBER, "EUR", 2500.0, "Purchase and installation of one microphone.")
                        .at_least(0),
                    param("cost_per_year", ParamType::NUMBER, "EUR", 300.0, "Maintenance and service per microphone and year.")
                        .at_least(0),
                }});
  registry.add({"cameras", "Cameras that count people and recognise events (only counts and events leave them)",
                {
                    param("sites", ParamType::POINT_LIST, "m", Json::array(), "Where cameras are."),
                    param("view_radius", ParamType::DISTANCE, "m", "40m", "How far a camera sees.").at_least(1),
                    param("counting", ParamType::BOOLEAN, "", true, "Cameras count the people in their zone."),
                    param("capacity", ParamType::NUMBER, "", 600.0,
                          "People in a zone above which it is overcrowded (the counting alert threshold).")
                        .at_least(1),
                    param("count_interval", ParamType::DURATION, "s", "5min", "A count every this.").at_least(1),
                    param("count_error_sd", ParamType::NUMBER, "", 0.08, "Relative standard deviation of a count's error.")
                        .between(0, 2),
                    param("busiest_mean", ParamType::NUMBER, "", 300.0, "Mean people in a zone at its busiest hour.")
                        .at_least(0),
                    param("hourly_profile", ParamType::PROFILE, "", Json(DAYTIME), "Relative crowd by hour.").of_length(24),
                    param("weekly_profile", ParamType::PROFILE, "", Json(WEEKEND), "Relative crowd by day.").of_length(7),
                    param("variation", ParamType::NUMBER, "", 0.15,
                          "Standard deviation of the crowd's log about its mean (Ornstein-Uhlenbeck).")
                        .between(0, 5),
                    param("correlation_time", ParamType::DURATION, "s", "30min", "How long that variation lasts.")
                        .at_least(1),
                    param("gathering_rate", ParamType::RATE, "1/year", "12/year",
                          "Gatherings (markets, concerts, demonstrations) per zone."),
                    param("gathering_size", ParamType::NUMBER, "", 500.0, "People a gathering adds.").at_least(0),
                    param("gathering_duration", ParamType::DISTRIBUTION, "s", lognormal("3h", 0.4), "How long one lasts."),
                    param("fight_detection_probability", ParamType::NUMBER, "", 0.7,
                          "Probability that the analytics recognise a fight (assault, altercation) in view.")
                        .between(0, 1),
                    param("analytics_delay", ParamType::DISTRIBUTION, "s", Json{{"dist", "exponential"}, {"mean", "20s"}},
                          "From the event to the analytics' report."),
                    param("abandoned_object_rate", ParamType::RATE, "1/year", "6/year",
                          "Real unattended objects in a camera's view."),
                    param("object_detection_probability", ParamType::NUMBER, "", 0.8,
                          "Probability that the analytics flag one.")
                        .between(0, 1),
                    param("false_alarm_rate", ParamType::RATE, "1/h", "0.01/h",
                          "Analytics events with nothing there, per camera (half fights, half objects)."),
                    param("object_on_site", ParamType::DISTRIBUTION, "s", gamma("30min", 2),
                          "Police time checking an object."),
                    param("cost", ParamType::NUMBER, "EUR", 3000.0, "Purchase and installation of one camera.")
                        .at_least(0),
                    param("cost_per_year", ParamType::NUMBER, "EUR", 400.0, "Maintenance and service per camera and year.")
                        .at_least(0),
                }});
  registry.add({"shop_buttons", "Alert buttons in shops; robberies in shops are crime.robbery.at_shop_share",
                button_specs()});
  registry.add({"citizens", "The public's calls to the emergency number",
                {
                    param("false_report_rate", ParamType::RATE, "1/day", "0.5/day",
                          "Calls about incidents that did not happen (mistakes, pranks), each of a random kind."),
                    param("location_error", ParamType::DISTANCE, "m", "40m",
                          "Standard deviation, along each axis, of the place a caller gives."),
                }});
  registry.add({"sensor_network", "The network that carries sensors' readings to the command centre (microphones, "
                                  "cameras, pressure sensors, smart meters)",
                NetworkParams::specs()});
  registry.add({"command_centre", "The operators who handle every alert, by priority, before their other work",
                {
                    param("operators", ParamType::INTEGER, "", 2, "Operators on duty.").between(1, 1000),
                    param("abandon_after", ParamType::DURATION, "s", "20min",
                          "An alert that no operator has picked up by then is abandoned; 0 means never."),
                    param("background_work_rate", ParamType::RATE, "1/h", "4/h", "Other work, served after alerts."),
                    param("background_work_duration", ParamType::DISTRIBUTION, "s",
                          Json{{"dist", "exponential"}, {"mean", "8min"}}, "Duration of an item of other work."),
                    handling_spec("shop_alerts", "Button alerts: the operator calls the shop back.", lognormal("2min", 0.5),
                                  0.95, 0.05),
                    handling_spec("microphones", "Gunfire alerts: the operator reviews the incident (no audio).",
                                  lognormal("1min", 0.5), 1.0, 0.8),
                    handling_spec("video", "Camera events: the operator reviews the event.", lognormal("90s", 0.5), 0.9,
                                  0.3),
                    handling_spec("reports", "Citizens' calls: the call taker triages.", lognormal("2min", 0.5), 0.95, 0.5),
                    handling_spec("crowding", "Crowding alerts.", lognormal("1min", 0.5), 0.5, 0.2),
                }});
  return registry.components();
}

const std::vector<sim::ComponentSpec>& public_safety_components() {
  static const std::vector<sim::ComponentSpec> components = build_components();
  return components;
}

/// A section of the scenario with its defaults, an empty one when left out.
sim::Params section_of(const Json& scenario, const char* key, std::deque<Json>& keep) {
  const std::vector<sim::ParamSpec>* specs = nullptr;
  static const std::vector<sim::ParamSpec> network = NetworkParams::specs(), detection = detection_param_specs(),
                                           police = police_param_specs();
  std::string k = key;
  if (k == "alert_network" || k == "sensor_network") specs = &network;
  if (k == "detection") specs = &detection;
  if (k == "police") specs = &police;
  for (const auto& c : public_safety_components())
    if (c.name == k) specs = &c.params;
  keep.push_back(sim::with_defaults(scenario.contains(key) ? scenario.at(key) : Json::object(), *specs));
  return sim::Params(keep.back(), key);
}

}  // namespace

void register_public_safety(sim::Registry& registry) {
  for (const auto& c : public_safety_components()) registry.add(c);
  registry.add_model({"public_safety",
                      "Crime that clusters, gunfire located by microphones, cameras, shop buttons and citizens' calls "
                      "through one detection core, the command centre and the police on the streets",
                      {"streets", "zones", "crime", "impulses", "acoustics", "microphones", "cameras", "shop_buttons",
                       "citizens", "alert_network", "sensor_network", "detection", "command_centre", "police",
                       "live"}});
}

PublicSafetyParams PublicSafetyParams::from_scenario(const Json& scenario, const std::string& directory) {
  sim::Params run(scenario, "");
  PublicSafetyParams p;
  p.seed = static_cast<std::uint64_t>(run.integer("seed"));
  p.duration = run.duration("duration");
  p.warmup = run.duration("warmup");
  p.record_interval = run.section("record").duration("interval");
  std::deque<Json> kept;  // sections with their defaults, alive while read
  if (!scenario.contains("streets"))
    throw sim::ScenarioError("the public-safety model needs a 'streets' section: crime happens on the streets and "
                             "the police drive them (e.g. streets: {source: osm, file: maps/town.osm.pbf})");
  for (const char* key : {"crime"})
    if (!scenario.contains(key))
      throw sim::ScenarioError(std::string("the public-safety model needs the '") + key +
                               "' section, with one nested section per crime type to simulate (e.g. crime: "
                               "{gunfire: {}, robbery: {}})");

  // The city.
  CityMap map = city_map_from(scenario, directory);
  p.streets = map.streets;
  p.zones = map.zones;

  // Crime, type by type.
  sim::Params crime(scenario.at("crime"), "crime");
  bool any = false;
  for (std::size_t t = 0; t < CRIME_TYPE_COUNT; ++t) {
    const char* name = crime_type_name(static_cast<CrimeType>(t));
    if (!crime.has(name)) continue;
    any = true;
    sim::Params c = crime.section(name);
    CrimeTypeParams& ct = p.crime[t];
    ct.enabled = true;
    ct.hawkes.mu_per_s = c.rate_per_s("rate");
    ct.hawkes.profile = profile_from(c);
    ct.hawkes.theta = c.number("theta");
    ct.hawkes.omega_per_s = 1.0 / c.duration("trigger_delay").to_seconds();
    ct.hawkes.sigma_m = c.distance_m("sigma");
    std::string w = c.string("weight");
    ct.weight = w == "population" ? ZoneWeight::POPULATION : w == "area" ? ZoneWeight::AREA : ZoneWeight::ACTIVITY;
    ct.report_probability = c.number("report_probability");
    ct.report_delay = c.distribution("report_delay");
    ct.on_site = c.distribution("on_site");
    if (c.has("at_shop_share")) ct.at_shop_share = c.number("at_shop_share");
  }
  if (!any)
    throw sim::ScenarioError("at 'crime': no crime type is written; add at least one of assault, robbery, burglary, "
                             "altercation, gunfire (an empty map takes its defaults, e.g. crime: {gunfire: {}})");

  // Other impulsive sounds.
  kept.push_back(scenario.contains("impulses") ? scenario.at("impulses") : Json::object());
  sim::Params impulses(kept.back(), "impulses");
  for (auto [key, out] : {std::pair{"fireworks", &p.fireworks}, std::pair{"backfires", &p.backfires}}) {
    if (!impulses.has(key)) continue;
    sim::Params s = impulses.section(key);
    out->rate_per_s = s.rate_per_s("rate");
    out->profile = profile_from(s);
    out->level_db = s.number("level_db");
    out->gunfire_logit = s.number("gunfire_logit");
    out->report_probability = s.number("report_probability");
  }

  // Sound.
  {
    sim::Params a = section_of(scenario, "acoustics", kept);
    p.acoustics.air_temperature_c = a.number("air_temperature");
    p.acoustics.temperature_daily_range_c = a.number("temperature_daily_range");
    p.acoustics.absorption_db_per_m = a.number("absorption_db_per_km") / 1000.0;
    p.acoustics.excess_attenuation_db = a.number("excess_attenuation_db");
    p.acoustics.excess_attenuation_sd_db = a.number("excess_attenuation_sd_db");
    p.acoustics.nlos_distance_m = a.distance_m("nlos_distance");
    p.acoustics.nlos_attenuation_db = a.number("nlos_attenuation_db");
    p.acoustics.nlos_delay = a.distribution("nlos_delay");
    p.acoustics.timing_jitter_s = a.duration("timing_jitter").to_seconds();
    p.gunshot_level_db = a.number("gunshot_level_db");
    p.gunshot_level_sd_db = a.number("gunshot_level_sd_db");
    p.gunfire_logit = a.number("gunfire_logit");
    p.logit_sd = a.number("logit_sd");
  }

  // Microphones.
  if (scenario.contains("microphones")) {
    sim::Params m(scenario.at("microphones"), "microphones");
    p.microphone_count = static_cast<std::uint32_t>(m.integer("count"));
    std::string placement = m.string("placement");
    p.placement = placement == "random" ? MicrophonePlacement::RANDOM
                  : placement == "given" ? MicrophonePlacement::GIVEN
                                         : MicrophonePlacement::GREEDY;
    p.microphone_sites = m.points("sites");
    p.candidate_sites = m.points("candidate_sites");
    p.min_spacing_m = m.distance_m("min_spacing");
    p.microphone_threshold_db = m.number("threshold_db");
    p.placement_samples = static_cast<std::uint32_t>(m.integer("placement_samples"));
    p.microphone_cost_eur = m.number("cost");
    p.microphone_cost_per_year_eur = m.number("cost_per_year");
    if (p.placement == MicrophonePlacement::GIVEN) {
      if (p.microphone_sites.empty())
        throw sim::ScenarioError("at 'microphones.sites': placement 'given' needs the sites; list them as [[x, y], ...] "
                                 "or choose placement greedy or random");
      if (p.microphone_count != 0 && p.microphone_count != p.microphone_sites.size())
        throw sim::ScenarioError("at 'microphones.count': " + std::to_string(p.microphone_count) + " microphones but " +
                                 std::to_string(p.microphone_sites.size()) +
                                 " sites are given; set count to 0 (or to the number of sites) with placement given");
      p.microphone_count = static_cast<std::uint32_t>(p.microphone_sites.size());
    }
    if (!p.candidate_sites.empty() && p.microphone_count > p.candidate_sites.size() &&
        p.placement != MicrophonePlacement::GIVEN)
      throw sim::ScenarioError("at 'microphones.count': " + std::to_string(p.microphone_count) +
                               " microphones for " + std::to_string(p.candidate_sites.size()) +
                               " candidate sites; give more candidate_sites or place fewer microphones");
  }

  // Cameras.
  if (scenario.contains("cameras")) {
    sim::Params c(scenario.at("cameras"), "cameras");
    p.camera_sites = c.points("sites");
    p.view_radius_m = c.distance_m("view_radius");
    p.counting = c.boolean("counting");
    p.capacity = c.number("capacity");
    p.count_interval = c.duration("count_interval");
    p.count_error_sd = c.number("count_error_sd");
    p.crowd.busiest_mean = c.number("busiest_mean");
    p.crowd.profile = profile_from(c);
    p.crowd.variation = c.number("variation");
    p.crowd.correlation_time_s = c.duration("correlation_time").to_seconds();
    p.crowd.gathering_rate_per_s = c.rate_per_s("gathering_rate");
    p.crowd.gathering_size = c.number("gathering_size");
    p.crowd.gathering_duration = c.distribution("gathering_duration");
    p.fight_detection_probability = c.number("fight_detection_probability");
    p.analytics_delay = c.distribution("analytics_delay");
    p.abandoned_object_rate_per_s = c.rate_per_s("abandoned_object_rate");
    p.object_detection_probability = c.number("object_detection_probability");
    p.camera_false_alarm_rate_per_s = c.rate_per_s("false_alarm_rate");
    p.object_on_site = c.distribution("object_on_site");
    p.camera_cost_eur = c.number("cost");
    p.camera_cost_per_year_eur = c.number("cost_per_year");
  }

  // Shop buttons.
  if (scenario.contains("shop_buttons")) {
    sim::Params b(scenario.at("shop_buttons"), "shop_buttons");
    p.shop_count = static_cast<std::uint32_t>(b.integer("count"));
    p.press_probability = b.number("press_probability");
    p.reaction = b.distribution("reaction");
    p.extra_presses_mean = b.number("extra_presses_mean");
    p.repeat_interval = b.distribution("repeat_interval");
    p.button_false_alarm_rate_per_s = b.rate_per_s("false_alarm_rate");
  }

  // Citizens.
  {
    sim::Params c = section_of(scenario, "citizens", kept);
    p.false_report_rate_per_s = c.rate_per_s("false_report_rate");
    p.report_location_error_m = c.distance_m("location_error");
  }

  // Networks, detection, the command centre and the police (their sections take every default when left out).
  p.alert_network = NetworkParams::from_section(section_of(scenario, "alert_network", kept));
  p.sensor_network = NetworkParams::from_section(section_of(scenario, "sensor_network", kept));
  p.detection = detection_settings_from(section_of(scenario, "detection", kept));
  sim::Params centre = section_of(scenario, "command_centre", kept);
  p.operators = static_cast<std::uint32_t>(centre.integer("operators"));
  p.abandon_after = centre.duration("abandon_after");
  p.background_work_rate_per_s = centre.rate_per_s("background_work_rate");
  p.background_work_duration = centre.distribution("background_work_duration");
  for (std::size_t s = 0; s < ALERT_SOURCE_COUNT; ++s)
    p.handling[s] = handling_from(centre.section(alert_source_name(static_cast<AlertSource>(s))));
  sim::Params police = section_of(scenario, "police", kept);
  p.fleet = fleet_settings_from(police, p.streets.get());
  p.search_speed_m_per_s = police.speed_m_per_s("search_speed");
  p.false_alarm_on_site = police.distribution("false_alarm_on_site");
  p.background_incident_rate_per_s = police.rate_per_s("background_incident_rate");
  p.background_on_site = police.distribution("background_on_site");
  sim::Params priorities = police.section("priorities");
  for (std::size_t c = 0; c < detection::ALERT_CLASS_COUNT; ++c) {
    auto cls = static_cast<detection::AlertClass>(c);
    p.priority[c] = cls == detection::AlertClass::HIGH_LEVEL ? 2
                                                             : static_cast<int>(priorities.integer(detection::to_string(cls)));
  }
  return p;
}

}  // namespace citytwin::models
