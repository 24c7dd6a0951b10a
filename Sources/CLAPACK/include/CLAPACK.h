// The one C boundary of CodedComputing: the types of the BLAS and LAPACK routines it calls, which
// LinearAlgebra/ resolves at run time from the library it loads (dlopen), and a cpuid probe that
// tells which kernels the processor can run. Nothing here links a BLAS: the library is chosen when
// it is first needed, so OpenBLAS's kernels can be picked before it initialises (see BLASInfo.swift).
// Only LinearAlgebra/ imports this module.
#ifndef CODEDCOMPUTING_CLAPACK_H
#define CODEDCOMPUTING_CLAPACK_H

#include <stddef.h>

// CBLAS (LP64: 32-bit integers; enums are ints: CblasColMajor = 102, CblasNoTrans = 111,
// CblasTrans = 112).
typedef void (*cc_cblas_dgemm_fn)(int layout, int transa, int transb, int m, int n, int k,
                                  double alpha, const double *a, int lda, const double *b, int ldb,
                                  double beta, double *c, int ldc);

// Fortran LAPACK (every argument by reference; a hidden length after each character argument).
typedef void (*cc_dgesv_fn)(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv,
                            double *b, const int *ldb, int *info);
typedef void (*cc_dpbtrf_fn)(const char *uplo, const int *n, const int *kd, double *ab,
                             const int *ldab, int *info, size_t uplo_length);
typedef void (*cc_dpbtrs_fn)(const char *uplo, const int *n, const int *kd, const int *nrhs,
                             const double *ab, const int *ldab, double *b, const int *ldb,
                             int *info, size_t uplo_length);
// Minimum-norm least squares through the SVD (optional: resolved when the LAPACK has it).
typedef void (*cc_dgelss_fn)(const int *m, const int *n, const int *nrhs, double *a,
                             const int *lda, double *b, const int *ldb, double *s,
                             const double *rcond, int *rank, double *work, const int *lwork,
                             int *info);

// Library introspection (OpenBLAS: openblas_get_corename, openblas_get_config,
// openblas_get_num_threads, openblas_set_num_threads, gotoblas_dynamic_init/quit).
typedef char *(*cc_string_fn)(void);
typedef int (*cc_int_fn)(void);
typedef void (*cc_set_int_fn)(int);
typedef void (*cc_void_fn)(void);
typedef long (*cc_long_fn)(void);
typedef void (*cc_set_long_fn)(long);

/// What cpuid (and xgetbv, for what the operating system saves) says about the processor.
typedef struct {
  int avx;         // AVX with YMM state enabled by the OS
  int avx2_fma;    // AVX2 and FMA3, YMM state enabled
  int avx512;      // AVX-512 F, CD, DQ, BW, VL with ZMM and opmask state enabled
  int avx512_bf16; // AVX512_BF16 (Cooper Lake, Sapphire Rapids, Zen 4 and later)
  char vendor[13]; // "GenuineIntel", "AuthenticAMD", …
  char brand[49];  // the processor brand string, e.g. "AMD EPYC 9R45" (may be short under a hypervisor)
} cc_cpu_features;

/// Fills `features` from cpuid; all zero on a processor that is not x86-64.
void cc_cpu_features_read(cc_cpu_features *features);

/// Writes the path of the shared object that defines `symbol` (symbolic links resolved) to `path`;
/// returns 0 when it cannot be told.
int cc_symbol_file(const void *symbol, char *path, size_t capacity);

#endif
