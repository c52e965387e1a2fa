/*
 * The OCSP load generator, the same for mcms and its peer (bench/ocsp.ts compiles it with `cc -O2`):
 * POSTs pre-built DER requests (application/ocsp-request) over CONCURRENCY keep-alive connections, one
 * request in flight on each (no pipelining), and counts answers that are HTTP 200 carrying a successful
 * OCSPResponse. A server that closes after an answer (or sends `Connection: close`) gets a new
 * connection. Connections open one after another (each once the one before has its first answer). One thread, epoll, non-blocking sockets: the generator should cost the machine little
 * next to the servers it measures (its CPU time per answer is part of its output).
 *
 *   ocsp-load URL REQUESTS CONCURRENCY SECONDS|each   -> one JSON line on stdout
 *
 * URL is http://IPv4:PORT/path. REQUESTS holds the DER requests, each prefixed by its length in two
 * octets (big-endian). SECONDS: send round-robin until then. `each`: every connection sends every
 * request once, starting at its own offset, then stops (each worker of a server that keeps a cache per
 * worker then has every answer cached, whichever connections it holds).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  char *octets;
  size_t length;
} wire_t;

typedef struct {
  int fd;
  int connected;
  int answered; /* has had an answer (then the next connection of the ramp-up opens) */
  int in_flight;
  long sent;
  long offset;
  char *buf;
  size_t len;
  size_t cap;
} conn_t;

static wire_t *wires;
static long wire_count;
static struct sockaddr_in target;
static int each_mode;
static double deadline;
static long next_request;
static long ok_count, failed_count;
static char first_error[160];
static int epoll_fd;
static conn_t *conns;
static int concurrency;
static int opened; /* connections started so far (ramp-up) */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fail(const char *why) {
  if (first_error[0] == '\0') snprintf(first_error, sizeof first_error, "%s", why);
  failed_count += 1;
}

static int finished(conn_t *c) {
  return each_mode ? c->sent >= wire_count : now_s() >= deadline;
}

static void open_conn(conn_t *c);

static void close_conn(conn_t *c, int reopen) {
  if (c->fd >= 0) {
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
  }
  c->fd = -1;
  c->connected = 0;
  c->len = 0;
  if (c->in_flight) fail("connection closed before the answer");
  c->in_flight = 0;
  if (reopen && !finished(c)) open_conn(c);
}

static void send_next(conn_t *c) {
  if (finished(c)) {
    close_conn(c, 0);
    return;
  }
  long index = each_mode ? (c->offset + c->sent) % wire_count : next_request++ % wire_count;
  wire_t *w = &wires[index];
  ssize_t n = write(c->fd, w->octets, w->length);
  if (n != (ssize_t)w->length) {
    fail(n < 0 ? strerror(errno) : "short write");
    close_conn(c, 1);
    return;
  }
  c->sent += 1;
  c->in_flight = 1;
}

static void open_conn(conn_t *c) {
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) {
    fail(strerror(errno));
    return;
  }
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(c->fd, (struct sockaddr *)&target, sizeof target) < 0 && errno != EINPROGRESS) {
    fail(strerror(errno));
    close(c->fd);
    c->fd = -1;
    return;
  }
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c->fd, &ev);
}

/* OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED successful(0), ... } */
static int successful(const unsigned char *body, size_t length) {
  if (length < 8 || body[0] != 0x30) return 0;
  size_t at = body[1] < 0x80 ? 2 : 2 + (body[1] & 0x7f);
  return at + 2 < length && body[at] == 0x0a && body[at + 1] == 1 && body[at + 2] == 0;
}

/* A field's value in the head (name with its leading CRLF and colon, case-insensitive), or NULL. */
static const char *field(const char *head, size_t head_length, const char *name) {
  size_t name_length = strlen(name);
  for (const char *p = head; p + name_length < head + head_length; p++) {
    if (p[0] == '\n' && strncasecmp(p + 1, name, name_length) == 0) {
      p += 1 + name_length;
      while (*p == ' ' || *p == '\t') p++;
      return p;
    }
  }
  return NULL;
}

/* Reads what arrived; answers complete responses. */
static void readable(conn_t *c) {
  for (;;) {
    if (c->cap - c->len < 16384) {
      c->cap = c->cap ? c->cap * 2 : 65536;
      c->buf = realloc(c->buf, c->cap);
    }
    size_t room = c->cap - c->len;
    ssize_t n = read(c->fd, c->buf + c->len, room);
    if (n == 0) {
      close_conn(c, 1);
      return;
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      fail(strerror(errno));
      close_conn(c, 1);
      return;
    }
    c->len += (size_t)n;
    if ((size_t)n < room) break; /* drained: no read that would only say EAGAIN */
  }
  while (c->len > 0) {
    char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
    if (!end) return;
    size_t head_length = (size_t)(end - c->buf);
    if (head_length < 12 || strncmp(c->buf, "HTTP/1.", 7) != 0) {
      fail("not an HTTP/1.x response");
      close_conn(c, 1);
      return;
    }
    int status = atoi(c->buf + 9);
    const char *length_field = field(c->buf, head_length, "content-length:");
    if (!length_field || field(c->buf, head_length, "transfer-encoding:")) {
      fail("response without Content-Length");
      close_conn(c, 1);
      return;
    }
    size_t body_length = strtoul(length_field, NULL, 10);
    size_t total = head_length + 4 + body_length;
    if (c->len < total) return;
    const char *connection = field(c->buf, head_length, "connection:");
    int close_after = (connection && strncasecmp(connection, "close", 5) == 0) || c->buf[7] == '0';
    const unsigned char *body = (const unsigned char *)c->buf + head_length + 4;
    if (status != 200) {
      char why[32];
      snprintf(why, sizeof why, "HTTP %d", status);
      fail(why);
    } else if (successful(body, body_length)) {
      ok_count += 1;
    } else {
      fail("not a successful OCSPResponse");
    }
    c->in_flight = 0;
    if (!c->answered) {
      c->answered = 1;
      /* Ramp-up: the next connection opens once this one has an answer, so that connections arrive one
       * by one (as clients do) and a server's load balancing sees them apart, not as one burst. */
      if (opened < concurrency) open_conn(&conns[opened++]);
    }
    memmove(c->buf, c->buf + total, c->len - total);
    c->len -= total;
    if (close_after) {
      close_conn(c, 1);
      return;
    }
    send_next(c);
  }
}

static int load_requests(const char *file, const char *path, const char *host) {
  FILE *f = fopen(file, "rb");
  if (!f) return -1;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *packed = malloc((size_t)size);
  if (fread(packed, 1, (size_t)size, f) != (size_t)size) return -1;
  fclose(f);
  wires = calloc((size_t)size / 3 + 1, sizeof *wires);
  for (long p = 0; p + 2 <= size;) {
    size_t length = ((size_t)packed[p] << 8) | packed[p + 1];
    char head[512];
    int head_length = snprintf(head, sizeof head,
      "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/ocsp-request\r\nContent-Length: %zu\r\n\r\n", path, host, length);
    wire_t *w = &wires[wire_count++];
    w->length = (size_t)head_length + length;
    w->octets = malloc(w->length);
    memcpy(w->octets, head, (size_t)head_length);
    memcpy(w->octets + head_length, packed + p + 2, length);
    p += 2 + (long)length;
  }
  free(packed);
  return wire_count > 0 ? 0 : -1;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: ocsp-load http://IPv4:PORT/path REQUESTS CONCURRENCY SECONDS|each\n");
    return 64;
  }
  char host[64];
  int port;
  char path[256] = "/";
  if (sscanf(argv[1], "http://%63[0-9.]:%d%255s", host, &port, path) < 2) {
    fprintf(stderr, "ocsp-load: the URL must be http://IPv4:PORT/path\n");
    return 64;
  }
  target.sin_family = AF_INET;
  target.sin_port = htons((unsigned short)port);
  inet_pton(AF_INET, host, &target.sin_addr);
  char host_field[80];
  snprintf(host_field, sizeof host_field, "%s:%d", host, port);
  if (load_requests(argv[2], path, host_field) < 0) {
    fprintf(stderr, "ocsp-load: cannot read requests from %s\n", argv[2]);
    return 66;
  }
  concurrency = atoi(argv[3]);
  each_mode = strcmp(argv[4], "each") == 0;
  double started = now_s();
  deadline = each_mode ? 1e300 : started + atof(argv[4]);
  epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  conns = calloc((size_t)concurrency, sizeof *conns);
  for (int i = 0; i < concurrency; i++) {
    conns[i].fd = -1;
    conns[i].offset = (long)i * wire_count / concurrency;
  }
  open_conn(&conns[opened++]);
  struct epoll_event events[256];
  for (;;) {
    int open_count = 0;
    for (int i = 0; i < concurrency; i++) open_count += conns[i].fd >= 0;
    if (open_count == 0 && (opened == concurrency || finished(&conns[opened - 1]))) break;
    if (open_count == 0) open_conn(&conns[opened++]); /* the ramp-up stalled on a failed connection */
    int n = epoll_wait(epoll_fd, events, 256, 100);
    for (int i = 0; i < n; i++) {
      conn_t *c = events[i].data.ptr;
      if (c->fd < 0) continue;
      if (!c->connected && (events[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
        int error = 0;
        socklen_t size = sizeof error;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &size);
        if (error) {
          fail(strerror(error));
          close_conn(c, 0);
          if (!finished(c)) open_conn(c);
          continue;
        }
        c->connected = 1;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &ev);
        send_next(c);
        continue;
      }
      if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) readable(c);
    }
    if (!each_mode && now_s() >= deadline) {
      for (int i = 0; i < concurrency; i++) {
        conns[i].in_flight = 0;
        close_conn(&conns[i], 0);
      }
    }
  }
  double seconds = now_s() - started;
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  double cpu_us = (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 + (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  long answers = ok_count + failed_count;
  printf("{\"ok\":%ld,\"failed\":%ld,\"firstError\":", ok_count, failed_count);
  if (first_error[0]) printf("\"%s\"", first_error);
  else printf("null");
  printf(",\"seconds\":%.3f,\"perSecond\":%.1f,\"cpuUsPerRequest\":%.1f}\n", seconds, (double)ok_count / seconds, cpu_us / (double)(answers > 0 ? answers : 1));
  return 0;
}
