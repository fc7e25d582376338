"""Kuhn poker: each player sees only their own card and the public betting."""

from __future__ import annotations

import pyspiel

from arena.games.base import MoveVocabulary
from arena.games.labels import LabelledRenderer, Move

_RANKS = ("J", "Q", "K", "A")
_RANK_NAMES = {"J": "Jack", "Q": "Queen", "K": "King", "A": "Ace"}
LABELS = ("pass", "bet")
ALL_WORDS = ("pass", "bet", "check", "fold", "call")


def card_name(card: int, num_players: int) -> str:
    if num_players + 1 <= len(_RANKS):
        rank = _RANKS[card]
        return f"{rank} ({_RANK_NAMES[rank]})"
    return f"card {card}"


def _deal_and_bets(state: pyspiel.State) -> tuple[list[int], list[tuple[int, int]]]:
    cards: list[int] = []
    bets: list[tuple[int, int]] = []
    for item in state.full_history():
        if item.player == pyspiel.PlayerId.CHANCE:
            cards.append(item.action)  # the deal goes to players 0, 1, ... in order
        else:
            bets.append((item.player, item.action))
    return cards, bets


class KuhnPokerRenderer(LabelledRenderer):
    def rules(self, game: pyspiel.Game) -> str:
        n = game.num_players()
        deck = ", ".join(card_name(c, n) for c in range(n + 1))
        return (
            f"Kuhn poker for {n} players with a deck of {n + 1} cards, from lowest to highest: {deck}. "
            "Everyone antes 1 chip and is dealt one private card; you never see the others' cards. "
            "Players act in turn starting with player 0. While nobody has bet, 'pass' checks and "
            "'bet' puts 1 more chip in the pot. Once someone has bet, 'bet' calls (adds 1 chip) and "
            "'pass' folds (gives up the pot). When betting ends, the highest card among the players "
            "who did not fold wins the whole pot. Answer with pass or bet."
        )

    def observation(self, state: pyspiel.State, player: int) -> str:
        n = state.get_game().num_players()
        cards, bets = _deal_and_bets(state)
        lines = [f"You are player {player} of {n}."]
        if player < len(cards):
            lines.append(f"Your card: {card_name(cards[player], n)}.")
        else:
            lines.append("The cards are being dealt.")
        pot = n * 1 + sum(action for _, action in bets)
        mine = 1 + sum(action for p, action in bets if p == player)
        lines.append(f"Pot: {pot} chips, of which you put in {mine}.")
        said = [f"player {p} {'bet' if action else 'passed'}" for p, action in bets]
        lines.append("Betting so far: " + (", ".join(said) if said else "none") + ".")
        if state.is_terminal():
            net = state.returns()[player]
            chips = "chip" if abs(net) == 1 else "chips"
            lines.append(f"Hand over: you {'won' if net > 0 else 'lost'} {abs(net):g} {chips} net.")
        elif state.current_player() == player:
            facing_bet = any(action for _, action in bets)
            meaning = "pass = fold, bet = call (1 chip)" if facing_bet else "pass = check, bet = bet 1 chip"
            lines.append(f"It is your turn: {meaning}.")
        elif not state.is_chance_node():
            lines.append(f"It is player {state.current_player()}'s turn; wait.")
        return "\n".join(lines)

    def move(self, state: pyspiel.State, player: int, action: int) -> Move:
        bets_exist = any(item.action for item in state.full_history() if item.player >= 0)
        aliases = (("fold",), ("call",)) if bets_exist else (("check",), ())
        return Move(action, LABELS[action], aliases[action])

    def vocabulary(self, state: pyspiel.State, player: int) -> MoveVocabulary:
        # Every poker word the renderer ever accepts: 'check' while facing a bet, or 'fold'
        # when nobody has bet, names a move that does not exist now, which parse() rejects.
        return super().vocabulary(state, player).with_names(ALL_WORDS)
