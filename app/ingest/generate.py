"""A synthetic arXiv corpus in the bulk snapshot format (JSON Lines), for demos and benchmarks.

`generate_corpus(works, seed, out)` writes `works` records in exactly the shape of Kaggle's
`arxiv-metadata-oai-snapshot.json` (14 keys in arXiv's order, compact JSON, non-ASCII as
`\\uXXXX` escapes, one record per line), so the ingestion pipeline reads it like the real
file. It is pure and deterministic: the only source of randomness is one
`random.Random(seed)`, nothing is read from disk or the clock, and the same
`(works, seed)` always gives the same bytes (no set or hash-order iteration anywhere).

What makes the corpus useful for testing author disambiguation and the coauthor graph is
that it is built from a population of synthetic *researchers*, not from random names:

* researchers sit in labs (a long-lived head plus students and postdocs with shorter
  careers) that publish together again and again and have partner labs;
* productivity is Pareto-distributed (papers per author are heavy-tailed, Zipf-like) and
  each researcher is active only during a career window inside 2007-2025;
* authors per paper are heavy-tailed: mostly 1-6, some 10-30, and rare 100-500-author
  collaboration papers ("The ATLAS Collaboration, G. Aad, ...") drawn from fixed rosters;
* names come from culture-specific pools with Zipf weights, so common names collide
  naturally ("Wei Wang" in cs and in cond-mat), and a few collisions are planted on purpose
  in different archives ("J. Smith", "Wei Wang", "Thomas Müller");
* a researcher writes their name in a personal style (full, initials, or both: "Maosong
  Sun" and "M. Sun"), the `authors` string uses LaTeX accents (`M\\"uller`,
  `{\\'a}`) and `authors_parsed` the decoded Unicode, as arXiv does;
* categories are real arXiv codes (primary first, related cross-lists, aliases such as
  `math.ST stat.TH` listed together, archives that did not exist yet mapped to what arXiv
  used then), ids are `YYMM.NNNN` (`YYMM.NNNNN` from 2015) and increase with the first
  version date, monthly volume grows like arXiv's, and 1-5 versions per paper.

Memory is bounded by the researcher population (which grows with `works` but is capped),
not by the corpus: records are formatted and written one batch at a time (~100 MB peak for
200,000 works). Speed matters (200,000 works take ~15 s), so name forms, sentence chains
and sampling tables are precomputed and the per-record work is a few dozen cheap random
draws plus orjson.

`truth=` also writes who each author really is (researcher numbers aligned with
`authors_parsed`), so disambiguation can be scored against the ground truth.
"""

from __future__ import annotations

import re
import time
import unicodedata
from array import array
from bisect import bisect, bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import accumulate
from random import Random
from typing import BinaryIO, Final

import orjson

__all__ = ["FIRST_YEAR", "LAST_YEAR", "GenerateStats", "generate_corpus"]

FIRST_YEAR: Final = 2007  # new-style ids (YYMM.NNNN) start in April 2007
FIRST_MONTH: Final = 4
LAST_YEAR: Final = 2025
_YEARS: Final = LAST_YEAR - FIRST_YEAR + 1
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
# Nothing (later versions, update_date) is dated after the snapshot was "taken".
_END_TS: Final = int((datetime(LAST_YEAR, 12, 31, 23, 59, 59, tzinfo=UTC) - _EPOCH).total_seconds())
_DAY: Final = 86_400
_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
# arXiv's monthly submissions grew ~4.7x from 2007 to 2024: about 9.5% a year.
_MONTHLY_GROWTH: Final = 1.095 ** (1 / 12)
# Population: ~0.6 researchers per work (most appear on few papers), within these bounds so
# that tiny corpora still have name collisions and huge ones do not exhaust memory.
_MIN_RESEARCHERS: Final = 3_000
_MAX_RESEARCHERS: Final = 600_000
_BATCH: Final = 512  # records per write() call


@dataclass(frozen=True, slots=True)
class GenerateStats:
    """What one run wrote. `shared_names`: full names used by 2+ distinct researchers."""

    works: int
    authorships: int
    researchers: int
    collaboration_papers: int
    max_authors: int
    median_authors: int
    shared_names: int
    first_id: str | None
    last_id: str | None
    bytes_written: int


# --- names -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Culture:
    weight: float
    families: tuple[str, ...]  # most common first (Zipf weights follow the order)
    givens: tuple[str, ...]
    middle: float = 0.05  # probability of a middle initial
    initials: float = 0.2  # probability that a researcher habitually writes initials
    suffix: float = 0.0  # probability of "Jr." / "II" / "III"
    # Zipf exponent over the name lists. The pools are far smaller than real name
    # distributions, so most cultures use a flat one; Chinese names really do concentrate
    # on few family names (and "Wei Wang" is arXiv's classic ambiguous author).
    zipf: float = 0.5


def _w(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _p(text: str) -> tuple[str, ...]:
    """Phrases separated by `|` (they contain spaces)."""
    return tuple(s.strip() for s in text.split("|"))


# Chinese given names: a short list of one-syllable names (which collide a lot, as in
# reality) plus two-syllable names built from syllables; some are written hyphenated.
_ZH_SINGLE: Final = _w(
    "Wei Jing Lei Yan Min Jun Tao Hui Bo Yu Xin Hao Peng Qiang Li Ying Fang Jie Lin Ning "
    "Chao Gang Hong Jian Kai Long Ming Qing Rui Song Tian Xiang Yi Yong Zhen Yang"
)
_ZH_FIRST: Final = _w(
    "Xiao Zhi Jia Yi Hai Jian Wen Guo Hong Jun Zi Si Yu Chun Ya Hui Ming Xin Jing Rui Hao "
    "Tian Yun Qian Shu Mao Chuan De Jin Zhen"
)
_ZH_SECOND: Final = _w(
    "ming yu hua wei jie long feng lin yang song ting qing xin hao tian ran yi chen fei bo "
    "peng jun han nan kai lei meng xuan ying"
)


def _zh_givens() -> tuple[str, ...]:
    two = [a + b for a in _ZH_FIRST for b in _ZH_SECOND if a.lower() != b]
    # Every seventh two-syllable name in its hyphenated spelling ("Chuan-Peng").
    hyph = [f"{a}-{b.capitalize()}" for i, (a, b) in enumerate(
        (a, b) for a in _ZH_FIRST for b in _ZH_SECOND) if i % 7 == 0]  # fmt: skip
    return _ZH_SINGLE + tuple(two) + tuple(hyph)


_CULTURES: Final[dict[str, _Culture]] = {
    "zh": _Culture(
        24,
        _w(
            "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao "
            "Luo Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan "
            "Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding Ren Shen Yao"
        ),
        _zh_givens(),
        middle=0.0,
        initials=0.08,
        zipf=0.9,
    ),
    "en": _Culture(
        16,
        _w(
            "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas "
            "Moore Jackson White Harris Clark Lewis Robinson Walker Young Allen King Wright "
            "Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips "
            "Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan "
            "Cooper Peterson Bailey Reed Kelly Howard Ward Cox Richardson Wood Watson Brooks "
            "Bennett Gray Hughes Price Sanders Myers Ross Foster O'Brien McDonald"
        ),
        _w(
            "James John Robert Michael William David Richard Joseph Thomas Charles "
            "Christopher Daniel Matthew Anthony Mark Steven Paul Andrew Joshua Kenneth Kevin "
            "Brian George Timothy Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan "
            "Stephen Justin Scott Benjamin Samuel Gregory Alexander Patrick Mary Patricia "
            "Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Margaret "
            "Sandra Ashley Emily Michelle Amanda Melissa Rebecca Laura Helen Amy Anna "
            "Rachel Katherine Emma Olivia Hannah"
        ),
        middle=0.35,
        initials=0.3,
        suffix=0.02,
    ),
    "de": _Culture(
        7,
        _w(
            "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann "
            "Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun "
            "Krüger Hofmann Hartmann Lange Schmitt Werner Krause Meier Lehmann Köhler "
            "Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß "
            "Jung Hahn Vogel Günther"
        ),
        _w(
            "Thomas Michael Stefan Andreas Jürgen Klaus Frank Markus Christian Matthias "
            "Wolfgang Peter Uwe Jörg Torsten Sven Tobias Jan Florian Sebastian Katrin Anja "
            "Sabine Julia Claudia Birgit Jörn Björn Günter Ulrike Jens Kai Lars Dirk Nils "
            "Lukas Felix Hannes Maximilian"
        ),
        middle=0.1,
        initials=0.25,
    ),
    "fr": _Culture(
        6,
        _w(
            "Martin Bernard Dubois Durand Leroy Moreau Simon Laurent Lefèvre Michel "
            "Fontaine Rousseau Vincent Lefebvre Faure André Mercier Blanc Guérin Boyer "
            "Garnier Chevalier Gauthier Perrin Clément Morin Roussel Mathieu Masson "
            "Marchand Duval Dumont Lemaire Noël Dufour Meunier Brunet Rivière Gérard "
            "Bérard Lévêque Prévost Lemaître"
        ),
        _w(
            "Jean Pierre Michel Philippe Alain Nicolas Christophe Patrick Laurent Stéphane "
            "Sébastien Julien Frédéric Olivier François Éric Jérôme Thierry Céline Hélène "
            "Amélie Aurélie Élodie Marie Sophie Camille Isabelle Nathalie Valérie Cécile "
            "Benoît Grégoire Rémi Anaïs Clémence Gaëlle Joël Noémie Jean-Pierre Jean-Luc "
            "Jean-Michel Marie-Claire Pierre-Yves"
        ),
        initials=0.3,
    ),
    "it": _Culture(
        6,
        (
            *_w(
                "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno "
                "Gallo Conti Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana "
                "Santoro Mariani Rinaldi Caruso Ferrara Galli Martini Leone Longo Gentile Parisi"
            ),
            # Particles stay with the family name, as arXiv splits them ("F. De Luca").
            "De Luca",
            "Di Marco",
            "De Santis",
            "Della Valle",
        ),
        _w(
            "Marco Giuseppe Giovanni Antonio Francesco Luca Alessandro Andrea Matteo "
            "Lorenzo Stefano Paolo Roberto Davide Simone Federico Riccardo Niccolò Fabio "
            "Gabriele Emanuele Chiara Francesca Giulia Sara Valentina Elisa Silvia Martina "
            "Federica"
        ),
        initials=0.25,
    ),
    "es": _Culture(
        5,
        _w(
            "García Martínez Rodríguez López González Pérez Sánchez Gómez Fernández Díaz "
            "Muñoz Álvarez Romero Torres Ruiz Hernández Jiménez Moreno Vargas Castro Ortiz "
            "Ramírez Flores Rojas Navarro Herrera Medina Guerrero Ibáñez Núñez Peña"
        ),
        _w(
            "José María Juan Carlos Luis Miguel Javier Andrés Sebastián Joaquín Alejandro "
            "Pablo Diego Fernando Ricardo Jorge Raúl Sergio Álvaro Iván Lucía Carmen Ana "
            "Laura Marta Elena Sofía Paula Inés Mónica Verónica Ángel Jesús Ramón Óscar Tomás"
        ),
    ),
    "pt": _Culture(
        3,
        _w(
            "Silva Santos Oliveira Souza Lima Pereira Ferreira Costa Rodrigues Almeida "
            "Nascimento Carvalho Araújo Ribeiro Gonçalves Gomes Barbosa Lopes"
        ),
        _w(
            "João Pedro Lucas Gabriel Rafael Thiago Bruno Felipe Gustavo Leonardo Vinícius "
            "Mariana Beatriz Camila Larissa Letícia Fernanda Juliana Renata André Fábio "
            "Márcio Rogério"
        ),
        middle=0.1,
    ),
    "in": _Culture(
        9,
        _w(
            "Kumar Sharma Singh Gupta Patel Reddy Iyer Rao Das Banerjee Chatterjee Mukherjee "
            "Nair Menon Joshi Mishra Agarwal Bhattacharya Ghosh Sen Verma Yadav Pandey "
            "Chaudhary Srivastava Krishnan Subramanian Desai Shah Mehta"
        ),
        _w(
            "Rahul Amit Anil Sanjay Rajesh Suresh Vikram Arjun Rohit Ankit Priya Anjali Neha "
            "Pooja Kavita Deepak Arun Karthik Siddharth Aditya Abhishek Nikhil Sourav "
            "Debasis Partha Sandeep Manoj Ravi Ramesh Vijay"
        ),
        middle=0.1,
    ),
    "ja": _Culture(
        5,
        _w(
            "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato "
            "Yoshida Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu "
            "Yamazaki Mori Abe Ikeda Hashimoto Ishikawa Ogawa Okada Fujita Goto Hasegawa"
        ),
        _w(
            "Hiroshi Takeshi Kenji Yuki Satoshi Takashi Akira Kazuki Naoki Daisuke Yusuke "
            "Shinji Masahiro Koji Haruki Ryo Sho Yuta Hiroki Tomoko Yuko Keiko Naoko Ayumi "
            "Haruka Yui Misaki Kaori Sakura Makoto"
        ),
        initials=0.15,
    ),
    "ko": _Culture(
        4,
        _w("Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song"),
        _w(
            "Ji-Hoon Seung-Ho Min-Jung Hyun-Woo Jae-Won Sung-Min Young-Jin Dong-Hyun Eun-Ji "
            "Soo-Yeon Jin-Woo Hye-Jin Sang-Hoon Minho Jiwon Jisoo Seojun Hyunsoo Yejin"
        ),
        middle=0.0,
    ),
    "ru": _Culture(
        5,
        _w(
            "Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov Novikov Fedorov "
            "Morozov Volkov Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov Nikolaev "
            "Orlov Andreev Makarov Zakharov Zaitsev Borisov Yakovlev Grigoriev Romanov"
        ),
        _w(
            "Alexander Sergey Dmitry Andrey Alexey Maxim Evgeny Ivan Mikhail Nikolay "
            "Vladimir Pavel Yuri Igor Oleg Roman Anton Kirill Natalia Elena Olga Tatiana "
            "Irina Anna Maria Svetlana Ekaterina"
        ),
        middle=0.25,
        initials=0.45,
    ),
    "hu": _Culture(
        1.5,
        _w(
            "Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár Németh Farkas Balogh Papp "
            "Takács Juhász Lakatos Mészáros Oláh Rácz Fekete Balázs Szűcs Pintér Fodor Frenkel"
        ),
        _w(
            "László István József János Zoltán Sándor Gábor Ferenc Attila Péter Tamás Zsolt "
            "Balázs Csaba Ádám Dániel Gergely Márton Katalin Erzsébet Ildikó Zsófia Anikó "
            "Eszter Réka Judit Bence Levente Áron"
        ),
    ),
    "cz": _Culture(
        3,
        _w(
            "Novák Svoboda Novotný Dvořák Černý Procházka Kučera Veselý Horák Němec Nowak "
            "Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański "
            "Woźniak Dąbrowski Kozłowski Jankowski Mazur Krawczyk Brejová Šrámek Vinař"
        ),
        _w(
            "Jan Tomáš Petr Jiří Pavel Martin Jakub Lukáš Ondřej Václav Michal Piotr "
            "Krzysztof Andrzej Tomasz Paweł Marcin Łukasz Grzegorz Wojciech Agnieszka "
            "Małgorzata Katarzyna Anna Barbora Zuzana Lenka Kateřina Tereza Mikołaj "
            "Przemysław Stanisław Broňa Rastislav"
        ),
    ),
    "nordic": _Culture(
        2.5,
        _w(
            "Hansen Johansen Olsen Larsen Andersen Pedersen Nielsen Kristensen Jensen "
            "Karlsson Andersson Johansson Nilsson Eriksson Lindqvist Lindström Bergström "
            "Sjöberg Åberg Virtanen Korhonen Mäkinen Nieminen Hämäläinen Øbro Sørensen Kjær "
            "Møller Ødegaard Jørgensen"
        ),
        _w(
            "Lars Anders Erik Jonas Magnus Henrik Mikkel Søren Jørgen Rasmus Mads Kristian "
            "Johan Gustav Björn Åsa Ingrid Sigrid Kirsten Maja Freja Linnea Elin Saara Juha "
            "Mikko Jukka Antti Pekka Ville Päivi"
        ),
    ),
    "tr": _Culture(
        1.5,
        _w(
            "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan "
            "Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek"
        ),
        _w(
            "Mehmet Mustafa Ahmet Ali Hüseyin Hasan Murat Emre Burak Cem Can Deniz Elif "
            "Zeynep Ayşe Fatma Özge Gökhan Serkan Onur Barış Selin Çağrı"
        ),
    ),
    "nl": _Culture(
        2,
        (
            *_w(
                "Bakker Janssen Visser Smit Meijer Mulder Bos Vos Hendriks Dekker Brouwer Dijkstra"
            ),
            "de Vries",
            "van den Berg",
            "van Dijk",
            "de Boer",
            "de Groot",
            "van Leeuwen",
            "de Wit",
            "de Graaf",
            "van der Meer",
            "van der Linden",
            "de Haan",
            "van den Heuvel",
        ),
        _w(
            "Jan Pieter Willem Hendrik Johannes Maarten Joost Bas Sander Thijs Jeroen Ruben "
            "Sjoerd Daan Lotte Sanne Femke Eva Anouk Marieke Floor Iris"
        ),
        initials=0.3,
    ),
    "fa": _Culture(
        3,
        _w(
            "Hassan Ahmed Mohamed Ibrahim Khan Hussain Rahman Karimi Hosseini Rezaei "
            "Mohammadi Ahmadi Jafari Moradi Sadeghi Ghorbani Rahimi Abbasi Farahani Nasser "
            "Haddad Saleh Khalil"
        ),
        _w(
            "Mohammad Ahmad Ali Hassan Omar Youssef Amir Reza Hossein Mehdi Hamid Saeed "
            "Majid Fatemeh Maryam Zahra Sara Leila Nasrin Karim Tarek Samir Layla Nour"
        ),
        middle=0.05,
    ),
}

# Name collisions planted on purpose, each on researchers in *different* fields with
# disjoint labs: (given, family, how many people, style). "J. Smith" arises from three
# different given names written as initials; Maosong Sun is one person who writes both
# "Maosong Sun" and "M. Sun".
_FULL, _INITIALS, _MIXED = 0, 1, 2
_PLANTED: Final = (
    ("Wei", "Wang", 5, _FULL),
    ("Jing", "Li", 4, _FULL),
    ("Yang", "Liu", 4, _FULL),
    ("Lei", "Zhang", 3, _FULL),
    ("John", "Smith", 3, _INITIALS),
    ("James", "Smith", 2, _INITIALS),
    ("Jennifer", "Smith", 2, _MIXED),
    ("Thomas", "Müller", 3, _MIXED),
    ("Maosong", "Sun", 1, _MIXED),
    ("Hiroshi", "Tanaka", 2, _FULL),
    ("Sanjay", "Kumar", 3, _FULL),
    ("María", "García", 2, _FULL),
    ("Péter", "Szabó", 2, _MIXED),
    ("Ji-Hoon", "Kim", 3, _MIXED),
)
_SUFFIXES: Final = ("", "Jr.", "II", "III")
_MIDDLES: Final = tuple(f" {chr(code)}." for code in range(91))  # by ASCII code
# A rendered author: (as written in `authors`, its authors_parsed entry, full name).
_Name = tuple[str, tuple[str, str, str], str]

# LaTeX for the accented letters in the pools: arXiv's `authors` field is typed LaTeX.
# Letters without a combining-accent decomposition have their own macro.
_LATEX_LETTERS: Final = {
    "ø": "{\\o}", "Ø": "{\\O}", "å": "{\\aa}", "Å": "{\\AA}", "æ": "{\\ae}", "Æ": "{\\AE}",
    "ł": "{\\l}", "Ł": "{\\L}", "ß": "{\\ss}", "ı": "{\\i}", "œ": "{\\oe}",
}  # fmt: skip
_SYMBOL_ACCENTS: Final = {"\u0301": "'", "\u0300": "`", "\u0302": "^", "\u0308": '"', "\u0303": "~", "\u0307": "."}  # fmt: skip
_LETTER_ACCENTS: Final = {"\u0327": "c", "\u030c": "v", "\u0306": "u", "\u030b": "H", "\u030a": "r", "\u0328": "k"}  # fmt: skip


def _latex_char(ch: str, braced: bool) -> str:
    special = _LATEX_LETTERS.get(ch)
    if special is not None:
        return special
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if len(marks) != 1 or not base.isascii():
        raise ValueError(f"no LaTeX form for {ch!r}")
    if marks in _SYMBOL_ACCENTS:
        macro = "\\" + _SYMBOL_ACCENTS[marks]
        return f"{{{macro}{base}}}" if braced else f"{macro}{base}"
    if marks in _LETTER_ACCENTS:
        macro = "\\" + _LETTER_ACCENTS[marks]
        return f"{{{macro} {base}}}" if braced else f"{macro}{{{base}}}"
    raise ValueError(f"no LaTeX form for {ch!r}")


def to_latex(text: str, *, braced: bool = False) -> str:
    """`Müller` -> `M\\"uller` (or `M{\\"u}ller` when `braced`); ASCII is returned as is."""
    if text.isascii():
        return text
    return "".join(ch if ch.isascii() else _latex_char(ch, braced) for ch in text)


def _initials(given: str) -> str:
    """`Maosong` -> `M.`; `Chuan-Peng` -> `C.-P.`; `Jean-Pierre` -> `J.-P.`."""
    return "-".join(part[:1] + "." for part in given.split("-"))


@dataclass(frozen=True, slots=True)
class _NameTable:
    """One pool of name parts: index -> its three written forms and the decoded form.

    Forms: 0 plain LaTeX (`Bal\\'azs`), 1 braced LaTeX (`Bal{\\'a}zs`), 2 Unicode.
    Given names also carry their initials (`C.-P.`) and arXiv's re-spaced parsed form
    of those initials (`C. -P.`).
    """

    forms: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    initials: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    parsed_initials: tuple[str, ...]
    index: dict[str, int]


def _name_table(names: Sequence[str]) -> _NameTable:
    plain = tuple(to_latex(n) for n in names)
    braced = tuple(to_latex(n, braced=True) for n in names)
    uni = tuple(names)
    ini_u = tuple(_initials(n) for n in names)
    ini_plain = tuple(to_latex(i) for i in ini_u)
    ini_braced = tuple(to_latex(i, braced=True) for i in ini_u)
    return _NameTable(
        forms=(plain, braced, uni),
        initials=(ini_plain, ini_braced, ini_u),
        parsed_initials=tuple(i.replace(".-", ". -") for i in ini_u),
        index={n: i for i, n in enumerate(names)},
    )


def _zipf_cum(n: int, exponent: float = 0.9) -> list[float]:
    return list(accumulate(1.0 / (k + 1) ** exponent for k in range(n)))


# --- fields ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Journal:
    """A venue: journal-ref and DOI templates (fields below), volume = v0 + dv*(year-2007)."""

    ref: str
    doi: str = ""
    v0: float = 1
    dv: float = 1
    ord0: int = 0  # edition number = year - ord0 (conference ordinals)
    since: int = FIRST_YEAR
    until: int = LAST_YEAR  # old citation styles (SPIRES' "Phys.Rev.D76:013009,2007")


@dataclass(frozen=True, slots=True)
class _Field:
    key: str
    weight: float  # share of 2007 submissions (relative)
    growth: float  # yearly growth factor of that share
    primaries: tuple[str, ...]  # repeated codes weigh more
    cross: tuple[str, ...]
    sizes: tuple[float, ...]  # weights of 1..6 authors on an ordinary paper
    p_big: float  # probability of a 10-30 author paper
    p_collab: float  # probability of a collaboration paper (if one is active)
    alphabetical: float  # probability that authors are listed alphabetically
    initials_bias: float  # added to a culture's habit of writing initials
    related: tuple[str, ...]
    areas: tuple[str, ...]
    topics: tuple[str, ...]
    methods: tuple[str, ...]
    objects: tuple[str, ...]
    properties: tuple[str, ...]
    contexts: tuple[str, ...]
    datasets: tuple[str, ...]
    quantities: tuple[str, ...]
    maths: tuple[str, ...]
    adjectives: tuple[str, ...]
    journals: tuple[_Journal, ...]
    reports: tuple[str, ...] = ()
    p_report: float = 0.02
    acronyms: bool = False


_APS = "10.1103/{j}.{v}.{a}"


def _aps(name: str, code: str, v0: float, dv: float = 2, since: int = FIRST_YEAR) -> _Journal:
    return _Journal(f"{name} {{v}}, {{a}} ({{y}})", _APS.replace("{j}", code), v0, dv, since=since)


_PRD = _aps("Phys. Rev. D", "PhysRevD", 75)
_PRD_OLD = _Journal("Phys.Rev.D{v}:{a},{y}", "10.1103/PhysRevD.{v}.{a}", 75, 2, until=2010)
_PRL = _aps("Phys. Rev. Lett.", "PhysRevLett", 98)
_PRB = _aps("Phys. Rev. B", "PhysRevB", 75)
_PRA = _aps("Phys. Rev. A", "PhysRevA", 75)
_PRE = _aps("Phys. Rev. E", "PhysRevE", 75)
_PRC = _aps("Phys. Rev. C", "PhysRevC", 75)
_JHEP_OLD = _Journal("JHEP {yy}{mm}:{p3},{y}", "10.1088/1126-6708/{y}/{mm}/{p3}", until=2008)
_JHEP = _Journal("JHEP {mm} ({y}) {p3}", "10.1007/JHEP{mm}({y}){p3}", since=2009)
_PLB = _Journal("Phys. Lett. B {v} ({y}) {p}-{p2}", "10.1016/j.physletb.{y}.{n2}.{r3}", 645, 10)
_PLB_OLD = _Journal(
    "Phys.Lett.B{v}:{p}-{p2},{y}", "10.1016/j.physletb.{y}.{n2}.{r3}", 645, 10, until=2010
)
_EPJC = _Journal("Eur. Phys. J. C {v} ({y}) {p}", "10.1140/epjc/s10052-0{yy}-{r4}-{c}", 49, 2.4)
_NPB = _Journal("Nucl. Phys. B {v} ({y}) {p}-{p2}", "10.1016/j.nuclphysb.{y}.{n2}.{r3}", 770, 14)
_CQG = _Journal("Class. Quant. Grav. {v} ({y}) {a}", "10.1088/0264-9381/{v}/{n}/{a}", 24, 1)
_JMP = _Journal("J. Math. Phys. {v}, {a} ({y})", "10.1063/1.{r7}", 48, 1)
_CMP = _Journal("Commun. Math. Phys. {v} ({y}) {p}-{p2}", "10.1007/s00220-0{yy}-{r4}-{c}", 270, 8)
_JMLR = _Journal("Journal of Machine Learning Research {v} ({y}) 1-{p3}", "", 8, 1)

_FIELDS: Final = (
    _Field(
        key="cs-ml",
        weight=2.5,
        growth=1.26,
        primaries=_w("cs.LG cs.LG cs.LG cs.CV cs.CV cs.CL cs.CL cs.AI cs.IR cs.RO cs.NE"),
        cross=_w("stat.ML cs.AI cs.LG cs.CL cs.CV cs.HC cs.IR eess.IV eess.AS cs.SD cs.MA"),
        sizes=(5, 12, 18, 20, 18, 17),
        p_big=0.06,
        p_collab=0.0,
        alphabetical=0.03,
        initials_bias=-0.1,
        related=("cs-theory", "stat", "eess"),
        areas=_p(
            "machine learning|deep learning|natural language processing|computer vision|representation learning|reinforcement learning"
        ),
        topics=_p(
            "few-shot classification|domain adaptation|neural machine translation|semantic segmentation|offline reinforcement learning|out-of-distribution detection|continual learning|graph representation learning|visual question answering|text summarization|object detection|contrastive pretraining|model compression|federated optimization|adversarial robustness|instruction tuning of language models|retrieval-augmented generation|image generation|uncertainty quantification|multi-agent coordination|speech recognition|recommendation"
        ),
        methods=_p(
            "transformer architecture|graph neural network|diffusion model|variational autoencoder|contrastive objective|attention mechanism|policy gradient method|self-supervised pretraining scheme|mixture-of-experts layer|low-rank adaptation|knowledge distillation framework|meta-learning algorithm|convolutional network|Bayesian optimisation procedure|prompting strategy|curriculum learning schedule"
        ),
        objects=_p(
            "large language models|vision transformers|convolutional networks|recurrent networks|graph neural networks|language agents|multimodal encoders|reward models|sparse autoencoders|embedding spaces|pretrained encoders|decision policies"
        ),
        properties=_p(
            "generalization|sample efficiency|robustness|calibration|scaling behaviour|interpretability|training stability|memorization|fairness|compositionality"
        ),
        contexts=_p(
            "under distribution shift|with limited supervision|at scale|in low-resource settings|without labelled data|in the few-shot regime|under adversarial perturbations|in continual settings"
        ),
        datasets=_p(
            "ImageNet|CIFAR-10|COCO|GLUE|SQuAD|WMT'14 English-German|LibriSpeech|the Atari benchmark|MMLU|several public benchmarks|three standard benchmarks|a new benchmark of 12k examples"
        ),
        quantities=_p(
            "accuracy|the error rate|the F1 score|BLEU|perplexity|the average return|inference latency|memory usage|the expected calibration error"
        ),
        maths=_p("$k$-NN|$\\ell_1$|$O(n^2)$|$\\epsilon$-greedy|$f$-divergence|$L_2$|$Q$-learning"),
        adjectives=_p(
            "scalable|efficient|robust|simple|unified|lightweight|interpretable|data-efficient|principled|modular"
        ),
        journals=(
            _Journal(
                "Proceedings of the {nth} International Conference on Machine Learning (ICML {y}), pp. {p}-{p2}",
                "",
                ord0=1983,
            ),
            _Journal(
                "Advances in Neural Information Processing Systems {v} ({nips} {y})", "", 20, 1
            ),
            _Journal("International Conference on Learning Representations (ICLR {y})", since=2013),
            _Journal(
                "Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition (CVPR {y}), pp. {p}-{p2}",
                "10.1109/CVPR.{y}.{r2}",
            ),
            _Journal(
                "Proceedings of the {nth} Annual Meeting of the Association for Computational Linguistics (ACL {y}), pages {p}-{p2}",
                "10.18653/v1/P{yy}-{r4}",
                ord0=1962,
            ),
            _Journal(
                "Proceedings of the AAAI Conference on Artificial Intelligence {v}({n}) ({y}) {p}-{p2}",
                "10.1609/aaai.v{v}i{n}.{r5}",
                21,
                1,
            ),
            _JMLR,
            _Journal(
                "IEEE Trans. Pattern Anal. Mach. Intell. {v}({n}):{p}-{p2}, {y}",
                "10.1109/TPAMI.{y}.{r7}",
                29,
                1,
            ),
            _Journal(
                "Transactions of the Association for Computational Linguistics {v} ({y}) {p}-{p2}",
                "10.1162/tacl_a_{r5}",
                -5,
                1,
                since=2013,
            ),
        ),
        acronyms=True,
    ),
    _Field(
        key="cs-theory",
        weight=3,
        growth=1.10,
        primaries=_w("cs.DS cs.DS cs.DS cs.CC cs.CC cs.LO cs.DM cs.CG cs.FL cs.GT cs.IT"),
        cross=_w("math.CO cs.DM math.LO cs.DS math.PR cs.CC cs.LG math.OC cs.GT econ.TH cs.IT"),
        sizes=(18, 36, 26, 12, 5, 3),
        p_big=0.003,
        p_collab=0.0,
        alphabetical=0.75,
        initials_bias=0.0,
        related=("math", "cs-ml"),
        areas=_p(
            "theoretical computer science|algorithm design|complexity theory|combinatorial optimization|logic in computer science"
        ),
        topics=_p(
            "approximate counting|online bipartite matching|streaming algorithms|property testing|circuit lower bounds|fine-grained complexity|graph sparsification|fixed-parameter tractability|mechanism design|interactive proofs|distributed graph colouring|metric embeddings|submodular maximization|locally decodable codes|shortest path oracles|type inference|model checking"
        ),
        methods=_p(
            "primal-dual algorithm|randomized rounding scheme|spectral sparsifier|polynomial method|potential-function argument|LP relaxation|dynamic programming approach|sum-of-squares hierarchy|reduction from 3-SUM|coupling argument|entropy compression argument"
        ),
        objects=_p(
            "planar graphs|bounded-degree graphs|Boolean circuits|hypergraphs|matroids|random CSPs|weighted automata|metric spaces|bipartite graphs|data streams|two-player games"
        ),
        properties=_p(
            "approximation ratio|query complexity|space complexity|competitive ratio|running time|communication complexity|decidability|sample complexity|hardness"
        ),
        contexts=_p(
            "in the streaming model|under the unique games conjecture|assuming the exponential time hypothesis|in the LOCAL model|in near-linear time|in the word RAM model|with high probability"
        ),
        datasets=_p(
            "random instances|worst-case inputs|all planar graphs|bounded-treewidth instances"
        ),
        quantities=_p(
            "the approximation ratio|the number of queries|the running time|the space usage|the competitive ratio"
        ),
        maths=_p(
            "$O(n \\log n)$|$k$-SAT|$\\tilde{O}(m)$|$(1+\\epsilon)$|$\\mathsf{NP}$|$\\Omega(n^{2})$|$k$-median|$\\mathsf{P} \\neq \\mathsf{NP}$"
        ),
        adjectives=_p(
            "near-optimal|tight|deterministic|simple|faster|improved|polynomial-time|nearly linear|optimal"
        ),
        journals=(
            _Journal(
                "Proceedings of the {nth} Annual ACM Symposium on Theory of Computing (STOC '{yy}), pp. {p}-{p2}",
                "10.1145/{r7}.{q7}",
                ord0=1968,
            ),
            _Journal(
                "Proceedings of the {nth} IEEE Symposium on Foundations of Computer Science (FOCS {y}), pp. {p}-{p2}",
                "10.1109/FOCS.{y}.{r2}",
                ord0=1959,
            ),
            _Journal(
                "Proceedings of the {y} Annual ACM-SIAM Symposium on Discrete Algorithms (SODA), pp. {p}-{p2}",
                "10.1137/1.97816119{r5}.{r2}",
            ),
            _Journal(
                "{nth} International Colloquium on Automata, Languages, and Programming (ICALP {y}), LIPIcs {v}, {n}:1-{n}:{n2}",
                "10.4230/LIPIcs.ICALP.{y}.{n}",
                -170,
                25,
                ord0=1973,
                since=2016,
            ),
            _Journal("SIAM J. Comput. {v}({n}):{p}-{p2}, {y}", "10.1137/{n2}0{r5}", 37, 1),
            _Journal(
                "Theoret. Comput. Sci. {v} ({y}) {p}-{p2}", "10.1016/j.tcs.{y}.{n2}.{r3}", 370, 35
            ),
            _Journal(
                "Logical Methods in Computer Science, Volume {v}, Issue {n} ({y})",
                "10.23638/LMCS-{v}({n}:{p3}){y}",
                3,
                1,
            ),
            _Journal("J. ACM {v}({n}):{p3}, {y}", "10.1145/{r7}", 54, 1),
        ),
        acronyms=False,
    ),
    _Field(
        key="cs-systems",
        weight=2,
        growth=1.16,
        primaries=_w(
            "cs.DC cs.DC cs.CR cs.CR cs.CR cs.SE cs.SE cs.NI cs.NI cs.PL cs.DB cs.OS cs.AR cs.PF"
        ),
        cross=_w("cs.DC cs.CR cs.SE cs.NI cs.PL cs.LG cs.PF cs.DB eess.SY cs.AR cs.OS"),
        sizes=(6, 16, 22, 22, 18, 16),
        p_big=0.03,
        p_collab=0.0,
        alphabetical=0.05,
        initials_bias=-0.05,
        related=("cs-ml", "cs-theory", "eess"),
        areas=_p(
            "distributed systems|computer security|software engineering|networking|database systems"
        ),
        topics=_p(
            "consensus protocols|side-channel attacks|fuzz testing|automated program repair|congestion control|query optimization|serverless computing|smart contract verification|memory safety|cache coherence|edge computing|malware detection|static analysis|blockchain scalability|key-value stores|GPU scheduling"
        ),
        methods=_p(
            "static analysis framework|symbolic execution engine|Byzantine fault-tolerant protocol|learned index|type system|runtime monitor|coverage-guided fuzzer|differential privacy mechanism|scheduler|compiler pass|formal model in TLA+"
        ),
        objects=_p(
            "cloud data centres|smart contracts|Rust programs|5G networks|distributed databases|IoT devices|Android applications|microservices|FPGA accelerators|web browsers|Linux kernel drivers"
        ),
        properties=_p(
            "tail latency|throughput|fault tolerance|energy efficiency|security guarantees|scalability|correctness|availability|privacy leakage"
        ),
        contexts=_p(
            "at data-centre scale|under heavy load|in adversarial environments|in production deployments|on commodity hardware|with minimal overhead"
        ),
        datasets=_p(
            "a production trace from a large cloud provider|the SPEC CPU benchmarks|TPC-H|DaCapo|real-world Ethereum contracts|the Defects4J benchmark|open-source repositories on GitHub"
        ),
        quantities=_p(
            "throughput|median latency|energy consumption|the false-positive rate|code coverage|the number of detected bugs"
        ),
        maths=_p("$O(1)$|$f+1$|$3f+1$|$k$-anonymity|$\\epsilon$-differential privacy"),
        adjectives=_p(
            "practical|scalable|lightweight|secure|efficient|verified|fault-tolerant|low-latency|automated"
        ),
        journals=(
            _Journal(
                "Proceedings of the {nth} USENIX Symposium on Networked Systems Design and Implementation (NSDI '{yy}), pp. {p}-{p2}",
                "",
                ord0=2003,
            ),
            _Journal(
                "Proceedings of the ACM SIGCOMM {y} Conference, pp. {p}-{p2}", "10.1145/{r7}.{q7}"
            ),
            _Journal(
                "Proceedings of the {y} IEEE Symposium on Security and Privacy (SP), pp. {p}-{p2}",
                "10.1109/SP.{y}.{r5}",
            ),
            _Journal(
                "Proceedings of the {nth} International Conference on Software Engineering (ICSE {y}), pp. {p}-{p2}",
                "10.1109/ICSE.{y}.{r5}",
                ord0=1978,
            ),
            _Journal(
                "Proc. VLDB Endow. {v}({n}):{p}-{p2}, {y}", "10.14778/{r7}.{q7}", 0, 1, since=2008
            ),
            _Journal(
                "IEEE/ACM Trans. Netw. {v}({n}):{p}-{p2}, {y}", "10.1109/TNET.{y}.{r7}", 15, 1
            ),
            _Journal("ACM Trans. Softw. Eng. Methodol. {v}({n}) ({y})", "10.1145/{r7}", 16, 1),
        ),
        reports=("MSR-TR-{y}-{n2}", "UCB/EECS-{y}-{n3}"),
        acronyms=True,
    ),
    _Field(
        key="math",
        weight=25,
        growth=1.07,
        primaries=_w(
            "math.AG math.NT math.NT math.CO math.CO math.PR math.PR math.AP math.AP math.DG "
            "math.GT math.RT math.FA math.OC math.DS math.GR math.CA math.NA math.ST math.QA "
            "math.AT math.OA math.CV math-ph"
        ),
        cross=_w(
            "math.AG math.NT math.CO math.PR math.AP math.DG math.GT math.RT math.FA math.DS "
            "math.GR math.CA math.NA math.MG math.SG math.AC math.RA math.LO math-ph math.ST"
        ),
        sizes=(34, 38, 19, 6, 2, 1),
        p_big=0.001,
        p_collab=0.0,
        alphabetical=0.85,
        initials_bias=0.1,
        related=("cs-theory", "hep", "stat"),
        areas=_p(
            "number theory|algebraic geometry|probability theory|harmonic analysis|geometric group theory|partial differential equations|combinatorics|representation theory"
        ),
        topics=_p(
            "rational points on curves|random matrices|the Navier-Stokes equations|Hilbert modular forms|Ramsey numbers|mapping class groups|mean curvature flow|elliptic curves|Schramm-Loewner evolution|Hecke algebras|the Langlands correspondence|harmonic maps|spectral gaps|additive combinatorics|Kähler-Einstein metrics|optimal transport|percolation on lattices|Banach space geometry|cluster algebras|the Riemann zeta function"
        ),
        methods=_p(
            "the circle method|a Fourier-analytic argument|the entropy method|a compactness argument|a variational approach|the method of moments|Stein's method|a Galerkin scheme|the polynomial method|a probabilistic construction|a descent argument|Morse theory|the theory of motives"
        ),
        objects=_p(
            "abelian varieties|hyperbolic 3-manifolds|random graphs|Lie algebras|Calabi-Yau threefolds|Banach spaces|convex bodies|finite groups|Riemannian manifolds|Markov chains|planar maps|modular forms|toric varieties|von Neumann algebras"
        ),
        properties=_p(
            "the asymptotic behaviour|the regularity|the rigidity|the distribution|the cohomology|the mixing time|the growth rate|the spectrum|the stability|the rationality|the dimension|the Hausdorff dimension"
        ),
        contexts=_p(
            "in positive characteristic|in high dimensions|over number fields|in the critical regime|on compact manifolds|for large $n$|in the plane|over finite fields"
        ),
        datasets=_p(
            "explicit examples|all known cases|numerical experiments|several families of examples"
        ),
        quantities=_p(
            "the error term|the number of solutions|the mixing time|the convergence rate|the Lyapunov exponent"
        ),
        maths=_p(
            "$\\mathrm{GL}_n$|$L^p$|$p$-adic|$\\mathbb{Z}[i]$|$\\mathbb{P}^n$|$SL_2(\\mathbb{R})$|$K3$|$C^*$-algebras|$H^1$|$\\zeta(s)$|$n \\geq 3$|$\\mathbb{F}_q$"
        ),
        adjectives=_p("sharp|optimal|explicit|effective|uniform|new|quantitative|general|improved"),
        journals=(
            _Journal(
                "Ann. of Math. (2) {v} ({y}), no. {n}, {p}-{p2}",
                "10.4007/annals.{y}.{v}.{n}.{r1}",
                165,
                2,
            ),
            _Journal(
                "Duke Math. J. {v} ({y}), no. {n}, {p}-{p2}", "10.1215/00127094-{r7}", 136, 2.5
            ),
            _Journal("J. Algebra {v} ({y}) {p}-{p2}", "10.1016/j.jalgebra.{y}.{n2}.{r3}", 307, 20),
            _Journal("Adv. Math. {v} ({y}) {p}-{p2}", "10.1016/j.aim.{y}.{n2}.{r3}", 208, 12),
            _Journal("Trans. Amer. Math. Soc. {v} ({y}), {p}-{p2}", "10.1090/tran/{r4}", 359, 1),
            _Journal("Invent. Math. {v} ({y}) {p}-{p2}", "10.1007/s00222-0{yy}-{r4}-{c}", 167, 4),
            _Journal("Illinois J. Math. {v} ({y}) no.{n}, {p}-{p2}", "", 51, 1),
            _Journal("Math. Res. Lett. {v} ({y}), no. {n}, {p}--{p2}", "", 14, 1),
            _Journal("Ann. Probab. {v} ({y}), no. {n}, {p}-{p2}", "10.1214/{yy}-AOP{r4}", 35, 1),
            _Journal("Electron. J. Combin. {v} ({y}) #P{n}.{n2}", "10.37236/{r4}", 14, 1),
            _Journal("Compos. Math. {v} ({y}), no. {n}, {p}-{p2}", "10.1112/S0010437X{r8}", 143, 1),
            _CMP,
        ),
        reports=("MPIM-{y}-{n2}", "IHES/M/{yy}/{n2}"),
        p_report=0.01,
    ),
    _Field(
        key="hep",
        weight=15,
        growth=1.03,
        primaries=_w("hep-ph hep-ph hep-ph hep-ph hep-th hep-th hep-th hep-th hep-lat"),
        cross=_w("hep-ph hep-th hep-ex astro-ph.CO gr-qc nucl-th hep-lat math-ph quant-ph"),
        sizes=(14, 30, 28, 16, 7, 5),
        p_big=0.01,
        p_collab=0.0,
        alphabetical=0.45,
        initials_bias=0.3,
        related=("hep-ex", "grav", "astro", "math"),
        areas=_p(
            "particle physics|quantum field theory|string theory|lattice QCD|physics beyond the Standard Model"
        ),
        topics=_p(
            "dark matter phenomenology|holographic entanglement entropy|neutrino mass models|the strong CP problem|black hole microstates|flavour anomalies|axion-like particles|scattering amplitudes|the hadronic vacuum polarisation|the conformal bootstrap|electroweak baryogenesis|supersymmetric gauge theories|parton distribution functions|the muon anomalous magnetic moment|Higgs boson pair production|swampland conjectures|chiral perturbation theory"
        ),
        methods=_p(
            "effective field theory|lattice simulations|the AdS/CFT correspondence|next-to-leading order perturbation theory|the renormalization group|a global fit|sum rules|localization|the spinor-helicity formalism|Monte Carlo event generation"
        ),
        objects=_p(
            "the Standard Model|$\\mathcal{N}=4$ super Yang-Mills theory|the two-Higgs-doublet model|heavy quarkonia|Calabi-Yau compactifications|de Sitter space|chiral fermions|scalar leptoquarks|the QCD axion|sterile neutrinos|the quark-gluon plasma|B mesons"
        ),
        properties=_p(
            "the mass spectrum|the decay width|the cross section|the anomalous dimension|the effective coupling|the vacuum stability|the beta function|the relic abundance"
        ),
        contexts=_p(
            "at the LHC|at future colliders|at finite temperature|in the large-$N$ limit|at two loops|in the early universe|beyond the Standard Model"
        ),
        datasets=_p(
            "LHC Run 2 data|lattice ensembles with physical pion masses|Planck data|current collider bounds"
        ),
        quantities=_p(
            "the cross section|the branching ratio|the relic density|the mixing angle|the critical temperature"
        ),
        maths=_p(
            "$SU(N)$|$\\mathcal{N}=2$|$B \\to K^* \\mu^+ \\mu^-$|$(g-2)_\\mu$|$\\Lambda_{\\rm QCD}$|$\\alpha_s$|$\\sqrt{s}=13$ TeV|$U(1)'$|$T\\bar{T}$"
        ),
        adjectives=_p(
            "precise|new|minimal|consistent|non-perturbative|generalized|holographic|improved|complete"
        ),
        journals=(
            _PRD,
            _PRD_OLD,
            _JHEP_OLD,
            _JHEP,
            _PLB,
            _PLB_OLD,
            _NPB,
            _EPJC,
            _PRL,
            _Journal("Phys. Rept. {v} ({y}) {p}-{p2}", "10.1016/j.physrep.{y}.{n2}.{r3}", 440, 33),
        ),
        reports=(
            "CERN-TH-{y}-{n3}",
            "CERN-PH-TH/{y}-{n3}",
            "DESY {yy}-{n3}",
            "FERMILAB-PUB-{yy}-{n3}-T",
            "SLAC-PUB-{n5}",
            "KEK-TH-{n4}",
            "IPMU{yy}-{n4}",
            "MIT-CTP/{n4}",
            "IFT-UAM/CSIC-{yy}-{n3}",
            "TUM-HEP-{n4}/{yy}",
            "YITP-{yy}-{n3}",
            "ANL-HEP-PR-{yy}-{n2}",
            "MPP-{y}-{n3}",
            "NORDITA-{y}-{n3}",
        ),
        p_report=0.3,
    ),
    _Field(
        key="hep-ex",
        weight=5,
        growth=1.028,
        primaries=_w("hep-ex hep-ex hep-ex nucl-ex nucl-ex nucl-th nucl-th physics.ins-det"),
        cross=_w("hep-ph nucl-th nucl-ex hep-ex physics.ins-det astro-ph.HE"),
        sizes=(10, 20, 22, 18, 14, 16),
        p_big=0.08,
        p_collab=0.12,
        alphabetical=0.35,
        initials_bias=0.35,
        related=("hep", "astro"),
        areas=_p("experimental particle physics|nuclear physics|heavy-ion physics"),
        topics=_p(
            "CP violation in charm decays|the measurement of the top-quark mass|neutrino oscillations|searches for heavy neutral leptons|collective flow in heavy-ion collisions|nuclear matrix elements for neutrinoless double beta decay|jet quenching|the proton radius|rare kaon decays|lepton flavour universality|calorimeter calibration|particle identification|the nuclear equation of state|hypernuclei|quarkonium suppression"
        ),
        methods=_p(
            "a binned maximum-likelihood fit|a multivariate analysis|the tag-and-probe method|time-of-flight spectroscopy|a boosted decision tree classifier|a blind analysis|an unfolding procedure|the shell model|relativistic mean-field theory|the Glauber model"
        ),
        objects=_p(
            "proton-proton collisions|Pb-Pb collisions|$B^0_s$ mesons|top quark pairs|W and Z bosons|neutron-rich nuclei|exotic hadrons|charmonium states|silicon pixel detectors|liquid-argon time projection chambers"
        ),
        properties=_p(
            "the production cross section|the branching fraction|the lifetime|the angular distribution|the energy resolution|the detection efficiency|the elliptic flow|the binding energy"
        ),
        contexts=_p(
            "at $\\sqrt{s}=13$ TeV|at $\\sqrt{s_{NN}}=5.02$ TeV|at the Large Hadron Collider|at RHIC|at the Belle II experiment|with 140 fb$^{-1}$ of data|at low momentum transfer"
        ),
        datasets=_p(
            "data collected in 2016-2018|a sample of 3 fb$^{-1}$|test-beam data|simulated events"
        ),
        quantities=_p(
            "the signal yield|the systematic uncertainty|the upper limit at 95% confidence level|the statistical significance"
        ),
        maths=_p(
            "$\\sqrt{s}=13$ TeV|$B^0 \\to K^{*0} \\mu^+\\mu^-$|$t\\bar{t}$|$J/\\psi$|$\\Lambda_b^0$|$H \\to b\\bar{b}$|$0\\nu\\beta\\beta$"
        ),
        adjectives=_p("precise|first|improved|updated|combined|model-independent|novel"),
        journals=(
            _PRD,
            _PRL,
            _PLB,
            _EPJC,
            _JHEP,
            _PRC,
            _Journal(
                "Nucl. Instrum. Meth. A {v} ({y}) {p}-{p2}", "10.1016/j.nima.{y}.{n2}.{r3}", 570, 30
            ),
        ),
        reports=(
            "FERMILAB-PUB-{yy}-{n3}-E",
            "SLAC-PUB-{n5}",
            "BNL-{n5}-{y}-JA",
            "JLAB-PHY-{yy}-{n4}",
        ),
        p_report=0.15,
    ),
    _Field(
        key="astro",
        weight=15,
        growth=1.042,
        primaries=_w(
            "astro-ph.CO astro-ph.CO astro-ph.GA astro-ph.GA astro-ph.GA astro-ph.HE astro-ph.HE astro-ph.SR astro-ph.SR astro-ph.EP astro-ph.IM"
        ),
        cross=_w(
            "astro-ph.CO astro-ph.GA astro-ph.HE astro-ph.SR astro-ph.EP astro-ph.IM gr-qc hep-ph physics.space-ph"
        ),
        sizes=(8, 16, 18, 16, 14, 28),
        p_big=0.1,
        p_collab=0.02,
        alphabetical=0.08,
        initials_bias=0.2,
        related=("grav", "hep", "hep-ex"),
        areas=_p("astrophysics|cosmology|galaxy evolution|stellar astrophysics|exoplanet science"),
        topics=_p(
            "the Hubble tension|galaxy quenching|fast radio bursts|tidal disruption events|the cosmic dawn|hot Jupiter atmospheres|magnetar flares|weak gravitational lensing|baryon acoustic oscillations|star formation in molecular clouds|active galactic nucleus feedback|the circumgalactic medium|stellar rotation|protoplanetary discs|gamma-ray bursts|the 21-cm signal"
        ),
        methods=_p(
            "hydrodynamical simulations|Markov chain Monte Carlo sampling|radiative transfer modelling|N-body simulations|spectral energy distribution fitting|asteroseismic modelling|a Bayesian hierarchical model|machine-learning photometric redshifts|time-domain photometry|interferometric imaging"
        ),
        objects=_p(
            "dwarf galaxies|M dwarfs|galaxy clusters|white dwarfs|neutron stars|quasars|Type Ia supernovae|brown dwarfs|globular clusters|high-redshift galaxies|debris discs|blazars"
        ),
        properties=_p(
            "the luminosity function|the mass-metallicity relation|the rotation curve|the light curve|the initial mass function|the power spectrum|the star formation rate|the orbital architecture"
        ),
        contexts=_p(
            "at high redshift|in the local Universe|across cosmic time|in the Milky Way|with JWST|in the Gaia era|at radio wavelengths"
        ),
        datasets=_p(
            "Gaia DR3|SDSS spectra|TESS light curves|JWST NIRSpec observations|ALMA observations|Planck 2018 data|DESI Year 1 data|Chandra archival data"
        ),
        quantities=_p(
            "the Hubble constant|the stellar mass|the metallicity|the accretion rate|the optical depth"
        ),
        maths=_p(
            "$z \\sim 2$|$H_0$|$\\Lambda$CDM|$\\sigma_8$|$M_\\odot$|$z>6$|$\\rm{H}\\alpha$|$f_{\\rm NL}$"
        ),
        adjectives=_p(
            "deep|new|comprehensive|systematic|first|high-resolution|multi-wavelength|improved"
        ),
        journals=(
            _Journal("Astrophys. J. {v} ({y}) {p}", "10.3847/1538-4357/{r5}", 654, 18),
            _Journal("Astrophys.J.{v}:{p}-{p2},{y}", "10.1086/{r6}", 654, 18, until=2010),
            _Journal(
                "Mon. Not. Roy. Astron. Soc. {v} ({y}) {p}-{p2}", "10.1093/mnras/stx{r4}", 374, 9.5
            ),
            _Journal(
                "Astron. Astrophys. {v}, A{p3} ({y})", "10.1051/0004-6361/20{yy}{r5}", 461, 13
            ),
            _Journal("JCAP {mm} ({y}) {p3}", "10.1088/1475-7516/{y}/{mm}/{p3}"),
            _Journal("Astrophys. J. Suppl. {v} ({y}) {p}", "10.3847/1538-4365/{r5}", 168, 8),
            _Journal("Astron. J. {v} ({y}) {p}", "10.3847/1538-3881/{r5}", 133, 3),
            _Journal(
                "Nature Astron. {v} ({y}) {p}-{p2}",
                "10.1038/s41550-0{yy}-{r4}-{c}",
                -9,
                1,
                since=2017,
            ),
        ),
        reports=("FERMILAB-PUB-{yy}-{n3}-A", "DES-{y}-{n4}"),
        p_report=0.04,
    ),
    _Field(
        key="grav",
        weight=3,
        growth=1.05,
        primaries=_w("gr-qc"),
        cross=_w("astro-ph.HE astro-ph.CO hep-th math-ph math.DG quant-ph"),
        sizes=(14, 30, 26, 15, 8, 7),
        p_big=0.02,
        p_collab=0.05,
        alphabetical=0.2,
        initials_bias=0.2,
        related=("astro", "hep", "math"),
        areas=_p("general relativity|gravitational-wave astronomy|quantum gravity"),
        topics=_p(
            "binary black hole mergers|quasinormal modes|modified gravity|cosmic censorship|gravitational-wave memory|loop quantum cosmology|extreme mass-ratio inspirals|the initial value problem|black hole thermodynamics|wormhole solutions"
        ),
        methods=_p(
            "numerical relativity|the post-Newtonian expansion|the effective-one-body formalism|black hole perturbation theory|matched filtering|a 3+1 decomposition|the Newman-Penrose formalism|Bayesian parameter estimation"
        ),
        objects=_p(
            "Kerr black holes|neutron star binaries|scalar-tensor theories|boson stars|anti-de Sitter spacetimes|Friedmann-Lemaître universes|compact binaries"
        ),
        properties=_p(
            "the stability|the ringdown spectrum|the tidal deformability|the horizon structure|the waveform|the energy flux"
        ),
        contexts=_p(
            "in the strong-field regime|beyond general relativity|with LISA|in the eikonal limit|at third post-Newtonian order"
        ),
        datasets=_p("GWTC-3 events|LIGO-Virgo data|simulated LISA data"),
        quantities=_p("the mismatch|the signal-to-noise ratio|the spin|the tidal Love number"),
        maths=_p("$f(R)$|$D>4$|$\\Lambda>0$|$2+1$|$(2,2)$|$\\ell=2$"),
        adjectives=_p("exact|new|improved|accurate|general|consistent"),
        journals=(
            _PRD,
            _CQG,
            _PRL,
            _Journal("Gen. Rel. Grav. {v} ({y}) {p}", "10.1007/s10714-0{yy}-{r4}-{c}", 39, 1),
        ),
        reports=("LIGO-P{n7}", "AEI-{y}-{n3}"),
        p_report=0.06,
    ),
    _Field(
        key="cond-mat",
        weight=20,
        growth=1.033,
        primaries=_w(
            "cond-mat.str-el cond-mat.str-el cond-mat.mes-hall cond-mat.mes-hall "
            "cond-mat.mtrl-sci cond-mat.mtrl-sci cond-mat.mtrl-sci cond-mat.supr-con "
            "cond-mat.stat-mech cond-mat.stat-mech cond-mat.soft cond-mat.soft "
            "cond-mat.quant-gas cond-mat.dis-nn"
        ),
        cross=_w(
            "cond-mat.str-el cond-mat.mes-hall cond-mat.mtrl-sci cond-mat.supr-con "
            "cond-mat.stat-mech cond-mat.soft cond-mat.quant-gas quant-ph physics.comp-ph "
            "physics.chem-ph cond-mat.other"
        ),
        sizes=(8, 22, 24, 18, 14, 14),
        p_big=0.04,
        p_collab=0.0,
        alphabetical=0.1,
        initials_bias=0.15,
        related=("quant-ph", "physics"),
        areas=_p("condensed matter physics|materials science|statistical mechanics|soft matter"),
        topics=_p(
            "the fractional quantum Hall effect|unconventional superconductivity|topological insulators|many-body localization|moiré materials|spin liquids|active matter|glass transitions|magnons in antiferromagnets|the anomalous Hall effect|charge density waves|Bose-Einstein condensates|perovskite solar cells|two-dimensional magnets|granular flows|polymer dynamics|thermal transport"
        ),
        methods=_p(
            "density functional theory|dynamical mean-field theory|the density matrix renormalization group|quantum Monte Carlo simulations|angle-resolved photoemission spectroscopy|molecular dynamics simulations|the Keldysh formalism|neutron scattering|tensor network methods|scanning tunnelling microscopy"
        ),
        objects=_p(
            "twisted bilayer graphene|kagome metals|cuprate superconductors|Weyl semimetals|the Hubbard model|transition-metal dichalcogenides|colloidal suspensions|spin chains|ultracold Fermi gases|heavy-fermion compounds|quantum dots|Heisenberg antiferromagnets"
        ),
        properties=_p(
            "the phase diagram|the critical behaviour|the band structure|the thermal conductivity|the superconducting gap|the magnetic order|the optical response|the entanglement spectrum"
        ),
        contexts=_p(
            "at low temperatures|under pressure|in strong magnetic fields|near the quantum critical point|out of equilibrium|in the thermodynamic limit|at finite doping"
        ),
        datasets=_p(
            "first-principles calculations|transport measurements|high-resolution ARPES data|neutron diffraction data"
        ),
        quantities=_p(
            "the critical temperature|the correlation length|the Hall conductance|the magnetoresistance|the band gap"
        ),
        maths=_p("$T_c$|$\\nu=5/2$|$\\mathbb{Z}_2$|$J_1$-$J_2$|$d$-wave|$SU(2)$|$XY$"),
        adjectives=_p("emergent|unconventional|robust|giant|anomalous|tunable|universal|exotic"),
        journals=(
            _PRB,
            _PRL,
            _Journal("Nature Phys. {v}, {p}-{p2} ({y})", "10.1038/nphys{r4}", 3, 1),
            _Journal(
                "J. Phys.: Condens. Matter {v} ({y}) {a}", "10.1088/0953-8984/{v}/{n}/{a}", 19, 1
            ),
            _aps("Phys. Rev. Materials", "PhysRevMaterials", -9, 1, since=2017),
            _Journal("J. Chem. Phys. {v}, {a} ({y})", "10.1063/1.{r7}", 126, 2),
            _Journal("Physica A {v} ({y}) {p}-{p2}", "10.1016/j.physa.{y}.{n2}.{r3}", 374, 13),
            _PRE,
        ),
        reports=("LA-UR-{yy}-{n5}", "LLNL-JRNL-{n6}"),
        p_report=0.02,
    ),
    _Field(
        key="quant-ph",
        weight=5,
        growth=1.09,
        primaries=_w("quant-ph"),
        cross=_w(
            "cond-mat.quant-gas physics.optics cs.ET math-ph physics.atom-ph cs.IT cond-mat.str-el cs.CC cond-mat.mes-hall"
        ),
        sizes=(10, 24, 24, 17, 12, 13),
        p_big=0.04,
        p_collab=0.0,
        alphabetical=0.15,
        initials_bias=0.1,
        related=("cond-mat", "cs-theory", "physics"),
        areas=_p("quantum information|quantum computing|quantum optics|quantum foundations"),
        topics=_p(
            "quantum error correction|variational quantum algorithms|entanglement witnesses|quantum key distribution|Bell nonlocality|quantum metrology|open quantum systems|quantum random walks|measurement-based quantum computing|quantum thermodynamics|boson sampling|quantum simulation of lattice gauge theories|fault-tolerant quantum computing|quantum machine learning"
        ),
        methods=_p(
            "the stabilizer formalism|tensor network contraction|Lindblad master equations|randomized benchmarking|semidefinite programming|quantum process tomography|the quantum approximate optimization algorithm|a Trotter decomposition|dynamical decoupling"
        ),
        objects=_p(
            "superconducting qubits|trapped ions|Rydberg atom arrays|photonic circuits|surface codes|qudits|NV centres in diamond|spin qubits|continuous-variable states|Gaussian channels"
        ),
        properties=_p(
            "the fidelity|the coherence time|the entanglement entropy|the channel capacity|the noise threshold|the gate error|the quantum Fisher information"
        ),
        contexts=_p(
            "in the NISQ era|under realistic noise|beyond the Markovian approximation|at room temperature|in the thermodynamic limit|with finite resources"
        ),
        datasets=_p(
            "IBM Quantum hardware|a 53-qubit processor|numerical simulations of up to 30 qubits"
        ),
        quantities=_p(
            "the logical error rate|the fidelity|the key rate|the circuit depth|the number of T gates"
        ),
        maths=_p("$n$-qubit|$\\mathrm{SU}(d)$|$O(\\sqrt{N})$|$k$-local|$T$-count|$\\chi^2$"),
        adjectives=_p(
            "scalable|fault-tolerant|efficient|optimal|device-independent|robust|universal"
        ),
        journals=(
            _PRA,
            _PRL,
            _Journal("Quantum {v}, {p} ({y})", "10.22331/q-{y}-{mm}-{n2}-{p}", -9, 1, since=2017),
            _Journal("New J. Phys. {v} ({y}) {a}", "10.1088/1367-2630/{v}/{n}/{a}", 9, 1),
            _Journal(
                "npj Quantum Inf. {v}, {p} ({y})",
                "10.1038/s41534-0{yy}-{r4}-{c}",
                -7,
                1,
                since=2015,
            ),
            _aps("Phys. Rev. X", "PhysRevX", -3, 1, since=2011),
            _aps("PRX Quantum", "PRXQuantum", -12, 1, since=2020),
            _Journal("Quantum Inf. Comput. {v} ({y}) {p}-{p2}", "", 7, 1),
            _JMP,
        ),
        p_report=0.01,
    ),
    _Field(
        key="physics",
        weight=6,
        growth=1.088,
        primaries=_w(
            "physics.optics physics.optics physics.optics physics.flu-dyn physics.flu-dyn "
            "physics.flu-dyn physics.atom-ph physics.plasm-ph physics.bio-ph physics.comp-ph "
            "physics.soc-ph physics.soc-ph physics.chem-ph physics.ao-ph nlin.CD nlin.PS "
            "physics.ins-det physics.acc-ph physics.gen-ph"
        ),
        cross=_w(
            "physics.comp-ph physics.optics physics.flu-dyn physics.data-an nlin.CD nlin.AO cond-mat.stat-mech cond-mat.soft cs.SI q-bio.QM physics.class-ph"
        ),
        sizes=(14, 26, 24, 16, 10, 10),
        p_big=0.02,
        p_collab=0.0,
        alphabetical=0.1,
        initials_bias=0.15,
        related=("cond-mat", "quant-ph", "q-bio"),
        areas=_p("fluid dynamics|optics|plasma physics|network science|nonlinear dynamics"),
        topics=_p(
            "turbulent boundary layers|optical frequency combs|plasma instabilities|synchronization of coupled oscillators|epidemic spreading on networks|droplet impact|nonlinear photonics|laser wakefield acceleration|atmospheric convection|chaotic advection|opinion dynamics|metamaterials|ultrafast spectroscopy|Rayleigh-Bénard convection"
        ),
        methods=_p(
            "direct numerical simulations|lattice Boltzmann methods|particle-in-cell simulations|the finite-difference time-domain method|agent-based modelling|reduced-order modelling|Koopman operator analysis|pump-probe spectroscopy|large-eddy simulation"
        ),
        objects=_p(
            "microresonators|tokamak plasmas|vortex rings|complex networks|liquid films|photonic crystals|cold atomic clouds|swimming microorganisms|power grids|fibre lasers"
        ),
        properties=_p(
            "the drag coefficient|the transmission spectrum|the energy cascade|the stability threshold|the degree distribution|the growth rate"
        ),
        contexts=_p(
            "at high Reynolds number|in the strongly nonlinear regime|in realistic geometries|in the mid-infrared|under confinement|on scale-free networks"
        ),
        datasets=_p(
            "wind-tunnel measurements|high-speed imaging data|mobility data from 30 cities|experimental data"
        ),
        quantities=_p(
            "the drag|the conversion efficiency|the Nusselt number|the epidemic threshold|the bandwidth"
        ),
        maths=_p("$Re_\\tau = 1000$|$\\chi^{(3)}$|$R_0$|$k^{-5/3}$|$\\beta$"),
        adjectives=_p("nonlinear|universal|efficient|compact|broadband|minimal|data-driven"),
        journals=(
            _Journal("Opt. Express {v}, {p}-{p2} ({y})", "10.1364/OE.{v}.{r6}", 15, 1),
            _Journal("J. Fluid Mech. {v} ({y}) {p}-{p2}", "10.1017/jfm.{y}.{r3}", 570, 25),
            _Journal("Phys. Plasmas {v}, {a} ({y})", "10.1063/1.{r7}", 14, 1),
            _aps("Phys. Rev. Fluids", "PhysRevFluids", -8, 1, since=2016),
            _PRE,
            _Journal("Chaos {v}, {a} ({y})", "10.1063/1.{r7}", 17, 1),
            _Journal("Optica {v}, {p}-{p2} ({y})", "10.1364/OPTICA.{v}.{r6}", -6, 1, since=2014),
            _Journal(
                "J.Quant.Spectrosc.Radiat.Transf. {v}, {p}-{p2} ({y})",
                "10.1016/j.jqsrt.{y}.{n2}.{r3}",
                103,
                11,
            ),
        ),
        reports=("LA-UR-{yy}-{n5}",),
        p_report=0.02,
    ),
    _Field(
        key="stat",
        weight=1,
        growth=1.17,
        primaries=_w("stat.ME stat.ME stat.ME stat.ML stat.ML stat.AP stat.AP stat.CO math.ST"),
        cross=_w("math.ST stat.ML cs.LG stat.AP q-bio.QM econ.EM stat.CO stat.ME"),
        sizes=(14, 30, 26, 14, 9, 7),
        p_big=0.02,
        p_collab=0.0,
        alphabetical=0.2,
        initials_bias=0.0,
        related=("math", "cs-ml", "q-bio", "econ"),
        areas=_p("statistics|causal inference|Bayesian statistics|biostatistics"),
        topics=_p(
            "causal inference|high-dimensional regression|multiple testing|survival analysis|Bayesian nonparametrics|conformal prediction|missing data|spatial statistics|changepoint detection|functional data analysis|variable selection|time series forecasting|small area estimation|covariance estimation"
        ),
        methods=_p(
            "the lasso|a Gibbs sampler|empirical Bayes|the bootstrap|a Gaussian process model|variational inference|inverse probability weighting|sequential Monte Carlo|a mixed-effects model|kernel density estimation|the EM algorithm"
        ),
        objects=_p(
            "clinical trials|observational studies|spatio-temporal data|sparse linear models|network data|longitudinal cohorts|electronic health records|ranking data"
        ),
        properties=_p(
            "the asymptotic distribution|minimax rates|the coverage|the false discovery rate|consistency|the bias|posterior contraction"
        ),
        contexts=_p(
            "in high dimensions|under model misspecification|with missing covariates|under heavy-tailed noise|in finite samples|under weak assumptions"
        ),
        datasets=_p(
            "UK Biobank data|simulated data|the MIMIC-III database|census data|air-quality measurements"
        ),
        quantities=_p(
            "the mean squared error|the coverage probability|the power|the false discovery rate|the effective sample size"
        ),
        maths=_p("$p \\gg n$|$\\ell_1$|$\\sqrt{n}$|$t$-statistics|$L^2$"),
        adjectives=_p(
            "robust|doubly robust|scalable|nonparametric|Bayesian|adaptive|valid|efficient"
        ),
        journals=(
            _Journal("Ann. Statist. {v} ({y}), no. {n}, {p}-{p2}", "10.1214/{yy}-AOS{r4}", 35, 1),
            _Journal(
                "J. Amer. Statist. Assoc. {v} ({y}) {p}-{p2}", "10.1080/01621459.{y}.{r7}", 102, 1
            ),
            _Journal("Biometrika {v} ({y}) {p}-{p2}", "10.1093/biomet/as{r3}", 94, 1),
            _Journal("Electron. J. Statist. {v} ({y}) {p}-{p2}", "10.1214/{yy}-EJS{r3}", 1, 1),
            _Journal("J. R. Stat. Soc. Ser. B {v} ({y}) {p}-{p2}", "10.1111/rssb.{r5}", 69, 1),
            _Journal("Bernoulli {v}({n}), {y}, {p}-{p2}", "10.3150/{yy}-BEJ{r4}", 13, 1),
            _JMLR,
        ),
        p_report=0.01,
    ),
    _Field(
        key="q-bio",
        weight=1.5,
        growth=1.073,
        primaries=_w(
            "q-bio.NC q-bio.NC q-bio.NC q-bio.PE q-bio.PE q-bio.QM q-bio.QM q-bio.MN q-bio.BM q-bio.GN q-bio.CB"
        ),
        cross=_w(
            "physics.bio-ph cs.LG stat.AP cond-mat.soft q-bio.QM q-bio.PE q-bio.NC cs.NE nlin.AO"
        ),
        sizes=(10, 22, 22, 18, 14, 14),
        p_big=0.04,
        p_collab=0.0,
        alphabetical=0.05,
        initials_bias=0.0,
        related=("physics", "stat", "cs-ml"),
        areas=_p(
            "computational neuroscience|population biology|systems biology|quantitative biology"
        ),
        topics=_p(
            "neural population coding|protein folding|evolutionary dynamics|gene regulatory networks|epidemic forecasting|cell migration|synaptic plasticity|phylogenetic inference|tumour growth|microbial communities|single-cell transcriptomics|protein structure prediction"
        ),
        methods=_p(
            "stochastic simulations|a mean-field model|maximum-entropy models|deep learning|coalescent theory|compartmental models|Bayesian phylogenetics|optogenetic perturbations|spiking network models"
        ),
        objects=_p(
            "cortical circuits|bacterial populations|protein complexes|the zebrafish larva|the mouse visual cortex|yeast cells|viral quasispecies|T cells|ecological networks"
        ),
        properties=_p(
            "the fitness landscape|the firing statistics|the robustness|the growth dynamics|the information content"
        ),
        contexts=_p(
            "in vivo|in vitro|across species|during development|under selection|at single-cell resolution"
        ),
        datasets=_p(
            "calcium-imaging recordings|whole-genome sequences|the Protein Data Bank|surveillance data|single-cell RNA-seq data"
        ),
        quantities=_p(
            "the mutual information|the fixation probability|the reproduction number|the prediction accuracy"
        ),
        maths=_p("$R_0$|$N_e$|$\\alpha$-helix|$k$-mer"),
        adjectives=_p("minimal|predictive|stochastic|mechanistic|quantitative|general"),
        journals=(
            _Journal("PLoS Comput. Biol. {v}({n}): e{r7} ({y})", "10.1371/journal.pcbi.{r7}", 3, 1),
            _Journal("J. Theor. Biol. {v} ({y}) {p}-{p2}", "10.1016/j.jtbi.{y}.{n2}.{r3}", 244, 19),
            _PRE,
            _Journal(
                "Bull. Math. Biol. {v} ({y}) {p}-{p2}", "10.1007/s11538-0{yy}-{r4}-{c}", 69, 1
            ),
            _Journal("Neural Comput. {v} ({y}) {p}-{p2}", "10.1162/neco_a_{r5}", 19, 1),
            _Journal("eLife {v}:e{r5} ({y})", "10.7554/eLife.{r5}", -4, 1, since=2012),
            _Journal("Biophys. J. {v} ({y}) {p}-{p2}", "10.1016/j.bpj.{y}.{n2}.{r3}", 92, 2),
        ),
    ),
    _Field(
        key="eess",
        weight=0.5,
        growth=1.24,
        primaries=_w(
            "eess.SP eess.SP eess.SP eess.SY eess.SY eess.SY eess.IV eess.IV eess.AS eess.AS"
        ),
        cross=_w("cs.IT math.OC cs.SD cs.LG cs.CV eess.SP cs.RO cs.NI"),
        sizes=(6, 20, 26, 22, 14, 12),
        p_big=0.01,
        p_collab=0.0,
        alphabetical=0.03,
        initials_bias=0.0,
        related=("cs-ml", "cs-systems"),
        areas=_p("signal processing|control theory|wireless communications|medical imaging"),
        topics=_p(
            "massive MIMO|beamforming|model predictive control|speech enhancement|image denoising|channel estimation|power system stability|radar target detection|compressed sensing|battery state estimation|MRI reconstruction|speaker verification"
        ),
        methods=_p(
            "convex optimization|a Kalman filter|deep unfolding|sparse Bayesian learning|a Lyapunov-based controller|graph signal processing|reinforcement learning|a U-Net architecture|a data-driven observer"
        ),
        objects=_p(
            "reconfigurable intelligent surfaces|microgrids|autonomous vehicles|multi-agent systems|hearing aids|mmWave systems|CT scans|wind farms"
        ),
        properties=_p(
            "the spectral efficiency|closed-loop stability|the estimation error|robustness|the outage probability|the perceptual quality"
        ),
        contexts=_p(
            "under imperfect channel state information|in real time|with limited feedback|under communication constraints|in low-SNR regimes"
        ),
        datasets=_p("the fastMRI dataset|VoxCeleb|measured channel data|the IEEE 118-bus system"),
        quantities=_p(
            "the sum rate|the mean squared error|the PSNR|the equal error rate|the tracking error"
        ),
        maths=_p("$H_\\infty$|$\\ell_0$|$M \\times N$|$K$-user"),
        adjectives=_p("robust|low-complexity|distributed|adaptive|energy-efficient|data-driven"),
        journals=(
            _Journal(
                "IEEE Trans. Signal Process. {v}({n}):{p}-{p2}, {y}", "10.1109/TSP.{y}.{r7}", 55, 1
            ),
            _Journal(
                "IEEE Trans. Autom. Control {v}({n}):{p}-{p2}, {y}", "10.1109/TAC.{y}.{r7}", 52, 1
            ),
            _Journal(
                "Proc. IEEE International Conference on Acoustics, Speech and Signal Processing (ICASSP {y}), pp. {p}-{p2}",
                "10.1109/ICASSP.{y}.{r7}",
            ),
            _Journal(
                "IEEE Trans. Wireless Commun. {v}({n}):{p}-{p2}, {y}", "10.1109/TWC.{y}.{r7}", 6, 1
            ),
            _Journal("Automatica {v} ({y}) {a}", "10.1016/j.automatica.{y}.{a}", 43, 6),
            _Journal(
                "IEEE Trans. Med. Imaging {v}({n}):{p}-{p2}, {y}", "10.1109/TMI.{y}.{r7}", 26, 1
            ),
        ),
    ),
    _Field(
        key="econ",
        weight=0.5,
        growth=1.16,
        primaries=_w(
            "econ.EM econ.EM econ.TH econ.TH econ.GN econ.GN q-fin.ST q-fin.ST q-fin.MF q-fin.PM q-fin.CP q-fin.RM q-fin.TR"
        ),
        cross=_w(
            "stat.AP math.PR cs.GT q-fin.ST econ.EM stat.ME q-fin.MF q-fin.GN math.OC econ.GN"
        ),
        sizes=(25, 38, 24, 9, 3, 1),
        p_big=0.002,
        p_collab=0.0,
        alphabetical=0.6,
        initials_bias=0.0,
        related=("stat", "math"),
        areas=_p("econometrics|economic theory|mathematical finance|financial economics"),
        topics=_p(
            "optimal portfolio selection|volatility forecasting|market microstructure|auction design|difference-in-differences estimation|labour market dynamics|systemic risk|option pricing|matching markets|climate risk|cryptocurrency markets|inflation expectations"
        ),
        methods=_p(
            "a GARCH model|rough volatility models|instrumental variables|synthetic control methods|deep hedging|a structural model|stochastic control|local projections|mean-field games"
        ),
        objects=_p(
            "limit order books|interbank networks|two-sided markets|emerging economies|high-frequency returns|sovereign bonds|energy markets"
        ),
        properties=_p(
            "the risk premium|the welfare effects|the price impact|tail dependence|the equilibrium|the identification"
        ),
        contexts=_p(
            "under transaction costs|with heterogeneous agents|during the COVID-19 pandemic|in incomplete markets|under model uncertainty"
        ),
        datasets=_p(
            "US stock market data|administrative data from Denmark|the Survey of Consumer Expectations|intraday futures data"
        ),
        quantities=_p("the Sharpe ratio|the value at risk|the treatment effect|the hedging error"),
        maths=_p("$\\alpha$-stable|$H<1/2$|$N$-player|$\\beta$"),
        adjectives=_p("optimal|robust|dynamic|efficient|consistent|general"),
        journals=(
            _Journal("Econometrica {v} ({y}) {p}-{p2}", "10.3982/ECTA{r5}", 75, 1),
            _Journal(
                "J. Econometrics {v} ({y}) {p}-{p2}", "10.1016/j.jeconom.{y}.{n2}.{r3}", 136, 6
            ),
            _Journal("Quant. Finance {v} ({y}) {p}-{p2}", "10.1080/14697688.{y}.{r7}", 7, 1),
            _Journal("Math. Finance {v} ({y}) {p}-{p2}", "10.1111/mafi.{r5}", 17, 1),
            _Journal(
                "SIAM J. Financial Math. {v} ({y}) {p}-{p2}", "10.1137/{yy}M{r6}", -2, 1, since=2010
            ),
            _Journal("Finance Stoch. {v} ({y}) {p}-{p2}", "10.1007/s00780-0{yy}-{r4}-{c}", 11, 1),
            _Journal("Games Econ. Behav. {v} ({y}) {p}-{p2}", "10.1016/j.geb.{y}.{n2}.{r3}", 59, 5),
        ),
    ),
)
_FIELD_INDEX: Final = {f.key: i for i, f in enumerate(_FIELDS)}

# Archives that did not exist yet at a paper's date, and what arXiv used instead:
# astro-ph was split into subject classes in 2009, q-fin opened in December 2008, eess
# and econ in 2017. (code prefix, first year, replacement for that code.)
_INTRODUCED: Final = (
    ("astro-ph.", 2009, None),  # None: the bare archive "astro-ph"
    ("q-fin.", 2009, "physics.soc-ph"),
    ("econ.EM", 2017, "stat.ME"),
    ("econ.TH", 2017, "cs.GT"),
    ("econ.GN", 2017, "q-fin.GN"),
    ("eess.SP", 2017, "cs.IT"),
    ("eess.SY", 2017, "cs.SY"),
    ("eess.IV", 2017, "cs.CV"),
    ("eess.AS", 2017, "cs.SD"),
)
# Categories arXiv always lists in pairs (alias and canonical), with the year from which
# the pair exists.
_ALIASES: Final = {
    "math.ST": ("stat.TH", FIRST_YEAR),
    "stat.TH": ("math.ST", FIRST_YEAR),
    "cs.IT": ("math.IT", FIRST_YEAR),
    "math.IT": ("cs.IT", FIRST_YEAR),
    "math-ph": ("math.MP", FIRST_YEAR),
    "math.MP": ("math-ph", FIRST_YEAR),
    "eess.SY": ("cs.SY", 2017),
    "cs.SY": ("eess.SY", 2017),
    "math.NA": ("cs.NA", 2019),
    "cs.NA": ("math.NA", 2019),
    "econ.GN": ("q-fin.EC", 2017),
    "q-fin.EC": ("econ.GN", 2017),
}


def _category_in(code: str, year: int) -> str:
    for prefix, since, replacement in _INTRODUCED:
        if code.startswith(prefix) and year < since:
            return _category_in(replacement or prefix.rstrip("."), year)
    return code


def used_categories() -> frozenset[str]:
    """Every category code the generator can write (for tests against the taxonomy)."""
    codes: set[str] = set()
    for field in _FIELDS:
        for code in (*field.primaries, *field.cross):
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                codes.add(_category_in(code, year))
    for collab in _COLLABORATIONS:
        codes.update(collab.categories)
    for alias, _ in _ALIASES.values():
        codes.add(alias)
    return frozenset(codes)


@dataclass(frozen=True, slots=True)
class _Collaboration:
    names: tuple[str, ...]  # one author string per collaboration ("LIGO ...", "Virgo ...")
    field: str
    first: int
    last: int
    categories: tuple[str, ...]  # primary first
    reports: tuple[str, ...]


_COLLABORATIONS: Final = (
    _Collaboration(("ATLAS Collaboration",), "hep-ex", 2009, 2025, ("hep-ex", "hep-ph"), ("CERN-EP-{y}-{n3}",)),
    _Collaboration(("CMS Collaboration",), "hep-ex", 2009, 2025, ("hep-ex", "hep-ph"), ("CMS-HIG-{yy}-{n3}, CERN-EP-{y}-{n3}",)),
    _Collaboration(("LHCb Collaboration",), "hep-ex", 2010, 2025, ("hep-ex",), ("LHCb-PAPER-{y}-{n3}, CERN-EP-{y}-{n3}",)),
    _Collaboration(("ALICE Collaboration",), "hep-ex", 2010, 2025, ("nucl-ex", "hep-ex"), ("CERN-EP-{y}-{n3}",)),
    _Collaboration(("BABAR Collaboration",), "hep-ex", 2007, 2015, ("hep-ex",), ("BABAR-PUB-{yy}/{n3}, SLAC-PUB-{n5}",)),
    _Collaboration(("Belle Collaboration",), "hep-ex", 2007, 2018, ("hep-ex",), ("KEK Preprint {y}-{n2}, Belle Preprint {y}-{n2}",)),
    _Collaboration(("Belle II Collaboration",), "hep-ex", 2019, 2025, ("hep-ex",), ("BELLE2-PUB-{y}-{n3}",)),
    _Collaboration(("CDF Collaboration",), "hep-ex", 2007, 2014, ("hep-ex",), ("FERMILAB-PUB-{yy}-{n3}-E",)),
    _Collaboration(("D0 Collaboration",), "hep-ex", 2007, 2014, ("hep-ex",), ("FERMILAB-PUB-{yy}-{n3}-E",)),
    _Collaboration(("STAR Collaboration",), "hep-ex", 2007, 2025, ("nucl-ex",), ()),
    _Collaboration(("PHENIX Collaboration",), "hep-ex", 2007, 2020, ("nucl-ex",), ()),
    _Collaboration(("T2K Collaboration",), "hep-ex", 2011, 2025, ("hep-ex",), ()),
    _Collaboration(("IceCube Collaboration",), "astro", 2008, 2025, ("astro-ph.HE",), ()),
    _Collaboration(("Fermi-LAT Collaboration",), "astro", 2009, 2025, ("astro-ph.HE",), ()),
    _Collaboration(("Planck Collaboration",), "astro", 2011, 2020, ("astro-ph.CO",), ()),
    _Collaboration(("DES Collaboration",), "astro", 2014, 2025, ("astro-ph.CO",), ("DES-{y}-{n4}, FERMILAB-PUB-{yy}-{n3}-AE",)),
    _Collaboration(("Pierre Auger Collaboration",), "astro", 2007, 2025, ("astro-ph.HE",), ()),
    _Collaboration(("LIGO Scientific Collaboration", "Virgo Collaboration"), "grav", 2007, 2019, ("gr-qc", "astro-ph.HE"), ("LIGO-P{n7}",)),
    _Collaboration(("LIGO Scientific Collaboration", "Virgo Collaboration", "KAGRA Collaboration"), "grav", 2020, 2025, ("gr-qc", "astro-ph.HE"), ("LIGO-P{n7}",)),
)  # fmt: skip

_INSTITUTIONS: Final = _p(
    "MIT|Stanford University|University of Cambridge|University of Oxford|ETH Zurich|"
    "Tsinghua University|Peking University|University of Tokyo|CERN|Max Planck Institute for Physics|"
    "Harvard University|Caltech|Princeton University|University of California, Berkeley|"
    "Imperial College London|EPFL|Seoul National University|IISc Bangalore|TIFR, Mumbai|"
    "Sorbonne Université|Université Paris-Saclay|Sapienza Università di Roma|INFN, Sezione di Padova|"
    "Universidad de Buenos Aires|Universidade de São Paulo|Moscow State University|"
    "University of Toronto|McGill University|Weizmann Institute of Science|KTH Royal Institute of Technology|"
    "University of Copenhagen|Delft University of Technology|Universität Heidelberg|TU München|"
    "Fudan University|Zhejiang University|KAIST|Kyoto University|Universidad Autónoma de Madrid|"
    "Jagiellonian University|Charles University, Prague|Eötvös Loránd University|"
    "Department of Physics, University of Michigan|Department of Mathematics, University of Chicago|"
    "Institute for Advanced Study, Princeton|Fermilab|SLAC National Accelerator Laboratory|"
    "Perimeter Institute|DESY, Hamburg|Microsoft Research|Google Research|IBM Research"
)

# --- text ------------------------------------------------------------------------------

_INTRO: Final = (
    "We study {P} of {O} {C}.",
    "We investigate {T} for {O}.",
    "{T} is a central problem in {AREA}.",
    "In this paper we consider {T} {C}.",
    "Understanding {P} of {O} remains a long-standing challenge in {AREA}.",
    "Recent progress in {AREA} has raised new questions about {T}.",
    "We present a {A} {Mb} for {T}.",
    "This work addresses {T} {C}, a question of both theoretical and practical interest.",
    "Motivated by recent developments in {T}, we revisit {P} of {O}.",
)
_BODY: Final = (
    "We propose a {A} {Mb} that captures {P} of {O}.",
    "Using {M}, we show that {P} of {O} is controlled by {Q}.",
    "Our approach combines {M} with {M2} and applies to {O} {C}.",
    "We prove that {P} is bounded for {O} with {X}.",
    "In particular, we obtain {A} bounds on {P} {C}.",
    "The method is validated on {D}.",
    "We find that {Q} depends only weakly on {P} {C}.",
    "Compared with {M2}, our method improves {Q} by {PCT} on {D}.",
    "Numerical experiments confirm good agreement with {M2}.",
    "The analysis relies on {M} and a careful treatment of {P}.",
    "We also derive {A} estimates for {P} of {O}.",
    "This extends earlier results on {T} to {O}.",
    "As a consequence, {P} of {O} can be computed efficiently.",
    "We further characterize {P} of {O} {C} in terms of {X}.",
    "We find that {O} exhibit {A} behaviour {C}.",
    "Applied to {D}, the approach reduces {Q} by {PCT} relative to {M2}.",
    "A key ingredient is {M}, which we adapt to {O}.",
    "We identify a regime {C} in which {P} changes qualitatively.",
    "Our construction is {A} and does not require {M2}.",
    "Both {P} and {Q} are computed for {X} and compared with previous work.",
)
_CLOSING: Final = (
    "Our results shed light on {T}.",
    "We discuss implications for {T} and possible extensions.",
    "These findings suggest that {M} is a {A} tool for {T}.",
    "Finally, we comment on the relation to {M2}.",
    "Possible applications to {T} are briefly discussed.",
    "We conclude with open problems concerning {P} of {O}.",
    "The framework opens a path towards {A} studies of {T}.",
)
_TITLES: Final = (
    "{A} {Tb}",
    "{M} for {T}",
    "{T} in {O}",
    "{A} {Mb} for {T} {C}",
    "Towards {A} {Tb}",
    "A {A} approach to {T}",
    "{P} of {O} {C}",
    "A note on {T}",
    "{T} and {T2}",
    "{P} of {O} with {X}",
    "{T} via {M}",
    "Revisiting {T}: a {A} {Mb}",
)
_ACRONYM_HEADS: Final = _w(
    "Deep Graph Flow Meta Vision Token Prompt Sparse Neural Self Cross Multi Fast Auto Hyper Quant"
)
_ACRONYM_TAILS: Final = _w("Net Former GAN BERT Diff Align Mix Tune Seg Gen Fuzz Guard Bench Scope")
_COMMENT_EXTRAS: Final = _p(
    "published version|minor revisions|revised version, references added|typos corrected|"
    "v2: corrected a sign error in Eq. (12)|comments welcome|version accepted for publication|"
    "extended version of the conference paper|added appendix|expanded discussion"
)
_LICENSES_OLD: Final = (
    "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
    "http://creativecommons.org/licenses/by/3.0/",
    "http://creativecommons.org/licenses/by-nc-sa/3.0/",
    "http://creativecommons.org/publicdomain/zero/1.0/",
)
_LICENSES_NEW: Final = (
    "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
    "http://creativecommons.org/licenses/by/4.0/",
    "http://creativecommons.org/licenses/by-nc-sa/4.0/",
    "http://creativecommons.org/licenses/by-nc-nd/4.0/",
    "http://creativecommons.org/licenses/by-sa/4.0/",
    "http://creativecommons.org/publicdomain/zero/1.0/",
)
_LICENSE_OLD_CUM: Final = tuple(accumulate((70, 20, 6, 4)))
_LICENSE_NEW_CUM: Final = tuple(accumulate((55, 28, 6, 6, 2, 3)))
_VERSIONS_CUM: Final = tuple(accumulate((51, 32, 10, 5, 2)))
_CROSS_CUM: Final = tuple(accumulate((45, 30, 17, 8)))

_NON_ASCII: Final = re.compile(r"[^\x00-\x7f]")
_TEMPLATE_KEY: Final = re.compile(r"\{(\w+)\}")


def _escape_char(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _ascii_json(line: bytes) -> bytes:
    """Non-ASCII as `\\uXXXX`, like the real snapshot (orjson has no ensure_ascii)."""
    if line.isascii():
        return line
    return _NON_ASCII.sub(_escape_char, line.decode()).encode()


def _wrap(text: str, width: int, sep: str) -> str:
    """Hard-wrap at spaces the way arXiv's metadata does (`\\n  ` in titles and authors)."""
    if len(text) <= width:
        return text
    lines: list[str] = []
    start, n = 0, len(text)
    while n - start > width:
        cut = text.rfind(" ", start, start + width + 1)
        if cut <= start:
            cut = text.find(" ", start + width)
            if cut < 0:
                break
        lines.append(text[start:cut])
        start = cut + 1
    lines.append(text[start:])
    return sep.join(lines)


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def _rfc2822(ts: int) -> str:
    """`Mon, 2 Apr 2007 19:18:42 GMT`, arXiv's version date (English names, no locale)."""
    t = time.gmtime(ts)
    return (
        f"{_WEEKDAYS[t.tm_wday]}, {t.tm_mday} {_MONTHS[t.tm_mon - 1]} {t.tm_year} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"
    )


def _iso_date(ts: int) -> str:
    t = time.gmtime(ts)
    return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"


def _capitalize(s: str) -> str:
    return s[:1].upper() + s[1:]


def _fold(name: str) -> str:
    """Sort key for alphabetical author lists: accents and case ignored."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_FOLD_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_FOLD_LETTERS: Final = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ı": "i", "ß": "ss"})


def _bare(phrase: str) -> str:
    """Drop a leading article, for slots that get their own ("a robust ...")."""
    for article in ("the ", "a ", "an "):
        if phrase.startswith(article):
            return phrase[len(article) :]
    return phrase


# --- the world -------------------------------------------------------------------------


class _World:
    """The researcher population and every precomputed table the records are drawn from."""

    def __init__(self, works: int, rng: Random) -> None:
        self.rng = rng
        self._build_names()
        self._build_field_weights()
        self._build_population(works)
        self._plant_collisions()
        self._build_pools()
        self._build_text()

    # names

    def _build_names(self) -> None:
        cultures = list(_CULTURES.values())
        families: list[str] = []
        givens: list[str] = []
        self.culture_fam: list[tuple[list[int], list[float]]] = []
        self.culture_giv: list[tuple[list[int], list[float]]] = []
        for c in cultures:
            fam_idx = [self._intern(families, n) for n in c.families]
            giv_idx = [self._intern(givens, n) for n in c.givens]
            self.culture_fam.append((fam_idx, _zipf_cum(len(fam_idx), c.zipf)))
            self.culture_giv.append((giv_idx, _zipf_cum(len(giv_idx), c.zipf * 0.8)))
        for given, family, _, _ in _PLANTED:
            self._intern(givens, given)
            self._intern(families, family)
        self.cultures = cultures
        self.culture_cum = list(accumulate(c.weight for c in cultures))
        self.fam = _name_table(families)
        self.giv = _name_table(givens)
        self.fam_key = tuple(_fold(n) for n in families)
        self.giv_key = tuple(_fold(n) for n in givens)

    @staticmethod
    def _intern(names: list[str], name: str) -> int:
        # Linear scan is fine: a few hundred names, once per run.
        if name in names:
            return names.index(name)
        names.append(name)
        return len(names) - 1

    def _pick(self, cum: Sequence[float]) -> int:
        i = bisect(cum, self.rng.random() * cum[-1])
        return min(i, len(cum) - 1)

    # fields and population

    def _build_field_weights(self) -> None:
        # Venues publishing in each (field, year); every field has some in every year.
        self.venues = [
            [
                [j for j in f.journals if j.since <= FIRST_YEAR + yi <= j.until]
                for yi in range(_YEARS)
            ]
            for f in _FIELDS
        ]
        # Per year: cumulative weights of the fields (their share of submissions).
        self.field_year_cum: list[list[float]] = []
        for yi in range(_YEARS):
            self.field_year_cum.append(list(accumulate(f.weight * f.growth**yi for f in _FIELDS)))
        self.field_sizes_cum = [list(accumulate(f.sizes)) for f in _FIELDS]

    def _build_population(self, works: int) -> None:
        rng = self.rng
        total = min(max(int(works * 0.6), _MIN_RESEARCHERS), _MAX_RESEARCHERS)
        # Researchers per field: its share of all papers over the period times its team size.
        shares = []
        for f in _FIELDS:
            papers = sum(f.weight * f.growth**yi for yi in range(_YEARS))
            mean_size = sum((k + 1) * w for k, w in enumerate(f.sizes)) / sum(f.sizes)
            shares.append(papers * mean_size)
        scale = total / sum(shares)

        self.r_field = array("B")
        self.r_lab = array("i")
        self.r_fam = array("i")
        self.r_giv = array("i")
        self.r_mid = array("B")  # 0 or the ASCII code of the middle initial
        self.r_suffix = array("B")
        self.r_style = array("B")
        self.r_start = array("H")
        self.r_end = array("H")
        self.r_weight = array("d")
        self.lab_members: list[list[int]] = []
        self.lab_partners: list[tuple[int, ...]] = []
        self.lab_inst: list[int] = []
        self.field_labs: list[list[int]] = [[] for _ in _FIELDS]
        self.rosters: list[list[int]] = []
        inst_cum = _zipf_cum(len(_INSTITUTIONS), 0.8)

        for fi, f in enumerate(_FIELDS):
            start_cum = list(
                accumulate(f.weight * f.growth**yi * (4 if yi == 0 else 1) for yi in range(_YEARS))
            )
            target = max(40, round(shares[fi] * scale))
            made = 0
            while made < target:
                made += self._make_lab(fi, start_cum, self._pick(inst_cum), collab=False)
        # Collaboration rosters: dedicated physicists who sign every paper of their
        # collaboration, and occasionally ordinary papers in their field.
        for collab in _COLLABORATIONS:
            fi = _FIELD_INDEX[collab.field]
            size = rng.randint(250, 700)
            years = [
                1.0 if collab.first <= FIRST_YEAR + yi <= collab.last else 0.0
                for yi in range(_YEARS)
            ]
            start_cum = list(
                accumulate(
                    w * (4 if yi == collab.first - FIRST_YEAR else 1) for yi, w in enumerate(years)
                )
            )
            roster: list[int] = []
            while len(roster) < size:
                lab = len(self.lab_members)
                self._make_lab(fi, start_cum, self._pick(inst_cum), collab=True)
                roster.extend(self.lab_members[lab])
            # Author lists are alphabetical by folded family name ("Álvarez" under A).
            roster.sort(key=lambda r: (self.fam_key[self.r_fam[r]], self.giv_key[self.r_giv[r]]))
            self.rosters.append(roster)
        # Partner labs: the recurring cross-lab coauthorships (mostly same field).
        nlabs = len(self.lab_members)
        partners: list[tuple[int, ...]] = []
        for lab in range(nlabs):
            fi = self.r_field[self.lab_members[lab][0]]
            chosen: list[int] = []
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
                if rng.random() < 0.85:
                    pool = self.field_labs[fi]
                else:
                    other = _FIELD_INDEX[rng.choice(_FIELDS[fi].related)]
                    pool = self.field_labs[other]
                if pool:
                    p = pool[rng.randrange(len(pool))]
                    if p != lab and p not in chosen:
                        chosen.append(p)
            partners.append(tuple(chosen))
        self.lab_partners = partners

    def _new_name(self, fi: int) -> tuple[int, int, int, int, int]:
        """(family, given, middle initial, suffix, style) for a new researcher in field fi."""
        rng = self.rng
        ci = self._pick(self.culture_cum)
        c = self.cultures[ci]
        fam_idx, fam_cum = self.culture_fam[ci]
        family = fam_idx[self._pick(fam_cum)]
        # Mixed heritage: a given name from another culture now and then ("Jennifer Wang").
        gci = ci if rng.random() < 0.93 else self._pick(self.culture_cum)
        giv_idx, giv_cum = self.culture_giv[gci]
        given = giv_idx[self._pick(giv_cum)]
        mid = rng.randrange(65, 91) if rng.random() < c.middle else 0
        if mid in (73, 79, 81, 88, 89, 90):  # I, O, Q, X, Y, Z: rare as middle initials
            mid = 0
        suffix = 0
        if c.suffix and rng.random() < c.suffix:
            suffix = rng.choice((1, 1, 1, 2, 3))
        p_init = c.initials + _FIELDS[fi].initials_bias
        r = rng.random()
        style = _INITIALS if r < p_init else _MIXED if r < p_init + 0.15 else _FULL
        return family, given, mid, suffix, style

    def _add_researcher(self, fi: int, lab: int, start: int, end: int, weight: float) -> int:
        family, given, mid, suffix, style = self._new_name(fi)
        rid = len(self.r_field)
        self.r_field.append(fi)
        self.r_lab.append(lab)
        self.r_fam.append(family)
        self.r_giv.append(given)
        self.r_mid.append(mid)
        self.r_suffix.append(suffix)
        self.r_style.append(style)
        self.r_start.append(start)
        self.r_end.append(end)
        self.r_weight.append(weight)
        return rid

    def _make_lab(self, fi: int, start_cum: list[float], inst: int, *, collab: bool) -> int:
        """A head with a long career plus members whose careers fall inside it."""
        rng = self.rng
        r = rng.random()
        size = (
            1
            if r < 0.18
            else rng.randint(2, 4)
            if r < 0.6
            else rng.randint(5, 9)
            if r < 0.9
            else rng.randint(10, 16)
        )
        lab = len(self.lab_members)
        head_start = FIRST_YEAR + self._pick(start_cum)
        head_end = min(LAST_YEAR, head_start + rng.randint(5, 18))
        productivity = 0.25 if collab else 1.0
        members = [
            self._add_researcher(
                fi, lab, head_start, head_end, min(rng.paretovariate(1.3) * 2.5, 300) * productivity
            )
        ]
        for _ in range(size - 1):
            start = rng.randint(head_start, max(head_start, head_end - 1))
            # Most members are students and postdocs; a fifth stay for a long career.
            long_stay = rng.random() < 0.2
            length = rng.randint(6, 18) if long_stay else 1 + int(rng.expovariate(1 / 3.5))
            end = min(LAST_YEAR, start + length)
            weight = min(rng.paretovariate(1.3), 200) * productivity
            members.append(self._add_researcher(fi, lab, start, end, weight))
        self.lab_members.append(members)
        self.lab_inst.append(inst)
        if not collab:
            self.field_labs[fi].append(lab)
        return size

    def _plant_collisions(self) -> None:
        """Give a few lab heads in different fields the same common name."""
        rng = self.rng
        taken: set[int] = set()
        for given, family, copies, style in _PLANTED:
            for fi in rng.sample(range(len(_FIELDS)), copies):
                labs = self.field_labs[fi]
                for _ in range(50):
                    lab = labs[rng.randrange(len(labs))]
                    if lab not in taken:
                        break
                taken.add(lab)
                head = self.lab_members[lab][0]
                self.r_giv[head] = self.giv.index[given]
                self.r_fam[head] = self.fam.index[family]
                self.r_mid[head] = 0
                self.r_suffix[head] = 0
                self.r_style[head] = style
                # Long and productive careers, so that every copy shows up even in small
                # corpora; their labs' other members keep their own windows.
                self.r_start[head] = FIRST_YEAR
                self.r_end[head] = LAST_YEAR
                self.r_weight[head] = max(self.r_weight[head], 40.0)

    def _build_pools(self) -> None:
        """Active researchers per (field, year) with cumulative productivity weights."""
        n = len(self.r_field)
        by_field: list[list[int]] = [[] for _ in _FIELDS]
        for rid in range(n):
            by_field[self.r_field[rid]].append(rid)
        self.pools: list[list[tuple[array[int], array[float]]]] = []
        for members in by_field:
            per_year = []
            for yi in range(_YEARS):
                y = FIRST_YEAR + yi
                active = array("i", (r for r in members if self.r_start[r] <= y <= self.r_end[r]))
                if not active:
                    active = array("i", members)
                cum = array("d", accumulate(self.r_weight[r] for r in active))
                per_year.append((active, cum))
            self.pools.append(per_year)
        # Collaborations active per (field, year), and their active rosters.
        self.collabs_by_field_year: list[list[list[int]]] = [
            [[] for _ in range(_YEARS)] for _ in _FIELDS
        ]
        for ci, collab in enumerate(_COLLABORATIONS):
            fi = _FIELD_INDEX[collab.field]
            for y in range(collab.first, collab.last + 1):
                self.collabs_by_field_year[fi][y - FIRST_YEAR].append(ci)

    def pick_active(self, fi: int, yi: int) -> int:
        members, cum = self.pools[fi][yi]
        i = bisect(cum, self.rng.random() * cum[-1])
        return members[min(i, len(members) - 1)]

    # text

    def _build_text(self) -> None:
        """Per field: slot vocabularies, and pools of intro, body and closing sentences
        with their word counts (abstracts are assembled from these, which is fast)."""
        rng = self.rng
        self.slots: list[dict[str, tuple[str, ...]]] = []
        for f in _FIELDS:
            self.slots.append(
                {
                    "T": f.topics,
                    "T2": f.topics,
                    "Tb": tuple(_bare(t) for t in f.topics),
                    "M": f.methods,
                    "M2": f.methods,
                    "Mb": tuple(_bare(m) for m in f.methods),
                    "O": f.objects,
                    "P": f.properties,
                    "C": f.contexts,
                    "A": f.adjectives,
                    "X": f.maths,
                    "Q": f.quantities,
                    "D": f.datasets,
                    "AREA": f.areas,
                    "PCT": tuple(f"{k}%" for k in range(2, 46)),
                }
            )
        # An abstract is an intro sentence, a run of consecutive sentences from the field's
        # body chain, and a closing sentence. The chain is built in rounds that use every
        # body template once, in shuffled order, so a run rarely repeats a template; the
        # cumulative word counts find the run's end for a target length with one bisect.
        self.intros: list[list[tuple[str, int]]] = []
        self.closings: list[list[tuple[str, int]]] = []
        self.chains: list[tuple[list[str], array[int]]] = []
        for fi in range(len(_FIELDS)):
            self.intros.append([self._sentence(rng.choice(_INTRO), fi) for _ in range(80)])
            self.closings.append([self._sentence(rng.choice(_CLOSING), fi) for _ in range(60)])
            chain: list[str] = []
            words = array("i", [0])
            order = list(_BODY)
            for _ in range(40):
                rng.shuffle(order)
                for template in order:
                    text, n = self._sentence(template, fi)
                    chain.append(text)
                    words.append(words[-1] + n)
            self.chains.append((chain, words))

    def _sentence(self, template: str, fi: int) -> tuple[str, int]:
        text = _capitalize(self.fill(template, fi))
        return text, text.count(" ") + 1

    def fill(self, template: str, fi: int) -> str:
        """Fill `{T}`-style slots with the field's vocabulary (only the slots used)."""
        slots = self.slots[fi]
        rnd = self.rng.random

        def value(m: re.Match[str]) -> str:
            options = slots[m.group(1)]
            return options[int(rnd() * len(options))]

        return _TEMPLATE_KEY.sub(value, template)


# --- records ---------------------------------------------------------------------------


class _Writer:
    """Turns the world into snapshot records, one month of ids at a time."""

    def __init__(self, world: _World) -> None:
        self.world = world
        self.rng = world.rng
        self.category_in: dict[tuple[str, int], str] = {}
        self.collab_names: dict[int, _Name] = {}
        self.appeared = bytearray(len(world.r_field))
        self.authorships = 0
        self.collab_papers = 0
        self.sizes: dict[int, int] = {}

    # authors

    def _name(self, rid: int, collaboration: bool = False) -> _Name:
        """(as written in `authors`, the authors_parsed entry, full LaTeX name).

        Collaboration author lists are typeset by the collaboration, mostly in initials.
        Their members appear on a hundred papers each, so their renderings are cached.
        """
        w, rnd = self.world, self.rng.random
        r = rnd()
        if collaboration:
            use_initials = r < 0.9
        else:
            style = w.r_style[rid]
            use_initials = r < (0.04 if style == _FULL else 0.95 if style == _INITIALS else 0.5)
        # Most submitters type accents as `\'a`, some as `{\'a}`, a few paste Unicode.
        r = rnd()
        form = 0 if r < 0.8 else 1 if r < 0.93 else 2
        key = 0
        if collaboration:
            key = rid * 6 + use_initials * 3 + form
            hit = self.collab_names.get(key)
            if hit is not None:
                return hit
        gi, fi = w.r_giv[rid], w.r_fam[rid]
        family = w.fam.forms[form][fi]
        full_given = w.giv.forms[form][gi]
        if use_initials:
            given = w.giv.initials[form][gi]
            parsed_given = w.giv.parsed_initials[gi]
        else:
            given = full_given
            parsed_given = w.giv.forms[2][gi]
        mid = w.r_mid[rid]
        if mid:
            m = _MIDDLES[mid]
            given += m
            parsed_given += m
            full_given += m
        suffix = _SUFFIXES[w.r_suffix[rid]]
        written = f"{given} {family} {suffix}" if suffix else f"{given} {family}"
        name = (written, (w.fam.forms[2][fi], parsed_given, suffix), f"{full_given} {family}")
        if collaboration:
            self.collab_names[key] = name
        return name

    def _ordinary_authors(self, fi: int, yi: int, f: _Field) -> list[int]:
        w, rng = self.world, self.rng
        rnd = rng.random
        r = rnd()
        if r < f.p_big:
            n = 10 + int(21 * rnd() ** 2)
        elif r < f.p_big + 0.015:
            n = rng.randint(7, 9)
        else:
            n = 1 + w._pick(w.field_sizes_cum[fi])
        lead = w.pick_active(fi, yi)
        authors = [lead]
        if n == 1:
            return authors
        y = FIRST_YEAR + yi
        start, end = w.r_start, w.r_end
        lab = w.r_lab[lead]
        lab_pool: list[int] | None = None  # the lead's active lab mates, built on first use
        partners = w.lab_partners[lab]
        seen = {lead}
        tries = 0
        while len(authors) < n and tries < 4 * n:
            tries += 1
            r = rnd()
            if r < 0.62 and lab_pool is None:
                lab_pool = [m for m in w.lab_members[lab] if start[m] <= y <= end[m] and m != lead]
            if r < 0.62 and lab_pool:
                cand = lab_pool[int(rnd() * len(lab_pool))]
            elif r < 0.8 and partners:
                # A member of a partner lab; one who is not active this year is a miss.
                pool = w.lab_members[partners[int(rnd() * len(partners))]]
                cand = pool[int(rnd() * len(pool))]
                if not start[cand] <= y <= end[cand]:
                    continue
            elif r < 0.97:
                cand = w.pick_active(fi, yi)
            else:
                cand = w.pick_active(_FIELD_INDEX[rng.choice(f.related)], yi)
            if cand not in seen:
                seen.add(cand)
                authors.append(cand)
        if rnd() < f.alphabetical:
            fam_k, giv_k = w.fam_key, w.giv_key
            authors.sort(key=lambda a: (fam_k[w.r_fam[a]], giv_k[w.r_giv[a]]))
        elif len(authors) >= 3 and rnd() < 0.5:
            # Students first, the lab head last: the other common convention.
            authors.append(authors.pop(0))
        return authors

    def _authors_field(
        self, authors: list[int], yi: int, f: _Field, collab: _Collaboration | None
    ) -> tuple[str, list[tuple[str, ...]], str]:
        """The `authors` string, `authors_parsed`, and the submitter's name."""
        w, rnd = self.world, self.rng.random
        written: list[str] = []
        parsed: list[tuple[str, ...]] = []
        fulls: list[str] = []
        if collab is not None:
            the = rnd() < 0.5
            for k, cname in enumerate(collab.names):
                text = (("The " if k == 0 else "the ") + cname) if the else cname
                written.append(text)
                parsed.append((text, "", ""))
        in_collab = collab is not None
        name = self._name
        for rid in authors:
            text, entry, full = name(rid, in_collab)
            written.append(text)
            parsed.append(entry)
            fulls.append(full)
        # A few papers carry affiliations in parentheses after each name, as arXiv shows
        # them: "V. M. Biryukov (Serpukhov, IHEP)"; authors_parsed then has a 4th element.
        if collab is None and rnd() < 0.05:
            for k, rid in enumerate(authors):
                inst = _INSTITUTIONS[w.lab_inst[w.r_lab[rid]]]
                written[k] = f"{written[k]} ({inst})"
                parsed[k] = (*parsed[k], inst)
        if len(written) == 1:
            joined = written[0]
        elif rnd() < 0.55:
            joined = ", ".join(written[:-1]) + " and " + written[-1]
        else:
            joined = ", ".join(written)
        r = rnd()
        if collab is not None or r < 0.7:
            submitter = fulls[0] if collab is None else fulls[int(rnd() * len(fulls))]
        elif r < 0.96:
            submitter = fulls[-1]
        else:
            # Someone not on the author list (a secretary, a student uploading for the PI).
            other = w.pick_active(_FIELD_INDEX[f.key], yi)
            submitter = self._name(other)[2]
        return _wrap(joined, 80, "\n  "), parsed, submitter

    # other fields

    def _title(self, fi: int, f: _Field) -> str:
        w, rng = self.world, self.rng
        title = _capitalize(w.fill(_TITLES[int(rng.random() * len(_TITLES))], fi))
        if f.acronyms and ":" not in title and rng.random() < 0.25:
            name = rng.choice(_ACRONYM_HEADS) + rng.choice(_ACRONYM_TAILS)
            title = f"{name}: {title}"
        elif rng.random() < 0.08:
            title = f"{title} for {rng.choice(f.maths)}"
        return _wrap(title, 80, "\n  ")

    def _abstract(self, fi: int) -> str:
        """60-200 words (mode 125), hard-wrapped at 80 columns like arXiv's abstracts."""
        w, rng = self.world, self.rng
        rnd = rng.random
        intros, closings = w.intros[fi], w.closings[fi]
        chain, words = w.chains[fi]
        first, n_first = intros[int(rnd() * len(intros))]
        last, n_last = closings[int(rnd() * len(closings))]
        # Intro + closing are < 60 words, so the body is never empty; a run of 40
        # sentences is always longer than 200 words, so the chain cannot run out.
        target = int(rng.triangular(60, 200, 125))
        start = int(rnd() * (len(chain) - 40))
        end = bisect_left(words, words[start] + target - n_first - n_last, start)
        if words[end] - words[start] + n_first + n_last > 200:
            end -= 1  # the last sentence would overshoot 200; without it we are >= 175
        body = " ".join(chain[start:end])
        return _wrap(f"  {first} {body} {last}", 80, "\n") + "\n"

    def _comments(self, f: _Field, year: int) -> str | None:
        rng = self.rng
        rnd = rng.random
        if rnd() < 0.13:
            return None
        pages = 4 + min(int(rng.expovariate(1 / 16)), 150)
        n_fig = 1 + int(rng.expovariate(1 / 5))
        figures = f"{n_fig} figure" if n_fig == 1 else f"{n_fig} figures"
        r = rnd()
        if r < 0.15:
            text = f"{pages} pages"
        elif r < 0.22:
            n_tab = 1 + int(rng.expovariate(1 / 2))
            text = f"{pages} pages, {figures}, {n_tab} table{'s' if n_tab > 1 else ''}"
        elif r < 0.27 and f.key in ("hep", "hep-ex", "grav") and year < 2012:
            text = f"LaTeX, {pages} pages, {n_fig} eps figure{'s' if n_fig > 1 else ''}"
        elif r < 0.32 and f.key == "math":
            text = f"{pages} pp."
        else:
            text = f"{pages} pages, {figures}"
        r = rnd()
        if r < 0.25:
            text += "; " + rng.choice(_COMMENT_EXTRAS)
        elif r < 0.35:
            venue = rng.choice(f.journals).ref.split(" {")[0].split(" (")[0]
            text += f"; to appear in {venue}"
        elif r < 0.4 and f.acronyms:
            name = (rng.choice(_ACRONYM_HEADS) + rng.choice(_ACRONYM_TAILS)).lower()
            text += f". Code is available at https://github.com/{name}-lab/{name}"
        return _wrap(text, 80, "\n  ")

    def _format(self, templates: Sequence[str], year: int, j: _Journal | None) -> list[str]:
        """Fill journal-ref / DOI / report templates. Values are shared between the
        templates of one call, so a journal-ref and its DOI name the same article."""
        rng = self.rng
        rnd = rng.random

        def ri(a: int, b: int) -> int:  # randint without its overhead
            return a + int(rnd() * (b - a + 1))

        v = int(j.v0 + j.dv * (year - FIRST_YEAR)) if j else 0
        p = ri(1, 2999)
        values: dict[str, str] = {}
        for key in _TEMPLATE_KEY.findall(" ".join(templates)):
            if key in values:
                continue
            if key == "y":
                val = str(year)
            elif key == "yy":
                val = f"{year % 100:02d}"
            elif key == "v":
                val = str(max(v, 1))
            elif key == "p":
                val = str(p)
            elif key == "p2":
                val = str(p + ri(5, 40))
            elif key == "p3":
                val = f"{ri(1, 250):03d}"
            elif key == "a":
                val = f"{ri(0, 2):01d}{ri(1, 99999):05d}"
            elif key in ("n", "n2"):
                val = f"{ri(1, 12):02d}" if key == "n2" else str(ri(1, 12))
            elif key == "mm":
                val = f"{ri(1, 12):02d}"
            elif key == "c":
                val = "0123456789xyz"[ri(0, 12)]
            elif key == "nth":
                val = _ordinal(year - j.ord0) if j else str(year)
            elif key == "nips":
                val = "NIPS" if year < 2018 else "NeurIPS"
            elif key[0] in "rnq" and key[1:].isdigit():
                digits = int(key[1:])
                val = str(ri(10 ** (digits - 1), 10**digits - 1))
            else:
                raise KeyError(key)
            values[key] = val
        return [_TEMPLATE_KEY.sub(lambda m: values[m.group(1)], t) for t in templates]

    def _publication(self, fi: int, year: int) -> tuple[str | None, str | None]:
        """(journal-ref, doi): ~40% of papers are published, most of those with a DOI."""
        rng = self.rng
        rnd = rng.random
        r = rnd()
        if r >= 0.44:
            return None, None
        pub_year = min(LAST_YEAR, year + (0 if rnd() < 0.45 else 1 if rnd() < 0.8 else 2))
        venues = self.world.venues[fi][pub_year - FIRST_YEAR]
        j = venues[int(rnd() * len(venues))]
        ref, doi_text = self._format((j.ref, j.doi), pub_year, j)
        doi = doi_text if j.doi and rnd() < 0.88 else None
        if doi is not None and rnd() < 0.02:  # an erratum: arXiv lists both DOIs
            erratum_ref, erratum = self._format((j.ref, j.doi), min(LAST_YEAR, pub_year + 1), j)
            ref = f"{ref}; Erratum: {erratum_ref}"
            doi = f"{doi} {erratum}"
        if r >= 0.40:
            return None, doi  # a DOI but no journal-ref (the author never added it)
        return _wrap(ref, 80, "\n  "), doi

    def _report(self, f: _Field, year: int, collab: _Collaboration | None) -> str | None:
        rng = self.rng
        if collab is not None:
            if collab.reports and rng.random() < 0.8:
                return self._format((rng.choice(collab.reports),), year, None)[0]
            return None
        if rng.random() >= f.p_report:
            return None
        templates = f.reports or ("MPI-{y}-{n3}", "LA-UR-{yy}-{n5}", "IPMU{yy}-{n4}")
        text = self._format((rng.choice(templates),), year, None)[0]
        if rng.random() < 0.15:
            text += ", " + self._format((rng.choice(templates),), year, None)[0]
        return text

    def _categories(self, f: _Field, year: int, collab: _Collaboration | None) -> str:
        rng = self.rng
        rnd = rng.random
        if collab is not None:
            cats = list(collab.categories)
        else:
            cats = [f.primaries[int(rnd() * len(f.primaries))]]
            n_cross = bisect(_CROSS_CUM, rnd() * _CROSS_CUM[-1])
            for _ in range(n_cross):
                c = f.cross[int(rnd() * len(f.cross))]
                if c not in cats:
                    cats.append(c)
        out: list[str] = []
        cache = self.category_in
        for c in cats:
            code = cache.get((c, year))
            if code is None:
                code = cache[(c, year)] = _category_in(c, year)
            if code not in out:
                out.append(code)
            alias = _ALIASES.get(code)
            if alias is not None and alias[1] <= year and alias[0] not in out:
                out.append(alias[0])
        return " ".join(out)

    def _license(self, year: int) -> str | None:
        rnd = self.rng.random
        p_null = 0.85 if year <= 2008 else 0.3 if year < 2016 else 0.03
        if rnd() < p_null:
            return None
        if year < 2016:
            return _LICENSES_OLD[bisect(_LICENSE_OLD_CUM, rnd() * _LICENSE_OLD_CUM[-1])]
        return _LICENSES_NEW[bisect(_LICENSE_NEW_CUM, rnd() * _LICENSE_NEW_CUM[-1])]

    def _versions(self, created: int) -> tuple[list[dict[str, str]], int]:
        """1-5 versions weeks to months apart, none after the snapshot's end; and the
        update_date timestamp (the last version, or a later metadata-only update)."""
        rng = self.rng
        n = 1 + bisect(_VERSIONS_CUM, rng.random() * _VERSIONS_CUM[-1])
        versions = [{"version": "v1", "created": _rfc2822(created)}]
        ts = created
        for k in range(2, n + 1):
            gap = (1 + int(rng.expovariate(1 / 90))) * _DAY + int((rng.random() - 0.5) * _DAY)
            if ts + gap > _END_TS:
                break
            ts += gap
            versions.append({"version": f"v{k}", "created": _rfc2822(ts)})
        if rng.random() < 0.35:  # later metadata updates (journal-ref, DOI) move update_date
            ts = min(_END_TS, ts + rng.randint(1, 900) * _DAY)
        return versions, ts

    # one record

    def _collaboration(self, fi: int, yi: int) -> tuple[_Collaboration, list[int]] | None:
        """A collaboration active this year and 100-500 of its members, in roster
        (alphabetical) order: current members first, recent leavers if that is too few."""
        w, rng = self.world, self.rng
        active = w.collabs_by_field_year[fi][yi]
        if not active:
            return None
        ci = active[int(rng.random() * len(active))]
        roster = w.rosters[ci]
        year = FIRST_YEAR + yi
        start, end = w.r_start, w.r_end
        current = [i for i, r in enumerate(roster) if start[r] <= year <= end[r]]
        k = rng.randint(100, 500)
        if len(current) >= k:
            picks = rng.sample(current, k)
        else:
            current_set = set(current)
            others = [i for i in range(len(roster)) if i not in current_set]
            picks = current + rng.sample(others, min(k - len(current), len(others)))
        picks.sort()
        return _COLLABORATIONS[ci], [roster[i] for i in picks]

    def record(self, arxiv_id: str, created: int, yi: int) -> tuple[bytes, list[int | None]]:
        """One snapshot line, and the researcher behind each `authors_parsed` entry."""
        w, rng = self.world, self.rng
        year = FIRST_YEAR + yi
        fi = w._pick(w.field_year_cum[yi])
        f = _FIELDS[fi]
        chosen = None
        if f.p_collab and rng.random() < f.p_collab:
            chosen = self._collaboration(fi, yi)
        collab: _Collaboration | None = None
        if chosen is not None:
            collab, authors = chosen
            self.collab_papers += 1
        else:
            authors = self._ordinary_authors(fi, yi, f)
        authors_text, parsed, submitter = self._authors_field(authors, yi, f, collab)
        journal_ref, doi = self._publication(fi, year)
        versions, updated = self._versions(created)
        rec = {
            "id": arxiv_id,
            "submitter": submitter,
            "authors": authors_text,
            "title": self._title(fi, f),
            "comments": self._comments(f, year),
            "journal-ref": journal_ref,
            "doi": doi,
            "report-no": self._report(f, year, collab),
            "categories": self._categories(f, year, collab),
            "license": self._license(year),
            "abstract": self._abstract(fi),
            "versions": versions,
            "update_date": _iso_date(updated),
            "authors_parsed": parsed,
        }
        appeared = self.appeared
        for rid in authors:
            appeared[rid] = 1
        n = len(parsed)
        self.authorships += n
        self.sizes[n] = self.sizes.get(n, 0) + 1
        truth: list[int | None] = [None] * (n - len(authors))
        truth.extend(authors)
        return _ascii_json(orjson.dumps(rec)) + b"\n", truth


def _month_counts(works: int) -> list[tuple[int, int, int]]:
    """(year, month, count) from 2007-04 to 2025-12, growing like arXiv's submissions.

    Deterministic largest-remainder allocation. A month holds at most 9,999 papers before
    2015 (4-digit ids) and 99,999 after; any excess moves to the following month.
    """
    months = [(y, m) for y in range(FIRST_YEAR, LAST_YEAR + 1) for m in range(1, 13)]
    months = months[FIRST_MONTH - 1 :]
    weights = [_MONTHLY_GROWTH**i for i in range(len(months))]
    total = sum(weights)
    exact = [works * wt / total for wt in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(months)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: works - sum(counts)]:
        counts[i] += 1
    carry = 0
    out = []
    for (y, m), c in zip(months, counts, strict=True):
        cap = 9_999 if y < 2015 else 99_999
        c += carry
        carry = max(0, c - cap)
        out.append((y, m, c - carry))
    if carry:
        raise ValueError(f"{works} works do not fit arXiv's id space for 2007-2025")
    return out


def generate_corpus(
    works: int, seed: int, out: BinaryIO, *, truth: BinaryIO | None = None
) -> GenerateStats:
    """Write `works` synthetic records in the snapshot format to `out` (binary).

    Same `(works, seed)`, same bytes. `truth`, if given, receives one JSON line per record,
    `{"id": ..., "authors": [researcher number or null for a collaboration entry, ...]}`,
    aligned with `authors_parsed`: the ground truth for evaluating author disambiguation.
    """
    if works < 0:
        raise ValueError("works must be >= 0")
    rng = Random(seed)
    world = _World(works, rng)
    writer = _Writer(world)
    buf: list[bytes] = []
    truth_buf: list[bytes] = []
    written = 0
    first_id: str | None = None
    arxiv_id: str | None = None
    for year, month, count in _month_counts(works):
        if not count:
            continue
        month_start = int((datetime(year, month, 1, tzinfo=UTC) - _EPOCH).total_seconds())
        ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
        span = int((datetime(ny, nm, 1, tzinfo=UTC) - _EPOCH).total_seconds()) - month_start
        step = span // count
        digits = 4 if year < 2015 else 5
        prefix = f"{year % 100:02d}{month:02d}."
        yi = year - FIRST_YEAR
        for i in range(count):
            # Strictly increasing timestamps within the month, so ids follow dates.
            created = month_start + (i * span) // count + int(rng.random() * step)
            arxiv_id = f"{prefix}{i + 1:0{digits}d}"
            if first_id is None:
                first_id = arxiv_id
            line, people = writer.record(arxiv_id, created, yi)
            buf.append(line)
            if truth is not None:
                truth_buf.append(orjson.dumps({"id": arxiv_id, "authors": people}) + b"\n")
            if len(buf) >= _BATCH:
                written += _flush(out, buf)
                if truth is not None:
                    _flush(truth, truth_buf)
    written += _flush(out, buf)
    if truth is not None:
        _flush(truth, truth_buf)
    return _stats(writer, works, first_id, arxiv_id, written)


def _flush(out: BinaryIO, buf: list[bytes]) -> int:
    if not buf:
        return 0
    data = b"".join(buf)
    out.write(data)
    buf.clear()
    return len(data)


def _stats(
    writer: _Writer, works: int, first_id: str | None, last_id: str | None, written: int
) -> GenerateStats:
    w = writer.world
    people: dict[tuple[int, int], int] = {}
    researchers = 0
    for rid, seen in enumerate(writer.appeared):
        if seen:
            researchers += 1
            key = (w.r_giv[rid], w.r_fam[rid])
            people[key] = people.get(key, 0) + 1
    median = 0
    if works:
        half, acc = (works + 1) // 2, 0
        for size in sorted(writer.sizes):
            acc += writer.sizes[size]
            if acc >= half:
                median = size
                break
    return GenerateStats(
        works=works,
        authorships=writer.authorships,
        researchers=researchers,
        collaboration_papers=writer.collab_papers,
        max_authors=max(writer.sizes, default=0),
        median_authors=median,
        shared_names=sum(1 for c in people.values() if c > 1),
        first_id=first_id,
        last_id=last_id,
        bytes_written=written,
    )
