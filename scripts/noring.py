#!/usr/bin/env python3
"""Run a command with io_uring_setup refused (EPERM) by a seccomp filter,
as a container runtime's default profile refuses it: scripts/hostile.sh
checks with it that read mode uring is then unavailable with its reason.
x86_64 only (the filter allows every other architecture's calls).

usage: noring.py CMD [ARG...]
"""
import ctypes
import os
import struct
import sys

libc = ctypes.CDLL(None, use_errno=True)
NR_IO_URING_SETUP = 425
AUDIT_ARCH_X86_64 = 0xC000003E
def stmt(code, k): return struct.pack("HBBI", code, 0, 0, k)
def jump(code, k, jt, jf): return struct.pack("HBBI", code, jt, jf, k)
BPF_LD_W_ABS, BPF_JEQ_K, BPF_RET_K = 0x20, 0x15, 0x06
prog = b"".join([
    stmt(BPF_LD_W_ABS, 4), jump(BPF_JEQ_K, AUDIT_ARCH_X86_64, 1, 0), stmt(BPF_RET_K, 0x7FFF0000),
    stmt(BPF_LD_W_ABS, 0), jump(BPF_JEQ_K, NR_IO_URING_SETUP, 0, 1),
    stmt(BPF_RET_K, 0x00050000 | 1),  # SECCOMP_RET_ERRNO | EPERM
    stmt(BPF_RET_K, 0x7FFF0000),      # SECCOMP_RET_ALLOW
])
buf = ctypes.create_string_buffer(prog)
class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
fp = SockFprog(len(prog) // 8, ctypes.addressof(buf))
assert libc.prctl(38, 1, 0, 0, 0) == 0  # PR_SET_NO_NEW_PRIVS
assert libc.prctl(22, 2, ctypes.byref(fp), 0, 0) == 0, ctypes.get_errno()  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
os.execvp(sys.argv[1], sys.argv[1:])
