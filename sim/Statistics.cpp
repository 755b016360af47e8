// Online accumulators, quantiles, time averages and the Student-t inference used across replications.
#include "sim/Statistics.hpp"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "sim/Check.hpp"

namespace citytwin::sim {

namespace {
constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

/// Linear interpolation between `a` and `b` at fraction `t` in [0, 1], computed from the nearer end as
/// NumPy does, so that quantiles agree with NumPy to the last bit.
double lerp(double a, double b, double t) {
  double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

/// Welford accumulation of the non-NaN values.
RunningStats stats_of(const std::vector<double>& values) {
  RunningStats s;
  for (double x : values)
    if (!std::isnan(x)) s.add(x);
  return s;
}
}  // namespace

// ---------------------------------------------------------------------------------------------------------
// RunningStats

void RunningStats::add(double x) {
  ++n_;
  double delta = x - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (x - mean_);
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
}

double RunningStats::mean() const { return n_ == 0 ? NaN : mean_; }

double RunningStats::variance() const { return n_ < 2 ? NaN : m2_ / static_cast<double>(n_ - 1); }

double RunningStats::stddev() const { return std::sqrt(variance()); }

void RunningStats::merge(const RunningStats& o) {
  if (o.n_ == 0) return;
  if (n_ == 0) {
    *this = o;
    return;
  }
  // Chan, Golub and LeVeque's pairwise update of the mean and the sum of squared deviations.
  auto na = static_cast<double>(n_), nb = static_cast<double>(o.n_);
  double n = na + nb;
  double delta = o.mean_ - mean_;
  mean_ += delta * (nb / n);
  m2_ += o.m2_ + delta * delta * (na * nb / n);
  n_ += o.n_;
  min_ = std::min(min_, o.min_);
  max_ = std::max(max_, o.max_);
}

// ---------------------------------------------------------------------------------------------------------
// P2Quantile

P2Quantile::P2Quantile(double p) : p_(p) {
  CITYTWIN_CHECK(p > 0.0 && p < 1.0, "P2Quantile: p must be in (0, 1)");
}

void P2Quantile::add(double x) {
  // The first five values are kept sorted in the marker heights.
  if (n_ < 5) {
    std::size_t i = n_;
    while (i > 0 && q_[i - 1] > x) {
      q_[i] = q_[i - 1];
      --i;
    }
    q_[i] = x;
    ++n_;
    if (n_ == 5) {
      for (int j = 0; j < 5; ++j) pos_[j] = j + 1;
      des_[0] = 1.0;
      des_[1] = 1.0 + 2.0 * p_;
      des_[2] = 1.0 + 4.0 * p_;
      des_[3] = 3.0 + 2.0 * p_;
      des_[4] = 5.0;
      inc_[0] = 0.0;
      inc_[1] = p_ / 2.0;
      inc_[2] = p_;
      inc_[3] = (1.0 + p_) / 2.0;
      inc_[4] = 1.0;
    }
    return;
  }
  ++n_;

  // Find the cell k with q[k] <= x < q[k+1], extending the extreme markers when x falls outside.
  int k;
  if (x < q_[0]) {
    q_[0] = x;
    k = 0;
  } else if (x >= q_[4]) {
    q_[4] = x;
    k = 3;
  } else {
    k = 0;
    while (k < 3 && x >= q_[k + 1]) ++k;
  }

  // Shift the positions of the markers above the cell and advance every desired position.
  for (int i = k + 1; i < 5; ++i) pos_[i] += 1.0;
  for (int i = 0; i < 5; ++i) des_[i] += inc_[i];

  // Move each middle marker by one position towards its desired position when it is off by one or more
  // and its neighbour is not adjacent, with the piecewise-parabolic (P-square) prediction of its height,
  // or the linear one when the parabola would break the ordering of heights.
  for (int i = 1; i <= 3; ++i) {
    double d = des_[i] - pos_[i];
    if ((d >= 1.0 && pos_[i + 1] - pos_[i] > 1.0) || (d <= -1.0 && pos_[i - 1] - pos_[i] < -1.0)) {
      double s = d >= 0.0 ? 1.0 : -1.0;
      double parabolic =
          q_[i] + s / (pos_[i + 1] - pos_[i - 1]) *
                      ((pos_[i] - pos_[i - 1] + s) * (q_[i + 1] - q_[i]) / (pos_[i + 1] - pos_[i]) +
                       (pos_[i + 1] - pos_[i] - s) * (q_[i] - q_[i - 1]) / (pos_[i] - pos_[i - 1]));
      if (q_[i - 1] < parabolic && parabolic < q_[i + 1]) {
        q_[i] = parabolic;
      } else {
        int j = s > 0.0 ? i + 1 : i - 1;
        q_[i] += s * (q_[j] - q_[i]) / (pos_[j] - pos_[i]);
      }
      pos_[i] += s;
    }
  }
}

double P2Quantile::value() const {
  if (n_ == 0) return NaN;
  if (n_ <= 5) {
    // The heights hold the sorted values themselves: the exact quantile.
    std::vector<double> v(q_, q_ + n_);
    return quantile(v, p_);
  }
  return q_[2];
}

// ---------------------------------------------------------------------------------------------------------
// Exact quantile

double quantile(std::vector<double>& values, double p) {
  CITYTWIN_CHECK(p >= 0.0 && p <= 1.0, "quantile(): p must be in [0, 1]");
  if (values.empty()) return NaN;
  // Type 7: the virtual index h = (n - 1) p, interpolating between order statistics floor(h) and floor(h)+1.
  double h = static_cast<double>(values.size() - 1) * p;
  double lo_index = std::floor(h);
  auto lo = static_cast<std::size_t>(lo_index);
  auto nth = values.begin() + static_cast<std::ptrdiff_t>(lo);
  std::nth_element(values.begin(), nth, values.end());
  double a = *nth;
  if (lo + 1 >= values.size()) return a;
  double b = *std::min_element(nth + 1, values.end());
  return lerp(a, b, h - lo_index);
}

// ---------------------------------------------------------------------------------------------------------
// TimeWeighted

TimeWeighted::TimeWeighted(Time start, double initial) : start_(start), last_(start), value_(initial) {}

void TimeWeighted::set(Time t, double value) {
  CITYTWIN_CHECK(t >= last_, "TimeWeighted::set(): time went backwards");
  area_ += value_ * (t - last_).to_seconds();
  last_ = t;
  value_ = value;
}

double TimeWeighted::integral(Time t) const {
  CITYTWIN_CHECK(t >= last_, "TimeWeighted::integral(): time is before the last change");
  return area_ + value_ * (t - last_).to_seconds();
}

double TimeWeighted::mean(Time t) const {
  if (t == start_) return value_;
  return integral(t) / (t - start_).to_seconds();
}

void TimeWeighted::reset(Time t) {
  CITYTWIN_CHECK(t >= last_, "TimeWeighted::reset(): time is before the last change");
  start_ = t;
  last_ = t;
  area_ = 0.0;
}

// ---------------------------------------------------------------------------------------------------------
// Inference across replications

double student_t_975(double dof) {
  CITYTWIN_CHECK(dof >= 1.0, "student_t_975(): degrees of freedom must be at least 1");
  if (std::isinf(dof)) return boost::math::quantile(boost::math::normal_distribution<double>(), 0.975);
  return boost::math::quantile(boost::math::students_t_distribution<double>(dof), 0.975);
}

ConfidenceInterval confidence_interval(const std::vector<double>& values) {
  RunningStats s = stats_of(values);
  ConfidenceInterval ci;
  ci.n = static_cast<std::size_t>(s.count());
  if (ci.n == 0) {
    ci.mean = ci.sd = ci.half_width = ci.min = ci.max = NaN;
    return ci;
  }
  ci.mean = s.mean();
  ci.min = s.min();
  ci.max = s.max();
  if (ci.n < 2) {
    ci.sd = ci.half_width = NaN;
    return ci;
  }
  ci.sd = s.stddev();
  auto n = static_cast<double>(ci.n);
  ci.half_width = student_t_975(n - 1.0) * ci.sd / std::sqrt(n);
  return ci;
}

double welch_p_value(const std::vector<double>& a, const std::vector<double>& b) {
  RunningStats sa = stats_of(a), sb = stats_of(b);
  if (sa.count() < 2 || sb.count() < 2) return NaN;
  auto na = static_cast<double>(sa.count()), nb = static_cast<double>(sb.count());
  double va = sa.variance() / na, vb = sb.variance() / nb;  // squared standard errors of the means
  double se2 = va + vb;
  double diff = sa.mean() - sb.mean();
  // Without any spread the means are either the same (nothing to test) or certainly different.
  if (se2 == 0.0) return diff == 0.0 ? NaN : 0.0;
  // Welch-Satterthwaite degrees of freedom and the two-sided tail of |t|.
  double dof = se2 * se2 / (va * va / (na - 1.0) + vb * vb / (nb - 1.0));
  double t = std::fabs(diff) / std::sqrt(se2);
  if (std::isinf(t)) return 0.0;
  boost::math::students_t_distribution<double> dist(dof);
  return std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(dist, t)));
}

double paired_p_value(const std::vector<double>& a, const std::vector<double>& b) {
  CITYTWIN_CHECK(a.size() == b.size(), "paired_p_value(): samples of different sizes");
  RunningStats d;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (!std::isnan(a[k]) && !std::isnan(b[k])) d.add(a[k] - b[k]);
  if (d.count() < 2) return NaN;
  double sd = d.stddev();
  if (sd == 0.0) return d.mean() == 0.0 ? NaN : 0.0;
  double t = std::fabs(d.mean()) / (sd / std::sqrt(static_cast<double>(d.count())));
  boost::math::students_t_distribution<double> dist(static_cast<double>(d.count() - 1));
  return std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(dist, t)));
}

}  // namespace citytwin::sim
