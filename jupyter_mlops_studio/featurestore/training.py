"""Point-in-time correct training sets: one output row per spine row, through ASOF LEFT JOIN.

For each spine row (an id and a time ``t``) and each chosen group, the record taken is the one
with the greatest event time ``<= t`` — ties broken by the later write time — provided it is
within the group's TTL (``t - event_time <= ttl``) and is not a delete marker; otherwise the
features are null. With ``exclude_late`` a record counts only if it had also been *written* by
``t`` (no leakage from late-arriving data).

Both cases are one ASOF join on an "available from" time ``a`` (the event time, or the later of
event and write time when excluding late data): records of an id are ordered by ``a`` and each
carries the best record (greatest event time, then write time) among those available by its own
``a`` — a running maximum over a window — so the ASOF match of ``t`` is the answer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from ..core.errors import InvalidInput
from .definitions import INTEGRAL, Group
from .offline import OfflineStore, event_time_sql, quote

ROW, TS, KEY = "__fs_row", "__fs_ts", "__fs_key"
MAX_SPINE_ROWS = 50_000_000


def _spine_time_sql(spine: pa.Table, column: str) -> str:
    kind = spine.schema.field(column).type
    q = f"s.{quote(column)}"
    if pa.types.is_timestamp(kind):
        return f"epoch({q})"
    if pa.types.is_date(kind):
        return f"epoch(CAST({q} AS TIMESTAMP))"
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return f"CAST({q} AS DOUBLE)"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return f"epoch(TRY_CAST({q} AS TIMESTAMPTZ))"
    raise InvalidInput(
        f"spine column {column!r} must hold timestamps, dates, Unix seconds or ISO-8601 strings "
        f"(it holds {kind})",
        reason="invalid-spine",
    )


def _check_spine_times(con, spine: pa.Table, column: str) -> None:
    """A string time that is not ISO-8601 is an error (400), never a row of silent nulls."""
    kind = spine.schema.field(column).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        return
    q = quote(column)
    bad = con.execute(
        f"SELECT {ROW}, {q} FROM spine_in WHERE {q} IS NOT NULL "
        f"AND TRY_CAST({q} AS TIMESTAMPTZ) IS NULL ORDER BY {ROW} LIMIT 1"
    ).fetchone()
    if bad is not None:
        raise InvalidInput(
            f"spine row {bad[0]}: {column} {str(bad[1])[:60]!r} is not an ISO-8601 date and time "
            "such as 2026-11-29T10:00:00Z",
            reason="invalid-spine",
        )


def output_names(
    selection: Sequence[tuple[Group, list[str]]], spine: pa.Table, full_names: bool
) -> list[list[str]]:
    """The output column name of each chosen feature; a clash is an error."""
    taken = {n.lower() for n in spine.column_names}
    out = []
    for group, features in selection:
        names = []
        for feature in features:
            name = f"{group.view}__{feature}" if full_names else feature
            if name.lower() in taken:
                raise InvalidInput(
                    f"output column {name!r} appears twice (a spine column or another group's "
                    "feature): pass full_names=true to prefix features with their group",
                    reason="duplicate-column",
                )
            taken.add(name.lower())
            names.append(name)
        out.append(names)
    return out


def _records_sql(group: Group, features: list[str], exclude_late: bool) -> str:
    """The candidate records of a group with their ASOF key ``__fs_k`` (features renamed
    ``__fs_f0``, ``__fs_f1`` …).

    By default every record is a candidate from its event time on, keyed (event time, write
    time). Excluding late data, a record is available from the later of its event and write
    times, and carries the best record available by then: a running maximum of (event time,
    write time) over the id's records in order of availability.
    """
    rid = quote(group.record_identifier)
    et = event_time_sql(group, group.event_time)
    wt = "epoch(write_time)"
    deleted = "coalesce(is_deleted, false)"
    source = f"FROM {quote(group.view)} WHERE {rid} IS NOT NULL AND {et} IS NOT NULL"
    if not exclude_late:
        picked = "".join(f", {quote(f)} AS __fs_f{j}" for j, f in enumerate(features))
        return (
            f"SELECT {rid} AS __fs_id, {{'e': {et}, 'w': {wt}}} AS __fs_k, {et} AS __fs_et, "
            f"{deleted} AS __fs_del{picked} {source}"
        )
    available = f"greatest({et}, {wt})"
    packed = "".join(f", __fs_f{j} := {quote(f)}" for j, f in enumerate(features))
    best = (
        f"SELECT {rid} AS __fs_id, {available} AS __fs_av, max(struct_pack(__fs_et := {et}, "
        f"__fs_wt := {wt}, __fs_del := {deleted}{packed})) OVER (PARTITION BY {rid} ORDER BY "
        f"{available} RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS b {source}"
    )
    unpacked = "".join(f", b.__fs_f{j} AS __fs_f{j}" for j in range(len(features)))
    return (
        f"SELECT __fs_id, {{'e': __fs_av, 'w': 0.0}} AS __fs_k, b.__fs_et AS __fs_et, "
        f"b.__fs_del AS __fs_del{unpacked} FROM ({best})"
    )


def training_set(
    store: OfflineStore,
    selection: Sequence[tuple[Group, list[str]]],
    spine: pa.Table,
    time_column: str,
    exclude_late: bool = False,
    full_names: bool = False,
) -> pa.Table:
    """Join ``spine`` point-in-time to the chosen features of each group (see the module)."""
    if spine.num_rows > MAX_SPINE_ROWS:
        raise InvalidInput(f"the spine has more than {MAX_SPINE_ROWS:,} rows", "invalid-spine")
    for name in spine.column_names:
        if name.startswith("__fs_"):
            raise InvalidInput(
                f"spine column {name!r}: names starting __fs_ are reserved", "invalid-spine"
            )
    if time_column not in spine.column_names:
        raise InvalidInput(f"the spine has no time column {time_column!r}", "invalid-spine")
    for group, _ in selection:
        if group.record_identifier not in spine.column_names:
            raise InvalidInput(
                f"the spine has no column {group.record_identifier!r} (the record identifier "
                f"of {group.name})",
                reason="invalid-spine",
            )
    names = output_names(selection, spine, full_names)
    spine = spine.append_column(ROW, pa.array(np.arange(spine.num_rows, dtype=np.int64)))
    ts = _spine_time_sql(spine, time_column)
    # the spine's ASOF key: a record's key (event time, write time) <= (t, +inf) means event
    # time <= t, and the greatest such key is the latest event time, ties to the later write
    ctes = [
        f"s0 AS (SELECT s.*, {ts} AS {TS}, "
        f"{{'e': {ts}, 'w': CAST('infinity' AS DOUBLE)}} AS {KEY} FROM spine_in s)"
    ]
    finals = []
    for i, ((group, features), outs) in enumerate(zip(selection, names, strict=True), 1):
        rid = quote(group.record_identifier)
        ctes.append(f"r{i} AS ({_records_sql(group, features, exclude_late)})")
        spine_id = (
            f"TRY_CAST(s{i - 1}.{rid} AS BIGINT)"
            if group.types[group.record_identifier] == INTEGRAL
            else f"CAST(s{i - 1}.{rid} AS VARCHAR)"
        )
        taken = ", ".join(
            [f"r{i}.__fs_et AS __fs_et{i}", f"r{i}.__fs_del AS __fs_del{i}"]
            + [f"r{i}.__fs_f{j} AS __fs_{i}_{j}" for j in range(len(features))]
        )
        ctes.append(
            f"s{i} AS (SELECT s{i - 1}.*, {taken} FROM s{i - 1} ASOF LEFT JOIN r{i} "
            f"ON {spine_id} = r{i}.__fs_id AND s{i - 1}.{KEY} >= r{i}.__fs_k)"
        )
        expired = f" OR {TS} - __fs_et{i} > {int(group.ttl_seconds)}" if group.ttl_seconds else ""
        for j, out in enumerate(outs):
            finals.append(
                f"CASE WHEN __fs_del{i}{expired} THEN NULL ELSE __fs_{i}_{j} END AS {quote(out)}"
            )
    spine_columns = ", ".join(quote(c) for c in spine.column_names if c != ROW)
    last = f"s{len(selection)}"
    sql = (
        f"WITH {', '.join(ctes)} SELECT {spine_columns}, {', '.join(finals)} "
        f"FROM {last} ORDER BY {ROW}"
    )
    con = store.connect([g for g, _ in selection])
    try:
        con.register("spine_in", spine)
        _check_spine_times(con, spine, time_column)
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()
