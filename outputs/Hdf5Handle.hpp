// Ownership of HDF5 identifiers (files, groups, datasets, types...), so that none is ever left open.
#pragma once

// The library target puts HDF5's directory on the include path; other targets find Debian's serial build.
#if __has_include(<hdf5.h>)
#include <hdf5.h>
#include <hdf5_hl.h>
#else
#include <hdf5/serial/hdf5.h>
#include <hdf5/serial/hdf5_hl.h>
#endif

#include <utility>

namespace citytwin::outputs {

/// Owns one HDF5 identifier and releases it with the matching close function (H5Fclose, H5Gclose,
/// H5Dclose, H5Aclose, H5Sclose, H5Tclose, H5Pclose) when destroyed. Move-only, like std::unique_ptr.
class Hdf5Handle {
 public:
  /// The function that releases the identifier.
  using Closer = herr_t (*)(hid_t);

  /// An empty handle that owns nothing.
  Hdf5Handle() = default;
  /// Takes ownership of `id`, which `closer` releases. A negative `id` (a failed call) gives an empty handle.
  Hdf5Handle(hid_t id, Closer closer) : id_(id), close_(closer) {}
  ~Hdf5Handle() { static_cast<void>(close()); }

  Hdf5Handle(const Hdf5Handle&) = delete;
  Hdf5Handle& operator=(const Hdf5Handle&) = delete;
  Hdf5Handle(Hdf5Handle&& o) noexcept
      : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(std::exchange(o.close_, nullptr)) {}
  Hdf5Handle& operator=(Hdf5Handle&& o) noexcept {
    if (this != &o) {
      static_cast<void>(close());
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      close_ = std::exchange(o.close_, nullptr);
    }
    return *this;
  }

  /// The identifier, for passing to HDF5 calls; the handle keeps ownership.
  hid_t get() const { return id_; }
  /// True when the handle owns a valid identifier.
  explicit operator bool() const { return id_ >= 0; }

  /// Releases the identifier now and returns the close function's status (negative on failure, 0 when
  /// there was nothing to release). Closing a file flushes it, so its status is worth checking.
  herr_t close() {
    herr_t status = 0;
    if (id_ >= 0 && close_ != nullptr) status = close_(id_);
    id_ = H5I_INVALID_HID;
    close_ = nullptr;
    return status;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer close_ = nullptr;
};

}  // namespace citytwin::outputs
