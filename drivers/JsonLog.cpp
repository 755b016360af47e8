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
    : path_(path), sync_every_(sync_every) {
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
  syncer_ = std::thread([this] { syncing(); });
}

JsonLog::~JsonLog() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_all();
  if (syncer_.joinable()) syncer_.join();
  if (fd_ < 0) return;
  ::fdatasync(fd_);
  ::close(fd_);
}

void JsonLog::syncing() {
  std::unique_lock lock(mutex_);
  while (!closing_) {
    wake_.wait_for(lock, sync_every_, [&] { return closing_; });
    if (!dirty_.exchange(false)) continue;
    // The disk's time is not the writers': they go on while the data goes down.
    lock.unlock();
    ::fdatasync(fd_);
    lock.lock();
  }
}

void JsonLog::write(const nlohmann::json& line) {
  write_text(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void JsonLog::write_text(std::string text) {
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
}

void JsonLog::sync() {
  if (dirty_.exchange(false)) ::fdatasync(fd_);
}

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t n;
    unsigned min;
    if ((c & 0xE0) == 0xC0) {
      n = 1, min = 0x80, c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, min = 0x800, c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, min = 0x10000, c &= 0x07;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) <= n) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      if ((p[k] & 0xC0) != 0x80) return false;
      c = (c << 6) | (p[k] & 0x3F);
    }
    // Overlong forms, surrogates and code points beyond Unicode are not UTF-8.
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
    p += n + 1;
  }
  return true;
}

namespace {

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

std::string raw_log_text(const RawMessage& m) {
  std::string out = "{\"t_us\":" + std::to_string(m.received_us) + ",\"topic\":";
  out += nlohmann::json(valid_utf8(m.topic) ? m.topic : std::string("?")).dump();
  if (valid_utf8(m.payload)) {
    out += ",\"payload\":";
    out += nlohmann::json(m.payload).dump();
  } else {
    out += ",\"payload_b64\":\"" + base64_encode(m.payload) + "\"";
  }
  out += '}';
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
