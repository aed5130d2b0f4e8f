"""Which converter builds model.onnx for which final estimator."""

from sklearn.ensemble import ExtraTreesClassifier, GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from .gradient_boosting import convert_gradient_boosting
from .linear import convert_logistic_regression
from .supported import refuse
from .trees import convert_tree_classifier

_CONVERTERS = {
    RandomForestClassifier: convert_tree_classifier,
    ExtraTreesClassifier: convert_tree_classifier,
    DecisionTreeClassifier: convert_tree_classifier,
    GradientBoostingClassifier: convert_gradient_boosting,
    LogisticRegression: convert_logistic_regression,
}


def check_estimator_supported(estimator):
    """Raise UnsupportedError unless ``estimator``'s exact class has a converter.

    The exact class, not isinstance: a subclass may predict differently.
    """
    if type(estimator) not in _CONVERTERS:
        refuse(estimator, "it is not a supported final estimator")


def estimator_to_onnx(estimator):
    """The onnx.ModelProto for a fitted final estimator, or UnsupportedError."""
    check_estimator_supported(estimator)
    return _CONVERTERS[type(estimator)](estimator)
