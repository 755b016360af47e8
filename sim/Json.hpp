// The JSON value type used for scenarios: keys keep the order in which the scenario wrote them.
#pragma once

#include <nlohmann/json.hpp>

namespace citytwin::sim {
using Json = nlohmann::ordered_json;
}
