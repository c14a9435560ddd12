#!/usr/bin/python3
"""tests/extra/mkbad.py - make malformed ELF files that the loader must refuse.

Usage:  mkbad.py SOURCE.elf OUTDIR

SOURCE is a real Kite app (build/user/hello.elf: ELF64, ET_EXEC, three
page-aligned PT_LOADs, text / rodata / data, see user/user.ld). Each file
written to OUTDIR breaks exactly one rule of kernel/proc/elf.c, so that
spawn and execve of it must fail with ENOEXEC (usertests' bad_elf test):

  bad_truncated  the first 100 bytes only: the program header table
                 (at offset 64, 3 * 56 bytes) runs past the end
  bad_machine    e_machine = 62 (x86-64) instead of 243 (RISC-V)
  bad_overlap    the second PT_LOAD moved down one page, so that its first
                 page is the text segment's last page (two loads sharing a
                 page); offset and address still agree modulo 4096
  bad_entry      e_entry = the start of the first non-executable PT_LOAD
                 (inside a segment, but not an executable one)

Every change is checked against the source's layout first; the script
fails loudly instead of writing a file that is bad for another reason.
"""
import os
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")   # Elf64_Ehdr, 64 bytes
PHDR = struct.Struct("<IIQQQQQQ")           # Elf64_Phdr, 56 bytes
PT_LOAD, PF_X = 1, 1
PAGE = 4096
E_MACHINE_OFF, E_ENTRY_OFF = 18, 24


def die(msg):
    sys.exit("mkbad: " + msg)


def parse(data):
    """(ehdr fields, [(offset of phdr, phdr fields)] of the PT_LOADs)."""
    if len(data) < EHDR.size or data[:4] != b"\x7fELF" or data[4] != 2:
        die("source is not an ELF64 file")
    eh = EHDR.unpack_from(data, 0)
    machine, phoff, phentsize, phnum = eh[2], eh[5], eh[9], eh[10]
    if machine != 243 or phentsize != PHDR.size:
        die("source is not a RISC-V executable with 56-byte phdrs")
    loads = []
    for i in range(phnum):
        at = phoff + i * PHDR.size
        ph = PHDR.unpack_from(data, at)
        if ph[0] == PT_LOAD and ph[6] > 0:
            loads.append((at, list(ph)))
    if len(loads) < 2:
        die("source needs at least two PT_LOADs, has %d" % len(loads))
    return eh, loads


def truncated(data):
    eh = EHDR.unpack_from(data, 0)
    if eh[5] + eh[10] * PHDR.size <= 100:
        die("the phdr table fits in 100 bytes: truncation proves nothing")
    return data[:100]


def machine(data):
    out = bytearray(data)
    struct.pack_into("<H", out, E_MACHINE_OFF, 62)
    return bytes(out)


def overlap(data, loads):
    (at0, p0), (at1, p1) = sorted(loads, key=lambda l: l[1][3])[:2]
    p1 = list(p1)                      # loads is shared with entry()
    end0 = p0[3] + p0[6]
    moved = p1[3] - PAGE
    # the moved segment must start inside the first one's last page and
    # still be a valid load on its own (above page 0, same page offset)
    if not (moved < end0 and moved // PAGE == (end0 - 1) // PAGE):
        die("segments are not adjacent pages: %#x..%#x, %#x"
            % (p0[3], end0, p1[3]))
    if moved < PAGE:
        die("moved segment would reach page 0")
    p1[3] -= PAGE                      # p_vaddr
    p1[4] -= PAGE                      # p_paddr
    out = bytearray(data)
    PHDR.pack_into(out, at1, *p1)
    return bytes(out)


def entry(data, loads):
    plain = [p for _, p in loads if not p[1] & PF_X]
    if not plain:
        die("source has no non-executable PT_LOAD")
    out = bytearray(data)
    struct.pack_into("<Q", out, E_ENTRY_OFF, plain[0][3])
    return bytes(out)


def main():
    if len(sys.argv) != 3:
        die("usage: mkbad.py SOURCE.elf OUTDIR")
    src, outdir = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        data = f.read()
    _, loads = parse(data)
    files = {
        "bad_truncated": truncated(data),
        "bad_machine": machine(data),
        "bad_overlap": overlap(data, loads),
        "bad_entry": entry(data, loads),
    }
    os.makedirs(outdir, exist_ok=True)
    for name, blob in files.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(blob)


if __name__ == "__main__":
    main()
