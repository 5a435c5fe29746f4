/* Container ids from real-world cgroup path shapes. */
#include <criterion/criterion.h>
#include <string.h>

#include "sst_cgroup.h"

#define ID64 "3f1b6c0a9d2e4f5061728394a5b6c7d8e9f00112233445566778899aabbccdde"

static const char *cid(const char *entry)
{
	static char out[SST_CGROUP_ID_LEN + 1];
	if (!sst_cgroup_container_id(entry, strlen(entry), out))
		return NULL;
	return out;
}

Test(sysstate_cgroup, docker_cgroupfs)
{
	cr_assert_str_eq(cid("cpu=/docker/" ID64), "3f1b6c0a9d2e");
	cr_assert_str_eq(cid("12:memory:/docker/" ID64), "3f1b6c0a9d2e");
}

Test(sysstate_cgroup, docker_systemd_scope)
{
	cr_assert_str_eq(cid("0::/system.slice/docker-" ID64 ".scope"), "3f1b6c0a9d2e");
}

Test(sysstate_cgroup, kubepods_cgroupfs_and_systemd)
{
	cr_assert_str_eq(cid("cpuset=/kubepods/besteffort/pod0f1e2d3c-aaaa-bbbb-cccc-1234567890ab/" ID64),
			 "3f1b6c0a9d2e");
	cr_assert_str_eq(cid("0::/kubepods.slice/kubepods-burstable.slice/"
			     "kubepods-burstable-pod0f1e2d3c_aaaa_bbbb_cccc_1234567890ab.slice/"
			     "cri-containerd-" ID64 ".scope"),
			 "3f1b6c0a9d2e");
	cr_assert_str_eq(cid("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podx.slice/"
			     "crio-" ID64 ".scope"),
			 "3f1b6c0a9d2e");
	cr_assert_str_eq(cid("0::/kubepods.slice/kubepods-pod1.slice/docker-" ID64 ".scope"), "3f1b6c0a9d2e");
}

Test(sysstate_cgroup, containerd_systemd_colon_form)
{
	cr_assert_str_eq(cid("0::/system.slice/containerd.service/"
			     "kubepods-besteffort-pod1234.slice:cri-containerd:" ID64),
			 "3f1b6c0a9d2e");
}

Test(sysstate_cgroup, podman_forms)
{
	cr_assert_str_eq(cid("0::/machine.slice/libpod-" ID64 ".scope"), "3f1b6c0a9d2e");
	cr_assert_str_eq(cid("0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID64
			     ".scope/container"),
			 "3f1b6c0a9d2e");
	cr_assert_str_eq(cid("1:name=systemd:/libpod_parent/libpod-" ID64), "3f1b6c0a9d2e");
}

Test(sysstate_cgroup, ecs_task)
{
	cr_assert_str_eq(cid("0::/ecs/5a0d5f6e8c1b4e0f9f0b2c3d4e5f6a7b/" ID64), "3f1b6c0a9d2e");
}

Test(sysstate_cgroup, host_paths_are_not_containers)
{
	cr_assert_null(cid("0::/init.scope"));
	cr_assert_null(cid("0::/user.slice/user-1000.slice/session-3.scope"));
	cr_assert_null(cid("0::/system.slice/docker.service"));
	cr_assert_null(cid("0::/system.slice/containerd.service"));
	cr_assert_null(cid("0::/"));
	cr_assert_null(cid(""));
	/* conmon runs on the host next to the container */
	cr_assert_null(cid("0::/machine.slice/libpod-conmon-" ID64 ".scope"));
	cr_assert_null(cid("0::/system.slice/crio-conmon-" ID64 ".scope"));
	/* 63 hex digits, or non-hex, are not ids */
	cr_assert_null(cid("0::/docker/3f1b6c0a9d2e4f5061728394a5b6c7d8e9f00112233445566778899aabbccd"));
	cr_assert_null(cid("0::/docker/zf1b6c0a9d2e4f5061728394a5b6c7d8e9f00112233445566778899aabbccdd"));
	/* an id glued to other text is not an id */
	cr_assert_null(cid("0::/foo" ID64));
}

Test(sysstate_cgroup, gvisor_pseudo_cgroup)
{
	cr_assert_str_eq(cid("gvisor=/" ID64), "3f1b6c0a9d2e");
	cr_assert_str_eq(cid("gvisor=/short"), "short");
	cr_assert_null(cid("gvisor=/"));
}

Test(sysstate_cgroup, list_scan_defaults_to_host)
{
	char out[SST_CGROUP_ID_LEN + 1];
	const char list[] = "cpuset=/\0cpu=/user.slice\0memory=/docker/" ID64 "\0";
	sst_cgroup_from_list(list, sizeof list, out);
	cr_assert_str_eq(out, "3f1b6c0a9d2e");
	const char host[] = "cpuset=/\0cpu=/user.slice\0";
	sst_cgroup_from_list(host, sizeof host, out);
	cr_assert_str_eq(out, "host");
	/* no terminating NUL: still bounded */
	const char raw[] = {'c', 'p', 'u', '=', '/'};
	sst_cgroup_from_list(raw, sizeof raw, out);
	cr_assert_str_eq(out, "host");
}
