// Tests of model registration and the model factory.
#include "models/City.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace citytwin;

TEST_CASE("every registered parameter has a description, and a default unless required") {
  sim::Registry r;
  models::register_models(r);
  CHECK(r.components().size() >= 5);
  // The parameters a section cannot do without (the section itself is optional).
  const std::set<std::string> required = {"zones.file"};
  for (const auto& c : r.components()) {
    CHECK(!c.description.empty());
    for (const auto& p : c.params) {
      CAPTURE(c.name);
      CAPTURE(p.name);
      CHECK(!p.description.empty());
      CHECK(p.default_value.is_null() == (required.count(c.name + "." + p.name) == 1));
    }
  }
}

TEST_CASE("a scenario that takes every default builds a model") {
  sim::Registry r;
  models::register_models(r);
  sim::Scenario s = sim::Scenario::load_string(
      "duration: 1d\nshops: {}\nalert_network: {}\ndetection: {}\nplatform: {}\npolice: {}\n", "defaults.yaml", r);
  CHECK(models::build_model(s.variants()[0]) != nullptr);
}
