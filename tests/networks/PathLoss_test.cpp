// Tests of the path-loss models against their published formulas at reference distances.
#include <doctest/doctest.h>

#include "models/networks/Network.hpp"

using namespace citytwin::models;

TEST_CASE("log-distance path loss matches Bor et al.'s fit at reference distances") {
  // Bor, Roedig, Voigt, Alonso, "Do LoRa low-power wide-area networks scale?" (MSWiM 2016):
  // PL(d) = PL(d0) + 10 n log10(d / d0) with d0 = 40 m, PL(d0) = 127.41 dB, n = 2.08.
  // So PL(40 m) = 127.41, PL(400 m) = 127.41 + 20.8 = 148.21, PL(4 km) = 169.01, PL(1 km) = 156.487 dB.
  PathLoss pl;
  CHECK(pl.mean_db(40.0) == doctest::Approx(127.41));
  CHECK(pl.mean_db(400.0) == doctest::Approx(148.21));
  CHECK(pl.mean_db(4000.0) == doctest::Approx(169.01));
  CHECK(pl.mean_db(1000.0) == doctest::Approx(156.487).epsilon(1e-5));
}

TEST_CASE("Okumura-Hata path loss matches Hata's urban formula at reference distances") {
  // Hata (1980), urban, small and medium city, f in MHz, heights in m, d in km:
  //   a(hm) = (1.1 log10 f - 0.7) hm - (1.56 log10 f - 0.8)
  //   L = 69.55 + 26.16 log10 f - 13.82 log10 hb - a(hm) + (44.9 - 6.55 log10 hb) log10 d
  // f = 868 MHz, hb = 30 m, hm = 1.5 m: a(hm) = 0.0145 dB, L(1 km) = 125.993 dB, L(2 km) = 136.597 dB,
  // L(5 km) = 150.615 dB; f = 900 MHz, hb = 50 m, hm = 1.5 m: L(10 km) = 157.109 dB.
  PathLoss pl;
  pl.model = PathLoss::Model::OKUMURA_HATA;
  CHECK(pl.mean_db(1000.0) == doctest::Approx(125.993).epsilon(1e-5));
  CHECK(pl.mean_db(2000.0) == doctest::Approx(136.597).epsilon(1e-5));
  CHECK(pl.mean_db(5000.0) == doctest::Approx(150.615).epsilon(1e-5));
  pl.frequency_mhz = 900.0;
  pl.gateway_height_m = 50.0;
  CHECK(pl.mean_db(10000.0) == doctest::Approx(157.109).epsilon(1e-5));
}

TEST_CASE("distances below a metre count as a metre") {
  PathLoss pl;
  CHECK(pl.mean_db(0.0) == pl.mean_db(1.0));
}

TEST_CASE("the range is the inverse of the mean path loss") {
  PathLoss pl;
  CHECK(pl.range_m(148.21) == doctest::Approx(400.0).epsilon(1e-5));
  CHECK(pl.range_m(10.0) == 0.0);
  pl.model = PathLoss::Model::OKUMURA_HATA;
  CHECK(pl.range_m(150.615) == doctest::Approx(5000.0).epsilon(1e-4));  // 150.615 is rounded
}
