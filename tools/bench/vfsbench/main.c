/* File metadata and small-file rates: creates FILES files in DIR, then writes 4 KiB to
 * each, stats each, reads each back and unlinks each, timing every phase; then writes
 * and reads one 64 MiB file sequentially. Repeats ROUNDS times and keeps the best rate
 * of each phase. A plain POSIX program: bench.py runs it in the guest on ramfs and on
 * the host on tmpfs, so the two compare like with like.
 *
 *   vfsbench DIR [FILES [ROUNDS]]
 *   -> vfsbench: files=5000 create-per-s=... write-per-s=... stat-per-s=...
 *      read-per-s=... unlink-per-s=... seq-write-mib-s=... seq-read-mib-s=... */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { kSmall = 4096, kSeqChunk = 1 << 17, kSeqMib = 64 };
enum { kCreate, kWrite, kStat, kRead, kUnlink, kSeqWrite, kSeqRead, kPhases };
static const char* const names[kPhases] = {"create-per-s",  "write-per-s",  "stat-per-s",
                                           "read-per-s",    "unlink-per-s", "seq-write-mib-s",
                                           "seq-read-mib-s"};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char* what, const char* path) {
  fprintf(stderr, "vfsbench: %s %s: ", what, path);
  perror(NULL);
  exit(1);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: vfsbench DIR [FILES [ROUNDS]]\n");
    return 2;
  }
  const char* dir = argv[1];
  const int files = argc > 2 ? atoi(argv[2]) : 5000;
  const int rounds = argc > 3 ? atoi(argv[3]) : 3;
  static char data[kSeqChunk];
  for (int i = 0; i < kSeqChunk; ++i) data[i] = (char)(i * 131);
  char path[512];
  double best[kPhases] = {0};
  for (int round = 0; round < rounds; ++round) {
    double rate[kPhases];
    double start = now();
    for (int i = 0; i < files; ++i) {
      snprintf(path, sizeof path, "%s/f%d", dir, i);
      int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
      if (fd < 0 || close(fd) != 0) die("create", path);
    }
    rate[kCreate] = files / (now() - start);
    start = now();
    for (int i = 0; i < files; ++i) {
      snprintf(path, sizeof path, "%s/f%d", dir, i);
      int fd = open(path, O_WRONLY);
      if (fd < 0 || write(fd, data, kSmall) != kSmall || close(fd) != 0) die("write", path);
    }
    rate[kWrite] = files / (now() - start);
    start = now();
    for (int i = 0; i < files; ++i) {
      struct stat st;
      snprintf(path, sizeof path, "%s/f%d", dir, i);
      if (stat(path, &st) != 0 || st.st_size != kSmall) die("stat", path);
    }
    rate[kStat] = files / (now() - start);
    start = now();
    for (int i = 0; i < files; ++i) {
      char buffer[kSmall];
      snprintf(path, sizeof path, "%s/f%d", dir, i);
      int fd = open(path, O_RDONLY);
      if (fd < 0 || read(fd, buffer, kSmall) != kSmall || close(fd) != 0) die("read", path);
    }
    rate[kRead] = files / (now() - start);
    start = now();
    for (int i = 0; i < files; ++i) {
      snprintf(path, sizeof path, "%s/f%d", dir, i);
      if (unlink(path) != 0) die("unlink", path);
    }
    rate[kUnlink] = files / (now() - start);

    snprintf(path, sizeof path, "%s/sequential", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die("open", path);
    start = now();
    for (int i = 0; i < kSeqMib * (1 << 20) / kSeqChunk; ++i)
      if (write(fd, data, kSeqChunk) != kSeqChunk) die("write", path);
    rate[kSeqWrite] = kSeqMib / (now() - start);
    if (lseek(fd, 0, SEEK_SET) != 0) die("lseek", path);
    start = now();
    for (int i = 0; i < kSeqMib * (1 << 20) / kSeqChunk; ++i)
      if (read(fd, data, kSeqChunk) != kSeqChunk) die("read", path);
    rate[kSeqRead] = kSeqMib / (now() - start);
    if (close(fd) != 0 || unlink(path) != 0) die("unlink", path);

    for (int p = 0; p < kPhases; ++p)
      if (rate[p] > best[p]) best[p] = rate[p];
  }
  printf("vfsbench: files=%d", files);
  for (int p = 0; p < kPhases; ++p) printf(" %s=%.0f", names[p], best[p]);
  printf("\n");
  return 0;
}
