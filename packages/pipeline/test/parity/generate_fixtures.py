#!/usr/bin/python3
"""Writes the scikit-learn parity fixtures of @mlserve/pipeline.

For each configuration below: fit it with scikit-learn on a dataset CSV, export the fitted pipeline
in the mlserve.pipeline/v1 format (packages/pipeline/FORMAT.md), transform *generated* records
(never dataset rows: missing values, unseen categories, zeros, extremes) and write
test/fixtures/parity/<name>.json with the configuration, the fitted pipeline, the feature names and
scikit-learn's outputs (float64, and their float32 cast).

Run with Debian's interpreter, which has scikit-learn 1.2.1 (the `python3` first on PATH has not):

    /usr/bin/python3 test/parity/generate_fixtures.py [--datasets DIR] [--out DIR]

--datasets defaults to <repo>/../shared/datasets (the CSVs are never copied into the repository).
"""
import argparse
import json
import math
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (FunctionTransformer, KBinsDiscretizer, MaxAbsScaler, MinMaxScaler, OneHotEncoder,
                                   OrdinalEncoder, PolynomialFeatures, RobustScaler, StandardScaler)
from threadpoolctl import threadpool_limits

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]  # packages/pipeline/test/parity -> repo root
DEFAULT_DATASETS = REPO.parent / "shared" / "datasets"
DEFAULT_OUT = HERE.parent / "fixtures" / "parity"

TITANIC_COLUMNS = ["Pclass", "Sex", "Age", "SibSp", "Parch", "Fare", "Embarked"]
TITANIC_STRINGS = {"Sex", "Embarked"}


def imputer(name, strategy, **kw):
    return {"type": "SimpleImputer", "name": name, "strategy": strategy, **kw}


def onehot(name, **kw):
    return {"type": "OneHotEncoder", "name": name, **kw}


def step(kind, name, **kw):
    return {"type": kind, "name": name, **kw}


def column_transformer(transformers, remainder="drop"):
    return [{"type": "ColumnTransformer", "name": "preprocess", "remainder": remainder,
             "transformers": [{"name": n, "columns": c, "steps": s} for n, c, s in transformers]}]


BREAST_CANCER_SOME = ["mean radius", "mean texture", "mean area"]


# The same configurations are built in TypeScript by src/parity.test.ts from the `config` field.
# Option names are FORMAT.md's (camelCase). A one-step transformer list is fitted in scikit-learn
# as that single transformer (not a Pipeline), so its step is named like make_pipeline would.
CONFIGS = [
    {
        "name": "titanic_basic",
        "dataset": "titanic",
        "columns": TITANIC_COLUMNS,
        "steps": [{
            "type": "ColumnTransformer", "name": "preprocess", "remainder": "passthrough",
            "transformers": [
                {"name": "num", "columns": ["Age", "Fare"], "steps": [
                    imputer("imputer", "median"), {"type": "StandardScaler", "name": "scaler"}]},
                {"name": "cat", "columns": ["Sex", "Embarked"], "steps": [
                    imputer("imputer", "most_frequent"), onehot("onehot", handleUnknown="ignore")]},
            ],
        }],
    },
    {
        "name": "titanic_drop_first",
        "dataset": "titanic",
        "columns": TITANIC_COLUMNS,
        "steps": [{
            "type": "ColumnTransformer", "name": "preprocess", "remainder": "drop",
            "transformers": [
                {"name": "num", "columns": ["Age", "Fare", "SibSp", "Parch"], "steps": [
                    imputer("imputer", "median"), {"type": "StandardScaler", "name": "scaler"}]},
                {"name": "cat", "columns": ["Sex", "Embarked"], "steps": [
                    imputer("imputer", "most_frequent"),
                    onehot("onehot", handleUnknown="error", drop="first")]},
                {"name": "pclass", "columns": ["Pclass"], "steps": [
                    onehot("onehotencoder", handleUnknown="error", drop="first")]},
            ],
        }],
    },
    {
        "name": "titanic_if_binary",
        "dataset": "titanic",
        "columns": TITANIC_COLUMNS,
        "steps": [{
            "type": "ColumnTransformer", "name": "preprocess", "remainder": "passthrough",
            "transformers": [
                {"name": "cat", "columns": ["Sex", "Embarked"], "steps": [
                    imputer("imputer", "most_frequent"),
                    onehot("onehot", handleUnknown="error", drop="if_binary")]},
                {"name": "age", "columns": ["Age"], "steps": [imputer("simpleimputer", "median")]},
                {"name": "ids", "columns": ["Pclass"], "steps": []},
            ],
        }],
    },
    {
        "name": "titanic_mean_constant",
        "dataset": "titanic",
        "columns": TITANIC_COLUMNS,
        "steps": [{
            "type": "ColumnTransformer", "name": "preprocess", "remainder": "drop",
            "transformers": [
                {"name": "age", "columns": ["Age"], "steps": [imputer("simpleimputer", "mean")]},
                {"name": "fare", "columns": ["Fare", "SibSp"], "steps": [
                    imputer("imputer", "constant"), {"type": "StandardScaler", "name": "scaler"}]},
                {"name": "age_flag", "columns": ["Age"], "steps": [
                    imputer("simpleimputer", "constant", fillValue=-1)]},
                {"name": "embarked", "columns": ["Embarked", "Sex"], "steps": [
                    imputer("imputer", "constant"), onehot("onehot", handleUnknown="ignore")]},
            ],
        }],
    },
    {
        "name": "titanic_minmax",
        "dataset": "titanic",
        "columns": TITANIC_COLUMNS,
        "steps": [{
            "type": "ColumnTransformer", "name": "preprocess", "remainder": "drop",
            "verboseFeatureNamesOut": False,
            "transformers": [
                {"name": "age", "columns": ["Age"], "steps": [
                    imputer("imputer", "median"), {"type": "MinMaxScaler", "name": "scaler"}]},
                {"name": "fare", "columns": ["Fare", "Parch"], "steps": [
                    {"type": "MinMaxScaler", "name": "minmaxscaler", "featureRange": [-1, 1], "clip": True}]},
                {"name": "embarked", "columns": ["Embarked"], "steps": [
                    onehot("onehotencoder", handleUnknown="error")]},
            ],
        }],
    },
    {
        "name": "titanic_drop_explicit",
        "dataset": "titanic",
        "columns": TITANIC_COLUMNS,
        "steps": [{
            "type": "ColumnTransformer", "name": "preprocess", "remainder": "drop",
            "transformers": [
                {"name": "cat", "columns": ["Sex", "Embarked"], "steps": [
                    imputer("imputer", "most_frequent"),
                    onehot("onehot", handleUnknown="error", drop=["male", "Q"])]},
            ],
        }],
    },
    {
        "name": "titanic_onehot_numbers",
        "dataset": "titanic",
        "columns": TITANIC_COLUMNS,
        "steps": [{
            "type": "ColumnTransformer", "name": "preprocess", "remainder": "drop",
            "transformers": [
                {"name": "ints", "columns": ["Pclass", "SibSp"], "steps": [onehot("onehotencoder", handleUnknown="ignore")]},
                {"name": "floats", "columns": ["Age"], "steps": [onehot("onehotencoder", handleUnknown="ignore")]},
            ],
        }],
    },
    {
        "name": "titanic_imputer_scaler",
        "dataset": "titanic",
        "columns": ["Pclass", "Age", "SibSp", "Parch", "Fare"],
        "steps": [imputer("imputer", "median"), {"type": "StandardScaler", "name": "scaler"}],
    },
    {
        "name": "titanic_most_frequent_numbers",
        "dataset": "titanic",
        "columns": ["Pclass", "Age", "SibSp", "Parch", "Fare"],
        "steps": [imputer("imputer", "most_frequent"),
                  {"type": "StandardScaler", "name": "scaler", "withMean": False}],
    },
    {
        "name": "breast_cancer_standard",
        "dataset": "breast_cancer",
        "columns": None,  # every feature column
        "steps": [{"type": "StandardScaler", "name": "scaler"}],
    },
    {
        "name": "breast_cancer_no_mean",
        "dataset": "breast_cancer",
        "columns": None,
        "steps": [{"type": "StandardScaler", "name": "scaler", "withMean": False}],
    },
    {
        "name": "breast_cancer_minmax",
        "dataset": "breast_cancer",
        "columns": None,
        "steps": [{"type": "MinMaxScaler", "name": "scaler", "featureRange": [-2.5, 3]}],
    },
    # The transformers of issue 12. Options named as FORMAT.md's; null stands for np.nan.
    {
        "name": "titanic_ordinal",
        "dataset": "titanic",
        "columns": TITANIC_COLUMNS,
        "steps": column_transformer([
            ("ord", ["Sex", "Embarked"], [step("OrdinalEncoder", "ordinalencoder", handleUnknown="use_encoded_value",
                                               unknownValue=-1, encodedMissingValue=-2)]),
            ("ord_nan", ["Embarked"], [step("OrdinalEncoder", "encode"), imputer("imputer", "most_frequent")]),
            ("pclass", ["Pclass"], [step("OrdinalEncoder", "encode", handleUnknown="use_encoded_value", unknownValue=None),
                                    imputer("imputer", "constant", fillValue=-1)]),
            ("strict", ["Sex"], [step("OrdinalEncoder", "ordinalencoder")]),
        ]),
    },
    {
        "name": "titanic_robust_maxabs",
        "dataset": "titanic",
        "columns": TITANIC_COLUMNS,
        "steps": column_transformer([
            ("age", ["Age"], [imputer("imputer", "median"), step("RobustScaler", "scaler")]),
            ("fare", ["Fare", "SibSp", "Parch"], [step("RobustScaler", "robustscaler", quantileRange=[10, 90], withCentering=False)]),
            ("centre", ["Fare"], [step("RobustScaler", "robustscaler", withScaling=False)]),
            ("maxabs", ["Parch", "Pclass"], [step("MaxAbsScaler", "maxabsscaler")]),
            ("age_max", ["Age"], [imputer("imputer", "mean"), step("MaxAbsScaler", "scaler")]),
        ]),
    },
    {
        "name": "titanic_polynomial",
        "dataset": "titanic",
        "columns": TITANIC_COLUMNS,
        "steps": column_transformer([
            ("poly", ["Age", "Fare"], [imputer("imputer", "median"), step("PolynomialFeatures", "poly")]),
            ("inter", ["SibSp", "Parch", "Pclass"], [step("PolynomialFeatures", "polynomialfeatures", degree=3,
                                                          interactionOnly=True, includeBias=False)]),
            ("cat", ["Sex"], [onehot("onehotencoder", handleUnknown="ignore")]),
        ]),
    },
    {
        "name": "titanic_function",
        "dataset": "titanic",
        "columns": TITANIC_COLUMNS,
        "steps": column_transformer([
            ("log", ["Age", "Fare"], [imputer("imputer", "median"), step("FunctionTransformer", "log1p", func="log1p"),
                                      {"type": "StandardScaler", "name": "scaler"}]),
            ("sqrt", ["SibSp"], [step("FunctionTransformer", "functiontransformer", func="sqrt")]),
            ("log_pclass", ["Pclass"], [step("FunctionTransformer", "functiontransformer", func="log")]),
            ("abs", ["Parch"], [step("FunctionTransformer", "functiontransformer", func="abs")]),
            ("exp", ["Fare"], [step("MinMaxScaler", "scaler"), step("FunctionTransformer", "exp", func="exp")]),
        ]),
    },
    {
        "name": "titanic_kbins",
        "dataset": "titanic",
        "columns": TITANIC_COLUMNS,
        "steps": column_transformer([
            ("age", ["Age"], [imputer("imputer", "median"), step("KBinsDiscretizer", "bins", nBins=4, encode="ordinal")]),
            ("fare", ["Fare"], [step("KBinsDiscretizer", "kbinsdiscretizer", nBins=5, encode="onehot-dense", strategy="uniform")]),
            ("family", ["SibSp", "Parch"], [step("KBinsDiscretizer", "kbinsdiscretizer", nBins=3, encode="onehot")]),
            ("age_km", ["Age"], [imputer("imputer", "median"),
                                 step("KBinsDiscretizer", "bins", nBins=4, encode="ordinal", strategy="kmeans")]),
        ]),
    },
    {
        "name": "breast_cancer_robust",
        "dataset": "breast_cancer",
        "columns": None,
        "steps": [step("RobustScaler", "scaler")],
    },
    {
        "name": "breast_cancer_maxabs",
        "dataset": "breast_cancer",
        "columns": None,
        "steps": [step("MaxAbsScaler", "scaler")],
    },
    {
        "name": "breast_cancer_polynomial",
        "dataset": "breast_cancer",
        "columns": None,
        "steps": column_transformer([
            ("poly", BREAST_CANCER_SOME, [step("PolynomialFeatures", "polynomialfeatures", degree=[2, 3])]),
        ]),
    },
    {
        "name": "breast_cancer_kbins_kmeans",
        "dataset": "breast_cancer",
        "columns": None,
        "steps": [step("KBinsDiscretizer", "bins", nBins=6, encode="ordinal", strategy="kmeans")],
    },
    {
        "name": "breast_cancer_kbins_quantile",
        "dataset": "breast_cancer",
        "columns": None,
        "steps": [step("KBinsDiscretizer", "bins", nBins=3, encode="onehot-dense", strategy="quantile")],
    },
]


# ---------------------------------------------------------------------------------------------
# Building scikit-learn objects from a configuration

NUMPY_FUNCTIONS = {"log1p": np.log1p, "log": np.log, "sqrt": np.sqrt, "exp": np.exp, "abs": np.abs}


def nan_for_none(v):
    return np.nan if v is None else v


def build_step(spec):
    kind = spec["type"]
    if kind == "SimpleImputer":
        return SimpleImputer(strategy=spec["strategy"], fill_value=spec.get("fillValue"))
    if kind == "StandardScaler":
        return StandardScaler(with_mean=spec.get("withMean", True), with_std=spec.get("withStd", True))
    if kind == "MinMaxScaler":
        return MinMaxScaler(feature_range=tuple(spec.get("featureRange", [0, 1])), clip=spec.get("clip", False))
    if kind == "OneHotEncoder":
        return OneHotEncoder(handle_unknown=spec.get("handleUnknown", "error"), drop=spec.get("drop"),
                             sparse_output=False)
    if kind == "MaxAbsScaler":
        return MaxAbsScaler()
    if kind == "RobustScaler":
        return RobustScaler(with_centering=spec.get("withCentering", True), with_scaling=spec.get("withScaling", True),
                            quantile_range=tuple(spec.get("quantileRange", [25, 75])))
    if kind == "OrdinalEncoder":
        unknown = spec.get("handleUnknown", "error")
        return OrdinalEncoder(handle_unknown=unknown,
                              unknown_value=nan_for_none(spec.get("unknownValue")) if unknown == "use_encoded_value" else None,
                              encoded_missing_value=nan_for_none(spec.get("encodedMissingValue")))
    if kind == "FunctionTransformer":
        return FunctionTransformer(NUMPY_FUNCTIONS[spec["func"]], feature_names_out="one-to-one")
    if kind == "PolynomialFeatures":
        degree = spec.get("degree", 2)
        return PolynomialFeatures(degree=tuple(degree) if isinstance(degree, list) else degree,
                                  interaction_only=spec.get("interactionOnly", False), include_bias=spec.get("includeBias", True))
    if kind == "KBinsDiscretizer":
        return KBinsDiscretizer(n_bins=spec.get("nBins", 5), encode=spec.get("encode", "onehot"),
                                strategy=spec.get("strategy", "quantile"))
    if kind == "ColumnTransformer":
        transformers = []
        for t in spec["transformers"]:
            steps = t["steps"]
            if not steps:
                est = "passthrough"
            elif len(steps) == 1:
                est = build_step(steps[0])
            else:
                est = Pipeline([(s["name"], build_step(s)) for s in steps])
            transformers.append((t["name"], est, list(t["columns"])))
        return ColumnTransformer(transformers, remainder=spec.get("remainder", "drop"), sparse_threshold=0,
                                 verbose_feature_names_out=spec.get("verboseFeatureNamesOut", True))
    raise ValueError(f"unknown step type {kind}")


def build_pipeline(config):
    return Pipeline([(s["name"], build_step(s)) for s in config["steps"]])


# ---------------------------------------------------------------------------------------------
# Export to mlserve.pipeline/v1 (FORMAT.md)


def num(v):
    """A float64 as a JSON number (json writes repr: round-trip exact); NaN -> null."""
    v = float(v)
    return None if math.isnan(v) else v


def value(v):
    """A fitted value that may be a number, a string or missing."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, (np.integer, int)) and not isinstance(v, bool):
        return int(v)
    return num(v)


def nums(a):
    return None if a is None else [num(v) for v in np.asarray(a, dtype=np.float64)]


def export_step(name, est):
    if isinstance(est, SimpleImputer):
        return {"name": name, "type": "SimpleImputer", "strategy": est.strategy,
                "fillValue": value(est.fill_value), "statistics": [value(v) for v in est.statistics_]}
    if isinstance(est, StandardScaler):
        n = est.n_samples_seen_
        return {"name": name, "type": "StandardScaler", "withMean": est.with_mean, "withStd": est.with_std,
                "mean": nums(est.mean_) if est.with_mean else None,
                "var": nums(est.var_) if est.with_std else None,
                "scale": nums(est.scale_) if est.with_std else None,
                "nSamplesSeen": int(n) if np.ndim(n) == 0 else [int(x) for x in n]}
    if isinstance(est, MinMaxScaler):
        return {"name": name, "type": "MinMaxScaler", "featureRange": [num(v) for v in est.feature_range],
                "clip": est.clip, "dataMin": nums(est.data_min_), "dataMax": nums(est.data_max_),
                "dataRange": nums(est.data_range_), "scale": nums(est.scale_), "min": nums(est.min_)}
    if isinstance(est, OneHotEncoder):
        drop_idx = None if est.drop_idx_ is None else [None if i is None else int(i) for i in est.drop_idx_]
        return {"name": name, "type": "OneHotEncoder", "handleUnknown": est.handle_unknown, "drop": est.drop,
                "categories": [[value(c) for c in cats] for cats in est.categories_], "dropIdx": drop_idx}
    if isinstance(est, MaxAbsScaler):
        return {"name": name, "type": "MaxAbsScaler", "maxAbs": nums(est.max_abs_), "scale": nums(est.scale_),
                "nSamplesSeen": int(est.n_samples_seen_)}
    if isinstance(est, RobustScaler):
        return {"name": name, "type": "RobustScaler", "withCentering": est.with_centering,
                "withScaling": est.with_scaling, "quantileRange": [num(q) for q in est.quantile_range],
                "unitVariance": est.unit_variance, "center": nums(est.center_), "scale": nums(est.scale_)}
    if isinstance(est, OrdinalEncoder):
        return {"name": name, "type": "OrdinalEncoder", "handleUnknown": est.handle_unknown,
                "unknownValue": None if est.unknown_value is None else num(est.unknown_value),
                "encodedMissingValue": num(est.encoded_missing_value),
                "categories": [[value(c) for c in cats] for cats in est.categories_]}
    if isinstance(est, FunctionTransformer):
        func = next(k for k, f in NUMPY_FUNCTIONS.items() if f is est.func)
        return {"name": name, "type": "FunctionTransformer", "func": func}
    if isinstance(est, PolynomialFeatures):
        degree = list(est.degree) if isinstance(est.degree, tuple) else est.degree
        return {"name": name, "type": "PolynomialFeatures", "degree": degree, "interactionOnly": est.interaction_only,
                "includeBias": est.include_bias, "powers": est.powers_.tolist()}
    if isinstance(est, KBinsDiscretizer):
        return {"name": name, "type": "KBinsDiscretizer", "encode": est.encode, "strategy": est.strategy,
                "nBins": [int(n) for n in est.n_bins_],
                "binEdges": [[num(e) if np.isfinite(e) else None for e in edges] for edges in est.bin_edges_]}
    if isinstance(est, ColumnTransformer):
        transformers, remainder_columns = [], []
        names_in = list(est.feature_names_in_)
        for tname, trans, cols in est.transformers_:
            if tname == "remainder":
                if trans == "passthrough":
                    remainder_columns = [names_in[i] if isinstance(i, (int, np.integer)) else i for i in cols]
                continue
            if trans == "drop" or len(cols) == 0:
                continue
            if trans == "passthrough":
                steps = []
            elif isinstance(trans, Pipeline):
                steps = [export_step(n, s) for n, s in trans.steps]
            else:
                steps = [export_step(type(trans).__name__.lower(), trans)]
            transformers.append({"name": tname, "columns": list(cols), "steps": steps})
        return {"name": name, "type": "ColumnTransformer", "remainder": est.remainder,
                "verboseFeatureNamesOut": est.verbose_feature_names_out,
                "transformers": transformers, "remainderColumns": remainder_columns}
    raise TypeError(f"cannot export {type(est).__name__}")


def export_pipeline(pipe, X):
    inputs = [{"name": c, "type": "string" if X[c].dtype == object else "number"} for c in pipe.feature_names_in_]
    return {"format": "mlserve.pipeline/v1", "inputs": inputs,
            "steps": [export_step(n, s) for n, s in pipe.steps]}


# ---------------------------------------------------------------------------------------------
# Generated inputs (never dataset rows)


def titanic_inputs(rng, n=60):
    def pick(options, p):
        return options[rng.choice(len(options), p=p)]

    rows = []
    for _ in range(n):
        rows.append({
            "Pclass": pick([1.0, 2.0, 3.0, 4.0, math.nan], [0.3, 0.25, 0.35, 0.05, 0.05]),
            "Sex": pick(["male", "female", "other", math.nan], [0.45, 0.45, 0.05, 0.05]),
            "Age": math.nan if rng.rand() < 0.15 else float(np.round(rng.uniform(0, 90), int(rng.randint(0, 6)))),
            "SibSp": float(rng.randint(0, 9)),
            "Parch": float(rng.randint(0, 7)),
            "Fare": math.nan if rng.rand() < 0.05 else float(rng.lognormal(3, 1.2)),
            "Embarked": pick(["S", "C", "Q", "X", math.nan], [0.5, 0.2, 0.15, 0.05, 0.1]),
        })
    base = {"Pclass": 3.0, "Sex": "male", "Age": 30.0, "SibSp": 0.0, "Parch": 0.0, "Fare": 8.05, "Embarked": "S"}
    edges = [
        {"Age": 0.0, "Fare": 0.0, "SibSp": 0.0, "Parch": 0.0},
        {"Age": 0.42, "Fare": 512.3292, "Pclass": 1.0, "Sex": "female", "Embarked": "C"},
        {"Age": 1e15, "Fare": 1e12, "SibSp": 1e6},
        {"Age": -1e12, "Fare": -5.5, "Parch": -3.0},
        {"Age": 1e-300, "Fare": 5e-324},
        {"Age": 123456789.123456789, "Fare": 0.1 + 0.2},
        {"Age": math.nan, "Fare": math.nan, "Embarked": math.nan, "Sex": math.nan},
        {"Embarked": "Q", "Sex": "female", "Pclass": 2.0},
        {"Embarked": "", "Sex": "MALE"},
        {"Age": 28.0, "Fare": 14.4542},  # the medians
    ]
    for e in edges:
        rows.append({**base, **e})
    return rows


def breast_cancer_inputs(rng, X, n=40):
    lo, hi = X.min().to_numpy(), X.max().to_numpy()
    span = hi - lo
    rows = []
    for _ in range(n):
        vals = rng.uniform(lo - 0.25 * span, hi + 0.25 * span)
        rows.append({c: float(v) for c, v in zip(X.columns, vals)})
    cols = list(X.columns)
    rows.append({c: 0.0 for c in cols})
    rows.append({c: 1e12 for c in cols})
    rows.append({c: -1e-200 for c in cols})
    rows.append({c: float(v) for c, v in zip(cols, X.mean().to_numpy())})
    with_missing = {c: float(v) for c, v in zip(cols, lo)}
    with_missing[cols[3]] = math.nan
    rows.append(with_missing)
    return rows


# ---------------------------------------------------------------------------------------------


def frame(rows, columns, strings):
    df = pd.DataFrame(rows, columns=columns)
    for c in columns:
        df[c] = df[c].astype(object) if c in strings else df[c].astype(np.float64)
    return df


def jsonable_record(row):
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}


def run_config(config, datasets):
    if config["dataset"] == "titanic":
        df = pd.read_csv(datasets / "titanic.csv", float_precision="round_trip")
        columns = config["columns"]
        X = df[columns]
        strings = {c for c in columns if X[c].dtype == object}
        rows = titanic_inputs(np.random.RandomState(7))
        rows = [{c: r[c] for c in columns} for r in rows]
    else:
        df = pd.read_csv(datasets / "breast_cancer.csv", float_precision="round_trip")
        X = df.drop(columns=["target"])
        columns = list(X.columns)
        strings = set()
        rows = breast_cancer_inputs(np.random.RandomState(11), X)

    # KMeans sums its clusters per OpenMP thread: one thread makes the fit independent of the machine.
    with threadpool_limits(limits=1, user_api="openmp"):
        pipe = build_pipeline(config).fit(X)
    cases = []
    for row in rows:
        case = {"input": jsonable_record(row)}
        try:
            out = pipe.transform(frame([row], columns, strings))
            out = np.asarray(out, dtype=np.float64)
            if np.isnan(out).any():
                case["error"] = "scikit-learn outputs NaN (missing value with no imputer)"
            elif not np.isfinite(out).all():
                case["error"] = "scikit-learn outputs infinity (a value outside a function's domain)"
            else:
                case["ok"] = True
        except Exception as exc:  # noqa: BLE001 - any refusal is an expected error
            case["error"] = f"{type(exc).__name__}: {exc}".splitlines()[0]
        cases.append(case)

    ok_rows = [row for row, case in zip(rows, cases) if case.get("ok")]
    out64 = np.asarray(pipe.transform(frame(ok_rows, columns, strings)), dtype=np.float64)
    out32 = out64.astype(np.float32)
    k = 0
    for case in cases:
        if case.pop("ok", False):
            case["float64"] = [float(v) for v in out64[k]]
            case["float32"] = [float(v) for v in out32[k]]
            k += 1

    return {
        "name": config["name"],
        "generator": "test/parity/generate_fixtures.py",
        "sklearnVersion": sklearn.__version__,
        "numpyVersion": np.__version__,
        "config": config,
        "featureNamesIn": [str(c) for c in pipe.feature_names_in_],
        "featureNames": [str(c) for c in pipe.get_feature_names_out()],
        "pipeline": export_pipeline(pipe, X),
        "cases": cases,
    }


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT_DATASETS,
                        help=f"directory holding titanic.csv and breast_cancer.csv (default {DEFAULT_DATASETS})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    # Expected warnings: narrow bins removed, log of negative numbers, ...
    warnings.simplefilter("ignore")
    for config in CONFIGS:
        fixture = run_config(config, args.datasets)
        path = args.out / f"{config['name']}.json"
        with open(path, "w") as fh:
            json.dump(fixture, fh, indent=1, allow_nan=False)
            fh.write("\n")
        errors = sum(1 for c in fixture["cases"] if "error" in c)
        print(f"{path.relative_to(os.getcwd()) if path.is_relative_to(os.getcwd()) else path}: "
              f"{len(fixture['featureNames'])} features, {len(fixture['cases'])} cases ({errors} refused)")


if __name__ == "__main__":
    main(sys.argv[1:])
