// The kernel console: the kernel's own messages and the application's stdin, stdout
// and stderr. Console drivers register themselves (usually at the `console` initcall
// level); output goes to every registered console, input comes from the first one
// that can read.
#pragma once

#include <cstdarg>
#include <cstddef>

namespace cairn {

struct ConsoleDriver {
  const char* name;
  void (*write)(const char* text, std::size_t length);
  // Returns the number of bytes read (0 when nothing is waiting); never blocks. May be
  // null for output-only consoles.
  std::size_t (*poll_read)(char* buffer, std::size_t length);
  // Waits until everything written has left the device (before the VM powers off).
  void (*flush)();
  ConsoleDriver* next = nullptr;
};

void console_register(ConsoleDriver& driver);
void console_write(const char* text, std::size_t length);
// Blocks until at least one byte is available; returns 0 only when no console can read.
std::size_t console_read(char* buffer, std::size_t length);
void console_flush();

// printf-style output to the console (see format.h for the conversions).
[[gnu::format(printf, 1, 2)]] void kprintf(const char* fmt, ...);
void vkprintf(const char* fmt, va_list args);

// "cairn: warning: ..." — for problems the image survives (bad options, missing data).
[[gnu::format(printf, 1, 2)]] void kwarn(const char* fmt, ...);

}  // namespace cairn
