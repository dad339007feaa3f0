// C++ on Cairn: classes and virtual dispatch, templates, lambdas, static
// constructors and destructors, function-local statics, new/delete.
#include <array>
#include <cstdio>
#include <utility>

namespace {

class Shape {
 public:
  virtual ~Shape() = default;
  virtual const char* name() const = 0;
  virtual long area() const = 0;
};

class Rectangle : public Shape {
 public:
  Rectangle(long w, long h) : w_(w), h_(h) {}
  const char* name() const override { return "rectangle"; }
  long area() const override { return w_ * h_; }

 private:
  long w_, h_;
};

class Square final : public Rectangle {
 public:
  explicit Square(long side) : Rectangle(side, side) {}
  const char* name() const override { return "square"; }
};

template <typename T, std::size_t N>
constexpr T sum(const std::array<T, N>& values) {
  T total{};
  for (const T& v : values) total += v;
  return total;
}
static_assert(sum(std::array<int, 4>{1, 2, 3, 4}) == 10);

// A global object: its constructor runs before main, its destructor after.
struct Announcer {
  int value;
  Announcer() : value(42) { std::printf("static constructor ran (value %d)\n", value); }
  ~Announcer() { std::printf("static destructor ran\n"); }
} announcer;

int& counter() {
  static int count = announcer.value;  // a guarded function-local static
  return count;
}

}  // namespace

int main() {
  Shape* shapes[] = {new Rectangle(3, 4), new Square(5)};
  for (const Shape* s : shapes) std::printf("%s has area %ld\n", s->name(), s->area());
  for (Shape* s : shapes) delete s;  // virtual destructors

  auto scale = [factor = 3](long x) { return x * factor; };
  std::printf("lambda: scale(14) = %ld\n", scale(14));
  std::printf("template: sum = %d\n", sum(std::array<int, 3>{10, 20, 30}));

  int* numbers = new int[16];
  for (int i = 0; i < 16; ++i) numbers[i] = i * i;
  std::printf("new[]: numbers[15] = %d\n", numbers[15]);
  delete[] numbers;

  ++counter();
  std::printf("function-local static: %d\n", counter());
  return 0;
}
