// virtio_net.* kernel options.
#include <errno.h>

#include <string_view>

#include <cairn/kernel/param.h>
#include <cairn/virtio/features.h>

#include "net_header.h"
#include "net_param.h"

namespace cairn::virtio::net_spec {
namespace {

constexpr std::uint32_t kMinRxBuffer = 64;
constexpr std::uint32_t kMaxRxBuffer = 2046;

struct NamedFeature {
  std::string_view name;
  int bit;
};
constexpr NamedFeature kFeatures[] = {
    {"csum", kFeatureCsum}, {"guest_csum", kFeatureGuestCsum}, {"mtu", kFeatureMtu},
    {"mac", kFeatureMac},   {"mrg_rxbuf", kFeatureMrgRxbuf},   {"status", kFeatureStatus},
};

std::uint64_t features = feature(kFeatureCsum) | feature(kFeatureGuestCsum) | feature(kFeatureMtu) |
                         feature(kFeatureMac) | feature(kFeatureMrgRxbuf) | feature(kFeatureStatus);
std::uint32_t rx_buffer = 0;

Result<void> set_rx_buffer(std::string_view value) {
  std::uint32_t n = 0;
  if (value.empty() || value.size() > 5) return Error(EINVAL, "expected a number of bytes");
  for (char c : value) {
    if (c < '0' || c > '9') return Error(EINVAL, "expected a number of bytes");
    n = n * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (n < kMinRxBuffer || n > kMaxRxBuffer) return Error(EINVAL, "expected 64 to 2046 bytes");
  rx_buffer = n;
  return {};
}
CAIRN_PARAM(virtio_net_rx_buffer, "virtio_net.rx_buffer", set_rx_buffer,
            "bytes per receive buffer when mergeable buffers are negotiated (64..2046)");

Result<void> set_features(std::string_view value) {
  while (!value.empty()) {
    // No substr(): its range check would pull in the C++ library's exceptions.
    std::size_t length = 0;
    while (length < value.size() && value[length] != ',') ++length;
    std::string_view word(value.data(), length);
    value.remove_prefix(length < value.size() ? length + 1 : length);
    if (word.empty() || word[0] != '-') return Error(EINVAL, "expected -feature,...");
    word.remove_prefix(1);
    bool known = false;
    for (const NamedFeature& f : kFeatures)
      if (f.name == word) {
        features &= ~feature(f.bit);
        known = true;
      }
    if (!known) return Error(EINVAL, "unknown feature");
  }
  return {};
}
CAIRN_PARAM(virtio_net_features, "virtio_net.features", set_features,
            "features not to negotiate, e.g. -mrg_rxbuf,-csum");

bool polled = false;

Result<void> set_polled(std::string_view) {
  polled = true;
  return {};
}
CAIRN_PARAM(virtio_net_polled, "virtio_net.polled", set_polled,
            "serve virtio-net cards from a polling thread instead of interrupts");

}  // namespace

bool use_interrupts() { return !polled; }

std::uint64_t negotiated_features() { return features; }

std::uint32_t rx_buffer_bytes(std::uint32_t default_bytes) {
  return rx_buffer ? rx_buffer : default_bytes;
}

}  // namespace cairn::virtio::net_spec
