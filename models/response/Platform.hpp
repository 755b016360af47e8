// A command centre's operators: jobs served by priority, first come first served within a priority.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "sim/Simulation.hpp"
#include "sim/Statistics.hpp"
#include "sim/Time.hpp"

namespace citytwin::models {

/// One item of work for an operator: an alert to call back or review, or other work.
struct PlatformJob {
  std::int64_t id = -1;  ///< the owner's identifier (an alert's index), passed back unchanged
  int priority = 0;      ///< 0 first; jobs of one priority are served in the order they came
  bool abandonable = false;  ///< given up if no operator has taken it within the platform's limit
};

/// c operators serving jobs non-preemptively by priority (an M/G/c queue with priority classes and
/// abandonment). What a job takes and what follows it are the owner's: the platform calls `start` when an
/// operator takes a job (it returns how long the job takes), `done` when it is finished, and `abandoned`
/// when a job waited too long. Abandoned jobs leave the queue when they reach its front.
class Platform {
 public:
  using Start = std::function<sim::Time(const PlatformJob&)>;
  using Done = std::function<void(const PlatformJob&)>;

  /// `priorities` classes (0 .. priorities-1); `abandon_after` 0 means never.
  Platform(sim::Simulation& sim, std::uint32_t operators, std::uint32_t priorities, sim::Time abandon_after, Start start,
           Done done, Done abandoned);

  /// A job arrives now.
  void submit(const PlatformJob& job);
  /// Operators busy now.
  std::uint32_t busy() const { return busy_; }
  std::uint32_t operators() const { return operators_; }
  /// Jobs of a priority waiting now, abandoned ones excluded.
  double waiting(int priority) const { return waiting_[static_cast<std::size_t>(priority)].value(); }
  /// Entries of a priority's queue, abandoned ones still in it included.
  std::size_t queued(int priority) const { return queues_[static_cast<std::size_t>(priority)].size(); }
  /// Time-average of busy operators since the last reset, up to `now`.
  double mean_busy(sim::Time now) const { return busy_time_.mean(now); }
  /// Time-average of the jobs of a priority waiting.
  double mean_waiting(int priority, sim::Time now) const { return waiting_[static_cast<std::size_t>(priority)].mean(now); }
  /// Forgets the averages so far (end of the warm-up).
  void reset_statistics(sim::Time now);

 private:
  struct Entry {
    PlatformJob job;
    sim::EventHandle timer;
    std::size_t index;  // into abandoned_
  };
  void start_jobs();

  sim::Simulation& sim_;
  std::uint32_t operators_;
  sim::Time abandon_after_;
  Start start_;
  Done done_, abandoned_cb_;
  std::vector<std::deque<Entry>> queues_;
  std::vector<sim::TimeWeighted> waiting_;
  std::vector<std::uint8_t> abandoned_;  // per submitted job
  std::uint32_t busy_ = 0;
  sim::TimeWeighted busy_time_;
};

}  // namespace citytwin::models
