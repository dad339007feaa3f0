#include "vector_table.h"

#include <errno.h>

namespace cairn::irq {
namespace {

bool is_device_vector(std::uint8_t vector) {
  return vector >= kFirstDeviceVector && vector <= kLastDeviceVector;
}

}  // namespace

Result<std::uint8_t> VectorTable::allocate(Handler handler, void* context, const char* name) {
  if (!handler) return Error(EINVAL, "interrupt handler is null");
  for (int v = kFirstDeviceVector; v <= kLastDeviceVector; ++v) {
    Entry& e = entries_[v - kFirstDeviceVector];
    if (e.handler) continue;
    e = {handler, context, name ? name : "?"};
    ++in_use_;
    return static_cast<std::uint8_t>(v);
  }
  return Error(EBUSY, "no free interrupt vector");
}

void VectorTable::release(std::uint8_t vector) {
  if (!is_device_vector(vector) || !entries_[vector - kFirstDeviceVector].handler) return;
  entries_[vector - kFirstDeviceVector] = {};
  --in_use_;
}

const VectorTable::Entry* VectorTable::find(std::uint8_t vector) const {
  if (!is_device_vector(vector)) return nullptr;
  const Entry& e = entries_[vector - kFirstDeviceVector];
  return e.handler ? &e : nullptr;
}

}  // namespace cairn::irq
