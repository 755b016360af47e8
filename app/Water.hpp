// The program's commands on pipe networks: `citytwin hydraulics` and `citytwin leaks`.
#pragma once

namespace citytwin::app {

/// `citytwin hydraulics NET.inp [--csv DIR]`: runs an EPANET network file alone and reports, or writes, its
/// heads, pressures and flows. Returns the exit code.
int hydraulics(int argc, char** argv);

/// `citytwin leaks NET.inp [--days N] [--leaks N] [--pressure-sensors K]`: a year (or N days) of leaks on the
/// network, its sensors read, the leak-detection core on their readings, and the BattLeDIM score. Returns the
/// exit code.
int leaks(int argc, char** argv);

/// `citytwin place NET.inp --count K`: pressure sensor sites that see the most simulated leaks (lazy greedy, against
/// random layouts and the MILP optimum), as GeoJSON in the network's coordinates. Returns the exit code.
int place_pressure_sensors(int argc, char** argv);

}  // namespace citytwin::app
