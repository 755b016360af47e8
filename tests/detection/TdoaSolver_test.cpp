// Tests of TDOA multilateration: exact arrivals, the bias and spread under timing noise, late echoes.
#include "models/detection/TdoaSolver.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace citytwin::detection;

namespace {

constexpr double C = 343.0;

/// Arrivals at `mics` of a sound emitted at (x, y) at time t0, with per-arrival extra delays.
std::vector<Arrival> arrivals_from(const std::vector<std::pair<double, double>>& mics, double x, double y, double t0,
                                   const std::vector<double>& extra_s = {}) {
  std::vector<Arrival> out;
  for (std::size_t i = 0; i < mics.size(); ++i) {
    double d = std::hypot(mics[i].first - x, mics[i].second - y);
    out.push_back({mics[i].first, mics[i].second, t0 + d / C + (i < extra_s.size() ? extra_s[i] : 0.0)});
  }
  return out;
}

TdoaSettings settings(double sigma_s = 0.001, double max_range_m = 0.0) {
  TdoaSettings s;
  s.speed_of_sound_m_per_s = C;
  s.timing_sigma_s = sigma_s;
  s.max_range_m = max_range_m;
  return s;
}

/// A street-corner layout: microphones about 400 m apart, as acoustic gunshot systems space them.
const std::vector<std::pair<double, double>> GRID = {{0, 0},     {400, 0},   {800, 30},  {20, 410},
                                                     {420, 390}, {790, 400}, {10, 800},  {400, 820}};

}  // namespace

TEST_CASE("exact arrivals at three to eight microphones locate the source within a centimetre") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-100.0, 900.0);
  for (std::size_t n : {3u, 4u, 5u, 8u}) {
    std::vector<std::pair<double, double>> mics(GRID.begin(), GRID.begin() + static_cast<std::ptrdiff_t>(n));
    int located = 0;
    for (int k = 0; k < 200; ++k) {
      double x = u(rng), y = u(rng);
      TdoaFix fix = locate_tdoa(arrivals_from(mics, x, y, 12.5), settings(0.001, 2000.0));
      REQUIRE(fix.ok);
      double err = std::hypot(fix.x_m - x, fix.y_m - y);
      // Three arrivals fit two positions exactly: the nearer one is chosen, so some sources outside the
      // triangle come out at the mirror position. Count how often the true one is found.
      if (n > 3) {
        CHECK_MESSAGE(err < 0.01, "n=" << n << " source " << x << "," << y << " error " << err);
        CHECK(std::abs(fix.t0_s - 12.5) < 1e-6);
      }
      located += err < 0.01;
    }
    if (n == 3) CHECK(located >= 150);
    MESSAGE(n << " microphones: " << located << "/200 within 1 cm");
  }
}

TEST_CASE("three microphones around the source give the exact position") {
  std::vector<std::pair<double, double>> mics = {{0, 0}, {500, 0}, {250, 430}};
  for (auto [x, y] : std::vector<std::pair<double, double>>{{250, 150}, {100, 50}, {300, 300}, {250, 10}}) {
    TdoaFix fix = locate_tdoa(arrivals_from(mics, x, y, 3.0), settings());
    REQUIRE(fix.ok);
    CHECK(std::hypot(fix.x_m - x, fix.y_m - y) < 0.01);
    CHECK(fix.inliers == 3);
  }
}

TEST_CASE("fewer than three arrivals give no fix") {
  CHECK_FALSE(locate_tdoa(arrivals_from({{0, 0}, {100, 0}}, 50, 50, 0), settings()).ok);
  CHECK_FALSE(locate_tdoa({}, settings()).ok);
}

TEST_CASE("under timing noise the fix is unbiased and its spread matches the predicted covariance") {
  // 2 ms of timing error at six microphones around a source: over 2,000 draws the mean error is within
  // four standard errors of zero and the variance along each axis within 10% of sigma^2 (J'J)^-1.
  std::vector<std::pair<double, double>> mics(GRID.begin(), GRID.begin() + 6);
  const double x = 350, y = 260, sigma = 0.002;
  std::mt19937_64 rng(11);
  std::normal_distribution<double> noise(0.0, sigma);
  const int n = 2000;
  double sx = 0, sy = 0, sxx = 0, syy = 0, pred_xx = 0, pred_yy = 0;
  for (int k = 0; k < n; ++k) {
    std::vector<Arrival> a = arrivals_from(mics, x, y, 0.0);
    for (auto& e : a) e.t_s += noise(rng);
    TdoaSettings s = settings(sigma);
    s.outlier_sigma = 1e9;  // Gaussian noise only: keep every arrival
    TdoaFix fix = locate_tdoa(a, s);
    REQUIRE(fix.ok);
    double dx = fix.x_m - x, dy = fix.y_m - y;
    sx += dx;
    sy += dy;
    sxx += dx * dx;
    syy += dy * dy;
    pred_xx += fix.cov_xx;
    pred_yy += fix.cov_yy;
  }
  double mx = sx / n, my = sy / n;
  double vx = sxx / n - mx * mx, vy = syy / n - my * my;
  pred_xx /= n;
  pred_yy /= n;
  MESSAGE("bias " << mx << ", " << my << " m; sd " << std::sqrt(vx) << ", " << std::sqrt(vy) << " m; predicted "
                  << std::sqrt(pred_xx) << ", " << std::sqrt(pred_yy));
  CHECK(std::abs(mx) < 4 * std::sqrt(vx / n));
  CHECK(std::abs(my) < 4 * std::sqrt(vy / n));
  CHECK(vx == doctest::Approx(pred_xx).epsilon(0.10));
  CHECK(vy == doctest::Approx(pred_yy).epsilon(0.10));
}

TEST_CASE("the 95% circle holds the true source about 95% of the time") {
  std::vector<std::pair<double, double>> mics(GRID.begin(), GRID.begin() + 5);
  std::mt19937_64 rng(5);
  std::normal_distribution<double> noise(0.0, 0.002);
  int inside = 0;
  const int n = 2000;
  for (int k = 0; k < n; ++k) {
    std::vector<Arrival> a = arrivals_from(mics, 500, 200, 0.0);
    for (auto& e : a) e.t_s += noise(rng);
    TdoaSettings s = settings(0.002);
    s.outlier_sigma = 1e9;
    TdoaFix fix = locate_tdoa(a, s);
    REQUIRE(fix.ok);
    inside += std::hypot(fix.x_m - 500, fix.y_m - 200) <= fix.radius95_m;
  }
  // The circle bounds the 95% ellipse, so it holds at least 95%; it is not loose by more than a few points.
  MESSAGE(inside << " of " << n << " sources inside their 95% circle");
  CHECK(inside >= static_cast<int>(0.94 * n));
  CHECK(inside <= static_cast<int>(0.995 * n));
}

TEST_CASE("a late echo at one of five or more microphones is left out and the source still found") {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(100.0, 700.0);
  std::uniform_int_distribution<std::size_t> pick(0, 5);
  std::normal_distribution<double> noise(0.0, 0.001);
  int good = 0;
  const int n = 300;
  for (int k = 0; k < n; ++k) {
    double x = u(rng), y = u(rng);
    std::vector<std::pair<double, double>> mics(GRID.begin(), GRID.begin() + 6);
    std::vector<double> extra(6, 0.0);
    std::size_t echo = pick(rng);
    extra[echo] = 0.03 + 0.05 * std::abs(noise(rng)) / 0.001;  // 10 m or more of extra path
    std::vector<Arrival> a = arrivals_from(mics, x, y, 1.0, extra);
    for (auto& e : a) e.t_s += noise(rng);
    TdoaFix fix = locate_tdoa(a, settings(0.001, 2000.0));
    REQUIRE(fix.ok);
    bool dropped = !fix.inlier[echo] && fix.inliers == 5;
    good += dropped && std::hypot(fix.x_m - x, fix.y_m - y) < 5.0;
  }
  MESSAGE(good << "/" << n << " located within 5 m with the echo left out");
  CHECK(good >= static_cast<int>(0.97 * n));
}

TEST_CASE("without robustness a late echo drags the fix away") {
  std::vector<std::pair<double, double>> mics(GRID.begin(), GRID.begin() + 6);
  std::vector<Arrival> a = arrivals_from(mics, 300, 300, 0.0, {0, 0, 0.06, 0, 0, 0});
  TdoaSettings keep = settings(0.001);
  keep.outlier_sigma = 1e9;
  TdoaFix naive = locate_tdoa(a, keep);
  TdoaFix robust = locate_tdoa(a, settings(0.001));
  REQUIRE(naive.ok);
  REQUIRE(robust.ok);
  CHECK(std::hypot(naive.x_m - 300, naive.y_m - 300) > 5.0);
  CHECK(std::hypot(robust.x_m - 300, robust.y_m - 300) < 0.01);
  CHECK_FALSE(robust.inlier[2]);
}

TEST_CASE("three microphones in a line give no fix: mirror images across the line fit alike") {
  std::vector<std::pair<double, double>> line = {{0, 0}, {300, 0}, {700, 0}};
  TdoaSettings s = settings();
  // Levels by spreading alone: the same at both mirror images, so they cannot tell them apart either.
  std::vector<Arrival> a = arrivals_from(line, 250, 180, 0.0);
  s.implausibility = [&](double x, double y, const std::vector<bool>&) {
    double sum = 0, sum2 = 0;
    for (const auto& m : line) {
      double v = -20 * std::log10(std::hypot(m.first - 250, m.second - 180)) + 20 * std::log10(std::hypot(m.first - x, m.second - y));
      sum += v;
      sum2 += v * v;
    }
    return sum2 / 3 - (sum / 3) * (sum / 3);
  };
  TdoaFix fix = locate_tdoa(a, s);
  CHECK_FALSE(fix.ok);
  CHECK(fix.ambiguous);
  // A fourth microphone off the line breaks the symmetry.
  line.push_back({350, 400});
  TdoaFix four = locate_tdoa(arrivals_from(line, 250, 180, 0.0), settings());
  REQUIRE(four.ok);
  CHECK(std::hypot(four.x_m - 250, four.y_m - 180) < 0.01);
}

TEST_CASE("with three arrivals the levels heard choose the right one of the two positions that fit") {
  // Where the nearer-position rule picks the mirror image, the levels (spherical spreading) pick the source.
  std::vector<std::pair<double, double>> mics = {{0, 0}, {500, 0}, {250, 430}};
  std::mt19937_64 rng(21);
  std::uniform_real_distribution<double> u(-600.0, 1100.0);
  int cases = 0, right = 0;
  for (int k = 0; k < 400; ++k) {
    double x = u(rng), y = u(rng);
    std::vector<Arrival> a = arrivals_from(mics, x, y, 0.0);
    TdoaFix nearer = locate_tdoa(a, settings(0.001, 3000.0));
    if (!nearer.ok || std::hypot(nearer.x_m - x, nearer.y_m - y) < 1.0) continue;
    ++cases;
    TdoaSettings s = settings(0.001, 3000.0);
    s.implausibility = [&](double px, double py, const std::vector<bool>&) {
      double sum = 0, sum2 = 0;
      for (const auto& m : mics) {
        double level = 150 - 20 * std::log10(std::hypot(m.first - x, m.second - y));
        double v = level + 20 * std::log10(std::hypot(m.first - px, m.second - py));
        sum += v;
        sum2 += v * v;
      }
      return sum2 / 3 - (sum / 3) * (sum / 3);
    };
    TdoaFix by_level = locate_tdoa(a, s);
    right += by_level.ok && std::hypot(by_level.x_m - x, by_level.y_m - y) < 0.01;
  }
  MESSAGE(cases << " sources where the nearer position is the wrong one; the levels find " << right);
  CHECK(cases > 20);
  CHECK(right == cases);
}
