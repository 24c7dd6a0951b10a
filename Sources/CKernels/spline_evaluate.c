#include "CKernels.h"

#include <math.h>

// Values of one natural cubic spline (knots t, values g, second derivatives s) at points z: the
// arithmetic of Sources/CodedComputing/Approximation/SplineEvaluationPlan.swift
// (`_evaluationWeights`, `_extrapolate`), operation for operation, so every path below gives the
// bits the Swift loop gives. On [tᵢ, tᵢ₊₁], h = tᵢ₊₁ − tᵢ, a = (tᵢ₊₁ − z)/h, b = 1 − a,
// c = h·h·(1/6):  g(z) = ((a·gᵢ + b·gᵢ₊₁) + ((a·a·a − a)·c)·sᵢ) + ((b·b·b − b)·c)·sᵢ₊₁.
//
// Where the time goes in the Swift loop is the interval search: each point's interval is found
// from the previous one's, a chain of dependent loads and compares (≈ 15 cycles a point) that
// the processor cannot overlap, plus a scalar division per point. The AVX-512 path takes eight
// points at once: when they all lie in [t[base], t[base + 16]), with base the interval of the
// point before them, each one's interval is base + #{k ∈ 1…15 : t[base + k] ≤ z}, found by a
// branch-free binary search in the sixteen knots after base (four probes by permutation, no
// gather); the knot data come from windows of sixteen by the same permutation, and the formula
// runs in the lanes with one vector division. Two such chains (the two halves of the range) run
// interleaved, so that one's search overlaps the other's arithmetic. Blocks that fail the window
// test (unsorted points, knots much denser than points, points outside the knots, NaN) go
// through the scalar loop, which is the Swift one. Lanes are IEEE operations each and
// contraction to FMA is off, so the paths agree bit for bit.

#pragma clang fp contract(off)

// The interval of z by galloping forward from `from` (t[from] ≤ z < t[last + 1]).
static long cc_se_gallop(const double *t, double z, long from, long last) {
  long lo = from;
  long step = 1;
  long probe = from + 1;
  while (probe <= last && t[probe] <= z) {
    lo = probe;
    probe = lo + step;
    step *= 2;
  }
  long hi = probe < last + 1 ? probe : last + 1;
  while (hi - lo > 1) {
    long mid = (lo + hi) / 2;
    if (t[mid] <= z) lo = mid; else hi = mid;
  }
  return lo;
}

// `_locate`: the interval i (t[i] ≤ z < t[i + 1], clamped to 0 and n − 2 outside the knots),
// searched forward from `hint` when z lies at or beyond t[hint], by bisection otherwise.
static inline long cc_se_locate(const double *t, long n, double z, long hint) {
  long last = n - 2;
  if (hint >= 0 && hint <= last && t[hint] <= z && z < t[last + 1]) {
    long i = hint;
    if (i + 4 <= last + 1) {
      i += (t[i + 1] <= z) + (t[i + 2] <= z) + (t[i + 3] <= z) + (t[i + 4] <= z);
    }
    if (z < t[i + 1]) return i;
    return cc_se_gallop(t, z, i, last);
  }
  if (z <= t[0]) return 0;
  if (z >= t[last + 1]) return last;
  long lo = 0;
  long hi = last + 1;
  while (hi - lo > 1) {
    long mid = (lo + hi) / 2;
    if (t[mid] <= z) lo = mid; else hi = mid;
  }
  return lo;
}

// `_extrapolate`: the straight continuation g_end + (z − t_end)·slope beyond the knots.
static double cc_se_extrapolate(const double *t, long n, const double *g, const double *s,
                                double z) {
  int left = z < t[0];
  long end = left ? 0 : n - 1;
  long i = left ? 0 : n - 2;
  double h = t[i + 1] - t[i];
  double slope = left ? (g[1] - g[0]) / h - h * s[1] / 6
                      : (g[n - 1] - g[n - 2]) / h + h * s[n - 2] / 6;
  if (slope == 0) return g[end];
  return g[end] + (z - t[end]) * slope;
}

// The value at z in interval i (`_evaluationWeights` and the loop body of `_evaluateSpline`).
static inline double cc_se_value(const double *t, long n, const double *g, const double *s,
                                 long i, double z) {
  double h = t[i + 1] - t[i];
  double w0, w1, w2, w3;
  if (z < t[0]) {
    double d = z - t[0];
    w0 = 1 - d / h;
    w1 = d / h;
    w2 = 0;
    w3 = -d * h / 6;
  } else if (z > t[n - 1]) {
    double d = z - t[n - 1];
    w0 = -d / h;
    w1 = 1 + d / h;
    w2 = d * h / 6;
    w3 = 0;
  } else {
    double a = (t[i + 1] - z) / h;
    double b = 1 - a;
    double c = h * h * (1.0 / 6);
    w0 = a;
    w1 = b;
    w2 = (a * a * a - a) * c;
    w3 = (b * b * b - b) * c;
  }
  double v = w0 * g[i] + w1 * g[i + 1] + w2 * s[i];
  v += w3 * s[i + 1];
  if (!isfinite(v) && (z < t[0] || z > t[n - 1])) v = cc_se_extrapolate(t, n, g, s, z);
  return v;
}

// The scalar loop over `count` points, searching from `hint`; returns the last interval.
static long cc_se_scalar(const double *t, long n, const double *g, const double *s,
                         const double *z, long count, double *o, long hint) {
  long i = hint;
  for (long q = 0; q < count; q++) {
    i = cc_se_locate(t, n, z[q], i);
    o[q] = cc_se_value(t, n, g, s, i, z[q]);
  }
  return i;
}

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>

// The eight points z[0…7] when t[base] ≤ z[j] < t[base + 16] for all j: their values go to
// o[0…7] and the result is the interval of z[7]. Otherwise nothing is written and the result
// is −1.
__attribute__((target("avx512f"), always_inline))
static inline long cc_se_block8(const double *t, long n, const double *g, const double *s,
                                const double *z, double *o, long base) {
  if (base + 16 > n - 1) return -1;
  const double *tb = t + base;
  __m512d x = _mm512_loadu_pd(z);
  // Ordered compares: a NaN point fails the test.
  __mmask8 from = _mm512_cmp_pd_mask(x, _mm512_set1_pd(tb[0]), _CMP_GE_OQ);
  __mmask8 below = _mm512_cmp_pd_mask(x, _mm512_set1_pd(tb[16]), _CMP_LT_OQ);
  if ((__mmask8)(from & below) != 0xFF) return -1;
  // r = #{k ∈ 1…15 : t[base + k] ≤ x} = i − base ∈ [0, 15], by binary search in
  // w[0…15] = t[base + 1 … base + 16] (sorted, w[15] > x): probe w[7], then w[r + 3], w[r + 1],
  // w[r], adding 8, 4, 2, 1 where the probe is ≤ x.
  __m512d wlo = _mm512_loadu_pd(tb + 1);
  __m512d whi = _mm512_loadu_pd(tb + 9);
  __mmask8 le = _mm512_cmp_pd_mask(_mm512_set1_pd(tb[8]), x, _CMP_LE_OQ);
  __m512i r = _mm512_maskz_mov_epi64(le, _mm512_set1_epi64(8));
  __m512i probe = _mm512_add_epi64(r, _mm512_set1_epi64(3));
  le = _mm512_cmp_pd_mask(_mm512_permutex2var_pd(wlo, probe, whi), x, _CMP_LE_OQ);
  r = _mm512_mask_add_epi64(r, le, r, _mm512_set1_epi64(4));
  probe = _mm512_add_epi64(r, _mm512_set1_epi64(1));
  le = _mm512_cmp_pd_mask(_mm512_permutex2var_pd(wlo, probe, whi), x, _CMP_LE_OQ);
  r = _mm512_mask_add_epi64(r, le, r, _mm512_set1_epi64(2));
  le = _mm512_cmp_pd_mask(_mm512_permutex2var_pd(wlo, r, whi), x, _CMP_LE_OQ);
  r = _mm512_mask_add_epi64(r, le, r, _mm512_set1_epi64(1));
  // Element r of the sixteen doubles at p is p[r]; of those at p + 1, p[r + 1].
#define CC_SE_PICK(p) _mm512_permutex2var_pd(_mm512_loadu_pd(p), r, _mm512_loadu_pd((p) + 8))
  __m512d t0 = CC_SE_PICK(tb);
  __m512d t1 = CC_SE_PICK(tb + 1);
  __m512d g0 = CC_SE_PICK(g + base);
  __m512d g1 = CC_SE_PICK(g + base + 1);
  __m512d s0 = CC_SE_PICK(s + base);
  __m512d s1 = CC_SE_PICK(s + base + 1);
#undef CC_SE_PICK
  __m512d h = _mm512_sub_pd(t1, t0);
  __m512d a = _mm512_div_pd(_mm512_sub_pd(t1, x), h);
  __m512d b = _mm512_sub_pd(_mm512_set1_pd(1.0), a);
  __m512d c = _mm512_mul_pd(_mm512_mul_pd(h, h), _mm512_set1_pd(1.0 / 6));
  __m512d w2 = _mm512_mul_pd(_mm512_sub_pd(_mm512_mul_pd(_mm512_mul_pd(a, a), a), a), c);
  __m512d w3 = _mm512_mul_pd(_mm512_sub_pd(_mm512_mul_pd(_mm512_mul_pd(b, b), b), b), c);
  __m512d v = _mm512_add_pd(_mm512_mul_pd(a, g0), _mm512_mul_pd(b, g1));
  v = _mm512_add_pd(v, _mm512_mul_pd(w2, s0));
  v = _mm512_add_pd(v, _mm512_mul_pd(w3, s1));
  _mm512_storeu_pd(o, v);
  // The next block's base, z[7]'s interval, counted directly (a shorter dependency than taking
  // r's last lane): the knots t[base + 1 … base + 16] ≤ z[7], of which t[base + 16] is not.
  __m512d last = _mm512_set1_pd(z[7]);
  unsigned low = _mm512_cmp_pd_mask(wlo, last, _CMP_LE_OQ);
  unsigned high = _mm512_cmp_pd_mask(whi, last, _CMP_LE_OQ);
  return base + __builtin_popcount(low | high << 8);
}

// The block at z + q of one chain, by cc_se_block8 or else the scalar loop; returns the interval.
__attribute__((target("avx512f"), always_inline))
static inline long cc_se_step(const double *t, long n, const double *g, const double *s,
                              const double *z, double *o, long base) {
  long next = cc_se_block8(t, n, g, s, z, o, base);
  return next >= 0 ? next : cc_se_scalar(t, n, g, s, z, 8, o, base);
}

// Two chains over the two halves of the first 16⌊count/16⌋ points, eight points per step each,
// then the rest by the scalar loop.
__attribute__((target("avx512f")))
static void cc_se_avx512(const double *t, long n, const double *g, const double *s,
                         const double *z, long count, double *o) {
  long half = count / 16 * 8;
  if (half == 0) {
    cc_se_scalar(t, n, g, s, z, count, o, 0);
    return;
  }
  long first = cc_se_locate(t, n, z[0], 0);
  long second = cc_se_locate(t, n, z[half], 0);
  for (long q = 0; q < half; q += 8) {
    first = cc_se_step(t, n, g, s, z + q, o + q, first);
    second = cc_se_step(t, n, g, s, z + half + q, o + half + q, second);
  }
  cc_se_scalar(t, n, g, s, z + 2 * half, count - 2 * half, o + 2 * half, second);
}
#endif

void cc_spline_evaluate(const double *t, long n, const double *g, const double *s,
                        const double *z, long count, double *o) {
#if defined(__x86_64__) && defined(__clang__)
  if (__builtin_cpu_supports("avx512f")) {
    cc_se_avx512(t, n, g, s, z, count, o);
    return;
  }
#endif
  cc_se_scalar(t, n, g, s, z, count, o, 0);
}
