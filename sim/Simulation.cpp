// The event kernel's cold paths: slot allocation, periodic events, cancellation and the run boundaries.
#include "sim/Simulation.hpp"

#include <stdexcept>
#include <string>

namespace citytwin::sim {

Simulation::Simulation() = default;

void Simulation::throw_in_past(const char* what, Time t) const {
  throw std::logic_error(std::string(what) + "(): time " + std::to_string(t.count_us()) +
                         " us is before the current time " + std::to_string(now_.count_us()) +
                         " us; schedule at now() or later");
}

void Simulation::throw_negative_delay(const char* what, Time delay) {
  throw std::logic_error(std::string(what) + "(): delay " + std::to_string(delay.count_us()) +
                         " us is negative; use a delay of zero or more");
}

void Simulation::throw_empty_handler(const char* what) {
  throw std::invalid_argument(std::string(what) + "(): the event handler is empty; pass a callable");
}

std::uint32_t Simulation::new_slot() {
  CITYTWIN_CHECK(slot_count_ < UINT32_MAX, "event slots exhausted");
  if ((slot_count_ & (CHUNK_SIZE - 1)) == 0) chunks_.push_back(std::make_unique<Slot[]>(CHUNK_SIZE));
  return slot_count_++;
}

EventHandle Simulation::schedule_periodic(Time first, Time period, EventFn fn, Priority priority) {
  if (period <= Time{}) {
    throw std::invalid_argument("schedule_periodic(): period " + std::to_string(period.count_us()) +
                                " us must be positive");
  }
  if (!fn) throw_empty_handler("schedule_periodic");
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
  push_entry(running_slot_, r, now_ + period, r.key & ~SEQUENCE_MASK);
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
  if (t < now_) throw_in_past("reschedule", t);
  if (h.slot == running_slot_) {
    if (running_cancelled_) return false;
    if (!running_requeued_) ++live_;
    running_requeued_ = true;
  }
  Slot& r = slot(h.slot);
  push_entry(h.slot, r, t, r.key & ~SEQUENCE_MASK);
  return true;
}

bool Simulation::pending(EventHandle h) const {
  if (!live_handle(h)) return false;
  if (h.slot == running_slot_) return running_requeued_ && !running_cancelled_;
  return true;
}

void Simulation::begin_run() {
  CITYTWIN_CHECK(running_slot_ == UINT32_MAX, "run_until()/run_while() called from inside an event handler");
  stop_requested_ = false;
}

void Simulation::end_run(std::uint64_t ran) {
  // Only a handler that threw leaves a running event behind.
  if (running_slot_ != UINT32_MAX) {
    if (!running_requeued_) release_slot(running_slot_);
    running_slot_ = UINT32_MAX;
  }
  events_run_ += ran;
}

std::uint64_t Simulation::run_until(Time end) {
  if (end < now_) throw_in_past("run_until", end);
  std::uint64_t ran = run_while([] { return true; }, end);
  if (!stop_requested_) now_ = end;
  return ran;
}

std::size_t Simulation::memory_bytes() const {
  return queue_.capacity_bytes() + chunks_.size() * CHUNK_SIZE * sizeof(Slot) +
         chunks_.capacity() * sizeof(std::unique_ptr<Slot[]>);
}

}  // namespace citytwin::sim
