// Tests of the KPI table and the JSON summary.
#include "app/Report.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace citytwin;

namespace {
sim::VariantResults variant(const std::string& label, std::vector<double> values) {
  sim::VariantResults v;
  v.label = v.option = label;
  for (std::size_t k = 0; k < values.size(); ++k) {
    sim::ReplicationResults r;
    r.replication = static_cast<std::uint32_t>(k);
    r.kpis.push_back({"wait_s", "s", "Wait.", values[k]});
    v.replications.push_back(r);
  }
  v.summary.push_back({"wait_s", "s", "Wait.", 0, 0, 0, 0, 0, 0});
  // mean and interval from the values, as the runner would
  double m = 0;
  for (double x : values) m += x;
  m /= static_cast<double>(values.size());
  v.summary[0].n = values.size();
  v.summary[0].mean = m;
  v.summary[0].half_width = 1.0;
  return v;
}
}  // namespace

TEST_CASE("numbers are shown with about three significant figures") {
  CHECK(app::format_number(612.4) == "612");
  CHECK(app::format_number(45.27) == "45.3");
  CHECK(app::format_number(1.234) == "1.23");
  CHECK(app::format_number(0.01234) == "0.0123");
  CHECK(app::format_number(NAN) == "-");
}

TEST_CASE("the KPI table has one column per variant and marks differences that are not significant") {
  sim::RunResults r;
  r.replications = 4;
  r.variants.push_back(variant("A", {10, 11, 9, 10}));
  r.variants.push_back(variant("B", {10.2, 10.9, 9.1, 10.1}));  // the same, within noise
  r.variants.push_back(variant("C", {20, 21, 19, 20}));         // clearly different
  std::string t = app::kpi_table(r, true);
  CHECK(t.find("wait_s") != std::string::npos);
  CHECK(t.find("10.0 ± 1.0") != std::string::npos);
  CHECK(t.find("~10.1 ± 1.0") != std::string::npos);
  CHECK(t.find("~20") == std::string::npos);
  CHECK(t.find("not significantly different") != std::string::npos);
}

TEST_CASE("the JSON summary carries every KPI with its interval and nothing machine-dependent") {
  sim::RunResults r;
  r.seed = 7;
  r.replications = 4;
  r.threads = 2;
  r.started_utc = "2026-01-01T00:00:00Z";
  r.variants.push_back(variant("A", {10, 11, 9, 10}));
  sim::Json j = app::summary_json(r);
  CHECK(j["seed"] == 7);
  CHECK(j["variants"][0]["kpis"]["wait_s"]["mean"] == 10.0);
  CHECK(j["variants"][0]["kpis"]["wait_s"]["ci_low"] == 9.0);
  std::string text = j.dump();
  CHECK(text.find("threads") == std::string::npos);
  CHECK(text.find("2026") == std::string::npos);
}

TEST_CASE("a derived KPI shows its own interval, and an unbounded end as never") {
  sim::RunResults run;
  run.variants.push_back(variant("a", {1, 2, 3}));
  sim::KpiSummary payback;
  payback.name = "payback_years";
  payback.unit = "year";
  payback.derived = true;
  payback.n = 3;
  payback.mean = 4.0;
  payback.sd = payback.half_width = NAN;
  payback.ci_low = 2.5;
  payback.ci_high = INFINITY;
  run.variants[0].summary.push_back(payback);
  run.variants.push_back(run.variants[0]);
  run.variants[1].label = "b";
  run.variants[1].summary[1].mean = INFINITY;
  const std::string table = app::kpi_table(run, true);
  CHECK(table.find("4.00 [2.50, never]") != std::string::npos);
  CHECK(table.find("never [2.50, never]") != std::string::npos);
  CHECK(table.find("~4") == std::string::npos);  // no paired test on a KPI no replication has
  const sim::Json j = app::summary_json(run);
  CHECK(j["variants"][0]["kpis"]["payback_years"]["derived"] == true);
  CHECK(j["variants"][0]["kpis"]["payback_years"]["ci_low"] == 2.5);
  CHECK(j["variants"][0]["kpis"]["payback_years"]["ci_high"].is_null());
}
