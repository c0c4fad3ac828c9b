"""The peak memory of a process and its descendants, sampled while a benchmark runs (shared by the benchmarks)."""

from __future__ import annotations

import threading

import psutil


class PeakMemory:
    """The largest summed RSS of ``roots`` and all their descendants while running, and with
    ``pss`` also the largest summed PSS (memory forked processes share counted once; a slower read)."""

    def __init__(self, roots: list[psutil.Process], pss: bool = False, every: float = 0.1) -> None:
        self.roots, self.with_pss, self.every = roots, pss, every
        self.rss = self.pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            rss = pss = 0
            seen: set[int] = set()
            for root in self.roots:
                try:
                    for process in [root, *root.children(recursive=True)]:
                        if process.pid not in seen:
                            seen.add(process.pid)
                            memory = process.memory_full_info() if self.with_pss else process.memory_info()
                            rss += memory.rss
                            pss += getattr(memory, "pss", 0)
                except psutil.Error:
                    continue
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)
            self._stop.wait(self.every)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
