"""Train the Titanic survival model and export it for mlserve (the seed's "Day 6" model).

    /usr/bin/python3 apps/titanic-api/train.py [path/to/titanic.csv]

The CSV defaults to ../shared/datasets/titanic.csv relative to the repository root. Writes
apps/titanic-api/artifacts/{model.onnx,pipeline.json,metadata.json} with the mlserve-sklearn
exporter, and apps/titanic-api/fixtures/reference.json: synthesised passenger records (no
dataset rows) with scikit-learn's answers, plus the PassengerIds of the test split and the test
accuracy scikit-learn measured, so a test can rebuild the split from the CSV and compare.
"""

import argparse
import os
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

APP = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(APP))
sys.path.insert(0, os.path.join(REPO, "python", "mlserve-sklearn"))

from mlserve_sklearn import export_model  # noqa: E402
from mlserve_sklearn.reference import fit_on_split, reference_outputs, write_reference_document  # noqa: E402

FEATURES = ["Pclass", "Sex", "Age", "SibSp", "Parch", "Fare", "Embarked"]
TARGET = "Survived"
MODEL_NAME = "titanic_model"


def build_model():
    """Age and Fare median-imputed, Embarked most-frequent-imputed then one-hot, Sex one-hot,
    Pclass/SibSp/Parch as they are, then a 100-tree random forest."""
    preprocess = ColumnTransformer([
        ("num", SimpleImputer(strategy="median"), ["Age", "Fare"]),
        ("embarked", Pipeline([
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("onehot", OneHotEncoder(handle_unknown="ignore")),  # an unseen port encodes as all zeros
        ]), ["Embarked"]),
        ("sex", OneHotEncoder(handle_unknown="error"), ["Sex"]),  # anything but male/female is refused
        ("pass", "passthrough", ["Pclass", "SibSp", "Parch"]),
    ])
    return Pipeline([
        ("preprocess", preprocess),
        ("classifier", RandomForestClassifier(n_estimators=100, random_state=42)),
    ])


def generated_passengers(seed=42, n=80):
    """Plausible passengers drawn column by column, then edge cases; never rows of the dataset."""
    rng = np.random.default_rng(seed)
    records, notes = [], []
    for _ in range(n):
        records.append({
            "Pclass": int(rng.choice([1, 2, 3], p=[0.25, 0.2, 0.55])),
            "Sex": str(rng.choice(["male", "female"])),
            "Age": None if rng.random() < 0.15 else round(float(rng.uniform(0.4, 80)) * 2) / 2,
            "SibSp": int(rng.choice([0, 0, 0, 1, 1, 2, 3, 4])),
            "Parch": int(rng.choice([0, 0, 0, 1, 2, 3])),
            "Fare": None if rng.random() < 0.05 else round(float(np.exp(rng.normal(2.9, 1.0))), 4),
            "Embarked": None if rng.random() < 0.05 else str(rng.choice(["S", "S", "S", "C", "Q"])),
        })
        notes.append("generated")
    base = {"Pclass": 3, "Sex": "male", "Age": 30.0, "SibSp": 0, "Parch": 0, "Fare": 8.05, "Embarked": "S"}
    edges = [
        ("seed request 1 (survives)", {"Pclass": 1, "Sex": "female", "Age": 30, "SibSp": 0, "Parch": 0,
                                        "Fare": 100, "Embarked": "C"}),
        ("seed request 2 (dies)", {"Pclass": 3, "Sex": "male", "Age": 25, "SibSp": 0, "Parch": 0, "Fare": 7,
                                   "Embarked": "S"}),
        ("null Age, Fare and Embarked", dict(base, Age=None, Fare=None, Embarked=None)),
        ("null Age, Fare and Embarked, first-class woman",
         dict(base, Pclass=1, Sex="female", Age=None, Fare=None, Embarked=None)),
        ("absent Age, Fare and Embarked", {"Pclass": 2, "Sex": "female", "SibSp": 1, "Parch": 1}),
        ("unseen Embarked", dict(base, Embarked="X")),
        ("unseen Embarked, first-class woman", dict(base, Pclass=1, Sex="female", Embarked="Southampton")),
        ("newborn", dict(base, Age=0.0, Fare=0.0, Parch=2)),
        ("very old, huge fare", dict(base, Pclass=1, Age=120.0, Fare=10000.0)),
        ("large family", dict(base, SibSp=10, Parch=9)),
        ("negative Age and Fare", dict(base, Sex="female", Age=-1.0, Fare=-5.0)),
        ("extreme values", dict(base, Age=1e9, Fare=1e9)),
        ("integers for floats", dict(base, Age=40, Fare=50)),
    ]
    for note, record in edges:
        records.append(record)
        notes.append(note)
    return records, notes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv", nargs="?", default=os.path.join(REPO, "..", "shared", "datasets", "titanic.csv"))
    parser.add_argument("--out", default=os.path.join(APP, "artifacts"))
    parser.add_argument("--fixtures", default=os.path.join(APP, "fixtures"))
    args = parser.parse_args(argv)

    data = pd.read_csv(args.csv)
    X, y = data[FEATURES], data[TARGET]
    model = build_model()
    X_train, X_test, y_train, y_test, metrics = fit_on_split(model, X, y)
    train_accuracy, test_accuracy = metrics["train_accuracy"], metrics["test_accuracy"]
    result = export_model(
        model, args.out, name=MODEL_NAME, metrics=metrics, labels={"owner": "mlserve-seeds", "task": "classification"},
        metadata={
            "model_name": MODEL_NAME,
            "version": "1.0.0",
            "dataset": "titanic",
            "target": TARGET,
            "target_names": {"0": "died", "1": "survived"},
            "sklearn_version": sklearn.__version__,
            "features": FEATURES,
            "train_rows": len(X_train),
            "test_rows": len(X_test),
            **metrics,
        })
    for path in (result.model_path, result.pipeline_path, result.metadata_path):
        print("wrote %s (%d bytes)" % (os.path.relpath(path, REPO), os.path.getsize(path)))

    records, notes = generated_passengers()
    reference = reference_outputs(model, records, FEATURES, string_columns=("Sex", "Embarked"))
    document = {
        "model": MODEL_NAME,
        "classes": result.metadata["classes"],
        "inputs": FEATURES,
        "featureNames": result.metadata["featureNames"],
        "notes": notes,
        **reference,
        "testSplit": {
            "description": "train_test_split(test_size=0.2, stratify=Survived, random_state=42) of the CSV; "
                           "rebuild the rows from the CSV by PassengerId (empty cells are null)",
            "idColumn": "PassengerId",
            "ids": [int(i) for i in data.loc[X_test.index, "PassengerId"]],
            "target": TARGET,
            "accuracy": test_accuracy,
            "trainAccuracy": train_accuracy,
        },
    }
    write_reference_document(args.fixtures, document, REPO)
    for note, record, label, proba in zip(notes, records, reference["predict"], reference["predict_proba"]):
        if note.startswith("seed"):
            print("  %s: survived=%s probability=%.4f" % (note, label, proba[1]))


if __name__ == "__main__":
    main()
