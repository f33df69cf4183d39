"""The catalogue of messages, in Chinese and English: what a refusal says with its numbers filled
in from its evidence, what an alert says, the rules' titles, and the words for the codes the events
hold (`words`). It lives here, below every layer, because each says these things: the API (a
problem's `detail` in the caller's language), the command line, the pages, and the projections
(which store an alert's basis in the catalogue's English).

A refusal (`workflow.errors.DomainError`) names its rule and the case its guard raised; its message
here is keyed "RULE.case", or "case" for a guard several rules share, or "RULE" alone
(`refusal_key`). The guard's own English sentence stays the English a caller reads; the catalogue's
English says the same and is what a text is rendered from when there is no guard's sentence (an
alert, an evidence item written to the log)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from events.messages import words
from events.messages.templates import LANGS, Lang, Template, load_table, load_templates
from events.messages.words import word

REFUSALS = load_templates("refusals")
RULE_TITLES = load_table("rules")
ALERTS = load_templates("alerts.kinds")
BASES = load_templates("alerts.basis")
WINDOWS = load_templates("alerts.windows")
WARNINGS = load_templates("warnings")
# The fields of an alert its sentence may name (`alert_text`).
ALERT_FIELDS = frozenset({"deadline", "days_overdue", "days_left", "window", "basis", "procedure_id", "rule"})
# Evidence keys that hold an organisation's id: shown by name when the caller knows it.
ORG_KEYS = frozenset({"union", "org", "org_id", "actor_org", "approver_org", "parent_id"})

__all__ = [
    "ALERTS",
    "ALERT_FIELDS",
    "BASES",
    "LANGS",
    "REFUSALS",
    "RULE_TITLES",
    "WARNINGS",
    "Lang",
    "Template",
    "alert_text",
    "basis",
    "basis_text",
    "event_name",
    "refusal_key",
    "refusal_text",
    "rule_title",
    "warning_text",
    "window",
    "window_text",
    "word",
    "words",
]


def refusal_key(rule_id: str, case: str = "") -> str | None:
    """The template of a refusal: "RULE.case", else "case" (a guard several rules share), else
    "RULE"; None when the catalogue has none."""
    for key in (f"{rule_id}.{case}" if case else None, case or None, rule_id):
        if key is not None and key in REFUSALS:
            return key
    return None


def refusal_text(
    lang: str, rule_id: str, case: str, evidence: Mapping[str, Any], names: Mapping[str, str] | None = None
) -> str | None:
    """What the refusal says in `lang`, with the numbers from its evidence (organisations by their
    name where `names` has it); None when the catalogue has no template that the evidence fills."""
    key = refusal_key(rule_id, case)
    if key is None:
        return None
    return REFUSALS[key].fill(lang, evidence, lambda k, v, spec: _word(lang, k, v, spec, names))


def _word(lang: str, key: str, value: Any, spec: str = "", names: Mapping[str, str] | None = None) -> str:
    if names and key in ORG_KEYS and isinstance(value, str) and value in names:
        return names[value]
    return word(lang, key, value, spec)


def warning_text(lang: str, item: Mapping[str, Any]) -> str | None:
    """What a warning in an event's evidence says in `lang` (`warnings.toml`), or the English the
    event keeps when the catalogue has no warning of its rule; None for an item without one."""
    if "warning" not in item:
        return None
    template = WARNINGS.get(str(item.get("rule", "")))
    filled = template.fill(lang, item, lambda k, v, spec: _word(lang, k, v, spec)) if template else None
    return filled or str(item["warning"])


def rule_title(lang: str, rule_id: str) -> str | None:
    pair = RULE_TITLES.get(rule_id)
    return None if pair is None else (pair[0] if lang == "zh" else pair[1])


def event_name(lang: str, event_type: str) -> str:
    return words.code_word(lang, "event_type", event_type) or event_type


# ------------------------------------------------------------------ alerts


def basis(key: str, **values: Any) -> str:
    """An alert's basis as the projection stores it: the catalogue's English (`alerts.toml`)."""
    return BASES[key].en.format(**values)


_DATE = r"\d{4}-\d{2}-\d{2}"
_VALUE_PATTERNS = {"date": _DATE, "imported_on": _DATE, "term_no": r"\d+", "n": r"\d+"}


def window(key: str, **values: Any) -> str:
    """An alert's window as the projection stores it, e.g. "12 months"."""
    return WINDOWS[key].en.format(**values)


@cache
def _pattern(text: str) -> re.Pattern[str]:
    """A template's English as a pattern that reads its values back (dates and numbers as such)."""
    parts = re.split(r"\{(\w+)\}", text)
    regex = "".join(
        re.escape(p) if i % 2 == 0 else f"(?P<{p}>{_VALUE_PATTERNS.get(p, '.+?')})" for i, p in enumerate(parts)
    )
    return re.compile(f"^{regex}$")


def _read(templates: Mapping[str, Template], text: str) -> tuple[Template, dict[str, str]] | None:
    for template in templates.values():
        found = _pattern(template.en).match(text)
        if found is not None:
            return template, found.groupdict()
    return None


def basis_text(lang: str, text: str) -> str:
    """A stored basis in `lang` (as it was stored when the catalogue has no such basis)."""
    read = _read(BASES, text)
    if read is None:
        return text
    template, values = read
    return template.fill(lang, values, lambda k, v, spec: word(lang, k, v, spec)) or text


def window_text(lang: str, text: str) -> str:
    read = _read(WINDOWS, text) if text else None
    if read is None:
        return text
    template, values = read
    return template.fill(lang, values, lambda k, v, spec: word(lang, k, v, spec)) or text


def alert_text(lang: str, kind: str, alert: Mapping[str, Any]) -> str | None:
    """Why an alert of `kind` fires, in `lang`, from its fields (`ALERT_FIELDS`: the basis and the
    window in words, the days left before the deadline counted from days_overdue)."""
    template = ALERTS.get(kind)
    if template is None:
        return None
    values = dict(alert)
    values["basis"] = basis_text(lang, str(alert.get("basis", "")))
    values["window"] = window_text(lang, str(alert.get("window", "")))
    if "days_overdue" in alert:
        values["days_left"] = -int(alert["days_overdue"])
    return template.fill(lang, values, lambda k, v, spec: v if k in ("basis", "window") else word(lang, k, v, spec))
