/*
 * Baseline for bench/stats.bench.ts, bench/kinds.bench.ts and bench/process.bench.ts: reads
 * every file named in a list (one path per line) with open/read/close, `rounds` times, the way a
 * simple collector written in C would, and prints the CPU time it used (user + system, ns) and
 * the wall time. A line "D\t<dir>" lists a directory (opendir/readdir/closedir) and "L\t<path>"
 * reads a link (readlink), for the kinds that do those (descriptors, sockets, sub-cgroups). No
 * parsing: the bytes are only summed so the reads cannot be optimised away.
 *
 * With a third argument it is a daemon: one round every `interval_ms` (a round starts on the
 * interval's boundary, as a collector's tick), so its CPU per round is that of a process that
 * reads with cold caches once a second, next to cadv doing the same.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long long ns_of(struct timeval tv) { return (long long)tv.tv_sec * 1000000000LL + (long long)tv.tv_usec * 1000LL; }

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: %s <path-list> <rounds> [interval_ms]\n", argv[0]);
    return 2;
  }
  FILE *list = fopen(argv[1], "r");
  if (!list) {
    perror(argv[1]);
    return 1;
  }
  size_t cap = 1024, n = 0;
  char **paths = malloc(cap * sizeof(char *));
  char line[4096];
  while (fgets(line, sizeof line, list)) {
    line[strcspn(line, "\n")] = 0;
    if (!*line) continue;
    if (n == cap) paths = realloc(paths, (cap *= 2) * sizeof(char *));
    paths[n++] = strdup(line);
  }
  fclose(list);
  int rounds = atoi(argv[2]);
  long interval_ms = argc == 4 ? atol(argv[3]) : 0;
  static char buf[65536];
  unsigned long long checksum = 0;
  long failures = 0;
  struct timespec w0, w1;
  struct rusage r0, r1;
  clock_gettime(CLOCK_MONOTONIC, &w0);
  getrusage(RUSAGE_SELF, &r0);
  for (int r = 0; r < rounds; r++) {
    if (interval_ms > 0 && r > 0) {
      struct timespec next = w0;
      long long at = (long long)next.tv_nsec + (long long)r * interval_ms * 1000000LL;
      next.tv_sec += (time_t)(at / 1000000000LL);
      next.tv_nsec = (long)(at % 1000000000LL);
      while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) != 0) {
      }
    }
    for (size_t i = 0; i < n; i++) {
      if (paths[i][0] == 'D' && paths[i][1] == '\t') {
        DIR *d = opendir(paths[i] + 2);
        if (!d) {
          failures++;
          continue;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) checksum += (unsigned char)e->d_name[0];
        closedir(d);
        continue;
      }
      if (paths[i][0] == 'L' && paths[i][1] == '\t') {
        ssize_t got = readlink(paths[i] + 2, buf, sizeof buf);
        if (got > 0) checksum += (unsigned char)buf[got - 1];
        else failures++;
        continue;
      }
      int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        failures++;
        continue;
      }
      ssize_t got = read(fd, buf, sizeof buf);
      if (got > 0) checksum += (unsigned char)buf[got - 1];
      close(fd);
    }
  }
  getrusage(RUSAGE_SELF, &r1);
  clock_gettime(CLOCK_MONOTONIC, &w1);
  long long cpu = ns_of(r1.ru_utime) - ns_of(r0.ru_utime) + ns_of(r1.ru_stime) - ns_of(r0.ru_stime);
  long long wall = (w1.tv_sec - w0.tv_sec) * 1000000000LL + (w1.tv_nsec - w0.tv_nsec);
  printf("{\"files\":%zu,\"rounds\":%d,\"cpuNs\":%lld,\"wallNs\":%lld,\"failures\":%ld,\"checksum\":%llu}\n", n, rounds, cpu, wall, failures, checksum);
  return 0;
}
