"""The in-memory search index of the gallery: prefix full-text search, filters and facet counts.

Built once per change of the sources and never mutated: a search reads one immutable index, so
searches need no lock while a new index is being built.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .manifest import Template

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
FACETS = ("type", "task", "framework", "fine_tunable")
#: score of a query token found in each field (title first)
WEIGHTS = (("title", 3), ("tags", 2), ("description", 1))


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.casefold())


def _facet_value(t: Template, facet: str) -> str:
    value = getattr(t, facet)
    if facet == "fine_tunable":
        return "true" if value else "false"
    return value


class GalleryIndex:
    """Templates by position; per field, token -> set of positions; per facet, value per
    position and value -> set of positions."""

    def __init__(self, templates: Iterable[Template]):
        self.templates: list[Template] = sorted(templates, key=lambda t: (t.title.casefold(), t.id))
        self.by_id = {t.id: t for t in self.templates}
        self.postings: dict[str, dict[str, set[int]]] = {f: {} for f, _ in WEIGHTS}
        for i, t in enumerate(self.templates):
            texts = {"title": t.title, "description": t.description, "tags": " ".join(t.tags)}
            for f, _ in WEIGHTS:
                post = self.postings[f]
                for tok in set(tokens(texts[f])):
                    post.setdefault(tok, set()).add(i)
        self.vocabulary = sorted({tok for post in self.postings.values() for tok in post})
        self.values: dict[str, list[str]] = {
            f: [_facet_value(t, f) for t in self.templates] for f in FACETS
        }
        self.by_value: dict[str, dict[str, set[int]]] = {f: {} for f in FACETS}
        for f in FACETS:
            for i, value in enumerate(self.values[f]):
                self.by_value[f].setdefault(value, set()).add(i)
        self.everything = frozenset(range(len(self.templates)))

    def __len__(self) -> int:
        return len(self.templates)

    def _expand(self, prefix: str) -> list[str]:
        """Vocabulary tokens starting with ``prefix``."""
        lo = bisect.bisect_left(self.vocabulary, prefix)
        hi = bisect.bisect_left(self.vocabulary, prefix + "\U0010ffff")
        return self.vocabulary[lo:hi]

    def search(
        self, q: str = "", filters: dict[str, str] | None = None, limit: int = 50
    ) -> dict[str, Any]:
        """``{total, items, facets}``: items ranked by where the query matched (title, tags,
        description), then by title; facet counts of each facet over the query and the *other*
        filters, as facet UIs show them."""
        filters = {k: v for k, v in (filters or {}).items() if v is not None}
        scores: dict[int, int] | None = None
        matched: set[int] | frozenset[int] = self.everything
        for tok in dict.fromkeys(tokens(q)):
            expanded = self._expand(tok)
            hits_by_field = []
            for f, weight in WEIGHTS:
                post = self.postings[f]
                hits: set[int] = set()
                for word in expanded:
                    hits.update(post.get(word, ()))
                hits_by_field.append((hits, weight))
            token_docs = set().union(*(h for h, _ in hits_by_field))
            matched = token_docs if matched is self.everything else matched & token_docs
            if scores is None:
                scores = {}
            for hits, weight in hits_by_field:
                for i in hits & matched:
                    scores[i] = scores.get(i, 0) + weight
        filtered = {f: self.by_value[f].get(v, set()) for f, v in filters.items()}
        result = matched
        for docs in filtered.values():
            result = result & docs
        facets = {}
        for f in FACETS:
            base = matched
            for other, docs in filtered.items():
                if other != f:
                    base = base & docs
            values = self.values[f]
            facets[f] = dict(sorted(Counter(values[i] for i in base).items()))
        if scores is None:
            picked = heapq.nsmallest(limit, result)  # positions are in title order
        else:
            picked = heapq.nsmallest(limit, result, key=lambda i: (-scores.get(i, 0), i))
        return {
            "total": len(result),
            "items": [self.templates[i].summary() for i in picked],
            "facets": facets,
        }
