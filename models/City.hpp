// The simulated city as the program sees it: every model family's registration and the model factory.
#pragma once

#include <memory>

#include "sim/Experiment.hpp"
#include "sim/Registry.hpp"
#include "sim/Scenario.hpp"

namespace citytwin::models {

/// Registers every model family's components, in the order `list-models` shows them.
void register_models(sim::Registry& registry);

/// Builds the model of one variant from its resolved scenario; throws sim::ScenarioError when the
/// scenario's sections do not make a model.
std::unique_ptr<const sim::Model> build_model(const sim::Variant& variant);

}  // namespace citytwin::models
