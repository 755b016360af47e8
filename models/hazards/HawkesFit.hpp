// Maximum-likelihood estimation of a spatio-temporal Hawkes process by expectation-maximisation.
#pragma once

#include <cstddef>
#include <vector>

#include "models/hazards/HawkesProcess.hpp"

namespace citytwin::models {

/// What the estimator is given besides the events.
struct HawkesFitInput {
  std::vector<HawkesEvent> events;  ///< sorted by time (only t_s and p are used)
  double horizon_s = 0.0;           ///< observation window [0, horizon_s)
  /// The background's shape at each event: the background intensity there is mu x b_i (per second per m²).
  /// It must be the true shape, zero where no background event can happen: a triggered event outside the
  /// background's area taken as possible background biases theta and sigma down strongly.
  std::vector<double> background_density;
  /// The integral of that shape over the window and the town (seconds): the expected background count is
  /// mu x this. For a flat profile and a density integrating to 1 over the town, it is horizon_s.
  double background_integral_s = 0.0;
};

/// Where the iterations start, and when they stop.
struct HawkesFitOptions {
  double theta = 0.3;
  double omega_per_s = 1.0 / 86400.0;
  double sigma_m = 200.0;
  int max_iterations = 2000;
  double tolerance = 1e-7;  ///< stop when no parameter moves by more than this share of its value
};

/// The estimate with its standard errors (from the observed information: the inverse of the negative
/// Hessian of the log-likelihood at the estimate).
struct HawkesEstimate {
  double mu_per_s = 0.0, theta = 0.0, omega_per_s = 0.0, sigma_m = 0.0;
  double se_mu = 0.0, se_theta = 0.0, se_omega = 0.0, se_sigma = 0.0;
  double log_likelihood = 0.0;
  int iterations = 0;
  bool converged = false;
};

/// Fits mu, theta, omega and sigma by the EM algorithm for branching processes (Veen and Schoenberg 2008;
/// Mohler et al. 2011), each event's parent being the missing data. E-step: the probability that event i
/// is background or was triggered by an earlier j. M-step: mu = expected background count / its integral;
/// sigma² = the weighted mean squared offset / 2; theta and omega jointly maximise the expected
/// complete-data log-likelihood, with the compensator's edge term theta sum_j (1 - exp(-omega (T - t_j))).
/// Pairs farther apart than 20/omega in time or 6.5 sigma in space are left out (their weight is below
/// e^-20).
HawkesEstimate fit_hawkes(const HawkesFitInput& input, const HawkesFitOptions& options = {});

/// The log-likelihood of the parameters for the data (the triggering kernel integrates to 1 over the plane).
double hawkes_log_likelihood(const HawkesFitInput& input, double mu_per_s, double theta, double omega_per_s,
                             double sigma_m);

}  // namespace citytwin::models
