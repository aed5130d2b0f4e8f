"""Refuse unfitted estimators early, with the step named."""

from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from .errors import ExportError


def require_fitted(estimator):
    """Raise ExportError if ``estimator`` has not been fitted."""
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        raise ExportError("%s is not fitted; fit it before exporting" % type(estimator).__name__) from None
