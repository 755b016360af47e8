// Reads the drivable ways of an OpenStreetMap extract with libosmium.
#include "models/streets/OsmReader.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string_view>

#include <osmium/handler.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>

#include "sim/Scenario.hpp"

namespace citytwin::models {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool equals(const char* value, std::string_view expected) { return value != nullptr && expected == value; }

/// Collects every node location and the drivable ways with their raw node ids.
class CollectHandler : public osmium::handler::Handler {
 public:
  struct RawNode {
    std::int64_t id;
    double lat_deg, lon_deg;
  };
  struct RawWay {
    std::int64_t id;
    RoadClass road_class;
    WayDirection direction;
    std::size_t refs_begin, refs_end;
  };

  void node(const osmium::Node& node) {
    const osmium::Location& loc = node.location();
    if (!loc.valid()) return;  // a node without coordinates counts as missing
    nodes_.push_back({node.id(), loc.lat(), loc.lon()});
  }

  void way(const osmium::Way& way) {
    ++ways_read_;
    const osmium::TagList& tags = way.tags();
    const char* highway = tags.get_value_by_key("highway");
    if (highway == nullptr) return;
    std::optional<RoadClass> road_class = road_class_from_highway(highway);
    if (!road_class) return;
    const char* access = tags.get_value_by_key("access");
    if (equals(access, "no") || equals(access, "private")) return;
    if (equals(tags.get_value_by_key("area"), "yes")) return;
    RawWay raw{way.id(), *road_class,
               way_direction(tags.get_value_by_key("oneway"), tags.get_value_by_key("junction"), highway),
               refs_.size(), 0};
    for (const osmium::NodeRef& ref : way.nodes()) refs_.push_back(ref.ref());
    raw.refs_end = refs_.size();
    ways_.push_back(raw);
  }

  std::vector<RawNode> nodes_;
  std::vector<RawWay> ways_;
  std::vector<std::int64_t> refs_;
  std::size_t ways_read_ = 0;
};

/// Turns the raw collection into ways over the nodes they use: a way is cut where a node is missing from
/// the file (counted), so that a clipped way never jumps across the gap; repeated neighbours are merged and
/// pieces left with fewer than two nodes dropped.
OsmStreets resolve(CollectHandler& raw) {
  auto by_id = [](const CollectHandler::RawNode& a, const CollectHandler::RawNode& b) { return a.id < b.id; };
  if (!std::is_sorted(raw.nodes_.begin(), raw.nodes_.end(), by_id))
    std::stable_sort(raw.nodes_.begin(), raw.nodes_.end(), by_id);

  OsmStreets out;
  out.ways_read = raw.ways_read_;
  out.drivable_ways = raw.ways_.size();
  constexpr std::uint32_t UNUSED = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> used(raw.nodes_.size(), UNUSED);  // raw node index -> index in out.nodes
  for (const CollectHandler::RawWay& rw : raw.ways_) {
    OsmWay way{rw.id, rw.road_class, rw.direction, {}};
    auto close_piece = [&] {
      if (way.nodes.size() >= 2) out.ways.push_back(way);
      way.nodes.clear();
    };
    for (std::size_t k = rw.refs_begin; k < rw.refs_end; ++k) {
      std::int64_t id = raw.refs_[k];
      auto it = std::lower_bound(raw.nodes_.begin(), raw.nodes_.end(), CollectHandler::RawNode{id, 0, 0}, by_id);
      if (it == raw.nodes_.end() || it->id != id) {
        ++out.missing_nodes;
        close_piece();
        continue;
      }
      auto raw_index = static_cast<std::size_t>(it - raw.nodes_.begin());
      if (used[raw_index] == UNUSED) {
        used[raw_index] = static_cast<std::uint32_t>(out.nodes.size());
        out.nodes.push_back({it->id, it->lat_deg, it->lon_deg});
      }
      std::uint32_t node = used[raw_index];
      if (way.nodes.empty() || way.nodes.back() != node) way.nodes.push_back(node);
    }
    close_piece();
  }
  return out;
}

}  // namespace

WayDirection way_direction(const char* oneway, const char* junction, const char* highway) {
  if (oneway != nullptr) {
    std::string_view v = oneway;
    if (v == "yes" || v == "true" || v == "1") return WayDirection::FORWARD;
    if (v == "-1" || v == "reverse") return WayDirection::BACKWARD;
    if (v == "no" || v == "false" || v == "0") return WayDirection::BOTH;
  }
  if (equals(junction, "roundabout") || equals(highway, "motorway")) return WayDirection::FORWARD;
  return WayDirection::BOTH;
}

OsmStreets read_osm_streets(const std::string& path) {
  // Refuse what libosmium would misread before opening anything.
  if (!std::filesystem::exists(path))
    throw sim::ScenarioError(path + ": map file not found; check the path (relative to the scenario file)");
  if (std::filesystem::is_directory(path))
    throw sim::ScenarioError(path + ": is a directory, not a map file; name an .osm, .osm.bz2 or .osm.pbf file");
  if (!(ends_with(path, ".osm") || ends_with(path, ".osm.bz2") || ends_with(path, ".osm.gz") ||
        ends_with(path, ".osm.pbf") || ends_with(path, ".pbf")))
    throw sim::ScenarioError(path + ": unknown map format; use an OpenStreetMap extract ending in .osm, .osm.bz2, "
                                    ".osm.gz or .osm.pbf (convert others with 'osmium cat')");
  if (std::filesystem::file_size(path) == 0)
    throw sim::ScenarioError(path + ": the map file is empty; download or export the extract again");

  CollectHandler handler;
  try {
    osmium::io::File file{path};
    osmium::io::Reader reader{file, osmium::osm_entity_bits::node | osmium::osm_entity_bits::way,
                              osmium::io::read_meta::no};
    osmium::apply(reader, handler);
    reader.close();
  } catch (const std::exception& e) {
    throw sim::ScenarioError(path + ": cannot read the map, the file is truncated or corrupted (" + e.what() +
                             "); download or export the extract again, and check it with 'osmium fileinfo -e' "
                             "(Debian package osmium-tool)");
  }
  return resolve(handler);
}

}  // namespace citytwin::models
