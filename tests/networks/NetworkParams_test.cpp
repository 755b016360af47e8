// Tests of reading a network section: defaults, conversions, and the refusal of bad combinations.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "models/networks/Network.hpp"
#include "sim/Scenario.hpp"

using namespace citytwin;
using namespace citytwin::models;

namespace {
NetworkParams read(const char* json) {
  sim::Json section = sim::Json::parse(json);
  return NetworkParams::from_section(sim::Params(section, "network"));
}
std::string error_of(const char* json) {
  try {
    read(json);
  } catch (const sim::ScenarioError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("every parameter has a unit or none, a default and a description") {
  for (const sim::ParamSpec& p : NetworkParams::specs()) {
    CAPTURE(p.name);
    CHECK(!p.default_value.is_null());
    CHECK(!p.description.empty());
    if (p.name.find("cost") != std::string::npos) CHECK(p.unit == "EUR");
  }
}

TEST_CASE("an empty section is a generic link with the defaults an existing scenario relies on") {
  NetworkParams p = read("{}");
  CHECK(p.kind == NetworkKind::GENERIC);
  CHECK(p.loss_probability == 0.01);
  CHECK(p.delay.kind() == sim::Distribution::Kind::LOGNORMAL);
  CHECK(p.delay.mean_s() == doctest::Approx(2.0 * std::exp(0.6 * 0.6 / 2.0)));
}

TEST_CASE("a LoRaWAN section is read with units converted") {
  NetworkParams p = read(R"({"kind": "lorawan", "gateways": [["1km", "2km"], [500, 0]], "path_loss": "okumura_hata",
                             "gateway_height": "25m", "spreading_factor": 9, "confirmed": true,
                             "retry_backoff": "3s", "gateway_cost": 900})");
  CHECK(p.kind == NetworkKind::LORAWAN);
  REQUIRE(p.gateways.size() == 2);
  CHECK(p.gateways[0].x_m == 1000.0);
  CHECK(p.gateways[0].y_m == 2000.0);
  CHECK(p.path_loss.model == PathLoss::Model::OKUMURA_HATA);
  CHECK(p.path_loss.gateway_height_m == 25.0);
  CHECK(p.fixed_spreading_factor == 9);
  CHECK(p.confirmed);
  CHECK(p.retry_backoff.mean_s() == 3.0);
  CHECK(p.gateway_cost_eur == 900.0);
  CHECK(p.duty_cycle == 0.01);
}

TEST_CASE("a LoRaWAN or a mesh without gateways is refused with an example") {
  std::string e = error_of(R"({"kind": "lorawan"})");
  CHECK(e.find("at 'network.gateways'") != std::string::npos);
  CHECK(e.find("lorawan") != std::string::npos);
  CHECK(e.find("e.g. gateways: [[") != std::string::npos);
  CHECK(error_of(R"({"kind": "mesh"})").find("border router") != std::string::npos);
  CHECK(error_of(R"({"kind": "cellular"})") == "no error");
}

TEST_CASE("bad combinations are refused naming the key, the value and the fix") {
  std::string e = error_of(R"({"kind": "lorawan", "gateways": [[0, 0]], "spreading_factor": 5})");
  CHECK(e.find("spreading_factor") != std::string::npos);
  CHECK(e.find("got 5") != std::string::npos);
  CHECK(e.find("7-12") != std::string::npos);
  e = error_of(R"({"path_loss": "okumura_hata", "frequency_mhz": 2400})");
  CHECK(e.find("frequency_mhz") != std::string::npos);
  CHECK(e.find("log_distance") != std::string::npos);
  CHECK(error_of(R"({"bandwidth_hz": 100000})").find("125000, 250000 or 500000") != std::string::npos);
  CHECK(error_of(R"({"kind": "satellite"})").find("unknown network kind 'satellite'") != std::string::npos);
}
