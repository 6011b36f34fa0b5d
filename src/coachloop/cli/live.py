"""`coachloop serve`, `replay` and `users`: the web app, live sessions and who may use them."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from coachloop.cli.common import DbOption, ReportFormat, app, err, open_db, out, print_json
from coachloop.errors import CoachloopError, ConfigError
from coachloop.ingest.records import readers
from coachloop.jobs.rubrics import is_rubric_file
from coachloop.model import Interaction
from coachloop.store import default_url

__all__ = ["users_app"]

users_app = typer.Typer(
    help="People and systems that use the web app and live sessions.", no_args_is_help=True
)

TOKEN_ENV = "COACHLOOP_TOKEN"

RubricOption = Annotated[
    list[Path] | None,
    typer.Option("--rubric", "-r", help="Extra rubric file live sessions may name or be given (repeatable)."),
]


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    rubric: RubricOption = None,
    knowledge: Annotated[
        Path | None,
        typer.Option("--knowledge", help="Knowledge-article catalogue (YAML; default: the shipped example)."),
    ] = None,
    no_knowledge: Annotated[bool, typer.Option("--no-knowledge", help="No knowledge prompts.")] = False,
    no_sentiment: Annotated[bool, typer.Option("--no-sentiment", help="No frustration prompts.")] = False,
    db: DbOption = None,
) -> None:
    """Serve the web app and API (OpenAPI at /openapi.json), live sessions over the
    WebSocket /ws/live, and the supervisor board at /board?token=TOKEN."""
    from coachloop.web import create_app
    from coachloop.web.server import serve

    application = create_app(
        db or default_url(),
        rubrics=list(rubric or []),
        knowledge=knowledge,
        no_knowledge=no_knowledge,
        sentiment=not no_sentiment,
    )
    err.print(f"coachloop: serving on http://{host}:{port} (board: /board?token=...)", highlight=False)
    serve(application, host, port)


def _read_calls(path: Path, fmt: str, redacted: bool) -> list[Interaction]:
    from coachloop.jobs import read_paths
    from coachloop.model import Rejected

    if not path.exists():
        raise ConfigError(f"{path}: no such file")
    items = read_paths([path], fmt) if redacted else iter(readers.get(fmt)(path))
    calls: list[Interaction] = []
    for item in items:
        if isinstance(item, Rejected):
            err.print(f"[yellow]skipped[/] {item.error.message}", highlight=False)
        elif isinstance(item, Interaction):
            calls.append(item)
    if not calls:
        raise ConfigError(f"{path}: no conversation to replay")
    return calls


@app.command("replay")
def replay_cmd(
    file: Annotated[Path, typer.Argument(help="Conversations to stream (native JSON Lines by default).")],
    url: Annotated[
        str | None,
        typer.Option(
            "--url", help="Base URL of a running `coachloop serve` (default: start one here on --db)."
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token", envvar=TOKEN_ENV, show_envvar=True, help="Admin token for --url (`users add`)."
        ),
    ] = None,
    speed: Annotated[
        float, typer.Option("--speed", min=0, help="Pace: 1 real time, 10 ten times faster, 0 no waiting.")
    ] = 1.0,
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", min=1, help="Sessions streaming at once.")
    ] = 1,
    rubric: Annotated[
        str | None,
        typer.Option(
            "--rubric",
            "-r",
            help="Rubric every session asks for: a name the server knows, or a YAML file "
            "(loaded by the in-process server, and used for the live/batch comparison).",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format-in", help="Input format (a reader name).")] = "native",
    output: Annotated[ReportFormat, typer.Option("--format", help="table or json.")] = ReportFormat.table,
    db: DbOption = None,
) -> None:
    """Stream conversations through the live path and print what happened: prompts,
    latency, messages lost and live/batch disagreements."""
    from coachloop.evaluate import CompiledRubric, load_rubric
    from coachloop.realtime.replay import replay

    calls = _read_calls(file, fmt, redacted=False)
    batch = _read_calls(file, fmt, redacted=True)
    if len(batch) != len(calls):
        batch = []
    rubric_files: list[Path] = []
    extra: list[CompiledRubric] = []
    if rubric is not None and is_rubric_file(rubric):
        rubric_files = [Path(rubric)]
        extra = [load_rubric(rubric_files[0])]
        rubric = extra[0].name  # sessions ask for the file's rubric by its name
    if url is None:
        from coachloop.jobs.live import create_user
        from coachloop.web import create_app
        from coachloop.web.server import BackgroundServer

        application = create_app(db or default_url(), rubrics=rubric_files)
        local_token = create_user(application.state.store, f"replay-{secrets.token_hex(4)}", "admin")
        with BackgroundServer(application) as base:
            result = replay(
                calls,
                base,
                local_token,
                speed=speed,
                concurrency=concurrency,
                rubric=rubric,
                batch=batch or None,
                extra_rubrics=extra,
            )
    else:
        if not token:
            raise ConfigError(
                f"--url needs --token (or {TOKEN_ENV}): an admin token from `coachloop users add`"
            )
        result = replay(
            calls,
            url,
            token,
            speed=speed,
            concurrency=concurrency,
            rubric=rubric,
            batch=batch or None,
            extra_rubrics=extra,
        )
    summary = result.summary()
    if output is ReportFormat.json:
        print_json(summary)
    else:
        _print_replay(summary)
    if summary["errors"]:
        raise CoachloopError(f"{len(summary['errors'])} sessions failed; first: {summary['errors'][0]}")


def _print_replay(summary: dict[str, object]) -> None:
    prompts = summary["prompts"]
    assert isinstance(prompts, list)
    table = Table(title="prompts")
    for column in ("session", "kind", "behavior", "at_utterance", "latency_ms", "withdrawn"):
        table.add_column(column)
    for p in prompts:
        table.add_row(
            *(
                str(p.get(c, ""))
                for c in ("session", "kind", "behavior", "at_utterance", "latency_ms", "withdrawn")
            )
        )
    out.print(table)
    latency = summary["latency_ms"]
    out.print(
        f"sessions {summary['sessions']}  utterances {summary['utterances']}  prompts {len(prompts)}  "
        f"latency_ms {latency}  lost {summary['lost']}  live_batch_disagreements {summary['live_batch_disagreements']}",
        highlight=False,
    )


def _read_password(stdin: bool, confirm: bool = True) -> str:
    import sys

    if stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=confirm))


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Unique user name.")],
    role: Annotated[str, typer.Option("--role", help="agent, supervisor, qa, leader or admin.")],
    team: Annotated[
        str | None, typer.Option("--team", help="The team a supervisor sees (or an agent is in).")
    ] = None,
    agent_id: Annotated[
        str | None, typer.Option("--agent", "--agent-id", help="The agent id an agent's calls carry.")
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read a password for the pages from the first line of stdin."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Add a user and print their bearer token (shown once; only its hash is stored).
    With --password-stdin they can also sign in to the pages (argon2id hash stored)."""
    from coachloop.jobs.live import create_user
    from coachloop.jobs.users import MIN_PASSWORD, set_password

    password = _read_password(True) if password_stdin else None
    if password is not None and len(password) < MIN_PASSWORD:
        raise ConfigError(f"a password needs at least {MIN_PASSWORD} characters")
    with open_db(db) as store:
        token = create_user(store, name, role, team=team, agent_id=agent_id)
        if password is not None:
            set_password(store, name, password)
    out.print(token, highlight=False)
    if os.isatty(2):
        err.print(f"user {name!r} ({role}) added; keep the token, it is not shown again", highlight=False)


@users_app.command("passwd")
def users_passwd(
    name: Annotated[str, typer.Argument(help="The user.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Set (or change) a user's password for signing in to the pages."""
    from coachloop.jobs.users import set_password

    password = _read_password(password_stdin)
    with open_db(db) as store:
        set_password(store, name, password)
    err.print(f"password of {name!r} set", highlight=False)


@users_app.command("list")
def users_list(
    output: Annotated[ReportFormat, typer.Option("--format", help="table or json.")] = ReportFormat.table,
    db: DbOption = None,
) -> None:
    """Users with their role, agent id, team and whether they have a password."""
    from coachloop.jobs.users import list_users

    with open_db(db) as store:
        found = list_users(store)
    if output is ReportFormat.json:
        print_json(
            [
                {"name": u.name, "role": u.role, "agent_id": u.agent_id, "team": u.team, "password": has}
                for u, has in found
            ]
        )
        return
    table = Table(title="users")
    for column in ("name", "role", "agent_id", "team", "password"):
        table.add_column(column)
    for u, has in found:
        table.add_row(u.name, u.role, u.agent_id or "", u.team or "", "yes" if has else "no")
    out.print(table)
