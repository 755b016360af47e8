// The street graph of a town: drivable streets from OpenStreetMap or a synthetic generator, in a local metric frame.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/Params.hpp"
#include "sim/Registry.hpp"
#include "sim/Results.hpp"

namespace citytwin::models {

/// The classes of drivable OpenStreetMap ways (`highway=*`); `*_link` ways take the class they link.
enum class RoadClass : std::uint8_t {
  MOTORWAY,
  TRUNK,
  PRIMARY,
  SECONDARY,
  TERTIARY,
  UNCLASSIFIED,
  RESIDENTIAL,
  LIVING_STREET,
  SERVICE,
};
inline constexpr std::size_t ROAD_CLASS_COUNT = 9;

/// The OSM tag value of a class ("residential").
std::string_view road_class_name(RoadClass c);
/// The class of a `highway=*` value, or nothing when such ways are not drivable ("footway", "cycleway").
std::optional<RoadClass> road_class_from_highway(std::string_view highway);

/// How a street graph is built from its source.
struct StreetOptions {
  /// Free-flow speed per class in m/s, indexed by RoadClass (defaults: urban speeds, 80 km/h on motorways
  /// down to 10 km/h in living streets). An OSM `maxspeed` tag is not used: classes are overridable instead.
  std::array<double, ROAD_CLASS_COUNT> speed_m_per_s = {80 / 3.6, 60 / 3.6, 50 / 3.6, 40 / 3.6, 35 / 3.6,
                                                        30 / 3.6, 30 / 3.6, 10 / 3.6, 15 / 3.6};
  /// Keep only the largest strongly connected component, so every vertex can reach every other.
  bool keep_largest_component = true;
};

/// A geographic origin and the local frame around it: x east, y north, in metres.
///
/// Equirectangular on the WGS84 ellipsoid (meridional and prime-vertical radii at the origin): below
/// 0.5 m of error across a town of 10 km.
class LocalFrame {
 public:
  LocalFrame() = default;
  LocalFrame(double origin_lat_deg, double origin_lon_deg);
  sim::Point to_local(double lat_deg, double lon_deg) const;
  /// Latitude and longitude in degrees of a local point (of a purely local frame: y and x unchanged).
  std::array<double, 2> to_geo(sim::Point p) const;
  double origin_lat_deg() const { return lat0_; }
  double origin_lon_deg() const { return lon0_; }
  /// Whether the frame was set from a geographic source (an OSM file), rather than being purely local.
  bool geographic() const { return geographic_; }

 private:
  double lat0_ = 0.0, lon0_ = 0.0;
  double m_per_deg_lat_ = 1.0, m_per_deg_lon_ = 1.0;  // identity for a purely local frame
  bool geographic_ = false;
};

/// An intersection or dead end.
struct StreetVertex {
  sim::Point pos;            ///< local frame, metres
  std::int64_t osm_id = 0;   ///< the OSM node, 0 for a synthetic town
};

/// A directed street segment between two vertices, following the way's shape.
struct StreetEdge {
  std::uint32_t from = 0, to = 0;
  double length_m = 0.0;
  double time_s = 0.0;                ///< length / speed of its class
  RoadClass road_class = RoadClass::RESIDENTIAL;
  std::uint32_t shape_begin = 0;      ///< its polyline is `shape_points()[shape_begin, shape_end)`, from `from` to `to`
  std::uint32_t shape_end = 0;
  std::uint32_t reverse = NO_EDGE;    ///< the same street the other way (two-way streets), or NO_EDGE
  std::int64_t osm_way = 0;           ///< the OSM way, 0 for a synthetic town

  static constexpr std::uint32_t NO_EDGE = std::numeric_limits<std::uint32_t>::max();
};

/// A point on the street network: a position along a directed edge.
struct StreetLocation {
  std::uint32_t edge = StreetEdge::NO_EDGE;
  double offset_m = 0.0;      ///< distance from the edge's `from` vertex along its shape
  sim::Point point;           ///< the position itself
  double distance_m = 0.0;    ///< from the point that was snapped (0 when placed on the street)
};

/// Where something is: a point, and where it lies on the streets when the city has them.
struct Place {
  sim::Point point;
  StreetLocation street;  ///< `street.edge` is StreetEdge::NO_EDGE without streets
};

/// What building the graph kept and dropped, for the user to see.
struct StreetReport {
  std::string source;                 ///< file name, or "grid 20x15" ...
  std::size_t ways_read = 0;          ///< all ways in the file
  std::size_t drivable_ways = 0;      ///< ways kept by `highway` class
  std::size_t missing_nodes = 0;      ///< way nodes absent from the file (clipped extracts), skipped
  std::size_t dropped_vertices = 0;   ///< outside the largest strongly connected component
  std::size_t dropped_edges = 0;
  std::vector<std::string> warnings;  ///< one sentence each
};

/// A drivable street network. Vertices are intersections and dead ends; each edge keeps the shape of the
/// street between them. Immutable once built: shared read-only by every replication.
class StreetGraph {
 public:
  /// Reads an OpenStreetMap extract (`.osm`, `.osm.bz2`, `.osm.gz`, `.osm.pbf`) with libosmium. Keeps drivable ways,
  /// honours `oneway=yes|1|true|-1` (and implied one-way on roundabouts and motorways), projects to a local
  /// frame whose origin is the south-west corner of the data, so coordinates are non-negative. Throws
  /// sim::ScenarioError naming the file and what is wrong (missing, truncated, no drivable street).
  static StreetGraph from_osm(const std::string& path, const StreetOptions& options = {});

  /// A grid town: `columns` x `rows` intersections `block_m` apart, origin at (0, 0). Every
  /// `arterial_every`-th street (0: none; the first row and column are arterials) is SECONDARY, the rest
  /// RESIDENTIAL. Streets are two-way, except a share `one_way_fraction` of the blocks of residential
  /// streets, made one-way in a random direction drawn from `seed` (the largest strongly connected
  /// component is then kept as usual). Requires columns, rows >= 2.
  static StreetGraph grid(std::uint32_t columns, std::uint32_t rows, double block_m, const StreetOptions& options = {},
                          std::uint32_t arterial_every = 0, double one_way_fraction = 0.0, std::uint64_t seed = 1);
  /// A radial town: a centre, `rings` concentric rings `ring_spacing_m` apart, `spokes` radial avenues
  /// (SECONDARY) from the centre to the outer ring, rings RESIDENTIAL. Centred at (R, R) so coordinates are
  /// non-negative, R the outer radius. Ring streets follow the arc (a polyline with a point every 5 degrees
  /// at most). Requires rings >= 1 and spokes >= 3.
  static StreetGraph radial(std::uint32_t rings, std::uint32_t spokes, double ring_spacing_m,
                            const StreetOptions& options = {});

  std::size_t vertex_count() const { return vertices_.size(); }
  std::size_t edge_count() const { return edges_.size(); }
  const std::vector<StreetVertex>& vertices() const { return vertices_; }
  const std::vector<StreetEdge>& edges() const { return edges_; }
  const std::vector<sim::Point>& shape_points() const { return shape_; }
  /// Outgoing edges of vertex v: `edges()[out_edges()[k]]` for k in [out_begin(v), out_begin(v + 1)).
  std::uint32_t out_begin(std::uint32_t v) const { return out_offsets_[v]; }
  const std::vector<std::uint32_t>& out_edges() const { return out_edges_; }

  const LocalFrame& frame() const { return frame_; }
  const StreetReport& report() const { return report_; }
  /// Lower-left and upper-right corners of all shapes, metres.
  std::array<sim::Point, 2> bounds() const;
  /// The sum of edge lengths, counting a two-way street once per direction.
  double total_length_m() const;

  /// The nearest point of the street network (any edge's shape). On a two-way street the location is on
  /// one of its two edges; the other is `StreetEdge::reverse`, and routing considers both.
  StreetLocation snap(sim::Point p) const;
  /// The vertex nearest to `p` (straight line); the lowest index among equally near vertices.
  std::uint32_t nearest_vertex(sim::Point p) const;
  /// The point at `offset_m` along edge `e`'s shape.
  sim::Point point_on_edge(std::uint32_t e, double offset_m) const;
  /// The location at fraction `u` (in [0, 1)) of the length of the streets where people live, shop and call
  /// for help: every class but motorways and trunk roads (all classes if there are only those), a two-way
  /// street counted once. A uniform `u` gives a location uniform along those streets.
  StreetLocation location_along(double u) const;

 private:
  // Adds one street piece from vertex `from` to vertex `to` along `shape` (from the first point to the last):
  // an edge each way it may be driven, linked by `reverse` when both.
  void add_street(std::uint32_t from, std::uint32_t to, const std::vector<sim::Point>& shape, RoadClass road_class,
                  std::int64_t osm_way, bool forward, bool backward);
  // Keeps the largest strongly connected component, projects geographic coordinates (x = longitude,
  // y = latitude until then), computes lengths and times, the adjacency and the spatial index.
  void finish(const StreetOptions& options, bool geographic);
  void build_index();
  void build_along();
  // Visits index cells in rings of growing distance around `p`: `visit(cell)` returns the best distance
  // found so far, and the search stops once no unvisited cell can hold anything nearer.
  template <class Visit>
  void search_cells(sim::Point p, Visit&& visit) const;

  std::vector<StreetVertex> vertices_;
  std::vector<StreetEdge> edges_;
  std::vector<sim::Point> shape_;
  std::vector<std::uint32_t> out_offsets_;  // vertex_count() + 1
  std::vector<std::uint32_t> out_edges_;
  LocalFrame frame_;
  StreetReport report_;
  std::array<sim::Point, 2> bounds_{};
  // Spatial index for snapping: a uniform grid of square cells, each listing the shape segments and the
  // vertices that touch it (row-major cells, CSR lists).
  double cell_m_ = 1.0;
  sim::Point grid_origin_;
  std::uint32_t grid_columns_ = 1, grid_rows_ = 1;
  std::vector<std::uint32_t> cell_offsets_;
  std::vector<std::uint32_t> cell_segments_;  // global index of a segment's first shape point
  std::vector<std::uint32_t> segment_edge_;   // the edge of each shape point
  std::vector<std::uint32_t> vertex_cell_offsets_;
  std::vector<std::uint32_t> vertex_cells_;   // vertices by cell
  // For location_along: the edges counted and the cumulative length at the end of each.
  std::vector<std::uint32_t> along_edges_;
  std::vector<double> along_cumulative_m_;
};

/// The "streets" layout table: one row per straight piece of a street's shape (a two-way street once), with
/// its road class and whether it is one-way, for maps.
sim::EventTable street_table(const StreetGraph& graph);

/// The parameters of a scenario's `streets:` section: `source` (osm, grid or radial), `file`, the sizes of
/// synthetic towns and one `speed_<class>` per road class.
std::vector<sim::ParamSpec> street_param_specs();

/// Reads the `streets` scenario section into options (speeds per class); absent keys take their defaults.
StreetOptions street_options_from(const sim::Params& section);

/// Builds the street graph a `streets` section describes. `base_dir` is the directory of the scenario
/// file, against which a relative `file` is resolved. Throws sim::ScenarioError (see from_osm).
StreetGraph street_graph_from(const sim::Params& section, const std::string& base_dir);

}  // namespace citytwin::models
