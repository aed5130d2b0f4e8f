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


def build_metadata(*, name, estimator, classes, feature_names, input_names, metrics=None, labels=None,
                   metadata=None):
    """The metadata.json document."""
    class_values = to_json_list(np.asarray(estimator.classes_, dtype=object))
    if classes is not None:
        classes = list(classes)
        if len(classes) != len(class_values):
            raise ExportError("classes has %d names but the model has %d classes %s"
                              % (len(classes), len(class_values), class_values))
        class_values = [to_json_value(c) for c in classes]
    document = {
        "format": FORMAT,
        "name": name,
        "classes": class_values,
        "featureNames": list(feature_names),
        "inputs": list(input_names),
        "estimator": type(estimator).__name__,
        "framework": {"name": "scikit-learn", "version": sklearn.__version__},
    }
    importances = feature_importances(estimator, feature_names)
    if importances is not None:
        document["featureImportances"] = importances
    document["metrics"] = _clean_metrics(metrics)
    document["labels"] = _clean_labels(labels)
    document["metadata"] = _plain(metadata or {})
    return document
