"""mlserve-sklearn: export fitted scikit-learn classifiers and regressors to mlserve.

It writes model.onnx, pipeline.json and metadata.json.
"""

from .__about__ import __version__
from .errors import ExportError, UnsupportedError
from .export import ExportResult, export_model
from .supported import SUPPORTED_CLASSIFIERS, SUPPORTED_ESTIMATORS, SUPPORTED_REGRESSORS, SUPPORTED_TRANSFORMERS

__all__ = [
    "__version__",
    "export_model",
    "ExportResult",
    "ExportError",
    "UnsupportedError",
    "SUPPORTED_ESTIMATORS",
    "SUPPORTED_CLASSIFIERS",
    "SUPPORTED_REGRESSORS",
    "SUPPORTED_TRANSFORMERS",
]
