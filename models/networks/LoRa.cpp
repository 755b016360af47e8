// LoRa physical-layer figures: time on air (Semtech AN1200.13) and receiver sensitivity (SX1276 datasheet).
#include <cmath>
#include <stdexcept>
#include <string>

#include "models/networks/Network.hpp"

namespace citytwin::models {

double lora_time_on_air_s(int spreading_factor, double bandwidth_hz, int payload_bytes, int coding_rate,
                          int preamble_symbols, bool explicit_header, bool crc) {
  if (spreading_factor < 6 || spreading_factor > 12 || bandwidth_hz <= 0.0 || payload_bytes < 0 ||
      coding_rate < 1 || coding_rate > 4 || preamble_symbols < 0)
    throw std::invalid_argument("lora_time_on_air_s(): spreading factor " + std::to_string(spreading_factor) +
                                ", coding rate " + std::to_string(coding_rate) +
                                " or payload is out of range; use SF 6-12, coding rate 1-4 (4/5-4/8)");
  // Symbol duration, then the preamble and the payload symbols of AN1200.13, section 4.
  const double t_sym = std::ldexp(1.0, spreading_factor) / bandwidth_hz;
  const int de = t_sym >= 0.016 ? 1 : 0;  // low-data-rate optimisation
  const int ih = explicit_header ? 0 : 1;
  const double t_preamble = (preamble_symbols + 4.25) * t_sym;
  const int numerator = 8 * payload_bytes - 4 * spreading_factor + 28 + 16 * (crc ? 1 : 0) - 20 * ih;
  const int denominator = 4 * (spreading_factor - 2 * de);
  const int blocks = numerator > 0 ? (numerator + denominator - 1) / denominator : 0;
  const int payload_symbols = 8 + blocks * (coding_rate + 4);
  return t_preamble + payload_symbols * t_sym;
}

double lora_sensitivity_dbm(int spreading_factor, double bandwidth_hz) {
  // SX1276 datasheet (rev. 7), table 13, at 125 kHz.
  static constexpr double AT_125_KHZ[] = {-123.0, -126.0, -129.0, -132.0, -134.5, -137.0};
  if (spreading_factor < 7 || spreading_factor > 12 || bandwidth_hz <= 0.0)
    throw std::invalid_argument("lora_sensitivity_dbm(): spreading factor " + std::to_string(spreading_factor) +
                                " is out of range; use 7-12");
  return AT_125_KHZ[spreading_factor - 7] + 10.0 * std::log10(bandwidth_hz / 125e3);
}

}  // namespace citytwin::models
