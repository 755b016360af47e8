// The public-safety model's city: shops, microphones (placed by the optimiser), cameras, the sensors the
// detection core knows, the networks, and the layout tables.
#include "models/PublicSafety.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "sim/Check.hpp"
#include "sim/RandomStream.hpp"

namespace citytwin::models {
namespace {

constexpr std::uint32_t LAYOUT_REPLICATION = 0xFFFFFFFFu;
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

double distance(sim::Point a, sim::Point b) { return std::hypot(a.x_m - b.x_m, a.y_m - b.y_m); }

/// Street intersections: vertices where three or more streets meet.
std::vector<sim::Point> intersections(const StreetGraph& g) {
  std::vector<std::set<std::uint32_t>> neighbours(g.vertex_count());
  for (const StreetEdge& e : g.edges()) {
    neighbours[e.from].insert(e.to);
    neighbours[e.to].insert(e.from);
  }
  std::vector<sim::Point> out;
  for (std::uint32_t v = 0; v < g.vertex_count(); ++v)
    if (neighbours[v].size() >= 3) out.push_back(g.vertices()[v].pos);
  return out;
}

}  // namespace

Place PublicSafetyModel::place_by(ZoneWeight weight, sim::RandomStream& rng) const {
  const StreetGraph& g = *params_.streets;
  Place place;
  place.street = params_.zones ? params_.zones->sample_on_streets(rng, weight, g) : g.location_along(rng.uniform());
  place.point = place.street.point;
  return place;
}

Place PublicSafetyModel::background_place(CrimeType type, sim::RandomStream& rng) const {
  return place_by(params_.crime[static_cast<std::size_t>(type)].weight, rng);
}

std::optional<Place> PublicSafetyModel::triggered_place(sim::Point p) const {
  if (p.x_m < bounds_lo_[0] || p.y_m < bounds_lo_[1] || p.x_m > bounds_hi_[0] || p.y_m > bounds_hi_[1])
    return std::nullopt;
  Place place;
  place.street = params_.streets->snap(p);
  place.point = place.street.point;
  return place;
}

MicrophonePlan PublicSafetyModel::plan_microphones(const PublicSafetyParams& p, const PublicSafetyModel& city) {
  MicrophonePlan plan;
  if (p.placement == MicrophonePlacement::GIVEN)
    plan.candidates = p.microphone_sites;
  else
    plan.candidates = p.candidate_sites.empty() ? intersections(*p.streets) : p.candidate_sites;
  plan.candidates_before_spacing = plan.candidates.size();

  // Shots where gunfire happens (its background: the zones' weight along the streets), each with its own
  // level; a candidate hears a shot with the propagation's probability, drawn once per pair.
  sim::RandomStream where(p.seed, LAYOUT_REPLICATION, 0, "placement_samples");
  const double max_level = p.gunshot_level_db + 4.0 * p.gunshot_level_sd_db;
  const double reach = p.acoustics.nominal_range_m(max_level, p.microphone_threshold_db - 4.0 * p.acoustics.excess_attenuation_sd_db);
  std::vector<std::vector<std::uint32_t>> covering(p.placement_samples);
  for (std::uint32_t j = 0; j < p.placement_samples; ++j) {
    sim::Point shot = city.background_place(CrimeType::GUNFIRE, where).point;
    plan.samples.push_back(shot);
    sim::RandomStream hearing(p.seed, LAYOUT_REPLICATION, j, "placement_hearing");
    double level = hearing.normal(p.gunshot_level_db, p.gunshot_level_sd_db);
    for (std::uint32_t i = 0; i < plan.candidates.size(); ++i) {
      double u = hearing.uniform();
      double d = distance(shot, plan.candidates[i]);
      if (d > reach) continue;
      if (u < p.acoustics.hearing_probability(level, d, p.microphone_threshold_db)) covering[j].push_back(i);
    }
  }

  // Thin the candidates to the minimum spacing, those that hear the most shots kept first (ties by index).
  if (p.placement != MicrophonePlacement::GIVEN && p.min_spacing_m > 0) {
    std::vector<std::size_t> hears(plan.candidates.size(), 0);
    for (const auto& c : covering)
      for (std::uint32_t i : c) ++hears[i];
    std::vector<std::uint32_t> order(plan.candidates.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return hears[a] > hears[b]; });
    std::vector<std::int64_t> new_index(plan.candidates.size(), -1);
    std::vector<sim::Point> kept;
    for (std::uint32_t i : order) {
      bool far = std::all_of(kept.begin(), kept.end(),
                             [&](const sim::Point& q) { return distance(q, plan.candidates[i]) >= p.min_spacing_m; });
      if (!far) continue;
      new_index[i] = static_cast<std::int64_t>(kept.size());
      kept.push_back(plan.candidates[i]);
    }
    for (auto& c : covering) {
      std::vector<std::uint32_t> mapped;
      for (std::uint32_t i : c)
        if (new_index[i] >= 0) mapped.push_back(static_cast<std::uint32_t>(new_index[i]));
      c = std::move(mapped);
    }
    plan.candidates = std::move(kept);
  }
  plan.problem = std::make_unique<PlacementProblem>(
      PlacementProblem::coverage(plan.candidates.size(), covering, std::vector<double>(covering.size(), 1.0), 3));

  // The sites.
  std::size_t k = std::min<std::size_t>(p.microphone_count, plan.candidates.size());
  if (p.placement == MicrophonePlacement::GREEDY) {
    plan.chosen = place_greedy(*plan.problem, k);
  } else if (p.placement == MicrophonePlacement::RANDOM) {
    sim::RandomStream rng(p.seed, LAYOUT_REPLICATION, 0, "microphone_random");
    plan.chosen = place_random(*plan.problem, k, rng);
  } else {
    for (std::uint32_t i = 0; i < plan.candidates.size(); ++i) plan.chosen.sites.push_back(i);
    plan.chosen.value = plan.problem->value(plan.chosen.sites);
  }
  std::vector<bool> chosen(plan.candidates.size(), false);
  for (std::uint32_t i : plan.chosen.sites) chosen[i] = true;
  std::size_t by_3 = 0;
  for (const auto& c : covering)
    by_3 += std::count_if(c.begin(), c.end(), [&](std::uint32_t i) { return chosen[i]; }) >= 3;
  plan.heard_by_3_share = covering.empty() ? 0.0 : static_cast<double>(by_3) / static_cast<double>(covering.size());
  return plan;
}

PublicSafetyModel::PublicSafetyModel(PublicSafetyParams params) : params_(std::move(params)) {
  const StreetGraph& g = *params_.streets;
  auto [lo, hi] = g.bounds();
  bounds_lo_ = {lo.x_m, lo.y_m};
  bounds_hi_ = {hi.x_m, hi.y_m};
  router_ = std::make_unique<const StreetRouter>(g);

  // Shops with buttons along the streets where robberies happen (by the zones' activity when there are zones).
  for (std::uint32_t s = 0; s < params_.shop_count; ++s) {
    sim::RandomStream rng(params_.seed, LAYOUT_REPLICATION, s, "shop_location");
    shops_.push_back(background_place(CrimeType::ROBBERY, rng));
  }

  // Microphones, where the placement puts them.
  if (params_.microphone_count > 0) {
    plan_ = plan_microphones(params_, *this);
    for (std::uint32_t i : plan_.chosen.sites) microphones_.push_back(plan_.candidates[i]);
  }

  // The sensors as the detection core knows them.
  for (std::uint32_t s = 0; s < shops_.size(); ++s) {
    char id[32];
    std::snprintf(id, sizeof id, "shop-%04u", s);
    sensors_.push_back({id, detection::SensorKind::ALERT_BUTTON, shops_[s].point.x_m, shops_[s].point.y_m});
  }
  first_mic_ = static_cast<std::uint32_t>(sensors_.size());
  const double hearing_range =
      params_.acoustics.nominal_range_m(params_.gunshot_level_db, params_.microphone_threshold_db);
  for (std::uint32_t m = 0; m < microphones_.size(); ++m) {
    char id[32];
    std::snprintf(id, sizeof id, "mic-%03u", m);
    detection::SensorInfo s{id, detection::SensorKind::MICROPHONE, microphones_[m].x_m, microphones_[m].y_m};
    s.range_m = hearing_range;
    sensors_.push_back(s);
  }
  first_counter_ = static_cast<std::uint32_t>(sensors_.size());
  for (std::uint32_t c = 0; params_.counting && c < params_.camera_sites.size(); ++c) {
    char id[32];
    std::snprintf(id, sizeof id, "count-%02u", c);
    detection::SensorInfo s{id, detection::SensorKind::COUNTING_CAMERA, params_.camera_sites[c].x_m,
                            params_.camera_sites[c].y_m};
    s.threshold = params_.capacity;
    s.range_m = params_.view_radius_m;
    sensors_.push_back(s);
  }
  first_video_ = static_cast<std::uint32_t>(sensors_.size());
  for (std::uint32_t c = 0; c < params_.camera_sites.size(); ++c) {
    char id[32];
    std::snprintf(id, sizeof id, "video-%02u", c);
    detection::SensorInfo s{id, detection::SensorKind::VIDEO_ANALYTICS, params_.camera_sites[c].x_m,
                            params_.camera_sites[c].y_m};
    s.range_m = params_.view_radius_m;
    sensors_.push_back(s);
  }
  citizen_line_ = static_cast<std::uint32_t>(sensors_.size());
  sensors_.push_back({"citizen-line", detection::SensorKind::CITIZEN_LINE, 0.0, 0.0});

  // The networks: the buttons' over theirs; microphones then cameras over the sensor network.
  std::vector<sim::Point> buttons, devices = microphones_;
  for (const Place& s : shops_) buttons.push_back(s.point);
  for (const sim::Point& c : params_.camera_sites) devices.push_back(c);
  alert_network_ = std::make_unique<const Network>(params_.alert_network, buttons, params_.seed);
  sensor_network_ = std::make_unique<const Network>(params_.sensor_network, devices, params_.seed);
}

PublicSafetyModel::~PublicSafetyModel() = default;

std::vector<sim::EventTable> PublicSafetyModel::layout() const {
  using Col = sim::ColumnSpec;
  std::vector<sim::EventTable> out;
  const StreetGraph& g = *params_.streets;
  auto geo = [&g](sim::Point p) {
    if (!g.frame().geographic()) return std::array<double, 2>{NaN, NaN};
    return g.frame().to_geo(p);
  };
  const Col lat{"lat_deg", Col::Type::FLOAT64, "deg", "Latitude (NaN without a geographic map)."};
  const Col lon{"lon_deg", Col::Type::FLOAT64, "deg", "Longitude (NaN without a geographic map)."};
  const Col x{"x_m", Col::Type::FLOAT64, "m", "East in the local frame."};
  const Col y{"y_m", Col::Type::FLOAT64, "m", "North in the local frame."};
  out.push_back(street_table(g));

  sim::EventTable mics("microphones", "One row per microphone, in the order the placement chose them.",
                       {{"microphone", Col::Type::INT64, "", "Microphone index (its sensor id is mic-NNN)."}, x, y, lat,
                        lon, {"covered", Col::Type::INT64, "", "1 when its readings can reach the command centre."}});
  for (std::uint32_t m = 0; m < microphones_.size(); ++m) {
    auto ll = geo(microphones_[m]);
    mics.append({static_cast<double>(m), microphones_[m].x_m, microphones_[m].y_m, ll[0], ll[1],
                 sensor_network_->covered(m) ? 1.0 : 0.0});
  }
  out.push_back(std::move(mics));

  sim::EventTable cams("cameras", "One row per camera.",
                       {{"camera", Col::Type::INT64, "", "Camera index."}, x, y, lat, lon,
                        {"view_radius_m", Col::Type::FLOAT64, "m", "How far it sees."},
                        {"counting", Col::Type::INT64, "", "1 when it counts people."}});
  for (std::uint32_t c = 0; c < params_.camera_sites.size(); ++c) {
    auto ll = geo(params_.camera_sites[c]);
    cams.append({static_cast<double>(c), params_.camera_sites[c].x_m, params_.camera_sites[c].y_m, ll[0], ll[1],
                 params_.view_radius_m, params_.counting ? 1.0 : 0.0});
  }
  out.push_back(std::move(cams));

  sim::EventTable shops("shops", "One row per shop with an alert button.",
                        {{"shop", Col::Type::INT64, "", "Shop index."}, x, y, lat, lon,
                         {"covered", Col::Type::INT64, "", "1 when the button can reach the command centre."}});
  for (std::uint32_t s = 0; s < shops_.size(); ++s) {
    auto ll = geo(shops_[s].point);
    shops.append({static_cast<double>(s), shops_[s].point.x_m, shops_[s].point.y_m, ll[0], ll[1],
                  alert_network_->covered(s) ? 1.0 : 0.0});
  }
  out.push_back(std::move(shops));

  sim::EventTable stations("stations", "One row per police station.", {x, y, lat, lon});
  for (const Place& st : params_.fleet.stations) {
    auto ll = geo(st.point);
    stations.append({st.point.x_m, st.point.y_m, ll[0], ll[1]});
  }
  out.push_back(std::move(stations));

  sim::EventTable gateways("gateways", "One row per gateway of the alert and sensor networks.",
                           {{"network", Col::Type::STRING, "", "alert_network or sensor_network."}, x, y, lat, lon});
  for (const auto& [name, net] : {std::pair{"alert_network", &params_.alert_network},
                                  std::pair{"sensor_network", &params_.sensor_network}})
    for (std::size_t k = 0; net->uses_gateways() && k < net->gateways.size(); ++k) {
      auto ll = geo(net->gateways[k]);
      gateways.append({name, net->gateways[k].x_m, net->gateways[k].y_m, ll[0], ll[1]});
    }
  out.push_back(std::move(gateways));

  // What leaves each kind of sensor, and what never does: no model emits images, audio or identities.
  sim::EventTable data("sensor_data", "What each kind of sensor emits, and what it never emits.",
                       {{"sensor", Col::Type::STRING, "", "Kind of sensor, as the detection core names it."},
                        {"count", Col::Type::INT64, "", "Sensors of that kind in this option."},
                        {"emits", Col::Type::STRING, "", "What leaves the sensor."},
                        {"never_emits", Col::Type::STRING, "", "What never leaves it."}});
  std::size_t counters = params_.counting ? params_.camera_sites.size() : 0;
  data.append({"alert_button", static_cast<double>(shops_.size()), "the time of each press",
               "audio, images, or who pressed"});
  data.append({"microphone", static_cast<double>(microphones_.size()),
               "the onset time, peak level and gunfire-classifier score of each impulsive sound",
               "audio recordings or speech"});
  data.append({"counting_camera", static_cast<double>(counters), "the number of people in its zone per interval",
               "images, video, faces or identities"});
  data.append({"video_analytics", static_cast<double>(params_.camera_sites.size()),
               "the kind (fight, abandoned object) and time of each recognised event",
               "images, video, faces or identities"});
  data.append({"citizen_line", 1.0, "the kind of incident and the place a caller reports, as the call taker enters them",
               "the caller's name or number"});
  out.push_back(std::move(data));
  return out;
}

}  // namespace citytwin::models
