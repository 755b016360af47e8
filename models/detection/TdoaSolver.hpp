// Locating an impulsive sound from its arrival times at several microphones (time difference of arrival).
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace citytwin::detection {

/// One microphone's arrival: where the microphone is and when it heard the onset, in seconds on any
/// common clock (only differences matter).
struct Arrival {
  double x_m = 0.0;
  double y_m = 0.0;
  double t_s = 0.0;
};

/// How the solver treats its input.
struct TdoaSettings {
  double speed_of_sound_m_per_s = 340.3;  ///< assumed propagation speed (15 °C air)
  double timing_sigma_s = 0.002;          ///< standard deviation of one arrival's timing error
  /// An arrival whose residual exceeds this many standard deviations is an outlier (an echo arriving late
  /// because the direct path was blocked); it is left out while enough arrivals remain.
  double outlier_sigma = 4.0;
  int max_iterations = 60;                ///< Levenberg-Marquardt iterations per start
  /// A source cannot be farther than this from every microphone that heard it: it rejects solutions at
  /// infinity. 0: no limit.
  double max_range_m = 0.0;
  /// How implausible a position is by other evidence (the levels heard), lower is better: it settles the
  /// two-fold ambiguity of three arrivals, which fit two positions exactly. Empty: the position nearer to
  /// its microphones wins.
  std::function<double(double x_m, double y_m, const std::vector<bool>& used)> implausibility;
};

/// The located source.
struct TdoaFix {
  bool ok = false;                 ///< a fix was found (at least three consistent arrivals)
  bool ambiguous = false;          ///< two positions fit equally well and nothing tells them apart (no fix)
  double x_m = 0.0, y_m = 0.0;     ///< position, metres, in the microphones' frame
  double t0_s = 0.0;               ///< emission time on the arrivals' clock
  /// Covariance of (x, y) in m² from the timing error: sigma² (JᵀJ)⁻¹ at the fix.
  double cov_xx = 0.0, cov_xy = 0.0, cov_yy = 0.0;
  double radius95_m = 0.0;         ///< radius of the 95% error circle bounding the error ellipse
  double rms_residual_s = 0.0;     ///< root mean square of the inliers' residuals
  std::vector<bool> inlier;        ///< per arrival, whether it was used
  std::size_t inliers = 0;
};

/// Locates a source in 2-D from three or more arrivals (the emission time is unknown).
///
/// Steps: a closed-form start from the linearised range-difference equations (least squares with four or
/// more arrivals; with three, the two roots of the quadratic in the reference range); Levenberg-Marquardt
/// on the arrival-time residuals from each start, the centroid of the microphones as a further start; then,
/// while the residuals are inconsistent with the timing error and more than three arrivals remain, the
/// arrival whose removal explains the rest best (late arrivals first) is left out. Fewer than three
/// arrivals give no fix, nor do arrivals that fit two positions alike (microphones in a line).
TdoaFix locate_tdoa(const std::vector<Arrival>& arrivals, const TdoaSettings& settings);

}  // namespace citytwin::detection
