"""Linear models -> Cast to double, MatMul, Add; LogisticRegression then Sigmoid or Softmax.

The decision function is computed in double like scikit-learn's (the only difference left is
the float32 input), so probabilities agree to ~1e-7. For LogisticRegression and LinearSVC
``label`` follows ``predict``: the sign of the decision for two classes, argmax of the decision
otherwise. LinearSVC outputs the decision as ``scores``; LinearRegression, Ridge, Lasso and
ElasticNet output it as ``variable``.
"""

import numpy as np
from onnx import TensorProto

from .onnx_graph import GraphBuilder, doc


def uses_softmax(model):
    """scikit-learn 1.2's rule in LogisticRegression.predict_proba."""
    ovr = model.multi_class in ("ovr", "warn") or (
        model.multi_class == "auto" and (model.classes_.size <= 2 or model.solver == "liblinear")
    )
    return not ovr


def convert_logistic_regression(model):
    """Build the ONNX model for a fitted LogisticRegression."""
    coef = np.asarray(model.coef_, dtype=np.float64)
    intercept = np.asarray(model.intercept_, dtype=np.float64).reshape(-1)
    if intercept.size == 1 and coef.shape[0] > 1:
        intercept = np.repeat(intercept, coef.shape[0])
    g = GraphBuilder()
    x = g.input_as_double()
    decision = g.op("Add", [g.op("MatMul", [x, g.const(coef.T.copy(), "coef")]), g.const(intercept, "intercept")])
    if coef.shape[0] == 1:
        if uses_softmax(model):
            # scikit-learn's binary multinomial case: softmax over [-d, d].
            proba = g.op("Softmax", [g.op("Concat", [g.op("Neg", [decision]), decision], axis=1)], axis=1)
        else:
            positive = g.op("Sigmoid", [decision])
            proba = g.op("Concat", [g.op("Sub", [g.const(np.array([1.0])), positive]), positive], axis=1)
        flat = g.op("Reshape", [decision, g.const(np.array([-1], dtype=np.int64))])
        index = g.op("Cast", [g.op("Greater", [flat, g.const(np.array([0.0]))])], to=TensorProto.INT64)
    else:
        if uses_softmax(model):
            proba = g.op("Softmax", [decision], axis=1)
        else:
            sig = g.op("Sigmoid", [decision])
            total = g.op("ReduceSum", [sig, g.const(np.array([1], dtype=np.int64))], keepdims=1)
            proba = g.op("Div", [sig, total])
        index = g.op("ArgMax", [decision], axis=1, keepdims=0)
    g.finish_classifier(proba, model.classes_, index=index)
    return g.build(model.n_features_in_, doc(model))


def _decision(g, model):
    """Double ``X @ coef_.T + intercept_`` as [N, K]."""
    coef = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
    intercept = np.broadcast_to(np.asarray(model.intercept_, dtype=np.float64).reshape(-1), (coef.shape[0],))
    product = g.op("MatMul", [g.input_as_double(), g.const(coef.T.copy(), "coef")])
    return g.op("Add", [product, g.const(intercept.copy(), "intercept")]), coef.shape[0]


def convert_linear_regressor(model):
    """LinearRegression, Ridge, Lasso, ElasticNet: ``variable`` = X @ coef_.T + intercept_ in double."""
    g = GraphBuilder()
    values, n_targets = _decision(g, model)
    g.finish_regressor(values, n_targets)
    return g.build(model.n_features_in_, doc(model))


def convert_linear_svc(model):
    """LinearSVC: ``scores`` = decision_function; ``label`` as predict (sign for two classes, else argmax)."""
    g = GraphBuilder()
    decision, n_scores = _decision(g, model)
    if n_scores == 1:
        flat = g.op("Reshape", [decision, g.const(np.array([-1], dtype=np.int64))])
        index = g.op("Cast", [g.op("Greater", [flat, g.const(np.array([0.0]))])], to=TensorProto.INT64)
    else:
        index = g.op("ArgMax", [decision], axis=1, keepdims=0)
    g.finish_scores(decision, n_scores, model.classes_, index)
    return g.build(model.n_features_in_, doc(model))
