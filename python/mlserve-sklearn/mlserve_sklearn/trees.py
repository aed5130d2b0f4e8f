"""Decision trees and forests -> TreeEnsembleClassifier / TreeEnsembleRegressor.

scikit-learn's forest ``predict_proba`` is the mean over trees of each tree's leaf class
distribution (leaf values normalised to sum 1). Each leaf therefore carries weight
``p_leaf / n_trees`` per class and the ensemble sums them (post_transform NONE). The
ensemble runs on a double copy of the input so onnxruntime sums in double; ``label`` is the
first argmax of the probabilities, as ``predict`` is. The regressors' ``predict`` is the mean
over trees of the leaf values, so each leaf carries ``value / n_trees`` per target.
"""

import numpy as np
from onnx import TensorProto, numpy_helper

from .errors import ExportError
from .onnx_graph import GraphBuilder, doc
from .tree_nodes import TreeNodes


def leaf_probabilities(tree):
    """Per-node class distribution, normalised like DecisionTreeClassifier.predict_proba."""
    value = tree.value[:, 0, :].astype(np.float64)
    normalizer = value.sum(axis=1)[:, np.newaxis]
    normalizer[normalizer == 0.0] = 1.0
    return value / normalizer


def convert_tree_classifier(model):
    """Build the ONNX model for a fitted tree or forest classifier."""
    if getattr(model, "n_outputs_", 1) != 1:
        raise ExportError("multi-output classifiers cannot be exported (n_outputs_ = %d)" % model.n_outputs_)
    trees = list(model.estimators_) if hasattr(model, "estimators_") else [model]
    n_classes = len(model.classes_)
    nodes = TreeNodes()
    class_tree_ids, class_node_ids, class_ids, class_weights = [], [], [], []
    for tree_id, estimator in enumerate(trees):
        tree = estimator.tree_
        leaves = nodes.add_tree(tree, tree_id)
        proba = leaf_probabilities(tree) / len(trees)
        # Every leaf lists every class, zeros included: leaving zero weights out (smaller file)
        # made onnxruntime 1.30 return scores such as [-1, 1] for two-class pure leaves.
        for leaf in leaves:
            class_tree_ids.extend([tree_id] * n_classes)
            class_node_ids.extend([int(leaf)] * n_classes)
            class_ids.extend(range(n_classes))
            class_weights.extend(proba[leaf].tolist())

    g = GraphBuilder()
    x = g.input_as_double()
    _, scores = g.op(
        "TreeEnsembleClassifier",
        [x],
        [g.name("ensemble_label"), g.name("ensemble_scores")],
        domain="ai.onnx.ml",
        classlabels_int64s=list(range(n_classes)),
        class_treeids=class_tree_ids,
        class_nodeids=class_node_ids,
        class_ids=class_ids,
        class_weights_as_tensor=numpy_helper.from_array(np.asarray(class_weights, dtype=np.float64)),
        post_transform="NONE",
        **nodes.attributes()
    )
    # The ensemble's own label output is ignored: in the two-class case it is not argmax.
    g.finish_classifier(scores, model.classes_, proba_is_double=False)
    return g.build(model.n_features_in_, doc(model))


def convert_tree_regressor(model):
    """Build the ONNX model for a fitted tree or forest regressor (one or several targets)."""
    trees = list(model.estimators_) if hasattr(model, "estimators_") else [model]
    n_targets = model.n_outputs_
    nodes = TreeNodes()
    target_tree_ids, target_node_ids, target_ids, target_weights = [], [], [], []
    for tree_id, estimator in enumerate(trees):
        tree = estimator.tree_
        leaves = nodes.add_tree(tree, tree_id)
        values = tree.value[:, :, 0].astype(np.float64) / len(trees)
        for leaf in leaves:
            target_tree_ids.extend([tree_id] * n_targets)
            target_node_ids.extend([int(leaf)] * n_targets)
            target_ids.extend(range(n_targets))
            target_weights.extend(values[leaf].tolist())
    g = GraphBuilder()
    predictions = g.op(
        "TreeEnsembleRegressor",
        [g.input_as_double()],
        domain="ai.onnx.ml",
        n_targets=n_targets,
        target_treeids=target_tree_ids,
        target_nodeids=target_node_ids,
        target_ids=target_ids,
        target_weights_as_tensor=numpy_helper.from_array(np.asarray(target_weights, dtype=np.float64)),
        aggregate_function="SUM",
        post_transform="NONE",
        **nodes.attributes()
    )
    g.finish_regressor(g.op("Cast", [predictions], to=TensorProto.DOUBLE), n_targets)
    return g.build(model.n_features_in_, doc(model))
