// devfs: /dev, a read-only directory of device nodes registered by drivers. The nodes
// live in a fixed table (nodes are never removed), so adding one needs no allocation and
// works before devfs is mounted. Vnodes are made on lookup; (devfs, index) is their
// identity.
#include <cairn/vfs/devfs.h>

#include <cerrno>
#include <cstring>

#include <cairn/vfs/filesystem.h>
#include <cairn/vfs/lock.h>

namespace cairn::vfs::devfs {
namespace {

constexpr std::size_t kMaxNodes = 64;
constexpr std::size_t kMaxName = 31;

struct DeviceNode {
  char name[kMaxName + 1];
  std::uint32_t mode;
  std::uint64_t rdev;
  OpenFunction open;
  void* context;
  Timestamp created;
};

constinit Mutex registry_lock;
constinit DeviceNode nodes[kMaxNodes];
std::size_t node_count = 0;  // entries below it never change once written

std::size_t published_count() { return __atomic_load_n(&node_count, __ATOMIC_ACQUIRE); }

class DevfsNode final : public Vnode {
 public:
  DevfsNode(Filesystem& fs, std::size_t index)
      : Vnode(fs, index + 2, nodes[index].mode), index_(index) {}
  Result<Attributes> getattr() override {
    const DeviceNode& n = nodes[index_];
    Attributes a;
    a.ino = ino();
    a.mode = n.mode;
    a.rdev = n.rdev;
    a.atime = a.mtime = a.ctime = n.created;
    return a;
  }
  Result<RefPtr<OpenFile>> open(int flags) override {
    return nodes[index_].open(nodes[index_].context, flags);
  }

 private:
  std::size_t index_;
};

class DevfsRoot final : public Vnode {
 public:
  explicit DevfsRoot(Filesystem& fs) : Vnode(fs, 1, kDirectory), created_(now()) {}
  Result<RefPtr<Vnode>> lookup(std::string_view name) override {
    std::size_t count = published_count();
    for (std::size_t i = 0; i < count; ++i)
      if (name == nodes[i].name) {
        RefPtr<DevfsNode> node = TRY(make_ref<DevfsNode>(filesystem(), i));
        return RefPtr<Vnode>(node);
      }
    return Error(ENOENT, "no such device");
  }
  Result<void> readdir(std::uint64_t& cookie, DirSink& sink) override {
    if (cookie == 0) {
      if (!sink.add({".", 1, kDirectory, 1})) return {};
      cookie = 1;
    }
    if (cookie == 1) {
      if (!sink.add({"..", 1, kDirectory, 2})) return {};
      cookie = 2;
    }
    std::size_t count = published_count();
    for (; cookie - 2 < count; ++cookie) {
      const DeviceNode& n = nodes[cookie - 2];
      if (!sink.add({n.name, cookie, n.mode & kTypeMask, cookie + 1})) return {};
    }
    return {};
  }
  Result<Attributes> getattr() override {
    Attributes a;
    a.ino = 1;
    a.mode = kDirectory | 0755;
    a.nlink = 2;
    a.atime = a.mtime = a.ctime = created_;
    return a;
  }

 private:
  Timestamp created_;
};

class Devfs final : public Filesystem {
 public:
  Devfs() { set_read_only(true); }
  Result<void> init() {
    root_ = TRY(make_ref<DevfsRoot>(*this));
    return {};
  }
  RefPtr<Vnode> root() override { return root_; }
  Result<void> unmount() override {
    root_.reset();
    return {};
  }

 private:
  RefPtr<DevfsRoot> root_;
};

Result<RefPtr<Filesystem>> mount_devfs(std::string_view, std::string_view) {
  RefPtr<Devfs> fs = TRY(make_ref<Devfs>());
  TRY(fs->init());
  return RefPtr<Filesystem>(fs);
}

CAIRN_FILESYSTEM(devfs, "devfs", mount_devfs);

}  // namespace

Result<void> add_device(std::string_view name, std::uint32_t mode, std::uint64_t rdev,
                        OpenFunction open, void* context) {
  if (name.empty() || name.size() > kMaxName || name.find('/') != std::string_view::npos ||
      name == "." || name == ".." || !open)
    return Error(EINVAL, "bad device node");
  std::uint32_t type = mode & kTypeMask;
  if (type != kCharDevice && type != kBlockDevice) return Error(EINVAL, "not a device type");
  MutexLocker lock(registry_lock);
  for (std::size_t i = 0; i < node_count; ++i)
    if (name == nodes[i].name) return Error(EEXIST, "device node exists");
  if (node_count == kMaxNodes) return Error(ENOSPC, "device table full");
  DeviceNode& n = nodes[node_count];
  std::memcpy(n.name, name.data(), name.size());
  n.name[name.size()] = '\0';
  n.mode = mode;
  n.rdev = rdev;
  n.open = open;
  n.context = context;
  n.created = now();
  __atomic_store_n(&node_count, node_count + 1, __ATOMIC_RELEASE);
  return {};
}

}  // namespace cairn::vfs::devfs
