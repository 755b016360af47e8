// Tests of a network's constant part: spreading factors, coverage, mesh routes and costs.
#include <doctest/doctest.h>

#include <cmath>

#include "models/networks/Network.hpp"

using namespace citytwin;
using namespace citytwin::models;

namespace {
NetworkParams lorawan_params() {
  NetworkParams p;
  p.kind = NetworkKind::LORAWAN;
  p.gateways = {{0.0, 0.0}};
  p.path_loss.shadowing_sigma_db = 0.0;
  return p;
}
// A mesh where nodes link up to 158 m apart: free-space-like loss 40 + 20 log10(d), 14 dBm, -70 dBm needed.
NetworkParams mesh_params() {
  NetworkParams p;
  p.kind = NetworkKind::MESH;
  p.path_loss.d0_m = 1.0;
  p.path_loss.pl_d0_db = 40.0;
  p.path_loss.exponent = 2.0;
  p.mesh_sensitivity_dbm = -70.0;
  return p;
}
}  // namespace

TEST_CASE("each device gets the lowest spreading factor that closes its link with the margin") {
  NetworkParams p = lorawan_params();
  std::vector<sim::Point> devices;
  for (double d = 20.0; d < 800.0; d += 20.0) devices.push_back({d, 0.0});
  Network net(p, devices, 1);
  for (std::uint32_t i = 0; i < devices.size(); ++i) {
    CAPTURE(devices[i].x_m);
    const double rx = p.tx_power_dbm - p.path_loss.mean_db(devices[i].x_m);
    CHECK(net.rx_power_dbm(i, 0) == doctest::Approx(rx).epsilon(1e-6));
    int expected = 0;
    for (int sf = 7; sf <= 12 && expected == 0; ++sf)
      if (rx >= lora_sensitivity_dbm(sf, 125e3) + p.link_margin_db) expected = sf;
    // Without the margin at SF12 a device still tries SF12 as long as it is above sensitivity.
    if (expected == 0 && rx >= lora_sensitivity_dbm(12, 125e3)) expected = 12;
    CHECK(net.spreading_factor(i) == expected);
    CHECK(net.covered(i) == (expected != 0));
  }
  CHECK(net.spreading_factor(0) == 7);
  CHECK(!net.covered(static_cast<std::uint32_t>(devices.size() - 1)));
}

TEST_CASE("a lower highest spreading factor and a building's penetration loss shrink the coverage") {
  NetworkParams p = lorawan_params();
  std::vector<sim::Point> devices;
  for (double d = 20.0; d < 800.0; d += 20.0) devices.push_back({d, 0.0});
  NetworkParams us915 = p;
  us915.max_spreading_factor = 10;
  NetworkParams indoor = p;
  indoor.penetration_loss_db = 15.0;
  Network open(p, devices, 1), capped(us915, devices, 1), walls(indoor, devices, 1);
  std::size_t covered_open = 0, covered_capped = 0, covered_walls = 0;
  for (std::uint32_t i = 0; i < devices.size(); ++i) {
    CAPTURE(devices[i].x_m);
    CHECK(capped.spreading_factor(i) <= 10);
    CHECK(walls.rx_power_dbm(i, 0) == doctest::Approx(open.rx_power_dbm(i, 0) - 15.0).epsilon(1e-6));
    // Capped: covered exactly when SF10 sensitivity is reached.
    CHECK(capped.covered(i) == (open.rx_power_dbm(i, 0) >= lora_sensitivity_dbm(10, 125e3)));
    covered_open += open.covered(i);
    covered_capped += capped.covered(i);
    covered_walls += walls.covered(i);
  }
  CHECK(covered_capped < covered_open);
  CHECK(covered_walls < covered_open);
}

TEST_CASE("a fixed spreading factor is used by every device in range") {
  NetworkParams p = lorawan_params();
  p.fixed_spreading_factor = 10;
  Network net(p, {{30.0, 0.0}, {300.0, 0.0}, {5000.0, 0.0}}, 1);
  CHECK(net.spreading_factor(0) == 10);
  CHECK(net.spreading_factor(1) == 10);
  CHECK(net.spreading_factor(2) == 0);
}

TEST_CASE("shadowing is drawn once per link and seed") {
  NetworkParams p = lorawan_params();
  p.path_loss.shadowing_sigma_db = 6.0;
  p.gateways = {{0.0, 0.0}, {100.0, 0.0}};
  std::vector<sim::Point> devices(2000, sim::Point{50.0, 0.0});
  Network a(p, devices, 7), b(p, devices, 7), c(p, devices, 8);
  CHECK(a.rx_power_dbm(3, 1) == b.rx_power_dbm(3, 1));
  CHECK(a.rx_power_dbm(3, 1) != c.rx_power_dbm(3, 1));
  // The mean and spread of the received power across links match the model.
  double sum = 0, sum2 = 0;
  for (std::uint32_t d = 0; d < devices.size(); ++d) {
    double x = a.rx_power_dbm(d, 0) - (p.tx_power_dbm - p.path_loss.mean_db(50.0));
    sum += x;
    sum2 += x * x;
  }
  const double n = static_cast<double>(devices.size());
  CHECK(std::fabs(sum / n) < 4.0 * 6.0 / std::sqrt(n));
  CHECK(std::sqrt(sum2 / n) == doctest::Approx(6.0).epsilon(0.05));
}

TEST_CASE("mesh hop counts on a line are the distance to the border router in hops") {
  NetworkParams p = mesh_params();
  p.gateways = {{-100.0, 0.0}};
  std::vector<sim::Point> devices;
  for (int i = 0; i < 10; ++i) devices.push_back({100.0 * i, 0.0});
  devices.push_back({2000.0, 0.0});  // out of everyone's range
  Network net(p, devices, 1);
  for (std::uint32_t i = 0; i < 10; ++i) {
    CAPTURE(i);
    CHECK(net.hops(i) == i + 1);
    CHECK(net.covered(i));
  }
  CHECK(net.hops(10) == 0);
  CHECK(!net.covered(10));
}

TEST_CASE("mesh hop counts on a grid with diagonal links are Chebyshev distances, as breadth-first search finds") {
  // Nodes 100 m apart link to their eight neighbours (diagonals are 141 m, the next ring 200 m): the
  // shortest route from the router at grid position (-1, -1) to (i, j) has max(i, j) + 1 hops.
  NetworkParams p = mesh_params();
  p.gateways = {{-100.0, -100.0}, {1200.0, 1200.0}};  // the second is out of range of every device
  std::vector<sim::Point> devices;
  for (int i = 0; i < 10; ++i)
    for (int j = 0; j < 10; ++j) devices.push_back({100.0 * i, 100.0 * j});
  Network net(p, devices, 1);
  for (int i = 0; i < 10; ++i)
    for (int j = 0; j < 10; ++j) {
      CAPTURE(i);
      CAPTURE(j);
      CHECK(net.hops(static_cast<std::uint32_t>(i * 10 + j)) == static_cast<std::uint32_t>(std::max(i, j) + 1));
    }
}

TEST_CASE("mesh routes go to the nearest of several border routers") {
  NetworkParams p = mesh_params();
  p.gateways = {{-100.0, 0.0}, {1000.0, 0.0}};
  std::vector<sim::Point> devices;
  for (int i = 0; i < 10; ++i) devices.push_back({100.0 * i, 0.0});
  Network net(p, devices, 1);
  for (std::uint32_t i = 0; i < 10; ++i) CHECK(net.hops(i) == std::min(i + 1, 10 - i));
}

TEST_CASE("cellular coverage is drawn per device with the coverage probability") {
  NetworkParams p;
  p.kind = NetworkKind::CELLULAR;
  p.coverage_probability = 0.8;
  std::vector<sim::Point> devices(20000);
  Network net(p, devices, 3);
  double covered = 0;
  for (std::uint32_t d = 0; d < devices.size(); ++d) covered += net.covered(d) ? 1.0 : 0.0;
  const double n = static_cast<double>(devices.size());
  CHECK(std::fabs(covered / n - 0.8) < 4.0 * std::sqrt(0.8 * 0.2 / n));
}

TEST_CASE("costs add gateways, subscriptions and messages") {
  NetworkParams p = lorawan_params();
  p.gateways = {{0, 0}, {1000, 0}, {0, 1000}};
  p.gateway_cost_eur = 1200;
  p.gateway_cost_per_year_eur = 300;
  p.cost_per_device_month_eur = 0.5;
  p.cost_per_message_eur = 0.001;
  Network net(p, std::vector<sim::Point>(100), 1);
  CHECK(net.capex_eur() == 3600.0);
  CHECK(net.opex_eur_per_year(1e6) == doctest::Approx(900.0 + 100 * 0.5 * 12 + 1000.0));
  // A cellular network has no gateways of its own: those listed (for another option) cost nothing.
  p.kind = NetworkKind::CELLULAR;
  Network cellular(p, std::vector<sim::Point>(100), 1);
  CHECK(cellular.capex_eur() == 0.0);
  CHECK(cellular.opex_eur_per_year(1e6) == doctest::Approx(100 * 0.5 * 12 + 1000.0));
}
