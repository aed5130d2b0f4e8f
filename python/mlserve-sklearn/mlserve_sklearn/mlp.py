"""MLPClassifier and MLPRegressor -> MatMul, Add and the activations, in double.

scikit-learn's forward pass: each hidden layer ``activation(X @ W + b)``, the last layer then
``out_activation_``: identity (regressor), logistic (binary: ``predict_proba`` is ``[1 - p, p]``,
``predict`` is ``p > 0.5``) or softmax (multiclass: ``predict`` is argmax of the softmax).
"""

import numpy as np
from onnx import TensorProto

from .onnx_graph import GraphBuilder, doc
from .supported import refuse

_ACTIVATIONS = {"identity": "Identity", "logistic": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}


def _forward(g, model):
    """The output layer's values before ``out_activation_`` (double [N, K])."""
    if model.activation not in _ACTIVATIONS:
        refuse("%s with activation=%r" % (type(model).__name__, model.activation))
    x = g.input_as_double()
    last = len(model.coefs_) - 1
    for i, (weights, bias) in enumerate(zip(model.coefs_, model.intercepts_)):
        x = g.op("Add", [g.op("MatMul", [x, g.const(np.asarray(weights, dtype=np.float64), "coef")]),
                         g.const(np.asarray(bias, dtype=np.float64), "intercept")])
        if i < last:
            x = g.op(_ACTIVATIONS[model.activation], [x])
    return x


def convert_mlp_classifier(model):
    """Build the ONNX model for a fitted MLPClassifier (binary or multiclass, one output)."""
    if model.out_activation_ not in ("logistic", "softmax") or (model.out_activation_ == "logistic"
                                                                and model.n_outputs_ != 1):
        refuse("MLPClassifier with out_activation_=%r" % model.out_activation_, "multilabel targets are not supported")
    g = GraphBuilder()
    out = _forward(g, model)
    if model.out_activation_ == "logistic":
        positive = g.op("Sigmoid", [out])
        proba = g.op("Concat", [g.op("Sub", [g.const(np.array([1.0])), positive]), positive], axis=1)
        flat = g.op("Reshape", [positive, g.const(np.array([-1], dtype=np.int64))])
        index = g.op("Cast", [g.op("Greater", [flat, g.const(np.array([0.5]))])], to=TensorProto.INT64)
    else:
        proba = g.op("Softmax", [out], axis=1)
        index = None
    g.finish_classifier(proba, model.classes_, index=index)
    return g.build(model.n_features_in_, doc(model))


def convert_mlp_regressor(model):
    """Build the ONNX model for a fitted MLPRegressor: ``variable`` [N, T]."""
    g = GraphBuilder()
    g.finish_regressor(_forward(g, model), model.n_outputs_)
    return g.build(model.n_features_in_, doc(model))
