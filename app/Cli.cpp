// The interruption flag the commands share.
#include "app/Cli.hpp"

#include <csignal>

namespace citytwin::app {

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void on_signal(int) { g_interrupted.store(true); }
}  // namespace

std::atomic<bool>& interrupted() { return g_interrupted; }

void catch_interruptions() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

}  // namespace citytwin::app
