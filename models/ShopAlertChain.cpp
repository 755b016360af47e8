// The shop-alert chain: aggressions and accidental presses, the alert's journey, call-back and dispatch.
#include "models/ShopAlertChain.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <numeric>
#include <optional>

#include "models/CoreDeadline.hpp"
#include "models/DetectionParams.hpp"
#include "models/detection/DetectionCore.hpp"
#include "models/hazards/WeeklyProfile.hpp"
#include "models/response/Platform.hpp"
#include "models/response/PoliceFleet.hpp"
#include "sim/Check.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Scenario.hpp"
#include "sim/Simulation.hpp"
#include "sim/Statistics.hpp"
#include "sim/Trace.hpp"

namespace citytwin::models {

using sim::Json;
using sim::ParamType;
using sim::Time;

// ---------------------------------------------------------------------------------------------------------
// Registration

void register_shop_alerts(sim::Registry& registry) {
  using sim::param;
  const Json hourly = Json::array({0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.3,
                                   1.3, 1.2, 1.3, 1.5, 1.8, 2.2, 2.5, 2.4, 1.8, 1.2, 0.7, 0.4});
  registry.add({"shops", "Shops with an alert button: aggressions, accidental presses and how buttons are pressed",
                {
                    param("count", ParamType::INTEGER, "", 120, "Number of shops with an alert button.").between(1, 1e6),
                    param("area", ParamType::POINT, "m", Json::array({"2km", "1.5km"}),
                          "Size [x, y] of the rectangle the shops are spread over, uniformly, without streets; with streets, "
                          "shops lie uniformly along the streets (motorways and trunk roads excepted)."),
                    param("aggression_rate", ParamType::RATE, "1/year", "1.5/year",
                          "Aggressions per shop, averaged over the week."),
                    param("hourly_profile", ParamType::PROFILE, "", hourly,
                          "Relative aggression rate by hour of day, 00:00 first.").of_length(24),
                    param("weekly_profile", ParamType::PROFILE, "", Json::array({0.9, 0.9, 0.95, 1.0, 1.15, 1.3, 0.8}),
                          "Relative aggression rate by day, Monday first.").of_length(7),
                    param("false_alarm_rate", ParamType::RATE, "1/year", "3/year", "Accidental presses per shop."),
                    param("reaction", ParamType::DISTRIBUTION, "s", Json{{"dist", "exponential"}, {"mean", "45s"}},
                          "Time from the start of an aggression to the first press."),
                    param("press_probability", ParamType::NUMBER, "", 0.9,
                          "Probability that the shopkeeper manages to press during an aggression.").between(0, 1),
                    param("extra_presses_mean", ParamType::NUMBER, "", 1.0,
                          "Mean number of further presses after the first (Poisson).").between(0, 100),
                    param("repeat_interval", ParamType::DISTRIBUTION, "s", Json{{"dist", "exponential"}, {"mean", "20s"}},
                          "Time between repeated presses."),
                }});
  registry.add({"alert_network",
                "The network that carries a press to the platform: a generic link, wired, cellular, LoRaWAN or mesh",
                NetworkParams::specs()});
  registry.add({"detection", "The detection core's settings: buttons, gunfire, video events, thresholds, fusion",
                detection_param_specs()});
  registry.add({"platform", "The town-hall platform: operators call the shop back and decide to send the police",
                {
                    param("operators", ParamType::INTEGER, "", 2, "Operators on duty.").between(1, 1000),
                    param("call_duration", ParamType::DISTRIBUTION, "s",
                          Json{{"dist", "lognormal"}, {"median", "2min"}, {"sigma", 0.5}},
                          "Time an operator spends on a call-back (dialling, talking, deciding)."),
                    param("abandon_after", ParamType::DURATION, "s", "20min",
                          "An alert that no operator has picked up by then is abandoned; 0 means never."),
                    param("confirm_probability", ParamType::NUMBER, "", 0.95,
                          "Probability that the call-back confirms a real aggression.").between(0, 1),
                    param("false_dispatch_probability", ParamType::NUMBER, "", 0.05,
                          "Probability that a false alarm still leads to a dispatch (no answer on call-back).")
                        .between(0, 1),
                    param("background_call_rate", ParamType::RATE, "1/h", "5/h",
                          "Other work of the operators (calls, camera checks), served after alerts."),
                    param("background_call_duration", ParamType::DISTRIBUTION, "s",
                          Json{{"dist", "exponential"}, {"mean", "8min"}}, "Duration of an item of other work."),
                }});
  registry.add({"police", "Police units: dispatched by priority to the nearest free unit, on site, then home or on "
                          "patrol",
                police_param_specs()});
  registry.add({"live", "Shadow mode on the city's real devices: which device is which sensor, and the city's time zone",
                {
                    param("devices", ParamType::STRING, "", "",
                          "The device map (CSV: device,sensor[,interval_s]) naming the fleet's devEuis, entity ids or "
                          "names, relative to the scenario file; empty: sensor ids and rehearsal devEuis."),
                    param("timezone", ParamType::STRING, "", "UTC",
                          "The city's time zone (IANA name, e.g. Europe/Paris) for the hours of the week of readings."),
                }});
  registry.add_model({"shop_alerts",
                      "Alert buttons in shops, the town-hall platform that calls back, and the police it sends",
                      {"streets", "zones", "shops", "alert_network", "detection", "platform", "police", "live"}});
}

ShopAlertParams ShopAlertParams::from_scenario(const Json& scenario, const std::string& directory) {
  sim::Params run(scenario, "");
  ShopAlertParams p;
  p.seed = static_cast<std::uint64_t>(run.integer("seed"));
  p.duration = run.duration("duration");
  p.warmup = run.duration("warmup");
  p.record_interval = run.section("record").duration("interval");

  for (const char* key : {"shops", "alert_network", "detection", "platform", "police"})
    if (!scenario.contains(key))
      throw sim::ScenarioError(std::string("the shop-alert chain needs the '") + key +
                               "' section (it may be empty to take every default)");

  sim::Params shops(scenario.at("shops"), "shops");
  p.shop_count = static_cast<std::uint32_t>(shops.integer("count"));
  p.area = shops.point("area");
  p.aggression_rate_per_s = shops.rate_per_s("aggression_rate");
  p.hourly_profile = shops.profile("hourly_profile");
  p.weekly_profile = shops.profile("weekly_profile");
  p.false_alarm_rate_per_s = shops.rate_per_s("false_alarm_rate");
  p.reaction = shops.distribution("reaction");
  p.press_probability = shops.number("press_probability");
  p.extra_presses_mean = shops.number("extra_presses_mean");
  p.repeat_interval = shops.distribution("repeat_interval");
  for (const auto* prof : {&p.hourly_profile, &p.weekly_profile})
    if (std::accumulate(prof->begin(), prof->end(), 0.0) <= 0.0)
      throw sim::ScenarioError("at 'shops': a profile needs at least one weight above zero");

  p.network = NetworkParams::from_section(sim::Params(scenario.at("alert_network"), "alert_network"));
  CityMap map = city_map_from(scenario, directory);
  p.streets = map.streets;
  p.zones = map.zones;
  p.zone_weight = map.weight;

  p.detection = detection_settings_from(sim::Params(scenario.at("detection"), "detection"));

  sim::Params platform(scenario.at("platform"), "platform");
  p.operators = static_cast<std::uint32_t>(platform.integer("operators"));
  p.call_duration = platform.distribution("call_duration");
  p.abandon_after = platform.duration("abandon_after");
  p.confirm_probability = platform.number("confirm_probability");
  p.false_dispatch_probability = platform.number("false_dispatch_probability");
  p.background_call_rate_per_s = platform.rate_per_s("background_call_rate");
  p.background_call_duration = platform.distribution("background_call_duration");

  sim::Params police(scenario.at("police"), "police");
  p.fleet = fleet_settings_from(police, p.streets.get());
  p.units = p.fleet.units;
  p.on_site = police.distribution("on_site");
  p.background_incident_rate_per_s = police.rate_per_s("background_incident_rate");
  p.background_on_site = police.distribution("background_on_site");
  return p;
}

// ---------------------------------------------------------------------------------------------------------
// One replication

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr sim::Priority SAMPLE_PRIORITY = 100;  // samples see the state after every change at that instant
constexpr std::uint32_t PLATFORM_ENTITY = 0xFFFF0000u;
constexpr std::uint32_t POLICE_ENTITY = 0xFFFF0001u;
constexpr std::uint32_t LAYOUT_REPLICATION = 0xFFFFFFFFu;

/// A place drawn by zone weight when there are zones (on the nearest street when there are streets), else
/// uniformly along the streets where people shop and incidents happen, else uniformly in the area.
Place random_place(const ShopAlertParams& p, sim::RandomStream& rng) {
  Place place;
  if (p.zones && p.streets) {
    place.street = p.zones->sample_on_streets(rng, p.zone_weight, *p.streets);
    place.point = place.street.point;
  } else if (p.zones) {
    place.point = p.zones->sample(rng, p.zone_weight);
  } else if (p.streets) {
    place.street = p.streets->location_along(rng.uniform());
    place.point = place.street.point;
  } else {
    place.point = {rng.uniform(0.0, p.area.x_m), rng.uniform(0.0, p.area.y_m)};
  }
  return place;
}

/// Why a button was pressed: the truth, which the detection core never sees.
enum class Cause : std::uint8_t { AGGRESSION = 1, ACCIDENT = 0 };

/// What happened to one alert, from press to police arrival (NaN: did not happen).
struct AlertRecord {
  std::uint32_t shop = 0;
  Cause cause = Cause::ACCIDENT;
  double pressed_s = NaN, raised_s = NaN, callback_start_s = NaN, callback_end_s = NaN;
  double dispatched_s = NaN, police_arrival_s = NaN;
  bool abandoned = false, dispatched = false;
  int unit = -1;
  std::uint32_t presses = 1;
};


/// A press on its way through the network, with the truth the detection core never sees.
struct PressInFlight {
  detection::Reading reading;
  Cause cause = Cause::ACCIDENT;
  std::int64_t aggression = -1;  // index of the aggression, -1 for an accidental press
};

class ShopAlertRun {
 public:
  ShopAlertRun(const ShopAlertModel& model, const sim::ReplicationContext& ctx, std::vector<std::string>* trace,
               std::size_t max_trace, const LiveTap* tap = nullptr)
      : p_(model.params()), shops_(model.shops()), ctx_(ctx), trace_(trace, max_trace), tap_(tap),
        core_(model.live_sensors(), p_.detection),
        profile_(p_.hourly_profile, p_.weekly_profile),
        platform_rng_(ctx.seed, ctx.replication, PLATFORM_ENTITY, "background_calls"),
        police_rng_(ctx.seed, ctx.replication, POLICE_ENTITY, "background_incidents"),
        places_(model.shop_places()),
        travel_(model.router() ? std::make_unique<TravelTimes>(*model.router()) : nullptr),
        platform_(sim_, p_.operators, 2, p_.abandon_after,
                  [this](const PlatformJob& job) { return call_starts(job); },
                  [this](const PlatformJob& job) { call_done(job); },
                  [this](const PlatformJob& job) { abandoned(job); }),
        fleet_(sim_, p_.fleet, 2, p_.streets.get(), travel_.get(),
               [this](const PoliceJob& job, std::size_t unit, Time) { unit_sent(job, unit); },
               [this](const PoliceJob& job, std::size_t unit) { return unit_arrives(job, unit); },
               [this](std::size_t unit) { return patrol_place(unit); }),
        network_(model.network(), sim_, ctx.seed, ctx.replication,
                 [this](const MessageOutcome& m) { press_outcome(m); }, true) {
    shop_rng_.reserve(shops_.size());
    for (std::uint32_t s = 0; s < shops_.size(); ++s) shop_rng_.push_back(ShopStreams(ctx, s));
    open_alert_.assign(shops_.size(), -1);
    core_.keep_fates(true);
  }

  sim::ReplicationResults run() {
    // Every shop starts its two processes; the platform and the police get their other work.
    for (std::uint32_t s = 0; s < shops_.size(); ++s) {
      next_aggression(s);
      next_accident(s);
    }
    next_background_call();
    next_background_incident();
    sim_.schedule_periodic(Time{}, p_.record_interval, [this] { sample(); }, SAMPLE_PRIORITY);
    if (p_.warmup > Time{}) sim_.schedule_at(p_.warmup, [this] { end_warmup(); }, -100);

    sim::run_reporting_progress(sim_, p_.duration, ctx_);
    return results();
  }

 private:
  struct ShopStreams {
    ShopStreams(const sim::ReplicationContext& c, std::uint32_t s)
        : aggression(c.seed, c.replication, s, "aggression"), accident(c.seed, c.replication, s, "accident"),
          pressing(c.seed, c.replication, s, "pressing"), network(c.seed, c.replication, s, "network"),
          call(c.seed, c.replication, s, "call"), police(c.seed, c.replication, s, "police") {}
    sim::RandomStream aggression, accident, pressing, network, call, police;
  };
  template <class... Args>
  void note(const Args&... args) {
    trace_.note(sim_.now(), args...);
  }

  bool counted(Time t) const { return t >= p_.warmup; }

  // --- Shops: aggressions follow the hourly and weekly profile (a Poisson process thinned from its peak
  // rate), accidental presses a constant rate.
  void next_aggression(std::uint32_t shop) {
    double peak = p_.aggression_rate_per_s * profile_.max_weight();
    if (peak <= 0.0) return;
    sim::RandomStream& rng = shop_rng_[shop].aggression;
    Time t = sim_.now();
    for (;;) {
      t += Time::seconds(rng.exponential(1.0 / peak));
      if (t >= p_.duration) return;
      if (rng.uniform() * profile_.max_weight() < profile_.weight(t)) break;
    }
    sim_.schedule_at(t, [this, shop] { aggression(shop); });
  }
  void next_accident(std::uint32_t shop) {
    if (p_.false_alarm_rate_per_s <= 0.0) return;
    Time t = sim_.now() + Time::seconds(shop_rng_[shop].accident.exponential(1.0 / p_.false_alarm_rate_per_s));
    if (t < p_.duration) sim_.schedule_at(t, [this, shop] { accident(shop); });
  }

  void aggression(std::uint32_t shop) {
    note("aggression at shop ", shop);
    bool counts = counted(sim_.now());
    if (counts) ++aggressions_;
    ShopStreams& rng = shop_rng_[shop];
    // The shopkeeper may not manage to press; if they do, the first press comes after a reaction time and
    // a frightened shopkeeper often presses again.
    if (rng.pressing.bernoulli(p_.press_probability)) {
      auto index = static_cast<std::int64_t>(aggression_heard_.size());
      aggression_heard_.push_back(counts ? 0 : 2);  // 0: pressed, nothing arrived yet; 1: heard; 2: not counted
      Time first = sim_.now() + p_.reaction.sample(rng.pressing);
      std::uint64_t extra = p_.extra_presses_mean > 0.0 ? rng.pressing.poisson(p_.extra_presses_mean) : 0;
      Time t = first;
      for (std::uint64_t k = 0; k <= extra; ++k) {
        if (k > 0) t += p_.repeat_interval.sample(rng.pressing);
        sim_.schedule_at(t, [this, shop, index] { press(shop, Cause::AGGRESSION, index); });
      }
    }
    next_aggression(shop);
  }
  void accident(std::uint32_t shop) {
    press(shop, Cause::ACCIDENT, -1);
    next_accident(shop);
  }

  // --- A press is a reading; it crosses the network (or is lost) and reaches the detection core.
  void press(std::uint32_t shop, Cause cause, std::int64_t aggression) {
    note("press at shop ", shop, cause == Cause::AGGRESSION ? " (aggression)" : " (accident)");
    presses_.push_back({detection::Reading{shop, sim_.now().count_us(), detection::Press{}, presses_.size()}, cause,
                        aggression});
    network_.send(shop, presses_.size() - 1);
  }
  void press_outcome(const MessageOutcome& m) {
    const PressInFlight& in = presses_[m.tag];
    if (!m.ok) {
      note("press at shop ", m.device, " lost (", loss_cause_name(m.cause), ")");
      if (counted(m.created)) ++readings_lost_;
      return;
    }
    if (m.gateway >= 0)
      note("press at shop ", m.device, " reached gateway ", m.gateway, " (SF", int{m.spreading_factor}, ", attempt ",
           int{m.attempts}, ")");
    if (in.aggression >= 0 && aggression_heard_[static_cast<std::size_t>(in.aggression)] == 0)
      aggression_heard_[static_cast<std::size_t>(in.aggression)] = 1;
    reading_arrives(in.reading);
  }

  void reading_arrives(const detection::Reading& r) {
    const std::int64_t now = sim_.now().count_us();
    if (tap_ && tap_->reading) tap_->reading(r, now);
    concluded(core_.consume(r, now).events);
  }
  // What the core concluded, reading by reading (at once, or in event-time mode when the watermark passes):
  // a press merged into an open alert, or a new alert the platform queues for a call-back.
  void concluded(const std::vector<detection::AlertEvent>& events) {
    if (tap_ && tap_->alert)
      for (const detection::AlertEvent& e : events) tap_->alert(e);
    for (const detection::ReadingFate& f : core_.take_fates()) {
      if (f.fate == detection::Fate::MERGED) {
        if (std::int64_t a = open_alert_[f.sensor]; a >= 0) ++alerts_[static_cast<std::size_t>(a)].presses;
        if (counted(sim_.now())) ++presses_merged_;
        continue;
      }
      if (f.fate != detection::Fate::RAISED) continue;
      AlertRecord rec;
      rec.shop = f.sensor;
      rec.cause = presses_[f.id].cause;
      rec.pressed_s = static_cast<double>(f.time_us) * 1e-6;
      rec.raised_s = sim_.now().to_seconds();
      alerts_.push_back(rec);
      auto index = static_cast<std::int64_t>(alerts_.size() - 1);
      open_alert_[f.sensor] = index;
      note("alert ", f.alert, " raised for shop ", f.sensor);
      platform_.submit({index, 0, true});
    }
    arm_deadline();
  }
  // Event-time mode: the core takes held presses when the watermark passes them.
  void arm_deadline() {
    deadline_.arm(sim_, core_, [this] { concluded(core_.advance(sim_.now().count_us())); });
  }

  // --- The platform: alerts first, other work after, c operators.
  void next_background_call() {
    if (p_.background_call_rate_per_s <= 0.0) return;
    Time t = sim_.now() + Time::seconds(platform_rng_.exponential(1.0 / p_.background_call_rate_per_s));
    if (t < p_.duration)
      sim_.schedule_at(t, [this] {
        platform_.submit({-1, 1, false});
        next_background_call();
      });
  }
  void abandoned(const PlatformJob& job) {
    AlertRecord& rec = alerts_[static_cast<std::size_t>(job.id)];
    rec.abandoned = true;
    if (open_alert_[rec.shop] == job.id) open_alert_[rec.shop] = -1;
    note("alert for shop ", rec.shop, " abandoned");
  }
  Time call_starts(const PlatformJob& job) {
    if (job.id < 0) return p_.background_call_duration.sample(platform_rng_);
    AlertRecord& rec = alerts_[static_cast<std::size_t>(job.id)];
    rec.callback_start_s = sim_.now().to_seconds();
    Time duration = p_.call_duration.sample(shop_rng_[rec.shop].call);
    note("operator calls shop ", rec.shop, " back");
    return duration;
  }
  void call_done(const PlatformJob& job) {
    if (job.id < 0) return;
    AlertRecord& rec = alerts_[static_cast<std::size_t>(job.id)];
    rec.callback_end_s = sim_.now().to_seconds();
    if (open_alert_[rec.shop] == job.id) open_alert_[rec.shop] = -1;
    // The call decides: a confirmed aggression (or an unanswered false alarm) sends the police.
    sim::RandomStream& rng = shop_rng_[rec.shop].call;
    double p = rec.cause == Cause::AGGRESSION ? p_.confirm_probability : p_.false_dispatch_probability;
    if (rng.bernoulli(p)) {
      rec.dispatched = true;
      rec.dispatched_s = sim_.now().to_seconds();
      note("dispatch requested for shop ", rec.shop);
      fleet_.request({job.id, places_[rec.shop], 0});
    }
  }

  // --- The police: the nearest free unit by travel time; shop alerts before other incidents.
  void next_background_incident() {
    if (p_.background_incident_rate_per_s <= 0.0) return;
    Time t = sim_.now() + Time::seconds(police_rng_.exponential(1.0 / p_.background_incident_rate_per_s));
    if (t >= p_.duration) return;
    Place where = random_place(p_, police_rng_);
    sim_.schedule_at(t, [this, where] {
      fleet_.request({-1, where, 1});
      next_background_incident();
    });
  }
  Place patrol_place(std::size_t unit) {
    if (patrol_rng_.size() <= unit)
      for (std::size_t u = patrol_rng_.size(); u <= unit; ++u)
        patrol_rng_.emplace_back(ctx_.seed, ctx_.replication, static_cast<std::uint32_t>(u), "patrol");
    return random_place(p_, patrol_rng_[unit]);
  }
  void unit_sent(const PoliceJob& job, std::size_t unit) {
    if (job.id >= 0) alerts_[static_cast<std::size_t>(job.id)].unit = static_cast<int>(unit);
    note("unit ", unit, " sent", job.id >= 0 ? " to a shop alert" : " to another incident");
  }
  Time unit_arrives(const PoliceJob& job, std::size_t unit) {
    if (job.id < 0) return p_.background_on_site.sample(police_rng_);
    AlertRecord& rec = alerts_[static_cast<std::size_t>(job.id)];
    rec.police_arrival_s = sim_.now().to_seconds();
    Time stay = p_.on_site.sample(shop_rng_[rec.shop].police);
    note("unit ", unit, " on site at shop ", rec.shop);
    return stay;
  }

  // --- Recording.
  void end_warmup() {
    platform_.reset_statistics(sim_.now());
    fleet_.reset_statistics(sim_.now());
  }
  void sample() {
    series_time_.push_back(sim_.now().to_seconds());
    sample_values_[0].push_back(platform_.waiting(0));
    sample_values_[1].push_back(static_cast<double>(platform_.queued(1)));
    sample_values_[2].push_back(platform_.busy());
    sample_values_[3].push_back(fleet_.busy());
    sample_values_[4].push_back(static_cast<double>(fleet_.waiting()));
  }

  sim::ReplicationResults results() {
    sim::ReplicationResults out;
    out.replication = ctx_.replication;
    out.events = sim_.events_run();
    const Time end = sim_.now();

    // Time series.
    out.series.time_s = series_time_;
    const char* names[5][3] = {{"alert_queue", "", "Alerts waiting for an operator."},
                               {"background_queue", "", "Items of other work waiting for an operator."},
                               {"busy_operators", "", "Operators on a call."},
                               {"busy_units", "", "Police units travelling to or on an incident."},
                               {"police_queue", "", "Incidents waiting for a free unit."}};
    for (int i = 0; i < 5; ++i) out.series.series.push_back({names[i][0], names[i][1], names[i][2], sample_values_[i]});

    // The alert table: one row per alert, the truth beside what the platform saw.
    using Col = sim::ColumnSpec;
    sim::EventTable table(
        "alerts", "One row per alert raised by the detection core, from press to police arrival.",
        {{"alert", Col::Type::INT64, "", "Alert number, 1 first."},
         {"shop", Col::Type::INT64, "", "Shop index."},
         {"aggression", Col::Type::INT64, "", "1 for a real aggression, 0 for an accidental press (ground truth)."},
         {"presses", Col::Type::INT64, "", "Presses merged into this alert, the first included."},
         {"pressed_s", Col::Type::FLOAT64, "s", "First press."},
         {"raised_s", Col::Type::FLOAT64, "s", "Alert raised by the detection core."},
         {"callback_start_s", Col::Type::FLOAT64, "s", "Operator starts the call-back (NaN: never)."},
         {"callback_end_s", Col::Type::FLOAT64, "s", "Call-back ends."},
         {"abandoned", Col::Type::INT64, "", "1 when no operator picked the alert up in time."},
         {"dispatched", Col::Type::INT64, "", "1 when the police were sent."},
         {"unit", Col::Type::INT64, "", "Police unit sent (-1: none)."},
         {"police_arrival_s", Col::Type::FLOAT64, "s", "Unit on site (NaN: not yet or never)."},
         {"time_to_callback_s", Col::Type::FLOAT64, "s", "From first press to call-back start."},
         {"time_to_police_s", Col::Type::FLOAT64, "s", "From first press to police arrival."}});
    std::vector<double> to_callback, to_police, waits;
    std::uint64_t raised = 0, abandoned = 0, false_alarms = 0;
    for (std::size_t i = 0; i < alerts_.size(); ++i) {
      const AlertRecord& r = alerts_[i];
      double tc = r.callback_start_s - r.pressed_s, tp = r.police_arrival_s - r.pressed_s;
      table.append({static_cast<double>(i + 1), static_cast<double>(r.shop), r.cause == Cause::AGGRESSION ? 1.0 : 0.0,
                    static_cast<double>(r.presses), r.pressed_s, r.raised_s, r.callback_start_s, r.callback_end_s,
                    r.abandoned ? 1.0 : 0.0, r.dispatched ? 1.0 : 0.0, static_cast<double>(r.unit),
                    r.police_arrival_s, tc, tp});
      if (r.raised_s < p_.warmup.to_seconds()) continue;
      ++raised;
      abandoned += r.abandoned ? 1 : 0;
      false_alarms += r.cause == Cause::ACCIDENT ? 1 : 0;
      if (!std::isnan(tc)) {
        to_callback.push_back(tc);
        waits.push_back(r.callback_start_s - r.raised_s);
      }
      if (r.cause == Cause::AGGRESSION && !std::isnan(tp)) to_police.push_back(tp);
    }
    out.tables.push_back(std::move(table));

    // KPIs.
    auto mean = [](const std::vector<double>& v) {
      return v.empty() ? NaN : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    };
    double observed_h = (end - p_.warmup).to_seconds() / 3600.0;
    auto kpi = [&](const char* name, const char* unit, const char* description, double value) {
      out.kpis.push_back({name, unit, description, value});
    };
    kpi("aggressions", "", "Aggressions in shops.", static_cast<double>(aggressions_));
    kpi("alerts_raised", "", "Alerts raised by the detection core.", static_cast<double>(raised));
    kpi("false_alarms", "", "Alerts from accidental presses.", static_cast<double>(false_alarms));
    kpi("presses_merged", "", "Repeated presses merged into an open alert.", static_cast<double>(presses_merged_));
    kpi("readings_lost", "", "Presses lost by the network.", static_cast<double>(readings_lost_));
    kpi("aggressions_unheard", "", "Aggressions where the shopkeeper pressed but no press reached the platform.",
        static_cast<double>(std::count(aggression_heard_.begin(), aggression_heard_.end(), std::uint8_t{0})));
    kpi("callback_time_mean_s", "s", "Mean time from first press to call-back.", mean(to_callback));
    kpi("callback_time_p90_s", "s", "90th percentile of the time from first press to call-back.",
        sim::quantile(to_callback, 0.9));
    kpi("alert_wait_mean_s", "s", "Mean wait of an alert for an operator.", mean(waits));
    kpi("police_arrival_time_mean_s", "s", "Mean time from first press to police arrival (aggressions).",
        mean(to_police));
    kpi("police_arrival_time_p90_s", "s", "90th percentile of the time from first press to police arrival.",
        sim::quantile(to_police, 0.9));
    kpi("alerts_abandoned", "", "Alerts no operator picked up in time.", static_cast<double>(abandoned));
    kpi("alerts_abandoned_share", "", "Share of alerts abandoned.",
        raised ? static_cast<double>(abandoned) / static_cast<double>(raised) : NaN);
    kpi("operator_utilisation", "", "Mean share of operators busy.", platform_.mean_busy(end) / p_.operators);
    kpi("unit_utilisation", "", "Mean share of police units busy.", fleet_.mean_busy(end) / p_.units);
    kpi("alert_queue_mean", "", "Time-average number of alerts waiting for an operator.", platform_.mean_waiting(0, end));
    kpi("alert_rate_per_h", "1/h", "Alerts raised per hour.", observed_h > 0 ? static_cast<double>(raised) / observed_h : NaN);
    network_.append_kpis(out.kpis, "alert_network", (end - p_.warmup).to_seconds());
    out.tables.push_back(network_.message_table());
    if (p_.network.uses_gateways()) out.tables.push_back(network_.gateway_table());
    if (core_.rejected() > 0) out.warnings.push_back(std::to_string(core_.rejected()) + " readings rejected");
    return out;
  }

  const ShopAlertParams& p_;
  const std::vector<sim::Point>& shops_;
  const sim::ReplicationContext& ctx_;
  sim::Trace trace_;
  const LiveTap* tap_;

  sim::Simulation sim_;
  detection::DetectionCore core_;
  CoreDeadline deadline_;
  std::vector<ShopStreams> shop_rng_;
  WeeklyProfile profile_;

  std::vector<AlertRecord> alerts_;
  std::vector<std::int64_t> open_alert_;       // per shop: alert awaiting call-back, or -1
  sim::RandomStream platform_rng_, police_rng_;
  std::vector<sim::RandomStream> patrol_rng_;   // per unit, when units patrol

  std::uint64_t aggressions_ = 0, readings_lost_ = 0, presses_merged_ = 0;
  std::vector<PressInFlight> presses_;          // by network tag
  std::vector<std::uint8_t> aggression_heard_;  // per pressed aggression: 0 nothing arrived, 1 heard, 2 in warm-up
  const std::vector<Place>& places_;
  std::unique_ptr<TravelTimes> travel_;         // streets only
  Platform platform_;
  PoliceFleet fleet_;
  NetworkRun network_;
  std::vector<double> series_time_;
  std::vector<double> sample_values_[5];
};

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// The model

ShopAlertModel::ShopAlertModel(ShopAlertParams params) : params_(std::move(params)) {
  // Shops are part of the city, not of a replication: placed once per seed, along the streets if there are.
  shops_.reserve(params_.shop_count);
  shop_places_.reserve(params_.shop_count);
  for (std::uint32_t s = 0; s < params_.shop_count; ++s) {
    sim::RandomStream rng(params_.seed, LAYOUT_REPLICATION, s, "shop_location");
    Place place = random_place(params_, rng);
    shops_.push_back(place.point);
    shop_places_.push_back(place);
  }
  // The stations are on their streets already; the routing tables.
  station_ = params_.fleet.stations.front();
  if (params_.streets) router_ = std::make_unique<const StreetRouter>(*params_.streets);
  // The buttons' links to the network's gateways, fixed for the seed.
  network_ = std::make_unique<const Network>(params_.network, shops_, params_.seed);
  // The buttons as the detection core knows them.
  for (std::size_t s = 0; s < shops_.size(); ++s) {
    char id[32];
    std::snprintf(id, sizeof id, "shop-%04zu", s);
    sensors_.push_back({id, detection::SensorKind::ALERT_BUTTON, shops_[s].x_m, shops_[s].y_m});
  }
}

ShopAlertModel::~ShopAlertModel() = default;

std::vector<sim::EventTable> ShopAlertModel::layout() const {
  using Col = sim::ColumnSpec;
  std::vector<sim::EventTable> out;
  const StreetGraph* g = params_.streets.get();
  auto geo = [g](sim::Point p) {
    if (!g || !g->frame().geographic()) return std::array<double, 2>{NaN, NaN};
    return g->frame().to_geo(p);
  };
  const Col lat{"lat_deg", Col::Type::FLOAT64, "deg", "Latitude (NaN without a geographic map)."};
  const Col lon{"lon_deg", Col::Type::FLOAT64, "deg", "Longitude (NaN without a geographic map)."};
  const Col x{"x_m", Col::Type::FLOAT64, "m", "East in the local frame."};
  const Col y{"y_m", Col::Type::FLOAT64, "m", "North in the local frame."};

  // The streets, a row per straight piece of their shapes; a two-way street once.
  if (g) out.push_back(street_table(*g));

  // The shops and how their buttons reach the network.
  sim::EventTable shops("shops", "One row per shop with an alert button, and its link to the network.",
                        {{"shop", Col::Type::INT64, "", "Shop index."}, x, y, lat, lon,
                         {"covered", Col::Type::INT64, "", "1 when the button can reach the platform at all."},
                         {"spreading_factor", Col::Type::INT64, "", "LoRaWAN spreading factor (0: other network or none)."},
                         {"hops", Col::Type::INT64, "", "Mesh hops to a gateway (0: other network or unrouted)."}});
  for (std::uint32_t s = 0; s < shops_.size(); ++s) {
    auto ll = geo(shops_[s]);
    shops.append({static_cast<double>(s), shops_[s].x_m, shops_[s].y_m, ll[0], ll[1], network_->covered(s) ? 1.0 : 0.0,
                  static_cast<double>(network_->spreading_factor(s)), static_cast<double>(network_->hops(s))});
  }
  out.push_back(std::move(shops));

  sim::EventTable gateways("gateways", "One row per gateway of the alert network.",
                           {{"gateway", Col::Type::INT64, "", "Gateway index."}, x, y, lat, lon});
  for (std::size_t k = 0; params_.network.uses_gateways() && k < params_.network.gateways.size(); ++k) {
    sim::Point p = params_.network.gateways[k];
    auto ll = geo(p);
    gateways.append({static_cast<double>(k), p.x_m, p.y_m, ll[0], ll[1]});
  }
  out.push_back(std::move(gateways));

  sim::EventTable station("station", "Where the police units wait (on its street when the city has streets), one row "
                                     "per station.",
                          {x, y, lat, lon});
  for (const Place& st : params_.fleet.stations) {
    auto ll = geo(st.point);
    station.append({st.point.x_m, st.point.y_m, ll[0], ll[1]});
  }
  out.push_back(std::move(station));
  return out;
}

sim::ReplicationResults ShopAlertModel::run(const sim::ReplicationContext& ctx) const {
  return ShopAlertRun(*this, ctx, nullptr, 0).run();
}

sim::ReplicationResults ShopAlertModel::run_tapped(const sim::ReplicationContext& ctx, const LiveTap& tap) const {
  return ShopAlertRun(*this, ctx, nullptr, 0, &tap).run();
}

std::vector<std::int64_t> ShopAlertModel::reporting_intervals_us() const {
  return std::vector<std::int64_t>(sensors_.size(), 0);  // buttons report when pressed
}

const LocalFrame* ShopAlertModel::geo_frame() const {
  return params_.streets && params_.streets->frame().geographic() ? &params_.streets->frame() : nullptr;
}

sim::ReplicationResults ShopAlertModel::run_traced(const sim::ReplicationContext& ctx, std::vector<std::string>& trace,
                                                   std::size_t max_lines) const {
  return ShopAlertRun(*this, ctx, &trace, max_lines).run();
}

}  // namespace citytwin::models
