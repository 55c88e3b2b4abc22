"""Writes arrays/: a save_to_disk Dataset with one column per ArrayND rank and a few dtypes.

    python3 -m venv /tmp/hfenv && /tmp/hfenv/bin/pip install datasets
    /tmp/hfenv/bin/python make_arrays.py arrays
"""
import sys

import numpy as np
from datasets import Array2D, Array3D, Array4D, Array5D, Dataset, Features, List, Value

ROWS = 12
features = Features(
    {
        "a2": Array2D(shape=(2, 3), dtype="int64"),
        "a3": Array3D(shape=(2, 2, 2), dtype="float64"),
        "a4": Array4D(shape=(1, 2, 1, 2), dtype="int32"),
        "a5": Array5D(shape=(1, 1, 2, 1, 2), dtype="int16"),
        "fixed8": List(Value("int8"), length=3),
        "score": Value("float32"),
    }
)


def column(shape, dtype, row):
    size = int(np.prod(shape))
    return (np.arange(size) * (row + 1) - row).astype(dtype).reshape(shape).tolist()


rows = {
    "a2": [column((2, 3), "int64", r) for r in range(ROWS)],
    "a3": [(np.array(column((2, 2, 2), "float64", r)) / 3).tolist() for r in range(ROWS)],
    "a4": [column((1, 2, 1, 2), "int32", r) for r in range(ROWS)],
    "a5": [column((1, 1, 2, 1, 2), "int16", r) for r in range(ROWS)],
    "fixed8": [[r, -r, 2 * r] for r in range(ROWS)],
    "score": [r / 7 for r in range(ROWS)],
}
Dataset.from_dict(rows, features=features).save_to_disk(sys.argv[1])
