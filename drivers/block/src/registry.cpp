// The table of block devices (see registry.h). Filled by drivers' probes at boot,
// read by everyone afterwards, so it needs no lock.
#include <errno.h>

#include <cairn/block/registry.h>

namespace cairn::block {
namespace {

BlockDevice* table[kMaxDevices];
std::size_t count = 0;

}  // namespace

Result<void> add_device(BlockDevice& device) {
  if (device.name()[0] == '\0') return Error(EINVAL, "block device without a name");
  if (find_device(device.name())) return Error(EEXIST, "block device name taken");
  if (count == kMaxDevices) return Error(ENOSPC, "too many block devices");
  table[count++] = &device;
  return {};
}

BlockDevice* find_device(std::string_view name) {
  for (std::size_t i = 0; i < count; ++i)
    if (name == table[i]->name()) return table[i];
  return nullptr;
}

std::span<BlockDevice* const> devices() { return {table, count}; }

bool disk_name(std::string_view prefix, std::size_t index, std::span<char> out) {
  // Bijective base 26, as Linux: a..z, then aa..zz, aaa...
  char letters[8];
  std::size_t n = 0;
  std::size_t value = index + 1;
  while (value > 0) {
    if (n == sizeof letters) return false;
    --value;
    letters[n++] = static_cast<char>('a' + value % 26);
    value /= 26;
  }
  if (prefix.size() + n + 1 > out.size()) return false;
  std::size_t at = 0;
  for (char c : prefix) out[at++] = c;
  while (n > 0) out[at++] = letters[--n];
  out[at] = '\0';
  return true;
}

}  // namespace cairn::block
