"""Plain-text forms (`app.ingest.text`) and derived facts (`app.ingest.enrich`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ingest.enrich import (
    WORK_TYPES,
    doi_key,
    is_withdrawn,
    publication_date,
    publication_year,
    split_dois,
    venue_from_journal_ref,
    work_type,
)
from app.ingest.formats.snapshot import iter_snapshot
from app.ingest.records import WorkRecord, WorkVersion
from app.ingest.text import collapse_ws, latex_to_plain, strip_or_none

KAGGLE = "snapshot-sample-wanng-ide_arxivSpider_mnbvc-lines001-100.jsonl"
ABS = "snapshot-converted-from-abs-0704.0201-0704.0700.jsonl"


def _record(**kw: object) -> WorkRecord:
    base: dict[str, object] = {
        "arxiv_id": "0704.0001",
        "title": "A title",
        "abstract": "An abstract.",
        "authors": [],
        "categories": ["hep-ph"],
    }
    base.update(kw)
    return WorkRecord(**base)  # type: ignore[arg-type]


def _records(path: Path) -> dict[str, WorkRecord]:
    with path.open("rb") as f:
        return {r.arxiv_id: r for r in iter_snapshot(f) if isinstance(r, WorkRecord)}


# --- text -----------------------------------------------------------------------------


def test_collapse_ws() -> None:
    assert collapse_ws("  Calculation of prompt diphoton production at Tevatron and\n  LHC ") == (
        "Calculation of prompt diphoton production at Tevatron and LHC"
    )
    assert strip_or_none("  \n ") is None
    assert strip_or_none(None) is None
    assert strip_or_none(" a\n b ") == "a b"


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (
            "From dyadic $\\Lambda_{\\alpha}$ to $\\Lambda_{\\alpha}$",
            "From dyadic Λ_α to Λ_α",
        ),
        (
            'On a Conjecture of Erd{\\H{o}}s, Frankl and F{\\"u}redi',
            "On a Conjecture of Erdős, Frankl and Füredi",
        ),
        (
            "A faster algorithm for the discrete Fr\\'echet distance under translation",
            "A faster algorithm for the discrete Fréchet distance under translation",
        ),
        ("Equation $x^iy^jx^k=u^iv^ju^k$ in words", "Equation x^iy^jx^k=u^iv^ju^k in words"),
        ("Measurement of $|V_{cs}|$", "Measurement of |V_cs|"),
        ("$\\textrm{Rb}_2$ molecules", "Rb_2 molecules"),
        ("Ambj{\\o}rn-Nielsen-Olesen", "Ambjørn-Nielsen-Olesen"),
        ("a bound of O(10^{-4}) on 50% of\n  events", "a bound of O(10^-4) on 50% of events"),
        ("``geometrical'', or dimensionless", '"geometrical", or dimensionless'),
        ("see \\cite{foo} and \\ref{eq:1} here", "see and here"),
        ("$\\frac{a}{b+c}$ and $\\sqrt{2}$", "a/b+c and √2"),
        ("Object Re-Use \\& Exchange", "Object Re-Use & Exchange"),
        ("\\begin{equation} E = mc^2 \\end{equation}", "E = mc^2"),
        ("plain text, no LaTeX", "plain text, no LaTeX"),
    ],
)
def test_latex_to_plain(latex: str, plain: str) -> None:
    assert latex_to_plain(latex) == plain


@pytest.mark.parametrize(
    "broken",
    ["unbalanced { brace", "unbalanced } brace", "$ lone dollar", "\\", "\\frac{a", "x\\'"],
)
def test_latex_to_plain_degrades_on_malformed_latex(broken: str) -> None:
    out = latex_to_plain(broken)
    assert "{" not in out
    assert "}" not in out
    assert "$" not in out


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \\{}$^_~%'`\"=.vHc\nio"), max_size=60) | st.text())
def test_latex_to_plain_never_raises(s: str) -> None:
    out = latex_to_plain(s)
    assert isinstance(out, str)
    assert "\n" not in out
    assert out == out.strip()


# --- work types -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"journal_ref": "Phys.Rev.D76:013009,2007", "dois": ["10.1103/X"]}, "article"),
        ({"dois": ["10.1103/PhysRevA.75.043613"]}, "article"),
        ({"comments": "To appear in Graphs and Combinatorics"}, "preprint"),
        ({"comments": "NeurIPS 2019 camera-ready"}, "preprint"),  # a promise, not evidence
        ({"journal_ref": "AIP Conf.Proc.921:510-511,2007"}, "conference-paper"),
        (
            {
                "dois": ["10.1016/j.physb.2007.10.107"],
                "comments": "Proceeding of SCES07 Conference",
            },
            "conference-paper",
        ),
        (
            {
                "journal_ref": "Advances in Neural Information Processing Systems 32 (NeurIPS 2019)",
            },
            "conference-paper",
        ),
        ({"journal_ref": "Proc. SPIE 9036, Medical Imaging 2014"}, "conference-paper"),
        ({"journal_ref": "J. Phys.: Conf. Series 509 012087 (2014)"}, "conference-paper"),
        ({"dois": ["10.1088/1742-6596/70/1/012011"]}, "conference-paper"),
        ({"journal_ref": "Proc. Natl. Acad. Sci. USA 104, 1234 (2007)"}, "article"),
        ({"journal_ref": "Proc. R. Soc. Edinb. A 140 (2010) 273-289"}, "article"),
        ({"journal_ref": "Proc. Amer. Math. Soc. 135 (2007), 1-10"}, "article"),
        ({"journal_ref": "Proc. IEEE Int. Conf. on Robotics (2010) 1-6"}, "conference-paper"),
        (
            {
                "dois": ["10.1137/1.X"],
                "comments": "Extended version of a paper in Proc. STOC 2007",
            },
            "article",
        ),
        ({"comments": "Ph.D. dissertation,"}, "thesis"),
        ({"comments": "PhD dissertation, May 2014, Purdue University"}, "thesis"),
        ({"comments": "Master's thesis, Leibniz Universit\\\"at Hannover, 67 pages"}, "thesis"),
        ({"comments": "Based on my PhD thesis", "dois": ["10.1/x"]}, "article"),
        (
            {
                "journal_ref": "Geometric Flows (Huai-Dong Cao and Shing-Tung Yau, eds.), "
                "Surveys in Differential Geometry, vol. XII, 2008, pp. 113--165"
            },
            "book-chapter",
        ),
        ({"dois": ["10.1007/978-1-4020-6348-0_12"]}, "book-chapter"),
        ({"title": "Erratum: Measurement of X", "dois": ["10.1/x"]}, "erratum"),
    ],
)
def test_work_type_rules(fields: dict[str, object], expected: str) -> None:
    assert expected in WORK_TYPES
    assert work_type(_record(**fields)) == expected


def test_work_types_of_real_records(arxiv_data: Path) -> None:
    kaggle = _records(arxiv_data / KAGGLE)
    assert work_type(kaggle["0704.0001"]) == "article"  # journal-ref + DOI
    assert work_type(kaggle["0704.0002"]) == "preprint"  # "To appear in ..." only
    assert work_type(kaggle["0704.0062"]) == "conference-paper"  # WABI workshop, LNCS
    assert work_type(kaggle["0704.0048"]) == "conference-paper"  # GWDAW-11 proceeding
    assert work_type(kaggle["0704.0025"]) == "book-chapter"  # Springer book DOI
    abs_ = _records(arxiv_data / ABS)
    assert work_type(abs_["0704.0698"]) == "thesis"  # "Ph.D. dissertation,"
    assert work_type(abs_["0704.0209"]) == "conference-paper"  # AIP Conf. Proc.
    assert work_type(abs_["0704.0565"]) == "article"  # Proc. R. Soc. Edinb. is a journal
    assert work_type(abs_["0704.0236"]) == "book-chapter"  # "(... eds.)"
    assert work_type(abs_["0704.0525"]) == "article"  # withdrawn, but was published


# --- venues ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("journal_ref", "venue"),
    [
        ("Phys.Rev.D76:013009,2007", "Phys.Rev.D"),
        ("Appl. Comput. Harmon. Anal., 34:96-116, 2013", "Appl. Comput. Harmon. Anal."),
        ("Phys. Rev. C 87, 065504 (2013)", "Phys. Rev. C"),
        ("New J. Phys. 9 206 (2007)", "New J. Phys."),
        ("Astrophys.J.663:1149-1173,2007", "Astrophys.J."),
        ("JHEP 0705:034,2007", "JHEP"),
        ("JHEP0707:002,2007", "JHEP"),
        ("Int.J.Mod.Phys.A23:3685-3705,2008", "Int.J.Mod.Phys.A"),
        ("Physica A, V. 387, Issues 2-3 (2008), Pages 385-406", "Physica A"),
        ("Journal of Applied Physics, vol 104, 073536 (2008)", "Journal of Applied Physics"),
        ("EPL,vol. 92, p. 17007 (2010)", "EPL"),
        ("J. Phys.: Conf. Series 509 012087 (2014)", "J. Phys.: Conf. Series"),
        ("Transformation Groups, vol. 13 (2008), 389--412.", "Transformation Groups"),
        ("2009 Chinese Phys. B 18 506-515", "Chinese Phys. B"),
        ("published in Journal of Noncommutative Geometry, 2 (2008), 53-123",
         "Journal of Noncommutative Geometry"),
        ("Revised and published in ACM Trans. Comput. Logic 10, Article 22, 2009",
         "ACM Trans. Comput. Logic"),
        ("J.Opt.Soc.Am.A 23, 2578-2591 (2006); Erratum: J.Opt.Soc.Am.A 32, 2407 (2015)",
         "J.Opt.Soc.Am.A"),
        ("Algorithms in Bioinformatics: 7th International Workshop (WABI), 4645 volume",
         "Algorithms in Bioinformatics: 7th International Workshop"),
        ("L. H. Friedman. Order of epitaxial self-assembled quantum dots: Linear analysis. "
         "Journal of Nanophotonics, 1(1):013513, 2007.", None),
        ("", None),
        (None, None),
    ],
)  # fmt: skip
def test_venue_from_journal_ref(journal_ref: str | None, venue: str | None) -> None:
    assert venue_from_journal_ref(journal_ref) == venue


# --- dates ----------------------------------------------------------------------------


def test_publication_date() -> None:
    v1 = WorkVersion(1, datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC))
    v2 = WorkVersion(2, datetime(2007, 7, 24, 20, 10, 27, tzinfo=UTC))
    assert publication_date(_record(versions=[v2, v1])) == date(2007, 4, 2)
    assert publication_date(_record(created=date(2011, 1, 23))) == date(2011, 1, 23)
    assert publication_date(_record()) is None
    assert publication_year(_record(versions=[v1])) == 2007
    assert publication_year(_record()) is None


def test_publication_dates_of_real_records(arxiv_data: Path) -> None:
    kaggle = _records(arxiv_data / KAGGLE)
    assert publication_date(kaggle["0704.0001"]) == date(2007, 4, 2)
    assert publication_date(kaggle["0704.0002"]) == date(2007, 3, 31)
    assert {publication_year(r) for r in kaggle.values()} == {2007}


# --- DOIs -----------------------------------------------------------------------------


def test_split_dois() -> None:
    assert split_dois("10.1103/PhysRevD.76.013009") == ["10.1103/PhysRevD.76.013009"]
    # 0704.0221 and 0704.0389 (line break between DOIs)
    assert split_dois("10.1007/s10714-007-0472-9 10.1142/S0218271808012449") == [
        "10.1007/s10714-007-0472-9",
        "10.1142/S0218271808012449",
    ]
    assert split_dois(
        "10.1103/PhysRevD.75.124007 10.1103/PhysRevD.82.029901\n  10.1103/PhysRevD.82.129903"
    ) == ["10.1103/PhysRevD.75.124007", "10.1103/PhysRevD.82.029901", "10.1103/PhysRevD.82.129903"]
    # 0704.0020 as the .abs file writes it
    assert split_dois("doi:10.1103/PhysRevD.76.052005") == ["10.1103/PhysRevD.76.052005"]
    assert split_dois("https://doi.org/10.1/ABC, doi: 10.1/abc; 10.2/x.") == ["10.1/ABC", "10.2/x"]
    assert split_dois("10.1007/JHEP01(2015)011") == ["10.1007/JHEP01(2015)011"]
    assert split_dois("not a doi") == []
    assert split_dois(None) == []


def test_doi_key() -> None:
    assert doi_key("doi:10.1103/PhysRevD.76.052005") == "10.1103/physrevd.76.052005"
    assert doi_key("10.1103/PhysRevD.76.052005") == doi_key("10.1103/physrevd.76.052005")


# --- withdrawal -----------------------------------------------------------------------


def test_withdrawn_records_0704_abs(arxiv_data: Path) -> None:
    records = _records(arxiv_data / ABS)
    withdrawn = {i for i, r in records.items() if is_withdrawn(r)}
    assert withdrawn == {
        "0704.0213",
        "0704.0374",
        "0704.0480",
        "0704.0525",
        "0704.0615",
        "0704.0644",
    }


@pytest.mark.parametrize(
    ("comments", "abstract", "expected"),
    [
        ("This paper has been withdrawn", "", True),
        ("paper withdrawn by author", "", True),
        (None, "  This paper has been withdrawn due to copyright reasons.\n", True),
        ("withdrawn by arXiv administrators due to plagiarism", "", True),
        ("v2: Lemma 3 withdrawn, main theorem unchanged", "", False),
        ("12 pages", "We show that the claim was withdrawn... no", False),
        (None, "An ordinary abstract.", False),
    ],
)
def test_is_withdrawn(comments: str | None, abstract: str, expected: bool) -> None:
    assert is_withdrawn(_record(comments=comments, abstract=abstract)) is expected
