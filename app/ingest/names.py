"""Author names as arXiv writes them: decode, split, and compare.

arXiv gives authors in three shapes, and every parser in `app.ingest.formats` turns all
of them into `ParsedName`s through this module:

* one free-text string (snapshot/arXivRaw `authors`), in LaTeX, with hard line breaks:
  `C. Bal\\'azs, E. L. Berger and J.P.Hague`, numbered affiliations
  `A (1 and 2) and B (1) ((1) X, (2) Y)`, collaborations, `et al` -> `parse_author_string`;
* arXiv's own pre-split list (snapshot `authors_parsed`: `[last, first, suffix, affil...]`)
  -> `names_from_parsed` / `name_from_parsed`;
* structured or inverted single names (OAI `<keyname>/<forenames>`, Dublin Core
  `Last, First`, Atom `<name>`) -> `structured_name`, `name_from_inverted`,
  `parse_person_name`.

Name splitting follows arXiv's own rules (arxiv-browse `author_affil.py`) so that names we
split from a raw string agree with the `authors_parsed` arXiv ships: the family name is
the last word plus any surname particles before it (`van der`, `de`, `Di` ...), a
trailing `Jr`/`II`/`III` is a suffix, and a leading or parenthesised "X Collaboration"
is a collaboration, not a person.

`name_key` and `given_compatible` are the cheap comparisons author disambiguation uses to
block candidates (`balazs:c`) and to reject obvious mismatches (`Maosong` vs `Mingyu`).

Decoding uses pylatexenc, the reference LaTeX->Unicode converter, but only when a name
actually contains LaTeX (backslash, brace, `$`, `~`): it costs 0.2-0.4 ms per call, and most
names are plain ASCII or already Unicode. Results are cached because the same names recur
across thousands of records.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import LatexWalker, get_default_latex_context_db

from app.ingest.records import ParsedName
from app.ingest.text import collapse_ws, latex_to_plain

__all__ = [
    "ascii_fold",
    "collaboration_name",
    "decode_latex",
    "given_compatible",
    "name_from_inverted",
    "name_from_parsed",
    "name_key",
    "names_from_parsed",
    "parse_author_string",
    "parse_person_name",
    "structured_name",
]

# pylatexenc logs a WARNING for every macro it cannot expand; arXiv author strings are
# hand-typed LaTeX, so at 200k records that would flood the logs with noise.
logging.getLogger("pylatexenc").setLevel(logging.ERROR)

_L2T: Final = LatexNodes2Text()
# Built once: `LatexNodes2Text.latex_to_text` rebuilds pylatexenc's macro table on every
# call, which is most of its cost on a short name.
_LATEX_CONTEXT: Final = get_default_latex_context_db()
_NEEDS_LATEX: Final = re.compile(r"[\\{}$~]")
_UNESCAPED_PERCENT: Final = re.compile(r"(?<!\\)%")


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


@lru_cache(maxsize=65536)
def decode_latex(s: str) -> str:
    """Decode LaTeX in a name or short string to NFC Unicode with collapsed whitespace.

    `Bal\\'azs` -> `Balázs`, `Sz\\"oll\\H{o}si` -> `Szöllősi`, `{\\o}` -> `ø`. Text that is
    already Unicode (or plain ASCII) comes back untouched apart from NFC/whitespace.
    Never raises: if pylatexenc fails the fast tokenizer in `app.ingest.text` is used.
    """
    if not _NEEDS_LATEX.search(s):
        s = collapse_ws(s)
        return s if s.isascii() else _nfc(s)
    try:
        # A bare % would start a LaTeX comment and swallow the rest of the line.
        walker = LatexWalker(
            _UNESCAPED_PERCENT.sub(r"\\%", s), latex_context=_LATEX_CONTEXT, tolerant_parsing=True
        )
        nodes, _, _ = walker.get_latex_nodes()
        text = _L2T.nodelist_to_text(nodes)
    except Exception:  # pylatexenc on malformed input: fall back, never abort
        text = latex_to_plain(s)
    return _nfc(collapse_ws(text))


# --- ascii folding, keys, compatibility ---------------------------------------------

# Letters that NFKD does not decompose into base + combining mark.
_FOLD_EXTRA: Final = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
        "ȷ": "j",
        "ħ": "h",
        "Ħ": "H",
    }
)
_NON_ALNUM: Final = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def ascii_fold(s: str) -> str:
    """Lowercase ASCII approximation: `Øbro` -> `obro`, `Szöllősi` -> `szollosi`."""
    if s.isascii():
        return s.lower()
    s = s.translate(_FOLD_EXTRA)
    s = unicodedata.normalize("NFKD", s)
    return (
        "".join(c for c in s if not unicodedata.combining(c))
        .encode("ascii", "ignore")
        .decode("ascii")
        .lower()
    )


def _fold_alnum(s: str) -> str:
    """Folded letters and digits only. Scripts that ASCII folding erases entirely (CJK,
    Cyrillic ...) keep their casefolded letters instead of collapsing to "", which would
    make every such name equal."""
    return _NON_ALNUM.sub("", ascii_fold(s)) or "".join(c for c in s.casefold() if c.isalnum())


def name_key(name: ParsedName) -> str:
    """Blocking key for disambiguation: folded family name, `:`, first given initial.

    Spaces, hyphens and apostrophes are dropped from the family so `Van den Bosch`,
    `van den Bosch` and `Vanden Bosch` block together: `vandenbosch:f`. A name with no
    given name (a collaboration, a mononym) has an empty initial: `babarcollaboration:`.
    Names in non-Latin scripts keep their own (casefolded) letters: `中込:和`.
    """
    return f"{_fold_alnum(name.family)}:{_fold_alnum(name.given)[:1]}"


_GIVEN_PART: Final = re.compile(r"[^\W\d_]+\.?")


def _given_parts(given: str) -> list[tuple[str, bool]]:
    """`C.-P.` -> [("c", True), ("p", True)]; `Chien-Peng` -> [("chien", False), ...].

    The flag says the part is an abbreviation: it ends in a dot (`Yu.`) or is a single
    letter (`M` in `Gergely J Szollosi`).
    """
    parts: list[tuple[str, bool]] = []
    for tok in _GIVEN_PART.findall(given):
        abbrev = tok.endswith(".")
        bare = tok.rstrip(".")
        core = ascii_fold(bare) or bare.casefold()
        if not core:
            continue
        parts.append((core, abbrev or len(core) == 1))
    return parts


def _part_compatible(a: tuple[str, bool], b: tuple[str, bool]) -> bool:
    (ta, abbrev_a), (tb, abbrev_b) = a, b
    if abbrev_a and abbrev_b:
        return ta.startswith(tb) or tb.startswith(ta)
    if abbrev_a:
        return tb.startswith(ta)
    if abbrev_b:
        return ta.startswith(tb)
    return ta == tb


def given_compatible(a: str, b: str) -> bool:
    """Can given names `a` and `b` belong to the same person?

    Initials match names they abbreviate (`M.` ~ `Maosong`, `C.-P.` ~ `Chien-Peng`,
    `M. S.` ~ `Maosong`, `Yu.` ~ `Yuri`); full names must be equal after folding
    (`Maosong` !~ `Mingyu`), ignoring hyphens and spaces (`Chien-Peng` ~ `Chienpeng`).
    Parts are compared left to right and extra parts on either side are ignored (a
    middle name may be left out). An empty given name is compatible with anything.
    """
    pa, pb = _given_parts(a), _given_parts(b)
    if not pa or not pb:
        return True
    all_spelled_out = not any(f for _, f in pa) and not any(f for _, f in pb)
    if all_spelled_out and "".join(t for t, _ in pa) == "".join(t for t, _ in pb):
        return True
    return all(_part_compatible(x, y) for x, y in zip(pa, pb, strict=False))


# --- collaborations, suffixes, particles ----------------------------------------------

_COLLAB_WORD: Final = re.compile(
    r"\b(?:collaborations?|collab\.?|consortium|team|group|experiment|project)(?!\w)",
    re.IGNORECASE,
)
# In parentheses after a name only the unambiguous words count: "(Theory Group, CERN)"
# is an affiliation, "(for the STAR Collaboration)" is not.
_COLLAB_WORD_STRICT: Final = re.compile(
    r"\b(?:collaborations?|collab\.|consortium)(?!\w)", re.IGNORECASE
)
_COLLAB_PREFIX: Final = re.compile(r"^(?:(?:for|on\s+behalf\s+of)\s+)?(?:the\s+)?", re.IGNORECASE)
_SUFFIXES: Final = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_ROMAN_SUFFIXES: Final = frozenset({"II", "III", "IV"})
# arXiv's surname prefixes (matched case-insensitively, as arXiv does) ...
# ("le", "delle" and "dalla" are ours: "A. Le Fevre", "L. Delle Site").
_PARTICLES_ANY_CASE: Final = frozenset(
    {"van", "der", "de", "la", "von", "del", "della", "da", "mac", "ter", "dem", "di",
     "le", "delle", "dalla"}
)  # fmt: skip
# ... and common ones that are only particles when written in lower case.
_PARTICLES_LOWER: Final = frozenset(
    {"den", "du", "des", "dos", "das", "do", "ten", "'t", "in", "zu", "zur", "y", "e",
     "dal", "dei", "degli", "bin", "ibn", "af", "av", "op"}
)  # fmt: skip
_ET_AL: Final = re.compile(r"^(?:et\.?\s*al\.?|and\s+others|others)$", re.IGNORECASE)
_TRAILING_ET_AL: Final = re.compile(r"\s+et\.?\s*al\.?$", re.IGNORECASE)


def collaboration_name(text: str) -> str | None:
    """`The BABAR Collaboration` -> `BABAR Collaboration`; None if `text` is a person.

    Leading `for the` / `on behalf of the` / `the` are dropped so one collaboration has
    one spelling across papers; the rest is kept as written (decoded).
    """
    if not _COLLAB_WORD.search(text):
        return None
    name = _COLLAB_PREFIX.sub("", decode_latex(text)).strip(" ,;:.")
    return name or None


def _is_suffix(tok: str) -> bool:
    return tok in _ROMAN_SUFFIXES or (tok.lower() in _SUFFIXES and not tok.isupper())


def _is_particle(tok: str) -> bool:
    return tok.lower() in _PARTICLES_ANY_CASE or tok in _PARTICLES_LOWER


_INITIAL: Final = re.compile(r"^(?:[^\W\d_][^\W\d_]?\.|[^\W\d_])(?:-[^\W\d_]\.?)*$")
# "J.P.Hague" -> "J. P. Hague": a dot glued to the next letter separates two tokens
# (not before a hyphen: "C.-P." is one hyphenated initial).
_DOT_GLUE: Final = re.compile(r"(?<!\\)\.(?=[^\W\d_])")


def _is_initial(tok: str) -> bool:
    """`M.`, `Yu.`, `C.-P.`, `K-C.`, `M` (an initial written without its dot)."""
    return _INITIAL.match(tok) is not None


def _split_tokens(tokens: list[str]) -> tuple[str, str, str]:
    """[given..., family..., suffix?] -> (family, given, suffix) for a Western-order name."""
    tokens = [t.strip(",") for t in tokens]
    tokens = [t for t in tokens if t]
    suffix = ""
    if (len(tokens) >= 3 and _is_suffix(tokens[-1])) or (
        len(tokens) == 2 and tokens[-1] in _ROMAN_SUFFIXES
    ):
        suffix = tokens.pop()
    if not tokens:
        return suffix, "", ""
    if len(tokens) == 1:
        return tokens[0], "", suffix
    i = len(tokens) - 1
    # Particles join the family name, but a given name must remain: "De Luca" alone is
    # given "De", family "Luca" (what arXiv does too).
    while i - 1 >= 1 and _is_particle(tokens[i - 1]):
        i -= 1
    return " ".join(tokens[i:]), " ".join(tokens[:i]), suffix


def _respace_given(given: str) -> str:
    """arXiv re-spaces hyphenated initials (`C. -P.`); write them as authors do (`C.-P.`)."""
    return given.replace(". -", ".-") if ". -" in given else given


def _run_on_split(tokens: list[str]) -> list[list[str]]:
    """Split a segment holding two names with no separator between them.

    Two shapes are recognised (both seen in arXiv's April 2007 records):
    * initials, word, initials, word: `S.V. Maleyev S.V. Grigoriev`;
    * word, initials, then three or more capitalised words, no particles:
      `Ketan D. Mulmuley Hariharan Narayanan` -> `Ketan D. Mulmuley` + `Hariharan Narayanan`.
    Anything else is one name: the cost of wrongly splitting a real long name
    (`Pablo M. Saz Parkinson`) is higher than keeping a rare run-on pair together.
    """
    n = len(tokens)
    if n < 4:
        return [tokens]
    if _is_initial(tokens[0]):
        for j in range(2, n - 1):
            if (
                _is_initial(tokens[j])
                and not _is_initial(tokens[j - 1])
                and not _is_particle(tokens[j - 1])
                and any(not _is_initial(t) for t in tokens[j + 1 :])
            ):
                return [tokens[:j], *_run_on_split(tokens[j:])]
        return [tokens]
    k = 1
    while k < n and _is_initial(tokens[k]):
        k += 1
    rest = tokens[k:]
    if (
        k > 1
        and len(rest) >= 3
        and all(t[:1].isupper() and not _is_initial(t) and not _is_particle(t) for t in rest)
        and not _is_suffix(rest[-1])
    ):
        return [tokens[: k + 1], rest[1:]]
    return [tokens]


def _person(raw: str, decoded: str, affiliations: tuple[str, ...]) -> ParsedName | None:
    family, given, suffix = _split_tokens(_DOT_GLUE.sub(". ", decoded).split())
    if not family:
        return None
    return ParsedName(
        raw=raw,
        family=family,
        given=_respace_given(given),
        suffix=suffix,
        affiliations=affiliations,
    )


def _collab(raw: str, name: str) -> ParsedName:
    return ParsedName(raw=raw, family=name, is_collaboration=True)


def parse_person_name(text: str, affiliations: tuple[str, ...] = ()) -> ParsedName | None:
    """One person written in Western order (`Neal J. Evans II`, `J.P.Hague`), or a
    collaboration. None for empty text. Used for Atom `<name>` and similar."""
    raw = collapse_ws(text)
    if not raw:
        return None
    collab = collaboration_name(raw)
    if collab:
        return _collab(raw, collab)
    return _person(raw, decode_latex(raw), affiliations)


def name_from_inverted(text: str, affiliations: tuple[str, ...] = ()) -> ParsedName | None:
    """`Last, First[, Suffix]` (Dublin Core `dc:creator`) -> ParsedName."""
    raw = collapse_ws(text)
    if not raw:
        return None
    if "," not in raw:
        return parse_person_name(raw, affiliations)
    family_raw, _, rest = raw.partition(",")
    given_raw, _, suffix_raw = rest.partition(",")
    family = decode_latex(family_raw)
    given = decode_latex(given_raw)
    suffix = decode_latex(suffix_raw)
    if not suffix and given and _is_suffix(given):
        given, suffix = "", given
    if not family:
        return parse_person_name(given or suffix, affiliations)
    collab = collaboration_name(f"{given} {family}".strip()) if not suffix else None
    if collab:
        return _collab(raw, collab)
    return ParsedName(
        raw=raw,
        family=family,
        given=_respace_given(given),
        suffix=suffix,
        affiliations=affiliations,
    )


def structured_name(
    keyname: str, forenames: str = "", suffix: str = "", affiliations: tuple[str, ...] = ()
) -> ParsedName | None:
    """An already-split name (OAI arXiv `<keyname>`/`<forenames>`/`<suffix>`).

    Collaborations come in two shapes there: keyname `ATLAS Collaboration` with no
    forenames, and keyname `Collaboration` with forenames `for the ALICE`; both become
    `is_collaboration` with the whole name (`ALICE Collaboration`) as family.
    """
    raw = collapse_ws(" ".join(p for p in (forenames, keyname, suffix) if p and p.strip()))
    family = decode_latex(keyname)
    given = decode_latex(forenames)
    sfx = decode_latex(suffix)
    if not family and not given:
        return None
    if not sfx:
        collab = collaboration_name(f"{given} {family}".strip())
        if collab:
            return _collab(raw, collab)
    if not family:
        family, given = given, ""
    return ParsedName(
        raw=raw,
        family=family,
        given=_respace_given(given),
        suffix=sfx,
        affiliations=affiliations,
    )


# --- the free-text authors string -----------------------------------------------------

# Everything the splitter reacts to; all other characters are name text. "and" counts
# only as a whole word.
_STRUCTURE: Final = re.compile(r"[(){},;:&]|(?<!\S)and(?!\S)")
_NUMBERS_ONLY: Final = re.compile(r"^\s*\d+(?:\s*(?:,|&|and|;)\s*\d+)*\s*$")
_NUMBER_SPLIT: Final = re.compile(r"\s*(?:,|&|and|;)\s*")
# A legend `((1) X, (2) Y)`, `((1): X (2): Y)` or `(1 - X; 2 - Y)`.
_LEGEND_PAREN: Final = re.compile(r"^\s*\(\s*\d+\s*\)")
_LEGEND_DASH: Final = re.compile(r"^\s*\d+\s*[-:)]")
_LEGEND_PAREN_MARK: Final = re.compile(r"\(\s*(\d+)\s*\)\s*:?\s*")
_LEGEND_DASH_MARK: Final = re.compile(r"(?:^|;)\s*(\d+)\s*[-:)]\s*")


@dataclass(slots=True)
class _Segment:
    """One author as cut from the string: name text as written and its parentheses."""

    text: str
    groups: list[str]


def _cut(s: str) -> list[_Segment]:
    """Cut the authors string at top-level separators; collect top-level (...) groups.

    Separators (`,` `;` `:` `&` `and`) inside parentheses or braces do not count, so
    `(1 and 2)` and `{\\'e}` stay whole. An unclosed `(` runs to the end of the string.
    """
    segments: list[_Segment] = []
    text: list[str] = []
    groups: list[str] = []
    paren = brace = 0
    pos = 0
    group_start = 0
    for m in _STRUCTURE.finditer(s):
        tok = m.group()
        start = m.start()
        if tok == "(":
            if paren == 0 and brace == 0:
                text.append(s[pos:start])
                group_start = m.end()
            paren += 1
        elif tok == ")":
            if paren == 0:
                continue  # stray ")": keep it as text
            paren -= 1
            if paren == 0 and brace == 0:
                groups.append(s[group_start:start])
                pos = m.end()
        elif tok == "{":
            brace += 1
        elif tok == "}":
            brace = max(brace - 1, 0)
        elif paren == 0 and brace == 0:
            text.append(s[pos:start])
            segments.append(_Segment("".join(text).strip(), groups))
            text, groups = [], []
            pos = m.end()
    if paren > 0:
        groups.append(s[group_start:])
    else:
        text.append(s[pos:])
    segments.append(_Segment("".join(text).strip(), groups))
    return segments


def _parse_legend(inner: str) -> dict[str, str] | None:
    if _LEGEND_PAREN.match(inner):
        marker = _LEGEND_PAREN_MARK
    elif _LEGEND_DASH.match(inner):
        marker = _LEGEND_DASH_MARK
    else:
        return None
    parts = marker.split(inner)
    # split() with one capture group: [before, num1, text1, num2, text2, ...]
    legend: dict[str, str] = {}
    for i in range(1, len(parts) - 1, 2):
        text = collapse_ws(parts[i + 1]).strip(" ,;")
        if text:
            legend[parts[i]] = latex_to_plain(text)
    return legend


@dataclass(frozen=True, slots=True)
class _Entry:
    """One author or collaboration from the raw string, before name splitting."""

    raw: str
    affiliations: tuple[str, ...]
    collaboration: str | None  # canonical collaboration name, None for a person
    # Folded letters of the name, to find an `authors_parsed` entry's family name in it.
    # Built with the fast LaTeX tokenizer: matching does not need pylatexenc's exactness.
    key: str = ""


@dataclass(frozen=True, slots=True)
class _Structure:
    entries: tuple[_Entry, ...]
    legend: dict[str, str]


# Small on purpose: the cache only has to serve repeated calls for the record at hand
# (`name_from_parsed` per entry), and one big-collaboration string can be ~100 KB.
@lru_cache(maxsize=64)
def _structure(authors: str) -> _Structure:
    """The raw string cut into entries with affiliations resolved. Cached: callers of
    `name_from_parsed` ask for it once per `authors_parsed` entry of the same record."""
    s = collapse_ws(authors)
    segments = _cut(s)
    legend: dict[str, str] = {}
    for seg in segments:
        kept: list[str] = []
        for g in seg.groups:
            parsed = _parse_legend(g)
            if parsed is None:
                kept.append(g)
            else:
                legend.update(parsed)
        seg.groups = kept

    entries: list[_Entry] = []
    for seg in segments:
        text = _TRAILING_ET_AL.sub("", seg.text).strip()
        affiliations: list[str] = []
        extra_collabs: list[_Entry] = []
        for g in seg.groups:
            inner = collapse_ws(g)
            if not inner:
                continue
            if _NUMBERS_ONLY.match(inner):
                # Numbers without a legend (some authors forget it) are dropped.
                affiliations.extend(
                    legend[n] for n in _NUMBER_SPLIT.split(inner.strip()) if n in legend
                )
                continue
            collab = collaboration_name(inner) if _COLLAB_WORD_STRICT.search(inner) else None
            if collab:
                # `Jason Glyndwr Ulery (for the STAR Collaboration)`: the person, then
                # the collaboration they sign for.
                extra_collabs.append(_Entry(inner, (), collab, _fold_alnum(collab)))
            else:
                affiliations.append(latex_to_plain(inner))
        if not text or _ET_AL.match(text):
            entries.extend(extra_collabs)
            continue
        if _is_suffix(text) and entries and entries[-1].collaboration is None:
            # "James M. Valles, Jr.": the comma split a suffix off its name.
            prev = entries[-1]
            entries[-1] = _Entry(f"{prev.raw}, {text}", prev.affiliations, None, prev.key)
            continue
        collab = collaboration_name(text)
        key = _fold_alnum(latex_to_plain(text))
        entries.append(_Entry(text, tuple(dict.fromkeys(affiliations)), collab, key))
        entries.extend(extra_collabs)
    return _Structure(tuple(entries), legend)


def _entry_names(entry: _Entry) -> list[ParsedName]:
    if entry.collaboration is not None:
        return [_collab(entry.raw, entry.collaboration)]
    decoded = decode_latex(entry.raw)
    raw_tokens = _DOT_GLUE.sub(". ", entry.raw).split()
    tokens = _DOT_GLUE.sub(". ", decoded).split()
    pieces = _run_on_split(tokens)
    if len(pieces) == 1:
        person = _person(entry.raw, decoded, entry.affiliations)
        return [person] if person else []
    out: list[ParsedName] = []
    start = 0
    for piece in pieces:
        end = start + len(piece)
        # Raw text per piece when decoding kept the token count, else the decoded text.
        raw = " ".join(raw_tokens[start:end]) if len(raw_tokens) == len(tokens) else " ".join(piece)
        start = end
        # A run-on pair shares whatever affiliation followed it: it is unknowable whose.
        person = _person(raw, " ".join(piece), entry.affiliations)
        if person:
            out.append(person)
    return out


def parse_author_string(authors: str) -> list[ParsedName]:
    """Split a raw arXiv authors string into names, in order. Never raises.

    Handles `, ` / ` and ` / `&` / `;` / `:` separators and hard line breaks;
    parenthesised affiliations (`V. M. Biryukov (Serpukhov, IHEP)`); numbered ones with
    a legend at the end (`A (1 and 2) and B (1) ((1) X, (2) Y)`, `(1 - X; 2 - Y)`),
    mapped to the legend's texts (numbers with no legend are dropped); collaborations
    (`The BABAR Collaboration`, `CLEO Collaboration: T. K. Pedlar, et al`, and
    `Name (for the STAR Collaboration)`, which yields the person then the
    collaboration); `et al` (dropped); suffixes (`Jr`, `II`, also after a comma);
    particles (`van der`, `de la`: part of the family name); glued initials
    (`J.P.Hague`); and two run-on names with no separator (see `_run_on_split`).

    `raw` on each name is its text as written (LaTeX kept, line breaks collapsed,
    affiliation parentheses removed); the other fields are decoded Unicode.
    """
    if not authors or not authors.strip():
        return []
    try:
        names: list[ParsedName] = []
        for entry in _structure(authors).entries:
            names.extend(_entry_names(entry))
        return names
    except Exception:  # defensive: a name we cannot split is still a name
        raw = collapse_ws(authors)
        return [ParsedName(raw=raw, family=decode_latex(raw))]


# --- arXiv's authors_parsed -----------------------------------------------------------


def _affiliations_from_parsed(extra: list[str], legend: dict[str, str]) -> tuple[str, ...]:
    out: list[str] = []
    for a in extra:
        a = collapse_ws(a)
        if not a:
            continue
        if _NUMBERS_ONLY.match(a):
            # arXiv copies numbered markers verbatim (0704.0025: "1 and 2"): resolve
            # them through the legend in the raw string, or drop them.
            out.extend(legend[n] for n in _NUMBER_SPLIT.split(a) if n in legend)
        else:
            out.append(latex_to_plain(a))
    return tuple(dict.fromkeys(out))


def _from_parsed(entry: list[str], match: _Entry | None, legend: dict[str, str]) -> ParsedName:
    family = decode_latex(entry[0])
    given = decode_latex(entry[1]) if len(entry) > 1 else ""
    suffix = decode_latex(entry[2]) if len(entry) > 2 else ""
    affiliations = _affiliations_from_parsed(entry[3:], legend)
    if not affiliations and match is not None:
        affiliations = match.affiliations
    display = " ".join(p for p in (given, family, suffix) if p)
    raw = match.raw if match is not None else display
    if not suffix:
        collab = collaboration_name(f"{given} {family}".strip())
        if collab:
            return _collab(raw, collab)
    if not family:
        family, given = given, ""
    return ParsedName(
        raw=raw,
        family=family,
        given=_respace_given(given),
        suffix=suffix,
        affiliations=affiliations,
    )


# How far ahead of the last match to look. Both lists are in author order, so a match is
# normally the next entry; the bound keeps a 3000-author list linear when spellings differ.
_MATCH_WINDOW: Final = 8


def _find_entry(family: str, entries: tuple[_Entry, ...], start: int) -> int | None:
    key = _fold_alnum(family)
    if not key:
        return None
    for i in range(start, min(start + _MATCH_WINDOW, len(entries))):
        if key in entries[i].key:
            return i
    return None


def name_from_parsed(entry: list[str], raw: str) -> ParsedName:
    """One snapshot `authors_parsed` entry -> ParsedName.

    `entry` is `[last, first, suffix]`, possibly followed by affiliations; `raw` is the
    record's whole raw `authors` string. The name's `raw` is its text in that string
    when it can be found there (by folded family name), else the entry re-joined.
    Affiliations that are only numbers (`"1 and 2"`) are resolved through the raw
    string's legend, or dropped when there is none.
    """
    struct = _structure(raw) if raw else _Structure((), {})
    key = _fold_alnum(entry[0]) if entry else ""
    match = next((e for e in struct.entries if key and key in e.key), None)
    return _from_parsed(entry, match, struct.legend)


def names_from_parsed(entries: list[list[str]], raw: str) -> list[ParsedName]:
    """All `authors_parsed` entries of one record, matched in order to the raw string.

    Matching walks forward through the raw string's entries, so two authors with the
    same family name get their own raw text and affiliations.
    """
    struct = _structure(raw) if raw else _Structure((), {})
    out: list[ParsedName] = []
    pos = 0
    for entry in entries:
        idx = _find_entry(entry[0] if entry else "", struct.entries, pos)
        match = None
        if idx is not None:
            match = struct.entries[idx]
            pos = idx + 1
        out.append(_from_parsed(entry, match, struct.legend))
    return out
