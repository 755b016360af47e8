// The event kernel: simulated clock, scheduling, cancellation and the run loop of one replication.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/Check.hpp"
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
  EventHandle schedule_at(Time t, EventFn fn, Priority priority = 0) {
    if (!fn) [[unlikely]] throw_empty_handler("schedule_at");
    return schedule_at_impl(t, priority, [&fn](EventFn& slot_fn) { slot_fn = std::move(fn); });
  }
  /// Schedules the callable `f` at `t`; same as the EventFn overload, but builds the handler in place.
  template <class F, class = std::enable_if_t<EventFn::ACCEPTS<F>>>
  EventHandle schedule_at(Time t, F&& f, Priority priority = 0) {
    return schedule_at_impl(t, priority, [&f](EventFn& slot_fn) { slot_fn.emplace(std::forward<F>(f)); });
  }
  /// Schedules `fn` after `delay` (>= 0) from now.
  template <class F, class = std::enable_if_t<EventFn::ACCEPTS<F> || std::is_same_v<std::decay_t<F>, EventFn>>>
  EventHandle schedule_in(Time delay, F&& fn, Priority priority = 0) {
    if (delay < Time{}) [[unlikely]] throw_negative_delay("schedule_in", delay);
    return schedule_at(now_ + delay, std::forward<F>(fn), priority);
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

  /// Runs events while their time is at most `end`, then sets the clock to `end` (unless stop() ended
  /// the run early). Returns the number of events run.
  std::uint64_t run_until(Time end);
  /// Runs events while `keep_going()` returns true (checked after each event), the queue is not empty and
  /// the next event is not after `end`. `keep_going` is any callable returning bool. Returns the number of
  /// events run. If a handler throws, the exception leaves the run; the throwing event counts as run and
  /// is gone unless it had put itself back.
  template <class KeepGoing>
  std::uint64_t run_while(KeepGoing&& keep_going, Time end = Time::max());
  /// Asks the current run to return after the running event.
  void stop() { stop_requested_ = true; }

  /// Number of pending events (cancelled ones excluded).
  std::size_t pending_count() const { return live_; }
  /// Number of events run since construction.
  std::uint64_t events_run() const { return events_run_; }
  /// Bytes reserved for bookkeeping of pending events (queue entries and slot records, handlers included).
  std::size_t memory_bytes() const;
  /// Bytes of bookkeeping per pending event, handler excluded: the queue entry plus the event record
  /// without its 32-byte handler.
  static constexpr std::size_t bookkeeping_bytes_per_event() {
    return sizeof(QueueEntry) + sizeof(Slot) - sizeof(EventFn);
  }

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
  static constexpr std::uint64_t SEQUENCE_MASK = (std::uint64_t{1} << 56) - 1;

  static std::uint64_t priority_bits(Priority p) {
    return static_cast<std::uint64_t>(static_cast<int>(p) + 128) << 56;
  }
  Slot& slot(std::uint32_t s) { return chunks_[s >> CHUNK_BITS][s & (CHUNK_SIZE - 1)]; }
  const Slot& slot(std::uint32_t s) const { return chunks_[s >> CHUNK_BITS][s & (CHUNK_SIZE - 1)]; }
  std::uint32_t allocate_slot() {
    if (free_head_ == UINT32_MAX) [[unlikely]] return new_slot();
    std::uint32_t s = free_head_;
    free_head_ = static_cast<std::uint32_t>(slot(s).key);
    return s;
  }
  template <class Store>
  EventHandle schedule_at_impl(Time t, Priority priority, Store&& store) {
    if (t < now_) [[unlikely]] throw_in_past("schedule_at", t);
    std::uint32_t s = allocate_slot();
    Slot& r = slot(s);
    try {
      store(r.fn);
    } catch (...) {  // the handler's constructor threw: the slot goes back unused
      release_slot(s);
      throw;
    }
    push_entry(s, r, t, priority_bits(priority));
    ++live_;
    return {s, r.generation};
  }
  std::uint32_t new_slot();
  void prefetch_slot(std::uint32_t s) const {
    const auto* bytes = reinterpret_cast<const char*>(&slot(s));
    __builtin_prefetch(bytes);
    __builtin_prefetch(bytes + sizeof(Slot) - 1);
  }
  void release_slot(std::uint32_t s) {
    Slot& r = slot(s);
    r.fn.reset();
    ++r.generation;
    ++r.stamp;
    r.key = free_head_;
    free_head_ = s;
  }
  void push_entry(std::uint32_t s, Slot& r, Time t, std::uint64_t high_key_bits) {
    CITYTWIN_CHECK(sequence_ < SEQUENCE_MASK, "event sequence numbers exhausted");
    r.key = high_key_bits | sequence_++;
    ++r.stamp;
    queue_.push({t.count_us(), s, r.stamp}, r.key);
  }
  bool live_handle(EventHandle h) const {
    return h.slot < slot_count_ && slot(h.slot).generation == h.generation && slot(h.slot).fn;
  }
  void requeue_running(Time period);
  void begin_run();
  void end_run(std::uint64_t ran);
  [[noreturn]] void throw_in_past(const char* what, Time t) const;
  [[noreturn]] static void throw_negative_delay(const char* what, Time delay);
  [[noreturn]] static void throw_empty_handler(const char* what);

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

template <class KeepGoing>
std::uint64_t Simulation::run_while(KeepGoing&& keep_going, Time end) {
  begin_run();
  // Ends the run on every path out, an exception from a handler included.
  struct Finish {
    Simulation* sim;
    std::uint64_t ran = 0;
    ~Finish() { sim->end_run(ran); }
  } finish{this};
  auto is_live = [this](const QueueEntry& e) { return slot(e.slot).stamp == e.stamp; };
  auto key_of = [this](const QueueEntry& e) { return slot(e.slot).key; };
  auto prefetch = [this](const QueueEntry& e) { prefetch_slot(e.slot); };
  const std::int64_t end_us = end.count_us();
  QueueEntry e;
  while (!stop_requested_ && queue_.pop_until(end_us, e, is_live, key_of, prefetch)) {
    // Run the event; a running event is no longer pending, unless its handler puts it back.
    now_ = Time::us(e.time_us);
    running_slot_ = e.slot;
    running_requeued_ = false;
    running_cancelled_ = false;
    --live_;
    ++finish.ran;
    // Fetch the next event's record while this one runs: the run is otherwise bound by that cache miss.
    if (std::uint32_t next = queue_.next_slot_hint(); next != UINT32_MAX) prefetch_slot(next);
    slot(e.slot).fn();
    if (!running_requeued_) release_slot(e.slot);
    running_slot_ = UINT32_MAX;
    if (!keep_going()) break;
  }
  return finish.ran;
}

}  // namespace citytwin::sim
