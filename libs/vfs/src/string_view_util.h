// Slicing string_views without substr(), which may throw std::out_of_range: the
// image has no C++ library to throw from (and callers here always stay in range).
#pragma once

#include <cstddef>
#include <string_view>

namespace cairn::vfs {

// The first `n` characters (all of them when n >= size; npos works).
inline std::string_view prefix(std::string_view s, std::size_t n) {
  return {s.data(), n < s.size() ? n : s.size()};
}
// What follows the first `from` characters (empty when from >= size; npos works).
inline std::string_view suffix(std::string_view s, std::size_t from) {
  return from < s.size() ? std::string_view(s.data() + from, s.size() - from) : std::string_view{};
}

}  // namespace cairn::vfs
