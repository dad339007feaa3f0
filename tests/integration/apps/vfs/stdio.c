/* newlib's stdio on files: fopen/fprintf/fgets/fseek, remove, rename, tmpfile. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfs_test.h"

int test_stdio(void) {
  FILE* f = fopen("/tmp/lines.txt", "w");
  CHECK(f != NULL);
  for (int i = 0; i < 5000; ++i) fprintf(f, "line %d\n", i);
  CHECK(fclose(f) == 0);
  f = fopen("/tmp/lines.txt", "r");
  char line[64];
  int n = 0, bad = 0;
  while (fgets(line, sizeof line, f)) {
    char want[64];
    snprintf(want, sizeof want, "line %d\n", n++);
    if (strcmp(line, want)) bad = 1;
  }
  CHECK(n == 5000 && !bad);
  CHECK(fseek(f, 5, SEEK_SET) == 0 && fgets(line, sizeof line, f) && strcmp(line, "0\n") == 0);
  fclose(f);
  f = fopen("/tmp/lines.txt", "a");
  fputs("appended\n", f);
  fclose(f);
  struct stat st;
  CHECK(stat("/tmp/lines.txt", &st) == 0 && st.st_size == 48890 + 9);
  CHECK(rename("/tmp/lines.txt", "/tmp/moved.txt") == 0);
  CHECK(fopen("/tmp/lines.txt", "r") == NULL && errno == ENOENT);
  CHECK(remove("/tmp/moved.txt") == 0);
  char tmpl[] = "/tmp/fileXXXXXX";
  int fd = mkstemp(tmpl);
  CHECK(fd >= 0 && unlink(tmpl) == 0);
  close(fd);
  FILE* t = tmpfile();
  CHECK(t != NULL && fputs("temp", t) >= 0);
  if (t) fclose(t);
  return 0;
}
