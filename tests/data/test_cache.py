import hashlib
import shutil

import pytest

from ssenb.data import REGISTRY, data_dir, fetch, is_present
from ssenb.errors import DataIntegrityError, DataUnavailableError, UnknownNameError


def test_every_mirrored_file_matches_its_registered_hash(mirror):
    present = [name for name in REGISTRY if (mirror / name).is_file()]
    assert len(present) >= 15  # obelix train (2) + mp2019 (7) + matterviz (6)
    for name in present:
        digest = hashlib.sha256((mirror / name).read_bytes()).hexdigest()
        assert digest == REGISTRY[name].sha256, name
        assert is_present(name)


def test_fetch_returns_the_cached_file_without_network(mirror):
    assert fetch("obelix/train.csv") == mirror / "obelix" / "train.csv"


def test_missing_file_offline_names_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("SSENB_DATA_DIR", str(tmp_path))
    assert data_dir() == tmp_path
    with pytest.raises(DataUnavailableError, match="SSENB_DATA_DIR"):
        fetch("obelix/test.csv")


def test_missing_file_without_connection_is_a_clear_error(tmp_path, monkeypatch):
    import pooch

    def no_network(*args, **kwargs):
        raise ConnectionError("no route to host")

    monkeypatch.setenv("SSENB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SSENB_OFFLINE", "0")
    monkeypatch.setattr(pooch, "retrieve", no_network)
    with pytest.raises(DataUnavailableError, match=r"could not be downloaded.*ConnectionError"):
        fetch("obelix/test.csv")


def test_hash_mismatch_is_refused_and_the_file_left_alone(tmp_path, monkeypatch, mirror):
    target = tmp_path / "obelix" / "train.csv"
    target.parent.mkdir()
    shutil.copy(mirror / "obelix" / "train.csv", target)
    with open(target, "a") as fh:
        fh.write("tampered\n")
    before = target.read_bytes()
    monkeypatch.setenv("SSENB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(
        "SSENB_OFFLINE", "0"
    )  # even with downloads allowed it must not replace the file
    with pytest.raises(DataIntegrityError, match="never overwrites"):
        fetch("obelix/train.csv")
    assert target.read_bytes() == before
    assert not is_present("obelix/train.csv")


def test_unknown_file_lists_known_ones():
    with pytest.raises(UnknownNameError, match=r"obelix/train\.csv"):
        fetch("obelix/validation.csv")


def test_file_status_tells_verified_absent_and_corrupted(tmp_path, monkeypatch, mirror):
    """A copy with one flipped byte is 'corrupted', not 'absent'."""
    from ssenb.data import file_status

    name = "matterviz-hull-demos/alexandria_Li-Ti-O.json.gz"  # a small mirror file
    target = tmp_path / name
    target.parent.mkdir(parents=True)
    data = bytearray((mirror / name).read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    monkeypatch.setenv("SSENB_DATA_DIR", str(tmp_path))
    assert file_status(name) == "corrupted"
    assert file_status("obelix/train.csv") == "absent"
    assert not is_present(name)
    monkeypatch.setenv("SSENB_DATA_DIR", str(mirror))
    assert file_status(name) == "verified"
    with pytest.raises(UnknownNameError, match="no registered data file"):
        file_status("nope.csv")


def test_derived_index_never_goes_into_the_data_dir(monkeypatch, tmp_path):
    """Whatever the data folder's write bits (a copy made with or without them)."""
    import pooch

    from ssenb.data import _cache

    assert _cache._os_cache() == pooch.os_cache("ssenb")  # same folder, no pooch import
    writable, read_only = tmp_path / "writable-data", tmp_path / "read-only-data"
    for data in (writable, read_only):
        (data / "obelix").mkdir(parents=True)
        (data / "obelix" / "train.csv").write_text("id\n")
    read_only.chmod(0o555)  # as a mirror copied without write bits
    monkeypatch.delenv("SSENB_CACHE_DIR", raising=False)
    monkeypatch.setattr(_cache, "_os_cache", lambda: tmp_path / "ssenb")
    try:
        for data in (writable, read_only):
            monkeypatch.setenv("SSENB_DATA_DIR", str(data))
            assert _cache.derived_cache_dir() == tmp_path / "ssenb" / "derived"
        # an explicit cache folder is used when writable, refused (None) when not
        monkeypatch.setenv("SSENB_CACHE_DIR", str(writable / "derived"))
        assert _cache.derived_cache_dir() == writable / "derived"
        monkeypatch.setenv("SSENB_CACHE_DIR", str(read_only / "derived"))
        assert _cache.derived_cache_dir() is None
        assert not (read_only / "derived").exists()
    finally:
        read_only.chmod(0o755)  # so pytest can clean tmp_path


def test_a_source_checkout_finds_the_mirror_beside_it(monkeypatch, tmp_path):
    """Without SSENB_DATA_DIR, ssenb from a checkout reads <checkout>/../shared/data."""
    from ssenb.data import _cache

    package = tmp_path / "ssenb-repo" / "ssenb"
    package.mkdir(parents=True)
    assert _cache.mirror_beside_checkout(package) is None  # no pyproject: not a checkout
    (package.parent / "pyproject.toml").write_text("[project]\nname = 'ssenb'\n")
    assert _cache.mirror_beside_checkout(package) is None  # a checkout, but no mirror
    mirror = tmp_path / "shared" / "data"
    mirror.mkdir(parents=True)
    assert _cache.mirror_beside_checkout(package) == mirror
    wheel = tmp_path / "site-packages" / "ssenb"  # installed: never looks beside it
    wheel.mkdir(parents=True)
    assert _cache.mirror_beside_checkout(wheel) is None

    monkeypatch.setattr(_cache, "mirror_beside_checkout", lambda: mirror)
    monkeypatch.setattr(_cache, "_os_cache", lambda: tmp_path / "os-cache")
    monkeypatch.delenv("SSENB_DATA_DIR", raising=False)
    assert data_dir() == mirror
    monkeypatch.setenv("SSENB_DATA_DIR", str(tmp_path / "mine"))  # the variable wins
    assert data_dir() == tmp_path / "mine"
    monkeypatch.delenv("SSENB_DATA_DIR")
    monkeypatch.setattr(_cache, "mirror_beside_checkout", lambda: None)
    assert data_dir() == tmp_path / "os-cache"
