#include <stdio.h>

int main(void) {
  printf("built with add_subdirectory\n");
  return 7;
}
