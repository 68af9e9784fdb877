"""Reading a built measures catalog.

A :class:`Catalog` wraps one read-only SQLite connection. SQLite connections must
not be shared between threads, so each thread (for example a background worker)
opens its own ``Catalog`` with :meth:`Catalog.open`; opening is cheap.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from pathlib import Path
from types import TracebackType
from typing import Any, cast

from desktop_app.catalog.errors import CatalogError, CatalogLayoutError
from desktop_app.catalog.model import Benchmark, Category, MeasureInfo, Mvp, SearchHit, SourceInfo
from desktop_app.catalog.schema import APPLICATION_ID, CATEGORIES, REQUIRED_TABLES, SCHEMA_VERSION

_WORD = re.compile(r"[^\W_]+")

_MEASURE_COLUMNS = "year, measure_id, category, title, description, metric_type, data"
_BENCHMARK_COLUMNS = (
    "year, measure_id, submission_method, benchmark_year, is_inverse, is_topped_out, "
    "is_topped_out_by_program, metric_type, percentiles, deciles, average_performance_rate, data"
)
# bm25 weights for measure_id, title, description, other_ids: a word in the title
# counts for far more than the same word in the description.
_BM25 = "bm25(measures_fts, 10.0, 8.0, 1.0, 6.0)"

# How a title matches the words typed (lower is better); see _title_match.
_TITLE_EXACT, _TITLE_HEADING, _TITLE_STARTS, _TITLE_PHRASE, _TITLE_OTHER = range(5)
_TIER_STEP = 10  # > number of title match levels, so the tier always decides first


def _folded_words(text: str) -> list[str]:
    """The words of ``text`` as the catalog's tokenizer sees them: lower case, no accents."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return [w.casefold() for w in _WORD.findall(plain)]


def _same_words(found: list[str], words: list[str]) -> bool:
    """``found`` is ``words``, the last one typed matching as a prefix ("diab" for
    "diabetes"), so that a word being typed ranks as the whole word will."""
    return len(found) == len(words) and found[:-1] == words[:-1] and found[-1].startswith(words[-1])


def _title_match(title: str, words: list[str]) -> int:
    """0 the title is the words typed; 1 its heading before ':' is ('Diabetes: ...');
    2 it starts with them; 3 it holds them as a phrase; 4 otherwise. The last word
    typed also matches as a prefix, as in the full-text search: 'diab' ranks
    'Diabetes: Eye Exam' as a heading match, as 'diabetes' does."""
    if not words:
        return _TITLE_OTHER
    title_words = _folded_words(title)
    if _same_words(title_words, words):
        return _TITLE_EXACT
    if ":" in title and _same_words(_folded_words(title.split(":", 1)[0]), words):
        return _TITLE_HEADING
    n = len(words)

    def phrase_at(i: int) -> bool:
        return title_words[i : i + n - 1] == words[:-1] and title_words[i + n - 1].startswith(
            words[-1]
        )

    starts = range(len(title_words) - n + 1)
    if n <= len(title_words) and phrase_at(0):
        return _TITLE_STARTS
    if any(phrase_at(i) for i in starts):
        return _TITLE_PHRASE
    return _TITLE_OTHER


def _squash(bm25: float) -> float:
    """bm25 (negative, more negative is better) mapped into (-1, 0], keeping order."""
    return bm25 / (1.0 + abs(bm25))


def fts_query(text: str, prefix_last: bool = True, any_word: bool = False) -> str | None:
    """An FTS5 query for the words in ``text``, every word quoted (never a syntax error).

    Punctuation only separates words, like the catalog's tokenizer does. The last
    word also matches as a prefix. Returns None when ``text`` holds no word.
    """
    words = _WORD.findall(text)
    if not words:
        return None
    terms = [f'"{w}"' for w in words]
    if prefix_last:
        terms[-1] += "*"
    return (" OR " if any_word else " ").join(terms)


class Catalog:
    """The measures, benchmarks and MVPs of every performance year in a catalog file."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn

    # --- opening -------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str) -> Catalog:
        """Open a catalog file read-only; CatalogError says why it can't be used."""
        path = Path(path)
        if not path.is_file():
            raise CatalogError(
                f"There is no measures catalog at {path}. Build it with "
                "`mipsdesk catalog build` or download it with `mipsdesk catalog update`."
            )
        uri = path.resolve().as_uri() + "?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True)
        except sqlite3.Error as exc:
            raise CatalogError(f"The measures catalog {path} can't be opened: {exc}.") from exc
        try:
            cls._check(path, conn)
        except BaseException:
            conn.close()
            raise
        return cls(path, conn)

    @staticmethod
    def _check(path: Path, conn: sqlite3.Connection) -> None:
        not_a_catalog = (
            f"{path} is not a MIPS Desk measures catalog. Delete it and rebuild the catalog "
            "with `mipsdesk catalog build` or `mipsdesk catalog update`."
        )
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        except sqlite3.DatabaseError as exc:
            raise CatalogError(not_a_catalog) from exc
        if app_id != APPLICATION_ID:
            raise CatalogError(not_a_catalog)
        if version != SCHEMA_VERSION:
            raise CatalogLayoutError(
                f"The measures catalog {path} was built by another version of MIPS Desk "
                f"(catalog layout {version}; this version reads layout {SCHEMA_VERSION}). "
                "Rebuild it with `mipsdesk catalog build` or `mipsdesk catalog update`.",
                version,
                SCHEMA_VERSION,
            )
        if not tables >= REQUIRED_TABLES:
            raise CatalogError(not_a_catalog)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise CatalogError(f"The measures catalog {self.path} can't be read: {exc}.") from exc

    # --- overview --------------------------------------------------------------------

    def years(self) -> list[int]:
        """The performance years the catalog holds, oldest first."""
        return [int(r[0]) for r in self._rows("SELECT DISTINCT year FROM measures ORDER BY year")]

    def counts(self, year: int) -> dict[str, int]:
        """Number of measures per category, benchmarks and MVPs (zeros for an unknown year)."""
        counts = dict.fromkeys((*CATEGORIES, "benchmarks", "mvps"), 0)
        for category, n in self._rows(
            "SELECT category, count(*) FROM measures WHERE year = ? GROUP BY category", (year,)
        ):
            counts[str(category)] = int(n)
        counts["benchmarks"] = int(
            self._rows("SELECT count(*) FROM benchmarks WHERE year = ?", (year,))[0][0]
        )
        counts["mvps"] = int(self._rows("SELECT count(*) FROM mvps WHERE year = ?", (year,))[0][0])
        return counts

    def text_fixes(self) -> int:
        """The version of the title/description fixes the catalog was built with
        (:data:`desktop_app.catalog.build.TEXT_FIXES_VERSION`); 0 before there were any."""
        rows = self._rows("SELECT value FROM meta WHERE key = 'text_fixes'")
        try:
            return int(rows[0][0]) if rows else 0
        except ValueError:
            return 0

    def source(self) -> SourceInfo:
        """Where the catalog was built from, when, and the content hash of that data."""
        rows = self._rows("SELECT path, version, content_hash, built_at, years FROM source")
        if not rows:
            raise CatalogError(f"The measures catalog {self.path} has no source record.")
        path, version, content_hash, built_at, years = rows[0]
        return SourceInfo(
            path=path,
            version=version,
            content_hash=content_hash,
            built_at=built_at,
            years=json.loads(years),
        )

    # --- measures --------------------------------------------------------------------

    @staticmethod
    def _measure(row: tuple[Any, ...]) -> MeasureInfo:
        year, measure_id, category, title, description, metric_type, data = row
        return MeasureInfo(
            year=year,
            measure_id=measure_id,
            category=category,
            title=title,
            description=description,
            metric_type=metric_type,
            data=json.loads(data),
        )

    def _one_measure(self, where: str, params: tuple[Any, ...]) -> MeasureInfo | None:
        # Only module constants and fixed WHERE clauses are formatted into the SQL.
        sql = f"SELECT {_MEASURE_COLUMNS} FROM measures WHERE {where} LIMIT 1"  # noqa: S608
        rows = self._rows(sql, params)
        return self._measure(rows[0]) if rows else None

    def measure(self, year: int, measure_id: str) -> MeasureInfo | None:
        """One measure by its id ('001', 'IA_EPA_1'); letter case is ignored if no exact match."""
        found = self._one_measure("year = ? AND measure_id = ?", (year, measure_id))
        if found is None:
            found = self._one_measure(
                "year = ? AND measure_id = ? COLLATE NOCASE", (year, measure_id.strip())
            )
        return found

    def measures(self, year: int, category: str | None = None) -> list[MeasureInfo]:
        """All measures of a year (optionally one category), ordered by category then id."""
        if category is None:
            rows = self._rows(
                f"SELECT {_MEASURE_COLUMNS} FROM measures WHERE year = ? "  # noqa: S608
                "ORDER BY category, measure_id",
                (year,),
            )
        else:
            rows = self._rows(
                f"SELECT {_MEASURE_COLUMNS} FROM measures WHERE year = ? AND category = ? "  # noqa: S608
                "ORDER BY measure_id",
                (year, _category(category)),
            )
        return [self._measure(r) for r in rows]

    def measure_by_emeasure_uuid(self, year: int, uuid: str) -> MeasureInfo | None:
        """The eCQM whose eMeasureUuid is ``uuid`` (braces and letter case ignored)."""
        return self._one_measure(
            "year = ? AND emeasure_uuid = ?", (year, uuid.strip().strip("{}").strip())
        )

    def measure_by_emeasure_id(self, year: int, emeasure_id: str) -> MeasureInfo | None:
        """The eCQM whose eMeasureId is ``emeasure_id``, e.g. 'CMS122v14' (case ignored)."""
        return self._one_measure("year = ? AND emeasure_id = ?", (year, emeasure_id.strip()))

    # --- benchmarks and MVPs ---------------------------------------------------------

    @staticmethod
    def _benchmark(row: tuple[Any, ...]) -> Benchmark:
        (year, measure_id, method, benchmark_year, inverse, topped, topped_prog, metric_type,
         percentiles, deciles, average, data) = row  # fmt: skip
        return Benchmark(
            year=year,
            measure_id=measure_id,
            submission_method=method,
            benchmark_year=benchmark_year,
            is_inverse=bool(inverse),
            is_topped_out=bool(topped),
            is_topped_out_by_program=bool(topped_prog),
            metric_type=metric_type,
            percentiles=(
                {int(k): float(v) for k, v in json.loads(percentiles).items()}
                if percentiles is not None
                else None
            ),
            deciles=json.loads(deciles) if deciles is not None else None,
            average_performance_rate=average,
            data=json.loads(data),
        )

    def benchmarks(self, year: int, measure_id: str) -> list[Benchmark]:
        """A measure's benchmarks, one per submission method (collection type)."""
        rows = self._rows(
            f"SELECT {_BENCHMARK_COLUMNS} FROM benchmarks WHERE year = ? AND measure_id = ? "  # noqa: S608
            "ORDER BY submission_method",
            (year, measure_id),
        )
        return [self._benchmark(r) for r in rows]

    def benchmark(self, year: int, measure_id: str, submission_method: str) -> Benchmark | None:
        """The benchmark for one measure and submission method, or None if CMS has none."""
        rows = self._rows(
            f"SELECT {_BENCHMARK_COLUMNS} FROM benchmarks "  # noqa: S608
            "WHERE year = ? AND measure_id = ? AND submission_method = ?",
            (year, measure_id, submission_method),
        )
        return self._benchmark(rows[0]) if rows else None

    @staticmethod
    def _mvp(row: tuple[Any, ...]) -> Mvp:
        year, mvp_id, title, data_text = row
        data: dict[str, Any] = json.loads(data_text)

        def ids(key: str) -> list[str]:
            return [str(v) for v in data.get(key) or []]

        return Mvp(
            year=year,
            mvp_id=mvp_id,
            title=title,
            quality_measure_ids=ids("qualityMeasureIds"),
            ia_measure_ids=ids("iaMeasureIds"),
            cost_measure_ids=ids("costMeasureIds"),
            foundation_pi_measure_ids=ids("foundationPiMeasureIds"),
            foundation_quality_measure_ids=ids("foundationQualityMeasureIds"),
            administrative_claims_measure_ids=ids("administrativeClaimsMeasureIds"),
            clinical_topic=str(data.get("clinicalTopic") or ""),
            description=str(data.get("description") or ""),
            data=data,
        )

    def mvps(self, year: int) -> list[Mvp]:
        """The year's MIPS Value Pathways, ordered by id."""
        rows = self._rows(
            "SELECT year, mvp_id, title, data FROM mvps WHERE year = ? ORDER BY mvp_id", (year,)
        )
        return [self._mvp(r) for r in rows]

    def mvp(self, year: int, mvp_id: str) -> Mvp | None:
        rows = self._rows(
            "SELECT year, mvp_id, title, data FROM mvps WHERE year = ? AND mvp_id = ?",
            (year, mvp_id.strip()),
        )
        return self._mvp(rows[0]) if rows else None

    # --- search ----------------------------------------------------------------------

    def search(
        self, year: int, text: str, category: str | None = None, limit: int = 50
    ) -> list[SearchHit]:
        """Measures matching ``text`` in id, title, description or eCQM/NQF id, best first.

        A measure id or eCQM id typed exactly ('001', '1', 'IA_EPA_1', 'CMS122v14')
        comes first. The others are ordered by tier (:data:`~desktop_app.catalog.model.TIERS`:
        MIPS quality/PI/IA measures, then MVP-only, cost, QCDR, and last measures of
        other programs such as 236SSP), then by how the title matches (the whole title,
        its heading before ':', its start, a phrase in it), then by bm25 relevance with
        the title weighted above the description. All words must match; if none does,
        any word may. The last word also matches as a prefix. Any text is safe:
        punctuation separates words.
        """
        if limit <= 0:
            return []
        cat = _category(category) if category is not None else None
        exact = self._exact_hits(year, text, cat)
        hits: list[SearchHit] = []
        words = _folded_words(text)
        for any_word in (False, True):
            query = fts_query(text, any_word=any_word)
            if query is None:
                break
            if any_word:
                # Judge the titles by the words that are in the catalog at all.
                words = [w for i, w in enumerate(words) if self._word_found(w, i == len(words) - 1)]
            hits = self._fts(year, query, cat, words, limit + len(exact))
            if hits:
                break
        best = min((h.rank for h in hits), default=0.0)
        exact_ids = {m for m, _ in exact}
        first = [
            SearchHit(
                year=year,
                measure_id=m,
                category=cast(Category, c),
                title=t,
                rank=min(best, 0.0) - 1.0,
                tier=tier,
            )
            for m, (c, t, tier) in exact
        ]
        rest = [h for h in hits if h.measure_id not in exact_ids]
        return (first + rest)[:limit]

    def _exact_hits(
        self, year: int, text: str, category: str | None
    ) -> list[tuple[str, tuple[str, str, int]]]:
        typed = text.strip()
        if not typed:
            return []
        candidates = [typed]
        if typed.isdigit() and len(typed) < 3:
            candidates.append(typed.zfill(3))  # quality ids are zero-padded: '1' -> '001'
        found: dict[str, tuple[str, str, int]] = {}
        for candidate in candidates:
            sql = (
                "SELECT measure_id, category, title, tier FROM measures WHERE year = ? "
                "AND (measure_id = ? COLLATE NOCASE OR emeasure_id = ?)"
            )
            params: tuple[Any, ...] = (year, candidate, candidate)
            if category is not None:
                sql += " AND category = ?"
                params += (category,)
            for measure_id, cat, title, tier in self._rows(
                sql + " ORDER BY tier, measure_id", params
            ):
                found.setdefault(measure_id, (cat, title, int(tier)))
        return list(found.items())

    def _word_found(self, word: str, prefix: bool) -> bool:
        query = fts_query(word, prefix_last=prefix)
        return query is not None and bool(
            self._rows("SELECT 1 FROM measures_fts WHERE measures_fts MATCH ? LIMIT 1", (query,))
        )

    def _fts(
        self, year: int, query: str, category: str | None, words: list[str], limit: int
    ) -> list[SearchHit]:
        """The first ``limit`` measures of the year matching ``query``, in search order."""
        sql = (
            f"SELECT m.measure_id, m.category, m.title, m.tier, {_BM25} AS rank "  # noqa: S608
            # CROSS JOIN keeps the full-text scan outside: the other order re-runs the
            # MATCH for every measure of the year (seconds for a one-letter search).
            "FROM measures_fts CROSS JOIN measures m ON m.id = measures_fts.rowid "
            "WHERE measures_fts MATCH ? AND m.year = ?"
        )
        params: tuple[Any, ...] = (query, year)
        if category is not None:
            sql += " AND m.category = ?"
            params += (category,)
        ranked = sorted(
            (_TIER_STEP * int(tier) + _title_match(t, words) + _squash(float(bm25)), m, c, t, tier)
            for m, c, t, tier, bm25 in self._rows(sql, params)
        )
        return [
            SearchHit(year=year, measure_id=m, category=c, title=t, tier=int(tier), rank=rank)
            for rank, m, c, t, tier in ranked[:limit]
        ]


def _category(category: str) -> str:
    value = category.strip().lower()
    if value not in CATEGORIES:
        raise CatalogError(
            f"Unknown measure category {category!r}; use one of: {', '.join(CATEGORIES)}."
        )
    return value
