"""Distances on the sphere and nearest-neighbour search over points given as latitude and longitude.

Points go into the k-d tree as unit vectors (`xyz`): the tree's Euclidean distance is then the chord
between two points, which `chord_km` turns into a great-circle distance. numpy and pykdtree are
imported inside the functions: a command that never checks a place does not load them."""

from __future__ import annotations

import math
from typing import Any

EARTH_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(min(1.0, a)))


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """`distance_km` over numpy arrays."""
    import numpy as np

    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(1.0, a)))


def chord_km(chord: Any) -> Any:
    """The great-circle distance (km) of chords between unit vectors (a numpy array)."""
    import numpy as np

    return 2 * EARTH_KM * np.arcsin(np.minimum(1.0, chord / 2))


def xyz(lat: Any, lon: Any) -> Any:
    """Points as unit vectors, one row each."""
    import numpy as np

    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def kdtree(points: Any) -> Any:
    """A k-d tree over these points. pykdtree imports in a millisecond and builds the whole gazetteer's
    tree in 0.02 s; scipy's cKDTree took 0.18 s to import (scipy.spatial brings scipy.sparse), which
    was most of what place checks cost a 100,000-row `cedar check`. Its query gives Euclidean distances
    and uint32 indices (as int64 here); it needs C-ordered float64 points."""
    import numpy as np
    from pykdtree.kdtree import KDTree

    return KDTree(np.ascontiguousarray(points, dtype=np.float64))


def query(tree: Any, points: Any, k: int) -> tuple[Any, Any]:
    """The k nearest points of the tree to each point: their chords and their indices (int64)."""
    import numpy as np

    d, i = tree.query(np.ascontiguousarray(points, dtype=np.float64), k=k)
    return d, i.astype(np.int64)
