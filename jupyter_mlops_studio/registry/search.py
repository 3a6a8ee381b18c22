"""The search language of model versions, compiled to indexed SQL.

``metrics.accuracy >= 0.9 AND (tags.team = 'fraud' OR status = 'Approved')``: terms joined with
AND / OR and parentheses. Metric and tag terms become ``id IN (SELECT version_id …)`` over the
narrow indexed tables, so every term is an index range scan.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import and_, asc, desc, or_, select

from ..core.errors import InvalidInput
from .models import AliasRow, GroupRow, VersionMetricRow, VersionRow, VersionTagRow

TOKEN = re.compile(
    r"\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<op>>=|<=|!=|=|>|<)"
    r"|(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_.\-/]*))"
)
COMPARISONS = {"=", "!=", ">", ">=", "<", "<=", "LIKE", "ILIKE"}
MAX_FILTER = 4096


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise InvalidInput(
                f"cannot read the filter at {text[pos : pos + 20]!r}", reason="invalid-filter"
            )
        kind = m.lastgroup
        value = m.group(kind)
        if kind == "word" and value.upper() in ("AND", "OR", "LIKE", "ILIKE"):
            kind, value = ("op" if value.upper() in ("LIKE", "ILIKE") else "bool"), value.upper()
        out.append((kind, value))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self, kind=None):
        tok = self.peek()
        if tok[0] is None or (kind and tok[0] != kind):
            raise InvalidInput(
                f"filter: expected {kind or 'more'} near token {self.i + 1}",
                reason="invalid-filter",
            )
        self.i += 1
        return tok

    def expression(self):
        clause = self.conjunction()
        while self.peek() == ("bool", "OR"):
            self.take()
            clause = or_(clause, self.conjunction())
        return clause

    def conjunction(self):
        clause = self.factor()
        while self.peek() == ("bool", "AND"):
            self.take()
            clause = and_(clause, self.factor())
        return clause

    def factor(self):
        if self.peek()[0] == "lp":
            self.take()
            clause = self.expression()
            self.take("rp")
            return clause
        _, field = self.take("word")
        _, op = self.take("op")
        kind, raw = self.take()
        if kind == "str":
            value = raw[1:-1].encode().decode("unicode_escape")
        elif kind == "num":
            value = float(raw)
        else:
            raise InvalidInput(
                f"filter: {field} {op} needs a quoted string or a number", reason="invalid-filter"
            )
        return term(field, op, value)


def _compare(column, op: str, value):
    if op == "LIKE":
        return column.like(value)
    if op == "ILIKE":
        return column.ilike(value)
    return {
        "=": column.__eq__,
        "!=": column.__ne__,
        ">": column.__gt__,
        ">=": column.__ge__,
        "<": column.__lt__,
        "<=": column.__le__,
    }[op](value)


def _need(value, typ, field):
    if not isinstance(value, typ):
        raise InvalidInput(
            f"filter: {field} takes a {typ.__name__ if typ is not str else 'quoted string'}",
            reason="invalid-filter",
        )
    return value


def term(field: str, op: str, value):
    if op not in COMPARISONS:
        raise InvalidInput(f"filter: unknown operator {op}", reason="invalid-filter")
    if field.startswith("metrics."):
        sub = select(VersionMetricRow.version_id).where(
            VersionMetricRow.name == field[8:],
            _compare(VersionMetricRow.value, op, _need(value, float, field)),
        )
        return VersionRow.id.in_(sub)
    if field.startswith("tags."):
        sub = select(VersionTagRow.version_id).where(
            VersionTagRow.key == field[5:],
            _compare(VersionTagRow.value, op, _need(value, str, field)),
        )
        return VersionRow.id.in_(sub)
    if field == "alias":
        sub = select(AliasRow.version_id).where(
            _compare(AliasRow.alias, op, _need(value, str, field))
        )
        return VersionRow.id.in_(sub)
    if field in ("group", "name"):
        # Through the group ids: the versions' (group_id, version) index answers, not a scan.
        sub = select(GroupRow.id).where(_compare(GroupRow.name, op, _need(value, str, field)))
        return VersionRow.group_id.in_(sub)
    if field == "status":
        return _compare(VersionRow.status, op, _need(value, str, field))
    if field == "registered_by":
        return _compare(VersionRow.registered_by, op, _need(value, str, field))
    if field == "version":
        return _compare(VersionRow.version, op, int(_need(value, float, field)))
    if field == "created_at":
        try:
            when = dt.datetime.fromisoformat(_need(value, str, field).replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(
                f"filter: created_at takes an ISO time, not {value!r}", reason="invalid-filter"
            ) from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        return _compare(VersionRow.created_at, op, when)
    raise InvalidInput(f"filter: unknown field {field!r}", reason="invalid-filter")


def compile_filter(text: str | None):
    """The SQL condition of a filter (None for an empty filter)."""
    if not text or not text.strip():
        return None
    if len(text) > MAX_FILTER:
        raise InvalidInput(f"filter longer than {MAX_FILTER} characters", reason="invalid-filter")
    parser = _Parser(_tokens(text))
    clause = parser.expression()
    if parser.i != len(parser.tokens):
        raise InvalidInput("filter: unexpected text after the end", reason="invalid-filter")
    return clause


def compile_order(text: str | None) -> list:
    """ORDER BY clauses: ``created_at DESC, metrics.accuracy DESC`` (default: newest first).

    Newest first is the id order (ids are given in registration order), which walks the primary
    key backwards and stops after one page instead of sorting every match.
    """
    if not text or not text.strip():
        return [desc(VersionRow.id)]
    clauses = []
    for part in text.split(","):
        words = part.split()
        if not 1 <= len(words) <= 2 or (
            len(words) == 2 and words[1].upper() not in ("ASC", "DESC")
        ):
            raise InvalidInput(f"order_by: cannot read {part.strip()!r}", reason="invalid-order")
        field, direction = words[0], (words[1].upper() if len(words) == 2 else "ASC")
        if field.startswith("metrics."):
            column = (
                select(VersionMetricRow.value)
                .where(
                    VersionMetricRow.version_id == VersionRow.id, VersionMetricRow.name == field[8:]
                )
                .scalar_subquery()
            )
        else:
            column = {
                "created_at": VersionRow.created_at,
                "version": VersionRow.version,
                "group": GroupRow.name,
                "status": VersionRow.status,
            }.get(field)
            if column is None:
                raise InvalidInput(f"order_by: unknown field {field!r}", reason="invalid-order")
        clauses.append(desc(column) if direction == "DESC" else asc(column))
    clauses.append(desc(VersionRow.id))
    return clauses
