// Tests of scenario files: validation messages, defaults, options, sweeps, --set overrides and the resolved YAML.
#include "sim/Scenario.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using citytwin::sim::ComponentSpec;
using citytwin::sim::Json;
using citytwin::sim::ParamType;
using citytwin::sim::Registry;
using citytwin::sim::Scenario;
using citytwin::sim::ScenarioError;
using citytwin::sim::Time;

namespace {

/// Two components that together use every parameter type.
Registry test_registry() {
  using citytwin::sim::choice;
  using citytwin::sim::param;
  Registry r;
  r.add(ComponentSpec(
      "platform", "The emergency call platform.",
      {param("operators", ParamType::INTEGER, "", 2, "Call takers on duty.").between(1, 50),
       param("call_duration", ParamType::DISTRIBUTION, "s", "3min", "Duration of a call."),
       choice("queue", {"fifo", "priority"}, "fifo", "Order in which waiting calls are answered."),
       param("answer_within", ParamType::DURATION, "s", "20s", "Target time to answer.").at_least(1),
       param("hourly_calls", ParamType::PROFILE, "", Json::array({1, 1, 1, 1}), "Calls by period.").of_length(4),
       param("load_factor", ParamType::NUMBER, "", 0.8, "Share of calls handled.").between(0, 1),
       param("recording", ParamType::BOOLEAN, "", true, "Whether calls are recorded."),
       param("label", ParamType::STRING, "", "main", "Label of the platform.")},
      true));
  r.add(ComponentSpec(
      "police", "Police units on patrol.",
      {param("units", ParamType::INTEGER, "", nullptr, "Units on patrol."),
       param("station", ParamType::POINT, "m", Json::array({0, 0}), "Where the station is."),
       param("patrol_area", ParamType::POINT_LIST, "m", Json::array(), "Corners of the patrol area."),
       param("speed", ParamType::SPEED, "m/s", "40km/h", "Driving speed."),
       param("patrol_length", ParamType::DISTANCE, "m", "2km", "Length of a patrol.").at_least(100),
       param("incident_rate", ParamType::RATE, "1/s", "12/year", "Rate of incidents.")}));
  return r;
}

const Registry& registry() {
  static const Registry r = test_registry();
  return r;
}

Scenario load(const std::string& yaml, const std::vector<std::string>& overrides = {},
              const Registry& with = registry()) {
  return Scenario::load_string(yaml, "city.yaml", with, overrides);
}

/// The message of the ScenarioError that loading throws, or "" when the scenario is valid.
std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides = {},
                     const Registry& with = registry()) {
  try {
    load(yaml, overrides, with);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

std::size_t line_count(const std::string& s) {
  return s.empty() ? 0 : static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')) + 1;
}

}  // namespace

TEST_CASE("a valid scenario gets its defaults and keeps absent components absent") {
  Scenario s = load(R"(duration: 2d
platform:
  operators: 3
  call_duration: {dist: exponential, mean: 4min}
)");
  CHECK(s.name() == "city");
  CHECK(s.seed() == 1);
  CHECK(s.replications() == 10);
  CHECK(s.duration() == Time::days(2));
  CHECK(s.warmup() == Time());
  CHECK(s.record_interval() == Time::minutes(15));
  const Json& r = s.resolved();
  CHECK(r["platform"]["operators"] == 3);
  CHECK(r["platform"]["queue"] == "fifo");
  CHECK(r["platform"]["answer_within"] == "20s");
  CHECK(r["platform"]["hourly_calls"] == Json::array({1, 1, 1, 1}));
  CHECK(r["platform"]["call_duration"]["mean"] == "4min");
  CHECK_FALSE(r.contains("police"));
  REQUIRE(s.variants().size() == 1);
  CHECK(s.variants()[0].option == "base");
  CHECK(s.variants()[0].sweep_point == "");
  CHECK(s.variants()[0].label == "base");
  CHECK(s.variants()[0].params["platform"]["operators"] == 3);
}

TEST_CASE("a YAML syntax error names file, line and column") {
  std::string e = error_of("duration: 2d\nplatform:\n  operators: [3\n  queue: fifo\n");
  CHECK(e.rfind("city.yaml:", 0) == 0);
  CHECK(e.find("error: YAML syntax:") != std::string::npos);
}

TEST_CASE("a misspelled top-level key is named with a suggestion and the allowed keys") {
  std::string e = error_of("duraton: 2d\nplatform: {}\n");
  CHECK(e.find("city.yaml:1:1: error: unknown key 'duraton'; did you mean 'duration'? (allowed keys at the top "
               "level: name, description, seed, replications, duration, warmup, record, options, sweep, platform, "
               "police)") != std::string::npos);
  CHECK(e.find("missing required key 'duration'; add it at the top level") != std::string::npos);
}

TEST_CASE("a misspelled component key points at the key and suggests the right one") {
  std::string e = error_of("duration: 2d\nplatform:\n  operatrs: 3\n");
  CHECK(e == "city.yaml:3:3: error: at 'platform': unknown key 'operatrs'; did you mean 'operators'? (allowed keys "
             "in 'platform': operators, call_duration, queue, answer_within, hourly_calls, load_factor, recording, "
             "label)");
}

TEST_CASE("a value of the wrong type says what was expected") {
  std::string e = error_of("duration: 2d\nplatform:\n  operators: many\n  recording: 1\n  label: [a]\n");
  CHECK(e == "city.yaml:3:14: error: at 'platform.operators': expected integer, got \"many\"\n"
             "city.yaml:4:14: error: at 'platform.recording': expected true or false, got 1\n"
             "city.yaml:5:10: error: at 'platform.label': expected text, got [\"a\"]");
}

TEST_CASE("a negative duration is refused with the fix") {
  std::string e = error_of("duration: -3min\nplatform:\n  answer_within: -5s\n");
  CHECK(e == "city.yaml:1:11: error: at 'duration': \"-3min\" is a negative duration; durations are zero or more, "
             "e.g. \"3min\"\n"
             "city.yaml:3:18: error: at 'platform.answer_within': \"-5s\" is a negative duration; durations are zero "
             "or more, e.g. \"5s\"");
}

TEST_CASE("a duration with an unknown unit lists the units") {
  std::string e = error_of("duration: 2d\nplatform:\n  answer_within: 20 secs\n");
  CHECK(e == "city.yaml:3:18: error: at 'platform.answer_within': \"20 secs\" is not a duration: use a number with "
             "one of the units us, ms, s, min, h, d, w, e.g. \"20s\"");
}

TEST_CASE("a value below its minimum names the minimum in SI units") {
  std::string e = error_of(R"(duration: 2d
platform:
  operators: 0
  answer_within: 500ms
  load_factor: 1.5
police:
  units: 2
  patrol_length: 50m
)");
  CHECK(e == "city.yaml:3:14: error: at 'platform.operators': 0 is too small; it must be at least 1\n"
             "city.yaml:4:18: error: at 'platform.answer_within': \"500ms\" is too small; it must be at least 1s\n"
             "city.yaml:5:16: error: at 'platform.load_factor': 1.5 is too large; it must be at most 1\n"
             "city.yaml:8:18: error: at 'police.patrol_length': \"50m\" is too small; it must be at least 100m");
}

TEST_CASE("a missing required key or section is named with what to add") {
  std::string e = error_of("seed: 3\npolice:\n  station: [0, 0]\n");
  CHECK(e.find("city.yaml:1:1: error: missing required key 'duration'; add it at the top level (expected: duration "
               "(e.g. \"90s\", \"15min\", \"2h\"))") != std::string::npos);
  CHECK(e.find("city.yaml:1:1: error: missing required key 'platform'; add it at the top level (expected: a map of "
               "the parameters of 'platform'") != std::string::npos);
  CHECK(e.find("city.yaml:2:1: error: at 'police': missing required key 'units'; add it (expected: integer)") !=
        std::string::npos);
}

TEST_CASE("an unknown choice suggests the closest allowed value") {
  std::string e = error_of("duration: 2d\nplatform:\n  queue: fifa\n");
  CHECK(e == "city.yaml:3:10: error: at 'platform.queue': expected one of fifo, priority, got \"fifa\"; did you mean "
             "'fifo'?");
}

TEST_CASE("a profile of the wrong length or with a negative weight is refused") {
  std::string e = error_of("duration: 2d\nplatform:\n  hourly_calls: [1, -2, 3]\n");
  CHECK(e == "city.yaml:3:17: error: at 'platform.hourly_calls': got a list of 3 values; expected list of 4 "
             "non-negative numbers\n"
             "city.yaml:3:21: error: at 'platform.hourly_calls[1]': expected a number, zero or more, got -2");
}

TEST_CASE("points, distributions, speeds and rates are checked element by element") {
  std::string e = error_of(R"(duration: 2d
platform:
  call_duration: {dist: exponental, mena: 4min}
police:
  units: 2
  station: [1km, -2km]
  patrol_area: [[0, 0], [1]]
  speed: 30 mph
  incident_rate: 12 per year
)");
  CHECK(e.find("city.yaml:3:25: error: at 'platform.call_duration.dist': expected one of constant, exponential, "
               "uniform, lognormal, gamma, erlang, normal, triangular, got \"exponental\"; did you mean "
               "'exponential'?") != std::string::npos);
  CHECK(e.find("city.yaml:3:37: error: at 'platform.call_duration': unknown key 'mena'; did you mean 'mean'?") !=
        std::string::npos);
  CHECK(e.find("city.yaml:6:18: error: at 'police.station[1]': \"-2km\" is a negative distance") != std::string::npos);
  CHECK(e.find("city.yaml:7:25: error: at 'police.patrol_area[1]': expected a point [x, y] of two distances") !=
        std::string::npos);
  CHECK(e.find("city.yaml:8:10: error: at 'police.speed': \"30 mph\" is not a speed") != std::string::npos);
  CHECK(e.find("city.yaml:9:18: error: at 'police.incident_rate': \"12 per year\" is not a rate") !=
        std::string::npos);
  CHECK(e.find("\"12 per year\" is not a rate: use a number, \"/\" and one of the units s, min, h, d, day, w, week, y, "
               "year, e.g. \"12/year\"") != std::string::npos);
  CHECK(line_count(e) == 6);
}

TEST_CASE("all errors are reported, sorted by line") {
  std::string e = error_of("duration: 2d\nwarmpu: 1h\nplatform:\n  operators: 0\n  queue: lifo\n");
  REQUIRE(line_count(e) == 3);
  CHECK(e.find("city.yaml:2:") < e.find("city.yaml:4:"));
  CHECK(e.find("city.yaml:4:") < e.find("city.yaml:5:"));
}

TEST_CASE("a duplicate key is refused") {
  std::string e = error_of("duration: 2d\nplatform: {}\nduration: 3d\n");
  CHECK(e == "city.yaml:3:1: error: duplicate key 'duration', already written at line 1; keep only one");
}

TEST_CASE("a warmup not shorter than the duration is refused") {
  std::string e = error_of("duration: 2h\nwarmup: 2h\nplatform: {}\n");
  CHECK(e == "city.yaml:2:9: error: at 'warmup': the warmup \"2h\" is not shorter than the duration \"2h\"; make the "
             "warmup shorter than the duration");
}

TEST_CASE("an option that sets an unknown key path gets a suggestion") {
  std::string e = error_of(R"(duration: 2d
platform: {}
options:
  - name: more staff
    set:
      platform.operatrs: 4
)");
  CHECK(e == "city.yaml:6:7: error: at 'options[0].set': key path 'platform.operatrs': unknown key 'operatrs'; did "
             "you mean 'operators'? (allowed keys in 'platform': operators, call_duration, queue, answer_within, "
             "hourly_calls, load_factor, recording, label)");
}

TEST_CASE("an option value is validated where the option writes it") {
  std::string e = error_of(R"(duration: 2d
platform: {}
options:
  - name: no staff
    set: {platform.operators: 0, police.units: 1}
)");
  CHECK(e == "city.yaml:5:31: error: at 'platform.operators' (set by option 'no staff'): 0 is too small; it must be "
             "at least 1");
}

TEST_CASE("two options with the same name are refused") {
  std::string e = error_of(R"(duration: 2d
platform: {}
options:
  - name: day
  - name: day
    set: {platform.operators: 4}
)");
  CHECK(e == "city.yaml:5:11: error: at 'options[1].name': duplicate option name 'day', already used at "
             "city.yaml:4:11; give each option its own name");
}

TEST_CASE("a sweep expands every option over the full grid of values") {
  Scenario s = load(R"(duration: 2d
platform: {}
police: {units: 1}
options:
  - name: day
    set: {platform.load_factor: 0.5}
  - name: night
    description: fewer calls
    set: {platform.load_factor: 0.2, platform.queue: priority}
sweep:
  platform.operators: [2, 3, 4]
  police.station: [[0, 0], [1km, 2km]]
)");
  const auto& v = s.variants();
  REQUIRE(v.size() == 12);
  CHECK(v[0].label == "day | platform.operators=2, police.station=[0,0]");
  CHECK(v[1].label == "day | platform.operators=2, police.station=[\"1km\",\"2km\"]");
  CHECK(v[2].sweep_point == "platform.operators=3, police.station=[0,0]");
  CHECK(v[6].option == "night");
  CHECK(v[11].label == "night | platform.operators=4, police.station=[\"1km\",\"2km\"]");
  CHECK(v[11].params["platform"]["operators"] == 4);
  CHECK(v[11].params["platform"]["queue"] == "priority");
  CHECK(v[11].params["platform"]["load_factor"] == 0.2);
  CHECK(v[0].params["platform"]["queue"] == "fifo");
  CHECK_FALSE(v[0].params.contains("options"));
  CHECK_FALSE(v[0].params.contains("sweep"));
  // The sweep creates the police section; it then needs its required 'units'.
  std::string e = error_of("duration: 2d\nplatform: {}\nsweep:\n  police.station: [[0, 0]]\n");
  CHECK(e == "city.yaml:4:20: error: at 'police' (sweep value [0,0]): missing required key 'units'; add it "
             "(expected: integer)");
}

TEST_CASE("a sweep over an unknown key or with no values is refused") {
  std::string e = error_of("duration: 2d\nplatform: {}\nsweep:\n  platform.operaters: [1, 2]\n  platform.queue: []\n");
  CHECK(e.find("city.yaml:4:3: error: at 'sweep': key path 'platform.operaters': unknown key 'operaters'; did you "
               "mean 'operators'?") != std::string::npos);
  CHECK(e.find("city.yaml:5:19: error: at 'sweep.platform.queue': expected a non-empty list of values, e.g. [1, 2, "
               "3], got []") != std::string::npos);
}

TEST_CASE("--set overrides numbers, text and lists, and may create a section") {
  Scenario s = load("duration: 2d\nplatform:\n  operators: 3\n",
                    {"platform.operators=7", "name=night shift", "platform.queue=priority", "police.units=2",
                     "police.station=[100, 200m]", "duration=1w", "sweep.platform.operators=[1, 2]"});
  const Json& r = s.resolved();
  CHECK(s.name() == "night shift");
  CHECK(r["platform"]["operators"] == 7);
  CHECK(r["platform"]["queue"] == "priority");
  CHECK(r["police"]["units"] == 2);
  CHECK(r["police"]["station"] == Json::array({100, "200m"}));
  CHECK(r["police"]["speed"] == "40km/h");
  CHECK(s.duration() == Time::days(7));
  CHECK(s.variants().size() == 2);
}

TEST_CASE("a bad --set says how to write it") {
  std::string e = error_of("duration: 2d\nplatform: {}\n",
                           {"platform.operators", "platfrom.operators=3", "platform.operators=abc", "police.station=[1"});
  CHECK(e == "--set platform.operators: error: missing '='; write it as --set key.path=value, e.g. --set duration=2d\n"
             "--set platfrom.operators=3: error: unknown key 'platfrom'; did you mean 'platform'? (allowed keys at "
             "the top level: name, description, seed, replications, duration, warmup, record, options, sweep, "
             "platform, police); write it as --set key.path=value\n"
             "--set platform.operators=abc: error: at 'platform.operators': expected integer, got \"abc\"\n"
             "--set police.station=[1: error: the value is not valid YAML (end of sequence flow not found); quote it, or "
             "write a list as [100, 200]");
}

TEST_CASE("the resolved YAML reads back as the same scenario") {
  Scenario s = load(R"(name: "2024"
description: 'true'
duration: 2d
seed: 42
platform:
  operators: 3
  load_factor: 0.1
  call_duration: {dist: lognormal, median: 4min, sigma: 0.5}
  hourly_calls: [1, 2.5, 0, 1e-3]
police:
  units: 2
  patrol_area: [[0, 0], [1km, 0.5km]]
options:
  - name: base
  - name: more
    set: {platform.operators: 5}
sweep:
  police.units: [1, 2]
)");
  std::string yaml = s.resolved_yaml();
  Scenario again = Scenario::load_string(yaml, "other.yaml", registry());
  CHECK(again.resolved() == s.resolved());
  CHECK(again.resolved().dump() == s.resolved().dump());
  CHECK(again.name() == "2024");
  CHECK(again.variants().size() == 4);
  CHECK(yaml.find("name: \"2024\"") != std::string::npos);
}

TEST_CASE("the schema lists every component with its parameters, defaults and requirements") {
  Json schema = citytwin::sim::scenario_schema(registry());
  CHECK(schema["additionalProperties"] == false);
  CHECK(schema["required"] == Json::array({"duration", "platform"}));
  CHECK(schema["properties"]["platform"]["properties"]["operators"]["type"] == "integer");
  CHECK(schema["properties"]["platform"]["properties"]["operators"]["minimum"] == 1.0);
  CHECK(schema["properties"]["platform"]["properties"]["operators"]["default"] == 2);
  CHECK(schema["properties"]["platform"]["properties"]["queue"]["enum"] == Json::array({"fifo", "priority"}));
  CHECK(schema["properties"]["platform"]["properties"]["hourly_calls"]["maxItems"] == 4);
  CHECK(schema["properties"]["police"]["required"] == Json::array({"units"}));
  CHECK(schema["properties"]["police"]["properties"]["speed"]["description"] == "Driving speed. Unit: m/s.");
  CHECK(schema["properties"]["seed"]["default"] == 1);
}

TEST_CASE("a missing file is named with the reason") {
  try {
    Scenario::load_file("/nonexistent/city.yaml", registry());
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK(std::string(e.what()) == "/nonexistent/city.yaml: error: cannot open scenario file: No such file or directory");
  }
}

TEST_CASE("a section of the wrong shape says what it should hold") {
  std::string e = error_of("options: 5\nsweep: [1]\nrecord: {intervall: 5min}\nplatform: 5\nduration: 1d\n");
  CHECK(e == "city.yaml:1:10: error: at 'options': expected a list of options, each {name: ..., description: ..., "
             "set: {key.path: value}}, got 5\n"
             "city.yaml:2:8: error: at 'sweep': expected a map from key path to a list of values, e.g. {section.key: "
             "[1, 2, 3]}, got [1]\n"
             "city.yaml:3:10: error: at 'record': unknown key 'intervall'; did you mean 'interval'? (allowed keys in "
             "'record': interval)\n"
             "city.yaml:4:11: error: at 'platform': expected a map of the parameters of 'platform' (operators, "
             "call_duration, queue, answer_within, hourly_calls, load_factor, recording, label), got 5");
  CHECK(error_of("").rfind("city.yaml:1:1: error: missing required key 'duration'", 0) == 0);
}

TEST_CASE("an option that makes the warmup too long is reported where it sets it") {
  std::string e = error_of("duration: 1d\nplatform: {}\noptions:\n  - name: long warmup\n    set:\n      warmup: 3d\n");
  CHECK(e == "city.yaml:6:15: error: at 'warmup': the warmup \"3d\" is not shorter than the duration \"1d\"; make the "
             "warmup shorter than the duration (in variant 'long warmup')");
}

namespace {

/// A registry with nested sections and two model families.
const Registry& nested_registry() {
  static const Registry r = [] {
    using citytwin::sim::param;
    using citytwin::sim::section;
    Registry reg;
    reg.add(ComponentSpec(
        "crime", "Crime by type.",
        {section("gunfire", "Shootings.",
                 {param("rate", ParamType::RATE, "1/year", "20/year", "Background rate."),
                  param("theta", ParamType::NUMBER, "", 0.2, "Offspring per event.").between(0, 0.99),
                  section("kernel", "Triggering.", {param("sigma", ParamType::DISTANCE, "m", "100m", "Width.")}, true)}),
         section("burglary", "Burglaries.", {param("rate", ParamType::RATE, "1/year", "50/year", "Background rate.")}),
         param("area", ParamType::POINT, "m", Json::array({"1km", "1km"}), "Area.")}));
    reg.add(ComponentSpec("shops", "Shops.", {param("count", ParamType::INTEGER, "", 10, "Shops.")}));
    reg.add_model({"shops_only", "Shops alone.", {"shops"}});
    reg.add_model({"safety", "Crime and shops.", {"crime", "shops"}});
    return reg;
  }();
  return r;
}

Scenario load_nested(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return load(yaml, overrides, nested_registry());
}

std::string nested_error(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return error_of(yaml, overrides, nested_registry());
}

}  // namespace

TEST_CASE("a nested section gets its defaults only when written, an always-present one always") {
  Scenario s = load_nested("duration: 1d\nmodel: safety\ncrime:\n  gunfire: {theta: 0.3}\n");
  const Json& r = s.resolved();
  CHECK(s.model() == "safety");
  CHECK(r["crime"]["gunfire"]["theta"] == 0.3);
  CHECK(r["crime"]["gunfire"]["rate"] == "20/year");
  CHECK(r["crime"]["gunfire"]["kernel"]["sigma"] == "100m");
  CHECK_FALSE(r["crime"].contains("burglary"));
  CHECK(r["crime"]["area"] == Json::array({"1km", "1km"}));
}

TEST_CASE("the model defaults to the first family registered and names the sections it does not read") {
  CHECK(load_nested("duration: 1d\nshops: {}\n").model() == "shops_only");
  CHECK(nested_error("duration: 1d\nshops: {}\ncrime: {}\n") ==
        "city.yaml:3:1: error: at 'crime': the model 'shops_only' does not read this section (it reads shops); "
        "remove it, or choose a model that reads it (model: safety)");
  CHECK(nested_error("duration: 1d\nmodel: safty\n") ==
        "city.yaml:2:8: error: at 'model': expected one of shops_only, safety, got \"safty\"; did you mean 'safety'?");
}

TEST_CASE("a misspelled or mistyped key inside a nested section is located with its path") {
  CHECK(nested_error("duration: 1d\nmodel: safety\ncrime:\n  gunfire:\n    thetta: 0.3\n") ==
        "city.yaml:5:5: error: at 'crime.gunfire': unknown key 'thetta'; did you mean 'theta'? (allowed keys in "
        "'crime.gunfire': rate, theta, kernel)");
  CHECK(nested_error("duration: 1d\nmodel: safety\ncrime:\n  gunfire:\n    kernel: {sigma: -3m}\n") ==
        "city.yaml:5:21: error: at 'crime.gunfire.kernel.sigma': \"-3m\" is a negative distance; distances are zero "
        "or more, e.g. \"3m\"");
  CHECK(nested_error("duration: 1d\nmodel: safety\ncrime:\n  gunfire: 3\n") ==
        "city.yaml:4:12: error: at 'crime.gunfire': expected a map of the parameters of 'crime.gunfire' (rate, theta, "
        "kernel), got 3");
  CHECK(nested_error("duration: 1d\nmodel: safety\ncrime: {gunfire: {theta: 1.5}}\n") ==
        "city.yaml:3:26: error: at 'crime.gunfire.theta': 1.5 is too large; it must be at most 0.99");
}

TEST_CASE("key paths reach into nested sections in --set, options and sweeps") {
  Scenario s = load_nested("duration: 1d\nmodel: safety\ncrime: {}\nsweep: {crime.gunfire.theta: [0.1, 0.5]}\n",
                           {"crime.burglary.rate=80/year"});
  REQUIRE(s.variants().size() == 2);
  CHECK(s.variants()[1].params["crime"]["gunfire"]["theta"] == 0.5);
  CHECK(s.variants()[1].params["crime"]["gunfire"]["kernel"]["sigma"] == "100m");
  CHECK(s.variants()[0].params["crime"]["burglary"]["rate"] == "80/year");
  CHECK(s.variants()[1].label == "base | crime.gunfire.theta=0.5");
  CHECK(nested_error("duration: 1d\nmodel: safety\ncrime: {}\n", {"crime.gunfire.thta=0.4"}) ==
        "--set crime.gunfire.thta=0.4: error: unknown key 'thta'; did you mean 'theta'? (allowed keys in "
        "'crime.gunfire': rate, theta, kernel); write it as --set key.path=value");
  CHECK(nested_error("duration: 1d\nmodel: safety\ncrime: {}\n", {"crime.gunfire.theta.x=0.4"}) ==
        "--set crime.gunfire.theta.x=0.4: error: 'crime.gunfire.theta' is a parameter; set its whole value, not a "
        "part; write it as --set key.path=value");
  CHECK(nested_error("duration: 1d\nmodel: safety\ncrime: {}\noptions: [{name: a, set: {model: shops_only}}]\n")
            .find("'model' cannot differ between variants") != std::string::npos);
}

TEST_CASE("the schema describes nested sections and the model key") {
  Json schema = citytwin::sim::scenario_schema(nested_registry());
  const Json& gunfire = schema["properties"]["crime"]["properties"]["gunfire"];
  CHECK(gunfire["type"] == "object");
  CHECK(gunfire["additionalProperties"] == false);
  CHECK(gunfire["properties"]["kernel"]["properties"]["sigma"]["default"] == "100m");
  CHECK(schema["properties"]["model"]["enum"] == Json::array({"shops_only", "safety"}));
  CHECK(schema["properties"]["model"]["default"] == "shops_only");
}

TEST_CASE("the resolved YAML of a scenario with nested sections reads back as the same scenario") {
  Scenario s = load_nested("duration: 1d\nmodel: safety\ncrime: {gunfire: {theta: 0.3}}\n");
  Scenario again = load_nested(s.resolved_yaml());
  CHECK(again.resolved() == s.resolved());
}
