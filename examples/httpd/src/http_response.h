// Response heads and the short bodies of error responses.
#ifndef HTTPD_HTTP_RESPONSE_H
#define HTTPD_HTTP_RESPONSE_H

#include <stddef.h>

const char* http_reason(int status);

// Writes the status line and header fields of a response into buf (at most cap bytes,
// not NUL-terminated) and returns their length, or 0 when they do not fit.
// keep_alive says whether the connection stays open after this response; for an
// HTTP/1.0 client that is announced, for 1.1 the closing is.
size_t http_format_head(char* buf, size_t cap, int status, const char* content_type,
                        unsigned long long content_length, int keep_alive, int minor_version);

// The body of an error response ("404 Not Found\n") into buf; returns its length.
size_t http_format_error_body(char* buf, size_t cap, int status);

#endif
