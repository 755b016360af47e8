// Closed streets and travel around them.
#include "models/streets/StreetClosures.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>
#include <stdexcept>
#include <string>

namespace citytwin::models {

namespace {

double distance_to_segment(sim::Point p, sim::Point a, sim::Point b) {
  const double dx = b.x_m - a.x_m, dy = b.y_m - a.y_m, len2 = dx * dx + dy * dy;
  const double t = len2 > 0.0 ? std::clamp(((p.x_m - a.x_m) * dx + (p.y_m - a.y_m) * dy) / len2, 0.0, 1.0) : 0.0;
  return std::hypot(p.x_m - (a.x_m + t * dx), p.y_m - (a.y_m + t * dy));
}

}  // namespace

StreetClosures::StreetClosures(const StreetGraph& graph) : graph_(&graph), count_(graph.edge_count(), 0) {}

std::vector<std::uint32_t> StreetClosures::edges_near(sim::Point p, double radius_m) const {
  std::vector<std::uint32_t> out;
  const auto& shape = graph_->shape_points();
  const auto& edges = graph_->edges();
  for (std::uint32_t e = 0; e < edges.size(); ++e) {
    const StreetEdge& edge = edges[e];
    for (std::uint32_t k = edge.shape_begin; k + 1 < edge.shape_end; ++k)
      if (distance_to_segment(p, shape[k], shape[k + 1]) <= radius_m) {
        out.push_back(e);
        break;
      }
  }
  return out;
}

void StreetClosures::close(const std::vector<std::uint32_t>& edges) {
  for (std::uint32_t e : edges)
    if (count_.at(e)++ == 0) ++closed_;
}

void StreetClosures::reopen(const std::vector<std::uint32_t>& edges) {
  for (std::uint32_t e : edges) {
    if (count_.at(e) == 0) throw std::logic_error("street closures: edge " + std::to_string(e) + " is not closed");
    if (--count_[e] == 0) --closed_;
  }
}

double StreetClosures::closed_length_m() const {
  double m = 0.0;
  const auto& edges = graph_->edges();
  for (std::uint32_t e = 0; e < edges.size(); ++e) {
    if (count_[e] == 0) continue;
    // A two-way street shut both ways counts once, by its lower-numbered direction.
    const std::uint32_t r = edges[e].reverse;
    if (r != StreetEdge::NO_EDGE && r < e && count_[r] > 0) continue;
    m += edges[e].length_m;
  }
  return m;
}

std::vector<double> StreetClosures::times_from(std::uint32_t origin) const {
  const std::size_t n = graph_->vertex_count();
  if (origin >= n) throw std::out_of_range("street closures: vertex " + std::to_string(origin) + " does not exist");
  std::vector<double> t(n, UNREACHABLE);
  using Item = std::pair<double, std::uint32_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
  t[origin] = 0.0;
  heap.emplace(0.0, origin);
  const auto& edges = graph_->edges();
  const auto& out = graph_->out_edges();
  while (!heap.empty()) {
    const auto [d, v] = heap.top();
    heap.pop();
    if (d > t[v]) continue;
    for (std::uint32_t k = graph_->out_begin(v); k < graph_->out_begin(v + 1); ++k) {
      const std::uint32_t e = out[k];
      if (count_[e] > 0) continue;
      const double nd = d + edges[e].time_s;
      if (nd < t[edges[e].to]) {
        t[edges[e].to] = nd;
        heap.emplace(nd, edges[e].to);
      }
    }
  }
  return t;
}

DetourSummary detours(const StreetClosures& closures, const std::vector<std::uint32_t>& stations,
                      const std::vector<std::vector<double>>& open_times, const std::vector<std::uint32_t>& places) {
  if (open_times.size() != stations.size())
    throw std::invalid_argument("detours: one open tree per station is needed");
  std::vector<std::vector<double>> closed;
  closed.reserve(stations.size());
  for (std::uint32_t s : stations) closed.push_back(closures.times_from(s));
  DetourSummary out;
  out.places = places.size();
  double sum = 0.0, detoured_sum = 0.0;
  std::size_t reached = 0;
  for (std::uint32_t p : places) {
    double open = StreetClosures::UNREACHABLE, shut = StreetClosures::UNREACHABLE;
    for (std::size_t s = 0; s < stations.size(); ++s) {
      open = std::min(open, open_times[s].at(p));
      shut = std::min(shut, closed[s].at(p));
    }
    if (!std::isfinite(shut)) {
      if (std::isfinite(open)) ++out.unreachable;  // cut off by the closures, not unreachable anyway
      continue;
    }
    const double d = std::isfinite(open) ? std::max(0.0, shut - open) : 0.0;
    sum += d;
    ++reached;
    out.max_detour_s = std::max(out.max_detour_s, d);
    if (d > 1.0) ++out.detoured, detoured_sum += d;
  }
  out.mean_detour_s = reached ? sum / static_cast<double>(reached) : 0.0;
  out.detoured_mean_s = out.detoured ? detoured_sum / static_cast<double>(out.detoured) : 0.0;
  return out;
}

}  // namespace citytwin::models
