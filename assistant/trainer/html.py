"""The sheet as one printable HTML page (no script, no outside resource)."""

from __future__ import annotations

import html as _html

from ..safety import sanitize_output
from .markdown import ATTRIBUTION, LABELS, answer_label, clock, intro
from .sheet import Line, Sheet

STYLE = """
body { font-family: "Inter", "Helvetica Neue", Arial, sans-serif; max-width: 48rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.45; color: #1d1d1f; }
h1 { font-size: 1.6rem; border-bottom: 3px solid #2e7d32; padding-bottom: .3rem; }
h2 { font-size: 1.2rem; color: #2e7d32; margin-top: 1.6rem; break-after: avoid; }
.intro, .suggestion { color: #555; font-style: italic; }
.ref { font-weight: 600; color: #2e7d32; white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border: 1px solid #bbb; padding: .3rem .45rem; vertical-align: top; text-align: left; }
th { background: #eef5ee; }
li { margin: .25rem 0; break-inside: avoid; }
blockquote { margin: .2rem 0 .6rem 1.2rem; color: #444; font-style: italic; }
.sources li { font-size: .9rem; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; }
  h2 { break-after: avoid; } section { break-inside: auto; } }
"""


def e(text: str) -> str:
    return _html.escape(sanitize_output(text), quote=True)


def _refs(markers) -> str:
    return "".join(f'<a class="ref" href="#ref-{m}">[{m}]</a>' for m in markers)


def _line(line: Line) -> str:
    parts = line.text.split("\n")
    body = e(parts[0])
    if len(parts) > 1:
        items = "".join(f"<li>{e(p.lstrip('•▪-–* ').strip())}</li>" for p in parts[1:])
        body += f"<ul>{items}</ul>"
    tail = ' <span class="suggestion">(suggestion)</span>' if line.suggested else ""
    tail += "".join(f' — <a href="{e(url)}">{e(url)}</a>' for url in line.links)
    return f"<li>{body} {_refs(line.refs)}{tail}</li>"


def _list(title: str, lines: list[Line], tag: str = "ul") -> str:
    if not lines:
        return ""
    return (
        f"<section><h2>{e(title)}</h2><{tag}>{''.join(_line(x) for x in lines)}</{tag}></section>"
    )


def render_html(sheet: Sheet) -> str:
    out = [
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">',
        f"<title>Fiche de séance — {e(sheet.title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Fiche de séance — {e(sheet.title)}</h1>",
        f'<p class="intro">{e(intro(sheet))}</p>',
    ]
    out += [f"<p>⚠ {e(w)}</p>" for w in sheet.warnings]
    scope = "".join(
        f"<li>{e(s.section)} — {e(s.source)}"
        + (f", p. {s.pages[0]}" if len(s.pages) == 1 else "")
        + (f", p. {s.pages[0]}–{s.pages[-1]}" if len(s.pages) > 1 else "")
        + "</li>"
        for s in sheet.scope
    )
    out.append(f"<section><h2>{LABELS['scope']}</h2><ul>{scope}</ul></section>")
    if sheet.plan:
        steps = "".join(
            f"<tr><td>{clock(p.start)}</td><td>{p.minutes} min</td><td><strong>{e(p.title)}"
            f"</strong></td><td>{e(p.activity)}</td><td>{e(p.material)}</td>"
            f"<td>{_refs(p.refs)}</td></tr>"
            for p in sheet.plan
        )
        out.append(
            f"<section><h2>{LABELS['plan']} ({clock(sheet.minutes)})</h2><table><tr>"
            "<th>Horaire</th><th>Durée</th><th>Étape</th><th>Déroulé</th><th>Support</th>"
            f"<th>Réf.</th></tr>{steps}</table></section>"
        )
    out.append(_list(LABELS["objectives"], sheet.objectives))
    out.append(_list(LABELS["key_messages"], sheet.key_messages, "ol"))
    if sheet.figures:
        rows = "".join(
            f"<tr><td><strong>{e(f.value)}</strong></td><td>{e(f.measures)}</td>"
            f"<td>{e(f.year or '—')}</td><td>{_refs([f.ref])}{_page(sheet, f.ref)}</td></tr>"
            for f in sheet.figures
        )
        out.append(
            f"<section><h2>{LABELS['figures']}</h2><table><thead><tr><th>Chiffre</th>"
            "<th>Ce qu'il mesure</th><th>Année</th><th>Source</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></section>"
        )
    if sheet.examples:
        items = "".join(
            f"<li><strong>{e(x.name)}</strong> — {e(x.line)} {_refs([x.ref])}</li>"
            for x in sheet.examples
        )
        out.append(f"<section><h2>{LABELS['examples']}</h2><ul>{items}</ul></section>")
    if sheet.definitions:
        items = "".join(
            f"<li><strong>{e(d.term)}</strong> — {e(d.text)} {_refs([d.ref])}</li>"
            for d in sheet.definitions
        )
        out.append(f"<section><h2>{LABELS['definitions']}</h2><ul>{items}</ul></section>")
    out.append(_list(LABELS["questions"], sheet.questions))
    if sheet.quiz:
        items = []
        for item in sheet.quiz:
            kind = "QCM" if item.choices else "À compléter"
            choices = "".join(
                f"<li>{letter}) {e(c)}</li>"
                for letter, c in zip("ABCD", item.choices, strict=False)
            )
            items.append(f"<li>({kind}) {e(item.prompt)}<ul>{choices}</ul></li>")
        answers = "".join(
            f"<li>{e(answer_label(item))} — {_refs([item.ref])}{_page(sheet, item.ref)}</li>"
            for item in sheet.quiz
        )
        out.append(
            f"<section><h2>{LABELS['quiz']}</h2><ol>{''.join(items)}</ol>"
            f'<h3>{LABELS["answers"]}</h3><ol class="answers">{answers}</ol></section>'
        )
    out.append(_list(LABELS["further"], sheet.further))
    sources = "".join(
        f'<li id="ref-{s.marker}"><strong>[{s.marker}]</strong> {e(s.where)}'
        f"<blockquote>« {e(' / '.join(x.strip() for x in s.quote.split(chr(10))))} »"
        "</blockquote></li>"
        for s in sheet.sources
    )
    out.append(f'<section class="sources"><h2>{LABELS["sources"]}</h2><ul>{sources}</ul></section>')
    out.append(f'<p class="intro">{e(ATTRIBUTION)}</p></body></html>')
    return "\n".join(x for x in out if x)


def _page(sheet: Sheet, marker: int) -> str:
    page = sheet.source(marker).page
    return f" p. {page}" if page is not None else ""
