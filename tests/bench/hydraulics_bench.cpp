// The hydraulics benchmark: extended-period runs of real networks on our solver and, in the same run, on EPANET 2.2
// itself (epanet-js under Node.js), then many runs of one network reusing its analysed model, serially and in
// parallel, as leak scenarios do.
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <memory>
#include <string>
#include <vector>

#include "models/water/Hydraulics.hpp"
#include "models/water/InpReader.hpp"
#include "sim/Json.hpp"

namespace water = citytwin::models::water;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[(v.size() - 1) / 2];
}

struct Ours {
  double run_s = 0.0;    ///< median of the hydraulic run alone (model analysed beforehand)
  double model_s = 0.0;  ///< building the model: resistances, curves, the matrix pattern and its ordering
  int solutions = 0;
};

Ours time_ours(const water::WaterNetwork& net, int repeat) {
  Ours o;
  std::vector<double> runs;
  auto t0 = Clock::now();
  const water::HydraulicModel model(net);
  o.model_s = seconds_since(t0);
  for (int r = 0; r < repeat; ++r) {
    t0 = Clock::now();
    o.solutions = water::simulate(model, [](const water::HydraulicRun&) {});
    runs.push_back(seconds_since(t0));
  }
  o.run_s = median(runs);
  return o;
}

/// EPANET 2.2 on the same file through the oracle script; nullopt-like (negative) when Node or epanet-js is missing.
struct Theirs {
  double run_s = -1.0;
  int steps = 0;
};

Theirs time_epanet(const std::string& file, int repeat) {
  Theirs t;
  const std::string out = "/tmp/citytwin-hydraulics-bench-" + std::to_string(::getpid()) + ".json";
  const std::string command = "node " CITYTWIN_SOURCE_DIR "/tests/water/oracle/epanet_run.mjs " + file +
                              " --repeat " + std::to_string(repeat) + " > " + out + " 2> /dev/null";
  if (std::system(command.c_str()) != 0) {
    std::remove(out.c_str());
    return t;
  }
  std::FILE* f = std::fopen(out.c_str(), "r");
  std::string text;
  if (f) {
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
  }
  std::remove(out.c_str());
  const auto j = citytwin::sim::Json::parse(text, nullptr, false);
  if (j.is_discarded()) return t;
  t.run_s = j.value("hydraulic_s", -1.0);
  t.steps = j.value("hydraulic_steps", 0);
  return t;
}

void compare(const std::string& name, int repeat) {
  const std::string file = CITYTWIN_SOURCE_DIR "/scenarios/networks/" + name + ".inp";
  const water::WaterNetwork net = water::read_inp(file);
  const Ours ours = time_ours(net, repeat);
  const Theirs theirs = time_epanet(file, repeat);
  std::printf("%-7s %5zu nodes %5zu links  %4lld h  %5d solutions  ours %7.3f s (model %.3f s)", name.c_str(),
              net.nodes.size(), net.links.size(), static_cast<long long>(net.times.duration_s / 3600),
              ours.solutions, ours.run_s, ours.model_s);
  if (theirs.run_s > 0)
    std::printf("  epanet-js %7.3f s (%d solutions)  ratio %.2fx\n", theirs.run_s, theirs.steps,
                theirs.run_s / ours.run_s);
  else
    std::printf("  epanet-js not run (install it: npm ci --prefix tests/water/oracle)\n");
}

/// Many runs of one network, as leak scenarios are: the model (and its matrix ordering) analysed once, each run
/// with its own state; serially, then over every core with oneTBB.
void scenarios(const std::string& name, int count) {
  const water::WaterNetwork net = water::read_inp(CITYTWIN_SOURCE_DIR "/scenarios/networks/" + name + ".inp");
  auto t0 = Clock::now();
  for (int i = 0; i < count; ++i) {
    const water::HydraulicModel model(net);
    water::simulate(model, [](const water::HydraulicRun&) {});
  }
  const double rebuilt = seconds_since(t0) / count;
  const water::HydraulicModel model(net);
  t0 = Clock::now();
  for (int i = 0; i < count; ++i) water::simulate(model, [](const water::HydraulicRun&) {});
  const double reused = seconds_since(t0) / count;
  const int cores = tbb::this_task_arena::max_concurrency();
  t0 = Clock::now();
  tbb::parallel_for(0, count, [&](int) { water::simulate(model, [](const water::HydraulicRun&) {}); });
  const double parallel = seconds_since(t0) / count;
  std::printf("%d runs of %s: %.3f s a run with the model built each time, %.3f s reusing one model, %.3f s a run "
              "on %d cores (%.1f runs/s)\n",
              count, name.c_str(), rebuilt, reused, parallel, cores, 1.0 / parallel);
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") quick = true;
    else {
      std::fprintf(stderr, "usage: hydraulics_bench [--quick]\n"
                           "  Net6's 96 hours and L-Town's week on our solver and on epanet-js, the median of 5 runs\n"
                           "  each; then 20 runs of Net6 reusing one model, serially and in parallel.\n"
                           "  --quick   one run each, and 2 runs of Net6, for a smoke run\n");
      return 2;
    }
  }
  const int repeat = quick ? 1 : 5;
  std::printf("hydraulic run alone (median of %d; file reading excluded on both sides)\n", repeat);
  compare("Net6", repeat);
  compare("L-TOWN", repeat);
  compare("Net3", repeat);
  scenarios("Net6", quick ? 2 : 20);
  return 0;
}
