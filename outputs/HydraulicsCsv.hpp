// Writes a hydraulic run's heads, pressures and flows as CSV tables, in the network file's own units.
#pragma once

#include <cstdio>
#include <string>

#include "models/water/Hydraulics.hpp"

namespace citytwin::outputs {

/// The three tables EPANET's results are compared in: `heads.csv`, `pressures.csv` and `flows.csv` in one
/// directory, each with a `time_s` column and then one column per node or link ID in the network's order, one
/// row per report time, values in the file's units (heads in ft or m, pressures in psi, kPa or m, flows in the
/// file's flow units) with six decimals. A closed link's flow is 0, as EPANET reports it. The files are written
/// as "NAME.partial" and renamed by `commit()`, so that an interrupted run leaves no table posing as a result.
class HydraulicsCsv {
 public:
  /// Creates `dir` if needed and opens the three tables. Throws std::runtime_error naming the file that
  /// cannot be written.
  HydraulicsCsv(const models::water::WaterNetwork& net, const std::string& dir);
  ~HydraulicsCsv();  ///< removes the partial files unless committed
  HydraulicsCsv(const HydraulicsCsv&) = delete;
  HydraulicsCsv& operator=(const HydraulicsCsv&) = delete;

  /// Appends a row for the run's current time to each table.
  void record(const models::water::HydraulicRun& run);
  /// Flushes and renames the tables into place. Throws std::runtime_error if a write failed.
  void commit();

  int rows() const { return rows_; }

 private:
  struct Table {
    std::string path;
    std::FILE* file = nullptr;
  };
  const models::water::WaterNetwork& net_;
  Table heads_, pressures_, flows_;
  int rows_ = 0;
  bool committed_ = false;
};

}  // namespace citytwin::outputs
