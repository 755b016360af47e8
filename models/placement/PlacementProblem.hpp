// Where to put k sensors among candidate sites: monotone submodular objectives, lazy greedy, exact MILP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/RandomStream.hpp"

namespace citytwin::models {

/// A placement problem over weighted samples (simulated shots, leaks, floods), each valued by the set of
/// chosen sites S. Two objectives, both monotone and submodular, so that lazy greedy is within (1 - 1/e)
/// of the optimum (Nemhauser, Wolsey and Fisher 1978):
/// - truncated coverage: sample j is worth w_j min(|S ∩ C_j|, cap) / cap, C_j the sites that cover it
///   ("heard by at least 3 microphones" is not submodular; its truncation is);
/// - facility location: sample j is worth w_j max over i in S of v_ij (the best warning any chosen gauge
///   gives), 0 when no chosen site serves it.
class PlacementProblem {
 public:
  /// `covering[j]` lists the candidate sites covering sample j (indices below `candidates`).
  static PlacementProblem coverage(std::size_t candidates, const std::vector<std::vector<std::uint32_t>>& covering,
                                   std::vector<double> weights, std::uint32_t cap);
  /// `values[j]` lists (site, value >= 0) for the sites that serve sample j.
  static PlacementProblem facility(std::size_t candidates,
                                   const std::vector<std::vector<std::pair<std::uint32_t, double>>>& values,
                                   std::vector<double> weights);

  bool is_coverage() const { return cap_ > 0; }
  std::uint32_t cap() const { return cap_; }
  std::size_t candidates() const { return site_offsets_.size() - 1; }
  std::size_t samples() const { return weights_.size(); }
  const std::vector<double>& weights() const { return weights_; }
  /// The objective of a set of sites (duplicates count once), normalised by the total weight: in [0, 1].
  double value(const std::vector<std::uint32_t>& sites) const;

  /// The samples site i serves, with the value it gives (1 for coverage), as CSR rows by site.
  std::size_t site_begin(std::uint32_t i) const { return site_offsets_[i]; }
  std::size_t site_end(std::uint32_t i) const { return site_offsets_[i + 1]; }
  std::uint32_t entry_sample(std::size_t k) const { return entry_sample_[k]; }
  double entry_value(std::size_t k) const { return entry_value_[k]; }

 private:
  void build(std::size_t candidates, const std::vector<std::vector<std::pair<std::uint32_t, double>>>& by_sample);
  std::vector<double> weights_;
  double total_weight_ = 0.0;
  std::uint32_t cap_ = 0;  // 0: facility location
  std::vector<std::size_t> site_offsets_;
  std::vector<std::uint32_t> entry_sample_;
  std::vector<double> entry_value_;
};

/// Chosen sites and what they are worth.
struct Placement {
  std::vector<std::uint32_t> sites;  ///< in the order chosen
  double value = 0.0;                ///< the normalised objective
  /// An upper bound on the optimum from the greedy run: f(S) plus the k largest marginal gains left
  /// (Leskovec et al. 2007), at most 1. Only from `place_greedy`.
  double upper_bound = 1.0;
  std::size_t evaluations = 0;       ///< marginal gains computed
};

/// Lazy greedy (CELF, Leskovec et al. 2007): k sites one at a time, each the largest marginal gain, gains
/// re-evaluated only when they might be the largest. Ties go to the lower site index.
Placement place_greedy(const PlacementProblem& problem, std::size_t k);

/// k distinct sites drawn uniformly.
Placement place_random(const PlacementProblem& problem, std::size_t k, sim::RandomStream& rng);

/// The MILP optimum (GLPK's branch and cut), started from the greedy solution.
struct ExactPlacement {
  Placement best;
  bool optimal = false;     ///< proved optimal within the time limit
  double bound = 1.0;       ///< upper bound on the optimum (the LP relaxation's, or the optimum itself)
  double seconds = 0.0;
};
/// Solves max sum_j w_j y_j s.t. y_j <= sum_{i in C_j} x_i, y_j <= cap, sum x_i = k (coverage), or
/// max sum_j w_j sum_i v_ij z_ij s.t. sum_i z_ij <= 1, z_ij <= x_i, sum x_i = k (facility location),
/// x binary. Throws std::runtime_error when GLPK fails.
ExactPlacement place_exact(const PlacementProblem& problem, std::size_t k, double time_limit_s = 60.0);

}  // namespace citytwin::models
