"""The `coachloop` command line: a thin shell over `coachloop.jobs` and the store.

Every command exits non-zero with one readable line on stderr when it cannot do its
job; set COACHLOOP_DEBUG=1 for the full traceback. Each command group is its own module.
"""

from __future__ import annotations

import os
import sys

import typer

from coachloop.cli import (
    coach_sessions,
    demo,
    evaluate,
    evaluations,
    export,
    ingest,
    language,
    live,
    measure,
    metrics,
    reasons,
    review,
    rubric,
    signals,
)
from coachloop.cli.common import app, err
from coachloop.errors import CoachloopError

__all__ = ["app", "main"]

app.add_typer(export.export_app, name="export")
app.add_typer(rubric.rubric_app, name="rubric")
app.add_typer(ingest.quarantine_app, name="quarantine")
app.add_typer(language.language_app, name="language")
app.add_typer(reasons.reasons_app, name="reasons")
app.add_typer(measure.eval_app, name="eval")
app.add_typer(review.review_app, name="review")
app.add_typer(evaluations.evaluations_app, name="evaluations")
app.add_typer(live.users_app, name="users")
app.add_typer(coach_sessions.sessions_app, name="coach")
_COMMAND_MODULES = (demo, evaluate, live, metrics, signals)


def main(argv: list[str] | None = None) -> None:
    """Entry point: one readable line on stderr and a non-zero exit for any failure.

    Usage errors exit 2, coachloop's own errors and OS errors exit 1; set
    COACHLOOP_DEBUG=1 for the traceback.
    """
    debug = os.environ.get("COACHLOOP_DEBUG") == "1"
    try:
        status = app(args=argv, standalone_mode=False)
        if isinstance(status, int) and status:  # a command's `typer.Exit(code)` comes back as its code
            sys.exit(status)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except typer.Abort:
        _fail("aborted", 130)
    except KeyboardInterrupt:
        _fail("interrupted; finished batches are stored - run the command again to resume", 130)
    except CoachloopError as e:
        if debug:
            raise
        _fail(str(e), 1)
    except OSError as e:
        if debug:
            raise
        where = f"{e.filename}: " if e.filename else ""
        _fail(f"{where}{e.strerror or e}", 1)
    except typer.TyperException as e:  # usage errors: unknown command, bad option value
        message = e.format_message() if hasattr(e, "format_message") else str(e)
        code = getattr(e, "exit_code", 2)
        if not message:  # no arguments at all: the help was shown
            sys.exit(code)
        _fail(f"{message} (see `coachloop --help`)", code)


def _fail(message: str, code: int) -> None:
    err.print(f"coachloop: error: {message}", highlight=False, markup=False, soft_wrap=True)
    sys.exit(code)
