// A bounded queue between a transport's thread and the detection core's: a full queue makes the
// transport wait (its broker holds the rest), never drops.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

namespace citytwin::drivers {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity ? capacity : 1) {}

  /// Adds an item, waiting while the queue is full; false once the queue is closed.
  bool push(T item) {
    std::unique_lock lock(mutex_);
    if (items_.size() >= capacity_) ++waits_;
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    if (items_.size() > high_water_) high_water_ = items_.size();
    // The one consumer waits only on an empty queue: waking it once per batch saves a switch per item.
    if (items_.size() == 1) not_empty_.notify_one();
    return true;
  }

  enum class Pop { ITEM, TIMEOUT, CLOSED };
  /// Takes the oldest item, waiting until `until` at most; CLOSED once closed and empty.
  Pop pop(T& out, std::chrono::steady_clock::time_point until) {
    std::unique_lock lock(mutex_);
    if (!not_empty_.wait_until(lock, until, [&] { return closed_ || !items_.empty(); })) return Pop::TIMEOUT;
    if (items_.empty()) return Pop::CLOSED;
    out = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return Pop::ITEM;
  }

  /// Takes every item queued (appending them to `out`, oldest first), waiting until `until` at most for
  /// one; CLOSED once closed and empty. One consumer only.
  Pop pop_all(std::deque<T>& out, std::chrono::steady_clock::time_point until) {
    std::unique_lock lock(mutex_);
    if (!not_empty_.wait_until(lock, until, [&] { return closed_ || !items_.empty(); })) return Pop::TIMEOUT;
    if (items_.empty()) return Pop::CLOSED;
    const bool was_full = items_.size() >= capacity_;
    if (out.empty())
      out.swap(items_);
    else
      while (!items_.empty()) {
        out.push_back(std::move(items_.front()));
        items_.pop_front();
      }
    if (was_full) not_full_.notify_all();
    return Pop::ITEM;
  }

  /// No more items: waiting producers give up, consumers drain what is left.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  /// The most items ever held at once, and how often a producer had to wait for room.
  std::size_t high_water() const {
    std::lock_guard lock(mutex_);
    return high_water_;
  }
  std::uint64_t waits() const {
    std::lock_guard lock(mutex_);
    return waits_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
  std::size_t capacity_;
  std::size_t high_water_ = 0;
  std::uint64_t waits_ = 0;
  bool closed_ = false;
};

}  // namespace citytwin::drivers
