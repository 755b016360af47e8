// Tests of the water-leak model family: scenario errors, what detection saves and its accounting, payback,
// determinism.
#include "models/WaterLeaks.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "ModelRuns.hpp"
#include "SameResults.hpp"
#include "models/City.hpp"
#include "sim/Experiment.hpp"
#include "sim/Scenario.hpp"

using namespace citytwin;
using namespace citytwin::testing;

namespace {

// Large bursts on Net3 over a short run: training, then about three bursts of 40-60 mm.
const char* BURSTS = R"(
name: bursts
model: water_leaks
seed: 5
replications: 2
duration: 45d
water_network: {file: scenarios/networks/Net3.inp}
leaks: {rate: 120/year, abrupt_share: 1, min_diameter_mm: 40, max_diameter_mm: 60, burst_found_after: 3d}
leak_sensors: {pressure: 10, meters: 5}
leak_detection: {training: 21d, warmup: 8d}
sensor_network: {kind: generic, delay: 5s, loss_probability: 0}
leak_costs: {burst_damage: 2000}
options:
  - name: detection
  - name: none
    set: {leak_detection.enabled: false}
)";

sim::RunResults run(const std::string& text, unsigned threads = 2, const std::vector<std::string>& overrides = {}) {
  return run_scenario(text, threads, overrides);
}




std::string error_of(const std::string& text) {
  try {
    run(text, 1);
  } catch (const sim::ScenarioError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a water-leak scenario names what is wrong in it") {
  const std::string base = "name: x\nmodel: water_leaks\nseed: 1\nreplications: 1\nduration: 40d\n";
  CHECK(error_of(base).find("'water_network'") != std::string::npos);
  const std::string missing = error_of(base + "water_network: {file: no/such.inp}\n");
  CHECK(missing.find("water_network.file") != std::string::npos);
  CHECK(missing.find("no/such.inp") != std::string::npos);
  const std::string net3 = base + "water_network: {file: scenarios/networks/Net3.inp}\n";
  CHECK(error_of(net3 + "leaks: {min_diameter_mm: 30, max_diameter_mm: 10}\n").find("max_diameter_mm") !=
        std::string::npos);
  CHECK(error_of(net3 + "leak_detection: {training: 35d}\n").find("'duration'") != std::string::npos);
  CHECK(error_of(net3 + "leak_sensors: {placement: everywhere}\n").find("everywhere") != std::string::npos);
}

TEST_CASE("large bursts are detected before they surface, and the water saved is what they would have lost") {
  const sim::RunResults r = run(BURSTS);
  REQUIRE(r.variants.size() == 2);
  const sim::VariantResults& on = r.variants[0];
  const sim::VariantResults& off = r.variants[1];
  double detected = 0, leaks = 0;
  for (std::size_t k = 0; k < on.replications.size(); ++k) {
    const sim::ReplicationResults& rep = on.replications[k];
    leaks += kpi_of(rep, "leaks");
    detected += kpi_of(rep, "leaks_detected");
    // The same leaks in both options (common random numbers), and the same baseline loss.
    CHECK(kpi_of(rep, "leaks") == kpi_of(off.replications[k], "leaks"));
    CHECK(kpi_of(rep, "leak_loss_baseline_m3_per_year") ==
          kpi_of(off.replications[k], "leak_loss_baseline_m3_per_year"));
    // The leak table adds up to the KPIs: saved volume per leak at most what it lost, summed over leaks.
    const sim::EventTable& t = table_of(rep, "leaks");
    const auto& lost = t.column(t.column_index("lost_baseline_m3"));
    const auto& saved = t.column(t.column_index("saved_m3"));
    const auto& start = t.column(t.column_index("start_s"));
    const auto& found = t.column(t.column_index("found_old_way_s"));
    const auto& repaired = t.column(t.column_index("repaired_s"));
    double saved_sum = 0, lost_sum = 0;
    for (std::size_t i = 0; i < t.rows(); ++i) {
      CHECK(saved[i] >= 0.0);
      CHECK(saved[i] <= lost[i]);
      CHECK(repaired[i] <= found[i]);
      // A burst's outflow changes only with the pressure: what is saved is about its share of the leak's time.
      if (saved[i] > 0.0) CHECK(saved[i] / lost[i] == doctest::Approx((found[i] - repaired[i]) / (found[i] - start[i])).epsilon(0.15));
      saved_sum += saved[i];
      lost_sum += lost[i];
    }
    const double years = (45.0 - 21.0) / 365.0;
    CHECK(kpi_of(rep, "water_saved_m3_per_year") == doctest::Approx(saved_sum / years));
    CHECK(kpi_of(rep, "leak_loss_baseline_m3_per_year") == doctest::Approx(lost_sum / years));
  }
  REQUIRE(leaks >= 3);
  CHECK(detected >= leaks / 3.0);
  CHECK(summary_of(on, "detection_delay_mean_h").mean < 48.0);
  CHECK(summary_of(on, "water_saved_m3_per_year").mean > 0.0);
  // Without the detector nothing is found, nothing saved, and the platform costs nothing.
  CHECK(summary_of(off, "leaks_detected").mean == 0.0);
  CHECK(summary_of(off, "water_saved_m3_per_year").mean == 0.0);
  CHECK(table_of(off.replications[0], "alerts").rows() == 0);
  CHECK(summary_of(off, "net_savings_eur_per_year").mean ==
        doctest::Approx(-summary_of(off, "costs_eur_per_year").mean));
  CHECK(std::isinf(summary_of(off, "payback_years").mean));
  // Savings: water at 0.80 EUR/m3, plus 2,000 EUR of damage per burst repaired before it surfaces, less 500 EUR
  // per false alarm and 500 EUR x distance / 300 m to pinpoint each leak found.
  for (const sim::ReplicationResults& rep : on.replications) {
    const sim::EventTable& t = table_of(rep, "leaks");
    const auto& distance = t.column(t.column_index("alert_distance_m"));
    double search = 0;
    for (double d : distance)
      if (!std::isnan(d)) search += std::min(1.0, d / 300.0) * 500.0;
    const double years = (45.0 - 21.0) / 365.0;
    const double expected = kpi_of(rep, "water_saved_m3_per_year") * 0.8 +
                            (kpi_of(rep, "leaks_repaired_early") * 2000.0 - search) / years -
                            kpi_of(rep, "false_alarms_per_year") * 500.0;
    CHECK(kpi_of(rep, "savings_eur_per_year") == doctest::Approx(expected));
  }
}

TEST_CASE("payback is the investment over the mean net saving, its interval carried from the saving's") {
  const sim::Variant variant = sim::Scenario::load_string(BURSTS, "test.yaml", model_registry()).variants()[0];
  auto model = models::build_model(variant);
  const auto* water = dynamic_cast<const models::WaterLeakModel*>(model.get());
  REQUIRE(water != nullptr);
  const double capex = water->capex_eur();
  CHECK(capex == doctest::Approx(10 * 1500.0 + 5 * 150.0 + 10000.0));
  std::vector<sim::KpiSummary> s(1);
  s[0].name = "net_savings_eur_per_year";
  s[0].n = 8;
  s[0].mean = 10000.0;
  s[0].half_width = 5000.0;
  water->derive_kpis(s);
  REQUIRE(s.size() == 2);
  CHECK(s[1].name == "payback_years");
  CHECK(s[1].derived);
  CHECK(s[1].mean == doctest::Approx(capex / 10000.0));
  CHECK(s[1].ci_low == doctest::Approx(capex / 15000.0));
  CHECK(s[1].ci_high == doctest::Approx(capex / 5000.0));
  s.resize(1);
  s[0].half_width = 12000.0;
  water->derive_kpis(s);
  CHECK(std::isinf(s[1].ci_high));  // the saving may be nil: it may never pay back
  CHECK(s[1].mean == doctest::Approx(capex / 10000.0));
}

TEST_CASE("a water-leak run is the same whatever the thread count") {
  const std::string one_option = std::string(BURSTS).substr(0, std::string(BURSTS).find("options:"));
  const sim::RunResults a = run(one_option, 1), b = run(one_option, 2);
  testing::check_same_results(a, b);
}
