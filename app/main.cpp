// The citytwin program: run, compare and validate scenarios, list models, place sensors, shadow live devices,
// run a pipe network's hydraulics.
//
// Exit codes: 0 success; 1 internal error; 2 bad input (command line, scenario); 3 a live connection failed;
// 130 interrupted.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "app/Cli.hpp"
#include "app/Floods.hpp"
#include "app/Live.hpp"
#include "app/Progress.hpp"
#include "app/Report.hpp"
#include "app/Drainage.hpp"
#include "app/Water.hpp"
#include "models/City.hpp"
#include "models/PublicSafety.hpp"
#include "models/placement/PlacementProblem.hpp"
#include "models/streets/StreetGraph.hpp"
#include "outputs/GeoJson.hpp"
#include "outputs/Hdf5Writer.hpp"
#include "sim/Experiment.hpp"
#include "sim/Registry.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Scenario.hpp"
#include "sim/Statistics.hpp"

#ifndef CITYTWIN_VERSION
#define CITYTWIN_VERSION "unknown"
#endif

namespace {

using namespace citytwin;

using app::ConnectionError;
using app::EXIT_BAD_INPUT;
using app::EXIT_CONNECTION;
using app::EXIT_INTERNAL;
using app::EXIT_INTERRUPTED;
using app::EXIT_OK;
using app::parse;
using app::UsageError;

const char* USAGE =
    "citytwin " CITYTWIN_VERSION " - a discrete-event simulator and digital twin of a town's safety and services\n"
    "\n"
    "Usage: citytwin COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  run SCENARIO        run every option of a scenario and write the results (HDF5)\n"
    "  compare SCENARIO    run every option and print a side-by-side KPI table with 95% intervals\n"
    "  validate SCENARIO   check a scenario file and print what it would run\n"
    "  list-models         list the model components and their parameters\n"
    "  map FILE            read an OpenStreetMap extract as a street graph and describe it\n"
    "  place SCENARIO      choose microphone or level gauge sites (greedy, against random and the exact optimum)\n"
    "  place NET.inp       choose pressure sensor sites on a pipe network that see the most leaks (same methods)\n"
    "  hydraulics NET.inp  run an EPANET network file's hydraulics alone; --csv DIR writes heads, pressures, flows\n"
    "  drainage MODEL.inp  run an EPA SWMM file's runoff and routing (kinematic, dynamic wave); --csv DIR writes tables\n"
    "  leaks NET.inp       a year of leaks on a network, its sensors and the leak-detection core, scored (BattLeDIM)\n"
    "  shadow SCENARIO     run the scenario's detection core on live devices beside the existing system\n"
    "  schema              print the JSON Schema that scenario files are checked against\n"
    "\n"
    "Options: --help (also after a command), --version\n"
    "Exit codes: 0 success, 1 internal error, 2 bad input, 3 a live connection failed, 130 interrupted\n";

/// A simulated span for people: "365 d", "36 h", "15 min".
std::string simulated(sim::Time t) {
  double s = t.to_seconds();
  char buf[32];
  if (s >= 2 * 86400.0)
    std::snprintf(buf, sizeof buf, "%g d", s / 86400.0);
  else if (s >= 2 * 3600.0)
    std::snprintf(buf, sizeof buf, "%g h", s / 3600.0);
  else
    std::snprintf(buf, sizeof buf, "%g min", s / 60.0);
  return buf;
}

sim::Registry make_registry() {
  sim::Registry r;
  models::register_models(r);
  return r;
}

// Options shared by run and compare.
void add_run_options(cxxopts::Options& o, const std::string& default_output_note) {
  o.add_options()
      ("scenario", "scenario file (YAML)", cxxopts::value<std::string>())
      ("o,output", "results file (HDF5); default " + default_output_note, cxxopts::value<std::string>())
      ("threads", "worker threads (0: all cores)", cxxopts::value<unsigned>()->default_value("0"))
      ("replications", "replications per option (overrides the scenario)", cxxopts::value<unsigned>())
      ("seed", "random seed (overrides the scenario)", cxxopts::value<std::uint64_t>())
      ("set", "override a scenario key, e.g. --set platform.operators=3 (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("summary-json", "print the KPIs as JSON on stdout (no timings, for scripts)")
      ("kpis", "compare: show only the KPIs whose names match this regular expression, e.g. --kpis 'gunfire|response'",
       cxxopts::value<std::string>())
      ("q,quiet", "no progress output")
      ("h,help", "show this help");
  o.parse_positional({"scenario"});
  o.positional_help("SCENARIO");
}

std::vector<std::string> overrides_from(const cxxopts::ParseResult& args) {
  std::vector<std::string> out;
  if (args.count("seed")) out.push_back("seed=" + std::to_string(args["seed"].as<std::uint64_t>()));
  if (args.count("replications")) {
    unsigned n = args["replications"].as<unsigned>();
    if (n == 0) throw UsageError("--replications must be at least 1");
    out.push_back("replications=" + std::to_string(n));
  }
  if (args.count("set"))
    for (const auto& s : args["set"].as<std::vector<std::string>>()) out.push_back(s);
  return out;
}

std::string require_scenario(const cxxopts::ParseResult& args, const char* command) {
  if (!args.count("scenario")) throw UsageError(std::string("'") + command + "' needs a scenario file");
  return args["scenario"].as<std::string>();
}

int run_or_compare(int argc, char** argv, bool compare) {
  const char* name = compare ? "compare" : "run";
  cxxopts::Options o(std::string("citytwin ") + name,
                     compare ? "Runs every option of a scenario and prints the KPIs side by side, each as the mean and "
                               "the half-width of its 95% confidence interval; also writes the results file."
                             : "Runs every option (and sweep point) of a scenario, each replication as one task in "
                               "parallel, and writes the results to one HDF5 file.");
  add_run_options(o, "SCENARIO's name with .h5, in the current directory");
  if (!compare) app::add_publish_options(o);
  auto args = parse(o, argc, argv);
  if (args.count("help")) {
    std::cout << o.help({"", "Device fleet"})
              << "\nExit codes: 0 success, 1 internal error, 2 bad input, 3 a broker that cannot be reached (--publish), "
                 "130 interrupted\n";
    return EXIT_OK;
  }
  std::string path = require_scenario(args, name);
  if (args.count("kpis")) {
    try {
      std::regex check(args["kpis"].as<std::string>());
    } catch (const std::regex_error& e) {
      throw UsageError("--kpis " + args["kpis"].as<std::string>() + ": not a regular expression (" + e.what() + ")");
    }
  }
  sim::Registry registry = make_registry();
  sim::Scenario scenario = sim::Scenario::load_file(path, registry, overrides_from(args));
  std::string output = args.count("output") ? args["output"].as<std::string>()
                                            : std::filesystem::path(path).stem().string() + ".h5";

  bool quiet = args.count("quiet") > 0;
  if (!compare && args.count("publish")) return app::rehearse(args, scenario, output, quiet, CITYTWIN_VERSION);
  app::Progress progress(!quiet, isatty(STDERR_FILENO) != 0);
  sim::ExperimentSettings settings;
  settings.threads = args["threads"].as<unsigned>();
  settings.cancelled = &app::interrupted();
  settings.on_progress = [&](double f, std::size_t done, std::size_t total) { progress.update(f, done, total); };
  if (!quiet)
    std::fprintf(stderr, "%s: %zu option(s) x %u replication(s), %s of simulated time each\n", path.c_str(),
                 scenario.variants().size(), scenario.replications(),
                 simulated(scenario.duration()).c_str());

  app::catch_interruptions();
  sim::RunResults results = sim::run_experiment(scenario, models::build_model, settings);
  progress.finish();
  if (app::interrupted().load()) {
    std::fprintf(stderr, "interrupted: no results written\n");
    return EXIT_INTERRUPTED;
  }

  outputs::write_hdf5(results, output);
  if (!quiet) std::fprintf(stderr, "wrote %s\n", output.c_str());
  if (compare) std::cout << app::kpi_table(results, true, args.count("kpis") ? args["kpis"].as<std::string>() : "");
  if (args.count("summary-json")) std::cout << app::summary_json(results).dump(2) << '\n';
  return EXIT_OK;
}

int validate(int argc, char** argv) {
  cxxopts::Options o("citytwin validate", "Checks a scenario file against the registered models and prints what "
                                          "it would run. Errors name the file, line, column and key.");
  o.add_options()
      ("scenario", "scenario file (YAML)", cxxopts::value<std::string>())
      ("set", "override a scenario key, e.g. --set platform.operators=3 (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("print", "print the fully resolved scenario (defaults filled)")
      ("h,help", "show this help");
  o.parse_positional({"scenario"});
  o.positional_help("SCENARIO");
  auto args = parse(o, argc, argv);
  if (args.count("help")) {
    std::cout << o.help() << "\nExit codes: 0 valid, 2 invalid, 1 internal error\n";
    return EXIT_OK;
  }
  std::string path = require_scenario(args, "validate");
  sim::Registry registry = make_registry();
  sim::Scenario scenario = sim::Scenario::load_file(path, registry, overrides_from(args));
  // Building each variant's model catches combinations the schema cannot see.
  for (const auto& v : scenario.variants()) models::build_model(v);
  if (args.count("print")) std::cout << scenario.resolved_yaml() << '\n';
  std::cout << path << ": valid; " << scenario.variants().size() << " option(s) x " << scenario.replications()
            << " replication(s), " << simulated(scenario.duration())
            << " of simulated time each\n";
  for (const auto& v : scenario.variants()) std::cout << "  " << v.label << '\n';
  return EXIT_OK;
}

/// One line per parameter with its type, unit and default, and its description below; nested sections indented.
void print_params(const std::vector<sim::ParamSpec>& params, const std::string& indent) {
  for (const auto& p : params) {
    if (p.type == sim::ParamType::SECTION) {
      std::cout << indent << p.name << ": (section, " << (p.default_value.is_null() ? "optional" : "always present")
                << ") " << p.description << '\n';
      print_params(p.children, indent + "  ");
      continue;
    }
    std::string def = p.default_value.is_null() ? "required" : "default " + p.default_value.dump();
    std::cout << indent << p.name << " (" << sim::describe_type(p) << (p.unit.empty() ? "" : ", unit " + p.unit)
              << ", " << def << ")\n" << indent << "    " << p.description << '\n';
  }
}

int list_models(int argc, char** argv) {
  cxxopts::Options o("citytwin list-models", "Lists the model components a scenario can use, with their parameters, "
                                             "units and defaults.");
  o.add_options()("h,help", "show this help");
  auto args = parse(o, argc, argv);
  if (args.count("help")) {
    std::cout << o.help();
    return EXIT_OK;
  }
  sim::Registry registry = make_registry();
  std::cout << "Models (the scenario's 'model' key; the first is the default):\n";
  for (const auto& m : registry.models()) {
    std::cout << "  " << m.name << ": " << m.description << "\n      sections:";
    for (const auto& s : m.sections) std::cout << ' ' << s;
    std::cout << '\n';
  }
  std::cout << "\nSections:\n\n";
  for (const auto& c : registry.components()) {
    std::cout << c.name << ": " << c.description << '\n';
    print_params(c.params, "  ");
    std::cout << '\n';
  }
  return EXIT_OK;
}

int map(int argc, char** argv) {
  cxxopts::Options o("citytwin map", "Reads an OpenStreetMap extract (.osm, .osm.bz2, .osm.pbf) as the street graph "
                                     "a scenario would get, and describes it: what was kept and dropped, the "
                                     "local frame, and where given points fall in it.");
  o.add_options()
      ("file", "map file", cxxopts::value<std::string>())
      ("at", "a point as LAT,LON in degrees, printed as [x, y] metres in the local frame (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("h,help", "show this help");
  o.parse_positional({"file"});
  o.positional_help("FILE");
  auto args = parse(o, argc, argv);
  if (args.count("help")) {
    std::cout << o.help() << "\nExit codes: 0 read, 2 unreadable map or bad point, 1 internal error\n";
    return EXIT_OK;
  }
  if (!args.count("file")) throw UsageError("'map' needs a map file");
  models::StreetGraph g = models::StreetGraph::from_osm(args["file"].as<std::string>());
  const models::StreetReport& r = g.report();
  std::printf("%s: %zu ways read, %zu drivable; %zu way nodes missing from the file\n", r.source.c_str(),
              r.ways_read, r.drivable_ways, r.missing_nodes);
  std::printf("street graph: %zu intersections, %zu street edges; dropped outside the largest strongly "
              "connected component: %zu intersections, %zu edges\n",
              g.vertex_count(), g.edge_count(), r.dropped_vertices, r.dropped_edges);
  // Length per class, a two-way street counted once.
  std::array<double, models::ROAD_CLASS_COUNT> length_m{};
  for (std::uint32_t e = 0; e < g.edge_count(); ++e) {
    const models::StreetEdge& edge = g.edges()[e];
    if (edge.reverse == models::StreetEdge::NO_EDGE || e < edge.reverse)
      length_m[static_cast<std::size_t>(edge.road_class)] += edge.length_m;
  }
  std::printf("streets by class (km):");
  for (std::size_t c = 0; c < length_m.size(); ++c)
    if (length_m[c] > 0)
      std::printf(" %s %.2f", std::string(models::road_class_name(static_cast<models::RoadClass>(c))).c_str(),
                  length_m[c] / 1000.0);
  auto [lo, hi] = g.bounds();
  std::printf("\nlocal frame: origin %.7f, %.7f (lat, lon; the south-west corner), x east, y north; the streets "
              "span %.0f m x %.0f m\n",
              g.frame().origin_lat_deg(), g.frame().origin_lon_deg(), hi.x_m - lo.x_m, hi.y_m - lo.y_m);
  for (const std::string& w : r.warnings) std::printf("warning: %s\n", w.c_str());
  if (args.count("at"))
    for (const std::string& at : args["at"].as<std::vector<std::string>>()) {
      double lat = 0, lon = 0;
      char extra = 0;
      if (std::sscanf(at.c_str(), "%lf,%lf%c", &lat, &lon, &extra) != 2 || std::fabs(lat) > 90 || std::fabs(lon) > 180)
        throw UsageError("--at " + at + ": expected LAT,LON in degrees, e.g. --at 21.8690,-102.2730");
      sim::Point p = g.frame().to_local(lat, lon);
      models::StreetLocation s = g.snap(p);
      std::printf("%s -> [%.0fm, %.0fm]; nearest street %.0f m away\n", at.c_str(), p.x_m, p.y_m, s.distance_m);
    }
  return EXIT_OK;
}

int place(int argc, char** argv) {
  cxxopts::Options o("citytwin place",
                     "Chooses where the microphones of a public-safety scenario go: lazy greedy (CELF) over simulated "
                     "shots for the expected min(microphones that hear a shot, 3) / 3, against random placements and, on "
                     "a subset small enough, the exact MILP optimum (GLPK); writes the chosen sites as GeoJSON. On a "
                     "floods scenario, the level gauges: lazy greedy over the training storms' floods for the mean best "
                     "lead time any chosen gauge gives, against random placements and the MILP optimum of the whole "
                     "problem (--exact; the --exact-* subset options do not apply).");
  o.add_options()
      ("scenario", "scenario file (YAML), model public_safety or floods", cxxopts::value<std::string>())
      ("option", "the option (or variant label) whose microphones (gauges) to place; default: the first with any",
       cxxopts::value<std::string>())
      ("count", "microphones (gauges) to place (overrides microphones.count or flood_gauges.count)",
       cxxopts::value<unsigned>())
      ("random", "random placements to compare with", cxxopts::value<unsigned>()->default_value("100"))
      ("exact", "also solve exactly with the MILP (the whole problem, or the subset the next options give) and report "
                "greedy's gap")
      ("exact-candidates", "candidate sites in the exact subset", cxxopts::value<unsigned>()->default_value("120"))
      ("exact-samples", "simulated shots in the exact subset", cxxopts::value<unsigned>()->default_value("600"))
      ("exact-count", "microphones in the exact subset", cxxopts::value<unsigned>()->default_value("8"))
      ("time-limit", "seconds the MILP may take", cxxopts::value<double>()->default_value("120"))
      ("o,output", "write the chosen sites to this GeoJSON file", cxxopts::value<std::string>())
      ("set", "override a scenario key (repeatable)", cxxopts::value<std::vector<std::string>>())
      ("h,help", "show this help");
  o.parse_positional({"scenario"});
  o.positional_help("SCENARIO");
  auto args = parse(o, argc, argv);
  if (args.count("help")) {
    std::cout << o.help() << "\nExit codes: 0 placed, 2 bad input, 1 internal error\n";
    return EXIT_OK;
  }
  std::string path = require_scenario(args, "place");
  std::vector<std::string> overrides;
  if (args.count("set"))
    for (const auto& s : args["set"].as<std::vector<std::string>>()) overrides.push_back(s);
  sim::Registry registry = make_registry();
  sim::Scenario scenario = sim::Scenario::load_file(path, registry, overrides);
  if (scenario.model() == "floods") return app::place_flood_gauges(scenario, path, args);
  if (scenario.model() != "public_safety")
    throw UsageError("'place' places the microphones of a public_safety scenario or the level gauges of a floods "
                     "scenario; " + path + " is a " + scenario.model() + " scenario");
  const sim::Variant* variant = &app::variant_to_place(scenario, args, "microphones", "microphones");
  models::PublicSafetyParams params = models::PublicSafetyParams::from_scenario(variant->params, variant->directory);
  if (args.count("count")) params.microphone_count = args["count"].as<unsigned>();
  if (params.microphone_count == 0) throw UsageError("no microphones to place: give --count N");
  if (params.placement == models::MicrophonePlacement::GIVEN)
    throw UsageError("option '" + variant->label + "' gives its microphones' sites (placement: given); nothing to place");
  params.placement = models::MicrophonePlacement::GREEDY;

  auto started = std::chrono::steady_clock::now();
  models::PublicSafetyModel city(params);
  const models::MicrophonePlan& plan = city.plan();
  double greedy_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::size_t k = plan.chosen.sites.size();
  auto heard_by_3 = [&](const std::vector<std::uint32_t>& sites) {
    std::vector<bool> chosen(plan.candidates.size(), false);
    for (std::uint32_t i : sites) chosen[i] = true;
    std::vector<std::uint32_t> heard(plan.samples.size(), 0);
    for (std::uint32_t i : sites)
      for (std::size_t e = plan.problem->site_begin(i); e < plan.problem->site_end(i); ++e) ++heard[plan.problem->entry_sample(e)];
    return static_cast<double>(std::count_if(heard.begin(), heard.end(), [](std::uint32_t h) { return h >= 3; })) /
           static_cast<double>(heard.size());
  };
  std::printf("%s, option '%s': %zu microphones among %zu candidate sites (of %zu %s, thinned to %.0f m apart), over "
              "%zu simulated shots\n",
              path.c_str(), variant->label.c_str(), k, plan.candidates.size(), plan.candidates_before_spacing,
              params.candidate_sites.empty() ? "street intersections" : "candidate_sites", params.min_spacing_m,
              plan.samples.size());
  std::printf("  greedy (CELF): expected min(heard, 3)/3 = %.4f; heard by 3 or more: %.1f%% of shots; upper bound %.4f "
              "(within %.1f%% of the optimum); %zu gains computed; %.2f s with the simulated shots\n",
              plan.chosen.value, 100.0 * plan.heard_by_3_share, plan.chosen.upper_bound,
              100.0 * (1.0 - plan.chosen.value / plan.chosen.upper_bound), plan.chosen.evaluations, greedy_s);

  unsigned draws = args["random"].as<unsigned>();
  if (draws > 0) {
    sim::RunningStats value, by_3;
    double best = 0.0;
    sim::RandomStream rng(params.seed, 0, 0, "place_random");
    for (unsigned r = 0; r < draws; ++r) {
      models::Placement x = models::place_random(*plan.problem, k, rng);
      value.add(x.value);
      by_3.add(heard_by_3(x.sites));
      best = std::max(best, x.value);
    }
    std::printf("  random (%u draws): %.4f +- %.4f (sd), best %.4f; heard by 3 or more: %.1f%% +- %.1f%%\n", draws,
                value.mean(), value.stddev(), best, 100.0 * by_3.mean(), 100.0 * by_3.stddev());
  }

  if (args.count("exact")) {
    // A subset: every n-th candidate and the first shots, small enough for branch and cut.
    std::size_t m = std::min<std::size_t>(args["exact-candidates"].as<unsigned>(), plan.candidates.size());
    std::size_t samples = std::min<std::size_t>(args["exact-samples"].as<unsigned>(), plan.samples.size());
    std::size_t kk = std::min<std::size_t>(args["exact-count"].as<unsigned>(), m);
    std::vector<std::vector<std::uint32_t>> covering(samples);
    double step = static_cast<double>(plan.candidates.size()) / static_cast<double>(m);
    for (std::size_t c = 0; c < m; ++c) {
      auto i = static_cast<std::uint32_t>(static_cast<double>(c) * step);
      for (std::size_t e = plan.problem->site_begin(i); e < plan.problem->site_end(i); ++e)
        if (plan.problem->entry_sample(e) < samples) covering[plan.problem->entry_sample(e)].push_back(static_cast<std::uint32_t>(c));
    }
    models::PlacementProblem small = models::PlacementProblem::coverage(m, covering, std::vector<double>(samples, 1.0), 3);
    models::Placement g = models::place_greedy(small, kk);
    models::ExactPlacement e = models::place_exact(small, kk, args["time-limit"].as<double>());
    char what[160];
    std::snprintf(what, sizeof what, "%zu of %zu candidates, %zu of %zu shots, %zu microphones", m,
                  plan.candidates.size(), samples, plan.samples.size(), kk);
    if (e.optimal)
      std::printf("  exact (%s): greedy %.4f, MILP optimum %.4f: greedy reaches %.2f%% of the optimum (its "
                  "guarantee: %.1f%%); %.1f s\n",
                  what, g.value, e.best.value, 100.0 * g.value / e.best.value, 100.0 * (1.0 - std::exp(-1.0)),
                  e.seconds);
    else
      std::printf("  exact (%s): greedy %.4f, MILP best %.4f and bound %.4f after the time limit: greedy reaches at "
                  "least %.2f%% of the optimum; %.1f s\n",
                  what, g.value, e.best.value, e.bound, 100.0 * g.value / e.bound, e.seconds);
  }

  if (args.count("output")) {
    std::string out = args["output"].as<std::string>();
    std::vector<outputs::GeoPoint> points;
    const models::LocalFrame& frame = params.streets->frame();
    for (std::size_t r = 0; r < k; ++r) {
      sim::Point p = plan.candidates[plan.chosen.sites[r]];
      auto ll = frame.to_geo(p);
      points.push_back({ll[1], ll[0], {{"kind", "microphone"}, {"rank", r + 1}, {"x_m", p.x_m}, {"y_m", p.y_m}}});
    }
    outputs::write_geojson(points, out);
    std::printf("wrote %s (%zu microphones, longitude and latitude; rank is the order greedy chose them)\n",
                out.c_str(), points.size());
  }
  return EXIT_OK;
}

int schema(int argc, char** argv) {
  cxxopts::Options o("citytwin schema", "Prints the JSON Schema (draft 7) that scenario files are checked against.");
  o.add_options()("h,help", "show this help");
  auto args = parse(o, argc, argv);
  if (args.count("help")) {
    std::cout << o.help();
    return EXIT_OK;
  }
  std::cout << sim::scenario_schema(make_registry()).dump(2) << '\n';
  return EXIT_OK;
}

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << USAGE;
    return EXIT_BAD_INPUT;
  }
  std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << USAGE;
    return EXIT_OK;
  }
  if (command == "--version" || command == "-V") {
    std::cout << "citytwin " << CITYTWIN_VERSION << '\n';
    return EXIT_OK;
  }
  // The subcommand parses the rest; argv[1] stands in for the program name.
  int sub_argc = argc - 1;
  char** sub_argv = argv + 1;
  if (command == "run") return run_or_compare(sub_argc, sub_argv, false);
  if (command == "compare") return run_or_compare(sub_argc, sub_argv, true);
  if (command == "validate") return validate(sub_argc, sub_argv);
  if (command == "list-models") return list_models(sub_argc, sub_argv);
  if (command == "schema") return schema(sub_argc, sub_argv);
  if (command == "map") return map(sub_argc, sub_argv);
  if (command == "place") {
    for (int i = 1; i < sub_argc; ++i) {
      const std::string a = sub_argv[i];
      if (a.size() > 4 && a.compare(a.size() - 4, 4, ".inp") == 0) return app::place_pressure_sensors(sub_argc, sub_argv);
    }
    return place(sub_argc, sub_argv);
  }
  if (command == "shadow") return app::shadow(sub_argc, sub_argv, CITYTWIN_VERSION);
  if (command == "hydraulics") return app::hydraulics(sub_argc, sub_argv);
  if (command == "leaks") return app::leaks(sub_argc, sub_argv);
  if (command == "drainage") return app::drainage(sub_argc, sub_argv);
  throw UsageError("unknown command '" + command +
                   "'; commands are run, compare, shadow, hydraulics, leaks, drainage, validate, list-models, map, place, "
                   "schema");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "citytwin: " << e.what() << " (see citytwin --help)\n";
    return EXIT_BAD_INPUT;
  } catch (const sim::ScenarioError& e) {
    std::cerr << e.what() << '\n';
    return EXIT_BAD_INPUT;
  } catch (const ConnectionError& e) {
    std::cerr << "citytwin: " << e.what() << '\n';
    return EXIT_CONNECTION;
  } catch (const std::exception& e) {
    std::cerr << "citytwin: internal error: " << e.what() << '\n';
    return EXIT_INTERNAL;
  }
}
