// What the program's commands share: their exit codes, the usage error, option parsing and the interruption flag.
#pragma once

#include <atomic>
#include <stdexcept>
#include <string>

#define CXXOPTS_VECTOR_DELIMITER '\0'  // a --set value may hold commas: repeated options make lists, never commas
#include <cxxopts.hpp>

namespace citytwin::app {

inline constexpr int EXIT_OK = 0;
inline constexpr int EXIT_INTERNAL = 1;
inline constexpr int EXIT_BAD_INPUT = 2;
inline constexpr int EXIT_CONNECTION = 3;  ///< a broker or device that cannot be reached, or that refuses us
inline constexpr int EXIT_INTERRUPTED = 130;

/// A command-line mistake: printed with a hint to --help, exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A live connection that failed (unreachable broker, refused credentials, TLS): exit code 3.
struct ConnectionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Set by SIGINT and SIGTERM; long commands end cleanly when they see it.
std::atomic<bool>& interrupted();
/// Makes SIGINT and SIGTERM set `interrupted()`.
void catch_interruptions();

/// Parses a command's options, turning cxxopts' errors into usage errors.
inline cxxopts::ParseResult parse(cxxopts::Options& o, int argc, char** argv) {
  try {
    return o.parse(argc, argv);
  } catch (const cxxopts::exceptions::exception& e) {
    throw UsageError(e.what());
  }
}

}  // namespace citytwin::app
