/*
 * udp-echo: the Linux-side programs of tools/bench/src/udp-echo-bench.ts, compiled by the
 * benchmark at run time (cc -O2). Run each inside a test namespace (ip netns exec).
 *
 *   udp-echo client <ipv4> <port> <size> <window> <seconds> <warmup> <spin>
 *       A connected UDP socket keeps <window> datagrams of <size> payload bytes in flight: each
 *       reply sends the next one. After <warmup> seconds it counts, for <seconds>, the replies to
 *       datagrams sent in that window, and their round-trip times. A datagram carries its sequence
 *       number and send time; the rest of the payload is a pattern the reply must bring back.
 *       <spin> 1: poll the socket without ever sleeping (MSG_DONTWAIT in a loop), so the client's
 *       own wake-up latency stays out of the round trip (give it a CPU of its own); 0: block in
 *       recv(). Prints one line: rtts= seconds= lost= bad= p50us= p99us=
 *   udp-echo server <port>
 *       The kernel baseline: a plain blocking UDP echo server, one recvfrom() and one sendto() per
 *       datagram. Prints "ready" once bound.
 *   udp-echo reflect <tap> <ipv4> <port>
 *       The TAP floor: attaches to an existing TAP and, with one read() and one write() per frame,
 *       turns every IPv4 UDP frame for <ipv4>:<port> around (MACs, addresses and ports swapped,
 *       which leaves both checksums valid). No stack at all: what any user-space echo over this TAP
 *       costs at least. The kernel needs a static neighbour entry for <ipv4>. Prints "ready".
 *
 * Every program exits on SIGTERM; the client also exits by itself after warmup + seconds.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_PAYLOAD 65507
#define HEADER 16 /* sequence number and send time, both 64-bit */
#define HIST_US 100000 /* latency histogram: 1 µs buckets up to 100 ms, then one overflow bucket */

static void __attribute__((noreturn)) die(const char *what) {
  fprintf(stderr, "udp-echo: %s: %s\n", what, strerror(errno));
  exit(1);
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static unsigned char pattern_at(size_t i) { return (unsigned char)(i * 7 + 3); }

static uint32_t hist[HIST_US + 1];

static double percentile(uint64_t count, double p) {
  if (count == 0) return 0;
  uint64_t want = (uint64_t)(p * (double)count);
  if (want >= count) want = count - 1;
  uint64_t seen = 0;
  for (int i = 0; i <= HIST_US; i++) {
    seen += hist[i];
    if (seen > want) return i + 0.5;
  }
  return HIST_US;
}

static int client(const char *addr, int port, size_t size, int window, double seconds, double warmup, int spin) {
  if (size < HEADER || size > MAX_PAYLOAD) {
    fprintf(stderr, "udp-echo: size must be %d..%d\n", HEADER, MAX_PAYLOAD);
    return 2;
  }
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
    fprintf(stderr, "udp-echo: bad address %s\n", addr);
    return 2;
  }
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) die("connect");
  /* Blocking receive with a short timeout, so losses are noticed. */
  struct timeval tv = {.tv_sec = 0, .tv_usec = 20000};
  if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) die("SO_RCVTIMEO");

  unsigned char *out = malloc(size), *in = malloc(MAX_PAYLOAD + 1);
  if (!out || !in) die("malloc");
  for (size_t i = HEADER; i < size; i++) out[i] = pattern_at(i);

  const uint64_t start = now_ns();
  const uint64_t measure_from = start + (uint64_t)(warmup * 1e9);
  const uint64_t end = measure_from + (uint64_t)(seconds * 1e9);
  uint64_t seq = 0, rtts = 0, lost = 0, bad = 0, last_progress = start;
  int outstanding = 0;

  for (;;) {
    uint64_t t = now_ns();
    if (t >= end) break;
    while (outstanding < window) {
      memcpy(out, &seq, 8);
      memcpy(out + 8, &t, 8);
      if (send(fd, out, size, 0) < 0) {
        if (errno == EINTR) continue;
        if (errno == ECONNREFUSED || errno == ENOBUFS || errno == EAGAIN) { /* counted as lost below */
          lost++;
          break;
        }
        die("send");
      }
      seq++;
      outstanding++;
      t = now_ns();
    }
    ssize_t n = recv(fd, in, MAX_PAYLOAD + 1, spin ? MSG_DONTWAIT : 0);
    t = now_ns();
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNREFUSED) die("recv");
      /* Nothing for 200 ms: what is outstanding is lost; start the window again. */
      if (t - last_progress > 200000000u) {
        lost += (uint64_t)outstanding;
        outstanding = 0;
        last_progress = t;
      }
      continue;
    }
    last_progress = t;
    if (outstanding > 0) outstanding--;
    if ((size_t)n != size || memcmp(in + HEADER, out + HEADER, size - HEADER) != 0) {
      bad++;
      continue;
    }
    uint64_t sent_at;
    memcpy(&sent_at, in + 8, 8);
    if (sent_at < measure_from || t > end) continue;
    rtts++;
    uint64_t us = (t - sent_at) / 1000;
    hist[us > HIST_US ? HIST_US : us]++;
  }
  printf("rtts=%llu seconds=%.6f lost=%llu bad=%llu p50us=%.1f p99us=%.1f\n", (unsigned long long)rtts, seconds,
         (unsigned long long)lost, (unsigned long long)bad, percentile(rtts, 0.5), percentile(rtts, 0.99));
  return 0;
}

static int server(int port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_ANY)};
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) die("bind");
  printf("ready\n");
  fflush(stdout);
  static unsigned char buf[MAX_PAYLOAD + 1];
  for (;;) {
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("recvfrom");
    }
    if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len) < 0 && errno != ENOBUFS && errno != EAGAIN) die("sendto");
  }
  return 0;
}

static void swap(unsigned char *a, unsigned char *b, size_t n) {
  unsigned char t[6];
  memcpy(t, a, n);
  memcpy(a, b, n);
  memcpy(b, t, n);
}

static int reflect(const char *dev, const char *addr, int port) {
  struct in_addr ours;
  if (inet_pton(AF_INET, addr, &ours) != 1) {
    fprintf(stderr, "udp-echo: bad address %s\n", addr);
    return 2;
  }
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) die("open /dev/net/tun");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) die("TUNSETIFF");
  printf("ready\n");
  fflush(stdout);
  static unsigned char f[65536];
  for (;;) {
    ssize_t n = read(fd, f, sizeof f);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("read");
    }
    if (n < 14 + 20 + 8 || f[12] != 0x08 || f[13] != 0x00) continue;
    unsigned char *ip = f + 14;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    if ((ip[0] >> 4) != 4 || ihl < 20 || (size_t)n < 14 + ihl + 8 || ip[9] != 17) continue;
    if (memcmp(ip + 16, &ours, 4) != 0) continue;
    unsigned char *udp = ip + ihl;
    if (((udp[2] << 8) | udp[3]) != port) continue;
    swap(f, f + 6, 6);
    swap(ip + 12, ip + 16, 4);
    swap(udp, udp + 2, 2);
    if (write(fd, f, (size_t)n) < 0 && errno != EIO && errno != EAGAIN) die("write");
  }
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc == 9 && strcmp(argv[1], "client") == 0)
    return client(argv[2], atoi(argv[3]), (size_t)atol(argv[4]), atoi(argv[5]), atof(argv[6]), atof(argv[7]), atoi(argv[8]));
  if (argc == 3 && strcmp(argv[1], "server") == 0) return server(atoi(argv[2]));
  if (argc == 5 && strcmp(argv[1], "reflect") == 0) return reflect(argv[2], argv[3], atoi(argv[4]));
  fprintf(stderr,
          "usage: udp-echo client <ipv4> <port> <size> <window> <seconds> <warmup> <spin 0|1>\n"
          "       udp-echo server <port>\n"
          "       udp-echo reflect <tap> <ipv4> <port>\n");
  return 2;
}
