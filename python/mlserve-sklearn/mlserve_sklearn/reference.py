"""Reference outputs: what scikit-learn answers for raw records, for parity tests in mlserve.

Records are JSON objects as a client would send them: a missing value is ``null`` or an absent
key. scikit-learn receives them as a DataFrame with NaN in those places.
"""

import warnings

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from .estimators import estimator_task, has_probabilities
from .json_values import to_json_list
from .onnx_graph import class_label_values


def records_to_frame(records, input_names, string_columns=()):
    """A DataFrame of ``records`` with columns ``input_names``; null/absent become NaN.

    ``string_columns`` are kept as object columns even when every value is missing.
    """
    columns = {}
    for name in input_names:
        values = [r.get(name) for r in records]
        if name in string_columns or any(isinstance(v, str) for v in values):
            columns[name] = pd.Series([np.nan if v is None else v for v in values], dtype=object)
        else:
            columns[name] = pd.Series([np.nan if v is None else v for v in values], dtype=np.float64)
    return pd.DataFrame(columns, columns=list(input_names))


def transform_inputs(model, frame):
    """The float32 matrix the ONNX model receives (the preprocessing's output, cast once)."""
    if type(model) is Pipeline and len(model.steps) > 1:
        matrix = model[:-1].transform(frame)
    else:
        matrix = frame.to_numpy(dtype=np.float64)
    if hasattr(matrix, "toarray"):
        matrix = matrix.toarray()
    return np.asarray(matrix, dtype=np.float64).astype(np.float32)


def reference_outputs(model, records, input_names, string_columns=()):
    """scikit-learn's answers for ``records``: ``{records, predict, transformed}`` and, by task,

    - classifiers: ``label`` (what model.onnx's ``label`` output must hold: ``predict`` for
      integer classes, the class index otherwise) and ``predict_proba`` or, without
      probabilities, ``decision_function`` as a matrix [N, S] (what ``scores`` must hold);
    - regressors: ``predict`` as a matrix [N, T] (what ``variable`` must hold).

    ``transformed`` holds exact float32 values, null where a value is missing.
    """
    estimator = model[-1] if type(model) is Pipeline else model
    frame = records_to_frame(records, input_names, string_columns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        predicted = model.predict(frame)
        transformed = transform_inputs(model, frame)
        # A value left missing (NaN, which JSON cannot hold) is written as null.
        document = {"records": records,
                    "transformed": [[None if np.isnan(v) else float(v) for v in row] for row in transformed]}
        if estimator_task(estimator) == "regression":
            values = np.asarray(predicted, dtype=np.float64).reshape(len(records), -1)
            document["predict"] = [[float(v) for v in row] for row in values]
            return document
        if has_probabilities(estimator):
            document["predict_proba"] = [[float(p) for p in row] for row in model.predict_proba(frame)]
        else:
            scores = np.asarray(model.decision_function(frame), dtype=np.float64).reshape(len(records), -1)
            document["decision_function"] = [[float(v) for v in row] for row in scores]
    classes = list(model.classes_)
    index = [classes.index(p) for p in predicted]
    label_values = class_label_values(model.classes_)
    document["predict"] = to_json_list(np.asarray(predicted, dtype=object))
    document["label"] = [int(label_values[i]) for i in index] if label_values is not None else index
    return document


def fit_on_split(model, X, y, test_size=0.2, random_state=42):
    """Fits ``model`` on a stratified train/test split (the seed notebooks' split) and prints both
    accuracies; returns ``(X_train, X_test, y_train, y_test, metrics)``."""
    from sklearn.metrics import accuracy_score
    from sklearn.model_selection import train_test_split

    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, stratify=y, random_state=random_state)
    model.fit(X_train, y_train)
    metrics = {"train_accuracy": accuracy_score(y_train, model.predict(X_train)),
               "test_accuracy": accuracy_score(y_test, model.predict(X_test))}
    print("train accuracy %.4f, test accuracy %.4f (%d / %d rows)" % (metrics["train_accuracy"], metrics["test_accuracy"],
                                                                      len(X_train), len(X_test)))
    return X_train, X_test, y_train, y_test, metrics


def write_reference_document(directory, document, relative_to="."):
    """Writes ``document`` as ``<directory>/reference.json`` (NaN refused: JSON has none) and says so."""
    import json
    import os

    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "reference.json")
    with open(path, "w") as f:
        json.dump(document, f, indent=1, allow_nan=False)
        f.write("\n")
    print("wrote %s (%d records)" % (os.path.relpath(path, relative_to), len(document.get("records", []))))
    return path
