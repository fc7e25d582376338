from arena.chat import ErrorClass
from backends.ledger import Ledger


def test_model_budget_blocks_only_that_model():
    ledger = Ledger({"m1": 1.0}, None)
    assert ledger.record("m1", 0.6) == {}
    blocked = ledger.record("m1", 0.5)
    assert blocked["m1"][0] == ErrorClass.BUDGET.value and "$1.1000 of its $1.0000" in blocked["m1"][1]
    assert "m2" not in ledger.record("m2", 5.0)


def test_tournament_budget_blocks_every_model():
    ledger = Ledger({}, 1.0)
    ledger.record("a", 0.7)
    blocked = ledger.record("b", 0.4)
    assert {k for k, v in blocked.items() if v[0] == "budget"} >= {"a", "b", "*"}


def test_fatal_error_is_remembered_with_its_reason():
    ledger = Ledger({}, None)
    blocked = ledger.record("m", 0.0, "authentication failed: check GROQ_API_KEY")
    assert blocked == {"m": ("fatal", "authentication failed: check GROQ_API_KEY")}
    assert ledger.report() == {"spent_usd": {"m": 0.0}, "fatal": {"m": "authentication failed: check GROQ_API_KEY"}}
