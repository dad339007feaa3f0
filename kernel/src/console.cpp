#include <cairn/arch/cpu.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/format.h>

namespace cairn {
namespace {

ConsoleDriver* consoles;

void sink_write(void*, const char* text, std::size_t length) { console_write(text, length); }

}  // namespace

void console_register(ConsoleDriver& driver) {
  ConsoleDriver** tail = &consoles;
  while (*tail) tail = &(*tail)->next;
  driver.next = nullptr;
  *tail = &driver;
}

void console_write(const char* text, std::size_t length) {
  for (ConsoleDriver* c = consoles; c; c = c->next) c->write(text, length);
}

std::size_t console_read(char* buffer, std::size_t length) {
  if (length == 0) return 0;
  bool readable = false;
  for (ConsoleDriver* c = consoles; c; c = c->next) readable |= c->poll_read != nullptr;
  if (!readable) return 0;
  // Polling: console input has no interrupt until [M4] brings interrupt routing.
  for (;;) {
    for (ConsoleDriver* c = consoles; c; c = c->next)
      if (c->poll_read)
        if (std::size_t n = c->poll_read(buffer, length)) return n;
    arch::pause();
  }
}

void console_flush() {
  for (ConsoleDriver* c = consoles; c; c = c->next)
    if (c->flush) c->flush();
}

void vkprintf(const char* fmt, va_list args) {
  vformat(FormatSink{sink_write, nullptr}, fmt, args);
}

void kprintf(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vkprintf(fmt, args);
  va_end(args);
}

void kwarn(const char* fmt, ...) {
  kprintf("cairn: warning: ");
  va_list args;
  va_start(args, fmt);
  vkprintf(fmt, args);
  va_end(args);
  kprintf("\n");
}

}  // namespace cairn
