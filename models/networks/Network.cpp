// A network's constant part: link budgets, spreading factors, cellular coverage and mesh routes, once per seed.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "models/networks/Network.hpp"
#include "sim/Check.hpp"
#include "sim/RandomStream.hpp"

namespace citytwin::models {

namespace {

// Streams of the constant layout use a replication index no replication has.
constexpr std::uint32_t LAYOUT_REPLICATION = 0xFFFFFFFFu;

double distance_m(const sim::Point& a, const sim::Point& b) { return std::hypot(a.x_m - b.x_m, a.y_m - b.y_m); }

}  // namespace

Network::Network(NetworkParams params, std::vector<sim::Point> devices, std::uint64_t seed)
    : params_(std::move(params)), devices_(std::move(devices)) {
  const std::size_t n = devices_.size();
  const std::size_t g_count = params_.gateways.size();
  if (n > std::numeric_limits<std::uint32_t>::max() / 2)
    throw std::invalid_argument("Network: " + std::to_string(n) + " devices is too many; at most 2^31");
  covered_.assign(n, 1);
  sf_.assign(n, 0);
  hops_.assign(n, 0);

  switch (params_.kind) {
    case NetworkKind::GENERIC:
    case NetworkKind::WIRED:
      break;

    case NetworkKind::CELLULAR:
      // Coverage where each device is installed: one draw per device and seed.
      for (std::uint32_t d = 0; d < n; ++d) {
        sim::RandomStream rng(seed, LAYOUT_REPLICATION, d, "cellular_coverage");
        covered_[d] = rng.bernoulli(params_.coverage_probability) ? 1 : 0;
      }
      break;

    case NetworkKind::LORAWAN: {
      // Link budget to every gateway, with shadowing drawn once per link; then the spreading factor that
      // closes the link to the best gateway.
      rx_dbm_.resize(n * g_count);
      const PathLoss& pl = params_.path_loss;
      for (std::uint32_t d = 0; d < n; ++d) {
        sim::RandomStream rng(seed, LAYOUT_REPLICATION, d, "shadowing");
        double best = -std::numeric_limits<double>::infinity();
        for (std::size_t g = 0; g < g_count; ++g) {
          const double shadowing = pl.shadowing_sigma_db > 0.0 ? rng.normal(0.0, pl.shadowing_sigma_db) : 0.0;
          const double rx = params_.tx_power_dbm + params_.antenna_gain_db - params_.penetration_loss_db -
                            pl.mean_db(distance_m(devices_[d], params_.gateways[g])) - shadowing;
          rx_dbm_[d * g_count + g] = static_cast<float>(rx);
          best = std::max(best, rx);
        }
        int sf = params_.fixed_spreading_factor;
        if (sf == 0) {
          sf = params_.max_spreading_factor;
          for (int s = 7; s <= params_.max_spreading_factor; ++s)
            if (best >= lora_sensitivity_dbm(s, params_.bandwidth_hz) + params_.link_margin_db) {
              sf = s;
              break;
            }
        }
        const bool in_range = best >= lora_sensitivity_dbm(sf, params_.bandwidth_hz);
        covered_[d] = in_range ? 1 : 0;
        sf_[d] = in_range ? static_cast<std::uint8_t>(sf) : 0;
      }
      break;
    }

    case NetworkKind::MESH: {
      // The radio graph: a link where the mean received power reaches the mesh sensitivity. Device pairs
      // use the device height at both ends; device-gateway pairs use the gateway height.
      PathLoss between_devices = params_.path_loss;
      between_devices.gateway_height_m = params_.path_loss.device_height_m;
      const double budget_db = params_.tx_power_dbm + params_.antenna_gain_db - params_.mesh_sensitivity_dbm;
      const double device_range = between_devices.range_m(budget_db);
      const double gateway_range = params_.path_loss.range_m(budget_db);
      auto linked = [&](const PathLoss& pl, double d) { return pl.mean_db(d) <= budget_db; };

      // Devices in a grid of cells one device range wide, to find neighbours without comparing all pairs.
      const double cell = std::max(device_range, 1.0);
      auto key = [cell](const sim::Point& p) {
        auto cx = static_cast<std::int64_t>(std::floor(p.x_m / cell));
        auto cy = static_cast<std::int64_t>(std::floor(p.y_m / cell));
        return std::pair<std::int64_t, std::int64_t>{cx, cy};
      };
      struct PairHash {
        std::size_t operator()(const std::pair<std::int64_t, std::int64_t>& k) const {
          return std::hash<std::int64_t>()(k.first * 73856093LL ^ k.second * 19349663LL);
        }
      };
      std::unordered_map<std::pair<std::int64_t, std::int64_t>, std::vector<std::uint32_t>, PairHash> grid;
      for (std::uint32_t d = 0; d < n; ++d) grid[key(devices_[d])].push_back(d);

      // Multi-source breadth-first search from the border routers, in index order; neighbours are visited
      // in increasing index, so among routes of equal hops the first found wins, deterministically.
      const auto sink_base = static_cast<std::uint32_t>(n);
      constexpr std::uint32_t UNSEEN = std::numeric_limits<std::uint32_t>::max();
      next_hop_.assign(n, UNSEEN);
      std::vector<std::uint32_t> level(n, 0), frontier, next_frontier, neighbours;
      for (std::uint32_t g = 0; g < g_count; ++g)
        for (std::uint32_t d = 0; d < n; ++d)
          if (next_hop_[d] == UNSEEN && distance_m(devices_[d], params_.gateways[g]) <= gateway_range &&
              linked(params_.path_loss, distance_m(devices_[d], params_.gateways[g]))) {
            next_hop_[d] = sink_base + g;
            level[d] = 1;
            frontier.push_back(d);
          }
      std::sort(frontier.begin(), frontier.end(), [&](std::uint32_t a, std::uint32_t b) {
        return next_hop_[a] != next_hop_[b] ? next_hop_[a] < next_hop_[b] : a < b;
      });
      while (!frontier.empty()) {
        next_frontier.clear();
        for (std::uint32_t u : frontier) {
          neighbours.clear();
          const auto [cx, cy] = key(devices_[u]);
          for (std::int64_t dx = -1; dx <= 1; ++dx)
            for (std::int64_t dy = -1; dy <= 1; ++dy) {
              auto it = grid.find({cx + dx, cy + dy});
              if (it == grid.end()) continue;
              for (std::uint32_t v : it->second)
                if (next_hop_[v] == UNSEEN && linked(between_devices, distance_m(devices_[u], devices_[v])))
                  neighbours.push_back(v);
            }
          std::sort(neighbours.begin(), neighbours.end());
          for (std::uint32_t v : neighbours) {
            if (next_hop_[v] != UNSEEN) continue;
            next_hop_[v] = u;
            level[v] = level[u] + 1;
            next_frontier.push_back(v);
          }
        }
        frontier.swap(next_frontier);
      }
      // Routes longer than a message can count (255 hops) count as unrouted.
      for (std::uint32_t d = 0; d < n; ++d) {
        const bool routed = next_hop_[d] != UNSEEN && level[d] <= 255;
        covered_[d] = routed ? 1 : 0;
        hops_[d] = routed ? static_cast<std::uint8_t>(level[d]) : 0;
      }
      break;
    }
  }
}

bool Network::covered(std::uint32_t device) const {
  CITYTWIN_CHECK(device < devices_.size(), "Network::covered(): device index out of range");
  return covered_[device] != 0;
}

int Network::spreading_factor(std::uint32_t device) const {
  CITYTWIN_CHECK(device < devices_.size(), "Network::spreading_factor(): device index out of range");
  return sf_[device];
}

double Network::rx_power_dbm(std::uint32_t device, std::uint32_t gateway) const {
  CITYTWIN_CHECK(device < devices_.size() && gateway < params_.gateways.size(),
                 "Network::rx_power_dbm(): device or gateway index out of range");
  if (rx_dbm_.empty()) return std::numeric_limits<double>::quiet_NaN();
  return rx_dbm_[device * params_.gateways.size() + gateway];
}

std::uint32_t Network::hops(std::uint32_t device) const {
  CITYTWIN_CHECK(device < devices_.size(), "Network::hops(): device index out of range");
  return hops_[device];
}

double Network::capex_eur() const { return gateway_count() * params_.gateway_cost_eur; }

double Network::opex_eur_per_year(double messages_per_year) const {
  return gateway_count() * params_.gateway_cost_per_year_eur +
         static_cast<double>(devices_.size()) * params_.cost_per_device_month_eur * 12.0 +
         messages_per_year * params_.cost_per_message_eur;
}

double Network::gateway_count() const {
  return params_.uses_gateways() ? static_cast<double>(params_.gateways.size()) : 0.0;
}

}  // namespace citytwin::models
