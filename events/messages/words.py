"""Evidence values in words: what a message or a page says for a value the evidence holds. Codes
become words by what they are (a procedure's state or step by its flow's label, an event type, a
choice such as `members_meeting`), English phrases the guards put in the evidence ("the
committee") by the phrase table, rates as percentages, lists and yes/no in the language's way."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from events.flows import FLOWS
from events.messages.templates import load_table, read_toml

# words.toml: the choices' values, the phrases the guards write in English, the commands and the
# event types; [flags]: how a yes or a no reads under one key ("*": any other key).
VALUES = load_table("words.values")
PHRASES = load_table("words.phrases")
COMMANDS = load_table("words.commands")
EVENTS = load_table("words.events")
FIELDS = load_table("words.fields")
FLAG_WORDS = {key: ((yes[0], yes[1]), (no[0], no[1])) for key, (yes, no) in read_toml("words")["flags"].items()}

STATES: dict[str, tuple[str, str]] = {}
KINDS: dict[str, tuple[str, str]] = {}
STEPS: dict[str, tuple[str, str]] = {}
for _flow in FLOWS.values():
    KINDS[_flow.kind] = (_flow.label_zh, _flow.label_en)
    for _state in _flow.states:
        STATES.setdefault(_state.name, (_state.label_zh, _state.label_en))
    for _step in _flow.steps:
        STEPS.setdefault(_step.name, (_step.label_zh, _step.label_en))
        STEPS.setdefault(_step.trigger, (_step.label_zh, _step.label_en))
        # A step's command and the event it records read as the step itself where words.toml
        # says nothing of its own: a new step's words are its labels, declared once in its flow.
        COMMANDS.setdefault(_step.command, (_step.label_zh, _step.label_en))
        EVENTS.setdefault(_step.event, (_step.label_zh, _step.label_en))

# Keys whose values are codes of one vocabulary; any other string is looked up as a choice, then
# as a phrase, and shown as it is when it is neither (a name, a document number).
_BY_KEY: dict[str, dict[str, tuple[str, str]]] = {
    "state": STATES,
    "kind": KINDS,
    "step": STEPS,
    "allowed": STEPS,
    "command": COMMANDS,
    "event_type": EVENTS,
    "field": FIELDS,
    "given": FIELDS,
    "needs": FIELDS,
}
RATES = frozenset({"rate", "band_min_rate", "band_max_rate", "min_rate", "max_rate", "candidate_surplus_rate"})


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def code_word(lang: str, key: str, code: str) -> str | None:
    """The word for a code the evidence holds under `key`, or None when it is no known code."""
    table = _BY_KEY.get(key)
    pair = (
        (table.get(code) if table is not None else None)
        or VALUES.get(f"{key}:{code}")
        or VALUES.get(code)
        or PHRASES.get(code)
    )
    return _pick(pair, lang) if pair is not None else None


def _percent(value: Any) -> str | None:
    try:
        rate = Decimal(str(value))
    except InvalidOperation:
        return None
    return f"{(rate * 100).normalize():f}%"


def word(lang: str, key: str, value: Any, spec: str = "") -> str:
    """`value`, held under `key`, as `lang` says it; with the spec "flag", a yes or no as the
    phrase [flags] has for `key` (a message's "{extension_approved:flag}")."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        yes_no = FLAG_WORDS[key] if spec == "flag" else FLAG_WORDS["*"]
        return _pick(yes_no[0 if value else 1], lang)
    if isinstance(value, list | tuple):
        return ("、" if lang == "zh" else ", ").join(word(lang, key, v) for v in value) if value else "—"
    if isinstance(value, dict):
        sep = "；" if lang == "zh" else "; "
        return sep.join(f"{k}: {word(lang, str(k), v)}" for k, v in value.items())
    if key in RATES and not isinstance(value, int):
        percent = _percent(value)
        if percent is not None:
            return percent
    if isinstance(value, str):
        return code_word(lang, key, value) or value
    return str(value)
