"""Each supported estimator exports to a valid, loadable model.onnx with tensor outputs only."""

import json
import os
import tempfile
import unittest

import numpy as np
import onnx
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import ExtraTreesClassifier, GradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from helpers import attribute, load, numeric, opset_versions, passengers
from mlserve_sklearn import export_model
from mlserve_sklearn.onnx_graph import round_down_to_float32

ESTIMATORS = {
    "RandomForestClassifier": lambda: RandomForestClassifier(n_estimators=5, max_depth=4, random_state=0),
    "ExtraTreesClassifier": lambda: ExtraTreesClassifier(n_estimators=5, max_depth=4, random_state=0),
    "DecisionTreeClassifier": lambda: DecisionTreeClassifier(max_depth=5, random_state=0),
    "GradientBoostingClassifier": lambda: GradientBoostingClassifier(n_estimators=5, max_depth=2, random_state=0),
    "LogisticRegression": lambda: LogisticRegression(max_iter=500),
}


def titanic_like(estimator):
    pre = ColumnTransformer([
        ("num", SimpleImputer(strategy="median"), ["Age", "Fare"]),
        ("emb", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                          ("onehot", OneHotEncoder(handle_unknown="ignore"))]), ["Embarked"]),
        ("sex", OneHotEncoder(), ["Sex"]),
    ], remainder="passthrough")
    return Pipeline([("preprocess", pre), ("scale", StandardScaler()), ("clf", estimator)])


class ExportEachEstimatorTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def export(self, model, **kwargs):
        out = os.path.join(self.tmp.name, "out")
        return export_model(model, out, **kwargs), out

    def assert_valid_classifier(self, path, n_features, n_classes):
        model = load(path)
        onnx.checker.check_model(model)
        self.assertEqual(model.ir_version, 8)
        versions = opset_versions(model)
        self.assertLessEqual(versions["ai.onnx.ml"], 4)
        self.assertTrue(15 <= versions["ai.onnx"] <= 17)
        self.assertNotIn("ZipMap", [n.op_type for n in model.graph.node])
        [inp] = model.graph.input
        self.assertEqual(inp.name, "input")
        self.assertEqual(inp.type.tensor_type.elem_type, onnx.TensorProto.FLOAT)
        self.assertEqual(inp.type.tensor_type.shape.dim[1].dim_value, n_features)
        outputs = {o.name: o for o in model.graph.output}
        self.assertEqual(sorted(outputs), ["label", "probabilities"])
        for output in outputs.values():
            self.assertTrue(output.type.HasField("tensor_type"), "%s must be a tensor" % output.name)
        self.assertEqual(outputs["label"].type.tensor_type.elem_type, onnx.TensorProto.INT64)
        self.assertEqual(outputs["probabilities"].type.tensor_type.elem_type, onnx.TensorProto.FLOAT)
        self.assertEqual(outputs["probabilities"].type.tensor_type.shape.dim[1].dim_value, n_classes)
        return model

    def test_every_supported_estimator_exports_inside_a_preprocessing_pipeline(self):
        X, y = passengers()
        for name, make in ESTIMATORS.items():
            with self.subTest(estimator=name):
                model = titanic_like(make()).fit(X, y)
                result, out = self.export(model, name="titanic", metrics={"accuracy": 0.8})
                self.assert_valid_classifier(result.model_path, model[-1].n_features_in_, 2)
                with open(os.path.join(out, "metadata.json")) as f:
                    meta = json.load(f)
                self.assertEqual(meta["estimator"], name)
                self.assertEqual(meta["classes"], [0, 1])
                self.assertEqual(meta["inputs"], list(X.columns))
                self.assertEqual(meta["featureNames"], list(model[:-1].get_feature_names_out()))
                self.assertEqual(meta["metrics"], {"accuracy": 0.8})
                self.assertEqual("featureImportances" in meta, name != "LogisticRegression")
                self.assertTrue(os.path.exists(os.path.join(out, "pipeline.json")))

    def test_bare_estimators_export_without_a_pipeline_json(self):
        X, y = numeric(classes=2)
        for name, make in ESTIMATORS.items():
            with self.subTest(estimator=name):
                result, out = self.export(make().fit(X, y))
                self.assert_valid_classifier(result.model_path, 5, 2)
                self.assertIsNone(result.pipeline_path)
                self.assertFalse(os.path.exists(os.path.join(out, "pipeline.json")))
                self.assertEqual(result.metadata["inputs"], ["f0", "f1", "f2", "f3", "f4"])
                self.assertEqual(result.metadata["featureNames"], result.metadata["inputs"])

    def test_multiclass_estimators_have_one_probability_column_per_class(self):
        X, y = numeric(classes=3)
        models = [make() for make in ESTIMATORS.values()] + [
            LogisticRegression(multi_class="ovr", max_iter=500),
            LogisticRegression(solver="liblinear"),
        ]
        for model in models:
            with self.subTest(estimator=repr(model)):
                result, _ = self.export(model.fit(X, y))
                self.assert_valid_classifier(result.model_path, 5, 3)
                self.assertEqual(result.metadata["classes"], [0, 1, 2])

    def test_tree_thresholds_are_float32_values_rounded_down(self):
        X, y = numeric(n=400, classes=2, seed=3)
        X = X * 1.2345678901  # thresholds that are not float32 values
        for name in ("RandomForestClassifier", "ExtraTreesClassifier", "DecisionTreeClassifier",
                     "GradientBoostingClassifier"):
            with self.subTest(estimator=name):
                sk = ESTIMATORS[name]().fit(X, y)
                result, _ = self.export(sk)
                [node] = [n for n in load(result.model_path).graph.node if n.op_type.startswith("TreeEnsemble")]
                modes = attribute(node, "nodes_modes")
                values = attribute(node, "nodes_values_as_tensor")
                branch = np.array([m == b"BRANCH_LEQ" for m in modes])
                trees = getattr(sk, "estimators_", [sk])
                trees = [t for stage in trees for t in np.atleast_1d(stage)]
                expected = np.concatenate([t.tree_.threshold[t.tree_.children_left != -1] for t in trees])
                got = values[branch]
                self.assertEqual(len(got), len(expected))
                self.assertTrue(np.all(got.astype(np.float32).astype(np.float64) == got), "float32 values")
                self.assertTrue(np.all(got <= expected), "never above the float64 threshold")
                above = np.nextafter(got.astype(np.float32), np.float32(np.inf)).astype(np.float64)
                self.assertTrue(np.all(above > expected), "the nearest float32 at or below it")
                self.assertGreater(np.sum(got < expected), 0, "some thresholds needed rounding")

    def test_round_down_keeps_float32_comparisons_exact(self):
        rng = np.random.default_rng(1)
        thresholds = rng.normal(size=2000) * 100
        rounded = round_down_to_float32(thresholds)
        for t, r in zip(thresholds, rounded):
            x = np.float32(r)
            self.assertTrue(float(x) <= t)
            self.assertFalse(float(np.nextafter(x, np.float32(np.inf))) <= t)

    def test_string_classes_export_with_index_labels_and_names_in_metadata(self):
        X, y = numeric(classes=3)
        names = np.array(["low", "mid", "high"], dtype=object)[y]
        result, _ = self.export(RandomForestClassifier(n_estimators=3, random_state=0).fit(X, names))
        self.assertEqual(result.metadata["classes"], ["high", "low", "mid"])
        graph = load(result.model_path).graph
        self.assertEqual([n.op_type for n in graph.node if "label" in n.output], ["Identity"])

    def test_classes_can_be_renamed_and_free_metadata_and_labels_are_kept(self):
        X, y = numeric(classes=2)
        result, out = self.export(
            LogisticRegression().fit(X, y), name="cancer", classes=["malignant", "benign"],
            labels={"owner": "ml-team"}, metadata={"version": "1.0", "train_accuracy": np.float64(0.9)})
        with open(os.path.join(out, "metadata.json")) as f:
            meta = json.load(f)
        self.assertEqual(meta["format"], "mlserve.export/v1")
        self.assertEqual(meta["name"], "cancer")
        self.assertEqual(meta["classes"], ["malignant", "benign"])
        self.assertEqual(meta["labels"], {"owner": "ml-team"})
        self.assertEqual(meta["metadata"], {"version": "1.0", "train_accuracy": 0.9})
        self.assertEqual(meta["framework"]["name"], "scikit-learn")


if __name__ == "__main__":
    unittest.main()
