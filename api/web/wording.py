"""What the templates call `t`: the pages' words in the person's language (`t('key')`, as
`i18n.translate`), and everything else a page says in that language: the values of events and
evidence in words, a refusal's message from the catalogue (`events.messages`), an alert's reason,
event types, rules by their title, organisations and people by name, and times in the deployment's
time zone. A page in Chinese shows no code a person would have to look up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from api.runtime import Runtime
from api.web import i18n
from events import messages


class Names:
    """Organisations and people by name, read once per page: a table asks for all its ids first
    (`orgs`, `people`: one query each), a single one is read when first shown."""

    def __init__(self, rt: Runtime | None) -> None:
        self._rt = rt
        self._orgs: dict[str, str] = {}
        self._people: dict[str, str] = {}

    def orgs(self, ids: Iterable[str | None]) -> str:
        """Read these organisations' names (returns "", so a template may call it inline)."""
        from projections.queries import org_names

        wanted = {i for i in ids if i and i not in self._orgs}
        if wanted and self._rt is not None:
            found = org_names(self._rt.engine, wanted)
            self._orgs |= {i: found.get(i, "") for i in wanted}
        return ""

    def people(self, ids: Iterable[str | None]) -> str:
        wanted = {i for i in ids if i and i not in self._people}
        if wanted and self._rt is not None:
            found = self._rt.accounts.names(wanted)
            self._people |= {i: found.get(i, "") for i in wanted}
        return ""

    def org(self, org_id: str | None) -> str:
        """The organisation's name; its id when the register has none."""
        if not org_id:
            return ""
        self.orgs([org_id])
        return self._orgs.get(org_id) or org_id

    def person(self, person_id: str | None) -> str:
        if not person_id:
            return ""
        self.people([person_id])
        return self._people.get(person_id) or person_id

    def known(self) -> Mapping[str, str]:
        return {i: name for i, name in self._orgs.items() if name}


@dataclass(frozen=True)
class EvidenceItem:
    """One rule's evidence as a page lists it: the rule, its title, what it says (a warning, in
    words) and each number checked with its label."""

    rule: str
    title: str
    says: str
    numbers: list[tuple[str, str]]


class Wording:
    def __init__(self, lang: str, zone: ZoneInfo, names: Names) -> None:
        self.lang = lang
        self.zone = zone
        self.names = names

    def __call__(self, key: str, default: str | None = None, **values: object) -> str:
        return i18n.translate(self.lang, key, default, **values)

    # ------------------------------------------------------------------ values

    def moment(self, when: dt.datetime) -> str:
        """A time of recording (UTC in the log) in the deployment's time zone."""
        aware = when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)
        return aware.astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S")

    def zone_name(self) -> str:
        """The deployment's time zone as people call it (北京时间), else its IANA name."""
        return self(f"zone.{self.zone.key}", self.zone.key)

    def value(self, key: str, value: Any) -> str:
        """A value of an event, a record or a form, held under `key`, in words."""
        if isinstance(value, dt.datetime):
            return self.moment(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, BaseModel):
            value = value.model_dump(mode="json")
        if isinstance(value, Mapping):
            return ("；" if self.lang == "zh" else "; ").join(
                f"{self.label(str(k))}: {self.value(str(k), v)}" for k, v in value.items()
            )
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            return ("、" if self.lang == "zh" else "; ").join(self.entry(v) for v in value)
        if key in messages.ORG_KEYS and isinstance(value, str):
            return self.names.org(value)
        return messages.word(self.lang, key, value)

    def entry(self, item: Mapping[str, Any]) -> str:
        """One person of a list (a candidate, a member of the preparatory group): the name, then
        what is said of them (a flag that holds, a choice) in words."""
        said = []
        for key, value in item.items():
            if key == "name" or value is False or value is None:
                continue
            said.append(self.label(key) if value is True else self.value(key, value))
        name = str(item.get("name", ""))
        if not said:
            return name
        return f"{name}（{'、'.join(said)}）" if self.lang == "zh" else f"{name} ({', '.join(said)})"

    def label(self, key: str) -> str:
        """The label of a field or an evidence key; a dotted name ("committee_vote.tallies") as
        its parts' labels."""
        if "." in key:
            return " › ".join(self.label(part) for part in key.split(".") if not part.isdigit())
        if i18n.has(f"field.{key}") or not i18n.has(key):
            return self(f"field.{key}", key)
        return self(key)  # a register's fact the pages name by its own key ("deadline", "members")

    # ------------------------------------------------------------------ codes

    def event(self, event_type: str) -> str:
        return messages.event_name(self.lang, event_type)

    def procedure(self, procedure_id: str) -> str:
        """A procedure by its kind and number ("换届（第 2 次）"); its id when it is not one."""
        _, _, rest = procedure_id.partition(":")
        kind, _, n = rest.rpartition("-")
        label = messages.word(self.lang, "kind", kind.replace("-", "_"))
        if not n.isdigit() or label == kind.replace("-", "_"):
            return procedure_id
        return f"{label}（第 {n} 次）" if self.lang == "zh" else f"{label} ({n})"

    def rule(self, rule_id: str) -> str:
        return messages.rule_title(self.lang, rule_id) or rule_id

    def refusal(self, rule_id: str, case: str, evidence: Mapping[str, Any], message: str) -> str:
        """What a refusal says: in Chinese the catalogue's sentence with the evidence's numbers; in
        English the guard's own (the catalogue's when there is none)."""
        if self.lang == "en" and message:
            return message
        return messages.refusal_text(self.lang, rule_id, case, evidence, self.names.known()) or message

    def evidence(self, item: Mapping[str, Any]) -> EvidenceItem:
        rule = str(item.get("rule", ""))
        says = messages.warning_text(self.lang, item) or ""
        numbers = [
            (self.label(k), self.value(k, v)) for k, v in item.items() if k not in ("rule", "warning", "rules_applied")
        ]
        if item.get("rules_applied"):
            applied = [self.rule(r) for r in item["rules_applied"]]
            numbers.insert(0, (self.label("rules_applied"), messages.word(self.lang, "", applied)))
        return EvidenceItem(rule, self.rule(rule) if rule else "", says, numbers)

    def alert(self, alert: Any) -> str:
        """Why an alert fires, in words (its basis as stored when the catalogue has no sentence)."""
        fields = {name: getattr(alert, name, None) for name in messages.ALERT_FIELDS if name != "days_left"}
        return messages.alert_text(self.lang, alert.kind, fields) or messages.basis_text(self.lang, alert.basis)

    def basis(self, text: str) -> str:
        return messages.basis_text(self.lang, text)


def wording(lang: str, rt: Runtime | None) -> Wording:
    zone = rt.zone if rt is not None else ZoneInfo("Asia/Shanghai")
    return Wording(lang, zone, Names(rt))
