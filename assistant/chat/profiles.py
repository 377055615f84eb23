"""Chat profiles and their starters: who is asking decides how much the answer gathers.

- « Dirigeant·e associatif·ve »: short answers (``detail="short"``), to decide quickly.
- « Formateur·rice »: fuller answers (``detail="full"``) gathering every relevant figure and
  quote with its reference, to prepare a MOOC or workshop session; export in Markdown.

Starters are questions the reference note really answers (checked by the tests), one per
theme: the three levers, financing, alliances, territories, tools.
"""

from __future__ import annotations

from dataclasses import dataclass

LEADER = "Dirigeant·e associatif·ve"
TRAINER = "Formateur·rice"


@dataclass(frozen=True)
class StarterSpec:
    label: str
    question: str
    icon: str  # file name under public/icons/
    kind: str = "question"  # "question" is answered; "sheet" prepares a session sheet


@dataclass(frozen=True)
class Profile:
    name: str
    detail: str  # "short" | "full", passed to Assistant.stream
    description: str  # Markdown shown in the profile picker
    icon: str
    starters: tuple[StarterSpec, ...]
    default: bool = False


PROFILES: tuple[Profile, ...] = (
    Profile(
        name=LEADER,
        detail="short",
        default=True,
        icon="leader.svg",
        description=(
            "### Bienvenue !\n\n"
            "Posez vos questions sur les **modèles socio-économiques d'intérêt général** : "
            "des réponses courtes tirées des travaux du RAMEAU, chaque affirmation suivie de "
            "sa source **[n]** — cliquez dessus pour lire le passage."
        ),
        starters=(
            StarterSpec(
                "Les 3 leviers",
                "Quels sont les trois leviers d'un modèle socio-économique ?",
                "levers.svg",
            ),
            StarterSpec(
                "Financement",
                "De quels leviers de financement dispose une structure d'intérêt général ?",
                "funding.svg",
            ),
            StarterSpec(
                "Alliances",
                "Combien de partenariats associations–entreprises compte-t-on en France ?",
                "alliances.svg",
            ),
            StarterSpec(
                "Territoires",
                "Qu'est-ce qu'un catalyseur territorial ?",
                "territories.svg",
            ),
            StarterSpec(
                "Outils",
                "Qu'est-ce que le MOOC permet d'apprendre à un dirigeant d'association ?",
                "tools.svg",
            ),
        ),
    ),
    Profile(
        name=TRAINER,
        detail="full",
        icon="trainer.svg",
        description=(
            "### Bienvenue !\n\n"
            "Des **réponses détaillées** qui rassemblent chiffres et citations, chacun avec "
            "sa référence, pour préparer une séance de MOOC ou un atelier. Demandez une "
            "**fiche de séance** (jour, section ou thème) à télécharger en Word, PowerPoint "
            "ou HTML. Ajoutez vos documents avec le trombone, puis exportez la conversation "
            "en Markdown."
        ),
        starters=(
            StarterSpec(
                "Les 3 leviers en détail",
                "Quels sont les trois leviers d'un modèle socio-économique ?",
                "levers.svg",
            ),
            StarterSpec(
                "Chiffres du financement",
                "Quels chiffres la note donne-t-elle sur le financement des associations ?",
                "funding.svg",
            ),
            StarterSpec(
                "Partenariats en chiffres",
                "Quels chiffres clés la note donne-t-elle sur les partenariats entre "
                "associations et entreprises ?",
                "alliances.svg",
            ),
            StarterSpec(
                "Catalyseurs territoriaux",
                "Qu'est-ce qu'un catalyseur territorial et quel rôle joue-t-il ?",
                "territories.svg",
            ),
            StarterSpec(
                "Outils et ressources",
                "Quels outils et ressources Le RAMEAU propose-t-il pour travailler son modèle "
                "socio-économique ?",
                "tools.svg",
            ),
            StarterSpec(
                "Préparer une fiche de séance",
                "Préparer une fiche de séance",
                "trainer.svg",
                kind="sheet",
            ),
        ),
    ),
)


def get_profile(name: str | None) -> Profile:
    """The profile called ``name``; the default one for an unknown or missing name."""
    for profile in PROFILES:
        if profile.name == name:
            return profile
    return default_profile()


def default_profile() -> Profile:
    return next(p for p in PROFILES if p.default)


def chainlit_profiles() -> list:
    """The profiles as Chainlit ``ChatProfile`` objects (imported lazily)."""
    import chainlit as cl

    return [
        cl.ChatProfile(
            name=profile.name,
            markdown_description=profile.description,
            icon=f"/public/icons/{profile.icon}",
            default=profile.default,
            starters=[
                cl.Starter(label=s.label, message=s.question, icon=f"/public/icons/{s.icon}")
                for s in profile.starters
            ],
        )
        for profile in PROFILES
    ]
