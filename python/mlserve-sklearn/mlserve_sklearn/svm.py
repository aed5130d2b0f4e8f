"""SVC -> the kernel, the one-vs-one decision values, libsvm's vote, and Platt scaling, in double.

scikit-learn's ``predict`` is libsvm's vote over the class pairs (i, j), i < j: pair k votes
for i when its libsvm decision value is > 0, else for j; the first class with the most votes
wins. ``label`` is that vote, never the argmax of the probabilities. libsvm's decision value of
pair (i, j) is ``sum(dual_coef * K(x, sv)) + intercept`` over the support vectors of i and j;
scikit-learn flips the sign of ``dual_coef_``, ``intercept_`` and ``decision_function`` for two
classes, so there the libsvm value is minus the public one. ``scores`` is ``decision_function``
(``[N, 1]`` for two classes, the ovr transform or the raw ovo values otherwise).
With ``probability=True`` each pair's value goes through ``1 / (1 + exp(A d + B))``, clipped to
[1e-7, 1 - 1e-7], and the pairwise probabilities are coupled by libsvm's iterative method
(svm_probability.py), for two classes as well.
"""

import numpy as np
from onnx import TensorProto

from .onnx_graph import GraphBuilder, doc
from .supported import refuse
from .svm_probability import class_pairs, couple_pairwise_probabilities

_MIN_PROBABILITY = 1e-7


def _kernel(g, model, x):
    """K(x, support vectors) as double [N, S], computed as libsvm's k_function does."""
    sv = np.asarray(model.support_vectors_, dtype=np.float64)
    gamma = float(model._gamma)
    if model.kernel == "rbf":
        rows = g.op("Unsqueeze", [x, g.const(np.array([1], dtype=np.int64))])  # [N, 1, D]
        diff = g.op("Sub", [rows, g.const(sv[np.newaxis], "sv")])  # [N, S, D]
        distance = g.op("ReduceSum", [g.op("Mul", [diff, diff]), g.const(np.array([2], dtype=np.int64))], keepdims=0)
        return g.op("Exp", [g.op("Mul", [distance, g.const(np.array([-gamma]))])])
    dot = g.op("MatMul", [x, g.const(sv.T.copy(), "sv_t")])
    if model.kernel == "linear":
        return dot
    affine = g.op("Add", [g.op("Mul", [dot, g.const(np.array([gamma]))]), g.const(np.array([float(model.coef0)]))])
    if model.kernel == "poly":
        return g.op("Pow", [affine, g.const(np.array([float(model.degree)]))])
    return g.op("Tanh", [affine])  # "sigmoid", the last kernel convert_svc lets through


def _pair_weights(model):
    """[S, P] matrix W with ``libsvm decision = K @ W + intercept`` (public signs)."""
    n_classes = len(model.classes_)
    dual = np.asarray(model.dual_coef_, dtype=np.float64)
    starts = np.concatenate([[0], np.cumsum(model.n_support_)])
    pairs = class_pairs(n_classes)
    weights = np.zeros((dual.shape[1], len(pairs)))
    for k, (i, j) in enumerate(pairs):
        weights[starts[i]:starts[i + 1], k] = dual[j - 1, starts[i]:starts[i + 1]]
        weights[starts[j]:starts[j + 1], k] = dual[i, starts[j]:starts[j + 1]]
    return weights


def _pair_matrices(n_classes):
    """[P, C] one-hot matrices of each pair's first and second class."""
    pairs = class_pairs(n_classes)
    first = np.zeros((len(pairs), n_classes))
    second = np.zeros((len(pairs), n_classes))
    for k, (i, j) in enumerate(pairs):
        first[k, i] = 1.0
        second[k, j] = 1.0
    return first, second


def convert_svc(model):
    """Build the ONNX model for a fitted SVC."""
    n_classes = len(model.classes_)
    if model.kernel not in ("linear", "poly", "rbf", "sigmoid"):
        refuse("SVC with kernel=%r" % (model.kernel,),
               "only the 'linear', 'poly', 'rbf' and 'sigmoid' kernels are supported")
    g = GraphBuilder()
    kernel = _kernel(g, model, g.input_as_double())
    public = g.op("Add", [g.op("MatMul", [kernel, g.const(_pair_weights(model), "dual_coef")]),
                          g.const(np.asarray(model.intercept_, dtype=np.float64), "intercept")])  # [N, P]
    libsvm = g.op("Neg", [public]) if n_classes == 2 else public
    first, second = _pair_matrices(n_classes)
    positive = g.op("Cast", [g.op("Greater", [libsvm, g.const(np.array([0.0]))])], to=TensorProto.DOUBLE)
    negative = g.op("Sub", [g.const(np.array([1.0])), positive])
    votes = g.op("Add", [g.op("MatMul", [positive, g.const(first, "first")]),
                         g.op("MatMul", [negative, g.const(second, "second")])])
    index = g.op("ArgMax", [votes], axis=1, keepdims=0)
    scores, n_scores = public, len(class_pairs(n_classes))
    if n_classes > 2 and model.decision_function_shape == "ovr":
        scores, n_scores = _ovr_scores(g, public, first, second), n_classes
        if model.break_ties:
            index = g.op("ArgMax", [scores], axis=1, keepdims=0)
    if not model.probability:
        g.finish_scores(scores, n_scores, model.classes_, index)
        return g.build(model.n_features_in_, doc(model))
    pairwise = g.op("Sigmoid", [g.op("Neg", [g.op("Add", [
        g.op("Mul", [libsvm, g.const(np.asarray(model.probA_, dtype=np.float64), "prob_a")]),
        g.const(np.asarray(model.probB_, dtype=np.float64), "prob_b")])])])
    pairwise = g.op("Clip", [pairwise, g.const(np.array(_MIN_PROBABILITY)), g.const(np.array(1 - _MIN_PROBABILITY))])
    # Two classes go through the coupling too: scikit-learn's libsvm has no shortcut for them, and
    # its loose stopping test leaves them up to ~3e-3 away from [r, 1 - r].
    proba = couple_pairwise_probabilities(g, pairwise, n_classes)
    g.finish_classifier(proba, model.classes_, index=index)
    return g.build(model.n_features_in_, doc(model))


def _ovr_scores(g, public, first, second):
    """scikit-learn's ``_ovr_decision_function(dec < 0, -dec, C)``: votes plus squashed confidences."""
    ahead = g.op("Cast", [g.op("GreaterOrEqual", [public, g.const(np.array([0.0]))])], to=TensorProto.DOUBLE)
    behind = g.op("Sub", [g.const(np.array([1.0])), ahead])
    votes = g.op("Add", [g.op("MatMul", [ahead, g.const(first, "first")]),
                         g.op("MatMul", [behind, g.const(second, "second")])])
    confidence = g.op("MatMul", [public, g.const(first - second, "pair_sign")])
    magnitude = g.op("Add", [g.op("Abs", [confidence]), g.const(np.array([1.0]))])
    denominator = g.op("Mul", [g.const(np.array([3.0])), magnitude])
    squashed = g.op("Div", [confidence, denominator])
    return g.op("Add", [votes, squashed])
