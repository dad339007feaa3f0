// Numbers from the virtio 1.2 specification that every transport and driver shares:
// device status bits, transport feature bits, device types.
#pragma once

#include <cstdint>

namespace cairn::virtio {

// Device status (section 2.1).
inline constexpr std::uint8_t kStatusAcknowledge = 1;
inline constexpr std::uint8_t kStatusDriver = 2;
inline constexpr std::uint8_t kStatusDriverOk = 4;
inline constexpr std::uint8_t kStatusFeaturesOk = 8;
inline constexpr std::uint8_t kStatusNeedsReset = 64;
inline constexpr std::uint8_t kStatusFailed = 128;

// Feature bits that belong to the transport and ring, not to a device type (section 6).
inline constexpr int kFeatureIndirectDesc = 28;
inline constexpr int kFeatureEventIdx = 29;
inline constexpr int kFeatureVersion1 = 32;
inline constexpr int kFeatureAccessPlatform = 33;
inline constexpr int kFeatureRingPacked = 34;

constexpr std::uint64_t feature(int bit) { return std::uint64_t{1} << bit; }

// Device types (section 5): what a driver registers for.
enum class DeviceType : std::uint16_t {
  kNet = 1,
  kBlock = 2,
  kConsole = 3,
  kEntropy = 4,
  kBalloon = 5,
  kScsi = 8,
  k9p = 9,
  kGpu = 16,
  kInput = 18,
  kVsock = 19,
  kFs = 26,
};

}  // namespace cairn::virtio
