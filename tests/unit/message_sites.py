"""Where the code raises a refusal, read off the source: each raise of a `DomainError` (and each call
of the rules' `fail`), with the rule IDs it may cite, the case it names and the evidence keys it
carries, as far as the source says them. The catalogue test (`test_message_catalogue`) checks each
against `events.messages`."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ERRORS = frozenset({"DomainError", "RuleViolation", "StepOutOfOrder", "NotAuthorised", "NotFound", "InvalidDate"})
# `fail` is the rules' own (workflow.rules.base); the command line's `fail` is no refusal.
RULE_FAIL = "fail"
# A local helper that raises with the rule and case its callers give: name -> (rule, case argument).
WRAPPERS = {"void": ("R-BALLOTS", 0)}
# The rules' helpers that raise with the case their callers name (`case=`): name -> where the rule
# is (an argument's position, or None: the evidence's "rule") and where the evidence is.
GUARD_HELPERS: dict[str, tuple[int | None, int]] = {"require": (None, 1), "require_one_at_a_time": (0, 4)}


@dataclass(frozen=True)
class Site:
    where: str  # file:line
    function: str
    rules: frozenset[str] | None  # None: the rule is a variable the source does not settle
    case: str
    keys: frozenset[str]  # the evidence keys the source shows
    keys_complete: bool  # False when the evidence has keys the source does not name


def _dict_keys(node: ast.AST | None, known: dict[str, tuple[set[str], bool]]) -> tuple[set[str], bool]:
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return set(), True
    if isinstance(node, ast.Dict):
        keys: set[str] = set()
        complete = True
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:  # **spread
                inner, ok = _dict_keys(value, known)
                keys, complete = keys | inner, complete and ok
            elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                keys.add(key.value)
            else:
                complete = False
        return keys, complete
    if _is_cite(node):  # rules.cite("R-...", name=value, ...): the rule and the names it is given
        assert isinstance(node, ast.Call)
        keys, complete = {"rule"}, True
        for kw in node.keywords:
            if kw.arg is None:
                inner, ok = _dict_keys(kw.value, known)
                keys, complete = keys | inner, complete and ok
            else:
                keys.add(kw.arg)
        return keys, complete
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, lok = _dict_keys(node.left, known)
        right, rok = _dict_keys(node.right, known)
        return left | right, lok and rok
    if isinstance(node, ast.Name) and node.id in known:
        keys, complete = known[node.id]
        return set(keys), complete
    return set(), False


def _is_cite(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "cite"


def _assignments(fn: ast.FunctionDef) -> dict[str, tuple[set[str], bool]]:
    """The dict literals each name of the function is given, with the keys set on it later."""
    known: dict[str, tuple[set[str], bool]] = {}
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    keys, complete = _dict_keys(node.value, known)
                    before = known.get(target.id, (set(), True))
                    known[target.id] = (keys | before[0], complete)
                elif (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id in known
                    and isinstance(target.slice, ast.Constant)
                ):
                    known[target.value.id][0].add(str(target.slice.value))
    return known


def _called(node: ast.Call) -> str:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _case(node: ast.Call) -> ast.AST | None:
    return next((k.value for k in node.keywords if k.arg == "case"), None)


def _callers_rules(trees: dict[str, ast.Module], function: str, position: int, param: str) -> frozenset[str] | None:
    """The rule IDs the callers of `function` pass as its parameter `param`, when every caller
    passes a literal (a default counts when a caller leaves it out)."""
    found: set[str] = set()
    for tree in trees.values():
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef) and fn.name == function:
                defaults = fn.args.defaults
                names = [a.arg for a in fn.args.args]
                offset = len(names) - len(defaults)
                if param in names and names.index(param) >= offset:
                    default = _literal(defaults[names.index(param) - offset])
                    found |= {default} if default else set()
            if isinstance(fn, ast.Call) and _called(fn) == function:
                given = next((k.value for k in fn.keywords if k.arg == param), None)
                if given is None and len(fn.args) > position:
                    given = fn.args[position]
                if given is None:
                    continue
                literal = _literal(given)
                if literal is None:
                    return None
                found.add(literal)
    return frozenset(found) or None


def _sites_of(path: str, tree: ast.Module, trees: dict[str, ast.Module]) -> Iterator[Site]:
    in_workflow = path.startswith("workflow/")
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef):
            continue
        known = _assignments(fn)
        params = [a.arg for a in fn.args.args] + [a.arg for a in fn.args.kwonlyargs]
        for node in ast.walk(fn):
            if not isinstance(node, ast.Call):
                continue
            name = _called(node)
            if name in WRAPPERS:
                rule, at = WRAPPERS[name]
                yield Site(
                    f"{path}:{node.lineno}", fn.name, frozenset({rule}), _literal(node.args[at]) or "", *_keys(fn)
                )
                continue
            if name in GUARD_HELPERS and in_workflow and fn.name != name:
                yield _helper_site(path, fn, node, known)
                continue
            if not (name in ERRORS or (name == RULE_FAIL and in_workflow)) or len(node.args) < 2:
                continue
            case_node = _case(node)
            if isinstance(case_node, ast.Name):
                continue  # a wrapper's own raise (`WRAPPERS`): its callers are the sites
            rule_node = node.args[0]
            literal = _literal(rule_node)
            if literal is not None:
                rules: frozenset[str] | None = frozenset({literal})
            elif isinstance(rule_node, ast.Name) and rule_node.id in params:
                # a method's callers do not pass `self`
                position = params.index(rule_node.id) - (params[:1] == ["self"])
                rules = _callers_rules(trees, fn.name, position, rule_node.id)
            else:
                rules = None
            keys, complete = _dict_keys(node.args[2] if len(node.args) > 2 else None, known)
            yield Site(f"{path}:{node.lineno}", fn.name, rules, _literal(case_node) or "", frozenset(keys), complete)


def _helper_site(path: str, fn: ast.FunctionDef, node: ast.Call, known: dict[str, tuple[set[str], bool]]) -> Site:
    """A call of one of `GUARD_HELPERS`: the site is the call, with the rule it passes (or the
    rule its evidence names) and the case it names."""
    rule_at, evidence_at = GUARD_HELPERS[_called(node)]
    evidence = node.args[evidence_at] if len(node.args) > evidence_at else None
    rule = _literal(node.args[rule_at]) if rule_at is not None else _evidence_rule(fn, evidence)
    keys, complete = _dict_keys(evidence, known)
    rules = frozenset({rule}) if rule else None
    return Site(f"{path}:{node.lineno}", fn.name, rules, _literal(_case(node)) or "", frozenset(keys), complete)


def _evidence_rule(fn: ast.FunctionDef, evidence: ast.AST | None) -> str | None:
    """The literal "rule" of the evidence dict the function builds under `evidence`'s name."""
    if not isinstance(evidence, ast.Name):
        return None
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict | ast.Call):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not any(isinstance(t, ast.Name) and t.id == evidence.id for t in targets):
                continue
            if _is_cite(node.value):
                assert isinstance(node.value, ast.Call)
                return _literal(node.value.args[0])
            if isinstance(node.value, ast.Dict):
                for key, value in zip(node.value.keys, node.value.values, strict=True):
                    if _literal(key) == "rule":
                        return _literal(value)
    return None


def _keys(fn: ast.FunctionDef) -> tuple[frozenset[str], bool]:
    """A wrapper's callers give no evidence of their own: the enclosing function's `evidence`."""
    keys, complete = _assignments(fn).get("evidence", (set(), False))
    return frozenset(keys), complete


def refusal_sites(*packages: str) -> list[Site]:
    files = sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))
    trees = {str(p.relative_to(ROOT)): ast.parse(p.read_text(encoding="utf-8")) for p in files}
    return [site for path, tree in trees.items() for site in _sites_of(path, tree, trees)]


def warning_items(*packages: str) -> list[tuple[str, str, frozenset[str]]]:
    """Evidence items that carry a warning (a rule that warns rather than refuses): (where, rule,
    the keys the item holds, those set on it later included)."""
    found = []
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for fn in ast.walk(tree):
                if not isinstance(fn, ast.FunctionDef):
                    continue
                assigned = _assignments(fn)
                for node in ast.walk(fn):
                    if not isinstance(node, ast.Dict):
                        continue
                    rule = next(
                        (_literal(v) for k, v in zip(node.keys, node.values, strict=True) if _literal(k) == "rule"),
                        None,
                    )
                    keys, _ = _dict_keys(node, {})
                    # a dict given to a name gets the keys set on that name later too
                    later = [set(k) for n, (k, _) in assigned.items() if _assigned_to(fn, n) is node]
                    keys = keys.union(*later)
                    if rule and "warning" in keys:
                        found.append((f"{path.relative_to(ROOT)}:{node.lineno}", rule, frozenset(keys)))
    return found


def _assigned_to(fn: ast.FunctionDef, name: str) -> ast.AST | None:
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return node.value
    return None
