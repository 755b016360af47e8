// Shadow mode and the rehearsal fleet from the command line.
#include "app/Live.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "app/Progress.hpp"
#include "drivers/Fleet.hpp"
#include "drivers/JsonLog.hpp"
#include "drivers/Outbound.hpp"
#include "drivers/Rfc3339.hpp"
#include "drivers/Shadow.hpp"
#include "models/City.hpp"
#include "outputs/Hdf5Writer.hpp"
#include "sim/Registry.hpp"

namespace citytwin::app {

namespace {

namespace fs = std::filesystem;

const char* LIVE_EXIT_CODES =
    "Exit codes: 0 success (Ctrl-C and SIGTERM end a session cleanly), 1 internal error, 2 bad input, 3 a broker "
    "or device that cannot be reached or refuses the connection\n";

std::string now_rfc3339() { return drivers::format_rfc3339_us(drivers::SessionClock::wall_us()); }

/// The variant an --option names (by option name or label), or the first.
const sim::Variant& variant_of(const sim::Scenario& scenario, const cxxopts::ParseResult& args) {
  if (!args.count("option")) return scenario.variants().front();
  const std::string wanted = args["option"].as<std::string>();
  std::string known;
  for (const sim::Variant& v : scenario.variants()) {
    if (v.option == wanted || v.label == wanted) return v;
    known += (known.empty() ? "'" : ", '") + v.label + "'";
  }
  throw UsageError("no option '" + wanted + "' in " + scenario.file() + "; its options are " + known);
}

struct Twin {
  std::unique_ptr<const sim::Model> model;
  const models::LiveTwin* live = nullptr;
};

Twin twin_of(const sim::Scenario& scenario, const sim::Variant& variant) {
  Twin t;
  t.model = models::build_model(variant);
  t.live = dynamic_cast<const models::LiveTwin*>(t.model.get());
  if (!t.live)
    throw UsageError("the " + scenario.model() + " model has no sensors that can be live devices (shop_alerts and "
                     "public_safety do)");
  return t;
}

std::vector<std::string> overrides(const cxxopts::ParseResult& args) {
  std::vector<std::string> out;
  if (args.count("set"))
    for (const auto& s : args["set"].as<std::vector<std::string>>()) out.push_back(s);
  return out;
}

bool connection_failure(const std::string& what) {
  return what.find("broker") != std::string::npos || what.find("TLS") != std::string::npos ||
         what.find("connect") != std::string::npos;
}

/// Runs `f`, turning a failed live connection into a ConnectionError.
template <class F>
auto connecting(F&& f) {
  try {
    return f();
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  } catch (const std::runtime_error& e) {
    if (connection_failure(e.what())) throw ConnectionError(e.what());
    throw;
  }
}

/// Runs the set-up `f`: a file it cannot read (a device map, a log directory) is bad input.
template <class F>
auto configuring(F&& f) {
  try {
    return connecting(std::forward<F>(f));
  } catch (const ConnectionError&) {
    throw;
  } catch (const UsageError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
}

sim::RunResults results_header(const sim::Scenario& scenario, const std::string& version, const std::string& started) {
  sim::RunResults run;
  run.scenario_file = scenario.file();
  run.scenario_resolved = scenario.resolved_yaml();
  run.seed = scenario.seed();
  run.replications = 1;
  run.threads = 1;
  run.version = version;
  run.started_utc = started;
  return run;
}

}  // namespace

int shadow(int argc, char** argv, const std::string& version) {
  cxxopts::Options o("citytwin shadow",
                     "Runs the scenario's detection core (its sensors, thresholds and detection settings) on a live "
                     "stream beside the existing system: it raises the alerts it would raise, writes them to the "
                     "results file and the log directory, publishes them as FIWARE Alert entities, compares each "
                     "sensor with what the twin expects, and never sends anything to a device. Ctrl-C or SIGTERM "
                     "ends it cleanly, everything flushed.");
  o.add_options()
      ("scenario", "scenario file (YAML)", cxxopts::value<std::string>())
      ("source", "where readings come from: mqtt://[user@]host[:port]/topic-filter, mqtts://... (TLS), replay:FILE "
                 "(a raw.jsonl of an earlier session), serial:/dev/ttyUSB0[@9600], or sim[:K] (replication K of the "
                 "twin's own sensors)", cxxopts::value<std::string>())
      ("option", "the option (or variant label) whose sensors and settings to use; default: the first",
       cxxopts::value<std::string>())
      ("set", "override a scenario key, e.g. --set detection.reorder_window=30s (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("devices", "device map (CSV: device,sensor[,interval_s]) naming the fleet's devEuis or entity ids; default: "
                  "the scenario's live.devices, else sensor ids and rehearsal devEuis", cxxopts::value<std::string>())
      ("publish-alerts", "publish the alerts as FIWARE Alert entities on this MQTT topic, e.g. "
                         "mqtt://citytwin@broker/citytwin/alerts (never under application/)", cxxopts::value<std::string>())
      ("o,output", "results file (HDF5); default SCENARIO's name with -shadow.h5", cxxopts::value<std::string>())
      ("log-dir", "directory of the crash-safe logs (raw.jsonl, quarantine.jsonl, alerts.jsonl); default SCENARIO's "
                  "name with -shadow-logs", cxxopts::value<std::string>())
      ("speed", "rehearsal: the readings carry the twin's dates and the session's clock runs this many times faster "
                "than the wall clock (give the fleet's --speed)", cxxopts::value<double>())
      ("replay-speed", "replay: 0 as fast as possible, 1 at the recorded pace, k times faster",
       cxxopts::value<double>()->default_value("0"))
      ("client-id", "MQTT: the persistent session's name (the broker keeps its messages while it is away)",
       cxxopts::value<std::string>())
      ("ca", "TLS: the certificate authority of the broker's certificate", cxxopts::value<std::string>())
      ("cert", "TLS: this client's certificate, when the broker asks for one", cxxopts::value<std::string>())
      ("key", "TLS: this client's key", cxxopts::value<std::string>())
      ("pseudonymise", "export sensor ids as keyed pseudonyms (HMAC-SHA256), the key read from this file or from "
                       "CITYTWIN_PSEUDONYM_KEY", cxxopts::value<std::string>()->implicit_value(""))
      ("timezone", "the city's time zone (IANA name) for the twin's hours of the week; default: the scenario's "
                   "live.timezone (UTC)", cxxopts::value<std::string>())
      ("baseline-replications", "replications the twin's expectations are learnt from",
       cxxopts::value<unsigned>()->default_value("3"))
      ("queue", "messages held between the network and the core at most", cxxopts::value<unsigned>()->default_value("10000"))
      ("status-every", "seconds between status lines", cxxopts::value<double>()->default_value("10"))
      ("q,quiet", "no status lines")
      ("h,help", "show this help");
  o.parse_positional({"scenario"});
  o.positional_help("SCENARIO --source URL");
  auto args = parse(o, argc, argv);
  if (args.count("help")) {
    std::cout << o.help() << "\nThe password of an MQTT URL is best given in CITYTWIN_MQTT_PASSWORD.\n"
              << LIVE_EXIT_CODES;
    return EXIT_OK;
  }
  if (!args.count("scenario")) throw UsageError("'shadow' needs a scenario file");
  if (!args.count("source")) throw UsageError("'shadow' needs --source (mqtt://..., replay:FILE, serial:..., sim)");
  const std::string path = args["scenario"].as<std::string>();
  sim::Registry registry;
  models::register_models(registry);
  sim::Scenario scenario = sim::Scenario::load_file(path, registry, overrides(args));
  const sim::Variant& variant = variant_of(scenario, args);
  Twin twin = twin_of(scenario, variant);
  const std::string stem = fs::path(path).stem().string();

  drivers::ShadowSettings s;
  s.source = args["source"].as<std::string>();
  s.seed = scenario.seed();
  s.duration = scenario.duration();
  s.session = scenario.name();
  if (args.count("speed")) {
    s.rehearsal = true;
    s.speed = args["speed"].as<double>();
    if (!(s.speed > 0)) throw UsageError("--speed must be above 0 (simulated seconds per wall second)");
  }
  s.replay_speed = args["replay-speed"].as<double>();
  if (s.replay_speed < 0) throw UsageError("--replay-speed must be 0 (as fast as possible) or above");
  // The scenario's `live` section names the device map and the time zone; the command line overrides.
  const sim::Json live = variant.params.contains("live") ? variant.params.at("live") : sim::Json::object();
  if (args.count("devices")) {
    s.devices = args["devices"].as<std::string>();
  } else if (live.contains("devices") && live["devices"].is_string() && !live["devices"].get<std::string>().empty()) {
    s.devices = (fs::path(variant.directory) / live["devices"].get<std::string>()).string();
  }
  if (args.count("publish-alerts")) s.publish_alerts = args["publish-alerts"].as<std::string>();
  s.log_dir = args.count("log-dir") ? args["log-dir"].as<std::string>() : stem + "-shadow-logs";
  s.mqtt.client_id = args.count("client-id") ? args["client-id"].as<std::string>() : "citytwin-shadow-" + scenario.name();
  if (args.count("ca")) s.mqtt.ca_file = args["ca"].as<std::string>();
  if (args.count("cert")) s.mqtt.cert_file = args["cert"].as<std::string>();
  if (args.count("key")) s.mqtt.key_file = args["key"].as<std::string>();
  if (args.count("pseudonymise")) {
    std::string file = args["pseudonymise"].as<std::string>();
    if (!file.empty()) {
      std::ifstream in(file);
      if (!in) throw UsageError("--pseudonymise " + file + ": cannot read the key file");
      std::getline(in, s.pseudonym_key);
    } else if (const char* k = std::getenv("CITYTWIN_PSEUDONYM_KEY")) {
      s.pseudonym_key = k;
    }
    if (s.pseudonym_key.size() < 16)
      throw UsageError("--pseudonymise needs a key of 16 characters or more (in the file given, or in "
                       "CITYTWIN_PSEUDONYM_KEY); e.g. openssl rand -hex 32 > pseudonym.key");
  }
  s.timezone = args.count("timezone") ? args["timezone"].as<std::string>()
                                      : live.value("timezone", std::string("UTC"));
  s.baseline_replications = args["baseline-replications"].as<unsigned>();
  s.queue_capacity = args["queue"].as<unsigned>();
  const std::string output = args.count("output") ? args["output"].as<std::string>() : stem + "-shadow.h5";
  const bool quiet = args.count("quiet") > 0;
  const auto status_every = std::chrono::milliseconds(static_cast<long>(args["status-every"].as<double>() * 1000));
  if (twin.live->detection_settings().reorder_window_us == 0 && !quiet)
    std::fprintf(stderr, "note: detection.reorder_window is 0: alerts follow the order readings arrive in; set it "
                         "(e.g. --set detection.reorder_window=30s) for alerts that a replay reproduces exactly\n");

  const std::string started = now_rfc3339();
  if (!quiet) std::fprintf(stderr, "%s: learning what the twin expects of its %zu sensors...\n", path.c_str(),
                           twin.live->live_sensors().size());
  auto session = configuring([&] { return std::make_unique<drivers::ShadowSession>(*twin.live, s); });
  if (!quiet)
    std::fprintf(stderr, "shadow session on %s: %s; logs in %s; Ctrl-C ends it\n", session->source_description().c_str(),
                 s.rehearsal ? ("rehearsal at x" + std::to_string(s.speed)).c_str() : "wall-clock time",
                 s.log_dir.c_str());
  catch_interruptions();
  connecting([&] {
    session->run(
        interrupted(),
        [&](const drivers::ShadowStatus& st) {
          if (quiet) return;
          std::fprintf(stderr,
                       "[%s] clock %s | %llu messages, %llu readings, %llu quarantined, %llu duplicates | %llu alerts | "
                       "queue %zu, %zu stale\n",
                       Progress::format_duration(st.wall_seconds).c_str(),
                       st.session_us == std::numeric_limits<std::int64_t>::min()
                           ? "-"
                           : drivers::format_rfc3339_us(st.session_us).substr(0, 19).c_str(),
                       static_cast<unsigned long long>(st.ingest.messages),
                       static_cast<unsigned long long>(st.ingest.readings),
                       static_cast<unsigned long long>(st.ingest.quarantined),
                       static_cast<unsigned long long>(st.ingest.duplicates), static_cast<unsigned long long>(st.alerts),
                       st.queue, st.stale);
        },
        status_every);
    return 0;
  });

  // The results file: the twin's layout beside what the session saw.
  sim::RunResults run = results_header(scenario, version, started);
  sim::VariantResults vr;
  vr.option = variant.option;
  vr.sweep_point = variant.sweep_point;
  vr.label = "shadow: " + variant.label;
  vr.layout = twin.model->layout();
  vr.replications.push_back(session->results());
  vr.summary = sim::summarise(vr.replications);
  run.variants.push_back(std::move(vr));
  run.finished_utc = now_rfc3339();
  outputs::write_hdf5(run, output);

  // What to look at.
  std::map<std::string, int> by_class;
  for (const auto& e : session->events())
    if (e.kind == detection::AlertEvent::Kind::RAISED) ++by_class[detection::to_string(e.alert.cls)];
  std::string classes;
  for (const auto& [c, n] : by_class) classes += (classes.empty() ? "" : ", ") + std::to_string(n) + " " + c;
  const auto& c = session->ingest_counts();
  std::fprintf(stderr, "%llu messages, %llu readings, %llu quarantined; alerts: %s\n",
               static_cast<unsigned long long>(c.messages), static_cast<unsigned long long>(c.readings),
               static_cast<unsigned long long>(c.quarantined), classes.empty() ? "none" : classes.c_str());
  std::size_t shown = 0;
  for (const drivers::DriftRow& d : session->drift()) {
    if (d.status != "high" && d.status != "low") continue;
    if (shown++ < 10)
      std::fprintf(stderr, "drift: %s reports %s than the twin expects (readings %.0f vs %.1f, z %.1f; value z %.1f)\n",
                   twin.live->live_sensors()[d.sensor].id.c_str(), d.status == "high" ? "more" : "less",
                   d.observed_readings, d.expected_readings, d.rate_z, d.value_z);
  }
  std::fprintf(stderr, "wrote %s\n", output.c_str());
  return EXIT_OK;
}

void add_publish_options(cxxopts::Options& o) {
  o.add_options("Device fleet")
      ("publish", "make the simulated sensors a device fleet: publish one replication's readings as ChirpStack v4 "
                  "uplinks on this broker (mqtt://user@host:port[/topic-prefix]) in scaled wall-clock time",
       cxxopts::value<std::string>())
      ("speed", "with --publish: simulated seconds per wall second (1: real time; 0: as fast as possible)",
       cxxopts::value<double>()->default_value("1"))
      ("option", "with --publish: the option (or variant label) whose sensors publish; default: the first",
       cxxopts::value<std::string>())
      ("replication", "with --publish: which replication", cxxopts::value<unsigned>()->default_value("0"))
      ("application", "with --publish: the ChirpStack application name in the topics; default: the scenario's name",
       cxxopts::value<std::string>())
      ("ca", "with --publish over mqtts://: the broker's certificate authority", cxxopts::value<std::string>())
      ("alerts", "with --publish: write the twin's own alerts, as shadow mode writes them, to this JSON-lines file",
       cxxopts::value<std::string>());
}

int rehearse(const cxxopts::ParseResult& args, const sim::Scenario& scenario, const std::string& output, bool quiet,
             const std::string& version) {
  const sim::Variant& variant = variant_of(scenario, args);
  Twin twin = twin_of(scenario, variant);
  const double speed = args["speed"].as<double>();
  if (speed < 0) throw UsageError("--speed must be 0 (as fast as possible) or above");
  const std::string application = args.count("application") ? args["application"].as<std::string>() : scenario.name();
  drivers::MqttEndpoint endpoint = connecting([&] { return drivers::MqttEndpoint::parse(args["publish"].as<std::string>()); });
  if (args.count("ca")) endpoint.ca_file = args["ca"].as<std::string>();
  std::string prefix = endpoint.topic.empty() ? "" : endpoint.topic + (endpoint.topic.back() == '/' ? "" : "/");
  const std::string started = now_rfc3339();
  catch_interruptions();
  drivers::FleetScript script =
      drivers::script_replication(*twin.live, scenario.seed(), args["replication"].as<unsigned>(),
                                  drivers::REHEARSAL_EPOCH_US, &interrupted());
  if (interrupted().load()) {
    std::fprintf(stderr, "interrupted: nothing published\n");
    return EXIT_INTERRUPTED;
  }
  if (!quiet)
    std::fprintf(stderr, "%s: %zu readings of option '%s' to publish on %s as application '%s', x%g\n",
                 scenario.file().c_str(), script.arrivals.size(), variant.label.c_str(), endpoint.describe().c_str(),
                 application.c_str(), speed);
  if (args.count("alerts")) {
    // The twin's own alerts, in the form shadow mode writes alerts.jsonl (the entities compare line by line).
    std::string file = args["alerts"].as<std::string>();
    std::error_code ignored;
    fs::remove(file, ignored);
    drivers::JsonLog log(file);
    drivers::AlertContext context{&twin.live->live_sensors(), twin.live->geo_frame(), nullptr, scenario.name()};
    for (const auto& e : script.alerts) {
      nlohmann::json entity = drivers::alert_entity(e, context);
      log.write({{"at", started}, {"event", entity["alertStatus"]}, {"alert", entity}});
    }
  }
  drivers::MqttClient client(endpoint, false);
  connecting([&] {
    client.connect();
    return 0;
  });
  Progress progress(!quiet, isatty(STDERR_FILENO) != 0);
  drivers::FleetReport report =
      drivers::publish_fleet(script, twin.live->live_sensors(), application, client, prefix, speed, interrupted(),
                             [&](double f) { progress.update(f, 0, 1); });
  progress.finish();
  client.disconnect();
  if (!report.acknowledged)
    throw ConnectionError("the broker did not acknowledge every message within 30 s of the last; " +
                          std::to_string(client.unacknowledged()) + " may not have arrived");
  // The replication's results, as `run` writes them.
  sim::RunResults run = results_header(scenario, version, started);
  sim::VariantResults vr;
  vr.option = variant.option;
  vr.sweep_point = variant.sweep_point;
  vr.label = variant.label;
  vr.layout = twin.model->layout();
  script.results.replication = args["replication"].as<unsigned>();
  vr.replications.push_back(std::move(script.results));
  vr.summary = sim::summarise(vr.replications);
  run.variants.push_back(std::move(vr));
  run.finished_utc = now_rfc3339();
  outputs::write_hdf5(run, output);
  if (!quiet)
    std::fprintf(stderr, "published %llu messages in %.1f s (%llu reconnections); wrote %s\n",
                 static_cast<unsigned long long>(report.published), report.wall_seconds,
                 static_cast<unsigned long long>(report.reconnections), output.c_str());
  return interrupted().load() ? EXIT_INTERRUPTED : EXIT_OK;
}

}  // namespace citytwin::app
