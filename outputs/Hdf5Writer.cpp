// Writes a run's results to one HDF5 file.
#include "outputs/Hdf5Writer.hpp"
