#include "udp_echo.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

#define BATCH 64

int udp_echo_batch(int fd, const char* quit_word, int* quit) {
  static char buf[65536];  // the largest datagram; one buffer for the whole server
  int echoed = 0;
  for (int i = 0; i < BATCH; ++i) {
    struct sockaddr_storage from;
    socklen_t from_len = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr*)&from, &from_len);
    if (n < 0) break;  // EAGAIN: nothing more (other errors: ICMP news, try later)
    if (quit_word != NULL && (size_t)n == strlen(quit_word) && memcmp(buf, quit_word, n) == 0) {
      *quit = 1;
      break;
    }
    // A full send buffer drops the echo, as UDP may.
    if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr*)&from, from_len) == n) ++echoed;
  }
  return echoed;
}
