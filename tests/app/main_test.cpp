// End-to-end tests of the citytwin program: exit codes, error messages, and a real run.
#include <doctest/doctest.h>

#include "TempDir.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "drivers/Broker.hpp"

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int code = -1;
  std::string out;  // stdout and stderr together
};

Outcome program(const std::string& args) {
  std::string cmd = std::string(CITYTWIN_BINARY_DIR) + "/citytwin " + args + " 2>&1";
  Outcome o;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), p)) o.out += buf.data();
  int status = pclose(p);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

fs::path temp_dir() {
  fs::path d = fs::temp_directory_path() / ("citytwin-main-test-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

fs::path write(const std::string& name, const std::string& text) {
  fs::path p = temp_dir() / name;
  std::ofstream(p) << text;
  return p;
}

const std::string SCENARIO = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/roanne-shop-alerts.yaml";

}  // namespace

TEST_CASE("--version and --help succeed and say what the program does") {
  CHECK(program("--version").code == 0);
  Outcome h = program("--help");
  CHECK(h.code == 0);
  CHECK(h.out.find("compare SCENARIO") != std::string::npos);
  CHECK(h.out.find("Exit codes") != std::string::npos);
  for (const char* sub : {"run", "compare", "validate", "list-models", "map", "place", "schema", "shadow"}) {
    CAPTURE(sub);
    Outcome o = program(std::string(sub) + " --help");
    CHECK(o.code == 0);
    CHECK(o.out.find("Usage") != std::string::npos);
  }
}

TEST_CASE("an unknown command or option is bad input, exit code 2") {
  CHECK(program("frobnicate").code == 2);
  Outcome o = program("run " + SCENARIO + " --thraeds 2");
  CHECK(o.code == 2);
  CHECK(o.out.find("thraeds") != std::string::npos);
  CHECK(program("run").code == 2);
}

TEST_CASE("the bundled scenario validates") {
  Outcome o = program("validate " + SCENARIO);
  CHECK(o.code == 0);
  CHECK(o.out.find("valid") != std::string::npos);
  CHECK(o.out.find("3 operators, 5 units") != std::string::npos);
}

TEST_CASE("a --set value may contain commas, and --set may add a sweep") {
  Outcome o = program("validate " + SCENARIO + " --set 'police.station=[100, 200m]'" +
                       " --set 'sweep={platform.call_duration: [2min, 4min]}'");
  CHECK(o.code == 0);
  CHECK(o.out.find("3 operators, 5 units | platform.call_duration=4min") != std::string::npos);
}

TEST_CASE("a misspelled key gets file, line, the key and a suggestion, exit code 2") {
  fs::path p = write("misspelled.yaml", "duration: 1d\nplatform:\n  operatrs: 3\n");
  Outcome o = program("validate " + p.string());
  CHECK(o.code == 2);
  CHECK(o.out.find(p.string() + ":3:") != std::string::npos);
  CHECK(o.out.find("operatrs") != std::string::npos);
  CHECK(o.out.find("did you mean 'operators'") != std::string::npos);
}

TEST_CASE("a negative duration gets file, line and the fix, exit code 2") {
  fs::path p = write("negative.yaml", "duration: 1d\nplatform:\n  abandon_after: -5min\n");
  Outcome o = program("validate " + p.string());
  CHECK(o.code == 2);
  CHECK(o.out.find(p.string() + ":3:") != std::string::npos);
  CHECK(o.out.find("platform.abandon_after") != std::string::npos);
  CHECK(o.out.find("negative") != std::string::npos);
}

TEST_CASE("a missing scenario file is bad input, exit code 2") {
  Outcome o = program("validate /nonexistent/x.yaml");
  CHECK(o.code == 2);
  CHECK(o.out.find("/nonexistent/x.yaml") != std::string::npos);
}

TEST_CASE("a truncated map is bad input: the message names the map and the fix, exit code 2") {
  for (const char* map : {"aguascalientes.osm.pbf", "aguascalientes.osm.bz2"}) {
    CAPTURE(map);
    std::ifstream in(std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/maps/" + map, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(bytes.size() > 1000);
    fs::path cut = write(std::string("cut-") + map, bytes.substr(0, bytes.size() / 2));
    fs::path scenario = write("cut-map.yaml", "duration: 1d\nstreets: {source: osm, file: " + cut.filename().string() +
                                                  "}\nshops: {}\nalert_network: {}\ndetection: {}\nplatform: {}\npolice: {}\n");
    Outcome o = program("validate " + scenario.string());
    CHECK(o.code == 2);
    CHECK(o.out.find("at 'streets'") != std::string::npos);
    CHECK(o.out.find(cut.filename().string()) != std::string::npos);
    CHECK(o.out.find("truncated or corrupted") != std::string::npos);
  }
}

TEST_CASE("map describes a street graph and places a point in its local frame") {
  std::string file = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/maps/aguascalientes.osm.pbf";
  Outcome o = program("map " + file + " --at 21.8690,-102.2730");
  CHECK(o.code == 0);
  CHECK(o.out.find("830 intersections, 1678 street edges") != std::string::npos);
  CHECK(o.out.find("83 intersections, 97 edges") != std::string::npos);
  CHECK(o.out.find("-> [1000m, 974m]") != std::string::npos);
  Outcome bad = program("map " + file + " --at 91,0");
  CHECK(bad.code == 2);
  CHECK(bad.out.find("LAT,LON") != std::string::npos);
}

TEST_CASE("hydraulics runs an EPANET file alone, writes its tables, and reports leaks and bad files") {
  const std::string dir = std::string(CITYTWIN_SOURCE_DIR);
  citytwin::test::TempDir tmp;
  Outcome o = program("hydraulics " + dir + "/scenarios/networks/Net1.inp --csv " + tmp.path.string());
  CHECK(o.code == 0);
  CHECK(o.out.find("11 nodes (9 junctions, 1 reservoirs, 1 tanks), 13 links (12 pipes, 1 pumps, 0 valves)") !=
        std::string::npos);
  CHECK(o.out.find("27 hydraulic solutions") != std::string::npos);
  CHECK(o.out.find("ignored: [ENERGY]") != std::string::npos);
  // The same bytes as EPANET 2.2's reference tables of Net1's heads and pressures (flows agree to 1e-5 GPM).
  for (const char* table : {"heads", "pressures"}) {
    std::ifstream a(tmp.path / (std::string(table) + ".csv")), b(dir + "/tests/water/reference/Net1." + table + ".csv");
    const std::string ours((std::istreambuf_iterator<char>(a)), {}), theirs((std::istreambuf_iterator<char>(b)), {});
    CHECK(ours == theirs);
  }
  o = program("hydraulics " + dir + "/scenarios/networks/L-TOWN.inp --leaks " + dir +
              "/scenarios/networks/battledim-leakages-2019.txt -q");
  CHECK(o.code == 0);
  o = program("hydraulics " + dir + "/scenarios/networks/L-TOWN.inp --leaks " + dir +
              "/scenarios/networks/battledim-leakages-2019.txt");
  CHECK(o.out.find("leak on p523 (abrupt, 20.2 mm): 0.0 m3 lost") != std::string::npos);  // it starts on 15 January
  CHECK(o.out.find("leaks: 23,") != std::string::npos);
  o = program("hydraulics " + dir + "/tests/water/malformed/bad_values.inp");
  CHECK(o.code == 2);
  CHECK(o.out.find("bad_values.inp:56: [PIPES] pipe 'pipe2': start node 'node1' is not defined") != std::string::npos);
  o = program("hydraulics");
  CHECK(o.code == 2);
}

TEST_CASE("leaks runs a network through leaks and its detector; place chooses pressure sensors on it") {
  const std::string dir = std::string(CITYTWIN_SOURCE_DIR);
  citytwin::test::TempDir tmp;
  const std::string residuals = (tmp.path / "residuals.csv").string();
  Outcome o = program("leaks " + dir + "/scenarios/networks/Net3.inp --days 40 --leaks 3 --warmup-days 8 "
                      "--training-days 21 --min-diameter 40 --max-diameter 50 --residuals " + residuals + " -q");
  CHECK(o.code == 0);
  CHECK(o.out.find("40 days, 3 leaks") != std::string::npos);
  CHECK(o.out.find("of a perfect") != std::string::npos);
  std::ifstream csv(residuals);
  std::string header;
  std::getline(csv, header);
  CHECK(header.rfind("end_s,statistic,cusum,pressure-", 0) == 0);
  int rows = 0;
  for (std::string line; std::getline(csv, line);) ++rows;
  CHECK(rows == 40 * 24);
  o = program("leaks " + dir + "/scenarios/networks/Net3.inp --days 10 --training-days 14");
  CHECK(o.code == 2);
  const std::string sites = (tmp.path / "sites.geojson").string();
  o = program("place " + dir + "/scenarios/networks/Net3.inp --count 5 --exact -o " + sites);
  CHECK(o.code == 0);
  CHECK(o.out.find("greedy (CELF), 5 sensors: 38.8% of the scenarios seen") != std::string::npos);
  CHECK(o.out.find("optimum 39.2%") != std::string::npos);
  std::ifstream geo(sites);
  const std::string text((std::istreambuf_iterator<char>(geo)), {});
  CHECK(text.find("\"pressure_sensor\"") != std::string::npos);
}

TEST_CASE("list-models shows every component with units and defaults") {
  Outcome o = program("list-models");
  CHECK(o.code == 0);
  for (const char* c : {"streets:", "shops:", "alert_network:", "detection:", "platform:", "police:"})
    CHECK(o.out.find(c) != std::string::npos);
  CHECK(o.out.find("speed_residential") != std::string::npos);
  CHECK(o.out.find("okumura_hata") != std::string::npos);
  CHECK(o.out.find("default \"20min\"") != std::string::npos);
}

TEST_CASE("compare prints the KPI table with intervals and writes a results file, and the KPI JSON is stable") {
  fs::path h5 = temp_dir() / "roanne.h5";
  fs::remove(h5);
  std::string common = SCENARIO + " --replications 3 --set duration=20d --set warmup=1d -q";
  Outcome o = program("compare " + common + " -o " + h5.string());
  CHECK(o.code == 0);
  CHECK(o.out.find("callback_time_mean_s") != std::string::npos);
  CHECK(o.out.find(" ± ") != std::string::npos);
  CHECK(fs::exists(h5));
  CHECK(!fs::exists(h5.string() + ".partial"));

  // Two runs, one and two threads: the KPI summaries are identical text.
  Outcome a = program("run " + common + " --threads 1 --summary-json -o " + (temp_dir() / "a.h5").string());
  Outcome b = program("run " + common + " --threads 2 --summary-json -o " + (temp_dir() / "b.h5").string());
  CHECK(a.code == 0);
  CHECK(a.out == b.out);
  CHECK(a.out.find("\"half_width\"") != std::string::npos);
}

TEST_CASE("place chooses microphone sites, compares them with random and the optimum, and writes GeoJSON") {
  const std::string ps = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/aguascalientes-public-safety.yaml";
  fs::path out = temp_dir() / "sites.geojson";
  Outcome o = program("place " + ps + " --option '20 microphones | police.units=3' --random 20 --exact "
                       "--exact-candidates 30 --exact-samples 200 --exact-count 5 -o " + out.string());
  CHECK(o.code == 0);
  CHECK(o.out.find("20 microphones among") != std::string::npos);
  CHECK(o.out.find("random (20 draws)") != std::string::npos);
  CHECK(o.out.find("MILP optimum") != std::string::npos);
  CHECK(o.out.find("30 of 47 candidates, 200 of 1500 shots, 5 microphones") != std::string::npos);
  REQUIRE(fs::exists(out));
  CHECK_FALSE(fs::exists(out.string() + ".partial"));
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("\"FeatureCollection\"") != std::string::npos);
  std::size_t points = 0;
  for (std::size_t at = text.find("\"Point\""); at != std::string::npos; at = text.find("\"Point\"", at + 1)) ++points;
  CHECK(points == 20);
  // Another model's scenario, or an option that does not exist: bad input.
  Outcome wrong = program("place " + SCENARIO);
  CHECK(wrong.code == 2);
  CHECK(wrong.out.find("places the microphones of a public_safety scenario") != std::string::npos);
  Outcome none = program("place " + ps + " --option nothing");
  CHECK(none.code == 2);
  CHECK(none.out.find("no option 'nothing'") != std::string::npos);
}

TEST_CASE("place chooses a flood scenario's level gauges by lead time, against random and the optimum") {
  const std::string floods = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/commune-floods.yaml";
  fs::path out = temp_dir() / "gauges.geojson";
  Outcome o = program("place " + floods + " --count 2 --random 20 --exact -o " + out.string());
  CHECK(o.code == 0);
  CHECK(o.out.find("2 gauges among 11 candidate nodes") != std::string::npos);
  CHECK(o.out.find("random (20 draws)") != std::string::npos);
  CHECK(o.out.find("exact (MILP, GLPK): optimum") != std::string::npos);
  REQUIRE(fs::exists(out));
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text.find("\"level_gauge\"") != std::string::npos);
  Outcome none = program("place " + floods + " --option '4 gauges, 4G' --set flood_gauges.placement=listed");
  CHECK(none.code == 2);
  CHECK(none.out.find("lists its gauges") != std::string::npos);
}

TEST_CASE("drainage runs a SWMM file by kinematic wave and writes its tables; a malformed file is bad input") {
  const std::string site = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/drainage/Site_Drainage_Model.inp";
  fs::path dir = temp_dir() / "site";
  Outcome o = program("drainage " + site + " --routing kinwave --csv " + dir.string());
  CHECK(o.code == 0);
  CHECK(o.out.find("continuity error") != std::string::npos);
  for (const char* f : {"node_depth.csv", "node_flooding.csv", "link_flow.csv", "runoff.csv"}) CHECK(fs::exists(dir / f));
  std::ifstream in(dir / "node_depth.csv");
  std::string header;
  std::getline(in, header);
  CHECK(header == "time_s,J1,J2,J3,J4,J5,J6,J7,J8,J9,J10,J11,O1");
  fs::path bad = write("bad.inp", "[OPTIONS]\nFLOW_UNITS LITRES\n");
  Outcome b = program("drainage " + bad.string());
  CHECK(b.code == 2);
  CHECK(b.out.find("bad.inp:2") != std::string::npos);
}

TEST_CASE("drainage routes a pond by dynamic wave, and refuses streets under it with exit code 4") {
  const std::string models = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/drainage/";
  Outcome o = program("drainage " + models + "Detention_Pond_Model.inp --routing dynwave");
  CHECK(o.code == 0);
  CHECK(o.out.find("continuity error") != std::string::npos);
  Outcome s = program("drainage " + models + "Inlet_Drains_Model.inp");
  CHECK(s.code == 4);
  CHECK(s.out.find("Inlet_Drains_Model.inp:146: the STREET cross-section of 'Street1'") != std::string::npos);
}

TEST_CASE("compare --kpis shows only the KPIs a regular expression matches, and refuses a bad one") {
  Outcome o = program("compare " + SCENARIO + " --replications 2 --set duration=5d --set warmup=0s -q -o " +
                       (temp_dir() / "kpis.h5").string() + " --kpis '^callback_'");
  CHECK(o.code == 0);
  CHECK(o.out.find("callback_time_mean_s") != std::string::npos);
  CHECK(o.out.find("police_arrival") == std::string::npos);
  Outcome bad = program("compare " + SCENARIO + " --kpis '('");
  CHECK(bad.code == 2);
  CHECK(bad.out.find("not a regular expression") != std::string::npos);
}

namespace {

/// The citytwin program started in the background, its output to a file, stopped by a signal.
struct Background {
  pid_t pid = -1;
  fs::path log;
  Background(const std::string& args, const fs::path& log_file) : log(log_file) {
    pid = ::fork();
    if (pid == 0) {
      std::string cmd = "exec " + std::string(CITYTWIN_BINARY_DIR) + "/citytwin " + args + " > " + log.string() + " 2>&1";
      ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  std::string output() const {
    std::ifstream in(log);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  bool wait_for_output(const std::string& text, std::chrono::seconds limit) const {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (output().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  /// Sends `sig` and returns the exit code.
  int stop(int sig) {
    ::kill(pid, sig);
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  ~Background() {
    if (pid > 0) stop(SIGKILL);
  }
};

std::vector<nlohmann::json> alert_lines(const fs::path& file) {
  std::vector<nlohmann::json> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line)["alert"]);
  return out;
}

}  // namespace

TEST_CASE("a shadow session fed by run --publish through a local broker raises the same alerts as the simulation") {
  citytwin::test::Broker broker;
  const std::string ps = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/aguascalientes-public-safety.yaml";
  const std::string set = " --option '20 microphones' --set duration=1d --set warmup=0s --set crime.gunfire.rate=3000/year"
                          " --set detection.reorder_window=1h";
  fs::path dir = temp_dir() / "shadow";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string port = std::to_string(broker.port());
  // The password from the environment, not the command line.
  ::setenv("CITYTWIN_MQTT_PASSWORD", "shadow-pw", 1);
  Background shadow("shadow " + ps + set + " --source mqtt://shadow@127.0.0.1:" + port +
                        "/application/+/device/+/event/up --speed 17280 --status-every 1 --publish-alerts "
                        "mqtt://shadow@127.0.0.1:" + port + "/citytwin/alerts --log-dir " + (dir / "logs").string() +
                        " -o " + (dir / "shadow.h5").string(),
                    dir / "shadow.out");
  REQUIRE_MESSAGE(shadow.wait_for_output("Ctrl-C ends it", std::chrono::seconds(60)), shadow.output());
  ::unsetenv("CITYTWIN_MQTT_PASSWORD");
  Outcome fleet = program("run " + ps + set + " -q --publish mqtt://fleet:fleet-pw@127.0.0.1:" + port +
                           " --speed 17280 --alerts " + (dir / "twin.jsonl").string() + " -o " + (dir / "fleet.h5").string());
  CHECK_MESSAGE(fleet.code == 0, fleet.out);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(shadow.stop(SIGTERM) == 0);  // SIGTERM ends it cleanly
  std::string out = shadow.output();
  CHECK(out.find("0 quarantined") != std::string::npos);
  CHECK(fs::exists(dir / "shadow.h5"));
  CHECK(fs::exists(dir / "fleet.h5"));
  std::vector<nlohmann::json> twin = alert_lines(dir / "twin.jsonl"), live = alert_lines(dir / "logs/alerts.jsonl");
  MESSAGE(twin.size() << " alert events in the twin, " << live.size() << " in shadow mode");
  REQUIRE(twin.size() >= 3);
  // The twin stops at its end with readings of the last hour still held; shadow mode concludes them.
  REQUIRE(live.size() >= twin.size());
  for (std::size_t i = 0; i < twin.size(); ++i) CHECK(live[i] == twin[i]);
  CHECK(fs::file_size(dir / "logs/raw.jsonl") > 0);
}

TEST_CASE("shadow mode's faults: no source is bad input, refused credentials a connection failure, a device topic refused") {
  citytwin::test::Broker broker;
  const std::string ps = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/roanne-shop-alerts.yaml --set duration=2d --set warmup=0s";
  fs::path dir = temp_dir();
  Outcome o = program("shadow " + ps);
  CHECK(o.code == 2);
  CHECK(o.out.find("--source") != std::string::npos);
  o = program("shadow " + ps + " --log-dir " + (dir / "l1").string() + " --source mqtt://shadow:wrong@127.0.0.1:" +
               std::to_string(broker.port()) + "/application/+/device/+/event/up");
  CHECK(o.code == 3);
  CHECK(o.out.find("refused the connection") != std::string::npos);
  o = program("shadow " + ps + " --log-dir " + (dir / "l2").string() +
               " --source sim --publish-alerts mqtt://127.0.0.1:1/application/a/device/b/command/down");
  CHECK(o.code == 2);
  CHECK(o.out.find("never writes there") != std::string::npos);
  o = program("shadow " + ps + " --source sim --pseudonymise");
  CHECK(o.code == 2);
  CHECK(o.out.find("16 characters") != std::string::npos);
  // The scenario's own device map, read relative to it: a line naming no sensor is named with its fix.
  fs::path city = dir / "live-city";
  fs::create_directories(city);
  std::ifstream in(std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/roanne-shop-alerts.yaml");
  std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(city / "city.yaml") << yaml << "\nlive:\n  devices: devices.csv\n  timezone: Europe/Paris\n";
  std::ofstream(city / "devices.csv") << "device,sensor\na84041000181c1e5,shop-0003\n70b3d57ed0001234,shop-9999\n";
  o = program("shadow " + (city / "city.yaml").string() + " --set duration=2d --set warmup=0s --source sim --log-dir " +
              (city / "logs").string());
  CHECK(o.code == 2);
  CHECK(o.out.find("devices.csv:3: no sensor 'shop-9999'") != std::string::npos);
  std::ofstream(city / "devices.csv") << "device,sensor\na84041000181c1e5,shop-0003\n";
  o = program("shadow " + (city / "city.yaml").string() + " --set duration=2d --set warmup=0s -q --source sim --log-dir " +
              (city / "logs").string() + " -o " + (city / "s.h5").string());
  CHECK_MESSAGE(o.code == 0, o.out);
  CHECK(fs::exists(city / "s.h5"));
}
