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
from .offline import SQL_TYPES, OfflineStore, event_time_sql, quote

ROW, TS = "__fs_row", "__fs_ts"
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
    ctes = [f"s0 AS (SELECT s.*, {ts} AS {TS} FROM spine_in s)"]
    finals = []
    for i, ((group, features), outs) in enumerate(zip(selection, names, strict=False), 1):
        rid = quote(group.record_identifier)
        id_type = SQL_TYPES[group.types[group.record_identifier]]
        et = event_time_sql(group, group.event_time)
        wt = "epoch(write_time)"
        available = f"greatest({et}, {wt})" if exclude_late else et
        packed = ", ".join(
            [f"__fs_et := {et}", f"__fs_wt := {wt}", "__fs_del := coalesce(is_deleted, false)"]
            + [f"{quote(f)} := {quote(f)}" for f in features]
        )
        ctes.append(
            f"r{i} AS (SELECT {rid} AS __fs_id, {available} AS __fs_av, "
            f"max(struct_pack({packed})) OVER (PARTITION BY {rid} ORDER BY {available} "
            "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS __fs_best "
            f"FROM {quote(group.view)} WHERE {rid} IS NOT NULL AND {et} IS NOT NULL)"
        )
        spine_id = (
            f"TRY_CAST(s{i - 1}.{rid} AS {id_type})"
            if group.types[group.record_identifier] == INTEGRAL
            else f"CAST(s{i - 1}.{rid} AS VARCHAR)"
        )
        ctes.append(
            f"s{i} AS (SELECT s{i - 1}.*, r{i}.__fs_best AS __fs_b{i} FROM s{i - 1} "
            f"ASOF LEFT JOIN r{i} ON {spine_id} = r{i}.__fs_id AND s{i - 1}.{TS} >= r{i}.__fs_av)"
        )
        expired = (
            f" OR {TS} - __fs_b{i}.__fs_et > {int(group.ttl_seconds)}" if group.ttl_seconds else ""
        )
        for feature, out in zip(features, outs, strict=False):
            finals.append(
                f"CASE WHEN __fs_b{i}.__fs_del{expired} THEN NULL "
                f"ELSE __fs_b{i}.{quote(feature)} END AS {quote(out)}"
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
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()
