// The pending-event set: a monotone radix heap over integer times with a tie heap for equal times.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <vector>

#include "sim/Check.hpp"

namespace citytwin::sim {

/// One pending event as the queue sees it: 16 bytes.
struct QueueEntry {
  std::int64_t time_us;  ///< when the event fires
  std::uint32_t slot;    ///< index of the event's record in the simulation's slot table
  std::uint32_t stamp;   ///< the record's stamp when this entry was pushed; a mismatch means "stale"
};

/// Orders pending events by (time, key), where the key packs priority and insertion sequence.
///
/// Times only move forward in a discrete-event run, so the queue is a radix heap (Ahuja, Mehlhorn, Orlin and
/// Tarjan, 1990): an entry lives in the bucket named by the highest bit in which its time differs from the
/// last extracted time. Pushing is an append; popping redistributes the lowest non-empty bucket, so each
/// entry moves a few times over its life, through contiguous memory. Entries whose time equals the last
/// extracted time wait in a small binary heap ordered by key, which gives the total order
/// (time, priority, insertion sequence).
///
/// Cancellation is lazy: the caller tells stale entries apart (see `QueueEntry::stamp`) and `KeyOf`
/// returns the key of a live entry. Keys are copied into the tie heap when an entry enters it, so a slot
/// reused later never reorders it.
class EventQueue {
 public:
  /// A `prefetch` argument of pop_until that does nothing.
  struct IgnoreEntry {
    void operator()(const QueueEntry&) const {}
  };

  EventQueue() = default;

  /// The time of the last extracted event: no entry may be pushed earlier than this.
  std::int64_t floor_us() const { return last_; }
  /// Number of entries held, stale ones included.
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  /// Adds an entry; `key` orders it among entries of equal time. Requires time_us >= floor_us().
  void push(const QueueEntry& e, std::uint64_t key) {
    CITYTWIN_CHECK(e.time_us >= last_, "EventQueue::push() before the queue's floor");
    ++size_;
    if (e.time_us == last_) {
      push_tie({key, e.slot, e.stamp});
      return;
    }
    unsigned b = bucket_of(e.time_us);
    buckets_[b].push_back(e);
    occupied_ |= (std::uint64_t{1} << (b - 1));
  }

  /// Removes and returns the first entry whose time is at most `limit_us`, skipping entries for which
  /// `is_live(entry)` is false; returns false when there is none. `key_of(entry)` gives the key of a live
  /// entry. The queue's floor only advances to the time of an entry that is returned, so a caller may stop
  /// at `limit_us` and later push entries at any time from the last returned entry's time on.
  ///
  /// Liveness is checked lazily: only the earliest entry of a bucket is checked before the floor advances
  /// to its time; other stale entries move down with the live ones and are dropped when they come first.
  ///
  /// `prefetch(entry)`, if given, is called for the entries of a small bucket as it is redistributed: they
  /// are the next few to be returned, and the caller may start fetching their records.
  template <class IsLive, class KeyOf, class Prefetch = IgnoreEntry>
  bool pop_until(std::int64_t limit_us, QueueEntry& out, IsLive&& is_live, KeyOf&& key_of,
                 Prefetch&& prefetch = Prefetch{}) {
    if (last_ > limit_us) return false;  // every entry is at the floor or later
    for (;;) {
      // Entries at the current floor come first, in key order.
      while (!ties_.empty()) {
        Tie t = pop_tie();
        --size_;
        QueueEntry e{last_, t.slot, t.stamp};
        if (is_live(e)) {
          out = e;
          return true;
        }
      }
      if (occupied_ == 0) return false;

      // The lowest non-empty bucket holds the earliest entries; find its earliest one.
      unsigned b = static_cast<unsigned>(std::countr_zero(occupied_)) + 1;
      std::vector<QueueEntry>& v = buckets_[b];
      std::size_t first = 0;
      for (std::size_t i = 1; i < v.size(); ++i) {
        if (v[i].time_us < v[first].time_us) first = i;
      }
      if (!is_live(v[first])) {
        drop_stale(b, is_live);
        continue;
      }
      if (v[first].time_us > limit_us) return false;

      // Advance the floor to it and redistribute the bucket below the new floor. Every entry lands in a
      // lower bucket, so the bucket is read in place and then emptied; each bucket keeps its capacity.
      last_ = v[first].time_us;
      occupied_ &= ~(std::uint64_t{1} << (b - 1));
      if (v.size() <= PREFETCH_LIMIT) {
        for (const QueueEntry& e : v) prefetch(e);
      }
      for (const QueueEntry& e : v) {
        if (e.time_us == last_) {
          ties_.push_back({0, e.slot, e.stamp});  // keys are read below, only when there is a tie
        } else {
          unsigned nb = bucket_of(e.time_us);
          buckets_[nb].push_back(e);
          occupied_ |= (std::uint64_t{1} << (nb - 1));
        }
      }
      v.clear();

      // Usually one entry is at the new floor, and it is the live one found above: return it.
      if (ties_.size() == 1) {
        out = {last_, ties_.front().slot, ties_.front().stamp};
        ties_.clear();
        --size_;
        return true;
      }
      heapify_ties(key_of);
    }
  }

  /// The slot of the entry that will probably be returned next (the first tie, or the earliest entry of the
  /// lowest bucket when that bucket is small), or UINT32_MAX; lets the caller prefetch its record.
  std::uint32_t next_slot_hint() const {
    if (!ties_.empty()) return ties_.front().slot;
    if (occupied_ == 0) return UINT32_MAX;
    const std::vector<QueueEntry>& v = buckets_[static_cast<unsigned>(std::countr_zero(occupied_)) + 1];
    if (v.size() > HINT_SCAN_LIMIT) return UINT32_MAX;
    std::size_t first = 0;
    for (std::size_t i = 1; i < v.size(); ++i) {
      if (v[i].time_us < v[first].time_us) first = i;
    }
    return v[first].slot;
  }

  /// Bytes of memory reserved by the queue's containers.
  std::size_t capacity_bytes() const {
    std::size_t bytes = ties_.capacity() * sizeof(Tie);
    for (const auto& v : buckets_) bytes += v.capacity() * sizeof(QueueEntry);
    return bytes;
  }

  /// Forgets every entry and moves the floor back to `floor_us`.
  void clear(std::int64_t floor_us = 0) {
    for (auto& v : buckets_) v.clear();
    ties_.clear();
    occupied_ = 0;
    size_ = 0;
    last_ = floor_us;
  }

 private:
  static constexpr std::size_t HINT_SCAN_LIMIT = 16;
  static constexpr std::size_t PREFETCH_LIMIT = 16;

  struct Tie {
    std::uint64_t key;
    std::uint32_t slot;
    std::uint32_t stamp;
  };

  unsigned bucket_of(std::int64_t t) const {
    auto diff = static_cast<std::uint64_t>(t) ^ static_cast<std::uint64_t>(last_);
    return 64u - static_cast<unsigned>(std::countl_zero(diff));  // 1..64 for t != last_
  }

  // Removes the stale entries of bucket `b`, keeping the order of the others.
  template <class IsLive>
  void drop_stale(unsigned b, IsLive& is_live) {
    std::vector<QueueEntry>& v = buckets_[b];
    std::size_t kept = 0;
    for (const QueueEntry& e : v) {
      if (is_live(e)) v[kept++] = e;
    }
    size_ -= v.size() - kept;
    v.resize(kept);
    if (kept == 0) occupied_ &= ~(std::uint64_t{1} << (b - 1));
  }

  // Reads the keys of the entries just moved into the tie heap and orders it.
  template <class KeyOf>
  void heapify_ties(KeyOf& key_of) {
    for (Tie& t : ties_) t.key = key_of(QueueEntry{last_, t.slot, t.stamp});
    for (std::size_t i = ties_.size() / 2; i-- > 0;) sift_down(i, ties_[i]);
  }

  // A binary min-heap on key; small in practice (events at one instant).
  void push_tie(Tie t) {
    ties_.push_back(t);
    std::size_t i = ties_.size() - 1;
    while (i > 0) {
      std::size_t p = (i - 1) / 2;
      if (ties_[p].key <= t.key) break;
      ties_[i] = ties_[p];
      i = p;
    }
    ties_[i] = t;
  }
  Tie pop_tie() {
    Tie top = ties_.front();
    Tie last = ties_.back();
    ties_.pop_back();
    if (!ties_.empty()) sift_down(0, last);
    return top;
  }
  // Places `t` at position i or below, moving smaller children up.
  void sift_down(std::size_t i, Tie t) {
    std::size_t n = ties_.size();
    for (;;) {
      std::size_t c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && ties_[c + 1].key < ties_[c].key) ++c;
      if (t.key <= ties_[c].key) break;
      ties_[i] = ties_[c];
      i = c;
    }
    ties_[i] = t;
  }

  std::array<std::vector<QueueEntry>, 65> buckets_{};  // index 1..64 used
  std::vector<Tie> ties_;
  std::uint64_t occupied_ = 0;  // bit b-1 set when bucket b is non-empty
  std::size_t size_ = 0;
  std::int64_t last_ = 0;
};

}  // namespace citytwin::sim
