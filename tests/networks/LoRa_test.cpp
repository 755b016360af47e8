// Tests of the LoRa time on air and sensitivities against published figures.
#include <doctest/doctest.h>

#include <stdexcept>

#include "models/networks/Network.hpp"

using namespace citytwin::models;

TEST_CASE("time on air matches The Things Network's published figures for SF7 to SF12 at 125 kHz") {
  // The Things Network's airtime tests (lorawan-stack, pkg/toa/toa_test.go, TestDifferentLoRaSFs), computed
  // with the formula of Semtech AN1200.13: 10-byte PHY payload, coding rate 4/5, 8 preamble symbols, explicit
  // header, CRC on, low-data-rate optimisation at SF11 and SF12. Values in microseconds.
  const struct {
    int sf;
    double us;
  } table[] = {{7, 41216}, {8, 72192}, {9, 144384}, {10, 288768}, {11, 577536}, {12, 991232}};
  for (const auto& row : table) {
    CAPTURE(row.sf);
    CHECK(lora_time_on_air_s(row.sf, 125e3, 10) * 1e6 == doctest::Approx(row.us).epsilon(1e-9));
  }
}

TEST_CASE("time on air steps with the payload size as The Things Network's table shows") {
  // lorawan-stack, pkg/toa/toa_test.go, TestDifferentLoRaPayloadSizes: SF7, 125 kHz, 4/5.
  const struct {
    int bytes;
    double us;
  } table[] = {{13, 46336}, {14, 46336}, {15, 46336}, {16, 51456}, {17, 51456}, {18, 51456}, {19, 51456}};
  for (const auto& row : table) {
    CAPTURE(row.bytes);
    CHECK(lora_time_on_air_s(7, 125e3, row.bytes) * 1e6 == doctest::Approx(row.us).epsilon(1e-9));
  }
}

TEST_CASE("time on air follows the coding rate and the bandwidth as published") {
  // lorawan-stack, pkg/toa/toa_test.go, TestDifferentLoRaCRs and TestDifferentLoRaBWs: SF7, 10 bytes.
  CHECK(lora_time_on_air_s(7, 125e3, 10, 2) * 1e6 == doctest::Approx(45312));
  CHECK(lora_time_on_air_s(7, 125e3, 10, 3) * 1e6 == doctest::Approx(49408));
  CHECK(lora_time_on_air_s(7, 125e3, 10, 4) * 1e6 == doctest::Approx(53504));
  CHECK(lora_time_on_air_s(7, 250e3, 10) * 1e6 == doctest::Approx(20608));
  CHECK(lora_time_on_air_s(7, 500e3, 10) * 1e6 == doctest::Approx(10304));
}

TEST_CASE("time on air matches the AN1200.13 airtime calculator and real SF12 uplinks") {
  // The LoRa airtime calculator spreadsheet built on AN1200.13 ("Formulas taken from AN1200.13"), inputs
  // 13 bytes, SF9, 4/5, explicit header, 8 preamble symbols, 125 kHz: Tsym 4.096 ms, 28 payload symbols,
  // Tpacket 164.864 ms.
  CHECK(lora_time_on_air_s(9, 125e3, 13, 1) * 1e3 == doctest::Approx(164.864));
  // A Things Network gateway reported air_time 1482752000 ns for a 23-byte join request at SF12, 125 kHz, 4/5.
  CHECK(lora_time_on_air_s(12, 125e3, 23) * 1e3 == doctest::Approx(1482.752));
}

TEST_CASE("implicit header and no CRC shorten the frame as the formula says") {
  // AN1200.13: payloadSymbNb = 8 + max(ceil((8 PL - 4 SF + 28 + 16 CRC - 20 IH) / (4 (SF - 2 DE))) (CR + 4), 0).
  // SF7, 12 bytes, 4/5: explicit header without CRC ceil(96 / 28) = 4 blocks, 28 symbols; implicit header
  // without CRC ceil(76 / 28) = 3 blocks, 23 symbols. A symbol lasts 1.024 ms, the preamble 12.25 symbols.
  CHECK(lora_time_on_air_s(7, 125e3, 12, 1, 8, true, false) * 1e3 == doctest::Approx((12.25 + 28) * 1.024));
  CHECK(lora_time_on_air_s(7, 125e3, 12, 1, 8, false, false) * 1e3 == doctest::Approx((12.25 + 23) * 1.024));
}

TEST_CASE("sensitivities are the SX1276 datasheet figures and scale with the bandwidth") {
  CHECK(lora_sensitivity_dbm(7, 125e3) == -123.0);
  CHECK(lora_sensitivity_dbm(9, 125e3) == -129.0);
  CHECK(lora_sensitivity_dbm(12, 125e3) == -137.0);
  CHECK(lora_sensitivity_dbm(7, 250e3) == doctest::Approx(-123.0 + 3.0103).epsilon(1e-4));
  for (int sf = 8; sf <= 12; ++sf) CHECK(lora_sensitivity_dbm(sf, 125e3) < lora_sensitivity_dbm(sf - 1, 125e3));
}

TEST_CASE("out-of-range spreading factors are refused") {
  CHECK_THROWS_AS(lora_time_on_air_s(13, 125e3, 10), std::invalid_argument);
  CHECK_THROWS_AS(lora_sensitivity_dbm(6, 125e3), std::invalid_argument);
}
