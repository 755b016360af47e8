// Tests of the statistics: accumulators against two-pass formulas, quantiles against NumPy, Student-t
// values against published tables, and the coverage of the confidence interval.
#include "sim/Statistics.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "sim/RandomStream.hpp"

using namespace citytwin::sim;

namespace {

std::vector<double> uniform_samples(std::size_t n, std::uint32_t entity) {
  RandomStream rs(2024, 0, entity, "uniform");
  std::vector<double> v(n);
  for (double& x : v) x = rs.uniform();
  return v;
}

std::vector<double> exponential_samples(std::size_t n, std::uint32_t entity) {
  RandomStream rs(2024, 0, entity, "exponential");
  std::vector<double> v(n);
  for (double& x : v) x = rs.exponential(1.0);
  return v;
}

double two_pass_mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double two_pass_variance(const std::vector<double>& v) {
  double m = two_pass_mean(v), ss = 0.0;
  for (double x : v) ss += (x - m) * (x - m);
  return ss / static_cast<double>(v.size() - 1);
}

}  // namespace

TEST_CASE("running statistics agree with the two-pass formulas, even far from zero") {
  RandomStream rs(7, 0, 0, "values");
  std::vector<double> v(10000);
  for (double& x : v) x = 1e9 + rs.normal(0.0, 3.0);
  RunningStats s;
  for (double x : v) s.add(x);
  CHECK(s.count() == v.size());
  CHECK(s.mean() == doctest::Approx(two_pass_mean(v)).epsilon(1e-14));
  // The sum-of-squares formula would lose every digit here (x^2 ~ 1e18 has an ulp of 128).
  CHECK(s.variance() == doctest::Approx(two_pass_variance(v)).epsilon(1e-7));
  CHECK(s.stddev() == doctest::Approx(std::sqrt(two_pass_variance(v))).epsilon(1e-7));
  CHECK(s.min() == *std::min_element(v.begin(), v.end()));
  CHECK(s.max() == *std::max_element(v.begin(), v.end()));
}

TEST_CASE("running statistics are undefined where they have too few values") {
  RunningStats s;
  CHECK(std::isnan(s.mean()));
  CHECK(std::isnan(s.variance()));
  s.add(4.0);
  CHECK(s.mean() == 4.0);
  CHECK(std::isnan(s.variance()));
  s.add(6.0);
  CHECK(s.mean() == 5.0);
  CHECK(s.variance() == 2.0);
}

TEST_CASE("merging accumulators equals adding every value to one") {
  RandomStream rs(8, 0, 0, "values");
  std::vector<double> v(5000);
  for (double& x : v) x = rs.exponential(2.0) - 7.0;
  RunningStats sequential, a, b, c, empty;
  for (std::size_t i = 0; i < v.size(); ++i) {
    sequential.add(v[i]);
    (i < 1000 ? a : i < 3500 ? b : c).add(v[i]);
  }
  a.merge(b);
  a.merge(empty);
  a.merge(c);
  CHECK(a.count() == sequential.count());
  CHECK(a.mean() == doctest::Approx(sequential.mean()).epsilon(1e-13));
  CHECK(a.variance() == doctest::Approx(sequential.variance()).epsilon(1e-12));
  CHECK(a.min() == sequential.min());
  CHECK(a.max() == sequential.max());

  RunningStats into_empty;
  into_empty.merge(sequential);
  CHECK(into_empty.count() == sequential.count());
  CHECK(into_empty.mean() == sequential.mean());
  CHECK(into_empty.variance() == sequential.variance());
}

TEST_CASE("the exact quantile interpolates like NumPy's default") {
  // numpy.quantile([3.5, 1, 7.25, 2, 10, 4], p): sorted 1, 2, 3.5, 4, 7.25, 10 and index h = 5 p.
  const std::vector<double> data = {3.5, 1.0, 7.25, 2.0, 10.0, 4.0};
  auto q = [&](double p) {
    std::vector<double> v = data;
    return quantile(v, p);
  };
  CHECK(q(0.0) == 1.0);
  CHECK(q(0.1) == 1.5);     // h = 0.5: 1 + 0.5 (2 - 1)
  CHECK(q(0.25) == 2.375);  // h = 1.25: 2 + 0.25 (3.5 - 2)
  CHECK(q(0.33) == doctest::Approx(2.975).epsilon(1e-15));  // h = 1.65: 3.5 - 0.35 (3.5 - 2)
  CHECK(q(0.5) == 3.75);    // h = 2.5: 3.5 + 0.5 (4 - 3.5)
  CHECK(q(0.9) == 8.625);   // h = 4.5: 7.25 + 0.5 (10 - 7.25)
  CHECK(q(1.0) == 10.0);

  std::vector<double> one = {42.0}, none;
  CHECK(quantile(one, 0.3) == 42.0);
  CHECK(std::isnan(quantile(none, 0.5)));
}

TEST_CASE("the P-square estimate is exact for the first five values") {
  P2Quantile q(0.9);
  CHECK(std::isnan(q.value()));
  q.add(5.0);
  CHECK(q.value() == 5.0);
  q.add(1.0);
  q.add(3.0);
  CHECK(q.count() == 3);
  CHECK(q.value() == doctest::Approx(4.6).epsilon(1e-15));  // numpy.quantile([5, 1, 3], 0.9)
  q.add(2.0);
  q.add(4.0);
  CHECK(q.value() == doctest::Approx(4.6).epsilon(1e-15));  // numpy.quantile([1, 2, 3, 4, 5], 0.9)
}

TEST_CASE("the P-square estimate stays close to the exact quantile of 100,000 uniform values") {
  for (double p : {0.05, 0.5, 0.9, 0.99}) {
    CAPTURE(p);
    std::vector<double> v = uniform_samples(100000, static_cast<std::uint32_t>(p * 100));
    P2Quantile est(p);
    for (double x : v) est.add(x);
    double exact = quantile(v, p);
    CHECK(est.count() == 100000);
    CHECK(std::fabs(est.value() - exact) < 1e-3);
  }
}

TEST_CASE("the P-square estimate stays close to the exact quantile of 100,000 exponential values") {
  for (double p : {0.05, 0.5, 0.9, 0.99}) {
    CAPTURE(p);
    std::vector<double> v = exponential_samples(100000, static_cast<std::uint32_t>(p * 100));
    P2Quantile est(p);
    for (double x : v) est.add(x);
    double exact = quantile(v, p);
    CHECK(std::fabs(est.value() - exact) < 1e-2 * exact);
  }
}

TEST_CASE("a time-weighted average weighs each value by how long it held") {
  TimeWeighted tw(Time::seconds(0), 0.0);
  CHECK(tw.mean(Time::seconds(0)) == 0.0);
  tw.set(Time::seconds(10), 2.0);
  tw.set(Time::seconds(30), 5.0);
  tw.set(Time::seconds(40), 1.0);
  // 0 for 10 s, 2 for 20 s, 5 for 10 s, 1 for 10 s: 100 value-seconds over 50 s.
  CHECK(tw.integral(Time::seconds(50)) == doctest::Approx(100.0));
  CHECK(tw.mean(Time::seconds(50)) == doctest::Approx(2.0));
  CHECK(tw.value() == 1.0);

  // After a warm-up reset only the new period counts.
  tw.reset(Time::seconds(50));
  CHECK(tw.mean(Time::seconds(50)) == 1.0);
  tw.add(Time::seconds(55), 3.0);
  CHECK(tw.value() == 4.0);
  CHECK(tw.mean(Time::seconds(60)) == doctest::Approx(2.5));  // 1 for 5 s, 4 for 5 s
}

TEST_CASE("Student-t quantiles match the published table") {
  // Table values are given to three decimals.
  auto table = [](double dof, double value) { return std::fabs(student_t_975(dof) - value) <= 5e-4; };
  CHECK(table(1, 12.706));
  CHECK(table(2, 4.303));
  CHECK(table(5, 2.571));
  CHECK(table(10, 2.228));
  CHECK(table(30, 2.042));
  CHECK(table(120, 1.980));
  // Non-integer degrees of freedom (Welch), checked against a 30-digit root of the regularised incomplete
  // beta function: I_{dof / (dof + t^2)}(dof / 2, 1 / 2) = 0.05.
  CHECK(student_t_975(7.5) == doctest::Approx(2.33303962686497457).epsilon(1e-13));
  CHECK(student_t_975(1e12) == doctest::Approx(1.959964).epsilon(1e-6));
}

TEST_CASE("a confidence interval is the mean plus or minus t times the standard error, skipping NaN") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ConfidenceInterval ci = confidence_interval({2, 4, 4, nan, 4, 5, 5, 7, 9});
  CHECK(ci.n == 8);
  CHECK(ci.mean == 5.0);
  CHECK(ci.sd == doctest::Approx(2.138089935299395).epsilon(1e-14));
  const double t7 = 2.3646242515927853;  // t_{0.975} with 7 degrees of freedom, to 17 digits
  CHECK(ci.half_width == doctest::Approx(t7 * 2.138089935299395 / std::sqrt(8.0)).epsilon(1e-13));
  CHECK(ci.min == 2.0);
  CHECK(ci.max == 9.0);

  ConfidenceInterval one = confidence_interval({3.0, nan});
  CHECK(one.n == 1);
  CHECK(one.mean == 3.0);
  CHECK(std::isnan(one.half_width));

  ConfidenceInterval none = confidence_interval({nan});
  CHECK(none.n == 0);
  CHECK(std::isnan(none.mean));
  CHECK(std::isnan(none.half_width));

  ConfidenceInterval constant = confidence_interval({1.5, 1.5, 1.5});
  CHECK(constant.sd == 0.0);
  CHECK(constant.half_width == 0.0);
}

TEST_CASE("the 95% interval of 10 normal values covers the true mean in 95% of 2,000 experiments") {
  const double true_mean = 5.0, sd = 2.0;
  const int experiments = 2000;
  int covered = 0, covered_by_normal_quantile = 0;
  for (int e = 0; e < experiments; ++e) {
    RandomStream rs(99, static_cast<std::uint32_t>(e), 0, "coverage");
    std::vector<double> v(10);
    for (double& x : v) x = rs.normal(true_mean, sd);
    ConfidenceInterval ci = confidence_interval(v);
    if (std::fabs(ci.mean - true_mean) <= ci.half_width) ++covered;
    if (std::fabs(ci.mean - true_mean) <= 1.959964 * ci.sd / std::sqrt(10.0)) ++covered_by_normal_quantile;
  }
  double coverage = covered / static_cast<double>(experiments);
  CHECK(coverage >= 0.935);
  CHECK(coverage <= 0.965);
  // The test can tell: with the normal quantile instead of Student's the interval covers only about 92%.
  CHECK(covered_by_normal_quantile / static_cast<double>(experiments) < 0.935);
}

TEST_CASE("Welch's test gives the p-value scipy gives") {
  // t = -2 with 8 degrees of freedom: p = 1 - x sum_j C(2j, j) (1 - x^2)^j / 4^j, x = 2 / sqrt(12), j < 4.
  CHECK(welch_p_value({1, 2, 3, 4, 5}, {3, 4, 5, 6, 7}) == doctest::Approx(0.08051623795726257).epsilon(1e-10));
  // Unequal sizes and variances: t = -3.4503 with 6.8833 degrees of freedom
  // (scipy.stats.ttest_ind(a, b, equal_var=False).pvalue).
  CHECK(welch_p_value({10.1, 9.8, 10.4, 10.0, 9.9, 10.3}, {10.6, 10.9, 10.2, 11.1, 10.7}) ==
        doctest::Approx(0.010972491131293864).epsilon(1e-9));
  // The test is symmetric, and undefined values are skipped.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(welch_p_value({3, 4, 5, 6, 7}, {1, 2, 3, 4, 5}) == doctest::Approx(0.08051623795726257).epsilon(1e-10));
  CHECK(welch_p_value({1, nan, 2, 3, 4, 5}, {3, 4, 5, 6, 7, nan}) ==
        doctest::Approx(0.08051623795726257).epsilon(1e-10));
}

TEST_CASE("Welch's test handles samples without spread") {
  // One constant sample: t = 1 / sqrt(1/3) with 2 degrees of freedom, p = 1 - sqrt(3/5).
  CHECK(welch_p_value({1, 1, 1}, {1, 2, 3}) == doctest::Approx(1.0 - std::sqrt(0.6)).epsilon(1e-12));
  CHECK(std::isnan(welch_p_value({1, 1, 1}, {1, 1, 1})));
  CHECK(welch_p_value({1, 1, 1}, {2, 2, 2}) == 0.0);
  CHECK(std::isnan(welch_p_value({1}, {1, 2, 3})));
}

TEST_CASE("the paired t-test matches the closed form of Student's t with three degrees of freedom") {
  std::vector<double> a{1, 2, 3, 4}, b{1.5, 2.4, 3.6, 4.4};
  // Differences -0.5, -0.4, -0.6, -0.4: mean -0.475, sd sqrt(0.0275 / 3).
  double t = 0.475 / (std::sqrt(0.0275 / 3.0) / 2.0);
  // For 3 degrees of freedom, P(|T| > t) = 1 - (2/pi) (theta + sin theta cos theta), theta = atan(t / sqrt 3).
  double theta = std::atan(t / std::sqrt(3.0));
  double expected = 1.0 - 2.0 / M_PI * (theta + std::sin(theta) * std::cos(theta));
  CHECK(paired_p_value(a, b) == doctest::Approx(expected).epsilon(1e-10));
  // A shift that is the same in every pair is certain; no difference at all is not a test.
  CHECK(paired_p_value({1, 2, 3}, {2, 3, 4}) == 0.0);
  CHECK(std::isnan(paired_p_value({1, 2, 3}, {1, 2, 3})));
  // Pairs with a NaN are skipped.
  CHECK(std::isnan(paired_p_value({1, NAN}, {2, 3})));
}
