// Test helpers: two runs' results are the same bit for bit; a trace is the same as its golden file.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "sim/Results.hpp"

namespace citytwin::testing {

/// Checks that every replication of every variant has the same events, KPIs and tables, to the bit.
inline void check_same_results(const sim::RunResults& a, const sim::RunResults& b) {
  REQUIRE(a.variants.size() == b.variants.size());
  for (std::size_t v = 0; v < a.variants.size(); ++v) {
    REQUIRE(a.variants[v].replications.size() == b.variants[v].replications.size());
    for (std::size_t k = 0; k < a.variants[v].replications.size(); ++k) {
      const auto& ra = a.variants[v].replications[k];
      const auto& rb = b.variants[v].replications[k];
      CAPTURE(v);
      CAPTURE(k);
      CHECK(ra.events == rb.events);
      REQUIRE(ra.kpis.size() == rb.kpis.size());
      for (std::size_t i = 0; i < ra.kpis.size(); ++i)
        CHECK(std::memcmp(&ra.kpis[i].value, &rb.kpis[i].value, sizeof(double)) == 0);
      REQUIRE(ra.tables.size() == rb.tables.size());
      for (std::size_t t = 0; t < ra.tables.size(); ++t)
        for (std::size_t c = 0; c < ra.tables[t].columns().size(); ++c) {
          const auto& ca = ra.tables[t].column(c);
          const auto& cb = rb.tables[t].column(c);
          REQUIRE(ca.size() == cb.size());
          if (!ca.empty()) CHECK(std::memcmp(ca.data(), cb.data(), ca.size() * sizeof(double)) == 0);
          CHECK(ra.tables[t].text_column(c) == rb.tables[t].text_column(c));
        }
    }
  }
}

/// Checks a scenario's trace line by line against its golden file; with CITYTWIN_UPDATE_GOLDEN set in the
/// environment, writes the file first (after an intended change of the model: review the diff).
inline void check_golden_trace(const std::vector<std::string>& trace, const std::string& golden) {
  if (std::getenv("CITYTWIN_UPDATE_GOLDEN")) {
    std::ofstream out(golden);
    for (const auto& line : trace) out << line << '\n';
  }
  std::ifstream in(golden);
  REQUIRE_MESSAGE(in.good(), "missing golden trace " << golden);
  std::string line;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    REQUIRE(std::getline(in, line));
    CAPTURE(i);
    CHECK(line == trace[i]);
  }
}

}  // namespace citytwin::testing
