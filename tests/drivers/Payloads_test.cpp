// Tests of what comes off the wire: RFC 3339 times, the three payload formats, devices mapped to sensors.
#include "drivers/DeviceMap.hpp"
#include "drivers/Payloads.hpp"
#include "drivers/Rfc3339.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "TempDir.hpp"

using namespace citytwin::drivers;
using namespace citytwin::detection;
using citytwin::test::TempDir;

namespace {

std::vector<Uplink> uplinks(const std::string& topic, const std::string& payload) {
  Decoded d = decode_message({topic, payload, 0});
  if (auto* why = std::get_if<std::string>(&d)) FAIL("not decoded: " << *why);
  return std::get<std::vector<Uplink>>(d);
}

std::string refusal(const std::string& topic, const std::string& payload) {
  Decoded d = decode_message({topic, payload, 0});
  REQUIRE(std::holds_alternative<std::string>(d));
  return std::get<std::string>(d);
}

std::vector<SensorInfo> fleet() {
  return {{"shop-0000", SensorKind::ALERT_BUTTON, 0, 0},
          {"mic-0000", SensorKind::MICROPHONE, 100, 0},
          {"count-0000", SensorKind::COUNTING_CAMERA, 0, 100, 600},
          {"video-0000", SensorKind::VIDEO_ANALYTICS, 0, 100},
          {"bin-0000", SensorKind::LEVEL, 50, 50, 0.8},
          {"citizens", SensorKind::CITIZEN_LINE, 0, 0}};
}

}  // namespace

TEST_CASE("RFC 3339 times: known instants, offsets, fractions, and refusals") {
  CHECK(parse_rfc3339_us("1970-01-01T00:00:00Z") == 0);
  // 2026-01-05T00:00:00Z is 20458 days after 1970-01-01 (a Monday).
  CHECK(parse_rfc3339_us("2026-01-05T00:00:00Z") == std::int64_t{20458} * 86400 * 1'000'000);
  CHECK(parse_rfc3339_us("2026-01-05T01:00:00+01:00") == parse_rfc3339_us("2026-01-05T00:00:00Z"));
  CHECK(parse_rfc3339_us("2026-01-04T19:00:00-05:00") == parse_rfc3339_us("2026-01-05T00:00:00Z"));
  CHECK(*parse_rfc3339_us("2026-01-05T00:00:00.123456789Z") - *parse_rfc3339_us("2026-01-05T00:00:00Z") == 123456);
  CHECK(*parse_rfc3339_us("2026-01-05 00:00:00.5z") - *parse_rfc3339_us("2026-01-05T00:00:00Z") == 500000);
  CHECK(parse_rfc3339_us("2024-02-29T12:00:00Z"));
  for (const char* bad : {"2025-02-29T12:00:00Z", "2026-01-05T24:00:00Z", "2026-01-05T00:00:00", "2026-01-05",
                          "2026-01-05T00:00:00.Z", "2026-01-05T00:00:00+0100", "yesterday", "2026-13-01T00:00:00Z",
                          "2026-01-05T00:00:00Zjunk"})
    CHECK_MESSAGE(!parse_rfc3339_us(bad), bad);
  // Formatting and parsing are inverse, before and after 1970.
  for (std::int64_t us : {std::int64_t{0}, std::int64_t{1'767'571'200'123'456}, std::int64_t{-1}, std::int64_t{-86'400'000'001},
                          std::int64_t{951'782'400'000'000}})
    CHECK(parse_rfc3339_us(format_rfc3339_us(us)) == us);
  CHECK(format_rfc3339_us(1'767'571'200'123'456) == "2026-01-05T00:00:00.123456Z");
}

TEST_CASE("A ChirpStack v4 uplink event decodes; its faults are named") {
  const std::string topic = "application/5f0b/device/0102030405060708/event/up";
  const std::string good = R"({"deduplicationId":"3f2a-11","time":"2026-01-05T08:00:00.250Z",
    "deviceInfo":{"tenantName":"Commune","applicationName":"bins","deviceName":"b1","devEui":"0102030405060708"},
    "devAddr":"00189440","fCnt":42,"fPort":1,"data":"AQI=","object":{"fillingLevel":0.62},
    "rxInfo":[{"gatewayId":"0016c001f153a14c","rssi":-99,"snr":7.5}]})";
  auto u = uplinks(topic, good);
  REQUIRE(u.size() == 1);
  CHECK(u[0].format == PayloadFormat::CHIRPSTACK);
  CHECK(u[0].device == "0102030405060708");
  CHECK(u[0].time_us == *parse_rfc3339_us("2026-01-05T08:00:00.250Z"));
  CHECK(u[0].frame_counter == 42u);
  CHECK(u[0].dedup_id == "3f2a-11");
  CHECK(u[0].values["fillingLevel"].get<double>() == doctest::Approx(0.62));
  // Upper-case devEuis are the same device.
  CHECK(uplinks("application/a/device/0A0B0C0D0E0F1011/event/up",
                R"({"time":"2026-01-05T08:00:00Z","deviceInfo":{"devEui":"0A0B0C0D0E0F1011"},"fCnt":1,"object":{}})")[0]
            .device == "0a0b0c0d0e0f1011");

  CHECK(refusal(topic, "{not json") == "not JSON");
  CHECK(refusal(topic, "[1,2]") == "not a JSON object");
  CHECK(refusal(topic, R"({"time":"2026-01-05T08:00:00Z","fCnt":1,"object":{}})").find("deviceInfo") != std::string::npos);
  CHECK(refusal(topic, R"({"time":"2026-01-05T08:00:00Z","deviceInfo":{"devEui":"0102"},"fCnt":1,"object":{}})")
            .find("16 hexadecimal") != std::string::npos);
  CHECK(refusal(topic, R"({"time":"2026-01-05T08:00:00Z","deviceInfo":{"devEui":"ffffffffffffffff"},"fCnt":1,"object":{}})")
            .find("topic names device") != std::string::npos);
  CHECK(refusal(topic, R"({"time":"soon","deviceInfo":{"devEui":"0102030405060708"},"fCnt":1,"object":{}})")
            .find("'time'") != std::string::npos);
  CHECK(refusal(topic, R"({"time":"2026-01-05T08:00:00Z","deviceInfo":{"devEui":"0102030405060708"},"fCnt":-1,"object":{}})")
            .find("fCnt") != std::string::npos);
  CHECK(refusal(topic, R"({"time":"2026-01-05T08:00:00Z","deviceInfo":{"devEui":"0102030405060708"},"fCnt":1})")
            .find("payload codec") != std::string::npos);
}

TEST_CASE("NGSI-LD entities decode in keyValues and normalized form, alone or in a notification") {
  auto kv = uplinks("ngsi", R"({"id":"urn:ngsi-ld:WasteContainer:bin-7","type":"WasteContainer",
    "fillingLevel":0.85,"dateObserved":"2026-01-05T10:00:00Z","@context":"https://smartdatamodels.org/context.jsonld"})");
  REQUIRE(kv.size() == 1);
  CHECK(kv[0].format == PayloadFormat::NGSI_LD);
  CHECK(kv[0].device == "urn:ngsi-ld:WasteContainer:bin-7");
  CHECK(kv[0].entity_type == "WasteContainer");
  CHECK(kv[0].values["fillingLevel"].get<double>() == doctest::Approx(0.85));
  CHECK(!kv[0].values.contains("@context"));
  CHECK(kv[0].time_us == *parse_rfc3339_us("2026-01-05T10:00:00Z"));

  auto normalized = uplinks("ngsi", R"({"id":"urn:ngsi-ld:WaterObserved:paillon-1","type":"WaterObserved",
    "height":{"type":"Property","value":1.72,"observedAt":"2026-01-05T10:05:00Z","unitCode":"MTR"}})");
  CHECK(normalized[0].values["height"].get<double>() == doctest::Approx(1.72));
  CHECK(normalized[0].time_us == *parse_rfc3339_us("2026-01-05T10:05:00Z"));

  auto note = uplinks("ngsi", R"({"id":"urn:ngsi-ld:Notification:1","type":"Notification",
    "notifiedAt":"2026-01-05T10:06:00Z","subscriptionId":"urn:ngsi-ld:Subscription:bins",
    "data":[{"id":"urn:ngsi-ld:WasteContainer:bin-7","type":"WasteContainer","fillingLevel":0.9,"dateObserved":"2026-01-05T10:06:00Z"},
            {"id":"urn:ngsi-ld:Device:bin-7-sensor","type":"Device","batteryLevel":0.31,"dateLastValueReported":"2026-01-05T10:06:00Z"}]})");
  REQUIRE(note.size() == 2);
  CHECK(note[1].entity_type == "Device");
  CHECK(note[1].values["batteryLevel"].get<double>() == doctest::Approx(0.31));

  CHECK(refusal("ngsi", R"({"id":"urn:x","type":"WasteContainer","fillingLevel":0.5})").find("gives no time") !=
        std::string::npos);
  CHECK(refusal("ngsi", R"({"type":"Notification","data":{}})").find("'data'") != std::string::npos);
}

TEST_CASE("A plain JSON line decodes, with a sequence number when it has one") {
  auto u = uplinks("serial:/dev/ttyUSB0", R"({"device":"mic-0000","time":1767571200000000,"values":{"level_db":101},"seq":7})");
  CHECK(u[0].format == PayloadFormat::PLAIN);
  CHECK(u[0].time_us == 1'767'571'200'000'000);
  CHECK(u[0].frame_counter == 7u);
  CHECK(refusal("x", R"({"device":"","time":1,"values":{}})").find("'device'") != std::string::npos);
  CHECK(refusal("x", R"({"device":"a","time":"noon","values":{}})").find("'time'") != std::string::npos);
  CHECK(refusal("x", R"({"device":"a","time":1,"values":[]})").find("'values'") != std::string::npos);
  CHECK(refusal("x", R"({"device":"a","time":1,"values":{},"seq":"x"})").find("'seq'") != std::string::npos);
  CHECK(refusal("x", R"({"hello":"world"})").find("unknown format") != std::string::npos);
}

TEST_CASE("Devices answer to their sensor ids and rehearsal devEuis; values become the core's payloads") {
  DeviceMap map(fleet(), {0, 0, 300'000'000, 0, 3'600'000'000, 0});
  CHECK(rehearsal_dev_eui(3, SensorKind::MICROPHONE) == "ce01000000000003");
  CHECK(map.find("mic-0000")->sensor == 1);
  CHECK(map.find(rehearsal_dev_eui(1, SensorKind::MICROPHONE))->sensor == 1);
  CHECK(map.find(rehearsal_dev_eui(2, SensorKind::COUNTING_CAMERA))->interval_us == 300'000'000);
  CHECK(!map.find("mic-0099"));

  auto read = [&](std::uint32_t sensor, nlohmann::json values, std::int64_t& t) {
    Uplink u;
    u.time_us = 1000;
    u.values = std::move(values);
    return map.interpret(u, sensor, t);
  };
  std::int64_t t = 0;
  CHECK(std::holds_alternative<Press>(std::get<Payload>(read(0, {{"pressed", true}}, t))));
  CHECK(std::holds_alternative<NoReading>(read(0, {{"pressed", false}}, t)));
  CHECK(std::holds_alternative<NoReading>(read(0, {{"batteryLevel", 0.5}}, t)));
  CHECK(std::get<std::string>(read(0, {{"other", 1}}, t)).find("'pressed'") != std::string::npos);

  Impulse imp = std::get<Impulse>(std::get<Payload>(read(1, {{"onset_us", 777}, {"level_db", 98.5}, {"gunfire_logit", 2.5}}, t)));
  CHECK(t == 777);
  CHECK(imp.level_db == 98.5);
  CHECK(imp.gunfire_logit == 2.5);
  imp = std::get<Impulse>(std::get<Payload>(read(1, {{"level_db", 90}, {"gunfire_probability", 0.75}}, t)));
  CHECK(t == 1000);
  CHECK(imp.gunfire_logit == doctest::Approx(std::log(3.0)));
  CHECK(std::holds_alternative<std::string>(read(1, {{"level_db", 90}, {"gunfire_probability", 1.0}}, t)));
  CHECK(std::holds_alternative<std::string>(read(1, {{"level_db", 900}, {"gunfire_logit", 1}}, t)));
  CHECK(std::holds_alternative<std::string>(read(1, {{"onset", "soon"}, {"level_db", 90}, {"gunfire_logit", 1}}, t)));

  CHECK(std::get<Measurement>(std::get<Payload>(read(2, {{"peopleCount", 412}}, t))).value == 412);
  CHECK(std::holds_alternative<std::string>(read(2, {{"people", 4.5}}, t)));
  CHECK(std::holds_alternative<std::string>(read(2, {{"people", -1}}, t)));
  VideoEvent ve = std::get<VideoEvent>(std::get<Payload>(read(3, {{"event", "abandoned_object"}, {"score", 0.7}}, t)));
  CHECK(ve.kind == VideoEventKind::ABANDONED_OBJECT);
  CHECK(std::holds_alternative<std::string>(read(3, {{"event", "face"}}, t)));
  CHECK(std::get<Measurement>(std::get<Payload>(read(4, {{"fillingLevel", 0.9}}, t))).value == doctest::Approx(0.9));
  CitizenReport c = std::get<CitizenReport>(std::get<Payload>(read(5, {{"reported", "robbery"}, {"x_m", 5}, {"y_m", 6}}, t)));
  CHECK(c.reported == AlertClass::ROBBERY);
  CHECK(c.uncertainty_m == 100.0);
  CHECK(std::holds_alternative<std::string>(read(5, {{"reported", "ufo"}, {"x_m", 5}, {"y_m", 6}}, t)));
}

TEST_CASE("A device map file names a real fleet's devices; its faults name the line") {
  TempDir dir;
  DeviceMap map = DeviceMap::from_csv(dir.write("devices.csv", "# the commune's bins\ndevice,sensor,interval\n"
                                                               "A84041000181C1E5, bin-0000, 3600\n"
                                                               "urn:ngsi-ld:WasteContainer:7,bin-0000\n"
                                                               "mic-north,mic-0000\n"),
                                      fleet());
  CHECK(map.find("a84041000181c1e5")->sensor == 4);
  CHECK(map.find("a84041000181c1e5")->interval_us == 3'600'000'000);
  CHECK(map.intervals_us()[4] == 3'600'000'000);
  CHECK(map.find("urn:ngsi-ld:WasteContainer:7")->sensor == 4);
  CHECK(map.find("mic-north")->sensor == 1);
  CHECK(!map.find("mic-0000"));  // a file replaces the default names

  auto error = [&](const std::string& text) {
    try {
      DeviceMap::from_csv(dir.write("bad.csv", text), fleet());
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error("dev,sens\n").find("bad.csv:1: the first line must be the header") != std::string::npos);
  CHECK(error("device,sensor\nabc,mic-9\n").find("bad.csv:2: no sensor 'mic-9'") != std::string::npos);
  CHECK(error("device,sensor,interval\nabc,mic-0000,soon\n").find("interval 'soon'") != std::string::npos);
  CHECK(error("device,sensor\nabc,mic-0000\nabc,bin-0000\n").find("bad.csv:3: device 'abc' is mapped twice") !=
        std::string::npos);
  CHECK(error("device,sensor\na,b,c,d\n").find("bad.csv:2: expected") != std::string::npos);
  CHECK_THROWS_WITH_AS(DeviceMap::from_csv((dir.path / "none.csv").string(), fleet()),
                       doctest::Contains("cannot open"), std::runtime_error);
}
