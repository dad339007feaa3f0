// opendir() and friends: a DIR is a descriptor plus a buffer of entries, refilled with
// one readdir() of the open directory per batch (one Treaddir on a 9P share). telldir()
// positions are the filesystem's readdir cookies.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <cstdlib>
#include <cstring>

#include "posix.h"

using namespace cairn;
using namespace cairn::vfs;
using namespace cairn::vfs::posix;

struct __cairn_dir {
  static constexpr int kBatch = 16;
  int fd;
  int count;               // buffered entries
  int next;                // the next one readdir() returns
  long positions[kBatch];  // the cookie of each buffered entry (telldir)
  struct dirent entries[kBatch];
  Mutex lock;  // readdir() on one DIR from several threads is allowed
};

namespace {

class BatchSink final : public DirSink {
 public:
  BatchSink(DIR& dir, long start) : dir_(dir), position_(start) {}
  bool add(const DirEntry& e) override {
    if (dir_.count == DIR::kBatch) return false;
    struct dirent& d = dir_.entries[dir_.count];
    std::size_t n = e.name.size() < sizeof d.d_name - 1 ? e.name.size() : sizeof d.d_name - 1;
    std::memcpy(d.d_name, e.name.data(), n);
    d.d_name[n] = '\0';
    d.d_ino = e.ino;
    d.d_off = static_cast<off_t>(e.next_cookie);
    d.d_reclen = sizeof d;
    d.d_type = dirent_type(e.type);
    dir_.positions[dir_.count++] = position_;
    position_ = static_cast<long>(e.next_cookie);
    return true;
  }

 private:
  DIR& dir_;
  long position_;
};

Result<void> refill(DIR& dir) {
  RefPtr<OpenFile> file = TRY(get_fd(dir.fd));
  long start = static_cast<long>(TRY(file->seek(0, SEEK_CUR)));
  dir.count = dir.next = 0;
  BatchSink sink(dir, start);
  return file->readdir(sink);
}

DIR* make_dir(int fd) {
  auto* dir = new (std::nothrow) DIR{};
  if (!dir) {
    errno = ENOMEM;
    return nullptr;
  }
  dir->fd = fd;
  return dir;
}

}  // namespace

extern "C" {

DIR* opendir(const char* path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  DIR* dir = make_dir(fd);
  if (!dir) close(fd);
  return dir;
}

DIR* fdopendir(int fd) {
  auto file = get_fd(fd);
  if (!file) {
    fail(file.error());
    return nullptr;
  }
  Vnode* vnode = file.value()->vnode();
  if (!vnode || !vnode->is_directory()) {
    fail(Error(ENOTDIR, "not a directory"));
    return nullptr;
  }
  return make_dir(fd);
}

struct dirent* readdir(DIR* dir) {
  MutexLocker lock(dir->lock);
  if (dir->next == dir->count) {
    if (auto r = refill(*dir); !r) {
      fail(r.error());
      return nullptr;
    }
    if (dir->count == 0) return nullptr;  // the end: errno unchanged
  }
  return &dir->entries[dir->next++];
}

int readdir_r(DIR* dir, struct dirent* entry, struct dirent** result) {
  int saved = errno;
  errno = 0;
  struct dirent* e = readdir(dir);
  int error = errno;
  errno = saved;
  if (!e) {
    *result = nullptr;
    return error;
  }
  std::memcpy(entry, e, sizeof *entry);
  *result = entry;
  return 0;
}

long telldir(DIR* dir) {
  MutexLocker lock(dir->lock);
  if (dir->next < dir->count) return dir->positions[dir->next];
  return static_cast<long>(lseek(dir->fd, 0, SEEK_CUR));
}

void seekdir(DIR* dir, long position) {
  MutexLocker lock(dir->lock);
  dir->count = dir->next = 0;
  (void)lseek(dir->fd, position, SEEK_SET);
}

void rewinddir(DIR* dir) { seekdir(dir, 0); }

int dirfd(DIR* dir) { return dir->fd; }

int closedir(DIR* dir) {
  if (!dir) {
    errno = EBADF;
    return -1;
  }
  int r = close(dir->fd);
  delete dir;
  return r;
}

int alphasort(const struct dirent** a, const struct dirent** b) {
  return std::strcmp((*a)->d_name, (*b)->d_name);
}

int scandir(const char* path, struct dirent*** list, int (*filter)(const struct dirent*),
            int (*compare)(const struct dirent**, const struct dirent**)) {
  DIR* dir = opendir(path);
  if (!dir) return -1;
  struct dirent** entries = nullptr;
  int count = 0, capacity = 0;
  while (struct dirent* e = readdir(dir)) {
    if (filter && !filter(e)) continue;
    if (count == capacity) {
      capacity = capacity ? capacity * 2 : 16;
      auto* grown = static_cast<struct dirent**>(realloc(entries, capacity * sizeof *entries));
      if (!grown) goto out_of_memory;
      entries = grown;
    }
    entries[count] = static_cast<struct dirent*>(malloc(sizeof *e));
    if (!entries[count]) goto out_of_memory;
    std::memcpy(entries[count++], e, sizeof *e);
  }
  closedir(dir);
  if (compare)
    qsort(entries, count, sizeof *entries,
          reinterpret_cast<int (*)(const void*, const void*)>(compare));
  *list = entries;
  return count;
out_of_memory:
  for (int i = 0; i < count; ++i) free(entries[i]);
  free(entries);
  closedir(dir);
  errno = ENOMEM;
  return -1;
}

}  // extern "C"
