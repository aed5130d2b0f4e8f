"""Train the breast cancer diagnosis model and export it for mlserve (the seed's "24차시" notebook).

    /usr/bin/python3 apps/breast-cancer-api/train.py [path/to/breast_cancer.csv]

The CSV (scikit-learn's load_breast_cancer as named columns + ``target``, 0 = malignant,
1 = benign) defaults to ../shared/datasets/breast_cancer.csv relative to the repository root.
Writes apps/breast-cancer-api/artifacts/{model.onnx,pipeline.json,metadata.json} with the
mlserve-sklearn exporter, and apps/breast-cancer-api/fixtures/reference.json: synthesised
records (no dataset rows) with scikit-learn's answers, plus the test split's row indices and the
test accuracy scikit-learn measured.
"""

import argparse
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

APP = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(APP))
sys.path.insert(0, os.path.join(REPO, "python", "mlserve-sklearn"))

from mlserve_sklearn import export_model  # noqa: E402
from mlserve_sklearn.reference import fit_on_split, reference_outputs, write_reference_document  # noqa: E402

TARGET = "target"
TARGET_NAMES = ["malignant", "benign"]
MODEL_NAME = "breast_cancer_model"


def build_model():
    """The notebook's pipeline: standardise, then a 100-tree random forest."""
    return Pipeline([
        ("scaler", StandardScaler()),
        ("classifier", RandomForestClassifier(n_estimators=100, random_state=42)),
    ])


def _decimals(series):
    return int(series.astype(str).str.split(".").str[1].str.len().fillna(0).max())


def generated_records(X_train, y_train, seed=42, n=80):
    """Records drawn from per-class Gaussians and blends of two same-class training rows (never a
    row itself), rounded to the dataset's precision, then edge cases."""
    rng = np.random.default_rng(seed)
    names = list(X_train.columns)
    decimals = [_decimals(X_train[c]) for c in names]
    values = X_train.to_numpy(dtype=np.float64)
    y = np.asarray(y_train)
    rows, notes = [], []
    for i in range(n):
        members = values[y == i % 2]
        if i % 4 < 2:
            row = np.maximum(rng.normal(members.mean(axis=0), members.std(axis=0)), members.min(axis=0))
            notes.append("gaussian draw, class %s" % TARGET_NAMES[i % 2])
        else:
            a, b = members[rng.choice(len(members), 2, replace=False)]
            w = rng.uniform(0.2, 0.8)
            row = w * a + (1 - w) * b
            notes.append("blend of two %s rows" % TARGET_NAMES[i % 2])
        rows.append(row)
    means = values.mean(axis=0)
    malignant = values[y == 0].mean(axis=0)
    benign = values[y == 1].mean(axis=0)
    edges = [
        ("all zeros", np.zeros(len(names))),
        ("training mean", means),
        ("malignant mean", malignant),
        ("benign mean", benign),
        ("midpoint of the class means", (malignant + benign) / 2),
        ("three times the mean", means * 3),
        ("extreme: 10000 times the mean", means * 1e4),
        ("negative values", -means),
        ("column minimums", values.min(axis=0)),
        ("column maximums", values.max(axis=0)),
    ]
    for note, row in edges:
        rows.append(row)
        notes.append(note)
    records = [{c: round(float(v), d) for c, v, d in zip(names, row, decimals)} for row in rows]
    return records, notes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv", nargs="?",
                        default=os.path.join(REPO, "..", "shared", "datasets", "breast_cancer.csv"))
    parser.add_argument("--out", default=os.path.join(APP, "artifacts"))
    parser.add_argument("--fixtures", default=os.path.join(APP, "fixtures"))
    args = parser.parse_args(argv)

    data = pd.read_csv(args.csv)
    features = [c for c in data.columns if c != TARGET]
    X, y = data[features], data[TARGET]
    model = build_model()
    X_train, X_test, y_train, y_test, metrics = fit_on_split(model, X, y)
    train_accuracy, test_accuracy = metrics["train_accuracy"], metrics["test_accuracy"]
    result = export_model(
        # The reference is the training frame; test_accuracy becomes the baseline accuracy.
        model, args.out, name=MODEL_NAME, classes=TARGET_NAMES, metrics=metrics, reference=X_train, reference_target=y_train,
        labels={"owner": "mlserve-seeds", "task": "classification"},
        metadata={
            # the seed notebook's bundle
            "model_name": MODEL_NAME,
            "version": "1.0.0",
            "sklearn_version": sklearn.__version__,
            "features": features,
            "target_names": TARGET_NAMES,
            "train_accuracy": train_accuracy,
            "test_accuracy": test_accuracy,
            "dataset": "Wisconsin Diagnostic Breast Cancer (scikit-learn load_breast_cancer)",
        })
    for path in (result.model_path, result.pipeline_path, result.metadata_path, result.stats_path):
        print("wrote %s (%d bytes)" % (os.path.relpath(path, REPO), os.path.getsize(path)))

    records, notes = generated_records(X_train, y_train)
    reference = reference_outputs(model, records, features)
    document = {
        "model": MODEL_NAME,
        "classes": result.metadata["classes"],
        "inputs": features,
        "featureNames": result.metadata["featureNames"],
        "notes": notes,
        **reference,
        # predict holds scikit-learn's 0/1; these are the names the API answers with
        "predictedClass": [TARGET_NAMES[i] for i in reference["label"]],
        "testSplit": {
            "description": "train_test_split(test_size=0.2, stratify=target, random_state=42) of the CSV; "
                           "indices are 0-based data-row positions in the CSV (header excluded)",
            "indices": [int(i) for i in X_test.index],
            "target": TARGET,
            "accuracy": test_accuracy,
            "trainAccuracy": train_accuracy,
        },
    }
    write_reference_document(args.fixtures, document, REPO)


if __name__ == "__main__":
    main()
