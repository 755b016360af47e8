// Invariant checks that stay on in release builds.
#pragma once

#include <cstdio>
#include <cstdlib>

/// Aborts with the file, line and message when `cond` is false. For broken invariants (bugs), never for
/// bad input: bad input gets an exception with a message for the user.
#define CITYTWIN_CHECK(cond, msg)                                                             \
  do {                                                                                        \
    if (!(cond)) [[unlikely]] {                                                               \
      std::fprintf(stderr, "%s:%d: internal error: %s (%s)\n", __FILE__, __LINE__, msg, #cond); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)
