"""Flatten fitted scikit-learn trees into the node lists of ai.onnx.ml TreeEnsemble* operators."""

import numpy as np
from onnx import TensorProto, numpy_helper

from .onnx_graph import round_down_to_float32

_TREE_LEAF = -1


class TreeNodes:
    """Node attributes of many trees; leaves are reported back to the caller for weights."""

    def __init__(self):
        self.tree_ids = []
        self.node_ids = []
        self.feature_ids = []
        self.modes = []
        self.values = []
        self.true_ids = []
        self.false_ids = []
        self.missing_true = []

    def add_tree(self, tree, tree_id):
        """Add one ``sklearn.tree._tree.Tree``; returns the node ids of its leaves.

        scikit-learn goes left when ``x[feature] <= threshold``: that is BRANCH_LEQ with the
        left child as the true branch, and the threshold rounded down to float32.
        """
        missing_left = getattr(tree, "missing_go_to_left", None)  # trees learn missing values from 1.3
        return self.add_nodes(tree_id, tree.children_left == _TREE_LEAF, tree.children_left, tree.children_right,
                              tree.feature, tree.threshold, missing_left)

    def add_nodes(self, tree_id, is_leaf, left, right, feature, threshold, missing_left=None):
        """Add one tree given as node arrays (node i's children are ``left[i]``, ``right[i]``).

        A missing value (NaN) goes left when ``missing_left[i]``, else right; NaN <= t is false,
        so without the flag it goes right as it does in BRANCH_LEQ.
        """
        is_leaf = np.asarray(is_leaf, dtype=bool)
        thresholds = round_down_to_float32(threshold)
        n = len(is_leaf)
        self.tree_ids.extend([tree_id] * n)
        self.node_ids.extend(range(n))
        self.feature_ids.extend(np.where(is_leaf, 0, feature).astype(int).tolist())
        self.modes.extend("LEAF" if leaf else "BRANCH_LEQ" for leaf in is_leaf)
        self.values.extend(np.where(is_leaf, 0.0, thresholds).tolist())
        self.true_ids.extend(np.where(is_leaf, 0, left).astype(int).tolist())
        self.false_ids.extend(np.where(is_leaf, 0, right).astype(int).tolist())
        missing = np.zeros(n, dtype=bool) if missing_left is None else np.asarray(missing_left, dtype=bool) & ~is_leaf
        self.missing_true.extend(missing.astype(int).tolist())
        return np.flatnonzero(is_leaf)

    def attributes(self):
        """The nodes_* attributes; thresholds as a double tensor (exactly float32 values).

        The graph feeds the ensemble a double input (the float32 input cast exactly), so
        onnxruntime accumulates leaf weights in double; the thresholds stay float32 values
        rounded down, so every split decides as scikit-learn's float32 comparison does.
        """
        attributes = dict(
            nodes_treeids=self.tree_ids,
            nodes_nodeids=self.node_ids,
            nodes_featureids=self.feature_ids,
            nodes_modes=self.modes,
            nodes_values_as_tensor=numpy_helper.from_array(np.asarray(self.values, dtype=np.float64)),
            nodes_truenodeids=self.true_ids,
            nodes_falsenodeids=self.false_ids,
        )
        if any(self.missing_true):
            attributes["nodes_missing_value_tracks_true"] = self.missing_true
        return attributes


class SummedTrees:
    """Trees whose leaf values add up per output column (boosting): the nodes and the leaf targets."""

    def __init__(self):
        self.nodes = TreeNodes()
        self.tree_ids, self.node_ids, self.column_ids, self.weights = [], [], [], []

    def add_leaves(self, tree_id, leaves, column, weights):
        """Records that ``leaves`` of tree ``tree_id`` add ``weights`` (one per leaf) to ``column``."""
        self.tree_ids.extend([tree_id] * len(leaves))
        self.node_ids.extend(int(leaf) for leaf in leaves)
        self.column_ids.extend([column] * len(leaves))
        self.weights.extend(weights)

    def add_to_graph(self, g, n_columns, base):
        """Adds a TreeEnsembleRegressor summing the trees over the double input, plus ``base``;
        returns its double [N, n_columns] output."""
        raw = g.op(
            "TreeEnsembleRegressor",
            [g.input_as_double()],
            domain="ai.onnx.ml",
            n_targets=n_columns,
            target_treeids=self.tree_ids,
            target_nodeids=self.node_ids,
            target_ids=self.column_ids,
            target_weights_as_tensor=numpy_helper.from_array(np.asarray(self.weights, dtype=np.float64)),
            base_values_as_tensor=numpy_helper.from_array(base),
            aggregate_function="SUM",
            post_transform="NONE",
            **self.nodes.attributes()
        )
        return g.op("Cast", [raw], to=TensorProto.DOUBLE)
