"""Hybrid retrieval: dense (Chroma) + BM25, fused by rescaled scores (or reciprocal ranks).

The question arrives analysed (:class:`~.query.SearchQuery`): a follow-up (« Et en
2018 ? ») is searched together with the previous user question, the new question's own
terms weighing more, so the topic carries over while the new detail decides.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field

import numpy as np

from ..backends.embeddings import Embedder
from ..backends.store import ChunkStore
from ..ingest.sentvectors import dense_score, sentences_of, unpack
from ..models import Chunk, RetrievedChunk
from ..settings import Settings
from ..textnorm import analyze, fold
from .lexical import BM25Index
from .query import SearchQuery
from .units import Boilerplate, Unit, split_units

log = logging.getLogger(__name__)


@dataclass
class Retrieval:
    """Ranked passages plus the raw signals the answer and abstention decisions need."""

    passages: list[RetrievedChunk]
    dense_similarity: dict[str, float]  # chunk id -> dense score (sentence-aware when known)
    # chunk id -> similarity of each sentence of the chunk (split_sentences order)
    sentence_similarity: dict[str, np.ndarray] = field(default_factory=dict)


class Retriever:
    """Hybrid search over one store; the BM25 index is rebuilt only when the store changes."""

    def __init__(self, store: ChunkStore, embedder: Embedder, settings: Settings) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self._lock = threading.Lock()
        self._count: object = None
        self._chunks: list[Chunk] = []
        self._by_id: dict[str, int] = {}
        self._bm25: BM25Index | None = None
        self._vectors: list[np.ndarray | None] = []
        self._boilerplate = Boilerplate()
        self._readable: list[np.ndarray] = []
        self._units: dict[str, list[Unit]] = {}
        self._owners = np.array([], dtype=object)  # per chunk: private upload's owner or ""
        self._owner_names: list[str] = []  # owners of private uploads present

    @property
    def chunks(self) -> list[Chunk]:
        self._ensure_fresh()
        return self._chunks

    @property
    def version(self) -> object:
        """What identifies the index these chunks come from (its generation and size): a
        table computed from the whole corpus is made again when it changes."""
        self._ensure_fresh()
        return self._count

    def sync(self) -> None:
        """Follow the store's pointer now; called once at the start of a question or a
        sheet (:class:`~assistant.answer.answering.Assistant`, the trainer's scope). In
        between, a server store checks it at most once a second (a sheet reads the index
        dozens of times), and a question asked on one replica right after an upload indexed
        through another must see that upload. One cheap read (a file, or one request)."""
        self.store.refresh(force=True)
        self._ensure_fresh()

    def refresh(self) -> None:
        with self._lock:
            self._count = None
        self._ensure_fresh()

    def _ensure_fresh(self) -> None:
        # The store's generation changes at every ingest (build-then-switch); the count
        # covers stores without generations. An edit that keeps the number of chunks
        # still changes the generation, so a running chat never serves stale text.
        count = self.store.count()
        signature = (getattr(self.store, "generation", None), count)
        if signature == self._count and self._bm25 is not None:
            return
        with self._lock:
            if signature == self._count and self._bm25 is not None:
                return
            chunks = self.store.all_chunks()
            bm25 = BM25Index([f"{c.section}\n{c.text}" for c in chunks])
            by_id = {c.id: i for i, c in enumerate(chunks)}
            by_section: dict[tuple[str, str], list[str]] = {}
            for chunk in chunks:
                by_section.setdefault((chunk.source, chunk.section), []).append(chunk.text)
            boilerplate = Boilerplate.from_sections(by_section)
            # Each chunk's units, cut once here: answers read them, and they mark which
            # sentences a chunk's dense score may use.
            units = {c.id: split_units(c.text, boilerplate) for c in chunks}
            readable = [readable_rows(units[c.id], vector_rows(c) - 1) for c in chunks]
            # Vectors that do not match the chunk's sentences (another recipe) are unused.
            vectors = [
                v if v is not None and len(v) == vector_rows(c) else None
                for c, v in ((c, unpack(c.sentence_vectors)) for c in chunks)
            ]
            owners = np.array([c.owner for c in chunks], dtype=object)
            # Built in full before being published, so a concurrent search never sees
            # a half-built index.
            self._bm25, self._chunks, self._by_id = bm25, chunks, by_id
            self._vectors, self._boilerplate = vectors, boilerplate
            self._readable, self._units = readable, units
            self._owners, self._owner_names = owners, sorted(set(owners) - {""})
            self._count = signature
            log.debug("BM25 rebuilt over %d chunks", len(chunks))

    def _lexical(self) -> BM25Index:
        """The BM25 index of the last freshness check (built on first use).

        ``knows``/``idf`` are called once per question term after ``search``: they read
        the snapshot that search used instead of asking the store for its count each
        time (one round-trip per term, an HTTP request with a Chroma server).
        """
        if self._bm25 is None:
            self._ensure_fresh()
        assert self._bm25 is not None
        return self._bm25

    def units_of(self, passage: RetrievedChunk) -> list[Unit]:
        """The readable units of an indexed chunk (cut once per index refresh); a passage
        not in the index is cut on the spot, with the corpus's boilerplate."""
        self._lexical()
        units = self._units.get(passage.id)
        return units if units is not None else split_units(passage.text, self._boilerplate)

    def knows(self, term: str) -> bool:
        """Does the analysed term occur anywhere in the indexed corpus?"""
        return self._lexical().has(term)

    def idf(self, term: str) -> float:
        return self._lexical().idf(term)

    def find_section(
        self, question: str, day: int | None, viewer: str | None = None
    ) -> tuple[str, str] | None:
        """The (source, section title) a question names: « le 12e jour » (a title that opens
        on that number), or most of a title's words (« la section Pour aller plus loin »).
        Only sections ``viewer`` may read (see :meth:`search`)."""
        titles = list(
            dict.fromkeys((c.source, c.section) for c in self.chunks if c.owner in ("", viewer))
        )
        if day is not None:
            for source, title in titles:
                if re.match(rf"^{day}\s*(?:e|er|ère|re|ème|eme|th|st|nd|rd)?\b", fold(title)):
                    return source, title
        asked = set(analyze(question))
        best: tuple[float, tuple[str, str] | None] = (0.0, None)
        for source, title in titles:
            words = set(analyze(re.sub(r"^\d+\s*\w*\s+jour\s*[–-]", "", title)))
            if len(words) < 2:
                continue
            share = len(words & asked) / len(words)
            if share > best[0]:
                best = (share, (source, title))
        return best[1] if best[0] >= 0.75 else None

    def section(
        self, source: str, title: str, viewer: str | None = None
    ) -> list[tuple[Chunk, np.ndarray | None]]:
        """The chunks of one section in reading order, with their packed vectors (only those
        ``viewer`` may read)."""
        self._ensure_fresh()
        return [
            (chunk, self._vectors[i] if i < len(self._vectors) else None)
            for i, chunk in enumerate(self._chunks)
            if chunk.source == source and chunk.section == title and chunk.owner in ("", viewer)
        ]

    def search(
        self, query: SearchQuery, k: int | None = None, viewer: str | None = None
    ) -> Retrieval:
        """``viewer``: the chat user asking; other users' private uploads are left out of
        both rankings (None: only the shared corpus)."""
        self._ensure_fresh()
        k = k or self.settings.top_k
        if not self._chunks:
            return Retrieval([], {})
        hidden = [o for o in self._owner_names if o != viewer]
        excluded = np.isin(self._owners, hidden) if hidden else None
        n = min(self.settings.candidates, len(self._chunks))
        mode = self.settings.retrieval_mode
        dense: list[tuple[int, float]] = []
        lexical: list[tuple[int, float]] = []
        sentence_sims: dict[int, np.ndarray] = {}
        if mode in ("hybrid", "lexical"):
            assert self._bm25 is not None
            lexical = self._bm25.search(query.lexical, n, query.weights or None, excluded)
        if mode in ("hybrid", "dense"):
            vector = np.asarray(self.embedder.embed_query(query.text), dtype=np.float32)
            scores: dict[int, float] = {}
            for cid, similarity in self.store.query(vector, n, hidden):
                index = self._by_id.get(cid)
                if index is not None:
                    scores[index] = similarity
            # Chroma proposes candidates by chunk vector; every candidate (BM25's too) is
            # then scored from its sentences when their vectors are indexed.
            for index in set(scores) | {i for i, _ in lexical}:
                vectors = self._vectors[index] if index < len(self._vectors) else None
                if vectors is not None:
                    scores[index], sentence_sims[index] = dense_score(
                        vectors, vector, self._readable[index]
                    )
            dense = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

        fused: dict[int, float] = {}
        dense_rank: dict[int, int] = {}
        lexical_rank: dict[int, int] = {}
        for rank, (index, _) in enumerate(dense, start=1):
            dense_rank[index] = rank
        for rank, (index, _) in enumerate(lexical, start=1):
            lexical_rank[index] = rank
        if self.settings.fusion == "rrf":
            rrf = self.settings.rrf_k
            for index, rank in dense_rank.items():
                fused[index] = fused.get(index, 0.0) + self.settings.dense_weight / (rrf + rank)
            for index, rank in lexical_rank.items():
                fused[index] = fused.get(index, 0.0) + self.settings.lexical_weight / (rrf + rank)
        else:
            # Score fusion: each ranking's scores rescaled to [0, 1] over its candidates,
            # so a passage far ahead in one ranking keeps its lead.
            lexical_weight = self.settings.lexical_weight
            if query.cross_lingual:
                # French BM25 cannot match an English question's words (names aside).
                lexical_weight *= self.settings.cross_lingual_lexical_factor
            for weight, scored in ((self.settings.dense_weight, dense), (lexical_weight, lexical)):
                if not scored:
                    continue
                values = [score for _, score in scored]
                low, high = min(values), max(values)
                span = (high - low) or 1.0
                for index, score in scored:
                    fused[index] = fused.get(index, 0.0) + weight * (score - low) / span
        ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        results = []
        for position, (index, score) in enumerate(ranked, start=1):
            chunk = self._chunks[index]
            results.append(
                RetrievedChunk.of(
                    chunk,
                    round(score, 6),
                    position,
                    dense_rank=dense_rank.get(index),
                    lexical_rank=lexical_rank.get(index),
                )
            )
        similarity = {self._chunks[i].id: s for i, s in dense}
        sentences = {self._chunks[i].id: sims for i, sims in sentence_sims.items()}
        return Retrieval(results, similarity, sentences)


def readable_rows(units: list[Unit], sentences: int) -> np.ndarray:
    """For each of a chunk's ``sentences``: is it part of a unit an answer may quote?"""
    mask = np.zeros(sentences, dtype=bool)
    for unit in units:
        if unit.quotable:
            mask[[r for r in unit.rows if r < len(mask)]] = True
    return mask


def vector_rows(chunk: Chunk) -> int:
    """Rows a chunk's packed vectors must have: its title, then each of its sentences."""
    return 1 + len(sentences_of(chunk.text))
