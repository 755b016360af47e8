// Where raw messages come from: a broker, a replayed log, a serial line. One interface, so that shadow mode
// never knows which.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "drivers/MqttClient.hpp"
#include "drivers/RawMessage.hpp"

namespace citytwin::drivers {

/// The session's clock, in microseconds since 1970. Live, it is the wall clock. A rehearsal (a simulated
/// fleet publishing in scaled time) runs it `speed` times faster, from the first reading's own time: the
/// session's time of a wall instant w is then t0 + (w - w0) x speed, where the first reading, made at t0,
/// was received at w0. Sources stamp messages with the wall clock (what the raw log keeps), so that a
/// replay computes the same session times again.
class SessionClock {
 public:
  explicit SessionClock(double speed = 1.0, bool rehearsal = false) : speed_(speed), rehearsal_(rehearsal) {}
  /// The session's time of a wall instant.
  std::int64_t session_us(std::int64_t wall_us) const;
  /// Now on the session's clock.
  std::int64_t now_us() const { return session_us(wall_us()); }
  /// Rehearsal: the first reading, made at `reading_time_us`, was received at `wall_us`.
  void align(std::int64_t wall_us, std::int64_t reading_time_us);
  bool rehearsal() const { return rehearsal_; }
  bool aligned() const { return aligned_.load(); }
  double speed() const { return speed_; }
  static std::int64_t wall_us();

 private:
  double speed_;
  bool rehearsal_;
  std::atomic<bool> aligned_{false};
  std::atomic<std::int64_t> origin_wall_us_{0}, origin_session_us_{0};
};

/// A source of messages or readings. `start` delivers each to the sink from the source's own thread; the
/// sink returns false when the session no longer takes them.
class MessageSource {
 public:
  using Sink = std::function<bool(Delivery)>;
  virtual ~MessageSource() = default;
  virtual std::string describe() const = 0;
  virtual void start(Sink sink) = 0;
  virtual void stop() = 0;
  /// Whether every message has been delivered (a replay at its end); live sources never finish.
  virtual bool finished() const = 0;
  /// Whether the session's clock is the messages' own (a replay as fast as possible, the simulated
  /// source), not the wall clock.
  virtual bool virtual_clock() const { return false; }
};

/// Messages from a broker: a persistent QoS 1 subscription to the endpoint's topic filter.
class MqttSource : public MessageSource {
 public:
  explicit MqttSource(MqttEndpoint endpoint);
  std::string describe() const override { return endpoint_.describe(); }
  void start(Sink sink) override;
  void stop() override;
  bool finished() const override { return false; }
  const MqttClient* client() const { return client_.get(); }

 private:
  MqttEndpoint endpoint_;
  std::unique_ptr<MqttClient> client_;
};

/// Messages from a log of raw messages (JsonLog lines): at the recorded pace, `speed` times faster, or as
/// fast as possible (`speed` 0), each keeping its recorded time.
class ReplaySource : public MessageSource {
 public:
  ReplaySource(std::string path, double speed);
  ~ReplaySource() override;
  std::string describe() const override;
  void start(Sink sink) override;
  void stop() override;
  bool finished() const override { return done_.load(); }
  bool virtual_clock() const override { return speed_ == 0.0; }
  /// Lines of the log that were not complete messages (a crash's last line).
  std::uint64_t skipped() const { return skipped_.load(); }

 private:
  std::string path_;
  double speed_;
  std::thread thread_;
  std::atomic<bool> stop_{false}, done_{false};
  std::atomic<std::uint64_t> skipped_{0};
};

/// Lines from a serial device (a tty): each line one message (plain JSON `{device, time, values}`), read raw
/// at `baud`. The topic is the device path. Lines longer than `max_line` bytes are cut and passed on, so that
/// ingestion quarantines them.
class SerialSource : public MessageSource {
 public:
  SerialSource(std::string device, int baud, std::size_t max_line = 8192);
  ~SerialSource() override;
  std::string describe() const override { return "serial:" + device_; }
  void start(Sink sink) override;
  void stop() override;
  bool finished() const override { return done_.load(); }

 private:
  std::string device_;
  int baud_;
  std::size_t max_line_;
  int fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stop_{false}, done_{false};
};

/// The source a `--source` URL names: `mqtt://...`, `mqtts://...`, `replay:FILE` (with `speed` as given),
/// or `serial:/dev/ttyX[@BAUD]`. Throws std::invalid_argument with the forms allowed.
std::unique_ptr<MessageSource> make_source(const std::string& url, double replay_speed, const MqttEndpoint& defaults);

}  // namespace citytwin::drivers
