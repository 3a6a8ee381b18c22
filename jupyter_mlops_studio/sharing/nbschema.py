"""A fast validator of nbformat 4.4 and 4.5 notebooks, sound with respect to ``nbformat.validate``.

msgspec decodes the JSON bytes into Structs that mirror nbformat's schemas
(``nbformat/v4/nbformat.v4.{4,5}.schema.json``): required fields, ``additionalProperties:
false`` as ``forbid_unknown_fields``, cell types as a union tagged on ``cell_type``, multiline
strings as ``str | list[str]``, counts as non-negative integers. What a Struct cannot say
(unique cell ids and tags, which fields each output type has, mimebundles whose value type
depends on the mimetype, the constrained keys of metadata objects) is checked on the decoded
values. Mimebundle values (the bulk of a notebook
with outputs: images, plots) are kept as :class:`msgspec.Raw` spans, parsed but not turned into
Python objects: a JSON string needs nothing more when the bytes are ASCII (msgspec checks escapes
and control characters while skipping, not UTF-8), anything else is decoded and checked.

:func:`check` only ever proves a notebook valid: ``None`` means "not proven" — a schema
violation, another format version, or a valid notebook written in a way this module does not
cover — and the caller must then ask ``nbformat.validate``. It is stricter than the schema on
purpose where being exact would cost soundness:

- nothing is skipped unchecked: msgspec skips unknown fields and raw spans without checking
  their UTF-8 (which orjson refuses) nor the range of their numbers, so metadata objects are
  decoded whole and their constrained keys converted afterwards, and a raw span is decoded
  unless it is a string in ASCII bytes;
- regex anchors are ``\\Z`` (fastjsonschema's reading of ``$``; jsonschema's ``$`` also
  accepts a trailing newline);
- integers stay within 64 bits (orjson reads larger ones as floats, which the schema refuses);
- the metadata of a cell's ``execution`` must hold strings only (the schema leaves keys with a
  newline unconstrained);
- a notebook that nbformat would repair (a 4.5 cell without an id, duplicate ids) is not proven.

``tests/test_nbschema.py`` mutates valid notebooks against every rule and checks that this
module never accepts what ``nbformat.validate`` rejects.
"""

# no ``from __future__ import annotations``: msgspec reads the annotations as objects
import dataclasses
import gc
import re
from typing import Annotated, Any, Literal

import msgspec
import numpy as np
from msgspec import UNSET, Meta, Raw, Struct, UnsetType

__all__ = ["NotebookSummary", "check"]

_MAX_INT = 2**63 - 1
_JSON_MIMETYPE = re.compile(r"^application/(.*\+)?json\Z")

Multiline = str | list[str]
Count = Annotated[int, Meta(ge=0, le=_MAX_INT)]
CellId = Annotated[str, Meta(pattern=r"^[a-zA-Z0-9_-]+\Z", min_length=1, max_length=64)]
Name = Annotated[str, Meta(pattern=r"^.+\Z")]
Tag = Annotated[str, Meta(pattern=r"^[^,]+\Z")]
Object = dict[str, Any]
Mimebundle = dict[str, Raw]


# Structs hold decoded JSON, never a cycle: gc=False keeps them out of the collector's way.

# -- metadata (additional keys allowed: decoded as objects, then converted to these) -----------


class KernelSpec(Struct, gc=False):
    name: str
    display_name: str


class LanguageInfo(Struct, gc=False):
    name: str
    codemirror_mode: str | Object | UnsetType = UNSET
    file_extension: str | UnsetType = UNSET
    mimetype: str | UnsetType = UNSET
    pygments_lexer: str | UnsetType = UNSET


class NotebookMetadata(Struct, gc=False):
    kernelspec: KernelSpec | UnsetType = UNSET
    language_info: LanguageInfo | UnsetType = UNSET
    orig_nbformat: Annotated[int, Meta(ge=1, le=_MAX_INT)] | UnsetType = UNSET
    title: str | UnsetType = UNSET
    authors: list[Any] | UnsetType = UNSET


class _CellMetadata(Struct, gc=False):
    name: Name | UnsetType = UNSET
    tags: list[Tag] | UnsetType = UNSET
    jupyter: Object | UnsetType = UNSET


class RawCellMetadata(_CellMetadata):
    format: str | UnsetType = UNSET


class MarkdownCellMetadata(_CellMetadata):
    pass


class CodeCellMetadata(_CellMetadata):
    execution: dict[str, str] | UnsetType = UNSET
    collapsed: bool | UnsetType = UNSET
    scrolled: bool | Literal["auto"] | UnsetType = UNSET


# -- outputs ------------------------------------------------------------------------------------
# One Struct for the four output types, its shape (which fields are present) checked after
# decoding: a union tagged on output_type would make msgspec scan ahead over "data" (keys are
# sorted in files) to find the tag, then decode it again.


class Output(Struct, gc=False, forbid_unknown_fields=True):
    output_type: str
    data: Mimebundle | UnsetType = UNSET
    metadata: Object | UnsetType = UNSET
    execution_count: Count | None | UnsetType = UNSET
    name: str | UnsetType = UNSET
    text: Multiline | UnsetType = UNSET
    ename: str | UnsetType = UNSET
    evalue: str | UnsetType = UNSET
    traceback: list[str] | UnsetType = UNSET


_OUTPUT_SHAPES = {  # fields present, in the order of _shape
    "execute_result": (True, True, True, False, False, False, False, False),
    "display_data": (True, True, False, False, False, False, False, False),
    "stream": (False, False, False, True, True, False, False, False),
    "error": (False, False, False, False, False, True, True, True),
}


def _shape(o: Output) -> tuple[bool, ...]:
    return (
        o.data is not UNSET,
        o.metadata is not UNSET,
        o.execution_count is not UNSET,
        o.name is not UNSET,
        o.text is not UNSET,
        o.ename is not UNSET,
        o.evalue is not UNSET,
        o.traceback is not UNSET,
    )


# -- cells and notebook ------------------------------------------------------------------------
# 4.4 forbids a cell id, 4.5 requires one: one Struct with an optional id, checked after decoding
# (a union tagged on nbformat_minor would make msgspec scan the whole notebook to find the tag).


class _Cell(Struct, gc=False, forbid_unknown_fields=True, tag_field="cell_type", kw_only=True):
    id: CellId | UnsetType = UNSET
    metadata: Object
    source: Multiline


class RawCell(_Cell, tag="raw"):
    attachments: dict[str, Mimebundle] | UnsetType = UNSET


class MarkdownCell(_Cell, tag="markdown"):
    attachments: dict[str, Mimebundle] | UnsetType = UNSET


class CodeCell(_Cell, tag="code"):
    outputs: list[Output]
    execution_count: Count | None


class Notebook(Struct, gc=False, forbid_unknown_fields=True):
    nbformat: Literal[4]
    nbformat_minor: Literal[4, 5]
    metadata: Object
    cells: list[RawCell | MarkdownCell | CodeCell]


_DECODER = msgspec.json.Decoder(Notebook)
_MULTILINE = msgspec.json.Decoder(Multiline)
_ANY = msgspec.json.Decoder()
_ENCODER = msgspec.json.Encoder()
_QUOTE = ord('"')
_CELL_METADATA = {
    "raw": RawCellMetadata,
    "markdown": MarkdownCellMetadata,
    "code": CodeCellMetadata,
}


@dataclasses.dataclass(frozen=True)
class NotebookSummary:
    """What a snapshot records of a notebook proven valid."""

    nbformat_minor: int
    cells: int
    kernelspec: dict
    #: the notebook as JSON values without its outputs and execution counts, when asked
    without_outputs: dict | None = None


def _check_mimebundle(bundle: Mimebundle, is_ascii: bool) -> None:
    """JSON mimetypes may hold any value, the others a string or a list of strings; raises
    msgspec.DecodeError otherwise. A raw string in ASCII bytes is valid as msgspec skipped it."""
    for mimetype, value in bundle.items():
        is_string = is_ascii and memoryview(value)[0] == _QUOTE
        if _JSON_MIMETYPE.search(mimetype):
            if not is_string:
                msgspec.json.decode(value)  # its UTF-8 and the range of its numbers
        elif not is_string:
            _MULTILINE.decode(value)


def _check_cell(cell: Any, is_ascii: bool) -> bool:
    """Whether what the cell's Struct does not say holds (DecodeError from mimebundles)."""
    if cell.metadata:
        metadata = msgspec.convert(cell.metadata, _CELL_METADATA[cell.__struct_config__.tag])
        if metadata.tags and len(set(metadata.tags)) != len(metadata.tags):
            return False  # uniqueItems
    if type(cell) is CodeCell:
        for output in cell.outputs:
            if _OUTPUT_SHAPES.get(output.output_type) != _shape(output):
                return False
            if output.data is not UNSET:
                _check_mimebundle(output.data, is_ascii)
    elif cell.attachments:
        for bundle in cell.attachments.values():
            _check_mimebundle(bundle, is_ascii)
    return True


def _without_outputs(nb: Notebook) -> dict:
    """The notebook as JSON values, its code cells cleared of outputs and execution counts; the
    outputs are never turned into Python objects (the raw spans of attachments are copied)."""
    for cell in nb.cells:
        if type(cell) is CodeCell:
            cell.outputs = []
            cell.execution_count = None
    return _ANY.decode(_ENCODER.encode(nb))


def _is_ascii(data) -> bool:
    return len(data) == 0 or int(np.frombuffer(data, np.uint8).max()) < 0x80


def check(
    data: bytes | bytearray | memoryview, *, without_outputs: bool = False
) -> NotebookSummary | None:
    """A summary of ``data`` if it is a valid nbformat 4.4 or 4.5 notebook (JSON bytes), else
    None: not proven valid, ``nbformat.validate`` decides. ``without_outputs``: the summary also
    holds the notebook without outputs, as :func:`json.loads` and clearing them would give.

    Nothing returned refers to ``data``: a memory map of it may be closed afterwards."""
    is_ascii = _is_ascii(data)
    collecting = gc.isenabled()
    gc.disable()  # a collection triggered by the many new objects would scan the whole heap
    try:
        nb = _DECODER.decode(data)
        metadata = msgspec.convert(nb.metadata, NotebookMetadata)
        if not all(_check_cell(cell, is_ascii) for cell in nb.cells):
            return None
    except msgspec.DecodeError:  # ValidationError is one
        return None
    finally:
        if collecting:
            gc.enable()
    ids = {cell.id for cell in nb.cells}
    if nb.nbformat_minor == 4 and ids - {UNSET}:
        return None  # 4.4 has no cell ids
    if nb.nbformat_minor == 5 and (UNSET in ids or len(ids) != len(nb.cells)):
        return None  # missing or duplicate ids: nbformat repairs them (with a warning)
    kernelspec = nb.metadata.get("kernelspec") if metadata.kernelspec is not UNSET else None
    return NotebookSummary(
        nbformat_minor=nb.nbformat_minor,
        cells=len(nb.cells),
        kernelspec=dict(kernelspec or {}),
        without_outputs=_without_outputs(nb) if without_outputs else None,
    )
