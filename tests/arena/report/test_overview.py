"""The overview page (OUT/report.html) of a real tournament played in-process: every part is there, every table
lists the players in one order, links open the right episodes, and numbers match the results tables.

The tournament: a scripted random and mcts player, a model that answers nonsense (with markup in it) and
forfeits, under a hostile display name, and a cheaper model; tic-tac-toe, connect four cut at 10 moves (so
some episodes are truncated) and rock-paper-scissors (a simultaneous first move).
"""

from __future__ import annotations

import asyncio
import html
import random
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from arena.chat import ChatRequest, ChatResult
from arena.config import Tournament
from arena.report.build import player_order, write_report
from arena.report.tables import standings
from arena.results import load
from arena.results.location import ResultsDir
from arena.results.manifest import Manifest
from arena.results.writer import write_parts
from arena.schedule import episodes
from arena.shard import play_shard

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: no package to import from
from browser import VIEWPORT, assert_no_console_errors  # noqa: E402

HOSTILE = '<script>alert("x")</script> & \'co\''
SECRET_ENV = "sk-test-env-0123456789abcdef"
SECRET_CONFIG = "sk-test-config-0123456789abcdef"
NONSENSE = '<img src=x onerror=alert(1)> I would rather not say. ' + "blah " * 80
TOURNAMENT = {
    "name": "overview_demo", "seed": 7, "episodes_per_pairing": 4,
    "games": [{"name": "tic_tac_toe"}, {"name": "connect_four", "max_moves": 10}, {"name": "matrix_rps"}],
    "players": [{"type": "random"}, {"type": "mcts", "simulations": 4},
                {"type": "llm", "name": HOSTILE, "model": "simulated_hostile", "max_illegal_attempts": 1,
                 "temperature": 0.3, "backend_options": {"api_key": SECRET_CONFIG}},
                {"type": "llm", "model": "simulated_cheap", "max_illegal_attempts": 2}],
}
PLAYERS = {"random", "mcts_4", HOSTILE, "simulated_cheap"}
MODELS = {HOSTILE, "simulated_cheap"}


class Answers:
    """A ChatBackend: a random legal move, or (one time in `nonsense`) an answer that names no move."""

    def __init__(self, seed: int, nonsense: float) -> None:
        self.rng, self.nonsense = random.Random(seed), nonsense

    async def chat(self, request: ChatRequest) -> ChatResult:
        text = NONSENSE if self.rng.random() < self.nonsense else self.rng.choice(request.legal_moves)
        return ChatResult(text=text, prompt_tokens=100, completion_tokens=4, latency_s=0.2, cost_usd=0.001)


@dataclass
class Report:
    root: Path
    page: Path
    text: str
    tables: dict[str, list[list[Cell]]]
    ids: set[str]
    order: list[str]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Report:
    t = Tournament.model_validate(TOURNAMENT)
    root = tmp_path_factory.mktemp("overview") / t.name
    manifest = Manifest(ResultsDir(root), t)
    backends = {"simulated_hostile": Answers(1, 0.3), "simulated_cheap": Answers(2, 0.1)}
    write_parts(root, asyncio.run(play_shard(t, episodes(t), backend_for=lambda spec: backends[spec.model])))
    manifest.save("finished", episodes=len(list(episodes(t))))
    results = load(root, moves=False)  # as `arena report` reads a large folder: moves are streamed
    s = standings(results, rounds=30)
    out = root.parent / "report"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OPENAI_API_KEY", SECRET_ENV)
        written = write_report(str(root), results, s, out)
    text = written.html.read_text(encoding="utf-8")
    parsed = PageTables()
    parsed.feed(text)
    return Report(root, written.html, text, parsed.tables, parsed.ids, player_order(s))


@dataclass
class Cell:
    text: str = ""
    hrefs: list[str] = field(default_factory=list)
    header: bool = False
    cls: str = ""


class PageTables(HTMLParser):
    """Every table of the page by id, as rows of cells (header rows included), and every element id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[Cell]]] = {}
        self.ids: set[str] = set()
        self.table: list[list[Cell]] | None = None
        self.cell: Cell | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "table":
            self.table = self.tables.setdefault(str(a.get("id")), [])
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = Cell(header=tag == "th", cls=a.get("class") or "")
            self.table[-1].append(self.cell)
        elif tag == "a" and self.cell is not None:
            self.cell.hrefs.append(str(a["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self.cell = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.text = (self.cell.text + " " + data.strip()).strip() if data.strip() else self.cell.text


def body(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Rows after the header rows."""
    return [r for r in rows if not all(c.header for c in r)]


def first_column(rows: list[list[Cell]]) -> list[str]:
    return [r[0].text for r in body(rows)]


def query(href: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(href)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query, strict_parsing=True).items()}


def games() -> list[str]:
    return ["connect_four", "matrix_rps", "tic_tac_toe"]


def re_hrefs(text: str) -> list[str]:
    """Every href of the page, HTML-unescaped (as the browser reads it)."""
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', text)]


def test_every_part_of_the_page_is_there(report):
    sections = {"standings", "by-game", "pairwise", "rule-breaking", "games", "provenance",
                *(f"game-{g}" for g in games())}
    tables = {"leaderboard", "leaderboard-details", "players-by-game-1", "pairwise-all", "rule-breaking-table",
              "illegal-examples", "game-length", "first-mover", "provenance-facts", "provenance-models",
              *(f"leaderboard-{g}" for g in games()), *(f"pairwise-{g}" for g in games())}
    assert sections <= report.ids and tables <= set(report.tables)
    nav = {h[1:] for h in re_hrefs(report.text) if h.startswith("#")}
    assert sections <= nav  # the contents line links every section


def test_players_are_in_the_pooled_order_in_every_table_and_heatmap(report):
    order = report.order
    assert set(order) == PLAYERS
    pooled = pd.read_csv(report.page.parent / "leaderboard.csv")
    pooled = pooled[pooled["scope"] == "all"].sort_values(["rating", "player"], ascending=[False, True])
    assert order == pooled["player"].tolist()
    assert [r[1].text for r in body(report.tables["leaderboard"])] == order
    assert first_column(report.tables["leaderboard-details"]) == order
    assert first_column(report.tables["players-by-game-1"]) == order
    for name, rows in report.tables.items():
        if name.startswith("pairwise-"):
            shown = first_column(rows)
            assert shown == [p for p in order if p in shown], name
            assert [c.text for c in rows[0][1:]] == shown, name  # columns in the same order as rows
        if name.startswith("leaderboard-"):
            shown = [r[0].text if name.endswith("-details") else r[1].text for r in body(rows)]
            assert shown == [p for p in order if p in shown], name
    capable = first_column(report.tables["rule-breaking-table"])
    assert list(dict.fromkeys(capable)) == [p for p in order if p in MODELS]


def test_pairwise_cells_open_the_episodes_of_their_pairing(report):
    pairs = pd.read_csv(report.page.parent / "pairwise.csv")
    for name, rows in report.tables.items():
        if not name.startswith("pairwise-"):
            continue
        scope = name.removeprefix("pairwise-")
        columns = [c.text for c in rows[0][1:]]
        checked = 0
        for row in body(rows):
            for opponent, cell in zip(columns, row[1:], strict=True):
                if not cell.hrefs:
                    assert row[0].text == opponent or not cell.text
                    continue
                path, q = query(cell.hrefs[0])
                assert path == "replays/index.html" and q.pop("player") == row[0].text and q.pop("opponent") == opponent
                assert q == ({} if scope == "all" else {"game": scope})
                one = pairs[(pairs.scope == scope) & (pairs.player == row[0].text) & (pairs.opponent == opponent)]
                assert cell.text == f"{one.win_rate.iloc[0]:.0%} {one.games.iloc[0]}"
                checked += 1
        assert checked == len(columns) * (len(columns) - 1), name  # a round robin: everyone met everyone


def test_leaderboard_rows_link_each_outcome_of_their_player(report):
    board = pd.read_csv(report.page.parent / "leaderboard.csv")
    for name in ["leaderboard", *(f"leaderboard-{g}" for g in games())]:
        scope = "all" if name == "leaderboard" else name.removeprefix("leaderboard-")
        header = [c.text for c in report.tables[name][0]]
        for row in body(report.tables[name]):
            player = row[1].text
            counts = board[(board.scope == scope) & (board.player == player)].iloc[0]
            expected = {"win": counts.wins, "draw": counts.draws, "loss": counts.losses, "forfeit": counts.forfeits,
                        "error": counts.errors + counts.skipped}
            linked = {}
            for cell in row:
                for href in cell.hrefs:
                    path, q = query(href)
                    assert path == "replays/index.html" and q.pop("player") == player
                    assert q.pop("game", None) == (None if scope == "all" else scope)
                    if "outcome" in q:
                        linked[q.pop("outcome")] = cell
                    assert not q
            assert set(linked) == {k for k, n in expected.items() if n}  # a zero count links nowhere
            assert row[header.index("W-D-L")].text.replace(" ", "") == \
                f"{counts.wins}-{counts.draws}-{counts.losses}"
            if counts.forfeits:
                assert linked["forfeit"].text == str(counts.forfeits)


def test_rule_breaking_lists_only_players_that_can_break_rules(report):
    rows = body(report.tables["rule-breaking-table"])
    assert {r[0].text for r in rows} == MODELS  # never random or mcts_4
    board = pd.read_csv(report.page.parent / "leaderboard.csv").set_index(["scope", "player"])
    for r in rows:
        scope = "all" if r[1].text == "all games" else r[1].text
        expected = board.loc[(scope, r[0].text)]
        assert r[3].text == f"{expected.illegal_per_100:.2f}"
        assert r[4].text == f"{expected.illegal_ci_low:.2f}–{expected.illegal_ci_high:.2f}"
        assert r[5].text == f"{expected.forfeits_per_100:.2f}"
    hostile = [r for r in rows if r[0].text == HOSTILE and r[1].text == "all games"][0]
    assert float(hostile[3].text) > 0 and int(hostile[7].text) > 0  # it answered illegally and forfeited


def test_game_length_and_endings_match_the_episodes(report):
    e = load(report.root, moves=False).episodes
    rows = {r[0].text: r for r in body(report.tables["game-length"])}
    assert set(rows) == set(games())
    for key, row in rows.items():
        done = e[(e.game_key == key) & e.status.isin(["ok", "truncated", "forfeit"])]
        moves = done.num_moves
        assert [c.text for c in row[1:7]] == [
            str(len(done)), f"{moves.mean():.1f}", f"{moves.median():.1f}", f"{moves.min()}–{moves.max()}",
            f"{100 * (done.status == 'truncated').mean():.1f}%", f"{100 * (done.status == 'forfeit').mean():.1f}%"]
    assert rows["connect_four"][5].text != "0.0%"  # cut at 10 moves: some episodes were truncated
    assert float(rows["connect_four"][4].text.split("–")[1]) <= 10


def test_first_mover_rows_per_game(report):
    seats = load(report.root, moves=False).seats
    rows = {r[0].text: r for r in body(report.tables["first-mover"])}
    assert set(rows) == {*games(), "all games"}
    assert rows["matrix_rps"][2].text == "simultaneous first move" and rows["matrix_rps"][4].text == ""
    for key in ["tic_tac_toe", "connect_four"]:
        first = seats[(seats.game_key == key) & (seats.first_mover == True) & seats.outcome.notna()]  # noqa: E712
        score = ((first.outcome == "win").sum() + 0.5 * (first.outcome == "draw").sum()) / len(first)
        assert rows[key][1].text == str(len(first)) and rows[key][3].text == f"{score:.3f}"
        assert rows[key][4].text[0] in "+-" and " to " in rows[key][5].text  # the fitted seat term and its interval


def test_provenance_shows_versions_seed_and_settings_and_no_secret(report):
    facts = {r[0].text: r[1].text for r in report.tables["provenance-facts"]}
    assert facts["seed"] == "7" and facts["tournament"] == "overview_demo"
    assert f"board-game-arena {metadata.version('board-game-arena')}" in facts["versions"]
    assert "python " in facts["versions"] and facts["prompt version"].startswith("v1")
    assert "finished" in facts["ran"] and facts["host"]
    models = {r[0].text: r for r in body(report.tables["provenance-models"])}
    assert set(models) == MODELS and models[HOSTILE][1].text == "simulated_hostile"
    assert models[HOSTILE][2].text == "0.3"  # temperature
    assert SECRET_ENV not in report.text and SECRET_CONFIG not in report.text
    assert "&lt;redacted&gt;" in report.text or "<redacted>" in report.text
    assert "<details><summary>Resolved tournament config" in report.text


def test_illegal_examples_open_the_move_they_show(report):
    moves = load(report.root).moves
    rows = body(report.tables["illegal-examples"])
    per_player = pd.Series([r[0].text for r in rows]).value_counts().to_dict()
    assert per_player == {HOSTILE: 3, "simulated_cheap": 3}
    for r in rows:
        path, q = query(r[2].hrefs[0])
        assert path == "replays/episode.html" and set(q) == {"id", "move"}
        made = moves[(moves.episode_id == q["id"]) & (moves.move_number == int(q["move"])) & (moves.player == r[0].text)]
        bad = made[~made.legal.astype(bool)]
        assert not bad.empty and r[1].text == bad.game_key.iloc[0]
        assert r[3].text.replace("…", "") in " ".join(bad.raw_response.str.split().iloc[0])
        assert len(r[3].text) <= 201 and r[4].text in set(bad.error)
    assert "<img src=x" not in report.text and "&lt;img src=x" in report.text


def test_a_hostile_player_name_is_escaped_and_its_links_carry_it_whole(report):
    assert HOSTILE not in report.text and "<script" not in report.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;co&#x27;" in report.text
    hrefs = [h for h in re_hrefs(report.text) if "player=" in h]
    theirs = [query(h)[1] for h in hrefs if query(h)[1].get("player") == HOSTILE]
    assert theirs and all(q.get("opponent") != "" for q in theirs)
    assert all(" " not in h and '"' not in h and "<" not in h for h in hrefs)  # encoded, then escaped


def test_the_page_fits_a_1400px_window_with_every_details_open(report, page):
    page.goto(report.page.as_uri())
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORT["width"], f"the overview is {width}px wide"
    assert_no_console_errors(page)
