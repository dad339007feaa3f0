#include "mime.h"

#include <string.h>
#include <strings.h>

static const struct {
  const char* extension;
  const char* type;
} kTypes[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"txt", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"xml", "application/xml"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"ico", "image/vnd.microsoft.icon"},
    {"wasm", "application/wasm"},
    {"pdf", "application/pdf"},
    {"woff2", "font/woff2"},
    {"gz", "application/gzip"},
};

const char* mime_type(const char* path) {
  const char* slash = strrchr(path, '/');
  const char* dot = strrchr(slash ? slash : path, '.');
  if (dot != NULL) {
    for (size_t i = 0; i < sizeof kTypes / sizeof kTypes[0]; ++i)
      if (strcasecmp(dot + 1, kTypes[i].extension) == 0) return kTypes[i].type;
  }
  return "application/octet-stream";
}
