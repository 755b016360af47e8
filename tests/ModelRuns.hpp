// Test helpers for model families: the registry of every family, a scenario run from its text, and a run's KPIs,
// summaries and tables by name.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "models/City.hpp"
#include "sim/Experiment.hpp"
#include "sim/Results.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::testing {

/// A registry with every model family, as the program has.
inline sim::Registry model_registry() {
  sim::Registry r;
  models::register_models(r);
  return r;
}

/// Loads a scenario written inline (as if from "test.yaml" in the working directory) with `overrides` applied as
/// `--set` does, and runs every option of it on `threads` threads (0: every core).
inline sim::RunResults run_scenario(const std::string& text, unsigned threads,
                                    const std::vector<std::string>& overrides = {}) {
  sim::Scenario s = sim::Scenario::load_string(text, "test.yaml", model_registry(), overrides);
  sim::ExperimentSettings settings;
  settings.threads = threads;
  return sim::run_experiment(s, models::build_model, settings);
}

/// A replication's KPI by name; throws if it has none of that name.
inline double kpi_of(const sim::ReplicationResults& r, const std::string& name) {
  for (const auto& k : r.kpis)
    if (k.name == name) return k.value;
  throw std::runtime_error("no KPI " + name);
}

/// A variant's summary of a KPI by name; throws if it has none of that name.
inline const sim::KpiSummary& summary_of(const sim::VariantResults& v, const std::string& name) {
  for (const auto& s : v.summary)
    if (s.name == name) return s;
  throw std::runtime_error("no KPI " + name);
}

/// A replication's event table by name; throws if it has none of that name.
inline const sim::EventTable& table_of(const sim::ReplicationResults& r, const std::string& name) {
  for (const auto& t : r.tables)
    if (t.name() == name) return t;
  throw std::runtime_error("no table " + name);
}

}  // namespace citytwin::testing
