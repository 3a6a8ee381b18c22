"""The fast notebook validator never accepts what nbformat.validate rejects (and accepts the
valid notebooks nbformat writes)."""

from __future__ import annotations

import copy
import json
import warnings

import nbformat
import orjson
import pytest
from nbformat import v4

from jupyter_mlops_studio.sharing import nbschema


def full_notebook(minor: int) -> dict:
    """A valid notebook of nbformat 4.<minor> with every cell and output type."""
    cells = [
        v4.new_markdown_cell(
            "# Title\n![x](attachment:x.png)",
            attachments={"x.png": {"image/png": "iVBORw0KGgo="}},
            metadata={"tags": ["a", "b"], "name": "intro", "jupyter": {"source_hidden": True}},
        ),
        v4.new_raw_cell("raw", metadata={"format": "text/x-rst"}),
        v4.new_code_cell(
            "print(1)\n1",
            execution_count=3,
            metadata={
                "collapsed": False,
                "scrolled": "auto",
                "execution": {"iopub.status.busy": "2024-01-01T00:00:00Z"},
                "custom": {"any": [1, 2.5, None]},
            },
            outputs=[
                v4.new_output("stream", name="stdout", text="1\n2\n"),
                v4.new_output(
                    "execute_result",
                    execution_count=3,
                    data={"text/plain": "1", "application/json": {"a": [1, 2]}},
                ),
                v4.new_output(
                    "display_data",
                    data={
                        "image/png": "iVBORw0KGgo=",
                        "text/html": ["<b>\n", "é</b>"],
                        "application/vnd.custom+json": 5,
                    },
                    metadata={"image/png": {"width": 10}},
                ),
                v4.new_output("error", ename="E", evalue="bad", traceback=["line 1", "line 2"]),
            ],
        ),
        v4.new_code_cell("", execution_count=None),
    ]
    nb = v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python", "codemirror_mode": {"name": "ipython"}},
            "title": "t",
            "authors": [{"name": "Ada"}],
            "orig_nbformat": 4,
        },
    )
    nb = json.loads(nbformat.writes(nb))
    nb["nbformat_minor"] = minor
    if minor < 5:
        for cell in nb["cells"]:
            del cell["id"]
    return nb


def dumps(nb: dict) -> bytes:
    """Compact JSON, non-ASCII kept (orjson cannot write integers beyond 64 bits)."""
    return json.dumps(nb, ensure_ascii=False, separators=(",", ":")).encode()


def nbformat_accepts(raw: bytes) -> bool:
    """What read_notebook decides for a nbformat 4 notebook: orjson, then nbformat.validate
    (a repair, which warns, counts as a rejection: the fast validator must not prove it)."""
    try:
        nb = orjson.loads(raw)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            nbformat.validate(nb)
    except Exception:  # noqa: BLE001 - any refusal
        return False
    return True


def cell(nb, kind):
    return next(c for c in nb["cells"] if c["cell_type"] == kind)


def output(nb, kind):
    return next(o for o in cell(nb, "code")["outputs"] if o["output_type"] == kind)


def parent(nb, path):
    """The object holding the last key of ``path`` (a key may be a function of the notebook)."""
    target = nb
    for key in path[:-1]:
        target = key(nb) if callable(key) else target[key]
    return target


def set_(path, value):
    return lambda nb: parent(nb, path).__setitem__(path[-1], value)


def delete(path):
    return lambda nb: parent(nb, path).__delitem__(path[-1])


def code(nb):
    return cell(nb, "code")


def md(nb):
    return cell(nb, "markdown")


def raw(nb):
    return cell(nb, "raw")


def out(kind):
    return lambda nb: output(nb, kind)


# each mutation breaks (or probes) one rule of the schema; some are valid on purpose
MUTATIONS = {
    "top-level extra key": set_(["extra"], 1),
    "no metadata": delete(["metadata"]),
    "no cells": delete(["cells"]),
    "no nbformat_minor": delete(["nbformat_minor"]),
    "cells not a list": set_(["cells"], {}),
    "nbformat 5": set_(["nbformat"], 5),
    "nbformat as float": set_(["nbformat"], 4.0),
    "minor as string": set_(["nbformat_minor"], "5"),
    "minor 3": set_(["nbformat_minor"], 3),
    "minor 6 (future)": set_(["nbformat_minor"], 6),
    "metadata not an object": set_(["metadata"], []),
    "kernelspec without name": delete(["metadata", "kernelspec", "name"]),
    "kernelspec name not a string": set_(["metadata", "kernelspec", "name"], 3),
    "kernelspec null": set_(["metadata", "kernelspec"], None),
    "language_info without name": delete(["metadata", "language_info", "name"]),
    "codemirror_mode a string": set_(["metadata", "language_info", "codemirror_mode"], "py"),
    "codemirror_mode a number": set_(["metadata", "language_info", "codemirror_mode"], 3),
    "orig_nbformat 0": set_(["metadata", "orig_nbformat"], 0),
    "orig_nbformat bool": set_(["metadata", "orig_nbformat"], True),
    "orig_nbformat float": set_(["metadata", "orig_nbformat"], 1.0),
    "title not a string": set_(["metadata", "title"], 1),
    "authors not a list": set_(["metadata", "authors"], {"name": "x"}),
    "authors of anything": set_(["metadata", "authors"], [1, "x"]),
    "unknown cell type": set_(["cells", 0, "cell_type"], "heading"),
    "cell extra key": set_([code, "extra"], 1),
    "code cell without outputs": delete([code, "outputs"]),
    "code cell without execution_count": delete([code, "execution_count"]),
    "execution_count negative": set_([code, "execution_count"], -1),
    "execution_count float": set_([code, "execution_count"], 1.0),
    "execution_count huge": set_([code, "execution_count"], 2**64),
    "execution_count bool": set_([code, "execution_count"], True),
    "markdown with outputs": set_([md, "outputs"], []),
    "code with attachments": set_([code, "attachments"], {}),
    "source a number": set_([code, "source"], 1),
    "source list with a number": set_([code, "source"], ["a", 1]),
    "source null": set_([md, "source"], None),
    "cell metadata missing": delete([raw, "metadata"]),
    "cell metadata a list": set_([raw, "metadata"], []),
    "raw format not a string": set_([raw, "metadata", "format"], 1),
    "markdown format anything": set_([md, "metadata", "format"], 1),
    "name empty": set_([md, "metadata", "name"], ""),
    "name with newline": set_([md, "metadata", "name"], "a\nb"),
    "name trailing newline": set_([md, "metadata", "name"], "a\n"),
    "name a number": set_([md, "metadata", "name"], 3),
    "tags duplicate": set_([md, "metadata", "tags"], ["a", "a"]),
    "tags with comma": set_([md, "metadata", "tags"], ["a,b"]),
    "tags empty string": set_([md, "metadata", "tags"], [""]),
    "tags not a list": set_([md, "metadata", "tags"], "a"),
    "jupyter not an object": set_([md, "metadata", "jupyter"], 1),
    "source_hidden anything": set_([md, "metadata", "jupyter", "source_hidden"], 1),
    "collapsed not a bool": set_([code, "metadata", "collapsed"], "no"),
    "scrolled auto": set_([code, "metadata", "scrolled"], "auto"),
    "scrolled other string": set_([code, "metadata", "scrolled"], "yes"),
    "collapsed on markdown anything": set_([md, "metadata", "collapsed"], "no"),
    "execution value a number": set_([code, "metadata", "execution", "x"], 1),
    "execution not an object": set_([code, "metadata", "execution"], []),
    "attachments not an object": set_([md, "attachments"], []),
    "attachment bundle value a number": set_([md, "attachments", "x.png", "image/png"], 1),
    "attachment bundle not an object": set_([md, "attachments", "x.png"], "x"),
    "unknown output type": set_([out("stream"), "output_type"], "update_display_data"),
    "stream without name": delete([out("stream"), "name"]),
    "stream without text": delete([out("stream"), "text"]),
    "stream text a number": set_([out("stream"), "text"], 1),
    "stream extra key": set_([out("stream"), "metadata"], {}),
    "stream with data": set_([out("stream"), "data"], {}),
    "stream name a number": set_([out("stream"), "name"], 1),
    "result without execution_count": delete([out("execute_result"), "execution_count"]),
    "result execution_count null": set_([out("execute_result"), "execution_count"], None),
    "result execution_count negative": set_([out("execute_result"), "execution_count"], -2),
    "result without metadata": delete([out("execute_result"), "metadata"]),
    "result without data": delete([out("execute_result"), "data"]),
    "display with execution_count": set_([out("display_data"), "execution_count"], 1),
    "display with transient": set_([out("display_data"), "transient"], {}),
    "display metadata a list": set_([out("display_data"), "metadata"], []),
    "display data a list": set_([out("display_data"), "data"], []),
    "bundle text a number": set_([out("display_data"), "data", "text/html"], 1),
    "bundle text an object": set_([out("display_data"), "data", "text/plain"], {}),
    "bundle list with null": set_([out("display_data"), "data", "text/html"], ["a", None]),
    "bundle json an object": set_([out("display_data"), "data", "application/json"], {}),
    "bundle json null": set_([out("display_data"), "data", "application/json"], None),
    "bundle +json list": set_([out("display_data"), "data", "application/x+json"], [1, {}]),
    "bundle json-ish not json": set_([out("display_data"), "data", "application/jsonx"], {}),
    "bundle json with newline": set_([out("display_data"), "data", "application/json\n"], {}),
    "bundle json newline string": set_([out("display_data"), "data", "application/json\n"], "s"),
    "bundle text/json object": set_([out("display_data"), "data", "text/json"], {}),
    "error without traceback": delete([out("error"), "traceback"]),
    "error traceback a string": set_([out("error"), "traceback"], "x"),
    "error traceback numbers": set_([out("error"), "traceback"], [1]),
    "error evalue null": set_([out("error"), "evalue"], None),
    "error with name": set_([out("error"), "name"], "stdout"),
    "outputs not a list": set_([code, "outputs"], {}),
    "output not an object": set_([code, "outputs", 0], "x"),
}
# valid notebooks among the mutations: the fast validator proves them (no fallback)
PROVEN = {
    "scrolled auto",
    "codemirror_mode a string",
    "authors of anything",
    "markdown format anything",
    "source_hidden anything",
    "collapsed on markdown anything",
    "bundle json an object",
    "bundle json null",
    "bundle +json list",
    "bundle json newline string",
    "result execution_count null",
}
ID_MUTATIONS = {
    "id missing": delete([code, "id"]),
    "id empty": set_([code, "id"], ""),
    "id too long": set_([code, "id"], "a" * 65),
    "id 64 long": set_([code, "id"], "a" * 64),
    "id bad character": set_([code, "id"], "a.b"),
    "id trailing newline": set_([code, "id"], "ab\n"),
    "id a number": set_([code, "id"], 1),
    "id duplicate": lambda nb: nb["cells"][1].__setitem__("id", nb["cells"][0]["id"]),
    "no cells at all": set_(["cells"], []),
}


def agree(raw: bytes) -> tuple[bool, bool]:
    return nbschema.check(raw) is not None, nbformat_accepts(raw)


@pytest.mark.parametrize("minor", [4, 5])
def test_valid_notebooks_with_every_output_type_are_proven(minor):
    nb = full_notebook(minor)
    assert nbformat_accepts(dumps(nb))
    for raw in (dumps(nb), nbformat.writes(nbformat.from_dict(nb)).encode()):
        summary = nbschema.check(raw)
        assert summary is not None
        assert summary.nbformat_minor == minor and summary.cells == 4
        assert summary.kernelspec["language"] == "python"  # additional keys kept


@pytest.mark.parametrize("minor", [4, 5])
@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_each_schema_rule_agrees_with_nbformat(minor, name):
    nb = copy.deepcopy(full_notebook(minor))
    MUTATIONS[name](nb)
    fast, slow = agree(dumps(nb))
    assert not (fast and not slow), f"{name}: the fast validator accepts what nbformat refuses"
    assert fast == (name in PROVEN)


@pytest.mark.parametrize("minor", [4, 5])
@pytest.mark.parametrize("name", sorted(ID_MUTATIONS))
def test_cell_ids_agree_with_nbformat(minor, name):
    nb = copy.deepcopy(full_notebook(5))
    ID_MUTATIONS[name](nb)
    nb["nbformat_minor"] = minor
    fast, slow = agree(dumps(nb))
    assert not (fast and not slow), f"{name}: the fast validator accepts what nbformat refuses"
    if name in ("id 64 long", "no cells at all") and minor == 5:
        assert fast  # valid, and proven


@pytest.mark.parametrize(
    "name,where,member",
    [
        ("invalid UTF-8 in a png", "data", b'"image/png":"\xff\xfe"'),
        ("invalid UTF-8 in a JSON mimetype", "data", b'"application/json":["\xff"]'),
        ("invalid UTF-8 in metadata", "metadata", b'"x":"\xc3"'),
        ("number out of range in a JSON mimetype", "data", b'"application/json":[1e400]'),
        ("lone surrogate", "data", b'"image/png":"\\ud800"'),
        ("control character", "data", b'"image/png":"a\x01b"'),
        ("NaN", "data", b'"application/json":NaN'),
        ("valid escapes", "data", b'"image/png":"\\u00e9\\n\\"\\/"'),
        ("valid non-ASCII", "data", '"text/plain":"\u00e9 \u20ac"'.encode()),
        ("valid big int in a JSON mimetype", "data", b'"application/json":123456789012345678901'),
    ],
)
def test_bytes_a_json_parser_refuses_are_never_proven(name, where, member):
    nb = full_notebook(5)
    output(nb, "display_data")[where]["MARKER"] = "x"
    text = dumps(nb).replace(b'"MARKER":"x"', member)
    assert member in text
    fast, slow = agree(text)
    assert not (fast and not slow), name
    if name.startswith("valid"):
        assert fast and slow, name


def test_duplicate_keys_are_read_as_the_last_one():
    nb = full_notebook(5)
    text = dumps(nb)
    stream = b'{"name":"stdout","output_type":"stream","text":["1\\n","2\\n"]'
    assert stream in text
    assert agree(text.replace(stream, stream + b',"output_type":"display_data"')) == (
        False,
        False,
    )
    valid = text.replace(stream, b'{"output_type":"error",' + stream[1:])
    assert agree(valid) == (True, True)


def cleared(raw: bytes) -> dict:
    """What the snapshot path without the check would store: the parsed JSON, outputs cleared."""
    nb = orjson.loads(raw)
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            c["outputs"], c["execution_count"] = [], None
    return nb


@pytest.mark.parametrize("minor", [4, 5])
@pytest.mark.parametrize("name", [None, *sorted(PROVEN)])
def test_the_notebook_without_outputs_is_the_parsed_one_cleared(minor, name):
    nb = copy.deepcopy(full_notebook(minor))
    if name is not None:
        MUTATIONS[name](nb)
    # a float, a non-ASCII string and an escape in metadata, a markdown attachment kept
    nb["metadata"]["custom"] = {"x": 0.1, "é": 'a"\\\u20ac', "n": -(2**63)}
    for raw in (dumps(nb), nbformat.writes(nbformat.from_dict(nb)).encode()):
        summary = nbschema.check(raw, without_outputs=True)
        assert summary is not None
        assert summary.without_outputs == cleared(raw)
        assert cell(summary.without_outputs, "markdown")["attachments"]["x.png"]
        assert nbschema.check(raw).without_outputs is None  # only when asked
