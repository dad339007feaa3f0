// One test image, many behaviours: the first argument says what to do. Each mode
// exercises one path from main to the end of the VM; tests/integration/CMakeLists.txt
// boots it once per mode and checks the console and the exit status.
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char kConstant[] = "read-only data";
static __thread int thread_local_counter = 7;

static void on_exit_handler(void) { printf("atexit handler ran\n"); }

static int recurse(int depth) {
  volatile char frame[512];
  frame[0] = (char)depth;
  return recurse(depth + 1) + frame[0];
}

// noinline and a volatile numerator: GCC turns 1 / b into compares without a divide.
__attribute__((noinline)) static int divide(int a, int b) {
  volatile int numerator = a;
  return numerator / b;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  if (!strcmp(mode, "args")) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; ++i) printf("argv[%d]=<%s>\n", i, argv[i]);
    return argv[argc] == NULL ? 0 : 1;
  }
  if (!strcmp(mode, "exit")) return atoi(argv[2]);
  if (!strcmp(mode, "exit-call")) {
    atexit(on_exit_handler);
    printf("unflushed output");  // no newline: exit() must flush it
    exit(atoi(argv[2]));
  }
  if (!strcmp(mode, "libc")) {
    char buffer[128];
    snprintf(buffer, sizeof buffer, "%zu %lld %hhd %.3f %ls", (size_t)42, -9000000000LL,
             (signed char)-5, 3.14159, L"wide");
    printf("formatted: %s\n", buffer);
    void* blocks[64];
    for (int i = 0; i < 64; ++i) {
      blocks[i] = malloc(1024 * (i + 1));
      memset(blocks[i], i, 1024 * (i + 1));
    }
    for (int i = 0; i < 64; ++i) free(blocks[i]);
    printf("malloc ok\n");
    struct stat st;
    int tty = isatty(1);
    int fstat_result = fstat(1, &st);
    printf("isatty(1)=%d fstat(1)=%d chr=%d getpid=%d\n", tty, fstat_result, S_ISCHR(st.st_mode),
           (int)getpid());
    errno = 0;
    int r = fork();  // not in a unikernel: an unimplemented call fails with ENOSYS
    printf("fork=%d errno=%s\n", r, errno == ENOSYS ? "ENOSYS" : strerror(errno));
    errno = 0;
    r = write(7, "x", 1);
    printf("write(7)=%d errno=%s\n", r, errno == EBADF ? "EBADF" : strerror(errno));
    thread_local_counter += 1;
    printf("tls=%d\n", thread_local_counter);
    return 0;
  }
  if (!strcmp(mode, "oom")) {
    size_t total = 0;
    while (malloc(1 << 20)) total += 1 << 20;
    printf("malloc failed after %zu MiB errno=%s\n", total >> 20, errno == ENOMEM ? "ENOMEM" : "?");
    return 0;
  }
  if (!strcmp(mode, "null")) return *(volatile int*)0;
  if (!strcmp(mode, "write-rodata")) {
    *(volatile char*)kConstant = 'X';
    return 0;
  }
  if (!strcmp(mode, "write-text")) {
    *(volatile unsigned char*)(uintptr_t)main = 0xcc;
    return 0;
  }
  if (!strcmp(mode, "exec-stack")) {
    unsigned char code[] = {0xc3};  // ret
    ((void (*)(void))(uintptr_t)code)();
    return 0;
  }
  if (!strcmp(mode, "stack-overflow")) return recurse(0);
  if (!strcmp(mode, "divide")) return divide(1, argc - 2);  // argc == 2: divide by zero
  if (!strcmp(mode, "ud2")) __builtin_trap();
  if (!strcmp(mode, "abort")) abort();
  if (!strcmp(mode, "raise")) return raise(SIGTERM);
  printf("unknown mode '%s'\n", mode);
  return 2;
}
