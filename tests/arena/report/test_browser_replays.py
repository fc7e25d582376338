"""The replay viewer in headless Chromium, on a report of a real (in-process) results folder: the episode browser
filters and pages, a replay steps with the keys, the buttons and the move list, shows every attempt, both seats of a
simultaneous move, and no model's answer runs as script."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from arena.report.command import report_command
from arena.report.replays import data_path, write_replays
from arena.results import load

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: no package to import from
from browser import VIEWPORT, assert_no_console_errors, screenshot  # noqa: E402
from replay_folders import BREAKOUT, play  # noqa: E402

LLM = "simulated_awkward"


@pytest.fixture(scope="session")
def played(tmp_path_factory) -> Path:
    """Session-scoped so the games (asyncio) are played before this module's browser opens."""
    return play(tmp_path_factory.mktemp("viewer") / "replays", ["chess", "prisoners_dilemma", "tic_tac_toe"], 40,
                fail_every=97, max_moves=30)


@pytest.fixture(scope="session")
def undrawn(tmp_path_factory) -> Path:
    """Oware, a game boards.js has no drawing for: its replays show the state text."""
    return play(tmp_path_factory.mktemp("undrawn") / "replays", ["oware"], 2, max_moves=6)


# Every test asks for the played folders, so that they are played before the browser opens (see browser.py).
pytestmark = pytest.mark.usefixtures("played", "undrawn")


@pytest.fixture(scope="module")
def report(played, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("viewer-report") / "report"
    assert report_command(str(played), out=str(out), rounds=0) == 0
    return out


@pytest.fixture(scope="module")
def results(played):
    return load(played)


def open_replays(page, report: Path, query: str = "", name: str = "index.html") -> None:
    page.goto((report / "replays" / name).as_uri() + query)
    page.wait_for_load_state("networkidle")  # an episode's data comes by a <script> tag added after load


def step_text(page) -> str:
    return page.locator("#where").inner_text()


def test_the_browser_pages_through_every_episode(page, report, results):
    open_replays(page, report)
    total = len(results.episodes)
    assert total > 100
    assert page.locator("#count").inner_text().startswith(f"{total} of {total} episodes")
    assert page.locator("#episodes tbody tr").count() == 100
    page.locator("#more").click()
    assert page.locator("#episodes tbody tr").count() == total and page.locator("#more").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    assert page.title() == "Episodes: replays"
    assert_no_console_errors(page)
    screenshot(page, "replays-index.png", full_page=False)


def test_the_browser_filters_as_the_address_and_the_controls_say(page, report, results):
    seats = results.seats
    forfeits = seats[(seats["player"] == LLM) & seats["forfeit"]]
    open_replays(page, report, f"?player={LLM}&outcome=forfeit")
    assert page.locator("#count").inner_text().startswith(f"{len(forfeits)} of ")
    assert page.locator("select[name=player]").input_value() == LLM
    shown = page.locator("#episodes tbody a").evaluate_all("links => links.map(a => a.href.split('id=')[1])")
    assert set(shown) == set(forfeits["episode_id"].iloc[:100])

    page.select_option("select[name=game]", "chess")
    chess = forfeits[forfeits["game_key"] == "chess"]
    assert page.locator("#count").inner_text().startswith(f"{len(chess)} of ")
    assert "game=chess" in page.evaluate("location.search")

    open_replays(page, report, "?player=random&illegal=1")  # scripted players never answer illegally
    assert page.locator("#count").inner_text().startswith("0 of ")
    wins = seats[(seats["player"] == "random") & (seats["outcome"] == "win")]
    open_replays(page, report, f"?player=random&opponent={LLM}&outcome=win&game=tic_tac_toe")
    expected = wins[wins["game_key"] == "tic_tac_toe"]
    assert page.locator("#count").inner_text().startswith(f"{len(expected)} of ")
    assert_no_console_errors(page)


def test_a_replay_steps_with_keys_buttons_and_the_move_list(page, report, results):
    episodes = results.episodes
    chess = episodes[(episodes["game"] == "chess") & (episodes["status"] == "forfeit") & (episodes["num_moves"] > 8)].iloc[0]
    steps = results.moves[results.moves["play_id"] == chess.play_id]["move_number"].nunique() + 1
    open_replays(page, report, f"?id={chess.episode_id}&move=3", "episode.html")
    assert step_text(page).startswith(f"Step 4 of {steps}")
    assert page.locator("#board svg").count() == 1
    assert page.title().startswith("Replay: chess: ")
    back = page.locator("#back").get_attribute("href")
    assert "game=chess" in back and "player=" in back and "opponent=" in back

    page.keyboard.press("ArrowRight")
    assert step_text(page).startswith(f"Step 5 of {steps}")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert step_text(page).startswith(f"Step 3 of {steps}")
    page.keyboard.press("End")
    assert step_text(page).startswith(f"Step {steps} of {steps}")
    assert page.locator("#step-title").inner_text() == "Final position"
    page.keyboard.press("Home")
    assert step_text(page).startswith(f"Step 1 of {steps}") and page.locator("#prev").is_disabled()
    page.locator("#next").click()
    assert step_text(page).startswith(f"Step 2 of {steps}")
    page.locator("#moves a").nth(6).click()
    assert step_text(page).startswith(f"Step 7 of {steps}")
    assert "move=6" in page.evaluate("location.search")
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")  # the forfeit: every attempt illegal
    assert page.locator("#decision .attempt.illegal").count() == 2 and page.locator(".attempt.legal").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    assert_no_console_errors(page)
    screenshot(page, "replays-episode.png", full_page=False)


def test_every_attempt_is_shown_and_no_answer_runs_as_script(page, report, results):
    moves = results.moves
    bad = moves[moves["raw_response"] == BREAKOUT].iloc[0]
    decision = moves[(moves["play_id"] == bad.play_id) & (moves["move_number"] == bad.move_number)
                     & (moves["seat"] == bad.seat)]
    open_replays(page, report, f"?id={bad.episode_id}&move={bad.move_number}", "episode.html")
    panel = page.locator("#decision")
    assert panel.locator(".attempt").count() == len(decision)
    assert BREAKOUT in panel.locator("pre.answer").all_inner_texts()
    assert page.evaluate("window.pwned") is None
    assert bad.error in panel.inner_text() and "unparsable" in panel.inner_text()
    system = json.loads(bad.prompt)[0]["content"]
    prompt = panel.locator("details.prompt").first
    prompt.locator("summary").click()
    prompt.locator(".message-part").first.wait_for()  # the messages are built when the prompt is first opened
    assert system[:60] in prompt.inner_text()
    assert_no_console_errors(page)


def test_a_simultaneous_move_shows_both_seats(page, report, results):
    dilemma = results.episodes[(results.episodes["game"] == "prisoners_dilemma") & (results.episodes["status"] == "ok")]
    open_replays(page, report, f"?id={dilemma['episode_id'].iloc[0]}", "episode.html")
    decisions = page.locator("#decision .decision")
    assert decisions.count() == 2
    assert "Seat 0" in decisions.nth(0).inner_text() and "Seat 1" in decisions.nth(1).inner_text()
    assert "decide together" in page.locator("#step-title").inner_text()
    assert_no_console_errors(page)


def test_an_episode_without_a_replay_says_so(page, report):
    open_replays(page, report, "?id=0123456789abcdef01234567", "episode.html")
    message = page.locator("#message")
    assert message.is_visible() and "has no replay of episode 0123456789abcdef01234567" in message.inner_text()
    assert page.locator("#replay").is_hidden()


def test_the_viewer_draws_each_position_from_its_state_text(page, report, results):
    finished = results.episodes[(results.episodes["game"] == "chess") & (results.episodes["status"] != "error")]
    chess = finished.iloc[0]
    data = (report / "replays" / data_path(chess.episode_id)).read_text(encoding="utf-8")
    assert "<svg" not in data  # the data holds state texts; the page draws them
    open_replays(page, report, f"?id={chess.episode_id}&move=2", "episode.html")
    assert page.locator("#board svg").count() == 1 and page.locator("#board [data-piece]").count() > 20
    state = results.moves[(results.moves["play_id"] == chess.play_id) & (results.moves["move_number"] == 2)]["state"]
    page.locator("#state-box summary").click()
    assert page.locator("#state").inner_text() == state.iloc[0]  # the text drawn, a click away
    page.keyboard.press("End")  # the final position
    assert page.locator("#board svg").count() == 1
    assert_no_console_errors(page)


def test_a_game_without_a_drawing_shows_its_state_text(page, undrawn, tmp_path):
    results = load(undrawn)
    write_replays(undrawn, results.episodes, results.seats, tmp_path / "out", 10)
    episode = results.episodes.iloc[0]
    first = results.moves[results.moves["play_id"] == episode.play_id].sort_values("move_number")["state"].iloc[0]
    open_replays(page, tmp_path / "out", f"?id={episode.episode_id}", "episode.html")
    assert page.locator("#board svg").count() == 0
    assert page.locator("#board pre.state").inner_text() == first
    assert_no_console_errors(page)
