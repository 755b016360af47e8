// Tests of model registration and the model factory.
#include "models/City.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace citytwin;

namespace {

// Every parameter, nested sections' included: a description, and a default unless it is required (a nested
// section may be optional: written or not).
void check_params(const std::vector<sim::ParamSpec>& params, const std::string& path, const std::set<std::string>& required) {
  for (const auto& p : params) {
    std::string key = path + "." + p.name;
    CAPTURE(key);
    CHECK(!p.description.empty());
    if (p.type == sim::ParamType::SECTION) {
      check_params(p.children, key, required);
      continue;
    }
    CHECK(p.default_value.is_null() == (required.count(key) == 1));
  }
}

}  // namespace

TEST_CASE("every registered parameter has a description, and a default unless required") {
  sim::Registry r;
  models::register_models(r);
  CHECK(r.components().size() >= 5);
  // The parameters a section cannot do without (the section itself is optional).
  const std::set<std::string> required = {"zones.file", "water_network.file", "drainage_model.file"};
  for (const auto& c : r.components()) {
    CHECK(!c.description.empty());
    check_params(c.params, c.name, required);
  }
  for (const auto& m : r.models()) CHECK(!m.description.empty());
}

TEST_CASE("a scenario that takes every default builds a model") {
  sim::Registry r;
  models::register_models(r);
  sim::Scenario s = sim::Scenario::load_string(
      "duration: 1d\nshops: {}\nalert_network: {}\ndetection: {}\nplatform: {}\npolice: {}\n", "defaults.yaml", r);
  CHECK(models::build_model(s.variants()[0]) != nullptr);
}
