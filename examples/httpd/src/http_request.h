// Parsing one HTTP/1.x request head (request line and header fields) from a buffer.
// Pure: no I/O, no allocation; the request's strings point into the caller's buffer.
#ifndef HTTPD_HTTP_REQUEST_H
#define HTTPD_HTTP_REQUEST_H

#include <stddef.h>

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

struct http_request {
  enum http_method method;
  int minor_version;   // HTTP/1.<minor_version>: 0 or 1
  const char* target;  // the request target as sent, not NUL-terminated
  size_t target_len;
  int keep_alive;                     // what the version and the Connection header ask for
  unsigned long long content_length;  // of a request body, which httpd discards
};

// Parses the head at the start of buf[0, len). Returns:
//   > 0  the head's length: a request is in *req and that many bytes belong to it;
//   0    the head is not complete yet (and still fits in max_head bytes);
//   < 0  an HTTP status to answer with before closing, negated: 400 (malformed),
//        414 (request line longer than max_head), 431 (head longer than max_head, or
//        too many fields), 501 (Transfer-Encoding), 505 (HTTP version other than 1.x).
long http_parse_request(const char* buf, size_t len, size_t max_head, struct http_request* req);

#endif
