/* [M6] acceptance program: the initrd, ramfs and its errors, pipes/dup//dev/null, and a
 * 9p share, one part after the other. accept_files.py checks the output and the share. */
#include <stdlib.h>

#include "check.h"

int failures;
unsigned char blob[65536];

uint64_t fnv1a64(const void* data, size_t length) {
  const unsigned char* bytes = data;
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < length; ++i) h = (h ^ bytes[i]) * 0x100000001b3ull;
  return h;
}

int main(void) {
  initrd_files();
  ramfs_calls();
  pipes_dup_null();
  share_lines();
  printf(failures ? "files: %d FAILED\n" : "files ok\n", failures);
  return failures ? 1 : 0;
}
