#include "http_response.h"

#include <stdio.h>

const char* http_reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

size_t http_format_head(char* buf, size_t cap, int status, const char* content_type,
                        unsigned long long content_length, int keep_alive, int minor_version) {
  const char* connection = "";
  if (!keep_alive)
    connection = "Connection: close\r\n";
  else if (minor_version == 0)
    connection = "Connection: keep-alive\r\n";
  int n = snprintf(buf, cap,
                   "HTTP/1.1 %d %s\r\nServer: cairn-httpd\r\nContent-Type: %s\r\n"
                   "Content-Length: %llu\r\n%s%s\r\n",
                   status, http_reason(status), content_type, content_length, connection,
                   status == 405 ? "Allow: GET, HEAD\r\n" : "");
  return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

size_t http_format_error_body(char* buf, size_t cap, int status) {
  int n = snprintf(buf, cap, "%d %s\n", status, http_reason(status));
  return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}
