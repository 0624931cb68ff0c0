"""Where reader keeps its files: platformdirs (so XDG_* variables are honoured) or --data-dir."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "reader"


@dataclass(frozen=True, slots=True)
class StorePaths:
    """The three directories reader uses. `--data-dir DIR` puts data and cache under DIR."""

    data_dir: Path
    cache_dir: Path
    config_dir: Path

    @classmethod
    def default(cls, data_dir: str | os.PathLike[str] | None = None) -> StorePaths:
        config = Path(platformdirs.user_config_dir(APP_NAME))
        if data_dir is not None:
            root = Path(data_dir).expanduser().absolute()
            return cls(data_dir=root, cache_dir=root / "cache", config_dir=config)
        return cls(
            data_dir=Path(platformdirs.user_data_dir(APP_NAME)),
            cache_dir=Path(platformdirs.user_cache_dir(APP_NAME)),
            config_dir=config,
        )

    @property
    def state_db(self) -> Path:
        return self.data_dir / "state.db"

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def piped_dir(self) -> Path:
        """Posts read from standard input (`reader -`), kept by content hash."""
        return self.cache_dir / "stdin"

    def index_db(self, library_root: str) -> Path:
        """One index per library, named by a hash of its resolved posts root."""
        digest = hashlib.sha256(os.fsencode(library_root)).hexdigest()[:16]
        return self.cache_dir / "libraries" / digest / "index.db"
