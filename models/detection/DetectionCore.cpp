// The detection core: each kind of reading to its detector, then alerts of one incident fused.
#include "models/detection/DetectionCore.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace citytwin::detection {

const char* to_string(SensorKind k) {
  switch (k) {
    case SensorKind::ALERT_BUTTON: return "alert_button";
    case SensorKind::MICROPHONE: return "microphone";
    case SensorKind::COUNTING_CAMERA: return "counting_camera";
    case SensorKind::VIDEO_ANALYTICS: return "video_analytics";
    case SensorKind::CITIZEN_LINE: return "citizen_line";
    case SensorKind::LEVEL: return "level";
  }
  return "unknown";
}

const char* to_string(AlertClass c) {
  switch (c) {
    case AlertClass::SHOP_AGGRESSION: return "shop_aggression";
    case AlertClass::GUNFIRE: return "gunfire";
    case AlertClass::ASSAULT: return "assault";
    case AlertClass::ROBBERY: return "robbery";
    case AlertClass::BURGLARY: return "burglary";
    case AlertClass::ALTERCATION: return "altercation";
    case AlertClass::ABANDONED_OBJECT: return "abandoned_object";
    case AlertClass::CROWDING: return "crowding";
    case AlertClass::HIGH_LEVEL: return "high_level";
  }
  return "unknown";
}

const char* to_string(VideoEventKind k) {
  switch (k) {
    case VideoEventKind::FIGHT: return "fight";
    case VideoEventKind::ABANDONED_OBJECT: return "abandoned_object";
  }
  return "unknown";
}

const char* to_string(Fate f) {
  switch (f) {
    case Fate::RAISED: return "raised";
    case Fate::MERGED: return "merged";
    case Fate::PENDING: return "pending";
    case Fate::UNCHANGED: return "unchanged";
    case Fate::CLEARED: return "cleared";
    case Fate::LATE: return "late";
    case Fate::REJECTED: return "rejected";
  }
  return "unknown";
}

namespace {

/// The kind of incident an alert class belongs to, for fusion; -1 for classes that are never fused.
int incident_category(AlertClass c) {
  switch (c) {
    case AlertClass::GUNFIRE: return 0;
    case AlertClass::SHOP_AGGRESSION:
    case AlertClass::ASSAULT:
    case AlertClass::ROBBERY:
    case AlertClass::ALTERCATION: return 1;
    case AlertClass::BURGLARY: return 2;
    case AlertClass::ABANDONED_OBJECT: return 3;
    case AlertClass::CROWDING:
    case AlertClass::HIGH_LEVEL: return -1;
  }
  return -1;
}

bool payload_fits(SensorKind kind, const Payload& p) {
  switch (kind) {
    case SensorKind::ALERT_BUTTON: return std::holds_alternative<Press>(p);
    case SensorKind::MICROPHONE: return std::holds_alternative<Impulse>(p);
    case SensorKind::COUNTING_CAMERA:
    case SensorKind::LEVEL: return std::holds_alternative<Measurement>(p);
    case SensorKind::VIDEO_ANALYTICS: return std::holds_alternative<VideoEvent>(p);
    case SensorKind::CITIZEN_LINE: return std::holds_alternative<CitizenReport>(p);
  }
  return false;
}

}  // namespace

DetectionCore::DetectionCore(std::vector<SensorInfo> sensors, DetectionSettings settings)
    : sensors_(std::move(sensors)), settings_(settings), gunfire_(settings.gunfire),
      last_us_(sensors_.size(), std::numeric_limits<std::int64_t>::min()), sensor_alert_(sensors_.size(), 0) {
  for (int k = 0; k < 2; ++k) {
    last_event_us_[k].assign(sensors_.size(), std::numeric_limits<std::int64_t>::min());
    event_alert_[k].assign(sensors_.size(), 0);
  }
  horizon_us_ = std::max({settings_.merge_window_us, settings_.event_merge_window_us, settings_.fusion_window_us});
}

DetectionCore::Open* DetectionCore::find_open(std::uint64_t id) {
  if (id == 0) return nullptr;
  // Open alerts are kept in the order raised, so by id.
  auto it = std::lower_bound(open_.begin(), open_.end(), id, [](const Open& o, std::uint64_t v) { return o.alert.id < v; });
  return it != open_.end() && it->alert.id == id ? &*it : nullptr;
}

void DetectionCore::count_open(const Open& o, int change) {
  int category = incident_category(o.alert.cls);
  if (!o.fusable || category < 0) return;
  auto c = static_cast<std::size_t>(category);
  fusable_open_[c] = static_cast<std::size_t>(static_cast<long>(fusable_open_[c]) + change);
  if (o.alert.cls != AlertClass::SHOP_AGGRESSION)
    fusable_not_button_[c] = static_cast<std::size_t>(static_cast<long>(fusable_not_button_[c]) + change);
}

void DetectionCore::forget_before(std::int64_t time_us) {
  // Alerts whose latest observation is older than every merge window can take nothing more.
  while (!open_.empty() && open_.front().last_us < time_us - horizon_us_) {
    count_open(open_.front(), -1);
    open_.pop_front();
  }
}

AlertEvent DetectionCore::join(Open& open, const Reading& r) {
  ++counts_.merged;
  open.alert.reading_ids.push_back(r.id);
  open.alert.first_reading_us = std::min(open.alert.first_reading_us, r.time_us);
  open.last_us = std::max(open.last_us, r.time_us);
  return {AlertEvent::Kind::MERGED, open.alert, std::nullopt};
}

AlertEvent DetectionCore::raise_or_fuse(Alert candidate, std::int64_t arrival_us, bool fusable) {
  int category = incident_category(candidate.cls);
  // Only alerts of the same kind of incident can take it; two buttons never fuse.
  const bool any = category >= 0 && (candidate.cls == AlertClass::SHOP_AGGRESSION
                                         ? fusable_not_button_[static_cast<std::size_t>(category)] > 0
                                         : fusable_open_[static_cast<std::size_t>(category)] > 0);
  if (fusable && any) {
    for (Open& o : open_) {
      if (!o.fusable || incident_category(o.alert.cls) != category) continue;
      if (o.alert.cls == AlertClass::SHOP_AGGRESSION && candidate.cls == AlertClass::SHOP_AGGRESSION) continue;
      double d = std::hypot(o.alert.x_m - candidate.x_m, o.alert.y_m - candidate.y_m);
      // Two precise fixes are one incident only at one place; otherwise the radius allows for vague places.
      double slack = o.alert.located && candidate.located ? 10.0 : settings_.fusion_radius_m;
      if (d > slack + o.alert.uncertainty_m + candidate.uncertainty_m) continue;
      std::int64_t dt = candidate.first_reading_us - o.alert.first_reading_us;
      if ((dt < 0 ? -dt : dt) > settings_.fusion_window_us) continue;
      // The same incident: the open alert takes the evidence, and the better place.
      ++counts_.fused;
      AlertEvent event{AlertEvent::Kind::MERGED, {}, candidate};
      Alert& a = o.alert;
      a.reading_ids.insert(a.reading_ids.end(), candidate.reading_ids.begin(), candidate.reading_ids.end());
      a.sensors += candidate.sensors;
      a.confidence = 1.0 - (1.0 - a.confidence) * (1.0 - candidate.confidence);
      if (candidate.uncertainty_m < a.uncertainty_m) {
        a.x_m = candidate.x_m;
        a.y_m = candidate.y_m;
        a.uncertainty_m = candidate.uncertainty_m;
        a.located = candidate.located;
      }
      a.first_reading_us = std::min(a.first_reading_us, candidate.first_reading_us);
      o.last_us = std::max(o.last_us, candidate.first_reading_us);
      event.alert = a;
      return event;
    }
  }
  candidate.id = next_id_++;
  candidate.raised_us = arrival_us;
  ++counts_.raised;
  open_.push_back({candidate, candidate.first_reading_us, fusable});
  count_open(open_.back(), +1);
  return {AlertEvent::Kind::RAISED, candidate, std::nullopt};
}

Alert DetectionCore::at_sensor(const Reading& r, AlertClass cls, double confidence) const {
  const SensorInfo& s = sensors_[r.sensor];
  Alert a;
  a.cls = cls;
  a.sensor = r.sensor;
  a.first_reading_us = r.time_us;
  a.x_m = s.x_m;
  a.y_m = s.y_m;
  a.uncertainty_m = s.range_m;
  a.confidence = confidence;
  a.reading_ids.push_back(r.id);
  return a;
}

ConsumeResult DetectionCore::merged_into(Open& open, const Reading& r) {
  ConsumeResult out;
  out.events.push_back(join(open, r));
  out.alert = open.alert.id;
  out.fate = Fate::MERGED;
  return out;
}

ConsumeResult DetectionCore::outcome(AlertEvent e) {
  ConsumeResult out;
  out.fate = e.kind == AlertEvent::Kind::RAISED ? Fate::RAISED : Fate::MERGED;
  if (out.fate == Fate::MERGED) ++counts_.merged;
  out.alert = e.alert.id;
  out.events.push_back(std::move(e));
  return out;
}

ConsumeResult DetectionCore::consume(const Reading& r, std::int64_t arrival_us) {
  ++counts_.readings;
  ConsumeResult out;
  // Refuse what cannot come from a known sensor: the sensor exists and sends this kind of payload.
  if (r.sensor >= sensors_.size() || !payload_fits(sensors_[r.sensor].kind, r.payload)) {
    ++counts_.rejected;
    note_fate(r, Fate::REJECTED);
    return out;
  }
  if (settings_.reorder_window_us <= 0) {
    // Arrival order: first what time closes, then the reading itself.
    out.events = advance(arrival_us);
    ConsumeResult own = process(r, arrival_us);
    out.fate = own.fate;
    out.alert = own.alert;
    out.events.insert(out.events.end(), own.events.begin(), own.events.end());
    return out;
  }
  // Event-time order: held until the watermark (the arrival clock less the window) passes its time; a
  // reading older than the watermark has come too late to take its place.
  if (r.time_us <= watermark_us_) {
    ++counts_.late;
    note_fate(r, Fate::LATE);
    out.fate = Fate::LATE;
    out.events = advance(arrival_us);
    return out;
  }
  auto key = [](const Reading& a) { return std::tie(a.time_us, a.sensor, a.id); };
  held_.insert(std::upper_bound(held_.begin(), held_.end(), r, [&](const Reading& a, const Reading& b) {
                 return key(a) < key(b);
               }),
               r);
  out.fate = Fate::PENDING;
  out.events = advance(arrival_us);
  return out;
}

ConsumeResult DetectionCore::process(const Reading& r, std::int64_t arrival_us) {
  forget_before(r.time_us);
  ConsumeResult own;
  if (std::holds_alternative<Press>(r.payload)) {
    own = on_press(r, arrival_us);
  } else if (const auto* impulse = std::get_if<Impulse>(&r.payload)) {
    if (!std::isfinite(impulse->gunfire_logit) || !std::isfinite(impulse->level_db)) {
      ++counts_.rejected;
      own.fate = Fate::REJECTED;
    } else if (gunfire_.add(r, *impulse, sensors_[r.sensor])) {
      own.fate = Fate::PENDING;
    } else {
      ++counts_.late;
      own.fate = Fate::LATE;
    }
  } else if (const auto* m = std::get_if<Measurement>(&r.payload)) {
    own = on_measurement(r, *m, arrival_us);
  } else if (const auto* e = std::get_if<VideoEvent>(&r.payload)) {
    own = on_video(r, *e, arrival_us);
  } else if (const auto* c = std::get_if<CitizenReport>(&r.payload)) {
    own = on_report(r, *c, arrival_us);
  }
  note_fate(r, own.fate, own.alert);
  return own;
}

void DetectionCore::note_fate(const Reading& r, Fate f, std::uint64_t alert) {
  if (keep_fates_) fates_.push_back({r.id, r.sensor, f, alert, r.time_us});
}

std::vector<ReadingFate> DetectionCore::take_fates() {
  std::vector<ReadingFate> out;
  out.swap(fates_);
  return out;
}

std::int64_t DetectionCore::next_deadline_us() const {
  std::int64_t d = gunfire_.next_deadline_us();
  if (settings_.reorder_window_us <= 0) return d;
  if (!held_.empty()) d = std::min(d, held_.front().time_us);
  // Event time: due once the watermark (the arrival clock less the window) passes it.
  if (d == std::numeric_limits<std::int64_t>::max()) return d;
  return d > std::numeric_limits<std::int64_t>::max() - settings_.reorder_window_us ? d : d + settings_.reorder_window_us;
}

std::vector<AlertEvent> DetectionCore::close_groups(std::int64_t now_us) {
  std::vector<AlertEvent> events;
  for (GunfireCandidate& c : gunfire_.advance(now_us)) {
    forget_before(c.alert.first_reading_us);
    events.push_back(raise_or_fuse(std::move(c.alert), now_us, true));
  }
  return events;
}

std::vector<AlertEvent> DetectionCore::advance(std::int64_t now_us) {
  if (settings_.reorder_window_us <= 0) return close_groups(now_us);
  // Event time: the held readings and the gunfire deadlines the watermark has passed, in time order, each
  // taken on the logical clock of its own time (a reading as if it had arrived when it was made), so that
  // what comes out depends on the readings alone.
  std::vector<AlertEvent> events;
  const std::int64_t w = settings_.reorder_window_us;
  const std::int64_t until = now_us < std::numeric_limits<std::int64_t>::min() + w ? now_us : now_us - w;
  for (;;) {
    std::int64_t reading_at = held_.empty() ? std::numeric_limits<std::int64_t>::max() : held_.front().time_us;
    std::int64_t group_at = gunfire_.next_deadline_us();
    std::int64_t next = std::min(reading_at, group_at);
    if (next > until || next == std::numeric_limits<std::int64_t>::max()) break;
    if (group_at <= reading_at) {
      for (auto& e : close_groups(group_at)) events.push_back(std::move(e));
      continue;
    }
    Reading r = held_.front();
    held_.erase(held_.begin());
    watermark_us_ = std::max(watermark_us_, r.time_us);
    ConsumeResult own = process(r, r.time_us);
    for (auto& e : own.events) events.push_back(std::move(e));
  }
  watermark_us_ = std::max(watermark_us_, until);
  return events;
}

ConsumeResult DetectionCore::on_press(const Reading& r, std::int64_t arrival_us) {
  ConsumeResult out;
  // A press close to the previous press of the same button joins the open alert. Readings may arrive out
  // of order, so the window is measured on the sensor's own times.
  std::int64_t& last = last_us_[r.sensor];
  bool within = last != std::numeric_limits<std::int64_t>::min() &&
                (r.time_us >= last ? r.time_us - last : last - r.time_us) <= settings_.merge_window_us;
  if (r.time_us > last) last = r.time_us;
  if (within) {
    if (Open* o = find_open(sensor_alert_[r.sensor])) return merged_into(*o, r);
    ++counts_.merged;
    out.fate = Fate::MERGED;
    return out;
  }
  out = outcome(raise_or_fuse(at_sensor(r, AlertClass::SHOP_AGGRESSION, 1.0), arrival_us, true));
  sensor_alert_[r.sensor] = out.alert;
  return out;
}

ConsumeResult DetectionCore::on_measurement(const Reading& r, const Measurement& m, std::int64_t arrival_us) {
  ConsumeResult out;
  const SensorInfo& s = sensors_[r.sensor];
  if (!std::isfinite(m.value) || m.value < 0.0 ||
      (s.kind == SensorKind::COUNTING_CAMERA && m.value != std::floor(m.value))) {
    ++counts_.rejected;
    out.fate = Fate::REJECTED;
    return out;
  }
  // Readings of one sensor are taken in their own order; an older one is late.
  if (r.time_us < last_us_[r.sensor]) {
    ++counts_.late;
    out.fate = Fate::LATE;
    return out;
  }
  last_us_[r.sensor] = r.time_us;
  out.fate = Fate::UNCHANGED;
  if (std::isnan(s.threshold)) return out;
  Open* open = find_open(sensor_alert_[r.sensor]);
  if (!open) sensor_alert_[r.sensor] = 0;
  if (m.value > s.threshold) {
    if (open) return merged_into(*open, r);
    AlertClass cls = s.kind == SensorKind::COUNTING_CAMERA ? AlertClass::CROWDING : AlertClass::HIGH_LEVEL;
    out = outcome(raise_or_fuse(at_sensor(r, cls, 1.0), arrival_us, false));
    sensor_alert_[r.sensor] = out.alert;
  } else if (open && m.value < settings_.clear_fraction * s.threshold) {
    // Back below the threshold, with hysteresis: the alert ends and stops taking readings.
    ++counts_.cleared;
    open->alert.reading_ids.push_back(r.id);
    out.events.push_back({AlertEvent::Kind::CLEARED, open->alert, std::nullopt});
    out.alert = open->alert.id;
    out.fate = Fate::CLEARED;
    open->fusable = false;
    sensor_alert_[r.sensor] = 0;
  } else if (open) {
    return merged_into(*open, r);
  }
  return out;
}

ConsumeResult DetectionCore::on_video(const Reading& r, const VideoEvent& e, std::int64_t arrival_us) {
  ConsumeResult out;
  auto kind = static_cast<std::size_t>(e.kind);
  if (kind > 1 || !(e.score >= 0.0 && e.score <= 1.0)) {
    ++counts_.rejected;
    out.fate = Fate::REJECTED;
    return out;
  }
  std::int64_t& last = last_event_us_[kind][r.sensor];
  bool within = last != std::numeric_limits<std::int64_t>::min() &&
                (r.time_us >= last ? r.time_us - last : last - r.time_us) <= settings_.event_merge_window_us;
  if (r.time_us > last) last = r.time_us;
  if (within)
    if (Open* o = find_open(event_alert_[kind][r.sensor])) return merged_into(*o, r);
  AlertClass cls = e.kind == VideoEventKind::FIGHT ? AlertClass::ALTERCATION : AlertClass::ABANDONED_OBJECT;
  out = outcome(raise_or_fuse(at_sensor(r, cls, e.score), arrival_us, true));
  event_alert_[kind][r.sensor] = out.alert;
  return out;
}

ConsumeResult DetectionCore::on_report(const Reading& r, const CitizenReport& c, std::int64_t arrival_us) {
  ConsumeResult out;
  if (!std::isfinite(c.x_m) || !std::isfinite(c.y_m) || !(c.uncertainty_m >= 0.0) ||
      static_cast<std::size_t>(c.reported) >= ALERT_CLASS_COUNT) {
    ++counts_.rejected;
    out.fate = Fate::REJECTED;
    return out;
  }
  // At the place the caller gave, not at the line's "sensor".
  Alert a = at_sensor(r, c.reported, 1.0);
  a.x_m = c.x_m;
  a.y_m = c.y_m;
  a.uncertainty_m = c.uncertainty_m;
  return outcome(raise_or_fuse(a, arrival_us, true));
}

}  // namespace citytwin::detection
