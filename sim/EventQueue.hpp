// The pending-event set: a monotone radix heap over integer times with a tie heap for equal times.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <vector>

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
  EventQueue() = default;

  /// The time of the last extracted event: no entry may be pushed earlier than this.
  std::int64_t floor_us() const { return last_; }
  /// Number of entries held, stale ones included.
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  /// Adds an entry; `key` orders it among entries of equal time. Requires time_us >= floor_us().
  void push(const QueueEntry& e, std::uint64_t key) {
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
  /// entry. The queue's floor only advances when an entry is returned, so a caller may stop at `limit_us`
  /// and later push entries at any time from `limit_us` on.
  template <class IsLive, class KeyOf>
  bool pop_until(std::int64_t limit_us, QueueEntry& out, IsLive&& is_live, KeyOf&& key_of) {
    for (;;) {
      // Entries at the current floor come first, in key order.
      while (!ties_.empty()) {
        Tie t = pop_tie();
        --size_;
        QueueEntry e{last_, t.slot, t.stamp};
        if (is_live(e)) {
          if (last_ > limit_us) {  // only possible when the floor was set by a caller-visible time
            push_tie(t);
            ++size_;
            return false;
          }
          out = e;
          return true;
        }
      }
      if (occupied_ == 0) return false;

      // Find the lowest non-empty bucket and its earliest live entry, dropping stale entries.
      unsigned b = static_cast<unsigned>(std::countr_zero(occupied_)) + 1;
      std::vector<QueueEntry>& v = buckets_[b];
      std::int64_t min_t = INT64_MAX;
      std::size_t kept = 0;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!is_live(v[i])) {
          --size_;
          continue;
        }
        if (v[i].time_us < min_t) min_t = v[i].time_us;
        v[kept++] = v[i];
      }
      v.resize(kept);
      if (kept == 0) {
        occupied_ &= ~(std::uint64_t{1} << (b - 1));
        continue;
      }
      if (min_t > limit_us) return false;

      // Advance the floor and redistribute the bucket below it.
      last_ = min_t;
      occupied_ &= ~(std::uint64_t{1} << (b - 1));
      scratch_.swap(v);
      for (const QueueEntry& e : scratch_) {
        if (e.time_us == last_) {
          push_tie({key_of(e), e.slot, e.stamp});
        } else {
          unsigned nb = bucket_of(e.time_us);
          buckets_[nb].push_back(e);
          occupied_ |= (std::uint64_t{1} << (nb - 1));
        }
      }
      scratch_.clear();
    }
  }

  /// Bytes of memory reserved by the queue's containers.
  std::size_t capacity_bytes() const {
    std::size_t bytes = ties_.capacity() * sizeof(Tie) + scratch_.capacity() * sizeof(QueueEntry);
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
  struct Tie {
    std::uint64_t key;
    std::uint32_t slot;
    std::uint32_t stamp;
  };

  unsigned bucket_of(std::int64_t t) const {
    auto diff = static_cast<std::uint64_t>(t) ^ static_cast<std::uint64_t>(last_);
    return 64u - static_cast<unsigned>(std::countl_zero(diff));  // 1..64 for t != last_
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
    std::size_t n = ties_.size();
    if (n > 0) {
      std::size_t i = 0;
      for (;;) {
        std::size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && ties_[c + 1].key < ties_[c].key) ++c;
        if (last.key <= ties_[c].key) break;
        ties_[i] = ties_[c];
        i = c;
      }
      ties_[i] = last;
    }
    return top;
  }

  std::array<std::vector<QueueEntry>, 65> buckets_{};  // index 1..64 used
  std::vector<QueueEntry> scratch_;
  std::vector<Tie> ties_;
  std::uint64_t occupied_ = 0;  // bit b-1 set when bucket b is non-empty
  std::size_t size_ = 0;
  std::int64_t last_ = 0;
};

}  // namespace citytwin::sim
