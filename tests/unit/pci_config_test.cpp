// PCI configuration-space logic against a simulated bus: enumeration through bridges
// and multi-function devices, BAR sizing, capability walks over hostile lists, MSI-X.
#include <cstring>
#include <map>
#include <tuple>
#include <vector>

#include <cairn/pci/pci.h>
#include <gtest/gtest.h>

namespace cairn::pci {
namespace {

// Functions with 256 bytes of configuration space each; BARs answer sizing writes
// like hardware (the size mask reads back, low type bits are read-only).
class FakeBus final : public ConfigSpace {
 public:
  struct Fn {
    std::uint8_t bytes[256] = {};
    std::uint64_t bar_size[6] = {};  // 0: unimplemented
  };

  Fn& add(Address a, std::uint16_t vendor, std::uint16_t device, std::uint8_t header = 0) {
    Fn& f = functions_[key(a)];
    put16(f, kVendorId, vendor);
    put16(f, kDeviceId, device);
    f.bytes[kHeaderType] = header;
    return f;
  }
  static void put16(Fn& f, int offset, std::uint16_t v) { std::memcpy(f.bytes + offset, &v, 2); }
  static void put32(Fn& f, int offset, std::uint32_t v) { std::memcpy(f.bytes + offset, &v, 4); }
  static std::uint32_t get32(const Fn& f, int offset) {
    std::uint32_t v;
    std::memcpy(&v, f.bytes + offset, 4);
    return v;
  }

  std::uint32_t read(Address a, std::uint16_t offset, int width) override {
    ++reads;
    auto it = functions_.find(key(a));
    if (it == functions_.end()) return width == 4 ? 0xffffffff : (1u << (8 * width)) - 1;
    std::uint32_t v = 0;
    std::memcpy(&v, it->second.bytes + offset, width);
    return v;
  }
  void write(Address a, std::uint16_t offset, int width, std::uint32_t value) override {
    auto it = functions_.find(key(a));
    if (it == functions_.end()) return;
    Fn& f = it->second;
    if (width == 4 && offset >= kBar0 && offset < kBar0 + 24) {
      const int index = (offset - kBar0) / 4;
      write_bar(f, index, value);
      return;
    }
    std::memcpy(f.bytes + offset, &value, width);
  }

  int reads = 0;

 private:
  static std::uint32_t key(Address a) { return a.bus << 16 | a.device << 8 | a.function; }
  void write_bar(Fn& f, int index, std::uint32_t value) {
    const std::uint32_t old = get32(f, kBar0 + 4 * index);
    // The upper half of a 64-bit BAR sizes with the lower one's size.
    const bool upper = index > 0 && f.bar_size[index] == 0 &&
                       !(get32(f, kBar0 + 4 * index - 4) & 1) &&
                       ((get32(f, kBar0 + 4 * index - 4) >> 1) & 3) == 2;
    if (upper) {
      const std::uint64_t mask = ~(f.bar_size[index - 1] - 1);
      put32(f, kBar0 + 4 * index, value & static_cast<std::uint32_t>(mask >> 32));
      return;
    }
    const std::uint64_t size = f.bar_size[index];
    if (size == 0) return;
    const std::uint32_t type_bits = old & ((old & 1) ? 3 : 0xf);
    put32(f, kBar0 + 4 * index, (value & static_cast<std::uint32_t>(~(size - 1))) | type_bits);
  }
  std::map<std::uint32_t, Fn> functions_;
};

void collect(const Function& f, void* context) {
  static_cast<std::vector<Function>*>(context)->push_back(f);
}

TEST(PciConfigTest, EnumeratesFunctionsAndBridges) {
  FakeBus bus;
  bus.add({0, 0, 0}, 0x8086, 0x29c0);
  auto& multi = bus.add({0, 3, 0}, 0x1af4, 0x1044, 0x80);
  FakeBus::put16(multi, kSubsystemId, 4);
  multi.bytes[kInterruptLine] = 11;
  multi.bytes[kInterruptPin] = 1;
  bus.add({0, 3, 2}, 0x1af4, 0x1042);
  auto& bridge = bus.add({0, 5, 0}, 0x1b36, 0x000c, 1);
  bridge.bytes[kSecondaryBus] = 1;
  bus.add({1, 0, 0}, 0x1af4, 0x1041);
  // A second bridge pointing back at bus 0 must not loop.
  auto& loop = bus.add({1, 1, 0}, 0x1b36, 0x000c, 1);
  loop.bytes[kSecondaryBus] = 0;
  auto& again = bus.add({1, 2, 0}, 0x1b36, 0x000c, 1);
  again.bytes[kSecondaryBus] = 1;
  // Not multi-function: function 1 must not be looked at.
  bus.add({0, 7, 0}, 0x1234, 0x1111);
  bus.add({0, 7, 1}, 0x1234, 0x2222);

  std::vector<Function> found;
  enumerate(bus, collect, &found);
  std::vector<std::tuple<int, int, int, int>> seen;
  for (const Function& f : found)
    seen.emplace_back(f.address.bus, f.address.device, f.address.function, f.device_id);
  EXPECT_EQ(seen, (std::vector<std::tuple<int, int, int, int>>{{0, 0, 0, 0x29c0},
                                                               {0, 3, 0, 0x1044},
                                                               {0, 3, 2, 0x1042},
                                                               {0, 5, 0, 0x000c},
                                                               {0, 7, 0, 0x1111},
                                                               {1, 0, 0, 0x1041},
                                                               {1, 1, 0, 0x000c},
                                                               {1, 2, 0, 0x000c}}));
  EXPECT_EQ(found[1].subsystem_id, 4);
  EXPECT_EQ(found[1].interrupt_line, 11);
  EXPECT_EQ(found[1].header_type, 0) << "without the multi-function bit";
}

TEST(PciConfigTest, SizesBars) {
  FakeBus bus;
  auto& f = bus.add({0, 1, 0}, 0x1af4, 0x1041);
  FakeBus::put32(f, kBar0, 0xc041);  // I/O at 0xc040, 32 bytes
  f.bar_size[0] = 32;
  FakeBus::put32(f, kBar0 + 4, 0xfebd1000);  // 32-bit memory, 4 KiB
  f.bar_size[1] = 4096;
  FakeBus::put32(f, kBar0 + 16, 0x0000000c);  // 64-bit prefetchable, 16 KiB
  FakeBus::put32(f, kBar0 + 20, 0x00000001);  // ... at 0x1_0000_0000
  f.bar_size[4] = 16384;
  FakeBus::put16(f, kCommand, kCommandIo | kCommandMemory);

  auto io = read_bar(bus, {0, 1, 0}, 0);
  ASSERT_TRUE(io.ok());
  EXPECT_EQ(io.value().kind, Bar::Kind::kIo);
  EXPECT_EQ(io.value().base, 0xc040u);
  EXPECT_EQ(io.value().size, 32u);
  auto mem = read_bar(bus, {0, 1, 0}, 1);
  EXPECT_EQ(mem.value().kind, Bar::Kind::kMemory32);
  EXPECT_EQ(mem.value().base, 0xfebd1000u);
  EXPECT_EQ(mem.value().size, 4096u);
  auto none = read_bar(bus, {0, 1, 0}, 2);
  EXPECT_EQ(none.value().kind, Bar::Kind::kNone);
  auto wide = read_bar(bus, {0, 1, 0}, 4);
  EXPECT_EQ(wide.value().kind, Bar::Kind::kMemory64);
  EXPECT_TRUE(wide.value().prefetchable);
  EXPECT_EQ(wide.value().base, 0x100000000u);
  EXPECT_EQ(wide.value().size, 16384u);
  EXPECT_FALSE(read_bar(bus, {0, 1, 0}, 5).ok()) << "upper half of BAR 4";
  EXPECT_FALSE(read_bar(bus, {0, 1, 0}, 6).ok());
  // Sizing put everything back.
  EXPECT_EQ(FakeBus::get32(f, kBar0 + 4), 0xfebd1000u);
  EXPECT_EQ(FakeBus::get32(f, kBar0 + 20), 1u);
  EXPECT_EQ(bus.read16({0, 1, 0}, kCommand), kCommandIo | kCommandMemory);
}

TEST(PciConfigTest, WalksCapabilitiesAndFindsMsix) {
  FakeBus bus;
  auto& f = bus.add({0, 2, 0}, 0x1af4, 0x1044);
  FakeBus::put16(f, kStatus, kStatusCapabilityList);
  f.bytes[kCapabilityPointer] = 0x98;
  f.bytes[0x98] = kCapabilityMsix;
  f.bytes[0x99] = 0x84;
  FakeBus::put16(f, 0x9a, 0x0002);      // 3 entries
  FakeBus::put32(f, 0x9c, 0x00000001);  // table in BAR 1 at 0
  FakeBus::put32(f, 0xa0, 0x00000801);  // PBA in BAR 1 at 0x800
  f.bytes[0x84] = kCapabilityVendor;
  f.bytes[0x85] = 0x70;
  f.bytes[0x70] = kCapabilityVendor;
  f.bytes[0x71] = 0x00;

  EXPECT_EQ(find_capability(bus, {0, 2, 0}, kCapabilityMsix), 0x98);
  auto vendor = find_capability(bus, {0, 2, 0}, kCapabilityVendor);
  EXPECT_EQ(vendor, 0x84);
  EXPECT_EQ(find_capability(bus, {0, 2, 0}, kCapabilityVendor, *vendor), 0x70);
  EXPECT_EQ(find_capability(bus, {0, 2, 0}, kCapabilityVendor, 0x70), std::nullopt);
  EXPECT_EQ(find_capability(bus, {0, 2, 0}, kCapabilityMsi), std::nullopt);

  auto msix = find_msix(bus, {0, 2, 0});
  ASSERT_TRUE(msix);
  EXPECT_EQ(msix->table_size, 3);
  EXPECT_EQ(msix->table_bar, 1);
  EXPECT_EQ(msix->table_offset, 0u);
  EXPECT_EQ(msix->pba_offset, 0x800u);

  msix_enable(bus, {0, 2, 0}, *msix, true);
  EXPECT_EQ(bus.read16({0, 2, 0}, 0x9a) & 0xc000, 0x8000);
  EXPECT_TRUE(bus.read16({0, 2, 0}, kCommand) & kCommandIntxDisable);

  std::uint32_t table[12] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
  msix_set_entry(table, 1, 0xfee00000, 0x31);
  EXPECT_EQ(table[4], 0xfee00000u);
  EXPECT_EQ(table[6], 0x31u);
  EXPECT_EQ(table[7], 0u) << "unmasked";
  EXPECT_EQ(table[3], 1u) << "other entries untouched";
}

TEST(PciConfigTest, HostileCapabilityListsEnd) {
  FakeBus bus;
  auto& f = bus.add({0, 4, 0}, 0x1af4, 0x1044);
  FakeBus::put16(f, kStatus, kStatusCapabilityList);
  f.bytes[kCapabilityPointer] = 0x40;
  f.bytes[0x40] = 0x01;
  f.bytes[0x41] = 0x40;  // points at itself
  const int before = bus.reads;
  EXPECT_EQ(find_capability(bus, {0, 4, 0}, kCapabilityMsix), std::nullopt);
  EXPECT_LT(bus.reads - before, 200) << "the walk is bounded";
  f.bytes[0x41] = 0x10;  // into the header
  EXPECT_EQ(find_capability(bus, {0, 4, 0}, kCapabilityMsix), std::nullopt);
  FakeBus::put16(f, kStatus, 0);
  f.bytes[0x40] = kCapabilityMsix;
  EXPECT_EQ(find_capability(bus, {0, 4, 0}, kCapabilityMsix), std::nullopt)
      << "no list without the status bit";
  // An MSI-X table in a BAR that cannot exist is not reported.
  FakeBus::put16(f, kStatus, kStatusCapabilityList);
  f.bytes[0x41] = 0;
  FakeBus::put32(f, 0x44, 0x7);
  EXPECT_EQ(find_msix(bus, {0, 4, 0}), std::nullopt);
}

TEST(PciConfigTest, FormatsAddresses) {
  char buffer[8];
  EXPECT_STREQ(format_address({0, 0x1f, 3}, buffer), "00:1f.3");
  EXPECT_STREQ(format_address({0xab, 2, 0}, buffer), "ab:02.0");
}

}  // namespace
}  // namespace cairn::pci
