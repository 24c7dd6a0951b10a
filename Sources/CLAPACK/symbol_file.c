#define _GNU_SOURCE
#include "CLAPACK.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

int cc_symbol_file(const void *symbol, char *path, size_t capacity) {
  Dl_info info;
  if (symbol == NULL || capacity == 0 || dladdr(symbol, &info) == 0 || info.dli_fname == NULL)
    return 0;
  char resolved[PATH_MAX];
  const char *name = realpath(info.dli_fname, resolved) ? resolved : info.dli_fname;
  strncpy(path, name, capacity - 1);
  path[capacity - 1] = 0;
  return 1;
}
