// End-to-end tests of the citytwin program: exit codes, error messages, and a real run.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int code = -1;
  std::string out;  // stdout and stderr together
};

Outcome citytwin(const std::string& args) {
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
  CHECK(citytwin("--version").code == 0);
  Outcome h = citytwin("--help");
  CHECK(h.code == 0);
  CHECK(h.out.find("compare SCENARIO") != std::string::npos);
  CHECK(h.out.find("Exit codes") != std::string::npos);
  for (const char* sub : {"run", "compare", "validate", "list-models", "map", "place", "schema"}) {
    CAPTURE(sub);
    Outcome o = citytwin(std::string(sub) + " --help");
    CHECK(o.code == 0);
    CHECK(o.out.find("Usage") != std::string::npos);
  }
}

TEST_CASE("an unknown command or option is bad input, exit code 2") {
  CHECK(citytwin("frobnicate").code == 2);
  Outcome o = citytwin("run " + SCENARIO + " --thraeds 2");
  CHECK(o.code == 2);
  CHECK(o.out.find("thraeds") != std::string::npos);
  CHECK(citytwin("run").code == 2);
}

TEST_CASE("the bundled scenario validates") {
  Outcome o = citytwin("validate " + SCENARIO);
  CHECK(o.code == 0);
  CHECK(o.out.find("valid") != std::string::npos);
  CHECK(o.out.find("3 operators, 5 units") != std::string::npos);
}

TEST_CASE("a --set value may contain commas, and --set may add a sweep") {
  Outcome o = citytwin("validate " + SCENARIO + " --set 'police.station=[100, 200m]'" +
                       " --set 'sweep={platform.call_duration: [2min, 4min]}'");
  CHECK(o.code == 0);
  CHECK(o.out.find("3 operators, 5 units | platform.call_duration=4min") != std::string::npos);
}

TEST_CASE("a misspelled key gets file, line, the key and a suggestion, exit code 2") {
  fs::path p = write("misspelled.yaml", "duration: 1d\nplatform:\n  operatrs: 3\n");
  Outcome o = citytwin("validate " + p.string());
  CHECK(o.code == 2);
  CHECK(o.out.find(p.string() + ":3:") != std::string::npos);
  CHECK(o.out.find("operatrs") != std::string::npos);
  CHECK(o.out.find("did you mean 'operators'") != std::string::npos);
}

TEST_CASE("a negative duration gets file, line and the fix, exit code 2") {
  fs::path p = write("negative.yaml", "duration: 1d\nplatform:\n  abandon_after: -5min\n");
  Outcome o = citytwin("validate " + p.string());
  CHECK(o.code == 2);
  CHECK(o.out.find(p.string() + ":3:") != std::string::npos);
  CHECK(o.out.find("platform.abandon_after") != std::string::npos);
  CHECK(o.out.find("negative") != std::string::npos);
}

TEST_CASE("a missing scenario file is bad input, exit code 2") {
  Outcome o = citytwin("validate /nonexistent/x.yaml");
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
    Outcome o = citytwin("validate " + scenario.string());
    CHECK(o.code == 2);
    CHECK(o.out.find("at 'streets'") != std::string::npos);
    CHECK(o.out.find(cut.filename().string()) != std::string::npos);
    CHECK(o.out.find("truncated or corrupted") != std::string::npos);
  }
}

TEST_CASE("map describes a street graph and places a point in its local frame") {
  std::string file = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/maps/aguascalientes.osm.pbf";
  Outcome o = citytwin("map " + file + " --at 21.8690,-102.2730");
  CHECK(o.code == 0);
  CHECK(o.out.find("830 intersections, 1678 street edges") != std::string::npos);
  CHECK(o.out.find("83 intersections, 97 edges") != std::string::npos);
  CHECK(o.out.find("-> [1000m, 974m]") != std::string::npos);
  Outcome bad = citytwin("map " + file + " --at 91,0");
  CHECK(bad.code == 2);
  CHECK(bad.out.find("LAT,LON") != std::string::npos);
}

TEST_CASE("list-models shows every component with units and defaults") {
  Outcome o = citytwin("list-models");
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
  Outcome o = citytwin("compare " + common + " -o " + h5.string());
  CHECK(o.code == 0);
  CHECK(o.out.find("callback_time_mean_s") != std::string::npos);
  CHECK(o.out.find(" ± ") != std::string::npos);
  CHECK(fs::exists(h5));
  CHECK(!fs::exists(h5.string() + ".partial"));

  // Two runs, one and two threads: the KPI summaries are identical text.
  Outcome a = citytwin("run " + common + " --threads 1 --summary-json -o " + (temp_dir() / "a.h5").string());
  Outcome b = citytwin("run " + common + " --threads 2 --summary-json -o " + (temp_dir() / "b.h5").string());
  CHECK(a.code == 0);
  CHECK(a.out == b.out);
  CHECK(a.out.find("\"half_width\"") != std::string::npos);
}

TEST_CASE("place chooses microphone sites, compares them with random and the optimum, and writes GeoJSON") {
  const std::string ps = std::string(CITYTWIN_SOURCE_DIR) + "/scenarios/aguascalientes-public-safety.yaml";
  fs::path out = temp_dir() / "sites.geojson";
  Outcome o = citytwin("place " + ps + " --option '20 microphones | police.units=3' --random 20 --exact "
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
  Outcome wrong = citytwin("place " + SCENARIO);
  CHECK(wrong.code == 2);
  CHECK(wrong.out.find("places the microphones of a public_safety scenario") != std::string::npos);
  Outcome none = citytwin("place " + ps + " --option nothing");
  CHECK(none.code == 2);
  CHECK(none.out.find("no option 'nothing'") != std::string::npos);
}

TEST_CASE("compare --kpis shows only the KPIs a regular expression matches, and refuses a bad one") {
  Outcome o = citytwin("compare " + SCENARIO + " --replications 2 --set duration=5d --set warmup=0s -q -o " +
                       (temp_dir() / "kpis.h5").string() + " --kpis '^callback_'");
  CHECK(o.code == 0);
  CHECK(o.out.find("callback_time_mean_s") != std::string::npos);
  CHECK(o.out.find("police_arrival") == std::string::npos);
  Outcome bad = citytwin("compare " + SCENARIO + " --kpis '('");
  CHECK(bad.code == 2);
  CHECK(bad.out.find("not a regular expression") != std::string::npos);
}
