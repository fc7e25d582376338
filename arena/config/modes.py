"""What ``mode`` does to Board Game Arena (BGA) agents: it sets the seats' player types.

BGA never read ``mode``: its docs still compare backends with ``--override mode=llm_vs_llm
agents.player_1.model=...`` on an example whose player 1 is random. Here mode means what it says.
Modes: ``<type>_vs_<type>[_vs_...]`` (one type per seat: random, mcts, human, llm), ``multi_agent``
(every seat llm) and ``manual`` (one seat human, player_0 unless the file seats the person elsewhere;
the other seats as the file says, random where it says nothing). The command line wins over the file:

==========================================  ====================================================
situation                                   result
==========================================  ====================================================
file: mode, and a seat without type         the seat takes the type the mode leaves for it
file: mode and types disagree, nothing      error: "mode: 'llm_vs_llm' does not match the player
on the command line                         types [...] in agents; make them agree, e.g. ..."
--override mode=M                           M's types; seats keep their file type where M allows,
                                            the others change (an llm gets llm_backend.default_model)
--override agents.player_n.model=X while    seat n plays as llm with X; with a command-line mode
the mode has an llm seat                    the other seats make room, else the mode is renamed
--override agents.player_n.type=T           seat n plays as T; a file mode that no longer fits is
                                            renamed after the types (llm_vs_random -> llm_vs_llm)
--override agents.player_n.model=X while    error naming agents.player_n.model: the mode has no
the mode has no llm seat                    llm seat for it
--override mode=M and agents.player_n.type  error naming both: the command line contradicts itself
(or .model) that M has no seat for
a seat made llm with no model and no        error: set agents.player_n.model or
llm_backend.default_model                   llm_backend.default_model
==========================================  ====================================================

Whenever a seat plays as another type than the file sets, or the mode is renamed, the loader adds one
notice line saying so, e.g. "mode llm_vs_llm: agents.player_1 plays as llm (vllm_tiny), not random",
which the command line prints once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from arena.config.errors import ConfigError
from arena.config.models import MODE_TYPES, HumanPlayer, LLMPlayer, MCTSPlayer, RandomPlayer, mode_sides

_PlayerClass = type[RandomPlayer] | type[MCTSPlayer] | type[HumanPlayer] | type[LLMPlayer]
PLAYER_CLASSES: dict[Any, _PlayerClass] = {"random": RandomPlayer, "mcts": MCTSPlayer, "human": HumanPlayer,
                                           "llm": LLMPlayer}
EXAMPLE_MODEL = "litellm_groq/llama3-8b-8192"


def _on_command_line(typed: Collection[str], key: str) -> bool:
    """Whether an override set `key` itself or a mapping above it (agents.player_1={...})."""
    return any(key == k or key.startswith(k + ".") for k in typed)


@dataclass
class Moded:
    """What the mode did to the seats; `finish` checks their models and words the notice."""

    mode: str
    keys: list[str]  # agents.player_<n> of each seat
    renamed_from: str | None  # the file's mode, when the command line's seats renamed it
    made_llm: list[int]  # seats the mode (not a typed type) made llm players
    changed: list[tuple[int, str, str | None]]  # seat, the file's type and model, for the notice

    def finish(self, players: list[Any], defaults: set[int]) -> list[str]:
        """Raise for a seat made llm with no model; the notice line, if the seats differ from the file.
        `defaults`: the seats whose model is llm_backend.default_model."""
        for i in self.made_llm:
            p = players[i]
            if isinstance(p, dict) and "model" not in p:
                key = self.keys[i]
                seat = key.split(".")[1]
                raise ConfigError(f"{key}.model: mode {self.mode} makes {seat} an llm player, which needs a model; "
                                  f"set {key}.model (e.g. --override {key}.model={EXAMPLE_MODEL}) "
                                  "or llm_backend.default_model", path=f"{key}.model")
        parts = []
        for i, was, was_model in self.changed:
            p, key = players[i], self.keys[i]
            now = p["type"]
            if now == "llm" and p.get("model"):
                now += f" ({p['model']}{', llm_backend.default_model' if i in defaults else ''})"
            parts.append(f"{key} plays as {now}, not {was}{f' ({was_model})' if was == 'llm' and was_model else ''}")
        head = (f"mode {self.mode}, not {self.renamed_from} as in the file" if self.renamed_from
                else f"mode {self.mode}")
        return [f"{head}: {'; '.join(parts)}"] if parts else []


def apply_mode(out: dict[str, Any], keys: list[str], typed: Collection[str], file: dict[str, Any]) -> Moded | None:
    """Set the types of `out["players"]` (BGA agents, `keys` naming each seat) from `out["mode"]`; None when
    there is no mode to apply. `typed`: the keys given on the command line; `file`: the config before them."""
    mode, players = out.get("mode"), out["players"]
    if not isinstance(mode, str) or not all(p is None or isinstance(p, dict) for p in players):
        return None
    if any(p is not None and p.get("type") not in (None, *MODE_TYPES) for p in players):
        return None  # validation names the unknown type
    n = len(players)
    try:
        sides = mode_sides(mode, n)
    except ValueError:
        return None  # validation names the unknown mode
    if len(sides) != n:
        raise ConfigError(f"mode: '{mode}' names {len(sides)} players, but agents has {n} seats; "
                          "name one type per seat, or use multi_agent", path="mode")
    entries = [p if p is not None else {} for p in players]
    out["players"] = entries
    file_agents = file.get("agents")
    file_seats = file_agents if isinstance(file_agents, dict) else {}
    before: list[dict[str, Any]] = [b if isinstance(b := file_seats.get(k.split(".")[1]), dict) else {} for k in keys]
    typed_type = [_on_command_line(typed, f"{k}.type") and e.get("type") is not None for k, e in zip(keys, entries, strict=True)]
    typed_model = [_on_command_line(typed, f"{k}.model") and e.get("model") is not None and not t
                   for k, e, t in zip(keys, entries, typed_type, strict=True)]
    llm_seat = "llm" in sides or None in sides
    for i, key in enumerate(keys):
        if typed_model[i] and not llm_seat:
            raise ConfigError(f"{key}.model: mode {mode} has no llm seat, so {key.split('.')[1]} would ignore its model; "
                              f"drop the model, or choose a mode with an llm seat (e.g. --override mode=llm_vs_random)",
                              path=f"{key}.model")
    hard: list[str | None] = [e["type"] if t else "llm" if m else None
                              for e, t, m in zip(entries, typed_type, typed_model, strict=True)]
    # A seat with a model and no type in the file is an llm player the file forgot to call one.
    soft: list[str | None] = [None if h is not None else e.get("type") or ("llm" if e.get("model") is not None else None)
                              for e, h in zip(entries, hard, strict=True)]
    renamed_from = None
    if _on_command_line(typed, "mode"):
        types = _assign(sides, hard, soft)
        if types is None:
            raise _contradiction(mode, hard, soft, keys, entries, typed_type)
    else:
        fixed = [h if h is not None else s for h, s in zip(hard, soft, strict=True)]
        types = _assign(sides, fixed, [None] * n)
        if types is None:
            known = [t for t in fixed if t is not None]
            if not any(h is not None for h in hard):
                hint = f", e.g. mode: {'_vs_'.join(known)}" if len(known) == n else ""
                raise ConfigError(f"mode: '{mode}' does not match the player types {[t or 'unset' for t in fixed]} "
                                  f"in agents; make them agree{hint}", path="mode")
            if len(known) < n:  # seats left to a mode that the command line's seats no longer fit
                raise _contradiction(mode, hard, soft, keys, entries, typed_type)
            types = known
            renamed_from, mode = mode, "_vs_".join(types)
            out["mode"] = mode
    changed, made_llm = [], []
    for i, (e, t) in enumerate(zip(entries, types, strict=True)):
        if e.get("type") != t:
            fields = PLAYER_CLASSES[t].model_fields
            for k in [k for k in e if k not in fields]:
                del e[k]  # settings of the type the seat no longer has
            e["type"] = t
        if t == "llm" and not typed_type[i] and before[i].get("type") != "llm":
            made_llm.append(i)
        was = before[i].get("type")
        if was is not None and was != t and (not typed_type[i] or renamed_from):
            changed.append((i, was, before[i].get("model")))
    return Moded(mode, keys, renamed_from, made_llm, changed)


def _assign(sides: list[str | None], hard: list[str | None], soft: list[str | None]) -> list[str] | None:
    """A type per seat: each `hard` one as given (None when that cannot be), each `soft` one where a side
    is left for it, the rest from the free sides, a seat's own side first (a None side: random)."""
    n = len(sides)
    free = [True] * n
    out: list[str | None] = [None] * n

    def take(i: int, want: str, exact: bool, own_only: bool = False) -> bool:
        js = [j for j in range(n) if free[j] and (sides[j] == want if exact else sides[j] is None)
              and (j == i or not own_only)]
        if js:
            free[i if i in js else js[0]], out[i] = False, want
        return bool(js)

    for exact in (True, False):
        for i, h in enumerate(hard):
            if h is not None and out[i] is None:
                take(i, h, exact)
    if any(h is not None and out[i] is None for i, h in enumerate(hard)):
        return None
    # A seat whose type is the mode's own side at that seat goes first, so llm_vs_random over two
    # random seats changes player_0, as the mode's name reads; an open side is taken at its own seat
    # first, so manual over llm_vs_random seats the person at player_0 and keeps the random seat.
    kept = sorted((i for i, s in enumerate(soft) if s is not None), key=lambda i: soft[i] != sides[i])
    for exact, own_only in ((True, False), (False, True), (False, False)):
        for i in kept:
            if out[i] is None and (want := soft[i]) is not None:
                take(i, want, exact, own_only)
    for i in range(n):
        if out[i] is None:
            j = i if free[i] else free.index(True)
            free[j], out[i] = False, sides[j] or soft[i] or "random"
    return [t for t in out if t is not None]


def _contradiction(mode: str, hard: list[str | None], soft: list[str | None], keys: list[str],
                   entries: list[dict[str, Any]], typed_type: list[bool]) -> ConfigError:
    """The mode and the seats the command line sets cannot both hold: name both."""
    types = [h or s or "unset" for h, s in zip(hard, soft, strict=True)]
    pairs = [f"{k}.type={e['type']}" if t else f"{k}.model={e['model']}"
             for k, e, h, t in zip(keys, entries, hard, typed_type, strict=True) if h is not None]
    return ConfigError(f"mode: '{mode}' does not match the player types {types} that the command line sets "
                       f"({', '.join(pairs)}); "
                       "change one of them so they agree", path="mode")
