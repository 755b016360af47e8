// Rain: IDF curves against a published example, the Chicago and alternating-block storms against the curve they
// come from, Eagleson's storms against their theory, storms moving over gauges, rain records and their errors.
#include "models/drainage/Rainfall.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "models/drainage/SwmmReader.hpp"
#include "sim/Scenario.hpp"

using namespace citytwin::models::drainage;

namespace {

constexpr double MM = 1.0e-3;
constexpr double MM_PER_H = 1.0e-3 / 3600.0;
constexpr double IN_PER_H = 0.0254 / 3600.0;

// Chicago's 10-year curve by Wenzel (1982), i = 60.9 / (t + 9.56)^0.81 in in/h with t in minutes, in mm/h.
IdfCurve chicago_10yr() { return {10.0, 60.9 * 25.4, 9.56, 0.81}; }

std::string error_of(const std::string& text) {
  try {
    parse_rain_csv(text, "rain.csv");
  } catch (const citytwin::sim::ScenarioError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("an IDF curve gives Chicago's 10-year hour of rain as Chow, Maidment and Mays work it out: 1.96 in/h") {
  const IdfCurve idf = chicago_10yr();
  CHECK(idf.intensity_m_per_s(3600) / IN_PER_H == doctest::Approx(1.96).epsilon(0.002));
  CHECK(idf.depth_m(3600) == doctest::Approx(idf.intensity_m_per_s(3600) * 3600));
  // Montana's form (b = 0): i = a t^-c.
  const IdfCurve montana{10.0, 300.0, 0.0, 0.6};
  CHECK(montana.intensity_m_per_s(60 * 30) / MM_PER_H == doctest::Approx(300.0 * std::pow(30.0, -0.6)));
  CHECK(idf_problem(idf, "x").empty());
  CHECK(idf_problem({10.0, 300.0, 0.0, 1.2}, "storms.yaml:4").find("storms.yaml:4: c = 1.2") == 0);
  CHECK(idf_problem({0.0, 300.0, 0.0, 0.5}, "x").find("return period") != std::string::npos);
}

TEST_CASE("a Chicago storm holds the IDF depth of every duration around its peak, and the whole storm's") {
  const IdfCurve idf = chicago_10yr();
  for (double r : {0.0, 0.375, 0.5, 1.0}) {
    CAPTURE(r);
    const Hyetograph h = chicago_storm(idf, 4 * 3600, 60, r);
    REQUIRE(h.intensity_m_per_s.size() == 240);
    CHECK(h.depth_m() == doctest::Approx(idf.depth_m(4 * 3600)).epsilon(1e-9));
    // One-minute steps: the heaviest 10, 30, 60 and 120 minutes are the curve's, to the step's rounding.
    for (std::int64_t w : {600, 1800, 3600, 7200}) {
      CAPTURE(w);
      CHECK(h.max_depth_m(w) == doctest::Approx(idf.depth_m(static_cast<double>(w))).epsilon(0.01));
    }
    // The peak is where it was asked for.
    const auto peak = std::max_element(h.intensity_m_per_s.begin(), h.intensity_m_per_s.end());
    CHECK(std::abs(static_cast<double>(peak - h.intensity_m_per_s.begin()) - r * 240) <= 1.0);
  }
}

TEST_CASE("an alternating-block storm puts the IDF increments around its peak, largest first, after then before") {
  const IdfCurve idf = chicago_10yr();
  const Hyetograph h = alternating_block_storm(idf, 2 * 3600, 600, 0.5);
  REQUIRE(h.intensity_m_per_s.size() == 12);
  auto block = [&](int k) { return (idf.depth_m((k + 1) * 600.0) - idf.depth_m(k * 600.0)) / 600.0; };
  CHECK(h.intensity_m_per_s[6] == doctest::Approx(block(0)));
  CHECK(h.intensity_m_per_s[7] == doctest::Approx(block(1)));
  CHECK(h.intensity_m_per_s[5] == doctest::Approx(block(2)));
  CHECK(h.intensity_m_per_s[0] == doctest::Approx(block(11)));  // the left side fills last
  for (int k = 1; k <= 12; ++k) CHECK(h.max_depth_m(600 * k) == doctest::Approx(idf.depth_m(600.0 * k)));
  // A storm peaking at its start fills the blocks in decreasing order.
  const Hyetograph front = alternating_block_storm(idf, 3600, 600, 0.0);
  CHECK(std::is_sorted(front.intensity_m_per_s.rbegin(), front.intensity_m_per_s.rend()));
  CHECK_THROWS_WITH_AS(alternating_block_storm(idf, 3500, 600, 0.5),
                       "alternating-block storm: the duration (3500 s) must be a positive whole number of steps (600 s)",
                       std::invalid_argument);
  CHECK_THROWS_AS(chicago_storm(idf, 3600, 600, 1.5), std::invalid_argument);
}

TEST_CASE("Eagleson's storms bring the rain their climate promises, and their depths follow 2 sqrt(x) K1(2 sqrt(x))") {
  StormClimate c;
  c.mean_dry_s = 2.0 * 86400;
  c.mean_duration_s = 5.0 * 3600;
  c.mean_intensity_m_per_s = 1.5 * MM_PER_H;
  const std::int64_t years = 200, year = 365 * 86400;
  const std::vector<Storm> storms = generate_storms(c, years * year, 7, 0);
  // Storms come once per (dry + duration) on average.
  const double expected_storms = static_cast<double>(years * year) / (c.mean_dry_s + c.mean_duration_s);
  CHECK(static_cast<double>(storms.size()) == doctest::Approx(expected_storms).epsilon(0.03));
  double depth = 0.0;
  for (const Storm& s : storms) depth += s.depth_m();
  CHECK(depth / years == doctest::Approx(expected_storms / years * c.mean_duration_s * c.mean_intensity_m_per_s)
                             .epsilon(0.05));
  // Kolmogorov-Smirnov distance of the storm depths to the product of two exponentials.
  std::vector<double> d;
  for (const Storm& s : storms) d.push_back(s.depth_m() / (c.mean_duration_s * c.mean_intensity_m_per_s));
  std::sort(d.begin(), d.end());
  double ks = 0.0;
  for (std::size_t k = 0; k < d.size(); ++k) {
    const double z = 2.0 * std::sqrt(d[k]), cdf = 1.0 - z * std::cyl_bessel_k(1.0, z);
    ks = std::max({ks, std::abs(cdf - static_cast<double>(k) / static_cast<double>(d.size())),
                   std::abs(cdf - static_cast<double>(k + 1) / static_cast<double>(d.size()))});
  }
  CHECK(ks < 1.36 / std::sqrt(static_cast<double>(d.size())));  // the 5% critical value
  // Storms do not overlap, and the hyetograph holds their rain exactly.
  std::size_t overlaps = 0;
  for (std::size_t k = 1; k < storms.size(); ++k)
    overlaps += storms[k].start_s < storms[k - 1].start_s + storms[k - 1].duration_s ? 1 : 0;
  CHECK(overlaps == 0);
  const std::vector<Storm> one_year = generate_storms(c, year, 7, 0);
  double year_depth = 0.0;
  for (const Storm& s : one_year)  // the last storm may run on past the year's end
    year_depth += s.intensity_m_per_s * static_cast<double>(std::min(s.start_s + s.duration_s, year) - s.start_s);
  const Hyetograph h = storms_hyetograph(one_year, year, 300);
  CHECK(h.intensity_m_per_s.size() == static_cast<std::size_t>(year / 300));
  CHECK(h.depth_m() == doctest::Approx(year_depth).epsilon(1e-6));
  // The same seed gives the same storms; another replication others.
  const std::vector<Storm> again = generate_storms(c, year, 7, 0), other = generate_storms(c, year, 7, 1);
  CHECK(again.size() == one_year.size());
  CHECK(again.front().start_s == one_year.front().start_s);
  CHECK(again.back().intensity_m_per_s == one_year.back().intensity_m_per_s);
  CHECK(other.front().start_s != one_year.front().start_s);
}

TEST_CASE("a storm moving east reaches a gauge 3 km downwind five minutes later, and falls off across its track") {
  Hyetograph storm;
  storm.step_s = 60;
  storm.intensity_m_per_s = {10 * MM_PER_H, 20 * MM_PER_H, 30 * MM_PER_H};
  const StormPath path{0.0, 0.0, 90.0, 10.0, 0.0};  // heading east at 10 m/s
  const Hyetograph at = storm_at(storm, path, 3000.0, 500.0);
  REQUIRE(at.intensity_m_per_s.size() == 8);
  for (std::size_t k = 0; k < 5; ++k) CHECK(at.intensity_m_per_s[k] == 0.0);
  CHECK(at.intensity_m_per_s[5] == doctest::Approx(10 * MM_PER_H));
  CHECK(at.intensity_m_per_s[7] == doctest::Approx(30 * MM_PER_H));
  // Half a step's delay splits each step's rain over two.
  const Hyetograph half = storm_at(storm, path, 300.0, 0.0);
  CHECK(half.intensity_m_per_s[0] == doctest::Approx(5 * MM_PER_H));
  CHECK(half.intensity_m_per_s[1] == doctest::Approx(15 * MM_PER_H));
  CHECK(half.depth_m() == doctest::Approx(storm.depth_m()));
  // One width off the track, the rain is e^-1/2 of the centre's.
  const StormPath narrow{0.0, 0.0, 90.0, 10.0, 1000.0};
  CHECK(storm_at(storm, narrow, 600.0, 1000.0).depth_m() == doctest::Approx(storm.depth_m() * std::exp(-0.5)));
  CHECK_THROWS_WITH_AS(storm_at(storm, path, -10.0, 0.0),
                       doctest::Contains("behind the storm's origin; put the origin upwind"), std::invalid_argument);
}

TEST_CASE("a rain record gives each gauge its depths as intensities over the record's interval") {
  const RainRecord r = parse_rain_csv("# two gauges, 5-minute intervals\ntime_s,G1,G2\n300,1.5,0\n600,,3\n900,0.5,0\n");
  REQUIRE(r.gauges == std::vector<std::string>{"G1", "G2"});
  REQUIRE(r.rain.size() == 2);
  CHECK(r.rain[0].start_s == 0);
  CHECK(r.rain[0].step_s == 300);
  CHECK(r.rain[0].intensity_m_per_s[0] == doctest::Approx(1.5 * MM / 300));
  CHECK(r.rain[0].intensity_m_per_s[1] == 0.0);
  CHECK(r.rain[1].depth_m() == doctest::Approx(3 * MM));
  CHECK(r.rain[0].depth_until_m(450) == doctest::Approx(1.5 * MM));
}

TEST_CASE("a malformed rain record is refused with its line and what to write instead") {
  CHECK(error_of("t,G1\n300,1\n") ==
        "rain.csv:1: error: the header must start with 'time_s' (the end of each interval, seconds from the start), not 't'");
  CHECK(error_of("time_s,G1\n300,1\n600,x\n") == "rain.csv:3: error: column 2 ('G1'): 'x' is not a number");
  CHECK(error_of("time_s,G1\n300,1\n600,1\n1200,1\n") ==
        "rain.csv:4: error: time_s 1200 breaks the record's interval of 300 s; give every interval, empty cells for no rain");
  CHECK(error_of("time_s,G1\n300,1,2\n") ==
        "rain.csv:2: error: 3 cells where the header has 2; leave a cell empty for no rain");
  CHECK(error_of("time_s,G1\n300,-1\n") == "rain.csv:2: error: gauge 'G1': a depth of -1 mm cannot be negative");
  CHECK(error_of("time_s,G1,G1\n") == "rain.csv:1: error: gauge 'G1' is named twice");
  CHECK(error_of("time_s,G1\n") == "rain.csv: error: no rows after the header; give one row per interval");
  CHECK(error_of("time_s,G1\n300,1\n300,1\n") == "rain.csv:3: error: time_s 300 does not come after the previous row's");
}

TEST_CASE("a design storm replaces a SWMM model's rain, and the steps follow SWMM's rules") {
  DrainageNetwork net = read_swmm("scenarios/drainage/Site_Drainage_Model.inp");
  REQUIRE(!net.gages.empty());
  const std::string gage = net.gages.front().id;
  const Hyetograph storm = chicago_storm(chicago_10yr(), 2 * 3600, 120, 0.4);
  set_gage_rain(net, gage, storm);
  const RainGage& g = net.gages.front();
  CHECK(g.format == RainFormat::INTENSITY);
  CHECK(g.interval_s == 120);
  const TimeSeries& ts = net.time_series.at(static_cast<std::size_t>(g.series));
  CHECK(ts.use == SeriesUse::RAIN_INTENSITY);
  REQUIRE(ts.values.size() == storm.intensity_m_per_s.size());
  CHECK(ts.time_s[1] == 120.0);
  CHECK(ts.values[30] == storm.intensity_m_per_s[30]);
  CHECK(net.options.wet_step_s <= 120);
  CHECK(net.options.routing_step_s <= static_cast<double>(net.options.wet_step_s));
  // Given again, the gage's series is replaced, not added.
  const std::size_t series = net.time_series.size();
  set_gage_rain(net, gage, storm);
  CHECK(net.time_series.size() == series);
  CHECK_THROWS_WITH_AS(set_gage_rain(net, "nowhere", storm),
                       doctest::Contains("no rain gage 'nowhere' to give the rain to"), std::invalid_argument);
}
