// Writes a run's results to one HDF5 file (layout documented in the README).
#pragma once

#include <string>

#include "sim/Results.hpp"

namespace citytwin::outputs {

/// Writes `results` to `path`. The data go to "PATH.partial", which is renamed to `path` only once the
/// file is complete and closed, so an interrupted run never leaves a file that looks like a result.
/// Throws std::runtime_error naming the file when it cannot be written.
void write_hdf5(const sim::RunResults& results, const std::string& path);

}  // namespace citytwin::outputs
