// The UDP echo: every datagram goes back to its sender, unchanged.
#ifndef ECHO_UDP_ECHO_H
#define ECHO_UDP_ECHO_H

// Echoes the datagrams waiting on the non-blocking socket fd (at most a batch, so
// TCP connections get their turn). Returns how many were echoed; *quit is set when
// quit_word is not NULL and a datagram was exactly that word (not echoed).
int udp_echo_batch(int fd, const char* quit_word, int* quit);

#endif
