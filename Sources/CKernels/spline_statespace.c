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

// Running maximum of |x| (a macro: vectors wider than the baseline ABI cannot be passed by
// value). NaN does not propagate through it; the backward pass tracks non-finite values apart.
#define CC_SS_NOTE(m, x) ((m) = __builtin_elementwise_max((m), __builtin_elementwise_abs(x)))

// One forward step for every lane over steps [s0, s1) of a phase; V is lane l's noise variance
// (an expression of its row k), STORE whether lane l stores its records.
#define CC_SS_FORWARD_LOOP(V, STORE)                                                      \
  for (long s = s0; s < s1; s++) {                                                        \
    cc_vd tk, yk, vk;                                                                     \
    const long d = s - s0;                                                                \
    if ((d & 7) == 0) {                                                                   \
      _Pragma("clang loop unroll(full)") for (int l = 0; l < CC_SS_LANES; l++) {          \
        __builtin_prefetch(t + row[l] + d + CC_SS_AHEAD, 0, 0);                           \
        __builtin_prefetch(y + row[l] + d + CC_SS_AHEAD, 0, 0);                           \
      }                                                                                   \
    }                                                                                     \
    _Pragma("clang loop unroll(full)") for (int l = 0; l < CC_SS_LANES; l++) {            \
      const long k = row[l] + d;                                                          \
      tk[l] = t[k];                                                                       \
      yk[l] = y[k];                                                                       \
      vk[l] = V;                                                                          \
    }                                                                                     \
    cc_vd h = tk - tprev;                                                                 \
    tprev = tk;                                                                           \
    cc_vd hh = h * h;                                                                     \
    cc_vd hp11 = h * p11;                                                                 \
    cc_vd c = p00 + hh * h * (1.0 / 3);                                                   \
    cc_vd m = h * (2 * p01 + hp11);                                                       \
    cc_vd q00 = c + m;                                                                    \
    cc_vd q01 = (p01 + 0.5 * hh) + hp11;                                                  \
    cc_vd q11 = p11 + h;                                                                  \
    cc_vd r = 1 / ((c + vk) + m);                                                         \
    cc_vd k0 = q00 * r, k1 = q01 * r;                                                     \
    cc_vd a0 = x0 + h * x1;                                                               \
    cc_vd e = yk - a0;                                                                    \
    cc_vd u = e * r;                                                                      \
    x0 = a0 + k0 * e;                                                                     \
    x1 = x1 + k1 * e;                                                                     \
    p00 = k0 * vk;                                                                        \
    p01 = k1 * vk;                                                                        \
    p11 = q11 - (q01 * q01) * r;                                                          \
    CC_SS_NOTE(m0, x0);                                                                   \
    CC_SS_NOTE(m1, x1);                                                                   \
    CC_SS_NOTE(m00, p00);                                                                 \
    CC_SS_NOTE(m01, p01);                                                                 \
    CC_SS_NOTE(m11, p11);                                                                 \
    _Pragma("clang loop unroll(full)") for (int l = 0; l < CC_SS_LANES; l++) {            \
      if (STORE) {                                                                        \
        double *o = rec + 3 * (row[l] + d);                                               \
        o[0] = k0[l];                                                                     \
        o[1] = k1[l];                                                                     \
        o[2] = u[l];                                                                      \
      }                                                                                   \
    }                                                                                     \
  }

// One backward step for every lane over steps [s0, s1) of a phase (see CC_SS_FORWARD_LOOP).
#define CC_SS_BACKWARD_LOOP(V, STORE)                                                     \
  for (long s = s0; s < s1; s++) {                                                        \
    cc_vd k0, k1, u, yk, vk, tk;                                                          \
    const long dd = s - s0;                                                               \
    if ((dd & 1) == 0) {                                                                  \
      _Pragma("clang loop unroll(full)") for (int l = 0; l < CC_SS_LANES; l++) {          \
        __builtin_prefetch(rec + 3 * (row[l] - dd - CC_SS_AHEAD), 0, 0);                  \
      }                                                                                   \
    }                                                                                     \
    if ((dd & 7) == 0) {                                                                  \
      _Pragma("clang loop unroll(full)") for (int l = 0; l < CC_SS_LANES; l++) {          \
        __builtin_prefetch(t + row[l] - dd - CC_SS_AHEAD, 0, 0);                          \
        __builtin_prefetch(y + row[l] - dd - CC_SS_AHEAD, 0, 0);                          \
      }                                                                                   \
    }                                                                                     \
    _Pragma("clang loop unroll(full)") for (int l = 0; l < CC_SS_LANES; l++) {            \
      const long k = row[l] - dd;                                                         \
      const double *r = rec + 3 * k;                                                      \
      k0[l] = r[0];                                                                       \
      k1[l] = r[1];                                                                       \
      u[l] = r[2];                                                                        \
      yk[l] = y[k];                                                                       \
      vk[l] = V;                                                                          \
      tk[l] = t[k - 1];                                                                   \
    }                                                                                     \
    cc_vd h = tnext - tk;                                                                 \
    tnext = tk;                                                                           \
    cc_vd d = u - (k0 * l0 + k1 * l1);                                                    \
    cc_vd g = yk - vk * d;                                                                \
    cc_vd c = l1;                                                                         \
    l0 = l0 + d;                                                                          \
    l1 = l1 + h * l0;                                                                     \
    CC_SS_NOTE(m0, l0);                                                                   \
    CC_SS_NOTE(m1, l1);                                                                   \
    CC_SS_NOTE(mg, g);                                                                    \
    bad = bad + (g * 0 + c * 0); /* NaN from here on if any g or g″ is not finite */      \
    _Pragma("clang loop unroll(full)") for (int l = 0; l < CC_SS_LANES; l++) {            \
      if (STORE) {                                                                        \
        const long k = row[l] - dd;                                                       \
        values[k] = g[l];                                                                 \
        second[k] = c[l];                                                                 \
      }                                                                                   \
    }                                                                                     \
  }

#if defined(__x86_64__) && defined(__clang__)
#define CC_SS_CLONES __attribute__((target_clones("avx512f", "arch=haswell", "default")))
#else
#define CC_SS_CLONES
#endif

// The filter of rows [start, start + steps) for each lane, started at the exact two-point
// (diffuse) initialisation on knots start − 2, start − 1. Rows before `store_from[l]` steps are
// burn-in: nothing is stored, and the state after them goes to join[l]. The final state goes to
// last[l]; running maxima of |state| go to scale[l].
//
// One step: Q̃ = FPFᵀ + Q, S = Q̃₀₀ + v, r = 1/S, k = Q̃[·,0]·r, e = y − g̃, u = e·r; then
// g += k₀e, g′ += k₁e, P₀₀ = k₀v, P₀₁ = k₁v, P₁₁ = Q̃₁₁ − Q̃₀₁²·r. The sums are grouped so that the
// longest dependency chain from one step's P to the next (through the division) is short.
CC_SS_CLONES
void cc_ss_forward(const cc_ss_problem *p, int lanes, const long *start, long steps,
                   const long *store_from, cc_ss_state *join, cc_ss_state *last,
                   cc_ss_state *scale) {
  const double *t = p->t, *y = p->y, *w = p->w;
  double *rec = p->records;
  const double lambda = p->lambda;
  long row[CC_SS_LANES];
  int storing[CC_SS_LANES];
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
    storing[l] = 0;
  }
  for (long s0 = 0; s0 < steps;) {
    // The next phase ends where some lane's burn-in ends.
    long s1 = steps;
    for (int l = 0; l < lanes; l++) {
      if (store_from[l] == s0) {
        join[l] = (cc_ss_state){x0[l], x1[l], p00[l], p01[l], p11[l]};
        storing[l] = 1;
      }
      if (store_from[l] > s0 && store_from[l] < s1) s1 = store_from[l];
    }
    int all = 1;
    for (int l = 0; l < CC_SS_LANES; l++) all &= storing[l];
    // Four versions of the same step (weighted or not, every lane storing or not), so that the
    // per-lane tests leave the loop.
    if (w) {
      if (all) CC_SS_FORWARD_LOOP(lambda / w[k], 1) else CC_SS_FORWARD_LOOP(lambda / w[k], storing[l])
    } else {
      if (all) CC_SS_FORWARD_LOOP(lambda, 1) else CC_SS_FORWARD_LOOP(lambda, storing[l])
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
  double *values = p->values, *second = p->second;
  const double lambda = p->lambda;
  long row[CC_SS_LANES];
  int storing[CC_SS_LANES];
  cc_vd l0 = 0, l1 = 0, m0 = 0, m1 = 0, mg = 0, bad = 0, tnext;
  for (int l = 0; l < CC_SS_LANES; l++) {
    int q = l < lanes ? l : 0;
    row[l] = top[q];
    storing[l] = 0;
    tnext[l] = t[top[q]];
  }
  for (long s0 = 0; s0 < steps;) {
    long s1 = steps;
    for (int l = 0; l < lanes; l++) {
      if (store_from[l] == s0) {
        join[l] = (cc_ss_state){l0[l], l1[l], 0, 0, 0};
        storing[l] = 1;
      }
      if (store_from[l] > s0 && store_from[l] < s1) s1 = store_from[l];
    }
    int all = 1;
    for (int l = 0; l < CC_SS_LANES; l++) all &= storing[l];
    if (w) {
      if (all) CC_SS_BACKWARD_LOOP(lambda / w[k], 1) else CC_SS_BACKWARD_LOOP(lambda / w[k], storing[l])
    } else {
      if (all) CC_SS_BACKWARD_LOOP(lambda, 1) else CC_SS_BACKWARD_LOOP(lambda, storing[l])
    }
    for (int l = 0; l < CC_SS_LANES; l++) row[l] -= s1 - s0;
    s0 = s1;
  }
  for (int l = 0; l < lanes; l++) {
    last[l] = (cc_ss_state){l0[l], l1[l], 0, 0, 0};
    scale[l] = (cc_ss_state){m0[l], m1[l], mg[l], bad[l], 0};
  }
}
