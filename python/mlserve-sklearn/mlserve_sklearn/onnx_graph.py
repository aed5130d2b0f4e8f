"""Shared ONNX plumbing: opsets, float32 threshold rounding, and the public outputs.

Every exported model has one input, ``input`` float32 [N, D], and tensor outputs only (never a
ZipMap: onnxruntime-node cannot return non-tensor outputs):

- classifiers with probabilities: ``label`` int64 [N] and ``probabilities`` float32 [N, C];
- classifiers without (SVC without ``probability=True``, LinearSVC): ``label`` int64 [N] and
  ``scores`` float32 [N, S], scikit-learn's ``decision_function`` as a matrix;
- regressors: ``variable`` float32 [N, T], one column per target (skl2onnx's name).
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from . import __about__

IR_VERSION = 8
OPSET = 15
ML_OPSET = 3  # TreeEnsemble*'s *_as_tensor attributes need 3; onnxruntime wants <= 4
INPUT_NAME = "input"
LABEL_NAME = "label"
PROBABILITIES_NAME = "probabilities"
SCORES_NAME = "scores"
VARIABLE_NAME = "variable"


def round_down_to_float32(values):
    """Round float64 values DOWN to the nearest float32 (returned as float64).

    scikit-learn's trees compare float32 inputs with float64 thresholds. For a float32 x,
    ``x <= t`` holds exactly when ``x <= down32(t)``, so storing down32(t) keeps every split
    exact, whereas round-to-nearest would send x == float32(t) > t the wrong way.
    """
    values = np.asarray(values, dtype=np.float64)
    rounded = values.astype(np.float32)
    too_high = rounded.astype(np.float64) > values
    rounded[too_high] = np.nextafter(rounded[too_high], np.float32(-np.inf))
    return rounded.astype(np.float64)


class GraphBuilder:
    """Collects nodes and initializers with unique names."""

    def __init__(self, parent=None):
        self.nodes = []
        self.initializers = []
        self.outputs = None
        self._parent = parent  # a subgraph (a Loop body) takes its names from the outer graph's counter
        self._count = 0

    def name(self, prefix):
        if self._parent is not None:
            return self._parent.name(prefix)
        self._count += 1
        return "%s_%d" % (prefix, self._count)

    def const(self, array, prefix="const"):
        """Add an initializer holding ``array`` and return its name."""
        name = self.name(prefix)
        self.initializers.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(self, op_type, inputs, outputs=None, domain="", **attrs):
        """Add a node; returns its single output name (or the list given)."""
        if outputs is None:
            outputs = [self.name(op_type.lower())]
        self.nodes.append(helper.make_node(op_type, list(inputs), list(outputs), domain=domain, **attrs))
        return outputs[0] if len(outputs) == 1 else outputs

    def input_as_double(self):
        return self.op("Cast", [INPUT_NAME], to=TensorProto.DOUBLE)

    def label_from_index(self, index, classes):
        """Wire ``label``: the class value for integer classes, else the index itself."""
        label_values = class_label_values(classes)
        if label_values is None:
            self.op("Identity", [index], [LABEL_NAME])
        else:
            self.op("Gather", [self.const(label_values, "class_labels"), index], [LABEL_NAME], axis=0)

    def finish_classifier(self, proba, classes, *, index=None, proba_is_double=True):
        """Wire ``label`` and ``probabilities``.

        ``proba`` is the [N, C] probability tensor. ``index`` is an int64 [N] tensor of class
        indices when the estimator's predict is not argmax(proba) (e.g. sign of the decision);
        otherwise the first maximum is taken, like numpy's argmax.
        """
        if index is None:
            index = self.op("ArgMax", [proba], axis=1, keepdims=0)
        self.label_from_index(index, classes)
        if proba_is_double:
            self.op("Cast", [proba], [PROBABILITIES_NAME], to=TensorProto.FLOAT)
        else:
            self.op("Identity", [proba], [PROBABILITIES_NAME])
        self.outputs = [
            helper.make_tensor_value_info(LABEL_NAME, TensorProto.INT64, [None]),
            helper.make_tensor_value_info(PROBABILITIES_NAME, TensorProto.FLOAT, [None, len(classes)]),
        ]

    def finish_scores(self, scores, n_scores, classes, index):
        """Wire ``label`` (from ``index``) and ``scores`` (double [N, n_scores], the decision function)."""
        self.label_from_index(index, classes)
        self.op("Cast", [scores], [SCORES_NAME], to=TensorProto.FLOAT)
        self.outputs = [
            helper.make_tensor_value_info(LABEL_NAME, TensorProto.INT64, [None]),
            helper.make_tensor_value_info(SCORES_NAME, TensorProto.FLOAT, [None, n_scores]),
        ]

    def finish_regressor(self, values, n_targets):
        """Wire ``variable`` from the double [N, T] predictions."""
        self.op("Cast", [values], [VARIABLE_NAME], to=TensorProto.FLOAT)
        self.outputs = [helper.make_tensor_value_info(VARIABLE_NAME, TensorProto.FLOAT, [None, n_targets])]

    def build(self, n_features, doc_string):
        """The checked onnx.ModelProto with the outputs the finish_* call declared."""
        graph = helper.make_graph(
            self.nodes,
            "mlserve_sklearn",
            [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, [None, n_features])],
            self.outputs,
            initializer=self.initializers,
        )
        model = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid("ai.onnx.ml", ML_OPSET)],
            ir_version=IR_VERSION,
            producer_name="mlserve-sklearn",
            producer_version=__about__.__version__,
            doc_string=doc_string,
        )
        onnx.checker.check_model(model)
        return model


def doc(model):
    """The doc_string of every exported graph."""
    return "%s exported by mlserve-sklearn" % type(model).__name__


def class_label_values(classes):
    """int64 class values when scikit-learn's classes_ are integers (or booleans), else None.

    With integer classes the ``label`` output equals scikit-learn's ``predict``; with string
    classes it is the index into ``classes`` (ONNX tensors here hold no strings).
    """
    classes = np.asarray(classes)
    if classes.dtype.kind in "iub":
        return classes.astype(np.int64)
    if classes.dtype.kind == "f" and np.all(np.mod(classes, 1) == 0):
        return classes.astype(np.int64)
    return None
