// Which device vectors (kFirstDeviceVector..kLastDeviceVector) are taken, and by whom.
// Plain data with no locking, so it runs in host unit tests; the caller serialises.
#pragma once

#include <cstdint>

#include <cairn/irq/irq.h>
#include <cairn/kernel/result.h>

namespace cairn::irq {

class VectorTable {
 public:
  struct Entry {
    Handler handler = nullptr;
    void* context = nullptr;
    const char* name = nullptr;
  };

  // The lowest free vector. EINVAL for a null handler, EBUSY when none is left.
  Result<std::uint8_t> allocate(Handler handler, void* context, const char* name);
  // Frees a vector; vectors that are not allocated device vectors are ignored.
  void release(std::uint8_t vector);
  // The entry of an allocated vector, else null.
  const Entry* find(std::uint8_t vector) const;
  // How many vectors are allocated.
  int in_use() const { return in_use_; }

 private:
  Entry entries_[kLastDeviceVector - kFirstDeviceVector + 1];
  int in_use_ = 0;
};

}  // namespace cairn::irq
