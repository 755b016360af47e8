// Device names to sensors, and uplink values to the detection core's payloads.
#include "drivers/DeviceMap.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "drivers/Rfc3339.hpp"

namespace citytwin::drivers {

using nlohmann::json;

std::string rehearsal_dev_eui(std::uint32_t index, detection::SensorKind kind) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "ce%02x%012x", static_cast<unsigned>(kind), index);
  return buf;
}

DeviceMap::DeviceMap(const std::vector<detection::SensorInfo>& sensors, const std::vector<std::int64_t>& intervals_us)
    : sensors_(sensors), intervals_(intervals_us) {
  intervals_.resize(sensors_.size(), 0);
  for (std::uint32_t i = 0; i < sensors_.size(); ++i) {
    DeviceBinding b{i, intervals_[i]};
    devices_[sensors_[i].id] = b;
    devices_[rehearsal_dev_eui(i, sensors_[i].kind)] = b;
  }
}

DeviceMap DeviceMap::from_csv(const std::string& path, const std::vector<detection::SensorInfo>& sensors,
                             const std::vector<std::int64_t>& intervals_us) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open the device map");
  DeviceMap map(sensors, intervals_us);
  map.devices_.clear();
  std::unordered_map<std::string, std::uint32_t> by_id;
  for (std::uint32_t i = 0; i < sensors.size(); ++i) by_id[sensors[i].id] = i;
  std::string line;
  std::size_t number = 0;
  bool header = true;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) {
      while (!cell.empty() && std::isspace(static_cast<unsigned char>(cell.back()))) cell.pop_back();
      while (!cell.empty() && std::isspace(static_cast<unsigned char>(cell.front()))) cell.erase(0, 1);
      cells.push_back(cell);
    }
    std::string where = path + ":" + std::to_string(number) + ": ";
    if (header) {
      header = false;
      if (cells.size() < 2 || cells[0] != "device" || cells[1] != "sensor")
        throw std::runtime_error(where + "the first line must be the header 'device,sensor' or 'device,sensor,interval'");
      continue;
    }
    if (cells.size() < 2 || cells.size() > 3)
      throw std::runtime_error(where + "expected 'device,sensor' or 'device,sensor,interval', got '" + line + "'");
    auto it = by_id.find(cells[1]);
    if (it == by_id.end())
      throw std::runtime_error(where + "no sensor '" + cells[1] + "' in the scenario (its sensors are named like '" +
                               (sensors.empty() ? std::string("shop-0000") : sensors.front().id) + "')");
    DeviceBinding b{it->second, map.intervals_[it->second]};
    if (cells.size() == 3 && !cells[2].empty()) {
      char* end = nullptr;
      double s = std::strtod(cells[2].c_str(), &end);
      if (end == cells[2].c_str() || *end != '\0' || !(s > 0))
        throw std::runtime_error(where + "interval '" + cells[2] + "' must be seconds above zero, e.g. 300");
      b.interval_us = static_cast<std::int64_t>(std::llround(s * 1e6));
      map.intervals_[b.sensor] = b.interval_us;
    }
    std::string device = cells[0];
    bool eui = device.size() == 16;
    for (char c : device) eui = eui && std::isxdigit(static_cast<unsigned char>(c));
    if (eui)
      for (char& c : device) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!map.devices_.emplace(device, b).second)
      throw std::runtime_error(where + "device '" + cells[0] + "' is mapped twice; keep one line per device");
  }
  return map;
}

std::optional<DeviceBinding> DeviceMap::find(const std::string& device) const {
  auto it = devices_.find(device);
  if (it == devices_.end()) return std::nullopt;
  return it->second;
}

namespace {

std::optional<double> number(const json& v, const char* key) {
  if (!v.contains(key)) return std::nullopt;
  const json& x = v[key];
  if (x.is_number()) return x.get<double>();
  if (x.is_boolean()) return x.get<bool>() ? 1.0 : 0.0;
  return std::nullopt;
}

std::optional<detection::AlertClass> alert_class(const std::string& name) {
  for (std::size_t c = 0; c < detection::ALERT_CLASS_COUNT; ++c)
    if (name == detection::to_string(static_cast<detection::AlertClass>(c))) return static_cast<detection::AlertClass>(c);
  return std::nullopt;
}

}  // namespace

Interpreted DeviceMap::interpret(const Uplink& u, std::uint32_t sensor, std::int64_t& time_us) const {
  const json& v = u.values;
  time_us = u.time_us;
  auto missing = [&](const char* what) { return Interpreted(std::string("a ") + detection::to_string(sensors_[sensor].kind) +
                                                            " reading needs " + what); };
  switch (sensors_[sensor].kind) {
    case detection::SensorKind::ALERT_BUTTON: {
      auto pressed = number(v, "pressed");
      if (!pressed) return v.contains("batteryLevel") ? Interpreted(NoReading{}) : missing("'pressed'");
      if (*pressed != 1.0) return NoReading{};
      return detection::Payload(detection::Press{});
    }
    case detection::SensorKind::MICROPHONE: {
      if (v.contains("onset_us")) {
        if (!v["onset_us"].is_number_integer()) return std::string("'onset_us' must be whole microseconds since 1970");
        time_us = v["onset_us"].get<std::int64_t>();
      } else if (v.contains("onset")) {
        auto t = v["onset"].is_string() ? parse_rfc3339_us(v["onset"].get<std::string>()) : std::nullopt;
        if (!t) return std::string("'onset' is not an RFC 3339 time");
        time_us = *t;
      }
      auto level = number(v, "level_db");
      if (!level) return v.contains("batteryLevel") ? Interpreted(NoReading{}) : missing("'level_db'");
      double logit;
      if (auto l = number(v, "gunfire_logit")) {
        logit = *l;
      } else if (auto q = number(v, "gunfire_probability")) {
        if (!(*q > 0 && *q < 1)) return std::string("'gunfire_probability' must lie strictly between 0 and 1");
        logit = std::log(*q / (1 - *q));
      } else {
        return missing("'gunfire_logit' or 'gunfire_probability'");
      }
      if (!std::isfinite(*level) || *level < 0 || *level > 250 || !std::isfinite(logit) || std::abs(logit) > 50)
        return std::string("microphone values out of range (level_db 0-250, |gunfire_logit| <= 50)");
      return detection::Payload(detection::Impulse{*level, logit});
    }
    case detection::SensorKind::COUNTING_CAMERA: {
      auto people = number(v, "people");
      if (!people) people = number(v, "peopleCount");
      if (!people) return v.contains("batteryLevel") ? Interpreted(NoReading{}) : missing("'people'");
      if (!(*people >= 0) || *people > 1e7 || *people != std::floor(*people))
        return std::string("'people' must be a whole number of people, 0 or more");
      return detection::Payload(detection::Measurement{*people});
    }
    case detection::SensorKind::VIDEO_ANALYTICS: {
      if (!v.contains("event") || !v["event"].is_string())
        return v.contains("batteryLevel") ? Interpreted(NoReading{}) : missing("'event' (fight or abandoned_object)");
      std::string e = v["event"].get<std::string>();
      detection::VideoEventKind kind;
      if (e == "fight")
        kind = detection::VideoEventKind::FIGHT;
      else if (e == "abandoned_object")
        kind = detection::VideoEventKind::ABANDONED_OBJECT;
      else
        return "unknown video event '" + e + "' (fight or abandoned_object)";
      double score = number(v, "score").value_or(1.0);
      if (!(score >= 0 && score <= 1)) return std::string("'score' must be between 0 and 1");
      return detection::Payload(detection::VideoEvent{kind, score});
    }
    case detection::SensorKind::LEVEL: {
      std::optional<double> level;
      for (const char* key : {"level", "fillingLevel", "currentLevel", "height"})
        if (!level) level = number(v, key);
      if (!level) return v.contains("batteryLevel") ? Interpreted(NoReading{}) : missing("'level'");
      if (!std::isfinite(*level) || *level < 0) return std::string("the level must be a number, 0 or more");
      return detection::Payload(detection::Measurement{*level});
    }
    case detection::SensorKind::CITIZEN_LINE: {
      if (!v.contains("reported") || !v["reported"].is_string()) return missing("'reported' (an alert class)");
      auto cls = alert_class(v["reported"].get<std::string>());
      if (!cls) return "unknown alert class '" + v["reported"].get<std::string>() + "'";
      auto x = number(v, "x_m"), y = number(v, "y_m");
      if (!x || !y) return missing("'x_m' and 'y_m'");
      double u95 = number(v, "uncertainty_m").value_or(100.0);
      return detection::Payload(detection::CitizenReport{*cls, *x, *y, u95});
    }
  }
  return std::string("unknown sensor kind");
}

}  // namespace citytwin::drivers
