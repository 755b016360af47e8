// The shadow session: queue, ingestion, detection core, logs, alert publication and drift against the twin.
#include "drivers/Shadow.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "drivers/BoundedQueue.hpp"
#include "drivers/Fleet.hpp"
#include "drivers/Payloads.hpp"
#include "drivers/Rfc3339.hpp"

namespace citytwin::drivers {

using nlohmann::json;
constexpr std::int64_t NEVER = std::numeric_limits<std::int64_t>::max();

namespace {

std::unique_ptr<MessageSource> source_for(const ShadowSettings& s, const models::LiveTwin& twin) {
  if (s.source == "sim" || s.source.rfind("sim:", 0) == 0) {
    std::uint32_t replication = 0;
    if (s.source.size() > 4) {
      char* end = nullptr;
      unsigned long k = std::strtoul(s.source.c_str() + 4, &end, 10);
      if (*end != '\0' || k > 1'000'000) throw std::invalid_argument("'" + s.source + "': write sim or sim:K, K a replication");
      replication = static_cast<std::uint32_t>(k);
    }
    return std::make_unique<SimulatedSource>(twin, s.seed, replication);
  }
  return make_source(s.source, s.replay_speed, s.mqtt);
}

}  // namespace

ShadowSession::ShadowSession(const models::LiveTwin& twin, ShadowSettings settings)
    : twin_(twin), settings_(std::move(settings)), clock_(settings_.speed, settings_.rehearsal),
      pseudonyms_(settings_.pseudonym_key) {
  if (settings_.rehearsal && !(settings_.speed > 0))
    throw std::invalid_argument("a rehearsal's speed must be above 0 (simulated seconds per wall second)");
  const auto& sensors = twin_.live_sensors();
  if (settings_.rehearsal) {
    // A device's clock error is measured in wall time: on a rehearsal's clock it is `speed` times longer.
    double scaled = static_cast<double>(settings_.ingest.future_tolerance_us) * settings_.speed;
    settings_.ingest.future_tolerance_us =
        scaled > 1e18 ? std::int64_t{1'000'000'000'000'000'000} : static_cast<std::int64_t>(scaled);
  }
  DeviceMap devices = settings_.devices.empty()
                          ? DeviceMap(sensors, twin_.reporting_intervals_us())
                          : DeviceMap::from_csv(settings_.devices, sensors, twin_.reporting_intervals_us());
  if (!settings_.log_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(settings_.log_dir, ec);
    if (ec) throw std::runtime_error(settings_.log_dir + ": cannot create the log directory: " + ec.message());
    raw_log_ = std::make_unique<JsonLog>((std::filesystem::path(settings_.log_dir) / "raw.jsonl").string());
    quarantine_log_ = std::make_unique<JsonLog>((std::filesystem::path(settings_.log_dir) / "quarantine.jsonl").string());
    alert_log_ = std::make_unique<JsonLog>((std::filesystem::path(settings_.log_dir) / "alerts.jsonl").string());
  }
  ingest_ = std::make_unique<Ingest>(std::move(devices), settings_.ingest, [this](const RawMessage& m, const Quarantine& q) {
    if (!quarantine_log_) return;
    json line = {{"at", format_rfc3339_us(m.received_us)}, {"code", q.code}, {"reason", q.reason}, {"topic", m.topic}};
    // The message itself (its first 4 KiB; the raw log keeps all of it).
    RawMessage kept = m;
    if (kept.payload.size() > 4096) {
      kept.payload.resize(4096);
      line["truncated"] = true;
    }
    json raw = raw_log_line(kept);
    if (raw.contains("payload")) line["payload"] = raw["payload"];
    if (raw.contains("payload_b64")) line["payload_b64"] = raw["payload_b64"];
    quarantine_log_->write(line);
  });
  core_ = std::make_unique<detection::DetectionCore>(sensors, twin_.detection_settings());
  if (!settings_.publish_alerts.empty()) {
    MqttEndpoint e = MqttEndpoint::parse(settings_.publish_alerts);
    if (e.topic.empty()) e.topic = "citytwin/" + settings_.session + "/alerts";
    if (e.topic.rfind("application/", 0) == 0)
      throw std::invalid_argument("alert topic '" + e.topic + "' is under application/, where ChirpStack takes "
                                  "messages for devices; shadow mode never writes there: choose e.g. citytwin/alerts");
    if (e.topic.find_first_of("+#") != std::string::npos)
      throw std::invalid_argument("alert topic '" + e.topic + "' has a wildcard; give one topic to publish on");
    e.ca_file = settings_.mqtt.ca_file;
    e.cert_file = settings_.mqtt.cert_file;
    e.key_file = settings_.mqtt.key_file;
    alert_topic_ = e.topic;
    alert_client_ = std::make_unique<MqttClient>(e, false);
    alert_client_->connect();
  }
  // What the twin expects of each sensor, for drift.
  baseline_ = std::make_unique<TwinBaseline>(
      TwinBaseline::learn(twin_, settings_.seed, settings_.baseline_replications, settings_.duration));
  drift_ = std::make_unique<DriftMonitor>(*baseline_, hour_of_week_in(settings_.timezone), settings_.drift_z);
  source_ = source_for(settings_, twin_);
}

ShadowSession::~ShadowSession() {
  if (source_) source_->stop();
}

void ShadowSession::emit(std::vector<detection::AlertEvent> events) {
  AlertContext context{&twin_.live_sensors(), twin_.geo_frame(), &pseudonyms_, settings_.session};
  for (detection::AlertEvent& e : events) {
    json entity = alert_entity(e, context);
    std::string text = entity.dump();
    if (alert_log_)
      alert_log_->write_text("{\"at\":\"" + format_rfc3339_us(SessionClock::wall_us()) + "\",\"event\":\"" +
                             entity["alertStatus"].get<std::string>() + "\",\"alert\":" + text + "}");
    if (alert_client_) {
      alert_client_->publish(alert_topic_, text, 1);
      ++published_;
    }
    entities_.push_back(std::move(entity));
    events_.push_back(std::move(e));
  }
}

void ShadowSession::take_reading(const Arrival& a) {
  const bool virtual_clock = source_->virtual_clock();
  std::int64_t at = std::max(a.arrival_us, now_us_);
  if (virtual_clock) {
    // The messages' own clock: the windows that close before this arrival close at their deadlines.
    for (std::int64_t d = core_->next_deadline_us(); d <= at; d = core_->next_deadline_us()) emit(core_->advance(d));
  }
  now_us_ = at;
  readings_taken_.fetch_add(1, std::memory_order_relaxed);
  drift_->observe(a.reading);
  first_reading_us_ = std::min(first_reading_us_, a.reading.time_us);
  last_reading_us_ = std::max(last_reading_us_, a.reading.time_us);
  emit(core_->consume(a.reading, at).events);
}

void ShadowSession::take(Delivery d) {
  taken_.fetch_add(1, std::memory_order_relaxed);
  if (auto* a = std::get_if<Arrival>(&d)) return take_reading(*a);
  RawMessage& m = std::get<RawMessage>(d);
  if (raw_log_) raw_log_->write_text(raw_log_text(m));  // as received, on the wall clock
  if (clock_.rehearsal() && !clock_.aligned()) {
    Decoded decoded = decode_message(m);
    if (auto* ups = std::get_if<std::vector<Uplink>>(&decoded); ups && !ups->empty()) {
      std::int64_t t = ups->front().time_us;
      for (const Uplink& u : *ups) t = std::min(t, u.time_us);
      clock_.align(m.received_us, t);
    }
  }
  m.received_us = clock_.session_us(m.received_us);
  arrivals_.clear();
  ingest_->accept(m, arrivals_);
  for (const Arrival& a : arrivals_) take_reading(a);
}

void ShadowSession::housekeeping(std::int64_t now_us) {
  // Silence is measured from the first message, on the session's clock. (The logs go to the disk on their
  // own threads.)
  if (now_us != std::numeric_limits<std::int64_t>::min())
    for (const StaleChange& c : ingest_->check_stale(now_us)) stale_changes_.push_back(c);
}

void ShadowSession::run(const std::atomic<bool>& stop, const std::function<void(const ShadowStatus&)>& status,
                        std::chrono::milliseconds status_every) {
  started_ = std::chrono::steady_clock::now();
  BoundedQueue<Delivery> queue(settings_.queue_capacity);
  source_->start([&queue](Delivery d) { return queue.push(std::move(d)); });
  running_ = true;
  const bool virtual_clock = source_->virtual_clock();
  auto next_status = started_ + status_every, next_housekeeping = started_ + std::chrono::milliseconds(200);
  std::deque<Delivery> batch;
  while (!stop.load()) {
    // Wait for a message, but no longer than the core's next deadline on a live clock.
    auto now = std::chrono::steady_clock::now();
    auto until = now + std::chrono::milliseconds(100);
    if (!virtual_clock) {
      std::int64_t d = core_->next_deadline_us();
      if (d != NEVER) {
        double wait_us = static_cast<double>(d - clock_.now_us()) / (clock_.rehearsal() ? clock_.speed() : 1.0);
        if (wait_us < 1e5) until = now + std::chrono::microseconds(static_cast<std::int64_t>(std::max(0.0, wait_us)));
      }
    }
    auto got = queue.pop_all(batch, until);
    for (; !batch.empty(); batch.pop_front()) take(std::move(batch.front()));
    if (got == BoundedQueue<Delivery>::Pop::CLOSED) break;
    if (got == BoundedQueue<Delivery>::Pop::TIMEOUT && source_->finished() && queue.size() == 0) break;
    // A live clock runs on between messages (a rehearsal's once the first reading has set it).
    const bool clock_runs = !virtual_clock && (!clock_.rehearsal() || clock_.aligned());
    if (clock_runs) {
      std::int64_t t = clock_.now_us();
      if (t >= now_us_) now_us_ = t;
      if (core_->next_deadline_us() <= now_us_) emit(core_->advance(now_us_));
    }
    now = std::chrono::steady_clock::now();
    if (now >= next_housekeeping) {
      housekeeping(now_us_);
      next_housekeeping = now + std::chrono::milliseconds(200);
    }
    queue_size_ = queue.size();
    if (status && now >= next_status) {
      status(this->status());
      next_status = now + status_every;
    }
  }
  // The end: nothing more from the source; what is queued is taken, and the core concludes what it holds.
  source_->stop();
  running_ = false;
  queue.close();
  while (queue.pop_all(batch, std::chrono::steady_clock::now()) == BoundedQueue<Delivery>::Pop::ITEM)
    for (; !batch.empty(); batch.pop_front()) take(std::move(batch.front()));
  emit(core_->advance(NEVER));
  queue_high_water_ = queue.high_water();
  queue_waits_ = queue.waits();
  queue_size_ = 0;
  housekeeping(now_us_);
  for (JsonLog* log : {raw_log_.get(), quarantine_log_.get(), alert_log_.get()})
    if (log) log->sync();
  if (alert_client_) alert_client_->wait_acknowledged(std::chrono::seconds(10));
  if (status) status(this->status());
}

ShadowStatus ShadowSession::status() const {
  ShadowStatus s;
  s.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  s.session_us = now_us_;
  s.ingest = ingest_->counts();
  s.alerts = core_->counts().raised;
  s.events = events_.size();
  s.late = core_->counts().late;
  s.held = core_->held();
  s.queue = queue_size_;
  for (bool b : ingest_->stale()) s.stale += b;
  return s;
}

std::vector<DriftRow> ShadowSession::drift() const {
  if (first_reading_us_ == NEVER) return {};
  // The span watched: from the first reading to the session's clock (or the last reading, if later).
  return drift_->report(first_reading_us_, std::max(last_reading_us_ + 1, now_us_));
}

sim::ReplicationResults ShadowSession::results() const {
  using Col = sim::ColumnSpec;
  sim::ReplicationResults out;
  const auto& sensors = twin_.live_sensors();
  auto sensor_name = [&](std::uint32_t s) { return pseudonyms_(s < sensors.size() ? sensors[s].id : std::to_string(s)); };
  const IngestCounts& c = ingest_->counts();
  const detection::CoreCounts& k = core_->counts();
  auto kpi = [&](const char* name, const char* unit, const char* description, double v) {
    out.kpis.push_back({name, unit, description, v});
  };
  kpi("session_wall_time_s", "s", "Wall-clock time the session ran.",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  kpi("messages", "", "Messages received.", static_cast<double>(c.messages));
  kpi("readings", "", "Readings taken from them.", static_cast<double>(c.readings));
  kpi("quarantined", "", "Messages quarantined (see the quarantine table and log).", static_cast<double>(c.quarantined));
  kpi("duplicates", "", "Duplicate uplinks dropped (deduplication id, or device and frame counter).",
      static_cast<double>(c.duplicates));
  kpi("frame_counter_resets", "", "Devices that restarted their frame counters.", static_cast<double>(c.frame_resets));
  kpi("status_only", "", "Messages that only said a device was alive (a battery level).", static_cast<double>(c.status_only));
  kpi("out_of_order", "", "Readings older than their sensor's previous one.", static_cast<double>(c.out_of_order));
  kpi("late_readings", "", "Readings that came after the core had decided (beyond the reorder window).",
      static_cast<double>(k.late));
  kpi("rejected_readings", "", "Readings the core refused (a value out of range).", static_cast<double>(k.rejected));
  kpi("alerts_raised", "", "Alerts the core raised.", static_cast<double>(k.raised));
  kpi("alerts_fused", "", "Alerts fused into another sensor's alert of the same incident.", static_cast<double>(k.fused));
  kpi("alerts_published", "", "Alert entities published on the alert topic.", static_cast<double>(published_));
  std::size_t stale = 0;
  for (bool b : ingest_->stale()) stale += b;
  kpi("stale_sensors", "", "Periodic sensors silent for k intervals at the end.", static_cast<double>(stale));
  std::vector<DriftRow> drift = this->drift();
  std::size_t drifting = 0;
  for (const DriftRow& d : drift) drifting += d.status == "high" || d.status == "low";
  kpi("drifting_sensors", "", "Sensors whose rate or values differ from the twin's beyond the z limit.",
      static_cast<double>(drifting));
  kpi("queue_high_water", "", "Most messages ever waiting between the network and the core.",
      static_cast<double>(queue_high_water_));

  sim::EventTable alerts("alerts", "One row per alert event the core put out, as published (FIWARE Alert).",
                         {{"alert", Col::Type::INT64, "", "Alert id (1, 2, ... in the order raised)."},
                          {"event", Col::Type::STRING, "", "raised, merged or cleared."},
                          {"class", Col::Type::STRING, "", "What the core believes is happening."},
                          {"sensor", Col::Type::STRING, "", "The sensor whose reading opened it (pseudonymised when asked)."},
                          {"date_observed", Col::Type::STRING, "", "Its first reading (RFC 3339, UTC)."},
                          {"date_issued", Col::Type::STRING, "", "When the core concluded (its logical clock; RFC 3339)."},
                          {"x_m", Col::Type::FLOAT64, "m", "East in the scenario's frame."},
                          {"y_m", Col::Type::FLOAT64, "m", "North."},
                          {"uncertainty_m", Col::Type::FLOAT64, "m", "Radius within which the incident lies."},
                          {"confidence", Col::Type::FLOAT64, "", "0..1: how sure the core is of the class."},
                          {"located", Col::Type::INT64, "", "Gunfire: 1 when fixed by multilateration."},
                          {"sensors", Col::Type::INT64, "", "Distinct sensors that contributed."},
                          {"readings", Col::Type::INT64, "", "Readings it holds."}});
  for (const detection::AlertEvent& e : events_) {
    const detection::Alert& a = e.alert;
    const char* kind = e.kind == detection::AlertEvent::Kind::RAISED   ? "raised"
                       : e.kind == detection::AlertEvent::Kind::MERGED ? "merged"
                                                                       : "cleared";
    alerts.append({static_cast<double>(a.id), kind, detection::to_string(a.cls), sensor_name(a.sensor),
                   format_rfc3339_us(a.first_reading_us), format_rfc3339_us(a.raised_us), a.x_m, a.y_m, a.uncertainty_m,
                   a.confidence, a.located ? 1.0 : 0.0, static_cast<double>(a.sensors),
                   static_cast<double>(a.reading_ids.size())});
  }
  out.tables.push_back(std::move(alerts));

  sim::EventTable quarantine("quarantine", "Quarantined messages by reason (the messages are in quarantine.jsonl).",
                             {{"code", Col::Type::STRING, "", "too_large, not_json, bad_format, unknown_device, "
                                                              "bad_values or future_time."},
                              {"messages", Col::Type::INT64, "", "How many."}});
  for (const auto& [code, n] : c.by_code) quarantine.append({code, static_cast<double>(n)});
  out.tables.push_back(std::move(quarantine));

  sim::EventTable drift_table(
      "drift", "Per sensor: what the twin expects over the span watched against what it reported.",
      {{"sensor", Col::Type::STRING, "", "Sensor id (pseudonymised when asked)."},
       {"kind", Col::Type::STRING, "", "Kind of sensor."},
       {"status", Col::Type::STRING, "", "ok, high, low, too_few (under 5 readings expected and seen) or stale."},
       {"expected_readings", Col::Type::FLOAT64, "", "Readings the twin expects over the hours watched."},
       {"observed_readings", Col::Type::INT64, "", "Readings taken."},
       {"rate_z", Col::Type::FLOAT64, "", "(observed - expected) / sqrt(dispersion x expected)."},
       {"expected_mean", Col::Type::FLOAT64, "", "Measured sensors: the twin's mean value for the hours of the readings."},
       {"observed_mean", Col::Type::FLOAT64, "", "Measured sensors: the mean value reported."},
       {"value_z", Col::Type::FLOAT64, "", "Mean residual over its AR(1) standard error."}});
  for (const DriftRow& d : drift) {
    std::string status = ingest_->stale()[d.sensor] ? "stale" : d.status;
    drift_table.append({sensor_name(d.sensor), detection::to_string(sensors[d.sensor].kind), status, d.expected_readings,
                        d.observed_readings, d.rate_z, d.expected_mean, d.observed_mean, d.value_z});
  }
  out.tables.push_back(std::move(drift_table));

  sim::EventTable stale_table("stale", "Periodic sensors that went silent for k intervals, or were heard again.",
                              {{"sensor", Col::Type::STRING, "", "Sensor id (pseudonymised when asked)."},
                               {"stale", Col::Type::INT64, "", "1: went stale; 0: heard again."},
                               {"at", Col::Type::STRING, "", "When it was noticed (RFC 3339)."}});
  for (const StaleChange& s : stale_changes_)
    stale_table.append({sensor_name(s.sensor), s.stale ? 1.0 : 0.0, format_rfc3339_us(s.at_us)});
  out.tables.push_back(std::move(stale_table));
  return out;
}

}  // namespace citytwin::drivers
