// TDOA multilateration: a closed-form start from the linearised equations, then Levenberg-Marquardt, robust
// to late arrivals.
#include "models/detection/TdoaSolver.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

namespace citytwin::detection {
namespace {

constexpr double CHI2_2DOF_95 = 5.991464547107979;  // 95% quantile of chi-square with 2 degrees of freedom

/// Arrivals in a well-conditioned frame: positions about their centroid, times as ranges in metres
/// (c t) after the earliest arrival.
struct Frame {
  std::vector<Eigen::Vector2d> mic;
  std::vector<double> range_m;  // c (t_i - t_min)
  Eigen::Vector2d origin = Eigen::Vector2d::Zero();
  double t_min_s = 0.0;
};

/// A candidate solution in the frame: position and emission "range" tau = c (t0 - t_min).
struct Candidate {
  Eigen::Vector2d p = Eigen::Vector2d::Zero();
  double tau = 0.0;
  double cost = std::numeric_limits<double>::infinity();  // sum of squared residuals, m²
  double max_range_m = 0.0;
  bool converged = false;
  bool ambiguous = false;
};

double distance(const Eigen::Vector2d& a, const Eigen::Vector2d& b) { return (a - b).norm(); }

/// Residual of arrival i at (p, tau), metres: positive when the sound came later than the direct path.
double residual(const Frame& f, std::size_t i, const Eigen::Vector2d& p, double tau) {
  return f.range_m[i] - tau - distance(p, f.mic[i]);
}

/// The best emission range for a position: the mean of (range - distance), which minimises the cost.
double best_tau(const Frame& f, const std::vector<std::size_t>& use, const Eigen::Vector2d& p) {
  double s = 0.0;
  for (std::size_t i : use) s += f.range_m[i] - distance(p, f.mic[i]);
  return s / static_cast<double>(use.size());
}

double cost_of(const Frame& f, const std::vector<std::size_t>& use, const Eigen::Vector2d& p, double tau) {
  double c = 0.0;
  for (std::size_t i : use) {
    double r = residual(f, i, p, tau);
    c += r * r;
  }
  return c;
}

/// Levenberg-Marquardt on (x, y, tau) from a start.
Candidate refine(const Frame& f, const std::vector<std::size_t>& use, Eigen::Vector2d p, int max_iterations) {
  double tau = best_tau(f, use, p);
  double cost = cost_of(f, use, p, tau);
  double lambda = 1e-3;
  bool converged = false;
  for (int it = 0; it < max_iterations && !converged; ++it) {
    // Normal equations of the linearised residuals.
    Eigen::Matrix3d jtj = Eigen::Matrix3d::Zero();
    Eigen::Vector3d jte = Eigen::Vector3d::Zero();
    for (std::size_t i : use) {
      Eigen::Vector2d d = p - f.mic[i];
      double rho = std::max(d.norm(), 1e-9);
      Eigen::Vector3d j(-d.x() / rho, -d.y() / rho, -1.0);
      double e = residual(f, i, p, tau);
      jtj += j * j.transpose();
      jte += j * e;
    }
    // Damped steps until one lowers the cost.
    bool improved = false;
    for (int tries = 0; tries < 30 && !improved; ++tries) {
      Eigen::Matrix3d a = jtj;
      for (int k = 0; k < 3; ++k) a(k, k) += lambda * std::max(jtj(k, k), 1e-12);
      Eigen::Vector3d step = a.ldlt().solve(-jte);
      if (!step.allFinite()) {
        lambda *= 10.0;
        continue;
      }
      Eigen::Vector2d np = p + step.head<2>();
      double ntau = tau + step(2);
      double ncost = cost_of(f, use, np, ntau);
      if (ncost <= cost) {
        converged = step.norm() < 1e-10 || cost - ncost <= 1e-15 * std::max(cost, 1.0);
        p = np;
        tau = ntau;
        cost = ncost;
        lambda = std::max(lambda / 10.0, 1e-12);
        improved = true;
      } else {
        lambda *= 10.0;
      }
    }
    if (!improved) converged = true;  // no step lowers the cost: a minimum within rounding
  }
  Candidate c;
  c.p = p;
  c.tau = tau;
  c.cost = cost;
  c.converged = converged;
  for (std::size_t i : use) c.max_range_m = std::max(c.max_range_m, distance(p, f.mic[i]));
  return c;
}

/// Closed-form starts: with reference arrival 0 (the earliest used), range differences d_i give
/// 2 (m_i - m_0)·p + 2 d_i R_0 = |m_i|² - |m_0|² - d_i², linear in p for a given reference range R_0, and
/// |p - m_0| = R_0 closes it as a quadratic in R_0. With four or more arrivals the unconstrained least
/// squares in (p, R_0) is a further start.
std::vector<Eigen::Vector2d> closed_form_starts(const Frame& f, const std::vector<std::size_t>& use) {
  std::vector<Eigen::Vector2d> starts;
  std::size_t ref = use.front();
  for (std::size_t i : use)
    if (f.range_m[i] < f.range_m[ref]) ref = i;
  const std::size_t n = use.size() - 1;
  Eigen::MatrixXd ap(n, 2);
  Eigen::VectorXd ar(n), b(n);
  std::size_t row = 0;
  const Eigen::Vector2d& m0 = f.mic[ref];
  for (std::size_t i : use) {
    if (i == ref) continue;
    double d = f.range_m[i] - f.range_m[ref];
    ap.row(static_cast<Eigen::Index>(row)) = 2.0 * (f.mic[i] - m0).transpose();
    ar(static_cast<Eigen::Index>(row)) = 2.0 * d;
    b(static_cast<Eigen::Index>(row)) = f.mic[i].squaredNorm() - m0.squaredNorm() - d * d;
    ++row;
  }
  // p = u0 - v R0 with the least-squares inverse of the position block (needs two independent directions).
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(ap);
  if (qr.rank() == 2) {
    Eigen::Vector2d u = qr.solve(b) - m0;
    Eigen::Vector2d v = qr.solve(ar);
    double qa = v.squaredNorm() - 1.0, qb = -2.0 * u.dot(v), qc = u.squaredNorm();
    std::vector<double> roots;
    if (std::abs(qa) < 1e-12) {
      if (std::abs(qb) > 1e-12) roots.push_back(-qc / qb);
    } else {
      double disc = qb * qb - 4.0 * qa * qc;
      if (disc >= 0) {
        double s = std::sqrt(disc);
        roots.push_back((-qb + s) / (2.0 * qa));
        roots.push_back((-qb - s) / (2.0 * qa));
      } else {
        roots.push_back(-qb / (2.0 * qa));  // nearest to a root: noise made the quadratic miss zero
      }
    }
    for (double r0 : roots)
      if (r0 >= 0 && std::isfinite(r0)) starts.push_back(m0 + u - v * r0);
  }
  if (n >= 3) {
    Eigen::MatrixXd a(n, 3);
    a << ap, ar;
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> full(a);
    if (full.rank() == 3) starts.push_back(full.solve(b).head<2>());
  }
  return starts;
}

/// The best solution from every start with these arrivals. Among solutions that fit equally well (three
/// arrivals fit two positions exactly) the one nearer to its microphones wins; beyond the range limit none.
Candidate solve(const Frame& f, const std::vector<std::size_t>& use, const TdoaSettings& s) {
  std::vector<Eigen::Vector2d> starts = closed_form_starts(f, use);
  Eigen::Vector2d centroid = Eigen::Vector2d::Zero();
  for (std::size_t i : use) centroid += f.mic[i];
  starts.push_back(centroid / static_cast<double>(use.size()));
  // Starting just beside the first microphone to hear it catches sources inside the array; rings around it
  // catch sources off a line of microphones (where the centroid's gradient has no component across it).
  std::size_t first = use.front();
  for (std::size_t i : use)
    if (f.range_m[i] < f.range_m[first]) first = i;
  starts.push_back(f.mic[first] + 0.5 * (starts.back() - f.mic[first]));
  for (double radius : {150.0, 500.0})
    for (int k = 0; k < 8; ++k) {
      double a = k * std::numbers::pi / 4.0 + 0.3;
      starts.push_back(f.mic[first] + radius * Eigen::Vector2d(std::cos(a), std::sin(a)));
    }

  const double sigma_m = s.speed_of_sound_m_per_s * s.timing_sigma_s;
  std::vector<Candidate> found;
  for (const auto& start : starts) {
    Candidate c = refine(f, use, start, s.max_iterations);
    if (!std::isfinite(c.cost)) continue;
    if (s.max_range_m > 0 && c.max_range_m > s.max_range_m) continue;
    found.push_back(c);
  }
  if (found.empty()) return {};
  double best = std::numeric_limits<double>::infinity();
  for (const auto& c : found) best = std::min(best, c.cost);
  // The least-squares fit; exact ties (three arrivals fit two positions) go to the more plausible one by
  // other evidence, else to the one nearer its microphones.
  const double tie = 1e-6 * sigma_m * sigma_m + 1e-12;
  std::vector<bool> used(f.mic.size(), false);
  for (std::size_t i : use) used[i] = true;
  auto score = [&](const Candidate& c) {
    if (!s.implausibility) return c.max_range_m;
    return s.implausibility(c.p.x() + f.origin.x(), c.p.y() + f.origin.y(), used);
  };
  Candidate pick;
  double pick_score = std::numeric_limits<double>::infinity();
  for (const auto& c : found) {
    if (c.cost > best + tie) continue;
    double sc = score(c);
    if (sc < pick_score) {
      pick = c;
      pick_score = sc;
    }
  }
  // A tie the evidence cannot break (microphones in a line hear mirror images alike) is ambiguous.
  for (const auto& c : found)
    if (c.cost <= best + tie && (c.p - pick.p).norm() > 1.0 && std::abs(score(c) - pick_score) <= 1e-9 * (1.0 + std::abs(pick_score)))
      pick.ambiguous = true;
  return pick;
}

}  // namespace

TdoaFix locate_tdoa(const std::vector<Arrival>& arrivals, const TdoaSettings& settings) {
  TdoaFix fix;
  fix.inlier.assign(arrivals.size(), false);
  if (arrivals.size() < 3) return fix;
  const double c = settings.speed_of_sound_m_per_s;
  const double sigma_m = c * settings.timing_sigma_s;

  // The frame: centroid origin, ranges after the earliest arrival.
  Frame f;
  f.origin = Eigen::Vector2d::Zero();
  f.t_min_s = arrivals.front().t_s;
  for (const Arrival& a : arrivals) {
    f.origin += Eigen::Vector2d(a.x_m, a.y_m);
    f.t_min_s = std::min(f.t_min_s, a.t_s);
  }
  f.origin /= static_cast<double>(arrivals.size());
  for (const Arrival& a : arrivals) {
    f.mic.push_back(Eigen::Vector2d(a.x_m, a.y_m) - f.origin);
    f.range_m.push_back(c * (a.t_s - f.t_min_s));
  }

  std::vector<std::size_t> use(arrivals.size());
  std::iota(use.begin(), use.end(), std::size_t{0});
  Candidate best = solve(f, use, settings);
  auto consistent = [&](const Candidate& cand, const std::vector<std::size_t>& u) {
    if (!std::isfinite(cand.cost)) return false;
    for (std::size_t i : u)
      if (std::abs(residual(f, i, cand.p, cand.tau)) > settings.outlier_sigma * sigma_m) return false;
    return true;
  };

  // Leave out arrivals while the rest disagree with the timing error: the removal that leaves the best fit,
  // an arrival later than that fit predicts (an echo) before an early one.
  while (use.size() > 3 && !consistent(best, use)) {
    struct Option {
      std::size_t drop;
      Candidate fit;
      bool late;
    };
    std::vector<Option> options;
    for (std::size_t k = 0; k < use.size(); ++k) {
      std::vector<std::size_t> rest = use;
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(k));
      Candidate fit = solve(f, rest, settings);
      if (!std::isfinite(fit.cost)) continue;
      bool late = residual(f, use[k], fit.p, fit.tau) > settings.outlier_sigma * sigma_m;
      options.push_back({k, fit, late});
    }
    if (options.empty()) break;
    auto better = [&](const Option& a, const Option& b) {
      if (a.late != b.late) return a.late;
      const double tie = 1e-6 * sigma_m * sigma_m + 1e-12;
      return a.fit.cost < b.fit.cost - tie || (a.fit.cost <= b.fit.cost + tie && a.fit.max_range_m < b.fit.max_range_m);
    };
    const Option* pick = &options.front();
    for (const auto& o : options)
      if (better(o, *pick)) pick = &o;
    use.erase(use.begin() + static_cast<std::ptrdiff_t>(pick->drop));
    best = pick->fit;
  }
  if (!std::isfinite(best.cost)) return fix;
  if (best.ambiguous) {
    fix.ambiguous = true;
    return fix;
  }

  // Position, time and the covariance of the position from the timing error.
  Eigen::Matrix3d jtj = Eigen::Matrix3d::Zero();
  for (std::size_t i : use) {
    Eigen::Vector2d d = best.p - f.mic[i];
    double rho = std::max(d.norm(), 1e-9);
    Eigen::Vector3d j(-d.x() / rho, -d.y() / rho, -1.0);
    jtj += j * j.transpose();
  }
  Eigen::FullPivLU<Eigen::Matrix3d> lu(jtj);
  if (!lu.isInvertible()) return fix;
  Eigen::Matrix3d cov = lu.inverse() * (sigma_m * sigma_m);
  Eigen::Matrix2d cxy = cov.topLeftCorner<2, 2>();
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> eig(cxy);
  double lmax = std::max(eig.eigenvalues().maxCoeff(), 0.0);

  fix.ok = true;
  fix.x_m = best.p.x() + f.origin.x();
  fix.y_m = best.p.y() + f.origin.y();
  fix.t0_s = f.t_min_s + best.tau / c;
  fix.cov_xx = cxy(0, 0);
  fix.cov_xy = cxy(0, 1);
  fix.cov_yy = cxy(1, 1);
  fix.radius95_m = std::sqrt(CHI2_2DOF_95 * lmax);
  fix.rms_residual_s = std::sqrt(best.cost / static_cast<double>(use.size())) / c;
  for (std::size_t i : use) fix.inlier[i] = true;
  fix.inliers = use.size();
  return fix;
}

}  // namespace citytwin::detection
