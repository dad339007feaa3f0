// The C library under threads: __thread variables, stdio from many threads at once,
// malloc from many threads, and a sleeper beside a spinner.
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "threads_test.h"

// --- __thread: every thread starts from the image's template (.tdata initialised,
// .tbss zero) and keeps its own values.
static __thread int tls_initialised = 1234;
static __thread long tls_array[4] = {1, 2, 3, 4};
static __thread int tls_zero;
static __thread char tls_zero_block[256];

static void* tls_worker(void* argument) {
  int id = (int)(intptr_t)argument;
  THREAD_CHECK(tls_initialised == 1234);
  THREAD_CHECK(tls_array[0] == 1 && tls_array[3] == 4);
  THREAD_CHECK(tls_zero == 0);
  for (size_t i = 0; i < sizeof tls_zero_block; ++i) THREAD_CHECK(tls_zero_block[i] == 0);
  tls_initialised = id;
  tls_array[2] = id * 10;
  tls_zero = -id;
  memset(tls_zero_block, id, sizeof tls_zero_block);
  errno = id;
  for (int round = 0; round < 20; ++round) {
    sched_yield();
    THREAD_CHECK(tls_initialised == id && tls_array[2] == id * 10 && tls_zero == -id);
    THREAD_CHECK(errno == id);
    THREAD_CHECK(tls_zero_block[round] == (char)id);
  }
  // The address differs per thread: report it through the return value.
  return (void*)&tls_initialised;
}

int test_tls(void) {
  enum { kThreads = 16 };
  pthread_t threads[kThreads];
  void* addresses[kThreads];
  tls_initialised = -1;  // main's copy: the others must not see it
  errno = 0;
  for (int i = 0; i < kThreads; ++i)
    CHECK_RESULT(pthread_create(&threads[i], NULL, tls_worker, (void*)(intptr_t)(i + 1)), 0);
  for (int i = 0; i < kThreads; ++i) CHECK_RESULT(pthread_join(threads[i], &addresses[i]), 0);
  for (int i = 0; i < kThreads; ++i)
    for (int j = i + 1; j < kThreads; ++j) CHECK(addresses[i] != addresses[j]);
  CHECK(tls_initialised == -1 && tls_zero == 0 && errno == 0);
  printf("tls: %d threads, distinct copies, template values ok, errno per thread\n", kThreads);
  return 0;
}

// --- A sleeper beside a thread that spins without yielding: the sleeper must still
// wake on time (interrupts wake it under either scheduler).
static volatile int stop_spinning;
static uint64_t overslept_ns[5];

static void* spinner(void* argument) {
  (void)argument;
  uint64_t started = now_ns();
  while (!stop_spinning)
    if (now_ns() - started > 10000000000ull) break;  // 10 s: the sleeper never woke
  return NULL;
}

static void* sleeper(void* argument) {
  (void)argument;
  for (int i = 0; i < 5; ++i) {
    uint64_t started = now_ns();
    struct timespec request = {0, 100000000};
    nanosleep(&request, NULL);
    overslept_ns[i] = now_ns() - started - 100000000;
  }
  stop_spinning = 1;
  return NULL;
}

int test_sleep_spin(void) {
  pthread_t spin, sleep;
  CHECK_RESULT(pthread_create(&spin, NULL, spinner, NULL), 0);
  CHECK_RESULT(pthread_create(&sleep, NULL, sleeper, NULL), 0);
  CHECK_RESULT(pthread_join(sleep, NULL), 0);
  CHECK_RESULT(pthread_join(spin, NULL), 0);
  CHECK(stop_spinning);
  uint64_t worst = 0;
  for (int i = 0; i < 5; ++i)
    if (overslept_ns[i] > worst) worst = overslept_ns[i];
  printf("sleep-spin: late by");
  for (int i = 0; i < 5; ++i) printf(" %llu", (unsigned long long)(overslept_ns[i] / 1000));
  printf(" us\n");
  printf("sleep-spin: 5 x 100 ms beside a spinner, worst late by %llu us\n",
         (unsigned long long)(worst / 1000));
  CHECK((int64_t)worst >= 0);
  CHECK(worst < 50000000);  // 50 ms: generous for TCG
  return 0;
}

// --- printf from many threads: every line lands whole in the one stdout buffer.
enum { kPrinters = 16, kLines = 200, kLineLength = 48 };
static char stdout_buffer[kPrinters * kLines * kLineLength + 4096];

static void* printer(void* argument) {
  int id = (int)(intptr_t)argument;
  for (int n = 0; n < kLines; ++n) {
    printf("printf-line t=%02d n=%03d %s\n", id, n, "abcdefghijklmnop");
    if (n % 7 == id % 7) sched_yield();
  }
  return NULL;
}

int test_printf(void) {
  // Fully buffered into our buffer, large enough that nothing is written until we
  // have checked it: all threads' lines must be in this one buffer, each intact.
  CHECK(setvbuf(stdout, stdout_buffer, _IOFBF, sizeof stdout_buffer) == 0);
  if (run_threads(kPrinters, printer)) return 1;
  int next[kPrinters] = {0};
  int lines = 0, bad = 0;
  for (const char* line = stdout_buffer; *line; ++lines) {
    const char* end = strchr(line, '\n');
    if (!end) break;
    int id = -1, n = -1, used = 0;
    char tail[32] = "";
    if (sscanf(line, "printf-line t=%d n=%d %31s%n", &id, &n, tail, &used) != 3 ||
        line + used != end || id < 0 || id >= kPrinters || n != next[id] ||
        strcmp(tail, "abcdefghijklmnop") != 0)
      ++bad;
    else
      ++next[id];
    line = end + 1;
  }
  fflush(stdout);
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("printf: %d lines from %d threads, %d garbled\n", lines, kPrinters, bad);
  CHECK(lines == kPrinters * kLines && bad == 0);
  for (int i = 0; i < kPrinters; ++i) CHECK(next[i] == kLines);
  return 0;
}

// --- malloc and free from many threads, blocks checked for their pattern.
enum { kAllocators = 16, kOperations = 4000, kLive = 64 };

static void* allocator(void* argument) {
  int id = (int)(intptr_t)argument;
  unsigned seed = (unsigned)id * 2654435761u + 1;
  unsigned char* blocks[kLive] = {0};
  size_t sizes[kLive] = {0};
  for (int op = 0; op < kOperations; ++op) {
    seed = seed * 1103515245u + 12345u;
    int slot = (int)((seed >> 8) % kLive);
    if (blocks[slot]) {
      for (size_t i = 0; i < sizes[slot]; ++i)
        if (blocks[slot][i] != (unsigned char)(id + slot)) {
          THREAD_CHECK(!"heap block overwritten");
          break;
        }
      free(blocks[slot]);
      blocks[slot] = NULL;
    } else {
      sizes[slot] = 1 + (seed >> 12) % ((seed & 1) ? 64 : 9000);
      blocks[slot] = malloc(sizes[slot]);
      THREAD_CHECK(blocks[slot] != NULL);
      if (!blocks[slot]) continue;
      memset(blocks[slot], id + slot, sizes[slot]);
    }
    if (op % 97 == 0) sched_yield();
  }
  for (int slot = 0; slot < kLive; ++slot) free(blocks[slot]);
  return NULL;
}

int test_malloc(void) {
  if (run_threads(kAllocators, allocator)) return 1;
  printf("malloc: %d threads x %d operations, no block overwritten\n", kAllocators, kOperations);
  return 0;
}
