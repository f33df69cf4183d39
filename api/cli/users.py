"""`unionflow user add|list|disable|set-password`: the accounts people sign in to the web pages
with, managed by whoever holds the database (no token needed). A password is read from a prompt
(typed twice, not echoed) or, with `--password-stdin`, from the first line of standard input:
never from an argument, which other users of the machine could read in the process list."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from api.cli.common import DatabaseUrl, fail, ready_runtime

user_app = typer.Typer(
    help="Accounts: a person id, a name, roles at organisations (ROLE:ORG) and a password for the web "
    "pages. Run by whoever holds the database (no token needed).",
    no_args_is_help=True,
)

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of standard input (for scripts) instead of a prompt.",
    ),
]
# An existing account, as the commands after `add` name it.
AccountId = Annotated[str, typer.Argument(help="The account's person id.")]
BY = "cli"


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if not password:
            raise fail("--password-stdin: standard input holds no password", 2)
        return password
    typed: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return typed


@user_app.command("add")
def user_add(
    person: Annotated[str, typer.Argument(help="The person id (as recorded in every event the person causes).")],
    name: Annotated[str, typer.Option(help="The person's name, as shown on the pages.")],
    role: Annotated[
        list[str],
        typer.Option(
            help="A role at an organisation, ROLE:ORG (staff, approver, auditor or admin), e.g. staff:U1; "
            "repeat for several (the first is the one a web session starts in).",
        ),
    ],
    password_stdin: PasswordStdin = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Open an account with a password (from a prompt, or stdin with --password-stdin)."""
    from api.accounts import AccountError, parse_grant

    try:
        grants = [parse_grant(r) for r in role]
    except AccountError as exc:
        raise fail(f"--role: {exc}", 2) from None
    rt = ready_runtime(database_url)
    for g in grants:
        if not rt.service.load(g.org_id).exists:
            raise fail(f"--role: no organisation {g.org_id}", 2)
    try:
        account = rt.accounts.add(person, name, grants, _password(password_stdin), by=BY)
    except AccountError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"account {account.person_id} ({account.name}): {', '.join(map(str, account.grants))}")


@user_app.command("list")
def user_list(database_url: DatabaseUrl = None) -> None:
    """List the accounts: person id, name, status, roles (never a password or its hash)."""
    rt = ready_runtime(database_url)
    for a in rt.accounts.all():
        password = "" if a.has_password else "\tno password"
        typer.echo(f"{a.person_id}\t{a.name}\t{a.status}\t{','.join(map(str, a.grants))}{password}")


@user_app.command("disable")
def user_disable(
    person: AccountId,
    database_url: DatabaseUrl = None,
) -> None:
    """Disable an account: its web sessions end and its tokens are revoked, at once."""
    rt = ready_runtime(database_url)
    if not rt.accounts.disable(person, by=BY):
        raise fail(f"no account {person}")
    typer.echo(f"disabled {person}: its sessions ended and its tokens are revoked")


@user_app.command("set-password")
def user_set_password(
    person: AccountId,
    password_stdin: PasswordStdin = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Set an account's password (from a prompt, or stdin); its web sessions end."""
    from api.accounts import AccountError

    rt = ready_runtime(database_url)
    if rt.accounts.get(person) is None:
        raise fail(f"no account {person}")
    try:
        rt.accounts.set_password(person, _password(password_stdin), by=BY)
    except AccountError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"password of {person} set; its sessions ended")
