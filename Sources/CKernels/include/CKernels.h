// Element-wise kernels that Swift cannot vectorise well on the baseline x86-64 target: each is
// compiled for AVX-512, AVX2 + FMA and the baseline (target_clones), and the loader picks the
// widest the processor runs. Workloads/NeuralNetwork/ imports this module, and the LT peeling
// decoder (Codes/LT/) for cc_prefetch.
#ifndef CODEDCOMPUTING_CKERNELS_H
#define CODEDCOMPUTING_CKERNELS_H

#include <stddef.h>

/// x[i] ← tanh(x[i]) for i < count, within 2 ulp of glibc's tanh (tested in
/// ActivationKernelTests). NaN stays NaN; ±∞ → ±1.
void cc_tanh_inplace(double *x, size_t count);

/// x[i] ← 1/(1 + exp(−x[i])) for i < count, within 4 ulp for x ≥ −708 (tested); 0 below, where
/// the exact value is a subnormal. NaN stays NaN.
void cc_sigmoid_inplace(double *x, size_t count);

/// A hint that `address` will be read soon (a cache-line prefetch; no fault on any address).
static inline void cc_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
