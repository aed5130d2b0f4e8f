"""``metadata.json`` (format ``mlserve.export/v1``), read by ``mlserve models import DIR``."""

import numbers

import numpy as np
import sklearn

from .errors import ExportError
from .json_values import to_json_list, to_json_value

FORMAT = "mlserve.export/v1"


def feature_importances(estimator, feature_names):
    """``{feature: importance}`` when the estimator has ``feature_importances_``, else None."""
    try:
        values = estimator.feature_importances_
    except (AttributeError, ValueError):
        return None
    return {name: float(v) for name, v in zip(feature_names, np.asarray(values, dtype=np.float64))}


def _clean_metrics(metrics):
    out = {}
    for key, value in (metrics or {}).items():
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise ExportError("metric %r must be a number, got %r" % (key, value))
        out[str(key)] = to_json_value(value)
    return out


def _clean_labels(labels):
    out = {}
    for key, value in (labels or {}).items():
        if not isinstance(value, str):
            raise ExportError("label %r must be a string, got %r" % (key, value))
        out[str(key)] = value
    return out


def _plain(value):
    """JSON-able copy of free metadata (numpy values become plain numbers)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    return to_json_value(value)


def _class_values(estimator, classes):
    class_values = to_json_list(np.asarray(estimator.classes_, dtype=object))
    if classes is None:
        return class_values
    classes = list(classes)
    if len(classes) != len(class_values):
        raise ExportError("classes has %d names but the model has %d classes %s"
                          % (len(classes), len(class_values), class_values))
    return [to_json_value(c) for c in classes]


def _target_names(targets, n_targets):
    if targets is None:
        return None
    targets = [targets] if isinstance(targets, str) else list(targets)
    if len(targets) != n_targets or not all(isinstance(t, str) for t in targets):
        raise ExportError("targets must be %d name(s), one per column of the prediction, got %r" % (n_targets, targets))
    return targets


def build_metadata(*, name, estimator, task, classes, feature_names, input_names, metrics=None, labels=None,
                   metadata=None, targets=None, n_targets=1):
    """The metadata.json document.

    ``task`` is ``"classification"`` (with ``classes``) or ``"regression"`` (with ``targets``
    when their names are known; ``n_targets`` is the number of columns of ``variable``).
    """
    document = {"format": FORMAT, "name": name, "task": task}
    if task == "classification":
        document["classes"] = _class_values(estimator, classes)
    else:
        if classes is not None:
            raise ExportError("classes only applies to classifiers; %s is a regressor" % type(estimator).__name__)
        names = _target_names(targets, n_targets)
        if names is not None:
            document["targets"] = names
    document.update({
        "featureNames": list(feature_names),
        "inputs": list(input_names),
        "estimator": type(estimator).__name__,
        "framework": {"name": "scikit-learn", "version": sklearn.__version__},
    })
    importances = feature_importances(estimator, feature_names)
    if importances is not None:
        document["featureImportances"] = importances
    document["metrics"] = _clean_metrics(metrics)
    document["labels"] = _clean_labels(labels)
    document["metadata"] = _plain(metadata or {})
    return document
