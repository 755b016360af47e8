// Consumers' variation around their patterns, and background leakage.
#include "models/water/Consumers.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "models/water/InpReader.hpp"

using namespace citytwin::models::water;

TEST_CASE("demand factors are log-normal with mean 1, the asked variation and step-to-step correlation") {
  DemandNoise noise{0.2, 0.6};
  DemandFactors f(400, noise, 7, 0);
  const int steps = 500;
  double sum = 0.0, sum2 = 0.0, lag = 0.0, logs = 0.0, logs2 = 0.0;
  std::vector<double> previous;
  double n = 0, pairs = 0;
  for (int t = 0; t < steps; ++t) {
    const auto& v = f.next();
    for (std::size_t j = 0; j < v.size(); ++j) {
      sum += v[j];
      sum2 += v[j] * v[j];
      ++n;
      if (!previous.empty()) {
        lag += std::log(v[j]) * std::log(previous[j]);
        ++pairs;
      }
      logs += std::log(v[j]);
      logs2 += std::log(v[j]) * std::log(v[j]);
    }
    previous = v;
  }
  const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  CHECK(mean == doctest::Approx(1.0).epsilon(0.005));
  CHECK(sd / mean == doctest::Approx(0.2).epsilon(0.03));
  const double lmean = logs / n, lvar = logs2 / n - lmean * lmean;
  CHECK((lag / pairs - lmean * lmean) / lvar == doctest::Approx(0.6).epsilon(0.03));
  // The same seed gives the same factors; another seed others.
  DemandFactors again(400, noise, 7, 0), other(400, noise, 8, 0);
  CHECK(again.next() == DemandFactors(400, noise, 7, 0).next());
  CHECK(again.current() != other.next());
}

TEST_CASE("background leakage spreads the asked volume per kilometre over the junctions as emitters") {
  const WaterNetwork net = read_inp(std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/networks/Net3.inp");
  const WaterNetwork leaky = with_background_leakage(net, 0.8, 50.0);
  double km = 0.0;
  for (const Link& l : net.links)
    if (l.kind == LinkKind::PIPE || l.kind == LinkKind::CV_PIPE) km += l.length_m / 1000.0;
  // Every pipe's share goes to its junction ends; pipes ending at a tank or reservoir give that half to no one.
  double expected = 0.0;
  for (const Link& l : net.links) {
    if (l.kind != LinkKind::PIPE && l.kind != LinkKind::CV_PIPE) continue;
    for (int n : {l.from, l.to})
      if (net.nodes[n].kind == NodeKind::JUNCTION) expected += 0.5 * l.length_m / 1000.0 * 0.8;
  }
  double at_50m = 0.0;  // m³/day at 50 m everywhere
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    at_50m += (leaky.nodes[i].emitter_m3s - net.nodes[i].emitter_m3s) * std::pow(50.0, net.options.emitter_exponent) * 86400;
  CHECK(at_50m == doctest::Approx(expected).epsilon(1e-9));
  CHECK(expected > 0.9 * 0.8 * km);
  CHECK_THROWS_AS(with_background_leakage(net, -1.0), std::invalid_argument);
}
