"""Small synthetic data sets and ONNX inspection helpers shared by the tests."""

import os
import sys

import numpy as np
import onnx
import pandas as pd
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def passengers(n=300, seed=0):
    """A titanic-shaped frame (numbers with gaps, strings with gaps) and a binary target."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "Pclass": rng.choice([1, 2, 3], n),
        "Sex": rng.choice(["female", "male"], n).astype(object),
        "Age": np.where(rng.random(n) < 0.2, np.nan, rng.uniform(1, 80, n).round(1)),
        "Fare": rng.exponential(30, n).round(4),
        "Embarked": pd.Series(rng.choice(["S", "C", "Q"], n), dtype=object).where(rng.random(n) > 0.05, np.nan),
    })
    score = (frame["Sex"] == "female") * 1.5 - frame["Pclass"] * 0.5 + rng.normal(0, 0.7, n)
    return frame, (score > -0.5).astype(int)


def numeric(n=200, d=5, classes=2, seed=0):
    """A numeric frame with named columns and an integer target with ``classes`` values."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, d)), columns=["f%d" % i for i in range(d)])
    y = np.digitize(X["f0"] + 0.5 * X["f1"] + rng.normal(0, 0.3, n), np.linspace(-1, 1, classes - 1))
    return X, y


def load(path):
    return onnx.load(path)


def opset_versions(model):
    return {o.domain or "ai.onnx": o.version for o in model.opset_import}


def attribute(node, name):
    for attr in node.attribute:
        if attr.name == name:
            if attr.type == onnx.AttributeProto.TENSOR:
                return numpy_helper.to_array(attr.t)
            return onnx.helper.get_attribute_value(attr)
    return None
