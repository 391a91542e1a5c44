"""Plain-text forms of arXiv titles, abstracts and comments, for search and comparison.

arXiv metadata is typed by authors in LaTeX-flavoured plain text: `Erd{\\H{o}}s`,
`$\\Lambda_{\\alpha}$`, `50%`, hard line breaks every ~80 columns. The record keeps
the text as written (minus layout whitespace); `latex_to_plain` derives the form that a
search index and a human-readable snippet want: accents decoded, maths kept as its
symbols (`Λ_α`), markup macros dropped, whitespace collapsed.

Why not pylatexenc here: it is exact but costs ~4 ms per abstract (measured on the
snapshot sample), and about a third of arXiv abstracts contain `$` or `\\`, so a 200k
record snapshot would spend minutes in it. This module is a small single-pass
tokenizer instead, covering what arXiv abstracts actually contain; it borrows
pylatexenc's symbol table (`\\alpha` -> `α` ...) so symbols read the same as in names
(`app.ingest.names`, which does use pylatexenc, on short strings). It never raises:
unbalanced braces, a lone `$` or a dangling backslash are text like any other.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["collapse_ws", "latex_to_plain", "strip_or_none"]


def collapse_ws(s: str) -> str:
    """Collapse every run of whitespace (line breaks, tabs, NBSP) to one space and trim."""
    return " ".join(s.split())


def strip_or_none(s: str | None) -> str | None:
    """Collapse whitespace; None and whitespace-only strings become None."""
    if s is None:
        return None
    out = collapse_ws(s)
    return out or None


# Characters whose presence means the string may hold LaTeX. Anything without them is
# returned after whitespace collapsing only: the fast path for most titles.
_FAST_PATH_CHARS: Final = frozenset("\\${}~")

# Accent macros -> combining characters. `\'e` becomes `e` + U+0301, then NFC composes
# it to `é`; letters without a precomposed form keep the combining mark (still correct).
_ACCENTS: Final[dict[str, str]] = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
    "t": "\u0361",
    "G": "\u030f",
    "U": "\u030e",
    "acute": "\u0301",
    "grave": "\u0300",
    "hat": "\u0302",
    "ddot": "\u0308",
    "tilde": "\u0303",
    "bar": "\u0304",
    "dot": "\u0307",
    "breve": "\u0306",
    "check": "\u030c",
    "vec": "\u20d7",
}

# Macros whose arguments are not text and are dropped with them.
_DROP_WITH_ARG: Final = frozenset(
    {"cite", "citep", "citet", "ref", "eqref", "label", "pageref", "begin", "end"}
)

# Escaped single characters that stand for themselves.
_ESCAPED_LITERAL: Final = frozenset("%&$#_{}")
# Spacing commands: `\,` `\;` `\:` `\ ` `\\` (line break) and `\!` (negative space).
_SPACING: Final = frozenset(",;: \\\n\t")


def _build_symbols() -> dict[str, str]:
    """Macro name -> text, from pylatexenc's default table plus a few arXiv regulars.

    Only plain-string replacements are taken (not templates such as `\\frac`'s
    `%s/%s`), and `\\today` is left out: it expands to the current date.
    """
    table: dict[str, str] = {}
    try:
        from pylatexenc.latex2text import get_default_latex_context_db

        for spec in get_default_latex_context_db().iter_macro_specs():
            repl = getattr(spec, "simplify_repl", None)
            name = getattr(spec, "macroname", None)
            if isinstance(repl, str) and isinstance(name, str) and "%" not in repl:
                table[name] = repl
    except Exception:  # pragma: no cover - only if pylatexenc's internals move
        table = {}
    table.pop("today", None)
    table.update(
        {
            "sqrt": "√",
            "ldots": "…",
            "dots": "…",
            "cdots": "⋯",
            "LaTeX": "LaTeX",
            "TeX": "TeX",
            "AA": "Å",
            "aa": "å",
            "o": "ø",
            "O": "Ø",
            "l": "ł",
            "L": "Ł",
            "ss": "ß",
            "i": "ı",
            "j": "ȷ",
            "ae": "æ",
            "AE": "Æ",
            "oe": "œ",
            "OE": "Œ",
            "quad": " ",
            "qquad": " ",
            "left": "",
            "right": "",
            "big": "",
            "Big": "",
            "bigg": "",
            "Bigg": "",
        }
    )
    return table


_SYMBOLS: Final = _build_symbols()

# One token per match: a control word (with optional star), a control symbol, a brace,
# a math shift, a tie, or a run of ordinary text. Compiled once: this runs per abstract.
_TOKEN: Final = re.compile(r"\\([A-Za-z]+)\*?|\\(.)|\\$|([{}$~])|([^\\{}$~]+)", re.DOTALL)
_LATEX_QUOTES: Final = re.compile(r"``|''")
_FRACS: Final = frozenset({"frac", "dfrac", "tfrac", "nicefrac", "cfrac"})


def _apply_accent(text: str, mark: str) -> str:
    """Put the combining `mark` after the first character of `text`."""
    first = text[0]
    # Dotless i/j exist in LaTeX only so an accent can sit on them (`\'{\i}`).
    if first == "ı":
        first = "i"
    elif first == "ȷ":
        first = "j"
    return first + mark + text[1:]


def _convert(s: str) -> str:
    out: list[str] = []
    # An accent waiting for its base letter (`\'{e}`, `\H o`, `\'\i`).
    pending: str | None = None
    # \frac{a}{b}: brace depth at which each fraction's first argument closes, so a
    # "/" goes between numerator and denominator.
    frac_depths: list[int] = []
    depth = 0
    skip_group = False  # the next {...} belongs to a dropped macro (\cite, \begin)
    skip_depth = -1

    def emit(text: str) -> None:
        nonlocal pending
        if skip_depth >= 0:
            return
        if pending is not None and text:
            text = _apply_accent(text, pending)
            pending = None
        out.append(text)

    for m in _TOKEN.finditer(s):
        word, sym, special, plain = m.group(1), m.group(2), m.group(3), m.group(4)
        if plain is not None:
            if skip_group and plain.strip():
                skip_group = False
            if pending is not None and plain[:1].isspace():
                plain = plain.lstrip()  # `\H o`: the space separates macro and letter
            emit(plain)
        elif word is not None:
            skip_group = False
            if word in _ACCENTS:
                pending = _ACCENTS[word]
            elif word in _DROP_WITH_ARG:
                skip_group = True
            elif word in _FRACS and s[m.end() : m.end() + 1] == "{":
                frac_depths.append(depth + 1)
            elif word in _SYMBOLS:
                emit(_SYMBOLS[word])
            # Any other control word is markup (\textbf, \mathrm, \emph, \mathcal ...):
            # drop the name, its argument text stays as ordinary text.
        elif sym is not None:
            skip_group = False
            if sym in _ACCENTS:
                pending = _ACCENTS[sym]
            elif sym in _ESCAPED_LITERAL:
                emit(sym)
            elif sym in _SPACING:
                emit(" ")
            # \! \( \) \[ \] and any other control symbol: nothing to show.
        elif special == "{":
            depth += 1
            if skip_group:
                skip_group = False
                if skip_depth < 0:
                    skip_depth = depth
        elif special == "}":
            if skip_depth >= 0 and depth <= skip_depth:
                skip_depth = -1
            elif frac_depths and frac_depths[-1] == depth:
                frac_depths.pop()
                emit("/")
            depth = max(depth - 1, 0)
        elif special == "~":
            emit(" ")
        # `$` (math shift) and a trailing lone backslash produce nothing.
    # A dangling accent (`x\\'` at the very end) has no letter to sit on: dropped.
    return "".join(out)


def _crude_strip(s: str) -> str:
    """Last-resort plain text: drop backslash commands, braces and dollars."""
    return re.sub(r"\\[A-Za-z]+|\\.|[{}$]", " ", s)


def latex_to_plain(s: str) -> str:
    """Plain, searchable text from an arXiv title/abstract/comment written in LaTeX.

    Accents become precomposed Unicode (`Erd{\\H{o}}s` -> `Erdős`), symbol macros
    their symbols (`$\\Lambda_{\\alpha}$` -> `Λ_α`), markup macros disappear with their
    argument kept (`\\textbf{x}` -> `x`), citations/labels/environments disappear,
    ``` ``x'' ``` becomes `"x"`, a bare `%` is a percent sign (arXiv authors mean it
    that way), and whitespace is collapsed. Never raises.
    """
    if not s:
        return ""
    try:
        if "``" in s or "''" in s:
            s = _LATEX_QUOTES.sub('"', s)
        text = s if _FAST_PATH_CHARS.isdisjoint(s) else _convert(s)
        return unicodedata.normalize("NFC", collapse_ws(text))
    except Exception:  # defensive: malformed input must degrade, never abort an ingest
        return unicodedata.normalize("NFC", collapse_ws(_crude_strip(s)))
