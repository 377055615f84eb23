"""Trainer workspace: session sheets (« fiches de séance ») built from the corpus, every
line carrying its reference, and their exports (Markdown, Word, PowerPoint, HTML).

- :mod:`.sheet`: the typed sheet (sources, lines, figures, examples, quiz…);
- :mod:`.scope`: which sections a day, a section title or a theme points to;
- :mod:`.material`: what the note's own units give (figures, names, definitions, questions);
- :mod:`.pieces`: the scope's quotable units, and the sources numbered as lines cite them;
- :mod:`.keys`, :mod:`.facts`, :mod:`.examples`, :mod:`.guidance`, :mod:`.quiz`: one part
  of the sheet each (key messages; figures and definitions; named examples; objectives,
  questions and further reading; the quiz), :mod:`.corpus` the corpus-wide tables they share;
- :mod:`.build`: :func:`build_sheet`, the one function the CLI and the chat call (the parts
  in order);
- :mod:`.draft`: the optional LLM draft, every line checked against its cited passage;
- :mod:`.checks`: the quality checks the tests and the benchmark measure;
- :mod:`.markdown`, :mod:`.word`, :mod:`.slides`, :mod:`.html`: the exports;
- :mod:`.pack`: the 21-day course pack (one folder, one archive).
"""
