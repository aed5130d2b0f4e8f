"""The exporter writes the same pipeline.json as the @mlserve/pipeline parity fixtures hold.

packages/pipeline/test/parity/generate_fixtures.py fits each configuration with scikit-learn and
@mlserve/pipeline's tests check that its pipeline.json reproduces scikit-learn's float32 outputs.
Here the exporter converts the same fitted pipelines: equal documents carry those parity results
over to what the exporter writes.
"""

import importlib.util
import json
import os
import unittest
import warnings

from threadpoolctl import threadpool_limits

from mlserve_sklearn import UnsupportedError
from mlserve_sklearn.pipeline_json import preprocessing_to_json

# The fixtures of options @mlserve/pipeline reads but the exporter refuses (see the README).
REFUSED = {"titanic_drop_explicit": "drop must be None, 'first' or 'if_binary'"}

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
GENERATOR = os.path.join(REPO, "packages", "pipeline", "test", "parity", "generate_fixtures.py")
FIXTURES = os.path.join(REPO, "packages", "pipeline", "test", "fixtures", "parity")
DATASETS = os.environ.get("MLSERVE_DATASETS", os.path.join(REPO, "..", "shared", "datasets"))


def load_generator():
    spec = importlib.util.spec_from_file_location("generate_fixtures", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def without_step_names(value):
    """The document without the names of steps, which the generator and the exporter choose differently."""
    if isinstance(value, list):
        return [without_step_names(v) for v in value]
    if isinstance(value, dict):
        return {k: without_step_names(v) for k, v in value.items() if not (k == "name" and "type" in value)}
    return value


@unittest.skipUnless(os.path.isdir(DATASETS), "datasets not available (set MLSERVE_DATASETS)")
class PipelinePackageFixturesTest(unittest.TestCase):
    def test_the_exporter_writes_the_fixtures_pipelines(self):
        import pandas as pd

        generator = load_generator()
        names = sorted(f[:-5] for f in os.listdir(FIXTURES) if f.endswith(".json"))
        self.assertGreaterEqual(len(names), 22)
        for name in names:
            with self.subTest(fixture=name):
                with open(os.path.join(FIXTURES, name + ".json")) as f:
                    fixture = json.load(f)
                config = fixture["config"]
                frame = pd.read_csv(os.path.join(DATASETS, config["dataset"] + ".csv"), float_precision="round_trip")
                X = frame[config["columns"]] if config["columns"] else frame.drop(columns=["target"])
                with threadpool_limits(limits=1, user_api="openmp"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    pipe = generator.build_pipeline(config).fit(X)
                if name in REFUSED:
                    with self.assertRaisesRegex(UnsupportedError, REFUSED[name]):
                        preprocessing_to_json(pipe.steps, list(X.columns), sample=X)
                    continue
                document, outputs = preprocessing_to_json(pipe.steps, list(X.columns), sample=X)
                self.assertEqual(outputs, fixture["featureNames"])
                self.assertEqual(without_step_names(document), without_step_names(fixture["pipeline"]))


if __name__ == "__main__":
    unittest.main()
