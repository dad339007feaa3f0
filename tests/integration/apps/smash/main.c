#include <stdio.h>
#include <string.h>

__attribute__((noinline)) static void overflow(const char* text, size_t length) {
  char buffer[16];
  memcpy(buffer, text, length);  // length > sizeof buffer: smashes the canary
  printf("copied %s\n", buffer);
}

int main(int argc, char** argv) {
  (void)argv;
  static const char long_text[64] = "this text is far longer than sixteen bytes";
  printf("stack protector test\n");
  overflow(long_text, argc + 40);
  return 0;
}
