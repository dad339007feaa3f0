// The kernel command line: `kernel options -- application arguments`.
//
// Words are separated by spaces, tabs and newlines. Within a word, double- or single-quoted parts
// lose their quotes ("a b"c is `a bc`) and a backslash escapes the next character (outside
// quotes: any character; inside double quotes: only `"` and `\`; inside single quotes: nothing).
// Words before the first `--` are kernel options, `name=value` or a bare `name` (a flag).
// Words after it are the application's argv. A word starting with `virtio_mmio.device=` is taken
// out wherever it stands, because QEMU microvm and Firecracker append these after the user's
// application arguments.
//
// CommandLine parses without allocating: it copies the text into its own buffer and splits it in
// place, so every string it hands out points into the CommandLine and is NUL-terminated. It is
// large (about 10 KiB); the kernel keeps one in .bss.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "cairn/kernel/result.h"

namespace cairn {

struct KernelOption {
  // Both views are also C strings: their data() is NUL-terminated, even for an empty value.
  std::string_view name;   // never empty
  std::string_view value;  // empty for a flag and for `name=`
  bool has_value;          // false for a bare `name`, true for `name=` and `name=value`
};

class CommandLine {
 public:
  static constexpr std::size_t kMaxLength = 4096;  // bytes of command-line text
  static constexpr std::size_t kMaxOptions = 64;
  static constexpr std::size_t kMaxArgs = 128;  // application arguments, not counting argv[0]
  static constexpr std::size_t kMaxVirtioMmio = 32;
  static constexpr std::size_t kMaxProgramName = 64;  // argv[0] longer than this is truncated
  static constexpr std::string_view kVirtioMmioPrefix = "virtio_mmio.device=";

  constexpr CommandLine() = default;
  // The views handed out point into this object: copying it would leave them dangling.
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // Forgets the previous command line, then parses `text`, which ends at its first NUL if it has
  // one (the boot protocols hand over C strings). Errors:
  //   E2BIG   text longer than kMaxLength (nothing is parsed), or more than kMaxOptions options,
  //           kMaxArgs arguments or kMaxVirtioMmio devices;
  //   EINVAL  an unterminated quote, or an option with an empty name (`=x`, `""`).
  // On error the words before the offending one stay available, so the kernel can warn and boot.
  Result<void> parse(std::string_view text);

  std::span<const KernelOption> options() const { return {options_, option_count_}; }
  // The value of each `virtio_mmio.device=` word, e.g. `4K@0xd0000000:5`, in command-line order.
  std::span<const std::string_view> virtio_mmio_devices() const {
    return {virtio_mmio_, virtio_mmio_count_};
  }
  std::span<char* const> arguments() const { return {args_ + 1, arg_count_}; }

  // For main(): argc is 1 + the number of application arguments; argv[0] is a copy of
  // `program_name` and argv[argc] is nullptr. The array and the strings live in this object
  // and may be modified by the application, as C allows.
  int argc() const { return static_cast<int>(arg_count_) + 1; }
  char** argv(std::string_view program_name);

 private:
  Result<void> add_word(char* word, std::size_t length, bool& in_arguments);

  char text_[kMaxLength + 1] = {};  // the words, in place, each followed by a NUL
  char program_name_[kMaxProgramName] = {};
  KernelOption options_[kMaxOptions] = {};
  std::string_view virtio_mmio_[kMaxVirtioMmio] = {};
  char* args_[kMaxArgs + 2] = {};  // argv: [0] program name, [1..] arguments, then nullptr
  std::size_t option_count_ = 0;
  std::size_t virtio_mmio_count_ = 0;
  std::size_t arg_count_ = 0;
};

// The command line the image booted with, parsed before the arch-level initcalls run.
const CommandLine& kernel_command_line();

}  // namespace cairn
