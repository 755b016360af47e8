// Tests of event tables.
#include "sim/Results.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

using namespace citytwin::sim;

TEST_CASE("an event table keeps its rows column by column in declaration order") {
  EventTable t("alerts", "One row per alert.",
               {{"alert", ColumnSpec::Type::INT64, "", "Number."}, {"raised_s", ColumnSpec::Type::FLOAT64, "s", "When."}});
  CHECK(t.rows() == 0);
  t.append({1, 12.5});
  t.append({2, 30.0});
  CHECK(t.rows() == 2);
  CHECK(t.column(t.column_index("raised_s"))[1] == 30.0);
  CHECK_THROWS_AS(t.column_index("nope"), std::out_of_range);
}

TEST_CASE("a row of an event table holds text in its text columns and numbers in the others") {
  EventTable t("sensors", "One row per kind.",
               {{"kind", ColumnSpec::Type::STRING, "", "Kind."}, {"count", ColumnSpec::Type::INT64, "", "How many."}});
  t.append({"microphone", 10});
  t.append({std::string("camera"), 2.0});
  CHECK(t.rows() == 2);
  CHECK(t.text_column(0) == std::vector<std::string>{"microphone", "camera"});
  CHECK(t.column(1) == std::vector<double>{10, 2});
  CHECK(t.column(0).empty());
}
