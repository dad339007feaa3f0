#include <stdio.h>
#include <string.h>

#include "vfs_test.h"

int failures;

static const struct {
  const char* name;
  int (*run)(void);
} tests[] = {
    {"files", test_files}, {"dirs", test_dirs},       {"links", test_links}, {"fds", test_fds},
    {"pipes", test_pipes}, {"devices", test_devices}, {"stdio", test_stdio}, {"big", test_big},
};

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    int found = 0;
    for (size_t t = 0; t < sizeof tests / sizeof tests[0]; ++t) {
      if (strcmp(argv[i], tests[t].name) != 0 && strcmp(argv[i], "all") != 0) continue;
      found = 1;
      int before = failures;
      tests[t].run();
      printf("%s: %s\n", tests[t].name, failures == before ? "ok" : "FAILED");
    }
    if (!found) {
      printf("unknown test %s\n", argv[i]);
      return 2;
    }
  }
  return failures ? 1 : 0;
}
