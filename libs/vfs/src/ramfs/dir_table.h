// The entries of a ramfs directory: a hash table by name for lookup, and a list in
// creation order for readdir. Each entry gets a cookie (increasing, never reused in the
// directory), so readdir positions stay valid while entries come and go; resuming where
// the last readdir stopped is O(1) through a hint. Not thread-safe: ramfs locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <cairn/kernel/result.h>
#include <cairn/vfs/ref_ptr.h>
#include <cairn/vfs/vnode.h>

namespace cairn::vfs::ramfs {

class DirTable {
 public:
  // Cookies 0 and 1 are "." and ".."; entries start at 2.
  static constexpr std::uint64_t kFirstCookie = 2;

  struct Entry {
    Entry* hash_next;
    Entry* prev;
    Entry* next;
    std::uint64_t cookie;
    RefPtr<Vnode> node;
    std::size_t name_length;
    char name[1];  // name_length bytes follow
    std::string_view key() const { return {name, name_length}; }
  };

  DirTable() = default;
  ~DirTable();
  DirTable(const DirTable&) = delete;
  DirTable& operator=(const DirTable&) = delete;

  Entry* find(std::string_view name) const;
  // Adds `name` (which must not exist). ENOSPC when memory is out.
  Result<Entry*> insert(std::string_view name, RefPtr<Vnode> node);
  void erase(Entry* entry);
  // The first entry whose cookie is >= `cookie`, or null.
  Entry* first_from(std::uint64_t cookie) const;
  // Remembers that first_from(`cookie`) is `entry` (where a readdir stopped).
  void set_hint(std::uint64_t cookie, Entry* entry) {
    hint_cookie_ = cookie;
    hint_ = entry;
  }
  Entry* head() const { return head_; }
  std::size_t size() const { return size_; }
  void clear();

 private:
  static std::size_t hash(std::string_view name);
  bool grow();

  Entry** buckets_ = nullptr;
  std::size_t bucket_count_ = 0;
  std::size_t size_ = 0;
  Entry* head_ = nullptr;
  Entry* tail_ = nullptr;
  Entry* hint_ = nullptr;
  std::uint64_t hint_cookie_ = 0;
  std::uint64_t next_cookie_ = kFirstCookie;
};

}  // namespace cairn::vfs::ramfs
