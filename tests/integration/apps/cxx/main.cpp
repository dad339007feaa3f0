// The C++ runtime's less travelled paths: aligned and nothrow new, sized and aligned
// delete, __cxa_atexit ordering of static destructors, thread_local objects, and a
// pure virtual call (which must end the VM with a report).
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>

namespace {

struct alignas(64) Line {
  char bytes[64];
};

int order_counter;
struct Order {
  const char* name;
  int constructed;
  explicit Order(const char* n) : name(n), constructed(++order_counter) {}
  ~Order() { std::printf("destroy %s (constructed %d)\n", name, constructed); }
};
Order first("first");
Order second("second");

thread_local int tls_value = 41;

}  // namespace

struct Base;
[[gnu::noipa]] void call_run(Base* b);

struct Base {
  // During Base's constructor the object is a Base: its vtable's run() slot holds
  // __cxa_pure_virtual. External linkage and noipa keep GCC from resolving the call at
  // compile time (in an anonymous namespace it sees every subclass and devirtualizes).
  Base() { call_run(this); }
  virtual void run() = 0;
  virtual ~Base() = default;
};
void call_run(Base* b) { b->run(); }

struct Derived : Base {
  void run() override {}
};

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "pure-virtual") == 0) {
    Derived d;
    return 0;
  }
  Line* lines = new Line[3];
  std::printf("aligned new[]: %s\n",
              reinterpret_cast<std::uintptr_t>(lines) % 64 == 0 ? "ok" : "MISALIGNED");
  delete[] lines;
  Line* one = new Line;
  std::printf("aligned new: %s\n",
              reinterpret_cast<std::uintptr_t>(one) % 64 == 0 ? "ok" : "MISALIGNED");
  delete one;
  int* n = new (std::nothrow) int(5);
  std::printf("nothrow new: %d\n", n ? *n : -1);
  delete n;
  void* huge = ::operator new (std::size_t{1} << 40, std::nothrow);
  std::printf("nothrow new of 1 TiB: %s\n", huge ? "non-null" : "null");
  static Order local("function-local");
  std::printf("thread_local: %d\n", ++tls_value);
  return 0;
}
