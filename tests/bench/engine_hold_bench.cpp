// The hold-model benchmark: our event kernel against a bare binary heap, ns-3 and SimPy, at several populations.
//
// The hold model keeps a fixed population N of pending events; each event, when it runs, schedules one more
// after an exponential increment (mean 1 s). Every C++ peer draws its increments from one precomputed
// table (in whole microseconds), so random-number cost is equal and small, and every peer must end at the
// same clock: the run doubles as a cross-check of the event order.
//
// This file is compiled twice. ns-3 3.37's headers do not compile as C++20 (they declare constructors as
// `Singleton<T>()`), so the ns-3 peer is built from this file as C++17 with CITYTWIN_HOLD_NS3_PEER defined,
// and talks to the program only through the plain declarations below.
#include <time.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace citytwin_bench {

/// What one peer measured at one population.
struct Measurement {
  double events_per_s = 0;
  std::int64_t final_clock_us = 0;  // the clock after the last measured event
};

/// Runs the hold model on ns-3's simulator core: fills `n` events, runs `warm_events`, then times
/// `measured_events`. Increments (microseconds) are read cyclically from `increments_us[0..table_size)`,
/// starting at the first.
Measurement run_ns3_hold(std::size_t n, std::uint64_t warm_events, std::uint64_t measured_events,
                         const std::int64_t* increments_us, std::size_t table_size);
/// The name of ns-3's scheduler type in use.
std::string ns3_scheduler_name();

/// CPU time consumed by the calling thread, in seconds. Rates are measured against it rather than the wall
/// clock, so that other processes sharing the machine's cores do not count against a peer.
inline double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace citytwin_bench

#ifdef CITYTWIN_HOLD_NS3_PEER

#include <ns3/core-module.h>

namespace citytwin_bench {
namespace {

struct Ns3Hold {
  const std::int64_t* increments_us;
  std::size_t mask;
  std::size_t next;
  std::uint64_t remaining;

  ns3::Time next_increment() {
    std::int64_t v = increments_us[next];
    next = (next + 1) & mask;
    return ns3::MicroSeconds(static_cast<std::uint64_t>(v));
  }
};
Ns3Hold* g_hold = nullptr;

void ns3_hold_step() {
  ns3::Simulator::Schedule(g_hold->next_increment(), &ns3_hold_step);
  if (--g_hold->remaining == 0) ns3::Simulator::Stop();
}

}  // namespace

Measurement run_ns3_hold(std::size_t n, std::uint64_t warm_events, std::uint64_t measured_events,
                         const std::int64_t* increments_us, std::size_t table_size) {
  Ns3Hold hold{increments_us, table_size - 1, 0, 0};
  g_hold = &hold;
  for (std::size_t i = 0; i < n; ++i) ns3::Simulator::Schedule(hold.next_increment(), &ns3_hold_step);
  hold.remaining = warm_events;
  ns3::Simulator::Run();
  hold.remaining = measured_events;
  double start = thread_cpu_seconds();
  ns3::Simulator::Run();
  double elapsed = thread_cpu_seconds() - start;
  Measurement m{static_cast<double>(measured_events) / elapsed, ns3::Simulator::Now().GetMicroSeconds()};
  ns3::Simulator::Destroy();
  g_hold = nullptr;
  return m;
}

std::string ns3_scheduler_name() {
  ns3::TypeIdValue scheduler;
  ns3::GlobalValue::GetValueByName("SchedulerType", scheduler);
  return scheduler.Get().GetName();
}

}  // namespace citytwin_bench

#else  // the program

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <queue>
#include <sstream>
#include <vector>

#include "sim/RandomStream.hpp"
#include "sim/Simulation.hpp"

namespace {

using citytwin::sim::RandomStream;
using citytwin::sim::Simulation;
using citytwin::sim::Time;
using citytwin_bench::Measurement;

/// 2^20 exponential increments with a mean of one second, in microseconds, read cyclically.
class IncrementTable {
 public:
  static constexpr std::size_t SIZE = std::size_t{1} << 20;

  IncrementTable() : us_(SIZE) {
    RandomStream rng(20240601u, 0, 0, "hold_increment");
    for (auto& v : us_) v = Time::seconds(rng.exponential(1.0)).count_us();
  }
  /// Starts the cycle over, so that each peer sees the same sequence.
  void rewind() { next_ = 0; }
  const std::int64_t* data() const { return us_.data(); }
  std::int64_t next() {
    std::int64_t v = us_[next_];
    next_ = (next_ + 1) & (SIZE - 1);
    return v;
  }

 private:
  std::vector<std::int64_t> us_;
  std::size_t next_ = 0;
};

/// How many events to run at one population.
struct Counts {
  std::uint64_t warm_events;      // run after filling, before timing
  std::uint64_t measured_events;  // timed
  std::uint64_t simpy_events;     // timed, for SimPy (much slower)
};

Counts counts_for(std::size_t n, bool quick) {
  if (quick) return {std::min<std::uint64_t>(n, 100'000), 200'000, 10'000};
  auto measured = std::clamp<std::uint64_t>(10 * std::uint64_t{n}, 2'000'000, 4'000'000);
  std::uint64_t simpy = n <= 1'000 ? 300'000 : n <= 100'000 ? 200'000 : 100'000;
  return {std::min<std::uint64_t>(n, 1'000'000), measured, simpy};
}

using citytwin_bench::thread_cpu_seconds;

// ---- (a) our kernel -------------------------------------------------------------------------------------

struct CitytwinHold {
  Simulation sim;
  IncrementTable* increments;
};

void citytwin_hold_step(CitytwinHold* run) {
  run->sim.schedule_in(Time::us(run->increments->next()), [run] { citytwin_hold_step(run); });
}

Measurement run_citytwin(std::size_t n, const Counts& counts, IncrementTable& increments,
                         std::size_t& memory_bytes) {
  increments.rewind();
  CitytwinHold run{Simulation{}, &increments};
  for (std::size_t i = 0; i < n; ++i) citytwin_hold_step(&run);

  std::uint64_t remaining = counts.warm_events;
  run.sim.run_while([&remaining] { return --remaining > 0; });

  remaining = counts.measured_events;
  double start = thread_cpu_seconds();
  run.sim.run_while([&remaining] { return --remaining > 0; });
  double elapsed = thread_cpu_seconds() - start;
  memory_bytes = run.sim.memory_bytes();
  return {static_cast<double>(counts.measured_events) / elapsed, run.sim.now().count_us()};
}

// ---- (b) a bare binary heap ------------------------------------------------------------------------------

struct HeapEntry {
  double time_us;
  std::uint64_t sequence;
  bool operator>(const HeapEntry& o) const {
    return time_us > o.time_us || (time_us == o.time_us && sequence > o.sequence);
  }
};

Measurement run_bare_heap(std::size_t n, const Counts& counts, IncrementTable& increments) {
  increments.rewind();
  std::priority_queue<HeapEntry, std::vector<HeapEntry>, std::greater<>> heap;
  std::uint64_t sequence = 0;
  double now_us = 0;
  for (std::size_t i = 0; i < n; ++i) heap.push({static_cast<double>(increments.next()), sequence++});
  auto hold = [&](std::uint64_t events) {
    for (std::uint64_t k = 0; k < events; ++k) {
      now_us = heap.top().time_us;
      heap.pop();
      heap.push({now_us + static_cast<double>(increments.next()), sequence++});
    }
  };
  hold(counts.warm_events);
  double start = thread_cpu_seconds();
  hold(counts.measured_events);
  double elapsed = thread_cpu_seconds() - start;
  return {static_cast<double>(counts.measured_events) / elapsed, static_cast<std::int64_t>(now_us)};
}

// ---- (c) ns-3's simulator core with its default scheduler -------------------------------------------------

std::optional<Measurement> run_ns3(std::size_t n, const Counts& counts, const IncrementTable& increments) {
#ifdef CITYTWIN_HAVE_NS3
  return citytwin_bench::run_ns3_hold(n, counts.warm_events, counts.measured_events, increments.data(),
                                      IncrementTable::SIZE);
#else
  (void)n, (void)counts, (void)increments;
  return std::nullopt;
#endif
}

// ---- (d) SimPy 3, in a subprocess ---------------------------------------------------------------------------

std::optional<double> run_simpy(std::size_t n, std::uint64_t events) {
  std::string command = "/usr/bin/python3 '" CITYTWIN_HOLD_SIMPY_SCRIPT "' " + std::to_string(n) + " " +
                        std::to_string(events) + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string output;
  char buf[256];
  while (std::fgets(buf, sizeof buf, pipe)) output += buf;
  if (pclose(pipe) != 0) return std::nullopt;
  // The script prints one line "events_per_s <value>".
  std::istringstream in(output);
  std::string word;
  double value = 0;
  while (in >> word) {
    if (word == "events_per_s" && in >> value) return value;
  }
  return std::nullopt;
}

// ---- the program ---------------------------------------------------------------------------------------------

struct Options {
  bool quick = false;
  bool ns3 = true;
  bool simpy = true;
  std::vector<std::size_t> populations{1'000, 100'000, 1'000'000};
};

void print_usage() {
  std::puts(
      "usage: engine_hold_bench [--quick] [--populations N,N,...] [--no-ns3] [--no-simpy]\n"
      "  --quick         small event counts, for a smoke run\n"
      "  --populations   comma-separated pending-event populations (default 1000,100000,1000000)\n"
      "  --no-ns3        skip the ns-3 peer\n"
      "  --no-simpy      skip the SimPy peer");
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--quick") {
      o.quick = true;
    } else if (arg == "--no-ns3") {
      o.ns3 = false;
    } else if (arg == "--no-simpy") {
      o.simpy = false;
    } else if (arg == "--populations" && i + 1 < argc) {
      o.populations.clear();
      std::istringstream list(argv[++i]);
      std::string item;
      while (std::getline(list, item, ',')) {
        char* end = nullptr;
        unsigned long long v = std::strtoull(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || v == 0) {
          std::fprintf(stderr, "--populations: '%s' is not a positive integer\n", item.c_str());
          return std::nullopt;
        }
        o.populations.push_back(static_cast<std::size_t>(v));
      }
    } else {
      print_usage();
      return std::nullopt;
    }
  }
  return o;
}

std::string mev(std::optional<double> events_per_s) {
  if (!events_per_s) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", *events_per_s / 1e6);
  return buf;
}

std::string ratio(double ours, std::optional<double> theirs) {
  if (!theirs || *theirs <= 0) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fx", ours / *theirs);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Options> options = parse_options(argc, argv);
  if (!options) return 2;

  IncrementTable increments;
  std::printf("hold model: N pending events, exponential increments (mean 1 s, integer microseconds)%s;\n"
              "rates in million events per second of thread CPU time\n",
              options->quick ? ", quick counts" : "");
#ifdef CITYTWIN_HAVE_NS3
  std::printf("ns-3 peer: ns-3 3.37 simulator core, scheduler %s\n", citytwin_bench::ns3_scheduler_name().c_str());
#endif
  std::printf("\n%-10s | %13s | %15s | %10s | %11s | %13s | %13s | %15s | %9s | %9s\n", "population",
              "citytwin Mev/s", "bare heap Mev/s", "ns-3 Mev/s", "SimPy Mev/s", "ratio vs heap", "ratio vs ns-3",
              "ratio vs SimPy", "bytes/ev", "struct B");

  bool clocks_agree = true;
  for (std::size_t n : options->populations) {
    Counts counts = counts_for(n, options->quick);
    std::size_t memory_bytes = 0;
    Measurement ours = run_citytwin(n, counts, increments, memory_bytes);
    Measurement heap = run_bare_heap(n, counts, increments);
    std::optional<Measurement> ns3_run = options->ns3 ? run_ns3(n, counts, increments) : std::nullopt;
    std::optional<double> simpy = options->simpy ? run_simpy(n, counts.simpy_events) : std::nullopt;

    // Every C++ peer ran the same events in the same time order, so their clocks must agree.
    if (heap.final_clock_us != ours.final_clock_us ||
        (ns3_run && ns3_run->final_clock_us != ours.final_clock_us)) {
      clocks_agree = false;
      std::fprintf(stderr, "N=%zu: final clocks differ: citytwin %" PRId64 " us, heap %" PRId64 " us, ns-3 %" PRId64
                   " us\n", n, ours.final_clock_us, heap.final_clock_us, ns3_run ? ns3_run->final_clock_us : -1);
    }

    std::optional<double> ns3_rate = ns3_run ? std::optional<double>(ns3_run->events_per_s) : std::nullopt;
    std::printf("%-10zu | %14s | %15s | %10s | %11s | %13s | %13s | %15s | %9.1f | %9zu\n", n,
                mev(ours.events_per_s).c_str(), mev(heap.events_per_s).c_str(), mev(ns3_rate).c_str(),
                mev(simpy).c_str(), ratio(ours.events_per_s, heap.events_per_s).c_str(),
                ratio(ours.events_per_s, ns3_rate).c_str(), ratio(ours.events_per_s, simpy).c_str(),
                static_cast<double>(memory_bytes) / static_cast<double>(n),
                Simulation::bookkeeping_bytes_per_event());
    std::fflush(stdout);
  }
  std::printf(
      "\nbytes/ev: Simulation::memory_bytes() / N (reserved capacity, 32-byte handlers included).\n"
      "struct B: bytes per pending event excluding the 32-byte handler: the 16-byte queue entry plus the\n"
      "event record's bookkeeping.\n"
      "final clocks of the C++ peers %s.\n",
      clocks_agree ? "agree" : "DIFFER");
  return clocks_agree ? 0 : 1;
}

#endif  // CITYTWIN_HOLD_NS3_PEER
