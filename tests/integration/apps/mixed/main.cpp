#include <cairn/config.h>

#include <concepts>
#include <cstdio>

#include "greeting.h"

template <std::integral T>  // a C++20 concept
constexpr T twice(T value) {
  return value * 2;
}

int main() {
  for (int i = 0; i < CONFIG_APP_REPEAT; ++i) std::printf("%s\n", CONFIG_APP_GREETING);
  std::printf("library built against %s\n", greeting_libc());
  std::printf("c++ %ld twice(21)=%d\n", __cplusplus, twice(21));
  return 0;
}
