// The LoRaWAN benchmark: 10,000 devices reporting every 15 minutes for 30 days through 5 gateways.
//
// Each configuration runs in a child process, so that its peak resident memory is its own. Besides the
// headline run, the program runs the same city for 1 day and with a tenth of the devices: memory should
// follow the number of devices, not the simulated time.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "models/networks/Network.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Simulation.hpp"

namespace {

using citytwin::sim::Time;
namespace models = citytwin::models;
namespace sim = citytwin::sim;

struct Config {
  std::uint32_t devices = 10000;
  double days = 30.0;
};

/// The city: devices uniform over 6 km x 6 km, five gateways on masts, Okumura-Hata propagation.
models::NetworkParams city_network() {
  models::NetworkParams p;
  p.kind = models::NetworkKind::LORAWAN;
  p.gateways = {{1500, 1500}, {4500, 1500}, {1500, 4500}, {4500, 4500}, {3000, 3000}};
  p.gateway_cost_eur = 1200;
  p.gateway_cost_per_year_eur = 300;
  p.path_loss.model = models::PathLoss::Model::OKUMURA_HATA;
  p.path_loss.shadowing_sigma_db = 6.0;
  p.path_loss.fading_sigma_db = 2.0;
  p.antenna_gain_db = 3.0;
  p.backhaul_delay = sim::Distribution::constant(0.1);
  return p;
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // kilobytes on Linux
}

/// Runs one configuration and prints its figures.
void run(const Config& c, bool detail) {
  const std::uint64_t seed = 2024;
  sim::RandomStream layout(seed, 0, 0, "bench_layout");
  std::vector<sim::Point> devices(c.devices);
  for (auto& d : devices) d = {layout.uniform(0, 6000), layout.uniform(0, 6000)};

  const auto t0 = std::chrono::steady_clock::now();
  const models::Network network(city_network(), devices, seed);
  sim::Simulation simulation;
  std::uint64_t outcomes = 0;
  models::NetworkRun net(network, simulation, seed, 0, [&outcomes](const models::MessageOutcome&) { ++outcomes; });

  // Every device reports every 15 minutes from a random phase.
  struct Reporter {
    models::NetworkRun* net;
    std::uint32_t device;
    void operator()() const { net->send(device, 0); }
  };
  const Time period = Time::minutes(15);
  for (std::uint32_t d = 0; d < c.devices; ++d)
    simulation.schedule_periodic(Time::us(layout.uniform_int(static_cast<std::uint32_t>(period.count_us()))), period,
                                 Reporter{&net, d});
  const auto t1 = std::chrono::steady_clock::now();
  const std::uint64_t events = simulation.run_until(Time::days(c.days));
  const auto t2 = std::chrono::steady_clock::now();

  const double setup_s = std::chrono::duration<double>(t1 - t0).count();
  const double wall_s = std::chrono::duration<double>(t2 - t1).count();
  const double settled = static_cast<double>(outcomes);
  std::uint32_t covered = 0;
  int sf_count[13] = {};
  for (std::uint32_t d = 0; d < c.devices; ++d) {
    covered += network.covered(d) ? 1 : 0;
    ++sf_count[network.spreading_factor(d)];
  }
  std::printf("%6u devices x %4.0f days: %10llu uplinks, %6.2f s wall (+%.2f s setup), %5.2f M uplinks/s, "
              "%5.2f M events/s, delivery %.4f, peak RSS %6.1f MiB (kernel %.2f MiB)\n",
              c.devices, c.days, static_cast<unsigned long long>(net.sent()), wall_s, setup_s,
              static_cast<double>(net.sent()) / wall_s * 1e-6, static_cast<double>(events) / wall_s * 1e-6,
              static_cast<double>(net.delivered()) / settled, peak_rss_mib(),
              static_cast<double>(simulation.memory_bytes()) / (1024.0 * 1024.0));
  if (!detail) return;
  std::printf("  covered devices %u of %u; spreading factors:", covered, c.devices);
  for (int sf = 7; sf <= 12; ++sf) std::printf(" SF%d %d", sf, sf_count[sf]);
  std::printf("\n  transmissions %llu; lost:", static_cast<unsigned long long>(net.transmissions()));
  for (std::size_t k = 1; k < models::LOSS_CAUSE_COUNT; ++k) {
    auto cause = static_cast<models::LossCause>(k);
    std::printf(" %s %llu", std::string(models::loss_cause_name(cause)).c_str(),
                static_cast<unsigned long long>(net.lost(cause)));
  }
  std::printf("\n  %-8s %12s %12s %10s %8s %12s %10s\n", "gateway", "heard", "received", "collided", "busy",
              "airtime_s", "occupancy");
  const auto& loads = net.gateway_loads();
  for (std::size_t g = 0; g < loads.size(); ++g)
    std::printf("  %-8zu %12llu %12llu %10llu %8llu %12.0f %10.4f\n", g,
                static_cast<unsigned long long>(loads[g].heard), static_cast<unsigned long long>(loads[g].received),
                static_cast<unsigned long long>(loads[g].collided), static_cast<unsigned long long>(loads[g].busy),
                loads[g].airtime_s, loads[g].airtime_s / (c.days * 86400.0));
  std::vector<sim::Kpi> kpis;
  net.append_kpis(kpis, "lorawan", c.days * 86400.0);
  for (const auto& k : kpis)
    if (k.name.find("latency") != std::string::npos || k.name.find("eur") != std::string::npos)
      std::printf("  %-28s %12.3f %s\n", k.name.c_str(), k.value, k.unit.c_str());
}

/// Runs a configuration in a child process, so its peak memory is measured alone.
void run_isolated(const Config& c, bool detail) {
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    run(c, detail);
    return;
  }
  if (pid == 0) {
    run(c, detail);
    std::fflush(stdout);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::fprintf(stderr, "configuration failed\n");
}

void usage() {
  std::printf(
      "usage: lorawan_bench [--quick] [--devices N] [--days D]\n"
      "  Simulates N LoRaWAN devices (default 10000) over 6 km x 6 km, each reporting every 15 minutes for\n"
      "  D days (default 30), through 5 gateways; prints wall time, uplinks per second, delivery ratio,\n"
      "  per-gateway load and peak memory. Then runs 1 day and a tenth of the devices, to show that memory\n"
      "  grows with devices and not with simulated time.\n"
      "  --quick   1000 devices for 2 days, for a smoke run\n");
}

}  // namespace

int main(int argc, char** argv) {
  Config main_config;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      usage();
      return 0;
    } else if (arg == "--quick") {
      quick = true;
    } else if (arg == "--devices" && i + 1 < argc) {
      main_config.devices = static_cast<std::uint32_t>(std::strtoul(argv[++i], nullptr, 10));
    } else if (arg == "--days" && i + 1 < argc) {
      main_config.days = std::strtod(argv[++i], nullptr);
    } else {
      std::fprintf(stderr, "lorawan_bench: unknown argument '%s'\n", arg.c_str());
      usage();
      return 2;
    }
  }
  if (quick) main_config = {1000, 2.0};
  if (main_config.devices == 0 || !(main_config.days > 0)) {
    std::fprintf(stderr, "lorawan_bench: --devices and --days must be above zero\n");
    return 2;
  }
  std::printf("LoRaWAN benchmark: 5 gateways, Okumura-Hata, shadowing 6 dB, fading 2 dB, 8 channels, 20-byte PHY "
              "payload, 1%% duty cycle, one core\n");
  run_isolated(main_config, true);
  std::printf("memory scaling (each in its own process):\n");
  run_isolated({main_config.devices, std::max(1.0, main_config.days / 30.0)}, false);
  run_isolated({std::max<std::uint32_t>(1, main_config.devices / 10), main_config.days}, false);
  return 0;
}
