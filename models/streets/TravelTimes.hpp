// Shortest travel times on a street graph: a contraction hierarchy, and cached trees for repeated origins.
#pragma once

#include <cstdint>
#include <limits>
#include <list>
#include <memory>
#include <utility>
#include <vector>

#include "models/streets/StreetGraph.hpp"

namespace citytwin::models {

/// The constant part of routing on one street graph: its contraction hierarchy (Geisberger et al., 2008),
/// built once and shared read-only by every replication and thread.
class StreetRouter {
 public:
  /// Contracts the graph (seconds for 100,000 intersections). `graph` must outlive the router.
  explicit StreetRouter(const StreetGraph& graph);
  const StreetGraph& graph() const { return *graph_; }
  /// Shortcut edges the hierarchy added (for reports and benchmarks).
  std::size_t shortcut_count() const;
  /// The order in which vertices were contracted (0 first): the hierarchy's levels.
  const std::vector<std::uint32_t>& ranks() const { return rank_; }

 private:
  friend class TravelTimes;
  struct BoostGraphs;  // the graph and its reverse for Boost's Dijkstra
  const StreetGraph* graph_;
  std::shared_ptr<const BoostGraphs> boost_;
  // Upward and downward search graphs in CSR form, indexed by vertex: up arcs lead from a vertex to
  // higher-ranked ones (forward search), down arcs from a vertex to the higher-ranked vertices that reach
  // it (backward search).
  std::vector<std::uint32_t> rank_;
  std::vector<std::uint32_t> up_offsets_, up_targets_;
  std::vector<double> up_time_s_;
  std::vector<std::uint32_t> down_offsets_, down_targets_;
  std::vector<double> down_time_s_;
  std::size_t shortcuts_ = 0;
};

/// One route: the vertices passed and the time at which each is reached, from 0 at the first.
struct Route {
  std::vector<std::uint32_t> vertices;
  std::vector<double> time_s;
};

/// Travel-time queries for one replication (or one thread): scratch space and a cache of shortest-path
/// trees for origins and destinations used again and again (a police station). Not thread-safe; make one
/// per thread.
class TravelTimes {
 public:
  static constexpr double UNREACHABLE = std::numeric_limits<double>::infinity();

  /// `cached_trees`: how many full trees (from an origin or to a destination) are kept, least recently used out.
  explicit TravelTimes(const StreetRouter& router, std::size_t cached_trees = 16);

  /// Shortest travel time between two vertices, seconds (UNREACHABLE if none); std::out_of_range for a
  /// vertex that does not exist.
  double between(std::uint32_t from, std::uint32_t to);
  /// Between two points on the streets: along the rest of the first edge (or its reverse, on a two-way
  /// street), through the network, then along the last edge to the offset.
  double between(const StreetLocation& from, const StreetLocation& to);
  /// Times from `origin` to every vertex (Dijkstra on Boost.Graph), cached. The reference stays valid
  /// until another tree is computed.
  const std::vector<double>& from_origin(std::uint32_t origin);
  /// Times from every vertex to `destination` (Dijkstra on the reversed graph), cached, valid as above.
  const std::vector<double>& to_destination(std::uint32_t destination);
  /// For every vertex, the next vertex on its fastest route to `destination`; the destination maps to
  /// itself, and so does a vertex that cannot reach it (check `to_destination` before walking). From the
  /// cached reversed tree, valid as long as `to_destination(destination)`'s.
  const std::vector<std::uint32_t>& successors_toward(std::uint32_t destination);
  /// The fastest route between two vertices, from the cached tree of `from` (empty if unreachable).
  Route route(std::uint32_t from, std::uint32_t to);
  /// The share of the street length (a two-way street counted once) that some source reaches within
  /// `limit_s`: a street counts by the halves at its two ends, each reached when its end vertex is. Each
  /// source is a location with a head start it must wait first (turnout). A Dijkstra search from all
  /// sources at once, stopped at the limit.
  double share_within(const std::vector<std::pair<StreetLocation, double>>& sources, double limit_s);

 private:
  struct Tree {
    std::uint32_t root;
    bool reversed;
    std::vector<double> time_s;
    std::vector<std::uint32_t> parent;  // predecessor (forward) or successor (reversed) vertex
  };
  const Tree& tree(std::uint32_t root, bool reversed);
  // The bidirectional upward search from several sources to several targets, each with a starting time.
  double query(const std::vector<std::pair<std::uint32_t, double>>& sources,
               const std::vector<std::pair<std::uint32_t, double>>& targets);

  const StreetRouter* router_;
  std::size_t capacity_;
  std::vector<double> vertex_length_m_;  // half the street length at each vertex, for share_within
  double total_length_m_ = 0.0;
  std::list<Tree> trees_;  // most recently used first
  // Bidirectional upward search scratch, reset lazily by touched lists.
  std::vector<double> forward_s_, backward_s_;
  std::vector<std::uint32_t> touched_forward_, touched_backward_;
  std::vector<std::pair<double, std::uint32_t>> heap_forward_, heap_backward_;
};

}  // namespace citytwin::models
