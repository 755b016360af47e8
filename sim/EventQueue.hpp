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

namespace detail {

/// The digit of an EventQueue time that holds a given bit: where the digit's buckets start, and how to read
/// the digit from a time.
struct RadixDigit {
  unsigned first_bucket;
  unsigned shift;
  std::uint64_t mask;
};

/// The digits of a 64-bit time: `binary_bits` one-bit digits at the bottom, then digits of `wide_bits` bits
/// (the last one narrower if needed). Each digit takes 2^width consecutive bucket numbers. Indexed by bit.
constexpr std::array<RadixDigit, 64> make_radix_digits(unsigned binary_bits, unsigned wide_bits) {
  std::array<RadixDigit, 64> digits{};
  unsigned first_bucket = 0;
  unsigned bit = 0;
  while (bit < 64) {
    unsigned width = bit < binary_bits ? 1 : (64 - bit < wide_bits ? 64 - bit : wide_bits);
    for (unsigned i = bit; i < bit + width; ++i) digits[i] = {first_bucket, bit, (std::uint64_t{1} << width) - 1};
    first_bucket += 1u << width;
    bit += width;
  }
  return digits;
}

}  // namespace detail

/// Orders pending events by (time, key), where the key packs priority and insertion sequence.
///
/// Times only move forward in a discrete-event run, so the queue is a radix heap (Ahuja, Mehlhorn, Orlin and
/// Tarjan, 1990): an entry lives in the bucket named by the highest digit in which its time differs from the
/// last extracted time, and by its own value of that digit. Small populations use wide digits far from the
/// floor, so that entries move few times; large ones use one-bit digits throughout, whose fewer buckets
/// suit the cache better (see `bucket_of`). Pushing is an append; popping redistributes the lowest non-empty
/// bucket, so each entry moves a few times over its life, through contiguous memory. Entries whose time equals the last
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
    if (wide_ && size_ > WIDE_LAYOUT_LIMIT) [[unlikely]] relayout(false);
    unsigned b = bucket_of(e.time_us);
    buckets_[b].push_back(e);
    mark_occupied(b);
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
      if (occupied_words_ == 0) return false;
      if (!wide_ && size_ < WIDE_LAYOUT_LIMIT / 4) [[unlikely]] relayout(true);

      // The lowest non-empty bucket holds the earliest entries; find its earliest one.
      unsigned b = lowest_occupied();
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
      // lower bucket, so the bucket is read in place and then emptied; it keeps its capacity (see below).
      last_ = v[first].time_us;
      mark_empty(b);
      if (v.size() <= PREFETCH_LIMIT) {
        for (const QueueEntry& e : v) prefetch(e);
      }
      std::uint64_t words = occupied_words_;  // kept in a register while the entries move
      for (const QueueEntry& e : v) {
        if (e.time_us == last_) {
          ties_.push_back({0, e.slot, e.stamp});  // keys are read below, only when there is a tie
        } else {
          unsigned nb = bucket_of(e.time_us);
          buckets_[nb].push_back(e);
          occupied_[nb / 64] |= std::uint64_t{1} << (nb % 64);
          words |= std::uint64_t{1} << (nb / 64);
        }
      }
      occupied_words_ = words;
      v.clear();
      // In the wide layout most buckets are used once in a long while: a large one gives its memory back.
      if (wide_ && v.capacity() > WIDE_BUCKET_KEEP) [[unlikely]] std::vector<QueueEntry>().swap(v);

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
    if (occupied_words_ == 0) return UINT32_MAX;
    const std::vector<QueueEntry>& v = buckets_[lowest_occupied()];
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
    occupied_.fill(0);
    occupied_words_ = 0;
    wide_ = true;
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

  // In the wide layout, times are read as numbers in a mixed radix: each of the low WIDE_LAYOUT_BINARY_BITS
  // bits is a one-bit digit, and the bits above form digits of WIDE_BITS bits. An entry lives at the level
  // of the highest digit in which its time differs from the floor, in the bucket of its own digit there.
  // Within a level every time has the floor's higher digits, so the bucket numbering follows time order;
  // moving the floor to the earliest entry of a bucket leaves the other buckets of its level correct (their
  // digit still differs), and the bucket's own entries drop at least one level. Wide digits make entries far
  // from the floor move few times; one-bit digits near the floor keep the buckets about to be emptied small.
  // In the binary layout every bit is a digit.
  unsigned bucket_of(std::int64_t t) const {
    auto ut = static_cast<std::uint64_t>(t);
    auto diff = ut ^ static_cast<std::uint64_t>(last_);
    auto bit = 63u - static_cast<unsigned>(std::countl_zero(diff));  // t != last_
    if (!wide_) return bit;  // the binary layout: bucket i holds the times whose highest new bit is i
    const detail::RadixDigit& d = WIDE_DIGITS[bit];
    return d.first_bucket + static_cast<unsigned>((ut >> d.shift) & d.mask);
  }
  // Switches to the wide layout or back to the binary one, moving every bucketed entry to its new bucket.
  void relayout(bool wide) {
    std::vector<QueueEntry> all;
    all.reserve(size_);
    for (std::vector<QueueEntry>& v : buckets_) {
      all.insert(all.end(), v.begin(), v.end());
      v.clear();
    }
    occupied_.fill(0);
    occupied_words_ = 0;
    wide_ = wide;
    for (const QueueEntry& e : all) {
      unsigned b = bucket_of(e.time_us);
      buckets_[b].push_back(e);
      mark_occupied(b);
    }
  }

  void mark_occupied(unsigned b) {
    occupied_[b / 64] |= std::uint64_t{1} << (b % 64);
    occupied_words_ |= std::uint64_t{1} << (b / 64);
  }
  void mark_empty(unsigned b) {
    occupied_[b / 64] &= ~(std::uint64_t{1} << (b % 64));
    if (occupied_[b / 64] == 0) occupied_words_ &= ~(std::uint64_t{1} << (b / 64));
  }
  // The lowest non-empty bucket; requires one.
  unsigned lowest_occupied() const {
    auto w = static_cast<unsigned>(std::countr_zero(occupied_words_));
    return w * 64 + static_cast<unsigned>(std::countr_zero(occupied_[w]));
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
    if (kept == 0) mark_empty(b);
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

  // Up to WIDE_LAYOUT_LIMIT entries, the low WIDE_LAYOUT_BINARY_BITS bits are one-bit digits and the bits
  // above are WIDE_BITS-bit digits: few moves per entry. Above, every bit is a digit, as in the classic radix
  // heap: fewer, larger buckets, kinder to the cache when the entries no longer fit in it. The queue
  // switches back below WIDE_LAYOUT_LIMIT / 4 entries, so a switch is paid for by many operations.
  static constexpr std::size_t WIDE_LAYOUT_LIMIT = 8192;
  static constexpr unsigned WIDE_LAYOUT_BINARY_BITS = 8;
  static constexpr unsigned WIDE_BITS = 8;
  static constexpr std::size_t WIDE_BUCKET_KEEP = 256;  // entries of capacity an emptied bucket may keep
  static constexpr std::array<detail::RadixDigit, 64> WIDE_DIGITS =
      detail::make_radix_digits(WIDE_LAYOUT_BINARY_BITS, WIDE_BITS);

  static constexpr unsigned BUCKETS =
      WIDE_DIGITS[63].first_bucket + static_cast<unsigned>(WIDE_DIGITS[63].mask) + 1;
  static_assert(BUCKETS >= 64 && BUCKETS <= 64 * 64);
  static constexpr unsigned OCCUPIED_WORDS = (BUCKETS + 63) / 64;

  std::array<std::vector<QueueEntry>, BUCKETS> buckets_{};
  std::vector<Tie> ties_;
  bool wide_ = true;  // the wide layout (WIDE_DIGITS) is in use, not the binary one
  std::array<std::uint64_t, OCCUPIED_WORDS> occupied_{};  // bit b set when bucket b is non-empty
  std::uint64_t occupied_words_ = 0;                       // bit w set when occupied_[w] is not zero
  std::size_t size_ = 0;
  std::int64_t last_ = 0;
};

}  // namespace citytwin::sim
