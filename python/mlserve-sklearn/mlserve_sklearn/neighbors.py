"""KNeighborsClassifier and KNeighborsRegressor -> distances to the training rows, TopK, votes or means.

The training rows are stored in the graph (their size is the model's size). Distances are
computed as differences, in double; TopK takes the k smallest, the lower training index first
among equal distances. ``weights="distance"`` weighs each neighbour by 1 / distance, and a row
with neighbours at distance 0 weighs those 1 and the others 0, as scikit-learn does. The
classifier's ``predict_proba`` is the normalised weighted vote and ``predict`` its first
argmax; the regressor's ``predict`` is the (weighted) mean of the neighbours' targets.
"""

import numpy as np
from onnx import TensorProto

from .onnx_graph import GraphBuilder, doc
from .supported import refuse

_METRICS = ("euclidean", "manhattan")


def _neighbours(g, model):
    """(indices int64 [N, k], weights double [N, k] or None for uniform)."""
    metric = model.effective_metric_
    if metric not in _METRICS or model.effective_metric_params_:
        refuse("%s with metric=%r" % (type(model).__name__, metric),
               "only the euclidean and manhattan metrics are supported")
    if model.weights not in ("uniform", "distance"):
        refuse("%s with weights=%r" % (type(model).__name__, model.weights),
               "only 'uniform' and 'distance' weights are supported")
    train = np.asarray(model._fit_X, dtype=np.float64)
    x = g.op("Unsqueeze", [g.input_as_double(), g.const(np.array([1], dtype=np.int64))])  # [N, 1, D]
    diff = g.op("Sub", [x, g.const(train[np.newaxis], "train")])  # [N, S, D]
    axis2 = g.const(np.array([2], dtype=np.int64))
    if metric == "euclidean":
        distance = g.op("Sqrt", [g.op("ReduceSum", [g.op("Mul", [diff, diff]), axis2], keepdims=0)])
    else:
        distance = g.op("ReduceSum", [g.op("Abs", [diff]), axis2], keepdims=0)
    nearest, indices = g.op("TopK", [distance, g.const(np.array([model.n_neighbors], dtype=np.int64))],
                            [g.name("nearest"), g.name("indices")], axis=1, largest=0, sorted=1)
    if model.weights == "uniform":
        return indices, None
    inverse = g.op("Reciprocal", [nearest])
    exact = g.op("Cast", [g.op("IsInf", [inverse])], to=TensorProto.DOUBLE)
    has_exact = g.op("Greater", [g.op("ReduceMax", [exact], axes=[1], keepdims=1), g.const(np.array([0.0]))])
    return indices, g.op("Where", [has_exact, exact, inverse])


def convert_kneighbors_classifier(model):
    """Build the ONNX model for a fitted KNeighborsClassifier (one output)."""
    if getattr(model, "outputs_2d_", False):
        refuse("KNeighborsClassifier with several outputs")
    n_classes = len(model.classes_)
    g = GraphBuilder()
    indices, weights = _neighbours(g, model)
    classes = g.op("Gather", [g.const(np.asarray(model._y, dtype=np.int64), "train_classes"), indices], axis=0)
    # OneHot has no double output in onnxruntime; Equal against 0..C-1 gives the same [N, k, C] indicators.
    onehot = g.op("Cast", [g.op("Equal", [g.op("Unsqueeze", [classes, g.const(np.array([2], dtype=np.int64))]),
                                          g.const(np.arange(n_classes, dtype=np.int64), "class_ids")])],
                  to=TensorProto.DOUBLE)  # [N, k, C]
    if weights is not None:
        onehot = g.op("Mul", [onehot, g.op("Unsqueeze", [weights, g.const(np.array([2], dtype=np.int64))])])
    axis1 = g.const(np.array([1], dtype=np.int64))
    votes = g.op("ReduceSum", [onehot, axis1], keepdims=0)
    proba = g.op("Div", [votes, g.op("ReduceSum", [votes, axis1], keepdims=1)])
    g.finish_classifier(proba, model.classes_, index=g.op("ArgMax", [votes], axis=1, keepdims=0))
    return g.build(model.n_features_in_, doc(model))


def convert_kneighbors_regressor(model):
    """Build the ONNX model for a fitted KNeighborsRegressor: ``variable`` [N, T]."""
    y = np.asarray(model._y, dtype=np.float64)
    y2 = y.reshape(len(y), -1)
    g = GraphBuilder()
    indices, weights = _neighbours(g, model)
    targets = g.op("Gather", [g.const(y2, "train_targets"), indices], axis=0)  # [N, k, T]
    if weights is None:
        values = g.op("ReduceMean", [targets], axes=[1], keepdims=0)
    else:
        axis1 = g.const(np.array([1], dtype=np.int64))
        expanded = g.op("Unsqueeze", [weights, g.const(np.array([2], dtype=np.int64))])
        total = g.op("ReduceSum", [g.op("Mul", [targets, expanded]), axis1], keepdims=0)
        values = g.op("Div", [total, g.op("ReduceSum", [weights, axis1], keepdims=1)])
    g.finish_regressor(values, y2.shape[1])
    return g.build(model.n_features_in_, doc(model))
