// Crash-safe JSON-lines logs: one write per line, periodic fdatasync.
#include "drivers/JsonLog.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace citytwin::drivers {

JsonLog::JsonLog(const std::string& path, std::chrono::milliseconds sync_every)
    : path_(path), last_sync_(std::chrono::steady_clock::now()), sync_every_(sync_every) {
  fd_ = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) throw std::runtime_error(path + ": cannot open the log for appending: " + std::strerror(errno));
  // A line a crash cut short is ended, so that it does not swallow the first line written now.
  off_t size = ::lseek(fd_, 0, SEEK_END);
  char last = '\n';
  if (size > 0 && ::pread(fd_, &last, 1, size - 1) == 1 && last != '\n') {
    int rc = 0;
    do rc = static_cast<int>(::write(fd_, "\n", 1));
    while (rc < 0 && errno == EINTR);
  }
}

JsonLog::~JsonLog() {
  if (fd_ < 0) return;
  sync();
  ::close(fd_);
}

void JsonLog::write(const nlohmann::json& line) {
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  std::lock_guard lock(mutex_);
  // One write per line, retried on a short write: a crash leaves at most the last line cut.
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(path_ + ": cannot write: " + std::strerror(errno));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  ++lines_;
  dirty_ = true;
  auto now = std::chrono::steady_clock::now();
  if (now - last_sync_ >= sync_every_) {
    ::fdatasync(fd_);
    last_sync_ = now;
    dirty_ = false;
  }
}

void JsonLog::sync() {
  std::lock_guard lock(mutex_);
  if (!dirty_) return;
  ::fdatasync(fd_);
  last_sync_ = std::chrono::steady_clock::now();
  dirty_ = false;
}

namespace {

/// Whether the bytes are text a JSON string can hold unchanged (valid UTF-8, as the JSON library checks it).
bool valid_utf8(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

const char* B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string base64_encode(const std::string& bytes) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += B64[v >> 18];
    out += B64[(v >> 12) & 63];
    out += B64[(v >> 6) & 63];
    out += B64[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += B64[v >> 18];
    out += B64[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? B64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(const std::string& text) {
  if (text.size() % 4) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    for (int k = 0; k < 4; ++k) {
      v[k] = text[i + k] == '=' ? 0 : value(text[i + k]);
      if (v[k] < 0 || (text[i + k] == '=' && (i + 4 != text.size() || k < 2))) return std::nullopt;
    }
    if (text[i + 2] == '=' && text[i + 3] != '=') return std::nullopt;
    unsigned n = (static_cast<unsigned>(v[0]) << 18) | (static_cast<unsigned>(v[1]) << 12) |
                 (static_cast<unsigned>(v[2]) << 6) | static_cast<unsigned>(v[3]);
    out += static_cast<char>(n >> 16);
    if (text[i + 2] != '=') out += static_cast<char>((n >> 8) & 255);
    if (text[i + 3] != '=') out += static_cast<char>(n & 255);
  }
  return out;
}

nlohmann::json raw_log_line(const RawMessage& m) {
  nlohmann::json j = {{"t_us", m.received_us}, {"topic", m.topic}};
  if (valid_utf8(m.payload))
    j["payload"] = m.payload;
  else
    j["payload_b64"] = base64_encode(m.payload);
  return j;
}

std::optional<RawMessage> raw_from_log_line(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("t_us") || !j["t_us"].is_number_integer() || !j.contains("topic") ||
      !j["topic"].is_string())
    return std::nullopt;
  RawMessage m;
  m.received_us = j["t_us"].get<std::int64_t>();
  m.topic = j["topic"].get<std::string>();
  if (j.contains("payload") && j["payload"].is_string()) {
    m.payload = j["payload"].get<std::string>();
  } else if (j.contains("payload_b64") && j["payload_b64"].is_string()) {
    auto bytes = base64_decode(j["payload_b64"].get<std::string>());
    if (!bytes) return std::nullopt;
    m.payload = *bytes;
  } else {
    return std::nullopt;
  }
  return m;
}

RawLogReader::RawLogReader(const std::string& path) : path_(path), file_(std::fopen(path.c_str(), "rb")) {
  if (!file_) throw std::runtime_error(path + ": cannot open the message log: " + std::strerror(errno));
}

RawLogReader::~RawLogReader() {
  if (file_) std::fclose(file_);
}

bool RawLogReader::next(RawMessage& out) {
  std::string line;
  for (;;) {
    line.clear();
    int c;
    bool any = false;
    while ((c = std::fgetc(file_)) != EOF && c != '\n') {
      line.push_back(static_cast<char>(c));
      any = true;
    }
    if (!any && c == EOF) return false;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (auto m = raw_from_log_line(j)) {
      out = std::move(*m);
      return true;
    }
    ++skipped_;
    if (c == EOF) return false;
  }
}

}  // namespace citytwin::drivers
