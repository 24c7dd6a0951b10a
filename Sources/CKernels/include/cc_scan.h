// One-pass checks over large arrays for the spline engine's input validation
// (Approximation/ApproximationError.swift, _SplineScaling.swift), compiled like the other
// kernels for AVX-512, AVX2 and the baseline (target_clones). Memory-bound on every target.
#ifndef CODEDCOMPUTING_CC_SCAN_H
#define CODEDCOMPUTING_CC_SCAN_H

#include <stddef.h>
#include <stdint.h>

/// The largest bit pattern of |x[i]| (sign cleared) over i < count, 0 for count = 0. For IEEE
/// doubles this is the pattern of max |x[i]| when every x[i] is finite, and it is at least
/// 0x7FF0000000000000 (the pattern of +∞) exactly when some x[i] is ±∞ or NaN: non-negative
/// doubles order like their patterns read as unsigned integers.
uint64_t cc_max_magnitude_bits(const double *x, size_t count);

/// 1 when x[i] > x[i − 1] for every 0 < i < count (a NaN fails the comparison), else 0.
int cc_strictly_increasing(const double *x, size_t count);

#endif
