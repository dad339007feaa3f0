// 9pfs vnodes: each directory operation is one or two 9P requests on the vnode's fid.
#include <errno.h>
#include <fcntl.h>

#include "fs_9p.h"

namespace cairn::p9 {
namespace {

std::uint32_t type_of(const Qid& qid) {
  // The qid's type bits tell directories and symlinks apart from everything else;
  // other special files on the host are rare on a share and look like files here
  // (getattr still reports their true mode).
  if (qid.type & kQidDir) return vfs::kDirectory;
  if (qid.type & kQidSymlink) return vfs::kSymlink;
  return vfs::kRegular;
}

}  // namespace

P9Vnode::P9Vnode(P9Filesystem& filesystem, std::uint32_t fid, const Qid& qid)
    : Vnode(filesystem, qid.path, type_of(qid)), fs_(&filesystem), fid_(fid) {}

P9Vnode::~P9Vnode() {
  // Errors cannot be reported from here; the server forgets the fids either way.
  if (created_fid_ != kNoFid) (void)client().clunk(created_fid_);
  if (dir_fid_ != kNoFid) (void)client().clunk(dir_fid_);
  (void)client().clunk(fid_);
}

Result<vfs::RefPtr<vfs::Vnode>> P9Vnode::walk_to(std::string_view name) {
  Qid qid;
  const std::string_view names[] = {name};
  const std::uint32_t fid = TRY(client().walk(fid_, names, &qid));
  auto vnode = vfs::make_ref<P9Vnode>(*fs_, fid, qid);
  if (!vnode.ok()) {
    (void)client().clunk(fid);
    return vnode.error();
  }
  return vfs::RefPtr<vfs::Vnode>(std::move(vnode).value());
}

Result<vfs::RefPtr<vfs::Vnode>> P9Vnode::lookup(std::string_view name) { return walk_to(name); }

Result<vfs::RefPtr<vfs::Vnode>> P9Vnode::create(std::string_view name, std::uint32_t mode,
                                                std::uint64_t) {
  if ((mode & vfs::kTypeMask) != vfs::kRegular)
    return Error(EPERM, "9pfs creates regular files, directories and symlinks only");
  // Tlcreate turns the fid it is given into the new file, so it goes to a clone.
  const std::uint32_t fid = TRY(client().walk(fid_, {}));
  const std::uint32_t flags = linux_flags::kRdwr | linux_flags::kCreat | linux_flags::kExcl;
  auto created = client().lcreate(fid, name, flags, mode & vfs::kPermissionMask, 0);
  if (!created.ok()) {
    (void)client().clunk(fid);
    return created.error();
  }
  auto vnode = walk_to(name);
  if (!vnode.ok()) {
    (void)client().clunk(fid);
    return vnode.error();
  }
  // The fid Tlcreate opened read-write serves the open() that normally follows, so a
  // file created with mode 0444 can still be written through that descriptor.
  auto* p9 = static_cast<P9Vnode*>(vnode.value().get());
  vfs::MutexLocker locker(p9->lock_);
  p9->created_fid_ = fid;
  return vnode;
}

Result<vfs::RefPtr<vfs::Vnode>> P9Vnode::mkdir(std::string_view name, std::uint32_t permissions) {
  TRY(client().mkdir(fid_, name, permissions & vfs::kPermissionMask, 0));
  return walk_to(name);
}

Result<vfs::RefPtr<vfs::Vnode>> P9Vnode::symlink(std::string_view name, std::string_view target) {
  TRY(client().symlink(fid_, name, target, 0));
  return walk_to(name);
}

Result<void> P9Vnode::link(std::string_view name, vfs::Vnode& target) {
  return client().link(fid_, static_cast<P9Vnode&>(target).fid_, name);
}

Result<void> P9Vnode::unlink(std::string_view name) { return client().unlinkat(fid_, name, 0); }

Result<void> P9Vnode::rmdir(std::string_view name) {
  return client().unlinkat(fid_, name, kAtRemovedir);
}

Result<void> P9Vnode::rename(std::string_view old_name, vfs::Vnode& new_directory,
                             std::string_view new_name) {
  return client().renameat(fid_, old_name, static_cast<P9Vnode&>(new_directory).fid_, new_name);
}

Result<std::uint32_t> P9Vnode::directory_fid() {
  vfs::MutexLocker locker(lock_);
  if (dir_fid_ != kNoFid) return dir_fid_;
  const std::uint32_t fid = TRY(client().walk(fid_, {}));
  auto opened = client().lopen(fid, linux_flags::kRdonly | linux_flags::kDirectory);
  if (!opened.ok()) {
    (void)client().clunk(fid);
    return opened.error();
  }
  dir_fid_ = fid;
  return fid;
}

Result<void> P9Vnode::readdir(std::uint64_t& cookie, vfs::DirSink& sink) {
  if (!is_directory()) return Error(ENOTDIR, "not a directory");
  const std::uint32_t fid = TRY(directory_fid());
  // Treaddir offsets are the server's own positions: each entry says where the next
  // one starts, which is exactly a cookie.
  for (;;) {
    bool full = false;
    const std::size_t taken = TRY(client().readdir(fid, cookie, [&](const Dirent& d) {
      vfs::DirEntry entry;
      entry.name = d.name;
      entry.ino = d.qid.path;
      entry.type = static_cast<std::uint32_t>(d.type) << 12;  // DT_* to the S_IF* bits
      entry.next_cookie = d.offset;
      if (!sink.add(entry)) {
        full = true;
        return false;
      }
      cookie = d.offset;
      return true;
    }));
    if (full || taken == 0) return {};
  }
}

Result<std::size_t> P9Vnode::readlink(std::span<char> buffer) {
  if (!is_symlink()) return Error(EINVAL, "not a symbolic link");
  const std::size_t length = TRY(client().readlink(fid_, buffer));
  return length < buffer.size() ? length : buffer.size();
}

Result<vfs::Attributes> P9Vnode::getattr() {
  const Attr attr = TRY(client().getattr(fid_, kGetattrBasic));
  return to_attributes(attr);
}

Result<void> P9Vnode::setattr(const vfs::AttributeChanges& c) {
  using vfs::AttributeChanges;
  SetAttr a{};
  if (c.mask & AttributeChanges::kMode) a.valid |= kSetattrMode;
  if (c.mask & AttributeChanges::kUid) a.valid |= kSetattrUid;
  if (c.mask & AttributeChanges::kGid) a.valid |= kSetattrGid;
  if (c.mask & AttributeChanges::kSize) a.valid |= kSetattrSize;
  if (c.mask & AttributeChanges::kAtime) a.valid |= kSetattrAtime | kSetattrAtimeSet;
  if (c.mask & AttributeChanges::kMtime) a.valid |= kSetattrMtime | kSetattrMtimeSet;
  if (c.mask & AttributeChanges::kAtimeNow) a.valid |= kSetattrAtime;
  if (c.mask & AttributeChanges::kMtimeNow) a.valid |= kSetattrMtime;
  if (a.valid == 0) return {};
  a.valid |= kSetattrCtime;
  a.mode = c.mode & vfs::kPermissionMask;
  a.uid = c.uid;
  a.gid = c.gid;
  a.size = c.size;
  a.atime_sec = static_cast<std::uint64_t>(c.atime.sec);
  a.atime_nsec = static_cast<std::uint64_t>(c.atime.nsec);
  a.mtime_sec = static_cast<std::uint64_t>(c.mtime.sec);
  a.mtime_nsec = static_cast<std::uint64_t>(c.mtime.nsec);
  return client().setattr(fid_, a);
}

Result<vfs::RefPtr<vfs::OpenFile>> P9Vnode::open(int flags) {
  if (!is_regular()) return Vnode::open(flags);  // directories read through readdir()
  std::uint32_t fid = kNoFid;
  {
    vfs::MutexLocker locker(lock_);
    fid = created_fid_;
    created_fid_ = kNoFid;
  }
  if (fid == kNoFid) {
    fid = TRY(client().walk(fid_, {}));
    auto opened = client().lopen(fid, linux_open_flags(flags));
    if (!opened.ok()) {
      (void)client().clunk(fid);
      return opened.error();
    }
  }
  auto file = vfs::make_ref<P9File>(vfs::RefPtr<vfs::Vnode>(this), flags, *fs_, fid);
  if (!file.ok()) {
    (void)client().clunk(fid);
    return file.error();
  }
  return vfs::RefPtr<vfs::OpenFile>(std::move(file).value());
}

Result<void> P9Vnode::fsync(bool data_only) {
  // The server syncs an open file: a directory's readdir fid, or a short-lived one.
  if (is_directory()) return client().fsync(TRY(directory_fid()), data_only);
  const std::uint32_t fid = TRY(client().walk(fid_, {}));
  auto opened = client().lopen(fid, linux_flags::kRdonly);
  Result<void> synced = opened.ok() ? client().fsync(fid, data_only) : Result<void>(opened.error());
  (void)client().clunk(fid);
  return synced;
}

}  // namespace cairn::p9
