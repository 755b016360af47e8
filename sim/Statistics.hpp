// Statistics collected during a replication and summarised across replications.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "sim/Time.hpp"

namespace citytwin::sim {

/// Mean, variance, minimum and maximum of a stream of values, updated online (Welford's algorithm).
class RunningStats {
 public:
  void add(double x);
  std::uint64_t count() const { return n_; }
  /// NaN when empty.
  double mean() const;
  /// Sample variance (n - 1 in the denominator); NaN when fewer than two values.
  double variance() const;
  double stddev() const;
  double min() const { return min_; }
  double max() const { return max_; }
  /// Merges another accumulator into this one (Chan et al.), as if its values had been added here.
  void merge(const RunningStats& o);

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0.0, m2_ = 0.0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

/// The p-quantile of a stream without storing it: the P-square algorithm (Jain and Chlamtac, 1985).
/// Exact for the first five values, then an estimate with five markers.
class P2Quantile {
 public:
  /// `p` in (0, 1).
  explicit P2Quantile(double p);
  void add(double x);
  std::uint64_t count() const { return n_; }
  /// NaN when empty.
  double value() const;

 private:
  double p_;
  std::uint64_t n_ = 0;
  double q_[5] = {};   // marker heights
  double pos_[5] = {}; // actual marker positions (1-based)
  double des_[5] = {}; // desired positions
  double inc_[5] = {}; // desired position increments
};

/// The exact p-quantile of a sample (linear interpolation between order statistics, as NumPy's default
/// and R's type 7). NaN when empty. The vector is reordered.
double quantile(std::vector<double>& values, double p);

/// The time average of a piecewise-constant quantity (queue length, busy servers).
class TimeWeighted {
 public:
  /// Starts observing at time `start` with value `initial`.
  explicit TimeWeighted(Time start = Time{}, double initial = 0.0);
  /// The quantity changes to `value` at time `t` (t never decreases).
  void set(Time t, double value);
  void add(Time t, double delta) { set(t, value_ + delta); }
  double value() const { return value_; }
  /// Average over [start, t]; the current value when t equals the start.
  double mean(Time t) const;
  /// Integral of the quantity over [start, t], in value x seconds.
  double integral(Time t) const;
  /// Forgets the past: the average restarts at time t (end of a warm-up period).
  void reset(Time t);

 private:
  Time start_, last_;
  double value_ = 0.0;
  double area_ = 0.0;  // value x seconds over [start_, last_]
};

/// The two-sided 97.5% quantile of Student's t distribution with `dof` degrees of freedom (>= 1).
double student_t_975(double dof);

/// Mean and 95% confidence half-width of independent replication values (NaN values are skipped).
struct ConfidenceInterval {
  std::size_t n = 0;
  double mean = 0.0, sd = 0.0, half_width = 0.0, min = 0.0, max = 0.0;
};
ConfidenceInterval confidence_interval(const std::vector<double>& values);

/// Welch's two-sample t-test: the two-sided p-value for equal means (NaN values are skipped). NaN when
/// either sample has fewer than two values or both have zero variance and equal means; 0 when both have
/// zero variance and the means differ.
double welch_p_value(const std::vector<double>& a, const std::vector<double>& b);

/// The paired t-test: the two-sided p-value for a zero mean difference between paired observations
/// a[k], b[k] (replication k of two options run on common random numbers). Pairs with a NaN are skipped.
/// NaN with fewer than two pairs or when every difference is zero; 0 when the differences are all equal
/// and not zero. Requires a.size() == b.size().
double paired_p_value(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace citytwin::sim
