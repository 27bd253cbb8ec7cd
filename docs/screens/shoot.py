"""Screenshots of a day-2 workshop for docs/screens/ and the README (not a test).

    .venv/bin/python docs/screens/shoot.py [--root SOURCE_TREE] [--suffix -before]

Starts the server of SOURCE_TREE (this checkout by default) on SQLite, plays a real workshop
through its API and sockets (25 notes in 3 columns, a group, a vote), and saves, in Debian's
chromium: the phone (390x844) while voting, the projector at 1280x720 and 1920x1080, the
facilitator's board on a 1366x768 laptop, and the bilan.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTES = [
    "Les plateformes suppriment les annonces sans prévenir",
    "Doxxing : adresse publiée\naprès un refus de rendez-vous",
    "Peur de porter plainte : on ne sera pas crue",
    "Faux clients qui demandent des photos puis menacent",
    "Les associations belges ont un outil de signalement partagé",
    "Manque de formation des équipes sur le numérique",
    "Une permanence en ligne le soir, c'est ce qui manque",
    "Les travailleuses migrantes n'osent pas appeler",
    "Listes de mauvais clients : à partager entre assos ?",
    "Harcèlement par messages après un blocage",
    "Ce qui aide :\n- la pair-aidance\n- les permanences de nuit",
    "Voir https://www.utsopi.be pour leur guide",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", default=str(HERE.parent.parent), help="the source tree to run")
    parser.add_argument("--suffix", default="", help="added to each file name, e.g. -before")
    args = parser.parse_args()
    sys.path.insert(0, args.root)
    from playwright.sync_api import sync_playwright

    from tests.server import Device, start_server  # the tree's own helpers

    tmp = Path(tempfile.mkdtemp(prefix="relais-shots-"))
    server = start_server(tmp, database_url=f"sqlite:///{tmp / 'shots.sqlite3'}", RATE_LIMITS="off")
    try:
        fac = Device(server.url)
        fac.http.headers["Accept-Language"] = "fr-FR"
        created = fac.http.post(server.url + "/api/events", json={
            "title": "Rencontre inter-associative", "starts_on": "2027-03-09", "ends_on": "2027-03-10"}).json()
        code = created["event"]["code"]
        workshop = fac.http.post(f"{server.url}/api/events/{code}/workshops", json={
            "title": "Violences en ligne", "question": "Que vivent les travailleuses du sexe en ligne, et que faire ?",
        }).json()["workshop"]
        board, columns = workshop["board"], [c["id"] for c in workshop["columns"]]
        page_html = fac.http.get(f"{server.url}/{code}").text
        token = re.search(r'name="csrf" value="([^"]+)"', page_html).group(1)
        fac.http.post(f"{server.url}/{code}/profile", data={"pseudonym": "Camille", "organisation": "", "csrf": token})
        fac.join_board(f"/{code}/console/w/{workshop['id']}", board)
        from tests.factories import op

        colors = ["yellow", "pink", "blue", "green", "orange", "purple"]
        ids = []
        for i in range(25):
            answer = fac.call("note:add", {"op": op(), "board": board, "column": columns[i % 3],
                                           "text": NOTES[i % len(NOTES)], "color": colors[i % 6]})
            ids.append(answer["note"]["id"])
        group = fac.call("group:add", {"op": op(), "board": board, "column": columns[1], "title": "Sécurité"})
        for note in ids[1:7:3]:
            fac.call("note:move", {"op": op(), "board": board, "note": note, "column": columns[1],
                                   "group": group["groups"][0]["id"], "index": 0})
        secret = created["facilitator_url"].split("/f#")[1]
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-background-networking", "--disable-gpu"])

            def shot(name: str, path: str, size: tuple[int, int], ready: str, login: bool = False,
                     full: bool = False) -> None:
                ctx = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="fr-FR")
                page = ctx.new_page()
                if login:
                    page.goto(f"{server.url}/f#{secret}")
                    page.wait_for_url("**/console")
                page.goto(server.url + path)
                page.wait_for_selector(ready, state="attached")
                page.wait_for_timeout(500)  # a screenshot, not a test: let the layout settle
                page.screenshot(path=str(HERE / f"{name}{args.suffix}.png"), full_page=full)
                ctx.close()

            base = f"/{code}/w/{workshop['id']}"
            shot("projector-1280x720", base + "/screen", (1280, 720), "#board .note, #stage .note")
            shot("projector-1920x1080", base + "/screen", (1920, 1080), "#board .note, #stage .note")
            shot("console-1366x768", f"/{code}/console/w/{workshop['id']}", (1366, 768), "#board .note",
                 login=True, full=True)
            fac.call("board:set", {"op": op(), "board": board, "phase": "vote"})
            fac.call("vote:open", {"op": op(), "board": board, "budget": 3, "cap": 1})
            shot("phone", base, (390, 844), ".note .vote-plus")
            shot("bilan", f"/{code}/bilan", (1024, 768), "h1", login=True)
            browser.close()
        fac.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
