/* base_syscalls selection (plugins/syscall/sp_select). */
#include <criterion/criterion.h>

#include "sp_select.h"

static bool on(const sp_selection *s, const char *name)
{
	int k = sp_select_find(name);
	cr_assert_geq(k, 0, "%s is supported", name);
	return s->on[k];
}

Test(syscall_select, no_rules_means_everything_but_benchmark_only)
{
	sp_select_opts o = {0};
	sp_selection s;
	sp_select_compute(&o, &s, NULL);
	cr_assert(on(&s, "execve") && on(&s, "ptrace") && on(&s, "procexit"));
	cr_assert_not(on(&s, "getppid"));
}

Test(syscall_select, default_base_adds_state_set)
{
	const char *rules[] = {"ptrace", "evt_of_other_source"};
	sp_select_opts o = {.rules = rules, .nrules = 2};
	sp_selection s;
	size_t unknown;
	sp_select_compute(&o, &s, &unknown);
	cr_assert_eq(unknown, 1);
	cr_assert(on(&s, "ptrace") && on(&s, "clone") && on(&s, "openat") && on(&s, "close"));
	cr_assert_not(on(&s, "mkdir"));
}

Test(syscall_select, repair_is_minimal)
{
	const char *rules[] = {"ptrace"};
	sp_select_opts o = {.rules = rules, .nrules = 1, .repair = true};
	sp_selection s;
	sp_select_compute(&o, &s, NULL);
	cr_assert(on(&s, "ptrace") && on(&s, "execve") && on(&s, "procexit"));
	cr_assert_not(on(&s, "openat"), "no fd syscalls without fd rules");
	const char *fdrules[] = {"connect"};
	o.rules = fdrules;
	sp_select_compute(&o, &s, NULL);
	cr_assert(on(&s, "openat") && on(&s, "close") && on(&s, "socket"));
}

Test(syscall_select, custom_set_replaces_base_and_removes)
{
	const char *rules[] = {"openat", "execve"};
	const char *custom[] = {"close", "!execve"};
	sp_select_opts o = {.rules = rules, .nrules = 2, .custom_set = custom, .ncustom = 2};
	sp_selection s;
	sp_select_compute(&o, &s, NULL);
	cr_assert(on(&s, "openat") && on(&s, "close"));
	cr_assert_not(on(&s, "execve"), "!name removes");
	cr_assert_not(on(&s, "clone"), "custom_set replaces the default base");
	cr_assert_eq(sp_select_count(&s), 2);
}

Test(syscall_select, all_enables_everything)
{
	const char *rules[] = {"openat"};
	sp_select_opts o = {.rules = rules, .nrules = 1, .all = true};
	sp_selection s;
	sp_select_compute(&o, &s, NULL);
	cr_assert(on(&s, "mprotect") && on(&s, "bpf"));
}
