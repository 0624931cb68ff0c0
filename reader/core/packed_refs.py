"""The files a sync will parse, packed: paths as UTF-8 bytes in one buffer, sizes and times in
arrays. A cold sync of 100k files holds all of them from the end of the walk to the end of the
parse; as `FileRef` tuples they took 26 MB of the app's memory, packed about 6 MB."""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from typing import overload

from reader.core.scan import FileRef


class PackedRefs:
    """An append-only list of `FileRef`s, read back whole, in `batches`."""

    def __init__(self) -> None:
        self._paths = bytearray()
        self._ends = array("Q")
        self._sizes = array("q")
        self._mtimes = array("q")
        self._drafts = bytearray()
        self._errors: dict[int, str] = {}  # by position: few files have one

    def append(self, ref: FileRef) -> None:
        # surrogateescape: undecodable bytes of a file name come back as they were
        self._paths += ref.relpath.encode("utf-8", "surrogateescape")
        self._ends.append(len(self._paths))
        self._sizes.append(ref.size)
        self._mtimes.append(ref.mtime_ns)
        self._drafts.append(ref.draft)
        if ref.error is not None:
            self._errors[len(self._ends) - 1] = ref.error

    def __len__(self) -> int:
        return len(self._ends)

    def ref(self, position: int) -> FileRef:
        start = self._ends[position - 1] if position else 0
        path = self._paths[start : self._ends[position]].decode("utf-8", "surrogateescape")
        return FileRef(
            path,
            self._sizes[position],
            self._mtimes[position],
            bool(self._drafts[position]),
            self._errors.get(position),
        )

    def batches(self, size: int) -> list[RefBatch]:
        """Consecutive batches of at most `size` files, in order."""
        return [
            RefBatch(self, start, min(start + size, len(self)))
            for start in range(0, len(self), size)
        ]


class RefBatch(Sequence[FileRef]):
    """Files `start` to `stop` of a `PackedRefs`, made into `FileRef`s as they are read. Pickled
    (for a parse worker) as the plain list of its files, never the whole `PackedRefs`."""

    def __init__(self, refs: PackedRefs, start: int, stop: int) -> None:
        self._refs, self._start, self._stop = refs, start, stop

    def __len__(self) -> int:
        return self._stop - self._start

    @overload
    def __getitem__(self, index: int) -> FileRef: ...

    @overload
    def __getitem__(self, index: slice) -> list[FileRef]: ...

    def __getitem__(self, index: int | slice) -> FileRef | list[FileRef]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._refs.ref(self._start + index)

    def __iter__(self) -> Iterator[FileRef]:
        return map(self._refs.ref, range(self._start, self._stop))

    def __reduce__(self) -> tuple[type[list[FileRef]], tuple[list[FileRef]]]:
        return list, (list(self),)
