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

from ..agent_nouns import agent_verbs
from ..backends.embeddings import Embedder
from ..backends.store import ChunkStore
from ..ingest.sentvectors import dense_score, sentences_of, unpack
from ..models import Chunk, RetrievedChunk
from ..settings import Settings
from ..textnorm import analyze, contains_run, fold, tokens
from ..textunits import Boilerplate, Unit, name_sections, split_units, with_antecedents
from .cognates import Bridge
from .definitions import DEFINES_AT_LEAST, defined_subjects, defines, long_forms
from .lexical import BM25Index
from .query import Intent, SearchQuery, spelled_out_initials

log = logging.getLogger(__name__)

Key = tuple[int, int]  # a candidate: (partition number, index in it)

# How much of a heading a question must name to name that part (« selon la note » names one
# word of « Contexte & objectifs de la note prospective »: not that part).
NAMES_AT_LEAST = 0.5


@dataclass
class Section:
    """The section a question names (« Résume le 12e jour »): its chunks in reading order,
    with their packed vectors."""

    source: str
    title: str
    chunks: list[tuple[Chunk, np.ndarray | None]]


@dataclass
class Retrieval:
    """Ranked passages plus everything the answer and abstention decisions read of the index
    for this question (what the viewer may read only), so that no later step asks the
    :class:`Retriever` again."""

    passages: list[RetrievedChunk]
    dense_similarity: dict[str, float]  # chunk id -> dense score (sentence-aware when known)
    # chunk id -> similarity of each sentence of the chunk (split_sentences order)
    sentence_similarity: dict[str, np.ndarray] = field(default_factory=dict)
    # chunk id -> its readable units (the passages', and the named section's chunks')
    units: dict[str, list[Unit]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)  # the query's terms -> their IDF
    known: frozenset[str] = frozenset()  # the query's terms (and searched) the corpus holds
    # … and those it does not hold but whose first letters (PREFIX) a corpus term shares:
    # the note writes a word of their family (« débattu » of « débat », « prend » of
    # « prendre »), where a word none shares it never writes of (« rembourse »).
    kin: frozenset[str] = frozenset()
    unknown_names: list[str] = field(default_factory=list)  # asked about, never mentioned
    section: Section | None = None  # the section a summary question names
    # An English question's terms -> the corpus term each is a cognate of (« partnership »
    # -> « partenariat »; search/cognates.py), whose IDF ``idf`` holds too.
    cognates: dict[str, str] = field(default_factory=dict)
    # How much the words shared with the question weigh, as BM25 weighed in the fusion: an
    # English question's less (settings.cross_lingual_lexical_factor), 1 otherwise.
    lexical_factor: float = 1.0
    # The query's terms the corpus knows in another form (« changent » -> « chang »).
    forms: dict[str, str] = field(default_factory=dict)
    # The terms of the question's subject the corpus never writes (« petit » of « pour une
    # petite association »): said missing (unknown_names), weighed by no unit.
    unwritten: frozenset[str] = frozenset()
    # The acronyms the readable passages write, and those they spell out with their long
    # form's terms (Partition.long_forms): « les 17 ODD » counts « objectifs ».
    acronyms: frozenset[str] = frozenset()
    long_forms: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def counted_acronym(self, intent: Intent) -> str:
        """« Combien d'objectifs compte l'Agenda 2030 ? »: the acronym whose long form the
        note spells out opening on the counted noun (« objectifs de développement durable
        (ODD) »), when the initials of the question's counted phrase give none the note
        writes; "" otherwise, or when two acronyms would."""
        if not intent.counted_terms:
            return ""
        initials = intent.counted_initials.lower()
        if len(initials) >= 2 and any(initials.startswith(a) for a in self.acronyms):
            return ""
        head = intent.counted_terms[0]
        found = [a for a, long in self.long_forms.items() if long[:1] == (head,)]
        return found[0] if len(found) == 1 else ""

    def units_of(self, passage: RetrievedChunk) -> list[Unit]:
        return self.units.get(passage.id, [])

    @property
    def ranked(self) -> list[RetrievedChunk]:
        """The ranked passages, without the continuations read after them."""
        return [p for p in self.passages if p.continues is None]


# An ordinal however written, on tokens(): « 5e », « 5eme », « 5th » are one number.
_ORDINAL = re.compile(r"\b(\d+)(?:e|eme|ieme|er|ere|re|th|st|nd|rd)\b")
# The letters a question's word and a corpus term must share first to be compared as one
# word under another ending or a typo (``Retriever._writes``).
PREFIX = 5
# An unknown term is a corpus term of at least this many letters with one or two letters
# the stemmer left on it (Retriever._ending_of).
ENDING_STEM = 6


# A run of the question's words lifts the passages naming it only when at most this share
# of a partition's chunks do (it then sets them apart).
RUN_NAMED_AT_MOST = 0.25


@dataclass
class Partition:
    """One owner's index: the shared corpus (owner "") or one user's private uploads.

    Everything computed over a set of chunks — BM25 and its word statistics (IDF,
    ``knows``), the repeated-line model, the readable units cut with it — is computed per
    partition, so a private upload never changes what the shared corpus's statistics say
    (issue 21: one user's file turned another user's abstention into an answer). A
    private partition's word statistics are those of everything its owner reads (the
    shared corpus and their uploads), so that its scores compare with the shared ones."""

    owner: str
    chunks: list[Chunk]
    bm25: BM25Index
    boilerplate: Boilerplate
    by_id: dict[str, int]
    units: dict[str, list[Unit]]
    readable: list[np.ndarray]
    vectors: list[np.ndarray | None]
    defined: list[list[tuple[str, ...]]]  # per chunk: the subjects its sentences define
    headings: list[frozenset[str]]  # per chunk: its section title's terms (no day number)
    acronyms: frozenset[str]  # the acronyms its passages write (« TPE »), lowercased
    openings: frozenset[int]  # the chunks of each document's first section
    # The acronyms its passages spell out, each with its long form's terms (« odd » ->
    # objectifs de développement durable, analysed).
    long_forms: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, owner: str, chunks: list[Chunk], shared: Partition | None = None) -> Partition:
        """``shared``: for a private partition, the shared corpus its owner also reads. Its
        word statistics count it (see :class:`BM25Index`), and it is never changed."""
        background = shared.bm25 if shared is not None else None
        bm25 = BM25Index([f"{c.section}\n{c.text}" for c in chunks], background=background)
        by_section: dict[tuple[str, str], list[str]] = {}
        for chunk in chunks:
            by_section.setdefault((chunk.source, chunk.section), []).append(chunk.text)
        boilerplate = Boilerplate.from_sections(by_section)
        # Each chunk's units, cut once here: answers read them, and they mark which
        # sentences a chunk's dense score may use.
        openers: dict[tuple[str, str], str] = {}  # (source, section) -> its first chunk's id
        for chunk in sorted(chunks, key=lambda c: c.ordinal):
            openers.setdefault((chunk.source, chunk.section), chunk.id)
        units = {
            c.id: split_units(c.text, boilerplate, openers[(c.source, c.section)] == c.id)
            for c in chunks
        }
        in_order = sorted(chunks, key=lambda c: c.ordinal)
        told = with_antecedents(
            [(f"{c.source}\n{c.section}", c.text, units[c.id]) for c in in_order]
        )
        units.update({c.id: u for c, u in zip(in_order, told, strict=True)})
        # A document's contents (a list of its own section titles) names its topics and says
        # nothing of them: « Qui sont les professionnels de l'accompagnement ? » quoted the
        # note's programme, which holds every word asked.
        titles = {c.section: frozenset(analyze(_DAY_PREFIX.sub("", c.section))) for c in chunks}
        of_source: dict[str, set[frozenset[str]]] = {}
        for chunk in chunks:
            of_source.setdefault(chunk.source, set()).add(titles[chunk.section])
        units.update({c.id: name_sections(units[c.id], of_source[c.source]) for c in chunks})
        readable = [readable_rows(units[c.id], vector_rows(c) - 1) for c in chunks]
        # Vectors that do not match the chunk's sentences (another recipe) are unused.
        vectors = [
            v if v is not None and len(v) == vector_rows(c) else None
            for c, v in ((c, unpack(c.sentence_vectors)) for c in chunks)
        ]
        by_id = {c.id: i for i, c in enumerate(chunks)}
        defined = [defined_subjects(sentences_of(c.text)) for c in chunks]
        headings = [titles[c.section] for c in chunks]
        acronyms = frozenset(a.lower() for c in chunks for a in _ACRONYM.findall(c.text))
        spelled: dict[str, str] = {}
        for chunk in chunks:
            if "(" in chunk.text or "–" in chunk.text:
                spelled = long_forms(chunk.text) | spelled
        spelled_terms = {a: tuple(analyze(long)) for a, long in spelled.items()}
        first: dict[str, tuple[int, str]] = {}  # source -> (ordinal, section) of its first chunk
        for c in chunks:
            if c.source not in first or c.ordinal < first[c.source][0]:
                first[c.source] = (c.ordinal, c.section)
        openings = frozenset(i for i, c in enumerate(chunks) if first[c.source][1] == c.section)
        return cls(
            owner,
            chunks,
            bm25,
            boilerplate,
            by_id,
            units,
            readable,
            vectors,
            defined,
            headings,
            acronyms,
            openings,
            spelled_terms,
        )

    def vector(self, index: int) -> np.ndarray | None:
        return self.vectors[index] if index < len(self.vectors) else None


EMPTY = Partition(
    "", [], BM25Index([]), Boilerplate(), {}, {}, [], [], [], [], frozenset(), frozenset()
)
_ACRONYM = re.compile(r"\b[A-Z]{3,5}\b")
_WORD = re.compile(r"\w+")
# « Que sont … ? », « Qu'est-ce que … ? », « Que font … ? »: what something is or does.
_WHAT_IT_IS = re.compile(r"^\W*(?:et\s+)?qu(?:e\s+|['’]\s*)(?:est|sont|font|fait)\b")
# « 16e jour – Les webinaires »: the day number is how a title is numbered, not what it names.
_DAY_PREFIX = re.compile(r"^\d+\s*\w*\s+jour\s*[–-]")


class Retriever:
    """Hybrid search over one store, one :class:`Partition` per owner; the partitions are
    rebuilt only when the store changes.

    A viewer's search reads the shared partition, ranked with the shared corpus's own
    statistics, and the viewer's own partition, ranked with that owner's statistics: for a
    user without uploads, nothing another user uploads changes anything."""

    def __init__(self, store: ChunkStore, embedder: Embedder, settings: Settings) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self._lock = threading.Lock()
        self._count: object = None
        self._shared: Partition = EMPTY
        self._private: dict[str, Partition] = {}
        self._built = False
        self._mention_text: tuple[object, str] = (None, "")  # (version, viewer): folded text
        self._bridge: tuple[object, Bridge] = (None, Bridge())  # (version, viewer): cognates
        # (version, viewer) -> every term the corpus writes, by its first five letters
        self._prefixes: tuple[object, dict[str, list[str]]] = (None, {})

    @property
    def chunks(self) -> list[Chunk]:
        """The shared corpus's chunks (private uploads: :meth:`partitions`)."""
        self._ensure_fresh()
        return self._shared.chunks

    @property
    def _boilerplate(self) -> Boilerplate:
        """The shared corpus's repeated lines (the trainer's checks read them)."""
        self._lexical()
        return self._shared.boilerplate

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
        if signature == self._count and self._built:
            return
        with self._lock:
            if signature == self._count and self._built:
                return
            by_owner: dict[str, list[Chunk]] = {}
            for chunk in self.store.all_chunks():
                by_owner.setdefault(chunk.owner, []).append(chunk)
            shared = Partition.build("", by_owner.pop("", []))
            private = {o: Partition.build(o, c, shared) for o, c in by_owner.items()}
            # Built in full before being published, so a concurrent search never sees
            # a half-built index.
            self._shared, self._private = shared, private
            self._count, self._built = signature, True
            log.debug("BM25 rebuilt over %d shared chunks", len(shared.chunks))

    def _lexical(self) -> BM25Index:
        """The shared BM25 index of the last freshness check (built on first use).

        ``knows``/``idf`` are called once per question term after ``search``: they read
        the snapshot that search used instead of asking the store for its count each
        time (one round-trip per term, an HTTP request with a Chroma server).
        """
        if not self._built:
            self._ensure_fresh()
        return self._shared.bm25

    def partitions(self, viewer: str | None) -> list[Partition]:
        """What ``viewer`` may read: the shared corpus, then their own uploads (if any)."""
        self._lexical()
        own = self._private.get(viewer) if viewer else None
        return [self._shared] if own is None else [self._shared, own]

    def units_of(self, passage: RetrievedChunk) -> list[Unit]:
        """The readable units of an indexed chunk (cut once per index refresh, with its
        owner's repeated lines); a passage not in the index is cut on the spot, with the
        shared corpus's."""
        self._lexical()
        for part in (self._shared, *self._private.values()):
            units = part.units.get(passage.id)
            if units is not None:
                return units
        return split_units(passage.text, self._shared.boilerplate)

    def knows(self, term: str, viewer: str | None = None) -> bool:
        """Does the analysed term occur in what ``viewer`` may read?"""
        return any(p.bm25.has(term) for p in self.partitions(viewer))

    def known_form(self, term: str, viewer: str | None = None) -> str | None:
        """The term as the corpus knows it, or None. The French stemmer leaves a verb's
        « -ent » (« s'engagent » → « engagent », « s'engager » → « engag »): an unknown term
        in « -ent » whose stem without it is known (five letters at least) is that stem. Only
        that ending: « directeur » is not « direct ». An agent noun the corpus never writes
        is its verb's stem when the corpus has it (:mod:`assistant.agent_nouns`: « éditeur »
        of « édité »; « directeur » is no agent noun of a verb)."""
        if self.knows(term, viewer):
            return term
        stem = term[:-3] if term.endswith("ent") else ""
        if len(stem) >= 5 and self.knows(stem, viewer):
            return stem
        # « éditeur », which the note never writes, is who « édite »: the note's « édité ».
        verb = agent_verbs().get(term)
        if verb is not None and self.knows(verb, viewer):
            return verb
        return None

    def idf(self, term: str, viewer: str | None = None) -> float:
        """The term's IDF in the shared corpus; a term only the viewer's own uploads hold
        takes its IDF there (their own statistics, never another user's)."""
        parts = self.partitions(viewer)
        for part in parts:
            if part.bm25.has(term):
                return part.bm25.idf(term)
        return parts[0].bm25.idf(term)

    def _never_written(self, query: SearchQuery, viewer: str | None) -> list[str]:
        """The terms of the question's subject (``query.subject``) that the corpus never
        writes, when it writes some other: « petite association » is a kind of association
        the note never names, where a subject of one word it does not know (« la suite »,
        « le futur ») may be a word of the asking or a synonym. A term is written under
        another ending or a typo (:meth:`_writes`), and a phrase when its acronym is (« Très
        Petites Entreprises », « TPE »). An English question's words
        are not the note's anyway (its cognates are read instead), and a year or an
        edition has readings of its own (evidence: unknown years)."""
        subject = query.subject
        if not subject or query.cross_lingual or any(c.isdigit() for c in subject):
            return []
        terms = analyze(subject)
        unknown = [t for t in terms if not self._writes(t, viewer)]
        if not unknown or len(unknown) == len(terms) or self.mentions(subject, viewer):
            return []
        if any(self.knows(acronym, viewer) for acronym in spelled_out_initials(subject)):
            return []
        return unknown

    def _writes(self, term: str, viewer: str | None) -> bool:
        """The term, a corpus term it begins as (all its letters but the last two, six at
        least), or one a letter away (from nine letters on; two from twelve) is the
        corpus's: another ending or a typo (« benefici » for « bénéficières » and
        « beneficiair », « parteneriat » and « partenariat »). Not a longer word on a
        shorter root (« humanitair » and « human » of « Humanisme »), nor a short word five
        letters of which another shares (« famill » and « familiaris », « retrait » and
        « retrac », « internet » and « interet »: real words, not typos)."""
        if self.known_form(term, viewer) is not None:
            return True
        if len(term) < PREFIX:
            return False
        return any(
            _common_prefix(term, known) >= max(PREFIX + 1, len(term) - 2)
            or (len(term) >= 9 and _within_edits(term, known, 1 if len(term) < 12 else 2))
            for known in self._sharing_prefix(term, viewer)
        )

    def _ending_of(self, term: str, viewer: str | None) -> str | None:
        """The corpus term an unknown term is, with one or two letters the stemmer left on
        it (six letters at least): « travaille » analyses to « travaill » where the note's
        « travail » is « travail »; that word is the note's, which the share it knows
        counts. Not a word of the family (« difficile » is not « difficultés »). None
        otherwise. (Such a term is one :meth:`_writes` accepts, the strictest of them.)"""
        if len(term) < ENDING_STEM + 1:
            return None
        options = [
            k
            for k in self._sharing_prefix(term, viewer)
            if len(k) >= ENDING_STEM and term.startswith(k) and len(term) - len(k) <= 2
        ]
        return max(options, key=len, default=None)

    def _sharing_prefix(self, term: str, viewer: str | None) -> list[str]:
        """The corpus terms ``viewer`` may read that share ``term``'s first PREFIX letters,
        bucketed once per index version."""
        key = (self.version, viewer)
        if self._prefixes[0] != key:
            by_prefix: dict[str, list[str]] = {}
            for part in self.partitions(viewer):
                for known in part.bm25.terms():
                    if len(known) >= PREFIX:
                        by_prefix.setdefault(known[:PREFIX], []).append(known)
            self._prefixes = (key, by_prefix)
        return self._prefixes[1].get(term[:PREFIX], [])

    def mentions(self, phrase: str, viewer: str | None = None) -> bool:
        """Does ``phrase`` (« Fondation de France ») occur, its words in a row, in a passage
        ``viewer`` may read? Matched on :func:`~assistant.textnorm.tokens` (no accents, no
        case), so « l'État » matches « l'Etat », and ordinals on their number (« la 5e
        Rencontre » matches « la 5ème Rencontre »)."""
        wanted = _ORDINAL.sub(r"\1e", " ".join(tokens(phrase)))
        if not wanted:
            return True
        key = (self.version, viewer)
        if self._mention_text[0] != key:
            readable = (c.text for part in self.partitions(viewer) for c in part.chunks)
            text = " " + " ".join(" ".join(tokens(t)) for t in readable) + " "
            self._mention_text = (key, _ORDINAL.sub(r"\1e", text))
        return f" {wanted} " in self._mention_text[1]

    def cognates(self, text: str, viewer: str | None = None) -> dict[str, str]:
        """The terms of ``text`` (English) -> the corpus term each word is a cognate of,
        where that is another term (search/cognates.py). The corpus's terms are bucketed
        once per index version; a word's cognate is then a few dozen comparisons."""
        key = (self.version, viewer)
        if self._bridge[0] != key:
            terms = (t for part in self.partitions(viewer) for t in part.bm25.terms())
            self._bridge = (key, Bridge.of(terms))
        bridge = self._bridge[1]
        found: dict[str, str] = {}
        for word in _WORD.findall(text):
            term = analyze(word)
            french = bridge.french(word)
            if term and french and french != term[0]:
                found.setdefault(term[0], french)
        return found

    def find_section(
        self, asked: list[str], day: int | None, viewer: str | None = None
    ) -> tuple[str, str] | None:
        """The (source, section title) a question names: « le 12e jour » (a title that opens
        on that number), or most of a title's words (« la section Pour aller plus loin »).
        Only sections ``viewer`` may read (see :meth:`search`). ``asked``: the question's
        terms (``analyze``)."""
        titles = self._titles(viewer)
        if day is not None:
            for source, title in titles:
                if re.match(rf"^{day}\s*(?:e|er|ère|re|ème|eme|th|st|nd|rd)?\b", fold(title)):
                    return source, title
        asked_terms = set(asked)
        best: tuple[float, tuple[str, str] | None] = (0.0, None)
        for (source, title), words in titles.items():
            if len(words) < 2:
                continue
            share = len(words & asked_terms) / len(words)
            if share > best[0]:
                best = (share, (source, title))
        return best[1] if best[0] >= 0.75 else None

    def titled_section(
        self, asked: set[str], viewer: str | None = None
    ) -> tuple[str, str] | None:
        """The (source, section title) whose title's terms (two at least) are exactly
        ``asked``, when one section has them."""
        if len(asked) < 2:
            return None
        found = [key for key, words in self._titles(viewer).items() if words == asked]
        return found[0] if len(found) == 1 else None

    def _titles(self, viewer: str | None) -> dict[tuple[str, str], frozenset[str]]:
        """The (source, section title) of each section ``viewer`` may read, in reading
        order, with its title's terms (no day number: ``Partition.headings``)."""
        return {
            (c.source, c.section): heading
            for part in self.partitions(viewer)
            for c, heading in zip(part.chunks, part.headings, strict=True)
        }

    def section(
        self, source: str, title: str, viewer: str | None = None
    ) -> list[tuple[Chunk, np.ndarray | None]]:
        """The chunks of one section in reading order, with their packed vectors (only those
        ``viewer`` may read)."""
        return [
            (chunk, part.vector(i))
            for part in self.partitions(viewer)
            for i, chunk in enumerate(part.chunks)
            if chunk.source == source and chunk.section == title
        ]

    def search(
        self, query: SearchQuery, k: int | None = None, viewer: str | None = None
    ) -> Retrieval:
        """``viewer``: the chat user asking, answered from the shared corpus and their own
        private uploads (None: only the shared corpus). Each partition's candidates are
        scored with its own statistics; the fused ranking runs over what the viewer may
        read only, so for a viewer without uploads it is the shared corpus's ranking."""
        parts = self.partitions(viewer)
        k = k or self.settings.top_k
        size = sum(len(p.chunks) for p in parts)
        if not size:
            return self._read(query, Retrieval([], {}), viewer)
        # A candidate is (partition number, index in it): the shared corpus first, so ties
        # rank as they would without any private upload.
        chunk_at = {(n, i): c for n, p in enumerate(parts) for i, c in enumerate(p.chunks)}
        where = {c.id: (n, i) for (n, i), c in chunk_at.items()}
        n_candidates = min(self.settings.candidates, size)
        mode = self.settings.retrieval_mode
        dense: list[tuple[tuple[int, int], float]] = []
        lexical: list[tuple[tuple[int, int], float]] = []
        sentence_sims: dict[tuple[int, int], np.ndarray] = {}
        lifts = self._lifts(query, parts)
        if mode in ("hybrid", "lexical"):
            # « les très petites entreprises » is searched as « TPE » too, where the corpus
            # writes that acronym.
            written = [a for a in query.initials if any(a in p.acronyms for p in parts)]
            searched = " ".join([query.lexical, *written])
            for n, part in enumerate(parts):
                found = part.bm25.search(searched, n_candidates, query.weights or None)
                lexical += [((n, i), score) for i, score in found]
            lexical = sorted(lexical, key=lambda kv: (-kv[1], kv[0]))[:n_candidates]
        if mode in ("hybrid", "dense"):
            # « Combien de bénévoles en France en 2023 ? »: a year the note never writes is
            # judged apart (the answer says it has nothing of that year); embedded, it moved
            # the question away from the passage giving the number of volunteers.
            unwritten = [y for y in query.years if not self.knows(y, viewer)]
            text = query.text
            for year in unwritten:
                text = re.sub(rf"\s*\b(?:en|in)?\s*{year}\b", "", text)
            vector = np.asarray(self.embedder.embed_query(text), dtype=np.float32)
            scores: dict[tuple[int, int], float] = {}
            # Chroma proposes candidates among the owners the viewer may read only.
            hidden = sorted(set(self._private) - {viewer or ""})
            for cid, similarity in self.store.query(vector, n_candidates, hidden):
                key = where.get(cid)
                if key is not None:
                    scores[key] = similarity
            # Every candidate (BM25's too, and the passages lifted below) is then scored
            # from its sentences when their vectors are indexed.
            for key in set(scores) | {key for key, _ in lexical} | set(lifts):
                part = parts[key[0]]
                vectors = part.vector(key[1])
                if vectors is not None:
                    scores[key], sentence_sims[key] = dense_score(
                        vectors, vector, part.readable[key[1]]
                    )
            dense = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:n_candidates]

        fused: dict[tuple[int, int], float] = {}
        dense_rank: dict[tuple[int, int], int] = {}
        lexical_rank: dict[tuple[int, int], int] = {}
        for rank, (key, _) in enumerate(dense, start=1):
            dense_rank[key] = rank
        for rank, (key, _) in enumerate(lexical, start=1):
            lexical_rank[key] = rank
        if self.settings.fusion == "rrf":
            rrf = self.settings.rrf_k
            for key, rank in dense_rank.items():
                fused[key] = fused.get(key, 0.0) + self.settings.dense_weight / (rrf + rank)
            for key, rank in lexical_rank.items():
                fused[key] = fused.get(key, 0.0) + self.settings.lexical_weight / (rrf + rank)
        else:
            # Score fusion: each ranking's scores rescaled to [0, 1] over its candidates,
            # so a passage far ahead in one ranking keeps its lead.
            lexical_weight = self.settings.lexical_weight
            if query.cross_lingual:
                # French BM25 cannot match an English question's words (names aside).
                lexical_weight *= self.settings.cross_lingual_lexical_factor
            # So few passages share a word with the question (fewer than are given) that
            # each is a real match: the last must not score as nothing, as rescaling from
            # the lowest would make it (« les cotisations »: two passages name them).
            few = len(lexical) < self.settings.top_k
            for weight, scored, floor in (
                (self.settings.dense_weight, dense, None),
                (lexical_weight, lexical, 0.0 if few else None),
            ):
                for key, value in rescaled(scored, floor).items():
                    fused[key] = fused.get(key, 0.0) + weight * value
        for key, bonus in lifts.items():
            fused[key] = fused.get(key, 0.0) + bonus
        ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        results = []
        for position, (key, score) in enumerate(ranked, start=1):
            results.append(
                RetrievedChunk.of(
                    chunk_at[key],
                    round(score, 6),
                    position,
                    dense_rank=dense_rank.get(key),
                    lexical_rank=lexical_rank.get(key),
                )
            )
        # A passage cut by the chunk boundary: « … le Fonjep a lancé, dès 2017, des travaux
        # d'envergure. » ends one chunk and « Après une étude … de plus de 2 000 associations
        # … » opens the next, which shares few words with the question. The next chunk of
        # the same section is read after the ranked ones, scored as the passage it continues.
        ranked_keys = {key for key, _ in ranked}
        for key, score in ranked[: self.settings.continued_passages]:
            after = (key[0], key[1] + 1)
            chunk, following = chunk_at[key], chunk_at.get(after)
            if (
                following is None
                or after in ranked_keys
                or following.source != chunk.source
                or following.section != chunk.section
            ):
                continue
            ranked_keys.add(after)
            if after not in sentence_sims and mode in ("hybrid", "dense"):
                vectors = parts[after[0]].vector(after[1])
                if vectors is not None:
                    _, sentence_sims[after] = dense_score(
                        vectors, vector, parts[after[0]].readable[after[1]]
                    )
            continuation = RetrievedChunk.of(following, round(score, 6), len(results) + 1)
            continuation.continues = chunk.id
            results.append(continuation)
        similarity = {chunk_at[key].id: s for key, s in dense}
        sentences = {chunk_at[key].id: sims for key, sims in sentence_sims.items()}
        return self._read(query, Retrieval(results, similarity, sentences), viewer)

    def _lifts(self, query: SearchQuery, parts: list[Partition]) -> dict[tuple[int, int], float]:
        """What is added to the fused score (0-2) of passages the question points to other
        than by its words, candidates or not:

        - a definition question (« c'est quoi X ? ») lifts the passages where X is the
          subject of a defining sentence (« X est un … »): that sentence shares only X with
          the question, and X may be named all over the corpus;
        - a question naming the part of the note it asks about (« d'après le webinaire »,
          « la partie sur les spécificités … ») lifts the passages under a heading it names
          most of, in proportion; « l'introduction » names a document's first section;
        - a question about a subject of several words (« Quel est le rôle des collectivités
          territoriales ? », or « Qu'est-ce que l'économie de l'engagement ? ») lifts the
          passages naming them in a row: their words apart are all over the note
          (« capacité collective … sur les territoires », « l'engagement territorial des
          acteurs économiques »); and those
          naming the role asked of it in a row (« Le rôle du modèle socio-économique est de
          … »), as much again — a run more than a quarter of the passages name (« modèle
          socio-économique »: 88 of 138) sets none apart and lifts none."""
        lifts: dict[tuple[int, int], float] = {}
        definition, named = self.settings.definition_boost, self.settings.named_part_boost
        asked = set(query.part)
        by_phrase = self.settings.subject_phrase_boost
        runs = [
            list(run)
            for run in dict.fromkeys(
                (query.intent.subject_terms, query.intent.role_terms, query.defined)
            )
            if len(run) > 1 and by_phrase
        ]
        for n, part in enumerate(parts):
            # Which chunks name each run; a run most of them name (« modèle socio-économique »
            # in a note about it) sets none apart, and lifting them all pushed down the one
            # writing the role asked.
            naming = [
                {
                    i
                    for i, c in enumerate(part.chunks)
                    if any(contains_run(list(u.terms), run) for u in part.units[c.id])
                }
                for run in runs
            ]
            most = RUN_NAMED_AT_MOST * len(part.chunks)
            naming = [found for found in naming if len(found) <= most]
            for i in range(len(part.chunks)):
                bonus = 0.0
                if query.defined and definition:
                    fit = max((defines(s, query.defined) for s in part.defined[i]), default=0.0)
                    bonus += definition * fit if fit >= DEFINES_AT_LEAST else 0.0
                heading = part.headings[i]
                if asked and named and heading:
                    share = len(heading & asked) / len(heading)
                    if query.opening and i in part.openings:
                        share = 1.0
                    bonus += named * share if share >= NAMES_AT_LEAST else 0.0
                bonus += by_phrase * sum(i in found for found in naming)
                if bonus:
                    lifts[(n, i)] = bonus
        return lifts

    def _read(self, query: SearchQuery, retrieval: Retrieval, viewer: str | None) -> Retrieval:
        """What the later steps read of the index for ``query``: the passages' units, the
        IDF of its terms and which the corpus knows, the names it never mentions, and the
        section a summary question names (with its chunks' units)."""
        terms = list(dict.fromkeys([*query.terms, *query.lexical_terms]))
        # « Quelle part des associations travaille avec des entreprises ? » said not found:
        # « travaille », the highest IDF as a word the note never writes, sank the share of
        # the question's words it knows, though the note writes « travail ».
        # (An English question's words are read through their cognates instead.)
        other_ending = not query.cross_lingual
        forms = {
            t: self.known_form(t, viewer) or (self._ending_of(t, viewer) if other_ending else None)
            for t in terms
        }
        retrieval.idf = {t: self.idf(forms[t] or t, viewer) for t in terms}
        retrieval.known = frozenset(t for t in terms if forms[t])
        retrieval.kin = frozenset(
            t for t in terms if not forms[t] and self._sharing_prefix(t, viewer)
        )
        # « changent » (the stemmer leaves the verb's ending) is the note's « chang »: the
        # units hold that form.
        retrieval.forms = {t: f for t, f in forms.items() if f and f != t}
        retrieval.idf |= {f: retrieval.idf[t] for t, f in retrieval.forms.items()}
        if query.cross_lingual:
            retrieval.lexical_factor = self.settings.cross_lingual_lexical_factor
            retrieval.cognates = self.cognates(f"{query.focus_text} {query.lexical}", viewer)
            retrieval.idf |= {f: self.idf(f, viewer) for f in retrieval.cognates.values()}
        retrieval.unknown_names = [n for n in query.names if not self.mentions(n, viewer)]
        parts = self.partitions(viewer)
        retrieval.acronyms = frozenset().union(*(p.acronyms for p in parts))
        retrieval.long_forms = {a: f for p in reversed(parts) for a, f in p.long_forms.items()}
        unwritten = [] if retrieval.unknown_names else self._never_written(query, viewer)
        if unwritten:
            # « Et pour une petite association ? »: a word of the subject the note never
            # writes — it cannot say what is asked of that subject in particular; what it
            # says of the rest of the question is judged and scored without that word.
            retrieval.unknown_names = [query.subject]
            retrieval.unwritten = frozenset(unwritten)
        named = None
        if query.intent.kind == "summary":
            named = self.find_section(query.asked, query.intent.day, viewer)
        elif query.intent.kind == "explain" and not (
            query.intent.why
            or query.follow_up
            or query.defined
            or _WHAT_IT_IS.match(fold(query.focus_text).lower())
        ):
            # « Quelle place pour les territoires ? », « Les communautés de pairs ? »: a
            # question in a section's title words and no other asks what that section says
            # (« Que sont les communautés de pairs ? » asks what they are).
            named = self.titled_section(set(query.terms) - query.asking, viewer)
        if named is not None:
            chunks = self.section(*named, viewer)
            retrieval.section = Section(*named, chunks)
            retrieval.units = {c.id: self.units_of(c) for c, _ in chunks}
        retrieval.units |= {p.id: self.units_of(p) for p in retrieval.passages}
        return retrieval


def rescaled(scored: list[tuple[Key, float]], floor: float | None = None) -> dict[Key, float]:
    """Scores mapped to [0, 1] over the candidates: the best to 1, the lowest (or ``floor``,
    the score of a passage that does not match at all) to 0."""
    if not scored:
        return {}
    values = [score for _, score in scored]
    low = min(values) if floor is None else floor
    span = (max(values) - low) or 1.0
    return {key: (score - low) / span for key, score in scored}


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


def _common_prefix(a: str, b: str) -> int:
    shorter = min(len(a), len(b))
    return next((i for i in range(shorter) if a[i] != b[i]), shorter)


def _within_edits(a: str, b: str, most: int) -> bool:
    """Whether ``a`` becomes ``b`` in at most ``most`` insertions, deletions or
    substitutions (Levenshtein, one row at a time)."""
    if abs(len(a) - len(b)) > most:
        return False
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
        if min(row) > most:
            return False
    return row[-1] <= most
