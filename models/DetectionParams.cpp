// The `detection` section's schema and its reading into the core's settings.
#include "models/DetectionParams.hpp"

#include <cmath>

#include "models/sensors/Acoustics.hpp"

namespace citytwin::models {

using sim::Json;
using sim::ParamType;

std::vector<sim::ParamSpec> detection_param_specs() {
  using sim::param;
  return {
      param("merge_window", ParamType::DURATION, "s", "5min",
            "Presses of one button closer than this to its previous press join the open alert."),
      param("group_window", ParamType::DURATION, "s", "6s",
            "Microphone impulses whose onsets lie within this span of the first belong to one incident (sound "
            "crosses 2 km, the widest two microphones hearing one shot may be apart, in about 6 s).")
          .at_least(0.001),
      param("allowed_lateness", ParamType::DURATION, "s", "5s",
            "How long after the group window the core waits for impulses still crossing the network."),
      param("min_microphones", ParamType::INTEGER, "", 3,
            "Distinct microphones needed to raise a gunfire alert (3 for a position fix; fewer raise unlocated "
            "alerts).")
          .between(1, 100),
      param("gunfire_threshold", ParamType::NUMBER, "", 0.5,
            "The microphones' mean classifier probability above which an impulse is gunfire, not fireworks or a "
            "backfire.")
          .between(0.001, 0.999),
      param("assumed_air_temperature", ParamType::NUMBER, "°C", 15.0,
            "Air temperature the location solver assumes for the speed of sound.")
          .between(-50, 60),
      param("timing_sigma", ParamType::DURATION, "s", "2ms",
            "Onset timing error of a microphone the solver assumes (residuals beyond outlier_sigma times it are "
            "echoes).")
          .at_least(1e-6),
      param("outlier_sigma", ParamType::NUMBER, "", 4.0,
            "Residual, in timing sigmas, beyond which an arrival is left out of the fix.")
          .between(1, 1000),
      param("max_range", ParamType::DISTANCE, "m", "2km",
            "A fix farther than this from every microphone that heard it is refused."),
      param("assumed_absorption_db_per_km", ParamType::NUMBER, "dB/km", 4.5,
            "Atmospheric absorption the core assumes when it compares the levels heard, to choose between the "
            "two positions that three arrivals fit.")
          .between(0, 100),
      param("event_merge_window", ParamType::DURATION, "s", "10min",
            "Video events of one kind from one camera within this span of its previous one join the open alert."),
      param("clear_fraction", ParamType::NUMBER, "", 0.9,
            "A count or level alert ends once a reading falls below this share of its threshold.")
          .between(0, 1),
      param("fusion_radius", ParamType::DISTANCE, "m", "150m",
            "Alerts of one kind of incident from different sensors within this distance (plus their "
            "uncertainties) and the fusion window are one incident."),
      param("fusion_window", ParamType::DURATION, "s", "15min", "See fusion_radius."),
      param("reorder_window", ParamType::DURATION, "s", "0s",
            "0: readings are taken as they arrive. Above 0: each is held this long past its own time and readings "
            "are taken in time order, so that the alerts depend on the readings alone (simulated, live or "
            "replayed), whatever their order and delay within the window; older ones are late."),
  };
}

detection::DetectionSettings detection_settings_from(const sim::Params& s) {
  detection::DetectionSettings d;
  d.merge_window_us = s.duration("merge_window").count_us();
  d.gunfire.group_window_us = s.duration("group_window").count_us();
  d.gunfire.allowed_lateness_us = s.duration("allowed_lateness").count_us();
  d.gunfire.min_microphones = static_cast<std::uint32_t>(s.integer("min_microphones"));
  double p = s.number("gunfire_threshold");
  d.gunfire.logit_threshold = std::log(p / (1.0 - p));
  d.gunfire.speed_of_sound_m_per_s = AcousticParams::speed_of_sound_m_per_s(s.number("assumed_air_temperature"));
  d.gunfire.timing_sigma_s = s.duration("timing_sigma").to_seconds();
  d.gunfire.outlier_sigma = s.number("outlier_sigma");
  d.gunfire.max_range_m = s.distance_m("max_range");
  d.gunfire.absorption_db_per_m = s.number("assumed_absorption_db_per_km") / 1000.0;
  d.event_merge_window_us = s.duration("event_merge_window").count_us();
  d.clear_fraction = s.number("clear_fraction");
  d.fusion_radius_m = s.distance_m("fusion_radius");
  d.fusion_window_us = s.duration("fusion_window").count_us();
  d.reorder_window_us = s.duration("reorder_window").count_us();
  return d;
}

}  // namespace citytwin::models
