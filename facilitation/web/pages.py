"""Pages for people: home, join, event, phone board, projector, console."""

from __future__ import annotations

import io
from urllib.parse import urlparse

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from .. import health, throttle
from .. import payloads as pl
from .. import protocol as p
from ..assets import compressed_page
from ..db import DatabaseBusy, get_session
from ..i18n import LANGUAGES, phase_labels
from ..identity import (
    ensure_participant,
    facilitated_events,
    grant_facilitator,
    grant_link,
    is_facilitator,
    runs_board,
    workshop_links,
)
from ..mirror import board_file_parts, board_text
from ..models import Event, Workshop
from ..services import DomainError, access
from ..services import events as event_service
from ..services import workshops as workshop_service
from .common import create_event_here, event_or_404, facilitator_event, id_arg, load_event, no_store, public_base_url
from .meeting import programme_view

bp = Blueprint("pages", __name__)


def _workshop_or_404(event: Event, workshop_id: int) -> Workshop:
    try:
        return workshop_service.get_workshop(get_session(), event, workshop_id)
    except DomainError:
        abort(404)


@bp.get("/")
def home() -> str:
    """Home: create an event, or type a code to join one; the events this browser runs."""
    return render_template("home.html", form={}, error=None, mine=_mine())


def _mine() -> list[tuple[Event, bool]]:
    """The events this browser runs, and whether as their owner."""
    return [(e, is_facilitator(e)) for e in facilitated_events(get_session())]


@bp.post("/events")
@throttle.limiter.limit(throttle.POLICIES["create-event"], scope="create-event")
def create_event() -> Response | tuple[str, int]:
    """Create an event from the home form; show the facilitator link once."""
    form = request.form.to_dict()
    try:
        event, facilitator_url, join_url = create_event_here(pl.parse(pl.EventForm, form, whole="body").given())
    except (DomainError, pl.PayloadError) as exc:
        get_session().rollback()
        return render_template("home.html", form=form, error=gettext(p.MESSAGES[exc.code]),
                               error_field=getattr(exc, "field", None) or exc.details.get("field")), 400
    page = render_template("created.html", event=event, facilitator_url=facilitator_url, join_url=join_url)
    return no_store(make_response(page))


@bp.get("/join")
def join() -> Response:
    """The join form's target: go to the event of the typed code."""
    try:
        typed = pl.parse(pl.JoinForm, request.args.to_dict(), whole="query").code
    except pl.PayloadError:
        typed = ""
    code = event_service.normalise_code(typed)
    try:
        load_event(code)
    except DomainError:
        return make_response(
            render_template("home.html", form={}, error=gettext("No event has this code."), code=code),
            404,
        )
    return redirect(url_for("pages.event_page", code=code))


def _open_secret(token: str) -> str | None:
    """A secret link's token: the owner's (remember it in the cookie: the console), or a
    workshop facilitator's (remember it: that workshop's board, or the list of its
    workshops). The address to go to, or None for a token that is not (or no longer) one."""
    db = get_session()
    throttle.check_guesses("guess-link")
    event = event_service.event_for_token(db, token)
    if event is not None:
        grant_facilitator(event)
        ensure_participant(db, event)
        db.commit()
        return url_for("pages.console", code=event.code)
    link = access.link_for_token(db, token)
    if link is None:
        throttle.missed("guess-link")
        return None
    grant_link(link)
    ensure_participant(db, link.event)
    db.commit()
    if len(link.workshops) == 1:
        return url_for("pages.console_board", code=link.event.code, workshop_id=link.workshops[0].id)
    return url_for("pages.facilitate", code=link.event.code)


@bp.get("/f")
def secret_page() -> str:
    """Where a secret link (/f#<token>) lands: its script posts the token, which the browser
    never sent in the address, and goes where the answer says."""
    return no_store(make_response(render_template("secret.html")))


@bp.post("/f")
def secret_exchange() -> Response | tuple[Response, int]:
    """The token of a secret link, posted by /f's script as JSON {token}: answers {ok,
    location} and sets the cookie; 404 not_found for a token that is not (or no longer) one."""
    try:
        token = pl.parse(pl.SecretIn, request.get_json(silent=True), whole="body").token
    except pl.PayloadError as exc:
        return jsonify(p.error(exc.code, gettext(p.MESSAGES[exc.code]), field=exc.field)), 400
    location = _open_secret(token)
    if location is None:
        return jsonify(p.error(p.NOT_FOUND, gettext(p.MESSAGES[p.NOT_FOUND]))), 404
    return jsonify(p.ok(location=location))


@bp.get("/f/<token>")
def facilitator_login(token: str) -> Response:
    """A secret link of the earlier form, with the token in the path (which proxies log):
    still opened, until the link is replaced."""
    location = _open_secret(token)
    if location is None:
        abort(404)
    return redirect(location)


@bp.get("/<code>/facilitate")
def facilitate(code: str) -> str:
    """The workshops this browser runs with a workshop facilitator's link (403 without one)."""
    event = event_or_404(code)
    db = get_session()
    links = workshop_links(db, event)
    if not links and not is_facilitator(event):
        abort(403)
    workshops = event.workshops if is_facilitator(event) else sorted(
        {w.id: w for link in links for w in link.workshops}.values(), key=lambda w: w.id)
    return render_template("facilitate.html", event=event, workshops=workshops, links=links)


@bp.get("/lang/<lang>")
def set_language(lang: str) -> Response:
    """The language switch: remember the choice and go back."""
    target = request.args.get("next") or "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/"):
        target = "/"
    response = redirect(target)
    if lang in LANGUAGES:
        response.set_cookie("lang", lang, max_age=60 * 60 * 24 * 365, samesite="Lax", httponly=True)
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it whatever the page says."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/healthz")
def healthz() -> Response:
    """Liveness: the process answers (200), with what it knows of its database, Redis and files."""
    return jsonify({"ok": True, **health.report(current_app)})


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Readiness: 200 when the database and Redis answer and the Markdown files are whole,
    else 503 with the reasons (for nginx, a load balancer or a monitor)."""
    report = health.report(current_app)
    ready = health.is_ready(report)
    return jsonify({"ok": ready, **report}), 200 if ready else 503


@bp.get("/<code>")
def event_page(code: str) -> Response | str:
    """The event a participant joined: profile and the list of workshops."""
    if code != event_service.normalise_code(code):
        return redirect(url_for("pages.event_page", code=event_service.normalise_code(code)))
    event = event_or_404(code)
    db = get_session()
    participant = ensure_participant(db, event)
    db.commit()
    return render_template(
        "event.html", event=event, participant=participant, facilitator=is_facilitator(event),
        programme=programme_view(event),
    )


@bp.post("/<code>/profile")
def save_profile(code: str) -> Response | tuple[str, int]:
    """Save the optional pseudonym and organisation, then go back (or say what is wrong)."""
    event = event_or_404(code)
    db = get_session()
    participant = ensure_participant(db, event)
    try:
        profile = pl.parse(pl.ProfileForm, request.form.to_dict(), whole="body")
        event_service.set_profile(db, participant, pseudonym=profile.pseudonym, organisation_id=profile.organisation)
    except (DomainError, pl.PayloadError) as exc:
        db.rollback()
        status = 404 if exc.code == p.NOT_FOUND else 400
        return render_template("event.html", event=event, participant=participant, facilitator=is_facilitator(event),
                               programme=programme_view(event), profile_error=gettext(p.MESSAGES[exc.code]),
                               form=request.form), status
    db.commit()
    target = request.form.get("next", "")
    if not target.startswith(f"/{event.code}"):
        target = url_for("pages.event_page", code=event.code)
    return redirect(target)


@bp.get("/<code>/w/<id:workshop_id>")
def phone_board(code: str, workshop_id: int) -> Response | str:
    """The phone screen of a workshop: write notes, see everyone's, live."""
    event = event_or_404(code)
    workshop = _workshop_or_404(event, workshop_id)
    db = get_session()
    participant = ensure_participant(db, event)
    db.commit()
    return compressed_page(render_template(
        "phone.html", event=event, workshop=workshop, participant=participant, facilitator=is_facilitator(event),
    ))


@bp.get("/<code>/w/<id:workshop_id>/screen")
def projector(code: str, workshop_id: int) -> Response | str:
    """The projector screen: QR code, code to join, columns of notes; no controls."""
    event = event_or_404(code)
    workshop = _workshop_or_404(event, workshop_id)
    db = get_session()
    ensure_participant(db, event)
    db.commit()
    base = public_base_url()
    return compressed_page(render_template(
        "projector.html",
        event=event,
        workshop=workshop,
        join_url=f"{base}/{event.code}/w/{workshop.id}",
        join_host=base.split("://", 1)[-1],
    ))


@bp.get("/<code>/qr.svg")
def qr_code(code: str) -> Response:
    """A QR code (SVG) to join the event, or one workshop with ?w=<id>."""
    event = event_or_404(code)
    target = f"{public_base_url()}/{event.code}"
    if "w" in request.args:
        workshop_id = id_arg("w")
        if workshop_id is None:
            abort(404)
        target += f"/w/{_workshop_or_404(event, workshop_id).id}"
    buf = io.BytesIO()
    segno.make(target, error="m").save(buf, kind="svg", scale=10, border=2, xmldecl=False)
    response = make_response(buf.getvalue())
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/<code>/console")
def console(code: str) -> str:
    """The facilitator console: event, organisations, workshops, columns."""
    event = facilitator_event(code)
    return render_template("console.html", event=event, join_url=f"{public_base_url()}/{event.code}")


def _run_or_403(code: str, workshop_id: int) -> tuple[Event, Workshop]:
    """The event and workshop of a page for those who run it (the owner or its facilitators)."""
    event = event_or_404(code)
    workshop = _workshop_or_404(event, workshop_id)
    if not runs_board(get_session(), event, workshop.board):
        abort(403)
    return event, workshop


@bp.get("/<code>/console/w/<id:workshop_id>")
def console_board(code: str, workshop_id: int) -> str:
    """The facilitator's board: moderate notes, drag them between columns (the owner, or this
    workshop's facilitators)."""
    event, workshop = _run_or_403(code, workshop_id)
    return render_template(
        "console_board.html", event=event, workshop=workshop, phases=phase_labels(), owner=is_facilitator(event),
    )


@bp.get("/<code>/w/<id:workshop_id>/notes.md")
def download_markdown(code: str, workshop_id: int) -> Response:
    """Download the board's Markdown note (the owner, or this workshop's facilitators)."""
    event, workshop = _run_or_403(code, workshop_id)
    board = workshop.board
    text = board_text(get_session(), board)  # in the event's language, as on disk
    _, stem = board_file_parts(board)
    response = make_response(text)
    response.headers["Content-Type"] = "text/markdown; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.md"'
    return no_store(response)


def _api_error(code: str, status: int, **details: object) -> Response | None:
    if request.path.startswith("/api/"):
        response = jsonify(p.error(code, gettext(p.MESSAGES[code]), **details))
        response.status_code = status
        return response
    return None


@bp.app_errorhandler(404)
def not_found(_exc: Exception) -> Response | tuple[str, int]:
    """A friendly page for a wrong address or code (JSON under /api/)."""
    return _api_error(p.NOT_FOUND, 404) or render_template("error.html", title=gettext("Not found"),
                           message=gettext("This page or this code does not exist.")), 404


@bp.app_errorhandler(403)
def forbidden(exc: Exception) -> Response | tuple[str, int]:
    """A request from another site, or a page for facilitators only."""
    if getattr(exc, "description", None) == p.CROSS_SITE:
        return _api_error(p.CROSS_SITE, 403) or (render_template(
            "error.html", title=gettext("Not valid"), message=gettext(p.MESSAGES[p.CROSS_SITE])), 403)
    if request.path.startswith("/api/"):
        return _api_error(p.NOT_FACILITATOR, 403)
    message = gettext("Open the secret facilitator link you received when the event was created.")
    return render_template("error.html", title=gettext("Facilitators only"), message=message), 403


@bp.app_errorhandler(DatabaseBusy)
def busy(_exc: Exception) -> Response | tuple[str, int]:
    """Another process held the database for too long: try again in a moment."""
    get_session().rollback()
    response = _api_error(p.BUSY, 503, retry_after=2) or make_response(render_template(
        "error.html", title=gettext("One moment"), message=gettext(p.MESSAGES[p.BUSY])), 503)
    response.headers["Retry-After"] = "2"
    return response


@bp.app_errorhandler(throttle.TooFast)
@bp.app_errorhandler(429)
def too_fast(exc: Exception) -> Response | tuple[str, int]:
    """Over a rate limit: say so, and when to try again (Retry-After)."""
    wait = getattr(exc, "retry_after", None) or 60
    response = _api_error(p.TOO_FAST, 429, retry_after=wait) or make_response(render_template(
        "error.html", title=gettext("Slow down"), message=gettext(p.MESSAGES[p.TOO_FAST])), 429)
    response.headers["Retry-After"] = str(wait)
    return response


@bp.app_errorhandler(405)
@bp.app_errorhandler(413)
def refused_request(exc: Exception) -> Response | tuple[str, int]:
    """A wrong method or a body over MAX_CONTENT_LENGTH."""
    status = getattr(exc, "code", 400)
    code = p.TOO_LONG if status == 413 else p.BAD_REQUEST
    return _api_error(code, status) or (render_template(
        "error.html", title=gettext("Not valid"), message=gettext(p.MESSAGES[code])), status)


@bp.app_errorhandler(400)
def bad_request(_exc: Exception) -> Response | tuple[str, int]:
    """A form that could not be read."""
    return _api_error(p.BAD_REQUEST, 400) or render_template("error.html", title=gettext("Not valid"),
                           message=gettext(p.MESSAGES[p.BAD_REQUEST])), 400
