#include "dir_table.h"

#include <cerrno>
#include <cstring>
#include <new>

namespace cairn::vfs::ramfs {

DirTable::~DirTable() {
  clear();
  delete[] buckets_;
}

std::size_t DirTable::hash(std::string_view name) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return static_cast<std::size_t>(h ^ (h >> 29));
}

DirTable::Entry* DirTable::find(std::string_view name) const {
  if (!buckets_) return nullptr;
  for (Entry* e = buckets_[hash(name) & (bucket_count_ - 1)]; e; e = e->hash_next)
    if (e->key() == name) return e;
  return nullptr;
}

bool DirTable::grow() {
  std::size_t count = bucket_count_ ? bucket_count_ * 2 : 8;
  Entry** fresh = new (std::nothrow) Entry*[count]();
  if (!fresh) return bucket_count_ != 0;  // a full table still works, only slower
  for (Entry* e = head_; e; e = e->next) {
    std::size_t b = hash(e->key()) & (count - 1);
    e->hash_next = fresh[b];
    fresh[b] = e;
  }
  delete[] buckets_;
  buckets_ = fresh;
  bucket_count_ = count;
  return true;
}

Result<DirTable::Entry*> DirTable::insert(std::string_view name, RefPtr<Vnode> node) {
  if (size_ >= bucket_count_ && !grow()) return Error(ENOSPC, "out of memory");
  void* memory = ::operator new(sizeof(Entry) + name.size(), std::nothrow);
  if (!memory) return Error(ENOSPC, "out of memory");
  Entry* e = new (memory) Entry{nullptr, tail_, nullptr, next_cookie_++, node, name.size(), {}};
  std::memcpy(e->name, name.data(), name.size());
  std::size_t b = hash(name) & (bucket_count_ - 1);
  e->hash_next = buckets_[b];
  buckets_[b] = e;
  if (tail_)
    tail_->next = e;
  else
    head_ = e;
  tail_ = e;
  ++size_;
  return e;
}

void DirTable::erase(Entry* entry) {
  Entry** link = &buckets_[hash(entry->key()) & (bucket_count_ - 1)];
  while (*link != entry) link = &(*link)->hash_next;
  *link = entry->hash_next;
  if (entry->prev)
    entry->prev->next = entry->next;
  else
    head_ = entry->next;
  if (entry->next)
    entry->next->prev = entry->prev;
  else
    tail_ = entry->prev;
  if (hint_ == entry) hint_ = entry->next;
  --size_;
  entry->~Entry();
  ::operator delete(entry);
}

DirTable::Entry* DirTable::first_from(std::uint64_t cookie) const {
  if (hint_ && hint_cookie_ == cookie) return hint_;
  Entry* e = head_;
  while (e && e->cookie < cookie) e = e->next;
  return e;
}

void DirTable::clear() {
  while (head_) erase(head_);
  hint_ = nullptr;
}

}  // namespace cairn::vfs::ramfs
