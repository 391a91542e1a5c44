"""Facts derived from a parsed `WorkRecord`: type, venue, publication date, DOIs, withdrawal.

Every parser produces the same `WorkRecord`; the rules that turn its free-text fields
(journal-ref, comments, DOI) into structured facts live here, once, as pure functions, so
a change to a rule changes every source alike and is testable without a database.

Work types (`work_type`), decided from evidence in this order:

1. `erratum`: the title (or journal-ref) starts with Erratum / Errata / Corrigendum.
2. `thesis`: comments or journal-ref call it a PhD/doctoral/master's/diploma thesis or a
   dissertation, and do not merely say it is *based on* or *part of* one. A thesis is a
   genre, not a publication status, so this holds with or without a journal-ref.
3. No journal-ref and no DOI: `preprint`. ("To appear in", "accepted at NeurIPS" in the
   comments is a promise, not evidence: it stays a preprint until arXiv records the
   journal-ref or DOI.)
4. Published (journal-ref or DOI), then:
   * `conference-paper` when the journal-ref names proceedings / a conference /
     workshop / symposium / congress / meeting / Lecture Notes in Computer Science
     (mostly proceedings) / a well-known conference acronym (NeurIPS, ICML, STOC ...),
     or the DOI belongs to a proceedings series (J. Phys. Conf. Ser., PoS, SPIE, EPJ
     Web Conf. ...), or the comments say so ("Proceedings of SCES2007", "Talk given at
     IWCF 2006") and do not say the record is the *extended* / *full* / *journal*
     version of a conference paper. Journals whose names start with
     "Proc." (PNAS, Proc. R. Soc., Proc. AMS, Proc. IEEE ...) are not proceedings.
   * `book-chapter` when the journal-ref or comments speak of a chapter, a book, editors
     ("eds.", "edited by"), a handbook or encyclopedia, or the DOI is a book DOI
     (Springer `10.1007/978-...`, World Scientific `10.1142/978...`, Cambridge `CBO`).
   * `article` otherwise.

Withdrawal (`is_withdrawn`) is a status, not a type: a withdrawn article is still an
article. It is read from the comments and the start of the abstract.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from app.ingest.records import WorkRecord
from app.ingest.text import collapse_ws, latex_to_plain

__all__ = [
    "WORK_TYPES",
    "doi_key",
    "is_withdrawn",
    "publication_date",
    "publication_year",
    "split_dois",
    "venue_from_journal_ref",
    "work_type",
]

WORK_TYPES: Final = (
    "article",
    "conference-paper",
    "book-chapter",
    "thesis",
    "erratum",
    "preprint",
)

_ERRATUM: Final = re.compile(r"^\W*(?:erratum|errata|corrigendum|corrigenda)\b", re.IGNORECASE)
_THESIS: Final = re.compile(
    r"(?<!\w)(?:(?:ph\.?\s?d\.?|doctoral|doctorate|master'?s?|bachelor'?s?|diploma|"
    r"licentiate|habilitation|m\.?\s?sc\.?|b\.?\s?sc\.?)\s*(?:thesis|dissertation)|"
    r"dissertation|^\s*thesis)(?!\w)",
    re.IGNORECASE,
)
# "Based on my PhD thesis", "chapter of the author's thesis": derived from a thesis.
_DERIVED_FROM: Final = re.compile(
    r"(?:based\s+on|part\s+of|parts\s+of|chapters?\s+(?:of|from|in)|from|included\s+in|"
    r"contained\s+in|results\s+of|adapted\s+from|summary\s+of)\W+(?:\w+\W+){0,3}$",
    re.IGNORECASE,
)
# Journals whose names begin like proceedings. Removed before looking for conference
# words, so "Proc. Natl. Acad. Sci." is not a conference but "Proc. IEEE Int. Conf." is.
_JOURNAL_PROC: Final = re.compile(
    r"(?<!\w)proc(?:eedings|\.)?\s*(?:of\s+(?:the\s+)?)?"
    r"(?:natl|nat|national|r|roy|royal|amer|am|american|london|lond|edinb|edinburgh|"
    r"japan|jpn|indian|ind|steklov|cambridge|camb|ams|est|estonian|romanian|rom|acad|"
    r"academy|kon|koninkl|phys|math|inst|yerevan|ieee)(?!\w)\.?",
    re.IGNORECASE,
)
# Abbreviations end at their dot ("AIP Conf.Proc.937" has no space after it); whole words
# need a word boundary on both sides. LNCS counts: its volumes are mostly proceedings.
_CONFERENCE_WORDS: Final = re.compile(
    r"(?<!\w)(?:proc\.|conf\.|symp\.|(?:proceedings?|conference|conferences|workshop|"
    r"symposium|congress|colloquium|meeting|talk|poster|presented\s+at|summer\s+school|"
    r"winter\s+school|winterschool|lecture\s+notes\s+in\s+computer\s+science|"
    r"lect\.\s*notes\s*comput\.\s*sci)(?!\w))",
    re.IGNORECASE,
)
# Case-sensitive: these acronyms are common words in lower case ("chi", "acl" ...).
_CONFERENCE_ACRONYMS: Final = re.compile(
    r"(?<![A-Za-z])(?:NeurIPS|NIPS|ICML|ICLR|CVPR|ICCV|ECCV|AAAI|IJCAI|ACL|EMNLP|NAACL|"
    r"COLING|KDD|SIGIR|SIGMOD|SIGGRAPH|VLDB|STOC|FOCS|SODA|ICALP|STACS|FoSSaCS|RECOMB|"
    r"ISIT|ICRA|IROS|UAI|AISTATS|COLT|MICCAI|INFOCOM|GECCO|EUROCRYPT|CRYPTO|ICASSP|"
    r"INTERSPEECH|Interspeech|GLOBECOM|ICDMW?|WSDM|CIKM|ECML|PKDD|SPIE|PoS|eConf|LNCS)"
    r"(?![a-z])"
)
# The record is the long/journal form of something that also appeared at a conference.
_NOT_THE_CONFERENCE_VERSION: Final = re.compile(
    r"extended\s+version|full\s+version|journal\s+version|extended\s+abstract|"
    r"long\s+version|expanded\s+version|superseded",
    re.IGNORECASE,
)
_BOOK_WORDS: Final = re.compile(
    r"(?<!\w)(?:chapter|book|eds?\.|\(eds?\)|edited\s+by|editors?|handbook|"
    r"encyclopa?edia|monograph)(?!\w)",
    re.IGNORECASE,
)
_CONFERENCE_DOI_PREFIXES: Final = (
    "10.1088/1742-6596/",  # Journal of Physics: Conference Series
    "10.22323/",  # Proceedings of Science (PoS)
    "10.1117/12.",  # SPIE conference proceedings (SPIE journals are 10.1117/1.)
    "10.1051/epjconf/",  # EPJ Web of Conferences
    "10.1016/j.nuclphysbps.",  # Nuclear Physics B - Proceedings Supplements
    "10.1016/j.phpro.",  # Physics Procedia
    "10.1016/j.procs.",  # Procedia Computer Science
    "10.4230/lipics.",  # LIPIcs (conference proceedings)
    # AIP Conference Proceedings is deliberately absent: its 10.1063/1. DOIs are shared
    # with AIP's journals; its journal-ref ("AIP Conf.Proc.") is caught instead.
)
_BOOK_DOI_PREFIXES: Final = (
    "10.1007/978-",  # Springer books and proceedings volumes
    "10.1142/978",  # World Scientific books
    "10.1017/cbo",  # Cambridge University Press books
    "10.1093/acprof",  # Oxford Scholarship Online
    "10.1093/oso/",
    "10.1515/978",  # De Gruyter books
)


def _dois_start(dois: list[str], prefixes: tuple[str, ...]) -> bool:
    return any(d.lower().startswith(prefixes) for d in dois)


def _is_thesis(text: str) -> bool:
    for m in _THESIS.finditer(text):
        if not _DERIVED_FROM.search(text[max(0, m.start() - 60) : m.start()]):
            return True
    return False


def _conference_in_ref(text: str) -> bool:
    text = _JOURNAL_PROC.sub(" ", text)
    return bool(_CONFERENCE_WORDS.search(text) or _CONFERENCE_ACRONYMS.search(text))


def work_type(record: WorkRecord) -> str:
    """The work's type, one of `WORK_TYPES`; rules in the module docstring."""
    journal_ref = collapse_ws(record.journal_ref or "")
    comments = collapse_ws(record.comments or "")
    title = latex_to_plain(record.title)

    if _ERRATUM.search(title) or _ERRATUM.search(journal_ref):
        return "erratum"
    if _is_thesis(comments) or _is_thesis(journal_ref):
        return "thesis"
    if not journal_ref and not record.dois:
        return "preprint"

    comments_say_conference = _conference_in_ref(
        comments
    ) and not _NOT_THE_CONFERENCE_VERSION.search(comments)
    if (
        _conference_in_ref(journal_ref)
        or _dois_start(record.dois, _CONFERENCE_DOI_PREFIXES)
        or comments_say_conference
    ):
        return "conference-paper"
    if (
        _BOOK_WORDS.search(journal_ref)
        or _BOOK_WORDS.search(comments)
        or _dois_start(record.dois, _BOOK_DOI_PREFIXES)
    ):
        return "book-chapter"
    return "article"


# --- venue --------------------------------------------------------------------------

_VENUE_LEAD: Final = re.compile(
    r"^(?:.{0,40}?\b(?:published|appeared|appears|to\s+appear)\s+in\s+|in\s*:?\s+)",
    re.IGNORECASE,
)
# The venue name ends where the first number (volume, year, page) starts; ordinals
# ("7th International Workshop") belong to the name.
_FIRST_NUMBER: Final = re.compile(r"\d+(?!\d|st\b|nd\b|rd\b|th\b)")
# Separators and "vol." / "No." / "pp." left before the number; a dot that ends an
# abbreviation ("Anal.") is part of the name and stays.
_TRAILING_MARKERS: Final = re.compile(
    r"(?:[\s,;:(\[#]+(?:(?:vol(?:ume)?|v|no|nr|n°|issue|iss|pp?|tome)\b\.?)?)+$",
    re.IGNORECASE,
)
_LEADING_YEAR: Final = re.compile(r"^\(?(?:19|20)\d\d\)?[\s,.:]+")
# "L. H. Friedman. Order of ...": the ref starts with a citation, not a venue.
_AUTHOR_CITATION: Final = re.compile(r"^(?:[A-Z]\.\s?){2,}[A-Z][a-z]{2,}[.,]\s")


def venue_from_journal_ref(journal_ref: str | None) -> str | None:
    """Best-effort journal/proceedings name from a journal-ref, None if none is plausible.

    The name is the text before the first volume/page/year number, with trailing
    "vol." / "no." / punctuation removed; only the first of several refs (`;`) counts:

    * `Phys.Rev.D76:013009,2007` -> `Phys.Rev.D`
    * `Appl. Comput. Harmon. Anal., 34:96-116, 2013` -> `Appl. Comput. Harmon. Anal.`
    * `Physica A, V. 387, Issues 2-3 (2008)` -> `Physica A`
    * `2009 Chinese Phys. B 18 506-515` -> `Chinese Phys. B`
    """
    if not journal_ref:
        return None
    s = collapse_ws(journal_ref).split(";", 1)[0]
    s = _VENUE_LEAD.sub("", s, count=1)
    s = _LEADING_YEAR.sub("", s, count=1)
    m = _FIRST_NUMBER.search(s)
    if m is not None:
        s = s[: m.start()]
    paren = s.find(" (")
    if paren > 0:
        s = s[:paren]
    s = _TRAILING_MARKERS.sub("", s)
    s = s.strip(" ,;:([#\"'“”")
    if (
        sum(c.isalpha() for c in s) < 2
        or len(s) > 160
        or "http" in s
        or '"' in s
        or _AUTHOR_CITATION.match(s)
    ):
        return None
    return s


# --- dates ----------------------------------------------------------------------------


def publication_date(record: WorkRecord) -> date | None:
    """Date of the first version (arXiv's announcement basis), else `record.created`."""
    if record.versions:
        first = min(record.versions, key=lambda v: v.version)
        return first.created.date()
    return record.created


def publication_year(record: WorkRecord) -> int | None:
    d = publication_date(record)
    return d.year if d is not None else None


# --- DOIs -----------------------------------------------------------------------------

_DOI_SPLIT: Final = re.compile(r"[\s,;]+")
_DOI_PREFIX: Final = re.compile(
    r"^(?:doi:\s*|(?:https?://)?(?:dx\.)?doi\.org/|urn:doi:)", re.IGNORECASE
)


def split_dois(s: str | None) -> list[str]:
    """DOIs from a DOI field: space/comma/semicolon separated, `doi:` or resolver prefix
    removed, trailing punctuation dropped, duplicates (case-insensitive) removed.

    Stored as written otherwise (DOIs are case-insensitive but publishers' casing is
    what people paste); compare with `doi_key`. Tokens that are not DOIs are dropped.
    """
    if not s:
        return []
    out: list[str] = []
    seen: set[str] = set()
    for tok in _DOI_SPLIT.split(s):
        tok = _DOI_PREFIX.sub("", tok).rstrip(".,;")
        if tok.endswith(")") and tok.count(")") > tok.count("("):
            tok = tok[:-1]
        if not tok.startswith("10.") or "/" not in tok:
            continue
        key = tok.lower()
        if key not in seen:
            seen.add(key)
            out.append(tok)
    return out


def doi_key(doi: str) -> str:
    """Matching form of a DOI: lowercase, prefix removed."""
    return _DOI_PREFIX.sub("", doi.strip()).lower()


# --- withdrawal -----------------------------------------------------------------------

_WITHDRAWN: Final = re.compile(
    r"(?:paper|papers|article|manuscript|submission|preprint|version|work|it)\s+"
    r"(?:has\s+been\s+|have\s+been\s+|is\s+(?:being\s+)?|was\s+|been\s+)?withdrawn"
    r"|withdrawn\s+by|^\W*withdrawn\b|removed\s+by\s+arxiv\s+admin",
    re.IGNORECASE,
)


def is_withdrawn(record: WorkRecord) -> bool:
    """True when the comments (or the abstract's first lines) say the paper is withdrawn,
    as arXiv and authors write it: "This paper has been withdrawn", "paper withdrawn by
    author", "withdrawn by arXiv administrators", "removed by arXiv administrators"."""
    if record.comments and _WITHDRAWN.search(collapse_ws(record.comments)):
        return True
    head = collapse_ws(record.abstract[:300])
    return bool(_WITHDRAWN.search(head))
