"""Command-line tasks for a host (`flask --app wsgi relais ...`): move an event between two
laptops with its package, and run the retention purge now."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from . import package
from .db import get_session
from .services import DomainError
from .services import events as event_service


@click.group("relais")
def relais() -> None:
    """Relais: packages and retention."""


@relais.command("export")
@click.argument("code")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--structure", is_flag=True, help="Its structure only: no note, vote, action or summary.")
@with_appcontext
def export_command(code: str, file: Path, structure: bool) -> None:
    """Write the package of the event CODE to FILE (.zip)."""
    from .web.handover import package_of

    try:
        event = event_service.find_event(get_session(), event_service.normalise_code(code))
    except DomainError:
        raise click.ClickException(f"no event has the code {code!r}") from None
    with current_app.test_request_context():
        data = package_of(event, full=not structure)
    file.write_bytes(data)
    click.echo(f"{file}: {len(data)} bytes")


@relais.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--template", is_flag=True, help="Its structure only (organisations, programme, workshops).")
@click.option("--starts-on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="A new first day; every day of the programme moves with it.")
@with_appcontext
def import_command(file: Path, template: bool, starts_on: dt.datetime | None) -> None:
    """Import the package FILE as a new event; print its code and its owner link (shown once)."""
    db = get_session()
    try:
        manifest = package.read_manifest(file.read_bytes()[: package.PACKAGE_MAX_BYTES + 1])
        event, token = package.import_package(db, manifest, copy=not template,
                                              starts_on=starts_on.date() if starts_on else None)
    except package.PackageError as exc:
        db.rollback()
        click.echo(f"refused, nothing imported: {exc.reason}", err=True)
        sys.exit(1)
    db.commit()
    base = current_app.config["PUBLIC_URL"] or ""
    click.echo(f"code: {event.code}")
    click.echo(f"owner link (keep it, it is shown once): {base}/f#{token}")


@relais.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete now every event whose retention is over."""
    from .forget import purge_expired

    click.echo(f"{purge_expired(current_app._get_current_object())} event(s) deleted")
