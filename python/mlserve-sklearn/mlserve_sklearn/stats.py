"""Reference statistics of the data a model is meant for, written as ``stats.json`` beside model.onnx.

mlserve's service compares recent inputs and predictions with them (PSI per feature and for the
predictions), warns about values outside the training range, and holds rolling accuracy against the
baseline metrics. The Node side (``@mlserve/core``'s ``computeReferenceStats``) computes the same
document from the same rows: quantiles are numpy's default (linear), bins are ``(e[i-1], e[i]]``.
"""

import math

import numpy as np
import pandas as pd

from .errors import ExportError

STATS_FILE = "stats.json"
STATS_FORMAT = "mlserve.stats/v1"
DEFAULT_BINS = 10
MAX_CATEGORIES = 50
SAMPLES = 5


def _numeric_stats(values, bins):
    x = values[~np.isnan(values)]
    if len(x) == 0:
        return {"kind": "numeric", "edges": [], "proportions": [1.0], "min": None, "max": None}
    edges = np.unique(np.quantile(x, np.linspace(0, 1, bins + 1)[1:-1]))
    counts = np.bincount(np.searchsorted(edges, x, side="left"), minlength=len(edges) + 1)
    return {
        "kind": "numeric",
        "edges": [float(e) for e in edges],
        "proportions": [float(c) / len(x) for c in counts],
        "min": float(x.min()),
        "max": float(x.max()),
    }


def _categorical_stats(values):
    present = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    counts = {}
    for v in present:
        key = str(v)
        counts[key] = counts.get(key, 0) + 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CATEGORIES]
    return {"kind": "categorical", "frequencies": {k: c / max(len(present), 1) for k, c in top}}


def column_stats(series, bins=DEFAULT_BINS):
    """Stats of one raw column: numeric bins or category frequencies, plus the missing rate."""
    missing = float(series.isna().mean()) if len(series) else 0.0
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        out = _numeric_stats(series.to_numpy(dtype=np.float64), bins)
    else:
        out = _categorical_stats(list(series.astype(object)))
    out["missingRate"] = missing
    return out


def reference_stats(model, X, y=None, *, task, classes=None, metrics=None, bins=DEFAULT_BINS):
    """The ``mlserve.stats/v1`` document of ``X`` (a DataFrame of raw inputs) for ``model``.

    Predictions are the model's on ``X``. Baseline metrics: ``metrics['test_accuracy']`` /
    ``metrics['test_mae']`` when given (what the model scored on held-out data), else the score on
    ``X`` against ``y`` when ``y`` is given.
    """
    if not isinstance(X, pd.DataFrame):
        raise ExportError("the reference data must be a pandas DataFrame of raw input columns")
    if len(X) == 0:
        raise ExportError("the reference data has no rows")
    if not isinstance(bins, int) or bins < 2:
        raise ExportError("bins must be an integer of at least 2")
    features = {str(c): column_stats(X[c], bins) for c in X.columns}
    predicted = np.asarray(model.predict(X))
    if task == "classification":
        names = list(classes) if classes is not None else None
        labels = [str(names[list(model.classes_).index(p)]) if names else str(p) for p in predicted]
        predictions = _categorical_stats(labels)
    else:
        predictions = _numeric_stats(predicted.reshape(len(predicted), -1)[:, 0].astype(np.float64), bins)
    predictions["missingRate"] = 0.0
    baseline = {}
    metrics = metrics or {}
    if task == "classification" and "test_accuracy" in metrics:
        baseline["accuracy"] = float(metrics["test_accuracy"])
    elif task == "regression" and "test_mae" in metrics:
        baseline["mae"] = float(metrics["test_mae"])
    elif y is not None:
        truth = np.asarray(y)
        if task == "classification":
            baseline["accuracy"] = float(np.mean(predicted == truth))
        else:
            baseline["mae"] = float(np.mean(np.abs(predicted.reshape(len(truth), -1)[:, 0] - truth)))
    return {"format": STATS_FORMAT, "rows": int(len(X)), "bins": bins, "features": features,
            "predictions": predictions, "metrics": baseline,
            "samples": _samples(model, X.head(SAMPLES), task, classes)}


def _json_value(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


def _samples(model, head, task, classes):
    """A few reference rows with scikit-learn's answers: what ``mlserve check`` compares the served model with."""
    records = [{str(c): _json_value(v) for c, v in row.items()} for _, row in head.iterrows()]
    predicted = np.asarray(model.predict(head))
    out = []
    for i, record in enumerate(records):
        if task == "classification":
            position = list(model.classes_).index(predicted[i])
            sample = {"input": record, "label": str(classes[position]) if classes is not None else str(predicted[i])}
            if hasattr(model, "predict_proba"):
                try:
                    sample["probabilities"] = [float(p) for p in model.predict_proba(head.iloc[[i]])[0]]
                except AttributeError:  # SVC without probability=True
                    pass
        else:
            sample = {"input": record, "value": float(np.ravel(predicted[i])[0])}
        out.append(sample)
    return out


__all__ = ["reference_stats", "column_stats", "STATS_FILE", "STATS_FORMAT"]
