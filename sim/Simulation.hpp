// The event kernel: simulated clock, scheduling, cancellation and the run loop of one replication.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "sim/EventFn.hpp"
#include "sim/EventQueue.hpp"
#include "sim/Time.hpp"

namespace citytwin::sim {

/// Names a scheduled event, to cancel or reschedule it. A handle stays valid while the event is pending
/// (also across the firings of a periodic event) and becomes stale once it has fired or been cancelled;
/// using a stale handle is harmless (`cancel` returns false).
struct EventHandle {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

/// Priority of an event among events at the same time: lower runs first. Events with equal time and
/// priority run in the order they were scheduled.
using Priority = std::int8_t;

/// One replication's event kernel.
///
/// Events run in a total order: time, then priority, then insertion sequence, so a run depends only on its
/// inputs. Handlers are move-only callables (`EventFn`) that may schedule and cancel events, including
/// their own. The kernel owns no model state: models keep their state and capture what they need.
class Simulation {
 public:
  Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// The current simulated time.
  Time now() const { return now_; }

  /// Schedules `fn` at absolute time `t`, which must not be before now().
  EventHandle schedule_at(Time t, EventFn fn, Priority priority = 0);
  /// Schedules `fn` after `delay` (>= 0) from now.
  EventHandle schedule_in(Time delay, EventFn fn, Priority priority = 0) {
    return schedule_at(now_ + delay, std::move(fn), priority);
  }
  /// Schedules `fn` at `first` and then every `period` (> 0) until cancelled. The handle stays the same.
  EventHandle schedule_periodic(Time first, Time period, EventFn fn, Priority priority = 0);

  /// Cancels a pending event. Returns false when the handle is stale (already fired or cancelled).
  /// An event may cancel itself from its own handler; a periodic event then stops.
  bool cancel(EventHandle h);
  /// Moves a pending event (or the event whose handler is running) to time `t` >= now(); it keeps its
  /// handle and priority and takes a new place in the insertion order. Returns false for a stale handle.
  bool reschedule(EventHandle h, Time t);
  /// True while the event named by `h` is pending.
  bool pending(EventHandle h) const;

  /// Runs events while their time is at most `end`, then sets the clock to `end`.
  /// Returns the number of events run.
  std::uint64_t run_until(Time end);
  /// Runs events while `keep_going()` returns true (checked after each event), the queue is not empty and
  /// the next event is not after `end`. Returns the number of events run.
  std::uint64_t run_while(const std::function<bool()>& keep_going, Time end = Time::max());
  /// Asks the current run to return after the running event.
  void stop() { stop_requested_ = true; }

  /// Number of pending events (cancelled ones excluded).
  std::size_t pending_count() const { return live_; }
  /// Number of events run since construction.
  std::uint64_t events_run() const { return events_run_; }
  /// Bytes reserved for bookkeeping of pending events (queue entries and slot records, handlers included).
  std::size_t memory_bytes() const;

 private:
  // The record of a scheduled event: 48 bytes, of which 32 hold the handler.
  struct Slot {
    EventFn fn;                   // what the event does; empty while the slot is free
    std::uint64_t key = 0;        // (priority + 128) << 56 | insertion sequence; next free slot when free
    std::uint32_t generation = 0; // bumped when the slot is released, so old handles go stale
    std::uint32_t stamp = 0;      // bumped whenever the slot's queue entry changes; stale entries mismatch
  };
  static constexpr unsigned CHUNK_BITS = 12;  // slots live in fixed chunks, so handlers never move
  static constexpr std::uint32_t CHUNK_SIZE = 1u << CHUNK_BITS;

  Slot& slot(std::uint32_t s) { return chunks_[s >> CHUNK_BITS][s & (CHUNK_SIZE - 1)]; }
  const Slot& slot(std::uint32_t s) const { return chunks_[s >> CHUNK_BITS][s & (CHUNK_SIZE - 1)]; }
  std::uint32_t allocate_slot();
  void release_slot(std::uint32_t s);
  void push_entry(std::uint32_t s, Time t, std::uint64_t priority_bits);
  bool live_handle(EventHandle h) const {
    return h.slot < slot_count_ && slot(h.slot).generation == h.generation && slot(h.slot).fn;
  }
  void requeue_running(Time period);
  void check_not_past(const char* what, Time t) const;

  EventQueue queue_;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::uint32_t slot_count_ = 0;
  std::uint32_t free_head_ = UINT32_MAX;
  std::uint64_t sequence_ = 0;
  std::size_t live_ = 0;
  std::uint64_t events_run_ = 0;
  Time now_{};
  std::uint32_t running_slot_ = UINT32_MAX;
  bool running_requeued_ = false;
  bool running_cancelled_ = false;
  bool stop_requested_ = false;
};

}  // namespace citytwin::sim
