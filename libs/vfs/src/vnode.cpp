// The defaults of Vnode's operations: each fails as Linux does when a file of this
// type does not support the call.
#include <fcntl.h>
#include <cerrno>

#include <cairn/vfs/filesystem.h>
#include <cairn/vfs/open_file.h>
#include <cairn/vfs/vnode.h>

namespace cairn::vfs {

Vnode::Vnode(Filesystem& filesystem, std::uint64_t ino, std::uint32_t type)
    : filesystem_(&filesystem), ino_(ino), type_(type & kTypeMask) {}

Vnode::~Vnode() = default;

namespace {

// Directory calls on a non-directory are ENOTDIR; on a directory whose filesystem
// lacks the call, EPERM (Linux's answer for a filesystem without e.g. link()).
Error not_supported(const Vnode& v) {
  return v.is_directory() ? Error(EPERM, "operation not supported by this filesystem")
                          : Error(ENOTDIR, "not a directory");
}

}  // namespace

Result<RefPtr<Vnode>> Vnode::lookup(std::string_view) { return not_supported(*this); }
Result<RefPtr<Vnode>> Vnode::create(std::string_view, std::uint32_t, std::uint64_t) {
  return not_supported(*this);
}
Result<RefPtr<Vnode>> Vnode::mkdir(std::string_view, std::uint32_t) { return not_supported(*this); }
Result<RefPtr<Vnode>> Vnode::symlink(std::string_view, std::string_view) {
  return not_supported(*this);
}
Result<void> Vnode::link(std::string_view, Vnode&) { return not_supported(*this); }
Result<void> Vnode::unlink(std::string_view) { return not_supported(*this); }
Result<void> Vnode::rmdir(std::string_view) { return not_supported(*this); }
Result<void> Vnode::rename(std::string_view, Vnode&, std::string_view) {
  return not_supported(*this);
}
Result<void> Vnode::readdir(std::uint64_t&, DirSink&) { return not_supported(*this); }

Result<std::size_t> Vnode::readlink(std::span<char>) {
  return Error(EINVAL, "not a symbolic link");
}

Result<void> Vnode::setattr(const AttributeChanges&) {
  return Error(EPERM, "attributes cannot be changed on this filesystem");
}

Result<RefPtr<OpenFile>> Vnode::open(int flags) {
  RefPtr<VnodeFile> file = TRY(make_ref<VnodeFile>(RefPtr<Vnode>(this), flags));
  return RefPtr<OpenFile>(static_cast<RefPtr<VnodeFile>&&>(file));
}

Result<std::size_t> Vnode::read(std::uint64_t, std::span<std::byte>) {
  return is_directory() ? Error(EISDIR, "is a directory") : Error(EINVAL, "not readable");
}

Result<std::size_t> Vnode::write(std::uint64_t, std::span<const std::byte>) {
  return is_directory() ? Error(EISDIR, "is a directory") : Error(EINVAL, "not writable");
}

Result<std::size_t> Vnode::append(std::span<const std::byte> data, std::uint64_t& end) {
  Attributes attributes = TRY(getattr());
  std::size_t written = TRY(write(attributes.size, data));
  end = attributes.size + written;
  return written;
}

Result<void> Vnode::fsync(bool) { return {}; }

}  // namespace cairn::vfs
