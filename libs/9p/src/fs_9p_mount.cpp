// Mounting 9pfs: `vfs::mount("9p", TAG, PATH, OPTIONS)`, which vfs.mount=TAG:PATH:9p and
// CONFIG_VFS_MOUNTS use, plus CONFIG_FS_9P_MOUNTS. One client per virtio-9p device,
// made by its first mount: Tversion resets a session, so later mounts of the same tag
// attach again on the same client rather than negotiating anew.
#include <errno.h>

#include <new>

#include <cairn/config.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/initcall.h>
#include <cairn/vfs/vfs.h>
#include <cairn/virtio/p9.h>

#include "fs_9p.h"

namespace cairn::p9 {
namespace {

constexpr std::size_t kMaxConnections = 8;

class VirtioTransport final : public Transport {
 public:
  explicit VirtioTransport(virtio::P9Channel& channel) : channel_(channel) {}
  Result<std::uint32_t> transact(std::span<const ConstBytes> request,
                                 std::span<const Bytes> response) override {
    return virtio::p9_transact(channel_, request, response);
  }

 private:
  virtio::P9Channel& channel_;
};

struct Connection {
  virtio::P9Channel* channel;
  VirtioTransport* transport;
  Client* client;
};
Connection connections[kMaxConnections];
std::size_t connection_count;
vfs::Mutex connections_lock;

// Connections live as long as the image: vnodes of unmounted filesystems may still use
// them, and there are at most a few.
Result<Client*> client_for(std::string_view tag, std::uint32_t msize) {
  virtio::P9Channel* channel = virtio::p9_find(tag);
  if (!channel) return Error(ENODEV, "no virtio-9p device with this mount tag");
  vfs::MutexLocker locker(connections_lock);
  for (std::size_t i = 0; i < connection_count; ++i)
    if (connections[i].channel == channel) return connections[i].client;
  if (connection_count == kMaxConnections) return Error(EBUSY, "too many 9P connections");
  auto* transport = new (std::nothrow) VirtioTransport(*channel);
  auto* client = transport ? new (std::nothrow) Client(*transport) : nullptr;
  if (!client) {
    delete transport;
    return Error(ENOMEM, "out of memory for a 9P client");
  }
  auto connected = client->connect(msize);
  if (!connected.ok()) {
    delete client;
    delete transport;
    return connected.error();
  }
  connections[connection_count++] = {channel, transport, client};
  return client;
}

Result<std::uint32_t> parse_msize(std::string_view text) {
  std::uint64_t value = 0;
  if (text.empty()) return Error(EINVAL, "msize= needs a number");
  for (char c : text) {
    if (c < '0' || c > '9') return Error(EINVAL, "msize= needs a number");
    value = value * 10 + (c - '0');
    if (value > 16u << 20) return Error(EINVAL, "msize= above 16 MiB");
  }
  if (value < 8192) return Error(EINVAL, "msize= below 8192");
  return static_cast<std::uint32_t>(value);
}

Result<vfs::RefPtr<vfs::Filesystem>> mount_9p(std::string_view source, std::string_view options) {
  std::uint32_t msize = Client::kDefaultMsize;
  std::string_view value;
  if (vfs::find_mount_option(options, "msize", &value)) msize = TRY(parse_msize(value));
  std::string_view aname;
  vfs::find_mount_option(options, "aname", &aname);
  Client* client = TRY(client_for(source, msize));
  auto filesystem =
      TRY(vfs::make_ref<P9Filesystem>(*client, vfs::find_mount_option(options, "ro")));
  TRY(filesystem->attach(aname));
  return vfs::RefPtr<vfs::Filesystem>(std::move(filesystem));
}
CAIRN_FILESYSTEM(p9, "9p", mount_9p);

// CONFIG_FS_9P_MOUNTS: "TAG:PATH[:OPTIONS] ...", mounted like vfs.mount= entries.
void mount_configured() {
  std::string_view list = CONFIG_FS_9P_MOUNTS;
  while (!list.empty()) {
    const std::size_t space = list.find(' ');
    const std::string_view entry = list.substr(0, space);
    list = space == std::string_view::npos ? std::string_view{} : list.substr(space + 1);
    if (entry.empty()) continue;
    const std::size_t colon = entry.find(':');
    const std::string_view tag = entry.substr(0, colon);
    std::string_view path = colon == std::string_view::npos ? "" : entry.substr(colon + 1);
    std::string_view options;
    if (const std::size_t second = path.find(':'); second != std::string_view::npos) {
      options = path.substr(second + 1);
      path = path.substr(0, second);
    }
    if (tag.empty() || path.empty() || path[0] != '/') {
      kwarn("FS_9P_MOUNTS: '%.*s' is not TAG:/PATH[:OPTIONS] (skipped)", int(entry.size()),
            entry.data());
      continue;
    }
    auto mounted = vfs::make_directories(path);
    if (mounted.ok()) mounted = vfs::mount("9p", tag, path, options);
    if (!mounted.ok())
      kwarn("9p: cannot mount '%.*s' on %.*s: %s", int(tag.size()), tag.data(), int(path.size()),
            path.data(), mounted.error().message());
  }
}
CAIRN_INITCALL(late, mount_configured);

}  // namespace

Result<void> P9Filesystem::attach(std::string_view aname) {
  Qid qid;
  // The application runs as root; with QEMU's security_model=none the host creates
  // files as the user QEMU runs as, whatever is asked here.
  const std::uint32_t fid = TRY(client_.attach("root", aname, 0, &qid));
  auto root = vfs::make_ref<P9Vnode>(*this, fid, qid);
  if (!root.ok()) {
    (void)client_.clunk(fid);
    return root.error();
  }
  root_ = std::move(root).value();
  return {};
}

Result<void> P9Filesystem::unmount() {
  // The root holds this filesystem and this filesystem the root: the cycle ends here.
  // Open files keep their own vnodes and fids and go on working until closed.
  root_.reset();
  return {};
}

Result<vfs::FilesystemStats> P9Filesystem::statfs() {
  if (!root_) return Error(ENODEV, "9p filesystem unmounted");
  const StatFs s = TRY(client_.statfs(static_cast<P9Vnode*>(root_.get())->fid()));
  vfs::FilesystemStats out;
  out.block_size = s.bsize;
  out.blocks = s.blocks;
  out.blocks_free = s.bavail;
  out.files = s.files;
  out.files_free = s.ffree;
  out.name_max = s.namelen;
  return out;
}

}  // namespace cairn::p9
