// Streets closed by a hazard (a flooded drain, a burst main): which are shut, for how long, and travel that avoids
// them.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "models/streets/StreetGraph.hpp"

namespace citytwin::models {

/// The closed streets of one replication over one street graph. A street shut by two hazards reopens when both have
/// ended: closures are counted per edge. Travel times avoid closed edges (Dijkstra on the graph, since closures change
/// the shortest paths a contraction hierarchy holds).
class StreetClosures {
 public:
  static constexpr double UNREACHABLE = std::numeric_limits<double>::infinity();

  explicit StreetClosures(const StreetGraph& graph);

  /// The edges (both directions of a street) whose shape passes within `radius_m` of `p`: the streets a flood at p
  /// shuts.
  std::vector<std::uint32_t> edges_near(sim::Point p, double radius_m) const;
  /// Shuts `edges` once more / lifts one of their closures. Lifting an edge that is not shut throws
  /// std::logic_error.
  void close(const std::vector<std::uint32_t>& edges);
  void reopen(const std::vector<std::uint32_t>& edges);

  bool closed(std::uint32_t edge) const { return count_.at(edge) > 0; }
  /// Edges shut now.
  std::size_t closed_edges() const { return closed_; }
  /// Length of the streets shut now, m (a two-way street counted once).
  double closed_length_m() const;

  /// Travel times from `origin` to every vertex over open streets, seconds (UNREACHABLE where closures cut it off).
  std::vector<double> times_from(std::uint32_t origin) const;

  const StreetGraph& graph() const { return *graph_; }

 private:
  const StreetGraph* graph_;
  std::vector<std::uint32_t> count_;  // closures per edge
  std::size_t closed_ = 0;
};

/// What closures do to reaching a set of places from a set of stations (police, depots): each place is reached from
/// its nearest station, with and without the closures.
struct DetourSummary {
  double mean_detour_s = 0.0;      ///< over the places still reachable: closed time minus open time
  double detoured_mean_s = 0.0;    ///< over the places that detour (0 if none)
  double max_detour_s = 0.0;
  std::size_t detoured = 0;        ///< places whose fastest time grew by more than a second
  std::size_t unreachable = 0;     ///< places the closures cut off from every station (that reach them when open)
  std::size_t places = 0;
};

/// Compares the open network's times (`open_times[s]`: station s's times to every vertex, as TravelTimes or
/// StreetClosures gives them) with the closed one's, for `places` (vertices).
DetourSummary detours(const StreetClosures& closures, const std::vector<std::uint32_t>& stations,
                      const std::vector<std::vector<double>>& open_times, const std::vector<std::uint32_t>& places);

}  // namespace citytwin::models
