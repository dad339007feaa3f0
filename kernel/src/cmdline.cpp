#include "cairn/kernel/cmdline.h"

#include <errno.h>

namespace cairn {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// string_view::find, substr and starts_with would pull in memchr and (unoptimised) the
// out_of_range thrower, neither of which a freestanding kernel has.
std::size_t index_of(std::string_view s, char c) {
  std::size_t i = 0;
  while (i < s.size() && s[i] != c) ++i;
  return i;
}

bool has_prefix(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && __builtin_memcmp(s.data(), prefix.data(), prefix.size()) == 0;
}

}  // namespace

Result<void> CommandLine::parse(std::string_view text) {
  option_count_ = virtio_mmio_count_ = arg_count_ = 0;
  text_[0] = '\0';

  text = std::string_view(text.data(), index_of(text, '\0'));
  if (text.size() > kMaxLength) return Error(E2BIG, "command line too long");
  if (!text.empty()) __builtin_memcpy(text_, text.data(), text.size());
  const std::size_t end = text.size();
  text_[end] = '\0';

  bool in_arguments = false;
  std::size_t read = 0;
  for (;;) {
    while (read < end && is_space(text_[read])) ++read;
    if (read == end) return {};

    // Unquote the word in place. Quotes and backslashes only ever shrink it, so the write
    // position never passes the read position.
    char* const word = text_ + read;
    std::size_t write = read;
    char quote = 0;
    for (; read < end; ++read) {
      char c = text_[read];
      if (quote == 0 && is_space(c)) break;
      if (quote != 0 && c == quote) {
        quote = 0;
        continue;
      }
      if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
        continue;
      }
      // A trailing backslash has nothing to escape and stays as it is.
      if (c == '\\' && quote != '\'' && read + 1 < end) {
        const char next = text_[read + 1];
        if (quote == 0 || next == '"' || next == '\\') {
          c = next;
          ++read;
        }
      }
      text_[write++] = c;
    }
    if (quote != 0) return Error(EINVAL, "unterminated quote in command line");
    if (read < end) ++read;  // step over the separator before the NUL may overwrite it
    text_[write] = '\0';
    TRY(add_word(word, static_cast<std::size_t>(text_ + write - word), in_arguments));
  }
}

Result<void> CommandLine::add_word(char* word, std::size_t length, bool& in_arguments) {
  const std::string_view w(word, length);

  if (has_prefix(w, kVirtioMmioPrefix)) {
    if (virtio_mmio_count_ == kMaxVirtioMmio) return Error(E2BIG, "too many virtio_mmio devices");
    const std::size_t prefix = kVirtioMmioPrefix.size();
    virtio_mmio_[virtio_mmio_count_++] = std::string_view(word + prefix, length - prefix);
    return {};
  }

  if (in_arguments) {
    if (arg_count_ == kMaxArgs) return Error(E2BIG, "too many application arguments");
    args_[1 + arg_count_++] = word;  // argv() adds the terminating nullptr
    return {};
  }

  if (w == "--") {
    in_arguments = true;
    return {};
  }

  const std::size_t equals = index_of(w, '=');
  if (equals == 0) return Error(EINVAL, "kernel option with an empty name");
  if (option_count_ == kMaxOptions) return Error(E2BIG, "too many kernel options");
  if (equals == length) {
    // The value of a flag is the empty C string at the end of its name.
    options_[option_count_++] = {w, std::string_view(word + length, 0), false};
  } else {
    word[equals] = '\0';  // so the name is a C string too
    options_[option_count_++] = {std::string_view(word, equals),
                                 std::string_view(word + equals + 1, length - equals - 1), true};
  }
  return {};
}

char** CommandLine::argv(std::string_view program_name) {
  const std::size_t length =
      program_name.size() < kMaxProgramName ? program_name.size() : kMaxProgramName - 1;
  if (length != 0) __builtin_memcpy(program_name_, program_name.data(), length);
  program_name_[length] = '\0';
  args_[0] = program_name_;
  args_[1 + arg_count_] = nullptr;
  return args_;
}

}  // namespace cairn
