"""Works search and author autocomplete through HTTP: bounded ranking, paging, counts.

The bounds (`RANK_WINDOW`, `COUNT_EXACT_UP_TO`) are lowered here so that a handful of works
crosses them; made-up words keep other tests' rows out of the matches.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from app.core import search
from app.core.database import make_engine
from app.core.pagination import PageParams
from app.core.search import is_prefix_lookup
from app.core.settings import Settings
from app.main import create_app
from app.works.service import WorkFilters, is_plain_search_first_page, list_works_json
from tests import factories as f


def _all_pages(client: TestClient, **params: Any) -> tuple[list[str], list[int]]:
    ids: list[str] = []
    counts: list[int] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get("/v1/works", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        ids += [w["id"] for w in body["results"]]
        counts.append(body["meta"]["count"])
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            return ids, counts


def test_relevance_ranks_the_newest_window_then_pages_on_newest_first(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "RANK_WINDOW", 4)
    a = f.author(session, "Rank Window")
    # Created oldest first. In the window (the 4 newest), the title matches rank above the
    # abstract-only ones.
    works = [
        f.work(
            session,
            [a],
            title=("Zorblax field" if i % 3 == 0 else f"Plain study {i}"),
            abstract_plain=f"Results on zorblax number {i}.",
        )
        for i in range(10)
    ]
    session.commit()
    newest = works[::-1]
    ids, counts = _all_pages(client, q="zorblax", per_page=3)
    assert counts == [10] * len(counts)
    assert sorted(ids) == sorted(f"W{w.id}" for w in works)  # every match, once
    window = [f"W{w.id}" for w in newest[:4]]
    assert set(ids[:4]) == set(window)
    assert set(ids[:2]) == {f"W{works[9].id}", f"W{works[6].id}"}  # the title matches
    assert ids[4:] == [f"W{w.id}" for w in newest[4:]]


def test_the_window_read_from_an_id_range_is_the_window_of_every_match(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL reads the window from an id range sized from the count, widened while it
    holds too few (`_pg_ranked_window`): the matches are old and few among the newest
    works here, so a first range a hundredth the expected width must widen several times,
    and every page must be what reading all matches gives."""
    monkeypatch.setattr(search, "RANK_WINDOW", 4)
    a = f.author(session, "Range Window")
    matches = [
        f.work(
            session,
            [a],
            title=("Wumpish field" if i % 2 else f"Plain {i}"),
            abstract_plain=f"On wumpish things {i}.",
        )
        for i in range(9)
    ]
    for i in range(40):
        f.work(session, [a], title=f"Unrelated {i}")
    matches.append(f.work(session, [a], title="Wumpish latest"))
    session.commit()
    monkeypatch.setattr(search, "_RANGE_MARGIN", 1e9)  # the first range is every id
    everything = _all_pages(client, q="wumpish", per_page=3)
    monkeypatch.setattr(search, "_RANGE_MARGIN", 0.01)
    assert _all_pages(client, q="wumpish", per_page=3) == everything
    ids, counts = everything
    assert counts == [10] * len(counts)
    assert sorted(ids) == sorted(f"W{w.id}" for w in matches)
    assert set(ids[:4]) == {f"W{w.id}" for w in matches[-4:]}


def test_the_range_is_sized_from_the_words_density_among_the_newest_works(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: where `recent_lexemes` knows how many of the newest works hold each
    word, the first range spans the window at that density (with its own margin), several
    words' densities multiplied; a word it does not know falls back to the density over
    all works. Either way the pages are the ones reading every match gives."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: FTS5 reads matches newest first by itself")
    monkeypatch.setattr(search, "RANK_WINDOW", 4)
    a = f.author(session, "Dense Recently")
    # One old match, then twelve recent ones among twelve others: 13 matches in 61 works.
    f.work(session, [a], title="Frobnicate early")
    for i in range(36):
        f.work(session, [a], title=f"Quiet {i}")
    for i in range(24):
        f.work(session, [a], title=(f"Frobnicate zanzibar {i}" if i % 2 else f"Hushed {i}"))
    session.commit()
    lexeme, newest = session.execute(
        text(
            "SELECT (tsvector_to_array(to_tsvector('english', 'frobnicate')))[1], "
            "max(work_id) FROM works_search"
        )
    ).one()
    floors: list[int] = []
    run = search._run

    def recording(*args: Any, **values: Any) -> Any:
        if "floor" in values:
            floors.append(values["floor"])
        return run(*args, **values)

    monkeypatch.setattr(search, "_run", recording)
    monkeypatch.setattr(search, "_RANGE_MARGIN", 1e9)  # the first range is every id
    everything = _all_pages(client, q="frobnicate", per_page=3)
    monkeypatch.setattr(search, "_RANGE_MARGIN", 2.0)
    monkeypatch.setattr(search, "_RECENT_RANGE_MARGIN", 1.5)
    floors.clear()
    assert _all_pages(client, q="frobnicate", per_page=3) == everything
    # Over all works: 4 matches span 4 * newest / 13 ids.
    assert floors[0] == max(0, int(newest - 4 * newest / 13 * 2.0))
    # Among the newest 24 ids, 12 hold the word: 4 matches span 8 ids, 12 with the margin.
    session.execute(
        text("INSERT INTO recent_lexemes (lexeme, works, id_span) VALUES (:lexeme, 12, 24)"),
        {"lexeme": lexeme},
    )
    session.commit()
    floors.clear()
    assert _all_pages(client, q="frobnicate", per_page=3) == everything
    assert abs(floors[0] - (newest - 4 * 2 * 1.5)) <= 1  # exp(ln(x)) may round
    # With a word the table does not hold (12 matches): the density over all works.
    floors.clear()
    both = _all_pages(client, q="frobnicate zanzibar", per_page=3)
    assert floors[0] == max(0, int(newest - 4 * newest / 12 * 2.0))
    # Both held, each in half of the newest 24 ids: 4 matches span 4 * 4 ids.
    session.execute(
        text(
            "INSERT INTO recent_lexemes (lexeme, works, id_span) "
            "SELECT lexeme, 12, 24 FROM unnest(tsvector_to_array(to_tsvector('english', "
            "'zanzibar'))) AS lexeme"
        )
    )
    session.commit()
    floors.clear()
    assert _all_pages(client, q="frobnicate zanzibar", per_page=3) == both
    assert abs(floors[0] - (newest - 4 * 4 * 1.5)) <= 1


def test_a_range_that_held_too_few_is_widened_by_the_density_it_showed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One retry for a word rarer among recent works: 400 of 500 in 1,000 ids asks for
    500 / 400 * the margin as many ids; a range that held nothing grows fourfold."""
    monkeypatch.setattr(search, "_RANGE_MARGIN", 1.3)
    assert search._widened_floor(9_000, 10_000, 400, 500) == int(10_000 - 1_000 * 1.25 * 1.3)
    assert search._widened_floor(9_000, 10_000, 0, 500) == 6_000
    assert search._widened_floor(9_000, 10_000, 499, 500) == 8_500  # at least 1.5x
    assert search._widened_floor(1_000, 10_000, 10, 500) == 0


def test_a_word_in_very_many_works_ranks_title_matches_first(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above `BM25_MAX_MATCHES` SQLite orders the window by a static rank instead of bm25;
    PostgreSQL's ts_rank weighs titles higher anyway: title matches first on both."""
    monkeypatch.setattr(search, "RANK_WINDOW", 4)
    monkeypatch.setattr(search, "BM25_MAX_MATCHES", 3)
    a = f.author(session, "Static Ranker")
    works = [
        f.work(
            session,
            [a],
            title=("Fnordic lattice" if i in (3, 5) else f"Plain item {i}"),
            abstract_plain=f"On fnordic matters {i}.",
        )
        for i in range(7)
    ]
    session.commit()
    ids, counts = _all_pages(client, q="fnordic", per_page=2)
    assert counts == [7] * len(counts)
    newest = [f"W{w.id}" for w in works[::-1]]
    assert set(ids[:2]) == {f"W{works[5].id}", f"W{works[3].id}"}  # the window's titles
    assert set(ids[:4]) == set(newest[:4])  # the window: the 4 newest
    assert ids[4:] == newest[4:]  # then the older ones, newest first


def test_search_with_a_filter_and_sorted_by_date(client: TestClient, session: Session) -> None:
    a = f.author(session, "Filter Searcher")
    b = f.author(session, "Other Searcher")
    mine = [f.work(session, [a], title=f"Quuxon decay {y}", year=y) for y in (2019, 2022, 2021)]
    f.work(session, [b], title="Quuxon decay elsewhere", year=2020)
    session.commit()
    ids, counts = _all_pages(client, q="quuxon", author=f"A{a.id}", per_page=2)
    assert sorted(ids) == sorted(f"W{w.id}" for w in mine)
    assert counts[0] == 3
    by_date, _ = _all_pages(client, q="quuxon", sort="year:desc", per_page=1)
    assert len(by_date) == 4
    assert by_date[0] == f"W{mine[1].id}"


def test_deleted_works_leave_the_index_and_come_back(client: TestClient, session: Session) -> None:
    a = f.author(session, "Deleted Searcher")
    kept = f.work(session, [a], title="Vexillology of flags")
    gone = f.work(session, [a], title="Vexillology of banners")
    session.commit()
    gone.is_deleted = True
    session.commit()
    body = client.get("/v1/works", params={"q": "vexillology"}).json()
    assert [w["id"] for w in body["results"]] == [f"W{kept.id}"]
    assert body["meta"]["count"] == 1
    gone.is_deleted = False
    gone.title_plain = "Vexillology of pennants"
    session.commit()
    body = client.get("/v1/works", params={"q": "pennants"}).json()
    assert [w["id"] for w in body["results"]] == [f"W{gone.id}"]
    assert client.get("/v1/works", params={"q": "banners"}).json()["meta"]["count"] == 0


def test_counts_above_the_exact_limit_are_estimated_never_below_it(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "COUNT_EXACT_UP_TO", 5)
    monkeypatch.setattr(search, "RANK_WINDOW", 4)
    a = f.author(session, "Count Searcher")
    for i in range(20):
        f.work(session, [a], title=f"Glorpish result {i}")
    session.commit()
    few = client.get("/v1/works", params={"q": "glorpish result 7"}).json()["meta"]
    assert (few["count"], few["count_is_exact"]) == (1, True)
    meta = client.get("/v1/works", params={"q": "glorpish"}).json()["meta"]
    assert meta["count"] >= 6
    if session.get_bind().dialect.name == "sqlite":
        # A sample that would be larger than the matches left is the matches left: exact.
        assert (meta["count"], meta["count_is_exact"]) == (20, True)
    else:
        assert meta["count_is_exact"] is False  # the planner's estimate
    plain = client.get("/v1/works", params={"author": f"A{a.id}"}).json()["meta"]
    assert (plain["count"], plain["count_is_exact"]) == (20, True)


def test_postgresql_takes_a_large_planner_estimate_without_counting(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no planner estimate of matches")
    a = f.author(session, "Estimate Searcher")
    for i in range(3):
        f.work(session, [a], title=f"Blorptic study {i}")
    session.commit()
    meta = client.get("/v1/works", params={"q": "blorptic"}).json()["meta"]
    assert (meta["count"], meta["count_is_exact"]) == (3, True)
    counted: list[str] = []
    real_count = search._newest_count

    def newest_count(*args: Any) -> Any:
        counted.append("exact")
        return real_count(*args)

    monkeypatch.setattr(search, "_newest_count", newest_count)
    monkeypatch.setattr(search, "ESTIMATE_TRUSTED_FROM", 1)  # any estimate is trusted
    body = client.get("/v1/works", params={"q": "blorptic"}).json()
    assert body["meta"]["count_is_exact"] is False
    assert body["meta"]["count"] >= 1
    assert counted == []
    assert len(body["results"]) == 3


def test_a_sampled_count_says_it_is_an_estimate(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "COUNT_EXACT_UP_TO", 5)
    monkeypatch.setattr(search, "RANK_WINDOW", 4)  # never above the exact count
    monkeypatch.setattr(search, "_SAMPLE_MATCHES", 4)
    a = f.author(session, "Sample Searcher")
    works = [f.work(session, [a], title=f"Snorfle number {i}") for i in range(60)]
    session.commit()
    body = client.get("/v1/works", params={"q": "snorfle", "per_page": 50}).json()
    assert body["meta"]["count"] >= 6
    assert body["meta"]["count_is_exact"] is False
    # The estimate sizes nothing that is returned: the pages hold every match once.
    ids, counts = _all_pages(client, q="snorfle", per_page=50)
    assert sorted(ids) == sorted(f"W{w.id}" for w in works)
    assert len(set(counts)) == 1


def test_autocomplete_words_in_any_order_accents_and_merged(
    client: TestClient, session: Session
) -> None:
    lead = f.author(session, "José Zúñigarr", search_names="José Zúñigarr Jose Zunigarr")
    other = f.author(session, "Maria Zunigarro")
    merged = f.author(session, "Jose Zunigarrx", merged_into_id=lead.id)
    f.work(session, [lead])
    f.work(session, [lead])
    f.work(session, [other])
    f.work(session, [merged])
    session.commit()

    def names(q: str) -> list[str]:
        response = client.get("/v1/autocomplete/authors", params={"q": q})
        assert response.status_code == 200, response.text
        return [r["display_name"] for r in response.json()["results"]]

    # By works count; the accented name is found by its folded spelling.
    assert names("zuniga") == ["José Zúñigarr", "Maria Zunigarro"]
    assert names("jose zuni") == ["José Zúñigarr"]
    assert names("zunigarr jos") == ["José Zúñigarr"]
    assert names("mari zunigarr") == []  # the last word is a prefix, the others whole
    assert names("zu_i") == []  # no LIKE wildcards from the query

    # A record that gains works moves up; one merged away is gone.
    for _ in range(3):
        f.work(session, [other])
    lead.merged_into_id = other.id
    session.commit()
    assert names("zuniga") == ["Maria Zunigarro"]


def _prefix_rows(session: Session, author_id: int) -> set[tuple[str, int]]:
    rows = session.execute(
        text("SELECT prefix, works_count FROM author_name_prefixes WHERE author_id = :a"),
        {"a": author_id},
    )
    return {(r.prefix, r.works_count) for r in rows}


def test_name_prefixes_follow_every_change_to_an_author(
    client: TestClient, session: Session
) -> None:
    """The prefix table is kept by triggers: insert, rename, works count, merge, delete."""
    a = f.author(session, "Quillon Brax-Ovary", works_count=3)
    b = f.author(session, "Quillonette Q.", works_count=5)
    session.commit()

    def names(q: str) -> list[str]:
        response = client.get("/v1/autocomplete/authors", params={"q": q})
        assert response.status_code == 200, response.text
        return [r["display_name"] for r in response.json()["results"]]

    assert ("quillon", 3) in _prefix_rows(session, a.id)
    assert ("ovary", 3) in _prefix_rows(session, a.id)  # hyphenated words are split
    assert ("q", 5) in _prefix_rows(session, b.id)  # "Q." is the word "q"
    assert names("quil") == ["Quillonette Q.", "Quillon Brax-Ovary"]  # most works first
    assert names("ovar") == ["Quillon Brax-Ovary"]

    a.works_count = 9
    session.commit()
    assert names("quil") == ["Quillon Brax-Ovary", "Quillonette Q."]
    assert {c for _, c in _prefix_rows(session, a.id)} == {9}

    a.search_names = a.display_name = "Zephyrine Brax"
    session.commit()
    assert names("quil") == ["Quillonette Q."]
    assert names("zephyr") == ["Zephyrine Brax"]

    b.merged_into_id = a.id
    session.commit()
    assert _prefix_rows(session, b.id) == set()
    assert names("quil") == []

    session.delete(a)
    session.commit()
    assert _prefix_rows(session, a.id) == set()


def test_autocomplete_long_words_and_unfolded_scripts(client: TestClient, session: Session) -> None:
    f.author(session, "Wojciechowskiewiczka Nowak", works_count=2)
    f.author(session, "王小明", works_count=1)
    session.commit()

    def names(q: str) -> list[str]:
        return [
            r["display_name"]
            for r in client.get("/v1/autocomplete/authors", params={"q": q}).json()["results"]
        ]

    # Past the longest stored prefix, the full-text index answers, with the same result.
    assert len("wojciechowskiew") > search.PREFIX_LONGEST
    assert names("wojciechowskiew") == ["Wojciechowskiewiczka Nowak"]
    assert names("wojciechows") == ["Wojciechowskiewiczka Nowak"]  # within: the prefix table
    assert names("WOJCIECH") == ["Wojciechowskiewiczka Nowak"]
    assert names("王") == ["王小明"]


def test_autocomplete_reads_names_across_their_apostrophes(
    client: TestClient, session: Session
) -> None:
    """O'Brien is held as "o", "brien" and "obrien" (revision 0011): "o'b", "o’b" and "ob"
    are one prefix of the table, and the joined words follow a change of name."""
    obrien = f.author(session, "Hannah O'Brien", works_count=3)
    f.author(session, "Oberon Smith", works_count=5)
    f.author(session, "Brienne Tarth", works_count=1)
    session.commit()

    def names(q: str) -> list[str]:
        response = client.get("/v1/autocomplete/authors", params={"q": q})
        assert response.status_code == 200, response.text
        return [r["display_name"] for r in response.json()["results"]]

    assert names("o'b") == ["Oberon Smith", "Hannah O'Brien"]  # by works count
    assert names("o\u2019bri") == ["Hannah O'Brien"]
    assert names("obrien") == ["Hannah O'Brien"]
    assert names("brien") == ["Hannah O'Brien", "Brienne Tarth"]  # the split word still
    obrien.display_name = obrien.search_names = "Hannah D'Arcy"
    session.commit()
    assert names("o'b") == ["Oberon Smith"]
    assert names("d'arc") == ["Hannah D'Arcy"]
    assert names("darcy") == ["Hannah D'Arcy"]


@pytest.mark.parametrize(
    ("query", "bounded"),
    [
        ("w", True),
        ("Zúñiga", True),
        ("wojciechowsk", True),
        ("wojciechowski", False),
        ("sun mao", False),
        ("o'b", True),
        ("o\u2019brien", True),
        ("d'angelo smith", False),
        ("  ", False),
    ],
)
def test_which_autocomplete_queries_are_one_index_range(query: str, bounded: bool) -> None:
    # Decides whether SQLite may answer on the event loop (app/authors/router.py).
    assert is_prefix_lookup(query) is bounded


FIRST_PAGE = PageParams(per_page=25, cursor=None)


@pytest.mark.parametrize(
    ("filters", "page", "sort", "bounded"),
    [
        (WorkFilters(q="quasar"), FIRST_PAGE, None, True),
        (WorkFilters(q="quasar"), FIRST_PAGE, "relevance", True),
        (WorkFilters(q="quasar jets"), FIRST_PAGE, "relevance:desc", True),
        (WorkFilters(q="quasar"), PageParams(per_page=25, cursor="b2Zmc2V0OjI1"), None, False),
        (WorkFilters(q="quasar"), FIRST_PAGE, "publication_date:desc", False),
        (WorkFilters(q="quasar", year_from=2020), FIRST_PAGE, None, False),
        (WorkFilters(q="quasar", author_id=1), FIRST_PAGE, None, False),
        (WorkFilters(q="the of"), FIRST_PAGE, None, True),  # stop words alone are searched
        (WorkFilters(q="!!"), FIRST_PAGE, None, False),  # no words: every work
        (WorkFilters(), FIRST_PAGE, None, False),
    ],
)
def test_which_searches_are_bounded_at_any_size(
    filters: WorkFilters, page: PageParams, sort: str | None, bounded: bool
) -> None:
    # Decides whether SQLite may answer on the event loop (app/works/router.py).
    assert is_plain_search_first_page(filters, page, sort) is bounded


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One entry per hand-off of a request to the thread pool (app.core.deps)."""
    from app.core import deps

    seen: list[str] = []
    real_hop = deps.run_in_threadpool

    async def counted_hop(work: Any) -> Any:
        seen.append("thread")
        return await real_hop(work)

    monkeypatch.setattr(deps, "run_in_threadpool", counted_hop)
    return seen


def test_only_a_bounded_search_is_answered_on_the_event_loop(
    client: TestClient, session: Session, engine: Engine, hops: list[str]
) -> None:
    f.work(session, [f.author(session)], title="Quasar zyxwvuq jets", year=2021)
    session.commit()
    on_sqlite = engine.dialect.name == "sqlite"
    for params, off_loop in [
        ({"q": "zyxwvuq"}, not on_sqlite),
        ({"q": "zyxwvuq", "sort": "relevance"}, not on_sqlite),
        ({"q": "zyxwvuq", "year_from": 2020}, True),
        ({"q": "zyxwvuq", "sort": "publication_date:desc"}, True),
    ]:
        hops.clear()
        response = client.get("/v1/works", params=params)
        assert response.status_code == 200, response.text
        assert [w["title"] for w in response.json()["results"]] == ["Quasar zyxwvuq jets"]
        assert hops == (["thread"] if off_loop else []), params


@pytest.mark.parametrize("inline_lookups", [True, False])
def test_lookups_are_answered_on_the_event_loop_unless_turned_off(
    inline_lookups: bool,
    settings: Settings,
    session_factory: sessionmaker[Session],
    session: Session,
    engine: Engine,
    hops: list[str],
) -> None:
    author = f.author(session, "Mirela Zyxwvuq")
    f.work(session, [author], title="Quasar zyxwvuq jets", year=2021)
    session.commit()
    app = create_app(
        settings.model_copy(update={"inline_lookups": inline_lookups}),
        session_factory=session_factory,
    )
    # The setting is PostgreSQL's: SQLite answers every bounded read on the loop.
    on_loop = inline_lookups or engine.dialect.name == "sqlite"
    with TestClient(app) as client:
        for path, params, lookup in [
            (f"/v1/authors/A{author.id}", {}, True),
            (f"/v1/authors/A{author.id}/overview", {}, True),
            ("/v1/autocomplete/authors", {"q": "zyxw"}, True),
            ("/v1/autocomplete/authors", {"q": "mirela zyxw"}, False),
            ("/v1/works", {"q": "zyxwvuq", "year_from": 2020}, False),
        ]:
            hops.clear()
            response = client.get(path, params=params)
            assert response.status_code == 200, response.text
            assert "Zyxwvuq" in response.text
            assert hops == ([] if lookup and on_loop else ["thread"]), path


def test_a_search_is_planned_for_its_words_on_postgresql(engine: Engine) -> None:
    """A prepared statement's generic plan cannot tell "bound" (most works) from a rare
    word: a search's statements that match words run unprepared however often they run,
    each planned for its words. The page of works read by id is prepared as usual
    (psycopg: after five runs), and so are another list's statements."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite plans every statement for its values")
    page = PageParams(per_page=2, cursor=None)

    def prepared_after(filters: WorkFilters, sort: str | None = None) -> list[str]:
        # A new engine: a new server session, with no statement prepared by other tests.
        # The works are its own transaction's, rolled back with it.
        fresh = make_engine(engine.url.render_as_string(hide_password=False), pool_size=1)
        try:
            with fresh.connect() as connection, Session(bind=connection) as session:
                a = f.author(session, "Plan Reader")
                for i in range(5):
                    f.work(session, [a], title=f"Quantum gravity note {i}")
                session.flush()
                for _ in range(8):
                    body = list_works_json(session, filters, page, sort, None)
                    assert b"Quantum gravity note" in body
                prepared = connection.exec_driver_sql(
                    "SELECT statement FROM pg_prepared_statements"
                )
                return list(prepared.scalars())
        finally:
            fresh.dispose()

    relevance = prepared_after(WorkFilters(q="quantum gravity"))
    assert not [s for s in relevance if "@@" in s]  # nothing that matches words
    assert [s for s in relevance if "FROM works" in s and "works.id IN" in s]  # the page
    assert not [s for s in prepared_after(WorkFilters(q="quantum"), "year:desc") if "@@" in s]
    assert [s for s in prepared_after(WorkFilters()) if "works" in s]
