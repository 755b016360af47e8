// Tests of the radix-heap event queue on its own: order, the floor, stale entries, against a reference.
#include "sim/EventQueue.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <tuple>
#include <vector>

#include "sim/RandomStream.hpp"

using citytwin::sim::EventQueue;
using citytwin::sim::QueueEntry;
using citytwin::sim::RandomStream;

namespace {

constexpr std::int64_t NO_LIMIT = std::numeric_limits<std::int64_t>::max();

/// The records a queue's caller keeps: per slot, its current stamp and key.
struct Records {
  std::vector<std::uint32_t> stamp;
  std::vector<std::uint64_t> key;

  /// Pushes slot `s` at `time_us` with `key`, making any older entry of the slot stale.
  void push(EventQueue& q, std::uint32_t s, std::int64_t time_us, std::uint64_t k) {
    if (s >= stamp.size()) {
      stamp.resize(s + 1, 0);
      key.resize(s + 1, 0);
    }
    ++stamp[s];
    key[s] = k;
    q.push({time_us, s, stamp[s]}, k);
  }
  void cancel(std::uint32_t s) { ++stamp[s]; }
  bool pop(EventQueue& q, std::int64_t limit_us, QueueEntry& out) {
    return q.pop_until(
        limit_us, out, [this](const QueueEntry& e) { return stamp[e.slot] == e.stamp; },
        [this](const QueueEntry& e) { return key[e.slot]; });
  }
};

}  // namespace

TEST_CASE("entries come out by time, then by key") {
  EventQueue q;
  Records r;
  // (time, key) pairs pushed out of order; slot i carries pair i.
  std::vector<std::pair<std::int64_t, std::uint64_t>> pairs = {
      {50, 3}, {10, 9}, {50, 1}, {0, 5}, {10, 2}, {1'000'000'000'000, 0}, {50, 2}, {7, 7}, {0, 4}};
  for (std::uint32_t i = 0; i < pairs.size(); ++i) r.push(q, i, pairs[i].first, pairs[i].second);
  CHECK(q.size() == pairs.size());

  std::vector<std::pair<std::int64_t, std::uint64_t>> out;
  QueueEntry e;
  while (r.pop(q, NO_LIMIT, e)) out.emplace_back(e.time_us, r.key[e.slot]);
  std::vector<std::pair<std::int64_t, std::uint64_t>> expected = pairs;
  std::sort(expected.begin(), expected.end());
  CHECK(out == expected);
  CHECK(q.empty());
}

TEST_CASE("an entry pushed at the floor's time is ordered by key among the waiting ties") {
  EventQueue q;
  Records r;
  r.push(q, 0, 100, 10);
  r.push(q, 1, 100, 30);
  QueueEntry e;
  REQUIRE(r.pop(q, NO_LIMIT, e));
  CHECK(e.slot == 0);
  CHECK(q.floor_us() == 100);
  r.push(q, 2, 100, 20);  // at the floor: goes among the ties, before key 30
  r.push(q, 3, 101, 0);
  REQUIRE(r.pop(q, NO_LIMIT, e));
  CHECK(e.slot == 2);
  REQUIRE(r.pop(q, NO_LIMIT, e));
  CHECK(e.slot == 1);
  REQUIRE(r.pop(q, NO_LIMIT, e));
  CHECK(e.slot == 3);
  CHECK_FALSE(r.pop(q, NO_LIMIT, e));
}

TEST_CASE("popping stops at the limit without moving the floor past the last returned entry") {
  EventQueue q;
  Records r;
  r.push(q, 0, 10, 0);
  r.push(q, 1, 1000, 1);
  QueueEntry e;
  REQUIRE(r.pop(q, 500, e));
  CHECK(e.time_us == 10);
  CHECK_FALSE(r.pop(q, 500, e));
  CHECK(q.floor_us() == 10);
  // The caller may now push anywhere from the last returned time on, for example between it and the limit.
  r.push(q, 2, 20, 2);
  r.push(q, 3, 500, 3);
  r.push(q, 4, 10, 4);
  std::vector<std::int64_t> times;
  while (r.pop(q, NO_LIMIT, e)) times.push_back(e.time_us);
  CHECK(times == std::vector<std::int64_t>{10, 20, 500, 1000});
}

TEST_CASE("a limit below the floor returns nothing") {
  EventQueue q;
  Records r;
  r.push(q, 0, 10, 0);
  r.push(q, 1, 10, 1);
  QueueEntry e;
  REQUIRE(r.pop(q, 10, e));
  CHECK_FALSE(r.pop(q, 9, e));
  REQUIRE(r.pop(q, 10, e));
  CHECK(e.slot == 1);
}

TEST_CASE("stale entries are skipped and leave the count once dropped") {
  EventQueue q;
  Records r;
  for (std::uint32_t s = 0; s < 10; ++s) r.push(q, s, 100 + s, s);
  for (std::uint32_t s = 0; s < 10; s += 2) r.cancel(s);
  r.push(q, 3, 50, 99);  // slot 3 moves earlier; its first entry is stale
  CHECK(q.size() == 11);  // stale entries still counted
  std::vector<std::uint32_t> slots;
  QueueEntry e;
  while (r.pop(q, NO_LIMIT, e)) slots.push_back(e.slot);
  CHECK(slots == std::vector<std::uint32_t>{3, 1, 5, 7, 9});
  CHECK(q.empty());
}

TEST_CASE("the only entries at the earliest time being stale does not advance the floor to them") {
  EventQueue q;
  Records r;
  r.push(q, 0, 5, 0);
  r.push(q, 1, 7, 1);
  r.push(q, 2, 9, 2);
  QueueEntry e;
  REQUIRE(r.pop(q, NO_LIMIT, e));
  r.cancel(1);
  r.cancel(2);
  CHECK_FALSE(r.pop(q, NO_LIMIT, e));
  CHECK(q.floor_us() == 5);
  r.push(q, 3, 6, 3);  // before the stale entries' times: allowed
  REQUIRE(r.pop(q, NO_LIMIT, e));
  CHECK(e.time_us == 6);
}

TEST_CASE("the next-slot hint names the entry that comes next") {
  EventQueue q;
  Records r;
  CHECK(q.next_slot_hint() == UINT32_MAX);
  r.push(q, 4, 30, 0);
  r.push(q, 5, 20, 1);
  r.push(q, 6, 20, 2);
  QueueEntry e;
  REQUIRE(r.pop(q, NO_LIMIT, e));
  CHECK(e.slot == 5);
  CHECK(q.next_slot_hint() == 6);
  REQUIRE(r.pop(q, NO_LIMIT, e));
  CHECK(q.next_slot_hint() == 4);
}

TEST_CASE("clearing forgets every entry and sets the floor") {
  EventQueue q;
  Records r;
  r.push(q, 0, 100, 0);
  r.push(q, 1, 1 << 20, 1);
  CHECK(q.capacity_bytes() > 0);
  q.clear(50);
  CHECK(q.empty());
  CHECK(q.floor_us() == 50);
  QueueEntry e;
  CHECK_FALSE(r.pop(q, NO_LIMIT, e));
  r.push(q, 2, 60, 2);
  REQUIRE(r.pop(q, NO_LIMIT, e));
  CHECK(e.slot == 2);
}

TEST_CASE("the queue agrees with an ordered set over random pushes, cancels and limited pops") {
  // The reference holds (time, key, slot) of live entries; keys are unique, as the kernel makes them.
  EventQueue q;
  Records r;
  std::set<std::tuple<std::int64_t, std::uint64_t, std::uint32_t>> ref;
  std::vector<std::int64_t> live_time;  // per slot: time of its live entry, or -1
  std::vector<std::uint32_t> free_slots;
  RandomStream rng(7, 0, 0, "event_queue_differential");
  std::uint64_t next_key = 0;
  std::int64_t floor = 0;
  std::size_t pops = 0;

  auto pick_delay = [&rng]() -> std::int64_t {
    switch (rng.uniform_int(4)) {
      case 0: return 0;                                     // a tie with the floor
      case 1: return rng.uniform_int(4);                    // many duplicates
      case 2: return rng.uniform_int(1000);
      default: return std::int64_t{rng.uniform_int(1u << 30)} << rng.uniform_int(8);  // far away
    }
  };

  for (int op = 0; op < 100'000; ++op) {
    std::uint32_t what = rng.uniform_int(10);
    if (what < 5) {  // push a new entry or move an existing one
      std::uint32_t s;
      if (!free_slots.empty() && rng.bernoulli(0.7)) {
        s = free_slots.back();
        free_slots.pop_back();
      } else if (!live_time.empty() && rng.bernoulli(0.3)) {
        s = rng.uniform_int(static_cast<std::uint32_t>(live_time.size()));
      } else {
        s = static_cast<std::uint32_t>(live_time.size());
        live_time.push_back(-1);
      }
      if (live_time[s] >= 0) ref.erase({live_time[s], r.key[s], s});
      std::int64_t t = floor + pick_delay();
      std::uint64_t k = (std::uint64_t{rng.uniform_int(4)} << 56) | next_key++;
      r.push(q, s, t, k);
      ref.insert({t, k, s});
      live_time[s] = t;
    } else if (what < 7) {  // cancel a random slot, live or not
      if (live_time.empty()) continue;
      std::uint32_t s = rng.uniform_int(static_cast<std::uint32_t>(live_time.size()));
      if (live_time[s] >= 0) {
        ref.erase({live_time[s], r.key[s], s});
        live_time[s] = -1;
        r.cancel(s);
        free_slots.push_back(s);
      }
    } else {  // pop up to a limit
      std::int64_t limit = floor + pick_delay();
      for (;;) {
        QueueEntry e;
        bool got = r.pop(q, limit, e);
        bool ref_has = !ref.empty() && std::get<0>(*ref.begin()) <= limit;
        REQUIRE(got == ref_has);
        if (!got) break;
        auto [t, k, s] = *ref.begin();
        REQUIRE(e.time_us == t);
        REQUIRE(e.slot == s);
        ref.erase(ref.begin());
        live_time[s] = -1;
        r.cancel(s);
        free_slots.push_back(s);
        floor = t;
        ++pops;
        if (rng.bernoulli(0.3)) break;
      }
    }
    REQUIRE(q.size() >= ref.size());
  }
  CHECK(pops > 10'000);
}

TEST_CASE("the order holds while the population grows past the layout switch and shrinks back") {
  // A hold model whose population rises to 20000 and falls to 100, with ties and cancellations, checked
  // against an ordered set; the queue changes its bucket layout on the way up and on the way down.
  EventQueue q;
  Records r;
  std::set<std::tuple<std::int64_t, std::uint64_t, std::uint32_t>> ref;
  std::vector<std::int64_t> live_time;
  RandomStream rng(11, 0, 0, "event_queue_layout");
  std::uint64_t next_key = 0;
  std::int64_t floor = 0;
  auto push_new = [&](std::uint32_t s) {
    std::int64_t t = floor + (rng.bernoulli(0.1) ? 0 : std::int64_t{rng.uniform_int(1u << 22)});
    std::uint64_t k = (std::uint64_t{rng.uniform_int(4)} << 56) | next_key++;
    if (s >= live_time.size()) live_time.resize(s + 1, -1);
    r.push(q, s, t, k);
    ref.insert({t, k, s});
    live_time[s] = t;
  };
  auto pop_one = [&] {
    QueueEntry e;
    REQUIRE(r.pop(q, NO_LIMIT, e));
    auto [t, k, s] = *ref.begin();
    REQUIRE(e.time_us == t);
    REQUIRE(e.slot == s);
    ref.erase(ref.begin());
    live_time[s] = -1;
    floor = t;
    return s;
  };
  std::uint32_t next_slot = 0;
  for (int phase = 0; phase < 2; ++phase) {
    std::size_t target = phase == 0 ? 20000 : 100;
    while (ref.size() != target) {
      if (ref.size() < target) {
        push_new(next_slot++);
        if (rng.bernoulli(0.05)) {  // cancel a random live entry
          std::uint32_t s = rng.uniform_int(next_slot);
          if (live_time[s] >= 0) {
            ref.erase({live_time[s], r.key[s], s});
            live_time[s] = -1;
            r.cancel(s);
          }
        }
      }
      std::uint32_t s = pop_one();
      if (ref.size() + 1 < target) push_new(s);  // the hold step: the popped event schedules another
      if (ref.size() < target) push_new(next_slot++);
    }
  }
  while (!ref.empty()) pop_one();
  QueueEntry e;
  CHECK_FALSE(r.pop(q, NO_LIMIT, e));
}
