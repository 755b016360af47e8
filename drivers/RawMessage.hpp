// A message as a transport delivers it, before anything in it is trusted; and what sources deliver.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "models/detection/Reading.hpp"

namespace citytwin::drivers {

/// One message from a broker, a replayed log or a serial line: its topic (the line's name for a serial
/// device), its payload as received, and when it was received on the session's clock (microseconds since
/// 1970 for a live session, the log's times for a replay).
struct RawMessage {
  std::string topic;
  std::string payload;
  std::int64_t received_us = 0;
};

/// A reading and the time it reached the command centre, on the session's clock.
struct Arrival {
  detection::Reading reading;
  std::int64_t arrival_us = 0;
};

/// What a source delivers: a raw message from a transport, to be checked and decoded, or a reading the
/// twin's own sensors made (the simulated source), which needs neither.
using Delivery = std::variant<RawMessage, Arrival>;

}  // namespace citytwin::drivers
