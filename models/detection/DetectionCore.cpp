// The detection core: alert-button readings become alerts, repeated presses merge.
#include "models/detection/DetectionCore.hpp"

#include <limits>

namespace citytwin::detection {

const char* to_string(SensorKind k) {
  switch (k) {
    case SensorKind::ALERT_BUTTON: return "alert_button";
  }
  return "unknown";
}

const char* to_string(AlertClass c) {
  switch (c) {
    case AlertClass::SHOP_AGGRESSION: return "shop_aggression";
  }
  return "unknown";
}

DetectionCore::DetectionCore(std::vector<SensorInfo> sensors, DetectionSettings settings)
    : sensors_(std::move(sensors)), settings_(settings),
      last_press_us_(sensors_.size(), std::numeric_limits<std::int64_t>::min()) {}

ConsumeResult DetectionCore::consume(const Reading& r, std::int64_t arrival_us) {
  ++readings_;
  ConsumeResult out;
  // Refuse what cannot come from a known sensor.
  if (r.sensor >= sensors_.size() || !(r.value > 0.0)) {
    ++rejected_;
    out.rejected = true;
    return out;
  }
  const SensorInfo& s = sensors_[r.sensor];

  // A press close to the previous press of the same button joins the open alert. Readings may arrive out
  // of order, so the window is measured on the sensor's own times.
  std::int64_t& last = last_press_us_[r.sensor];
  bool within = last != std::numeric_limits<std::int64_t>::min() &&
                (r.time_us >= last ? r.time_us - last : last - r.time_us) <= settings_.merge_window_us;
  if (r.time_us > last) last = r.time_us;
  if (within) {
    ++merged_;
    out.merged = true;
    return out;
  }

  Alert a;
  a.id = next_id_++;
  a.cls = AlertClass::SHOP_AGGRESSION;
  a.sensor = r.sensor;
  a.first_reading_us = r.time_us;
  a.raised_us = arrival_us;
  a.x_m = s.x_m;
  a.y_m = s.y_m;
  a.confidence = 1.0;
  out.raised = a;
  return out;
}

}  // namespace citytwin::detection
