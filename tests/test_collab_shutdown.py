"""A server with open collaboration rooms stops on SIGTERM, its rooms' updates all stored."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import time
import urllib.request

import nbformat
from collab_client import RoomClient
from jupyter_ydoc import YNotebook
from pycrdt import Doc
from test_crash import TOKEN, start_server

from jupyter_mlops_studio.client import StudioClient


def open_session(url: str, token: str, path: str) -> str:
    body = json.dumps({"format": "json", "type": "notebook"}).encode()
    request = urllib.request.Request(
        f"{url}api/collaboration/session/{path}",
        data=body,
        method="PUT",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    session = json.loads(urllib.request.urlopen(request, timeout=10).read())
    room = f"json:notebook:{session['fileId']}?sessionId={session['sessionId']}"
    return f"{url.replace('http', 'ws', 1)}api/collaboration/room/{room}"


def stored_sources(data_dir) -> list[list[str]]:
    """Each stored document rebuilt from the update store alone."""
    with sqlite3.connect(data_dir / "collaboration" / "ystore.db") as db:
        paths = [p for (p,) in db.execute("SELECT DISTINCT path FROM yupdates")]
        docs = []
        for path in paths:
            doc = Doc()
            rows = db.execute(
                "SELECT yupdate FROM yupdates WHERE path = ? ORDER BY timestamp, rowid", (path,)
            )
            for (update,) in rows:
                doc.apply_update(update)
            docs.append([str(c["source"]) for c in YNotebook(ydoc=doc).ycells])
    return docs


async def test_sigterm_with_an_open_room_exits_and_keeps_every_update(tmp_path, studio_db_url):
    # the file is never saved before the stop: the store alone must hold the edits
    proc, url = start_server(tmp_path, studio_db_url, "--YDocExtension.document_save_delay=3600")
    try:
        admin = StudioClient(url, TOKEN, timeout=10)
        admin.create_user("kim", ["data-scientist"])
        token = admin.create_token("kim")["token"]
        StudioClient(url, token, timeout=10).create_space("team", "shared")
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("a = 1")])
        (tmp_path / "root/spaces/team/nb.ipynb").write_text(nbformat.writes(nb))
        ws = await asyncio.to_thread(open_session, url, token, "spaces/team/nb.ipynb")
        async with RoomClient(ws, token) as writer, RoomClient(ws, token) as reader:
            for i in range(50):
                writer.append_to_cell(0, f" e{i};")
                await asyncio.sleep(0.005)
            expected = "a = 1" + "".join(f" e{i};" for i in range(50))
            assert await reader.wait_for(lambda: reader.sources() == [expected], 10)
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)  # the clients are still connected
            while proc.poll() is None and time.monotonic() - started < 20:
                await asyncio.sleep(0.1)
            # it used to wait forever for the update store's worker threads
            assert proc.poll() is not None, "the server did not exit after SIGTERM"
        assert stored_sources(tmp_path / "data") == [[expected]]
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
