// BattLeDIM's score: true and false positives by time window and pipe distance, euros for the water saved.
#include "models/water/LeakScore.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>

namespace citytwin::models::water {

PipeDistances::PipeDistances(const WaterNetwork& net) : net_(net), adjacent_(net.nodes.size()) {
  for (const Link& l : net.links) {
    const double w = l.kind == LinkKind::PIPE || l.kind == LinkKind::CV_PIPE ? l.length_m : 0.0;
    adjacent_[l.from].emplace_back(l.to, w);
    adjacent_[l.to].emplace_back(l.from, w);
  }
}

std::vector<double> PipeDistances::from_node(int source) const {
  std::vector<double> dist(net_.nodes.size(), std::numeric_limits<double>::infinity());
  using Item = std::pair<double, int>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  dist[source] = 0.0;
  queue.emplace(0.0, source);
  while (!queue.empty()) {
    const auto [d, n] = queue.top();
    queue.pop();
    if (d > dist[n]) continue;
    for (const auto& [m, w] : adjacent_[n])
      if (d + w < dist[m]) {
        dist[m] = d + w;
        queue.emplace(dist[m], m);
      }
  }
  return dist;
}

double PipeDistances::between(int a, int b) const {
  if (a == b) return 0.0;
  const Link& la = net_.links[a];
  const Link& lb = net_.links[b];
  const double half_a = la.kind == LinkKind::PIPE || la.kind == LinkKind::CV_PIPE ? la.length_m / 2 : 0.0;
  const double half_b = lb.kind == LinkKind::PIPE || lb.kind == LinkKind::CV_PIPE ? lb.length_m / 2 : 0.0;
  double best = std::numeric_limits<double>::infinity();
  for (int end_a : {la.from, la.to}) {
    const std::vector<double> d = from_node(end_a);
    for (int end_b : {lb.from, lb.to}) best = std::min(best, half_a + d[end_b] + half_b);
  }
  return best;
}

LeakScore score_battledim(const std::vector<Leak>& leaks, const LeakVolumes& volumes,
                          const std::vector<LeakDetection>& detections, const PipeDistances& distances,
                          const ScoreRules& rules) {
  LeakScore s;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s.delay_s.assign(leaks.size(), nan);
  s.distance_m.assign(leaks.size(), nan);
  for (std::size_t i = 0; i < leaks.size(); ++i)
    s.perfect_eur += volumes.lost_after(static_cast<int>(i), std::max<std::int64_t>(leaks[i].start_s, 0)) *
                     rules.water_eur_per_m3;

  // Detections in time order; each takes the nearest leak still unfound whose window holds it.
  std::vector<LeakDetection> order = detections;
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.time_s < b.time_s; });
  std::vector<bool> found(leaks.size(), false);
  for (const LeakDetection& det : order) {
    int match = -1;
    double match_distance = 0.0;
    for (std::size_t i = 0; i < leaks.size(); ++i) {
      if (found[i] || det.time_s < leaks[i].start_s || det.time_s > leaks[i].end_s) continue;
      const double dist = distances.between(det.pipe, leaks[i].pipe);
      if (dist <= rules.max_distance_m && (match < 0 || dist < match_distance)) {
        match = static_cast<int>(i);
        match_distance = dist;
      }
    }
    if (match < 0) {
      ++s.false_positives;
      s.score_eur -= rules.false_alarm_eur;
      continue;
    }
    found[match] = true;
    ++s.true_positives;
    s.delay_s[match] = static_cast<double>(det.time_s - std::max<std::int64_t>(leaks[match].start_s, 0));
    s.distance_m[match] = match_distance;
    s.score_eur += volumes.lost_after(match, det.time_s) * rules.water_eur_per_m3 -
                   match_distance / rules.max_distance_m * rules.crew_eur;
  }
  s.missed = static_cast<int>(leaks.size()) - s.true_positives;
  s.share = s.perfect_eur > 0.0 ? s.score_eur / s.perfect_eur : 0.0;
  return s;
}

}  // namespace citytwin::models::water
