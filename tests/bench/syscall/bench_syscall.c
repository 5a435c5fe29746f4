/* Overhead of the eBPF driver on a tight getppid loop (pinned to CPU 0) while a consumer
 * drains the rings on CPU 1 with the plugin's backoff:
 *   untraced      nothing attached
 *   not selected  sys_exit dispatcher attached, getppid not in the table (early exit), with
 *                 close selected (no entry capture), then with openat selected (its entry
 *                 capture attached by the driver's cheapest available hook)
 *   selected      getppid produces a generic event, consumed concurrently
 * then the consumer alone: draining a pre-filled ring.
 * Configurations are interleaved per repetition; medians are printed. Needs root. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sp_driver.h"
#include "sp_rings.h"
#include "sp_select.h"

#define CALLS 200000
#define REPS 9

static atomic_bool stop;
static atomic_ullong consumed;
static sp_rings *rings;

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof set, &set);
}

static void *consumer(void *arg)
{
	(void)arg;
	pin(1);
	const uint8_t *evs[512];
	unsigned backoff = 500;
	while (!atomic_load(&stop)) {
		uint32_t n = sp_rings_next_batch(rings, evs, 512);
		if (n) {
			atomic_fetch_add(&consumed, n);
			backoff = 500;
		} else {
			struct timespec ts = {0, (long)backoff * 1000};
			nanosleep(&ts, NULL);
			backoff = backoff * 2 > 30000 ? 30000 : backoff * 2;
		}
	}
	return NULL;
}

static void select_only(sp_driver *d, const char *name);

/* ns per getppid measured in a child (the driver never traces its loader's process). */
static double measure(void)
{
	int fds[2];
	if (pipe(fds) != 0)
		exit(1);
	pid_t pid = fork();
	if (pid == 0) {
		pin(0);
		for (int i = 0; i < 1000; i++)
			syscall(SYS_getppid);
		double t0 = now_ns();
		for (int i = 0; i < CALLS; i++)
			syscall(SYS_getppid);
		double per = (now_ns() - t0) / CALLS;
		if (write(fds[1], &per, sizeof per) != sizeof per)
			_exit(1);
		_exit(0);
	}
	double per = 0;
	if (read(fds[0], &per, sizeof per) != sizeof per)
		per = -1;
	waitpid(pid, NULL, 0);
	close(fds[0]);
	close(fds[1]);
	return per;
}

/* Consumer alone: a child fills the rings with `calls` generic events while nobody reads,
 * then one thread drains them in batches. Returns ns per event. */
static double drain_only(sp_driver *d, int calls, unsigned long long *got)
{
	select_only(d, "getppid");
	pid_t pid = fork();
	if (pid == 0) {
		pin(0);
		for (int i = 0; i < calls; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	select_only(d, NULL);
	const uint8_t *evs[512];
	*got = 0;
	double t0 = now_ns();
	uint32_t n;
	while ((n = sp_rings_next_batch(rings, evs, 512)) > 0)
		*got += n;
	double dt = now_ns() - t0;
	return *got ? dt / (double)*got : 0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void select_only(sp_driver *d, const char *name)
{
	sp_selection s;
	memset(&s, 0, sizeof s);
	if (name)
		s.on[sp_select_find(name)] = true;
	vsdk_error err;
	if (!sp_driver_select(d, &s, &err)) {
		fprintf(stderr, "select: %s\n", err.msg);
		exit(1);
	}
}

int main(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "bench_syscall: needs root\n");
		return 0;
	}
	sp_driver_opts o = {.buffer_bytes = 8u << 20, .cpus_per_ring = 1, .snaplen = 80};
	vsdk_error err;
	sp_driver *d = sp_driver_open(&o, &err);
	if (!d) {
		fprintf(stderr, "driver: %s\n", err.msg);
		return 1;
	}
	int fds[64];
	for (uint32_t i = 0; i < sp_driver_nrings(d); i++)
		fds[i] = sp_driver_ring_fd(d, i);
	rings = sp_rings_open(fds, sp_driver_nrings(d), sp_driver_ring_bytes(d), &err);
	pthread_t th;
	pthread_create(&th, NULL, consumer, NULL);

	double un[REPS], plain[REPS], nosel[REPS], sel[REPS];
	unsigned long long events = 0;
	double sel_time = 0;
	for (int r = 0; r < REPS; r++) {
		select_only(d, NULL);
		un[r] = measure();
		select_only(d, "close");
		plain[r] = measure();
		select_only(d, "openat");
		nosel[r] = measure();
		select_only(d, "getppid");
		unsigned long long c0 = atomic_load(&consumed);
		double t0 = now_ns();
		sel[r] = measure();
		usleep(50000); /* let the consumer finish the rings */
		sel_time += now_ns() - t0;
		events += atomic_load(&consumed) - c0;
	}
	select_only(d, NULL);
	atomic_store(&stop, true);
	pthread_join(th, NULL);
	unsigned long long drained;
	double per_ev = drain_only(d, 150000, &drained);
	sp_driver_stats st;
	sp_driver_stats_read(d, &st);
	qsort(un, REPS, sizeof *un, cmp);
	qsort(plain, REPS, sizeof *plain, cmp);
	qsort(nosel, REPS, sizeof *nosel, cmp);
	qsort(sel, REPS, sizeof *sel, cmp);
	double base = un[REPS / 2];
	printf("getppid untraced:      %7.1f ns/call\n", base);
	printf("getppid not selected:  %7.1f ns/call  x%.2f  (+%.1f ns)  close selected\n",
	       plain[REPS / 2], plain[REPS / 2] / base, plain[REPS / 2] - base);
	printf("getppid not selected:  %7.1f ns/call  x%.2f  (+%.1f ns)  openat selected, entry "
	       "capture by %s\n", nosel[REPS / 2], nosel[REPS / 2] / base, nosel[REPS / 2] - base,
	       sp_driver_enter_hook(d));
	printf("getppid selected:      %7.1f ns/call  x%.2f  (+%.1f ns)  %.0f events/s produced\n",
	       sel[REPS / 2], sel[REPS / 2] / base, sel[REPS / 2] - base, 1e9 / sel[REPS / 2]);
	printf("consumer: %llu events in %d runs (%.0f events/s over the selected runs), %llu drops\n",
	       events, REPS, events / (sel_time / 1e9), (unsigned long long)st.n_drops_buffer);
	printf("%.0f events/s, %.1f ns/event (selected getppid, produced and consumed)\n",
	       1e9 / sel[REPS / 2], sel[REPS / 2]);
	printf("drain of a pre-filled ring: %llu events, %.1f ns/event, %.1f M events/s\n", drained,
	       per_ev, per_ev > 0 ? 1e3 / per_ev : 0);
	sp_rings_close(rings);
	sp_driver_close(d);
	return 0;
}
