// Block I/O benchmark in the guest (make bench): sequential writes, then reads, of
// 4 KiB and of 1 MiB requests on vda through the in-kernel synchronous API, one request
// at a time, so each request's latency is what a caller waits. Each figure runs until
// the disk is covered or the time budget is spent. host.py does the same on the host.
//
//   blockbench [SECONDS_PER_FIGURE]
// prints one line per figure:
//   blockbench: write 4096 requests=N bytes=B seconds=S mib_s=X mean_us=M p50_us=P p99_us=Q
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <cairn/block/io.h>
#include <cairn/block/registry.h>

namespace block = cairn::block;

namespace {

constexpr std::size_t kMaxSamples = 1 << 16;
std::uint32_t samples_ns[kMaxSamples];

std::uint64_t now_ns() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000'000u + t.tv_nsec;
}

bool figure(block::BlockDevice& disk, bool write, std::uint32_t size, std::byte* buffer,
            double budget_s) {
  const std::uint64_t sectors = size / disk.geometry().sector_size;
  const std::uint64_t requests_max = disk.geometry().sector_count / sectors;
  const std::uint64_t start = now_ns();
  const std::uint64_t end = start + static_cast<std::uint64_t>(budget_s * 1e9);
  std::size_t n = 0;
  while (n < requests_max && n < kMaxSamples && now_ns() < end) {
    const std::uint64_t t0 = now_ns();
    auto r = write ? block::write(disk, n * sectors, {buffer, size})
                   : block::read(disk, n * sectors, {buffer, size});
    if (!r) {
      std::printf("blockbench: %s failed: %s\n", write ? "write" : "read", r.error().message());
      return false;
    }
    samples_ns[n++] = static_cast<std::uint32_t>(now_ns() - t0);
  }
  const double seconds = (now_ns() - start) / 1e9;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < n; ++i) total += samples_ns[i];
  std::sort(samples_ns, samples_ns + n);
  const double bytes = static_cast<double>(n) * size;
  std::printf(
      "blockbench: %s %u requests=%zu bytes=%.0f seconds=%.3f mib_s=%.2f mean_us=%.1f "
      "p50_us=%.1f p99_us=%.1f\n",
      write ? "write" : "read", size, n, bytes, seconds, bytes / seconds / 1048576.0,
      total / 1e3 / n, samples_ns[n / 2] / 1e3, samples_ns[n * 99 / 100] / 1e3);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const double budget = argc > 1 ? std::atof(argv[1]) : 2.0;
  block::BlockDevice* disk = block::find_device("vda");
  if (!disk) {
    std::printf("blockbench: no disk (attach one: cairn run --disk FILE)\n");
    return 1;
  }
  constexpr std::uint32_t kBig = 1024 * 1024;
  auto* buffer = static_cast<std::byte*>(std::malloc(kBig));
  if (!buffer) return 1;
  std::memset(buffer, 0x5a, kBig);
  for (bool write : {true, false})
    for (std::uint32_t size : {4096u, kBig})
      if (!figure(*disk, write, size, buffer, budget)) return 1;
  const std::uint64_t t0 = now_ns();
  if (!block::flush(*disk)) return 1;
  std::printf("blockbench: flush us=%.1f\n", (now_ns() - t0) / 1e3);
  return 0;
}
