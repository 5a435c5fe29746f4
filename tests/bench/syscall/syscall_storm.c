/* Load generator for the vigil-level benchmark (vigil_load.sh): an open+close storm at a fixed
 * rate of syscalls per second (0 = as fast as one core can), for a number of seconds, pinned
 * to one CPU. Prints the rate it achieved, so a caller can tell "vigil kept up" from "the
 * generator could not reach the target".
 *   usage: syscall_storm RATE SECONDS [FILE [CPU]]   (RATE counts both syscalls of a pair) */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof set, &set);
}

static unsigned long long pairs(const char *path, unsigned long long n)
{
	unsigned long long done = 0;
	for (; done < n; done++) {
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			break;
		close(fd);
	}
	return done;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s RATE SECONDS [FILE [CPU]]\n", argv[0]);
		return 2;
	}
	double rate = atof(argv[1]), secs = atof(argv[2]);
	const char *path = argc > 3 ? argv[3] : "/etc/hostname";
	pin(argc > 4 ? atoi(argv[4]) : 0);
	/* Paced in 1 ms slices: each slice issues what the target says is due by its end. */
	double t0 = now_s(), t = t0;
	unsigned long long issued = 0;
	while ((t = now_s()) - t0 < secs) {
		unsigned long long due = rate > 0 ? (unsigned long long)((t - t0 + 0.001) * rate / 2)
		                                  : issued + 1000;
		if (due > issued) {
			unsigned long long got = pairs(path, due - issued);
			if (got < due - issued) {
				perror(path);
				return 1;
			}
			issued = due;
		} else {
			usleep(200);
		}
	}
	double el = now_s() - t0;
	printf("target=%.0f achieved=%.0f syscalls/s over %.2f s\n", rate, 2.0 * issued / el, el);
	return 0;
}
