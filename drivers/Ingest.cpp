// Ingestion: every message checked, each fault quarantined with its reason, duplicates and resets handled.
#include "drivers/Ingest.hpp"

#include <limits>

namespace citytwin::drivers {

Ingest::Ingest(DeviceMap devices, IngestSettings settings, QuarantineSink quarantine)
    : devices_(std::move(devices)), settings_(settings), quarantine_(std::move(quarantine)) {
  const std::size_t n = devices_.sensors().size();
  per_sensor_.assign(n, 0);
  last_seen_.assign(n, std::numeric_limits<std::int64_t>::min());
  last_time_.assign(n, std::numeric_limits<std::int64_t>::min());
  stale_.assign(n, false);
}

void Ingest::reject(const RawMessage& m, std::string code, std::string reason) {
  ++counts_.quarantined;
  ++counts_.by_code[code];
  if (quarantine_) quarantine_(m, {std::move(code), std::move(reason)});
}

bool Ingest::duplicate(const Uplink& u) {
  if (!u.dedup_id.empty()) {
    if (dedup_.count(u.dedup_id)) return true;
    dedup_.insert(u.dedup_id);
    dedup_order_.push_back(u.dedup_id);
    if (dedup_order_.size() > settings_.dedup_memory) {
      dedup_.erase(dedup_order_.front());
      dedup_order_.pop_front();
    }
    return false;
  }
  if (!u.frame_counter) return false;
  // The device's frame counters: the highest (and its time), and which of the ones just below it were seen.
  Frames& f = frames_[u.device];
  const std::uint32_t fc = *u.frame_counter;
  if (!f.any || fc > f.highest) {
    std::uint64_t shift = f.any ? fc - f.highest : 64;
    f.seen = shift >= 64 ? 0 : f.seen << shift;
    f.seen |= 1;
    f.highest = fc;
    f.highest_time_us = u.time_us;
    f.any = true;
    return false;
  }
  if (u.time_us > f.highest_time_us) {
    // A counter not above the highest, on a later reading: the device restarted and counts from zero
    // again (a frame delayed on its way is older than the highest, a repeated one as old).
    ++counts_.frame_resets;
    f.highest = fc;
    f.highest_time_us = u.time_us;
    f.seen = 1;
    return false;
  }
  std::uint32_t below = f.highest - fc;
  if (below >= settings_.frame_window || below >= 64) return false;  // too old to tell: the core judges it late
  if (f.seen & (std::uint64_t{1} << below)) return true;
  f.seen |= std::uint64_t{1} << below;
  return false;
}

void Ingest::accept(const RawMessage& m, std::vector<Arrival>& out) {
  ++counts_.messages;
  if (!started_) {
    started_ = true;
    started_us_ = m.received_us;
  }
  if (m.payload.size() > settings_.max_bytes)
    return reject(m, "too_large", std::to_string(m.payload.size()) + " bytes, above the " +
                                      std::to_string(settings_.max_bytes) + "-byte limit");
  Decoded decoded = decode_message(m);
  if (auto* why = std::get_if<std::string>(&decoded))
    return reject(m, why->rfind("not JSON", 0) == 0 ? "not_json" : "bad_format", *why);
  for (const Uplink& u : std::get<std::vector<Uplink>>(decoded)) {
    auto binding = devices_.find(u.device);
    if (!binding) {
      reject(m, "unknown_device", "device '" + u.device + "' is not in the device map");
      continue;
    }
    if (u.time_us > m.received_us + settings_.future_tolerance_us) {
      reject(m, "future_time", "device '" + u.device + "' dates its reading " +
                                   std::to_string((u.time_us - m.received_us) / 1'000'000) +
                                   " s ahead of the clock; check the device's time");
      continue;
    }
    std::int64_t time_us = u.time_us;
    Interpreted value = devices_.interpret(u, binding->sensor, time_us);
    if (auto* why = std::get_if<std::string>(&value)) {
      reject(m, "bad_values", "device '" + u.device + "': " + *why);
      continue;
    }
    if (duplicate(u)) {
      ++counts_.duplicates;
      continue;
    }
    // Heard from: alive, whatever it says.
    const std::uint32_t s = binding->sensor;
    last_seen_[s] = m.received_us;
    if (stale_[s]) {
      stale_[s] = false;
      changes_.push_back({s, false, m.received_us, m.received_us});
    }
    if (std::holds_alternative<NoReading>(value)) {
      ++counts_.status_only;
      continue;
    }
    if (time_us < last_time_[s]) ++counts_.out_of_order;
    last_time_[s] = std::max(last_time_[s], time_us);
    ++counts_.readings;
    ++per_sensor_[s];
    out.push_back({detection::Reading{s, time_us, std::get<detection::Payload>(value), next_id_++}, m.received_us});
  }
}

std::vector<StaleChange> Ingest::check_stale(std::int64_t now_us) {
  const auto& intervals = devices_.intervals_us();
  for (std::uint32_t s = 0; s < intervals.size(); ++s) {
    if (intervals[s] <= 0 || stale_[s]) continue;
    std::int64_t since = last_seen_[s] == std::numeric_limits<std::int64_t>::min() ? (started_ ? started_us_ : now_us)
                                                                                  : last_seen_[s];
    if (static_cast<double>(now_us - since) > settings_.stale_after_intervals * static_cast<double>(intervals[s])) {
      stale_[s] = true;
      changes_.push_back({s, true, now_us, last_seen_[s]});
    }
  }
  std::vector<StaleChange> out;
  out.swap(changes_);
  return out;
}

}  // namespace citytwin::drivers
