// Entropy from virtio-rng devices (CONFIG_VIRTIO_RNG), for the kernel and the layers
// above it (getentropy, getrandom and /dev/urandom build on this).
//
// Callers are serialised; each call is one request to the first device that probed.
// Completion is interrupt-driven when the transport routed an interrupt (the caller
// blocks), polled otherwise. Not callable from interrupt context.
#pragma once

#include <cstddef>
#include <span>

#include <cairn/kernel/result.h>

namespace cairn::virtio {

// True when a virtio-rng device is ready.
bool rng_available();

// Reads up to buffer.size() bytes (at most one page per call) and returns how many,
// at least 1 for a non-empty buffer. ENODEV without a device, EIO when the device
// misbehaved (it is not used again), ETIMEDOUT when it did not answer within seconds.
Result<std::size_t> rng_read(std::span<std::byte> buffer);

// Fills the whole buffer (repeating rng_read); the same errors.
Result<void> rng_fill(std::span<std::byte> buffer);

}  // namespace cairn::virtio
