// Readings carried from sensors to the platform over a sensor network model (delays, losses), in step with a
// physical model's clock.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "models/detection/Reading.hpp"
#include "models/networks/Network.hpp"
#include "models/detection/ReadingCarrier.hpp"
#include "sim/Simulation.hpp"

namespace citytwin::models {

/// Each reading of a sensor with a device crosses the sensor network (any of its kinds); a sensor without one
/// (-1: SCADA, wired) hands its readings over at once. The engine runs the network's events up to each time the
/// physical model reaches; what arrives is delivered, in arrival order, through `deliver`.
class NetworkCarrier final : public detection::ReadingCarrier {
 public:
  /// `device[s]`: sensor s's device in `network`, or -1. Both must outlive the carrier.
  NetworkCarrier(const Network& network, const std::vector<int>& device, std::uint64_t seed, std::uint32_t replication);

  void send(const detection::Reading& reading, std::int64_t now_s) override;
  void advance(std::int64_t t_s) override;

  /// The network's clock: while `deliver` runs, the reading's arrival time, s.
  double now_s() const { return sim_.now().to_seconds(); }
  const NetworkRun& run() const { return run_; }
  std::uint64_t events() const { return sim_.events_run(); }

 private:
  void arrived(const MessageOutcome& o);
  const std::vector<int>& device_;
  sim::Simulation sim_;
  NetworkRun run_;
  std::map<std::uint64_t, detection::Reading> in_flight_;
  std::uint64_t next_tag_ = 0;
};

}  // namespace citytwin::models
