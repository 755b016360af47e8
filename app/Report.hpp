// What the program prints about a run: the side-by-side KPI table and the KPI summary as JSON.
#pragma once

#include <string>
#include <vector>

#include "sim/Json.hpp"
#include "sim/Results.hpp"

namespace citytwin::app {

/// The KPI table: one row per KPI, one column per variant, each cell "mean ± half-width of the 95%
/// interval". With `mark_significance`, a cell of a later variant whose difference from the first
/// variant is not significant at the 5% level is marked with "~", and a legend says so. Replication k of
/// every variant uses the same random streams, so the test is the paired t-test over replications.
/// Rows are every variant's KPIs (a KPI only some options have shows "-" elsewhere); with `only`, an
/// ECMAScript regular expression, just the KPIs whose names it matches.
std::string kpi_table(const sim::RunResults& results, bool mark_significance, const std::string& only = "");

/// The names of the KPIs of every variant, each once, in the order the variants emit them.
std::vector<std::string> kpi_names(const sim::RunResults& results);

/// The KPIs of every variant as JSON, for scripts: the scenario, seed and replications, then per variant
/// its label and per KPI n, mean, sd, half_width, ci_low, ci_high and unit (null when undefined or, for a derived
/// KPI, marked `derived`, when an end is unbounded). Nothing that depends on the
/// machine (no timings, no thread count), so two runs can be diffed.
sim::Json summary_json(const sim::RunResults& results);

/// A number with three significant figures or so: "612", "45.3", "0.0123"; "-" for NaN.
std::string format_number(double x);

}  // namespace citytwin::app
