// A move-only callable with small-buffer storage: what an event does when it fires.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace citytwin::sim {

/// A move-only `void()` callable stored inline when it fits in 24 bytes (a lambda capturing up to
/// three pointers), on the heap otherwise. Unlike std::function it never copies and its size is 32 bytes.
/// A callable that is stored inline and trivially copyable (a lambda capturing pointers or numbers) moves by
/// a plain copy of the buffer and needs no destructor call.
class EventFn {
 public:
  static constexpr std::size_t INLINE_BYTES = 24;

  EventFn() = default;

  /// True for the callables an EventFn can hold: invocable as `void()`, and not an EventFn.
  template <class F, class D = std::decay_t<F>>
  static constexpr bool ACCEPTS = !std::is_same_v<D, EventFn> && std::is_invocable_r_v<void, D&>;

  template <class F, class = std::enable_if_t<ACCEPTS<F>>>
  EventFn(F&& f) {  // NOLINT(google-explicit-constructor): lambdas convert implicitly, as to std::function
    construct(std::forward<F>(f));
  }

  EventFn(EventFn&& o) noexcept : ops_(o.ops_) { take(o); }
  EventFn& operator=(EventFn&& o) noexcept {
    if (this != &o) {
      reset();
      ops_ = o.ops_;
      take(o);
    }
    return *this;
  }
  EventFn(const EventFn&) = delete;
  EventFn& operator=(const EventFn&) = delete;
  ~EventFn() { reset(); }

  /// Calls the stored callable; it must not be empty.
  void operator()() { ops_->call(buf_); }
  explicit operator bool() const { return ops_ != nullptr; }
  /// Replaces the stored callable with `f`, constructed in place.
  template <class F, class = std::enable_if_t<ACCEPTS<F>>>
  void emplace(F&& f) {
    reset();
    construct(std::forward<F>(f));
  }
  /// Destroys the stored callable, leaving this empty.
  void reset() {
    if (ops_ && ops_->destroy) ops_->destroy(buf_);
    ops_ = nullptr;
  }
  /// True when the callable lives on the heap (it did not fit in INLINE_BYTES or may throw when moved).
  bool on_heap() const { return ops_ && ops_->heap; }

 private:
  struct Ops {
    void (*call)(void*);
    void (*move)(void* dst, void* src);  // move-constructs into dst and destroys src; null: copy the bytes
    void (*destroy)(void*);              // null: nothing to destroy
    bool heap;
  };

  template <class F>
  void construct(F&& f) {
    using D = std::decay_t<F>;
    if constexpr (fits_inline<D>()) {
      ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
      ops_ = &inline_ops<D>;
    } else {
      *reinterpret_cast<D**>(buf_) = new D(std::forward<F>(f));
      ops_ = &heap_ops<D>;
    }
  }

  // Moves o's callable into this (ops_ already copied from o), leaving o empty.
  void take(EventFn& o) noexcept {
    if (ops_) {
      if (ops_->move) {
        ops_->move(buf_, o.buf_);
      } else {
        std::memcpy(buf_, o.buf_, INLINE_BYTES);
      }
    }
    o.ops_ = nullptr;
  }

  template <class D>
  static constexpr bool fits_inline() {
    return sizeof(D) <= INLINE_BYTES && alignof(D) <= alignof(std::max_align_t) &&
           std::is_nothrow_move_constructible_v<D>;
  }
  template <class D>
  static constexpr bool trivially_relocatable() {
    return std::is_trivially_copyable_v<D> && std::is_trivially_destructible_v<D>;
  }

  template <class D>
  static constexpr Ops inline_ops = {
      [](void* p) { (*std::launder(static_cast<D*>(p)))(); },
      trivially_relocatable<D>() ? nullptr
                                 : +[](void* dst, void* src) {
                                     D* s = std::launder(static_cast<D*>(src));
                                     ::new (dst) D(std::move(*s));
                                     s->~D();
                                   },
      trivially_relocatable<D>() ? nullptr : +[](void* p) { std::launder(static_cast<D*>(p))->~D(); },
      false,
  };
  template <class D>
  static constexpr Ops heap_ops = {
      [](void* p) { (**static_cast<D**>(p))(); },
      nullptr,  // moving the pointer is copying the bytes
      [](void* p) { delete *static_cast<D**>(p); },
      true,
  };

  alignas(std::max_align_t) unsigned char buf_[INLINE_BYTES] = {};  // zeroed: moves may copy all of it
  const Ops* ops_ = nullptr;
};

}  // namespace citytwin::sim
