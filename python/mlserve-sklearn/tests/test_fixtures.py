"""The committed parity fixtures are complete, consistent, and hold no dataset rows.

Their ONNX parity is checked in Node (check_parity.cjs, and mlserve's jest tests); here the
pipeline.json of each case must turn the raw records into exactly the stored float32 matrix.
"""

import json
import os
import unittest

import numpy as np
import onnx
import pandas as pd

from mlserve_sklearn import SUPPORTED_REGRESSORS
from pipeline_interpreter import transform

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
DATASETS = os.path.join(HERE, "..", "..", "..", "..", "shared", "datasets")
CASES = sorted(d for d in os.listdir(FIXTURES) if os.path.exists(os.path.join(FIXTURES, d, "reference.json"))) \
    if os.path.isdir(FIXTURES) else []


def read(case, name):
    with open(os.path.join(FIXTURES, case, name)) as f:
        return json.load(f)


class FixturesTest(unittest.TestCase):
    def test_every_estimator_has_cases_on_both_datasets(self):
        estimators = {(c.split("_")[0], read(c, "metadata.json")["estimator"]) for c in CASES}
        for dataset in ("titanic", "breast"):
            for estimator in ("RandomForestClassifier", "ExtraTreesClassifier", "DecisionTreeClassifier",
                              "GradientBoostingClassifier", "LogisticRegression", "HistGradientBoostingClassifier",
                              "SVC", "LinearSVC", "MLPClassifier", "GaussianNB"):
                self.assertIn((dataset, estimator), estimators)
        self.assertIn(("breast", "KNeighborsClassifier"), estimators)
        for estimator in SUPPORTED_REGRESSORS:
            self.assertTrue(any(e == estimator for _, e in estimators), estimator)

    def test_classifiers_have_binary_and_multiclass_cases(self):
        counts = {}
        for case in CASES:
            meta = read(case, "metadata.json")
            if meta["task"] == "classification":
                counts.setdefault(meta["estimator"], set()).add(len(meta["classes"]) > 2)
        for estimator in ("HistGradientBoostingClassifier", "SVC", "LinearSVC", "MLPClassifier", "GaussianNB",
                          "KNeighborsClassifier"):
            self.assertEqual(counts[estimator], {False, True}, estimator)

    def test_svc_labels_follow_the_decision_function_not_the_probabilities(self):
        ref = read("titanic_svc_probability", "reference.json")
        argmax = np.argmax(np.array(ref["predict_proba"]), axis=1).tolist()
        self.assertNotEqual(argmax, ref["label"], "some row where Platt's argmax disagrees with predict")

    def test_references_are_consistent(self):
        for case in CASES:
            with self.subTest(case=case):
                ref = read(case, "reference.json")
                meta = read(case, "metadata.json")
                n = len(ref["records"])
                self.assertGreater(n, 20)
                self.assertEqual(ref["task"], meta["task"])
                model = onnx.load(os.path.join(FIXTURES, case, "model.onnx"))
                onnx.checker.check_model(model)
                outputs = {o.name: [d.dim_value for d in o.type.tensor_type.shape.dim[1:]] for o in model.graph.output}
                if meta["task"] == "regression":
                    keys = ("predict", "transformed")
                    self.assertEqual(ref["targets"], meta["targets"])
                    self.assertEqual(list(outputs), ["variable"])
                    width = outputs["variable"][0]
                    self.assertEqual(width, len(meta["targets"]))
                    self.assertTrue(all(len(row) == width for row in ref["predict"]))
                else:
                    values = "predict_proba" if "probabilities" in outputs else "decision_function"
                    keys = ("predict", "label", values, "transformed")
                    self.assertEqual(ref["classes"], meta["classes"])
                    self.assertTrue(all(len(row) == outputs[{"predict_proba": "probabilities"}.get(values, "scores")][0]
                                        for row in ref[values]))
                    if values == "predict_proba":
                        self.assertTrue(all(len(row) == len(meta["classes"]) for row in ref["predict_proba"]))
                for key in keys:
                    self.assertEqual(len(ref[key]), n, key)
                self.assertEqual(ref["featureNames"], meta["featureNames"])

    def test_pipeline_json_reproduces_the_transformed_matrix_exactly(self):
        for case in CASES:
            with self.subTest(case=case):
                ref = read(case, "reference.json")
                path = os.path.join(FIXTURES, case, "pipeline.json")
                if os.path.exists(path):
                    with open(path) as f:
                        names, matrix = transform(json.load(f), ref["records"])
                    self.assertEqual(names, ref["featureNames"])
                else:
                    matrix = np.array([[r.get(c) for c in ref["inputs"]] for r in ref["records"]], dtype=np.float32)
                np.testing.assert_array_equal(matrix, np.array(ref["transformed"], dtype=np.float32))

    def test_edge_inputs_are_covered(self):
        titanic = [read(c, "reference.json")["records"] for c in CASES if c.startswith("titanic")]
        records = [r for rs in titanic for r in rs]
        self.assertTrue(any(r.get("Age", 0) is None for r in records), "null Age")
        self.assertTrue(any("Fare" not in r for r in records), "absent Fare")
        self.assertTrue(any(r.get("Embarked") == "X" for r in records), "unseen Embarked")
        self.assertTrue(any(r.get("Fare") == 1e9 for r in records), "extreme Fare")

    @unittest.skipUnless(os.path.isdir(DATASETS), "datasets not available")
    def test_no_dataset_row_is_copied(self):
        for dataset, prefix in (("titanic.csv", "titanic"), ("breast_cancer.csv", "breast_cancer")):
            frame = pd.read_csv(os.path.join(DATASETS, dataset))
            for case in (c for c in CASES if c.startswith(prefix)):
                ref = read(case, "reference.json")
                columns = [c for c in ref["inputs"] if c in frame.columns]
                rows = {tuple(None if pd.isna(v) else v for v in row) for row in frame[columns].itertuples(index=False)}
                copied = [r for r in ref["records"] if tuple(r.get(c) for c in columns) in rows]
                self.assertEqual(copied, [], case)


if __name__ == "__main__":
    unittest.main()
