"""stats.json: the reference statistics the exporter writes from the training data."""

import json
import os
import tempfile
import unittest

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import helpers  # noqa: F401  (puts the package on sys.path)
from mlserve_sklearn import export_model
from mlserve_sklearn.cli import run
from mlserve_sklearn.stats import column_stats


class ColumnStatsTest(unittest.TestCase):
    def test_numeric_columns_get_decile_edges_and_proportions(self):
        stats = column_stats(pd.Series(np.arange(100, dtype=float)))
        self.assertEqual(len(stats["edges"]), 9)
        self.assertAlmostEqual(sum(stats["proportions"]), 1.0)
        self.assertEqual(stats["proportions"][0], 0.1)
        self.assertEqual((stats["min"], stats["max"], stats["missingRate"]), (0.0, 99.0, 0.0))

    def test_missing_values_count_in_the_missing_rate_only(self):
        stats = column_stats(pd.Series([1.0, np.nan, 3.0, np.nan]))
        self.assertEqual(stats["missingRate"], 0.5)
        self.assertAlmostEqual(sum(stats["proportions"]), 1.0)

    def test_text_columns_get_category_frequencies(self):
        stats = column_stats(pd.Series(["a", "b", "a", None]))
        self.assertEqual(stats["kind"], "categorical")
        self.assertEqual(stats["frequencies"], {"a": 2 / 3, "b": 1 / 3})
        self.assertEqual(stats["missingRate"], 0.25)


class ExportReferenceTest(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(0)
        self.X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.uniform(1, 5, size=200)})
        self.y = (self.X["a"] + self.X["b"] > 3).astype(int)
        self.out = tempfile.mkdtemp()

    def test_a_classifier_with_reference_data_writes_stats_json(self):
        model = Pipeline([("s", StandardScaler()), ("m", LogisticRegression())]).fit(self.X, self.y)
        result = export_model(model, self.out, classes=["no", "yes"], reference=self.X, reference_target=self.y,
                              metrics={"test_accuracy": 0.9})
        with open(result.stats_path) as f:
            stats = json.load(f)
        self.assertEqual(stats["format"], "mlserve.stats/v1")
        self.assertEqual(sorted(stats["features"]), ["a", "b"])
        self.assertEqual(stats["features"]["b"]["min"], float(self.X["b"].min()))
        self.assertEqual(set(stats["predictions"]["frequencies"]), {"no", "yes"})
        self.assertEqual(stats["metrics"], {"accuracy": 0.9})
        sample = stats["samples"][0]
        self.assertEqual(sample["input"], {"a": float(self.X["a"][0]), "b": float(self.X["b"][0])})
        self.assertEqual(sample["label"], ["no", "yes"][int(model.predict(self.X.head(1))[0])])
        self.assertAlmostEqual(sum(sample["probabilities"]), 1.0)

    def test_a_regressor_gets_numeric_prediction_bins_and_its_mae(self):
        model = LinearRegression().fit(self.X, self.X["a"] * 2)
        result = export_model(model, self.out, reference=self.X, reference_target=self.X["a"] * 2)
        with open(result.stats_path) as f:
            stats = json.load(f)
        self.assertEqual(stats["predictions"]["kind"], "numeric")
        self.assertLess(stats["metrics"]["mae"], 1e-9)

    def test_without_reference_data_no_stats_json_is_left_behind(self):
        model = LinearRegression().fit(self.X, self.X["a"])
        export_model(model, self.out, reference=self.X)
        result = export_model(model, self.out)
        self.assertIsNone(result.stats_path)
        self.assertFalse(os.path.exists(os.path.join(self.out, "stats.json")))

    def test_the_cli_reads_reference_and_target_from_a_csv(self):
        import joblib

        model = LogisticRegression().fit(self.X, self.y)
        path = os.path.join(self.out, "m.joblib")
        joblib.dump(model, path)
        csv = os.path.join(self.out, "train.csv")
        self.X.assign(label=self.y).to_csv(csv, index=False)
        self.assertEqual(run(["export", path, "--out", self.out, "--reference", csv, "--target", "label"]), 0)
        with open(os.path.join(self.out, "stats.json")) as f:
            stats = json.load(f)
        self.assertAlmostEqual(stats["metrics"]["accuracy"], float(np.mean(model.predict(self.X) == self.y)))
        self.assertEqual(run(["export", path, "--out", self.out, "--reference", csv, "--target", "nope"]), 2)


if __name__ == "__main__":
    unittest.main()
