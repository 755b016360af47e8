// The program's command on drainage networks: `citytwin drainage`.
#pragma once

namespace citytwin::app {

/// `citytwin drainage MODEL.inp [--csv DIR] [--routing kinwave|steady|file]`: runs an EPA SWMM file's runoff and
/// flow routing and reports, or writes, its node depths, flooding, link flows and runoff. Returns the exit code.
int drainage(int argc, char** argv);

}  // namespace citytwin::app
