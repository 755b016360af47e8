// From raw messages to readings: size cap, decoding, validation, device mapping, deduplication, staleness.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "drivers/DeviceMap.hpp"
#include "drivers/RawMessage.hpp"
#include "models/detection/Reading.hpp"

namespace citytwin::drivers {

/// Limits of what ingestion accepts.
struct IngestSettings {
  std::size_t max_bytes = 4096;                    ///< a larger payload is quarantined unread
  std::int64_t future_tolerance_us = 300'000'000;  ///< a time further ahead of the clock is a clock fault
  std::size_t dedup_memory = 100'000;              ///< deduplication ids remembered
  std::uint32_t frame_window = 64;                 ///< frame counters remembered below the highest, per device
  double stale_after_intervals = 3.0;              ///< a periodic sensor silent this many intervals is stale
};

/// Why a message was quarantined: a short code, and a sentence saying what is wrong.
struct Quarantine {
  std::string code;    ///< too_large, not_json, bad_format, unknown_device, bad_values, future_time
  std::string reason;
};
using QuarantineSink = std::function<void(const RawMessage&, const Quarantine&)>;

/// A sensor going stale (silent k times its interval) or fresh again.
struct StaleChange {
  std::uint32_t sensor = 0;
  bool stale = false;
  std::int64_t at_us = 0;         ///< when it was noticed
  std::int64_t last_seen_us = 0;  ///< its last message (INT64_MIN: never)
};

/// What ingestion did.
struct IngestCounts {
  std::uint64_t messages = 0, readings = 0, quarantined = 0, duplicates = 0, frame_resets = 0, status_only = 0,
                out_of_order = 0;
  std::map<std::string, std::uint64_t> by_code;  ///< quarantined messages by code
};

/// Turns each raw message into readings, or quarantines it with the reason; never throws on what a device
/// sends. Duplicates (the same deduplication id, or the same device and frame counter) are dropped and
/// counted; a frame counter not above a device's highest on a later reading is a reset (the device
/// restarted) and starts its record again. Readings get ids 1, 2, ... in the order they are made.
class Ingest {
 public:
  Ingest(DeviceMap devices, IngestSettings settings, QuarantineSink quarantine);

  /// Accepts one message; appends the readings it holds to `out`.
  void accept(const RawMessage& m, std::vector<Arrival>& out);
  /// The sensors that went stale or fresh since the last call, as of `now_us`.
  std::vector<StaleChange> check_stale(std::int64_t now_us);

  const IngestCounts& counts() const { return counts_; }
  const DeviceMap& devices() const { return devices_; }
  /// Per sensor: readings taken, and the last time it was heard from (INT64_MIN: never).
  const std::vector<std::uint64_t>& readings_per_sensor() const { return per_sensor_; }
  const std::vector<std::int64_t>& last_seen_us() const { return last_seen_; }
  const std::vector<bool>& stale() const { return stale_; }

 private:
  struct Frames {
    std::uint32_t highest = 0;
    std::int64_t highest_time_us = 0;
    std::uint64_t seen = 0;  // bit k: highest - k was seen
    bool any = false;
  };
  void reject(const RawMessage& m, std::string code, std::string reason);
  bool duplicate(const Uplink& u);

  DeviceMap devices_;
  IngestSettings settings_;
  QuarantineSink quarantine_;
  IngestCounts counts_;
  std::uint64_t next_id_ = 1;
  std::deque<std::string> dedup_order_;
  std::unordered_set<std::string> dedup_;
  std::unordered_map<std::string, Frames> frames_;
  std::vector<std::uint64_t> per_sensor_;
  std::vector<std::int64_t> last_seen_, last_time_;
  std::vector<bool> stale_;
  std::vector<StaleChange> changes_;
  std::int64_t started_us_ = 0;
  bool started_ = false;
};

}  // namespace citytwin::drivers
