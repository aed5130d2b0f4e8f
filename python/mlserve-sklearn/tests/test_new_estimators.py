"""The regressors and the classifiers beyond the first five: outputs, task, metadata, bundles."""

import json
import os
import tempfile
import unittest
import warnings

import joblib
import numpy as np
import onnx
from sklearn.exceptions import ConvergenceWarning
from sklearn.ensemble import (ExtraTreesRegressor, GradientBoostingRegressor, HistGradientBoostingClassifier,
                              HistGradientBoostingRegressor, RandomForestRegressor)
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC
from sklearn.tree import DecisionTreeRegressor

from helpers import attribute, load, numeric, opset_versions
from mlserve_sklearn import ExportError, export_model
from mlserve_sklearn.cli import run as run_cli

warnings.filterwarnings("ignore", category=ConvergenceWarning)  # tiny MLPs fitted for their shape only

REGRESSORS = {
    "LinearRegression": LinearRegression,
    "Ridge": Ridge,
    "Lasso": lambda: Lasso(alpha=0.01),
    "ElasticNet": lambda: ElasticNet(alpha=0.01),
    "DecisionTreeRegressor": lambda: DecisionTreeRegressor(max_depth=4, random_state=0),
    "RandomForestRegressor": lambda: RandomForestRegressor(n_estimators=3, max_depth=3, random_state=0),
    "ExtraTreesRegressor": lambda: ExtraTreesRegressor(n_estimators=3, max_depth=3, random_state=0),
    "GradientBoostingRegressor": lambda: GradientBoostingRegressor(n_estimators=3, random_state=0),
    "HistGradientBoostingRegressor": lambda: HistGradientBoostingRegressor(max_iter=3),
    "KNeighborsRegressor": KNeighborsRegressor,
    "MLPRegressor": lambda: MLPRegressor(hidden_layer_sizes=(4,), max_iter=20, random_state=0),
}
MULTI_TARGET = ("LinearRegression", "Ridge", "Lasso", "ElasticNet", "DecisionTreeRegressor", "RandomForestRegressor",
                "ExtraTreesRegressor", "KNeighborsRegressor", "MLPRegressor")
PROBABILITY_CLASSIFIERS = {
    "HistGradientBoostingClassifier": lambda: HistGradientBoostingClassifier(max_iter=3),
    "SVC": lambda: SVC(probability=True, random_state=0),
    "KNeighborsClassifier": KNeighborsClassifier,
    "MLPClassifier": lambda: MLPClassifier(hidden_layer_sizes=(4,), max_iter=20, random_state=0),
    "GaussianNB": GaussianNB,
}
SCORE_CLASSIFIERS = {"SVC": SVC, "LinearSVC": lambda: LinearSVC(max_iter=5000)}


def outputs(path):
    """{name: (elem_type, [dims after N])} of model.onnx."""
    model = load(path)
    onnx.checker.check_model(model)
    return {o.name: (o.type.tensor_type.elem_type, [d.dim_value for d in o.type.tensor_type.shape.dim[1:]])
            for o in model.graph.output}


class NewEstimatorsTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = tmp.name
        self.out = os.path.join(tmp.name, "out")

    def test_regressors_output_variable_with_one_column_per_target(self):
        X, _ = numeric()
        y = X["f0"] * 2 + X["f1"]
        for name, make in REGRESSORS.items():
            with self.subTest(estimator=name):
                result = export_model(make().fit(X, y), self.out, targets=["price"])
                self.assertEqual(outputs(result.model_path), {"variable": (onnx.TensorProto.FLOAT, [1])})
                self.assertEqual(result.metadata["task"], "regression")
                self.assertEqual(result.metadata["targets"], ["price"])
                self.assertNotIn("classes", result.metadata)
                self.assertLessEqual(opset_versions(load(result.model_path))["ai.onnx.ml"], 4)

    def test_multi_target_regressors_have_t_columns(self):
        X, _ = numeric()
        Y = np.c_[X["f0"], X["f1"] - X["f2"]]
        for name in MULTI_TARGET:
            with self.subTest(estimator=name):
                result = export_model(REGRESSORS[name]().fit(X, Y), self.out)
                self.assertEqual(outputs(result.model_path)["variable"][1], [2])
                self.assertNotIn("targets", result.metadata, "names are not known")

    def test_target_names_must_match_the_number_of_targets(self):
        X, _ = numeric()
        with self.assertRaises(ExportError) as ctx:
            export_model(LinearRegression().fit(X, X["f0"]), self.out, targets=["a", "b"])
        self.assertIn("targets must be 1 name", str(ctx.exception))
        with self.assertRaises(ExportError):
            export_model(LinearRegression().fit(X, X["f0"]), self.out, classes=["a"])

    def test_classifiers_with_probabilities_output_label_and_probabilities(self):
        for n_classes in (2, 3):
            X, y = numeric(classes=n_classes)
            for name, make in PROBABILITY_CLASSIFIERS.items():
                with self.subTest(estimator=name, classes=n_classes):
                    result = export_model(make().fit(X, y), self.out)
                    expected = {"label": (onnx.TensorProto.INT64, []),
                                "probabilities": (onnx.TensorProto.FLOAT, [n_classes])}
                    self.assertEqual(outputs(result.model_path), expected)
                    self.assertEqual(result.metadata["task"], "classification")
                    self.assertEqual(result.metadata["classes"], list(range(n_classes)))

    def test_svc_without_probabilities_and_linear_svc_output_label_and_scores(self):
        for n_classes, n_scores in ((2, 1), (3, 3)):
            X, y = numeric(classes=n_classes)
            for name, make in SCORE_CLASSIFIERS.items():
                with self.subTest(estimator=name, classes=n_classes):
                    result = export_model(make().fit(X, y), self.out)
                    self.assertEqual(outputs(result.model_path), {"label": (onnx.TensorProto.INT64, []),
                                                                  "scores": (onnx.TensorProto.FLOAT, [n_scores])})
                    self.assertEqual(result.metadata["task"], "classification")
        X, y = numeric(classes=4)
        result = export_model(SVC(decision_function_shape="ovo").fit(X, y), self.out)
        self.assertEqual(outputs(result.model_path)["scores"][1], [6], "one score per pair of classes")

    def test_hist_gradient_boosting_sends_missing_values_where_scikit_learn_does(self):
        X, y = numeric(n=400)
        X.loc[::7, "f0"] = np.nan
        model = HistGradientBoostingRegressor(max_iter=3).fit(X, y)
        result = export_model(model, self.out)
        [node] = [n for n in load(result.model_path).graph.node if n.op_type == "TreeEnsembleRegressor"]
        tracks = attribute(node, "nodes_missing_value_tracks_true")
        expected = [int(n["missing_go_to_left"] and not n["is_leaf"]) for p in model._predictors for t in p
                    for n in t.nodes]
        self.assertEqual(list(tracks), expected)
        self.assertIn(1, expected)

    def test_a_bundle_dict_is_unwrapped_and_its_metadata_kept(self):
        X, _ = numeric()
        for key in ("pipeline", "model"):
            with self.subTest(key=key):
                model = Pipeline([("scale", StandardScaler()), ("reg", Ridge())]).fit(X, X["f0"] * 3)
                path = os.path.join(self.dir, "bundle.pkl")
                joblib.dump({key: model, "metadata": {"target": "price", "version": "1.0"}}, path)
                result = export_model(path, self.out, metadata={"version": "2.0"})
                self.assertEqual(result.metadata["estimator"], "Ridge")
                self.assertEqual(result.metadata["metadata"], {"target": "price", "version": "2.0"})
                self.assertEqual(result.metadata["targets"], ["price"], "the bundle names the target")
                self.assertTrue(os.path.exists(result.pipeline_path))

    def test_the_cli_takes_targets(self):
        X, _ = numeric()
        path = os.path.join(self.dir, "reg.pkl")
        joblib.dump(LinearRegression().fit(X, np.c_[X["f0"], X["f1"]]), path)
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            self.assertEqual(run_cli(["export", path, "--out", self.out, "--targets", "a", "b"]), 0)
        with open(os.path.join(self.out, "metadata.json")) as f:
            meta = json.load(f)
        self.assertEqual((meta["task"], meta["targets"]), ("regression", ["a", "b"]))

    def test_existing_classifiers_say_their_task(self):
        X, y = numeric()
        self.assertEqual(export_model(LogisticRegression().fit(X, y), self.out).metadata["task"], "classification")


if __name__ == "__main__":
    unittest.main()
