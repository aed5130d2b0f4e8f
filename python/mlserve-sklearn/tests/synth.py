"""Synthesised raw records for the parity fixtures: plausible rows and edge inputs.

No dataset row is copied: titanic rows are drawn column by column from plausible ranges, breast
cancer rows from per-class Gaussians and blends of two same-class rows (fitted on the training
split only), rounded to the dataset's precision.
"""

import numpy as np

from mlserve_sklearn.onnx_graph import round_down_to_float32


def titanic_records(rng, n, columns, *, unseen_embarked=True, missing=True):
    """``n`` passenger records with the keys in ``columns``, then edge cases."""
    records = []
    for _ in range(n):
        age = round(float(rng.uniform(0.4, 80)) * 2) / 2
        fare = round(float(np.exp(rng.normal(2.9, 1.0))), 4)
        row = {
            "Pclass": int(rng.choice([1, 2, 3], p=[0.25, 0.2, 0.55])),
            "Sex": str(rng.choice(["male", "female"])),
            "Age": None if missing and rng.random() < 0.15 else age,
            "SibSp": int(rng.choice([0, 0, 0, 1, 1, 2, 3, 4])),
            "Parch": int(rng.choice([0, 0, 0, 1, 2, 3])),
            "Fare": None if missing and rng.random() < 0.05 else fare,
            "Embarked": None if missing and rng.random() < 0.05 else str(rng.choice(["S", "S", "S", "C", "Q"])),
            "Survived": int(rng.integers(0, 2)),
        }
        records.append(row)
    base = {"Pclass": 3, "Sex": "male", "Age": 30.0, "SibSp": 0, "Parch": 0, "Fare": 8.05, "Embarked": "S",
            "Survived": 0}
    edges = [
        dict(base, Pclass=1, Sex="female", Age=30, Fare=100, Embarked="C"),  # the seed's survivor
        dict(base, Age=25, Fare=7),  # the seed's non-survivor
        dict(base, Age=0.0, Fare=0.0),
        dict(base, Age=0.42, Fare=512.3292, Pclass=1),
        dict(base, Age=120.0, Fare=10000.0, SibSp=10, Parch=9),
        dict(base, Sex="female", Age=-1.0, Fare=-5.0),
        dict(base, Age=1e9, Fare=1e9),
    ]
    if missing:
        edges += [
            dict(base, Age=None, Fare=None, Embarked=None),
            dict(base, Sex="female", Pclass=1, Age=None, Fare=None, Embarked=None),
        ]
        absent = dict(base, Sex="female", Pclass=2)
        for key in ("Age", "Fare", "Embarked"):
            del absent[key]
        edges.append(absent)
    if unseen_embarked:
        edges += [dict(base, Embarked="X"), dict(base, Sex="female", Pclass=1, Embarked="Southampton")]
    records += edges
    return [{k: v for k, v in r.items() if k in columns} for r in records]


def breast_cancer_records(rng, X_train, y_train, n):
    """``n`` synthesised records (half Gaussian draws, half blends of two same-class rows), then edges."""
    names = list(X_train.columns)
    decimals = [_decimals(X_train[c]) for c in names]
    values = X_train.to_numpy(dtype=np.float64)
    y = np.asarray(y_train)
    rows = []
    for i in range(n):
        label = i % 2
        members = values[y == label]
        if i % 4 < 2:
            row = rng.normal(members.mean(axis=0), members.std(axis=0))
            row = np.maximum(row, members.min(axis=0))
        else:
            a, b = members[rng.choice(len(members), 2, replace=False)]
            w = rng.uniform(0.2, 0.8)
            row = w * a + (1 - w) * b
        rows.append(row)
    means = values.mean(axis=0)
    rows += [np.zeros(len(names)), means, means * 3, means * 1e4, -means, values.min(axis=0),
             values.max(axis=0)]
    return [{c: round(float(v), d) for c, v, d in zip(names, row, decimals)} for row in rows]


def threshold_records(rng, base_records, estimator, feature_to_column, count):
    """Records whose inputs sit exactly on a tree threshold (rounded down to float32) and one float32 above.

    ``feature_to_column`` maps model feature index -> raw column name, for features that are the
    raw column unchanged (only those can be aimed at from the raw record).
    """
    candidates = [(f, t) for f, t in split_thresholds(estimator) if f in feature_to_column]
    records = []
    if not candidates:
        return records
    for k in rng.choice(len(candidates), size=min(count, len(candidates)), replace=False):
        feature, threshold = candidates[k]
        low = float(round_down_to_float32([threshold])[0])
        high = float(np.nextafter(np.float32(low), np.float32(np.inf)))
        base = base_records[int(rng.integers(0, len(base_records)))]
        for value in (low, high):
            records.append(dict(base, **{feature_to_column[feature]: value}))
    return records


def split_thresholds(estimator):
    """(feature, float64 threshold) of every split of a tree model (HistGradientBoosting included)."""
    if hasattr(estimator, "_predictors"):
        nodes = [p.nodes for iteration in estimator._predictors for p in iteration]
        return [(int(n["feature_idx"]), float(n["num_threshold"])) for tree in nodes for n in tree if not n["is_leaf"]]
    trees = list(getattr(estimator, "estimators_", [estimator]))
    trees = [t for stage in trees for t in (stage if isinstance(stage, np.ndarray) else [stage])]
    out = []
    for tree in trees:
        t = tree.tree_
        out += [(int(t.feature[node]), float(t.threshold[node])) for node in np.flatnonzero(t.children_left != -1)]
    return out


def _decimals(series):
    text = series.astype(str)
    return int(text.str.split(".").str[1].str.len().fillna(0).max())
