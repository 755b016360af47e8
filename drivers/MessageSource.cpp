// Transports: MQTT, replay of a message log, serial lines.
#include "drivers/MessageSource.hpp"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "drivers/JsonLog.hpp"

namespace citytwin::drivers {

std::int64_t SessionClock::wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t SessionClock::session_us(std::int64_t wall) const {
  if (!rehearsal_ || !aligned_.load()) return wall;
  return origin_session_us_.load() +
         static_cast<std::int64_t>(std::llround(static_cast<double>(wall - origin_wall_us_.load()) * speed_));
}

void SessionClock::align(std::int64_t wall, std::int64_t reading_time_us) {
  if (!rehearsal_ || aligned_.load()) return;
  origin_wall_us_ = wall;
  origin_session_us_ = reading_time_us;
  aligned_ = true;
}

MqttSource::MqttSource(MqttEndpoint endpoint) : endpoint_(std::move(endpoint)) {
  if (endpoint_.topic.empty()) endpoint_.topic = "application/+/device/+/event/up";
}

void MqttSource::start(Sink sink) {
  client_ = std::make_unique<MqttClient>(endpoint_, !endpoint_.client_id.empty(),
                                         [sink](const std::string& topic, const std::string& payload) {
                                           sink(RawMessage{topic, payload, SessionClock::wall_us()});
                                         });
  client_->subscribe(endpoint_.topic);
  client_->connect();
}

void MqttSource::stop() {
  if (client_) client_->disconnect();
}

ReplaySource::ReplaySource(std::string path, double speed) : path_(std::move(path)), speed_(speed) {
  RawLogReader check(path_);  // fails now, with the file's name, if it cannot be read
}

ReplaySource::~ReplaySource() { stop(); }

std::string ReplaySource::describe() const {
  return "replay:" + path_ + (speed_ == 0.0 ? " (as fast as possible)" : " (x" + std::to_string(speed_) + ")");
}

void ReplaySource::start(Sink sink) {
  thread_ = std::thread([this, sink] {
    RawLogReader reader(path_);
    RawMessage m;
    std::int64_t first_us = 0;
    auto started = std::chrono::steady_clock::now();
    bool any = false;
    while (!stop_ && reader.next(m)) {
      if (speed_ > 0) {
        // At the recorded pace, sped up: wait until this message's time comes.
        if (!any) first_us = m.received_us;
        auto due = started + std::chrono::microseconds(
                                 static_cast<std::int64_t>(static_cast<double>(m.received_us - first_us) / speed_));
        while (!stop_ && std::chrono::steady_clock::now() < due)
          std::this_thread::sleep_until(std::min(due, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
      }
      any = true;
      if (!sink(m)) break;
    }
    skipped_ = reader.skipped();
    done_ = true;
  });
}

void ReplaySource::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

namespace {

speed_t baud_constant(int baud) {
  switch (baud) {
    case 1200: return B1200;
    case 2400: return B2400;
    case 4800: return B4800;
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
  }
  throw std::invalid_argument("baud rate " + std::to_string(baud) + " is not one of 1200, 2400, 4800, 9600, 19200, "
                              "38400, 57600, 115200, 230400");
}

}  // namespace

SerialSource::SerialSource(std::string device, int baud, std::size_t max_line)
    : device_(std::move(device)), baud_(baud), max_line_(max_line) {
  speed_t speed = baud_constant(baud_);
  fd_ = ::open(device_.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error(device_ + ": cannot open the serial device: " + std::strerror(errno));
  termios t{};
  if (::tcgetattr(fd_, &t) != 0) {
    ::close(fd_);
    throw std::runtime_error(device_ + ": not a terminal device: " + std::strerror(errno));
  }
  ::cfmakeraw(&t);
  ::cfsetispeed(&t, speed);
  ::cfsetospeed(&t, speed);
  t.c_cflag |= CLOCAL | CREAD;
  ::tcsetattr(fd_, TCSANOW, &t);
}

SerialSource::~SerialSource() {
  stop();
  if (fd_ >= 0) ::close(fd_);
}

void SerialSource::start(Sink sink) {
  thread_ = std::thread([this, sink] {
    std::string line;
    char buf[512];
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, 100);
      if (r < 0 && errno != EINTR) break;
      if (r <= 0) continue;
      if (p.revents & (POLLHUP | POLLERR)) {
        // The other end went away: nothing more will come.
        if (!(p.revents & POLLIN)) break;
      }
      ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) break;
      for (ssize_t i = 0; i < n; ++i) {
        if (buf[i] == '\n' || line.size() >= max_line_) {
          if (!line.empty() && line.back() == '\r') line.pop_back();
          if (!line.empty() && !sink(RawMessage{device_, line, SessionClock::wall_us()})) {
            stop_ = true;
            break;
          }
          line.clear();
          if (buf[i] == '\n') continue;
        }
        line.push_back(buf[i]);
      }
    }
    done_ = true;
  });
}

void SerialSource::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::unique_ptr<MessageSource> make_source(const std::string& url, double replay_speed, const MqttEndpoint& defaults) {
  if (url.rfind("mqtt://", 0) == 0 || url.rfind("mqtts://", 0) == 0) {
    MqttEndpoint e = MqttEndpoint::parse(url);
    e.ca_file = defaults.ca_file;
    e.cert_file = defaults.cert_file;
    e.key_file = defaults.key_file;
    e.client_id = defaults.client_id;
    return std::make_unique<MqttSource>(e);
  }
  if (url.rfind("replay:", 0) == 0) return std::make_unique<ReplaySource>(url.substr(7), replay_speed);
  if (url.rfind("serial:", 0) == 0) {
    std::string rest = url.substr(7);
    int baud = 9600;
    if (std::size_t at = rest.rfind('@'); at != std::string::npos) {
      baud = std::atoi(rest.substr(at + 1).c_str());
      rest = rest.substr(0, at);
    }
    return std::make_unique<SerialSource>(rest, baud);
  }
  throw std::invalid_argument("'" + url + "' is not a source; write mqtt://[user@]host[:port]/topic-filter, "
                              "mqtts://..., replay:FILE or serial:/dev/ttyUSB0[@9600]");
}

}  // namespace citytwin::drivers
