/*
 * tap-rw: the baseline for tools/bench/src/tap-bench.ts, compiled by the benchmark at run time.
 *
 *   tap-rw read  <ifname> <seconds>          attach to the TAP, one read() per frame; counts frames
 *                                            for <seconds> from the first frame received
 *   tap-rw write <ifname> <size> <seconds>   attach to the TAP, one write() per frame of <size> bytes
 *   tap-rw blast <ifname> <size> <seconds>   traffic generator: send frames of <size> bytes out of
 *                                            the interface through an AF_PACKET socket (kernel side of
 *                                            the TAP), sendmmsg() in batches, qdisc bypassed
 *   tap-rw uring <ifname> <size> <seconds>   like write, but batching the system calls: 64 writes per
 *                                            io_uring_enter(), registered descriptor, completions only
 *                                            for failures; prints "unavailable" where io_uring is off
 *
 * Run it inside the TAP's network namespace (ip netns exec). Output is one line of key=value pairs.
 * The descriptor is non-blocking; poll() is called only when it would block, so a busy device costs
 * exactly one system call per frame, as a simple event-driven C driver would.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/io_uring.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
  fprintf(stderr, "tap-rw: %s: %s\n", what, strerror(errno));
  exit(1);
}

static int attach(const char *name) {
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) die("open /dev/net/tun");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) die("TUNSETIFF");
  return fd;
}

static void wait_fd(int fd, short events, int ms) {
  struct pollfd p = {.fd = fd, .events = events};
  poll(&p, 1, ms);
}

/* A frame to some other host (dropped early by the receiving kernel) with a local ethertype. */
static void fill_frame(unsigned char *f, size_t size) {
  static const unsigned char dst[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
  static const unsigned char src[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x02};
  memcpy(f, dst, 6);
  memcpy(f + 6, src, 6);
  f[12] = 0x88;
  f[13] = 0xb5;
  for (size_t i = 14; i < size; i++) f[i] = (unsigned char)i;
}

static int do_read(const char *name, double seconds) {
  int fd = attach(name);
  static unsigned char buf[65536];
  printf("ready\n");
  fflush(stdout);
  uint64_t frames = 0, bytes = 0;
  double start = 0, end = 0, idle_since = now();
  for (;;) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r > 0) {
      if (frames == 0) start = now();
      frames++;
      bytes += (uint64_t)r;
      /* checking the clock every frame would dominate; every 1024 frames is plenty */
      if ((frames & 1023) == 0 && (end = now()) - start >= seconds) break;
      continue;
    }
    if (r < 0 && errno != EAGAIN && errno != EINTR) die("read");
    if (frames > 0 && (end = now()) - start >= seconds) break;
    if (frames == 0 && now() - idle_since > 10) break; /* no generator: give up */
    wait_fd(fd, POLLIN, 100);
  }
  if (frames == 0) end = start;
  printf("frames=%llu bytes=%llu seconds=%.6f\n", (unsigned long long)frames, (unsigned long long)bytes,
         end - start);
  return 0;
}

static int do_write(const char *name, size_t size, double seconds) {
  int fd = attach(name);
  unsigned char *f = malloc(size);
  fill_frame(f, size);
  uint64_t frames = 0, errors = 0;
  double start = now(), end = start;
  for (;;) {
    ssize_t r = write(fd, f, size);
    if (r < 0) {
      if (errno == EAGAIN) {
        wait_fd(fd, POLLOUT, 100);
        continue;
      }
      if (errno != EINTR) errors++;
    } else {
      frames++;
    }
    if (((frames + errors) & 1023) == 0 && (end = now()) - start >= seconds) break;
  }
  printf("frames=%llu errors=%llu seconds=%.6f\n", (unsigned long long)frames, (unsigned long long)errors,
         end - start);
  return 0;
}

#define URING_BATCH 64

/* The write loop again, with the system calls batched through io_uring: the reference for "would
 * fewer system calls make TAP writes faster?". Raw system calls (no liburing), single issuer. Each
 * write still goes through the TAP's write path in the kernel, one frame at a time. */
static int do_uring(const char *name, size_t size, double seconds) {
  int fd = attach(name);
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  int ring = (int)syscall(__NR_io_uring_setup, URING_BATCH, &p);
  if (ring < 0) {
    printf("unavailable=1 errno=%d\n", errno);
    return 0;
  }
  if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_FILES, &fd, 1) < 0) die("IORING_REGISTER_FILES");
  size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
  size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
  int one_map = (p.features & IORING_FEAT_SINGLE_MMAP) != 0;
  if (one_map && cq_len > sq_len) sq_len = cq_len;
  char *sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQ_RING);
  if (sq == MAP_FAILED) die("mmap SQ ring");
  char *cq = one_map ? sq : mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_CQ_RING);
  if (cq == MAP_FAILED) die("mmap CQ ring");
  struct io_uring_sqe *sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                                   MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
  if (sqes == MAP_FAILED) die("mmap SQEs");
  unsigned *sq_tail = (unsigned *)(sq + p.sq_off.tail), *sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
  unsigned *sq_array = (unsigned *)(sq + p.sq_off.array);
  unsigned *cq_head = (unsigned *)(cq + p.cq_off.head), *cq_tail = (unsigned *)(cq + p.cq_off.tail);
  unsigned *cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
  struct io_uring_cqe *cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
  unsigned char *f = malloc(size);
  fill_frame(f, size);
  for (unsigned i = 0; i < p.sq_entries; i++) sq_array[i] = i;
  uint64_t submitted = 0, errors = 0;
  unsigned tail = *sq_tail;
  double start = now(), end = start;
  do {
    for (unsigned i = 0; i < URING_BATCH; i++) {
      struct io_uring_sqe *e = &sqes[(tail + i) & *sq_mask];
      memset(e, 0, sizeof *e);
      e->opcode = IORING_OP_WRITE;
      e->flags = IOSQE_FIXED_FILE | IOSQE_CQE_SKIP_SUCCESS;
      e->fd = 0; /* index into the registered descriptors */
      e->addr = (uint64_t)(uintptr_t)f;
      e->len = (unsigned)size;
      e->off = (uint64_t)-1; /* no file position: a TAP is a stream */
    }
    tail += URING_BATCH;
    __atomic_store_n(sq_tail, tail, __ATOMIC_RELEASE);
    if (syscall(__NR_io_uring_enter, ring, URING_BATCH, 0, 0, NULL, 0) < 0 && errno != EINTR) die("io_uring_enter");
    submitted += URING_BATCH;
    unsigned head = *cq_head, ctail = __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE);
    for (; head != ctail; head++)
      if (cqes[head & *cq_mask].res < 0) errors++;
    __atomic_store_n(cq_head, head, __ATOMIC_RELEASE);
  } while ((submitted & 1023) != 0 || (end = now()) - start < seconds);
  /* Give the descriptor back now, so the next program can attach to the TAP at once. */
  syscall(__NR_io_uring_register, ring, IORING_UNREGISTER_FILES, NULL, 0);
  close(ring);
  close(fd);
  printf("frames=%llu errors=%llu seconds=%.6f\n", (unsigned long long)(submitted - errors),
         (unsigned long long)errors, end - start);
  return 0;
}

#define BLAST_BATCH 64

static int do_blast(const char *name, size_t size, double seconds) {
  int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (s < 0) die("socket(AF_PACKET)");
  int one = 1;
  setsockopt(s, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one); /* best effort */
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = 0; /* send only */
  sll.sll_ifindex = (int)if_nametoindex(name);
  if (sll.sll_ifindex == 0) die("if_nametoindex");
  if (bind(s, (struct sockaddr *)&sll, sizeof sll) < 0) die("bind");
  unsigned char *f = malloc(size);
  fill_frame(f, size);
  struct iovec iov[BLAST_BATCH];
  struct mmsghdr msgs[BLAST_BATCH];
  memset(msgs, 0, sizeof msgs);
  for (int i = 0; i < BLAST_BATCH; i++) {
    iov[i].iov_base = f;
    iov[i].iov_len = size;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  uint64_t sent = 0, failed = 0;
  double start = now(), end = start;
  while ((end = now()) - start < seconds) {
    int n = sendmmsg(s, msgs, BLAST_BATCH, 0);
    if (n > 0) {
      sent += (uint64_t)n;
    } else {
      /* ENOBUFS: the TAP's queue is full (the reader is the bottleneck, as intended), or no carrier
       * yet. Spinning on a full queue slows the reader down; a short sleep keeps it nearly full. */
      failed++;
      usleep(10);
    }
  }
  printf("frames=%llu failed_calls=%llu seconds=%.6f\n", (unsigned long long)sent, (unsigned long long)failed,
         end - start);
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc == 4 && strcmp(argv[1], "read") == 0) return do_read(argv[2], atof(argv[3]));
  if (argc == 5 && strcmp(argv[1], "write") == 0) return do_write(argv[2], (size_t)atoi(argv[3]), atof(argv[4]));
  if (argc == 5 && strcmp(argv[1], "uring") == 0) return do_uring(argv[2], (size_t)atoi(argv[3]), atof(argv[4]));
  if (argc == 5 && strcmp(argv[1], "blast") == 0) return do_blast(argv[2], (size_t)atoi(argv[3]), atof(argv[4]));
  fprintf(stderr, "usage: tap-rw read <if> <seconds> | write|uring|blast <if> <size> <seconds>\n");
  return 2;
}
