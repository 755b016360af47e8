// Tests of the event kernel: total order, scheduling, cancellation, periodic events, run control, errors,
// and a randomized comparison against a reference kernel built on an ordered set.
#include "sim/Simulation.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "sim/RandomStream.hpp"

using citytwin::sim::EventHandle;
using citytwin::sim::Priority;
using citytwin::sim::RandomStream;
using citytwin::sim::Simulation;
using citytwin::sim::Time;

namespace {

Time us(std::int64_t v) { return Time::us(v); }

/// The message of the std::logic_error thrown by `f`, or "" when none is thrown.
template <class F>
std::string logic_error_message(F&& f) {
  try {
    f();
  } catch (const std::logic_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// ---- order ------------------------------------------------------------------------------------------------

TEST_CASE("events at the same time and priority run in the order they were scheduled") {
  Simulation sim;
  std::vector<int> order;
  for (int i = 0; i < 1000; ++i) sim.schedule_at(us(42), [&order, i] { order.push_back(i); });
  CHECK(sim.run_until(us(100)) == 1000);
  REQUIRE(order.size() == 1000);
  for (int i = 0; i < 1000; ++i) CHECK(order[i] == i);
}

TEST_CASE("events run by time, then priority, then insertion sequence") {
  Simulation sim;
  RandomStream rng(1, 0, 0, "total_order");
  using Key = std::tuple<std::int64_t, int, int>;  // time, priority, sequence
  std::vector<Key> scheduled, ran;
  for (int i = 0; i < 5000; ++i) {
    std::int64_t t = rng.uniform_int(50);  // many ties
    int p = static_cast<int>(rng.uniform_int(256)) - 128;
    scheduled.emplace_back(t, p, i);
    sim.schedule_at(us(t), [&ran, t, p, i] { ran.emplace_back(t, p, i); }, static_cast<Priority>(p));
  }
  sim.run_until(us(1000));
  std::sort(scheduled.begin(), scheduled.end());
  CHECK(ran == scheduled);
}

TEST_CASE("an event scheduled now with a lower priority runs before pending events of the same time") {
  Simulation sim;
  std::vector<std::string> order;
  sim.schedule_at(us(10), [&] {
    order.push_back("a");
    sim.schedule_in(us(0), [&] { order.push_back("urgent"); }, -1);
    sim.schedule_in(us(0), [&] { order.push_back("late"); }, 0);
  });
  sim.schedule_at(us(10), [&] { order.push_back("b"); });
  sim.schedule_at(us(10), [&] { order.push_back("c"); }, 1);
  sim.run_until(us(10));
  CHECK(order == std::vector<std::string>{"a", "urgent", "b", "late", "c"});
}

TEST_CASE("the clock shows each event's time while it runs") {
  Simulation sim;
  std::vector<std::int64_t> seen;
  for (std::int64_t t : {std::int64_t{5}, std::int64_t{1}, std::int64_t{3}, std::int64_t{1'000'000'000'000}}) {
    sim.schedule_at(us(t), [&] { seen.push_back(sim.now().count_us()); });
  }
  sim.run_until(Time::max());
  CHECK(seen == std::vector<std::int64_t>{1, 3, 5, 1'000'000'000'000});
  CHECK(sim.now() == Time::max());
}

// ---- schedule, cancel, reschedule ----------------------------------------------------------------------------

TEST_CASE("a cancelled event does not run and its handle goes stale") {
  Simulation sim;
  int runs = 0;
  EventHandle h = sim.schedule_at(us(10), [&] { ++runs; });
  CHECK(h.valid());
  CHECK(sim.pending(h));
  CHECK(sim.pending_count() == 1);
  CHECK(sim.cancel(h));
  CHECK_FALSE(sim.pending(h));
  CHECK(sim.pending_count() == 0);
  CHECK_FALSE(sim.cancel(h));
  CHECK_FALSE(sim.reschedule(h, us(20)));
  sim.run_until(us(100));
  CHECK(runs == 0);
}

TEST_CASE("a default handle is invalid and stale") {
  Simulation sim;
  EventHandle h;
  CHECK_FALSE(h.valid());
  CHECK_FALSE(sim.pending(h));
  CHECK_FALSE(sim.cancel(h));
  CHECK_FALSE(sim.reschedule(h, us(1)));
}

TEST_CASE("the handle of an event that has fired is stale") {
  Simulation sim;
  EventHandle h = sim.schedule_at(us(1), [] {});
  sim.run_until(us(1));
  CHECK_FALSE(sim.pending(h));
  CHECK_FALSE(sim.cancel(h));
  CHECK_FALSE(sim.reschedule(h, us(5)));
}

TEST_CASE("a cancelled event's slot is reused and the old handle stays stale") {
  Simulation sim;
  int old_runs = 0, new_runs = 0;
  EventHandle old_handle = sim.schedule_at(us(10), [&] { ++old_runs; });
  REQUIRE(sim.cancel(old_handle));
  EventHandle new_handle = sim.schedule_at(us(10), [&] { ++new_runs; });
  CHECK(new_handle.slot == old_handle.slot);
  CHECK(new_handle.generation != old_handle.generation);
  CHECK_FALSE(sim.pending(old_handle));
  CHECK_FALSE(sim.cancel(old_handle));
  CHECK_FALSE(sim.reschedule(old_handle, us(20)));
  CHECK(sim.pending(new_handle));
  sim.run_until(us(100));
  CHECK(old_runs == 0);
  CHECK(new_runs == 1);
}

TEST_CASE("an event can cancel another pending event") {
  Simulation sim;
  std::vector<int> order;
  EventHandle victim = sim.schedule_at(us(20), [&] { order.push_back(2); });
  sim.schedule_at(us(10), [&] {
    order.push_back(1);
    CHECK(sim.cancel(victim));
  });
  sim.schedule_at(us(30), [&] { order.push_back(3); });
  sim.run_until(us(100));
  CHECK(order == std::vector<int>{1, 3});
}

TEST_CASE("an event cancelling itself while it runs is harmless and reports true once") {
  Simulation sim;
  EventHandle self;
  std::vector<bool> results;
  self = sim.schedule_at(us(10), [&] {
    CHECK_FALSE(sim.pending(self));  // a running one-shot event is no longer pending
    results.push_back(sim.cancel(self));
    results.push_back(sim.cancel(self));
  });
  sim.run_until(us(100));
  CHECK(results == std::vector<bool>{true, false});
  CHECK_FALSE(sim.pending(self));
  CHECK(sim.pending_count() == 0);
}

TEST_CASE("rescheduling moves a pending event, keeps its handle and priority, and takes a new place in order") {
  Simulation sim;
  std::vector<std::string> order;
  EventHandle h = sim.schedule_at(us(10), [&] { order.push_back("moved"); }, -1);
  sim.schedule_at(us(50), [&] { order.push_back("x"); }, -1);
  sim.schedule_at(us(50), [&] { order.push_back("y"); }, 0);
  CHECK(sim.reschedule(h, us(50)));
  CHECK(sim.pending(h));
  CHECK(sim.pending_count() == 3);
  sim.run_until(us(100));
  // At time 50: priority -1 first, and among those "moved" was placed after "x".
  CHECK(order == std::vector<std::string>{"x", "moved", "y"});
  CHECK_FALSE(sim.pending(h));
}

TEST_CASE("rescheduling an event earlier makes it run earlier, once") {
  Simulation sim;
  std::vector<std::int64_t> runs;
  EventHandle h = sim.schedule_at(us(1000), [&] { runs.push_back(sim.now().count_us()); });
  sim.schedule_at(us(5), [&] { CHECK(sim.reschedule(h, us(7))); });
  sim.run_until(us(2000));
  CHECK(runs == std::vector<std::int64_t>{7});
}

TEST_CASE("an event rescheduling itself runs again with the same handle") {
  Simulation sim;
  EventHandle self;
  std::vector<std::int64_t> runs;
  self = sim.schedule_at(us(10), [&] {
    runs.push_back(sim.now().count_us());
    if (runs.size() < 3) {
      CHECK(sim.reschedule(self, sim.now() + us(5)));
      CHECK(sim.pending(self));
    }
  });
  sim.run_until(us(100));
  CHECK(runs == std::vector<std::int64_t>{10, 15, 20});
  CHECK_FALSE(sim.pending(self));
  CHECK(sim.pending_count() == 0);
}

TEST_CASE("an event that reschedules itself and then cancels itself does not run again") {
  Simulation sim;
  EventHandle self;
  int runs = 0;
  self = sim.schedule_at(us(10), [&] {
    ++runs;
    CHECK(sim.reschedule(self, us(20)));
    CHECK(sim.pending_count() == 1);
    CHECK(sim.cancel(self));
    CHECK_FALSE(sim.reschedule(self, us(30)));
    CHECK(sim.pending_count() == 0);
  });
  sim.run_until(us(100));
  CHECK(runs == 1);
  CHECK(sim.pending_count() == 0);
}

TEST_CASE("pending_count counts pending events only") {
  Simulation sim;
  std::vector<EventHandle> hs;
  for (int i = 0; i < 10; ++i) hs.push_back(sim.schedule_at(us(10 + i), [] {}));
  CHECK(sim.pending_count() == 10);
  sim.cancel(hs[3]);
  sim.cancel(hs[3]);
  CHECK(sim.pending_count() == 9);
  sim.reschedule(hs[4], us(100));
  CHECK(sim.pending_count() == 9);
  sim.run_until(us(15));  // runs 10, 11, 12 and 15: 13 was cancelled and 14 moved to 100
  CHECK(sim.pending_count() == 5);
  CHECK(sim.events_run() == 4);
}

// ---- periodic events --------------------------------------------------------------------------------------------

TEST_CASE("a periodic event fires at first, first plus period, and so on, with a stable handle") {
  Simulation sim;
  std::vector<std::int64_t> fired;
  EventHandle h = sim.schedule_periodic(us(100), us(30), [&] { fired.push_back(sim.now().count_us()); });
  sim.run_until(us(220));
  CHECK(fired == std::vector<std::int64_t>{100, 130, 160, 190, 220});
  CHECK(sim.pending(h));
  CHECK(sim.pending_count() == 1);
  sim.run_until(us(250));
  CHECK(fired.back() == 250);
  CHECK(sim.cancel(h));
  CHECK_FALSE(sim.pending(h));
  CHECK(sim.pending_count() == 0);
  sim.run_until(us(1000));
  CHECK(fired.size() == 6);
}

TEST_CASE("a periodic event stops when it cancels itself") {
  Simulation sim;
  EventHandle h;
  int fired = 0;
  h = sim.schedule_periodic(us(0), us(10), [&] {
    if (++fired == 4) CHECK(sim.cancel(h));
  });
  sim.run_until(us(1000));
  CHECK(fired == 4);
  CHECK_FALSE(sim.pending(h));
  CHECK(sim.pending_count() == 0);
}

TEST_CASE("a periodic event stops when another event cancels it") {
  Simulation sim;
  int fired = 0;
  EventHandle h = sim.schedule_periodic(us(0), us(10), [&] { ++fired; });
  sim.schedule_at(us(35), [&] { CHECK(sim.cancel(h)); });
  sim.run_until(us(1000));
  CHECK(fired == 4);  // 0, 10, 20, 30
}

TEST_CASE("a periodic event rescheduled from its handler continues with its period from the new time") {
  Simulation sim;
  EventHandle h;
  std::vector<std::int64_t> fired;
  h = sim.schedule_periodic(us(0), us(10), [&] {
    fired.push_back(sim.now().count_us());
    if (fired.size() == 2) sim.reschedule(h, us(15));
  });
  sim.run_until(us(40));
  CHECK(fired == std::vector<std::int64_t>{0, 10, 15, 25, 35});
}

TEST_CASE("periodic events keep their priority against other events at the same time") {
  Simulation sim;
  std::vector<std::string> order;
  sim.schedule_periodic(us(10), us(10), [&] { order.push_back("p"); }, -5);
  for (int t = 10; t <= 30; t += 10) sim.schedule_at(us(t), [&] { order.push_back("e"); }, 0);
  sim.run_until(us(30));
  CHECK(order == std::vector<std::string>{"p", "e", "p", "e", "p", "e"});
}

// ---- running ----------------------------------------------------------------------------------------------------

TEST_CASE("run_until stops at its end and sets the clock to it") {
  Simulation sim;
  std::vector<std::int64_t> fired;
  for (std::int64_t t : {10, 20, 30, 31}) sim.schedule_at(us(t), [&] { fired.push_back(sim.now().count_us()); });
  CHECK(sim.run_until(us(30)) == 3);
  CHECK(sim.now() == us(30));
  CHECK(fired == std::vector<std::int64_t>{10, 20, 30});
  CHECK(sim.run_until(us(30)) == 0);
  CHECK(sim.run_until(us(40)) == 1);
  CHECK(sim.now() == us(40));
  CHECK(sim.run_until(us(1000)) == 0);
  CHECK(sim.now() == us(1000));
}

TEST_CASE("events scheduled between the last event and the end of a run_until run in order afterwards") {
  // The queue's floor stays at the last event (10); the clock moves to 50. Scheduling at 50, and later at
  // times below the far event, must keep the order.
  Simulation sim;
  std::vector<std::int64_t> fired;
  auto record = [&] { fired.push_back(sim.now().count_us()); };
  sim.schedule_at(us(10), record);
  sim.schedule_at(us(1'000'000), record);
  sim.run_until(us(50));
  sim.schedule_at(us(50), record);
  sim.schedule_in(us(0), record);
  sim.schedule_at(us(60), record);
  sim.schedule_at(us(999'999), record);
  sim.run_until(us(55));
  CHECK(sim.now() == us(55));
  sim.schedule_at(us(55), record);
  sim.schedule_at(us(1'000'000), record);
  sim.run_until(us(2'000'000));
  CHECK(fired == std::vector<std::int64_t>{10, 50, 50, 55, 60, 999'999, 1'000'000, 1'000'000});
}

TEST_CASE("run_while runs until its condition turns false") {
  Simulation sim;
  int fired = 0;
  for (int i = 0; i < 100; ++i) sim.schedule_at(us(i), [&] { ++fired; });
  CHECK(sim.run_while([&] { return fired < 25; }) == 25);
  CHECK(fired == 25);
  CHECK(sim.now() == us(24));
  CHECK(sim.run_while([] { return true; }, us(49)) == 25);
  CHECK(sim.now() == us(49));  // the clock stays at the last event
  CHECK(sim.run_while([] { return true; }) == 50);
  CHECK(sim.events_run() == 100);
  CHECK(sim.run_while([] { return true; }) == 0);
}

TEST_CASE("stop ends the run after the running event and leaves the clock at it") {
  Simulation sim;
  std::vector<int> fired;
  sim.schedule_at(us(10), [&] { fired.push_back(1); });
  sim.schedule_at(us(20), [&] {
    fired.push_back(2);
    sim.stop();
  });
  sim.schedule_at(us(20), [&] { fired.push_back(3); });
  sim.schedule_at(us(30), [&] { fired.push_back(4); });
  CHECK(sim.run_until(us(100)) == 2);
  CHECK(sim.now() == us(20));
  // Events at the stopping time keep their order, also against ones scheduled now.
  sim.schedule_at(us(20), [&] { fired.push_back(5); });
  CHECK(sim.run_until(us(100)) == 3);
  CHECK(fired == std::vector<int>{1, 2, 3, 5, 4});
  CHECK(sim.now() == us(100));
}

TEST_CASE("an exception from a handler leaves the run and the kernel usable") {
  Simulation sim;
  std::vector<int> fired;
  sim.schedule_at(us(1), [&] { fired.push_back(1); });
  EventHandle bad = sim.schedule_at(us(2), [] { throw std::runtime_error("handler failed"); });
  sim.schedule_at(us(3), [&] { fired.push_back(3); });
  CHECK_THROWS_WITH_AS(sim.run_until(us(10)), "handler failed", std::runtime_error);
  CHECK(sim.now() == us(2));
  CHECK_FALSE(sim.pending(bad));
  CHECK(sim.pending_count() == 1);
  CHECK(sim.events_run() == 2);
  CHECK(sim.run_until(us(10)) == 1);
  CHECK(fired == std::vector<int>{1, 3});
}

// ---- errors -----------------------------------------------------------------------------------------------------

TEST_CASE("scheduling in the past throws a logic_error that names the function and says what to do") {
  Simulation sim;
  sim.run_until(us(100));
  std::string msg = logic_error_message([&] { sim.schedule_at(us(99), [] {}); });
  CHECK(msg.find("schedule_at()") != std::string::npos);
  CHECK(msg.find("99 us") != std::string::npos);
  CHECK(msg.find("100 us") != std::string::npos);
  CHECK(msg.find("schedule at now() or later") != std::string::npos);

  msg = logic_error_message([&] { sim.schedule_in(us(-1), [] {}); });
  CHECK(msg.find("schedule_in()") != std::string::npos);
  CHECK(msg.find("-1 us") != std::string::npos);

  EventHandle h = sim.schedule_at(us(200), [] {});
  msg = logic_error_message([&] { sim.reschedule(h, us(50)); });
  CHECK(msg.find("reschedule()") != std::string::npos);
  CHECK(sim.pending(h));

  msg = logic_error_message([&] { sim.run_until(us(10)); });
  CHECK(msg.find("run_until()") != std::string::npos);
  CHECK(sim.pending_count() == 1);
}

TEST_CASE("an empty handler or a non-positive period is refused") {
  Simulation sim;
  CHECK_THROWS_AS(sim.schedule_at(us(1), citytwin::sim::EventFn{}), std::invalid_argument);
  CHECK_THROWS_WITH_AS(sim.schedule_periodic(us(1), us(0), [] {}),
                       "schedule_periodic(): period 0 us must be positive", std::invalid_argument);
  CHECK_THROWS_AS(sim.schedule_periodic(us(1), us(-5), [] {}), std::invalid_argument);
  CHECK(sim.pending_count() == 0);
}

TEST_CASE("a handler whose construction throws leaves no event behind") {
  struct ThrowsOnCopy {
    ThrowsOnCopy() = default;
    ThrowsOnCopy(const ThrowsOnCopy&) { throw std::runtime_error("no copies"); }
    void operator()() const {}
  };
  Simulation sim;
  ThrowsOnCopy handler;
  CHECK_THROWS_AS(sim.schedule_at(us(5), handler), std::runtime_error);
  CHECK(sim.pending_count() == 0);
  int runs = 0;
  EventHandle h = sim.schedule_at(us(5), [&] { ++runs; });
  CHECK(sim.pending(h));
  CHECK(sim.run_until(us(10)) == 1);
  CHECK(runs == 1);
}

// ---- memory -----------------------------------------------------------------------------------------------------

TEST_CASE("the bookkeeping per pending event is at most 32 bytes besides the handler") {
  CHECK(Simulation::bookkeeping_bytes_per_event() <= 32);
  Simulation sim;
  for (int i = 0; i < 10'000; ++i) sim.schedule_at(us(i * 7919 % 100'000), [] {});
  CHECK(sim.memory_bytes() >= 10'000 * (32 + Simulation::bookkeeping_bytes_per_event()));
}

TEST_CASE("handlers still pending when the kernel is destroyed are destroyed with it") {
  auto token = std::make_shared<int>(0);
  {
    Simulation sim;
    for (int i = 0; i < 100; ++i) sim.schedule_at(us(i), [token] { ++*token; });
    sim.schedule_periodic(us(0), us(1), [token] { ++*token; });
    sim.run_until(us(49));
    CHECK(token.use_count() == 1 + 50 + 1);
  }
  CHECK(token.use_count() == 1);
}

// ---- randomized comparison with a reference kernel ----------------------------------------------------------------

namespace {

/// A reference kernel with the documented semantics, on an ordered set: slow and obviously right.
class ReferenceKernel {
 public:
  using Fire = std::function<void(int)>;

  explicit ReferenceKernel(Fire fire) : fire_(std::move(fire)) {}
  Time now() const { return now_; }
  std::size_t pending_count() const { return queue_.size(); }

  void schedule_at(int id, Time t, Priority p) {
    if (t < now_) throw std::logic_error("reference: past");
    Key k{t.count_us(), p, sequence_++, id};
    queue_.insert(k);
    pending_[id] = k;
  }
  bool cancel(int id) {
    if (id == running_ && !running_done_) {
      running_done_ = true;
      if (auto it = pending_.find(id); it != pending_.end()) {
        queue_.erase(it->second);
        pending_.erase(it);
      }
      return true;
    }
    auto it = pending_.find(id);
    if (it == pending_.end()) return false;
    queue_.erase(it->second);
    pending_.erase(it);
    return true;
  }
  bool reschedule(int id, Time t) {
    bool running = id == running_ && !running_done_;
    auto it = pending_.find(id);
    if (!running && it == pending_.end()) return false;
    Priority p = running ? running_priority_ : std::get<1>(it->second);
    if (it != pending_.end()) {
      queue_.erase(it->second);
      pending_.erase(it);
    }
    schedule_at(id, t, p);
    return true;
  }
  std::uint64_t run_until(Time end) {
    std::uint64_t ran = 0;
    while (!queue_.empty() && std::get<0>(*queue_.begin()) <= end.count_us()) {
      Key k = *queue_.begin();
      queue_.erase(queue_.begin());
      pending_.erase(std::get<3>(k));
      now_ = Time::us(std::get<0>(k));
      running_ = std::get<3>(k);
      running_priority_ = std::get<1>(k);
      running_done_ = false;
      fire_(running_);
      running_ = -1;
      ++ran;
    }
    now_ = end;
    return ran;
  }

 private:
  using Key = std::tuple<std::int64_t, Priority, std::uint64_t, int>;  // time, priority, sequence, id
  Fire fire_;
  std::set<Key> queue_;
  std::map<int, Key> pending_;
  std::uint64_t sequence_ = 0;
  Time now_{};
  int running_ = -1;
  Priority running_priority_ = 0;
  bool running_done_ = false;
};

/// Adapts Simulation to the reference kernel's interface, naming events by integer ids.
class KernelUnderTest {
 public:
  using Fire = std::function<void(int)>;

  explicit KernelUnderTest(Fire fire) : fire_(std::move(fire)) {}
  Time now() const { return sim_.now(); }
  std::size_t pending_count() const { return sim_.pending_count(); }
  void schedule_at(int id, Time t, Priority p) {
    if (handles_.size() <= static_cast<std::size_t>(id)) handles_.resize(id + 1);
    handles_[id] = sim_.schedule_at(t, [this, id] { fire_(id); }, p);
  }
  bool cancel(int id) { return sim_.cancel(handles_[id]); }
  bool reschedule(int id, Time t) { return sim_.reschedule(handles_[id], t); }
  std::uint64_t run_until(Time end) { return sim_.run_until(end); }

 private:
  Fire fire_;
  Simulation sim_;
  std::vector<EventHandle> handles_;
};

/// Drives a kernel with a random script (including actions inside handlers) and logs what it observes.
template <class Kernel>
std::vector<std::int64_t> drive(std::uint64_t seed, int operations) {
  std::vector<std::int64_t> log;
  RandomStream rng(seed, 0, 0, "kernel_differential");
  int next_id = 0;
  Kernel* kernel = nullptr;

  auto delay = [&rng]() -> Time {
    switch (rng.uniform_int(5)) {
      case 0: return Time::us(0);
      case 1: return Time::us(rng.uniform_int(3));
      case 2: return Time::us(rng.uniform_int(100));
      case 3: return Time::us(rng.uniform_int(10'000));
      default: return Time::us(std::int64_t{rng.uniform_int(1u << 20)} << 10);
    }
  };
  auto priority = [&rng]() { return static_cast<Priority>(static_cast<int>(rng.uniform_int(5)) - 2); };
  auto some_id = [&]() { return static_cast<int>(rng.uniform_int(static_cast<std::uint32_t>(next_id))); };
  auto act = [&](bool in_handler, int self) {
    std::uint32_t what = rng.uniform_int(in_handler ? 6 : 4);
    if (what == 0 || what == 4) {
      Time t = kernel->now() + delay();
      Priority p = priority();
      kernel->schedule_at(next_id++, t, p);
    } else if (what == 1 && next_id > 0) {
      int id = in_handler && rng.bernoulli(0.2) ? self : some_id();
      log.push_back(kernel->cancel(id) ? 1 : 0);
    } else if (what == 2 && next_id > 0) {
      int id = in_handler && rng.bernoulli(0.2) ? self : some_id();
      log.push_back(kernel->reschedule(id, kernel->now() + delay()) ? 1 : 0);
    } else if (what == 3 && !in_handler) {
      Time span = rng.bernoulli(0.5) ? Time::us(0) : delay();
      log.push_back(static_cast<std::int64_t>(kernel->run_until(kernel->now() + span)));
      log.push_back(kernel->now().count_us());
    }
    log.push_back(static_cast<std::int64_t>(kernel->pending_count()));
  };

  Kernel k([&](int id) {
    log.push_back(-1 - id);
    log.push_back(kernel->now().count_us());
    int actions = static_cast<int>(rng.uniform_int(3));
    for (int i = 0; i < actions; ++i) act(true, id);
  });
  kernel = &k;
  for (int i = 0; i < operations; ++i) act(false, -1);
  log.push_back(static_cast<std::int64_t>(k.run_until(k.now() + Time::us(std::int64_t{1} << 40))));
  return log;
}

}  // namespace

TEST_CASE("the kernel runs the same events in the same order as a reference kernel on an ordered set") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    std::vector<std::int64_t> expected = drive<ReferenceKernel>(seed, 40'000);
    std::vector<std::int64_t> actual = drive<KernelUnderTest>(seed, 40'000);
    REQUIRE(expected.size() > 100'000);
    auto mismatch = std::mismatch(expected.begin(), expected.end(), actual.begin(), actual.end());
    CHECK(actual.size() == expected.size());
    CHECK(mismatch.first - expected.begin() == static_cast<std::ptrdiff_t>(expected.size()));
  }
}
