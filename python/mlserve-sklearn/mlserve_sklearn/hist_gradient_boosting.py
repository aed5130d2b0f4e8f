"""HistGradientBoostingClassifier and HistGradientBoostingRegressor -> TreeEnsembleRegressor + standard ops.

scikit-learn sums the leaf values of every tree (the learning rate is already in them) onto the
baseline prediction, in double, then applies the loss's inverse link: the identity or exp for
the regressors, the sigmoid (``[1 - p, p]``) or softmax for the classifiers, whose ``predict`` is
argmax of ``predict_proba``. A sample goes left when ``x <= num_threshold``, and a missing value
goes where ``missing_go_to_left`` says; both translate to BRANCH_LEQ with the threshold rounded
down to float32 and ``nodes_missing_value_tracks_true``. Categorical splits are refused.
"""

import numpy as np

from .onnx_graph import GraphBuilder, doc
from .supported import refuse
from .tree_nodes import SummedTrees


def _raw_scores(g, model):
    """Add the ensemble to ``g``; returns the double [N, K] raw predictions."""
    categorical = getattr(model, "is_categorical_", None)
    if categorical is not None and np.any(categorical):
        refuse("%s with categorical_features" % type(model).__name__,
               "categorical splits have no exact ONNX translation here; one-hot encode the column instead")
    base = np.asarray(model._baseline_prediction, dtype=np.float64).reshape(-1)
    n_columns = model.n_trees_per_iteration_
    trees = SummedTrees()
    tree_id = 0
    for iteration in model._predictors:
        for column, predictor in enumerate(iteration):
            tree = predictor.nodes
            leaves = trees.nodes.add_nodes(tree_id, tree["is_leaf"], tree["left"], tree["right"], tree["feature_idx"],
                                           tree["num_threshold"], tree["missing_go_to_left"])
            trees.add_leaves(tree_id, leaves, column, tree["value"][leaves].astype(np.float64).tolist())
            tree_id += 1
    return trees.add_to_graph(g, n_columns, base)


def _link(model):
    return type(model._loss.link).__name__


def convert_hist_gradient_boosting_classifier(model):
    """Build the ONNX model for a fitted HistGradientBoostingClassifier."""
    link = _link(model)
    if link not in ("LogitLink", "MultinomialLogit"):
        refuse("HistGradientBoostingClassifier with the %s link" % link)
    g = GraphBuilder()
    raw = _raw_scores(g, model)
    if model.n_trees_per_iteration_ == 1:
        positive = g.op("Sigmoid", [raw])
        proba = g.op("Concat", [g.op("Sub", [g.const(np.array([1.0])), positive]), positive], axis=1)
    else:
        proba = g.op("Softmax", [raw], axis=1)
    g.finish_classifier(proba, model.classes_)
    return g.build(model.n_features_in_, doc(model))


def convert_hist_gradient_boosting_regressor(model):
    """Build the ONNX model for a fitted HistGradientBoostingRegressor: ``variable`` [N, 1]."""
    link = _link(model)
    if link not in ("IdentityLink", "LogLink"):
        refuse("HistGradientBoostingRegressor with the %s link" % link)
    g = GraphBuilder()
    raw = _raw_scores(g, model)
    g.finish_regressor(g.op("Exp", [raw]) if link == "LogLink" else raw, 1)
    return g.build(model.n_features_in_, doc(model))
