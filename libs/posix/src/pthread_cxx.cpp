// What libstdc++'s header-only locks (std::mutex, std::recursive_mutex,
// std::shared_mutex, std::unique_lock, through gthr-posix.h) need from its compiled
// library: a way to report a failed lock. C++ exceptions are off in images until
// CONFIG_CXX_STDLIB builds the library, so a std::system_error ends the VM with a
// report, as a failing `new` does. Weak: the compiled library's definition wins.
#include <string.h>

#include <cairn/kernel/panic.h>

namespace std {

[[gnu::weak, noreturn]] void __throw_system_error(int error) {
  cairn::panic("std::system_error: %s (C++ exceptions are off)", strerror(error));
}

}  // namespace std
