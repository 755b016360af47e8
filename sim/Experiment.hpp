// Runs every (variant, replication) of a scenario as an independent task on oneTBB, deterministically.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "sim/Json.hpp"
#include "sim/Results.hpp"
#include "sim/Scenario.hpp"
#include "sim/Simulation.hpp"
#include "sim/Time.hpp"

namespace citytwin::sim {

/// What a replication needs besides its model: its identity and where to report progress.
struct ReplicationContext {
  std::uint64_t seed = 0;            ///< the scenario seed (the same for every variant: common random numbers)
  std::uint32_t replication = 0;     ///< replication index k; stream keys use it, so k is the same run
                                     ///< whether 1 or 100 replications are run
  /// Simulated microseconds this replication has completed; a model adds to it as it advances (the runner
  /// sums the counters of all tasks).
  std::atomic<std::int64_t>* progress_us = nullptr;
  /// Set when the run is being abandoned (Ctrl-C); a model should return soon after.
  const std::atomic<bool>* cancelled = nullptr;
};

/// Runs `sim` to `duration` a simulated day at a time, adding each day done to `ctx.progress_us`, and
/// returns early (after the day under way) once `ctx.cancelled` is set.
void run_reporting_progress(Simulation& sim, Time duration, const ReplicationContext& ctx);

/// A model built from one variant's parameters: constant, shared read-only by all its replications.
class Model {
 public:
  virtual ~Model() = default;
  /// Runs one replication and returns what it recorded. Must depend only on the model and `ctx.seed`,
  /// `ctx.replication`.
  virtual ReplicationResults run(const ReplicationContext& ctx) const = 0;
  /// Tables that describe the variant's city, the same for every replication (street segments, devices,
  /// gateways), for maps. None by default.
  virtual std::vector<EventTable> layout() const { return {}; }
  /// Adds KPIs computed from the variant's summary rather than per replication (a payback time is the
  /// investment over the mean yearly net saving, not the mean of yearly ratios that may divide by zero).
  /// None by default.
  virtual void derive_kpis(std::vector<KpiSummary>& /*summary*/) const {}
};

/// Builds a model from a variant's resolved parameters; throws ScenarioError for a bad combination.
using ModelFactory = std::function<std::unique_ptr<const Model>(const Variant&)>;

/// Settings of an experiment run.
struct ExperimentSettings {
  unsigned threads = 0;  ///< worker threads; 0 means all cores
  /// Called from a monitoring thread about every `progress_period`, and once at the end, with the fraction
  /// of simulated time completed (0..1) and the tasks finished. May be empty.
  std::function<void(double fraction, std::size_t tasks_done, std::size_t tasks_total)> on_progress;
  double progress_period_s = 0.5;
  const std::atomic<bool>* cancelled = nullptr;
};

/// Builds a model per variant, runs every (variant, replication) as one task in parallel and summarises
/// KPIs per variant. The results are identical whatever the thread count: each task writes only its own
/// slot and summaries are computed after all tasks, in a fixed order. An exception thrown by a task is
/// rethrown here once every running task has stopped. When `settings.cancelled` is set, tasks that have
/// not started are skipped and left out of the results.
RunResults run_experiment(const Scenario& scenario, const ModelFactory& factory, const ExperimentSettings& settings);

/// Summarises the KPIs of a variant's replications (mean and Student-t 95% interval per KPI).
std::vector<KpiSummary> summarise(const std::vector<ReplicationResults>& replications);

}  // namespace citytwin::sim
