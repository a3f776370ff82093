#!/usr/bin/env python3
"""Lets TorchSharp's native glue load on a system whose libstdc++ is older than the one it was linked against.

libLibTorchSharp.so (TorchSharp 0.107) asks for GLIBCXX_3.4.32 (GCC 13's libstdc++); Debian 12 ships GLIBCXX_3.4.30,
so the dynamic loader refuses it and the first tensor op fails. The only symbol it wants at that version is
_ZSt21ios_base_library_initv, which nothing calls. Marking that version requirement weak (VER_FLG_WEAK in its
.gnu.version_r entry) makes the loader accept the library.

Usage: weaken-glibcxx.py DIR...   Patches, in place, each lib*.so under DIR (e.g. a project's bin/ folder; never the
NuGet package cache or the system) that needs a GLIBCXX version this system's libstdc++ lacks, and only those
version entries. Does nothing where the system's libstdc++ has every version needed. Idempotent; exits 0 unless a
file cannot be read or written.
"""
import glob
import os
import re
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def system_glibcxx_versions():
    """GLIBCXX_x.y.z names defined by the libstdc++ the loader would pick (empty if none is found)."""
    for path in ("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
                 "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6"):
        if os.path.exists(path):
            with open(path, "rb") as f:
                return set(m.decode() for m in re.findall(rb"GLIBCXX_[0-9.]+[0-9]", f.read()))
    return set()


def key(version):
    return tuple(int(p) for p in version.split("_", 1)[1].split("."))


def weaken(path, available):
    """Marks weak every GLIBCXX requirement of the ELF file at path that is not in available; returns their names."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return []  # not a 64-bit little-endian ELF file
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    changed = []
    for (_, sh_type, _, _, offset, _, link, info, _, _) in sections:
        if sh_type != SHT_GNU_VERNEED:
            continue
        strtab = sections[link][4]
        def name(at):
            end = data.index(b"\0", strtab + at)
            return data[strtab + at:end].decode()
        need = offset
        for _ in range(info):  # sh_info: number of Verneed entries
            _, cnt, _, aux, nxt = struct.unpack_from("<HHIII", data, need)
            a = need + aux
            for _ in range(cnt):
                _, flags, _, vname, anext = struct.unpack_from("<IHHII", data, a)
                version = name(vname)
                if version.startswith("GLIBCXX_") and version not in available and not flags & VER_FLG_WEAK:
                    struct.pack_into("<H", data, a + 4, flags | VER_FLG_WEAK)
                    changed.append(version)
                a += anext
            need += nxt
            if nxt == 0:
                break
    if changed:
        with open(path, "r+b") as f:
            f.write(data)
    return changed


def main(dirs):
    available = system_glibcxx_versions()
    if not available:
        return 0  # no system libstdc++ found (not glibc Linux): nothing to do
    newest = max(available, key=key)
    for d in dirs:
        for path in sorted(glob.glob(os.path.join(d, "**", "libLibTorchSharp.so"), recursive=True)):
            changed = weaken(path, available)
            if changed:
                print(f"weaken-glibcxx: {path}: marked {', '.join(changed)} weak (this system's libstdc++ has up to {newest})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["."]))
