"""Export every supported estimator on both datasets and write scikit-learn's answers.

Classifiers on titanic (Survived: binary; Pclass: multiclass) and breast cancer; regressors on
titanic (Fare, through an imputing pipeline) and breast cancer (one and two targets).

Usage (from the repository root):

    PYTHONPATH=python/mlserve-sklearn /usr/bin/python3 python/mlserve-sklearn/tests/make_parity_fixtures.py \\
        [--titanic ../shared/datasets/titanic.csv] [--breast-cancer ../shared/datasets/breast_cancer.csv] \\
        [--out python/mlserve-sklearn/tests/fixtures]

Each case directory gets model.onnx, pipeline.json (when there is preprocessing), metadata.json
and reference.json: ``{case, estimator, task, classes | targets, inputs, featureNames, records,
predict, transformed}`` plus ``label`` and ``predict_proba`` or ``decision_function`` for
classifiers (see mlserve_sklearn/reference.py). Records are synthesised (tests/synth.py), never
dataset rows.
"""

import argparse
import json
import os
import shutil
import sys

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor, GradientBoostingClassifier,
                              GradientBoostingRegressor, HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler
from sklearn.svm import SVC, LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

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


def titanic_more_cases():
    """The estimators added after the first five: (case, model, target, inputs, options)."""
    def scaled(estimator):
        return Pipeline([("preprocess", titanic_preprocess()), ("scale", StandardScaler()), ("clf", estimator)])

    yield ("titanic_hist_gradient_boosting",
           Pipeline([("preprocess", titanic_preprocess()),
                     ("clf", HistGradientBoostingClassifier(max_iter=30, max_depth=3, random_state=0))]),
           "Survived", TITANIC_INPUTS, {"identity": True})
    yield ("titanic_svc_probability", scaled(SVC(probability=True, random_state=0)), "Survived", TITANIC_INPUTS, {})
    yield ("titanic_svc", scaled(SVC()), "Survived", TITANIC_INPUTS, {})
    yield ("titanic_linear_svc", scaled(LinearSVC(max_iter=5000, random_state=0)), "Survived", TITANIC_INPUTS, {})
    yield ("titanic_mlp", scaled(MLPClassifier(hidden_layer_sizes=(16,), max_iter=800, random_state=0)),
           "Survived", TITANIC_INPUTS, {})
    yield ("titanic_gaussian_nb", scaled(GaussianNB()), "Survived", TITANIC_INPUTS, {})
    no_pclass = [c for c in TITANIC_INPUTS if c != "Pclass"] + ["Survived"]

    def pclass(estimator, scale=True):
        pre = ColumnTransformer([
            ("num", SimpleImputer(strategy="median"), ["Age", "Fare"]),
            ("emb", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                              ("onehot", OneHotEncoder(handle_unknown="ignore"))]), ["Embarked"]),
            ("sex", OneHotEncoder(), ["Sex"]),
        ], remainder="passthrough")
        return Pipeline([("preprocess", pre)] + ([("scale", StandardScaler())] if scale else []) + [("clf", estimator)])

    yield ("titanic_pclass_hist_gradient_boosting",
           pclass(HistGradientBoostingClassifier(max_iter=20, max_depth=3, random_state=0), scale=False),
           "Pclass", no_pclass, {})
    yield ("titanic_pclass_svc_probability", pclass(SVC(probability=True, random_state=0)), "Pclass", no_pclass, {})
    yield ("titanic_pclass_svc", pclass(SVC()), "Pclass", no_pclass, {})
    yield ("titanic_pclass_svc_ovo_poly", pclass(SVC(kernel="poly", degree=2, decision_function_shape="ovo")),
           "Pclass", no_pclass, {})
    yield ("titanic_pclass_linear_svc", pclass(LinearSVC(max_iter=5000, random_state=0)), "Pclass", no_pclass, {})
    yield ("titanic_pclass_mlp", pclass(MLPClassifier(hidden_layer_sizes=(12, 8), activation="tanh", max_iter=800,
                                                      random_state=0)), "Pclass", no_pclass, {})
    yield ("titanic_pclass_gaussian_nb", pclass(GaussianNB()), "Pclass", no_pclass, {})
    yield ("titanic_pclass_knn_distance", pclass(KNeighborsClassifier(n_neighbors=6, weights="distance")),
           "Pclass", no_pclass, {})


FARE_INPUTS = [c for c in TITANIC_INPUTS if c != "Fare"]


def fare_preprocess():
    return ColumnTransformer([
        ("num", SimpleImputer(strategy="median"), ["Age"]),
        ("emb", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                          ("onehot", OneHotEncoder(handle_unknown="ignore"))]), ["Embarked"]),
        ("sex", OneHotEncoder(), ["Sex"]),
        ("pass", "passthrough", ["Pclass", "SibSp", "Parch"]),
    ])


def fare_cases():
    """Regressors of titanic's Fare from the other columns (Age and Embarked imputed)."""
    def pipe(estimator, scale=False):
        return Pipeline([("preprocess", fare_preprocess())] + ([("scale", StandardScaler())] if scale else [])
                        + [("reg", estimator)])

    yield "titanic_fare_linear_regression", pipe(LinearRegression()), {}
    yield "titanic_fare_ridge", pipe(Ridge(alpha=2.0), scale=True), {}
    yield "titanic_fare_lasso", pipe(Lasso(alpha=0.5), scale=True), {}
    yield "titanic_fare_elastic_net", pipe(ElasticNet(alpha=0.3, l1_ratio=0.4), scale=True), {}
    yield "titanic_fare_decision_tree", pipe(DecisionTreeRegressor(max_depth=6, random_state=0)), {"identity": True}
    yield ("titanic_fare_random_forest", pipe(RandomForestRegressor(n_estimators=10, max_depth=6, random_state=0)),
           {"identity": True})
    yield ("titanic_fare_extra_trees", pipe(ExtraTreesRegressor(n_estimators=10, max_depth=6, random_state=0)),
           {"identity": True})
    yield ("titanic_fare_gradient_boosting",
           pipe(GradientBoostingRegressor(n_estimators=30, max_depth=3, random_state=0)), {"identity": True})
    yield ("titanic_fare_gradient_boosting_huber",
           pipe(GradientBoostingRegressor(loss="huber", n_estimators=20, max_depth=2, random_state=0)), {})
    yield ("titanic_fare_hist_gradient_boosting",
           pipe(HistGradientBoostingRegressor(max_iter=30, max_depth=3, random_state=0)), {"identity": True})
    yield ("titanic_fare_hist_gradient_boosting_poisson",
           pipe(HistGradientBoostingRegressor(loss="poisson", max_iter=20, max_depth=3, random_state=0)), {})
    yield ("titanic_fare_mlp", pipe(MLPRegressor(hidden_layer_sizes=(16,), max_iter=1500, random_state=0), scale=True),
           {})


def breast_cancer_more_cases(features):
    """Classifiers added after the first five (breast cancer, binary)."""
    yield ("breast_cancer_hist_gradient_boosting",
           HistGradientBoostingClassifier(max_iter=20, max_depth=3, random_state=0), {"identity": True})
    yield ("breast_cancer_svc_probability",
           Pipeline([("scaler", StandardScaler()), ("clf", SVC(probability=True, random_state=0))]), {})
    yield "breast_cancer_svc", Pipeline([("scaler", StandardScaler()), ("clf", SVC(C=3.0))]), {}
    yield ("breast_cancer_linear_svc",
           Pipeline([("scaler", StandardScaler()), ("clf", LinearSVC(max_iter=5000, random_state=0))]), {})
    yield "breast_cancer_knn", Pipeline([("scaler", StandardScaler()), ("clf", KNeighborsClassifier())]), {}
    yield ("breast_cancer_knn_distance_manhattan",
           Pipeline([("scaler", StandardScaler()),
                     ("clf", KNeighborsClassifier(n_neighbors=7, weights="distance", p=1))]), {})
    yield ("breast_cancer_mlp",
           Pipeline([("scaler", StandardScaler()),
                     ("clf", MLPClassifier(hidden_layer_sizes=(16,), max_iter=800, random_state=0))]), {})
    yield "breast_cancer_gaussian_nb", GaussianNB(), {}


CANCER_TARGETS = ["mean radius", "mean texture"]


def breast_cancer_regression_cases():
    """(case, model, targets): regressors of one or two breast-cancer columns from the others."""
    scaled = lambda estimator: Pipeline([("scaler", StandardScaler()), ("reg", estimator)])  # noqa: E731
    yield "breast_cancer_area_knn", scaled(KNeighborsRegressor(n_neighbors=5)), ["mean area"]
    yield ("breast_cancer_area_knn_distance", scaled(KNeighborsRegressor(n_neighbors=4, weights="distance")),
           ["mean area"])
    yield ("breast_cancer_area_hist_gradient_boosting_missing",
           HistGradientBoostingRegressor(max_iter=20, max_depth=3, random_state=0), ["mean area"])
    yield "breast_cancer_two_targets_linear_regression", LinearRegression(), CANCER_TARGETS
    yield ("breast_cancer_two_targets_random_forest",
           RandomForestRegressor(n_estimators=8, max_depth=6, random_state=0), CANCER_TARGETS)
    yield "breast_cancer_two_targets_knn", scaled(KNeighborsRegressor(n_neighbors=3)), CANCER_TARGETS
    yield ("breast_cancer_two_targets_mlp",
           scaled(MLPRegressor(hidden_layer_sizes=(16,), activation="logistic", max_iter=2000, random_state=0)),
           CANCER_TARGETS)


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


def without_dataset_rows(records, frame, columns):
    """``records`` minus those that equal a dataset row on ``columns`` (likely with few columns, such as Fare's)."""
    rows = {tuple(None if pd.isna(v) else v for v in row) for row in frame[columns].itertuples(index=False)}
    return [r for r in records if tuple(r.get(c) for c in columns) not in rows]


def write_case(out_root, case, model, records, inputs, dataset, string_columns=(), targets=None):
    out = os.path.join(out_root, case)
    shutil.rmtree(out, ignore_errors=True)
    result = export_model(model, out, name=case, metadata={"dataset": dataset, "case": case}, targets=targets)
    ref = reference_outputs(model, records, inputs, string_columns)
    task = result.metadata["task"]
    document = {
        "case": case,
        "estimator": result.metadata["estimator"],
        "task": task,
        **({"classes": result.metadata["classes"]} if task == "classification" else {"targets": targets}),
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

    for case, model, target, inputs, options in titanic_more_cases():
        data = titanic.dropna(subset=[target])
        model.fit(data[inputs], data[target])
        records = titanic_records(rng, 40, inputs)
        if options.get("identity"):
            records += threshold_records(rng, records[:40], model[-1],
                                         identity_features(model[:-1].get_feature_names_out(), inputs), 10)
        strings = [c for c in ("Sex", "Embarked") if c in inputs]
        print("%-40s %3d records" % (case, write_case(args.out, case, model, records, inputs, "titanic", strings)))

    fares = titanic.dropna(subset=["Fare"])
    for case, model, options in fare_cases():
        model.fit(fares[FARE_INPUTS], fares["Fare"])
        records = without_dataset_rows(titanic_records(rng, 40, FARE_INPUTS), titanic, FARE_INPUTS)
        if options.get("identity"):
            records += threshold_records(rng, records[:40], model[-1],
                                         identity_features(model[:-1].get_feature_names_out(), FARE_INPUTS), 10)
        records = without_dataset_rows(records, titanic, FARE_INPUTS)
        n = write_case(args.out, case, model, records, FARE_INPUTS, "titanic", ("Sex", "Embarked"), targets=["Fare"])
        print("%-40s %3d records" % (case, n))

    for case, model, options in breast_cancer_more_cases(features):
        model.fit(X_train, y_train)
        records = breast_cancer_records(rng, X_train, y_train, 40)
        estimator = model[-1] if isinstance(model, Pipeline) else model
        if options.get("identity"):
            records += threshold_records(rng, records[:40], estimator, dict(enumerate(features)), 10)
        print("%-40s %3d records" % (case, write_case(args.out, case, model, records, features, "breast_cancer")))

    for case, model, targets in breast_cancer_regression_cases():
        inputs = [c for c in features if c not in targets]
        y = X_train[targets[0]] if len(targets) == 1 else X_train[targets]
        X = X_train[inputs]
        records = [{c: r[c] for c in inputs} for r in breast_cancer_records(rng, X_train, y_train, 40)]
        if case.endswith("_missing"):  # learnt with missing values, asked with some (null in the records)
            X = X.mask(rng.random(X.shape) < 0.1)
            records = [{c: None if rng.random() < 0.1 else v for c, v in r.items()} for r in records]
        model.fit(X, y)
        n = write_case(args.out, case, model, records, inputs, "breast_cancer", targets=targets)
        print("%-40s %3d records" % (case, n))


if __name__ == "__main__":
    main()
