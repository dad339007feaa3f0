// Maps a request target onto a regular file below the document root.
#ifndef HTTPD_STATIC_FILES_H
#define HTTPD_STATIC_FILES_H

#include <stddef.h>

struct static_file {
  int fd;  // open for reading; the caller closes it
  unsigned long long size;
  char path[1024];  // what was opened (its extension gives the Content-Type)
};

// Opens the file that target (as sent: percent-encoded, maybe with a query) names below
// root; a directory means its index.html. Returns 0, or the HTTP status to answer with:
// 400 (a target that is not an absolute path, bad escapes, NUL, "..", too long),
// 404 (nothing there, or not a regular file), 503 (out of descriptors), 500.
int static_file_open(const char* root, const char* target, size_t target_len,
                     struct static_file* file);

#endif
