// What the program's commands share: their exit codes, the usage error, option parsing and the interruption flag.
#pragma once

#include <atomic>
#include <stdexcept>
#include <string>

#define CXXOPTS_VECTOR_DELIMITER '\0'  // a --set value may hold commas: repeated options make lists, never commas
#include <cxxopts.hpp>

#include "sim/Scenario.hpp"

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

/// The variant a placement command works on: the one `--option` names (by option or label), or else the first whose
/// `section.count` is above zero (`what` names those sites in the message). Throws UsageError listing the options.
inline const sim::Variant& variant_to_place(const sim::Scenario& scenario, const cxxopts::ParseResult& args,
                                            const std::string& section, const std::string& what) {
  const bool asked = args.count("option") > 0;
  for (const auto& v : scenario.variants()) {
    const bool named = asked && (v.option == args["option"].as<std::string>() || v.label == args["option"].as<std::string>());
    const bool has = !asked && v.params.contains(section) && v.params[section].value("count", 0) > 0;
    if (named || has) return v;
  }
  std::string known;
  for (const auto& v : scenario.variants()) known += (known.empty() ? "" : ", ") + ("'" + v.label + "'");
  throw UsageError(asked ? "no option '" + args["option"].as<std::string>() + "'; options: " + known
                         : "no option has " + what + " (" + section + ".count); name one with --option and give --count");
}

}  // namespace citytwin::app
