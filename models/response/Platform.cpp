// The operators of a command centre: priority queues, abandonment, c servers.
#include "models/response/Platform.hpp"

#include <utility>

namespace citytwin::models {

Platform::Platform(sim::Simulation& sim, std::uint32_t operators, std::uint32_t priorities, sim::Time abandon_after,
                   Start start, Done done, Done abandoned)
    : sim_(sim), operators_(operators), abandon_after_(abandon_after), start_(std::move(start)), done_(std::move(done)),
      abandoned_cb_(std::move(abandoned)), queues_(priorities), waiting_(priorities, sim::TimeWeighted(sim.now(), 0.0)),
      busy_time_(sim.now(), 0.0) {}

void Platform::submit(const PlatformJob& job) {
  const auto p = static_cast<std::size_t>(job.priority);
  Entry e{job, {}, abandoned_.size()};
  abandoned_.push_back(0);
  waiting_[p].add(sim_.now(), 1.0);
  if (job.abandonable && abandon_after_ > sim::Time{}) {
    std::size_t index = e.index;
    e.timer = sim_.schedule_in(abandon_after_, [this, job, index, p] {
      abandoned_[index] = 1;
      waiting_[p].add(sim_.now(), -1.0);
      abandoned_cb_(job);
    });
  }
  queues_[p].push_back(e);
  start_jobs();
}

void Platform::start_jobs() {
  while (busy_ < operators_) {
    // The first job of the most urgent priority that has one, abandoned jobs skipped.
    Entry entry;
    bool found = false;
    for (std::size_t p = 0; p < queues_.size() && !found; ++p) {
      auto& q = queues_[p];
      while (!q.empty() && abandoned_[q.front().index]) q.pop_front();
      if (q.empty()) continue;
      entry = q.front();
      q.pop_front();
      waiting_[p].add(sim_.now(), -1.0);
      found = true;
    }
    if (!found) return;
    ++busy_;
    busy_time_.set(sim_.now(), busy_);
    if (entry.timer.valid()) sim_.cancel(entry.timer);
    sim::Time duration = start_(entry.job);
    PlatformJob job = entry.job;
    sim_.schedule_in(duration, [this, job] {
      --busy_;
      busy_time_.set(sim_.now(), busy_);
      done_(job);
      start_jobs();
    });
  }
}

void Platform::reset_statistics(sim::Time now) {
  busy_time_.reset(now);
  for (auto& w : waiting_) w.reset(now);
}

}  // namespace citytwin::models
