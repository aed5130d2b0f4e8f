"""GradientBoostingClassifier and GradientBoostingRegressor -> TreeEnsembleRegressor + standard ops.

scikit-learn computes ``raw = init + learning_rate * sum(tree values)`` in double, then
``predict_proba`` is ``[1 - expit(raw), expit(raw)]`` for two classes (``expit(2 * raw)`` with the
exponential loss) or ``softmax(raw)`` for more. The graph mirrors that: the ensemble, fed a
double copy of the input, sums ``learning_rate * value`` per leaf in double with the init
scores as base values; sigmoid/softmax then run in double and only the result is cast to float32.
The regressor's ``predict`` is ``raw`` itself, whatever the loss.
"""

import warnings

import numpy as np

from .errors import ExportError
from .onnx_graph import GraphBuilder, doc
from .supported import refuse
from .tree_nodes import SummedTrees


def init_raw_predictions(model):
    """The constant init scores (one per column of raw), or refuse a data-dependent init."""
    init = model.init_
    if not (isinstance(init, str) and init == "zero"):
        from sklearn.dummy import DummyClassifier, DummyRegressor

        constant = (type(init) is DummyClassifier and init.strategy == "prior") or type(init) is DummyRegressor
        if not constant:
            refuse("%s with init=%r" % (type(model).__name__, init),
                   "only the default init (class priors, or the target's mean or quantile) or init='zero' is constant")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = model._raw_predict_init(np.zeros((1, model.n_features_in_), dtype=np.float32))
    return raw[0].astype(np.float64)


# scikit-learn 1.2 names first, then the names of the losses that replaced them in 1.3.
_CLASSIFIER_LOSSES = ("BinomialDeviance", "MultinomialDeviance", "ExponentialLoss", "HalfBinomialLoss",
                      "HalfMultinomialLoss")


def convert_gradient_boosting(model):
    """Build the ONNX model for a fitted GradientBoostingClassifier."""
    loss = type(model._loss).__name__
    if loss not in _CLASSIFIER_LOSSES:
        refuse("GradientBoostingClassifier with loss %s" % loss)
    g = GraphBuilder()
    raw = _raw_scores(g, model)
    n_columns = model.estimators_.shape[1]
    if n_columns == 1:
        if loss == "ExponentialLoss":
            raw = g.op("Mul", [raw, g.const(np.array([2.0]))])
        positive = g.op("Sigmoid", [raw])
        negative = g.op("Sub", [g.const(np.array([1.0])), positive])
        proba = g.op("Concat", [negative, positive], axis=1)
        index = None  # binary predict is argmax(predict_proba)
    else:
        proba = g.op("Softmax", [raw], axis=1)
        index = g.op("ArgMax", [raw], axis=1, keepdims=0)  # multiclass predict is argmax(raw)
    g.finish_classifier(proba, model.classes_, index=index)
    return g.build(model.n_features_in_, doc(model))


def convert_gradient_boosting_regressor(model):
    """Build the ONNX model for a fitted GradientBoostingRegressor: ``variable`` = raw [N, 1]."""
    g = GraphBuilder()
    g.finish_regressor(_raw_scores(g, model), 1)
    return g.build(model.n_features_in_, doc(model))


def _raw_scores(g, model):
    """Add the ensemble to ``g``; returns the double [N, K] raw scores."""
    stages = model.estimators_
    n_columns = stages.shape[1]
    base = init_raw_predictions(model)
    if len(base) != n_columns:
        raise ExportError("unexpected init shape %d for %d score columns" % (len(base), n_columns))

    trees = SummedTrees()
    tree_id = 0
    for stage in stages:
        for column, estimator in enumerate(stage):
            tree = estimator.tree_
            leaves = trees.nodes.add_tree(tree, tree_id)
            # predict_stages adds scale * value, so the product is formed the same way here.
            trees.add_leaves(tree_id, leaves, column, (model.learning_rate * tree.value[leaves, 0, 0]).tolist())
            tree_id += 1
    return trees.add_to_graph(g, n_columns, base)
