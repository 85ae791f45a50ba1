"""The cache folder: ``$SKILLSPAS_CACHE_DIR``, else the per-user cache (the vocabulary index and the
stored fast-path contexts live there; anything in it can be rebuilt)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_folder"]


def cache_folder() -> Path:
    """Where skillspas keeps what it can rebuild (not created here)."""
    if os.environ.get("SKILLSPAS_CACHE_DIR"):
        return Path(os.environ["SKILLSPAS_CACHE_DIR"])
    import platformdirs

    return Path(platformdirs.user_cache_dir("skillspas", appauthor=False))
