// Street graphs from OpenStreetMap extracts or synthetic towns, reduced to their largest strongly connected component.
#include "models/streets/StreetGraph.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <sstream>

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/strong_components.hpp>

#include "models/streets/OsmReader.hpp"
#include "sim/Check.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Scenario.hpp"
#include "sim/Units.hpp"

namespace citytwin::models {

using sim::Json;
using sim::ParamType;
using sim::Point;

namespace {

constexpr std::array<std::string_view, ROAD_CLASS_COUNT> CLASS_NAMES = {
    "motorway", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential", "living_street", "service"};
constexpr std::array<int, ROAD_CLASS_COUNT> DEFAULT_SPEED_KM_PER_H = {80, 60, 50, 40, 35, 30, 30, 10, 15};
constexpr std::uint32_t NONE = std::numeric_limits<std::uint32_t>::max();

double distance(Point a, Point b) { return std::hypot(a.x_m - b.x_m, a.y_m - b.y_m); }

/// The nearest point to `p` on segment [a, b]: its parameter t in [0, 1] and squared distance.
struct Projection {
  double t = 0.0;
  double d2 = 0.0;
};
Projection project(Point p, Point a, Point b) {
  double dx = b.x_m - a.x_m, dy = b.y_m - a.y_m;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0.0 ? ((p.x_m - a.x_m) * dx + (p.y_m - a.y_m) * dy) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  double qx = a.x_m + t * dx - p.x_m, qy = a.y_m + t * dy - p.y_m;
  return {t, qx * qx + qy * qy};
}

std::string count_text(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Road classes and the local frame

std::string_view road_class_name(RoadClass c) { return CLASS_NAMES[static_cast<std::size_t>(c)]; }

std::optional<RoadClass> road_class_from_highway(std::string_view highway) {
  constexpr std::string_view LINK = "_link";
  bool link = highway.size() > LINK.size() && highway.substr(highway.size() - LINK.size()) == LINK;
  if (link) highway.remove_suffix(LINK.size());
  for (std::size_t c = 0; c < ROAD_CLASS_COUNT; ++c) {
    if (highway != CLASS_NAMES[c]) continue;
    auto road_class = static_cast<RoadClass>(c);
    if (link && road_class > RoadClass::TERTIARY) return std::nullopt;  // only the five main classes have links
    return road_class;
  }
  return std::nullopt;
}

LocalFrame::LocalFrame(double origin_lat_deg, double origin_lon_deg)
    : lat0_(origin_lat_deg), lon0_(origin_lon_deg), geographic_(true) {
  // Meridional (M) and prime-vertical (N) radii of curvature of the WGS84 ellipsoid at the origin.
  constexpr double A = 6378137.0, E2 = 6.69437999014e-3;
  constexpr double RAD = std::numbers::pi / 180.0;
  double s = std::sin(lat0_ * RAD);
  double w = 1.0 - E2 * s * s;
  double m = A * (1.0 - E2) / (w * std::sqrt(w));
  double n = A / std::sqrt(w);
  m_per_deg_lat_ = m * RAD;
  m_per_deg_lon_ = n * std::cos(lat0_ * RAD) * RAD;
}

Point LocalFrame::to_local(double lat_deg, double lon_deg) const {
  return {(lon_deg - lon0_) * m_per_deg_lon_, (lat_deg - lat0_) * m_per_deg_lat_};
}

std::array<double, 2> LocalFrame::to_geo(Point p) const {
  return {lat0_ + p.y_m / m_per_deg_lat_, lon0_ + p.x_m / m_per_deg_lon_};
}

// ---------------------------------------------------------------------------------------------------------
// Building

void StreetGraph::add_street(std::uint32_t from, std::uint32_t to, const std::vector<Point>& shape,
                             RoadClass road_class, std::int64_t osm_way, bool forward, bool backward) {
  CITYTWIN_CHECK(shape.size() >= 2, "a street piece needs two shape points");
  auto add_edge = [&](std::uint32_t a, std::uint32_t b, bool reversed) {
    StreetEdge e;
    e.from = a;
    e.to = b;
    e.road_class = road_class;
    e.osm_way = osm_way;
    e.shape_begin = static_cast<std::uint32_t>(shape_.size());
    if (reversed)
      shape_.insert(shape_.end(), shape.rbegin(), shape.rend());
    else
      shape_.insert(shape_.end(), shape.begin(), shape.end());
    e.shape_end = static_cast<std::uint32_t>(shape_.size());
    edges_.push_back(e);
    return static_cast<std::uint32_t>(edges_.size() - 1);
  };
  std::uint32_t f = forward ? add_edge(from, to, false) : NONE;
  std::uint32_t b = backward ? add_edge(to, from, true) : NONE;
  if (forward && backward) {
    edges_[f].reverse = b;
    edges_[b].reverse = f;
  }
}

void StreetGraph::finish(const StreetOptions& options, bool geographic) {
  for (std::size_t c = 0; c < ROAD_CLASS_COUNT; ++c)
    if (!(options.speed_m_per_s[c] > 0.0))
      throw sim::ScenarioError(report_.source + ": the speed of class " + std::string(CLASS_NAMES[c]) +
                               " is not positive; give every road class a speed above 0");

  // Keep the largest strongly connected component (Boost.Graph's Tarjan).
  std::size_t n = vertices_.size();
  std::vector<std::uint32_t> new_index(n);
  for (std::uint32_t v = 0; v < n; ++v) new_index[v] = v;
  if (options.keep_largest_component && n > 0) {
    using Csr = boost::compressed_sparse_row_graph<boost::directedS>;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
    pairs.reserve(edges_.size());
    for (const StreetEdge& e : edges_) pairs.emplace_back(e.from, e.to);
    Csr g(boost::edges_are_unsorted_multi_pass, pairs.begin(), pairs.end(), n);
    std::vector<std::uint32_t> component(n);
    std::uint32_t count = static_cast<std::uint32_t>(boost::strong_components(
        g, boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, g))));
    std::vector<std::size_t> size(count, 0);
    for (std::uint32_t c : component) ++size[c];
    auto largest = static_cast<std::uint32_t>(std::max_element(size.begin(), size.end()) - size.begin());
    std::uint32_t next = 0;
    for (std::uint32_t v = 0; v < n; ++v) new_index[v] = component[v] == largest ? next++ : NONE;
  }

  // Compact vertices, edges and shapes.
  std::vector<StreetVertex> vertices;
  vertices.reserve(n);
  for (std::uint32_t v = 0; v < n; ++v)
    if (new_index[v] != NONE) vertices.push_back(vertices_[v]);
  std::vector<std::uint32_t> new_edge(edges_.size(), NONE);
  std::vector<StreetEdge> edges;
  std::vector<Point> shape;
  edges.reserve(edges_.size());
  shape.reserve(shape_.size());
  for (std::uint32_t i = 0; i < edges_.size(); ++i) {
    StreetEdge e = edges_[i];
    if (new_index[e.from] == NONE || new_index[e.to] == NONE) continue;
    e.from = new_index[e.from];
    e.to = new_index[e.to];
    std::uint32_t begin = static_cast<std::uint32_t>(shape.size());
    shape.insert(shape.end(), shape_.begin() + e.shape_begin, shape_.begin() + e.shape_end);
    e.shape_begin = begin;
    e.shape_end = static_cast<std::uint32_t>(shape.size());
    new_edge[i] = static_cast<std::uint32_t>(edges.size());
    edges.push_back(e);
  }
  for (StreetEdge& e : edges)
    if (e.reverse != StreetEdge::NO_EDGE) e.reverse = new_edge[e.reverse];
  report_.dropped_vertices = n - vertices.size();
  report_.dropped_edges = edges_.size() - edges.size();
  vertices_ = std::move(vertices);
  edges_ = std::move(edges);
  shape_ = std::move(shape);
  if (vertices_.empty() || edges_.empty())
    throw sim::ScenarioError(report_.source + ": no drivable street is left; check that the map covers streets of "
                             "the classes motorway to service and that they connect");
  if (report_.dropped_vertices > 0)
    report_.warnings.push_back("Dropped " + count_text(report_.dropped_vertices, "intersection", "intersections") +
                               " and " + count_text(report_.dropped_edges, "street segment", "street segments") +
                               " outside the largest strongly connected component (streets that cannot be "
                               "driven both to and from the rest of the town).");

  // Project geographic coordinates (x longitude, y latitude) with the south-west corner as origin.
  if (geographic) {
    double lat0 = shape_[0].y_m, lon0 = shape_[0].x_m;
    for (const Point& p : shape_) {
      lat0 = std::min(lat0, p.y_m);
      lon0 = std::min(lon0, p.x_m);
    }
    frame_ = LocalFrame(lat0, lon0);
    for (Point& p : shape_) p = frame_.to_local(p.y_m, p.x_m);
    for (StreetVertex& v : vertices_) v.pos = frame_.to_local(v.pos.y_m, v.pos.x_m);
  }

  // Lengths along the shapes and free-flow times.
  for (StreetEdge& e : edges_) {
    double length = 0.0;
    for (std::uint32_t k = e.shape_begin + 1; k < e.shape_end; ++k) length += distance(shape_[k - 1], shape_[k]);
    e.length_m = length;
    e.time_s = length / options.speed_m_per_s[static_cast<std::size_t>(e.road_class)];
  }

  // Outgoing adjacency in CSR form, edges of a vertex in index order.
  out_offsets_.assign(vertices_.size() + 1, 0);
  for (const StreetEdge& e : edges_) ++out_offsets_[e.from + 1];
  for (std::size_t v = 0; v < vertices_.size(); ++v) out_offsets_[v + 1] += out_offsets_[v];
  out_edges_.assign(edges_.size(), 0);
  std::vector<std::uint32_t> fill(out_offsets_.begin(), out_offsets_.end() - 1);
  for (std::uint32_t i = 0; i < edges_.size(); ++i) out_edges_[fill[edges_[i].from]++] = i;

  build_index();
  build_along();
}

void StreetGraph::build_index() {
  // Bounds of all shapes.
  Point lo = shape_[0], hi = shape_[0];
  for (const Point& p : shape_) {
    lo = {std::min(lo.x_m, p.x_m), std::min(lo.y_m, p.y_m)};
    hi = {std::max(hi.x_m, p.x_m), std::max(hi.y_m, p.y_m)};
  }
  bounds_ = {lo, hi};

  // Segments of one edge per street (a two-way street's other edge is its reverse).
  segment_edge_.assign(shape_.size(), NONE);
  std::size_t segments = 0;
  for (std::uint32_t i = 0; i < edges_.size(); ++i) {
    const StreetEdge& e = edges_[i];
    if (e.reverse != StreetEdge::NO_EDGE && e.reverse < i) continue;
    for (std::uint32_t k = e.shape_begin; k + 1 < e.shape_end; ++k) segment_edge_[k] = i;
    segments += e.shape_end - e.shape_begin - 1;
  }

  // Square cells, about one segment per cell.
  double width = std::max(hi.x_m - lo.x_m, 1.0), height = std::max(hi.y_m - lo.y_m, 1.0);
  cell_m_ = std::max(std::sqrt(width * height / static_cast<double>(std::max<std::size_t>(segments, 1))), 1.0);
  grid_origin_ = lo;
  grid_columns_ = static_cast<std::uint32_t>(width / cell_m_) + 1;
  grid_rows_ = static_cast<std::uint32_t>(height / cell_m_) + 1;
  std::size_t cells = std::size_t{grid_columns_} * grid_rows_;
  auto column_of = [&](double x) {
    return static_cast<std::uint32_t>(std::clamp((x - grid_origin_.x_m) / cell_m_, 0.0, double(grid_columns_ - 1)));
  };
  auto row_of = [&](double y) {
    return static_cast<std::uint32_t>(std::clamp((y - grid_origin_.y_m) / cell_m_, 0.0, double(grid_rows_ - 1)));
  };

  // Segments by the cells their bounding box covers: count, then fill.
  auto for_each_cell = [&](auto&& f) {
    for (std::uint32_t k = 0; k + 1 < shape_.size(); ++k) {
      if (segment_edge_[k] == NONE) continue;
      const Point& a = shape_[k];
      const Point& b = shape_[k + 1];
      std::uint32_t c0 = column_of(std::min(a.x_m, b.x_m)), c1 = column_of(std::max(a.x_m, b.x_m));
      std::uint32_t r0 = row_of(std::min(a.y_m, b.y_m)), r1 = row_of(std::max(a.y_m, b.y_m));
      for (std::uint32_t r = r0; r <= r1; ++r)
        for (std::uint32_t c = c0; c <= c1; ++c) f(std::size_t{r} * grid_columns_ + c, k);
    }
  };
  cell_offsets_.assign(cells + 1, 0);
  for_each_cell([&](std::size_t cell, std::uint32_t) { ++cell_offsets_[cell + 1]; });
  for (std::size_t c = 0; c < cells; ++c) cell_offsets_[c + 1] += cell_offsets_[c];
  cell_segments_.assign(cell_offsets_.back(), 0);
  std::vector<std::uint32_t> fill(cell_offsets_.begin(), cell_offsets_.end() - 1);
  for_each_cell([&](std::size_t cell, std::uint32_t k) { cell_segments_[fill[cell]++] = k; });

  // Vertices by cell.
  vertex_cell_offsets_.assign(cells + 1, 0);
  auto vertex_cell = [&](const StreetVertex& v) {
    return std::size_t{row_of(v.pos.y_m)} * grid_columns_ + column_of(v.pos.x_m);
  };
  for (const StreetVertex& v : vertices_) ++vertex_cell_offsets_[vertex_cell(v) + 1];
  for (std::size_t c = 0; c < cells; ++c) vertex_cell_offsets_[c + 1] += vertex_cell_offsets_[c];
  vertex_cells_.assign(vertices_.size(), 0);
  fill.assign(vertex_cell_offsets_.begin(), vertex_cell_offsets_.end() - 1);
  for (std::uint32_t v = 0; v < vertices_.size(); ++v) vertex_cells_[fill[vertex_cell(vertices_[v])]++] = v;
}

template <class Visit>
void StreetGraph::search_cells(Point p, Visit&& visit) const {
  // The cell of p (clamped to the grid) and how far p lies outside it.
  auto clamp_index = [](double u, std::uint32_t n) {
    return static_cast<std::int64_t>(std::clamp(u, 0.0, double(n - 1)));
  };
  std::int64_t c0 = clamp_index((p.x_m - grid_origin_.x_m) / cell_m_, grid_columns_);
  std::int64_t r0 = clamp_index((p.y_m - grid_origin_.y_m) / cell_m_, grid_rows_);
  double cx0 = grid_origin_.x_m + double(c0) * cell_m_, cy0 = grid_origin_.y_m + double(r0) * cell_m_;
  double dx = std::max({cx0 - p.x_m, 0.0, p.x_m - (cx0 + cell_m_)});
  double dy = std::max({cy0 - p.y_m, 0.0, p.y_m - (cy0 + cell_m_)});
  double outside = std::hypot(dx, dy);
  std::int64_t max_ring = std::max<std::int64_t>(grid_columns_, grid_rows_);
  double best = std::numeric_limits<double>::infinity();
  auto visit_cell = [&](std::int64_t c, std::int64_t r) {
    if (c >= 0 && r >= 0 && c < grid_columns_ && r < grid_rows_)
      best = visit(static_cast<std::size_t>(r * grid_columns_ + c));
  };
  for (std::int64_t ring = 0; ring <= max_ring; ++ring) {
    if (ring == 0) {
      visit_cell(c0, r0);
    } else {
      for (std::int64_t c = c0 - ring; c <= c0 + ring; ++c) {
        visit_cell(c, r0 - ring);
        visit_cell(c, r0 + ring);
      }
      for (std::int64_t r = r0 - ring + 1; r <= r0 + ring - 1; ++r) {
        visit_cell(c0 - ring, r);
        visit_cell(c0 + ring, r);
      }
    }
    // Cells of the next ring are at least ring * cell_m_ - outside away from p.
    if (best <= double(ring) * cell_m_ - outside) return;
  }
}

StreetGraph StreetGraph::from_osm(const std::string& path, const StreetOptions& options) {
  OsmStreets osm = read_osm_streets(path);
  StreetGraph g;
  g.report_.source = path;
  g.report_.ways_read = osm.ways_read;
  g.report_.drivable_ways = osm.drivable_ways;
  g.report_.missing_nodes = osm.missing_nodes;
  if (osm.ways.empty())
    throw sim::ScenarioError(path + ": no drivable street (highway=motorway ... service, without access=no or "
                                    "private) in " + std::to_string(osm.ways_read) +
                             " ways; export an extract that covers the town's streets");
  if (osm.missing_nodes > 0)
    g.report_.warnings.push_back(count_text(osm.missing_nodes, "way node is", "way nodes are") +
                                 " missing from the file (a clipped extract); the streets were cut there.");

  // Vertices: ends of ways and nodes used more than once.
  std::vector<std::uint32_t> uses(osm.nodes.size(), 0);
  std::vector<std::uint32_t> vertex_of(osm.nodes.size(), NONE);
  for (const OsmWay& w : osm.ways) {
    for (std::uint32_t node : w.nodes) ++uses[node];
    uses[w.nodes.front()] += 2;
    uses[w.nodes.back()] += 2;
  }
  auto vertex = [&](std::uint32_t node) {
    if (vertex_of[node] == NONE) {
      vertex_of[node] = static_cast<std::uint32_t>(g.vertices_.size());
      g.vertices_.push_back({{osm.nodes[node].lon_deg, osm.nodes[node].lat_deg}, osm.nodes[node].id});
    }
    return vertex_of[node];
  };

  // Pieces between vertices, shapes in (longitude, latitude) until finish() projects them.
  std::vector<Point> shape;
  for (const OsmWay& w : osm.ways) {
    bool forward = w.direction != WayDirection::BACKWARD, backward = w.direction != WayDirection::FORWARD;
    std::size_t start = 0;
    shape.clear();
    for (std::size_t k = 0; k < w.nodes.size(); ++k) {
      const OsmNode& node = osm.nodes[w.nodes[k]];
      shape.push_back({node.lon_deg, node.lat_deg});
      if (k == 0 || uses[w.nodes[k]] < 2) continue;
      g.add_street(vertex(w.nodes[start]), vertex(w.nodes[k]), shape, w.road_class, w.id, forward, backward);
      start = k;
      shape.assign(1, shape.back());
    }
  }
  g.finish(options, true);
  return g;
}

StreetGraph StreetGraph::grid(std::uint32_t columns, std::uint32_t rows, double block_m, const StreetOptions& options,
                              std::uint32_t arterial_every, double one_way_fraction, std::uint64_t seed) {
  if (columns < 2 || rows < 2 || !(block_m > 0.0))
    throw sim::ScenarioError("streets: a grid town needs at least 2 columns and 2 rows and a positive block length");
  StreetGraph g;
  g.report_.source = "grid " + std::to_string(columns) + "x" + std::to_string(rows);
  g.vertices_.reserve(std::size_t{columns} * rows);
  for (std::uint32_t r = 0; r < rows; ++r)
    for (std::uint32_t c = 0; c < columns; ++c) g.vertices_.push_back({{c * block_m, r * block_m}, 0});
  auto id = [&](std::uint32_t c, std::uint32_t r) { return r * columns + c; };
  auto arterial = [&](std::uint32_t line) { return arterial_every > 0 && line % arterial_every == 0; };
  sim::RandomStream rng(seed, 0, 0, "one_way_streets");
  auto street = [&](std::uint32_t a, std::uint32_t b, bool is_arterial) {
    bool forward = true, backward = true;
    if (!is_arterial && one_way_fraction > 0.0 && rng.bernoulli(one_way_fraction))
      (rng.bernoulli(0.5) ? forward : backward) = false;
    g.add_street(a, b, {g.vertices_[a].pos, g.vertices_[b].pos},
                 is_arterial ? RoadClass::SECONDARY : RoadClass::RESIDENTIAL, 0, forward, backward);
  };
  for (std::uint32_t r = 0; r < rows; ++r)
    for (std::uint32_t c = 0; c + 1 < columns; ++c) street(id(c, r), id(c + 1, r), arterial(r));
  for (std::uint32_t c = 0; c < columns; ++c)
    for (std::uint32_t r = 0; r + 1 < rows; ++r) street(id(c, r), id(c, r + 1), arterial(c));
  g.finish(options, false);
  return g;
}

StreetGraph StreetGraph::radial(std::uint32_t rings, std::uint32_t spokes, double ring_spacing_m,
                                const StreetOptions& options) {
  if (rings < 1 || spokes < 3 || !(ring_spacing_m > 0.0))
    throw sim::ScenarioError("streets: a radial town needs at least 1 ring, 3 spokes and a positive ring spacing");
  StreetGraph g;
  g.report_.source = "radial " + std::to_string(rings) + " rings x " + std::to_string(spokes) + " spokes";
  double outer = rings * ring_spacing_m;
  Point centre{outer, outer};
  auto at = [&](double radius, double angle) {
    return Point{centre.x_m + radius * std::cos(angle), centre.y_m + radius * std::sin(angle)};
  };
  double step = 2.0 * std::numbers::pi / spokes;
  g.vertices_.push_back({centre, 0});
  for (std::uint32_t k = 1; k <= rings; ++k)
    for (std::uint32_t s = 0; s < spokes; ++s) g.vertices_.push_back({at(k * ring_spacing_m, s * step), 0});
  auto id = [&](std::uint32_t ring, std::uint32_t spoke) { return ring == 0 ? 0u : 1 + (ring - 1) * spokes + spoke; };
  // Spokes, ring by ring outwards.
  for (std::uint32_t s = 0; s < spokes; ++s)
    for (std::uint32_t k = 0; k < rings; ++k)
      g.add_street(id(k, s), id(k + 1, s), {g.vertices_[id(k, s)].pos, g.vertices_[id(k + 1, s)].pos},
                   RoadClass::SECONDARY, 0, true, true);
  // Ring arcs between neighbouring spokes, a shape point every 5 degrees at most.
  auto pieces = static_cast<std::uint32_t>(std::ceil(step / (5.0 * std::numbers::pi / 180.0) - 1e-9));
  std::vector<Point> arc;
  for (std::uint32_t k = 1; k <= rings; ++k)
    for (std::uint32_t s = 0; s < spokes; ++s) {
      arc.clear();
      for (std::uint32_t i = 0; i < pieces; ++i) arc.push_back(at(k * ring_spacing_m, (s + double(i) / pieces) * step));
      arc.push_back(g.vertices_[id(k, (s + 1) % spokes)].pos);
      g.add_street(id(k, s), id(k, (s + 1) % spokes), arc, RoadClass::RESIDENTIAL, 0, true, true);
    }
  g.finish(options, false);
  return g;
}

// ---------------------------------------------------------------------------------------------------------
// Queries

std::array<Point, 2> StreetGraph::bounds() const { return bounds_; }

void StreetGraph::build_along() {
  auto fast = [](RoadClass c) { return c == RoadClass::MOTORWAY || c == RoadClass::TRUNK; };
  bool only_fast = std::all_of(edges_.begin(), edges_.end(), [&](const StreetEdge& e) { return fast(e.road_class); });
  double total = 0.0;
  for (std::uint32_t e = 0; e < edges_.size(); ++e) {
    const StreetEdge& edge = edges_[e];
    if ((fast(edge.road_class) && !only_fast) || (edge.reverse != StreetEdge::NO_EDGE && edge.reverse < e)) continue;
    total += edge.length_m;
    along_edges_.push_back(e);
    along_cumulative_m_.push_back(total);
  }
}

StreetLocation StreetGraph::location_along(double u) const {
  CITYTWIN_CHECK(!along_edges_.empty(), "a street graph has at least one edge");
  double target = std::clamp(u, 0.0, 1.0) * along_cumulative_m_.back();
  auto it = std::upper_bound(along_cumulative_m_.begin(), along_cumulative_m_.end(), target);
  std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(it - along_cumulative_m_.begin()), along_edges_.size() - 1);
  std::uint32_t e = along_edges_[k];
  double start = k == 0 ? 0.0 : along_cumulative_m_[k - 1];
  double offset = std::clamp(target - start, 0.0, edges_[e].length_m);
  return {e, offset, point_on_edge(e, offset), 0.0};
}

double StreetGraph::total_length_m() const {
  double total = 0.0;
  for (const StreetEdge& e : edges_) total += e.length_m;
  return total;
}

StreetLocation StreetGraph::snap(Point p) const {
  double best_d2 = std::numeric_limits<double>::infinity();
  std::uint32_t best_k = NONE;
  double best_t = 0.0;
  search_cells(p, [&](std::size_t cell) {
    for (std::uint32_t i = cell_offsets_[cell]; i < cell_offsets_[cell + 1]; ++i) {
      std::uint32_t k = cell_segments_[i];
      Projection q = project(p, shape_[k], shape_[k + 1]);
      if (q.d2 < best_d2 || (q.d2 == best_d2 && k < best_k)) {
        best_d2 = q.d2;
        best_k = k;
        best_t = q.t;
      }
    }
    return std::sqrt(best_d2);
  });
  CITYTWIN_CHECK(best_k != NONE, "the spatial index holds every segment");
  StreetLocation loc;
  loc.edge = segment_edge_[best_k];
  const StreetEdge& e = edges_[loc.edge];
  double offset = 0.0;
  for (std::uint32_t k = e.shape_begin; k < best_k; ++k) offset += distance(shape_[k], shape_[k + 1]);
  offset += best_t * distance(shape_[best_k], shape_[best_k + 1]);
  loc.offset_m = std::min(offset, e.length_m);
  const Point& a = shape_[best_k];
  const Point& b = shape_[best_k + 1];
  loc.point = {a.x_m + best_t * (b.x_m - a.x_m), a.y_m + best_t * (b.y_m - a.y_m)};
  loc.distance_m = std::sqrt(best_d2);
  return loc;
}

std::uint32_t StreetGraph::nearest_vertex(Point p) const {
  double best_d2 = std::numeric_limits<double>::infinity();
  std::uint32_t best = NONE;
  search_cells(p, [&](std::size_t cell) {
    for (std::uint32_t i = vertex_cell_offsets_[cell]; i < vertex_cell_offsets_[cell + 1]; ++i) {
      std::uint32_t v = vertex_cells_[i];
      double dx = vertices_[v].pos.x_m - p.x_m, dy = vertices_[v].pos.y_m - p.y_m;
      double d2 = dx * dx + dy * dy;
      if (d2 < best_d2 || (d2 == best_d2 && v < best)) {
        best_d2 = d2;
        best = v;
      }
    }
    return std::sqrt(best_d2);
  });
  return best;
}

Point StreetGraph::point_on_edge(std::uint32_t e, double offset_m) const {
  const StreetEdge& edge = edges_.at(e);
  double left = std::max(offset_m, 0.0);
  for (std::uint32_t k = edge.shape_begin; k + 1 < edge.shape_end; ++k) {
    const Point& a = shape_[k];
    const Point& b = shape_[k + 1];
    double d = distance(a, b);
    if (left <= d && d > 0.0) {
      double t = left / d;
      return {a.x_m + t * (b.x_m - a.x_m), a.y_m + t * (b.y_m - a.y_m)};
    }
    left -= d;
  }
  return shape_[edge.shape_end - 1];
}

// ---------------------------------------------------------------------------------------------------------
// Scenario parameters

std::vector<sim::ParamSpec> street_param_specs() {
  using sim::choice;
  using sim::param;
  std::vector<sim::ParamSpec> specs = {
      choice("source", {"osm", "grid", "radial"}, "grid",
             "Where the streets come from: an OpenStreetMap extract or a synthetic grid or radial town."),
      param("file", ParamType::STRING, "", "",
            "The OpenStreetMap extract (.osm, .osm.bz2, .osm.pbf), relative to the scenario file (source osm)."),
      param("columns", ParamType::INTEGER, "", 20, "Intersections from west to east (source grid).").between(2, 1e5),
      param("rows", ParamType::INTEGER, "", 15, "Intersections from south to north (source grid).").between(2, 1e5),
      param("block", ParamType::DISTANCE, "m", "120m", "Distance between neighbouring intersections (source grid).")
          .between(1, 1e5),
      param("arterial_every", ParamType::INTEGER, "", 5,
            "Every n-th street of the grid is a secondary arterial, the rest residential; 0 for none.")
          .between(0, 1e5),
      param("one_way_fraction", ParamType::NUMBER, "", 0.0,
            "Share of residential grid blocks made one-way in a random direction (source grid).")
          .between(0, 1),
      param("rings", ParamType::INTEGER, "", 6, "Concentric ring streets (source radial).").between(1, 1e4),
      param("spokes", ParamType::INTEGER, "", 8, "Radial avenues from the centre (source radial).").between(3, 1e4),
      param("ring_spacing", ParamType::DISTANCE, "m", "250m", "Distance between rings (source radial).")
          .between(1, 1e5),
  };
  for (std::size_t c = 0; c < ROAD_CLASS_COUNT; ++c)
    specs.push_back(param("speed_" + std::string(CLASS_NAMES[c]), ParamType::SPEED, "m/s",
                          std::to_string(DEFAULT_SPEED_KM_PER_H[c]) + "km/h",
                          "Free-flow speed on " + std::string(CLASS_NAMES[c]) + " streets.")
                        .between(0.1, 100));
  return specs;
}

namespace {

/// The value of `key` in the section, or its default as the specs write it.
Json value_or_default(const sim::Params& section, const std::string& key, const std::vector<sim::ParamSpec>& specs,
                      Json (*read)(const sim::Params&, const std::string&)) {
  if (section.has(key)) return read(section, key);
  for (const sim::ParamSpec& s : specs)
    if (s.name == key) return s.default_value;
  CITYTWIN_CHECK(false, "every streets key has a spec");
  return {};
}

}  // namespace

StreetOptions street_options_from(const sim::Params& section) {
  StreetOptions options;
  for (std::size_t c = 0; c < ROAD_CLASS_COUNT; ++c) {
    std::string key = "speed_" + std::string(CLASS_NAMES[c]);
    if (section.has(key)) options.speed_m_per_s[c] = section.speed_m_per_s(key);
  }
  return options;
}

StreetGraph street_graph_from(const sim::Params& section, const std::string& base_dir) {
  const std::vector<sim::ParamSpec> specs = street_param_specs();
  auto read_string = [](const sim::Params& s, const std::string& k) { return Json(s.string(k)); };
  auto read_integer = [](const sim::Params& s, const std::string& k) { return Json(s.integer(k)); };
  auto read_number = [](const sim::Params& s, const std::string& k) { return Json(s.number(k)); };
  auto read_distance = [](const sim::Params& s, const std::string& k) { return Json(s.distance_m(k)); };
  auto text = [&](const std::string& k) { return value_or_default(section, k, specs, read_string).get<std::string>(); };
  auto whole = [&](const std::string& k) {
    std::int64_t v = value_or_default(section, k, specs, read_integer).get<std::int64_t>();
    if (v < 0 || v > std::numeric_limits<std::uint32_t>::max())
      throw sim::ScenarioError("at 'streets." + k + "': " + std::to_string(v) +
                               " is out of range; give a count from 0");
    return static_cast<std::uint32_t>(v);
  };
  auto metres = [&](const std::string& k) {
    return sim::units::distance_m(value_or_default(section, k, specs, read_distance));
  };
  StreetOptions options = street_options_from(section);
  std::string source = text("source");
  if (source == "osm") {
    std::string file = text("file");
    if (file.empty())
      throw sim::ScenarioError("at 'streets.file': missing; name the OpenStreetMap extract, e.g. "
                               "'file: maps/aguascalientes.osm.pbf'");
    std::filesystem::path path(file);
    if (path.is_relative() && !base_dir.empty()) path = std::filesystem::path(base_dir) / path;
    return StreetGraph::from_osm(path.lexically_normal().string(), options);
  }
  if (source == "grid")
    return StreetGraph::grid(whole("columns"), whole("rows"), metres("block"), options, whole("arterial_every"),
                             value_or_default(section, "one_way_fraction", specs, read_number).get<double>());
  if (source == "radial")
    return StreetGraph::radial(whole("rings"), whole("spokes"), metres("ring_spacing"), options);
  throw sim::ScenarioError("at 'streets.source': unknown source '" + source + "'; use osm, grid or radial");
}

sim::EventTable street_table(const StreetGraph& g) {
  using Col = sim::ColumnSpec;
  sim::EventTable streets("streets", "One row per straight piece of a street's shape; a two-way street appears once.",
                          {{"edge", Col::Type::INT64, "", "Edge index in the street graph."},
                           {"x0_m", Col::Type::FLOAT64, "m", "Start, east."},
                           {"y0_m", Col::Type::FLOAT64, "m", "Start, north."},
                           {"x1_m", Col::Type::FLOAT64, "m", "End, east."},
                           {"y1_m", Col::Type::FLOAT64, "m", "End, north."},
                           {"road_class", Col::Type::INT64, "",
                            "0 motorway, 1 trunk, 2 primary, 3 secondary, 4 tertiary, 5 unclassified, 6 residential, "
                            "7 living street, 8 service."},
                           {"one_way", Col::Type::INT64, "", "1 for a one-way street."}});
  const auto& shape = g.shape_points();
  for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
    const StreetEdge& edge = g.edges()[e];
    if (edge.reverse != StreetEdge::NO_EDGE && edge.reverse < e) continue;
    for (std::uint32_t k = edge.shape_begin; k + 1 < edge.shape_end; ++k)
      streets.append({static_cast<double>(e), shape[k].x_m, shape[k].y_m, shape[k + 1].x_m, shape[k + 1].y_m,
                      static_cast<double>(edge.road_class), edge.reverse == StreetEdge::NO_EDGE ? 1.0 : 0.0});
  }
  return streets;
}

}  // namespace citytwin::models
