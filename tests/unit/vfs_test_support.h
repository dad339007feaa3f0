// Helpers for the VFS unit tests: a fresh VFS with a ramfs root, and byte-span helpers.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <string_view>

#include "ramfs/ramfs.h"
#include "vfs_core.h"

namespace cairn::vfs::testing {

inline std::span<const std::byte> bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// The errno of a failed Result, or 0.
template <typename T>
int error_of(const Result<T>& r) {
  return r.ok() ? 0 : r.error().code();
}

class VfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fs = ramfs::mount("", "");
    ASSERT_TRUE(fs.ok());
    ASSERT_TRUE(vfs.mount(fs.value(), "/", "ramfs").ok());
  }
  void TearDown() override { vfs.unmount_all(); }

  RefPtr<OpenFile> open(std::string_view path, int flags, std::uint32_t mode = 0644) {
    auto r = vfs.open(nullptr, path, flags, mode);
    EXPECT_TRUE(r.ok()) << path << ": " << (r.ok() ? "" : r.error().message());
    return r.ok() ? r.value() : nullptr;
  }
  void write_file(std::string_view path, std::string_view data) {
    RefPtr<OpenFile> f = open(path, O_WRONLY | O_CREAT | O_TRUNC);
    ASSERT_TRUE(f);
    auto n = f->write(bytes(data));
    ASSERT_TRUE(n.ok());
    ASSERT_EQ(n.value(), data.size());
  }
  std::string read_file(std::string_view path) {
    RefPtr<OpenFile> f = open(path, O_RDONLY);
    if (!f) return "<error>";
    std::string out;
    char buffer[1000];
    for (;;) {
      auto n = f->read({reinterpret_cast<std::byte*>(buffer), sizeof buffer});
      if (!n.ok() || n.value() == 0) break;
      out.append(buffer, n.value());
    }
    return out;
  }

  Vfs vfs;
};

}  // namespace cairn::vfs::testing
