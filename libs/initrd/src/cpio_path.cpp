// Archive names are relative to the unpacking root whatever they say: an absolute name
// or a ".." must not place an entry anywhere else.
#include <errno.h>

#include <cstring>

#include <cairn/initrd/cpio.h>

namespace cairn::initrd {

namespace {
constexpr std::size_t kMaxComponent = 255;  // NAME_MAX
}

Result<std::string_view> sanitize_path(std::string_view name, std::span<char> out) {
  if (out.empty()) return Error(ENAMETOOLONG, "no room for the path");
  if (name.find('\0') != std::string_view::npos) return Error(EINVAL, "NUL inside a path");
  std::size_t length = 0;
  std::size_t position = 0;
  while (position <= name.size()) {
    std::size_t slash = name.find('/', position);
    if (slash == std::string_view::npos) slash = name.size();
    const std::string_view component = name.substr(position, slash - position);
    position = slash + 1;
    if (component.empty() || component == ".") continue;
    if (component == "..") return Error(EINVAL, "path has a '..' component");
    if (component.size() > kMaxComponent)
      return Error(ENAMETOOLONG, "path component longer than 255 bytes");
    const std::size_t needed = (length ? 1 : 0) + component.size();
    if (needed >= out.size() - length) return Error(ENAMETOOLONG, "path too long");
    if (length) out[length++] = '/';
    std::memcpy(out.data() + length, component.data(), component.size());
    length += component.size();
  }
  out[length] = '\0';
  return std::string_view(out.data(), length);
}

}  // namespace cairn::initrd
