// The two numerical methods SWMM 5.2 solves its equations with: Newton-Raphson safeguarded by bisection (its
// findroot.c) and fifth-order Runge-Kutta-Cash-Karp integration with adaptive steps (its odesolve.c).
#pragma once

#include <algorithm>
#include <cmath>

namespace citytwin::models::drainage {

/// Finds the root of f bracketed by x1 and x2 (f(x1) ≤ 0 ≤ f(x2): swap them if f(x1) > f(x2)), starting from `x`
/// and refining it until a step is below `tolerance`. `eval(x, f, df)` gives f and its derivative. Returns the number
/// of evaluations, or 0 when 60 iterations did not converge; `x` holds the last estimate either way.
template <class Eval>
int find_root_newton(double x1, double x2, double& x, double tolerance, Eval&& eval) {
  constexpr int MAX_ITERATIONS = 60;
  int n = 0;
  double lo = x1, hi = x2, dx_old = std::fabs(x2 - x1), dx = dx_old, f = 0.0, df = 0.0;
  eval(x, f, df);
  ++n;
  for (int j = 1; j <= MAX_ITERATIONS; ++j) {
    // Bisect when Newton would leave the bracket or does not shrink fast enough.
    if (((x - hi) * df - f) * ((x - lo) * df - f) >= 0.0 || std::fabs(2.0 * f) > std::fabs(dx_old * df)) {
      dx_old = dx;
      dx = 0.5 * (hi - lo);
      x = lo + dx;
      if (lo == x) break;
    } else {
      dx_old = dx;
      dx = f / df;
      const double before = x;
      x -= dx;
      if (before == x) break;
    }
    if (std::fabs(dx) < tolerance) break;
    eval(x, f, df);
    ++n;
    if (f < 0.0) lo = x;
    else hi = x;
  }
  return n <= MAX_ITERATIONS ? n : 0;
}

/// Integrates dy/dt = derivative(y) for one unknown from t = 0 to `duration` with relative accuracy `eps`, the first
/// step being the whole interval, by Cash-Karp Runge-Kutta steps whose size adapts to the error estimate. Returns
/// false (leaving `y` as it was) if the step size underflows or 10,000 steps do not reach the end.
template <class Derivative>
bool integrate_ode(double& y, double duration, double eps, Derivative&& derivative) {
  constexpr int MAX_STEPS = 10000;
  constexpr double TINY = 1.0e-30, SAFETY = 0.9, PGROW = -0.2, PSHRINK = -0.25, ERRCON = 1.89e-4;
  constexpr double A2 = 0.2, A3 = 0.3, A4 = 0.6, A5 = 1.0, A6 = 0.875;
  constexpr double B21 = 0.2, B31 = 3.0 / 40.0, B32 = 9.0 / 40.0, B41 = 0.3, B42 = -0.9, B43 = 1.2;
  constexpr double B51 = -11.0 / 54.0, B52 = 2.5, B53 = -70.0 / 27.0, B54 = 35.0 / 27.0;
  constexpr double B61 = 1631.0 / 55296.0, B62 = 175.0 / 512.0, B63 = 575.0 / 13824.0, B64 = 44275.0 / 110592.0,
                   B65 = 253.0 / 4096.0;
  constexpr double C1 = 37.0 / 378.0, C3 = 250.0 / 621.0, C4 = 125.0 / 594.0, C6 = 512.0 / 1771.0;
  constexpr double DC1 = C1 - 2825.0 / 27648.0, DC3 = C3 - 18575.0 / 48384.0, DC4 = C4 - 13525.0 / 55296.0,
                   DC5 = -277.0 / 14336.0, DC6 = C6 - 0.25;
  (void)A2, (void)A3, (void)A4, (void)A5, (void)A6;  // the derivative does not depend on time here

  double t = 0.0, h = duration, v = y;
  for (int step = 1; step <= MAX_STEPS; ++step) {
    const double dydt = derivative(v);
    const double scale = std::fabs(v) + std::fabs(dydt * h) + TINY;
    if ((t + h - duration) * (t + h) > 0.0) h = duration - t;

    // One error-controlled step: shrink it until the estimated error is within eps.
    double next_h = 0.0, v_new = 0.0;
    for (;;) {
      const double k2 = derivative(v + B21 * h * dydt);
      const double k3 = derivative(v + h * (B31 * dydt + B32 * k2));
      const double k4 = derivative(v + h * (B41 * dydt + B42 * k2 + B43 * k3));
      const double k5 = derivative(v + h * (B51 * dydt + B52 * k2 + B53 * k3 + B54 * k4));
      const double k6 = derivative(v + h * (B61 * dydt + B62 * k2 + B63 * k3 + B64 * k4 + B65 * k5));
      v_new = v + h * (C1 * dydt + C3 * k3 + C4 * k4 + C6 * k6);
      const double err = h * (DC1 * dydt + DC3 * k3 + DC4 * k4 + DC5 * k5 + DC6 * k6);
      const double errmax = std::fabs(err / scale) / eps;
      if (errmax <= 1.0) {
        next_h = errmax > ERRCON ? SAFETY * h * std::pow(errmax, PGROW) : 5.0 * h;
        break;
      }
      const double shrunk = SAFETY * h * std::pow(errmax, PSHRINK);
      h = h >= 0.0 ? std::max(shrunk, 0.1 * h) : std::min(shrunk, 0.1 * h);
      if (t + h == t) return false;
    }
    t += h;
    v = v_new;
    if ((t - duration) * duration >= 0.0) {
      y = v;
      return true;
    }
    if (std::fabs(next_h) <= 0.0) return false;
    h = next_h;
  }
  return false;
}

}  // namespace citytwin::models::drainage
