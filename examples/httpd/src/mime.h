// The Content-Type for a file, from its name's extension.
#ifndef HTTPD_MIME_H
#define HTTPD_MIME_H

// A media type for path's extension (case-insensitive); application/octet-stream for
// anything unknown. The string is static.
const char* mime_type(const char* path);

#endif
