"""pipeline.json follows packages/pipeline/FORMAT.md and reproduces scikit-learn's transform."""

import json
import os
import tempfile
import unittest

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

from helpers import passengers
from mlserve_sklearn import export_model
from mlserve_sklearn.reference import records_to_frame
from pipeline_interpreter import UnknownCategory, transform

RECORDS = [
    {"Pclass": 1, "Sex": "female", "Age": 30, "Fare": 100.0, "Embarked": "C"},
    {"Pclass": 3, "Sex": "male", "Age": None, "Fare": 7.25, "Embarked": None},
    {"Pclass": 2, "Sex": "male", "Fare": 13.0},
    {"Pclass": 3, "Sex": "female", "Age": 0.42, "Fare": 0.0, "Embarked": "Q"},
]


def export_json(model, **kwargs):
    with tempfile.TemporaryDirectory() as tmp:
        result = export_model(model, tmp, **kwargs)
        with open(os.path.join(tmp, "pipeline.json")) as f:
            return json.load(f), result.metadata


def sklearn_matrix(model, records, columns):
    frame = records_to_frame(records, columns, ("Sex", "Embarked"))
    matrix = model[:-1].transform(frame)
    return np.asarray(matrix.toarray() if hasattr(matrix, "toarray") else matrix, dtype=np.float64).astype(np.float32)


class PipelineJsonTest(unittest.TestCase):
    def fit(self, pre, X=None, y=None):
        if X is None:
            X, y = passengers()
        return Pipeline([("preprocess", pre), ("clf", LogisticRegression(max_iter=500))]).fit(X, y)

    def assert_reproduces(self, model, records=RECORDS):
        document, meta = export_json(model)
        names, matrix = transform(document, records)
        self.assertEqual(names, meta["featureNames"])
        np.testing.assert_array_equal(matrix, sklearn_matrix(model, records, meta["inputs"]))
        return document

    def test_titanic_preprocessing_is_written_field_by_field(self):
        pre = ColumnTransformer([
            ("num", SimpleImputer(strategy="median"), ["Age", "Fare"]),
            ("emb", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                              ("onehot", OneHotEncoder(handle_unknown="ignore"))]), ["Embarked"]),
            ("sex", OneHotEncoder(), ["Sex"]),
        ], remainder="passthrough")
        model = self.fit(pre)
        doc = self.assert_reproduces(model)
        self.assertEqual(doc["format"], "mlserve.pipeline/v1")
        self.assertEqual(doc["inputs"], [{"name": "Pclass", "type": "number"}, {"name": "Sex", "type": "string"},
                                         {"name": "Age", "type": "number"}, {"name": "Fare", "type": "number"},
                                         {"name": "Embarked", "type": "string"}])
        [ct] = doc["steps"]
        self.assertEqual(set(ct), {"name", "type", "remainder", "verboseFeatureNamesOut", "transformers",
                                   "remainderColumns"})
        self.assertEqual(ct["remainder"], "passthrough")
        self.assertEqual(ct["remainderColumns"], ["Pclass"])
        num, emb, sex = ct["transformers"]
        self.assertEqual(num["columns"], ["Age", "Fare"])
        [imputer] = num["steps"]
        fitted = model[0].named_transformers_["num"]
        self.assertEqual(imputer, {"name": "num", "type": "SimpleImputer", "strategy": "median", "fillValue": None,
                                   "statistics": fitted.statistics_.tolist()})
        self.assertEqual([s["type"] for s in emb["steps"]], ["SimpleImputer", "OneHotEncoder"])
        self.assertEqual(emb["steps"][1]["categories"], [["C", "Q", "S"]])
        self.assertEqual(emb["steps"][1]["handleUnknown"], "ignore")
        self.assertEqual(sex["steps"][0], {"name": "sex", "type": "OneHotEncoder", "handleUnknown": "error",
                                           "drop": None, "categories": [["female", "male"]], "dropIdx": None})

    def test_unknown_categories_follow_handle_unknown(self):
        pre = ColumnTransformer([("emb", OneHotEncoder(handle_unknown="ignore"), ["Sex"]),
                                 ("num", SimpleImputer(), ["Age"])])
        model = self.fit(pre)
        self.assert_reproduces(model, [{"Sex": "other", "Age": 3}, {"Sex": "male", "Age": None}])
        strict = self.fit(ColumnTransformer([("sex", OneHotEncoder(), ["Sex"])]))
        document, _ = export_json(strict)
        with self.assertRaises(UnknownCategory):
            transform(document, [{"Sex": "other"}])

    def test_scalers_keep_float64_parameters_exactly(self):
        num = Pipeline([("impute", SimpleImputer(strategy="mean")), ("scale", StandardScaler()),
                        ("minmax", MinMaxScaler((-1, 2), clip=True))])
        pre = ColumnTransformer([("num", num, ["Age", "Fare", "Pclass"])])
        model = self.fit(pre)
        doc = self.assert_reproduces(model)
        impute, scale, minmax = doc["steps"][0]["transformers"][0]["steps"]
        fitted = model[0].named_transformers_["num"]
        self.assertEqual(scale["mean"], fitted["scale"].mean_.tolist())
        self.assertEqual(scale["scale"], fitted["scale"].scale_.tolist())
        self.assertEqual(scale["var"], fitted["scale"].var_.tolist())
        self.assertEqual(scale["nSamplesSeen"], 300)
        self.assertEqual(minmax["featureRange"], [-1, 2])
        self.assertTrue(minmax["clip"])
        self.assertEqual(minmax["min"], fitted["minmax"].min_.tolist())
        self.assertEqual(set(minmax), {"name", "type", "featureRange", "clip", "dataMin", "dataMax", "dataRange",
                                       "scale", "min"})

    def test_scaler_without_mean_or_std_writes_nulls(self):
        model = self.fit(ColumnTransformer([("a", StandardScaler(with_mean=False), ["Fare"]),
                                            ("b", StandardScaler(with_std=False), ["Pclass"])]))
        doc = self.assert_reproduces(model)
        a, b = (t["steps"][0] for t in doc["steps"][0]["transformers"])
        self.assertIsNone(a["mean"])
        self.assertIsNotNone(a["scale"])
        self.assertIsNone(b["var"])
        self.assertIsNone(b["scale"])

    def test_one_hot_drop_options_write_drop_idx(self):
        X, y = passengers()
        X = X.assign(Embarked=X["Embarked"].fillna("S"))
        for drop, expected in (("first", [0, 0, 0]), ("if_binary", [0, None, None])):
            with self.subTest(drop=drop):
                model = self.fit(ColumnTransformer([("oh", OneHotEncoder(drop=drop), ["Sex", "Embarked", "Pclass"])]),
                                 X, y)
                doc = self.assert_reproduces(model, [r for r in RECORDS if r.get("Embarked")])
                step = doc["steps"][0]["transformers"][0]["steps"][0]
                self.assertEqual(step["drop"], drop)
                self.assertEqual(step["dropIdx"], expected)
                self.assertEqual(step["categories"][2], [1, 2, 3])
                self.assertEqual(doc["inputs"][0], {"name": "Pclass", "type": "number"})

    def test_missing_values_seen_at_fit_are_a_null_category(self):
        X, y = passengers()
        model = self.fit(ColumnTransformer([("oh", OneHotEncoder(), ["Embarked"])]), X, y)
        doc = self.assert_reproduces(model)
        self.assertEqual(doc["steps"][0]["transformers"][0]["steps"][0]["categories"], [["C", "Q", "S", None]])

    def test_non_verbose_names_and_dropped_transformers(self):
        X, y = passengers()
        X = X[["Pclass", "Sex", "Age", "Fare"]]
        model = self.fit(ColumnTransformer([("num", SimpleImputer(), ["Age"]), ("gone", "drop", ["Fare"]),
                                            ("sex", OneHotEncoder(), ["Sex"])],
                                           remainder="passthrough", verbose_feature_names_out=False), X, y)
        doc = self.assert_reproduces(model)
        ct = doc["steps"][0]
        self.assertEqual([t["name"] for t in ct["transformers"]], ["num", "sex"])
        self.assertEqual(ct["remainderColumns"], ["Pclass"])
        self.assertEqual(model[:-1].get_feature_names_out().tolist(), ["Age", "Sex_female", "Sex_male", "Pclass"])

    def test_an_all_missing_column_is_dropped_by_the_imputer(self):
        X, y = passengers()
        X = X.assign(Empty=np.nan)
        model = self.fit(ColumnTransformer([("num", SimpleImputer(), ["Age", "Empty", "Fare"])]), X, y)
        doc = self.assert_reproduces(model)
        self.assertIsNone(doc["steps"][0]["transformers"][0]["steps"][0]["statistics"][1])

    def test_constant_imputer_writes_its_fill_value(self):
        model = self.fit(ColumnTransformer([
            ("emb", Pipeline([("fill", SimpleImputer(strategy="constant", fill_value="missing")),
                              ("oh", OneHotEncoder(handle_unknown="ignore"))]), ["Embarked"]),
            ("age", SimpleImputer(strategy="constant"), ["Age"])]))
        doc = self.assert_reproduces(model)
        emb, age = doc["steps"][0]["transformers"]
        self.assertEqual(emb["steps"][0]["fillValue"], "missing")
        self.assertEqual(emb["steps"][1]["categories"], [["C", "Q", "S", "missing"]])
        self.assertEqual(age["steps"][0]["statistics"], [0.0])

    def test_a_pipeline_without_column_transformer_uses_its_own_names(self):
        X, y = passengers()
        X = X[["Pclass", "Age", "Fare"]]
        model = Pipeline([("impute", SimpleImputer()), ("scale", StandardScaler()), ("clf", LogisticRegression())])
        model.fit(X, y)
        doc = self.assert_reproduces(model)
        self.assertEqual([s["type"] for s in doc["steps"]], ["SimpleImputer", "StandardScaler"])
        self.assertEqual([i["type"] for i in doc["inputs"]], ["number"] * 3)

    def test_input_types_of_unconsumed_columns_come_from_a_sample(self):
        X, y = passengers()
        model = self.fit(ColumnTransformer([("num", SimpleImputer(), ["Age"])]), X, y)
        doc, _ = export_json(model)
        self.assertEqual({i["name"]: i["type"] for i in doc["inputs"]}["Embarked"], "number")
        doc, _ = export_json(model, sample=X.head(20))
        self.assertEqual({i["name"]: i["type"] for i in doc["inputs"]}["Embarked"], "string")

    def test_column_selectors_are_written_as_names(self):
        from sklearn.compose import make_column_selector
        from sklearn.pipeline import make_pipeline

        X, y = passengers()
        model = self.fit(ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(), StandardScaler()), make_column_selector(dtype_include=np.number)),
            ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")),
             make_column_selector(dtype_include=object))]), X, y)
        doc = self.assert_reproduces(model)
        self.assertEqual([t["columns"] for t in doc["steps"][0]["transformers"]],
                         [["Pclass", "Age", "Fare"], ["Sex", "Embarked"]])

    def test_a_model_fitted_on_an_array_names_its_inputs_like_scikit_learn(self):
        X, y = passengers()
        model = Pipeline([("ct", ColumnTransformer([("a", SimpleImputer(), [1, 2])], remainder="passthrough")),
                          ("clf", LogisticRegression())]).fit(X[["Pclass", "Age", "Fare"]].to_numpy(), y)
        doc, meta = export_json(model)
        self.assertEqual(meta["inputs"], ["x0", "x1", "x2"])
        self.assertEqual(meta["featureNames"], ["a__x1", "a__x2", "remainder__x0"])
        self.assertEqual(doc["steps"][0]["transformers"][0]["columns"], ["x1", "x2"])

    def test_numbers_are_written_with_round_trip_precision(self):
        X = pd.DataFrame({"a": [0.1, 0.2, 1 / 3, 2 / 3, 1e-17]})
        model = Pipeline([("s", StandardScaler()), ("clf", LogisticRegression())]).fit(X, [0, 1, 0, 1, 0])
        doc, _ = export_json(model)
        self.assertEqual(doc["steps"][0]["mean"], [float(model[0].mean_[0])])
        self.assertEqual(doc["steps"][0]["scale"], [float(model[0].scale_[0])])


if __name__ == "__main__":
    unittest.main()
