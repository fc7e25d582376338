"""The report as a reader sees it, in headless Chromium: the overview page and the replay viewer load without errors,
fit the screen, and show and step through what was played."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from arena.report.command import report_command
from arena.results import load

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: no package to import from
from browser import VIEWPORT, assert_no_console_errors, screenshot  # noqa: E402

PLAYERS = {"random", "mcts_8", "simulated_cheap"}
EPISODE_LINKS = "table a[href*='episode.html?id=']"
SHOWN = "document.body.innerHTML"  # what a reader sees: the text and the board's drawing
NO_VIEWER = "the report has no replay viewer (replays/index.html) yet"


@pytest.fixture(scope="module")
def report(results_dir, tmp_path_factory) -> Path:
    """One report of the shared results folder for every page test here; 20 rounds keep the intervals cheap."""
    out = tmp_path_factory.mktemp("browser") / "report"
    assert report_command(str(results_dir), out=str(out), rounds=20) == 0
    return out


@pytest.fixture(scope="module")
def quality_report(results_dir, tmp_path_factory) -> Path:
    """A report of a copy of the folder with its move-quality table (evaluated without Ray, as each task does)."""
    from arena.quality.evaluate import evaluate_plays
    from arena.quality.pending import pending_plays
    from arena.quality.settings import QualitySettings
    from arena.quality.store import write_part

    root = tmp_path_factory.mktemp("quality") / "results"
    shutil.copytree(results_dir, root)
    pending = pending_plays(root, QualitySettings())
    write_part(root, evaluate_plays(root, pending.plays, pending.kinds, QualitySettings()).table)
    assert report_command(str(root), out=str(root / "report"), rounds=20, replays=0) == 0
    return root / "report"


@pytest.fixture
def replays(report) -> Path:
    index = report / "replays" / "index.html"
    if not index.exists():
        pytest.skip(NO_VIEWER)
    return index


def test_overview_loads_fits_the_screen_and_lists_every_player(page, report):
    page.goto((report / "report.html").as_uri())
    assert_no_console_errors(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORT["width"], f"the overview is {width}px wide: it scrolls sideways in a 1400px window"
    tables = [t.inner_text() for t in page.locator("table").all()]
    assert any(all(p in t for p in PLAYERS) for t in tables), "no table lists every player (the leaderboard)"
    assert screenshot(page, "overview.png").stat().st_size > 0


def test_move_quality_tables_load_and_fit_the_screen(page, quality_report):
    page.goto((quality_report / "report.html").as_uri())
    assert_no_console_errors(page)
    tables = page.locator("#quality table")
    assert tables.count() == 2, "expected one move-quality table per judged game (tic_tac_toe, kuhn_poker)"
    assert all(p in tables.first.inner_text() for p in PLAYERS)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORT["width"], f"the page is {width}px wide with its move-quality section"


def test_replay_index_lists_the_played_episodes(replays, page, results_dir):
    page.goto(replays.as_uri())
    assert_no_console_errors(page)
    hrefs = [a.get_attribute("href") or "" for a in page.locator(EPISODE_LINKS).all()]
    listed = {parse_qs(urlsplit(href).query)["id"][0] for href in hrefs}
    assert listed, "the episode browser lists no episodes"
    assert listed <= set(load(str(results_dir)).episodes["episode_id"]), "it lists episodes that were not played"


def test_replay_opens_from_the_index_and_steps_with_the_arrow_key(replays, page):
    page.goto(replays.as_uri())
    page.locator(EPISODE_LINKS).first.click()
    page.wait_for_url("**/episode.html?id=*")
    page.wait_for_load_state("networkidle")  # the episode's data comes by a <script> tag added after load
    before = page.evaluate(SHOWN)
    page.keyboard.press("ArrowRight")
    assert _changes(page, before), "ArrowRight did not change the shown move"
    assert_no_console_errors(page)
    screenshot(page, "replay.png")


def test_the_harness_reports_console_errors_uncaught_exceptions_and_missing_files(page, tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text('<script>console.error("logged")</script><script src="missing.js"></script>'
                      '<script>undefinedFunction()</script>')
    page.goto(broken.as_uri())
    with pytest.raises(AssertionError) as failure:
        assert_no_console_errors(page)
    for problem in ["console error: logged", f"request failed: {(tmp_path / 'missing.js').as_uri()}",
                    "uncaught exception: ReferenceError"]:
        assert problem in str(failure.value)


def _changes(page, before: str) -> bool:
    """Whether what the page shows differs from `before` within a second (the viewer redraws on the key press)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"before => {SHOWN} !== before", arg=before, timeout=1000)
    except PlaywrightTimeout:
        return False
    return True


def test_links_of_the_overview_open_exactly_their_episodes(replays, page, report, results_dir):
    """From report.html a click on a count, a pairwise cell or an example illegal answer opens those episodes only."""
    r = load(str(results_dir))
    seats = r.seats
    cheap = seats[seats["player"] == "simulated_cheap"]
    pairs = seats.merge(seats[["episode_id", "player"]], on="episode_id", suffixes=("", "_other"))
    cases = {
        "a[href='replays/index.html?player=simulated_cheap&outcome=forfeit']": set(cheap.loc[cheap["forfeit"],
                                                                                             "episode_id"]),
        "a[href='replays/index.html?player=simulated_cheap&outcome=win']": set(cheap.loc[cheap["outcome"] == "win",
                                                                                         "episode_id"]),
        "a[href='replays/index.html?player=random&opponent=mcts_8']": set(pairs.loc[
            (pairs["player"] == "random") & (pairs["player_other"] == "mcts_8"), "episode_id"]),
    }
    for selector, expected in cases.items():
        page.goto((report / "report.html").as_uri())
        assert expected, selector
        page.locator(selector).first.click()
        page.wait_for_url("**/replays/index.html?*")
        if page.locator("#more").is_visible():
            page.locator("#more").click()
        hrefs = [a.get_attribute("href") or "" for a in page.locator(EPISODE_LINKS).all()]
        assert {parse_qs(urlsplit(h).query)["id"][0] for h in hrefs} == expected, selector
        assert_no_console_errors(page)
    page.goto((report / "report.html").as_uri())
    example = page.locator("a[href^='replays/episode.html?id='][href*='&move=']").first
    query = parse_qs(urlsplit(example.get_attribute("href") or "").query)
    example.click()
    page.wait_for_load_state("networkidle")
    moves = r.moves
    illegal = moves[(moves["episode_id"] == query["id"][0]) & (moves["move_number"] == int(query["move"][0]))]
    assert not illegal["legal"].all(), "the example's link does not lead to an illegal answer"
    shown = int(query["move"][0]) + 1  # the page counts moves from 1, move_number from 0
    assert f"Move {shown}:" in page.locator("body").inner_text() and "illegal" in page.locator("body").inner_text()
    assert_no_console_errors(page)
