// The KPI table and JSON summary of a run.
#include "app/Report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <regex>
#include <sstream>

#include "sim/Statistics.hpp"

namespace citytwin::app {

namespace {
int decimals_for(double x) {
  double a = std::fabs(x);
  if (a >= 100 || a == 0.0) return 0;
  if (a >= 10) return 1;
  if (a >= 1) return 2;
  if (a >= 0.1) return 3;
  return 4;
}

std::string fixed(double x, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

// UTF-8 strings are measured in code points for alignment.
std::size_t width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string pad(const std::string& s, std::size_t w, bool left) {
  std::size_t n = width(s);
  std::string fill(w > n ? w - n : 0, ' ');
  return left ? s + fill : fill + s;
}

// One value per replication, NaN where the replication has none, so that replication k pairs with k.
std::vector<double> values_of(const sim::VariantResults& v, const std::string& kpi) {
  std::vector<double> out;
  for (const auto& r : v.replications) {
    double x = NAN;
    for (const auto& k : r.kpis)
      if (k.name == kpi) x = k.value;
    out.push_back(x);
  }
  return out;
}

// A derived KPI: its value and its interval, which need not be symmetric; an unbounded end is "never" (a
// payback that the interval of net savings does not exclude from never coming).
std::string derived_cell(const sim::KpiSummary& k) {
  auto text = [](double x, int d) { return std::isinf(x) ? std::string("never") : fixed(x, d); };
  const double scale = std::isfinite(k.mean) ? std::fabs(k.mean) : (std::isfinite(k.ci_low) ? std::fabs(k.ci_low) : 0.0);
  const int d = decimals_for(scale);
  std::string cell = text(k.mean, d);
  if (!std::isnan(k.ci_low) && !std::isnan(k.ci_high)) cell += " [" + text(k.ci_low, d) + ", " + text(k.ci_high, d) + "]";
  return cell;
}

// Replication k of every option runs on the same random streams (common random numbers), so options are
// compared pair by pair; without pairs, Welch's test.
double p_value(const sim::VariantResults& a, const sim::VariantResults& b, const std::string& kpi) {
  std::vector<double> x = values_of(a, kpi), y = values_of(b, kpi);
  if (x.size() == y.size()) return sim::paired_p_value(x, y);
  return sim::welch_p_value(x, y);
}
}  // namespace

std::string format_number(double x) {
  if (std::isnan(x)) return "-";
  return fixed(x, decimals_for(x));
}

std::vector<std::string> kpi_names(const sim::RunResults& results) {
  // Every variant's KPIs, in their order: one an option alone has goes after the KPI it follows there.
  std::vector<std::string> names;
  for (const auto& v : results.variants) {
    std::size_t at = 0;
    for (const auto& s : v.summary) {
      auto it = std::find(names.begin(), names.end(), s.name);
      if (it != names.end()) {
        at = static_cast<std::size_t>(it - names.begin()) + 1;
      } else {
        names.insert(names.begin() + static_cast<std::ptrdiff_t>(at), s.name);
        ++at;
      }
    }
  }
  return names;
}

std::string kpi_table(const sim::RunResults& results, bool mark_significance, const std::string& only) {
  if (results.variants.empty()) return "";
  const auto& first = results.variants.front();
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header{"KPI"};
  for (const auto& v : results.variants) header.push_back(v.label);
  rows.push_back(header);
  bool any_mark = false;
  std::regex pattern(only.empty() ? std::string(".*") : only);
  for (const std::string& name : kpi_names(results)) {
    if (!std::regex_search(name, pattern)) continue;
    const bool first_has = std::any_of(first.summary.begin(), first.summary.end(),
                                       [&](const auto& s) { return s.name == name && s.n > 0; });
    std::vector<std::string> row{name};
    for (std::size_t vi = 0; vi < results.variants.size(); ++vi) {
      const auto& v = results.variants[vi];
      auto it = std::find_if(v.summary.begin(), v.summary.end(), [&](const auto& s) { return s.name == name; });
      if (it == v.summary.end() || it->n == 0) {
        row.push_back("-");
        continue;
      }
      if (it->derived) {
        row.push_back(derived_cell(*it));
        continue;
      }
      int d = decimals_for(std::max(std::fabs(it->mean), std::isnan(it->half_width) ? 0.0 : it->half_width));
      std::string cell = fixed(it->mean, d);
      if (!std::isnan(it->half_width)) cell += " ± " + fixed(it->half_width, d);
      if (mark_significance && vi > 0 && first_has) {
        double p = p_value(first, v, name);
        if (!(p < 0.05)) {
          cell = "~" + cell;
          any_mark = true;
        }
      }
      row.push_back(cell);
    }
    rows.push_back(row);
  }

  // Align: KPI names left, numbers right.
  std::vector<std::size_t> w(header.size(), 0);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) w[c] = std::max(w[c], width(r[c]));
  std::ostringstream out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t c = 0; c < rows[i].size(); ++c) out << (c ? "  " : "") << pad(rows[i][c], w[c], c == 0);
    out << '\n';
    if (i == 0) {
      std::size_t total = 0;
      for (std::size_t c = 0; c < w.size(); ++c) total += w[c] + (c ? 2 : 0);
      out << std::string(total, '-') << '\n';
    }
  }
  out << "\nmean ± half-width of the 95% confidence interval over " << results.replications << " replications";
  if (mark_significance && any_mark)
    out << "\n~ : not significantly different from the first column (paired t-test over replications run on "
           "common random numbers, 5% level)";
  out << '\n';
  return out.str();
}

sim::Json summary_json(const sim::RunResults& results) {
  sim::Json j;
  j["scenario"] = results.scenario_file;
  j["seed"] = results.seed;
  j["replications"] = results.replications;
  j["version"] = results.version;
  sim::Json variants = sim::Json::array();
  // JSON has neither NaN nor infinity: both are null (undefined, or no bound of a derived KPI's interval).
  auto num = [](double x) { return std::isfinite(x) ? sim::Json(x) : sim::Json(nullptr); };
  for (const auto& v : results.variants) {
    sim::Json jv;
    jv["label"] = v.label;
    jv["option"] = v.option;
    jv["sweep_point"] = v.sweep_point;
    sim::Json kpis = sim::Json::object();
    for (const auto& s : v.summary) {
      kpis[s.name] = {{"unit", s.unit},
                      {"n", s.n},
                      {"mean", num(s.mean)},
                      {"sd", num(s.sd)},
                      {"half_width", num(s.half_width)},
                      {"ci_low", num(s.low())},
                      {"ci_high", num(s.high())}};
      if (s.derived) kpis[s.name]["derived"] = true;
    }
    jv["kpis"] = kpis;
    variants.push_back(jv);
  }
  j["variants"] = variants;
  return j;
}

}  // namespace citytwin::app
