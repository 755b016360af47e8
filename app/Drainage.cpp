// `citytwin drainage`: an EPA SWMM file run alone (runoff and kinematic or dynamic wave routing), its results as CSV
// tables that diff against SWMM's.
#include "app/Drainage.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "app/Cli.hpp"
#include "models/drainage/DrainageSimulation.hpp"
#include "models/drainage/SwmmReader.hpp"

namespace citytwin::app {

namespace drainage_model = models::drainage;

namespace {

/// Exit code of a part of a model that dynamic wave routing does not support here (storage units, pumps, regulators).
constexpr int EXIT_UNSUPPORTED = 4;

/// Writes one table: time_s, then one column per object, values divided by `factor` (SI to the file's units).
void write_table(const std::filesystem::path& path, const std::vector<std::string>& ids,
                 const std::vector<double>& times, const std::vector<std::vector<double>>& rows, double factor) {
  const std::filesystem::path partial = path.string() + ".partial";
  {
    std::ofstream out(partial);
    if (!out) throw std::runtime_error(partial.string() + ": cannot be written; check the directory");
    out << "time_s";
    for (const std::string& id : ids) out << ',' << id;
    out << '\n';
    char buf[32];
    for (std::size_t r = 0; r < rows.size(); ++r) {
      std::snprintf(buf, sizeof buf, "%.10g", times[r]);
      out << buf;
      for (double v : rows[r]) {
        std::snprintf(buf, sizeof buf, "%.6g", v / factor);
        out << ',' << buf;
      }
      out << '\n';
    }
    if (!out) throw std::runtime_error(partial.string() + ": write failed");
  }
  std::filesystem::rename(partial, path);
}

std::string routing_name(models::drainage::FlowRouting r) {
  switch (r) {
    case drainage_model::FlowRouting::STEADY: return "steady flow";
    case drainage_model::FlowRouting::KINWAVE: return "kinematic wave";
    case drainage_model::FlowRouting::DYNWAVE: return "dynamic wave";
  }
  return "";
}

}  // namespace

int drainage(int argc, char** argv) {
  cxxopts::Options o("citytwin drainage",
                     "Runs an EPA SWMM 5 input file (.inp) alone: rain on its subcatchments turned into runoff by "
                     "SWMM 5.2's nonlinear reservoirs and Horton infiltration, and the runoff routed by the file's "
                     "FLOW_ROUTING (or --routing): through conduits, storage units, orifices, weirs and outlets by "
                     "kinematic wave, or through junctions, conduits and free, normal or fixed outfalls by SWMM 5.2's "
                     "dynamic wave (Picard iterations, its variable step when VARIABLE_STEP is set), over the file's "
                     "own duration and time steps, and prints a summary with the continuity errors. With --csv it "
                     "writes node_depth.csv, node_flooding.csv, link_flow.csv and runoff.csv: a time_s column (the "
                     "end of each report step), then one column per node, link or subcatchment in file order, one row "
                     "per report time, in the file's own units (depths in ft or m, flows in its flow units), so that "
                     "the results diff against SWMM's.");
  o.add_options()
      ("model", "EPA SWMM input file", cxxopts::value<std::string>())
      ("csv", "directory for node_depth.csv, node_flooding.csv, link_flow.csv and runoff.csv (created if needed)",
       cxxopts::value<std::string>())
      ("routing", "flow routing: kinwave (kinematic wave), steady (steady flow), dynwave (dynamic wave) or file "
                  "(the file's FLOW_ROUTING)",
       cxxopts::value<std::string>()->default_value("file"))
      ("q,quiet", "print nothing but errors")
      ("h,help", "show this help");
  o.parse_positional({"model"});
  o.positional_help("MODEL.inp");
  auto args = parse(o, argc, argv);
  if (args.count("help")) {
    std::cout << o.help()
              << "\nExit codes: 0 run, 2 unreadable or malformed model (the message names the file and line) or a "
                 "part of it not modelled, 4 dynamic wave routing asked for a part it does not support here (storage "
                 "units, pumps, orifices, weirs, outlets, tidal or time-series outfalls, culvert inlet control, "
                 "conduit lengthening; use --routing kinwave), 1 internal error\n";
    return EXIT_OK;
  }
  if (!args.count("model")) throw UsageError("'drainage' needs an EPA SWMM input file (.inp)");
  const std::string routing = args["routing"].as<std::string>();
  if (routing != "kinwave" && routing != "steady" && routing != "dynwave" && routing != "file")
    throw UsageError("--routing takes kinwave, steady, dynwave or file, not '" + routing + "'");
  const bool quiet = args.count("quiet") > 0;

  const drainage_model::DrainageNetwork net = drainage_model::read_swmm(args["model"].as<std::string>());
  const drainage_model::FlowRouting method = routing == "kinwave"  ? drainage_model::FlowRouting::KINWAVE
                                             : routing == "steady" ? drainage_model::FlowRouting::STEADY
                                             : routing == "dynwave" ? drainage_model::FlowRouting::DYNWAVE
                                                                    : net.options.flow_routing;
  drainage_model::DrainageResults r;
  try {
    r = drainage_model::simulate_drainage(net, method);
  } catch (const drainage_model::UnsupportedRouting& e) {
    std::cerr << e.what() << " (--routing kinwave)\n";
    return EXIT_UNSUPPORTED;
  }

  if (args.count("csv")) {
    const std::filesystem::path dir = args["csv"].as<std::string>();
    std::filesystem::create_directories(dir);
    std::vector<std::string> nodes, links, subcatchments;
    for (const auto& n : net.nodes) nodes.push_back(n.id);
    for (const auto& k : net.links) links.push_back(k.id);
    for (const auto& s : net.subcatchments) subcatchments.push_back(s.id);
    write_table(dir / "node_depth.csv", nodes, r.time_s, r.node_depth_m, net.units.length_m);
    write_table(dir / "node_flooding.csv", nodes, r.time_s, r.node_flooding_m3s, net.units.flow_m3s);
    write_table(dir / "link_flow.csv", links, r.time_s, r.link_flow_m3s, net.units.flow_m3s);
    write_table(dir / "runoff.csv", subcatchments, r.time_s, r.runoff_m3s, net.units.flow_m3s);
  }
  if (quiet) return EXIT_OK;

  double flooded = 0.0;
  for (double v : r.flooded_m3) flooded += v;
  std::printf("%s: %zu subcatchments, %zu nodes, %zu links; %s routing, %zu report times\n", net.path.c_str(),
              net.subcatchments.size(), net.nodes.size(), net.links.size(), routing_name(method).c_str(),
              r.time_s.size());
  std::printf("runoff: rain %.1f m3, infiltration %.1f m3, runoff %.1f m3, continuity error %.3f %%\n",
              r.runoff.rain_m3, r.runoff.infiltration_m3, r.runoff.runoff_m3, 100.0 * r.runoff.error());
  std::printf("routing: inflow %.1f m3, outflow %.1f m3, flooding %.1f m3, continuity error %.3f %%\n",
              r.routing.inflow_m3, r.routing.outflow_m3, flooded, 100.0 * r.routing.error());
  if (r.ode_failures > 0 || r.continuity_failures > 0)
    std::printf("warnings: %d runoff steps did not converge, %d conduit steps were not solved\n", r.ode_failures,
                r.continuity_failures);
  if (args.count("csv"))
    std::printf("wrote %s/{node_depth,node_flooding,link_flow,runoff}.csv\n", args["csv"].as<std::string>().c_str());
  return EXIT_OK;
}

}  // namespace citytwin::app
