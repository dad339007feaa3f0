// ramfs regular files: data in a page tree, written and read a page at a time.
#include <cerrno>
#include <cstring>

#include "ramfs.h"

namespace cairn::vfs::ramfs {

namespace {
constexpr std::size_t kPage = PageTree::kPageSize;
}

File::File(Ramfs& fs, std::uint64_t ino, std::uint32_t mode)
    : Node(fs, ino, kRegular | (mode & kPermissionMask), 0) {
  fs.count_file(1);
}

File::~File() {
  fs().count_pages(-static_cast<std::int64_t>(pages_.page_count()));
  fs().count_file(-1);
}

Result<std::size_t> File::read(std::uint64_t offset, std::span<std::byte> buffer) {
  MutexLocker lock(fs().lock());
  if (offset >= size_) return std::size_t{0};
  std::size_t total = buffer.size();
  if (total > size_ - offset) total = size_ - offset;
  std::size_t done = 0;
  while (done < total) {
    std::uint64_t at = offset + done;
    std::size_t in_page = at % kPage;
    std::size_t n = kPage - in_page;
    if (n > total - done) n = total - done;
    if (const std::byte* page = pages_.find(at / kPage))
      std::memcpy(buffer.data() + done, page + in_page, n);
    else
      std::memset(buffer.data() + done, 0, n);  // a hole
    done += n;
  }
  // relatime: the access time moves only when it is older than the last change, which
  // keeps clock reads off the read path.
  if (atime_.sec < mtime_.sec || (atime_.sec == mtime_.sec && atime_.nsec <= mtime_.nsec))
    atime_ = now();
  return done;
}

Result<std::size_t> File::write_locked(std::uint64_t offset, std::span<const std::byte> data) {
  std::size_t done = 0;
  std::uint64_t pages_before = pages_.page_count();
  while (done < data.size()) {
    std::uint64_t at = offset + done;
    std::size_t in_page = at % kPage;
    std::size_t n = kPage - in_page;
    if (n > data.size() - done) n = data.size() - done;
    auto page = pages_.get_or_allocate(at / kPage);
    if (!page) {
      if (done == 0) return page.error();
      break;  // a short write: what fit stays written
    }
    std::memcpy(page.value() + in_page, data.data() + done, n);
    done += n;
  }
  fs().count_pages(static_cast<std::int64_t>(pages_.page_count() - pages_before));
  if (offset + done > size_) size_ = offset + done;
  if (done) touch_modify(now());
  return done;
}

Result<std::size_t> File::write(std::uint64_t offset, std::span<const std::byte> data) {
  MutexLocker lock(fs().lock());
  return write_locked(offset, data);
}

Result<std::size_t> File::append(std::span<const std::byte> data, std::uint64_t& end) {
  MutexLocker lock(fs().lock());
  std::uint64_t start = size_;
  std::size_t n = TRY(write_locked(start, data));
  end = start + n;
  return n;
}

Result<void> File::resize_locked(std::uint64_t size) {
  if (size > PageTree::kMaxPages * kPage) return Error(EFBIG, "file too large");
  if (size < size_) {
    std::uint64_t pages_before = pages_.page_count();
    pages_.free_from((size + kPage - 1) / kPage);
    // The rest of the last page must read as zeros if the file grows again.
    if (size % kPage)
      if (std::byte* page = pages_.find(size / kPage))
        std::memset(page + size % kPage, 0, kPage - size % kPage);
    fs().count_pages(-static_cast<std::int64_t>(pages_before - pages_.page_count()));
  }
  size_ = size;  // growing leaves a hole
  touch_modify(now());
  return {};
}

}  // namespace cairn::vfs::ramfs
