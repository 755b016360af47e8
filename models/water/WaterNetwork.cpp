// Lookups of a pipe network's nodes and links by id.
#include "models/water/WaterNetwork.hpp"

namespace citytwin::models::water {

int WaterNetwork::node(const std::string& id) const {
  auto it = node_index.find(id);
  return it == node_index.end() ? -1 : it->second;
}

int WaterNetwork::link(const std::string& id) const {
  auto it = link_index.find(id);
  return it == link_index.end() ? -1 : it->second;
}

}  // namespace citytwin::models::water
