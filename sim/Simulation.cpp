// The event kernel: slot table, scheduling, cancellation and the run loop.
#include "sim/Simulation.hpp"

#include <stdexcept>

#include "sim/Check.hpp"

namespace citytwin::sim {

namespace {
constexpr std::uint64_t SEQUENCE_MASK = (std::uint64_t{1} << 56) - 1;

std::uint64_t priority_bits(Priority p) {
  return static_cast<std::uint64_t>(static_cast<int>(p) + 128) << 56;
}
}  // namespace

Simulation::Simulation() = default;

void Simulation::check_not_past(const char* what, Time t) const {
  if (t < now_) {
    throw std::logic_error(std::string(what) + "(): time " + std::to_string(t.count_us()) +
                           " us is before the current time " + std::to_string(now_.count_us()) +
                           " us; schedule at now() or later");
  }
}

std::uint32_t Simulation::allocate_slot() {
  if (free_head_ != UINT32_MAX) {
    std::uint32_t s = free_head_;
    free_head_ = static_cast<std::uint32_t>(slot(s).key);
    return s;
  }
  if ((slot_count_ & (CHUNK_SIZE - 1)) == 0) chunks_.push_back(std::make_unique<Slot[]>(CHUNK_SIZE));
  return slot_count_++;
}

void Simulation::release_slot(std::uint32_t s) {
  Slot& r = slot(s);
  r.fn.reset();
  ++r.generation;
  ++r.stamp;
  r.key = free_head_;
  free_head_ = s;
}

void Simulation::push_entry(std::uint32_t s, Time t, std::uint64_t priority_bits) {
  Slot& r = slot(s);
  CITYTWIN_CHECK(sequence_ < SEQUENCE_MASK, "event sequence numbers exhausted");
  r.key = priority_bits | sequence_++;
  ++r.stamp;
  queue_.push({t.count_us(), s, r.stamp}, r.key);
}

EventHandle Simulation::schedule_at(Time t, EventFn fn, Priority priority) {
  check_not_past("schedule_at", t);
  if (!fn) throw std::invalid_argument("schedule_at(): the event handler is empty");
  std::uint32_t s = allocate_slot();
  slot(s).fn = std::move(fn);
  push_entry(s, t, priority_bits(priority));
  ++live_;
  return {s, slot(s).generation};
}

EventHandle Simulation::schedule_periodic(Time first, Time period, EventFn fn, Priority priority) {
  if (period <= Time{}) {
    throw std::invalid_argument("schedule_periodic(): period " + std::to_string(period.count_us()) +
                                " us must be positive");
  }
  // The handler runs the user's callable, then puts its own slot back in the queue one period later.
  struct Periodic {
    Simulation* sim;
    std::unique_ptr<EventFn> fn;
    Time period;
    void operator()() {
      (*fn)();
      sim->requeue_running(period);
    }
  };
  return schedule_at(first, Periodic{this, std::make_unique<EventFn>(std::move(fn)), period}, priority);
}

void Simulation::requeue_running(Time period) {
  if (running_cancelled_ || running_requeued_) return;
  Slot& r = slot(running_slot_);
  push_entry(running_slot_, now_ + period, r.key & ~SEQUENCE_MASK);
  running_requeued_ = true;
  ++live_;
}

bool Simulation::cancel(EventHandle h) {
  if (!live_handle(h)) return false;
  if (h.slot == running_slot_) {
    if (running_cancelled_) return false;
    running_cancelled_ = true;
    if (running_requeued_) {
      ++slot(h.slot).stamp;  // its new entry goes stale
      running_requeued_ = false;
      --live_;
    }
    return true;
  }
  release_slot(h.slot);
  --live_;
  return true;
}

bool Simulation::reschedule(EventHandle h, Time t) {
  if (!live_handle(h)) return false;
  check_not_past("reschedule", t);
  if (h.slot == running_slot_) {
    if (running_cancelled_) return false;
    if (!running_requeued_) ++live_;
    running_requeued_ = true;
  }
  push_entry(h.slot, t, slot(h.slot).key & ~SEQUENCE_MASK);
  return true;
}

bool Simulation::pending(EventHandle h) const {
  if (!live_handle(h)) return false;
  if (h.slot == running_slot_) return running_requeued_ && !running_cancelled_;
  return true;
}

std::uint64_t Simulation::run_while(const std::function<bool()>& keep_going, Time end) {
  CITYTWIN_CHECK(running_slot_ == UINT32_MAX, "run_until()/run_while() called from inside an event handler");
  stop_requested_ = false;
  std::uint64_t ran = 0;
  auto is_live = [this](const QueueEntry& e) { return slot(e.slot).stamp == e.stamp; };
  auto key_of = [this](const QueueEntry& e) { return slot(e.slot).key; };
  QueueEntry e;
  while (!stop_requested_ && queue_.pop_until(end.count_us(), e, is_live, key_of)) {
    now_ = Time::us(e.time_us);
    running_slot_ = e.slot;
    running_requeued_ = false;
    running_cancelled_ = false;
    --live_;  // a running event is no longer pending, unless its handler puts it back
    slot(e.slot).fn();
    if (!running_requeued_) release_slot(e.slot);
    running_slot_ = UINT32_MAX;
    ++ran;
    if (keep_going && !keep_going()) break;
  }
  events_run_ += ran;
  return ran;
}

std::uint64_t Simulation::run_until(Time end) {
  check_not_past("run_until", end);
  std::uint64_t ran = run_while(nullptr, end);
  if (!stop_requested_) now_ = end;
  return ran;
}

std::size_t Simulation::memory_bytes() const {
  return queue_.capacity_bytes() + chunks_.size() * CHUNK_SIZE * sizeof(Slot) +
         chunks_.capacity() * sizeof(std::unique_ptr<Slot[]>);
}

}  // namespace citytwin::sim
