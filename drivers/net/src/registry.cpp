// The table of packet devices and their ethN names.
#include <errno.h>

#include <cairn/net/registry.h>

namespace cairn::net {
namespace {

PacketDevice* table[kMaxDevices];
std::size_t count = 0;

}  // namespace

Result<void> register_device(PacketDevice& device) {
  for (std::size_t i = 0; i < count; ++i)
    if (table[i] == &device) return Error(EEXIST, "packet device registered twice");
  if (count == kMaxDevices) return Error(ENOSPC, "too many packet devices");
  // "eth" and up to two digits (kMaxDevices is 16), without a formatting library.
  char* name = device.name_;
  name[0] = 'e', name[1] = 't', name[2] = 'h';
  std::size_t at = 3;
  if (count >= 10) name[at++] = static_cast<char>('0' + count / 10);
  name[at++] = static_cast<char>('0' + count % 10);
  name[at] = '\0';
  table[count++] = &device;
  return {};
}

std::span<PacketDevice* const> devices() { return {table, count}; }

PacketDevice* find_device(std::string_view name) {
  for (std::size_t i = 0; i < count; ++i)
    if (name == table[i]->name()) return table[i];
  return nullptr;
}

}  // namespace cairn::net
