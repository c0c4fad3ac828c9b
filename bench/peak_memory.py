"""The peak memory of a process and its descendants, sampled while a benchmark runs (shared by the benchmarks)."""

from __future__ import annotations

import threading
import time

import psutil

#: Seconds between two reads of the proportional set sizes. A read walks each process's page
#: tables in the kernel (some 12 ms for a process of 600 MB): every 0.1 s over a build and its two
#: workers, the sampler took a fifth of a core from the build it measures.
PSS_EVERY = 1.0
#: Growth of the summed RSS since the last PSS read that calls for another at once.
PSS_STEP = 1.05


class PeakMemory:
    """The largest summed RSS of ``roots`` and all their descendants while running (read every
    ``every`` seconds), and with ``pss`` also the largest summed PSS (memory forked processes share
    counted once; a slower read, made every :data:`PSS_EVERY` seconds and whenever the summed RSS
    has grown by :data:`PSS_STEP` since the last read)."""

    def __init__(self, roots: list[psutil.Process], pss: bool = False, every: float = 0.1) -> None:
        self.roots, self.with_pss, self.every = roots, pss, every
        self.rss = self.pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _processes(self) -> list[psutil.Process]:
        seen: dict[int, psutil.Process] = {}
        for root in self.roots:
            try:
                for process in [root, *root.children(recursive=True)]:
                    seen.setdefault(process.pid, process)
            except psutil.Error:
                continue
        return list(seen.values())

    def _sample(self) -> None:
        last_pss, rss_then = 0.0, 0
        while not self._stop.is_set():
            processes = self._processes()
            rss = sum(_read(process, False) for process in processes)
            now = time.monotonic()
            if self.with_pss and (rss > rss_then * PSS_STEP or now - last_pss >= PSS_EVERY):
                self.pss = max(self.pss, sum(_read(process, True) for process in processes))
                last_pss, rss_then = now, rss
            self.rss = max(self.rss, rss)
            self._stop.wait(self.every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _read(process: psutil.Process, pss: bool) -> int:
    """One process's RSS (or PSS), 0 once it has ended."""
    try:
        return process.memory_full_info().pss if pss else process.memory_info().rss
    except psutil.Error:
        return 0
