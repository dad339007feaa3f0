// Heap allocator benchmark: the same mixed workload against glibc's malloc, Cairn's
// SizeClassHeap (CONFIG_HEAP_FAST) and Cairn's TlsfHeap (CONFIG_HEAP_TLSF), on the host.
//
// Build (from the repository root; tlsf.cpp is optional, see CAIRN_BENCH_TLSF below):
//   g++ -std=c++20 -O2 -I kernel/mm/include -I kernel/mm/src tools/bench/alloc_bench.cpp
//       kernel/mm/src/size_class_heap.cpp kernel/mm/src/tlsf.cpp -o build/alloc_bench
//
// The workload (deterministic: the same operations, in the same order, for everyone):
// - 20,000 slots and 2,000,000 operations. Each operation picks a slot at random: an
//   empty slot gets an allocation; a full one is freed (90%) or reallocated to a new
//   size (10%). The live set settles at about 10,500 blocks.
// - Sizes: 95% log-uniform in 16 B .. 4 KiB (small sizes are the common ones in real
//   programs), 5% uniform in 4 KiB .. 256 KiB.
// - Every new or moved block gets its first 8 bytes and last byte written; a freed
//   block's first byte is read. So blocks are touched as a program would, but the
//   allocators' own work dominates.
// The operations are generated before timing; only the 2,000,000 operations are timed
// (not freeing what is left afterwards). Each allocator runs once untimed (to warm the
// caches and fault in its memory), then 5 timed runs, interleaved with the others;
// the median is reported.
//
// The Cairn allocators get their pages from an mmap-backed page source that models the
// kernel's page-frame allocator: one reserved mmap region, runs handed out from free
// lists per run length (O(1)) or carved from the untouched end. Its cost is included.
// Pages stay mapped between runs, as glibc keeps its heap between runs.
//
// Reported: operations per second; the time ratio "allocator time / glibc time" (below
// 1.0 is faster than glibc); and fragmentation at the end of the timed operations,
// bytes_free / bytes_from_pages (for glibc, from mallinfo2: free bytes in its arena
// over arena + mmapped bytes).
#include <malloc.h>
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <cairn/mm/heap_backend.h>

#include "size_class_heap.h"

// TlsfHeap is measured when its header is there (build with tlsf.cpp), unless
// -DCAIRN_BENCH_TLSF=0.
#ifndef CAIRN_BENCH_TLSF
#if __has_include("tlsf.h")
#define CAIRN_BENCH_TLSF 1
#else
#define CAIRN_BENCH_TLSF 0
#endif
#endif
#if CAIRN_BENCH_TLSF
#include "tlsf.h"
#endif

namespace {

using cairn::mm::HeapStats;
using cairn::mm::kPageSize;
using cairn::mm::PageSource;

constexpr std::size_t kSlots = 20000;
constexpr std::size_t kOperations = 2000000;
constexpr int kTimedRuns = 5;

// ---- The workload ----------------------------------------------------------------------

enum class Op : std::uint8_t { kAllocate, kFree, kReallocate };

struct Step {
  std::uint32_t slot;
  std::uint32_t size;  // for kAllocate and kReallocate
  Op op;
};

std::vector<Step> make_workload() {
  std::mt19937_64 rng(20261123);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto size = [&]() -> std::uint32_t {
    if (unit(rng) < 0.95) return static_cast<std::uint32_t>(std::exp2(4.0 + 8.0 * unit(rng)));
    return static_cast<std::uint32_t>(4096 + rng() % (256 * 1024 - 4096 + 1));
  };
  std::vector<bool> full(kSlots, false);
  std::vector<Step> steps;
  steps.reserve(kOperations);
  for (std::size_t i = 0; i < kOperations; ++i) {
    auto slot = static_cast<std::uint32_t>(rng() % kSlots);
    if (!full[slot]) {
      steps.push_back({slot, size(), Op::kAllocate});
      full[slot] = true;
    } else if (rng() % 10 == 0) {
      steps.push_back({slot, size(), Op::kReallocate});
    } else {
      steps.push_back({slot, 0, Op::kFree});
      full[slot] = false;
    }
  }
  return steps;
}

// ---- The page source for the Cairn allocators -----------------------------------------

class PageArena {
 public:
  static constexpr std::size_t kReserve = std::size_t{16} << 30;  // address space only
  static constexpr std::size_t kExactLists = 256;                 // runs of 1..255 pages

  PageArena() {
    void* p = mmap(nullptr, kReserve, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
      std::perror("mmap");
      std::exit(1);
    }
    base_ = static_cast<char*>(p);
    reset();
  }
  ~PageArena() { munmap(base_, kReserve); }

  // Forgets every run (the heap using them is gone); pages stay mapped and faulted.
  void reset() {
    std::fill(std::begin(lists_), std::end(lists_), nullptr);
    big_.clear();
    end_ = base_;
  }
  PageSource source() { return PageSource{&PageArena::take, &PageArena::give, this}; }

 private:
  struct FreeRun {
    FreeRun* next;
  };
  static void* take(void* context, std::size_t pages) {
    auto* self = static_cast<PageArena*>(context);
    if (pages < kExactLists) {
      if (FreeRun* run = self->lists_[pages]) {
        self->lists_[pages] = run->next;
        return run;
      }
    } else {
      for (std::size_t i = 0; i < self->big_.size(); ++i) {
        if (self->big_[i].second == pages) {
          void* run = self->big_[i].first;
          self->big_[i] = self->big_.back();
          self->big_.pop_back();
          return run;
        }
      }
    }
    if (pages > static_cast<std::size_t>(self->base_ + kReserve - self->end_) / kPageSize)
      return nullptr;
    void* run = self->end_;
    self->end_ += pages * kPageSize;
    return run;
  }
  static void give(void* context, void* address, std::size_t pages) {
    auto* self = static_cast<PageArena*>(context);
    if (pages < kExactLists) {
      auto* run = static_cast<FreeRun*>(address);
      run->next = self->lists_[pages];
      self->lists_[pages] = run;
    } else {
      self->big_.push_back({address, pages});
    }
  }

  char* base_ = nullptr;
  char* end_ = nullptr;
  FreeRun* lists_[kExactLists] = {};
  std::vector<std::pair<void*, std::size_t>> big_;
};

// ---- The allocators under test ----------------------------------------------------------

struct Glibc {
  static constexpr const char* kName = "glibc malloc";
  void* allocate(std::size_t n) { return std::malloc(n); }
  void free(void* p) { std::free(p); }
  void* reallocate(void* p, std::size_t n) { return std::realloc(p, n); }
  double fragmentation() const {
    struct mallinfo2 mi = mallinfo2();
    double held = static_cast<double>(mi.arena + mi.hblkhd);
    return held > 0 ? static_cast<double>(mi.fordblks) / held : 0.0;
  }
  double held() const {
    struct mallinfo2 mi = mallinfo2();
    return static_cast<double>(mi.arena + mi.hblkhd);
  }
};

template <typename Heap>
struct Cairn {
  explicit Cairn(PageArena& arena) : heap(arena.source()) {}
  void* allocate(std::size_t n) { return heap.allocate(n); }
  void free(void* p) { heap.free(p); }
  void* reallocate(void* p, std::size_t n) { return heap.reallocate(p, n); }
  double fragmentation() const {
    HeapStats st = heap.stats();
    return st.bytes_from_pages ? static_cast<double>(st.bytes_free) / st.bytes_from_pages : 0.0;
  }
  double held() const { return static_cast<double>(heap.stats().bytes_from_pages); }
  Heap heap;
};

// What is live after the timed operations: blocks and the bytes asked for.
struct Live {
  std::size_t blocks = 0;
  std::size_t bytes = 0;
};
Live live_at_end(const std::vector<Step>& steps) {
  std::vector<std::uint32_t> size(kSlots, 0);
  std::vector<bool> full(kSlots, false);
  for (const Step& s : steps) {
    full[s.slot] = s.op != Op::kFree;
    size[s.slot] = s.size;
  }
  Live live;
  for (std::size_t i = 0; i < kSlots; ++i) {
    if (!full[i]) continue;
    ++live.blocks;
    live.bytes += size[i];
  }
  return live;
}

struct Result {
  double seconds;
  double fragmentation;
  double held;  // bytes the allocator holds (from pages, or glibc's arena + mmapped)
  std::uint64_t checksum;
};

// One run: the timed operations, then (untimed) the fragmentation reading and freeing
// whatever is still live.
template <typename Allocator>
Result run(Allocator& a, const std::vector<Step>& steps) {
  std::vector<unsigned char*> slots(kSlots, nullptr);
  std::uint64_t checksum = 0;
  auto touch = [](unsigned char* p, std::size_t n) {
    std::memset(p, static_cast<int>(n), 8);
    p[n - 1] = 1;
  };
  auto start = std::chrono::steady_clock::now();
  for (const Step& s : steps) {
    unsigned char*& slot = slots[s.slot];
    switch (s.op) {
      case Op::kAllocate:
        slot = static_cast<unsigned char*>(a.allocate(s.size));
        if (!slot) std::abort();
        touch(slot, s.size);
        break;
      case Op::kFree:
        checksum += slot[0];
        a.free(slot);
        slot = nullptr;
        break;
      case Op::kReallocate:
        slot = static_cast<unsigned char*>(a.reallocate(slot, s.size));
        if (!slot) std::abort();
        touch(slot, s.size);
        break;
    }
  }
  auto stop = std::chrono::steady_clock::now();
  Result r{std::chrono::duration<double>(stop - start).count(), a.fragmentation(), a.held(),
           checksum};
  for (unsigned char* p : slots) {
    if (p) a.free(p);
  }
  return r;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

struct Series {
  const char* name;
  std::vector<double> seconds;
  double fragmentation = 0;
  double held = 0;
  double median() const {
    std::vector<double> v = seconds;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  }
};

// Runs `allocator_run` (which builds a fresh allocator and runs the workload once)
// untimed, then records timed runs into `series` as the rounds come.
template <typename F>
void round(Series& series, F&& allocator_run, bool record) {
  Result r = allocator_run();
  if (!record) return;
  series.seconds.push_back(r.seconds);
  series.fragmentation = r.fragmentation;
  series.held = r.held;
}

}  // namespace

int main() {
  std::vector<Step> steps = make_workload();

  PageArena size_class_pages;
  Series glibc{"glibc malloc", {}};
  Series size_class{"SizeClassHeap", {}};
  auto run_glibc = [&] {
    Glibc g;
    return run(g, steps);
  };
  auto run_size_class = [&] {
    size_class_pages.reset();
    auto a = std::make_unique<Cairn<cairn::mm::SizeClassHeap>>(size_class_pages);
    return run(*a, steps);
  };
#if CAIRN_BENCH_TLSF
  PageArena tlsf_pages;
  Series tlsf{"TlsfHeap", {}};
  auto run_tlsf = [&] {
    tlsf_pages.reset();
    auto a = std::make_unique<Cairn<cairn::mm::TlsfHeap>>(tlsf_pages);
    return run(*a, steps);
  };
#endif

  for (int i = 0; i <= kTimedRuns; ++i) {
    bool record = i > 0;  // round 0 warms up
    round(glibc, run_glibc, record);
    round(size_class, run_size_class, record);
#if CAIRN_BENCH_TLSF
    round(tlsf, run_tlsf, record);
#endif
  }

  const Live live = live_at_end(steps);
  std::printf("Heap allocator benchmark (tools/bench/alloc_bench.cpp)\n");
  std::printf("machine: %s\n", cpu_model().c_str());
  std::printf(
      "workload: %zu operations on %zu slots; sizes 95%% 16 B-4 KiB log-uniform, 5%% "
      "4-256 KiB; 10%% of frees are reallocs;\n          %zu blocks (%.1f MiB asked "
      "for) live at the end; median of %d runs\n\n",
      kOperations, kSlots, live.blocks, live.bytes / 1048576.0, kTimedRuns);
  std::printf("%-14s %10s %8s %12s %14s %13s\n", "allocator", "time (ms)", "Mops/s", "time ratio",
              "fragmentation", "held/asked");
  const double base = glibc.median();
  auto print = [&](const Series& s) {
    double t = s.median();
    std::printf("%-14s %10.1f %8.2f %12.3f %13.1f%% %13.2f\n", s.name, t * 1e3,
                kOperations / t / 1e6, t / base, s.fragmentation * 100, s.held / live.bytes);
  };
  print(glibc);
  print(size_class);
#if CAIRN_BENCH_TLSF
  print(tlsf);
#else
  std::printf("%-14s (not measured: built without kernel/mm/src/tlsf.h)\n", "TlsfHeap");
#endif
  std::printf(
      "\ntime ratio    = allocator time / glibc time: below 1.0 is faster than glibc.\n"
      "fragmentation = bytes_free / bytes_from_pages after the timed operations (glibc:\n"
      "                mallinfo2 fordblks / (arena + hblkhd)); size-class rounding is not\n"
      "                counted as free.\n"
      "held/asked    = memory held (from pages; glibc: arena + hblkhd) / bytes asked for by\n"
      "                the live blocks: total overhead, rounding included.\n");
  return 0;
}
