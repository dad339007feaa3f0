// The request-head parser (RFC 9112). Strict where leniency has caused request
// smuggling (whitespace before the colon, obsolete line folding, conflicting
// Content-Length, Transfer-Encoding), lenient where clients differ harmlessly (bare LF
// line ends, empty lines before the request line).
#include "http_request.h"

#include <string.h>

#define MAX_FIELDS 100
#define MAX_METHOD 16
#define MAX_LEADING_EMPTY_LINES 4

static int is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return 1;
  return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int is_lower_equal(const char* s, size_t n, const char* lower) {
  if (strlen(lower) != n) return 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
    if (c != (unsigned char)lower[i]) return 0;
  }
  return 1;
}

static void trim(const char** s, size_t* n) {
  while (*n > 0 && (**s == ' ' || **s == '\t')) ++*s, --*n;
  while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) --*n;
}

// The line starting at pos: its end (the '\n'), or NULL when it is not complete.
static const char* line_at(const char* buf, size_t len, size_t pos, size_t* line_len) {
  const char* nl = memchr(buf + pos, '\n', len - pos);
  if (nl == NULL) return NULL;
  *line_len = (size_t)(nl - (buf + pos));
  if (*line_len > 0 && buf[pos + *line_len - 1] == '\r') --*line_len;
  return nl;
}

// method SP request-target SP HTTP-version; returns 0 or the status to answer.
static int parse_request_line(const char* s, size_t n, struct http_request* req) {
  const char* sp1 = memchr(s, ' ', n);
  if (sp1 == NULL || sp1 == s || sp1 - s > MAX_METHOD) return 400;
  for (const char* p = s; p < sp1; ++p)
    if (!is_tchar((unsigned char)*p)) return 400;
  size_t method_len = (size_t)(sp1 - s);
  if (method_len == 3 && memcmp(s, "GET", 3) == 0)
    req->method = HTTP_GET;
  else if (method_len == 4 && memcmp(s, "HEAD", 4) == 0)
    req->method = HTTP_HEAD;
  else
    req->method = HTTP_OTHER;

  const char* target = sp1 + 1;
  const char* end = s + n;
  const char* sp2 = memchr(target, ' ', (size_t)(end - target));
  if (sp2 == NULL || sp2 == target) return 400;
  for (const char* p = target; p < sp2; ++p)
    if ((unsigned char)*p <= 0x20 || (unsigned char)*p == 0x7f) return 400;
  req->target = target;
  req->target_len = (size_t)(sp2 - target);

  const char* v = sp2 + 1;
  if (end - v != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' || v[5] < '0' || v[5] > '9' ||
      v[7] < '0' || v[7] > '9')
    return 400;
  if (v[5] != '1') return 505;
  // Later 1.x minor versions are compatible with 1.1 (RFC 9110 2.5).
  req->minor_version = v[7] == '0' ? 0 : 1;
  return 0;
}

// Content-Length: digits only; anything that does not fit is "too large" (413 later).
static int parse_content_length(const char* v, size_t n, unsigned long long* out) {
  if (n == 0) return -1;
  unsigned long long value = 0;
  for (size_t i = 0; i < n; ++i) {
    if (v[i] < '0' || v[i] > '9') return -1;
    if (value > (~0ULL - 9) / 10) {
      value = ~0ULL;
      continue;
    }
    value = value * 10 + (unsigned)(v[i] - '0');
  }
  *out = value;
  return 0;
}

// Connection: a comma-separated list of options; only close and keep-alive matter.
static void parse_connection(const char* v, size_t n, int* close, int* keep_alive) {
  while (n > 0) {
    const char* comma = memchr(v, ',', n);
    size_t item_len = comma ? (size_t)(comma - v) : n;
    const char* item = v;
    size_t len = item_len;
    trim(&item, &len);
    if (is_lower_equal(item, len, "close")) *close = 1;
    if (is_lower_equal(item, len, "keep-alive")) *keep_alive = 1;
    if (comma == NULL) break;
    v = comma + 1;
    n -= item_len + 1;
  }
}

struct fields {
  int hosts, content_lengths, transfer_encoding, close, keep_alive;
};

// name ":" OWS value OWS; returns 0 or the status to answer.
static int parse_field(const char* s, size_t n, struct fields* f, struct http_request* req) {
  if (s[0] == ' ' || s[0] == '\t') return 400;  // obsolete line folding
  const char* colon = memchr(s, ':', n);
  if (colon == NULL || colon == s) return 400;
  for (const char* p = s; p < colon; ++p)
    if (!is_tchar((unsigned char)*p)) return 400;  // also whitespace before the colon
  size_t name_len = (size_t)(colon - s);
  const char* value = colon + 1;
  size_t value_len = n - name_len - 1;
  trim(&value, &value_len);
  for (size_t i = 0; i < value_len; ++i) {
    unsigned char c = (unsigned char)value[i];
    if ((c < 0x20 && c != '\t') || c == 0x7f) return 400;
  }

  if (is_lower_equal(s, name_len, "host")) {
    if (++f->hosts > 1) return 400;
  } else if (is_lower_equal(s, name_len, "content-length")) {
    unsigned long long length;
    if (parse_content_length(value, value_len, &length) != 0) return 400;
    if (f->content_lengths++ > 0 && length != req->content_length) return 400;
    req->content_length = length;
  } else if (is_lower_equal(s, name_len, "transfer-encoding")) {
    f->transfer_encoding = 1;
  } else if (is_lower_equal(s, name_len, "connection")) {
    parse_connection(value, value_len, &f->close, &f->keep_alive);
  }
  return 0;
}

long http_parse_request(const char* buf, size_t len, size_t max_head, struct http_request* req) {
  memset(req, 0, sizeof *req);
  size_t pos = 0;
  for (int i = 0; i < MAX_LEADING_EMPTY_LINES && pos < len; ++i) {
    if (buf[pos] == '\n')
      pos += 1;
    else if (buf[pos] == '\r' && pos + 1 < len && buf[pos + 1] == '\n')
      pos += 2;
    else
      break;
  }

  size_t n;
  const char* nl = line_at(buf, len, pos, &n);
  if (nl == NULL) return len >= max_head ? -414 : 0;
  if ((size_t)(nl - buf) + 1 > max_head) return -414;
  int status = parse_request_line(buf + pos, n, req);
  if (status != 0) return -status;

  struct fields f = {0};
  int count = 0;
  for (;;) {
    pos = (size_t)(nl - buf) + 1;
    nl = line_at(buf, len, pos, &n);
    if (nl == NULL) return len >= max_head ? -431 : 0;
    if ((size_t)(nl - buf) + 1 > max_head) return -431;
    if (n == 0) break;
    if (++count > MAX_FIELDS) return -431;
    status = parse_field(buf + pos, n, &f, req);
    if (status != 0) return -status;
  }

  // A 1.1 request must name its host (RFC 9112 3.2); chunked request bodies are not
  // supported, and guessing their length would desynchronise the connection.
  if (req->minor_version == 1 && f.hosts == 0) return -400;
  if (f.transfer_encoding) return -501;
  req->keep_alive = req->minor_version == 1 ? !f.close : f.keep_alive && !f.close;
  return (long)(nl - buf) + 1;
}
