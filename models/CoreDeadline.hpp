// One engine event at the detection core's next deadline, for the models that run the core in simulation.
#pragma once

#include <algorithm>
#include <limits>
#include <utility>

#include "models/detection/DetectionCore.hpp"
#include "sim/Simulation.hpp"

namespace citytwin::models {

/// Keeps an engine event at the time the core next has something to do (a gunfire group closing, a held
/// reading in event-time mode), so that its conclusions come when they would on a live clock.
class CoreDeadline {
 public:
  /// Schedules `due` (which advances the core, then arms again) at the core's next deadline, unless an
  /// event no later is already scheduled.
  template <class F>
  void arm(sim::Simulation& sim, const detection::DetectionCore& core, F&& due) {
    std::int64_t d = core.next_deadline_us();
    if (d == std::numeric_limits<std::int64_t>::max()) return;
    sim::Time t = std::max(sim::Time::us(d), sim.now());
    if (sim.pending(handle_)) {
      if (at_ <= t) return;
      sim.cancel(handle_);
    }
    at_ = t;
    handle_ = sim.schedule_at(t, std::forward<F>(due));
  }

 private:
  sim::EventHandle handle_;
  sim::Time at_;
};

}  // namespace citytwin::models
