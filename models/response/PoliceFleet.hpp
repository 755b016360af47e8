// Police units: dispatched by priority to the nearest free unit by travel time, on site, then home or on patrol.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "models/streets/StreetGraph.hpp"
#include "models/streets/TravelTimes.hpp"
#include "sim/Params.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Registry.hpp"
#include "sim/Simulation.hpp"
#include "sim/Statistics.hpp"
#include "sim/Time.hpp"

namespace citytwin::models {

/// A job for the police: a place to go, its priority, and the owner's identifier.
struct PoliceJob {
  std::int64_t id = -1;  ///< the owner's identifier, passed back unchanged
  Place where;
  int priority = 0;      ///< 0 first; jobs of one priority are served in the order they came
};

/// How the fleet moves and where it lives (constant for a variant).
struct FleetSettings {
  std::uint32_t units = 1;
  std::vector<Place> stations;       ///< at least one; unit u lives at station u mod stations.size()
  sim::Time turnout;                 ///< from dispatch to departure, for a unit waiting at its station
  bool patrol = false;               ///< free units patrol (drive from place to place) instead of waiting
  double speed_m_per_s = 8.0;        ///< without streets: straight-line distance x circuity / speed
  double circuity = 1.3;
};

/// One replication's police units.
///
/// A job goes to the free unit that reaches it first (travel time plus turnout for a unit at its station;
/// ties to the lower unit number); jobs wait by priority, first come first served within one. A unit on
/// site stays as long as the owner's `on_arrival` says, then is free: it drives home (or, patrolling, to
/// the next place `patrol_place` draws) and can be sent anywhere on the way, from the last intersection it
/// passed (without streets: from its point on the straight line).
class PoliceFleet {
 public:
  /// Called when a unit is sent: the job, the unit, the travel time.
  using OnDispatch = std::function<void(const PoliceJob&, std::size_t unit, sim::Time travel)>;
  /// Called when a unit reaches the job; returns how long it stays.
  using OnArrival = std::function<sim::Time(const PoliceJob&, std::size_t unit)>;
  /// Draws the next place a patrolling unit drives to.
  using PatrolPlace = std::function<Place(std::size_t unit)>;

  /// `graph` and `travel` may be null (no streets); both must outlive the fleet. `priorities` classes.
  PoliceFleet(sim::Simulation& sim, FleetSettings settings, std::uint32_t priorities, const StreetGraph* graph,
              TravelTimes* travel, OnDispatch on_dispatch, OnArrival on_arrival, PatrolPlace patrol_place = {});

  /// Starts the patrols (a no-op unless patrolling).
  void start();
  /// A job for the police arrives now.
  void request(const PoliceJob& job);
  /// Units travelling to or on a job now.
  double busy() const;
  /// Time-average of busy units since the last reset.
  double mean_busy(sim::Time now) const { return busy_time_.mean(now); }
  void reset_statistics(sim::Time now) { busy_time_.reset(now); }
  /// Jobs waiting for a free unit.
  std::size_t waiting() const;
  /// Where each free unit is now, with the delay before it can leave (turnout at its station), for
  /// coverage maps.
  std::vector<std::pair<Place, sim::Time>> free_units();
  /// Travel time between two places: fastest route on the streets, else straight line x circuity / speed.
  sim::Time drive_time(const Place& a, const Place& b);
  const FleetSettings& settings() const { return settings_; }

 private:
  enum class State : std::uint8_t { AT_STATION, RETURNING, PATROLLING, EN_ROUTE, ON_SITE };
  struct Unit {
    State state = State::AT_STATION;
    Place home;
    Place from, to;            // leg being travelled
    sim::Time depart, arrive;  // of that leg
    sim::EventHandle arrival;  // pending end of a leg home or on patrol
  };
  bool free(const Unit& u) const { return u.state != State::EN_ROUTE && u.state != State::ON_SITE; }
  Place position(const Unit& u);
  Place place_on_way(const Place& from, const Place& to, double elapsed_s);
  StreetLocation location_at_vertex(std::uint32_t v) const;
  void dispatch_free_units();
  void send(std::size_t unit, const PoliceJob& job, sim::Time travel);
  void arrive(std::size_t unit, const PoliceJob& job);
  void leave_site(std::size_t unit);
  void next_patrol_leg(std::size_t unit);
  void set_busy() { busy_time_.set(sim_.now(), busy()); }

  sim::Simulation& sim_;
  FleetSettings settings_;
  const StreetGraph* graph_;
  TravelTimes* travel_;
  OnDispatch on_dispatch_;
  OnArrival on_arrival_;
  PatrolPlace patrol_place_;
  std::vector<Unit> units_;
  std::vector<std::deque<PoliceJob>> queues_;
  std::vector<std::uint32_t> in_edge_;  // per vertex, an edge that ends there (streets only)
  sim::TimeWeighted busy_time_;
};

/// Points as places: each on its nearest street when there are streets.
std::vector<Place> stations_on(const std::vector<sim::Point>& points, const StreetGraph* graph);

/// The parameters of the `police` section, read by every model with police: units, stations, patrols,
/// travel without streets, turnout, times on site, other incidents, and the priority of each alert class.
std::vector<sim::ParamSpec> police_param_specs();

/// The fleet a `police` section describes: `stations` when the list is not empty, else `station`, each
/// snapped to the streets when there are streets.
FleetSettings fleet_settings_from(const sim::Params& police, const StreetGraph* graph);

}  // namespace citytwin::models
