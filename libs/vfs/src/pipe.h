// Pipes: a ring buffer shared by a read end and a write end. Reads block until data or
// end of file (no writers left); writes block until there is room, and writes of up to
// kPipeAtomic bytes are never interleaved with others. O_NONBLOCK makes either fail
// with EAGAIN instead; writing with no reader left is EPIPE (no SIGPIPE).
#pragma once

#include <cstddef>

#include <cairn/kernel/result.h>
#include <cairn/vfs/open_file.h>
#include <cairn/vfs/ref_ptr.h>

namespace cairn::vfs {

inline constexpr std::size_t kPipeAtomic = 4096;  // PIPE_BUF

struct PipeEnds {
  RefPtr<OpenFile> read;
  RefPtr<OpenFile> write;
};

// `flags` may hold O_NONBLOCK (for both ends); `capacity` is the buffer size.
Result<PipeEnds> make_pipe(int flags, std::size_t capacity);

}  // namespace cairn::vfs
