#include "cc_scan.h"

#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define CC_SCAN_CLONES __attribute__((target_clones("avx512f", "arch=haswell", "default")))
#else
#define CC_SCAN_CLONES
#endif

// Integer max of the sign-cleared patterns: an unsigned max reduction, which vectorises
// without reassociating floating-point operations.
CC_SCAN_CLONES
uint64_t cc_max_magnitude_bits(const double *x, size_t count) {
  const uint64_t magnitude = 0x7FFFFFFFFFFFFFFFull;
  uint64_t largest = 0;
  for (size_t i = 0; i < count; i++) {
    uint64_t bits;
    memcpy(&bits, &x[i], sizeof bits);
    bits &= magnitude;
    largest = bits > largest ? bits : largest;
  }
  return largest;
}

typedef double cc_scan_vd __attribute__((ext_vector_type(8)));
typedef long long cc_scan_vl __attribute__((ext_vector_type(8)));

// Counts the steps that are not increasing, without an early exit. Each block of eight is
// loaded once and compared with itself shifted by one (the previous block's last element in
// front), so no load straddles two cache lines as a load of x + i − 1 would.
CC_SCAN_CLONES
int cc_strictly_increasing(const double *x, size_t count) {
  if (count < 2) return 1;
  // Per lane, the number of failed steps (a comparison gives −1 for true, 0 for false or NaN).
  cc_scan_vl failures = 0;
  size_t i = 1;
  if (count >= 16) {
    cc_scan_vd previous;
    memcpy(&previous, x, sizeof previous);
    for (; i < 8; i++) failures[0] += !(x[i] > x[i - 1]);
    for (; i + 8 <= count; i += 8) {
      cc_scan_vd current;
      memcpy(&current, x + i, sizeof current);
      // x[i − 1], x[i], …, x[i + 6]
      cc_scan_vd shifted = __builtin_shufflevector(previous, current, 7, 8, 9, 10, 11, 12, 13, 14);
      failures += 1 + (current > shifted);
      previous = current;
    }
  }
  long long total = 0;
  for (int lane = 0; lane < 8; lane++) total += failures[lane];
  for (; i < count; i++) total += !(x[i] > x[i - 1]);
  return total == 0;
}
