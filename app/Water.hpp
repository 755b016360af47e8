// The program's commands on pipe networks: `citytwin hydraulics`.
#pragma once

namespace citytwin::app {

/// `citytwin hydraulics NET.inp [--csv DIR]`: runs an EPANET network file alone and reports, or writes, its
/// heads, pressures and flows. Returns the exit code.
int hydraulics(int argc, char** argv);

}  // namespace citytwin::app
