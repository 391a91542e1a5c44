"""The arXiv taxonomy data file and its loader: coverage, lookups, stable order."""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.topics.taxonomy import Taxonomy, load_taxonomy, parse_taxonomy

# Every category code found in the real samples under ../shared/data/arxiv (snapshot
# `categories`, OAI `<categories>`, Atom `term`), so coverage holds even without the files.
SAMPLE_CODES = """
astro-ph astro-ph.CO astro-ph.EP astro-ph.GA astro-ph.HE astro-ph.IM astro-ph.SR
cond-mat.dis-nn cond-mat.mes-hall cond-mat.mtrl-sci cond-mat.other cond-mat.quant-gas
cond-mat.soft cond-mat.stat-mech cond-mat.str-el cond-mat.supr-con cs.AI cs.CC cs.CE cs.CG
cs.CL cs.CR cs.CV cs.DL cs.DM cs.DS cs.FL cs.GR cs.IR cs.IT cs.LG cs.LO cs.MM cs.MS cs.NA
cs.NE cs.NI cs.PL cs.RO cs.SI cs.SY eess.SY gr-qc hep-ex hep-lat hep-ph hep-th math-ph
math.AC math.AG math.AP math.AT math.CA math.CO math.CT math.CV math.DG math.DS math.FA
math.GR math.GT math.IT math.KT math.LO math.MG math.MP math.NA math.NT math.OA math.OC
math.PR math.QA math.RA math.RT math.SG math.SP math.ST nlin.AO nlin.CD nlin.PS nlin.SI
nucl-ex nucl-th physics.ao-ph physics.atm-clus physics.atom-ph physics.bio-ph
physics.chem-ph physics.class-ph physics.comp-ph physics.data-an physics.ed-ph
physics.flu-dyn physics.gen-ph physics.geo-ph physics.hist-ph physics.ins-det
physics.med-ph physics.optics physics.plasm-ph physics.pop-ph physics.soc-ph
physics.space-ph q-bio.BM q-bio.CB q-bio.MN q-bio.NC q-bio.OT q-bio.PE q-bio.QM q-bio.SC
q-fin.CP q-fin.GN q-fin.PR q-fin.RM q-fin.ST quant-ph stat.AP stat.ML stat.TH
""".split()

LEGACY_SUBSUMED = {
    "chao-dyn": "nlin.CD",
    "solv-int": "nlin.SI",
    "alg-geom": "math.AG",
    "q-alg": "math.QA",
    "funct-an": "math.FA",
    "dg-ga": "math.DG",
    "patt-sol": "nlin.PS",
    "adap-org": "nlin.AO",
    "cmp-lg": "cs.CL",
    "comp-gas": "nlin.CG",
    "supr-con": "cond-mat.supr-con",
    "mtrl-th": "cond-mat.mtrl-sci",
    "acc-phys": "physics.acc-ph",
    "ao-sci": "physics.ao-ph",
    "atom-ph": "physics.atom-ph",
    "bayes-an": "physics.data-an",
    "chem-ph": "physics.chem-ph",
    "plasm-ph": "physics.plasm-ph",
}

# alias -> canonical, as arXiv defines them (the alias is auto-cross-listed to the target).
ALIASES = {
    "cs.NA": "math.NA",
    "math.IT": "cs.IT",
    "cs.SY": "eess.SY",
    "stat.TH": "math.ST",
    "q-fin.EC": "econ.GN",
    "math.MP": "math-ph",
}

# The order topic ids are assigned from. Appending entries keeps this prefix; reordering,
# renaming or deleting one changes it. Update the count only when appending.
PINNED_ENTRIES = 222
PINNED_ORDER_SHA256 = "ca74ef3e9761e7fc626b48a9bbe78d6340f0a37a21ee6cddb61667d0e7202b09"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


def _document() -> dict[str, Any]:
    path = resources.files("app.ingest").joinpath("data/arxiv_taxonomy.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def test_load_is_cached() -> None:
    assert load_taxonomy() is load_taxonomy()


def test_groups_are_arxivs_eight(taxonomy: Taxonomy) -> None:
    assert sorted(g.name for g in taxonomy.groups.values()) == [
        "Computer Science",
        "Economics",
        "Electrical Engineering and Systems Science",
        "Mathematics",
        "Physics",
        "Quantitative Biology",
        "Quantitative Finance",
        "Statistics",
    ]


@pytest.mark.parametrize(
    "archive",
    "astro-ph cond-mat gr-qc hep-ex hep-lat hep-ph hep-th math-ph nlin nucl-ex nucl-th "
    "physics quant-ph cs math q-bio q-fin stat eess econ".split(),
)
def test_active_archives_exist(taxonomy: Taxonomy, archive: str) -> None:
    assert archive in taxonomy.archives
    assert not taxonomy.archives[archive].legacy


@pytest.mark.parametrize(
    ("code", "name", "group"),
    [
        ("cs.CL", "Computation and Language", "Computer Science"),
        ("hep-ph", "High Energy Physics - Phenomenology", "Physics"),
        ("math.CO", "Combinatorics", "Mathematics"),
        ("physics.optics", "Optics", "Physics"),
        ("cond-mat.str-el", "Strongly Correlated Electrons", "Physics"),
        ("astro-ph.CO", "Cosmology and Nongalactic Astrophysics", "Physics"),
        ("eess.SP", "Signal Processing", "Electrical Engineering and Systems Science"),
        ("econ.EM", "Econometrics", "Economics"),
        ("q-bio.NC", "Neurons and Cognition", "Quantitative Biology"),
        ("q-fin.MF", "Mathematical Finance", "Quantitative Finance"),
        ("stat.ML", "Machine Learning", "Statistics"),
    ],
)
def test_category_names(taxonomy: Taxonomy, code: str, name: str, group: str) -> None:
    category = taxonomy.resolve(code)
    assert category is not None
    assert (category.code, category.name, category.group_name) == (code, name, group)
    assert not category.legacy
    assert category.canonical is None


def test_category_counts_per_archive(taxonomy: Taxonomy) -> None:
    per_archive: dict[str, int] = {}
    for category in taxonomy:
        if category.code != category.archive_code:
            per_archive[category.archive_code] = per_archive.get(category.archive_code, 0) + 1
    assert per_archive == {
        "cs": 40,
        "econ": 3,
        "eess": 4,
        "math": 32,
        "astro-ph": 6,
        "cond-mat": 9,
        "nlin": 5,
        "physics": 22,
        "q-bio": 10,
        "q-fin": 9,
        "stat": 6,
    }


@pytest.mark.parametrize("code", SAMPLE_CODES)
def test_every_sample_code_resolves(taxonomy: Taxonomy, code: str) -> None:
    category = taxonomy.resolve(code)
    assert category is not None
    assert category.code == code


def test_every_code_in_the_shared_samples_resolves(taxonomy: Taxonomy, arxiv_data: Path) -> None:
    codes: set[str] = set()
    for path in arxiv_data.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            codes.update(json.loads(line)["categories"].split())
    for path in arxiv_data.glob("*.xml"):
        text = path.read_text(encoding="utf-8")
        for field in re.findall(r"<categories>([^<]*)</categories>", text):
            codes.update(field.split())
        codes.update(re.findall(r'<category term="([^"]+)"', text))
    assert codes, "no categories found in the samples"
    assert sorted(c for c in codes if taxonomy.resolve(c) is None) == []


@pytest.mark.parametrize(("code", "target"), sorted(LEGACY_SUBSUMED.items()))
def test_subsumed_archives_are_legacy_with_a_successor(
    taxonomy: Taxonomy, code: str, target: str
) -> None:
    category = taxonomy.resolve(code)
    assert category is not None
    assert category.legacy
    assert category.canonical == target
    assert taxonomy.archives[code].legacy
    assert taxonomy.canonical(code) == target


@pytest.mark.parametrize("code", ["astro-ph", "cond-mat", "q-bio"])
def test_bare_archive_codes_of_old_papers_are_legacy_categories(
    taxonomy: Taxonomy, code: str
) -> None:
    category = taxonomy.resolve(code)
    assert category is not None
    assert category.legacy
    assert category.canonical is None  # no single successor: stays counted as the archive
    assert category.archive_code == code
    assert not taxonomy.archives[code].legacy


@pytest.mark.parametrize(("alias", "canonical"), sorted(ALIASES.items()))
def test_aliases_point_to_their_canonical_category(
    taxonomy: Taxonomy, alias: str, canonical: str
) -> None:
    category = taxonomy.resolve(alias)
    assert category is not None
    assert category.canonical == canonical
    assert category.canonical_code == canonical
    assert not category.legacy  # still accepted, only an alias
    target = taxonomy.resolve(canonical)
    assert target is not None
    assert target.canonical is None


def test_canonical_targets_are_canonical(taxonomy: Taxonomy) -> None:
    for category in taxonomy:
        target = taxonomy.categories[category.canonical_code]
        assert target.canonical is None, category.code


@pytest.mark.parametrize("code", ["foo.XX", "cs.XX", "", " ", "hep", "physics", "grp_cs"])
def test_unknown_codes_resolve_to_none(taxonomy: Taxonomy, code: str) -> None:
    assert taxonomy.resolve(code) is None
    assert taxonomy.canonical(code) is None
    assert code not in taxonomy


def test_lookup_tolerates_case_and_space(taxonomy: Taxonomy) -> None:
    category = taxonomy.resolve(" CS.cv ")
    assert category is not None
    assert category.code == "cs.CV"


def test_archive_for_falls_back_to_the_prefix(taxonomy: Taxonomy) -> None:
    archive = taxonomy.archive_for("cs.XX")
    assert archive is not None
    assert archive.code == "cs"
    assert taxonomy.archive_for("foo.XX") is None
    stat_th = taxonomy.archive_for("stat.TH")
    assert stat_th is not None
    assert stat_th.code == "stat"  # its own archive; the canonical one is math


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Computer Science - Computer Vision and Pattern Recognition", "cs.CV"),
        ("Physics - Optics", "physics.optics"),
        ("Mathematics - Combinatorics", "math.CO"),
        ("High Energy Physics - Phenomenology", "hep-ph"),
        ("Statistics - Machine Learning", "stat.ML"),
        ("Computer Science - Machine Learning", "cs.LG"),
        ("Computer Science - Learning", "cs.LG"),  # the old name, in the oai_dc sample
        ("Computer Science - Multimedia", "cs.MM"),
        ("Condensed Matter - Strongly Correlated Electrons", "cond-mat.str-el"),
        ("Astrophysics - Cosmology and Nongalactic Astrophysics", "astro-ph.CO"),
        ("Astrophysics", "astro-ph"),
        ("General Relativity and Quantum Cosmology", "gr-qc"),
        ("Quantum Physics", "quant-ph"),
        ("Mathematical Physics", "math-ph"),
        ("Mathematics - Mathematical Physics", "math.MP"),
        ("Nonlinear Sciences - Chaotic Dynamics", "nlin.CD"),
        ("Chaotic Dynamics", "chao-dyn"),
        ("Electrical Engineering and Systems Science - Signal Processing", "eess.SP"),
        ("Quantitative Finance - Economics", "q-fin.EC"),
        ("  physics  -  optics ", "physics.optics"),
        ("Physics \u2013 Optics", "physics.optics"),
        ("Physics -- Optics", "physics.optics"),
        ("cs.CV", "cs.CV"),
        ("Optics", "physics.optics"),  # a bare name, unambiguous
    ],
)
def test_human_name_to_code(taxonomy: Taxonomy, name: str, code: str) -> None:
    assert taxonomy.human_name_to_code(name) == code


@pytest.mark.parametrize(
    "name", ["Machine Learning", "Other", "Computer Science - Astrology", "", "Physics -"]
)
def test_ambiguous_or_unknown_human_names(taxonomy: Taxonomy, name: str) -> None:
    assert taxonomy.human_name_to_code(name) is None


def test_every_full_name_round_trips(taxonomy: Taxonomy) -> None:
    for category in taxonomy:
        assert taxonomy.human_name_to_code(category.full_name) == category.code


def test_hyphenated_names_are_not_split_at_their_hyphen(taxonomy: Taxonomy) -> None:
    assert taxonomy.human_name_to_code("Computer Science - Human-Computer Interaction") == "cs.HC"
    assert taxonomy.human_name_to_code("Mathematics - K-Theory and Homology") == "math.KT"


def test_nodes_have_unique_codes_and_parents_first(taxonomy: Taxonomy) -> None:
    seen: set[str] = set()
    for node in taxonomy.nodes:
        assert node.code not in seen
        if node.parent_code is not None:
            assert node.parent_code in seen, node.code
        seen.add(node.code)
    assert set(taxonomy.categories) <= seen
    assert set(taxonomy.archives) <= seen
    assert set(taxonomy.groups) <= seen


def test_node_levels(taxonomy: Taxonomy) -> None:
    nodes = {node.code: node for node in taxonomy.nodes}
    assert (nodes["grp_physics"].level, nodes["grp_physics"].parent_code) == ("group", None)
    assert (nodes["astro-ph"].level, nodes["astro-ph"].parent_code) == ("archive", "grp_physics")
    assert not nodes["astro-ph"].legacy  # the archive is active; only its bare code is old
    assert (nodes["astro-ph.CO"].level, nodes["astro-ph.CO"].parent_code) == (
        "category",
        "astro-ph",
    )
    # An archive that is its own only category is one category-level node under its group.
    assert (nodes["hep-ph"].level, nodes["hep-ph"].parent_code) == ("category", "grp_physics")
    assert (nodes["alg-geom"].level, nodes["alg-geom"].legacy) == ("category", True)


def test_order_follows_the_file_and_is_pinned(taxonomy: Taxonomy) -> None:
    entries = _document()["entries"]
    assert len(entries) >= PINNED_ENTRIES
    prefix = "\n".join(f"{e['level']}:{e['code']}" for e in entries[:PINNED_ENTRIES])
    assert hashlib.sha256(prefix.encode()).hexdigest() == PINNED_ORDER_SHA256, (
        "existing taxonomy entries were reordered, renamed or removed: topic ids would move"
    )
    categories = [e["code"] for e in entries if e["level"] == "category"]
    assert list(taxonomy.categories) == categories
    node_codes = list(dict.fromkeys(e["code"] for e in entries))
    assert [node.code for node in taxonomy.nodes] == node_codes


def _doc(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"format": 1, "entries": list(entries)}


GROUP = {"level": "group", "code": "grp_x", "name": "X"}
ARCHIVE = {"level": "archive", "code": "x", "name": "X", "group": "grp_x"}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"format": 2, "entries": []}, "format"),
        ({"format": 1}, "entries"),
        (_doc(ARCHIVE), "unknown or later group"),
        (_doc(GROUP, GROUP), "duplicate group"),
        (_doc(GROUP, {"level": "category", "code": "x.A", "name": "A", "archive": "x"}), "archive"),
        (_doc(GROUP, ARCHIVE, {"level": "topic", "code": "x.A", "name": "A"}), "unknown level"),
        (
            _doc(
                GROUP,
                ARCHIVE,
                {
                    "level": "category",
                    "code": "x.A",
                    "name": "A",
                    "archive": "x",
                    "canonical": "x.B",
                },
            ),
            "not canonical",
        ),
        (
            _doc(
                GROUP,
                ARCHIVE,
                {"level": "category", "code": "x.A", "name": "A", "archive": "x", "legacy": "yes"},
            ),
            "legacy",
        ),
        (
            _doc(
                GROUP,
                ARCHIVE,
                {"level": "category", "code": "x.A", "name": "Same", "archive": "x"},
                {"level": "category", "code": "x.B", "name": "B", "archive": "x", "aka": ["Same"]},
            ),
            "names both",
        ),
    ],
)
def test_parse_rejects_broken_documents(document: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_taxonomy(document)


@given(st.text(max_size=60))
def test_lookups_never_raise(text: str) -> None:
    taxonomy = load_taxonomy()
    category = taxonomy.resolve(text)
    assert category is None or category.code.casefold() == text.strip().casefold()
    code = taxonomy.human_name_to_code(text)
    assert code is None or code in taxonomy.categories
    taxonomy.archive_for(text)
