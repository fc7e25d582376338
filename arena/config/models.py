"""Pydantic models of a tournament. Every field has a description; unknown keys are errors."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from arena.config.files import shipped

PROMPT_VERSION = "v1"


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GameSpec(StrictModel):
    """One game of the tournament, with parameters passed through to OpenSpiel."""

    name: str = Field(description="Game name: one of the nine tailored games or any OpenSpiel-registered name.")
    params: dict[str, int | float | bool | str] = Field(
        default_factory=dict, description="OpenSpiel game parameters, e.g. {board_size: 7} for hex."
    )
    max_moves: int | None = Field(
        default=None, gt=0, description="Truncate the episode after this many decisions (status 'truncated')."
    )

    @property
    def key(self) -> str:
        """Stable text identity of the game and its parameters."""
        if not self.params:
            return self.name
        inner = ",".join(f"{k}={self.params[k]}" for k in sorted(self.params))
        return f"{self.name}({inner})"


class _PlayerBase(StrictModel):
    name: str | None = Field(
        default=None, description="Display name, unique within the tournament; derived from type and settings if omitted."
    )

    @property
    def display_name(self) -> str:
        return self.name or self.default_name()

    def default_name(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError


class RandomPlayer(_PlayerBase):
    """Uniformly random legal moves, from an rng seeded per episode."""

    type: Literal["random"] = Field(description="Player type.")

    def default_name(self) -> str:
        return "random"


class MCTSPlayer(_PlayerBase):
    """OpenSpiel's MCTS bot (information-set MCTS on imperfect-information games)."""

    type: Literal["mcts"] = Field(description="Player type.")
    simulations: int = Field(default=100, gt=0, description="MCTS simulations per move.")
    rollouts: int = Field(default=1, gt=0, description="Random rollouts per leaf evaluation.")
    uct_c: float = Field(default=2.0, gt=0, description="UCT exploration constant.")

    def default_name(self) -> str:
        return f"mcts_{self.simulations}"


class SolverPlayer(_PlayerBase):
    """Perfect play from an exact solution of the game (tic-tac-toe and other games small enough to solve).

    Among the optimal moves it picks with the seat's seeded rng: reproducible, and no fixed line to exploit.
    """

    type: Literal["solver"] = Field(description="Player type.")
    max_states: int = Field(
        default=1_000_000, gt=0,
        description="Largest number of distinct positions the solver may visit; a game with more is a config error.",
    )

    def default_name(self) -> str:
        return "solver"


class UCIPlayer(_PlayerBase):
    """A chess engine speaking UCI (Stockfish by default), one subprocess per seat per worker."""

    type: Literal["uci"] = Field(description="Player type.")
    engine: str = Field(default="stockfish", description="Engine command on PATH, or a path to the engine binary.")
    elo: int | None = Field(
        default=None, gt=0,
        description="Play at this strength through UCI_LimitStrength and UCI_Elo (Stockfish accepts 1320-3190); "
        "Stockfish weakens itself with a clock-seeded generator, so such games do not repeat exactly.",
    )
    skill: int | None = Field(
        default=None, ge=0, le=20,
        description="Stockfish 'Skill Level' 0-20 (20 is full strength); not reproducible, like elo.",
    )
    nodes: int | None = Field(
        default=None, gt=0, description="Search this many nodes per move; with one thread this makes games reproducible."
    )
    movetime_ms: int | None = Field(default=None, gt=0, description="Search this many milliseconds per move.")
    options: dict[str, int | bool | str] = Field(
        default_factory=dict, description="Further UCI options passed as given, e.g. {Hash: 16}."
    )

    @model_validator(mode="after")
    def _one_limit(self) -> UCIPlayer:
        if (self.nodes is None) == (self.movetime_ms is None):
            raise ValueError("uci player: give exactly one search limit, nodes (reproducible) or movetime_ms")
        return self

    def default_name(self) -> str:
        strength = f"elo{self.elo}" if self.elo else f"skill{self.skill}" if self.skill is not None else ""
        limit = f"n{self.nodes}" if self.nodes else f"t{self.movetime_ms}ms"
        return "_".join(x for x in (self.engine.rsplit("/", 1)[-1], strength, limit) if x)


class HumanPlayer(_PlayerBase):
    """A person at the terminal."""

    type: Literal["human"] = Field(description="Player type.")

    def default_name(self) -> str:
        return "human"


class LLMPlayer(_PlayerBase):
    """A language model reached through a backend (litellm_*, vllm_*, simulated_*)."""

    type: Literal["llm"] = Field(description="Player type.")
    model: str = Field(description="Model name with backend prefix, e.g. litellm_groq/llama3-8b-8192 or vllm_tiny.")
    temperature: float = Field(default=0.0, ge=0, description="Sampling temperature.")
    max_tokens: int = Field(default=512, gt=0, description="Maximum tokens in one answer.")
    top_p: float = Field(default=1.0, gt=0, le=1, description="Nucleus sampling mass.")
    prompt_version: str = Field(default=PROMPT_VERSION, description="Version of the prompt templates; stored with every row.")
    max_illegal_attempts: int = Field(
        default=3, ge=1, description="Attempts (first answer plus re-prompts) before the on_illegal policy applies."
    )
    on_illegal: Literal["forfeit", "random"] = Field(
        default="forfeit",
        description="After max_illegal_attempts bad answers: 'forfeit' ends the episode as a loss for this seat; "
        "'random' plays a random legal move, flagged as such in the moves table.",
    )
    constrain_moves: bool = Field(
        default=False, description="Ask backends that support it to constrain decoding to the legal moves."
    )
    backend_options: dict[str, int | float | bool | str] = Field(
        default_factory=dict, description="Backend-specific settings, e.g. latency_ms for simulated_* models."
    )

    def default_name(self) -> str:
        return self.model


PlayerSpec = Annotated[
    RandomPlayer | MCTSPlayer | SolverPlayer | UCIPlayer | HumanPlayer | LLMPlayer, Field(discriminator="type")
]


class ProviderLimits(StrictModel):
    """Limits of one provider account, held once for the whole cluster."""

    rpm: int | None = Field(default=None, gt=0, description="Requests per minute; none means no limit.")
    tpm: int | None = Field(
        default=None, gt=0, description="Tokens per minute (prompt estimate plus max_tokens is charged up front); none means no limit."
    )
    max_concurrency: int = Field(default=64, gt=0, description="Requests in flight at once.")
    gateways: int = Field(
        default=2, gt=0,
        description="Gateway actors calling this provider; one saturates near 150 requests/s on one core (bench/litellm_throughput.py).",
    )
    window_s: float = Field(default=60.0, gt=0, description="Window of rpm and tpm in seconds: 60 means per minute. Lower it only to test.")


class ServeSettings(StrictModel):
    """How the tournament's vllm_* models are served (one Ray Serve application)."""

    app_name: str = Field(default="arena-llm", pattern=r"^[A-Za-z0-9_.-]+$", description="Serve application name; "
                          "`arena serve up` starts it for several tournaments to share.")
    keep: bool = Field(default=False, description="Leave the application running after the tournament.")
    openai_route: bool = Field(default=False, description="Also serve the OpenAI HTTP API at http://<host>:<port>/<app_name>/v1.")
    host: str = Field(default="127.0.0.1", description="Bind address of the HTTP route; 127.0.0.1 keeps it private.")
    port: int = Field(default=8000, gt=0, lt=65536, description="Port of the HTTP route.")
    ready_timeout_s: float = Field(default=900.0, gt=0, description="Give up when the models are not healthy by then.")


class SPRTSettings(StrictModel):
    """A sequential test per pairing (H0: A is elo0 better than B, H1: elo1), over seat-swapped pairs of episodes."""

    elo0: float = Field(default=0.0, allow_inf_nan=False, description="Elo difference of the null hypothesis (logistic Elo).")
    elo1: float = Field(default=50.0, allow_inf_nan=False, description="Elo difference of the alternative; above elo0.")
    alpha: float = Field(default=0.05, gt=0, lt=0.5, description="Chance of accepting H1 when H0 holds.")
    beta: float = Field(default=0.05, gt=0, lt=0.5, description="Chance of accepting H0 when H1 holds.")

    @model_validator(mode="after")
    def _ordered(self) -> SPRTSettings:
        if self.elo1 <= self.elo0:
            raise ValueError(f"schedule.sprt: elo1 ({self.elo1:g}) must be above elo0 ({self.elo0:g})")
        return self


class ScheduleSettings(StrictModel):
    """How many episodes of which pairings: a fixed round robin, or adaptive rounds to a precision target."""

    mode: Literal["fixed", "adaptive"] = Field(
        default="fixed", description="'fixed': every pairing episodes_per_pairing times; 'adaptive': rounds chosen by "
        "how much they narrow the rating intervals still wider than target_ci (docs: Adaptive schedules).")
    target_ci: float = Field(default=50.0, gt=0, allow_inf_nan=False,
                             description="Adaptive: stop when every rating's 95% half-width is at most this (Elo points).")
    batch_episodes: int = Field(default=200, ge=2, description="Adaptive: episodes per round, at most (beyond the fill).")
    min_per_pairing: int = Field(default=4, ge=2, description="Adaptive: every pairing plays at least this many episodes "
                                 "in every game, half in each seating.")
    max_episodes: int = Field(default=20_000, gt=0, description="Adaptive: stop after this many episodes in all.")
    budget_usd: float | None = Field(default=None, gt=0, description="Adaptive: stop starting rounds once the models "
                                     "have spent this much (the tournament's budget_usd still caps spending itself).")
    separate_adjacent: bool = Field(default=True, description="Adaptive: also stop when every two players adjacent in "
                                    "the ranking have intervals that do not overlap.")
    sprt: SPRTSettings | None = Field(default=None, description="Adaptive: stop playing a pairing (beyond "
                                      "min_per_pairing) once its sequential test decides (docs: Sequential tests).")


class RatingReference(StrictModel):
    """A player of known strength whose rating is fixed, so that tournaments report on one scale."""

    player: str = Field(description="Display name of the reference player, e.g. sf_1500 (a uci player with elo: 1500).")
    rating: float = Field(allow_inf_nan=False, description="The rating it is pinned at, e.g. 1500.")


class Tournament(StrictModel):
    """A whole tournament: who plays what, how often, and where results go."""

    name: str = Field(default="tournament", pattern=r"^[A-Za-z0-9_.-]+$", description="Tournament name; results go to <output_dir>/<name>.")
    format: Literal["match", "round_robin"] = Field(
        default="round_robin",
        description="'match': the listed players in fixed seats for num_episodes episodes per game; "
        "'round_robin': every pair of players on every game, seats swapped evenly.",
    )
    games: list[GameSpec] = Field(min_length=1, description="Games to play.")
    players: list[PlayerSpec] = Field(min_length=1, description="Players; in a match, listed in seat order.")
    num_episodes: int = Field(default=1, gt=0, description="Match format: episodes per game.")
    episodes_per_pairing: int = Field(
        default=2, gt=0, description="Round robin: episodes per pair of players per game; must be even so seats swap evenly."
    )
    seed: int = Field(default=42, description="Master seed: chance events and random players derive from it per episode.")
    max_moves: int | None = Field(default=None, gt=0, description="Default truncation for games that set none.")
    output_dir: str = Field(default="results", description="Results root; this tournament writes <output_dir>/<name>/.")
    shard_size: int = Field(default=0, ge=0, description="Episodes per Ray task; 0 picks a size from the tournament.")
    max_in_flight: int = Field(default=0, ge=0, description="Ray tasks in flight at once; 0 means twice the cluster CPUs.")
    episode_concurrency: int = Field(
        default=512, gt=0, description="Episodes one Ray task plays concurrently (asyncio); bounds model calls in flight per task."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", description="Logging level.")
    mode: str | None = Field(
        default=None,
        description="Board Game Arena mode: '<type>_vs_<type>' such as 'llm_vs_random', 'multi_agent' (every seat llm) "
        "or 'manual' (a human seat); checked against the player types, and sets the types of BGA agents the file "
        "leaves unset.",
    )
    litellm_models: str = Field(
        default_factory=lambda: shipped("litellm_models"),
        description="File listing the litellm_* models that may play (Board Game Arena shape); a relative path is read "
        "against the tournament file's folder; default: configs/litellm_models.yaml shipped with the package.",
    )
    providers: dict[str, ProviderLimits] = Field(
        default_factory=dict,
        description="Limits per LiteLLM provider, e.g. {groq: {rpm: 30, tpm: 6000, max_concurrency: 8}}; "
        "providers not listed get the ProviderLimits defaults.",
    )
    budget_usd: float | None = Field(
        default=None, gt=0, description="Spend cap for the whole tournament; once reached, remaining LLM episodes are skipped."
    )
    vllm_models: str = Field(
        default_factory=lambda: shipped("vllm_models"),
        description="File listing the vllm_* models (Board Game Arena shape); a relative path is read against the "
        "tournament file's folder; default: configs/vllm_models.yaml shipped with the package.",
    )
    serve: ServeSettings = Field(default_factory=ServeSettings, description="Serving of the vllm_* models.")
    reference: RatingReference | None = Field(
        default=None,
        description="Pin this player's rating (e.g. {player: sf_1500, rating: 1500}) instead of random's at 1000.",
    )
    quality: bool = Field(
        default=False, description="Compute the move-quality table (`arena quality`) when the tournament ends."
    )
    schedule: ScheduleSettings = Field(
        default_factory=ScheduleSettings,
        description="Which pairings play how often: fixed (episodes_per_pairing) or adaptive rounds to a precision "
        "target, e.g. {mode: adaptive, target_ci: 50, max_episodes: 20000}.",
    )

    @model_validator(mode="after")
    def _check(self) -> Tournament:
        names = [p.display_name for p in self.players]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"players: duplicate player name(s) {dupes}; give each a distinct 'name'")
        if self.reference is not None and self.reference.player not in names:
            raise ValueError(f"reference: '{self.reference.player}' is not a player of this tournament; "
                             f"players: {', '.join(names)}")
        if self.format == "round_robin":
            if len(self.players) < 2:
                raise ValueError("players: a round robin needs at least two players")
            if self.episodes_per_pairing % 2:
                raise ValueError(
                    f"episodes_per_pairing: {self.episodes_per_pairing} is odd; it must be even so every pair plays both seatings"
                )
        if self.schedule.mode == "adaptive" and self.format != "round_robin":
            raise ValueError("schedule: mode adaptive chooses pairings of a round robin; set format: round_robin")
        if self.schedule.mode != "adaptive" and self.schedule.sprt is not None:
            raise ValueError("schedule.sprt: sequential tests run in adaptive schedules; set schedule.mode: adaptive")
        if self.mode is not None:
            _check_mode(self.mode, [p.type for p in self.players])
        return self

    def player(self, name: str) -> PlayerSpec:
        for p in self.players:
            if p.display_name == name:
                return p
        raise KeyError(name)

    def max_moves_for(self, game: GameSpec) -> int | None:
        return game.max_moves or self.max_moves


MODE_TYPES = ("random", "mcts", "human", "llm")


def mode_sides(mode: str, seats: int) -> list[str | None]:
    """The player type a Board Game Arena mode gives each of `seats` seats, in the mode's order; None: any type.

    '<type>_vs_<type>[_vs_...]' names one type per seat; 'multi_agent' makes every seat an llm player;
    'manual' seats a person (human) and leaves the other seats to the file.
    """
    if mode == "multi_agent":
        return ["llm"] * seats
    if mode == "manual":
        return ["human"] + [None] * (seats - 1)
    sides = mode.split("_vs_")
    if len(sides) < 2 or any(s not in MODE_TYPES for s in sides):
        raise ValueError(f"mode: '{mode}' is not '<type>_vs_<type>' with types {', '.join(MODE_TYPES)}, "
                         "nor multi_agent or manual")
    return list(sides)


def mode_fits(sides: list[str | None], types: list[str]) -> bool:
    """Whether the seats' types are the mode's, in any seat order (a None side takes any type)."""
    return len(sides) == len(types) and all(sides.count(s) <= types.count(s) for s in set(sides) if s is not None)


def _check_mode(mode: str, types: list[str]) -> None:
    if not mode_fits(mode_sides(mode, len(types)), types):
        raise ValueError(f"mode: '{mode}' does not match the player types {types}")
