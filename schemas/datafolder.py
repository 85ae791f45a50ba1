"""The skillspas data folder: the one place that says where it is.

Imported vocabularies and registers, the passport, the issuer's database and keystore all live below it.
A flag (``--home``, ``--data-dir``) wins, then ``$SKILLSPAS_HOME``, then ``$SKILLSPAS_DATA_DIR``, then the
per-user data folder (platformdirs, e.g. ``~/.local/share/skillspas``).

Usage::

    from skillspas.schemas.datafolder import data_folder
    passport = data_folder() / "passport"
    vocabulary = SkillsVocabulary.load(data_folder(home))   # home: the --home flag, or None
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final

__all__ = ["data_folder", "DATA_FOLDER_VARIABLES"]

DATA_FOLDER_VARIABLES: Final = ("SKILLSPAS_HOME", "SKILLSPAS_DATA_DIR")
"""The environment variables that name the data folder, the first set (not empty) winning."""


def data_folder(flag: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The data folder: ``flag`` if given, else the first of ``DATA_FOLDER_VARIABLES`` set in ``environ``
    (default ``os.environ``), else the per-user data folder; ``~`` expanded."""
    if flag is not None:
        return Path(flag).expanduser()
    env = os.environ if environ is None else environ
    for variable in DATA_FOLDER_VARIABLES:
        if env.get(variable):
            return Path(env[variable]).expanduser()
    import platformdirs  # only when no folder is named

    return Path(platformdirs.user_data_dir("skillspas", appauthor=False))
