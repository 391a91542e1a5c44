"""arXiv category names <-> codes, for sources that only give the human-readable name.

Dublin Core (`oai_dc`) records list subjects as `Computer Science - Computer Vision and
Pattern Recognition` instead of `cs.CV`; OAI headers give sets (`physics:hep-ph`). This
table maps both to arXiv category codes. It follows arXiv's taxonomy, including a few
retired display names still present in older records (`Computer Science - Learning`).
Unknown names map to nothing: the caller falls back to the record's sets.
"""

from __future__ import annotations

from typing import Final

__all__ = ["category_from_set_spec", "category_from_subject"]

_ARCHIVES: Final[dict[str, tuple[str, dict[str, str]]]] = {
    "computer science": (
        "cs",
        {
            "AI": "Artificial Intelligence",
            "AR": "Hardware Architecture",
            "CC": "Computational Complexity",
            "CE": "Computational Engineering, Finance, and Science",
            "CG": "Computational Geometry",
            "CL": "Computation and Language",
            "CR": "Cryptography and Security",
            "CV": "Computer Vision and Pattern Recognition",
            "CY": "Computers and Society",
            "DB": "Databases",
            "DC": "Distributed, Parallel, and Cluster Computing",
            "DL": "Digital Libraries",
            "DM": "Discrete Mathematics",
            "DS": "Data Structures and Algorithms",
            "ET": "Emerging Technologies",
            "FL": "Formal Languages and Automata Theory",
            "GL": "General Literature",
            "GR": "Graphics",
            "GT": "Computer Science and Game Theory",
            "HC": "Human-Computer Interaction",
            "IR": "Information Retrieval",
            "IT": "Information Theory",
            "LG": "Machine Learning",
            "LO": "Logic in Computer Science",
            "MA": "Multiagent Systems",
            "MM": "Multimedia",
            "MS": "Mathematical Software",
            "NA": "Numerical Analysis",
            "NE": "Neural and Evolutionary Computing",
            "NI": "Networking and Internet Architecture",
            "OH": "Other Computer Science",
            "OS": "Operating Systems",
            "PF": "Performance",
            "PL": "Programming Languages",
            "RO": "Robotics",
            "SC": "Symbolic Computation",
            "SD": "Sound",
            "SE": "Software Engineering",
            "SI": "Social and Information Networks",
            "SY": "Systems and Control",
        },
    ),
    "mathematics": (
        "math",
        {
            "AC": "Commutative Algebra",
            "AG": "Algebraic Geometry",
            "AP": "Analysis of PDEs",
            "AT": "Algebraic Topology",
            "CA": "Classical Analysis and ODEs",
            "CO": "Combinatorics",
            "CT": "Category Theory",
            "CV": "Complex Variables",
            "DG": "Differential Geometry",
            "DS": "Dynamical Systems",
            "FA": "Functional Analysis",
            "GM": "General Mathematics",
            "GN": "General Topology",
            "GR": "Group Theory",
            "GT": "Geometric Topology",
            "HO": "History and Overview",
            "IT": "Information Theory",
            "KT": "K-Theory and Homology",
            "LO": "Logic",
            "MG": "Metric Geometry",
            "MP": "Mathematical Physics",
            "NA": "Numerical Analysis",
            "NT": "Number Theory",
            "OA": "Operator Algebras",
            "OC": "Optimization and Control",
            "PR": "Probability",
            "QA": "Quantum Algebra",
            "RA": "Rings and Algebras",
            "RT": "Representation Theory",
            "SG": "Symplectic Geometry",
            "SP": "Spectral Theory",
            "ST": "Statistics Theory",
        },
    ),
    "statistics": (
        "stat",
        {
            "AP": "Applications",
            "CO": "Computation",
            "ME": "Methodology",
            "ML": "Machine Learning",
            "OT": "Other Statistics",
            "TH": "Statistics Theory",
        },
    ),
    "physics": (
        "physics",
        {
            "acc-ph": "Accelerator Physics",
            "ao-ph": "Atmospheric and Oceanic Physics",
            "app-ph": "Applied Physics",
            "atm-clus": "Atomic and Molecular Clusters",
            "atom-ph": "Atomic Physics",
            "bio-ph": "Biological Physics",
            "chem-ph": "Chemical Physics",
            "class-ph": "Classical Physics",
            "comp-ph": "Computational Physics",
            "data-an": "Data Analysis, Statistics and Probability",
            "ed-ph": "Physics Education",
            "flu-dyn": "Fluid Dynamics",
            "gen-ph": "General Physics",
            "geo-ph": "Geophysics",
            "hist-ph": "History and Philosophy of Physics",
            "ins-det": "Instrumentation and Detectors",
            "med-ph": "Medical Physics",
            "optics": "Optics",
            "plasm-ph": "Plasma Physics",
            "pop-ph": "Popular Physics",
            "soc-ph": "Physics and Society",
            "space-ph": "Space Physics",
        },
    ),
    "astrophysics": (
        "astro-ph",
        {
            "CO": "Cosmology and Nongalactic Astrophysics",
            "EP": "Earth and Planetary Astrophysics",
            "GA": "Astrophysics of Galaxies",
            "HE": "High Energy Astrophysical Phenomena",
            "IM": "Instrumentation and Methods for Astrophysics",
            "SR": "Solar and Stellar Astrophysics",
        },
    ),
    "condensed matter": (
        "cond-mat",
        {
            "dis-nn": "Disordered Systems and Neural Networks",
            "mes-hall": "Mesoscale and Nanoscale Physics",
            "mtrl-sci": "Materials Science",
            "other": "Other Condensed Matter",
            "quant-gas": "Quantum Gases",
            "soft": "Soft Condensed Matter",
            "stat-mech": "Statistical Mechanics",
            "str-el": "Strongly Correlated Electrons",
            "supr-con": "Superconductivity",
        },
    ),
    "nonlinear sciences": (
        "nlin",
        {
            "AO": "Adaptation and Self-Organizing Systems",
            "CD": "Chaotic Dynamics",
            "CG": "Cellular Automata and Lattice Gases",
            "PS": "Pattern Formation and Solitons",
            "SI": "Exactly Solvable and Integrable Systems",
        },
    ),
    "quantitative biology": (
        "q-bio",
        {
            "BM": "Biomolecules",
            "CB": "Cell Behavior",
            "GN": "Genomics",
            "MN": "Molecular Networks",
            "NC": "Neurons and Cognition",
            "OT": "Other Quantitative Biology",
            "PE": "Populations and Evolution",
            "QM": "Quantitative Methods",
            "SC": "Subcellular Processes",
            "TO": "Tissues and Organs",
        },
    ),
    "quantitative finance": (
        "q-fin",
        {
            "CP": "Computational Finance",
            "EC": "Economics",
            "GN": "General Finance",
            "MF": "Mathematical Finance",
            "PM": "Portfolio Management",
            "PR": "Pricing of Securities",
            "RM": "Risk Management",
            "ST": "Statistical Finance",
            "TR": "Trading and Market Microstructure",
        },
    ),
    "electrical engineering and systems science": (
        "eess",
        {
            "AS": "Audio and Speech Processing",
            "IV": "Image and Video Processing",
            "SP": "Signal Processing",
            "SY": "Systems and Control",
        },
    ),
    "economics": (
        "econ",
        {"EM": "Econometrics", "GN": "General Economics", "TH": "Theoretical Economics"},
    ),
    "high energy physics": (
        "hep",
        {"ex": "Experiment", "lat": "Lattice", "ph": "Phenomenology", "th": "Theory"},
    ),
}

# Archives without subject classes, and retired display names.
_STANDALONE: Final[dict[str, str]] = {
    "quantum physics": "quant-ph",
    "general relativity and quantum cosmology": "gr-qc",
    "nuclear experiment": "nucl-ex",
    "nuclear theory": "nucl-th",
    "mathematical physics": "math-ph",
    "astrophysics": "astro-ph",
    "condensed matter": "cond-mat",
    "computer science - learning": "cs.LG",
    "computer science - other": "cs.OH",
    "mathematics - mathematical physics": "math.MP",
}


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for archive_name, (archive, subjects) in _ARCHIVES.items():
        for code, name in subjects.items():
            # The "High Energy Physics" archives are separate archives (hep-th ...).
            full = f"hep-{code}" if archive == "hep" else f"{archive}.{code}"
            table[f"{archive_name} - {name.lower()}"] = full
    table.update(_STANDALONE)
    return table


_BY_SUBJECT: Final = _build()


def category_from_subject(subject: str) -> str | None:
    """`Computer Science - Computer Vision and Pattern Recognition` -> `cs.CV`."""
    return _BY_SUBJECT.get(" ".join(subject.split()).lower())


def category_from_set_spec(set_spec: str) -> str | None:
    """OAI set -> the coarse archive it names: `physics:hep-ph` -> `hep-ph`, `cs` -> `cs`,
    `physics:physics` -> `physics`. None for an empty spec."""
    spec = set_spec.strip()
    if not spec:
        return None
    return spec.rpartition(":")[2] or None
