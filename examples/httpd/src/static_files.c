#include "static_files.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The path part of target, percent-decoded into out (NUL-terminated). Returns 0 or 400.
static int decode_path(const char* target, size_t len, char* out, size_t cap) {
  if (len == 0 || target[0] != '/') return 400;  // absolute-form, "*": not served here
  size_t n = 0;
  for (size_t i = 0; i < len && target[i] != '?' && target[i] != '#'; ++i) {
    char c = target[i];
    if (c == '%') {
      if (i + 2 >= len) return 400;
      int hi = hex_value(target[i + 1]), lo = hex_value(target[i + 2]);
      if (hi < 0 || lo < 0) return 400;
      c = (char)(hi * 16 + lo);
      if (c == '\0') return 400;
      i += 2;
    }
    if (n + 1 >= cap) return 400;
    out[n++] = c;
  }
  out[n] = '\0';
  return 0;
}

// Decoding came first, so "%2e%2e" is caught too; the root is never left.
static int has_dot_dot_segment(const char* path) {
  for (const char* p = path; (p = strstr(p, "..")) != NULL; p += 2) {
    int starts = p == path || p[-1] == '/';
    int ends = p[2] == '\0' || p[2] == '/';
    if (starts && ends) return 1;
  }
  return 0;
}

static int status_for_errno(int error) {
  switch (error) {
    case ENOENT:
    case ENOTDIR:
    case EACCES:
    case ENAMETOOLONG:
    case ELOOP:
      return 404;
    case EMFILE:
    case ENFILE:
    case ENOMEM:
      return 503;
    default:
      return 500;
  }
}

// Opens file->path; a directory is replaced by its index.html (once).
static int open_regular(struct static_file* file) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = open(file->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return status_for_errno(errno);
    struct stat st;
    if (fstat(fd, &st) != 0) {
      int status = status_for_errno(errno);
      close(fd);
      return status;
    }
    if (S_ISREG(st.st_mode)) {
      file->fd = fd;
      file->size = (unsigned long long)st.st_size;
      return 0;
    }
    close(fd);
    size_t n = strlen(file->path);
    const char* index = file->path[n - 1] == '/' ? "index.html" : "/index.html";
    if (!S_ISDIR(st.st_mode) || n + strlen(index) + 1 > sizeof file->path) return 404;
    strcpy(file->path + n, index);
  }
  return 404;
}

int static_file_open(const char* root, const char* target, size_t target_len,
                     struct static_file* file) {
  size_t root_len = strlen(root);
  while (root_len > 0 && root[root_len - 1] == '/') --root_len;  // "/" or "/www/"
  if (root_len >= sizeof file->path) return 500;
  memcpy(file->path, root, root_len);
  int status = decode_path(target, target_len, file->path + root_len, sizeof file->path - root_len);
  if (status != 0) return status;
  if (has_dot_dot_segment(file->path + root_len)) return 400;
  return open_regular(file);
}
