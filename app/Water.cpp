// `citytwin hydraulics`: an EPANET network file run alone, its results as CSV tables that diff against EPANET's.
#include "app/Water.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "app/Cli.hpp"
#include "models/water/Hydraulics.hpp"
#include "models/water/InpReader.hpp"
#include "models/water/Leaks.hpp"
#include "outputs/HydraulicsCsv.hpp"

namespace citytwin::app {

namespace water = models::water;

namespace {

std::string hours(std::int64_t s) {
  char buf[32];
  if (s % 3600 == 0) std::snprintf(buf, sizeof buf, "%lld h", static_cast<long long>(s / 3600));
  else std::snprintf(buf, sizeof buf, "%lld min", static_cast<long long>(s / 60));
  return buf;
}

}  // namespace

int hydraulics(int argc, char** argv) {
  cxxopts::Options o("citytwin hydraulics",
                     "Runs the hydraulics of an EPANET network file (.inp) alone, over its own duration and time "
                     "steps, by the Global Gradient Algorithm as EPANET 2.2 computes them, and prints a summary. "
                     "With --csv it writes heads.csv, pressures.csv and flows.csv: a time_s column, then one "
                     "column per node or link ID, one row per report time, in the file's own units, so that the "
                     "results diff against EPANET's.");
  o.add_options()
      ("network", "EPANET input file", cxxopts::value<std::string>())
      ("csv", "directory for heads.csv, pressures.csv and flows.csv (created if needed)",
       cxxopts::value<std::string>())
      ("leaks", "a leak list in BattLeDIM's format (linkID, start, end, diameter in m, abrupt|incipient, peak): "
                "the leaks open at their pipes' midpoints, and the volume each loses is printed",
       cxxopts::value<std::string>())
      ("leak-epoch", "the time the run starts at, for --leaks (YYYY-MM-DD HH:MM)",
       cxxopts::value<std::string>()->default_value("2019-01-01 00:00"))
      ("duration", "run this many hours instead of the file's duration (patterns repeat)", cxxopts::value<double>())
      ("steps", "print one line per hydraulic solution: its time, trials and relative flow change")
      ("q,quiet", "print nothing but errors")
      ("h,help", "show this help");
  o.parse_positional({"network"});
  o.positional_help("NET.inp");
  auto args = parse(o, argc, argv);
  if (args.count("help")) {
    std::cout << o.help() << "\nExit codes: 0 solved, 2 unreadable or malformed network or unsolvable hydraulics, "
                             "1 internal error\n";
    return EXIT_OK;
  }
  if (!args.count("network")) throw UsageError("'hydraulics' needs an EPANET network file (.inp)");
  const bool quiet = args.count("quiet") > 0;

  water::WaterNetwork net = water::read_inp(args["network"].as<std::string>());
  if (args.count("duration")) {
    const double h = args["duration"].as<double>();
    if (!(h >= 0.0 && h <= 24.0 * 366 * 10)) throw UsageError("--duration takes hours between 0 and 87840");
    net.times.duration_s = static_cast<std::int64_t>(std::llround(h * 3600.0));
  }
  std::vector<water::Leak> leaks;
  if (args.count("leaks"))
    leaks = water::read_battledim_leaks(args["leaks"].as<std::string>(), net, args["leak-epoch"].as<std::string>());
  const water::HydraulicModel model(net, water::leak_pipes(leaks));
  std::vector<double> leaked_m3(leaks.size(), 0.0);

  std::unique_ptr<outputs::HydraulicsCsv> csv;
  if (args.count("csv")) csv = std::make_unique<outputs::HydraulicsCsv>(net, args["csv"].as<std::string>());

  // Run, recording every report time.
  const auto start = std::chrono::steady_clock::now();
  water::HydraulicRun run(model);
  int solutions = 0, unbalanced = 0, max_iterations = 0;
  std::int64_t step = 0;
  do {
    if (interrupted()) return EXIT_INTERRUPTED;
    for (std::size_t i = 0; i < leaks.size(); ++i)
      run.set_leak_area(static_cast<int>(i), leaks[i].area_at(run.time_s()), leaks[i].discharge_coefficient);
    water::SolveInfo info;
    try {
      info = run.solve();
    } catch (const std::runtime_error& e) {
      std::cerr << e.what() << '\n';
      return EXIT_BAD_INPUT;
    }
    ++solutions;
    if (!info.converged) ++unbalanced;
    if (args.count("steps"))
      std::printf("t=%lld s: %d trials, relative flow change %.3g%s\n", static_cast<long long>(run.time_s()),
                  info.iterations, info.relative_error, info.converged ? "" : " (unbalanced)");
    max_iterations = std::max(max_iterations, info.iterations);
    if (csv && run.is_report_time()) csv->record(run);
    std::vector<double> leak_flows(leaks.size());
    for (std::size_t i = 0; i < leaks.size(); ++i) leak_flows[i] = run.leak_flow_m3s(static_cast<int>(i));
    step = run.advance();
    for (std::size_t i = 0; i < leaks.size(); ++i) leaked_m3[i] += leak_flows[i] * static_cast<double>(step);
  } while (step > 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (csv) csv->commit();

  if (quiet) return EXIT_OK;
  int junctions = 0, reservoirs = 0, tanks = 0, pipes = 0, pumps = 0, valves = 0;
  for (const water::Node& n : net.nodes)
    (n.kind == water::NodeKind::JUNCTION ? junctions : n.kind == water::NodeKind::RESERVOIR ? reservoirs : tanks)++;
  for (const water::Link& l : net.links)
    (l.kind == water::LinkKind::PIPE || l.kind == water::LinkKind::CV_PIPE ? pipes
     : l.kind == water::LinkKind::PUMP                                     ? pumps
                                                                           : valves)++;
  std::printf("%s: %zu nodes (%d junctions, %d reservoirs, %d tanks), %zu links (%d pipes, %d pumps, %d valves), "
              "%zu controls\n",
              net.path.c_str(), net.nodes.size(), junctions, reservoirs, tanks, net.links.size(), pipes, pumps,
              valves, net.controls.size());
  std::printf("%s at a %s hydraulic step: %d hydraulic solutions (at most %d trials each) in %.3f s\n",
              hours(net.times.duration_s).c_str(), hours(net.times.hydraulic_step_s).c_str(), solutions,
              max_iterations, seconds);
  for (const std::string& line : water::ignored_report(net)) std::printf("ignored: %s\n", line.c_str());
  for (const std::string& w : run.warnings()) std::printf("warning: %s\n", w.c_str());
  if (unbalanced > 0) std::printf("warning: %d of %d solutions did not converge\n", unbalanced, solutions);
  if (!leaks.empty()) {
    double total = 0.0;
    for (std::size_t i = 0; i < leaks.size(); ++i) {
      const water::Leak& l = leaks[i];
      std::printf("leak on %s (%s, %.1f mm): %.1f m3 lost\n", net.links[l.pipe].id.c_str(),
                  l.incipient ? "incipient" : "abrupt", l.diameter_m * 1000, leaked_m3[i]);
      total += leaked_m3[i];
    }
    std::printf("leaks: %zu, %.1f m3 lost in all over %s; BattLeDIM's perfect score (every leak found at its start, "
                "or at the run's start, on its own pipe, at 0.80 EUR/m3): %.2f EUR\n",
                leaks.size(), total, hours(net.times.duration_s).c_str(), 0.8 * total);
  }
  if (csv)
    std::printf("wrote %s/{heads,pressures,flows}.csv: %d report times\n", args["csv"].as<std::string>().c_str(),
                csv->rows());
  return EXIT_OK;
}

}  // namespace citytwin::app
