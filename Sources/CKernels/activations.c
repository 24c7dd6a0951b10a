#include "CKernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

// exp(x) for x in [−708, 708] (callers clamp), without a division or an integer conversion:
// n = round(x/ln2) through the 1.5·2⁵² shifter (whose low bits then hold n), r = x − n·ln2 in two
// parts (Cephes's C1, C2), exp(r) by its Taylor polynomial to r¹³ (|r| ≤ ln2/2: truncation below
// 5e-18), and 2ⁿ built from n's bits.
static inline double exp_clamped(double x) {
  const double shifter = 6755399441055744.0;  // 1.5 · 2^52
  double t = x * 1.4426950408889634073599 + shifter;
  double n = t - shifter;
  double r = x - n * 6.93145751953125e-1;
  r = r - n * 1.42860682030941723212e-6;
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  uint64_t bits;
  memcpy(&bits, &t, sizeof bits);
  bits = (bits + 1023) << 52;
  double scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

#if defined(__x86_64__) && defined(__clang__)
#define CC_CLONES __attribute__((target_clones("avx512f", "arch=haswell", "default")))
#else
#define CC_CLONES
#endif

// tanh: Cephes tanh.c. |x| < 0.625: x + x·z·P(z)/Q(z), z = x²; otherwise 1 − 2/(e^{2|x|} + 1)
// with the sign of x (|x| clamped at 22, where tanh is 1 in double). Both branches are computed
// and one is selected, so the loop vectorises.
CC_CLONES
void cc_tanh_inplace(double *x, size_t count) {
  for (size_t i = 0; i < count; i++) {
    double v = x[i];
    double a = fabs(v);
    double z = a * a;
    double p = (-9.64399179425052238628e-1 * z - 9.92877231001918586564e1) * z -
               1.61468768441708447952e3;
    double q = ((z + 1.12811678491632931402e2) * z + 2.23548839060100448583e3) * z +
               4.84406305325125486048e3;
    // One division for both branches, each written as base + factor·numerator/denominator:
    // small = a + a·z·p/q, large = 1 − 2/(s + 1) with s = e^{2a}.
    double s = exp_clamped(2.0 * (a < 22.0 ? a : 22.0));
    int is_small = a < 0.625;
    double base = is_small ? a : 1.0;
    double factor = is_small ? a * z : 1.0;
    double numerator = is_small ? p : -2.0;
    double denominator = is_small ? q : s + 1.0;
    double y = copysign(base + factor * (numerator / denominator), v);
    x[i] = v != v ? v : y;
  }
}

// sigmoid: 1/(1 + e^{−x}); below x = −37, where 1 + e^{−x} rounds to e^{−x}, it is e^{x}
// itself; below −708 it returns 0 where the exact value is a subnormal below 3.3e-308. The
// exponents are clamped to ±708 so exp_clamped stays in range.
CC_CLONES
void cc_sigmoid_inplace(double *x, size_t count) {
  for (size_t i = 0; i < count; i++) {
    double v = x[i];
    double m = v > 708.0 ? 708.0 : (v < -708.0 ? -708.0 : v);
    double e = exp_clamped(v < -37.0 ? m : -m);
    double y = v < -37.0 ? e : 1.0 / (1.0 + e);
    y = v < -708.0 ? 0.0 : y;
    x[i] = v != v ? v : y;
  }
}
