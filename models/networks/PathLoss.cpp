// Mean radio path loss: the log-distance model and Okumura-Hata's urban formula.
#include <algorithm>
#include <cmath>

#include "models/networks/Network.hpp"

namespace citytwin::models {

double PathLoss::mean_db(double distance_m) const {
  const double d = std::max(distance_m, 1.0);
  switch (model) {
    case Model::LOG_DISTANCE:
      return pl_d0_db + 10.0 * exponent * std::log10(d / d0_m);
    case Model::OKUMURA_HATA: {
      // Hata (1980), urban area, small and medium city: mobile antenna correction a(hm), then
      // L = 69.55 + 26.16 log f - 13.82 log hb - a(hm) + (44.9 - 6.55 log hb) log d  (f in MHz, d in km).
      const double log_f = std::log10(frequency_mhz);
      const double log_hb = std::log10(gateway_height_m);
      const double a_hm = (1.1 * log_f - 0.7) * device_height_m - (1.56 * log_f - 0.8);
      return 69.55 + 26.16 * log_f - 13.82 * log_hb - a_hm + (44.9 - 6.55 * log_hb) * std::log10(d / 1000.0);
    }
  }
  return 0.0;
}

double PathLoss::range_m(double max_loss_db) const {
  if (mean_db(1.0) > max_loss_db) return 0.0;
  // Grow an upper bound, then bisect: both models increase with distance.
  double lo = 1.0, hi = 2.0;
  while (mean_db(hi) <= max_loss_db && hi < 1e8) {
    lo = hi;
    hi *= 2.0;
  }
  for (int i = 0; i < 100 && hi - lo > 1e-6 * hi; ++i) {
    double mid = 0.5 * (lo + hi);
    (mean_db(mid) <= max_loss_db ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace citytwin::models
