"""Every fact of the rich host, read back by the unmodified volatility3 CLI (2.28.2)."""

from __future__ import annotations

import itertools
import socket
from datetime import datetime

from fixture_spec import BOOT, HISTORY, SHELLCODE, at
from memory_writer_support import WrittenImage, run_vol

MASK48 = (1 << 48) - 1


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def test_pslist_shows_every_visible_task_with_ids_names_credentials_and_start_times(
    raw_image: WrittenImage, vol_output: dict[str, list[dict]]
) -> None:
    rows = {row["PID"]: row for row in vol_output["linux.pslist.PsList"]}
    visible = [process for process in raw_image.spec.processes if not process.hidden]
    assert sorted(rows) == sorted(process.pid for process in visible)
    for process in visible:
        row = rows[process.pid]
        facts = raw_image.result.processes[process.pid]
        assert (row["TID"], row["PPID"], row["COMM"]) == (process.pid, process.ppid, process.comm[:15])
        assert (row["UID"], row["GID"], row["EUID"], row["EGID"]) == (
            process.uid,
            process.gid,
            process.uid,
            process.gid,
        )
        assert row["CREATION TIME"] == _iso(process.start)
        assert row["OFFSET (V)"] == facts.task_address & MASK48
    assert rows[2388]["COMM"] == ".x" and rows[1022]["UID"] == 33


def test_the_hidden_process_is_only_found_by_psscan(
    raw_image: WrittenImage, vol_output: dict[str, list[dict]]
) -> None:
    scanned = {row["PID"]: row for row in vol_output["linux.psscan.PsScan"]}
    assert sorted(scanned) == sorted(process.pid for process in raw_image.spec.processes)
    assert 2402 not in {row["PID"] for row in vol_output["linux.pslist.PsList"]}
    hidden = scanned[2402]
    assert (hidden["COMM"], hidden["PPID"], hidden["EXIT_STATE"]) == ("python3", 1, "TASK_RUNNING")
    for pid, row in scanned.items():
        assert row["OFFSET (P)"] == raw_image.result.processes[pid].task_physical


def test_pstree_nests_children_under_their_parents(vol_output: dict[str, list[dict]]) -> None:
    by_pid = {row["PID"]: row for row in vol_output["linux.pstree.PsTree"]}
    chain = [655, 2290, 2305, 2388]
    for parent, child in itertools.pairwise(chain):
        assert child in {row["PID"] for row in by_pid[parent]["__children"]}
    assert {row["PID"] for row in by_pid[2]["__children"]} == {3, 4, 6, 12, 14, 157}


def test_psaux_shows_argv_and_brackets_kernel_threads(
    raw_image: WrittenImage, vol_output: dict[str, list[dict]]
) -> None:
    rows = {row["PID"]: row["ARGS"] for row in vol_output["linux.psaux.PsAux"]}
    for process in raw_image.spec.processes:
        if process.hidden:
            continue
        expected = f"[{process.comm[:15]}]" if process.kernel_thread else " ".join(process.argv)
        assert rows[process.pid] == expected
    assert rows[1021] == "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;"


def test_bash_history_with_its_times(vol_output: dict[str, list[dict]]) -> None:
    rows = vol_output["linux.bash.Bash"]
    assert [(row["PID"], row["Process"]) for row in rows] == [(2305, "bash")] * len(HISTORY)
    assert [row["Command"] for row in rows] == [line for _, line in HISTORY]
    assert [row["CommandTime"] for row in rows] == [_iso(when.replace(microsecond=0)) for when, _ in HISTORY]


def test_lsof_lists_descriptors_with_paths_devices_and_deleted_files(
    raw_image: WrittenImage, vol_output: dict[str, list[dict]]
) -> None:
    rows = {(row["PID"], row["FD"]): row for row in vol_output["linux.lsof.Lsof"]}
    expected = {}
    for process in raw_image.spec.processes:
        if process.hidden:
            continue
        for opened in process.files:
            expected[(process.pid, opened.fd)] = opened.path or f"socket:[{opened.socket}]"
    expected[(2388, 5)] = " /tmp/.x (deleted)"  # volatility's own spelling of an unlinked file
    assert {key: row["Path"] for key, row in rows.items()} == expected
    deleted = rows[(2388, 5)]
    assert (deleted["Inode"], deleted["Type"], deleted["Size"], deleted["Device"]) == (
        262951,
        "REG",
        18320,
        "253:0",
    )
    assert deleted["Modified"] == _iso(at(4.07))
    assert (rows[(2305, 0)]["Type"], rows[(2305, 0)]["Device"]) == ("CHR", "0:23")
    assert rows[(1021, 5)]["Modified"] == "2024-03-11T12:54:13.250000+00:00"
    assert (rows[(655, 3)]["Type"], rows[(655, 3)]["Mode"], rows[(655, 3)]["Device"]) == (
        "SOCK",
        "srwxrwxrwx",
        "0:8",
    )


def test_sockstat_shows_tuples_and_states_for_tcp_udp_ipv6_and_unix(
    raw_image: WrittenImage, vol_output: dict[str, list[dict]]
) -> None:
    sockets = {sock.inode: sock for sock in raw_image.spec.sockets}
    owners = {}
    for process in raw_image.spec.processes:
        for opened in process.files:
            if opened.socket is not None and not process.hidden:
                owners.setdefault(opened.socket, set()).add((process.pid, opened.fd))
    seen = {}
    for row in vol_output["linux.sockstat.Sockstat"]:
        seen.setdefault(
            int(row["Source Port"]) if row["Family"] == "AF_UNIX" else _inode_of(row, sockets), set()
        ).add((row["PID"], row["FD"]))
        assert row["NetNS"] == 4026531992
    assert seen == owners
    rows = {(row["PID"], row["FD"]): row for row in vol_output["linux.sockstat.Sockstat"]}
    shell = rows[(2388, 0)]
    assert (
        shell["Proto"],
        shell["Source Addr"],
        shell["Source Port"],
        shell["Destination Addr"],
        shell["Destination Port"],
        shell["State"],
    ) == ("TCP", "10.20.30.40", "46120", "203.0.113.77", "4444", "ESTABLISHED")
    bind = rows[(2388, 3)]
    assert (bind["Source Addr"], bind["Source Port"], bind["State"]) == ("0.0.0.0", "31337", "LISTEN")
    ipv6 = rows[(2290, 4)]
    assert (ipv6["Family"], ipv6["Source Addr"], ipv6["Destination Addr"], ipv6["Destination Port"]) == (
        "AF_INET6",
        "2001:db8::10",
        "2001:db8::beef",
        "60022",
    )
    udp = rows[(540, 13)]
    assert (udp["Type"], udp["Proto"], udp["Source Addr"], udp["Source Port"], udp["State"]) == (
        "DGRAM",
        "UDP",
        "127.0.0.53",
        "53",
        "UNCONNECTED",
    )
    unix = rows[(1, 14)]
    assert (unix["Family"], unix["Source Addr"], unix["Source Port"], unix["State"]) == (
        "AF_UNIX",
        "/run/systemd/private",
        "33002",
        "LISTEN",
    )
    assert rows[(2388, 4)]["Destination Addr"] == "/run/systemd/journal/stdout"


def _inode_of(row: dict, sockets: dict) -> int:
    family = socket.AF_INET if row["Family"] == "AF_INET" else socket.AF_INET6
    for inode, sock in sockets.items():
        if sock.family == row["Family"] and sock.local_port == int(row["Source Port"]):
            local = sock.local_addr or ("0.0.0.0" if family == socket.AF_INET else "::")
            remote = sock.remote_addr or ("0.0.0.0" if family == socket.AF_INET else "::")
            if (local, remote, str(sock.remote_port)) == (
                row["Source Addr"],
                row["Destination Addr"],
                row["Destination Port"],
            ):
                return inode
    raise AssertionError(f"no spec socket for {row}")


def test_malfind_finds_only_the_injected_rwx_mapping_with_its_bytes(
    raw_image: WrittenImage, vol_output: dict[str, list[dict]]
) -> None:
    rows = vol_output["linux.malware.malfind.Malfind"]
    injected = raw_image.result.processes[2388].injected[0]
    assert [(row["PID"], row["Start"], row["End"], row["Protection"], row["Path"]) for row in rows] == [
        (2388, injected.start, injected.end, "rwx", "Anonymous Mapping")
    ]
    assert bytes.fromhex(rows[0]["Hexdump"]) == SHELLCODE.ljust(64, b"\0")


def test_maps_equal_the_mappings_the_writer_reports(
    raw_image: WrittenImage, vol_output: dict[str, list[dict]]
) -> None:
    rows = vol_output["linux.proc.Maps"]
    hidden = {process.pid for process in raw_image.spec.processes if process.hidden}
    for pid, facts in raw_image.result.processes.items():
        if pid in hidden:
            continue
        listed = [(row["Start"], row["End"], row["Flags"]) for row in rows if row["PID"] == pid]
        assert listed == [(m.start, m.end, m.perms) for m in facts.mappings], pid
    bash = {row["File Path"] for row in rows if row["PID"] == 2305}
    assert {"/usr/bin/bash", "[heap]", "[stack]", "[vdso]", "/usr/lib/x86_64-linux-gnu/libc.so.6"} <= bash
    heap = next(row for row in rows if row["PID"] == 2305 and row["File Path"] == "[heap]")
    assert 0x550000000000 <= heap["Start"] < 0x570000000000
    stack = next(row for row in rows if row["PID"] == 2305 and row["File Path"] == "[stack]")
    assert 0x7FF000000000 <= stack["Start"] < 0x7FFFFFFFF000


def test_envars_show_each_environment(raw_image: WrittenImage, vol_output: dict[str, list[dict]]) -> None:
    rows = vol_output["linux.envars.Envars"]
    for process in raw_image.spec.processes:
        if process.kernel_thread or process.hidden:
            continue
        listed = [f"{row['KEY']}={row['VALUE']}" for row in rows if row["PID"] == process.pid]
        assert listed == process.env


def test_modules_lsmod_hidden_and_sysfs(raw_image: WrittenImage, vol_output: dict[str, list[dict]]) -> None:
    listed = [
        (row["Module Name"], row["Code Size"], row["Offset"]) for row in vol_output["linux.lsmod.Lsmod"]
    ]
    modules = raw_image.result.modules
    assert listed == [
        (m.name, m.size, modules[m.name].address & MASK48) for m in raw_image.spec.modules if not m.hidden
    ]
    hidden = vol_output["linux.malware.hidden_modules.Hidden_modules"]
    assert [(row["Module Name"], row["Offset"], row["Taints"]) for row in hidden] == [
        ("diamorphine", modules["diamorphine"].address & MASK48, "OOT_MODULE,UNSIGNED_MODULE")
    ]
    assert [row["Module Name"] for row in vol_output["linux.malware.check_modules.Check_modules"]] == [
        "diamorphine"
    ]


def test_kmsg_boottime_and_banner(raw_image: WrittenImage, vol_output: dict[str, list[dict]]) -> None:
    lines = vol_output["linux.kmsg.Kmsg"]
    expected = []
    for line in raw_image.spec.kmsg:
        nanoseconds = round((line.at - BOOT).total_seconds() * 1_000_000) * 1000
        levels = ("emerg", "alert", "crit", "err", "warn", "notice", "info", "debug")
        expected.append(
            (
                "kern",
                levels[line.level],
                f"{nanoseconds // 10**9}.{nanoseconds % 10**9 // 1000:06}",
                line.text,
            )
        )
    assert [(row["facility"], row["level"], row["timestamp"], row["line"]) for row in lines] == expected
    assert [row["Boot Time"] for row in vol_output["linux.boottime.Boottime"]] == [_iso(BOOT)]
    banners = [row["Banner"] for row in vol_output["banners.Banners"]]
    assert raw_image.spec.kernel.banner.rstrip("\n") in banners


def test_network_interfaces_and_mount_table(vol_output: dict[str, list[dict]]) -> None:
    addresses = {(row["Interface"], row["IP"], row["Prefix"]) for row in vol_output["linux.ip.Addr"]}
    assert {
        ("lo", "127.0.0.1", 8),
        ("lo", "::1", 128),
        ("ens3", "10.20.30.40", 24),
        ("ens3", "2001:db8::10", 64),
    } <= addresses
    mounts = {row["MOUNT_POINT"]: row for row in vol_output["linux.mountinfo.MountInfo"]}
    assert (mounts["/"]["FSTYPE"], mounts["/"]["MAJOR:MINOR"]) == ("ext4", "253:0")
    assert {"/dev", "/dev/pts", "/proc", "/sys", "/run"} <= set(mounts)
    assert mounts["/dev/pts"]["PARENT_ID"] == mounts["/dev"]["MOUNT ID"]


def test_pid_idr_lists_every_task_but_the_hidden_one(vol_output: dict[str, list[dict]]) -> None:
    hashed = sorted(row["PID"] for row in vol_output["linux.pidhashtable.PIDHashTable"])
    assert hashed == sorted(row["PID"] for row in vol_output["linux.pslist.PsList"])
    assert 2402 not in hashed


def test_kernel_threads_iomem_and_page_cache(
    raw_image: WrittenImage, vol_output: dict[str, list[dict]]
) -> None:
    functions = {row["TID"]: (row["Module"], row["Symbol"]) for row in vol_output["linux.kthreads.Kthreads"]}
    assert functions[157] == ("__kernel__", "worker_thread") and functions[12][1] == "smpboot_thread_fn"
    ranges = {(row["Name"], row["Start"], row["End"]) for row in vol_output["linux.iomem.IOMem"]}
    assert ("System RAM", 0x100000, raw_image.spec.size - 1) in ranges
    assert {name for name, _, _ in ranges} >= {"Kernel code", "Kernel rodata", "Kernel data", "Kernel bss"}
    cached = {row["FilePath"]: row for row in vol_output["linux.pagecache.Files"]}
    assert (cached["/tmp/.x"]["InodeNum"], cached["/tmp/.x"]["InodeSize"]) == (262951, 18320)
    assert cached["/run/nginx.pid"]["CachedPages"] == 1


def test_page_cache_gives_back_the_deleted_payload(raw_image: WrittenImage, tmp_path) -> None:  # type: ignore[no-untyped-def]
    run_vol(raw_image, "linux.pagecache.InodePages", "--find", "/tmp/.x", "--dump", output=tmp_path)
    [dump] = list(tmp_path.glob("inode_*.dmp"))
    payload = next(memfile for memfile in raw_image.spec.files if memfile.path == "/tmp/.x")
    assert dump.stat().st_size == payload.size
    assert dump.read_bytes()[: len(payload.cached)] == payload.cached
