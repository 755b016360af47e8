// Shortest travel times: a contraction hierarchy for point-to-point queries, Boost.Graph Dijkstra trees cached LRU.
#include "models/streets/TravelTimes.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

#include "sim/Check.hpp"

namespace citytwin::models {

namespace {

constexpr double INF = std::numeric_limits<double>::infinity();

struct EdgeTime {
  double time_s = 0.0;
};
using Csr = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, EdgeTime>;

/// Builds a Boost CSR graph of the street edges, reversed or not.
Csr make_csr(const StreetGraph& g, bool reversed) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::vector<EdgeTime> times;
  pairs.reserve(g.edge_count());
  times.reserve(g.edge_count());
  for (const StreetEdge& e : g.edges()) {
    pairs.emplace_back(reversed ? e.to : e.from, reversed ? e.from : e.to);
    times.push_back({e.time_s});
  }
  return Csr(boost::edges_are_unsorted_multi_pass, pairs.begin(), pairs.end(), times.begin(), g.vertex_count());
}

/// A min-heap of (time, vertex) on a vector.
using HeapItem = std::pair<double, std::uint32_t>;
void heap_push(std::vector<HeapItem>& heap, double d, std::uint32_t v) {
  heap.emplace_back(d, v);
  std::push_heap(heap.begin(), heap.end(), std::greater<>());
}
HeapItem heap_pop(std::vector<HeapItem>& heap) {
  std::pop_heap(heap.begin(), heap.end(), std::greater<>());
  HeapItem top = heap.back();
  heap.pop_back();
  return top;
}

/// Builds a contraction hierarchy (Geisberger, Sanders, Schultes and Delling, 2008). Vertices are contracted in
/// the order of 4 x edge difference + contracted neighbours + level (weights tuned on grid towns), kept up to
/// date lazily; a shortcut is added where a witness search, bounded in settled vertices, finds no path as fast
/// that avoids the contracted vertex.
class Contractor {
 public:
  struct Arc {
    std::uint32_t to;
    double time_s;
  };

  explicit Contractor(const StreetGraph& g)
      : n_(static_cast<std::uint32_t>(g.vertex_count())), out_(n_), in_(n_), dist_(n_, INF),
        contracted_(n_, false), contracted_neighbours_(n_, 0), level_(n_, 0), priority_(n_, 0) {
    for (const StreetEdge& e : g.edges()) {
      if (e.from == e.to) continue;  // a loop never shortens a path
      add_arc(e.from, e.to, e.time_s);
    }
  }

  /// Contracts every vertex; `up` and `down` receive, per vertex, its arcs to higher-ranked vertices.
  void run(std::vector<std::uint32_t>& rank, std::vector<std::vector<Arc>>& up, std::vector<std::vector<Arc>>& down,
           std::size_t& shortcuts) {
    rank.assign(n_, 0);
    up.assign(n_, {});
    down.assign(n_, {});
    std::vector<HeapItem> heap;
    for (std::uint32_t v = 0; v < n_; ++v) {
      priority_[v] = priority(v);
      heap_push(heap, priority_[v], v);
    }
    std::uint32_t next_rank = 0;
    std::vector<std::uint32_t> neighbours;
    while (!heap.empty()) {
      auto [p, v] = heap_pop(heap);
      if (contracted_[v] || p != priority_[v]) continue;  // stale entry
      // Lazy update: contract v only if it is still the least important vertex.
      double now = priority(v);
      if (!heap.empty() && now > heap.front().first) {
        priority_[v] = now;
        heap_push(heap, now, v);
        continue;
      }
      rank[v] = next_rank++;
      up[v] = out_[v];
      for (const Arc& a : in_[v]) down[v].push_back(a);
      shortcuts += contract(v, false);
      // Remove v from the remaining graph and update its neighbours.
      neighbours.clear();
      for (const Arc& a : out_[v]) neighbours.push_back(a.to);
      for (const Arc& a : in_[v]) neighbours.push_back(a.to);
      std::sort(neighbours.begin(), neighbours.end());
      neighbours.erase(std::unique(neighbours.begin(), neighbours.end()), neighbours.end());
      for (const Arc& a : out_[v]) erase_arc(in_[a.to], v);
      for (const Arc& a : in_[v]) erase_arc(out_[a.to], v);
      contracted_[v] = true;
      out_[v].clear();
      out_[v].shrink_to_fit();
      in_[v].clear();
      in_[v].shrink_to_fit();
      for (std::uint32_t u : neighbours) {
        ++contracted_neighbours_[u];
        level_[u] = std::max(level_[u], level_[v] + 1);
        priority_[u] = priority(u);
        heap_push(heap, priority_[u], u);
      }
    }
  }

 private:
  static constexpr std::size_t SIMULATE_SETTLE_LIMIT = 40;
  static constexpr std::size_t CONTRACT_SETTLE_LIMIT = 400;
  static constexpr double EDGE_DIFFERENCE_WEIGHT = 4.0;
  static constexpr double LEVEL_WEIGHT = 1.0;

  static void erase_arc(std::vector<Arc>& arcs, std::uint32_t to) {
    arcs.erase(std::remove_if(arcs.begin(), arcs.end(), [&](const Arc& a) { return a.to == to; }), arcs.end());
  }
  static void set_min(std::vector<Arc>& arcs, std::uint32_t to, double t) {
    for (Arc& a : arcs)
      if (a.to == to) {
        a.time_s = std::min(a.time_s, t);
        return;
      }
    arcs.push_back({to, t});
  }
  void add_arc(std::uint32_t from, std::uint32_t to, double t) {
    set_min(out_[from], to, t);
    set_min(in_[to], from, t);
  }

  double priority(std::uint32_t v) {
    auto added = static_cast<double>(contract(v, true));
    double removed = static_cast<double>(out_[v].size() + in_[v].size());
    return EDGE_DIFFERENCE_WEIGHT * (added - removed) + static_cast<double>(contracted_neighbours_[v]) +
           LEVEL_WEIGHT * static_cast<double>(level_[v]);
  }

  /// Dijkstra from `source` in the remaining graph without `skip`, up to `limit` settled vertices or `max_s`.
  void witness_search(std::uint32_t source, std::uint32_t skip, double max_s, std::size_t limit) {
    for (std::uint32_t t : touched_) dist_[t] = INF;
    touched_.clear();
    heap_.clear();
    dist_[source] = 0.0;
    touched_.push_back(source);
    heap_push(heap_, 0.0, source);
    std::size_t settled = 0;
    while (!heap_.empty()) {
      auto [d, u] = heap_pop(heap_);
      if (d > dist_[u]) continue;
      if (d > max_s || ++settled > limit) break;
      for (const Arc& a : out_[u]) {
        if (a.to == skip) continue;
        double nd = d + a.time_s;
        if (nd < dist_[a.to]) {
          if (dist_[a.to] == INF) touched_.push_back(a.to);
          dist_[a.to] = nd;
          heap_push(heap_, nd, a.to);
        }
      }
    }
  }

  /// The shortcuts contracting v needs; added to the remaining graph unless simulating.
  std::size_t contract(std::uint32_t v, bool simulate) {
    std::size_t count = 0;
    double max_out = 0.0;
    for (const Arc& b : out_[v]) max_out = std::max(max_out, b.time_s);
    pending_.clear();
    for (const Arc& a : in_[v]) {
      witness_search(a.to, v, a.time_s + max_out, simulate ? SIMULATE_SETTLE_LIMIT : CONTRACT_SETTLE_LIMIT);
      for (const Arc& b : out_[v]) {
        if (b.to == a.to) continue;
        double via = a.time_s + b.time_s;
        if (dist_[b.to] <= via) continue;  // a witness path is as fast
        ++count;
        if (!simulate) pending_.push_back({a.to, b.to, via});
      }
    }
    for (const Shortcut& s : pending_) add_arc(s.from, s.to, s.time_s);
    return count;
  }

  struct Shortcut {
    std::uint32_t from, to;
    double time_s;
  };
  std::uint32_t n_;
  std::vector<std::vector<Arc>> out_, in_;
  std::vector<double> dist_;
  std::vector<std::uint32_t> touched_;
  std::vector<HeapItem> heap_;
  std::vector<bool> contracted_;
  std::vector<std::uint32_t> contracted_neighbours_;
  std::vector<std::uint32_t> level_;  // 1 + the highest level of a contracted neighbour
  std::vector<double> priority_;
  std::vector<Shortcut> pending_;
};

/// Flattens per-vertex arcs into CSR arrays.
void to_csr(const std::vector<std::vector<Contractor::Arc>>& arcs, std::vector<std::uint32_t>& offsets,
            std::vector<std::uint32_t>& targets, std::vector<double>& times) {
  offsets.assign(arcs.size() + 1, 0);
  for (std::size_t v = 0; v < arcs.size(); ++v)
    offsets[v + 1] = offsets[v] + static_cast<std::uint32_t>(arcs[v].size());
  targets.clear();
  times.clear();
  targets.reserve(offsets.back());
  times.reserve(offsets.back());
  for (const auto& list : arcs)
    for (const Contractor::Arc& a : list) {
      targets.push_back(a.to);
      times.push_back(a.time_s);
    }
}

}  // namespace

struct StreetRouter::BoostGraphs {
  Csr forward, backward;
};

// ---------------------------------------------------------------------------------------------------------
// StreetRouter

StreetRouter::StreetRouter(const StreetGraph& graph) : graph_(&graph) {
  boost_ = std::make_shared<const BoostGraphs>(BoostGraphs{make_csr(graph, false), make_csr(graph, true)});
  std::vector<std::vector<Contractor::Arc>> up, down;
  {
    Contractor contractor(graph);
    contractor.run(rank_, up, down, shortcuts_);
  }
  to_csr(up, up_offsets_, up_targets_, up_time_s_);
  to_csr(down, down_offsets_, down_targets_, down_time_s_);
}

std::size_t StreetRouter::shortcut_count() const { return shortcuts_; }

// ---------------------------------------------------------------------------------------------------------
// TravelTimes

TravelTimes::TravelTimes(const StreetRouter& router, std::size_t cached_trees)
    : router_(&router),
      capacity_(std::max<std::size_t>(cached_trees, 1)),
      forward_s_(router.graph().vertex_count(), INF),
      backward_s_(router.graph().vertex_count(), INF) {}

double TravelTimes::query(const std::vector<std::pair<std::uint32_t, double>>& sources,
                          const std::vector<std::pair<std::uint32_t, double>>& targets) {
  const StreetRouter& r = *router_;
  for (std::uint32_t v : touched_forward_) forward_s_[v] = INF;
  for (std::uint32_t v : touched_backward_) backward_s_[v] = INF;
  touched_forward_.clear();
  touched_backward_.clear();
  heap_forward_.clear();
  heap_backward_.clear();
  auto seed = [](std::vector<double>& dist, std::vector<std::uint32_t>& touched, std::vector<HeapItem>& heap,
                 std::uint32_t v, double t) {
    if (t >= dist[v]) return;
    if (dist[v] == INF) touched.push_back(v);
    dist[v] = t;
    heap_push(heap, t, v);
  };
  for (auto [v, t] : sources) seed(forward_s_, touched_forward_, heap_forward_, v, t);
  for (auto [v, t] : targets) seed(backward_s_, touched_backward_, heap_backward_, v, t);

  // Alternate the two upward searches by smallest key; each stops once its key reaches the best meeting.
  double best = INF;
  while (true) {
    double top_f = heap_forward_.empty() ? INF : heap_forward_.front().first;
    double top_b = heap_backward_.empty() ? INF : heap_backward_.front().first;
    if (std::min(top_f, top_b) >= best) break;
    bool forward = top_f <= top_b;
    std::vector<HeapItem>& heap = forward ? heap_forward_ : heap_backward_;
    std::vector<double>& dist = forward ? forward_s_ : backward_s_;
    const std::vector<double>& other = forward ? backward_s_ : forward_s_;
    std::vector<std::uint32_t>& touched = forward ? touched_forward_ : touched_backward_;
    const std::vector<std::uint32_t>& offsets = forward ? r.up_offsets_ : r.down_offsets_;
    const std::vector<std::uint32_t>& arc_to = forward ? r.up_targets_ : r.down_targets_;
    const std::vector<double>& arc_s = forward ? r.up_time_s_ : r.down_time_s_;

    auto [d, u] = heap_pop(heap);
    if (d > dist[u]) continue;
    if (other[u] < INF) best = std::min(best, d + other[u]);
    // Stall on demand: a higher vertex already reached leads to u faster, so u is not on a shortest up-path.
    const std::vector<std::uint32_t>& in_offsets = forward ? r.down_offsets_ : r.up_offsets_;
    const std::vector<std::uint32_t>& in_from = forward ? r.down_targets_ : r.up_targets_;
    const std::vector<double>& in_s = forward ? r.down_time_s_ : r.up_time_s_;
    bool stalled = false;
    for (std::uint32_t i = in_offsets[u]; i < in_offsets[u + 1] && !stalled; ++i)
      stalled = dist[in_from[i]] + in_s[i] < d;
    if (stalled) continue;
    for (std::uint32_t i = offsets[u]; i < offsets[u + 1]; ++i) {
      std::uint32_t w = arc_to[i];
      double nd = d + arc_s[i];
      if (nd < dist[w]) {
        if (dist[w] == INF) touched.push_back(w);
        dist[w] = nd;
        heap_push(heap, nd, w);
      }
    }
  }
  return best;
}

double TravelTimes::between(std::uint32_t from, std::uint32_t to) {
  std::size_t n = router_->graph().vertex_count();
  if (from >= n || to >= n) throw std::out_of_range("TravelTimes::between: no such vertex");
  if (from == to) return 0.0;
  return query({{from, 0.0}}, {{to, 0.0}});
}

double TravelTimes::between(const StreetLocation& from, const StreetLocation& to) {
  const StreetGraph& g = router_->graph();
  if (from.edge >= g.edge_count() || to.edge >= g.edge_count())
    throw std::out_of_range("TravelTimes::between: a location is not on a street (snap it first)");
  const StreetEdge& a = g.edges()[from.edge];
  const StreetEdge& b = g.edges()[to.edge];
  auto share = [](const StreetEdge& e, double offset_m) {
    return e.length_m > 0.0 ? std::clamp(offset_m / e.length_m, 0.0, 1.0) : 0.0;
  };
  double fa = share(a, from.offset_m), fb = share(b, to.offset_m);

  // Along one street without passing a vertex: the same edge ahead, or its reverse.
  double direct = UNREACHABLE;
  auto along = [&](std::uint32_t edge, double start, double end) {
    const StreetEdge& e = g.edges()[edge];
    if (end >= start) direct = std::min(direct, (end - start) * e.time_s);
  };
  if (from.edge == to.edge) {
    along(from.edge, fa, fb);
    if (a.reverse != StreetEdge::NO_EDGE) along(a.reverse, 1.0 - fa, 1.0 - fb);
  } else if (a.reverse == to.edge) {
    along(from.edge, fa, 1.0 - fb);
    along(to.edge, 1.0 - fa, fb);
  }

  // Through the network: leave by either end the street may be driven to, arrive by either end. A location
  // at an end of a one-way street is at that vertex, and leaves or is reached from it directly.
  std::vector<std::pair<std::uint32_t, double>> sources = {{a.to, (1.0 - fa) * a.time_s}};
  if (a.reverse != StreetEdge::NO_EDGE) sources.emplace_back(a.from, fa * g.edges()[a.reverse].time_s);
  else if (fa == 0.0) sources.emplace_back(a.from, 0.0);
  std::vector<std::pair<std::uint32_t, double>> targets = {{b.from, fb * b.time_s}};
  if (b.reverse != StreetEdge::NO_EDGE) targets.emplace_back(b.to, (1.0 - fb) * g.edges()[b.reverse].time_s);
  else if (fb == 1.0) targets.emplace_back(b.to, 0.0);
  return std::min(direct, query(sources, targets));
}

double TravelTimes::share_within(const std::vector<std::pair<StreetLocation, double>>& sources, double limit_s) {
  const StreetGraph& g = router_->graph();
  if (vertex_length_m_.empty()) {
    // Each street's length split between its two ends, a two-way street once.
    vertex_length_m_.assign(g.vertex_count(), 0.0);
    for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
      const StreetEdge& edge = g.edges()[e];
      if (edge.reverse != StreetEdge::NO_EDGE && edge.reverse < e) continue;
      vertex_length_m_[edge.from] += edge.length_m / 2.0;
      vertex_length_m_[edge.to] += edge.length_m / 2.0;
      total_length_m_ += edge.length_m;
    }
  }
  if (total_length_m_ <= 0.0) return 0.0;
  // Multi-source Dijkstra on the forward graph, with the forward search's scratch.
  std::vector<double>& best = forward_s_;
  for (std::uint32_t v : touched_forward_) best[v] = INF;
  touched_forward_.clear();
  std::vector<HeapItem>& heap = heap_forward_;
  heap.clear();
  auto push = [&](std::uint32_t v, double t) {
    if (t > limit_s || t >= best[v]) return;
    if (best[v] == INF) touched_forward_.push_back(v);
    best[v] = t;
    heap_push(heap, t, v);
  };
  for (const auto& [loc, delay] : sources) {
    if (loc.edge >= g.edge_count()) continue;
    const StreetEdge& e = g.edges()[loc.edge];
    double f = e.length_m > 0.0 ? std::clamp(loc.offset_m / e.length_m, 0.0, 1.0) : 0.0;
    push(e.to, delay + (1.0 - f) * e.time_s);
    if (e.reverse != StreetEdge::NO_EDGE) push(e.from, delay + f * g.edges()[e.reverse].time_s);
    else if (f == 0.0) push(e.from, delay);
  }
  while (!heap.empty()) {
    auto [t, v] = heap_pop(heap);
    if (t > best[v]) continue;
    for (std::uint32_t k = g.out_begin(v); k < g.out_begin(v + 1); ++k) {
      const StreetEdge& e = g.edges()[g.out_edges()[k]];
      push(e.to, t + e.time_s);
    }
  }
  double reached = 0.0;
  for (std::uint32_t v : touched_forward_) reached += vertex_length_m_[v];
  return reached / total_length_m_;
}

const TravelTimes::Tree& TravelTimes::tree(std::uint32_t root, bool reversed) {
  if (root >= router_->graph().vertex_count()) throw std::out_of_range("TravelTimes: no such vertex");
  for (auto it = trees_.begin(); it != trees_.end(); ++it)
    if (it->root == root && it->reversed == reversed) {
      trees_.splice(trees_.begin(), trees_, it);
      return trees_.front();
    }
  // Boost's Dijkstra on the graph or its reverse.
  const Csr& g = reversed ? router_->boost_->backward : router_->boost_->forward;
  std::size_t n = router_->graph().vertex_count();
  Tree t{root, reversed, std::vector<double>(n, INF), std::vector<std::uint32_t>(n, 0)};
  boost::dijkstra_shortest_paths(
      g, root,
      boost::predecessor_map(boost::make_iterator_property_map(t.parent.begin(), boost::get(boost::vertex_index, g)))
          .distance_map(boost::make_iterator_property_map(t.time_s.begin(), boost::get(boost::vertex_index, g)))
          .weight_map(boost::get(&EdgeTime::time_s, g))
          .distance_inf(INF));
  trees_.push_front(std::move(t));
  while (trees_.size() > capacity_) trees_.pop_back();
  return trees_.front();
}

const std::vector<double>& TravelTimes::from_origin(std::uint32_t origin) { return tree(origin, false).time_s; }

const std::vector<double>& TravelTimes::to_destination(std::uint32_t destination) {
  return tree(destination, true).time_s;
}

const std::vector<std::uint32_t>& TravelTimes::successors_toward(std::uint32_t destination) {
  return tree(destination, true).parent;
}

Route TravelTimes::route(std::uint32_t from, std::uint32_t to) {
  const Tree& t = tree(from, false);
  Route r;
  if (to >= t.time_s.size() || t.time_s[to] == INF) return r;
  for (std::uint32_t v = to;; v = t.parent[v]) {
    r.vertices.push_back(v);
    if (v == from) break;
    CITYTWIN_CHECK(r.vertices.size() <= t.time_s.size(), "a shortest-path tree has no cycle");
  }
  std::reverse(r.vertices.begin(), r.vertices.end());
  for (std::uint32_t v : r.vertices) r.time_s.push_back(t.time_s[v]);
  return r;
}

}  // namespace citytwin::models
