"""What scoring needs from the measures catalog, as a small protocol.

:class:`desktop_app.catalog.Catalog` satisfies it; tests and benchmarks use
:class:`MemoryLookup` with hand-made records.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from desktop_app.catalog.model import Benchmark, MeasureInfo


class MeasureLookup(Protocol):
    def measure(self, year: int, measure_id: str) -> MeasureInfo | None: ...

    def benchmark(self, year: int, measure_id: str, submission_method: str) -> Benchmark | None: ...


class MemoryLookup:
    """A :class:`MeasureLookup` over records held in memory."""

    def __init__(
        self, measures: Iterable[MeasureInfo] = (), benchmarks: Iterable[Benchmark] = ()
    ) -> None:
        self._measures = {(m.year, m.measure_id): m for m in measures}
        self._benchmarks = {(b.year, b.measure_id, b.submission_method): b for b in benchmarks}

    def measure(self, year: int, measure_id: str) -> MeasureInfo | None:
        return self._measures.get((year, measure_id))

    def benchmark(self, year: int, measure_id: str, submission_method: str) -> Benchmark | None:
        return self._benchmarks.get((year, measure_id, submission_method))
