/* Sequential file throughput: writes a file of MIB mebibytes in CHUNK-byte writes,
 * fsyncs and closes it, then reads it back in CHUNK-byte reads; repeats ROUNDS times
 * and prints the best rate of each. The same program runs in the guest on a 9p share
 * and on the host on tmpfs (bench.py), so the figures compare like with like.
 *
 *   fsbench DIR [MIB [CHUNK [ROUNDS]]]
 *   -> fsbench: chunk=131072 mib=32 write-mib-s=123.4 read-mib-s=456.7 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: fsbench DIR [MIB [CHUNK [ROUNDS]]]\n");
    return 2;
  }
  const long mib = argc > 2 ? atol(argv[2]) : 32;
  const long chunk = argc > 3 ? atol(argv[3]) : 128 * 1024;
  const int rounds = argc > 4 ? atoi(argv[4]) : 3;
  const long long total = mib * 1024LL * 1024LL;
  char path[512];
  snprintf(path, sizeof path, "%s/fsbench.dat", argv[1]);
  char* buffer = malloc(chunk);
  if (!buffer || chunk <= 0 || total % chunk) return 2;
  for (long i = 0; i < chunk; ++i) buffer[i] = (char)(i * 131);

  double best_write = 0, best_read = 0;
  for (int round = 0; round < rounds; ++round) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
      perror("fsbench: open for writing");
      return 1;
    }
    double start = now();
    for (long long done = 0; done < total; done += chunk)
      if (write(fd, buffer, chunk) != chunk) {
        perror("fsbench: write");
        return 1;
      }
    if (fsync(fd) != 0 || close(fd) != 0) {
      perror("fsbench: fsync/close");
      return 1;
    }
    double rate = mib / (now() - start);
    if (rate > best_write) best_write = rate;

    fd = open(path, O_RDONLY);
    if (fd < 0) {
      perror("fsbench: open for reading");
      return 1;
    }
    start = now();
    long long got = 0;
    ssize_t n;
    while ((n = read(fd, buffer, chunk)) > 0) got += n;
    close(fd);
    if (got != total) {
      fprintf(stderr, "fsbench: read %lld of %lld bytes\n", got, total);
      return 1;
    }
    rate = mib / (now() - start);
    if (rate > best_read) best_read = rate;
  }
  unlink(path);
  printf("fsbench: chunk=%ld mib=%ld write-mib-s=%.1f read-mib-s=%.1f\n", chunk, mib, best_write,
         best_read);
  return 0;
}
