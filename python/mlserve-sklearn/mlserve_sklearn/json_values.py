"""Turn numpy scalars and arrays into plain JSON values that round-trip exactly."""

import math
import numbers

import numpy as np


def is_missing(value):
    """None or a float NaN (scikit-learn's missing markers)."""
    if value is None:
        return True
    try:
        return isinstance(value, numbers.Real) and math.isnan(value)
    except TypeError:
        return False


def to_json_value(value):
    """A JSON scalar: int, float, str, bool or None (NaN and None become None).

    Python's ``json`` writes floats with ``repr``, the shortest round-trip form, so float64
    parameters survive exactly (FORMAT.md asks for that).
    """
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (numbers.Integral, np.integer)):
        return int(value)
    if isinstance(value, (numbers.Real, np.floating)):
        value = float(value)
        if math.isinf(value):
            raise ValueError("infinite value %r cannot be written to JSON" % value)
        return value
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8")
    raise TypeError("value %r of type %s cannot be written to JSON" % (value, type(value).__name__))


def to_json_list(values):
    """A list of JSON scalars from any 1-D array-like."""
    return [to_json_value(v) for v in (values.tolist() if isinstance(values, np.ndarray) else values)]
