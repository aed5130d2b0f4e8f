"""Which converter builds model.onnx for which final estimator, and the estimator's task."""

import sklearn
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor, GradientBoostingClassifier,
                              GradientBoostingRegressor, HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.svm import SVC, LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from .errors import ExportError
from .gradient_boosting import convert_gradient_boosting, convert_gradient_boosting_regressor
from .hist_gradient_boosting import convert_hist_gradient_boosting_classifier, convert_hist_gradient_boosting_regressor
from .linear import convert_linear_regressor, convert_linear_svc, convert_logistic_regression
from .mlp import convert_mlp_classifier, convert_mlp_regressor
from .naive_bayes import convert_gaussian_nb
from .neighbors import convert_kneighbors_classifier, convert_kneighbors_regressor
from .supported import SUPPORTED_CLASSIFIERS, SUPPORTED_REGRESSORS, refuse
from .svm import convert_svc
from .trees import convert_tree_classifier, convert_tree_regressor

#: The scikit-learn release the parity fixtures were made with.
TESTED_SKLEARN = "1.2.1"

_CONVERTERS = {
    RandomForestClassifier: convert_tree_classifier,
    ExtraTreesClassifier: convert_tree_classifier,
    DecisionTreeClassifier: convert_tree_classifier,
    GradientBoostingClassifier: convert_gradient_boosting,
    HistGradientBoostingClassifier: convert_hist_gradient_boosting_classifier,
    LogisticRegression: convert_logistic_regression,
    SVC: convert_svc,
    LinearSVC: convert_linear_svc,
    KNeighborsClassifier: convert_kneighbors_classifier,
    MLPClassifier: convert_mlp_classifier,
    GaussianNB: convert_gaussian_nb,
    LinearRegression: convert_linear_regressor,
    Ridge: convert_linear_regressor,
    Lasso: convert_linear_regressor,
    ElasticNet: convert_linear_regressor,
    DecisionTreeRegressor: convert_tree_regressor,
    RandomForestRegressor: convert_tree_regressor,
    ExtraTreesRegressor: convert_tree_regressor,
    GradientBoostingRegressor: convert_gradient_boosting_regressor,
    HistGradientBoostingRegressor: convert_hist_gradient_boosting_regressor,
    KNeighborsRegressor: convert_kneighbors_regressor,
    MLPRegressor: convert_mlp_regressor,
}
assert sorted(c.__name__ for c in _CONVERTERS) == sorted(SUPPORTED_CLASSIFIERS + SUPPORTED_REGRESSORS)


def check_estimator_supported(estimator):
    """Raise UnsupportedError unless ``estimator``'s exact class has a converter.

    The exact class, not isinstance: a subclass may predict differently.
    """
    if type(estimator) not in _CONVERTERS:
        refuse(estimator, "it is not a supported final estimator")


def estimator_task(estimator):
    """``"classification"`` or ``"regression"`` for a supported estimator."""
    return "regression" if type(estimator).__name__ in SUPPORTED_REGRESSORS else "classification"


def has_probabilities(estimator):
    """Whether model.onnx has a ``probabilities`` output (else a classifier has ``scores``)."""
    if type(estimator) is LinearSVC:
        return False
    if type(estimator) is SVC:
        return bool(estimator.probability)
    return estimator_task(estimator) == "classification"


def estimator_to_onnx(estimator):
    """The onnx.ModelProto for a fitted final estimator, or UnsupportedError."""
    check_estimator_supported(estimator)
    try:
        return _CONVERTERS[type(estimator)](estimator)
    except AttributeError as err:
        # Some fitted attributes read here are scikit-learn internals; a release that renamed one lands here.
        raise ExportError("cannot read the fitted %s of scikit-learn %s (%s); the exporter is tested with "
                          "scikit-learn %s" % (type(estimator).__name__, sklearn.__version__, err, TESTED_SKLEARN)
                          ) from None
