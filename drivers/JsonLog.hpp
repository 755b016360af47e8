// Append-only logs of JSON lines that survive a crash: the raw messages, the quarantine, the alerts.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "drivers/RawMessage.hpp"

namespace citytwin::drivers {

/// One JSON document per line, appended with a single write each (a crash loses at most a line being
/// written, which readers skip; reopening ends such a line first), handed to the disk (fdatasync) by the
/// first write `sync_every` after the last sync, by `sync`, and when the log is closed. Safe to call from
/// several threads.
class JsonLog {
 public:
  /// Opens (creating if needed) `path` for appending; throws std::runtime_error naming it when it cannot.
  explicit JsonLog(const std::string& path, std::chrono::milliseconds sync_every = std::chrono::milliseconds(200));
  ~JsonLog();
  JsonLog(const JsonLog&) = delete;
  JsonLog& operator=(const JsonLog&) = delete;

  void write(const nlohmann::json& line);
  /// Hands everything written so far to the disk.
  void sync();
  const std::string& path() const { return path_; }
  std::uint64_t lines() const { return lines_; }

 private:
  std::mutex mutex_;
  std::string path_;
  int fd_ = -1;
  std::chrono::steady_clock::time_point last_sync_;
  std::chrono::milliseconds sync_every_;
  std::uint64_t lines_ = 0;
  bool dirty_ = false;
};

/// A raw message as a log line: {"t_us", "topic", "payload"} (or "payload_b64" when the payload is not
/// UTF-8 text), and back.
nlohmann::json raw_log_line(const RawMessage& m);
std::optional<RawMessage> raw_from_log_line(const nlohmann::json& line);

/// Reads a log of raw messages line by line; lines that are not complete JSON (the last one of a crash)
/// are skipped and counted.
class RawLogReader {
 public:
  explicit RawLogReader(const std::string& path);
  bool next(RawMessage& out);
  std::uint64_t skipped() const { return skipped_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::uint64_t skipped_ = 0;

 public:
  ~RawLogReader();
  RawLogReader(const RawLogReader&) = delete;
  RawLogReader& operator=(const RawLogReader&) = delete;
};

/// Base64 (RFC 4648, with padding).
std::string base64_encode(const std::string& bytes);
std::optional<std::string> base64_decode(const std::string& text);

}  // namespace citytwin::drivers
