// `citytwin hydraulics`: an EPANET network file run alone, its results as CSV tables that diff against EPANET's.
#include "app/Water.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <memory>
#include <string>

#include "app/Cli.hpp"
#include "models/water/Hydraulics.hpp"
#include "models/water/InpReader.hpp"
#include "models/placement/PlacementProblem.hpp"
#include "models/water/LeakStudy.hpp"
#include "models/water/SensorPlacement.hpp"
#include "outputs/GeoJson.hpp"
#include "sim/Statistics.hpp"
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
    (water::is_pipe(l.kind) ? pipes
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

int leaks(int argc, char** argv) {
  cxxopts::Options o("citytwin leaks",
                     "Runs a pipe network for a year (or --days) through leaks drawn at random (bursts and incipient "
                     "leaks, on distinct pipes, after the detector's training), with consumers who stray from their "
                     "patterns and background leakage; samples its sensors (pressure, flow, tank level: noise, "
                     "rounding, dropouts); runs the leak-detection core on the readings alone, against the nominal "
                     "network; and scores its alerts by BattLeDIM's rules. Leaks not detected are found when they "
                     "surface (bursts) or much later (incipient leaks).");
  o.add_options()
      ("network", "EPANET input file", cxxopts::value<std::string>())
      ("days", "simulated days", cxxopts::value<int>()->default_value("365"))
      ("leaks", "leaks drawn", cxxopts::value<int>()->default_value("24"))
      ("min-diameter", "smallest leak diameter drawn, mm", cxxopts::value<double>()->default_value("8"))
      ("max-diameter", "largest leak diameter drawn, mm", cxxopts::value<double>()->default_value("20"))
      ("demand-cv", "consumers' variation around their patterns (coefficient of variation, hourly)",
       cxxopts::value<double>()->default_value("0.1"))
      ("pressure-sensors", "pressure sensors, placed as --placement says (plus a flow meter on every pump and "
                           "inlet, a level sensor in every tank)", cxxopts::value<int>()->default_value("10"))
      ("warmup-days", "days left out of training while the network settles from its initial state",
       cxxopts::value<int>()->default_value("1"))
      ("meters", "smart meters (hourly) on the largest consumers", cxxopts::value<int>()->default_value("5"))
      ("placement", "where the pressure sensors go: greedy (the sites that see the most simulated leaks, as "
                    "'citytwin place NET.inp' chooses them) or spread (far apart over the map)",
       cxxopts::value<std::string>()->default_value("spread"))
      ("training-days", "days the detector learns its residuals before it judges them (warm-up included)",
       cxxopts::value<int>()->default_value("14"))
      ("threshold", "CUSUM threshold, in standard deviations of the matched statistic",
       cxxopts::value<double>()->default_value("25"))
      ("drift", "CUSUM drift (allowance) per window, in standard deviations of the matched statistic",
       cxxopts::value<double>()->default_value("0.5"))
      ("pumps", "how the detector's model runs the pumps that have a flow meter: meters (on or off as the "
                "meter reads at each hour's start, as SCADA reports them) or controls (the network file's)",
       cxxopts::value<std::string>()->default_value("controls"))
      ("signatures", "how candidate leaks' signatures are computed: simulated (an hour per candidate) or linear "
                     "(from the nominal solution's linear response: far cheaper on large networks)",
       cxxopts::value<std::string>()->default_value("simulated"))
      ("z-limit", "hold the standardised residuals within +- this (0: not held)",
       cxxopts::value<double>()->default_value("0"))
      ("seed", "random seed", cxxopts::value<std::uint64_t>()->default_value("1"))
      ("residuals", "write the detector's judged windows to this CSV file: end_s, statistic, cusum, then each "
                    "judged sensor's standardised mean residual", cxxopts::value<std::string>())
      ("q,quiet", "print only the summary")
      ("h,help", "show this help");
  o.parse_positional({"network"});
  o.positional_help("NET.inp");
  auto args = parse(o, argc, argv);
  if (args.count("help")) {
    std::cout << o.help() << "\nExit codes: 0 done, 2 unreadable network or impossible settings, 1 internal error\n";
    return EXIT_OK;
  }
  if (!args.count("network")) throw UsageError("'leaks' needs an EPANET network file (.inp)");
  const bool quiet = args.count("quiet") > 0;
  water::WaterNetwork net = water::read_inp(args["network"].as<std::string>());
  water::LeakStudySettings s;
  const int days = args["days"].as<int>(), training = args["training-days"].as<int>();
  if (training < 1 || days < training + 9) throw UsageError("--days must exceed --training-days by at least 9 (and --training-days be at least 1)");
  s.duration_s = std::int64_t{days} * 86400;
  s.leaks = args["leaks"].as<int>();
  s.detector.training_s = std::int64_t{training} * 86400;
  s.detector.warmup_s = std::int64_t{args["warmup-days"].as<int>()} * 86400;
  s.detector.cusum_threshold = args["threshold"].as<double>();
  s.detector.cusum_drift = args["drift"].as<double>();
  const std::string pumps = args["pumps"].as<std::string>();
  if (pumps != "meters" && pumps != "controls") throw UsageError("--pumps must be meters or controls, not '" + pumps + "'");
  s.detector.pumps_from_meters = pumps == "meters";
  const std::string signatures = args["signatures"].as<std::string>();
  if (signatures != "simulated" && signatures != "linear")
    throw UsageError("--signatures must be simulated or linear, not '" + signatures + "'");
  s.detector.linear_signatures = signatures == "linear";
  if (const double z = args["z-limit"].as<double>(); z > 0.0) s.detector.z_limit = z;
  else if (z < 0.0) throw UsageError("--z-limit must be 0 (none) or positive");
  const double dmin = args["min-diameter"].as<double>(), dmax = args["max-diameter"].as<double>();
  if (!(dmin > 0.0) || !(dmax >= dmin) || dmax > 1000.0)
    throw UsageError("--min-diameter and --max-diameter take millimetres, the smaller first (e.g. 8 and 20)");
  s.min_diameter_m = dmin / 1000.0;
  s.max_diameter_m = dmax / 1000.0;
  s.demand_noise.cv = args["demand-cv"].as<double>();
  if (!(s.demand_noise.cv >= 0.0 && s.demand_noise.cv <= 1.0)) throw UsageError("--demand-cv must lie between 0 and 1");
  s.seed = args["seed"].as<std::uint64_t>();
  const int k = args["pressure-sensors"].as<int>();
  if (s.leaks < 0 || k < 1) throw UsageError("--leaks must be 0 or more and --pressure-sensors 1 or more");
  std::vector<water::Leak> leaks;
  std::vector<water::WaterSensor> sensors;
  try {
    leaks = water::random_leaks(net, s);
    const int meters = args["meters"].as<int>();
    if (meters < 0) throw UsageError("--meters must be 0 or more");
    const std::string placement = args["placement"].as<std::string>();
    std::vector<int> sites;
    if (placement == "greedy") {
      const water::PressurePlacementSettings ps;
      const water::LeakScenarioSet sc = water::simulate_leak_scenarios(net, ps);
      for (std::uint32_t i : models::place_greedy(water::detection_problem(sc, ps.threshold_m), static_cast<std::size_t>(k)).sites)
        sites.push_back(sc.junctions[i]);
    } else if (placement != "spread") {
      throw UsageError("--placement must be greedy or spread, not '" + placement + "'");
    }
    sensors = water::typical_sensors(net, k, meters, sites);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  water::LeakStudyResult r = water::run_leak_study(net, sensors, leaks, s, [&](std::int64_t t) {
    if (!quiet && t % (30 * 86400) == 0) std::fprintf(stderr, "day %lld of %d\n", static_cast<long long>(t / 86400), days);
  });
  auto day = [](std::int64_t t) { return static_cast<double>(t) / 86400.0; };
  if (args.count("residuals")) {
    const std::string path = args["residuals"].as<std::string>(), partial = path + ".partial";
    {
      std::ofstream out(partial);
      out << "end_s,statistic,cusum";
      for (const water::WaterSensor& w : sensors)
        if (w.kind != water::WaterSensorKind::DEMAND_METER) out << ',' << w.id;
      out << '\n';
      out.precision(6);
      for (const water::ResidualWindow& w : r.windows) {
        out << w.end_s << ',' << w.statistic << ',' << w.cusum;
        for (double z : w.z) out << ',' << z;
        out << '\n';
      }
      if (!out) throw std::runtime_error("cannot write " + partial);
    }
    std::filesystem::rename(partial, path);
  }
  if (!quiet) {
    std::printf("%-10s %-9s %7s %9s %9s %10s %9s %9s\n", "pipe", "type", "d (mm)", "start (d)", "found (d)",
                "delay (h)", "dist (m)", "lost (m3)");
    for (std::size_t i = 0; i < r.leaks.size(); ++i) {
      const water::Leak& l = r.leaks[i];
      const double delay = r.score.delay_s[i];
      std::printf("%-10s %-9s %7.1f %9.2f %9.2f %10s %9s %9.0f\n", net.links[l.pipe].id.c_str(),
                  l.incipient ? "incipient" : "burst", l.diameter_m * 1000, day(l.start_s), day(l.end_s),
                  std::isnan(delay) ? "missed" : std::to_string(static_cast<int>(std::lround(delay / 3600))).c_str(),
                  std::isnan(delay) ? "-" : std::to_string(static_cast<int>(std::lround(r.score.distance_m[i]))).c_str(),
                  r.volumes.leaked_m3[i]);
    }
    for (const water::LeakAlert& a : r.alerts)
      std::printf("alert %llu%s at day %.2f: pipe %s, since day %.2f, %.2f L/s (%.1f mm), fit %.2f\n",
                  static_cast<unsigned long long>(a.id), a.update ? " (update)" : "", day(a.raised_s),
                  net.links[a.pipe].id.c_str(), day(a.start_s), a.flow_m3s * 1000, a.diameter_m * 1000, a.fit);
  }
  const water::LeakScore& sc = r.score;
  std::printf("%s: %d days, %zu leaks (%.0f m3 lost), %zu sensors, %llu readings (%llu dropped)\n", net.path.c_str(), days,
              r.leaks.size(), r.volumes.total_m3, sensors.size(), static_cast<unsigned long long>(r.readings),
              static_cast<unsigned long long>(r.dropped));
  double mean_delay = 0.0;
  int found = 0;
  for (double d : sc.delay_s)
    if (!std::isnan(d)) mean_delay += d, ++found;
  std::printf("detected %d of %zu (true positives), %d false positives, %d missed; mean time to detection %.1f h; "
              "score %.0f EUR of a perfect %.0f EUR (%.1f%%); run %.1f s, signatures %.1f s\n",
              sc.true_positives, r.leaks.size(), sc.false_positives, sc.missed, found ? mean_delay / found / 3600 : 0.0,
              sc.score_eur, sc.perfect_eur, 100 * sc.share, r.seconds, r.signature_seconds);
  if (r.unbalanced + r.detector_unbalanced > 0)
    std::printf("warning: %zu solutions of the network and %zu of the detector's model did not converge within the "
                "trials (kept, as UNBALANCED CONTINUE %d)\n",
                r.unbalanced, r.detector_unbalanced, water::UNBALANCED_CONTINUE_TRIALS);
  return EXIT_OK;
}

int place_pressure_sensors(int argc, char** argv) {
  cxxopts::Options o("citytwin place NET.inp",
                     "Chooses pressure sensor sites among a pipe network's junctions so that they see the most leaks: "
                     "a leak is simulated at every open pipe's midpoint at each of the times given, and a sensor sees "
                     "it when its junction's pressure drops by at least the threshold. Lazy greedy (CELF, within 1 - "
                     "1/e of the optimum) maximises the share of leaks seen by at least one sensor; random layouts "
                     "and the exact MILP optimum (GLPK) are printed beside it. -o writes the sites as GeoJSON points "
                     "in the network's own coordinates.");
  o.add_options()
      ("network", "EPANET input file", cxxopts::value<std::string>())
      ("k,count", "sensors to place", cxxopts::value<unsigned>()->default_value("10"))
      ("diameter", "leak orifice diameter, mm", cxxopts::value<double>()->default_value("20"))
      ("threshold", "pressure drop a sensor sees, m", cxxopts::value<double>()->default_value("0.1"))
      ("hours", "times of the leak scenarios, hours from the start, separated by commas",
       cxxopts::value<std::string>()->default_value("3,14"))
      ("random", "random layouts to compare with", cxxopts::value<unsigned>()->default_value("100"))
      ("exact", "also solve the MILP (GLPK) for the optimum")
      ("time-limit", "seconds for the MILP", cxxopts::value<double>()->default_value("120"))
      ("seed", "random seed of the random layouts", cxxopts::value<std::uint64_t>()->default_value("1"))
      ("o,output", "write the chosen sites to this GeoJSON file", cxxopts::value<std::string>())
      ("h,help", "show this help");
  o.parse_positional({"network"});
  o.positional_help("NET.inp");
  auto args = parse(o, argc, argv);
  if (args.count("help")) {
    std::cout << o.help() << "\nExit codes: 0 done, 2 unreadable network or impossible settings, 1 internal error\n";
    return EXIT_OK;
  }
  if (!args.count("network")) throw UsageError("'place' needs an EPANET network file (.inp) or a scenario");
  water::WaterNetwork net = water::read_inp(args["network"].as<std::string>());
  water::PressurePlacementSettings s;
  s.leak_diameter_m = args["diameter"].as<double>() / 1000.0;
  s.threshold_m = args["threshold"].as<double>();
  s.times_s.clear();
  {
    std::stringstream list(args["hours"].as<std::string>());
    for (std::string item; std::getline(list, item, ',');) {
      char* end = nullptr;
      const double h = std::strtod(item.c_str(), &end);
      if (end == item.c_str() || *end != '\0' || !(h >= 0.0 && h <= 24.0 * 366))
        throw UsageError("--hours: '" + item + "' is not a number of hours between 0 and 8784 (e.g. --hours 3,14)");
      s.times_s.push_back(static_cast<std::int64_t>(std::llround(h * 3600.0)));
    }
  }
  if (!(s.leak_diameter_m > 0.0) || !(s.threshold_m > 0.0)) throw UsageError("--diameter and --threshold must be positive");
  const water::LeakScenarioSet sc = water::simulate_leak_scenarios(net, s);
  const models::PlacementProblem problem = water::detection_problem(sc, s.threshold_m);
  const std::size_t k = std::min<std::size_t>(args["count"].as<unsigned>(), sc.junctions.size());
  if (k == 0) throw UsageError("--count must be at least 1");
  std::size_t seeable = 0;
  for (std::size_t j = 0; j < problem.samples(); ++j) {
    bool any = false;
    for (const auto& [site, drop] : sc.drops[j]) any = any || drop >= s.threshold_m;
    seeable += any ? 1 : 0;
  }
  std::printf("%s: %zu leak scenarios (%.0f mm at %zu pipes, at %zu times) simulated in %.2f s; %zu candidate junctions; "
              "%zu scenarios (%.1f%%) are seen by some junction\n",
              net.path.c_str(), problem.samples(), s.leak_diameter_m * 1000, problem.samples() / s.times_s.size(),
              s.times_s.size(), sc.seconds, sc.junctions.size(), seeable,
              100.0 * static_cast<double>(seeable) / static_cast<double>(std::max<std::size_t>(problem.samples(), 1)));
  const auto t0 = std::chrono::steady_clock::now();
  const models::Placement g = models::place_greedy(problem, k);
  const double greedy_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("  greedy (CELF), %zu sensors: %.1f%% of the scenarios seen; upper bound %.1f%%; %zu gains computed in %.3f s\n",
              k, 100 * g.value, 100 * g.upper_bound, g.evaluations, greedy_s);
  if (const unsigned draws = args["random"].as<unsigned>(); draws > 0) {
    sim::RunningStats value;
    double best = 0.0;
    sim::RandomStream rng(args["seed"].as<std::uint64_t>(), 0, 0, "place_random");
    for (unsigned r = 0; r < draws; ++r) {
      const models::Placement x = models::place_random(problem, k, rng);
      value.add(x.value);
      best = std::max(best, x.value);
    }
    std::printf("  random (%u layouts): %.1f%% +- %.1f%% (sd), best %.1f%%\n", draws, 100 * value.mean(),
                100 * value.stddev(), 100 * best);
  }
  if (args.count("exact")) {
    const models::ExactPlacement e = models::place_exact(problem, k, args["time-limit"].as<double>());
    if (e.optimal)
      std::printf("  exact (MILP, GLPK): optimum %.1f%%; greedy reaches %.2f%% of it (its guarantee: %.1f%%); %.1f s\n",
                  100 * e.best.value, 100.0 * g.value / e.best.value, 100.0 * (1.0 - std::exp(-1.0)), e.seconds);
    else
      std::printf("  exact (MILP, GLPK): best %.1f%%, bound %.1f%% at the time limit: greedy reaches at least %.2f%% "
                  "of the optimum; %.1f s\n",
                  100 * e.best.value, 100 * e.bound, 100.0 * g.value / e.bound, e.seconds);
  }
  for (std::size_t r = 0; r < g.sites.size(); ++r) {
    const water::Node& n = net.nodes[sc.junctions[g.sites[r]]];
    std::printf("  %zu. junction %s (%.2f, %.2f)\n", r + 1, n.id.c_str(), n.x, n.y);
  }
  if (args.count("output")) {
    const std::string out = args["output"].as<std::string>();
    std::vector<outputs::GeoPoint> points;
    for (std::size_t r = 0; r < g.sites.size(); ++r) {
      const water::Node& n = net.nodes[sc.junctions[g.sites[r]]];
      points.push_back({n.x, n.y, {{"kind", "pressure_sensor"}, {"rank", r + 1}, {"junction", n.id}}});
    }
    outputs::write_geojson(points, out);
    std::printf("wrote %s (%zu sensors, in the network's coordinates; rank is the order greedy chose them)\n",
                out.c_str(), points.size());
  }
  return EXIT_OK;
}

}  // namespace citytwin::app
