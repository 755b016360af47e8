// A message as a transport delivers it, before anything in it is trusted.
#pragma once

#include <cstdint>
#include <string>

namespace citytwin::drivers {

/// One message from a broker, a replayed log or a serial line: its topic (the line's name for a serial
/// device), its payload as received, and when it was received on the session's clock (microseconds since
/// 1970 for a live session, the log's times for a replay).
struct RawMessage {
  std::string topic;
  std::string payload;
  std::int64_t received_us = 0;
};

}  // namespace citytwin::drivers
