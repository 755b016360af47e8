// The parallel experiment runner: one oneTBB task per (variant, replication), a progress monitor and summaries.
#include "sim/Experiment.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <exception>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sim/Statistics.hpp"

#ifndef CITYTWIN_VERSION
#define CITYTWIN_VERSION "unknown"
#endif

namespace citytwin::sim {

namespace {

/// The current wall-clock time as ISO 8601 UTC, "2024-05-01T12:34:56Z".
std::string now_utc() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// Progress of one task, alone on its cache line so that tasks on different threads never contend.
struct alignas(64) TaskProgress {
  std::atomic<std::int64_t> simulated_us{0};
};

/// What the monitor reads while tasks run: each task's simulated time and the count of finished tasks.
class ProgressBoard {
 public:
  ProgressBoard(std::size_t tasks, Time duration) : tasks_(tasks), duration_us_(duration.count_us()) {
    for (std::size_t i = 0; i < tasks; ++i) per_task_.emplace_back(std::make_unique<TaskProgress>());
  }

  std::atomic<std::int64_t>* counter(std::size_t task) { return &per_task_[task]->simulated_us; }

  /// A finished task counts as its whole duration, whatever its model reported.
  void finish(std::size_t task) {
    per_task_[task]->simulated_us.store(duration_us_, std::memory_order_relaxed);
    done_.fetch_add(1, std::memory_order_relaxed);
  }

  std::size_t done() const { return done_.load(std::memory_order_relaxed); }
  std::size_t total() const { return tasks_; }

  /// Simulated time completed over all tasks, as a fraction of their total, in [0, 1].
  double fraction() const {
    if (tasks_ == 0) return 1.0;
    if (duration_us_ <= 0) return static_cast<double>(done()) / static_cast<double>(tasks_);
    std::int64_t sum = 0;
    for (const auto& p : per_task_)
      sum += std::clamp<std::int64_t>(p->simulated_us.load(std::memory_order_relaxed), 0, duration_us_);
    double f = static_cast<double>(sum) / (static_cast<double>(duration_us_) * static_cast<double>(tasks_));
    return std::clamp(f, 0.0, 1.0);
  }

 private:
  std::size_t tasks_;
  std::int64_t duration_us_;
  std::vector<std::unique_ptr<TaskProgress>> per_task_;
  std::atomic<std::size_t> done_{0};
};

/// A thread that reports progress every period until stopped; stopping joins it, also during unwinding.
class ProgressMonitor {
 public:
  ProgressMonitor(const ProgressBoard& board, const ExperimentSettings& settings) : board_(board), settings_(settings) {
    if (!settings_.on_progress) return;
    auto period = std::chrono::duration<double>(std::max(settings_.progress_period_s, 0.01));
    thread_ = std::thread([this, period] { loop(period); });
  }
  ProgressMonitor(const ProgressMonitor&) = delete;
  ProgressMonitor& operator=(const ProgressMonitor&) = delete;
  ~ProgressMonitor() { stop(); }

  /// Stops and joins the thread; rethrows what the callback threw, if anything.
  void stop_and_rethrow() {
    stop();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void loop(std::chrono::duration<double> period) {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
      // Report without holding the lock, so that stopping never waits for the callback to start.
      lock.unlock();
      try {
        settings_.on_progress(board_.fraction(), board_.done(), board_.total());
      } catch (...) {
        error_ = std::current_exception();
        return;
      }
      lock.lock();
    }
  }

  void stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  const ProgressBoard& board_;
  const ExperimentSettings& settings_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

/// The KPI with this name in a replication's results, looked up first at the index it has in the first
/// replication; NaN when the replication does not report it.
double kpi_value(const ReplicationResults& r, std::size_t index, const std::string& name) {
  if (index < r.kpis.size() && r.kpis[index].name == name) return r.kpis[index].value;
  for (const Kpi& k : r.kpis)
    if (k.name == name) return k.value;
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

std::vector<KpiSummary> summarise(const std::vector<ReplicationResults>& replications) {
  std::vector<KpiSummary> summary;
  if (replications.empty()) return summary;
  const std::vector<Kpi>& first = replications.front().kpis;
  summary.reserve(first.size());
  std::vector<double> values(replications.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    // Collect the KPI across replications in index order and take its Student-t interval.
    for (std::size_t r = 0; r < replications.size(); ++r) values[r] = kpi_value(replications[r], i, first[i].name);
    ConfidenceInterval ci = confidence_interval(values);
    KpiSummary s;
    s.name = first[i].name;
    s.unit = first[i].unit;
    s.description = first[i].description;
    s.n = ci.n;
    s.mean = ci.mean;
    s.sd = ci.sd;
    s.half_width = ci.half_width;
    s.min = ci.min;
    s.max = ci.max;
    summary.push_back(std::move(s));
  }
  return summary;
}

void run_reporting_progress(Simulation& sim, Time duration, const ReplicationContext& ctx) {
  for (Time t = sim.now(); t < duration;) {
    Time next = std::min(t + Time::days(1), duration);
    sim.run_until(next);
    if (ctx.progress_us) ctx.progress_us->fetch_add((next - t).count_us(), std::memory_order_relaxed);
    t = next;
    if (ctx.cancelled && ctx.cancelled->load(std::memory_order_relaxed)) break;
  }
}

RunResults run_experiment(const Scenario& scenario, const ModelFactory& factory, const ExperimentSettings& settings) {
  // Record what is needed to reproduce the run.
  RunResults run;
  run.started_utc = now_utc();
  run.version = CITYTWIN_VERSION;
  run.seed = scenario.seed();
  run.replications = scenario.replications();
  run.scenario_file = scenario.file();
  run.scenario_resolved = scenario.resolved_yaml();
  int threads = settings.threads > 0 ? static_cast<int>(settings.threads) : tbb::info::default_concurrency();
  run.threads = static_cast<std::uint32_t>(threads);

  // Build every model before any simulated time runs, so that a bad variant fails first.
  const std::vector<Variant>& variants = scenario.variants();
  std::vector<std::unique_ptr<const Model>> models;
  models.reserve(variants.size());
  for (const Variant& v : variants) {
    models.push_back(factory(v));
    if (!models.back()) {
      throw std::logic_error("run_experiment(): the model factory returned no model for variant '" + v.label +
                             "'; return a model or throw ScenarioError");
    }
  }

  // One pre-sized result slot per (variant, replication) task, variant-major.
  const std::size_t replications = run.replications;
  const std::size_t tasks = variants.size() * replications;
  std::vector<ReplicationResults> slots(tasks);
  std::vector<char> ran(tasks, 0);
  ProgressBoard board(tasks, scenario.duration());

  // Run the tasks in an arena of the requested size while a monitor reports progress.
  {
    ProgressMonitor monitor(board, settings);
    tbb::task_arena arena(threads);
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<std::size_t>(0, tasks, 1),
          [&](const tbb::blocked_range<std::size_t>& range) {
            for (std::size_t t = range.begin(); t != range.end(); ++t) {
              if (settings.cancelled && settings.cancelled->load(std::memory_order_relaxed)) continue;
              ReplicationContext ctx;
              ctx.seed = run.seed;
              ctx.replication = static_cast<std::uint32_t>(t % replications);
              ctx.progress_us = board.counter(t);
              ctx.cancelled = settings.cancelled;
              slots[t] = models[t / replications]->run(ctx);
              slots[t].replication = ctx.replication;
              ran[t] = 1;
              board.finish(t);
            }
          },
          tbb::simple_partitioner());
    });
    monitor.stop_and_rethrow();
  }
  if (settings.on_progress) settings.on_progress(board.fraction(), board.done(), board.total());

  // Gather each variant's replications in index order and summarise them.
  run.variants.reserve(variants.size());
  for (std::size_t v = 0; v < variants.size(); ++v) {
    VariantResults vr;
    vr.option = variants[v].option;
    vr.sweep_point = variants[v].sweep_point;
    vr.label = variants[v].label;
    vr.layout = models[v]->layout();
    for (std::size_t k = 0; k < replications; ++k) {
      std::size_t t = v * replications + k;
      if (ran[t]) vr.replications.push_back(std::move(slots[t]));
    }
    vr.summary = summarise(vr.replications);
    models[v]->derive_kpis(vr.summary);
    run.variants.push_back(std::move(vr));
  }
  run.finished_utc = now_utc();
  return run;
}

}  // namespace citytwin::sim
