"""Dots counted in bursts (bursts.py, realtime.count_dots): the queue hands every command its
own answer whatever happens to its burst, and a burst counts exactly what the same dots
counted one by one would, each refusal its own."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from facilitation import protocol as p
from facilitation import realtime
from facilitation.bursts import Bursts, Ticket
from facilitation.db import DatabaseBusy, get_session
from facilitation.identity import Held
from facilitation.models import Ballot, Dot
from facilitation.services import ops
from facilitation.services import votes as vote_service

from .factories import op, phone

NOBODY = Held({}, {}, {})


def _until(condition) -> None:
    """Wait (bounded) for what another thread makes true."""
    for _ in range(500):
        if condition():
            return
        threading.Event().wait(0.01)
    raise AssertionError("it never happened")


def _send_all(bursts: Bursts, board: int, send, count: int, queued: int, gate: threading.Event) -> None:
    """The first sender leads a burst; once the others are queued (`queued` of them), the gate
    opens; every sender comes back."""
    threads = [threading.Thread(target=send, args=(n,)) for n in range(count)]
    threads[0].start()
    _until(lambda: board in bursts.leading)
    for t in threads[1:]:
        t.start()
    _until(lambda: len(bursts.waiting.get(board, [])) == queued)
    gate.set()
    for t in threads:
        t.join(5)
        assert not t.is_alive()


def test_every_command_of_a_burst_gets_its_own_answer_and_bursts_form():
    ran: list[list[int]] = []
    started = threading.Event()

    def run(_board, tickets):
        ran.append([t.data for t in tickets])
        if len(ran) == 1:
            started.set()
            gate.wait(5)  # the first burst is slow: the others queue behind it
        for t in tickets:
            t.answer = {"ok": True, "n": t.data}

    gate = threading.Event()
    bursts = Bursts(run, lambda: None)
    answers: dict[int, dict] = {}

    def send(n):
        answers[n] = bursts.submit(7, Ticket("vote:cast", n, NOBODY, f"s{n}")).answer

    first = threading.Thread(target=send, args=(0,))
    first.start()
    assert started.wait(5)
    others = [threading.Thread(target=send, args=(n,)) for n in range(1, 31)]
    for t in others:
        t.start()
    _until(lambda: len(bursts.waiting.get(7, [])) == 30)  # all queued behind the running burst
    gate.set()
    for t in [first, *others]:
        t.join(5)
    assert answers == {n: {"ok": True, "n": n} for n in range(31)}
    assert [len(b) for b in ran] == [1, 30]  # the 30 went together, as the second burst
    assert 7 not in bursts.leading and not bursts.waiting.get(7)


def test_a_burst_that_fails_still_releases_every_waiting_command():
    gate = threading.Event()

    def run(_board, tickets):
        if any(t.data == 0 for t in tickets):
            gate.wait(5)
            raise RuntimeError("the database went away")
        for t in tickets:
            t.answer = {"ok": True}

    bursts = Bursts(run, lambda: None)
    results: dict[int, object] = {}

    def send(n):
        try:
            results[n] = bursts.submit(1, Ticket("vote:cast", n, NOBODY, "s")).answer
        except RuntimeError as exc:
            results[n] = str(exc)

    _send_all(bursts, 1, send, 5, queued=4, gate=gate)
    assert results[0] == "the database went away"  # the leader's own request fails (its guard answers)
    assert all(results[n] == {"ok": True} for n in range(1, 5))  # the next burst ran them


@pytest.fixture
def voting(world, no_rate_limits):
    """Board 0 in the vote phase with three notes and an open vote (budget 3, cap 1); a note
    on board 1; Alice and Bob on board 0."""
    fac = phone(world, facilitator=True, view="console")
    board, other = world.boards
    notes = [fac.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": world.columns[board][0],
                                   "text": f"idée {i}"})["note"]["id"] for i in range(3)]
    assert fac.emit(p.BOARD_JOIN, {"board": other, "view": "console"})["ok"]
    elsewhere = fac.emit(p.NOTE_ADD, {"op": op(), "board": other, "column": world.columns[other][0],
                                      "text": "ailleurs"})["note"]["id"]
    assert fac.emit(p.BOARD_SET, {"op": op(), "board": board, "phase": p.VOTE})["ok"]
    vote = fac.emit(p.VOTE_OPEN, {"op": op(), "board": board, "budget": 3, "cap": 1})["vote"]["id"]
    people = {}
    for name in ("alice", "bob"):
        device = phone(world)
        with device.http.session_transaction() as cookie:
            people[name] = Held(dict(cookie["p"]), {}, {})
    return SimpleNamespace(world=world, board=board, vote=vote, notes=notes, people=people,
                           elsewhere=elsewhere)


def _ticket(voting, who, target, *, take_back=False, op_id=None):
    data = SimpleNamespace(board=voting.board, vote=voting.vote, target=target, op=op_id or op())
    return Ticket(p.VOTE_UNCAST if take_back else p.VOTE_CAST, data, voting.people[who], f"sid-{who}")


def _counted(voting):
    with voting.world.app.app_context():
        db = get_session()
        dots = {(d.participant_id, d.target_id): d.count for d in db.scalars(select(Dot)) if d.count}
        used = {b.participant_id: b.used for b in db.scalars(select(Ballot))}
        return dots, used


def _code(ticket):
    return ticket.error.code if ticket.error is not None else None


def test_a_burst_counts_what_one_by_one_would_and_each_refusal_is_its_own(voting):
    n1, n2, n3 = voting.notes
    same = op()
    tickets = [
        _ticket(voting, "alice", n1),
        _ticket(voting, "bob", n1, op_id=same),
        _ticket(voting, "alice", n1),  # cap 1: refused, its ballot's +1 undone
        _ticket(voting, "bob", n1, op_id=same),  # a resend within the burst: one dot, the same answer
        _ticket(voting, "alice", n2),
        _ticket(voting, "bob", voting.elsewhere),  # another board's note
        _ticket(voting, "alice", n3),
        _ticket(voting, "alice", n2),  # a fourth dot: none left
        _ticket(voting, "bob", n2, take_back=True),  # never put there
    ]
    with voting.world.app.test_request_context():
        realtime.count_dots(voting.board, tickets)
    codes = [_code(t) for t in tickets]
    assert codes == [None, None, p.CAP_REACHED, None, None, p.WRONG_BOARD, None, p.NO_DOTS_LEFT, p.NOT_VOTED]
    alice_pid = voting.people["alice"].participants[str(voting.world.event_id)]
    bob_pid = voting.people["bob"].participants[str(voting.world.event_id)]
    assert _counted(voting) == ({(alice_pid, n1): 1, (alice_pid, n2): 1, (alice_pid, n3): 1, (bob_pid, n1): 1},
                                {alice_pid: 3, bob_pid: 1})
    assert tickets[3].answer == tickets[1].answer
    # Each sender's ack holds their dots after the whole burst, and the totals of all of it.
    assert tickets[0].answer["mine"] == {"vote": voting.vote, "left": 0,
                                         "dots": {str(n1): 1, str(n2): 1, str(n3): 1}}
    assert tickets[1].answer["mine"] == {"vote": voting.vote, "left": 2, "dots": {str(n1): 1}}
    assert tickets[0].answer["vote"]["cast"] == 4 and tickets[0].answer["vote"]["voters"] == 2
    # Every answer is kept with its op: a resend in a later burst is answered, not counted again.
    again = _ticket(voting, "alice", n1, op_id=tickets[0].data.op)
    with voting.world.app.test_request_context():
        realtime.count_dots(voting.board, [again, _ticket(voting, "bob", n2)])
    assert again.answer == tickets[0].answer
    assert _counted(voting)[1] == {alice_pid: 3, bob_pid: 2}


def test_a_burst_that_fails_as_a_whole_runs_each_dot_alone(voting, monkeypatch):
    n1, n2, _n3 = voting.notes
    real = ops.remember_many
    calls = []

    def once_raced(db, answers, **kw):  # an op id raced in from another worker, once
        calls.append(len(answers))
        if len(calls) == 1:
            raise IntegrityError("INSERT", {}, Exception("unique"))
        return real(db, answers, **kw)

    monkeypatch.setattr(ops, "remember_many", once_raced)
    tickets = [_ticket(voting, "alice", n1), _ticket(voting, "bob", n2), _ticket(voting, "alice", n1)]
    with voting.world.app.test_request_context():
        realtime.count_dots(voting.board, tickets)
    assert calls == [2, 1, 1]  # the burst (two counted), then each dot alone (the refused one writes nothing)
    assert [_code(t) for t in tickets] == [None, None, p.CAP_REACHED]
    alice_pid = voting.people["alice"].participants[str(voting.world.event_id)]
    bob_pid = voting.people["bob"].participants[str(voting.world.event_id)]
    assert _counted(voting) == ({(alice_pid, n1): 1, (bob_pid, n2): 1}, {alice_pid: 1, bob_pid: 1})


def test_a_dot_over_the_socket_goes_through_a_burst_and_is_answered(voting):
    world = voting.world
    alice = phone(world)
    bursts = world.app.extensions["relais.bursts"]
    before = len(bursts.sizes)
    ack = alice.emit(p.VOTE_CAST, {"op": op(), "board": voting.board, "vote": voting.vote,
                                   "target": voting.notes[0]})
    assert ack["ok"] and ack["mine"]["left"] == 2, ack
    assert len(bursts.sizes) == before + 1
    assert [e["name"] for e in alice.sock.get_received() if e["name"] == p.VOTE_MINE] == [p.VOTE_MINE]
    # Refusals come back in the sender's own request, as every command's do.
    refused = alice.emit(p.VOTE_CAST, {"op": op(), "board": voting.board, "vote": voting.vote,
                                       "target": voting.notes[0]})
    assert refused["error"]["code"] == p.CAP_REACHED and refused["error"]["message"]
    outsider = phone(world, 1)
    assert outsider.emit(p.VOTE_CAST, {"op": op(), "board": voting.board, "vote": voting.vote,
                                       "target": voting.notes[0]})["error"]["code"] == p.NOT_JOINED


def test_a_burst_refused_as_a_whole_answers_every_dot_at_once(voting, monkeypatch):
    """The database busy past its wait (another program holds SQLite's lock): every dot of the
    burst hears busy at once; none is tried again alone (each would wait as long again)."""
    tries = []

    def busy(*_args, **_kwargs):
        tries.append(1)
        raise DatabaseBusy()

    monkeypatch.setattr(vote_service, "Ballots", busy)
    tickets = [_ticket(voting, "alice", voting.notes[0]), _ticket(voting, "bob", voting.notes[1])]
    with voting.world.app.test_request_context():
        realtime.count_dots(voting.board, tickets)
    assert tries == [1]
    assert all(isinstance(t.error, DatabaseBusy) and t.answer is None for t in tickets)


def test_a_burst_of_refused_dots_leaves_no_transaction_open(voting):
    """Refused dots undo what they tried; the burst lets go of its transaction (on SQLite, the
    write lock) at once, not when its leader's request ends."""
    n1 = voting.notes[0]
    with voting.world.app.test_request_context():
        realtime.count_dots(voting.board, [_ticket(voting, "alice", n1)])
        refused = _ticket(voting, "alice", n1)  # cap 1: its ballot's +1 undone
        realtime.count_dots(voting.board, [refused])
        assert _code(refused) == p.CAP_REACHED
        assert not get_session().in_transaction()


def test_the_dots_of_a_burst_that_raises_come_back_unanswered_not_stuck():
    gate = threading.Event()

    def run(_board, _tickets):
        raise RuntimeError("the database went away")

    bursts = Bursts(run, lambda: gate.wait(5))  # the leader waits here while the others join
    results: dict[int, object] = {}

    def send(n):
        try:
            ticket = bursts.submit(3, Ticket("vote:cast", n, NOBODY, "s"))
            results[n] = (ticket.answer, ticket.error)
        except RuntimeError as exc:
            results[n] = str(exc)

    _send_all(bursts, 3, send, 4, queued=4, gate=gate)
    assert results[0] == "the database went away"
    assert all(results[n] == (None, None) for n in range(1, 4))  # their handlers answer internal
    assert bursts.sizes[-1] == 4 and 3 not in bursts.leading
