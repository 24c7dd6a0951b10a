// Element-wise kernels that Swift cannot vectorise well on the baseline x86-64 target: each is
// compiled for AVX-512, AVX2 + FMA and the baseline (target_clones), and the loader picks the
// widest the processor runs. Workloads/NeuralNetwork/ imports this module, and the LT peeling
// decoder (Codes/LT/) for cc_prefetch.
#ifndef CODEDCOMPUTING_CKERNELS_H
#define CODEDCOMPUTING_CKERNELS_H

#include <stddef.h>

#include "cc_scan.h"

/// x[i] ← tanh(x[i]) for i < count, within 2 ulp of glibc's tanh (tested in
/// ActivationKernelTests). NaN stays NaN; ±∞ → ±1.
void cc_tanh_inplace(double *x, size_t count);

/// x[i] ← 1/(1 + exp(−x[i])) for i < count, within 4 ulp for x ≥ −708 (tested); 0 below, where
/// the exact value is a subnormal. NaN stays NaN.
void cc_sigmoid_inplace(double *x, size_t count);

/// A hint that `address` will be read soon (a cache-line prefetch; no fault on any address).
static inline void cc_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// Lanes of the smoothing-spline state-space kernels (chains run in lock step).
#define CC_SS_LANES 8

/// One smoothing-spline fit by the state-space route (`_SplineStateSpace.swift`): knots t
/// (strictly increasing), weights w (NULL: all 1), λ, one data column y; records (3n doubles)
/// hold the filter's gains and scaled innovations; values and second receive g and g″.
typedef struct {
  long n;
  const double *t;
  const double *w;
  double lambda;
  const double *y;
  double *records;
  double *values;
  double *second;
} cc_ss_problem;

/// A chain's state (filter: g, g′, P₀₀, P₀₁, P₁₁; costate: λ̂₀, λ̂₁ in a, b).
typedef struct {
  double a, b, c, d, e;
} cc_ss_state;

/// The forward (Kalman filter) pass of `lanes` ≤ CC_SS_LANES chains; see spline_statespace.c.
void cc_ss_forward(const cc_ss_problem *p, int lanes, const long *start, long steps,
                   const long *store_from, cc_ss_state *join, cc_ss_state *last,
                   cc_ss_state *scale);

/// The backward (costate) pass of `lanes` ≤ CC_SS_LANES chains; see spline_statespace.c.
void cc_ss_backward(const cc_ss_problem *p, int lanes, const long *top, long steps,
                    const long *store_from, cc_ss_state *join, cc_ss_state *last,
                    cc_ss_state *scale);

/// The natural cubic spline with knots t (n ≥ 2, strictly increasing), knot values g and second
/// derivatives s at the points z[0 … count), into o: the arithmetic of the Swift
/// `_evaluateSpline`, bit for bit, and linear beyond the knots; see spline_evaluate.c.
void cc_spline_evaluate(const double *t, long n, const double *g, const double *s,
                        const double *z, long count, double *o);

#endif
