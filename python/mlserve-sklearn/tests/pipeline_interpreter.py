"""An independent reader of pipeline.json, written from FORMAT.md alone (no scikit-learn).

The tests run it on the fixtures' records and require the exact float32 matrix scikit-learn
produced: evidence that pipeline.json carries everything a reader needs.
"""

import math

import numpy as np


class UnknownCategory(ValueError):
    pass


def _missing(v):
    return v is None or (isinstance(v, float) and math.isnan(v))


def _number(v):
    return math.nan if _missing(v) else float(v)


def _imputer(step, names, cols):
    out_names, out_cols = [], []
    for name, col, stat in zip(names, cols, step["statistics"]):
        if stat is None and step["strategy"] != "constant":
            continue
        out_names.append(name)
        out_cols.append([stat if _missing(v) else v for v in col])
    return out_names, out_cols


def _standard(step, names, cols):
    out = []
    for i, col in enumerate(cols):
        mean = step["mean"][i] if step["withMean"] else 0.0
        scale = step["scale"][i] if step["withStd"] else 1.0
        out.append([(_number(v) - mean) / scale for v in col])
    return list(names), out


def _minmax(step, names, cols):
    lo, hi = step["featureRange"]
    out = []
    for i, col in enumerate(cols):
        values = [_number(v) * step["scale"][i] + step["min"][i] for v in col]
        if step["clip"]:
            values = [min(max(v, lo), hi) for v in values]
        out.append(values)
    return list(names), out


def _onehot(step, names, cols):
    out_names, out_cols = [], []
    for i, (name, col) in enumerate(zip(names, cols)):
        cats = step["categories"][i]
        drop = step["dropIdx"][i] if step["dropIdx"] is not None else None
        kept = [j for j in range(len(cats)) if j != drop]
        columns = {j: [0.0] * len(col) for j in kept}
        for row, v in enumerate(col):
            key = None if _missing(v) else v
            match = [j for j, c in enumerate(cats) if c == key and type(c) is type(key) or
                     (isinstance(c, (int, float)) and isinstance(key, (int, float)) and c == key)]
            if not match:
                if step["handleUnknown"] == "error":
                    raise UnknownCategory("row %d column %s: unknown category %r" % (row, name, v))
                continue
            if match[0] in columns:
                columns[match[0]][row] = 1.0
        for j in kept:
            out_names.append("%s_%s" % (name, "nan" if cats[j] is None else cats[j]))  # scikit-learn names NaN "nan"
            out_cols.append(columns[j])
    return out_names, out_cols


def _category_index(cats, v):
    key = None if _missing(v) else v
    for j, c in enumerate(cats):
        if c == key and (type(c) is type(key) or (isinstance(c, (int, float)) and isinstance(key, (int, float)))):
            return j
    return None


def _ordinal(step, names, cols):
    out = []
    for name, cats, col in zip(names, step["categories"], cols):
        missing_code = math.nan if step["encodedMissingValue"] is None else step["encodedMissingValue"]
        unknown_code = math.nan if step["unknownValue"] is None else step["unknownValue"]
        values = []
        for row, v in enumerate(col):
            j = _category_index(cats, v)
            if j is None:
                if step["handleUnknown"] == "error":
                    raise UnknownCategory("row %d column %s: unknown category %r" % (row, name, v))
                values.append(float(unknown_code))
            else:
                values.append(float(missing_code) if cats[j] is None else float(j))
        out.append(values)
    return list(names), out


def _robust(step, names, cols):
    out = []
    for i, col in enumerate(cols):
        center = step["center"][i] if step["withCentering"] else 0.0
        scale = step["scale"][i] if step["withScaling"] else 1.0
        out.append([(_number(v) - center) / scale for v in col])
    return list(names), out


def _maxabs(step, names, cols):
    return list(names), [[_number(v) / step["scale"][i] for v in col] for i, col in enumerate(cols)]


_FUNCTIONS = {"log1p": np.log1p, "log": np.log, "sqrt": np.sqrt, "exp": np.exp, "abs": np.abs}


def _function(step, names, cols):
    func = _FUNCTIONS[step["func"]]
    with np.errstate(all="ignore"):
        return list(names), [[float(func(_number(v))) for v in col] for col in cols]


def _polynomial(step, names, cols):
    out_names, out_cols = [], []
    for powers in step["powers"]:
        factors = [i for i, e in enumerate(powers) for _ in range(e)]
        column = []
        for row in range(len(cols[0]) if cols else 0):
            product = 1.0
            for i in reversed(factors):  # FORMAT.md: multiplied from the last factor to the first
                product *= _number(cols[i][row])
            column.append(product)
        out_names.append(" ".join(names[i] if e == 1 else "%s^%d" % (names[i], e)
                                  for i, e in enumerate(powers) if e) or "1")
        out_cols.append(column)
    return out_names, out_cols


def _kbins(step, names, cols):
    out_names, out_cols = [], []
    for name, edges, col in zip(names, step["binEdges"], cols):
        inner = edges[1:-1]
        bins = [float(sum(1 for e in inner if e <= _number(v))) for v in col]
        if step["encode"] == "ordinal":
            out_names.append(name)
            out_cols.append(bins)
            continue
        for k in range(len(edges) - 1):
            out_names.append("%s_%s" % (name, float(k)))
            out_cols.append([1.0 if b == k else 0.0 for b in bins])
    return out_names, out_cols


def _column_transformer(step, names, cols):
    table = dict(zip(names, cols))
    out_names, out_cols = [], []
    prefix = step["verboseFeatureNamesOut"]
    for transformer in step["transformers"]:
        sub_names = list(transformer["columns"])
        sub_cols = [table[c] for c in sub_names]
        for sub in transformer["steps"]:
            sub_names, sub_cols = apply_step(sub, sub_names, sub_cols)
        out_names += ["%s__%s" % (transformer["name"], n) if prefix else n for n in sub_names]
        out_cols += sub_cols
    if step["remainder"] == "passthrough":
        out_names += ["remainder__%s" % c if prefix else c for c in step["remainderColumns"]]
        out_cols += [table[c] for c in step["remainderColumns"]]
    return out_names, out_cols


_STEPS = {
    "SimpleImputer": _imputer,
    "StandardScaler": _standard,
    "MinMaxScaler": _minmax,
    "OneHotEncoder": _onehot,
    "OrdinalEncoder": _ordinal,
    "RobustScaler": _robust,
    "MaxAbsScaler": _maxabs,
    "FunctionTransformer": _function,
    "PolynomialFeatures": _polynomial,
    "KBinsDiscretizer": _kbins,
    "ColumnTransformer": _column_transformer,
}


def apply_step(step, names, cols):
    return _STEPS[step["type"]](step, names, cols)


def transform(document, records):
    """``(feature names, float32 matrix)`` for raw ``records`` (dicts; null/absent = missing)."""
    assert document["format"] == "mlserve.pipeline/v1"
    names = [i["name"] for i in document["inputs"]]
    cols = [[r.get(n) for r in records] for n in names]
    for step in document["steps"]:
        names, cols = apply_step(step, names, cols)
    matrix = np.array([[_number(v) for v in col] for col in cols], dtype=np.float64).T
    return names, matrix.reshape(len(records), len(names)).astype(np.float32)
