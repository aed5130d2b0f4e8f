"""Export every supported estimator on both datasets and write scikit-learn's answers.

Usage (from the repository root):

    PYTHONPATH=python/mlserve-sklearn /usr/bin/python3 python/mlserve-sklearn/tests/make_parity_fixtures.py \\
        [--titanic ../shared/datasets/titanic.csv] [--breast-cancer ../shared/datasets/breast_cancer.csv] \\
        [--out python/mlserve-sklearn/tests/fixtures]

Each case directory gets model.onnx, pipeline.json (when there is preprocessing), metadata.json
and reference.json: ``{case, estimator, classes, inputs, featureNames, records, predict, label,
predict_proba, transformed}``. Records are synthesised (tests/synth.py), never dataset rows.
"""

import argparse
import json
import os
import shutil
import sys

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import ExtraTreesClassifier, GradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from mlserve_sklearn import export_model  # noqa: E402
from mlserve_sklearn.reference import reference_outputs  # noqa: E402
from synth import breast_cancer_records, threshold_records, titanic_records  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
TITANIC_INPUTS = ["Pclass", "Sex", "Age", "SibSp", "Parch", "Fare", "Embarked"]


def titanic_preprocess(*, sex_drop=None, embarked_unknown="ignore", remainder="drop", verbose=True, columns=None):
    columns = columns or TITANIC_INPUTS
    transformers = [
        ("num", SimpleImputer(strategy="median"), [c for c in ("Age", "Fare") if c in columns]),
        ("emb", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                          ("onehot", OneHotEncoder(handle_unknown=embarked_unknown))]), ["Embarked"]),
        ("sex", OneHotEncoder(drop=sex_drop), ["Sex"]),
    ]
    transformers = [t for t in transformers if all(c in columns for c in t[2])]
    if remainder == "drop":
        transformers.append(("pass", "passthrough", [c for c in ("Pclass", "SibSp", "Parch") if c in columns]))
    return ColumnTransformer(transformers, remainder=remainder, verbose_feature_names_out=verbose)


def titanic_cases():
    """(case, model, target, inputs, options) for the titanic dataset."""
    yield ("titanic_random_forest",
           Pipeline([("preprocess", titanic_preprocess()),
                     ("clf", RandomForestClassifier(n_estimators=20, max_depth=8, random_state=0))]),
           "Survived", TITANIC_INPUTS, {"unseen_embarked": True, "identity": True})
    yield ("titanic_extra_trees",
           Pipeline([("preprocess", titanic_preprocess(sex_drop="if_binary", remainder="passthrough", verbose=False)),
                     ("clf", ExtraTreesClassifier(n_estimators=20, max_depth=8, random_state=0))]),
           "Survived", TITANIC_INPUTS, {"unseen_embarked": True, "identity": True})
    yield ("titanic_decision_tree",
           Pipeline([("preprocess", titanic_preprocess(sex_drop="first", embarked_unknown="error")),
                     ("minmax", MinMaxScaler()),
                     ("clf", DecisionTreeClassifier(max_depth=6, random_state=0))]),
           "Survived", TITANIC_INPUTS, {"unseen_embarked": False})
    yield ("titanic_gradient_boosting",
           Pipeline([("preprocess", titanic_preprocess()),
                     ("clf", GradientBoostingClassifier(n_estimators=30, max_depth=3, random_state=0))]),
           "Survived", TITANIC_INPUTS, {"unseen_embarked": True, "identity": True})
    yield ("titanic_gradient_boosting_exponential",
           Pipeline([("preprocess", titanic_preprocess()),
                     ("clf", GradientBoostingClassifier(loss="exponential", n_estimators=20, random_state=0))]),
           "Survived", TITANIC_INPUTS, {"unseen_embarked": True})
    yield ("titanic_logistic_regression",
           Pipeline([("preprocess", titanic_preprocess()), ("scale", StandardScaler()),
                     ("clf", LogisticRegression(max_iter=1000))]),
           "Survived", TITANIC_INPUTS, {"unseen_embarked": True})
    no_pclass = [c for c in TITANIC_INPUTS if c != "Pclass"] + ["Survived"]
    pclass_pre = ColumnTransformer([
        ("num", SimpleImputer(strategy="median"), ["Age", "Fare"]),
        ("emb", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                          ("onehot", OneHotEncoder(handle_unknown="ignore"))]), ["Embarked"]),
        ("sex", OneHotEncoder(), ["Sex"]),
    ], remainder="passthrough")
    yield ("titanic_pclass_gradient_boosting",
           Pipeline([("preprocess", pclass_pre),
                     ("clf", GradientBoostingClassifier(n_estimators=15, max_depth=3, random_state=0))]),
           "Pclass", no_pclass, {"unseen_embarked": True})
    yield ("titanic_pclass_logistic_multinomial",
           Pipeline([("preprocess", pclass_pre), ("scale", StandardScaler()),
                     ("clf", LogisticRegression(max_iter=2000))]),
           "Pclass", no_pclass, {"unseen_embarked": True})
    yield ("titanic_pclass_logistic_ovr",
           Pipeline([("preprocess", pclass_pre), ("scale", MinMaxScaler()),
                     ("clf", LogisticRegression(solver="liblinear"))]),
           "Pclass", no_pclass, {"unseen_embarked": True})
    no_embarked = [c for c in TITANIC_INPUTS if c != "Embarked"]
    yield ("titanic_embarked_random_forest",
           Pipeline([("preprocess", ColumnTransformer([("num", SimpleImputer(strategy="median"), ["Age", "Fare"]),
                                                      ("sex", OneHotEncoder(), ["Sex"])], remainder="passthrough")),
                     ("clf", RandomForestClassifier(n_estimators=10, max_depth=6, random_state=0))]),
           "Embarked", no_embarked, {"unseen_embarked": False})


def identity_features(feature_names, inputs):
    """Model feature index -> raw column, for features that are a raw number column unchanged
    (imputed or passed through, not scaled): those can be aimed at a threshold from a record."""
    out = {}
    for index, name in enumerate(feature_names):
        raw = name.split("__", 1)[1] if name.split("__", 1)[0] in ("num", "pass", "remainder") else name
        if raw in inputs and raw not in ("Sex", "Embarked"):
            out[index] = raw
    return out


def breast_cancer_cases(features):
    yield ("breast_cancer_random_forest",
           Pipeline([("scaler", StandardScaler()),
                     ("clf", RandomForestClassifier(n_estimators=20, max_depth=8, random_state=0))]), {})
    yield ("breast_cancer_extra_trees", ExtraTreesClassifier(n_estimators=20, max_depth=8, random_state=0),
           {"identity": True})
    yield ("breast_cancer_decision_tree", DecisionTreeClassifier(random_state=0), {"identity": True})
    yield ("breast_cancer_gradient_boosting",
           Pipeline([("minmax", MinMaxScaler()),
                     ("clf", GradientBoostingClassifier(n_estimators=40, max_depth=3, random_state=0))]), {})
    yield ("breast_cancer_gradient_boosting_bare",
           GradientBoostingClassifier(n_estimators=20, max_depth=2, random_state=0), {"identity": True})
    yield ("breast_cancer_logistic_regression",
           Pipeline([("scaler", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))]), {})
    yield ("breast_cancer_logistic_multinomial",
           Pipeline([("scaler", StandardScaler()),
                     ("clf", LogisticRegression(multi_class="multinomial", C=0.5, max_iter=1000))]), {})


def write_case(out_root, case, model, records, inputs, dataset, string_columns=()):
    out = os.path.join(out_root, case)
    shutil.rmtree(out, ignore_errors=True)
    result = export_model(model, out, name=case, metadata={"dataset": dataset, "case": case})
    ref = reference_outputs(model, records, inputs, string_columns)
    document = {
        "case": case,
        "estimator": result.metadata["estimator"],
        "classes": result.metadata["classes"],
        "inputs": inputs,
        "featureNames": result.metadata["featureNames"],
        **ref,
    }
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(document, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    return len(records)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--titanic", default=os.path.join(REPO, "..", "shared", "datasets", "titanic.csv"))
    parser.add_argument("--breast-cancer", default=os.path.join(REPO, "..", "shared", "datasets", "breast_cancer.csv"))
    parser.add_argument("--out", default=os.path.join(HERE, "fixtures"))
    args = parser.parse_args(argv)
    rng = np.random.default_rng(20240611)

    titanic = pd.read_csv(args.titanic)
    for case, model, target, inputs, options in titanic_cases():
        data = titanic.dropna(subset=[target])
        model.fit(data[inputs], data[target])
        records = titanic_records(rng, 40, inputs, unseen_embarked=options.get("unseen_embarked", True))
        if options.get("identity"):
            identity = identity_features(model[:-1].get_feature_names_out(), inputs)
            records += threshold_records(rng, records[:40], model[-1], identity, 10)
        strings = [c for c in ("Sex", "Embarked") if c in inputs]
        n = write_case(args.out, case, model, records, inputs, "titanic", strings)
        print("%-40s %3d records" % (case, n))

    cancer = pd.read_csv(args.breast_cancer)
    features = [c for c in cancer.columns if c != "target"]
    from sklearn.model_selection import train_test_split

    X_train, _, y_train, _ = train_test_split(cancer[features], cancer["target"], test_size=0.2,
                                              stratify=cancer["target"], random_state=42)
    for case, model, options in breast_cancer_cases(features):
        model.fit(X_train, y_train)
        records = breast_cancer_records(rng, X_train, y_train, 40)
        estimator = model[-1] if isinstance(model, Pipeline) else model
        if options.get("identity"):
            records += threshold_records(rng, records[:40], estimator, dict(enumerate(features)), 10)
        n = write_case(args.out, case, model, records, features, "breast_cancer")
        print("%-40s %3d records" % (case, n))


if __name__ == "__main__":
    main()
