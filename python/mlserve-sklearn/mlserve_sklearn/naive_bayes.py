"""GaussianNB -> its joint log-likelihood in double, then argmax and the normalised exponential.

scikit-learn: ``jll[c] = log(prior_c) + (-0.5 * sum(log(2 pi var_c)) - 0.5 * sum((x - theta_c)^2 / var_c))``;
``predict`` is argmax of jll, ``predict_proba`` is ``exp(jll - logsumexp(jll))``.
"""

import numpy as np

from .onnx_graph import GraphBuilder, doc


def convert_gaussian_nb(model):
    """Build the ONNX model for a fitted GaussianNB."""
    theta = np.asarray(model.theta_, dtype=np.float64)
    var = np.asarray(model.var_, dtype=np.float64)
    constant = np.array([-0.5 * np.sum(np.log(2.0 * np.pi * var[c, :])) for c in range(len(theta))])
    log_prior = np.log(np.asarray(model.class_prior_, dtype=np.float64))
    g = GraphBuilder()
    x = g.op("Unsqueeze", [g.input_as_double(), g.const(np.array([1], dtype=np.int64))])  # [N, 1, D]
    deviation = g.op("Sub", [x, g.const(theta[np.newaxis], "theta")])  # [N, C, D]
    scaled = g.op("Div", [g.op("Mul", [deviation, deviation]), g.const(var[np.newaxis], "var")])
    quadratic = g.op("ReduceSum", [scaled, g.const(np.array([2], dtype=np.int64))], keepdims=0)  # [N, C]
    n_ij = g.op("Sub", [g.const(constant, "log_norm"), g.op("Mul", [g.const(np.array([0.5])), quadratic])])
    jll = g.op("Add", [g.const(log_prior, "log_prior"), n_ij])
    top = g.op("ReduceMax", [jll], axes=[1], keepdims=1)
    shifted = g.op("Sub", [jll, top])
    total = g.op("ReduceSum", [g.op("Exp", [shifted]), g.const(np.array([1], dtype=np.int64))], keepdims=1)
    log_total = g.op("Add", [top, g.op("Log", [total])])
    proba = g.op("Exp", [g.op("Sub", [jll, log_total])])
    index = g.op("ArgMax", [jll], axis=1, keepdims=0)
    g.finish_classifier(proba, model.classes_, index=index)
    return g.build(model.n_features_in_, doc(model))
