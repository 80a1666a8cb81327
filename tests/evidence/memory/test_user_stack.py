"""The initial stack execve() leaves: strings on top, pointers and the auxiliary vector below."""

from __future__ import annotations

import random
import struct

from labkit.evidence.memory.user_stack import AT_EXECFN, AT_RANDOM, build_initial_stack

END = 0x7FFC1234F000


def test_arguments_environment_and_auxv_are_where_mm_struct_points() -> None:
    argv, env = ["/usr/sbin/cron", "-f"], ["LANG=C.UTF-8", "PATH=/usr/bin"]
    stack = build_initial_stack(
        END, argv, env, "/usr/sbin/cron", (0, 0, 0, 0), vdso=0x7FFC12400000, exe_base=0x555555554000,
        interpreter_base=0x7F0000000000, entry=0x555555558000, rng=random.Random(1),
    )  # fmt: skip

    def read(address: int, length: int) -> bytes:
        return stack.data[address - stack.start : address - stack.start + length]

    assert stack.start % 16 == 0 and stack.start + len(stack.data) == END
    assert read(stack.arg_start, stack.arg_end - stack.arg_start) == b"/usr/sbin/cron\0-f\0"
    assert read(stack.env_start, stack.env_end - stack.env_start) == b"LANG=C.UTF-8\0PATH=/usr/bin\0"
    assert stack.arg_end == stack.env_start and read(END - 8, 8) == bytes(8)
    argc, first, second, terminator = struct.unpack_from("<4Q", stack.data)
    assert (argc, first, terminator) == (2, stack.arg_start, 0) and read(second, 3) == b"-f\0"
    auxv = dict(stack.auxv)
    assert read(auxv[AT_EXECFN], 15) == b"/usr/sbin/cron\0"
    assert stack.start < auxv[AT_RANDOM] < stack.arg_start
