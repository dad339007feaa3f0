// Remembers the first name of each hard-linked file of an archive, keyed by its inode
// and device numbers, so later names of the same file become links to it.
#pragma once

#include <cstddef>
#include <cstring>
#include <new>
#include <string_view>

#include <cairn/initrd/cpio.h>

namespace cairn::initrd {

class HardLinks {
 public:
  HardLinks() = default;
  HardLinks(const HardLinks&) = delete;
  HardLinks& operator=(const HardLinks&) = delete;
  ~HardLinks() {
    for (std::size_t i = 0; i < count_; ++i) delete[] entries_[i].path;
    delete[] entries_;
  }

  // The first name of the file `entry` is another name of, or null.
  const char* find(const CpioEntry& entry) const {
    for (std::size_t i = 0; i < count_; ++i)
      if (entries_[i].ino == entry.ino && entries_[i].major == entry.devmajor &&
          entries_[i].minor == entry.devminor)
        return entries_[i].path;
    return nullptr;
  }

  // Out of memory only loses the link: later names become copies.
  void remember(const CpioEntry& entry, std::string_view path) {
    if (count_ == capacity_ && !grow()) return;
    char* copy = new (std::nothrow) char[path.size() + 1];
    if (!copy) return;
    std::memcpy(copy, path.data(), path.size());
    copy[path.size()] = '\0';
    entries_[count_++] = {entry.ino, entry.devmajor, entry.devminor, copy};
  }

 private:
  struct Entry {
    std::uint32_t ino, major, minor;
    char* path;
  };

  bool grow() {
    const std::size_t capacity = capacity_ ? capacity_ * 2 : 16;
    Entry* entries = new (std::nothrow) Entry[capacity];
    if (!entries) return false;
    for (std::size_t i = 0; i < count_; ++i) entries[i] = entries_[i];
    delete[] entries_;
    entries_ = entries;
    capacity_ = capacity;
    return true;
  }

  Entry* entries_ = nullptr;
  std::size_t count_ = 0, capacity_ = 0;
};

}  // namespace cairn::initrd
