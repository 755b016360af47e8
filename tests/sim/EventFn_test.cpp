// Tests of EventFn: inline and heap storage, moves, and that every stored callable is destroyed once.
#include "sim/EventFn.hpp"

#include <doctest/doctest.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

using citytwin::sim::EventFn;

namespace {

/// Counts live instances, constructions and calls; its move constructor may throw when `MayThrow`.
struct Census {
  int live = 0;
  int constructed = 0;
  int calls = 0;
};

template <bool MAY_THROW, std::size_t PAD>
struct Counted {
  Census* census;
  std::array<char, PAD> pad{};
  explicit Counted(Census* c) : census(c) { ++census->live, ++census->constructed; }
  Counted(const Counted& o) : census(o.census), pad(o.pad) { ++census->live, ++census->constructed; }
  Counted(Counted&& o) noexcept(!MAY_THROW) : census(o.census), pad(o.pad) {
    ++census->live, ++census->constructed;
  }
  Counted& operator=(const Counted&) = delete;
  ~Counted() { --census->live; }
  void operator()() { ++census->calls; }
};

using SmallCounted = Counted<false, 8>;     // 16 bytes: inline
using LargeCounted = Counted<false, 64>;    // 72 bytes: heap
using ThrowingCounted = Counted<true, 8>;   // small but its move may throw: heap

}  // namespace

TEST_CASE("an event function is 32 bytes") { CHECK(sizeof(EventFn) == 32); }

TEST_CASE("an empty event function is false and resetting it is harmless") {
  EventFn f;
  CHECK_FALSE(f);
  CHECK_FALSE(f.on_heap());
  f.reset();
  CHECK_FALSE(f);
}

TEST_CASE("a lambda capturing up to three pointers is stored inline") {
  int a = 0, b = 0, c = 0;
  EventFn f = [pa = &a, pb = &b, pc = &c] { ++*pa, ++*pb, ++*pc; };
  CHECK(f);
  CHECK_FALSE(f.on_heap());
  f();
  f();
  CHECK(a == 2);
  CHECK(b == 2);
  CHECK(c == 2);
}

TEST_CASE("a callable larger than the buffer or with a throwing move lives on the heap") {
  Census large_census, throwing_census;
  {
    EventFn large = LargeCounted(&large_census);
    EventFn throwing = ThrowingCounted(&throwing_census);
    CHECK(large.on_heap());
    CHECK(throwing.on_heap());
    large();
    throwing();
    CHECK(large_census.calls == 1);
    CHECK(throwing_census.calls == 1);
    CHECK(large_census.live == 1);
    CHECK(throwing_census.live == 1);
  }
  CHECK(large_census.live == 0);
  CHECK(throwing_census.live == 0);
}

TEST_CASE("moving an event function moves the callable and leaves the source empty") {
  Census census;
  EventFn a = SmallCounted(&census);
  CHECK_FALSE(a.on_heap());
  EventFn b = std::move(a);
  CHECK_FALSE(a);  // NOLINT(bugprone-use-after-move): a moved-from EventFn is empty by contract
  CHECK(b);
  b();
  CHECK(census.calls == 1);
  CHECK(census.live == 1);

  EventFn c;
  c = std::move(b);
  CHECK_FALSE(b);  // NOLINT(bugprone-use-after-move)
  c();
  CHECK(census.calls == 2);
  CHECK(census.live == 1);
}

TEST_CASE("heap-stored callables move without being copied") {
  Census census;
  EventFn a = LargeCounted(&census);
  int constructed = census.constructed;
  EventFn b = std::move(a);
  EventFn c;
  c = std::move(b);
  CHECK(census.constructed == constructed);  // only the pointer moved
  CHECK(census.live == 1);
  c();
  CHECK(census.calls == 1);
}

TEST_CASE("move-assigning over a full event function destroys the old callable") {
  Census old_census, new_census;
  EventFn a = SmallCounted(&old_census);
  EventFn h = LargeCounted(&old_census);
  CHECK(old_census.live == 2);
  a = EventFn(SmallCounted(&new_census));
  CHECK(old_census.live == 1);
  h = EventFn(LargeCounted(&new_census));
  CHECK(old_census.live == 0);
  CHECK(new_census.live == 2);
  a.reset();
  h.reset();
  CHECK(new_census.live == 0);
}

TEST_CASE("self move-assignment keeps the callable") {
  Census census;
  EventFn a = SmallCounted(&census);
  EventFn& alias = a;
  a = std::move(alias);
  CHECK(a);
  a();
  CHECK(census.calls == 1);
  CHECK(census.live == 1);
}

TEST_CASE("captured shared state is released exactly once, inline or on the heap, after many moves") {
  auto token = std::make_shared<int>(0);
  {
    std::vector<EventFn> fns;
    fns.emplace_back([token] { ++*token; });                                   // inline, non-trivial
    fns.emplace_back([token, big = std::array<double, 8>{}] { *token += 10; });  // heap
    CHECK_FALSE(fns[0].on_heap());
    CHECK(fns[1].on_heap());
    CHECK(token.use_count() == 3);
    for (int i = 0; i < 100; ++i) fns.emplace_back(EventFn([] {}));  // forces reallocation: moves
    CHECK(token.use_count() == 3);
    fns[0]();
    fns[1]();
    CHECK(*token == 11);
  }
  CHECK(token.use_count() == 1);
}

TEST_CASE("an exception from the callable passes through the call") {
  EventFn f = [] { throw std::runtime_error("boom"); };
  CHECK_THROWS_AS(f(), std::runtime_error);
  CHECK(f);
}

TEST_CASE("emplacing replaces the callable, destroying the old one") {
  Census old_census, new_census;
  EventFn f = SmallCounted(&old_census);
  SmallCounted replacement(&new_census);
  f.emplace(replacement);  // copied in place
  CHECK(old_census.live == 0);
  CHECK(new_census.live == 2);
  f();
  CHECK(new_census.calls == 1);
  f.emplace(LargeCounted(&old_census));
  CHECK(f.on_heap());
  CHECK(new_census.live == 1);
  CHECK(old_census.live == 1);
}
