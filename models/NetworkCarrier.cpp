// Readings over the sensor network, delivered as they arrive.
#include "models/NetworkCarrier.hpp"

namespace citytwin::models {

NetworkCarrier::NetworkCarrier(const Network& network, const std::vector<int>& device, std::uint64_t seed,
                               std::uint32_t replication)
    : device_(device),
      run_(network, sim_, seed, replication, [this](const MessageOutcome& o) { arrived(o); }, false, "sensor_network") {}

void NetworkCarrier::send(const detection::Reading& reading, std::int64_t now_s) {
  sim_.run_until(sim::Time::seconds(static_cast<double>(now_s)));
  const int d = device_[reading.sensor];
  if (d < 0) {
    deliver(reading);
    return;
  }
  in_flight_.emplace(next_tag_, reading);
  run_.send(static_cast<std::uint32_t>(d), next_tag_++);
}

void NetworkCarrier::advance(std::int64_t t_s) { sim_.run_until(sim::Time::seconds(static_cast<double>(t_s))); }

void NetworkCarrier::arrived(const MessageOutcome& o) {
  auto it = in_flight_.find(o.tag);
  if (it == in_flight_.end()) return;
  if (o.ok) deliver(it->second);
  in_flight_.erase(it);
}

}  // namespace citytwin::models
