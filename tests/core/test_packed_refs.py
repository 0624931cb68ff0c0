"""The packed list of files a sync parses gives back exactly the refs it was given."""

from __future__ import annotations

import pickle

import pytest

from reader.core.packed_refs import PackedRefs
from reader.core.scan import FileRef

REFS = [
    FileRef("a/first.md", 10, 1_700_000_000_123_456_789),
    FileRef("日記/二.md", 0, 5, draft=False, error="cannot read: Permission denied"),
    FileRef("_drafts/x.markdown", 3, 7, draft=True),
    FileRef("bad-\udcff-name.md", 4, 8),  # an undecodable byte, as scan escapes it
    FileRef("", 0, 0),
]


def _packed() -> PackedRefs:
    packed = PackedRefs()
    for ref in REFS:
        packed.append(ref)
    return packed


def test_refs_come_back_as_given() -> None:
    packed = _packed()
    assert len(packed) == len(REFS)
    assert [packed.ref(n) for n in range(len(REFS))] == REFS


def test_batches_cover_every_ref_in_order() -> None:
    batches = _packed().batches(2)
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert [ref for batch in batches for ref in batch] == REFS
    assert batches[1][0] == REFS[2] and batches[1][-1] == REFS[3]
    assert batches[0][0:5] == REFS[0:2]
    with pytest.raises(IndexError):
        batches[2][1]


def test_a_pickled_batch_is_a_plain_list_of_its_refs() -> None:
    batch = _packed().batches(3)[1]
    data = pickle.dumps(batch)
    assert pickle.loads(data) == REFS[3:]
    assert b"first.md" not in data  # not the whole packed list


def test_no_batches_of_nothing() -> None:
    assert PackedRefs().batches(500) == []
