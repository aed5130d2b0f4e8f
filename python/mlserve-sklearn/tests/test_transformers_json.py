"""The transformers of issue 12 are written to pipeline.json and reproduce scikit-learn's transform."""

import os
import tempfile
import unittest
import warnings

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (FunctionTransformer, KBinsDiscretizer, MaxAbsScaler, MinMaxScaler,
                                   OrdinalEncoder, PolynomialFeatures, RobustScaler, StandardScaler)
from threadpoolctl import threadpool_limits

from helpers import passengers
from mlserve_sklearn import UnsupportedError, export_model
from pipeline_interpreter import UnknownCategory, transform
from test_pipeline_json import export_json, sklearn_matrix

# Missing values, an unseen category and an unseen class, zeros and extremes.
RECORDS = [
    {"Pclass": 1, "Sex": "female", "Age": 30, "Fare": 100.0, "Embarked": "C"},
    {"Pclass": 3, "Sex": "male", "Age": None, "Fare": 7.25, "Embarked": None},
    {"Pclass": 2, "Sex": "male", "Fare": 13.0},
    {"Pclass": 3, "Sex": "female", "Age": 0.42, "Fare": 0.0, "Embarked": "Q"},
    {"Pclass": 4, "Sex": "other", "Age": 80, "Fare": 512.3292, "Embarked": "X"},
    {"Pclass": 1, "Sex": "male", "Age": 1e6, "Fare": 1e-300, "Embarked": "S"},
]


class TransformersJsonTest(unittest.TestCase):
    def setUp(self):
        self.enterContext(warnings.catch_warnings())
        warnings.simplefilter("ignore", UserWarning)  # narrow or constant bins, announced by KBinsDiscretizer

    def fit(self, pre, X=None, y=None):
        if X is None:
            X, y = passengers()
        with threadpool_limits(limits=1, user_api="openmp"):
            return Pipeline([("preprocess", pre), ("clf", LogisticRegression(max_iter=1000))]).fit(X, y)

    def assert_reproduces(self, model, records=RECORDS):
        document, meta = export_json(model)
        names, matrix = transform(document, records)
        self.assertEqual(names, meta["featureNames"])
        np.testing.assert_array_equal(matrix, sklearn_matrix(model, records, meta["inputs"]))
        return document

    def steps_of(self, document):
        return [s for t in document["steps"][0]["transformers"] for s in t["steps"]]

    def test_ordinal_encoder_writes_its_codes_for_unknown_and_missing_values(self):
        model = self.fit(ColumnTransformer([
            ("ord", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-2),
             ["Sex", "Embarked"]),
            ("nan", Pipeline([("encode", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan)),
                              ("impute", SimpleImputer(strategy="most_frequent"))]), ["Embarked", "Pclass"]),
            ("num", SimpleImputer(), ["Age"])]))
        doc = self.assert_reproduces(model)
        ord_, nan, _, _ = self.steps_of(doc)
        self.assertEqual(ord_, {"name": "ord", "type": "OrdinalEncoder", "handleUnknown": "use_encoded_value",
                                "unknownValue": -1, "encodedMissingValue": -2,
                                "categories": [["female", "male"], ["C", "Q", "S", None]]})
        self.assertEqual((nan["unknownValue"], nan["encodedMissingValue"]), (None, None))
        self.assertEqual(nan["categories"][1], [1, 2, 3])
        self.assertEqual(doc["inputs"][0], {"name": "Pclass", "type": "number"})

    def test_an_ordinal_encoder_refusing_unknowns_refuses_them_in_the_reader_too(self):
        model = self.fit(ColumnTransformer([("sex", OrdinalEncoder(), ["Sex"]), ("num", SimpleImputer(), ["Age"])]))
        self.assert_reproduces(model, [r for r in RECORDS if r["Sex"] != "other"])
        document, _ = export_json(model)
        with self.assertRaises(UnknownCategory):
            transform(document, [{"Sex": "other", "Age": 1}])

    def test_robust_and_max_abs_scalers_keep_float64_parameters_exactly(self):
        model = self.fit(ColumnTransformer([
            ("robust", Pipeline([("impute", SimpleImputer(strategy="median")),
                                 ("scale", RobustScaler(quantile_range=(10, 90), unit_variance=True))]), ["Age", "Fare"]),
            ("centre", RobustScaler(with_scaling=False), ["Pclass"]),
            ("maxabs", MaxAbsScaler(), ["Fare"])]))
        doc = self.assert_reproduces(model)
        _, robust, centre, maxabs = self.steps_of(doc)
        fitted = model[0].named_transformers_
        self.assertEqual(robust["center"], fitted["robust"]["scale"].center_.tolist())
        self.assertEqual(robust["scale"], fitted["robust"]["scale"].scale_.tolist())
        self.assertEqual((robust["quantileRange"], robust["unitVariance"]), ([10, 90], True))
        self.assertEqual((centre["scale"], centre["withScaling"]), (None, False))
        self.assertEqual(maxabs, {"name": "maxabs", "type": "MaxAbsScaler", "maxAbs": fitted["maxabs"].max_abs_.tolist(),
                                  "scale": fitted["maxabs"].scale_.tolist(), "nSamplesSeen": 300})

    def test_polynomial_features_write_scikit_learns_powers_and_names(self):
        model = self.fit(ColumnTransformer([
            ("poly", Pipeline([("impute", SimpleImputer()), ("poly", PolynomialFeatures(3))]), ["Age", "Fare"]),
            ("inter", PolynomialFeatures(degree=(2, 3), interaction_only=True, include_bias=False), ["Pclass", "Fare", "Age"])],
        ), *self.imputed())
        doc = self.assert_reproduces(model, [r for r in RECORDS if r.get("Age") is not None])
        poly, inter = self.steps_of(doc)[1:]
        fitted = model[0].named_transformers_
        self.assertEqual(poly["powers"], fitted["poly"]["poly"].powers_.tolist())
        self.assertEqual((poly["degree"], poly["includeBias"]), (3, True))
        self.assertEqual((inter["degree"], inter["interactionOnly"], len(inter["powers"])), ([2, 3], True, 4))
        self.assertIn("poly__Age^2 Fare", model[:-1].get_feature_names_out().tolist())

    def test_k_bins_discretizer_writes_the_fitted_edges_of_every_strategy(self):
        X, y = self.imputed()
        X = X.assign(Constant=1.0)
        model = self.fit(ColumnTransformer([
            ("quantile", KBinsDiscretizer(n_bins=4, encode="ordinal"), ["Age", "Fare"]),
            ("uniform", KBinsDiscretizer(n_bins=3, encode="onehot-dense", strategy="uniform"), ["Fare", "Constant"]),
            ("kmeans", KBinsDiscretizer(n_bins=3, encode="onehot", strategy="kmeans"), ["Age"])]), X, y)
        records = [{**r, "Constant": 1.0} for r in RECORDS if r.get("Age") is not None]
        doc = self.assert_reproduces(model, records)
        quantile, uniform, kmeans = self.steps_of(doc)
        fitted = model[0].named_transformers_
        self.assertEqual(quantile["binEdges"], [e.tolist() for e in fitted["quantile"].bin_edges_])
        self.assertEqual(uniform["binEdges"][1], [None, None], "a constant column's infinite edges are null")
        self.assertEqual((uniform["nBins"], uniform["encode"]), ([3, 1], "onehot-dense"))
        self.assertEqual((kmeans["strategy"], kmeans["encode"]), ("kmeans", "onehot"))
        self.assertIn("uniform__Constant_0.0", model[:-1].get_feature_names_out().tolist())

    def test_function_transformers_of_numpy_functions_are_written_by_name(self):
        model = self.fit(ColumnTransformer([
            ("log", Pipeline([("impute", SimpleImputer()), ("log1p", FunctionTransformer(np.log1p)),
                              ("scale", StandardScaler())]), ["Age", "Fare"]),
            ("log_class", FunctionTransformer(np.log), ["Pclass"]),
            ("sqrt", FunctionTransformer(np.sqrt, feature_names_out="one-to-one"), ["Fare"]),
            ("exp", Pipeline([("minmax", MinMaxScaler()), ("exp", FunctionTransformer(np.exp))]), ["Fare"]),
            ("abs", FunctionTransformer(np.abs), ["Fare"])]))
        doc = self.assert_reproduces(model)
        self.assertEqual([s.get("func") for s in self.steps_of(doc)], [None, "log1p", None, "log", "sqrt", None, "exp", "abs"])
        self.assertEqual(self.steps_of(doc)[3], {"name": "log_class", "type": "FunctionTransformer", "func": "log"})

    def test_each_new_transformer_works_without_a_column_transformer(self):
        X, y = self.imputed()
        X = X[["Pclass", "Age", "Fare"]]
        records = [{k: r[k] for k in ("Pclass", "Age", "Fare")} for r in RECORDS if r.get("Age") is not None]
        for step in (RobustScaler(), MaxAbsScaler(), PolynomialFeatures(2), KBinsDiscretizer(3, encode="ordinal"),
                     FunctionTransformer(np.sqrt), OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)):
            with self.subTest(step=type(step).__name__):
                model = Pipeline([("step", step), ("clf", LogisticRegression(max_iter=1000))]).fit(X, y)
                doc = self.assert_reproduces(model, records)
                self.assertEqual([s["type"] for s in doc["steps"]], [type(step).__name__])

    def test_other_functions_and_options_are_refused_naming_what_is_supported(self):
        X, y = self.imputed()
        X = X[["Pclass", "Age", "Fare"]]
        cases = [
            (FunctionTransformer(np.log2), "np.log1p, np.log, np.sqrt, np.exp, np.abs"),
            (FunctionTransformer(lambda x: x * 2), "FunctionTransformer(func=<lambda>)"),
            (FunctionTransformer(np.log10), "FunctionTransformer(func=log10)"),
            (FunctionTransformer(np.abs, kw_args={"where": True}), "kw_args"),
            (KBinsDiscretizer(3, encode="ordinal", dtype=np.float32), "dtype"),
        ]
        for step, words in cases:
            with self.subTest(step=repr(step)), tempfile.TemporaryDirectory() as tmp:
                model = Pipeline([("step", step), ("clf", LogisticRegression(max_iter=1000))]).fit(X, y)
                with self.assertRaises(UnsupportedError) as ctx:
                    export_model(model, os.path.join(tmp, "out"))
                self.assertIn(words, str(ctx.exception))
                self.assertIn("FunctionTransformer of np.log1p, np.log, np.sqrt, np.exp, np.abs", str(ctx.exception))

    def imputed(self):
        X, y = passengers()
        return X.assign(Age=X["Age"].fillna(30.0)), y


if __name__ == "__main__":
    unittest.main()
