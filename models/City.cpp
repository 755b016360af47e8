// Registration of the model families and construction of a variant's model.
#include "models/City.hpp"

#include "models/Floods.hpp"
#include "models/PublicSafety.hpp"
#include "models/ShopAlertChain.hpp"
#include "models/WaterLeaks.hpp"
#include "models/streets/StreetGraph.hpp"
#include "models/streets/Zones.hpp"

namespace citytwin::models {

void register_models(sim::Registry& registry) {
  registry.add({"streets",
                "The town's drivable streets: an OpenStreetMap extract, or a synthetic grid or radial town",
                street_param_specs()});
  registry.add({"zones", "Zones of the town (GeoJSON polygons) with population and activity weights, where places "
                         "are drawn",
                zone_param_specs()});
  register_shop_alerts(registry);
  register_public_safety(registry);
  register_water_leaks(registry);
  register_floods(registry);
}

std::unique_ptr<const sim::Model> build_model(const sim::Variant& variant) {
  const std::string model = variant.params.value("model", "shop_alerts");
  try {
    if (model == "shop_alerts")
      return std::make_unique<ShopAlertModel>(ShopAlertParams::from_scenario(variant.params, variant.directory));
    if (model == "public_safety")
      return std::make_unique<PublicSafetyModel>(PublicSafetyParams::from_scenario(variant.params, variant.directory));
    if (model == "water_leaks")
      return std::make_unique<WaterLeakModel>(WaterLeakParams::from_scenario(variant.params, variant.directory));
    if (model == "floods")
      return std::make_unique<FloodModel>(FloodParams::from_scenario(variant.params, variant.directory));
    throw sim::ScenarioError("at 'model': no model family is named '" + model + "'");
  } catch (const sim::ScenarioError& e) {
    if (variant.option == "base" && variant.sweep_point.empty()) throw;
    throw sim::ScenarioError("option '" + variant.label + "': " + e.what());
  }
}

}  // namespace citytwin::models
