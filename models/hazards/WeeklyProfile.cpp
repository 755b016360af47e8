// Weekly profiles: normalised hourly and daily weights.
#include "models/hazards/WeeklyProfile.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace citytwin::models {
namespace {

std::vector<double> normalised(const std::vector<double>& w, std::size_t n, const char* what) {
  if (w.size() != n) throw std::invalid_argument(std::string("WeeklyProfile: ") + what + " needs " + std::to_string(n) + " weights");
  double sum = std::accumulate(w.begin(), w.end(), 0.0);
  if (!(sum > 0.0)) throw std::invalid_argument(std::string("WeeklyProfile: ") + what + " weights sum to zero");
  double mean = sum / static_cast<double>(w.size());
  std::vector<double> out(w);
  for (double& x : out) x /= mean;
  return out;
}

}  // namespace

WeeklyProfile::WeeklyProfile() : hourly_(24, 1.0), daily_(7, 1.0) {}

WeeklyProfile::WeeklyProfile(const std::vector<double>& hourly, const std::vector<double>& weekly)
    : hourly_(normalised(hourly, 24, "the hourly profile")), daily_(normalised(weekly, 7, "the weekly profile")) {
  max_ = *std::max_element(hourly_.begin(), hourly_.end()) * *std::max_element(daily_.begin(), daily_.end());
}

double WeeklyProfile::integral_s(double t_s) const {
  // Whole hours, then the part of the last one.
  double hours = std::floor(t_s / 3600.0);
  double sum = 0.0;
  auto whole = static_cast<std::int64_t>(hours);
  std::int64_t week_hours = 24 * 7;
  double week_sum = 0.0;
  for (std::int64_t h = 0; h < week_hours; ++h)
    week_sum += hourly_[static_cast<std::size_t>(h % 24)] * daily_[static_cast<std::size_t>(h / 24)];
  sum += static_cast<double>(whole / week_hours) * week_sum * 3600.0;
  for (std::int64_t h = whole / week_hours * week_hours; h < whole; ++h)
    sum += hourly_[static_cast<std::size_t>(h % 24)] * daily_[static_cast<std::size_t>((h / 24) % 7)] * 3600.0;
  std::int64_t last = whole % week_hours;
  sum += hourly_[static_cast<std::size_t>(last % 24)] * daily_[static_cast<std::size_t>(last / 24)] * (t_s - hours * 3600.0);
  return sum;
}

}  // namespace citytwin::models
