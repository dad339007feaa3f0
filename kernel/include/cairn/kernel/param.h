// Kernel command-line options (`name=value` before `--`). A component declares the
// options it understands with CAIRN_PARAM; the kernel applies the command line to them
// during boot and warns about options that no component declared.
#pragma once

#include <string_view>

#include <cairn/kernel/result.h>

namespace cairn {

struct KernelParam {
  const char* name;
  // Called once per occurrence; an error is reported as a warning naming the option.
  Result<void> (*set)(std::string_view value);
  const char* help;
};

}  // namespace cairn

#define CAIRN_PARAM(identifier, option_name, setter, help_text)                                   \
  [[gnu::used, gnu::aligned(8),                                                                   \
    gnu::section(".cairn.param")]] static const ::cairn::KernelParam cairn_param_##identifier = { \
      option_name, setter, help_text}
