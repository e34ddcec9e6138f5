"""core.fragments: the pieces a process keeps in memory stay within their budget, least
recently used out first, and a piece found in memory is not asked of the shared cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from core import fragments
from core.fragments import _RecentFragments, cached_fragments


def test_the_least_recently_used_pieces_give_way_within_the_budget():
    piece = "卡" * 100
    weight = _RecentFragments._weight("a", piece)  # the same for each one-letter key
    recent = _RecentFragments(budget_bytes=3 * weight)
    recent.set_many({"a": piece, "b": piece, "c": piece})
    assert recent.get_many(["a"]) == {"a": piece}  # "a" used: "b" is now the oldest

    recent.set_many({"d": piece})

    assert sorted(recent.get_many(["a", "b", "c", "d"])) == ["a", "c", "d"]
    assert recent.size == 3 * weight


def test_a_piece_weighs_what_python_holds_for_it():
    # Text with a character beyond the Basic Multilingual Plane is held at 4 bytes a character.
    assert _RecentFragments._weight("k", "🚀路演" * 100) > _RecentFragments._weight("k", "路演路" * 100) > 600


@pytest.mark.django_db
def test_pieces_come_from_memory_then_the_shared_cache_then_the_renderer():
    renders = []

    def render(index):
        renders.append(index)
        return f"<li>{index}</li>"

    keys = ["test:piece:1", "test:piece:2"]
    assert cached_fragments(keys, render) == ["<li>0</li>", "<li>1</li>"]
    assert renders == [0, 1]
    assert cache.get_many(keys) == {"test:piece:1": "<li>0</li>", "test:piece:2": "<li>1</li>"}

    cache.delete("test:piece:1")  # held in memory: the shared cache is not needed for it
    assert cached_fragments(keys, render) == ["<li>0</li>", "<li>1</li>"]
    assert renders == [0, 1]

    fragments.forget_local_fragments()
    assert cached_fragments(keys, render) == ["<li>0</li>", "<li>1</li>"]
    assert renders == [0, 1, 0]  # only the piece neither memory nor the shared cache had
