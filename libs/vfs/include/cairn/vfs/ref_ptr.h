// Intrusive reference counting for VFS objects (vnodes, open files, filesystems).
// The count lives in the object, so a RefPtr is one pointer and any raw pointer to a
// RefCounted object can be turned back into an owning one. Counts are atomic: threads
// share vnodes and open files.
//
//   RefPtr<Vnode> v = TRY(make_ref<RamfsFile>(fs, ino));   // ENOMEM on failure
#pragma once

#include <cerrno>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include <cairn/kernel/result.h>

namespace cairn::vfs {

class RefCounted {
 public:
  RefCounted() = default;
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;

  void ref() const { __atomic_add_fetch(&refs_, 1, __ATOMIC_RELAXED); }
  void unref() const {
    if (__atomic_sub_fetch(&refs_, 1, __ATOMIC_ACQ_REL) == 0)
      const_cast<RefCounted*>(this)->last_reference_dropped();
  }
  std::uint32_t ref_count() const { return __atomic_load_n(&refs_, __ATOMIC_RELAXED); }

 protected:
  virtual ~RefCounted() = default;
  // Deletes the object. A filesystem that caches its vnodes overrides this to take the
  // vnode out of its cache (under its own lock, checking ref_count() again).
  virtual void last_reference_dropped() { delete this; }

 private:
  mutable std::uint32_t refs_ = 0;
};

template <typename T>
class RefPtr {
 public:
  constexpr RefPtr() = default;
  constexpr RefPtr(std::nullptr_t) {}
  RefPtr(T* object) : ptr_(object) {
    if (ptr_) ptr_->ref();
  }
  RefPtr(const RefPtr& other) : RefPtr(other.ptr_) {}
  RefPtr(RefPtr&& other) noexcept : ptr_(std::exchange(other.ptr_, nullptr)) {}
  template <typename U, typename = std::enable_if_t<std::is_convertible_v<U*, T*>>>
  RefPtr(const RefPtr<U>& other) : RefPtr(other.get()) {}
  template <typename U, typename = std::enable_if_t<std::is_convertible_v<U*, T*>>>
  RefPtr(RefPtr<U>&& other) noexcept : ptr_(other.leak()) {}
  ~RefPtr() { reset(); }

  RefPtr& operator=(RefPtr other) noexcept {
    std::swap(ptr_, other.ptr_);
    return *this;
  }

  void reset() {
    if (T* p = std::exchange(ptr_, nullptr)) p->unref();
  }
  // Gives up ownership without dropping the reference (the caller now owns it).
  T* leak() { return std::exchange(ptr_, nullptr); }

  T* get() const { return ptr_; }
  T* operator->() const { return ptr_; }
  T& operator*() const { return *ptr_; }
  explicit operator bool() const { return ptr_ != nullptr; }
  friend bool operator==(const RefPtr& a, const RefPtr& b) { return a.ptr_ == b.ptr_; }
  friend bool operator==(const RefPtr& a, std::nullptr_t) { return a.ptr_ == nullptr; }

 private:
  T* ptr_ = nullptr;
};

// Allocates a T (never throws); ENOMEM when memory runs out.
template <typename T, typename... Args>
Result<RefPtr<T>> make_ref(Args&&... args) {
  T* object = new (std::nothrow) T(std::forward<Args>(args)...);
  if (!object) return Error(ENOMEM, "out of memory");
  return RefPtr<T>(object);
}

}  // namespace cairn::vfs
