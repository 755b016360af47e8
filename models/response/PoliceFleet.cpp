// Police units on the streets: nearest free unit by travel time, priorities, the way home, patrols.
#include "models/response/PoliceFleet.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "sim/Check.hpp"

namespace citytwin::models {

std::vector<Place> stations_on(const std::vector<sim::Point>& points, const StreetGraph* graph) {
  std::vector<Place> out;
  for (const sim::Point& p : points) {
    Place place;
    place.point = p;
    if (graph) {
      place.street = graph->snap(p);
      place.point = place.street.point;
    }
    out.push_back(place);
  }
  return out;
}

std::vector<sim::ParamSpec> police_param_specs() {
  using sim::Json;
  using sim::param;
  using sim::ParamType;
  auto priority = [](const char* cls, int value) {
    return param(cls, ParamType::INTEGER, "", value, "0 (most urgent) to 3.").between(0, 3);
  };
  return {
      param("units", ParamType::INTEGER, "", 3, "Units on patrol duty.").between(1, 1000),
      param("station", ParamType::POINT, "m", Json::array({"1km", "0.75km"}),
            "Where units wait and return (on the nearest street when the city has streets)."),
      param("stations", ParamType::POINT_LIST, "m", Json::array(),
            "Several stations, units shared among them in turn; when given, `station` is not used."),
      param("patrol", ParamType::BOOLEAN, "", false,
            "Free units patrol the streets (to random places where incidents happen) instead of waiting at their "
            "station; a patrolling unit leaves without turnout."),
      param("speed", ParamType::SPEED, "km/h", "30km/h",
            "Mean travel speed in town, without streets (with streets, each class has its speed).")
          .between(0.1, 100),
      param("circuity", ParamType::NUMBER, "", 1.3, "Street distance over straight-line distance, without streets.")
          .between(1, 5),
      param("turnout", ParamType::DURATION, "s", "1min", "From dispatch to departure, for a unit at the station."),
      param("on_site", ParamType::DISTRIBUTION, "s", Json{{"dist", "gamma"}, {"mean", "30min"}, {"shape", 2}},
            "shop_alerts: time spent at a shop alert (public_safety takes it from each crime type)."),
      param("false_alarm_on_site", ParamType::DISTRIBUTION, "s",
            Json{{"dist", "gamma"}, {"mean", "15min"}, {"shape", 2}},
            "public_safety: time spent checking a place where nothing is found."),
      param("search_speed", ParamType::SPEED, "m/s", "2m/s",
            "public_safety: from the alert's place to the incident, a unit searches at this speed (a located "
            "shot is found at once, an unlocated one costs minutes).")
          .between(0.1, 50),
      param("background_incident_rate", ParamType::RATE, "1/h", "1.5/h",
            "Other incidents the units attend, served after alerts."),
      param("background_on_site", ParamType::DISTRIBUTION, "s", Json{{"dist", "gamma"}, {"mean", "40min"}, {"shape", 2}},
            "Time spent at another incident."),
      sim::section("priorities", "public_safety: the priority of each alert class (0 first) at the command centre and "
                                 "for the police.",
                   {priority("gunfire", 0), priority("shop_aggression", 0), priority("assault", 0),
                    priority("robbery", 0), priority("altercation", 1), priority("abandoned_object", 1),
                    priority("burglary", 2), priority("crowding", 2)},
                   true),
  };
}

FleetSettings fleet_settings_from(const sim::Params& police, const StreetGraph* graph) {
  FleetSettings f;
  f.units = static_cast<std::uint32_t>(police.integer("units"));
  std::vector<sim::Point> points = police.points("stations");
  if (points.empty()) points.push_back(police.point("station"));
  f.stations = stations_on(points, graph);
  f.turnout = police.duration("turnout");
  f.patrol = police.boolean("patrol");
  f.speed_m_per_s = police.speed_m_per_s("speed");
  f.circuity = police.number("circuity");
  return f;
}

PoliceFleet::PoliceFleet(sim::Simulation& sim, FleetSettings settings, std::uint32_t priorities,
                         const StreetGraph* graph, TravelTimes* travel, OnDispatch on_dispatch, OnArrival on_arrival,
                         PatrolPlace patrol_place)
    : sim_(sim), settings_(std::move(settings)), graph_(graph), travel_(travel), on_dispatch_(std::move(on_dispatch)),
      on_arrival_(std::move(on_arrival)), patrol_place_(std::move(patrol_place)), queues_(priorities),
      busy_time_(sim.now(), 0.0) {
  CITYTWIN_CHECK(!settings_.stations.empty(), "PoliceFleet: at least one station");
  CITYTWIN_CHECK(!settings_.patrol || static_cast<bool>(patrol_place_), "PoliceFleet: patrols need a place sampler");
  CITYTWIN_CHECK((graph_ == nullptr) == (travel_ == nullptr), "PoliceFleet: streets and travel times go together");
  if (graph_) {
    // An edge arriving at each vertex, to stand for a unit waiting at an intersection.
    in_edge_.assign(graph_->vertex_count(), StreetEdge::NO_EDGE);
    for (std::uint32_t e = 0; e < graph_->edge_count(); ++e) in_edge_[graph_->edges()[e].to] = e;
  }
  units_.resize(settings_.units);
  for (std::size_t u = 0; u < units_.size(); ++u) {
    units_[u].home = settings_.stations[u % settings_.stations.size()];
    units_[u].from = units_[u].to = units_[u].home;
  }
}

void PoliceFleet::start() {
  if (!settings_.patrol) return;
  for (std::size_t u = 0; u < units_.size(); ++u) next_patrol_leg(u);
}

double PoliceFleet::busy() const {
  double n = 0;
  for (const Unit& u : units_) n += free(u) ? 0 : 1;
  return n;
}

std::size_t PoliceFleet::waiting() const {
  std::size_t n = 0;
  for (const auto& q : queues_) n += q.size();
  return n;
}

std::vector<std::pair<Place, sim::Time>> PoliceFleet::free_units() {
  std::vector<std::pair<Place, sim::Time>> out;
  for (const Unit& u : units_)
    if (free(u)) out.emplace_back(position(u), u.state == State::AT_STATION ? settings_.turnout : sim::Time{});
  return out;
}

sim::Time PoliceFleet::drive_time(const Place& a, const Place& b) {
  if (travel_) return sim::Time::seconds(travel_->between(a.street, b.street));
  double d = std::hypot(a.point.x_m - b.point.x_m, a.point.y_m - b.point.y_m) * settings_.circuity;
  return sim::Time::seconds(d / settings_.speed_m_per_s);
}

// Where a unit is now. A unit on its way home or on patrol is on the straight line of its leg, or, on
// streets, at the last intersection it passed on its fastest route.
Place PoliceFleet::position(const Unit& u) {
  if (u.state == State::AT_STATION) return u.home;
  if ((u.state != State::RETURNING && u.state != State::PATROLLING) || u.arrive <= u.depart) return u.to;
  double elapsed_s = (sim_.now() - u.depart).to_seconds();
  if (travel_) return place_on_way(u.from, u.to, elapsed_s);
  double f = std::clamp(elapsed_s / (u.arrive - u.depart).to_seconds(), 0.0, 1.0);
  const sim::Point& a = u.from.point;
  const sim::Point& b = u.to.point;
  return {{a.x_m + f * (b.x_m - a.x_m), a.y_m + f * (b.y_m - a.y_m)}, {}};
}

Place PoliceFleet::place_on_way(const Place& from, const Place& to, double elapsed_s) {
  const StreetGraph& g = *graph_;
  const StreetEdge& first = g.edges()[from.street.edge];
  double first_s = first.length_m > 0 ? first.time_s * (1.0 - from.street.offset_m / first.length_m) : 0.0;
  if (elapsed_s < first_s) return from;
  std::uint32_t target = g.edges()[to.street.edge].from;
  const std::vector<double>& to_target = travel_->to_destination(target);
  const std::vector<std::uint32_t>& next = travel_->successors_toward(target);
  std::uint32_t v = first.to;
  double start_s = to_target[v];
  if (!std::isfinite(start_s)) return from;
  while (v != target && first_s + (start_s - to_target[next[v]]) <= elapsed_s) v = next[v];
  if (v == target) return to;
  return {g.vertices()[v].pos, location_at_vertex(v)};
}

// A location at vertex v: the end of an edge arriving there.
StreetLocation PoliceFleet::location_at_vertex(std::uint32_t v) const {
  const StreetGraph& g = *graph_;
  std::uint32_t e = in_edge_[v];
  return {e, g.edges()[e].length_m, g.vertices()[v].pos, 0.0};
}

void PoliceFleet::request(const PoliceJob& job) {
  queues_[static_cast<std::size_t>(job.priority)].push_back(job);
  dispatch_free_units();
}

void PoliceFleet::dispatch_free_units() {
  for (;;) {
    auto q = std::find_if(queues_.begin(), queues_.end(), [](const auto& d) { return !d.empty(); });
    if (q == queues_.end()) return;
    const PoliceJob& job = q->front();
    // The free unit that reaches the place first; ties go to the lower unit number.
    int best = -1;
    sim::Time best_time = sim::Time::max();
    for (std::size_t i = 0; i < units_.size(); ++i) {
      const Unit& u = units_[i];
      if (!free(u)) continue;
      sim::Time t = drive_time(position(u), job.where) + (u.state == State::AT_STATION ? settings_.turnout : sim::Time{});
      if (t < best_time) {
        best_time = t;
        best = static_cast<int>(i);
      }
    }
    if (best < 0) return;
    PoliceJob j = job;
    q->pop_front();
    send(static_cast<std::size_t>(best), j, best_time);
  }
}

void PoliceFleet::send(std::size_t unit, const PoliceJob& job, sim::Time travel) {
  Unit& u = units_[unit];
  if (u.state == State::RETURNING || u.state == State::PATROLLING) sim_.cancel(u.arrival);
  u.from = position(u);
  u.to = job.where;
  u.depart = sim_.now();
  u.arrive = sim_.now() + travel;
  u.state = State::EN_ROUTE;
  set_busy();
  on_dispatch_(job, unit, travel);
  sim_.schedule_at(u.arrive, [this, unit, job] { arrive(unit, job); });
}

void PoliceFleet::arrive(std::size_t unit, const PoliceJob& job) {
  units_[unit].state = State::ON_SITE;
  sim::Time stay = on_arrival_(job, unit);
  sim_.schedule_in(stay, [this, unit] { leave_site(unit); });
}

void PoliceFleet::leave_site(std::size_t unit) {
  Unit& u = units_[unit];
  if (settings_.patrol) {
    next_patrol_leg(unit);  // from where the job was
  } else {
    // Free again: heads back to the station, and can be sent anywhere on the way.
    u.state = State::RETURNING;
    u.from = u.to;
    u.to = u.home;
    u.depart = sim_.now();
    u.arrive = sim_.now() + drive_time(u.from, u.to);
    u.arrival = sim_.schedule_at(u.arrive, [this, unit] { units_[unit].state = State::AT_STATION; });
  }
  set_busy();
  dispatch_free_units();
}

void PoliceFleet::next_patrol_leg(std::size_t unit) {
  Unit& u = units_[unit];
  Place from = u.state == State::AT_STATION ? u.home : u.to;
  u.state = State::PATROLLING;
  u.from = from;
  u.to = patrol_place_(unit);
  u.depart = sim_.now();
  u.arrive = sim_.now() + drive_time(u.from, u.to);
  u.arrival = sim_.schedule_at(u.arrive, [this, unit] { next_patrol_leg(unit); });
}

}  // namespace citytwin::models
