"""tools/qemu_disk.py - the swap disk every Kite QEMU gets.

Kite swaps to a virtio-blk disk (virtio-mmio, modern interface). Its size
comes from SWAP (make variable and environment variable, e.g. 64M, 1G,
512K or bytes; default 64M; 0: no disk). QEMU locks the image files it
opens, and tests run many QEMUs at once, so each one gets a private image:
a sparse file (truncate) in a temporary directory of its own, deleted
when that QEMU is done. Only `make qemu` and `make run` use a named image,
build/swap.img, made afresh by make each time.

    with private_disk() as args:      # [] when SWAP is 0
        subprocess.run([qemu, ...] + args)

    disk_args(path) -> the QEMU arguments that attach image `path`
"""
import contextlib
import os
import re
import shutil
import tempfile

DEFAULT_SIZE = "64M"
UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def swap_size():
    """The SWAP setting from the environment (make exports it)."""
    return os.environ.get("SWAP", "") or DEFAULT_SIZE


def size_bytes(size):
    """Bytes in a size such as 64M, 1G, 4096 or 0 (as truncate -s reads
    them: powers of 1024). ValueError if it is not one."""
    m = re.fullmatch(r"\s*(\d+)([KMG]?)\s*", str(size), re.I)
    if not m:
        raise ValueError("SWAP=%r: expected a size such as 64M, 1G or 0"
                         % (size,))
    n = int(m.group(1)) * UNITS[m.group(2).upper()]
    if n % 512:
        raise ValueError("SWAP=%r: not a whole number of 512-byte sectors"
                         % (size,))
    return n


def disk_args(path):
    """QEMU arguments attaching raw image `path` as a virtio-blk disk on
    the modern (version 2) virtio-mmio interface."""
    return ["-global", "virtio-mmio.force-legacy=false",
            "-drive", "file=%s,if=none,format=raw,id=swap" % path,
            "-device", "virtio-blk-device,drive=swap"]


@contextlib.contextmanager
def private_disk(size=None):
    """Yield the QEMU arguments for a private sparse image of `size`
    (default: SWAP), or [] for size 0; the image and its directory are
    deleted afterwards, however the block is left."""
    n = size_bytes(swap_size() if size is None else size)
    if n == 0:
        yield []
        return
    tmp = tempfile.mkdtemp(prefix="kite-swap-")
    try:
        path = os.path.join(tmp, "swap.img")
        with open(path, "wb") as f:
            f.truncate(n)               # sparse: no block is written
        yield disk_args(path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
