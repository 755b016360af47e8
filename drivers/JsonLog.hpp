// Append-only logs of JSON lines that survive a crash: the raw messages, the quarantine, the alerts.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "drivers/RawMessage.hpp"

namespace citytwin::drivers {

/// One JSON document per line, appended with a single write each (a crash loses at most a line being
/// written, which readers skip; reopening ends such a line first), handed to the disk (fdatasync) by a
/// thread of its own at most `sync_every` after it was written, by `sync`, and when the log is closed: a
/// slow disk never holds up the writer. Safe to call from several threads.
class JsonLog {
 public:
  /// Opens (creating if needed) `path` for appending; throws std::runtime_error naming it when it cannot.
  explicit JsonLog(const std::string& path, std::chrono::milliseconds sync_every = std::chrono::milliseconds(200));
  ~JsonLog();
  JsonLog(const JsonLog&) = delete;
  JsonLog& operator=(const JsonLog&) = delete;

  void write(const nlohmann::json& line);
  /// Appends a line already written as JSON text (without its newline).
  void write_text(std::string text);
  /// Hands everything written so far to the disk.
  void sync();
  const std::string& path() const { return path_; }
  std::uint64_t lines() const { return lines_; }

 private:
  void syncing();

  std::mutex mutex_;
  std::string path_;
  int fd_ = -1;
  std::chrono::milliseconds sync_every_;
  std::atomic<std::uint64_t> lines_{0};
  std::atomic<bool> dirty_{false};
  bool closing_ = false;
  std::condition_variable wake_;
  std::thread syncer_;
};

/// A raw message as a log line: {"t_us", "topic", "payload"} (or "payload_b64" when the payload is not
/// UTF-8 text), and back. `raw_log_text` is the same line as JSON text, written without building a tree.
nlohmann::json raw_log_line(const RawMessage& m);
std::string raw_log_text(const RawMessage& m);
/// Whether bytes are valid UTF-8 (what a JSON string may hold).
bool valid_utf8(std::string_view s);
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
