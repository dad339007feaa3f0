// 9pfs: the VFS's view of a 9P2000.L export. Every vnode owns the fid its lookup walked
// to (clunked when the last reference goes); an open regular file owns a second fid,
// opened with Tlopen; a directory opens one lazily for Treaddir. Nothing is cached:
// every call asks the server, so the guest and the host see each other's changes at
// once, and what a write returned is in the host's page cache.
#pragma once

#include <cstdint>
#include <string_view>

#include <cairn/vfs/filesystem.h>
#include <cairn/vfs/lock.h>
#include <cairn/vfs/open_file.h>
#include <cairn/vfs/vnode.h>

#include "client.h"

namespace cairn::p9 {

class P9Filesystem : public vfs::Filesystem {
 public:
  P9Filesystem(Client& client, bool read_only) : client_(client) { set_read_only(read_only); }

  // Attaches to the export and makes the root vnode.
  Result<void> attach(std::string_view aname);

  Client& client() { return client_; }
  vfs::RefPtr<vfs::Vnode> root() override { return root_; }
  Result<void> unmount() override;
  Result<vfs::FilesystemStats> statfs() override;

 private:
  Client& client_;
  vfs::RefPtr<vfs::Vnode> root_;
};

class P9Vnode : public vfs::Vnode {
 public:
  // Takes ownership of `fid`, walked to a file whose qid is `qid`.
  P9Vnode(P9Filesystem& filesystem, std::uint32_t fid, const Qid& qid);

  std::uint32_t fid() const { return fid_; }

  Result<vfs::RefPtr<vfs::Vnode>> lookup(std::string_view name) override;
  Result<vfs::RefPtr<vfs::Vnode>> create(std::string_view name, std::uint32_t mode,
                                         std::uint64_t rdev) override;
  Result<vfs::RefPtr<vfs::Vnode>> mkdir(std::string_view name, std::uint32_t permissions) override;
  Result<vfs::RefPtr<vfs::Vnode>> symlink(std::string_view name, std::string_view target) override;
  Result<void> link(std::string_view name, vfs::Vnode& target) override;
  Result<void> unlink(std::string_view name) override;
  Result<void> rmdir(std::string_view name) override;
  Result<void> rename(std::string_view old_name, vfs::Vnode& new_directory,
                      std::string_view new_name) override;
  Result<void> readdir(std::uint64_t& cookie, vfs::DirSink& sink) override;
  Result<std::size_t> readlink(std::span<char> buffer) override;
  Result<vfs::Attributes> getattr() override;
  Result<void> setattr(const vfs::AttributeChanges& changes) override;
  Result<vfs::RefPtr<vfs::OpenFile>> open(int flags) override;
  Result<void> fsync(bool data_only) override;

 protected:
  ~P9Vnode() override;

 private:
  Client& client() const { return fs_->client(); }
  // A vnode for `name` in this directory, walked anew.
  Result<vfs::RefPtr<vfs::Vnode>> walk_to(std::string_view name);
  Result<std::uint32_t> directory_fid();

  vfs::RefPtr<P9Filesystem> fs_;  // keeps the client and the mount alive
  const std::uint32_t fid_;
  vfs::Mutex lock_;
  std::uint32_t dir_fid_ = kNoFid;      // opened for Treaddir, on first use
  std::uint32_t created_fid_ = kNoFid;  // opened read-write by Tlcreate, for the first open()
};

// A regular file opened with Tlopen: reads and writes go through its own fid.
class P9File : public vfs::VnodeFile {
 public:
  P9File(vfs::RefPtr<vfs::Vnode> vnode, int flags, P9Filesystem& filesystem, std::uint32_t fid);

  Result<void> sync(bool data_only) override;

 protected:
  ~P9File() override;
  Result<std::size_t> read_at(std::uint64_t offset, std::span<std::byte> buffer) override;
  Result<std::size_t> write_at(std::uint64_t offset, std::span<const std::byte> data) override;
  Result<std::size_t> append_at_end(std::span<const std::byte> data, std::uint64_t& end) override;

 private:
  vfs::RefPtr<P9Filesystem> fs_;
  const std::uint32_t fid_;
  vfs::Mutex append_lock_;  // one append at a time: size, then write there
};

// Linux's open flags for the access mode and the flags 9P servers honour.
std::uint32_t linux_open_flags(int flags);
vfs::Attributes to_attributes(const Attr& attr);

}  // namespace cairn::p9
