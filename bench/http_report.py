"""`bench_http`'s report: Markdown, the ratios first (the machine is shared and noisy; figures of
one run compared with each other mean more than figures compared across runs), then every cell."""

from __future__ import annotations

from typing import Any

WORKLOAD_LABELS = {
    "facts": "POST /unions/{id}/facts",
    "alerts": "GET /alerts",
    "union": "GET /unions/{id}",
    "inbox": "GET /inbox",
}
READS = ("alerts", "union", "inbox")


def _num(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _cell(backend: dict[str, Any], workload: str, clients: int) -> dict[str, Any] | None:
    return next((c for c in backend["cells"] if c["workload"] == workload and c["clients"] == clients), None)


def _ratio(part: float | None, whole: float | None) -> str:
    return "–" if not part or not whole else f"{part / whole:.2f}"


def ratios(result: dict[str, Any]) -> list[str]:
    """Per backend: the HTTP command rate at the ratio's clients over the in-process rate, the
    server CPU per command over the in-process CPU per command, the command's p99 at the most
    clients, and the reads per second at the ratio's clients."""
    at = result["settings"]["ratio_clients"]
    most = max(result["settings"]["clients"])
    lines = [
        f"| backend | HTTP commands/s at {at} clients ÷ in-process | server CPU per command, HTTP ÷ in-process "
        f"| command p99 at {most} clients | reads/s at {at} clients: "
        + " · ".join(WORKLOAD_LABELS[r] for r in READS)
        + " | errors |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, backend in result["backends"].items():
        inproc = backend["in_process"]
        cmd, cmd_most = _cell(backend, "facts", at), _cell(backend, "facts", most)
        rate = cmd["rate"] if cmd else None
        cpu = cmd["server_cpu_ms"] if cmd else None
        reads = " · ".join(_num(c["rate"]) if (c := _cell(backend, r, at)) else "–" for r in READS)
        errors = sum(c["errors"] for c in backend["cells"])
        lines.append(
            f"| {name} | **{_ratio(rate, inproc['rate'])}** ({_num(rate)} / {_num(inproc['rate'])}) "
            f"| **{_ratio(cpu, inproc['cpu_ms'])}** ({_num(cpu, 2)} / {_num(inproc['cpu_ms'], 2)} ms) "
            f"| {_num(cmd_most['p99_ms'], 1) if cmd_most else '–'} ms | {reads} | {errors} |"
        )
    return lines


def cells(result: dict[str, Any], baseline: dict[str, Any] | None) -> list[str]:
    head = (
        "| backend | workload | clients | requests | req/s | p50 ms | p99 ms | errors "
        "| server CPU ms/req | db CPU ms/req (at least) | db connections opened | client CPU ms/req |"
    )
    lines = [head + (" req/s ÷ baseline |" if baseline else ""), "| --- " * (13 if baseline else 12) + "|"]
    for name, backend in result["backends"].items():
        inproc = backend["in_process"]
        lines.append(
            f"| {name} | in-process `WorkflowService.execute`, facts ({inproc['unions']} unions) | 1 "
            f"| {inproc['requests']:,} | {_num(inproc['rate'])} | {_num(inproc['p50_ms'], 2)} "
            f"| {_num(inproc['p99_ms'], 2)} | 0 | {_num(inproc['cpu_ms'], 2)} | | | |"
            + (f" {_versus(baseline, name, None, inproc['rate'])} |" if baseline else "")
        )
        for c in backend["cells"]:
            lines.append(
                f"| {name} | {WORKLOAD_LABELS[c['workload']]} | {c['clients']} | {c['requests']:,} | {_num(c['rate'])} "
                f"| {_num(c['p50_ms'], 1)} | {_num(c['p99_ms'], 1)} | {c['errors']} | {_num(c['server_cpu_ms'], 2)} "
                f"| {_num(c['db_cpu_ms'], 2)} | {_num(c.get('db_sessions'))} | {_num(c['client_cpu_ms'], 2)} |"
                + (f" {_versus(baseline, name, c, c['rate'])} |" if baseline else "")
            )
    return lines


def _versus(baseline: dict[str, Any] | None, backend: str, cell: dict[str, Any] | None, rate: float) -> str:
    """This rate over the baseline's same cell (or in-process rate)."""
    theirs = (baseline or {}).get("backends", {}).get(backend)
    if theirs is None:
        return "–"
    if cell is None:
        return _ratio(rate, theirs["in_process"]["rate"])
    same = _cell(theirs, cell["workload"], cell["clients"])
    return _ratio(rate, same["rate"]) if same else "–"


def errors(result: dict[str, Any]) -> list[str]:
    found = [
        f"- {name}, {WORKLOAD_LABELS[c['workload']]}, {c['clients']} clients: {c['statuses']}; "
        f"first: {c['first_error']}"
        for name, backend in result["backends"].items()
        for c in backend["cells"]
        if c["errors"]
    ]
    return ["", "Errors:", *found] if found else []


def markdown(result: dict[str, Any], baseline: dict[str, Any] | None = None) -> str:
    s, m = result["settings"], result["machine"]
    load = "–".join(f"{x:.1f}" for x in (m["load_before"][0], m["load_after"][0]))
    shared = [name for name, b in result["backends"].items() if b["shared_unions"]]
    demos = ", ".join(f"{name}: {b['demo_unions']} unions" for name, b in result["backends"].items())
    lines = [
        f"## HTTP load, {result['started']}",
        "",
        f"`unionflow serve --workers {s['workers']}` on loopback; the demo with "
        f"{demos}; "
        f"{s['duration']:g} s a cell; {m['cpus']} CPUs, load average {load} (before–after); Python {m['python']}."
        + (f" Clients share unions on {', '.join(shared)} (too few in the demo)." if shared else ""),
        "",
        *ratios(result),
        "",
        *cells(result, baseline),
        *errors(result),
    ]
    return "\n".join(lines)
