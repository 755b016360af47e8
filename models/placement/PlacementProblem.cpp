// Placement: the objectives, lazy greedy, random placement and the exact MILP with GLPK.
#include "models/placement/PlacementProblem.hpp"

#include <glpk.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <queue>
#include <stdexcept>
#include <string>

#include "sim/Check.hpp"

namespace citytwin::models {

PlacementProblem PlacementProblem::coverage(std::size_t candidates,
                                            const std::vector<std::vector<std::uint32_t>>& covering,
                                            std::vector<double> weights, std::uint32_t cap) {
  CITYTWIN_CHECK(cap >= 1, "PlacementProblem::coverage(): cap >= 1");
  CITYTWIN_CHECK(covering.size() == weights.size(), "PlacementProblem::coverage(): one weight per sample");
  std::vector<std::vector<std::pair<std::uint32_t, double>>> by_sample(covering.size());
  for (std::size_t j = 0; j < covering.size(); ++j) {
    std::vector<std::uint32_t> sites = covering[j];
    std::sort(sites.begin(), sites.end());
    sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
    for (std::uint32_t i : sites) by_sample[j].emplace_back(i, 1.0);
  }
  PlacementProblem p;
  p.cap_ = cap;
  p.weights_ = std::move(weights);
  p.build(candidates, by_sample);
  return p;
}

PlacementProblem PlacementProblem::facility(std::size_t candidates,
                                            const std::vector<std::vector<std::pair<std::uint32_t, double>>>& values,
                                            std::vector<double> weights) {
  CITYTWIN_CHECK(values.size() == weights.size(), "PlacementProblem::facility(): one weight per sample");
  PlacementProblem p;
  p.weights_ = std::move(weights);
  p.build(candidates, values);
  return p;
}

void PlacementProblem::build(std::size_t candidates,
                             const std::vector<std::vector<std::pair<std::uint32_t, double>>>& by_sample) {
  total_weight_ = std::accumulate(weights_.begin(), weights_.end(), 0.0);
  CITYTWIN_CHECK(total_weight_ > 0, "PlacementProblem: the weights sum to zero");
  // Transpose to rows by site.
  site_offsets_.assign(candidates + 1, 0);
  for (const auto& row : by_sample)
    for (const auto& [i, v] : row) {
      CITYTWIN_CHECK(i < candidates && v >= 0, "PlacementProblem: a site index out of range or a negative value");
      ++site_offsets_[i + 1];
    }
  for (std::size_t i = 0; i < candidates; ++i) site_offsets_[i + 1] += site_offsets_[i];
  entry_sample_.resize(site_offsets_.back());
  entry_value_.resize(site_offsets_.back());
  std::vector<std::size_t> fill(site_offsets_.begin(), site_offsets_.end() - 1);
  for (std::size_t j = 0; j < by_sample.size(); ++j)
    for (const auto& [i, v] : by_sample[j]) {
      entry_sample_[fill[i]] = static_cast<std::uint32_t>(j);
      entry_value_[fill[i]++] = v;
    }
}

double PlacementProblem::value(const std::vector<std::uint32_t>& sites) const {
  std::vector<std::uint32_t> unique = sites;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  std::vector<double> state(samples(), 0.0);  // coverage count, or best value
  for (std::uint32_t i : unique)
    for (std::size_t k = site_begin(i); k < site_end(i); ++k) {
      double& s = state[entry_sample_[k]];
      s = is_coverage() ? s + 1.0 : std::max(s, entry_value_[k]);
    }
  double total = 0.0;
  for (std::size_t j = 0; j < samples(); ++j)
    total += weights_[j] * (is_coverage() ? std::min(state[j], static_cast<double>(cap_)) / cap_ : state[j]);
  return total / total_weight_;
}

namespace {

/// Marginal gains against the state of the chosen sites so far.
struct GainState {
  const PlacementProblem& p;
  std::vector<double> state;
  double gain(std::uint32_t i) const {
    double g = 0.0;
    for (std::size_t k = p.site_begin(i); k < p.site_end(i); ++k) {
      std::uint32_t j = p.entry_sample(k);
      if (p.is_coverage())
        g += state[j] < p.cap() ? p.weights()[j] / p.cap() : 0.0;
      else
        g += p.weights()[j] * std::max(0.0, p.entry_value(k) - state[j]);
    }
    return g;
  }
  void add(std::uint32_t i) {
    for (std::size_t k = p.site_begin(i); k < p.site_end(i); ++k) {
      double& s = state[p.entry_sample(k)];
      s = p.is_coverage() ? s + 1.0 : std::max(s, p.entry_value(k));
    }
  }
};

double total_weight(const PlacementProblem& p) {
  return std::accumulate(p.weights().begin(), p.weights().end(), 0.0);
}

}  // namespace

Placement place_greedy(const PlacementProblem& problem, std::size_t k) {
  Placement out;
  const std::size_t n = problem.candidates();
  k = std::min(k, n);
  GainState g{problem, std::vector<double>(problem.samples(), 0.0)};
  // A max-heap of (gain bound, -site, round the bound was computed in).
  struct Entry {
    double gain;
    std::uint32_t site;
    std::size_t round;
    bool operator<(const Entry& o) const { return gain < o.gain || (gain == o.gain && site > o.site); }
  };
  std::priority_queue<Entry> heap;
  for (std::uint32_t i = 0; i < n; ++i) {
    heap.push({g.gain(i), i, 0});
    ++out.evaluations;
  }
  while (out.sites.size() < k && !heap.empty()) {
    Entry top = heap.top();
    heap.pop();
    if (top.round == out.sites.size()) {
      // Up to date and the largest: submodularity says no stale bound can beat it.
      out.sites.push_back(top.site);
      g.add(top.site);
      continue;
    }
    heap.push({g.gain(top.site), top.site, out.sites.size()});
    ++out.evaluations;
  }
  const double w = total_weight(problem);
  out.value = problem.value(out.sites);
  // The data-dependent bound: f(S) + the k largest current marginal gains.
  std::vector<double> gains;
  std::vector<bool> chosen(n, false);
  for (std::uint32_t i : out.sites) chosen[i] = true;
  for (std::uint32_t i = 0; i < n; ++i)
    if (!chosen[i]) gains.push_back(g.gain(i));
  std::sort(gains.rbegin(), gains.rend());
  double extra = 0.0;
  for (std::size_t i = 0; i < std::min(k, gains.size()); ++i) extra += gains[i];
  out.upper_bound = std::min(1.0, out.value + extra / w);
  return out;
}

Placement place_random(const PlacementProblem& problem, std::size_t k, sim::RandomStream& rng) {
  const std::size_t n = problem.candidates();
  k = std::min(k, n);
  std::vector<std::uint32_t> all(n);
  std::iota(all.begin(), all.end(), 0u);
  // A partial Fisher-Yates shuffle.
  for (std::size_t i = 0; i < k; ++i) {
    std::size_t j = i + rng.uniform_int(static_cast<std::uint32_t>(n - i));
    std::swap(all[i], all[j]);
  }
  Placement out;
  out.sites.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k));
  out.value = problem.value(out.sites);
  return out;
}

namespace {

struct Heuristic {
  const std::vector<double>* solution;  // 1-based column values
  bool given = false;
};

void offer_greedy(glp_tree* tree, void* info) {
  auto* h = static_cast<Heuristic*>(info);
  if (glp_ios_reason(tree) == GLP_IHEUR && !h->given) {
    h->given = true;
    glp_ios_heur_sol(tree, h->solution->data());
  }
}

}  // namespace

ExactPlacement place_exact(const PlacementProblem& problem, std::size_t k, double time_limit_s) {
  auto started = std::chrono::steady_clock::now();
  const std::size_t n = problem.candidates(), m = problem.samples();
  k = std::min(k, n);
  Placement greedy = place_greedy(problem, k);
  const double w = total_weight(problem);

  glp_term_out(GLP_OFF);
  glp_prob* lp = glp_create_prob();
  struct Free {
    glp_prob* p;
    ~Free() { glp_delete_prob(p); }
  } guard{lp};
  glp_set_obj_dir(lp, GLP_MAX);

  // Columns: x_i (sites) first, then y_j (coverage) or z_ij (facility: one per site-sample entry).
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0.0};
  glp_add_cols(lp, static_cast<int>(n));
  for (std::size_t i = 0; i < n; ++i) {
    glp_set_col_kind(lp, static_cast<int>(i + 1), GLP_BV);
    glp_set_obj_coef(lp, static_cast<int>(i + 1), 0.0);
  }
  // Row 1: sum x_i = k.
  glp_add_rows(lp, 1);
  glp_set_row_bnds(lp, 1, GLP_FX, static_cast<double>(k), static_cast<double>(k));
  for (std::size_t i = 0; i < n; ++i) {
    ia.push_back(1);
    ja.push_back(static_cast<int>(i + 1));
    ar.push_back(1.0);
  }
  std::vector<double> start(1 + n, 0.0);
  for (std::uint32_t i : greedy.sites) start[1 + i] = 1.0;

  if (problem.is_coverage()) {
    const double cap = problem.cap();
    int first_y = glp_add_cols(lp, static_cast<int>(m));
    int first_row = glp_add_rows(lp, static_cast<int>(m));
    std::vector<double> covered(m, 0.0);
    for (std::uint32_t i : greedy.sites)
      for (std::size_t e = problem.site_begin(i); e < problem.site_end(i); ++e) covered[problem.entry_sample(e)] += 1;
    for (std::size_t j = 0; j < m; ++j) {
      int y = first_y + static_cast<int>(j), row = first_row + static_cast<int>(j);
      glp_set_col_bnds(lp, y, GLP_DB, 0.0, cap);
      glp_set_obj_coef(lp, y, problem.weights()[j] / cap / w);
      glp_set_row_bnds(lp, row, GLP_UP, 0.0, 0.0);  // y_j - sum x_i <= 0
      ia.push_back(row);
      ja.push_back(y);
      ar.push_back(1.0);
      start.push_back(std::min(covered[j], cap));
    }
    for (std::uint32_t i = 0; i < n; ++i)
      for (std::size_t e = problem.site_begin(i); e < problem.site_end(i); ++e) {
        ia.push_back(first_row + static_cast<int>(problem.entry_sample(e)));
        ja.push_back(static_cast<int>(i + 1));
        ar.push_back(-1.0);
      }
  } else {
    // Sum over sites of z_ij <= 1 per sample; z_ij <= x_i per entry.
    int first_sample_row = glp_add_rows(lp, static_cast<int>(m));
    for (std::size_t j = 0; j < m; ++j) glp_set_row_bnds(lp, first_sample_row + static_cast<int>(j), GLP_UP, 0.0, 1.0);
    std::size_t entries = 0;
    for (std::uint32_t i = 0; i < n; ++i) entries += problem.site_end(i) - problem.site_begin(i);
    int first_z = glp_add_cols(lp, static_cast<int>(entries));
    int first_link = glp_add_rows(lp, static_cast<int>(entries));
    // The greedy start: each sample served by its best chosen site.
    std::vector<double> best(m, 0.0);
    std::vector<std::size_t> best_entry(m, SIZE_MAX);
    std::vector<bool> chosen(n, false);
    for (std::uint32_t i : greedy.sites) chosen[i] = true;
    for (std::uint32_t i = 0; i < n; ++i)
      for (std::size_t e = problem.site_begin(i); e < problem.site_end(i); ++e)
        if (chosen[i] && problem.entry_value(e) > best[problem.entry_sample(e)]) {
          best[problem.entry_sample(e)] = problem.entry_value(e);
          best_entry[problem.entry_sample(e)] = e;
        }
    start.resize(1 + n + entries, 0.0);
    std::size_t e = 0;
    for (std::uint32_t i = 0; i < n; ++i)
      for (std::size_t q = problem.site_begin(i); q < problem.site_end(i); ++q, ++e) {
        int z = first_z + static_cast<int>(e), link = first_link + static_cast<int>(e);
        std::uint32_t j = problem.entry_sample(q);
        glp_set_col_bnds(lp, z, GLP_DB, 0.0, 1.0);
        glp_set_obj_coef(lp, z, problem.weights()[j] * problem.entry_value(q) / w);
        ia.push_back(first_sample_row + static_cast<int>(j));
        ja.push_back(z);
        ar.push_back(1.0);
        glp_set_row_bnds(lp, link, GLP_UP, 0.0, 0.0);  // z - x <= 0
        ia.push_back(link);
        ja.push_back(z);
        ar.push_back(1.0);
        ia.push_back(link);
        ja.push_back(static_cast<int>(i + 1));
        ar.push_back(-1.0);
        if (best_entry[j] == q) start[static_cast<std::size_t>(z)] = 1.0;
      }
  }
  glp_load_matrix(lp, static_cast<int>(ia.size() - 1), ia.data(), ja.data(), ar.data());

  // The LP relaxation first (its optimum bounds the MILP's), then branch and cut from the greedy solution.
  glp_smcp smcp;
  glp_init_smcp(&smcp);
  smcp.msg_lev = GLP_MSG_OFF;
  if (glp_simplex(lp, &smcp) != 0 || glp_get_status(lp) != GLP_OPT)
    throw std::runtime_error("place_exact(): GLPK's simplex found no optimum of the LP relaxation");
  ExactPlacement out;
  out.bound = std::min(1.0, glp_get_obj_val(lp));
  Heuristic h{&start};
  glp_iocp iocp;
  glp_init_iocp(&iocp);
  iocp.msg_lev = GLP_MSG_OFF;
  iocp.cb_func = offer_greedy;
  iocp.cb_info = &h;
  iocp.tm_lim = static_cast<int>(std::min(time_limit_s, 2.0e6) * 1000.0);
  iocp.mir_cuts = GLP_ON;
  iocp.gmi_cuts = GLP_ON;
  int rc = glp_intopt(lp, &iocp);
  int status = glp_mip_status(lp);
  if (rc != 0 && rc != GLP_ETMLIM)
    throw std::runtime_error("place_exact(): GLPK's branch and cut failed (glp_intopt code " + std::to_string(rc) + ")");
  if (status == GLP_OPT || status == GLP_FEAS) {
    for (std::size_t i = 0; i < n; ++i)
      if (glp_mip_col_val(lp, static_cast<int>(i + 1)) > 0.5) out.best.sites.push_back(static_cast<std::uint32_t>(i));
    out.best.value = problem.value(out.best.sites);
  }
  if (out.best.value < greedy.value) out.best = greedy;  // never worse than its start
  out.optimal = rc == 0 && status == GLP_OPT;
  if (out.optimal) out.bound = out.best.value;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace citytwin::models
