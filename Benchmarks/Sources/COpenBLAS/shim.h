// OpenBLAS's CBLAS interface, for DenseBenchmark only (Debian libopenblas-dev). The main package does
// not use a BLAS.
#include <cblas.h>
