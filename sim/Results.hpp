// What one replication records (time series, event tables, KPIs) and what a whole run gathers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace citytwin::sim {

/// A column of an event table. Values are held as doubles; INT64 columns hold whole numbers
/// (exact up to 2^53) and are written as 64-bit integers; STRING columns hold UTF-8 text.
struct ColumnSpec {
  enum class Type { INT64, FLOAT64, STRING };
  std::string name;
  Type type = Type::FLOAT64;
  std::string unit;         ///< "s", "m", "" ...
  std::string description;  ///< one sentence
};

/// A table with one row per event (one row per alert, per message...), declared before it is filled.
class EventTable {
 public:
  EventTable(std::string name, std::string description, std::vector<ColumnSpec> columns);

  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  const std::vector<ColumnSpec>& columns() const { return columns_; }
  std::size_t rows() const { return rows_; }
  /// Values of column `c`, one per row (empty for a STRING column).
  const std::vector<double>& column(std::size_t c) const { return data_[c]; }
  /// Texts of STRING column `c`, one per row (empty for a numeric column).
  const std::vector<std::string>& text_column(std::size_t c) const { return texts_[c]; }
  /// Index of the column with this name; throws std::out_of_range if there is none.
  std::size_t column_index(const std::string& name) const;

  /// One value of a row being appended: a number, or the text of a STRING column.
  struct Cell {
    Cell(double v) : number(v) {}  // NOLINT(google-explicit-constructor): rows are written as braced lists
    Cell(std::string s) : text(std::move(s)), is_text(true) {}  // NOLINT(google-explicit-constructor)
    Cell(const char* s) : text(s), is_text(true) {}  // NOLINT(google-explicit-constructor)
    double number = 0.0;
    std::string text;
    bool is_text = false;
  };
  /// Appends a row of numbers; it must have one value per column, in declaration order, and no STRING column.
  void append(std::initializer_list<double> row);
  /// Appends a row with texts: one cell per column, text exactly in the STRING columns.
  void append(std::initializer_list<Cell> row);

 private:
  std::string name_;
  std::string description_;
  std::vector<ColumnSpec> columns_;
  std::vector<std::vector<double>> data_;        // column-major; empty for STRING columns
  std::vector<std::vector<std::string>> texts_;  // column-major; empty for numeric columns
  std::size_t rows_ = 0;
};

/// A quantity sampled on the replication's regular time grid.
struct Series {
  std::string name;
  std::string unit;
  std::string description;
  std::vector<double> values;  ///< one per entry of `SeriesSet::time_s`
};

/// Time series sharing one time axis (the dimension scale in the results file).
struct SeriesSet {
  std::vector<double> time_s;  ///< sample times in simulated seconds from the start
  std::vector<Series> series;
};

/// A key performance indicator of one replication.
struct Kpi {
  std::string name;         ///< snake_case with unit suffix where it has one: "callback_time_mean_s"
  std::string unit;
  std::string description;
  double value = 0.0;       ///< NaN when undefined (no sample)
};

/// Everything one replication emits.
struct ReplicationResults {
  std::uint32_t replication = 0;
  std::uint64_t events = 0;            ///< events run by the kernel
  SeriesSet series;
  std::vector<EventTable> tables;
  std::vector<Kpi> kpis;
  std::vector<std::string> warnings;   ///< problems counted during the run (not fatal)
};

/// A KPI summarised over the replications of one variant: mean with its Student-t 95% interval.
///
/// A derived KPI (Model::derive_kpis: a ratio of other KPIs' means, such as a payback time) has no
/// per-replication values: its `mean` is the function of the means, its interval the function's image of
/// theirs, which need not be symmetric (`half_width` NaN, `ci_low`/`ci_high` set, +inf for no bound).
struct KpiSummary {
  std::string name;
  std::string unit;
  std::string description;
  std::size_t n = 0;           ///< replications with a defined value
  double mean = 0.0;
  double sd = 0.0;             ///< sample standard deviation across replications (NaN for a derived KPI)
  double half_width = 0.0;     ///< half-width of the 95% confidence interval (NaN when n < 2 or derived)
  double min = 0.0;
  double max = 0.0;
  bool derived = false;        ///< computed from other KPIs' summaries, not from replications
  double ci_low = 0.0;         ///< a derived KPI's interval (others' is mean -+ half_width)
  double ci_high = 0.0;

  /// The ends of the 95% interval, derived or not.
  double low() const { return derived ? ci_low : mean - half_width; }
  double high() const { return derived ? ci_high : mean + half_width; }
};

/// The results of one variant of a scenario: an option at a sweep point.
struct VariantResults {
  std::string option;                       ///< option name ("base" when the scenario has none)
  std::string sweep_point;                  ///< "platform.operators=2, police.units=3" or ""
  std::string label;                        ///< option and sweep point together, unique in the run
  std::vector<EventTable> layout;           ///< the model's description of its city (Model::layout)
  std::vector<ReplicationResults> replications;  ///< ordered by replication index
  std::vector<KpiSummary> summary;          ///< one per KPI, in the order the model emits them
};

/// The results of a run: every variant and what is needed to reproduce it.
struct RunResults {
  std::string scenario_file;
  std::string scenario_resolved;  ///< the fully resolved scenario (defaults filled, overrides applied), as YAML
  std::uint64_t seed = 0;
  std::uint32_t replications = 0;
  std::uint32_t threads = 0;
  std::string version;
  std::string started_utc;        ///< ISO 8601
  std::string finished_utc;
  std::vector<VariantResults> variants;
};

}  // namespace citytwin::sim
