"""libsvm's coupling of pairwise probabilities into class probabilities, as an ONNX Loop.

libsvm's ``multiclass_probability`` (Wu, Lin and Weng's second method) starts from ``p = 1/k``
and repeats at most ``max(100, k)`` times: stop when ``max_t |(Q p)_t - p'Qp| < 0.005 / k``,
otherwise update each ``p_t`` in turn. The stopping test is loose, so the answer depends on the
iteration at which it stops: the Loop below keeps a per-row ``done`` flag and freezes a row at
the iteration libsvm would have stopped it, and performs each sweep's updates in libsvm's order.
"""

import numpy as np
from onnx import TensorProto, helper

from .onnx_graph import GraphBuilder


def class_pairs(n_classes):
    """libsvm's order of the one-vs-one pairs (i, j), i < j."""
    return [(i, j) for i in range(n_classes) for j in range(i + 1, n_classes)]


def _pair_positions(n_classes):
    """[P, k*k] matrices placing r_ij (upper) and r_ji = 1 - r_ij (lower) into the flattened R."""
    pairs = class_pairs(n_classes)
    upper = np.zeros((len(pairs), n_classes * n_classes))
    lower = np.zeros_like(upper)
    for k, (i, j) in enumerate(pairs):
        upper[k, i * n_classes + j] = 1.0
        lower[k, j * n_classes + i] = 1.0
    return upper, lower


def _coupling_matrix(g, pairwise, n_classes):
    """Q [N, k, k] and its diagonal [N, k]: Q_tt = sum_j r_jt^2, Q_tj = -r_jt r_tj."""
    upper, lower = _pair_positions(n_classes)
    flat = g.op("Add", [g.op("MatMul", [pairwise, g.const(upper, "r_upper")]),
                        g.op("MatMul", [g.op("Sub", [g.const(np.array([1.0])), pairwise]), g.const(lower, "r_lower")])])
    r = g.op("Reshape", [flat, g.const(np.array([-1, n_classes, n_classes], dtype=np.int64))])
    diagonal = g.op("ReduceSum", [g.op("Mul", [r, r]), g.const(np.array([1], dtype=np.int64))], keepdims=0)
    off = g.op("Neg", [g.op("Mul", [r, g.op("Transpose", [r], perm=[0, 2, 1])])])
    eye = g.const(np.eye(n_classes)[np.newaxis], "eye")
    q = g.op("Add", [off, g.op("Mul", [g.op("Unsqueeze", [diagonal, g.const(np.array([2], dtype=np.int64))]), eye])])
    return q, diagonal


def couple_pairwise_probabilities(g, pairwise, n_classes):
    """Class probabilities [N, k] (double) from the pairwise ones [N, P] in libsvm's order."""
    q, diagonal = _coupling_matrix(g, pairwise, n_classes)
    axis1 = g.const(np.array([1], dtype=np.int64))
    body = GraphBuilder(parent=g)
    iteration, cond_in, p_in, done_in = (g.name(n) for n in ("iteration", "cond_in", "p_in", "done_in"))
    axis2 = g.const(np.array([2], dtype=np.int64))
    qp = body.op("Squeeze", [body.op("MatMul", [q, body.op("Unsqueeze", [p_in, axis2])]), axis2])
    pqp = body.op("ReduceSum", [body.op("Mul", [p_in, qp]), axis1], keepdims=1)
    error = body.op("ReduceMax", [body.op("Abs", [body.op("Sub", [qp, pqp])])], axes=[1], keepdims=1)
    done = body.op("Or", [done_in, body.op("Less", [error, g.const(np.array([0.005 / n_classes]))])])
    p = p_in
    for t in range(n_classes):
        column = g.const(np.array([t], dtype=np.int64))
        qp_t = body.op("Gather", [qp, column], axis=1)
        q_tt = body.op("Gather", [diagonal, column], axis=1)
        diff = body.op("Div", [body.op("Sub", [pqp, qp_t]), q_tt])
        p = body.op("Add", [p, body.op("Mul", [diff, g.const(np.eye(n_classes)[t], "unit")])])
        scale = body.op("Add", [g.const(np.array([1.0])), diff])
        step = body.op("Add", [body.op("Mul", [diff, q_tt]), body.op("Mul", [g.const(np.array([2.0])), qp_t])])
        grown = body.op("Add", [pqp, body.op("Mul", [diff, step])])
        pqp = body.op("Div", [body.op("Div", [grown, scale]), scale])
        q_row = body.op("Squeeze", [body.op("Gather", [q, column], axis=1), axis1])
        qp = body.op("Div", [body.op("Add", [qp, body.op("Mul", [diff, q_row])]), scale])
        p = body.op("Div", [p, scale])
    p_out = body.op("Where", [done, p_in, p])
    all_done = body.op("ReduceMin", [body.op("Cast", [done], to=TensorProto.INT64)], keepdims=0)
    cond_out = body.op("Equal", [all_done, g.const(np.array(0, dtype=np.int64))])
    done_out = body.op("Identity", [done])
    graph = helper.make_graph(
        body.nodes, g.name("coupling"),
        [helper.make_tensor_value_info(iteration, TensorProto.INT64, []),
         helper.make_tensor_value_info(cond_in, TensorProto.BOOL, []),
         helper.make_tensor_value_info(p_in, TensorProto.DOUBLE, [None, n_classes]),
         helper.make_tensor_value_info(done_in, TensorProto.BOOL, [None, 1])],
        [helper.make_tensor_value_info(cond_out, TensorProto.BOOL, []),
         helper.make_tensor_value_info(p_out, TensorProto.DOUBLE, [None, n_classes]),
         helper.make_tensor_value_info(done_out, TensorProto.BOOL, [None, 1])])
    rows = g.op("Shape", [g.op("ReduceSum", [diagonal, axis1], keepdims=1)])  # [N, 1]
    p0 = g.op("Expand", [g.const(np.full(n_classes, 1.0 / n_classes), "p0"), g.op("Shape", [diagonal])])
    done0 = g.op("Expand", [g.const(np.zeros((1, 1), dtype=bool), "done0"), rows])
    proba, _ = g.op("Loop", [g.const(np.array(max(100, n_classes), dtype=np.int64), "max_iter"),
                             g.const(np.array(True), "cond"), p0, done0],
                    [g.name("coupled"), g.name("coupled_done")], body=graph)
    return proba
