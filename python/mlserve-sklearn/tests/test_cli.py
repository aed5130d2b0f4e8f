"""python -m mlserve_sklearn export MODEL.pkl --out DIR."""

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

import joblib
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVR

from helpers import numeric
from mlserve_sklearn.cli import run as run_cli


def run(argv):
    """The CLI entry with its printing captured (the tests read files, not output)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return run_cli(argv)


PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class CliTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = tmp.name
        X, y = numeric()
        self.pkl = os.path.join(self.dir, "best_model.pkl")
        joblib.dump(LogisticRegression().fit(X, y), self.pkl)

    def test_argv_turns_into_an_export(self):
        out = os.path.join(self.dir, "out")
        code = run(["export", self.pkl, "--out", out, "--metrics", "test_accuracy=0.82", "train_accuracy=0.9",
                    "--labels", "owner=ml", "--classes", "no", "yes", "--metadata", '{"dataset": "demo"}'])
        self.assertEqual(code, 0)
        with open(os.path.join(out, "metadata.json")) as f:
            meta = json.load(f)
        self.assertEqual(meta["name"], "best_model")
        self.assertEqual(meta["metrics"], {"test_accuracy": 0.82, "train_accuracy": 0.9})
        self.assertEqual(meta["labels"], {"owner": "ml"})
        self.assertEqual(meta["classes"], ["no", "yes"])
        self.assertEqual(meta["metadata"], {"dataset": "demo"})
        self.assertTrue(os.path.exists(os.path.join(out, "model.onnx")))

    def test_bad_metrics_and_unsupported_models_exit_with_2(self):
        out = os.path.join(self.dir, "out")
        self.assertEqual(run(["export", self.pkl, "--out", out, "--metrics", "acc=high"]), 2)
        X, y = numeric()
        svc = os.path.join(self.dir, "svr.pkl")
        joblib.dump(SVR().fit(X, y), svc)
        self.assertEqual(run(["export", svc, "--out", out]), 2)

    def test_the_module_runs_as_a_command(self):
        out = os.path.join(self.dir, "cmd")
        env = dict(os.environ, PYTHONPATH=PACKAGE_DIR)
        proc = subprocess.run([sys.executable, "-m", "mlserve_sklearn", "export", self.pkl, "--out", out,
                               "--name", "demo"], env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("exported demo (LogisticRegression)", proc.stdout)


if __name__ == "__main__":
    unittest.main()
