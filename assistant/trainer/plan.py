"""The session plan: a timed outline of a session built on the sheet, for a length the
trainer chooses (default 2 h): opening, key messages, an activity on a case from the note,
debate, quiz, wrap-up. Each step says what to do, with which part of the sheet, and the
references [n] it rests on; the timing scales with the length, the content comes from the
sheet (the case is the sheet's first named example, the debate its questions).
"""

from __future__ import annotations

from .sheet import PlanStep, Sheet

DEFAULT_MINUTES = 120
MIN_MINUTES, MAX_MINUTES = 30, 480

# Share of the session each step takes (sums to 1): what a 2-hour workshop gives them.
_SHARES = (
    ("Ouverture", 0.08),
    ("Messages clés", 0.25),
    ("Activité : étude de cas", 0.25),
    ("Débat", 0.17),
    ("Quiz", 0.15),
    ("Synthèse et suites", 0.10),
)


def session_plan(sheet: Sheet, minutes: int = DEFAULT_MINUTES) -> list[PlanStep]:
    minutes = max(MIN_MINUTES, min(MAX_MINUTES, int(minutes)))
    durations = _split(minutes)
    steps: list[PlanStep] = []
    start = 0
    for (title, _), length in zip(_SHARES, durations, strict=True):
        what, material, refs = _content(sheet, title)
        steps.append(PlanStep(start, length, title, what, material, refs))
        start += length
    return steps


def _split(minutes: int) -> list[int]:
    """Each step's minutes, rounded to 5 (to 1 under an hour), summing to ``minutes``."""
    unit = 5 if minutes >= 60 else 1
    lengths = [max(unit, round(minutes * share / unit) * unit) for _, share in _SHARES]
    lengths[1] += minutes - sum(lengths)  # the key messages absorb the rounding
    return lengths


def _content(sheet: Sheet, title: str) -> tuple[str, str, tuple[int, ...]]:
    messages = sheet.key_messages
    if title == "Ouverture":
        first = messages[0] if messages else None
        what = "Poser l'enjeu de la séance et ses objectifs."
        if first is not None:
            what += f" Idée directrice : « {_short(first.text)} »."
        return what, "Objectifs pédagogiques ; message clé 1", first.refs if first else ()
    if title == "Messages clés":
        refs = tuple(dict.fromkeys(m for x in messages for m in x.refs))
        count = len(messages)
        return (
            f"Présenter les {count} messages clés dans l'ordre de la fiche, chacun avec son "
            "passage cité ; appuyer les chiffres sur le tableau des chiffres clés.",
            "Messages clés ; Chiffres clés",
            refs,
        )
    if title == "Activité : étude de cas":
        case = sheet.examples[0] if sheet.examples else None
        if case is None:
            figure = sheet.figures[0] if sheet.figures else None
            if figure is None:
                return (
                    "Par petits groupes, relier un message clé à une situation vécue.",
                    "Messages clés",
                    messages[0].refs if messages else (),
                )
            return (
                f"Par petits groupes : que dit « {figure.value} » ({_short(figure.measures)}) "
                "de votre structure ou de votre territoire ?",
                "Chiffres clés",
                (figure.ref,),
            )
        return (
            f"Par petits groupes, analyser le cas {case.name} : « {_short(case.line, 30)} ». "
            "Quels leviers mobilise-t-il (richesses humaines, ressources financières, "
            "alliances) ? Qu'en retenir pour votre structure ?",
            "Exemples",
            (case.ref,),
        )
    if title == "Débat":
        asked = sheet.questions[:3]
        refs = tuple(dict.fromkeys(m for q in asked for m in q.refs))
        if not asked:
            return "Débat ouvert sur les messages clés.", "Messages clés", ()
        return (
            "Débattre : " + " / ".join(_short(q.text, 20) for q in asked),
            "Questions pour les participants",
            refs,
        )
    if title == "Quiz":
        refs = tuple(dict.fromkeys(q.ref for q in sheet.quiz))
        return (
            f"Quiz de {len(sheet.quiz)} questions, corrigé commenté avec les passages cités.",
            "Quiz ; Corrigé du quiz",
            refs,
        )
    linked = [x for x in sheet.further if x.links]
    refs = tuple(dict.fromkeys(m for x in sheet.further[:3] for m in x.refs))
    what = (
        "Reformuler les messages clés avec le groupe ; donner les ressources pour aller plus loin"
    )
    what += f" ({len(linked)} lien(s) de la note)." if linked else "."
    return what, "Pour aller plus loin", refs


def _short(text: str, words: int = 24) -> str:
    parts = text.split("\n")[0].split()
    return " ".join(parts[:words]).rstrip(" ,;:.") + ("…" if len(parts) > words else "")
