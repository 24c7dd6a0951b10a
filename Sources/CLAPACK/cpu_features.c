#include "CLAPACK.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static unsigned long long xgetbv0(void) {
  unsigned int eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((unsigned long long)edx << 32) | eax;
}

void cc_cpu_features_read(cc_cpu_features *f) {
  memset(f, 0, sizeof *f);
  unsigned int a, b, c, d;
  if (!__get_cpuid(0, &a, &b, &c, &d)) return;
  unsigned int max_leaf = a;
  memcpy(f->vendor, &b, 4);
  memcpy(f->vendor + 4, &d, 4);
  memcpy(f->vendor + 8, &c, 4);
  unsigned int ext_max = __get_cpuid_max(0x80000000u, 0);
  if (ext_max >= 0x80000004u) {
    unsigned int regs[12];
    for (unsigned int i = 0; i < 3; i++)
      __get_cpuid(0x80000002u + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]);
    memcpy(f->brand, regs, 48);
    // Trim the leading and trailing blanks some processors pad the brand with.
    char *start = f->brand;
    while (*start == ' ') start++;
    memmove(f->brand, start, strlen(start) + 1);
    for (size_t n = strlen(f->brand); n > 0 && f->brand[n - 1] == ' '; n--) f->brand[n - 1] = 0;
  }
  __get_cpuid(1, &a, &b, &c, &d);
  int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
  if (!osxsave) return;
  unsigned long long xcr0 = xgetbv0();
  int ymm_state = (xcr0 & 0x6) == 0x6;
  int zmm_state = (xcr0 & 0xe6) == 0xe6;
  f->avx = avx && ymm_state;
  if (max_leaf < 7) return;
  __cpuid_count(7, 0, a, b, c, d);
  int avx2 = (b >> 5) & 1;
  f->avx2_fma = f->avx && avx2 && fma;
  int avx512 = ((b >> 16) & 1) && ((b >> 17) & 1) && ((b >> 28) & 1) && ((b >> 30) & 1) &&
               ((b >> 31) & 1);  // F, DQ, CD, BW, VL
  f->avx512 = f->avx2_fma && avx512 && zmm_state;
  if (a >= 1) {
    unsigned int a1, b1, c1, d1;
    __cpuid_count(7, 1, a1, b1, c1, d1);
    f->avx512_bf16 = f->avx512 && ((a1 >> 5) & 1);
  }
}
#else
void cc_cpu_features_read(cc_cpu_features *f) { memset(f, 0, sizeof *f); }
#endif
