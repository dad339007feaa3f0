// What the net.* kernel options said about each card (net_params.cpp).
#pragma once

#include <cstddef>

#include "net_config.h"

namespace cairn::lwip {

// For index < kMaxConfiguredInterfaces: card ethN's configuration from the command line.
const InterfaceConfig& interface_config(std::size_t index);
// Whether any net option named card ethN.
bool interface_configured(std::size_t index);

}  // namespace cairn::lwip
