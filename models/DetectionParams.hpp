// The `detection` section: the detection core's settings as a scenario writes them.
#pragma once

#include <vector>

#include "models/detection/DetectionCore.hpp"
#include "sim/Params.hpp"
#include "sim/Registry.hpp"

namespace citytwin::models {

/// The parameters of the `detection` section (buttons' merge window, gunfire grouping and location,
/// video events, thresholds, fusion of alerts of one incident).
std::vector<sim::ParamSpec> detection_param_specs();

/// The core's settings from a `detection` section.
detection::DetectionSettings detection_settings_from(const sim::Params& section);

}  // namespace citytwin::models
