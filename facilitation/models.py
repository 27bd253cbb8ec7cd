"""Database tables, typed with SQLAlchemy 2's Mapped[]."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    """Return the current time in UTC."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Event(Base):
    """A meeting between associations, joined with a short code."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(120), default="")
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    # sha256 of the facilitator token; the token itself is shown once and never stored.
    facilitator_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Where the programme's times are (now / next follow this zone) and the language of its files.
    timezone: Mapped[str] = mapped_column(String(40), default="Europe/Paris", server_default="Europe/Paris")
    language: Mapped[str] = mapped_column(String(8), default="fr", server_default="fr")
    # The bilan: "Et après ?" (the next meeting, who takes over), and whether it names people.
    next_meeting: Mapped[str] = mapped_column(Text, default="", server_default="")
    bilan_pseudonyms: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The live parts of the whole event (the tour de table, the plenary screen) share one seq.
    seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    round_organisation_id: Mapped[int | None] = mapped_column(Integer)  # the card on the screen now
    round_timer_ends_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    round_timer_left_ms: Mapped[int | None] = mapped_column(Integer)
    round_timer_total_ms: Mapped[int | None] = mapped_column(Integer)
    plenary_workshop_id: Mapped[int | None] = mapped_column(Integer)  # None: every workshop in turn
    # Days after its last day until it is deleted for good; None: the server's RETENTION_DAYS.
    retention_days: Mapped[int | None] = mapped_column(Integer)
    # Counted from its last day, but never from before this day (events that existed before
    # retention did: the day of that upgrade).
    retention_from: Mapped[dt.date | None] = mapped_column(Date)

    organisations: Mapped[list[Organisation]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Organisation.name"
    )
    workshops: Mapped[list[Workshop]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="(Workshop.day, Workshop.time_slot, Workshop.position, Workshop.id)",
    )
    programme: Mapped[list[ProgrammeItem]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="(ProgrammeItem.day, ProgrammeItem.starts_at, ProgrammeItem.position, ProgrammeItem.id)",
    )
    links: Mapped[list[FacilitatorLink]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="FacilitatorLink.id"
    )


class Organisation(Base):
    """An association taking part in an event."""

    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(80), default="")
    country: Mapped[str] = mapped_column(String(80), default="")
    # Its card for the tour de table: filled in by its members or the facilitator.
    website: Mapped[str] = mapped_column(String(200), default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="", server_default="")  # what it is and does
    on_subject: Mapped[str] = mapped_column(Text, default="", server_default="")  # on the meeting's subject
    contact: Mapped[str] = mapped_column(String(200), default="", server_default="")
    card_ready: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # its turn in the round
    is_host: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    event: Mapped[Event] = relationship(back_populates="organisations")


class Workshop(Base):
    """An atelier: a guiding question, a slot, a room, and one board."""

    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    question: Mapped[str] = mapped_column(String(500), default="")
    day: Mapped[dt.date | None] = mapped_column(Date)
    time_slot: Mapped[str] = mapped_column(String(40), default="")
    room: Mapped[str] = mapped_column(String(80), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The facilitator's own summary, for the bilan (Markdown).
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The programme's workshops slot it runs in (several workshops share one, in parallel).
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("programme_items.id", ondelete="SET NULL"), index=True)

    event: Mapped[Event] = relationship(back_populates="workshops")
    board: Mapped[Board] = relationship(
        back_populates="workshop", cascade="all, delete-orphan", uselist=False
    )
    # The workshop facilitators' links that run it (beside the owner's).
    links: Mapped[list[FacilitatorLink]] = relationship(secondary="facilitator_link_workshops", viewonly=True,
                                                        order_by="FacilitatorLink.id")


class Board(Base):
    """The live sticky-note board of one workshop."""

    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), unique=True
    )
    # Kept here too so that authorising a board event needs no join.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # Bumped in the same transaction as every change; broadcasts carry it.
    seq: Mapped[int] = mapped_column(Integer, default=0)
    # How the facilitator runs the workshop (see services/state.py). Every new column
    # has a server default, so that db.upgrade_schema can add it to an older database.
    phase: Mapped[str] = mapped_column(String(16), default="collect", server_default="collect")
    private: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    anonymity: Mapped[str] = mapped_column(String(16), default="shown", server_default="shown")
    # A running timer has ends_at; a paused one has left_ms instead.
    timer_ends_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    timer_left_ms: Mapped[int | None] = mapped_column(Integer)
    timer_total_ms: Mapped[int | None] = mapped_column(Integer)
    timer_locks: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    spotlight_kind: Mapped[str | None] = mapped_column(String(8))
    spotlight_id: Mapped[int | None] = mapped_column(Integer)
    # Seconds each page of the projector stays up when the board does not fit (0: paused).
    page_seconds: Mapped[int] = mapped_column(Integer, default=15, server_default="15")

    workshop: Mapped[Workshop] = relationship(back_populates="board")
    # Loaded with the board: every board event is authorised against its event.
    event: Mapped[Event] = relationship(lazy="joined")
    columns: Mapped[list[Column]] = relationship(
        back_populates="board",
        cascade="all, delete-orphan",
        order_by="(Column.position, Column.id)",
    )


class Column(Base):
    """An ordered column of a board."""

    __tablename__ = "columns"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)

    board: Mapped[Board] = relationship(back_populates="columns")


class Participant(Base):
    """Someone on a phone: a random id kept in their signed cookie, nothing more."""

    __tablename__ = "participants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(40), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Note(Base):
    """A sticky note: Markdown source, a colour, a place in a column."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    column_id: Mapped[int] = mapped_column(ForeignKey("columns.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[str | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    color: Mapped[str] = mapped_column(String(16), default="yellow")
    position: Mapped[int] = mapped_column(Integer, default=0)
    pseudonym: Mapped[str] = mapped_column(String(40), default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    edited_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Notes of a group are ordered among themselves; loose notes among the loose ones.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"), index=True)
    # False: "not for the bilan" (its author or the facilitator said so); it stays on the board.
    for_bilan: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The text rendered to safe HTML when it was written, and by which renderer (a note is
    # read by every screen many times, written once: see export/render.RENDER_VERSION).
    html: Mapped[str | None] = mapped_column(Text)
    html_version: Mapped[str | None] = mapped_column(String(40))

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")


class ProgrammeItem(Base):
    """A time of the programme: a round of presentations, workshops in parallel, a plenary,
    a break, or free text; on one day of the event, from a start to an end (local times)."""

    __tablename__ = "programme_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    starts_at: Mapped[dt.time] = mapped_column(Time)
    ends_at: Mapped[dt.time] = mapped_column(Time)  # before starts_at: it ends after midnight
    kind: Mapped[str] = mapped_column(String(12))  # round, workshops, plenary, break, text
    title: Mapped[str] = mapped_column(String(120), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    room: Mapped[str] = mapped_column(String(80), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="programme")
    workshops: Mapped[list[Workshop]] = relationship(order_by="(Workshop.position, Workshop.id)")


class CardNote(Base):
    """A question or a note a participant posted to an organisation's card during the round."""

    __tablename__ = "card_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(8), default="question")  # question or note
    text: Mapped[str] = mapped_column(Text)
    for_bilan: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Group(Base):
    """A named cluster of notes inside one column."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    column_id: Mapped[int] = mapped_column(ForeignKey("columns.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Vote(Base):
    """A round of dot voting on the notes (or the groups) of a board."""

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(8), default="notes")  # "notes" or "groups"
    budget: Mapped[int] = mapped_column(Integer, default=3)
    cap: Mapped[int] = mapped_column(Integer, default=1)
    hide_results: Mapped[bool] = mapped_column(Boolean, default=True)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Ballot(Base):
    """How many dots one participant has used in a vote; the budget is a WHERE on this row."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("vote_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"))
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    used: Mapped[int] = mapped_column(Integer, default=0)


class Dot(Base):
    """How many dots one participant put on one note or group (never sent to anyone else)."""

    __tablename__ = "dots"
    __table_args__ = (UniqueConstraint("vote_id", "participant_id", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(Integer)  # a note id or a group id, after the vote's target
    count: Mapped[int] = mapped_column(Integer, default=0)


class Action(Base):
    """Something to do after the workshop: what, which organisation, by when."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id", ondelete="SET NULL"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(String(500))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")


class BoardChange(Base):
    """One committed change of a board, kept so a reconnecting client can catch up."""

    __tablename__ = "board_changes"
    __table_args__ = (UniqueConstraint("board_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class Operation(Base):
    """A client command already applied, with the answer it got (replays get it again).

    An answer may hold a note's words: it goes with its board, or its event, when they are
    deleted."""

    __tablename__ = "operations"
    __table_args__ = (UniqueConstraint("actor", "op_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(48))
    op_id: Mapped[str] = mapped_column(String(64))
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)


class FacilitatorLink(Base):
    """A workshop facilitator's link: a name ("Atelier 2 – Camille"), the workshops it runs,
    and the hash of its token (shown once, never stored)."""

    __tablename__ = "facilitator_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    event: Mapped[Event] = relationship(back_populates="links")
    workshops: Mapped[list[Workshop]] = relationship(secondary="facilitator_link_workshops",
                                                     order_by="Workshop.id")


class FacilitatorLinkWorkshop(Base):
    """Which workshops a facilitator link runs."""

    __tablename__ = "facilitator_link_workshops"

    link_id: Mapped[int] = mapped_column(ForeignKey("facilitator_links.id", ondelete="CASCADE"), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True,
                                             index=True)
