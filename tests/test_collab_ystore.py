"""The collaboration update store keeps a bounded history and restores documents exactly."""

from __future__ import annotations

import asyncio
import sqlite3

from pycrdt import Array, Doc, Map, Text
from traitlets.config import Config

from jupyter_mlops_studio.collab.ystore import StudioYStore


def stored_rows(db_path, path):
    with sqlite3.connect(db_path) as db:
        return db.execute("SELECT count(*) FROM yupdates WHERE path = ?", (path,)).fetchone()[0]


def edit_a_document(n_edits: int):
    """A document edited ``n_edits`` times (inserts, deletions, cells added and removed), and
    every update it produced, in order."""
    doc = Doc()
    cells = doc.get("cells", type=Array)
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    for i in range(n_edits):
        if i % 50 == 0:
            cells.append(Map({"source": Text(f"cell {i // 50}: ")}))
        source = cells[len(cells) - 1]["source"]
        source += f"{i};"
        if i % 7 == 0:
            del source[0:1]
        if i % 120 == 119:
            del cells[0]
    return doc, updates


def content(doc: Doc):
    return [str(cell["source"]) for cell in doc.get("cells", type=Array)]


async def test_history_is_bounded_and_restores_the_document_exactly(tmp_path):
    db_path = str(tmp_path / "ystore.db")
    config = Config({"StudioYStore": {"max_updates": 40, "db_path": db_path}})
    doc, updates = edit_a_document(500)
    assert len(updates) >= 500
    async with StudioYStore(path="json:notebook:abc", config=config) as store:
        for update in updates:
            await store.write(update)
            await store.flush()  # compactions run in the background
            assert stored_rows(db_path, "json:notebook:abc") <= 41
    async with StudioYStore(path="json:notebook:abc", config=config) as store:  # reopened
        restored = Doc()
        async for update, _, _ in store.read():
            restored.apply_update(update)
    assert content(restored) == content(doc) and len(content(doc)) > 5
    # the whole history also replays onto a client that already had part of it: no duplicates
    partial = Doc()
    for update in updates[:200]:
        partial.apply_update(update)
    async with StudioYStore(path="json:notebook:abc", config=config) as store:
        async for update, _, _ in store.read():
            partial.apply_update(update)
    assert content(partial) == content(doc)


async def test_other_documents_are_untouched_and_zero_turns_compaction_off(tmp_path):
    db_path = str(tmp_path / "ystore.db")
    _, updates = edit_a_document(120)
    off = Config({"StudioYStore": {"max_updates": 0, "db_path": db_path}})
    async with StudioYStore(path="kept", config=off) as store:
        for update in updates:
            await store.write(update)
    assert stored_rows(db_path, "kept") == len(updates)
    on = Config({"StudioYStore": {"max_updates": 10, "db_path": db_path}})
    async with StudioYStore(path="compacted", config=on) as store:
        for update in updates:
            await store.write(update)
        await store.flush()
    assert stored_rows(db_path, "compacted") <= 11
    assert stored_rows(db_path, "kept") == len(updates)


def test_the_server_stores_collaboration_updates_with_the_bounded_store(jp_serverapp):
    extension = jp_serverapp.extension_manager.extension_apps["jupyter_server_ydoc"]
    ystore_class = next(iter(extension)).ystore_class
    assert ystore_class is StudioYStore


async def test_updates_written_during_a_compaction_are_kept(tmp_path):
    db_path = str(tmp_path / "ystore.db")
    config = Config({"StudioYStore": {"max_updates": 50, "db_path": db_path}})
    doc, updates = edit_a_document(400)
    async with StudioYStore(path="busy", config=config) as store:
        compactions = 0
        for update in updates:  # writes go on while compactions run on their thread
            await store.write(update)
            compactions += store._compacting is not None
            await asyncio.sleep(0.0005)
        await store.flush()
        assert compactions > 10  # writes were made while a compaction was in progress
        restored = Doc()
        async for update, _, _ in store.read():
            restored.apply_update(update)
    assert content(restored) == content(doc)
    assert stored_rows(db_path, "busy") < len(updates) // 2
