// Tests of ingestion: faults quarantined with their reasons, duplicates and frame-counter resets, staleness,
// and the crash-safe log of raw messages.
#include "drivers/Ingest.hpp"
#include "drivers/JsonLog.hpp"
#include "drivers/Payloads.hpp"
#include "drivers/Rfc3339.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "TempDir.hpp"

using namespace citytwin::drivers;
using namespace citytwin::detection;
using citytwin::test::TempDir;

namespace {

constexpr std::int64_t S = 1'000'000;
const std::int64_t T0 = *parse_rfc3339_us("2026-01-05T08:00:00Z");

std::vector<SensorInfo> sensors() {
  return {{"shop-0000", SensorKind::ALERT_BUTTON, 0, 0}, {"count-0000", SensorKind::COUNTING_CAMERA, 0, 100, 600}};
}

std::string uplink(const std::string& eui, std::int64_t t_us, std::uint32_t fcnt, const std::string& object,
                   const std::string& dedup = "") {
  nlohmann::json j = {{"time", format_rfc3339_us(t_us)}, {"deviceInfo", {{"devEui", eui}}}, {"fCnt", fcnt},
                      {"object", nlohmann::json::parse(object)}};
  if (!dedup.empty()) j["deduplicationId"] = dedup;
  return j.dump();
}

struct Harness {
  std::vector<std::pair<std::string, std::string>> quarantined;  // code, reason
  Ingest ingest;
  std::vector<Arrival> out;
  Harness()
      : ingest(DeviceMap(sensors(), {0, 300 * S}), IngestSettings{},
               [this](const RawMessage&, const Quarantine& q) { quarantined.emplace_back(q.code, q.reason); }) {}
  void send(const std::string& payload, std::int64_t at_us, std::string topic = "") {
    if (topic.empty()) {
      nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
      topic = "application/app/device/" +
              (j.is_object() && j.contains("deviceInfo") ? j["deviceInfo"].value("devEui", "x") : "x") + "/event/up";
    }
    ingest.accept({topic, payload, at_us}, out);
  }
};

const std::string BUTTON = rehearsal_dev_eui(0, SensorKind::ALERT_BUTTON);
const std::string CAMERA = rehearsal_dev_eui(1, SensorKind::COUNTING_CAMERA);

}  // namespace

TEST_CASE("Each kind of fault is quarantined with its code and reason; good messages still pass") {
  Harness h;
  h.send(uplink(BUTTON, T0, 1, R"({"pressed":true})"), T0 + S);
  h.send(std::string(5000, 'x'), T0 + S, "application/app/device/x/event/up");
  h.send("{\"time\":", T0 + S, "application/app/device/x/event/up");
  h.send(R"({"hello":1})", T0 + S, "plain");
  h.send(uplink("00000000000000ff", T0, 1, R"({"pressed":true})"), T0 + S);
  h.send(uplink(CAMERA, T0, 1, R"({"people":-3})"), T0 + S);
  h.send(uplink(CAMERA, T0 + 3600 * S, 2, R"({"people":3})"), T0 + S);
  h.send(uplink(CAMERA, T0, 3, R"({"people":412})"), T0 + S);
  REQUIRE(h.quarantined.size() == 6);
  CHECK(h.quarantined[0].first == "too_large");
  CHECK(h.quarantined[0].second.find("5000 bytes") != std::string::npos);
  CHECK(h.quarantined[1].first == "not_json");
  CHECK(h.quarantined[2].first == "bad_format");
  CHECK(h.quarantined[3].first == "unknown_device");
  CHECK(h.quarantined[4].first == "bad_values");
  CHECK(h.quarantined[5].first == "future_time");
  CHECK(h.quarantined[5].second.find("3599 s ahead") != std::string::npos);
  REQUIRE(h.out.size() == 2);
  CHECK(h.out[0].reading.sensor == 0);
  CHECK(h.out[0].reading.time_us == T0);
  CHECK(h.out[0].arrival_us == T0 + S);
  CHECK(std::get<Measurement>(h.out[1].reading.payload).value == 412);
  CHECK(h.out[1].reading.id == h.out[0].reading.id + 1);
  const IngestCounts& c = h.ingest.counts();
  CHECK(c.messages == 8);
  CHECK(c.quarantined == 6);
  CHECK(c.readings == 2);
  CHECK(c.by_code.at("bad_values") == 1);
}

TEST_CASE("Duplicates go by deduplication id, or by device and frame counter; a reset starts again") {
  Harness h;
  // ChirpStack's deduplication id: the same uplink through two gateways, delivered twice.
  h.send(uplink(BUTTON, T0, 5, R"({"pressed":true})", "d-1"), T0 + S);
  h.send(uplink(BUTTON, T0, 5, R"({"pressed":true})", "d-1"), T0 + 2 * S);
  CHECK(h.out.size() == 1);
  CHECK(h.ingest.counts().duplicates == 1);
  // Frame counters: a repeat is a duplicate, a late frame within the window is not.
  h.send(uplink(CAMERA, T0, 10, R"({"people":10})"), T0 + S);
  h.send(uplink(CAMERA, T0 + 600 * S, 12, R"({"people":12})"), T0 + 601 * S);
  h.send(uplink(CAMERA, T0 + 300 * S, 11, R"({"people":11})"), T0 + 602 * S);  // reordered on the way
  h.send(uplink(CAMERA, T0 + 600 * S, 12, R"({"people":12})"), T0 + 603 * S);  // sent again
  CHECK(h.out.size() == 4);
  CHECK(h.ingest.counts().duplicates == 2);
  CHECK(h.ingest.counts().out_of_order == 1);
  // The device restarts and counts from 0: its frames are taken again, not as duplicates.
  h.send(uplink(CAMERA, T0 + 900 * S, 0, R"({"people":20})"), T0 + 901 * S);
  h.send(uplink(CAMERA, T0 + 1200 * S, 1, R"({"people":21})"), T0 + 1201 * S);
  CHECK(h.out.size() == 6);
  CHECK(h.ingest.counts().frame_resets == 1);
  h.send(uplink(CAMERA, T0 + 1200 * S, 1, R"({"people":21})"), T0 + 1202 * S);
  CHECK(h.out.size() == 6);
}

TEST_CASE("A periodic sensor silent for k intervals is stale until it is heard again") {
  Harness h;  // the camera reports every 300 s; stale after 3 intervals
  h.send(uplink(CAMERA, T0, 1, R"({"people":1})"), T0);
  CHECK(h.ingest.check_stale(T0 + 800 * S).empty());
  auto changes = h.ingest.check_stale(T0 + 901 * S);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].sensor == 1);
  CHECK(changes[0].stale);
  CHECK(changes[0].last_seen_us == T0);
  CHECK(h.ingest.stale()[1]);
  CHECK(h.ingest.check_stale(T0 + 2000 * S).empty());  // once
  // A battery report alone says it is alive, and is no reading (silence is never read as zero people).
  h.send(R"({"device":"count-0000","time":)" + std::to_string(T0 + 2000 * S) + R"(,"values":{"batteryLevel":0.4}})",
         T0 + 2001 * S, "plain");
  changes = h.ingest.check_stale(T0 + 2002 * S);
  REQUIRE(changes.size() == 1);
  CHECK(!changes[0].stale);
  CHECK(h.out.size() == 1);
  CHECK(h.ingest.counts().status_only == 1);
  // A button reports only on events: never stale.
  CHECK(!h.ingest.stale()[0]);
}

TEST_CASE("The raw log keeps every message exactly, and a line cut by a crash is skipped") {
  TempDir dir;
  std::string path = (dir.path / "raw.jsonl").string();
  std::vector<RawMessage> sent = {{"application/a/device/x/event/up", R"({"a":1})", T0},
                                  {"serial:/dev/ttyS0", std::string("\xff\xfe binary \x00 bytes", 17), T0 + 1},
                                  {"t", "line\nbreak \"quoted\"", T0 + 2}};
  {
    JsonLog log(path);
    for (const RawMessage& m : sent) log.write(raw_log_line(m));
    CHECK(log.lines() == 3);
  }
  {
    std::ofstream(path, std::ios::app) << R"({"t_us":5,"topic":"cut","payl)";  // the crash
  }
  {
    JsonLog log(path);  // the next session appends after the cut line
    log.write(raw_log_line({"after", "{}", T0 + 3}));
  }
  RawLogReader reader(path);
  std::vector<RawMessage> got;
  for (RawMessage m; reader.next(m);) got.push_back(m);
  REQUIRE(got.size() == 4);
  for (std::size_t i = 0; i < sent.size(); ++i) {
    CHECK(got[i].topic == sent[i].topic);
    CHECK(got[i].payload == sent[i].payload);
    CHECK(got[i].received_us == sent[i].received_us);
  }
  CHECK(got[3].topic == "after");
  CHECK(reader.skipped() == 1);
  CHECK(base64_decode(base64_encode("ab")) == std::string("ab"));
  // The text form is the same line.
  for (const RawMessage& m : sent) CHECK(nlohmann::json::parse(raw_log_text(m)) == raw_log_line(m));
  CHECK(valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x92"));
  for (const char* bad : {"\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff"}) CHECK(!valid_utf8(bad));
  CHECK(!base64_decode("a=bc"));
}
