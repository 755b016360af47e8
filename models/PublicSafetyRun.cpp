// One replication of the public-safety model: the crimes and other sounds of a year, what each sensor makes of
// them, the readings' way to the detection core, the alerts, the command centre and the police.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

#include "models/PublicSafety.hpp"
#include "models/CoreDeadline.hpp"
#include "models/response/Platform.hpp"
#include "models/response/PoliceFleet.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Simulation.hpp"
#include "sim/Statistics.hpp"
#include "sim/Trace.hpp"

namespace citytwin::models {
namespace {

using detection::AlertClass;
using detection::AlertEvent;
using sim::Time;

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();
constexpr sim::Priority SAMPLE_PRIORITY = 100;  // samples see the state after every change at that instant
constexpr std::uint32_t CENTRE_ENTITY = 0xFFFF0000u;
constexpr std::uint32_t POLICE_ENTITY = 0xFFFF0001u;
constexpr std::uint32_t CITIZEN_ENTITY = 0xFFFF0002u;
constexpr int BACKGROUND_PRIORITY = 3;  // other work, after every alert
constexpr double FOUND_RADIUS_M = 25.0;  // the contract's "located": within 25 m

double distance(sim::Point a, sim::Point b) { return std::hypot(a.x_m - b.x_m, a.y_m - b.y_m); }

/// What a reading is evidence of: the truth, which the detection core never sees.
struct Truth {
  enum class Kind : std::uint8_t { NONE, CRIME, IMPULSE, OBJECT, CROWD };
  Kind kind = Kind::NONE;
  std::int64_t index = -1;
};

/// One crime and what became of it (NaN: did not happen).
struct Crime {
  CrimeType type = CrimeType::ASSAULT;
  double t_s = 0.0;
  Place place;
  std::int64_t parent = -1;
  std::uint32_t generation = 0;
  std::int64_t shop = -1;          // robbery in a shop with a button
  std::uint32_t heard_by = 0;      // gunfire: microphones that heard it
  bool reported = false;
  double detected_s = NaN;         // first alert holding evidence of it
  int detected_by = -1;            // the source of that alert
  std::uint64_t first_alert = 0;
  double mic_detected_s = NaN;     // gunfire: first gunfire alert from the microphones
  double location_error_m = NaN;   // gunfire: best fix of a microphone alert
  double reached_s = NaN;          // a unit at the scene
};

/// A firework or a backfire.
struct Sound {
  int kind = 0;  // 0 firework, 1 backfire
  double t_s = 0.0;
  Place place;
  std::uint32_t heard_by = 0;
  bool alerted = false;
};

/// A real unattended object in a camera's view.
struct Object {
  std::uint32_t camera = 0;
  double t_s = 0.0;
  double detected_s = NaN, reached_s = NaN;
};

/// A span when a zone held more people than its capacity.
struct Episode {
  std::uint32_t camera = 0;
  double start_s = 0.0, end_s = NaN, detected_s = NaN;
};

/// An alert as the command centre saw it, with the truth beside it.
struct AlertRecord {
  std::uint64_t id = 0;
  AlertClass cls = AlertClass::GUNFIRE;
  AlertSource source = AlertSource::REPORT;
  double raised_s = NaN;
  double x_m = 0.0, y_m = 0.0, uncertainty_m = 0.0, confidence = 1.0;
  bool located = false;
  std::uint32_t sensors = 0;
  std::vector<std::int64_t> crimes;  // crimes it holds evidence of
  std::int64_t sound = -1, object = -1, episode = -1;
  std::size_t processed = 0;         // reading ids looked at
  double handling_start_s = NaN, handling_end_s = NaN;
  bool abandoned = false, dispatched = false;
  int unit = -1;
  double arrival_s = NaN;
  sim::Point dispatched_to;
  bool real() const { return !crimes.empty() || object >= 0 || episode >= 0; }
};

AlertSource source_of(detection::SensorKind k) {
  switch (k) {
    case detection::SensorKind::ALERT_BUTTON: return AlertSource::SHOP_BUTTON;
    case detection::SensorKind::MICROPHONE: return AlertSource::MICROPHONES;
    case detection::SensorKind::VIDEO_ANALYTICS: return AlertSource::VIDEO;
    case detection::SensorKind::COUNTING_CAMERA:
    case detection::SensorKind::LEVEL: return AlertSource::CROWD_COUNT;
    case detection::SensorKind::CITIZEN_LINE: return AlertSource::REPORT;
  }
  return AlertSource::REPORT;
}

class PublicSafetyRun {
 public:
  PublicSafetyRun(const PublicSafetyModel& model, const sim::ReplicationContext& ctx, std::vector<std::string>* trace,
                  std::size_t max_trace, const LiveTap* tap = nullptr)
      : m_(model), p_(model.params()), ctx_(ctx), trace_(trace, max_trace), tap_(tap),
        core_(model.sensors(), p_.detection), travel_(model.router()),
        platform_(sim_, p_.operators, 4, p_.abandon_after, [this](const PlatformJob& j) { return handling_starts(j); },
                  [this](const PlatformJob& j) { handling_done(j); },
                  [this](const PlatformJob& j) { records_[static_cast<std::size_t>(j.id)].abandoned = true; }),
        fleet_(sim_, p_.fleet, 4, p_.streets.get(), &travel_,
               [this](const PoliceJob& j, std::size_t unit, Time) { unit_sent(j, unit); },
               [this](const PoliceJob& j, std::size_t unit) { return unit_arrives(j, unit); },
               [this](std::size_t unit) { return patrol_place(unit); }),
        alert_net_(model.alert_network(), sim_, ctx.seed, ctx.replication,
                   [this](const MessageOutcome& o) { delivered(o); }, true, "alert_network"),
        sensor_net_(model.sensor_network(), sim_, ctx.seed, ctx.replication,
                    [this](const MessageOutcome& o) { delivered(o); }, false, "sensor_network"),
        centre_rng_(ctx.seed, ctx.replication, CENTRE_ENTITY, "background_work"),
        police_rng_(ctx.seed, ctx.replication, POLICE_ENTITY, "background_incidents"),
        citizen_rng_(ctx.seed, ctx.replication, CITIZEN_ENTITY, "false_reports") {}

  sim::ReplicationResults run() {
    const double horizon = p_.duration.to_seconds();
    make_crimes(horizon);
    make_sounds(horizon);
    for (std::size_t c = 0; c < crimes_.size(); ++c)
      sim_.schedule_at(Time::seconds(crimes_[c].t_s), [this, c] { crime_happens(c); });
    for (std::size_t i = 0; i < sounds_.size(); ++i)
      sim_.schedule_at(Time::seconds(sounds_[i].t_s), [this, i] { sound_happens(i); });
    for (std::uint32_t s = 0; s < m_.shops().size(); ++s) next_accidental_press(s);
    start_cameras(horizon);
    next_false_report();
    next_background_work();
    next_background_incident();
    fleet_.start();
    sim_.schedule_periodic(Time{}, p_.record_interval, [this] { sample(); }, SAMPLE_PRIORITY);
    if (p_.warmup > Time{}) sim_.schedule_at(p_.warmup, [this] { end_warmup(); }, -100);

    sim::run_reporting_progress(sim_, p_.duration, ctx_);
    return results();
  }

 private:
  template <class... Args>
  void note(const Args&... args) {
    trace_.note(sim_.now(), args...);
  }
  bool counted(double t_s) const { return t_s >= p_.warmup.to_seconds(); }
  sim::RandomStream stream(std::uint32_t entity, const char* purpose) const {
    return sim::RandomStream(ctx_.seed, ctx_.replication, entity, purpose);
  }
  Place on_streets(sim::Point p) const {
    Place place;
    place.street = p_.streets->snap(p);
    place.point = place.street.point;
    return place;
  }

  // --- What happens: every crime type's year by its branching structure, then in time order.
  void make_crimes(double horizon) {
    for (std::size_t t = 0; t < CRIME_TYPE_COUNT; ++t) {
      const CrimeTypeParams& ct = p_.crime[t];
      if (!ct.enabled) continue;
      auto type = static_cast<CrimeType>(t);
      HawkesSpace space{[this, type](sim::RandomStream& rng) { return m_.background_place(type, rng).point; },
                        [this](sim::Point q) -> std::optional<sim::Point> {
                          auto place = m_.triggered_place(q);
                          return place ? std::optional<sim::Point>(place->point) : std::nullopt;
                        }};
      sim::RandomStream rng = stream(static_cast<std::uint32_t>(t), "crime");
      std::vector<HawkesEvent> events = simulate_hawkes(ct.hawkes, horizon, space, rng);
      std::size_t base = crimes_.size();
      for (const HawkesEvent& e : events) {
        Crime c;
        c.type = type;
        c.t_s = e.t_s;
        c.place = on_streets(e.p);
        c.parent = e.parent >= 0 ? static_cast<std::int64_t>(base) + e.parent : -1;
        c.generation = e.generation;
        crimes_.push_back(c);
      }
    }
    // One time line for every type; a tie keeps the order of types.
    std::vector<std::size_t> order(crimes_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return crimes_[a].t_s < crimes_[b].t_s; });
    std::vector<std::int64_t> index(crimes_.size());
    for (std::size_t k = 0; k < order.size(); ++k) index[order[k]] = static_cast<std::int64_t>(k);
    std::vector<Crime> sorted;
    for (std::size_t k : order) {
      Crime c = crimes_[k];
      if (c.parent >= 0) c.parent = index[static_cast<std::size_t>(c.parent)];
      sorted.push_back(c);
    }
    crimes_ = std::move(sorted);
    // Robberies in shops: at the nearest shop with a button.
    const double share = p_.crime[static_cast<std::size_t>(CrimeType::ROBBERY)].at_shop_share;
    if (!m_.shops().empty() && share > 0)
      for (std::size_t c = 0; c < crimes_.size(); ++c) {
        if (crimes_[c].type != CrimeType::ROBBERY) continue;
        sim::RandomStream rng = stream(static_cast<std::uint32_t>(c), "at_shop");
        if (!rng.bernoulli(share)) continue;
        std::size_t best = 0;
        for (std::size_t s = 1; s < m_.shops().size(); ++s)
          if (distance(m_.shops()[s].point, crimes_[c].place.point) < distance(m_.shops()[best].point, crimes_[c].place.point))
            best = s;
        crimes_[c].shop = static_cast<std::int64_t>(best);
        crimes_[c].place = m_.shops()[best];
      }
  }

  void make_sounds(double horizon) {
    const ImpulseSourceParams* kinds[2] = {&p_.fireworks, &p_.backfires};
    for (int k = 0; k < 2; ++k) {
      const ImpulseSourceParams& s = *kinds[k];
      double peak = s.rate_per_s * s.profile.max_weight();
      if (peak <= 0) continue;
      sim::RandomStream rng = stream(static_cast<std::uint32_t>(k), "impulses");
      for (double t = rng.exponential(1.0 / peak); t < horizon; t += rng.exponential(1.0 / peak))
        if (rng.uniform() * s.profile.max_weight() < s.profile.weight_s(t))
          sounds_.push_back({k, t, m_.place_by(ZoneWeight::ACTIVITY, rng)});
    }
    std::stable_sort(sounds_.begin(), sounds_.end(), [](const Sound& a, const Sound& b) { return a.t_s < b.t_s; });
  }

  // --- A reading is born at a sensor, crosses its network (or not) and reaches the detection core.
  std::uint64_t new_reading(std::uint32_t sensor, const detection::Payload& payload, Truth truth) {
    std::uint64_t id = readings_.size();
    readings_.push_back({sensor, sim_.now().count_us(), payload, id});
    truths_.push_back(truth);
    return id;
  }
  void delivered(const MessageOutcome& o) {
    if (!o.ok) {
      if (counted(o.created.to_seconds())) ++readings_lost_;
      return;
    }
    feed(readings_[o.tag]);
  }
  void feed(const detection::Reading& r) {
    if (tap_ && tap_->reading) tap_->reading(r, sim_.now().count_us());
    detection::ConsumeResult out = core_.consume(r, sim_.now().count_us());
    handle(out.events);
    arm_deadline();
  }
  void arm_deadline() {
    deadline_.arm(sim_, core_, [this] {
      handle(core_.advance(sim_.now().count_us()));
      arm_deadline();
    });
  }

  // --- Crimes and sounds, and what the sensors and people make of them.
  void crime_happens(std::size_t c) {
    Crime& crime = crimes_[c];
    note(crime_type_name(crime.type), " ", c, " at [", std::lround(crime.place.point.x_m), ", ",
         std::lround(crime.place.point.y_m), "]", crime.parent >= 0 ? " (triggered)" : "");
    sim::RandomStream rng = stream(static_cast<std::uint32_t>(c), "crime_response");
    Truth truth{Truth::Kind::CRIME, static_cast<std::int64_t>(c)};
    const CrimeTypeParams& ct = p_.crime[static_cast<std::size_t>(crime.type)];
    if (crime.type == CrimeType::GUNFIRE) {
      double level = rng.normal(p_.gunshot_level_db, p_.gunshot_level_sd_db);
      crime.heard_by = emit_sound(crime.place.point, level, p_.gunfire_logit, truth, c, "gunshot_hearing");
    }
    if (crime.shop >= 0 && rng.bernoulli(p_.press_probability)) {
      // The shopkeeper presses after a reaction time, often more than once.
      auto shop = static_cast<std::uint32_t>(crime.shop);
      Time t = sim_.now() + p_.reaction.sample(rng);
      std::uint64_t extra = p_.extra_presses_mean > 0 ? rng.poisson(p_.extra_presses_mean) : 0;
      for (std::uint64_t k = 0; k <= extra; ++k) {
        if (k > 0) t += p_.repeat_interval.sample(rng);
        sim_.schedule_at(t, [this, shop, truth] { press(shop, truth); });
      }
    }
    if (crime.type == CrimeType::ASSAULT || crime.type == CrimeType::ALTERCATION)
      for (std::uint32_t cam = 0; cam < p_.camera_sites.size(); ++cam) {
        if (distance(p_.camera_sites[cam], crime.place.point) > p_.view_radius_m) continue;
        if (!rng.bernoulli(p_.fight_detection_probability)) continue;
        sim_.schedule_in(p_.analytics_delay.sample(rng),
                         [this, cam, truth] { video_event(cam, detection::VideoEventKind::FIGHT, truth); });
      }
    if (rng.bernoulli(ct.report_probability)) {
      crime.reported = true;
      sim::Point where = crime.place.point;
      where.x_m += rng.normal(0.0, p_.report_location_error_m);
      where.y_m += rng.normal(0.0, p_.report_location_error_m);
      AlertClass cls = crime.shop >= 0 ? AlertClass::ROBBERY : alert_class_of(crime.type);
      sim_.schedule_in(ct.report_delay.sample(rng), [this, cls, where, truth] { report(cls, where, truth); });
    }
  }
  void sound_happens(std::size_t i) {
    Sound& s = sounds_[i];
    const ImpulseSourceParams& kind = s.kind == 0 ? p_.fireworks : p_.backfires;
    note(s.kind == 0 ? "firework" : "backfire", " at [", std::lround(s.place.point.x_m), ", ",
         std::lround(s.place.point.y_m), "]");
    Truth truth{Truth::Kind::IMPULSE, static_cast<std::int64_t>(i)};
    s.heard_by = emit_sound(s.place.point, kind.level_db, kind.gunfire_logit, truth, i, "impulse_hearing");
    sim::RandomStream rng = stream(static_cast<std::uint32_t>(i), "impulse_report");
    if (rng.bernoulli(kind.report_probability)) {
      sim::Point where{s.place.point.x_m + rng.normal(0.0, p_.report_location_error_m),
                       s.place.point.y_m + rng.normal(0.0, p_.report_location_error_m)};
      Time delay = p_.crime[static_cast<std::size_t>(CrimeType::GUNFIRE)].report_delay.sample(rng);
      sim_.schedule_in(delay, [this, where, truth] { report(AlertClass::GUNFIRE, where, truth); });
    }
  }
  /// Each microphone that hears the impulse reports its onset; returns how many heard it.
  std::uint32_t emit_sound(sim::Point at, double level_db, double logit_mean, Truth truth, std::size_t entity,
                           const char* purpose) {
    std::uint32_t heard = 0;
    const double t = sim_.now().to_seconds();
    const std::uint32_t base = sim::purpose_id(purpose);
    for (std::uint32_t mic = 0; mic < m_.microphones().size(); ++mic) {
      // One stream per impulse and microphone: another microphone never shifts this one's draws.
      sim::RandomStream rng(ctx_.seed, ctx_.replication, static_cast<std::uint32_t>(entity), base + mic);
      double d = distance(at, m_.microphones()[mic]);
      Hearing h = hear(p_.acoustics, level_db, d, t, p_.microphone_threshold_db, rng);
      if (!h.heard) continue;
      ++heard;
      double logit = rng.normal(logit_mean, p_.logit_sd);
      detection::Impulse impulse{h.level_db, logit};
      sim_.schedule_in(Time::seconds(std::max(h.delay_s, 0.0)), [this, mic, impulse, truth] {
        std::uint64_t id = new_reading(m_.first_microphone() + mic, impulse, truth);
        sensor_net_.send(mic, id);
      });
    }
    return heard;
  }
  void press(std::uint32_t shop, Truth truth) {
    note("press at shop ", shop, truth.kind == Truth::Kind::CRIME ? " (robbery)" : " (accident)");
    alert_net_.send(shop, new_reading(shop, detection::Press{}, truth));
  }
  void next_accidental_press(std::uint32_t shop) {
    if (p_.button_false_alarm_rate_per_s <= 0) return;
    if (accident_rng_.size() <= shop)
      for (std::uint32_t s = static_cast<std::uint32_t>(accident_rng_.size()); s <= shop; ++s)
        accident_rng_.push_back(stream(s, "accident"));
    Time t = sim_.now() + Time::seconds(accident_rng_[shop].exponential(1.0 / p_.button_false_alarm_rate_per_s));
    if (t < p_.duration)
      sim_.schedule_at(t, [this, shop] {
        press(shop, {});
        next_accidental_press(shop);
      });
  }
  void report(AlertClass cls, sim::Point where, Truth truth) {
    note("call reporting ", detection::to_string(cls));
    const double u95 = 2.4477 * p_.report_location_error_m;  // radius holding 95% of a 2-D normal error
    detection::CitizenReport r{cls, where.x_m, where.y_m, u95};
    feed(readings_[new_reading(m_.citizen_line(), r, truth)]);
  }
  void next_false_report() {
    if (p_.false_report_rate_per_s <= 0) return;
    Time t = sim_.now() + Time::seconds(citizen_rng_.exponential(1.0 / p_.false_report_rate_per_s));
    if (t >= p_.duration) return;
    sim_.schedule_at(t, [this] {
      static constexpr AlertClass kinds[] = {AlertClass::ASSAULT, AlertClass::ROBBERY, AlertClass::BURGLARY,
                                             AlertClass::ALTERCATION, AlertClass::GUNFIRE};
      AlertClass cls = kinds[citizen_rng_.uniform_int(5)];
      report(cls, m_.place_by(ZoneWeight::ACTIVITY, citizen_rng_).point, {});
      next_false_report();
    });
  }

  // --- Cameras: counts on a grid, events from fights, objects and false alarms.
  void start_cameras(double horizon) {
    const std::uint32_t mics = static_cast<std::uint32_t>(m_.microphones().size());
    for (std::uint32_t cam = 0; cam < p_.camera_sites.size(); ++cam) {
      if (p_.counting) {
        sim::RandomStream rng = stream(cam, "crowd");
        crowds_.emplace_back(p_.crowd, horizon, p_.count_interval.to_seconds(), rng);
        count_rng_.push_back(stream(cam, "count_error"));
        open_episode_.push_back(-1);
        sim_.schedule_periodic(Time{}, p_.count_interval, [this, cam, mics] { count(cam, mics); });
      }
      // Real unattended objects, and analytics events with nothing there.
      sim::RandomStream objects = stream(cam, "objects");
      if (p_.abandoned_object_rate_per_s > 0)
        for (double t = objects.exponential(1.0 / p_.abandoned_object_rate_per_s); t < horizon;
             t += objects.exponential(1.0 / p_.abandoned_object_rate_per_s)) {
          std::size_t o = objects_.size();
          objects_.push_back({cam, t});
          bool seen = objects.bernoulli(p_.object_detection_probability);
          Time delay = p_.analytics_delay.sample(objects);
          if (seen)
            sim_.schedule_at(Time::seconds(t) + delay, [this, cam, o] {
              video_event(cam, detection::VideoEventKind::ABANDONED_OBJECT,
                          {Truth::Kind::OBJECT, static_cast<std::int64_t>(o)});
            });
        }
      sim::RandomStream false_alarms = stream(cam, "analytics_false_alarms");
      if (p_.camera_false_alarm_rate_per_s > 0)
        for (double t = false_alarms.exponential(1.0 / p_.camera_false_alarm_rate_per_s); t < horizon;
             t += false_alarms.exponential(1.0 / p_.camera_false_alarm_rate_per_s)) {
          auto kind = false_alarms.bernoulli(0.5) ? detection::VideoEventKind::FIGHT
                                                  : detection::VideoEventKind::ABANDONED_OBJECT;
          sim_.schedule_at(Time::seconds(t), [this, cam, kind] { video_event(cam, kind, {}); });
        }
    }
  }
  void count(std::uint32_t cam, std::uint32_t mics) {
    auto k = static_cast<std::size_t>(std::llround(sim_.now().to_seconds() / p_.count_interval.to_seconds()));
    const CrowdProcess& crowd = crowds_[cam];
    if (k >= crowd.samples()) return;
    double truth_count = crowd.count(k);
    double reported = std::max(0.0, std::round(truth_count * (1.0 + count_rng_[cam].normal(0.0, p_.count_error_sd))));
    // Overcrowding as it really is.
    std::int64_t& open = open_episode_[cam];
    if (truth_count > p_.capacity && open < 0) {
      open = static_cast<std::int64_t>(episodes_.size());
      episodes_.push_back({cam, sim_.now().to_seconds()});
    } else if (truth_count <= p_.capacity && open >= 0) {
      episodes_[static_cast<std::size_t>(open)].end_s = sim_.now().to_seconds();
      open = -1;
    }
    Truth truth = open >= 0 ? Truth{Truth::Kind::CROWD, open} : Truth{};
    sensor_net_.send(mics + cam, new_reading(m_.first_counter() + cam, detection::Measurement{reported}, truth));
  }
  void video_event(std::uint32_t cam, detection::VideoEventKind kind, Truth truth) {
    note("camera ", cam, " reports ", detection::to_string(kind));
    std::uint32_t device = static_cast<std::uint32_t>(m_.microphones().size()) + cam;
    sensor_net_.send(device, new_reading(m_.first_video() + cam, detection::VideoEvent{kind, 1.0}, truth));
  }

  // --- Alerts: recorded with the truth they hold, handled by an operator, perhaps sent to the police.
  void handle(const std::vector<AlertEvent>& events) {
    for (const AlertEvent& e : events) {
      if (tap_ && tap_->alert) tap_->alert(e);
      const detection::Alert& a = e.alert;
      if (e.kind == AlertEvent::Kind::RAISED) {
        AlertRecord rec;
        rec.id = a.id;
        rec.cls = a.cls;
        rec.source = source_of(m_.sensors()[a.sensor].kind);
        rec.raised_s = sim_.now().to_seconds();
        records_.push_back(rec);
        alert_rng_.push_back(stream(static_cast<std::uint32_t>(records_.size() - 1), "alert_handling"));
      }
      AlertRecord& rec = records_[static_cast<std::size_t>(a.id - 1)];
      rec.x_m = a.x_m;
      rec.y_m = a.y_m;
      rec.uncertainty_m = a.uncertainty_m;
      rec.located = a.located;
      rec.confidence = a.confidence;
      rec.sensors = a.sensors;
      link(rec, a);
      // A microphone fix measures the shots of its own readings, also when fused into another alert.
      if (e.kind == AlertEvent::Kind::RAISED) measure_fix(a);
      if (e.fused) measure_fix(*e.fused);
      if (e.kind == AlertEvent::Kind::RAISED) {
        note("alert ", a.id, " raised: ", detection::to_string(a.cls), " from ", alert_source_name(rec.source));
        platform_.submit({static_cast<std::int64_t>(a.id - 1), p_.priority[static_cast<std::size_t>(a.cls)], true});
      }
    }
  }
  /// Follows the alert's new readings to what they are evidence of.
  void link(AlertRecord& rec, const detection::Alert& a) {
    for (; rec.processed < a.reading_ids.size(); ++rec.processed) {
      const Truth& t = truths_[a.reading_ids[rec.processed]];
      const double now = sim_.now().to_seconds();
      if (t.kind == Truth::Kind::CRIME) {
        if (std::find(rec.crimes.begin(), rec.crimes.end(), t.index) != rec.crimes.end()) continue;
        rec.crimes.push_back(t.index);
        Crime& c = crimes_[static_cast<std::size_t>(t.index)];
        if (std::isnan(c.detected_s)) {
          c.detected_s = now;
          c.detected_by = static_cast<int>(rec.source);
          c.first_alert = rec.id;
        }
        // Linked to an alert whose unit is already there: found from where the unit is.
        if (!std::isnan(rec.arrival_s) && std::isnan(c.reached_s))
          c.reached_s = now + distance(rec.dispatched_to, c.place.point) / p_.search_speed_m_per_s;
      } else if (t.kind == Truth::Kind::IMPULSE) {
        sounds_[static_cast<std::size_t>(t.index)].alerted = true;
        rec.sound = t.index;
      } else if (t.kind == Truth::Kind::OBJECT) {
        Object& o = objects_[static_cast<std::size_t>(t.index)];
        if (std::isnan(o.detected_s)) o.detected_s = now;
        rec.object = t.index;
      } else if (t.kind == Truth::Kind::CROWD) {
        Episode& ep = episodes_[static_cast<std::size_t>(t.index)];
        if (std::isnan(ep.detected_s)) ep.detected_s = now;
        rec.episode = t.index;
      }
    }
  }
  /// A gunfire alert from the microphones: the shots its readings came from are detected by them, and a fix
  /// is as far from each as it is.
  void measure_fix(const detection::Alert& a) {
    if (a.cls != AlertClass::GUNFIRE || source_of(m_.sensors()[a.sensor].kind) != AlertSource::MICROPHONES) return;
    for (std::uint64_t id : a.reading_ids) {
      const Truth& t = truths_[id];
      if (t.kind != Truth::Kind::CRIME) continue;
      Crime& crime = crimes_[static_cast<std::size_t>(t.index)];
      if (crime.type != CrimeType::GUNFIRE) continue;
      if (std::isnan(crime.mic_detected_s)) crime.mic_detected_s = sim_.now().to_seconds();
      if (!a.located) continue;
      double err = distance({a.x_m, a.y_m}, crime.place.point);
      if (std::isnan(crime.location_error_m) || err < crime.location_error_m) crime.location_error_m = err;
    }
  }
  Time handling_starts(const PlatformJob& job) {
    if (job.id < 0) return p_.background_work_duration.sample(centre_rng_);
    AlertRecord& rec = records_[static_cast<std::size_t>(job.id)];
    rec.handling_start_s = sim_.now().to_seconds();
    return p_.handling[static_cast<std::size_t>(rec.source)].duration.sample(alert_rng_[static_cast<std::size_t>(job.id)]);
  }
  void handling_done(const PlatformJob& job) {
    if (job.id < 0) return;
    auto i = static_cast<std::size_t>(job.id);
    AlertRecord& rec = records_[i];
    rec.handling_end_s = sim_.now().to_seconds();
    const Handling& h = p_.handling[static_cast<std::size_t>(rec.source)];
    if (!alert_rng_[i].bernoulli(rec.real() ? h.dispatch_if_real : h.dispatch_if_false)) return;
    rec.dispatched = true;
    Place where = on_streets({rec.x_m, rec.y_m});
    rec.dispatched_to = where.point;
    note("alert ", rec.id, " dispatched");
    fleet_.request({job.id, where, p_.priority[static_cast<std::size_t>(rec.cls)]});
  }
  void next_background_work() {
    if (p_.background_work_rate_per_s <= 0) return;
    Time t = sim_.now() + Time::seconds(centre_rng_.exponential(1.0 / p_.background_work_rate_per_s));
    if (t < p_.duration)
      sim_.schedule_at(t, [this] {
        platform_.submit({-1, BACKGROUND_PRIORITY, false});
        next_background_work();
      });
  }

  // --- The police.
  void next_background_incident() {
    if (p_.background_incident_rate_per_s <= 0) return;
    Time t = sim_.now() + Time::seconds(police_rng_.exponential(1.0 / p_.background_incident_rate_per_s));
    if (t >= p_.duration) return;
    Place where = m_.place_by(ZoneWeight::ACTIVITY, police_rng_);
    sim_.schedule_at(t, [this, where] {
      fleet_.request({-1, where, BACKGROUND_PRIORITY});
      next_background_incident();
    });
  }
  Place patrol_place(std::size_t unit) {
    for (std::size_t u = patrol_rng_.size(); u <= unit; ++u) patrol_rng_.push_back(stream(static_cast<std::uint32_t>(u), "patrol"));
    return m_.place_by(ZoneWeight::ACTIVITY, patrol_rng_[unit]);
  }
  void unit_sent(const PoliceJob& job, std::size_t unit) {
    if (job.id < 0) return;
    records_[static_cast<std::size_t>(job.id)].unit = static_cast<int>(unit);
    note("unit ", unit, " sent to alert ", records_[static_cast<std::size_t>(job.id)].id);
  }
  Time unit_arrives(const PoliceJob& job, std::size_t unit) {
    if (job.id < 0) return p_.background_on_site.sample(police_rng_);
    auto i = static_cast<std::size_t>(job.id);
    AlertRecord& rec = records_[i];
    const double now = sim_.now().to_seconds();
    rec.arrival_s = now;
    note("unit ", unit, " at alert ", rec.id);
    // From the alert's place, the unit searches for what is there.
    double search_s = 0.0;
    for (std::int64_t c : rec.crimes) {
      Crime& crime = crimes_[static_cast<std::size_t>(c)];
      double s = distance(job.where.point, crime.place.point) / p_.search_speed_m_per_s;
      if (std::isnan(crime.reached_s)) crime.reached_s = now + s;
      if (c == rec.crimes.front()) search_s = s;
    }
    if (rec.object >= 0) {
      Object& o = objects_[static_cast<std::size_t>(rec.object)];
      if (std::isnan(o.reached_s)) o.reached_s = now;
    }
    sim::RandomStream& rng = alert_rng_[i];
    if (!rec.crimes.empty())
      return Time::seconds(search_s) + p_.crime[static_cast<std::size_t>(crimes_[static_cast<std::size_t>(rec.crimes.front())].type)]
                                           .on_site.sample(rng);
    if (rec.object >= 0) return p_.object_on_site.sample(rng);
    return p_.false_alarm_on_site.sample(rng);
  }

  // --- Recording.
  void end_warmup() {
    platform_.reset_statistics(sim_.now());
    fleet_.reset_statistics(sim_.now());
  }
  void sample() {
    series_time_.push_back(sim_.now().to_seconds());
    double waiting = platform_.waiting(0) + platform_.waiting(1) + platform_.waiting(2);
    // The share of streets a free unit reaches within the limit, the same as last time when nobody moved.
    std::vector<std::pair<StreetLocation, double>> sources;
    for (const auto& [place, delay] : fleet_.free_units()) sources.emplace_back(place.street, delay.to_seconds());
    bool same = sources.size() == last_sources_.size();
    for (std::size_t k = 0; same && k < sources.size(); ++k)
      same = sources[k].first.edge == last_sources_[k].first.edge &&
             sources[k].first.offset_m == last_sources_[k].first.offset_m && sources[k].second == last_sources_[k].second;
    if (!same) {
      last_share_ = travel_.share_within(sources, p_.coverage_limit.to_seconds());
      last_sources_ = sources;
    }
    if (counted(sim_.now().to_seconds())) coverage_.add(last_share_);
    values_[0].push_back(waiting);
    values_[1].push_back(platform_.busy());
    values_[2].push_back(fleet_.busy());
    values_[3].push_back(static_cast<double>(fleet_.waiting()));
    values_[4].push_back(last_share_);
  }

  sim::ReplicationResults results();

  const PublicSafetyModel& m_;
  const PublicSafetyParams& p_;
  const sim::ReplicationContext& ctx_;
  sim::Trace trace_;
  const LiveTap* tap_;

  sim::Simulation sim_;
  detection::DetectionCore core_;
  TravelTimes travel_;
  Platform platform_;
  PoliceFleet fleet_;
  NetworkRun alert_net_, sensor_net_;
  sim::RandomStream centre_rng_, police_rng_, citizen_rng_;
  std::vector<sim::RandomStream> accident_rng_, count_rng_, patrol_rng_, alert_rng_;

  std::vector<Crime> crimes_;
  std::vector<Sound> sounds_;
  std::vector<Object> objects_;
  std::vector<Episode> episodes_;
  std::vector<CrowdProcess> crowds_;
  std::vector<std::int64_t> open_episode_;
  std::vector<detection::Reading> readings_;
  std::vector<Truth> truths_;
  std::vector<AlertRecord> records_;
  std::uint64_t readings_lost_ = 0;
  CoreDeadline deadline_;

  std::vector<std::pair<StreetLocation, double>> last_sources_{{StreetLocation{}, -1.0}};
  double last_share_ = 0.0;
  sim::RunningStats coverage_;
  std::vector<double> series_time_;
  std::vector<double> values_[5];
};

sim::ReplicationResults PublicSafetyRun::results() {
  sim::ReplicationResults out;
  out.replication = ctx_.replication;
  out.events = sim_.events_run();
  const Time end = sim_.now();
  const double observed_s = (end - p_.warmup).to_seconds();
  const double days = observed_s / 86400.0;
  using Col = sim::ColumnSpec;

  // Time series.
  out.series.time_s = series_time_;
  const char* names[5][3] = {{"alert_queue", "", "Alerts waiting for an operator."},
                             {"busy_operators", "", "Operators handling an alert or other work."},
                             {"busy_units", "", "Police units travelling to or at an incident."},
                             {"police_queue", "", "Incidents waiting for a free unit."},
                             {"reachable_share", "", "Share of the streets a free unit reaches within the limit."}};
  for (int i = 0; i < 5; ++i) out.series.series.push_back({names[i][0], names[i][1], names[i][2], values_[i]});

  // The crimes, the truth beside what the city saw.
  sim::EventTable crimes(
      "crimes", "One row per crime: where and when, what triggered it, and what the city saw of it.",
      {{"crime", Col::Type::INT64, "", "Crime index, in time order."},
       {"type", Col::Type::STRING, "", "assault, robbery, burglary, altercation or gunfire."},
       {"t_s", Col::Type::FLOAT64, "s", "When it happened."},
       {"x_m", Col::Type::FLOAT64, "m", "East."},
       {"y_m", Col::Type::FLOAT64, "m", "North."},
       {"parent", Col::Type::INT64, "", "The crime that triggered it (-1: background)."},
       {"generation", Col::Type::INT64, "", "0 for background, parent's + 1."},
       {"shop", Col::Type::INT64, "", "Robbery in this shop with a button (-1: none)."},
       {"reported", Col::Type::INT64, "", "1 when someone called."},
       {"heard_by", Col::Type::INT64, "", "Gunfire: microphones that heard it."},
       {"detected_s", Col::Type::FLOAT64, "s", "First alert holding evidence of it (NaN: never)."},
       {"detected_by", Col::Type::STRING, "", "Source of that alert, or empty."},
       {"location_error_m", Col::Type::FLOAT64, "m", "Gunfire: distance from the microphones' best fix (NaN: no fix)."},
       {"reached_s", Col::Type::FLOAT64, "s", "A police unit at the scene (NaN: never)."}});
  struct PerType {
    std::uint64_t n = 0, detected = 0;
    std::vector<double> delay, response;
  };
  std::array<PerType, CRIME_TYPE_COUNT> per;
  std::vector<double> response_all, errors;
  std::uint64_t shots = 0, by_3 = 0, mic_detected = 0, located_25 = 0;
  double heard_sum = 0.0;
  for (std::size_t c = 0; c < crimes_.size(); ++c) {
    const Crime& k = crimes_[c];
    crimes.append({static_cast<double>(c), crime_type_name(k.type), k.t_s, k.place.point.x_m, k.place.point.y_m,
                   static_cast<double>(k.parent), static_cast<double>(k.generation), static_cast<double>(k.shop),
                   k.reported ? 1.0 : 0.0, static_cast<double>(k.heard_by), k.detected_s,
                   k.detected_by >= 0 ? alert_source_name(static_cast<AlertSource>(k.detected_by)) : "",
                   k.location_error_m, k.reached_s});
    if (!counted(k.t_s)) continue;
    PerType& t = per[static_cast<std::size_t>(k.type)];
    ++t.n;
    if (!std::isnan(k.detected_s)) {
      ++t.detected;
      t.delay.push_back(k.detected_s - k.t_s);
    }
    if (!std::isnan(k.reached_s)) {
      t.response.push_back(k.reached_s - k.t_s);
      response_all.push_back(k.reached_s - k.t_s);
    }
    if (k.type == CrimeType::GUNFIRE) {
      ++shots;
      heard_sum += k.heard_by;
      by_3 += k.heard_by >= 3;
      mic_detected += !std::isnan(k.mic_detected_s);
      if (!std::isnan(k.location_error_m)) {
        errors.push_back(k.location_error_m);
        located_25 += k.location_error_m <= FOUND_RADIUS_M;
      }
    }
  }
  out.tables.push_back(std::move(crimes));

  // The alerts.
  sim::EventTable alerts(
      "alerts", "One row per alert the detection core raised, from raise to police arrival.",
      {{"alert", Col::Type::INT64, "", "Alert number, 1 first."},
       {"class", Col::Type::STRING, "", "What the core believes is happening."},
       {"source", Col::Type::STRING, "", "The kind of sensor that raised it."},
       {"raised_s", Col::Type::FLOAT64, "s", "Raised by the detection core."},
       {"x_m", Col::Type::FLOAT64, "m", "Where, east."},
       {"y_m", Col::Type::FLOAT64, "m", "Where, north."},
       {"uncertainty_m", Col::Type::FLOAT64, "m", "Radius within which the incident lies."},
       {"located", Col::Type::INT64, "", "1 for a microphone fix."},
       {"sensors", Col::Type::INT64, "", "Distinct sensors that contributed."},
       {"confidence", Col::Type::FLOAT64, "", "The core's confidence in the class."},
       {"crime", Col::Type::INT64, "", "First crime it holds evidence of (-1: none; ground truth)."},
       {"real", Col::Type::INT64, "", "1 when it holds evidence of a crime, object or crowding (ground truth)."},
       {"handling_start_s", Col::Type::FLOAT64, "s", "An operator takes it (NaN: never)."},
       {"handling_end_s", Col::Type::FLOAT64, "s", "The operator is done."},
       {"abandoned", Col::Type::INT64, "", "1 when no operator took it in time."},
       {"dispatched", Col::Type::INT64, "", "1 when a unit was sent."},
       {"unit", Col::Type::INT64, "", "The unit sent (-1: none)."},
       {"arrival_s", Col::Type::FLOAT64, "s", "The unit at the alert's place."}});
  std::uint64_t raised = 0, false_alarms = 0, false_dispatches = 0;
  double false_handling_s = 0.0;
  for (const AlertRecord& r : records_) {
    alerts.append({static_cast<double>(r.id), detection::to_string(r.cls), alert_source_name(r.source), r.raised_s,
                   r.x_m, r.y_m, r.uncertainty_m, r.located ? 1.0 : 0.0, static_cast<double>(r.sensors), r.confidence,
                   r.crimes.empty() ? -1.0 : static_cast<double>(r.crimes.front()), r.real() ? 1.0 : 0.0,
                   r.handling_start_s, r.handling_end_s, r.abandoned ? 1.0 : 0.0, r.dispatched ? 1.0 : 0.0,
                   static_cast<double>(r.unit), r.arrival_s});
    if (!counted(r.raised_s)) continue;
    ++raised;
    if (r.real()) continue;
    ++false_alarms;
    false_dispatches += r.dispatched;
    if (!std::isnan(r.handling_end_s)) false_handling_s += r.handling_end_s - r.handling_start_s;
  }
  out.tables.push_back(std::move(alerts));

  sim::EventTable sounds("impulses", "One row per firework or backfire: microphones that heard it, and whether it "
                                     "became an alert (a false alarm).",
                         {{"kind", Col::Type::STRING, "", "firework or backfire."},
                          {"t_s", Col::Type::FLOAT64, "s", "When."},
                          {"x_m", Col::Type::FLOAT64, "m", "East."},
                          {"y_m", Col::Type::FLOAT64, "m", "North."},
                          {"heard_by", Col::Type::INT64, "", "Microphones that heard it."},
                          {"alerted", Col::Type::INT64, "", "1 when an alert holds it."}});
  for (const Sound& s : sounds_)
    sounds.append({s.kind == 0 ? "firework" : "backfire", s.t_s, s.place.point.x_m, s.place.point.y_m,
                   static_cast<double>(s.heard_by), s.alerted ? 1.0 : 0.0});
  out.tables.push_back(std::move(sounds));
  out.tables.push_back(alert_net_.message_table());

  // KPIs.
  auto mean = [](const std::vector<double>& v) {
    return v.empty() ? NaN : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  };
  auto share = [](std::uint64_t a, std::uint64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : NaN; };
  auto kpi = [&](std::string name, const char* unit, std::string description, double value) {
    out.kpis.push_back({std::move(name), unit, std::move(description), value});
  };
  for (std::size_t t = 0; t < CRIME_TYPE_COUNT; ++t) {
    if (!p_.crime[t].enabled) continue;
    std::string n = crime_type_name(static_cast<CrimeType>(t));
    PerType& pt = per[t];
    kpi(n + "_count", "", "Crimes of this type (" + n + ").", static_cast<double>(pt.n));
    kpi(n + "_detected_share", "", "Share of them an alert held evidence of.", share(pt.detected, pt.n));
    kpi(n + "_detection_delay_mean_s", "s", "Mean time from the crime to its first alert.", mean(pt.delay));
    kpi(n + "_response_time_mean_s", "s", "Mean time from the crime to a unit at the scene.", mean(pt.response));
  }
  if (p_.crime[static_cast<std::size_t>(CrimeType::GUNFIRE)].enabled) {
    kpi("gunfire_heard_by_3_share", "", "Shots heard by 3 or more microphones.", share(by_3, shots));
    kpi("gunfire_microphones_mean", "", "Microphones that hear a shot, on average.", shots ? heard_sum / static_cast<double>(shots) : NaN);
    kpi("gunfire_mic_detected_share", "", "Shots in a gunfire alert from the microphones.", share(mic_detected, shots));
    kpi("gunfire_located_25m_share", "", "Shots located by the microphones within 25 m.", share(located_25, shots));
    kpi("gunfire_location_error_p50_m", "m", "Median distance of a microphone fix from its shot.",
        sim::quantile(errors, 0.5));
    kpi("gunfire_location_error_p90_m", "m", "90th percentile of that distance.", sim::quantile(errors, 0.9));
  }
  if (!m_.microphones().empty()) {
    const detection::GunfireCounts& g = core_.gunfire_counts();
    kpi("impulse_groups", "", "Impulsive sounds the microphones heard, grouped into incidents.", static_cast<double>(g.incidents));
    kpi("impulse_groups_too_few", "", "Of them, heard by fewer microphones than an alert needs.", static_cast<double>(g.too_few));
    kpi("impulse_groups_dismissed", "", "Of them, classified as something other than gunfire.",
        static_cast<double>(g.dismissed));
    kpi("gunfire_alerts_unlocated", "", "Gunfire alerts without a fix (too few consistent arrivals, or microphones in "
                                        "a line).",
        static_cast<double>(g.unlocated));
  }
  kpi("response_time_mean_s", "s", "Mean time from a crime to a unit at the scene, all types.", mean(response_all));
  kpi("response_time_p90_s", "s", "90th percentile of that time.", sim::quantile(response_all, 0.9));
  kpi("reachable_8min_share", "", "Share of the streets a free unit reaches within 8 minutes (turnout included), "
                                  "averaged over time.",
      coverage_.count() ? coverage_.mean() : NaN);
  kpi("unit_utilisation", "", "Mean share of police units busy.", fleet_.mean_busy(end) / p_.fleet.units);
  kpi("operator_utilisation", "", "Mean share of operators busy.", platform_.mean_busy(end) / p_.operators);
  kpi("alerts_per_day", "1/d", "Alerts raised per day.", days > 0 ? static_cast<double>(raised) / days : NaN);
  kpi("false_alarms_per_day", "1/d", "Alerts holding no evidence of a real incident, per day.",
      days > 0 ? static_cast<double>(false_alarms) / days : NaN);
  kpi("false_alarm_operator_h_per_day", "h/d", "Operator time spent on false alarms, hours per day.",
      days > 0 ? false_handling_s / 3600.0 / days : NaN);
  kpi("false_dispatches_per_day", "1/d", "Units sent to false alarms, per day.",
      days > 0 ? static_cast<double>(false_dispatches) / days : NaN);
  if (!p_.camera_sites.empty()) {
    std::uint64_t n_obj = 0, seen_obj = 0, n_ep = 0, seen_ep = 0;
    for (const Object& o : objects_)
      if (counted(o.t_s)) {
        ++n_obj;
        seen_obj += !std::isnan(o.detected_s);
      }
    for (const Episode& e : episodes_)
      if (counted(e.start_s)) {
        ++n_ep;
        seen_ep += !std::isnan(e.detected_s);
      }
    kpi("abandoned_objects", "", "Real unattended objects in the cameras' view.", static_cast<double>(n_obj));
    kpi("abandoned_objects_detected_share", "", "Share of them flagged by the analytics.", share(seen_obj, n_obj));
    if (p_.counting) {
      kpi("crowding_episodes", "", "Spans with more people in a zone than its capacity.", static_cast<double>(n_ep));
      kpi("crowding_detected_share", "", "Share of them with a crowding alert.", share(seen_ep, n_ep));
    }
  }
  kpi("readings_lost", "", "Readings the networks lost.", static_cast<double>(readings_lost_));
  double years = observed_s / (365.0 * 86400.0);
  double sensor_capex = p_.microphone_cost_eur * static_cast<double>(m_.microphones().size()) +
                        p_.camera_cost_eur * static_cast<double>(p_.camera_sites.size());
  double sensor_opex = p_.microphone_cost_per_year_eur * static_cast<double>(m_.microphones().size()) +
                       p_.camera_cost_per_year_eur * static_cast<double>(p_.camera_sites.size());
  kpi("sensors_capex_eur", "EUR", "Purchase and installation of the microphones and cameras.", sensor_capex);
  kpi("sensors_cost_per_year_eur", "EUR", "Their maintenance and service per year.", years > 0 ? sensor_opex : NaN);
  alert_net_.append_kpis(out.kpis, "alert_network", observed_s);
  sensor_net_.append_kpis(out.kpis, "sensor_network", observed_s);
  if (core_.rejected() > 0) out.warnings.push_back(std::to_string(core_.rejected()) + " readings rejected by the core");
  if (core_.gunfire_counts().late > 0)
    out.warnings.push_back(std::to_string(core_.gunfire_counts().late) +
                           " microphone readings came after their incident was decided (raise detection.allowed_lateness)");
  return out;
}

}  // namespace

sim::ReplicationResults PublicSafetyModel::run(const sim::ReplicationContext& ctx) const {
  return PublicSafetyRun(*this, ctx, nullptr, 0).run();
}

sim::ReplicationResults PublicSafetyModel::run_tapped(const sim::ReplicationContext& ctx, const LiveTap& tap) const {
  return PublicSafetyRun(*this, ctx, nullptr, 0, &tap).run();
}

std::vector<std::int64_t> PublicSafetyModel::reporting_intervals_us() const {
  std::vector<std::int64_t> out(sensors_.size(), 0);
  if (params_.counting)
    for (std::uint32_t s = first_counter_; s < first_video_; ++s) out[s] = params_.count_interval.count_us();
  return out;
}

const LocalFrame* PublicSafetyModel::geo_frame() const {
  return params_.streets && params_.streets->frame().geographic() ? &params_.streets->frame() : nullptr;
}

sim::ReplicationResults PublicSafetyModel::run_traced(const sim::ReplicationContext& ctx, std::vector<std::string>& trace,
                                                      std::size_t max_lines) const {
  return PublicSafetyRun(*this, ctx, &trace, max_lines).run();
}

}  // namespace citytwin::models
