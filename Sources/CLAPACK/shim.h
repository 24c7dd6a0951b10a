// The one C boundary of CodedComputing: LAPACK (Fortran prototypes from liblapacke-dev's lapack.h,
// with hidden string-length arguments) and CBLAS (from libopenblas-dev). Only LinearAlgebra/ imports it.
#ifndef CODEDCOMPUTING_CLAPACK_SHIM_H
#define CODEDCOMPUTING_CLAPACK_SHIM_H
#include <lapack.h>
#include <cblas.h>
#endif
