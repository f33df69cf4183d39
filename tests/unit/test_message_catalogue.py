"""The catalogue of messages (`events.messages`) has a template, in Chinese and in English, for every
refusal the code raises and every alert kind, and no template names a number its refusal's
evidence does not carry: each raise is read off the source (`message_sites`), with the rule it
cites, the case it names and the evidence keys it gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from events import messages
from events.catalogue import CATALOGUE
from events.flows import FLOWS
from events.messages import words
from projections.models.alerts import KINDS as ALERT_KINDS
from tests.unit.message_sites import Site, refusal_sites, warning_items
from workflow import commands

SITES = refusal_sites("workflow", "api")

# Evidence the source does not spell out at the raise (a key named by a variable, or evidence built
# by the caller): the keys each such site carries, by (file, function), per rule where they differ.
DECLARED: dict[tuple[str, str], dict[str, frozenset[str]]] = {
    # R-ELECTED counts those due, R-REMOVAL everyone with a vote ("due" / "total": `whole`)
    ("workflow/rules/vote.py", "_more_than_half"): {"R-ELECTED": frozenset({"due"}), "R-REMOVAL": frozenset({"total"})},
    # the evidence each caller of the shared "request for the current term" guard passes
    ("workflow/rules/terms.py", "_require_request_for_current_term"): {
        "R-EXTENSION": frozenset({"requested_for"}),
        "R-EARLY": frozenset({"requested_for", "term_end"}),
    },
    # the round's evidence, built by `_round_evidence`
    ("workflow/rules/counting.py", "_require_possible_round"): {
        "R-BALLOTS": frozenset(
            {"seats", "due", "needed", "ballots_issued", "ballots_returned", "invalid_ballots", "valid_ballots"}
        )
    },
}


def _file(site: Site) -> str:
    return site.where.rsplit(":", 1)[0]


def _keys(site: Site, rule: str) -> frozenset[str]:
    return site.keys | DECLARED.get((_file(site), site.function), {}).get(rule, frozenset())


def _templates_for(site: Site) -> list[tuple[str, str]]:
    """(rule, template key) for each rule the site may cite; for a rule the source leaves to the
    caller, the case's shared template and every rule's own template of that case."""
    if site.rules is not None:
        return [(rule, messages.refusal_key(rule, site.case) or "") for rule in sorted(site.rules)]
    own = [key for key in messages.REFUSALS if site.case and key.endswith(f".{site.case}")]
    return [("?", key) for key in [site.case, *own]]


def test_the_sites_are_found() -> None:
    """The scan sees the guards (a scan that found nothing would pass everything below)."""
    cases = {(rule, s.case) for s in SITES for rule in s.rules or ()}
    assert len(SITES) > 120
    assert {("R-QUORUM", "short"), ("R-APPROVER", "parent"), ("DATE-FUTURE", ""), ("R-BALLOTS", "returned")} <= cases


@pytest.mark.parametrize("site", SITES, ids=lambda s: f"{s.where}:{s.case or '-'}")
def test_every_refusal_has_a_template_that_its_evidence_fills(site: Site) -> None:
    for rule, key in _templates_for(site):
        assert key in messages.REFUSALS, f"{site.where}: no template for {rule} case {site.case!r}"
        template = messages.REFUSALS[key]
        assert template.zh.strip() and template.en.strip(), key
        keys = _keys(site, rule)
        missing = template.names() - keys
        assert not missing, f"{site.where}: {key} names {sorted(missing)}, not in the evidence {sorted(keys)}"
        if not site.keys_complete and template.names() - site.keys:
            assert (_file(site), site.function) in DECLARED, f"{site.where}: declare the evidence keys it carries"


def test_every_template_is_raised_somewhere() -> None:
    """No template for a refusal nobody raises (a case renamed at its guard and not here)."""
    used = {key for site in SITES for _, key in _templates_for(site)}
    assert sorted(set(messages.REFUSALS) - used) == []


def test_every_rule_cited_has_a_title() -> None:
    cited = {rule for site in SITES for rule in site.rules or ()}
    cited |= {step.out_of_order_rule for flow in FLOWS.values() for step in flow.steps}
    assert sorted(cited - set(messages.RULE_TITLES)) == []


def test_every_alert_kind_has_a_sentence_filled_from_the_alert() -> None:
    assert set(messages.ALERTS) == set(ALERT_KINDS)
    for kind, template in messages.ALERTS.items():
        assert template.names() <= messages.ALERT_FIELDS, kind
        assert kind in messages.RULE_TITLES or kind.startswith("A-")


@pytest.mark.parametrize("key", sorted(messages.BASES))
def test_a_stored_basis_reads_back_into_either_language(key: str) -> None:
    template = messages.BASES[key]
    values = {name: ("2024-03-01" if name in ("date", "imported_on") else "candidates") for name in template.names()}
    values |= {"term_no": "2"} if "term_no" in values else {}
    stored = messages.basis(key, **values)
    for lang in ("en", "zh"):
        assert "2024-03-01" in messages.basis_text(lang, stored) and "candidates" not in messages.basis_text(
            lang, stored
        )
    assert messages.basis_text("zh", stored) != stored
    assert messages.basis_text("zh", "a basis the catalogue does not know") == "a basis the catalogue does not know"


def test_the_worked_example_of_the_issue() -> None:
    evidence = {"rule": "R-QUORUM", "due": 34, "present": 20, "needed": 23}
    assert (
        messages.refusal_text("zh", "R-QUORUM", "short", evidence)
        == "到会 20 人，应到 34 人；至少需要 23 人（三分之二）。"
    )
    assert messages.refusal_text("en", "R-QUORUM", "short", evidence) == "20 of 34 present; at least 23 needed (2/3)"


def test_codes_in_the_evidence_become_words() -> None:
    assert messages.word("zh", "congress_type", "members_meeting") == "会员大会"
    assert messages.word("zh", "unit_type", "enterprise") == "企业"
    assert messages.word("zh", "allowed", ["approve", "withdraw"]).count("、") == 1
    assert messages.word("zh", "rate", "0.05") == "5%"
    assert messages.word("zh", "body", "the committee") == "委员会"
    assert messages.event_name("zh", "ResultsFiled") == "选举结果报批"


def test_every_event_type_command_and_state_has_words_in_both_languages() -> None:
    assert sorted(set(CATALOGUE.event_types) - set(words.EVENTS)) == []
    command_classes = {
        name
        for name, value in vars(commands).items()
        if isinstance(value, type) and issubclass(value, commands.Command) and not name.startswith("_")
    }
    assert sorted(command_classes - set(words.COMMANDS) - {"Command", "ProcedureCommand", "UnionCommand"}) == []
    for table in (words.EVENTS, words.COMMANDS, words.VALUES, words.PHRASES, words.STATES, words.STEPS, words.FIELDS):
        assert all(zh.strip() and en.strip() for zh, en in table.values())


def test_every_warning_written_to_the_log_has_a_template_its_item_fills() -> None:
    items = warning_items("workflow")
    assert {rule for _, rule, _ in items} == set(messages.WARNINGS)
    for where, rule, keys in items:
        assert messages.WARNINGS[rule].names() <= keys, where


def test_every_flag_a_message_reads_has_its_words() -> None:
    import string

    templates = [*messages.REFUSALS.values(), *messages.WARNINGS.values(), *messages.ALERTS.values()]
    flagged = {
        name
        for template in templates
        for text in (template.zh, template.en)
        for _, name, spec, _ in string.Formatter().parse(text)
        if spec == "flag"
    }
    assert flagged and flagged <= set(words.FLAG_WORDS)


def test_every_field_a_refusal_names_has_words() -> None:
    """A refusal about one field of an imported term names it (evidence "field", R-FOUNDED's
    "given" and "needs"): each field the guards name has words, so no field code is shown."""
    import ast

    named: set[str] = set()
    for path in (Path(__file__).resolve().parents[2] / "workflow").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("on_field", "require_given_with"):
                named |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    named -= set(messages.RULE_TITLES)  # require_given_with's rule
    # the imported term's dates, named by a loop (workflow/imported.py)
    named |= {"founded_on", "last_congress_on", "legal_person_on"}
    assert len(named) > 10 and sorted(named - set(words.FIELDS)) == []
