#include "CKernels.h"

#include <math.h>
#include <string.h>

// The cubic smoothing spline as the posterior mean of an integrated Wiener process (Wahba 1978;
// Wecker & Ansley 1983): state (g, g′), transition F = [1 h; 0 1], process noise
// Q = [h³/3 h²/2; h²/2 h], observation noise v = λ/w. A Kalman filter runs forwards and stores,
// per row, its gains k0, k1 and the scaled innovation u = e/S; the costate (Bryson–Frazier)
// recursion runs backwards and yields g″ (its second component) and g = y − v·(jump of g‴).
// See Sources/CodedComputing/Approximation/_SplineStateSpace.swift for the derivation, the
// chunking and the checks.
//
// Lanes: up to CC_SS_LANES chains run in lock step, one per chunk of rows, in the lanes of one
// vector. Every operation is an IEEE operation on each lane separately and contraction to FMA is
// off, so every clone (AVX-512, AVX2, baseline) gives the same bits, and a row's value does not
// depend on the lane that computed it.

#pragma clang fp contract(off)

// Rows ahead of each chain that its inputs are prefetched (prefetching is harmless past the ends:
// it never faults). Eight chains per thread are more streams than the hardware prefetchers track.
#define CC_SS_AHEAD 48

typedef double cc_vd __attribute__((ext_vector_type(CC_SS_LANES)));

// Running maximum of |x| (macros: vectors wider than the baseline ABI cannot be passed by value).
#define CC_SS_NOTE(m, x) ((m) = ((x) > (m) ? (x) : ((-(x)) > (m) ? -(x) : (m))))

#if defined(__x86_64__) && defined(__clang__)
#define CC_SS_CLONES __attribute__((target_clones("avx512f", "arch=haswell", "default")))
#else
#define CC_SS_CLONES
#endif

// The filter of rows [start, start + steps) for each lane, started at the exact two-point
// (diffuse) initialisation on knots start − 2, start − 1. Rows before `store_from[l]` steps are
// burn-in: nothing is stored, and the state after them goes to join[l]. The final state goes to
// last[l]; running maxima of |state| go to scale[l].
CC_SS_CLONES
void cc_ss_forward(const cc_ss_problem *p, int lanes, const long *start, long steps,
                   const long *store_from, cc_ss_state *join, cc_ss_state *last,
                   cc_ss_state *scale) {
  const double *t = p->t, *y = p->y, *w = p->w;
  const double lambda = p->lambda;
  double junk[3 * CC_SS_LANES];
  long row[CC_SS_LANES];
  double *out[CC_SS_LANES];
  long stride[CC_SS_LANES];
  cc_vd x0, x1, p00, p01, p11, tprev;
  cc_vd m0 = 0, m1 = 0, m00 = 0, m01 = 0, m11 = 0;
  for (int l = 0; l < CC_SS_LANES; l++) {
    int q = l < lanes ? l : 0;
    long a = start[q] - 2;
    double h = t[a + 1] - t[a];
    double va = w ? lambda / w[a] : lambda, vb = w ? lambda / w[a + 1] : lambda;
    x0[l] = y[a + 1];
    x1[l] = (y[a + 1] - y[a]) / h;
    p00[l] = vb;
    p01[l] = vb / h;
    p11[l] = (vb + va + h * h * h / 3) / (h * h);
    tprev[l] = t[a + 1];
    row[l] = start[q];
    out[l] = junk + 3 * l;
    stride[l] = 0;
  }
  for (long s0 = 0; s0 < steps;) {
    // The next phase ends where some lane's burn-in ends.
    long s1 = steps;
    for (int l = 0; l < lanes; l++) {
      if (store_from[l] == s0) {
        join[l] = (cc_ss_state){x0[l], x1[l], p00[l], p01[l], p11[l]};
        out[l] = p->records + 3 * row[l];
        stride[l] = 3;
      }
      if (store_from[l] > s0 && store_from[l] < s1) s1 = store_from[l];
    }
    for (long s = s0; s < s1; s++) {
      cc_vd tk, yk, vk;
#pragma clang loop unroll(full)
      for (int l = 0; l < CC_SS_LANES; l++) {
        long k = row[l] + s - s0;
        __builtin_prefetch(t + k + CC_SS_AHEAD, 0, 0);
        __builtin_prefetch(y + k + CC_SS_AHEAD, 0, 0);
        tk[l] = t[k];
        yk[l] = y[k];
        vk[l] = w ? lambda / w[k] : lambda;
      }
      cc_vd h = tk - tprev;
      tprev = tk;
      cc_vd hh = h * h;
      cc_vd q11 = p11 + h;
      cc_vd q01 = p01 + h * p11 + 0.5 * hh;
      cc_vd q00 = p00 + h * (2 * p01 + h * p11) + hh * h * (1.0 / 3);
      cc_vd r = 1 / (q00 + vk);
      cc_vd k0 = q00 * r, k1 = q01 * r;
      cc_vd a0 = x0 + h * x1;
      cc_vd e = yk - a0;
      cc_vd u = e * r;
      x0 = a0 + k0 * e;
      x1 = x1 + k1 * e;
      p00 = k0 * vk;
      p01 = k1 * vk;
      p11 = q11 - k1 * q01;
      CC_SS_NOTE(m0, x0);
      CC_SS_NOTE(m1, x1);
      CC_SS_NOTE(m00, p00);
      CC_SS_NOTE(m01, p01);
      CC_SS_NOTE(m11, p11);
#pragma clang loop unroll(full)
      for (int l = 0; l < CC_SS_LANES; l++) {
        double *o = out[l];
        o[0] = k0[l];
        o[1] = k1[l];
        o[2] = u[l];
        out[l] = o + stride[l];
      }
    }
    for (int l = 0; l < CC_SS_LANES; l++) row[l] += s1 - s0;
    s0 = s1;
  }
  for (int l = 0; l < lanes; l++) {
    last[l] = (cc_ss_state){x0[l], x1[l], p00[l], p01[l], p11[l]};
    scale[l] = (cc_ss_state){m0[l], m1[l], m00[l], m01[l], m11[l]};
  }
}

// The costate recursion over rows top[l], top[l] − 1, … (steps rows per lane), started from
// λ̂ = 0. Rows of the first store_from[l] steps are burn-in (nothing stored; the state after them
// goes to join[l]). Row k ≥ 2 reads the records (k0, k1, u) and gives g″_k = λ̂₁ and
// g_k = y_k − v_k·d, d = u − k0·λ̂₀ − k1·λ̂₁; then λ̂₀ += d, λ̂₁ += h_k·λ̂₀. The final state goes to
// last[l] (components a, b), running maxima of |λ̂₀|, |λ̂₁|, |g| to scale[l] (a, b, c), and to
// scale[l].d a sum that is NaN when any g or g″ the lane computed (burn-in too) is not finite.
CC_SS_CLONES
void cc_ss_backward(const cc_ss_problem *p, int lanes, const long *top, long steps,
                    const long *store_from, cc_ss_state *join, cc_ss_state *last,
                    cc_ss_state *scale) {
  const double *t = p->t, *y = p->y, *w = p->w, *rec = p->records;
  const double lambda = p->lambda;
  double junk[2 * CC_SS_LANES];
  long row[CC_SS_LANES];
  double *outg[CC_SS_LANES], *outc[CC_SS_LANES];
  long stride[CC_SS_LANES];
  cc_vd l0 = 0, l1 = 0, m0 = 0, m1 = 0, mg = 0, bad = 0;
  for (int l = 0; l < CC_SS_LANES; l++) {
    int q = l < lanes ? l : 0;
    row[l] = top[q];
    outg[l] = junk + 2 * l;
    outc[l] = junk + 2 * l + 1;
    stride[l] = 0;
  }
  for (long s0 = 0; s0 < steps;) {
    long s1 = steps;
    for (int l = 0; l < lanes; l++) {
      if (store_from[l] == s0) {
        join[l] = (cc_ss_state){l0[l], l1[l], 0, 0, 0};
        outg[l] = p->values + row[l];
        outc[l] = p->second + row[l];
        stride[l] = -1;
      }
      if (store_from[l] > s0 && store_from[l] < s1) s1 = store_from[l];
    }
    for (long s = s0; s < s1; s++) {
      cc_vd k0, k1, u, yk, vk, h;
#pragma clang loop unroll(full)
      for (int l = 0; l < CC_SS_LANES; l++) {
        long k = row[l] - (s - s0);
        const double *r = rec + 3 * k;
        __builtin_prefetch(r - 3 * CC_SS_AHEAD, 0, 0);
        __builtin_prefetch(t + k - CC_SS_AHEAD, 0, 0);
        __builtin_prefetch(y + k - CC_SS_AHEAD, 0, 0);
        k0[l] = r[0];
        k1[l] = r[1];
        u[l] = r[2];
        yk[l] = y[k];
        vk[l] = w ? lambda / w[k] : lambda;
        h[l] = t[k] - t[k - 1];
      }
      cc_vd d = u - (k0 * l0 + k1 * l1);
      cc_vd g = yk - vk * d;
      cc_vd c = l1;
      l0 = l0 + d;
      l1 = l1 + h * l0;
      CC_SS_NOTE(m0, l0);
      CC_SS_NOTE(m1, l1);
      CC_SS_NOTE(mg, g);
      bad = bad + (g * 0 + c * 0);  // NaN from here on if any g or g″ is not finite
#pragma clang loop unroll(full)
      for (int l = 0; l < CC_SS_LANES; l++) {
        *outg[l] = g[l];
        *outc[l] = c[l];
        outg[l] += stride[l];
        outc[l] += stride[l];
      }
    }
    for (int l = 0; l < CC_SS_LANES; l++) row[l] -= s1 - s0;
    s0 = s1;
  }
  for (int l = 0; l < lanes; l++) {
    last[l] = (cc_ss_state){l0[l], l1[l], 0, 0, 0};
    scale[l] = (cc_ss_state){m0[l], m1[l], mg[l], bad[l], 0};
  }
}
