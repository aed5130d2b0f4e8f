"""The estimators and transformers the exporter translates, and the refusal message."""

from .errors import UnsupportedError

#: Final classifiers written to model.onnx (task "classification").
SUPPORTED_CLASSIFIERS = (
    "RandomForestClassifier",
    "ExtraTreesClassifier",
    "DecisionTreeClassifier",
    "GradientBoostingClassifier",
    "HistGradientBoostingClassifier",
    "LogisticRegression",
    "SVC",
    "LinearSVC",
    "KNeighborsClassifier",
    "MLPClassifier",
    "GaussianNB",
)

#: Final regressors written to model.onnx (task "regression").
SUPPORTED_REGRESSORS = (
    "LinearRegression",
    "Ridge",
    "Lasso",
    "ElasticNet",
    "DecisionTreeRegressor",
    "RandomForestRegressor",
    "ExtraTreesRegressor",
    "GradientBoostingRegressor",
    "HistGradientBoostingRegressor",
    "KNeighborsRegressor",
    "MLPRegressor",
)

#: Every final estimator written to model.onnx.
SUPPORTED_ESTIMATORS = SUPPORTED_CLASSIFIERS + SUPPORTED_REGRESSORS

#: Preprocessing steps written to pipeline.json.
SUPPORTED_TRANSFORMERS = (
    "Pipeline",
    "ColumnTransformer",
    "SimpleImputer",
    "StandardScaler",
    "MinMaxScaler",
    "OneHotEncoder",
    "OrdinalEncoder",
    "RobustScaler",
    "MaxAbsScaler",
    "PolynomialFeatures",
    "KBinsDiscretizer",
    "FunctionTransformer",
)

#: The numpy functions a FunctionTransformer may apply (``func=np.log1p``, ...).
SUPPORTED_FUNCTIONS = ("log1p", "log", "sqrt", "exp", "abs")


def supported_summary():
    """One line per kind, used at the end of every refusal."""
    return (
        "Supported estimators: " + ", ".join(SUPPORTED_CLASSIFIERS) + " (classifiers); "
        + ", ".join(SUPPORTED_REGRESSORS) + " (regressors). "
        "Supported preprocessing: " + ", ".join(SUPPORTED_TRANSFORMERS)
        + " (FunctionTransformer of " + ", ".join("np." + f for f in SUPPORTED_FUNCTIONS) + ";"
        + " and 'passthrough'/'drop' inside a Pipeline or ColumnTransformer)."
    )


def refuse(what, reason=None):
    """Raise UnsupportedError for ``what`` (an object or a description), naming what is supported."""
    if not isinstance(what, str):
        what = "%s (from %s)" % (type(what).__name__, type(what).__module__)
    message = "mlserve-sklearn cannot export %s" % what
    if reason:
        message += ": " + reason
    raise UnsupportedError(message + ". " + supported_summary())
