// Lookups of a pipe network's nodes and links by id, its pipes, patterns and nominal demands.
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

std::vector<int> open_pipes(const WaterNetwork& net) {
  std::vector<int> pipes;
  for (int k = 0; k < static_cast<int>(net.links.size()); ++k) {
    const Link& l = net.links[k];
    if (is_pipe(l.kind) && l.status == LinkStatus::OPEN && l.length_m > 0.0) pipes.push_back(k);
  }
  return pipes;
}

double pattern_multiplier(const WaterNetwork& net, int pattern, std::int64_t period) {
  if (pattern < 0) return 1.0;
  const auto& m = net.patterns[pattern].multipliers;
  if (m.empty()) return 1.0;
  return m[static_cast<std::size_t>(period % static_cast<std::int64_t>(m.size()))];
}

double nominal_demand_m3s(const WaterNetwork& net, int node, std::int64_t period) {
  double sum = 0.0;
  for (const Demand& d : net.nodes[node].demands)
    sum += d.base_m3s * pattern_multiplier(net, d.pattern >= 0 ? d.pattern : net.options.default_pattern, period) *
           net.options.demand_multiplier;
  return sum;
}

}  // namespace citytwin::models::water
