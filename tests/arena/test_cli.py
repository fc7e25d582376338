"""End to end: the real `arena` console script in subprocesses, on real embedded Ray.

Every Ray run starts its own embedded Ray: without --address or RAY_ADDRESS, `arena run`
never joins another process's Ray (whose exit would kill the run), which these tests
rely on while tests/cluster holds an embedded Ray of its own.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from arena.config.load import load_tournament
from arena.games import registry
from arena.results import load
from arena.schedule import count

ARENA_SCRIPT = Path(sys.executable).with_name("arena")
ARENA = [str(ARENA_SCRIPT)] if ARENA_SCRIPT.exists() else [sys.executable, "-m", "arena.cli"]

TAILORED = set(registry.TAILORED)
NO_RAY_S = 60  # a hang guard for commands that must not start Ray; that they don't is checked by `ray_tmpdir`
RAY_RUN_S = 240  # generous: the machine may be busy with other tests
ALL_CELLS = "a1 b1 c1 a2 b2 c2 a3 b3 c3".split()


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update(RAY_AUTH_MODE="disabled", COLUMNS="200", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def arena(*args: str, cwd: Path, stdin: str = "", timeout: float = RAY_RUN_S, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([*ARENA, *args], cwd=cwd, env=_env(**env), input=stdin, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture
def ray_tmpdir():
    """Makes fresh RAY_TMPDIRs that do not exist yet: Ray creates one (ray/session_*) as it starts, even when
    it then fails, so a command run with it that leaves no folder there never started Ray. Under /tmp: Ray's
    socket paths must fit in 107 bytes."""
    made: list[Path] = []

    def make() -> Path:
        made.append(Path(tempfile.mkdtemp(prefix="ray", dir="/tmp")))
        return made[-1] / "t"

    yield make
    for folder in made:
        shutil.rmtree(folder, ignore_errors=True)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    """Exit status 2 and exactly one stderr line `error: ...`; returns that line."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text))
    return path


def parts(root: Path, table: str) -> list[str]:
    return sorted(glob.glob(str(root / table / "part-*.parquet")))


def raw(root: Path, table: str) -> pd.DataFrame:
    return pq.read_table(parts(root, table)).to_pandas()


def check_parts_consistent(root: Path) -> None:
    """Every published part exists in all three tables, and no temporary file is left behind."""
    names = {t: {Path(p).name for p in parts(root, t)} for t in ("episodes", "seats", "moves")}
    assert names["episodes"], f"no episode parts under {root}"
    assert names["episodes"] == names["seats"] == names["moves"], names
    leftovers = [p for t in ("episodes", "seats", "moves") for p in (root / t).iterdir() if p.name.startswith(".")]
    assert not leftovers, leftovers


# ---------------------------------------------------------------- config errors

BGA = """\
    env_config:
      game_name: tic_tac_toe
    agents:
      player_0:
        type: random
      player_1:
        type: random
    num_episodes: 3
    seed: 1
    """

NATIVE_LLM = """\
    name: bad_model
    games:
      - name: tic_tac_toe
    players:
      - type: llm
        model: nosuch/thing
      - type: random
    """

# id -> (config text or None for a missing file, overrides, fragments the one error line must contain)
CONFIG_ERRORS = {
    "unknown_key": (BGA.replace("num_episodes: 3", "num_episode: 3"), [],
                    ["unknown key 'num_episode'", "did you mean 'num_episodes'"]),
    "wrong_type_override": (BGA, ["num_episodes=five"], ["num_episodes", "'five'", "integer"]),
    "unknown_game": (BGA, ["env_config.game_name=tic_tac_tow"],
                     ["env_config.game_name", "'tic_tac_tow'", "did you mean 'tic_tac_toe'"]),
    "unknown_agent_type": (BGA, ["agents.player_1.type=robot"], ["agents.player_1.type", "'robot'"]),
    "missing_file": (None, [], ["nosuch.yaml", "no such config file"]),
    "unknown_model_prefix": (NATIVE_LLM, [], ["players.0.model", "'nosuch/thing'", "simulated_"]),
    "bad_override_syntax": (BGA, ["seed"], ["'seed'", "KEY=VALUE"]),
}


@pytest.mark.parametrize("case", list(CONFIG_ERRORS))
def test_run_config_error_is_one_line_exit_2_and_writes_nothing(case, tmp_path, ray_tmpdir):
    text, overrides, fragments = CONFIG_ERRORS[case]
    config = tmp_path / "nosuch.yaml" if text is None else write(tmp_path / "t.yaml", text)
    out, ray_tmp = tmp_path / "out", ray_tmpdir()
    proc = arena("run", str(config), "--override", f"output_dir={out}", *overrides, cwd=tmp_path,
                 timeout=NO_RAY_S, RAY_TMPDIR=str(ray_tmp))
    line = one_error_line(proc)
    for fragment in fragments:
        assert fragment in line, line
    assert proc.stdout == ""
    assert not out.exists(), list(out.rglob("*"))
    assert not ray_tmp.exists(), "Ray was started for a config error"
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize("where", ["a_file", "read_only", "no_such_scheme"])
def test_a_bad_output_dir_is_one_line_exit_2_before_ray_starts(where, tmp_path, ray_tmpdir):
    config = write(tmp_path / "t.yaml", BGA)
    if where == "a_file":
        output_dir = tmp_path / "a_file"
        output_dir.write_text("not a folder")
    elif where == "read_only":
        if os.geteuid() == 0:
            pytest.skip("root writes through folder permissions; a file in the way is tested instead")
        output_dir = tmp_path / "locked"
        output_dir.mkdir(mode=0o500)
    else:
        output_dir = "nosuchfs://bucket/results"
    ray_tmp = ray_tmpdir()
    proc = arena("run", str(config), "--override", f"output_dir={output_dir}", "name=bad_out", cwd=tmp_path,
                 timeout=NO_RAY_S, RAY_TMPDIR=str(ray_tmp))
    line = one_error_line(proc)
    assert "output_dir" in line and not ray_tmp.exists()


def test_version_names_the_release_and_the_results_format(tmp_path):
    proc = arena("--version", cwd=tmp_path, timeout=NO_RAY_S)
    assert proc.returncode == 0 and proc.stdout.strip() == "arena 0.2.0 (results format 2)"


def test_unknown_model_in_bga_config_names_the_bga_key(tmp_path):
    config = write(tmp_path / "t.yaml", BGA)
    overrides = ["agents.player_0.type=llm", "agents.player_0.model=nosuch/thing", f"output_dir={tmp_path / 'out'}"]
    proc = arena("run", str(config), "--override", *overrides, cwd=tmp_path, timeout=60)
    line = one_error_line(proc)
    assert "'nosuch/thing'" in line
    assert "agents.player_0.model" in line, line


# ---------------------------------------------------------------- arena games

def _columns(line: str) -> list[str]:
    return [c.strip() for c in line.split("  ") if c.strip()]  # columns are two or more spaces apart


def test_games_lists_tailored_and_generic(tmp_path):
    started = time.monotonic()
    proc = arena("games", cwd=tmp_path, timeout=60, XDG_CACHE_HOME=str(tmp_path / "cache"))  # checks every game
    elapsed = time.monotonic() - started
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    header, *lines = proc.stdout.splitlines()
    assert _columns(header) == ["game", "players", "renderer", "parameters (name=default)"]
    rows = [_columns(line) for line in lines]
    kinds = {row[0]: row[2] for row in rows}
    assert len(kinds) == len(rows), "a game is listed twice"
    assert {name for name, kind in kinds.items() if kind == "tailored"} == TAILORED
    assert set(kinds.values()) == {"tailored", "generic"}
    assert {"checkers", "othello", "go"} <= set(kinds)
    assert [row[0] for row in rows[: len(TAILORED)]] == sorted(TAILORED), "tailored games come first"
    by_name = {row[0]: row for row in rows}
    assert by_name["hex"][1] == "2" and "board_size=11" in by_name["hex"][3]
    assert by_name["kuhn_poker"][1] == "2 (2-10)" and "players=2" in by_name["kuhn_poker"][3]
    assert not {"mfg_crowd_modelling", "add_noise", "crossword"} & set(kinds), "unplayable games are not listed"
    assert elapsed < 10, f"arena games took {elapsed:.1f} s"  # about a second; generous for a busy machine


def test_games_all_adds_the_unplayable_ones_with_the_reason(tmp_path):
    cache = str(tmp_path / "cache")
    proc = arena("games", "--all", cwd=tmp_path, timeout=60, XDG_CACHE_HOME=cache)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    playable, rest = proc.stdout.split("\n\n")
    assert playable == arena("games", cwd=tmp_path, timeout=60, XDG_CACHE_HOME=cache).stdout.rstrip("\n")
    header, *lines = rest.splitlines()
    assert _columns(header) == ["not playable as named", "why"]
    why = dict(_columns(line) for line in lines)
    assert "mean-field game" in why["mfg_crowd_modelling"]
    assert "needs parameter" in why["add_noise"]
    assert why.keys().isdisjoint(line.split()[0] for line in playable.splitlines())


# ---------------------------------------------------------------- arena run, then resume

ROUND_ROBIN = """\
    name: from_file
    games:
      - name: tic_tac_toe
    players:
      - type: random
      - type: mcts
        simulations: 5
    episodes_per_pairing: 2
    seed: 7
    """


def test_run_round_robin_then_rerun_skips_everything(tmp_path, ray_tmpdir):
    config = write(tmp_path / "rr.yaml", ROUND_ROBIN)
    out = tmp_path / "out"
    args = ["run", str(config), "--no-progress",
            "--override", "episodes_per_pairing=4", "seed=0",
            "--override", "name=cli_rr", f"output_dir={out}"]
    expected = count(load_tournament(str(config), ["episodes_per_pairing=4", "seed=0", "name=cli_rr"]))
    assert expected == 4  # one pair of players, 4 episodes per pairing, one game

    ray_tmp = ray_tmpdir()
    first = arena(*args, cwd=tmp_path, RAY_TMPDIR=str(ray_tmp))
    assert first.returncode == 0, first.stderr
    assert list(ray_tmp.glob("ray/session_*")), "a run that starts Ray leaves its session here"  # see ray_tmpdir
    assert "Leaderboard: cli_rr" in first.stdout
    assert "random" in first.stdout and "mcts_5" in first.stdout
    assert f"played {expected} episodes (0 errors)" in first.stderr
    assert "resumed" not in first.stderr

    root = out / "cli_rr"
    assert not (out / "from_file").exists() and not (tmp_path / "results").exists()
    check_parts_consistent(root)
    episodes = raw(root, "episodes")
    assert len(episodes) == episodes.episode_id.nunique() == expected
    assert set(episodes.status) == {"ok"}
    assert set(episodes.tournament) == {"cli_rr"}
    assert len(raw(root, "seats")) == 2 * expected
    manifest = json.loads((root / "manifest.json").read_text())
    assert manifest["status"] == "finished" and manifest["finished_at"]
    resolved = manifest["tournament"]
    assert resolved["seed"] == 0 and type(resolved["seed"]) is int
    assert resolved["episodes_per_pairing"] == 4 and resolved["name"] == "cli_rr"
    assert resolved["output_dir"] == str(out)
    assert manifest["counts"]["played"] == expected

    rerun_ray_tmp = ray_tmpdir()
    again = arena(*args, cwd=tmp_path, RAY_TMPDIR=str(rerun_ray_tmp))
    assert again.returncode == 0, again.stderr
    assert f"resumed: skipped {expected} episodes already in {root.relative_to(tmp_path)}" in again.stderr
    assert "played 0 episodes" in again.stderr and "Ray not started" in again.stderr
    assert not rerun_ray_tmp.exists(), "a rerun with nothing left to play started Ray"
    assert "Leaderboard: cli_rr" in again.stdout and "mcts_5" in again.stdout
    episodes = raw(root, "episodes")
    assert len(episodes) == episodes.episode_id.nunique() == expected
    assert len(load(root).episodes) == expected
    manifest = json.loads((root / "manifest.json").read_text())
    assert manifest["status"] == "finished" and manifest["runs"] == 2
    assert manifest["counts"]["skipped"] == expected and manifest["counts"]["played"] == 0

    # A changed player under the same name is refused before Ray starts; nothing in the folder is touched.
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*")}
    changed = write(tmp_path / "changed.yaml", ROUND_ROBIN.replace("simulations: 5", "simulations: 6"))
    ray_tmp = ray_tmpdir()
    refused = arena("run", str(changed), "--no-progress", "--override", "episodes_per_pairing=4", "seed=0",
                    "--override", "name=cli_rr", f"output_dir={out}", cwd=tmp_path, timeout=NO_RAY_S,
                    RAY_TMPDIR=str(ray_tmp))
    line = one_error_line(refused)
    assert not ray_tmp.exists(), "Ray was started for a refused definition"
    assert "another definition of tournament 'cli_rr'" in line and "players: added mcts_6" in line
    assert "new name" in line and "--extend" in line
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*")} == before

    # Adding a player on purpose: --extend plays only the new pairings and records the change.
    added = write(tmp_path / "added.yaml", ROUND_ROBIN.replace("      - type: random\n",
                                                               "      - type: random\n      - type: random\n"
                                                               "        name: random_2\n"))
    extended = arena("run", str(added), "--no-progress", "--extend", "--override", "episodes_per_pairing=4",
                     "seed=0", "--override", "name=cli_rr", f"output_dir={out}", cwd=tmp_path)
    assert extended.returncode == 0, extended.stderr
    assert "played 8 episodes" in extended.stderr and f"skipped {expected}" in extended.stderr
    history = json.loads((root / "manifest.json").read_text())["history"]
    assert [h["changes"] for h in history] == [["created"], ["players: added random_2"]]
    assert len(load(root).episodes) == 3 * expected

    # One seed, one tournament: the same definition under another name and folder plays the same games.
    elsewhere = arena("run", str(config), "--no-progress", "--override", "episodes_per_pairing=4", "seed=0",
                      "--override", "name=cli_rr_copy", f"output_dir={tmp_path / 'other'}", cwd=tmp_path)
    assert elsewhere.returncode == 0, elsewhere.stderr
    copy = load(tmp_path / "other" / "cli_rr_copy").moves.sort_values(["episode_id", "move_number"])
    original = load(root).moves
    original = original[original.episode_id.isin(copy.episode_id)].sort_values(["episode_id", "move_number"])
    assert list(copy.action) == list(original.action) and len(copy) > 0


# ---------------------------------------------------------------- Ctrl-C, then resume

SLOW_LLM = """\
    name: cli_int
    games:
      - name: tic_tac_toe
    players:
      - type: llm
        model: simulated_a
        backend_options: {latency_ms: 200}
      - type: random
    episodes_per_pairing: 160
    shard_size: 8
    episode_concurrency: 4
    """


@pytest.mark.parametrize("stop, twice", [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGINT, True)],
                         ids=["ctrl_c", "sigterm", "ctrl_c_twice"])
def test_ctrl_c_saves_finished_episodes_and_rerun_completes_without_duplicates(tmp_path, stop, twice):
    config = write(tmp_path / "slow.yaml", SLOW_LLM)
    out = tmp_path / "out"
    overrides = [f"output_dir={out}"]
    total = count(load_tournament(str(config), overrides))
    args = ["run", str(config), "--no-progress", "--override", *overrides]
    root = out / "cli_int"

    proc = subprocess.Popen([*ARENA, *args], cwd=tmp_path, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + RAY_RUN_S
        while not parts(root, "episodes"):
            assert proc.poll() is None, f"run ended before it could be interrupted: {proc.communicate()}"
            assert time.monotonic() < deadline, "no part file appeared"
            time.sleep(0.2)
        proc.send_signal(stop)
        sent = time.monotonic()
        if twice:  # an impatient second Ctrl-C while the run is saving what finished
            time.sleep(0.3)
            proc.send_signal(stop)
        stdout, stderr = proc.communicate(timeout=60)
        waited = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130, (proc.returncode, stderr)
    assert "Traceback" not in stderr, stderr
    assert waited < 30, f"took {waited:.1f} s to stop after Ctrl-C"
    assert "interrupted: finished episodes are saved; run the same command again to resume" in stderr
    assert "Leaderboard: cli_int (partial: interrupted after" in " ".join(stdout.split())  # the title says so

    manifest = json.loads((root / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["finished_at"]
    check_parts_consistent(root)
    saved = raw(root, "episodes")
    assert len(saved) == saved.episode_id.nunique()
    assert set(saved.status) == {"ok"}
    assert 0 < len(saved) < total, "the interrupt came too late to test resuming"
    assert manifest["counts"]["played"] == len(saved)
    assert f"played {len(saved)} episodes" in stderr

    rerun = arena(*args, cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert "partial" not in rerun.stdout
    assert f"resumed: skipped {len(saved)} episodes already in {root.relative_to(tmp_path)}" in rerun.stderr
    assert f"played {total - len(saved)} episodes (0 errors)" in rerun.stderr
    manifest = json.loads((root / "manifest.json").read_text())
    assert manifest["status"] == "finished" and manifest["runs"] == 2
    assert manifest["counts"] == {**manifest["counts"], "scheduled": total, "skipped": len(saved),
                                  "played": total - len(saved), "errors": 0}

    check_parts_consistent(root)
    episodes = raw(root, "episodes")
    assert not episodes.episode_id.duplicated().any()
    assert not episodes[episodes.status == "ok"].episode_id.duplicated().any()
    assert len(episodes) == total and set(episodes.status) == {"ok"}
    assert set(saved.episode_id) <= set(episodes.episode_id)
    seats = raw(root, "seats")
    per_play = seats.groupby("play_id").seat.apply(sorted)
    assert set(per_play.index) == set(episodes.play_id)
    assert all(s == [0, 1] for s in per_play), "every episode has exactly one row per seat"
    moves = raw(root, "moves")
    assert set(moves.play_id) == set(episodes.play_id)
    llm_moves = moves[moves.player == "simulated_a"]
    assert len(llm_moves) and llm_moves.legal.all()

    results = load(root)
    assert len(results.episodes) == results.episodes.episode_id.nunique() == total
    assert len(results.seats) == 2 * total


# ---------------------------------------------------------------- arena play

def test_play_piped_game_rejects_bad_entries_and_finishes(tmp_path):
    proc = arena("play", "tic_tac_toe", "--vs", "random", cwd=tmp_path, timeout=60,
                 stdin="zz\n" + "\n".join(ALL_CELLS) + "\n")
    assert proc.returncode == 0, proc.stderr
    assert "'zz' is not a legal move; type one of the moves listed above\nYour move: " in proc.stdout
    assert proc.stdout.count("You are X (player 0). It is your turn.") >= 3
    assert "You are X (player 0). Game over: " in proc.stdout  # the final board
    last = proc.stdout.strip().splitlines()[-1]
    assert last in ("You won.", "You lost.", "Draw."), last
    assert "Input closed" not in proc.stdout


@pytest.mark.parametrize("side, seat, moves_first", [
    (None, 1, True), ("white", 1, True), ("White", 1, True), ("black", 0, False), ("0", 0, False)])
def test_play_chess_side_by_name_and_by_default_the_side_that_moves_first(tmp_path, side, seat, moves_first):
    args = ["play", "chess", "--vs", "random"] + (["--side", side] if side else [])
    proc = arena(*args, cwd=tmp_path, timeout=60, stdin="")  # input closes at once: the person forfeits
    assert proc.returncode == 0, proc.stderr
    colour = "White" if seat == 1 else "Black"
    assert f"You play seat {seat} ({colour}){'; you move first' if moves_first else ''}." in proc.stdout


def test_play_override_without_a_config_is_refused_not_ignored(tmp_path):
    line = one_error_line(arena("play", "tic_tac_toe", "--override", "seed=1", cwd=tmp_path, timeout=NO_RAY_S))
    assert "--override" in line and "--config" in line


def test_play_help_names_the_sides_and_a_bad_side_is_one_line(tmp_path):
    helped = arena("play", "--help", cwd=tmp_path, timeout=NO_RAY_S)
    assert "the side that moves first" in " ".join(helped.stdout.split())
    assert "0 moves first" not in helped.stdout
    line = one_error_line(arena("play", "chess", "--side", "red", cwd=tmp_path, timeout=NO_RAY_S))
    assert "'red' is not a side of chess; choose one of 0 (black), 1 (white)" in line


def test_play_vs_mcts_with_options(tmp_path):
    proc = arena("play", "tic_tac_toe", "--vs", "mcts:simulations=10", cwd=tmp_path, timeout=60,
                 stdin="\n".join(ALL_CELLS) + "\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] in ("You won.", "You lost.", "Draw.")


@pytest.mark.parametrize("vs, fragment", [("nonsense", "unknown player 'nonsense'"),
                                          ("mcts:simulations=zero", "simulations"),
                                          ("nosuch_model", "nosuch_model"),
                                          ("mtcs", "did you mean 'mcts'?"),
                                          ("mcts:simulatons=5", "did you mean 'simulations'?")])
def test_play_bad_opponent_is_one_error_line(vs, fragment, tmp_path):
    proc = arena("play", "tic_tac_toe", "--vs", vs, cwd=tmp_path, timeout=60)
    line = one_error_line(proc)
    assert "--vs" in line and fragment in line, line
    assert proc.stdout == ""


@pytest.mark.parametrize("stdin", ["", "a1\n"])
def test_play_eof_forfeits(stdin, tmp_path):
    proc = arena("play", "tic_tac_toe", "--vs", "random", cwd=tmp_path, timeout=60, stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    assert "Input closed: forfeiting." in proc.stdout
    assert proc.stdout.rstrip().endswith("You lost (forfeit).")


def test_run_to_an_object_store_and_a_results_root(tmp_path):
    """output_dir as an s3:// URI (a local S3 over HTTP); ARENA_RESULTS_ROOT under a relative output_dir."""
    sys.path.insert(0, str(Path(__file__).parent / "results"))
    from s3_server import CREDENTIALS, s3_bucket

    config = write(tmp_path / "rr.yaml", ROUND_ROBIN)
    with s3_bucket() as uri:
        run = arena("run", str(config), "--no-progress", "--override", "name=to_s3", f"output_dir={uri}",
                    cwd=tmp_path, **CREDENTIALS)
        assert run.returncode == 0, run.stderr[-2000:]
        assert "results in s3://arena-results/results/to_s3" in run.stderr and "Leaderboard: to_s3" in run.stdout
        assert "endpoint_override" not in run.stdout + run.stderr
        r = load(f"s3://arena-results/results/to_s3?{uri.split('?')[1]}")
        assert len(r.episodes) == r.episodes.episode_id.nunique() > 0
    bad = arena("run", str(config), "--override", "output_dir=nosuchfs://bucket/x", cwd=tmp_path)
    assert "output_dir nosuchfs://bucket/x" in one_error_line(bad)
    rooted = arena("run", str(config), "--no-progress", "--override", "name=rooted", cwd=tmp_path,
                   ARENA_RESULTS_ROOT=str(tmp_path / "root"))
    assert rooted.returncode == 0 and (tmp_path / "root" / "results" / "rooted" / "manifest.json").exists()
