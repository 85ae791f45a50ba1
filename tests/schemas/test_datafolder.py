"""One resolver of the data folder (``schemas.datafolder``): a flag, then $SKILLSPAS_HOME, then
$SKILLSPAS_DATA_DIR, then the per-user data folder; the service, the passport and the vocabulary agree."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from skillspas.schemas.datafolder import data_folder

DEFAULT = Path(platformdirs.user_data_dir("skillspas", appauthor=False))


def test_the_data_folder_is_the_flag_then_home_then_data_dir_then_the_user_folder(tmp_path):
    both = {"SKILLSPAS_HOME": str(tmp_path / "home"), "SKILLSPAS_DATA_DIR": str(tmp_path / "data")}
    assert data_folder(tmp_path / "flag", both) == tmp_path / "flag"
    assert data_folder(None, both) == tmp_path / "home"
    assert data_folder(None, {**both, "SKILLSPAS_HOME": ""}) == tmp_path / "data"
    assert data_folder(None, {}) == DEFAULT
    assert data_folder("~/x", {}) == Path.home() / "x"


def test_the_service_the_passport_and_the_vocabulary_find_the_same_data_folder(tmp_path, monkeypatch):
    from skillspas.issuer.settings import Settings
    from skillspas.wallet_export.cli import default_passport_dir

    monkeypatch.delenv("SKILLSPAS_HOME", raising=False)
    monkeypatch.setenv("SKILLSPAS_DATA_DIR", str(tmp_path / "data"))
    for expected in (tmp_path / "data", tmp_path / "home"):
        assert Settings.from_env().data_dir == expected
        assert default_passport_dir() == expected / "passport"
        assert data_folder() == expected
        monkeypatch.setenv("SKILLSPAS_HOME", str(tmp_path / "home"))
    assert Settings.from_env(data_dir=tmp_path / "flag").data_dir == tmp_path / "flag"
