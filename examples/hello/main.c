// The smallest Cairn application: an ordinary C program.
#include <stdio.h>

int main(int argc, char** argv) {
  printf("Hello from Cairn!\n");
  for (int i = 1; i < argc; ++i) printf("argv[%d] = %s\n", i, argv[i]);
  return 0;
}
