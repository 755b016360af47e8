// EM estimation of the spatio-temporal Hawkes process and its observed-information standard errors.
#include "models/hazards/HawkesFit.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

#include "sim/Check.hpp"

namespace citytwin::models {
namespace {

constexpr double TIME_CUT = 20.0;  // pairs beyond 20/omega in time are left out (weight below e^-20)
constexpr double SPACE_CUT = 6.5;  // and beyond 6.5 sigma in space (e^-21)

/// The pairs (i, j), j earlier than i, close enough in time and space to matter, for the parameters they
/// were gathered with; gathered again when omega or sigma moves far enough to need more.
struct Pairs {
  std::vector<std::uint32_t> i, j;
  std::vector<double> dt, d2;
  double omega = 0.0, sigma = 0.0;  // the cut-offs were TIME_CUT/omega and SPACE_CUT sigma

  void gather(const HawkesFitInput& in, double omega_per_s, double sigma_m) {
    omega = omega_per_s;
    sigma = sigma_m;
    i.clear(), j.clear(), dt.clear(), d2.clear();
    const auto& ev = in.events;
    const double t_cut = TIME_CUT / omega, d2_cut = SPACE_CUT * SPACE_CUT * sigma * sigma;
    for (std::size_t a = 0; a < ev.size(); ++a)
      for (std::size_t b = a; b-- > 0;) {
        double t = ev[a].t_s - ev[b].t_s;
        if (t > t_cut) break;
        double dx = ev[a].p.x_m - ev[b].p.x_m, dy = ev[a].p.y_m - ev[b].p.y_m;
        double r2 = dx * dx + dy * dy;
        if (r2 > d2_cut) continue;
        i.push_back(static_cast<std::uint32_t>(a));
        j.push_back(static_cast<std::uint32_t>(b));
        dt.push_back(t);
        d2.push_back(r2);
      }
  }
  /// Whether the pairs still hold every pair that matters for these parameters.
  bool cover(double omega_per_s, double sigma_m) const { return omega_per_s >= omega && sigma_m <= sigma; }
  std::size_t size() const { return i.size(); }
};

/// Gathers pairs for parameters, with room for them to move: omega down by a third, sigma up by a quarter.
void ensure(Pairs& pairs, const HawkesFitInput& in, double omega, double sigma) {
  if (pairs.size() > 0 && pairs.cover(omega, sigma)) return;
  pairs.gather(in, omega / 1.5, sigma * 1.25);
}

/// The triggering kernel theta omega e^(-omega dt) g(d) of each pair.
void kernel(const Pairs& pairs, double theta, double omega, double sigma, std::vector<double>& out) {
  const double norm = theta * omega / (2.0 * std::numbers::pi * sigma * sigma), half = 1.0 / (2.0 * sigma * sigma);
  out.resize(pairs.size());
  for (std::size_t k = 0; k < pairs.size(); ++k) out[k] = norm * std::exp(-omega * pairs.dt[k] - pairs.d2[k] * half);
}

/// sum_j (1 - exp(-omega tau_j)) and sum_j tau_j exp(-omega tau_j), tau_j = T - t_j.
std::array<double, 2> edge_sums(const HawkesFitInput& in, double omega) {
  double s0 = 0.0, s1 = 0.0;
  for (const auto& e : in.events) {
    double tau = in.horizon_s - e.t_s;
    double x = std::exp(-omega * tau);
    s0 += 1.0 - x;
    s1 += tau * x;
  }
  return {s0, s1};
}

double log_likelihood(const HawkesFitInput& in, Pairs& pairs, double mu, double theta, double omega, double sigma) {
  if (!(mu > 0 && theta >= 0 && omega > 0 && sigma > 0)) return -std::numeric_limits<double>::infinity();
  ensure(pairs, in, omega, sigma);
  std::vector<double> k;
  kernel(pairs, theta, omega, sigma, k);
  std::vector<double> lambda(in.events.size());
  for (std::size_t i = 0; i < lambda.size(); ++i) lambda[i] = mu * in.background_density[i];
  for (std::size_t p = 0; p < k.size(); ++p) lambda[pairs.i[p]] += k[p];
  double ll = 0.0;
  for (double l : lambda) ll += std::log(l);
  return ll - mu * in.background_integral_s - theta * edge_sums(in, omega)[0];
}

}  // namespace

double hawkes_log_likelihood(const HawkesFitInput& in, double mu, double theta, double omega, double sigma) {
  Pairs pairs;
  return log_likelihood(in, pairs, mu, theta, omega, sigma);
}

HawkesEstimate fit_hawkes(const HawkesFitInput& in, const HawkesFitOptions& options) {
  CITYTWIN_CHECK(in.background_density.size() == in.events.size(), "fit_hawkes(): one background density per event");
  CITYTWIN_CHECK(in.background_integral_s > 0 && in.horizon_s > 0, "fit_hawkes(): empty window");
  const std::size_t n = in.events.size();
  HawkesEstimate est;
  double mu = 0.5 * static_cast<double>(n) / in.background_integral_s;
  double theta = options.theta, omega = options.omega_per_s, sigma = options.sigma_m;
  std::vector<double> lambda(n), background(n);
  // Pairs gathered for the parameters (and room to move); gathered again if the estimate moves beyond.

  Pairs pairs;
  std::vector<double> weight;
  for (est.iterations = 1; est.iterations <= options.max_iterations; ++est.iterations) {
    // E-step: each event's intensity, background and triggered parts; the share each part has of it.
    ensure(pairs, in, omega, sigma);
    kernel(pairs, theta, omega, sigma, weight);
    for (std::size_t i = 0; i < n; ++i) background[i] = lambda[i] = mu * in.background_density[i];
    for (std::size_t p = 0; p < weight.size(); ++p) lambda[pairs.i[p]] += weight[p];
    double s_background = 0.0, s_trigger = 0.0, s_dt = 0.0, s_d2 = 0.0;
    for (std::size_t i = 0; i < n; ++i) s_background += background[i] / lambda[i];
    for (std::size_t p = 0; p < weight.size(); ++p) {
      double share = weight[p] / lambda[pairs.i[p]];
      s_trigger += share;
      s_dt += share * pairs.dt[p];
      s_d2 += share * pairs.d2[p];
    }

    // M-step. mu and sigma in closed form; omega maximises
    //   S log omega - omega D - S log(sum_j (1 - exp(-omega tau_j))),
    // whose derivative S/omega - D - S sum_j tau_j e^(-omega tau_j) / sum_j (1 - e^(-omega tau_j)) falls
    // with omega: bisection on log omega. Then theta = S / sum_j (1 - exp(-omega tau_j)).
    double new_mu = s_background / in.background_integral_s;
    double new_sigma = s_trigger > 0 ? std::sqrt(s_d2 / (2.0 * s_trigger)) : sigma;
    double new_omega = omega, new_theta = 0.0;
    if (s_trigger > 1e-12) {
      auto slope = [&](double w) {
        auto [s0, s1] = edge_sums(in, w);
        return s_trigger / w - s_dt - s_trigger * s1 / s0;
      };
      double lo = std::log(omega) - 12.0, hi = std::log(omega) + 12.0;
      for (int k = 0; k < 80; ++k) {
        double mid = 0.5 * (lo + hi);
        (slope(std::exp(mid)) > 0 ? lo : hi) = mid;
      }
      new_omega = std::exp(0.5 * (lo + hi));
      new_theta = s_trigger / edge_sums(in, new_omega)[0];
    }
    double change = std::max({std::abs(new_mu - mu) / mu, std::abs(new_theta - theta) / std::max(theta, 1e-6),
                              std::abs(new_omega - omega) / omega, std::abs(new_sigma - sigma) / sigma});
    mu = new_mu;
    theta = new_theta;
    omega = new_omega;
    sigma = new_sigma;
    if (change < options.tolerance) {
      est.converged = true;
      break;
    }
  }
  est.iterations = std::min(est.iterations, options.max_iterations);
  est.mu_per_s = mu;
  est.theta = theta;
  est.omega_per_s = omega;
  est.sigma_m = sigma;
  est.log_likelihood = log_likelihood(in, pairs, mu, theta, omega, sigma);

  // Standard errors: the observed information, by central differences of the log-likelihood with steps
  // proportional to each parameter.
  std::array<double, 4> x = {mu, theta, omega, sigma};
  std::array<double, 4> h;
  for (int k = 0; k < 4; ++k) h[static_cast<std::size_t>(k)] = 1e-4 * std::max(std::abs(x[static_cast<std::size_t>(k)]), 1e-12);
  auto ll = [&](std::array<double, 4> y) { return log_likelihood(in, pairs, y[0], y[1], y[2], y[3]); };
  Eigen::Matrix4d hess;
  const double f0 = est.log_likelihood;
  for (std::size_t a = 0; a < 4; ++a)
    for (std::size_t b = a; b < 4; ++b) {
      double v;
      if (a == b) {
        auto up = x, down = x;
        up[a] += h[a];
        down[a] -= h[a];
        v = (ll(up) - 2.0 * f0 + ll(down)) / (h[a] * h[a]);
      } else {
        auto pp = x, pm = x, mp = x, mm = x;
        pp[a] += h[a], pp[b] += h[b];
        pm[a] += h[a], pm[b] -= h[b];
        mp[a] -= h[a], mp[b] += h[b];
        mm[a] -= h[a], mm[b] -= h[b];
        v = (ll(pp) - ll(pm) - ll(mp) + ll(mm)) / (4.0 * h[a] * h[b]);
      }
      hess(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = v;
      hess(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(a)) = v;
    }
  Eigen::Matrix4d info = -hess;
  Eigen::FullPivLU<Eigen::Matrix4d> lu(info);
  if (lu.isInvertible()) {
    Eigen::Matrix4d cov = lu.inverse();
    auto se = [&](int k) { return std::sqrt(std::max(cov(k, k), 0.0)); };
    est.se_mu = se(0);
    est.se_theta = se(1);
    est.se_omega = se(2);
    est.se_sigma = se(3);
  }
  return est;
}

}  // namespace citytwin::models
