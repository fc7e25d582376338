"""The LLM player: prompt, parse, re-prompt on bad answers, account for every call.

One model call is one Attempt (one row of the moves table). A decision takes at
most `spec.max_illegal_attempts` calls; each bad answer is answered with a
re-prompt naming the specific error. After the last bad one the `on_illegal`
policy applies: 'forfeit' returns no action, 'random' adds one more Attempt with
`fallback='random'` so a move the arena chose is never credited to the model.

The model is credited only with the move it chose (see answer_parser): the answer is
read against every move of the game at this point, legal or not (the renderer's
vocabulary), and the move found is then judged by the renderer. A move that exists but
is not legal now (an occupied cell, a full column, 'check' while facing a bet) makes an
illegal attempt: `legal=False`, `label` = the move as the model named it, `error` =
'"<label>" is not a legal move.', re-prompted like any bad answer. It is never replaced
by another move the answer mentions.

Backend errors, classified once by the backend, end the decision with a PlayerFailure
carrying the attempts made so far (see arena.agents.base.FAILURE_KINDS):
- FATAL (bad key, unknown model): kind UNAVAILABLE; the episode is an error.
- RATE_LIMITED / TRANSIENT: the backend already retried; kind GAVE_UP, the episode is an
  error (re-running it later is better than scoring an outage as a loss).
- BUDGET (spend cap reached, no call made, so no attempt recorded): kind SKIPPED; the
  episode is `skipped`.
- REQUEST (e.g. context window): this call failed; it counts as a bad attempt and the
  same messages are tried again (there is no answer to show the model).
"""

from __future__ import annotations

import json

from arena.agents.answer_parser import parse_answer, strip_thinking
from arena.agents.base import FAILURE_KINDS, Attempt, Decision, PlayerFailure, Turn
from arena.agents.prompts import Messages, build_messages, illegal_move_error, reprompt, templates
from arena.chat import ChatBackend, ChatRequest, ChatResult, ErrorClass, Sampling
from arena.config.models import LLMPlayer
from arena.games.base import MoveVocabulary, move_vocabulary

_NO_MESSAGE = {ErrorClass.FATAL: "model unavailable", ErrorClass.BUDGET: "budget spent"}


class LLMAgent:
    """Plays one seat with a language model behind a ChatBackend."""

    def __init__(self, spec: LLMPlayer, backend: ChatBackend) -> None:
        templates(spec.prompt_version)  # fail at construction, not at the first move
        self.spec = spec
        self.backend = backend

    async def act(self, turn: Turn) -> Decision:
        legal = turn.game.renderer.legal_moves(turn.state, turn.player)
        labels = [label for _, label in legal]
        vocabulary = move_vocabulary(turn.game.renderer, turn.state, turn.player)
        version = self.spec.prompt_version
        messages = build_messages(turn.game, turn.state, turn.player, labels, version)
        # Drawn from the seat's rng so a rerun of the episode sends the same seeds.
        sampling = Sampling(
            temperature=self.spec.temperature,
            max_tokens=self.spec.max_tokens,
            top_p=self.spec.top_p,
            seed=turn.rng.randrange(2**31),
        )
        attempts: list[Attempt] = []
        for _ in range(self.spec.max_illegal_attempts):
            request = ChatRequest(
                messages=list(messages),
                sampling=sampling,
                legal_moves=list(labels),
                constrain=self.spec.constrain_moves,
            )
            result = await self.backend.chat(request)
            attempt = self._judge(turn, legal, vocabulary, messages, result)
            attempts.append(attempt)
            if result.error_class in FAILURE_KINDS:
                if result.error_class is ErrorClass.BUDGET:
                    attempts.pop()  # no call was made: nothing to record
                message = result.error or _NO_MESSAGE.get(result.error_class, "")
                raise PlayerFailure(result.error_class, message, attempts)
            if attempt.legal:
                return Decision(action=attempt.action, attempts=attempts)
            if result.ok:
                answer, _ = strip_thinking(result.text)  # thinking would only fill the context
                messages = reprompt(messages, answer, attempt.error, labels, version)
        return self._give_up(turn, legal, attempts)

    def _judge(
        self,
        turn: Turn,
        legal: list[tuple[int, str]],
        vocabulary: MoveVocabulary,
        messages: Messages,
        result: ChatResult,
    ) -> Attempt:
        """The Attempt row for one model call: what was asked, answered, parsed and why rejected."""
        attempt = Attempt(
            action=None,
            legal=False,
            prompt=json.dumps(messages, ensure_ascii=False),
            raw_response=result.text,
            error_class=result.error_class.value,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            latency_s=result.latency_s,
            cost_usd=result.cost_usd,
        )
        if not result.ok:
            attempt.error = result.error or f"backend error ({result.error_class.value})"
            return attempt
        parsed = parse_answer(result.text, vocabulary)
        attempt.parser_path, attempt.reasoning = parsed.path, parsed.reasoning
        if parsed.label is None:
            attempt.error = parsed.error
            return attempt
        ids = dict(legal)
        action = turn.game.renderer.parse(turn.state, turn.player, parsed.label)
        if action is None and parsed.action_id in ids and not vocabulary.recognises(parsed.label):
            # An integer that names no move of the game, legal or not, but is a legal action
            # id: take it as the id. One that names a move (column "3", full) is that move.
            action, attempt.parser_path = parsed.action_id, f"{parsed.path}_action_id"
        if action is None or action not in ids:
            attempt.label = parsed.label  # the move the model named; `legal` says it was refused
            attempt.error = illegal_move_error(parsed.label, self.spec.prompt_version)
            return attempt
        attempt.action, attempt.label, attempt.legal = action, ids[action], True
        return attempt

    def _give_up(self, turn: Turn, legal: list[tuple[int, str]], attempts: list[Attempt]) -> Decision:
        if self.spec.on_illegal == "forfeit":
            return Decision(action=None, attempts=attempts)
        action, label = turn.rng.choice(legal)
        attempts.append(Attempt(action=action, label=label, legal=True, fallback="random"))
        return Decision(action=action, attempts=attempts)
