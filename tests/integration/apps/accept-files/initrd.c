/* Files the initrd brought: text, a 64 KiB binary (its hash is checked by the host), a
 * symlink, an executable's mode and a directory listing. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static int by_name(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

static void list(const char* path) {
  DIR* dir = opendir(path);
  CHECK(dir != NULL, "opendir %s", path);
  if (!dir) return;
  char names[16][64];
  const char* sorted[16];
  int n = 0;
  struct dirent* entry;
  while ((entry = readdir(dir)) != NULL && n < 16) {
    if (entry->d_name[0] == '.') continue;
    snprintf(names[n], sizeof names[n], "%s", entry->d_name);
    sorted[n] = names[n];
    ++n;
  }
  closedir(dir);
  qsort(sorted, n, sizeof sorted[0], by_name);
  printf("%s:", path);
  for (int i = 0; i < n; ++i) printf(" %s", sorted[i]);
  printf("\n");
}

void initrd_files(void) {
  char text[128] = {0};
  FILE* motd = fopen("/etc/motd", "r");
  CHECK(motd != NULL && fgets(text, sizeof text, motd) != NULL, "reading /etc/motd");
  if (motd) fclose(motd);
  printf("motd: %s", text);

  int lines = 0;
  FILE* config = fopen("/etc/app/config.ini", "r");
  CHECK(config != NULL, "opening /etc/app/config.ini");
  while (config && fgets(text, sizeof text, config)) ++lines;
  if (config) fclose(config);
  printf("config.ini: %d lines\n", lines);

  int fd = open("/data/blob.bin", O_RDONLY);
  CHECK(fd >= 0, "open /data/blob.bin");
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode), "fstat blob.bin");
  size_t done = 0;
  ssize_t got;
  while (done < sizeof blob && (got = read(fd, blob + done, 5000)) > 0) done += (size_t)got;
  CHECK(read(fd, text, 1) == 0, "end of blob.bin");
  close(fd);
  printf("blob.bin: %lld bytes, read %zu, fnv1a64 %016llx\n", (long long)st.st_size, done,
         (unsigned long long)fnv1a64(blob, done));

  char target[64] = {0};
  CHECK(readlink("/data/latest", target, sizeof target - 1) > 0, "readlink /data/latest");
  struct stat through;
  CHECK(stat("/data/latest", &through) == 0 && through.st_ino == st.st_ino,
        "the symlink leads to blob.bin");
  printf("latest -> %s\n", target);
  CHECK(stat("/bin/start.sh", &st) == 0, "stat /bin/start.sh");
  printf("start.sh: mode %o\n", (unsigned)st.st_mode);
  list("/data");
}
