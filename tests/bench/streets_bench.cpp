// Benchmark of the street graph: a synthetic town of 100,000 intersections, contraction hierarchy queries against
// Boost's Dijkstra and networkx, and loading an OpenStreetMap extract; prints wall times, queries per second and
// peak memory.
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include "models/streets/StreetGraph.hpp"
#include "models/streets/TravelTimes.hpp"
#include "sim/Json.hpp"
#include "sim/RandomStream.hpp"

using citytwin::models::StreetEdge;
using citytwin::models::StreetGraph;
using citytwin::models::StreetRouter;
using citytwin::models::TravelTimes;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Peak resident memory of the process so far, in MiB (getrusage reports KiB on Linux).
double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

/// Bytes held by the graph's public arrays (vertices, edges, shapes, adjacency).
double graph_bytes(const StreetGraph& g) {
  return static_cast<double>(g.vertex_count() * sizeof(citytwin::models::StreetVertex) +
                             g.edge_count() * sizeof(StreetEdge) +
                             g.shape_points().size() * sizeof(citytwin::sim::Point) +
                             (g.vertex_count() + 1 + g.out_edges().size()) * sizeof(std::uint32_t));
}

struct EdgeTime {
  double time_s = 0.0;
};
using Csr = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, EdgeTime>;
struct Found {};

/// Stops Boost's Dijkstra when the target is settled.
struct StopAtTarget : boost::default_dijkstra_visitor {
  std::uint32_t target = 0;
  template <class Graph>
  void finish_vertex(std::uint32_t u, const Graph&) const {
    if (u == target) throw Found{};
  }
};

using Pairs = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

/// What the networkx peer returned: its load and query wall times in seconds and one answer per pair (NaN where
/// it found no path), or, if it did not run, why.
struct NetworkxRun {
  std::string skipped;  ///< empty if the peer ran
  std::string version;
  double load_s = 0.0;
  double query_s = 0.0;
  double total_s = 0.0;  ///< writing the files, starting Python, loading and querying
  std::vector<double> times_s;
};

/// A temporary directory, removed with everything in it when this goes out of scope.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string name = (std::filesystem::temp_directory_path() / "streets_bench.XXXXXX").string();
    if (mkdtemp(name.data()) != nullptr) path = name;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    if (!path.empty()) std::filesystem::remove_all(path, ignored);
  }
};

/// The first line of a text file, or "" if it cannot be read.
std::string first_line(const std::filesystem::path& file) {
  std::string line;
  if (FILE* f = std::fopen(file.c_str(), "r")) {
    std::array<char, 512> buf{};
    if (std::fgets(buf.data(), static_cast<int>(buf.size()), f)) line = buf.data();
    std::fclose(f);
  }
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

/// Runs tests/bench/streets_networkx.py on the graph and `pairs` through /usr/bin/python3.
NetworkxRun run_networkx(const StreetGraph& g, const Pairs& pairs) {
  NetworkxRun run;
  auto start = Clock::now();
  const char* python = "/usr/bin/python3";
  if (access(python, X_OK) != 0) {
    run.skipped = std::string(python) + " is not installed";
    return run;
  }

  // 1. The graph and the pairs as text files in a temporary directory; times with 17 significant digits.
  TempDir dir;
  if (dir.path.empty()) {
    run.skipped = "cannot create a temporary directory: " + std::string(std::strerror(errno));
    return run;
  }
  const std::filesystem::path edges_file = dir.path / "edges.txt", pairs_file = dir.path / "pairs.txt",
                              errors_file = dir.path / "stderr.txt";
  FILE* edges = std::fopen(edges_file.c_str(), "w");
  FILE* queries = std::fopen(pairs_file.c_str(), "w");
  bool written = edges != nullptr && queries != nullptr;
  if (edges) {
    written = std::fprintf(edges, "%zu\n", g.vertex_count()) > 0 && written;
    for (const StreetEdge& e : g.edges())
      written = std::fprintf(edges, "%u %u %.17g\n", e.from, e.to, e.time_s) > 0 && written;
    written = std::fclose(edges) == 0 && written;
  }
  if (queries) {
    for (const auto& [from, to] : pairs) written = std::fprintf(queries, "%u %u\n", from, to) > 0 && written;
    written = std::fclose(queries) == 0 && written;
  }
  if (!written) {
    run.skipped = "cannot write the graph to " + dir.path.string();
    return run;
  }

  // 2. Run the script; its JSON comes on stdout, a reason for failing on stderr.
  std::string command = std::string(python) + " '" CITYTWIN_STREETS_NETWORKX_SCRIPT "' '" + edges_file.string() +
                        "' '" + pairs_file.string() + "' 2>'" + errors_file.string() + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    run.skipped = "cannot run " + command;
    return run;
  }
  std::string output;
  std::array<char, 4096> buf{};
  while (std::size_t got = std::fread(buf.data(), 1, buf.size(), pipe)) output.append(buf.data(), got);
  int status = pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string reason = first_line(errors_file);
    run.skipped = "streets_networkx.py failed" + (reason.empty() ? std::string() : ": " + reason);
    return run;
  }

  // 3. Read the answers.
  citytwin::sim::Json json = citytwin::sim::Json::parse(output, nullptr, false);
  if (json.is_discarded() || !json.contains("times_s") || !json["times_s"].is_array() ||
      json["times_s"].size() != pairs.size()) {
    run.skipped = "streets_networkx.py printed no answers for the " + std::to_string(pairs.size()) + " pairs";
    return run;
  }
  run.version = json.value("networkx_version", std::string("?"));
  run.load_s = json.value("load_s", 0.0);
  run.query_s = json.value("query_s", 0.0);
  for (const auto& t : json["times_s"])
    run.times_s.push_back(t.is_number() ? t.get<double>() : std::numeric_limits<double>::quiet_NaN());
  run.total_s = seconds_since(start);
  return run;
}

void usage() {
  std::puts(
      "streets_bench: builds a synthetic grid town of about 100,000 intersections, its contraction hierarchy,\n"
      "answers 100,000 random shortest-path queries, compares with Boost's Dijkstra (stopped at the target)\n"
      "and networkx's bidirectional Dijkstra (/usr/bin/python3, skipped if missing) on samples, and loads an\n"
      "OpenStreetMap extract.\n"
      "\n"
      "usage: streets_bench [--quick] [--map FILE] [--memory SIDE] [--help]\n"
      "  --quick        a small town (60 x 60) and 10,000 queries, for smoke runs in CI\n"
      "  --map FILE     the extract to load (default: scenarios/maps/aguascalientes.osm.pbf)\n"
      "  --memory SIDE  only build a SIDE x SIDE town and its hierarchy, answer 1,000 queries and print the\n"
      "                 peak memory (the main run calls itself so for three sizes, each in its own process)\n"
      "  --help      this text\n"
      "Targets: each part under 30 s on one core; memory linear in the number of streets.");
}

/// Builds a side x side town and its hierarchy, answers 1,000 queries, and prints one line with the peak
/// memory of this process.
int memory_only(std::uint32_t side) {
  StreetGraph g = StreetGraph::grid(side, side, 100.0, {}, 8, 0.2, 1);
  StreetRouter router(g);
  TravelTimes travel(router);
  citytwin::sim::RandomStream rng(1, 0, 0, "bench_pairs");
  auto n = static_cast<std::uint32_t>(g.vertex_count());
  double sum_s = 0;
  for (int q = 0; q < 1000; ++q) sum_s += travel.between(rng.uniform_int(n), rng.uniform_int(n));
  std::printf("  %4u x %-4u %7zu intersections: peak RSS %7.1f MiB, %5.0f bytes per intersection (mean query %.0f s)\n",
              side, side, g.vertex_count(), peak_rss_mib(),
              peak_rss_mib() * 1024.0 * 1024.0 / static_cast<double>(g.vertex_count()), sum_s / 1000.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::string map = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/maps/aguascalientes.osm.pbf";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      usage();
      return 0;
    } else if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[i], "--map") == 0 && i + 1 < argc) {
      map = argv[++i];
    } else if (std::strcmp(argv[i], "--memory") == 0 && i + 1 < argc) {
      return memory_only(static_cast<std::uint32_t>(std::strtoul(argv[++i], nullptr, 10)));
    } else {
      std::fprintf(stderr, "streets_bench: unknown argument '%s'; see --help\n", argv[i]);
      return 2;
    }
  }
  const std::uint32_t side = quick ? 60 : 317;
  const int queries = quick ? 10'000 : 100'000;
  const int dijkstra_sample = quick ? 100 : 300;
  // networkx takes about 0.36 s a query on the full town: 40 keep its part under 20 s on one core.
  const int networkx_sample = quick ? 5 : 40;

  // 1. The synthetic town: a grid with an arterial every 8th street and 20 % one-way residential blocks.
  auto start = Clock::now();
  StreetGraph g = StreetGraph::grid(side, side, 100.0, {}, 8, 0.2, 1);
  double build_s = seconds_since(start);
  std::printf("grid town %ux%u: %zu intersections, %zu street edges (%zu intersections dropped outside the largest "
              "strongly connected component)\n",
              side, side, g.vertex_count(), g.edge_count(), g.report().dropped_vertices);
  std::printf("  build graph:          %8.3f s   (%.0f bytes per intersection in graph arrays)\n", build_s,
              graph_bytes(g) / static_cast<double>(g.vertex_count()));

  // 2. Contraction hierarchy.
  start = Clock::now();
  StreetRouter router(g);
  double ch_s = seconds_since(start);
  std::printf("  contraction hierarchy:%8.3f s   (%zu shortcuts, %.2f per intersection)\n", ch_s,
              router.shortcut_count(),
              static_cast<double>(router.shortcut_count()) / static_cast<double>(g.vertex_count()));

  // 3. Random point-to-point queries.
  auto n = static_cast<std::uint32_t>(g.vertex_count());
  citytwin::sim::RandomStream rng(1, 0, 0, "bench_pairs");
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs(static_cast<std::size_t>(queries));
  for (auto& p : pairs) p = {rng.uniform_int(n), rng.uniform_int(n)};
  TravelTimes tt(router);
  std::vector<double> answers(pairs.size());
  start = Clock::now();
  for (std::size_t i = 0; i < pairs.size(); ++i) answers[i] = tt.between(pairs[i].first, pairs[i].second);
  double query_s = seconds_since(start);
  std::printf("  %d CH queries:    %8.3f s   (%.0f queries/s, %.1f us each)\n", queries, query_s,
              queries / query_s, 1e6 * query_s / queries);

  // 4. Boost's plain Dijkstra, stopped when the target is settled, on a sample of the same queries.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edge_pairs;
  std::vector<EdgeTime> times;
  for (const StreetEdge& e : g.edges()) {
    edge_pairs.emplace_back(e.from, e.to);
    times.push_back({e.time_s});
  }
  Csr csr(boost::edges_are_unsorted_multi_pass, edge_pairs.begin(), edge_pairs.end(), times.begin(), n);
  std::vector<double> dist(n);
  std::vector<std::uint32_t> parent(n);
  int mismatches = 0;
  start = Clock::now();
  for (int i = 0; i < dijkstra_sample; ++i) {
    StopAtTarget stop;
    stop.target = pairs[static_cast<std::size_t>(i)].second;
    try {
      boost::dijkstra_shortest_paths(
          csr, pairs[static_cast<std::size_t>(i)].first,
          boost::predecessor_map(boost::make_iterator_property_map(parent.begin(), boost::get(boost::vertex_index, csr)))
              .distance_map(boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, csr)))
              .weight_map(boost::get(&EdgeTime::time_s, csr))
              .visitor(stop));
    } catch (const Found&) {
    }
    double expected = dist[stop.target];
    if (std::abs(expected - answers[static_cast<std::size_t>(i)]) > 1e-9 * std::max(1.0, expected)) ++mismatches;
  }
  double dijkstra_s = seconds_since(start);
  double per_dijkstra = dijkstra_s / dijkstra_sample, per_ch = query_s / queries;
  std::printf("  %d Boost Dijkstra:     %8.3f s   (%.0f queries/s; CH is %.0f times faster; %d answers differ)\n",
              dijkstra_sample, dijkstra_s, 1.0 / per_dijkstra, per_dijkstra / per_ch, mismatches);

  // 5. networkx's bidirectional Dijkstra in a Python subprocess, on the first pairs of the same sample.
  NetworkxRun nx = run_networkx(g, Pairs(pairs.begin(), pairs.begin() + networkx_sample));
  int networkx_mismatches = 0;
  if (!nx.skipped.empty()) {
    std::printf("  networkx peer skipped: %s\n", nx.skipped.c_str());
  } else {
    double worst_relative = 0.0;
    for (std::size_t i = 0; i < nx.times_s.size(); ++i) {
      double ours = answers[i], theirs = nx.times_s[i];
      double difference = std::abs(theirs - ours);
      double scale = std::max(std::abs(ours), std::abs(theirs));
      if (!(difference <= 1e-9 * scale)) ++networkx_mismatches;
      if (scale > 0.0) worst_relative = std::max(worst_relative, difference / scale);
    }
    double per_networkx = nx.query_s / networkx_sample;
    std::printf("  %d networkx bidirectional Dijkstra: %8.3f s   (%.1f queries/s; CH is %.0f times faster; %s)\n",
                networkx_sample, nx.query_s, 1.0 / per_networkx, per_networkx / per_ch,
                networkx_mismatches == 0 ? "answers agree to 1e-9" : "ANSWERS DIFFER");
    if (networkx_mismatches != 0)
      std::printf("    %d of %d answers differ by more than 1e-9 relative (largest difference %.3g)\n",
                  networkx_mismatches, networkx_sample, worst_relative);
    std::printf("  networkx %s load:     %8.3f s   (DiGraph from the edge file; whole peer %.3f s, with writing the "
                "files and starting Python)\n",
                nx.version.c_str(), nx.load_s, nx.total_s);
  }

  // 6. An OpenStreetMap extract.
  start = Clock::now();
  StreetGraph osm = StreetGraph::from_osm(map);
  double osm_s = seconds_since(start);
  start = Clock::now();
  StreetRouter osm_router(osm);
  double osm_ch_s = seconds_since(start);
  std::printf("%s: %zu ways read, %zu intersections, %zu street edges, %.1f km of streets\n", map.c_str(),
              osm.report().ways_read, osm.vertex_count(), osm.edge_count(), osm.total_length_m() / 1000.0);
  std::printf("  load and build:       %8.3f s   (%.0f ways/s)\n", osm_s,
              static_cast<double>(osm.report().ways_read) / osm_s);
  std::printf("  contraction hierarchy:%8.3f s\n", osm_ch_s);

  std::printf("peak memory: %.1f MiB (%.0f bytes per intersection of the synthetic town)\n", peak_rss_mib(),
              peak_rss_mib() * 1024.0 * 1024.0 / static_cast<double>(g.vertex_count()));

  // 7. Memory against the size of the town, each size in its own process so that its peak is its own.
  std::printf("memory scaling (graph, hierarchy and 1,000 queries; each in its own process):\n");
  std::fflush(stdout);
  for (std::uint32_t s : {side / 4, side / 2, side}) {
    std::string command = std::filesystem::read_symlink("/proc/self/exe").string() + " --memory " + std::to_string(s);
    if (std::system(command.c_str()) != 0) std::printf("  %u x %u: the child run failed\n", s, s);
    std::fflush(stdout);
  }
  bool ok = build_s < 30 && ch_s < 30 && query_s < 30 && osm_s < 30 && mismatches == 0 &&
            networkx_mismatches == 0;
  std::printf("%s\n", ok ? "all parts under 30 s, CH answers equal Dijkstra's" : "TARGET MISSED");
  return ok ? 0 : 1;
}
