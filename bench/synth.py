"""Synthetic corpora N× the reference note, for the scale benchmark.

Each synthetic document is made from the note's own sentences, so it speaks the same
vocabulary as the golden questions (retrieval stays hard: every new document is a
distractor), but no two documents are copies:

- the sections come in a shuffled order under reworded headings;
- about a third of the sentences are swapped for a sentence taken anywhere in the note,
  and the sentences of a paragraph are shuffled half of the time;
- organisations, programmes and places are replaced by fictional ones, years are shifted,
  other numbers rescaled, and some domain nouns swapped (associations → coopératives…).

Documents are Markdown (``#`` headings become sections), deterministic for a seed, and the
corpus for scale N is the original note plus N - 1 synthetic documents, so the golden
questions stay answerable (their evidence is in the original note).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.ingest.loading import discover, load
from assistant.textunits import split_sentences

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "corpus" / "rameau-hybridation-modeles-socio-economiques-2019.txt"
GENERATOR_VERSION = 1  # bump when the text produced changes (invalidates nothing by itself)

_ORGS = [
    "SILLON",
    "HORIZON",
    "BOUSSOLE",
    "ESTUAIRE",
    "MERIDIEN",
    "CANOPEE",
    "ALIZE",
    "TRAME",
    "VIGIE",
    "RIVAGE",
    "CORDEE",
    "ARCHIPEL",
    "SEMAPHORE",
    "LISIERE",
    "AMARRE",
    "FANAL",
    "CAIRN",
    "ORIENT",
    "FAISCEAU",
    "PRISME",
    "BALISE",
    "TISSAGE",
    "GRAINE",
    "MOSAIQUE",
]
_ENTITIES = {
    r"\bADASI\b": ["AGIRE", "PROPULSE", "ELAN", "ESSOR", "CAP-ASSO"],
    r"\bESSEC\b": ["IESA", "EDHEM", "ICAM", "ESCOM", "ISMAP"],
    r"\bCRDLA\b": ["CRAVE", "PRAXIS", "RELAIS-R"],
    r"\bDLA\b": ["PAL", "DAT", "SLA", "REA"],
    r"\bCGET\b": ["ANCT", "DGTS", "DIRCO"],
    r"\bMEDEF\b": ["CPME", "U2P", "GEPI"],
    r"\bFONJEP\b": ["FONDEV", "FIJEP", "CNAJEP"],
    r"\bUNCPIE\b": ["UNAFER", "FNCIV", "URIOPS"],
    r"Groupe La Poste": ["Groupe Ferrovia", "Groupe Hexa", "Groupe Citéo"],
    r"Caisse des Dépôts": ["Banque des Territoires", "Caisse d’Épargne Solidaire", "Crédit Mutuel"],
    r"Forum Convergences": ["Forum Passages", "Rencontres Solidaires", "Forum Alliances"],
    r"Ville de Paris": [
        "Ville de Lyon",
        "Métropole de Lille",
        "Ville de Nantes",
        "Ville de Rennes",
    ],
    r"Juris Associations": ["Jurisanté", "Lettre des Associations", "Revue Solidaire"],
    r"Syntec Conseil": ["Consult’Asso", "Fédération du Conseil", "Cabinet Orée"],
    r"Université Catholique de Lyon": ["Université de Bordeaux", "Université de Grenoble"],
    r"Centre-Val de Loire|Val de Loire": ["Bretagne", "Occitanie", "Normandie", "Grand Est"],
    r"Hauts-de-France": ["Nouvelle-Aquitaine", "Pays de la Loire", "Bourgogne"],
}
_NOUNS = [
    ("associations", "coopératives"),
    ("fondations", "mutuelles"),
    ("entreprises", "collectivités"),
    ("territoires", "quartiers"),
    ("bénévoles", "volontaires"),
    ("mécénat", "parrainage"),
    ("innovation", "expérimentation"),
    ("partenariats", "coopérations"),
    ("dirigeants", "responsables"),
    ("ressources", "moyens"),
]
_HEADINGS = [
    "{title}",
    "{title} ({place})",
    "{title} : retours d’expérience du {org}",
    "Étape {k} – {title}",
    "{title} — synthèse {year}",
]
_PLACES = [
    "Bretagne",
    "Occitanie",
    "Normandie",
    "Grand Est",
    "Auvergne",
    "Corse",
    "Alsace",
    "Lorraine",
    "Provence",
    "Picardie",
    "Limousin",
    "Savoie",
    "Bourgogne",
    "Anjou",
]
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,6})(?![\w])")


@dataclass
class SourceSection:
    title: str
    paragraphs: list[list[str]]  # sentences of each paragraph


def reference_sections(path: Path = REFERENCE) -> list[SourceSection]:
    """The note as the assistant reads it (cleaned, sectioned), split into sentences."""
    file = next(iter(discover([path])))
    document = load(file)
    out = []
    for section in document.sections:
        paragraphs = [split_sentences(p.text) or [p.text] for p in section.paragraphs]
        paragraphs = [p for p in paragraphs if any(s.strip() for s in p)]
        if paragraphs:
            out.append(SourceSection(section.title, paragraphs))
    return out


class Generator:
    """Deterministic synthetic documents from the reference note."""

    def __init__(self, sections: list[SourceSection] | None = None, seed: int = 2019) -> None:
        self.sections = sections if sections is not None else reference_sections()
        self.pool = [s for sec in self.sections for p in sec.paragraphs for s in p if len(s) > 40]
        self.seed = seed

    def document(self, number: int) -> str:
        """The Markdown text of synthetic document ``number`` (1-based)."""
        rng = random.Random(f"{self.seed}-{number}")
        org = rng.choice(_ORGS)
        year_shift = rng.randint(-8, 12)
        picks = {pattern: rng.choice(options) for pattern, options in _ENTITIES.items()}
        swaps = [pair for pair in _NOUNS if rng.random() < 0.5]
        place = rng.choice(_PLACES)
        order = list(self.sections)
        rng.shuffle(order)
        lines = [f"# Note {org} n° {number} – modèles socio-économiques, {place}", ""]
        for k, section in enumerate(order, start=1):
            heading = rng.choice(_HEADINGS).format(
                title=self._rewrite(section.title, org, year_shift, picks, swaps, rng),
                place=rng.choice(_PLACES),
                org=org,
                k=k,
                year=2019 + year_shift,
            )
            lines += [f"## {heading}", ""]
            paragraphs = list(section.paragraphs)
            if rng.random() < 0.3:
                rng.shuffle(paragraphs)
            for sentences in paragraphs:
                sentences = [
                    rng.choice(self.pool) if rng.random() < 0.33 and len(s) > 40 else s
                    for s in sentences
                ]
                if rng.random() < 0.5:
                    rng.shuffle(sentences)
                text = " ".join(
                    self._rewrite(s, org, year_shift, picks, swaps, rng) for s in sentences
                )
                lines += [text, ""]
        return "\n".join(lines)

    @staticmethod
    def _rewrite(text, org, year_shift, picks, swaps, rng) -> str:
        text = re.sub(r"\bRAMEAU\b", org, text)
        for pattern, replacement in picks.items():
            text = re.sub(pattern, replacement, text)
        for old, new in swaps:
            text = re.sub(rf"\b{old}\b", new, text)
            text = re.sub(rf"\b{old.capitalize()}\b", new.capitalize(), text)
        text = _YEAR.sub(lambda m: str(int(m.group(1)) + year_shift), text)
        return _NUMBER.sub(
            lambda m: (
                m.group(1)
                if _YEAR.fullmatch(m.group(1))
                else str(max(1, round(int(m.group(1)) * rng.uniform(0.5, 2.0))))
            ),
            text,
        )


def build_corpus(folder: Path, scale: int, seed: int = 2019) -> list[Path]:
    """Files of the scale-``scale`` corpus: the note plus ``scale - 1`` synthetic documents.

    Documents are written once into ``folder`` (reused by later calls and larger scales:
    the 10× corpus is part of the 100× one).
    """
    folder.mkdir(parents=True, exist_ok=True)
    original = folder / REFERENCE.name
    if not original.exists():
        original.write_bytes(REFERENCE.read_bytes())
    files = [original]
    generator: Generator | None = None
    for number in range(1, scale):
        path = folder / f"synthetique-{seed}-{number:03d}.md"
        if not path.exists():
            generator = generator or Generator(seed=seed)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(generator.document(number), encoding="utf-8")
            tmp.replace(path)
        files.append(path)
    return files
