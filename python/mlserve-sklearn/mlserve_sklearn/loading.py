"""Load a pickled model. Runs on the data scientist's machine only; the server never unpickles."""

import os
import pickle


def load_model(path):
    """Load ``path`` with joblib (what ``joblib.dump`` wrote), falling back to pickle."""
    path = os.fspath(path)
    try:
        import joblib
    except ImportError:  # pragma: no cover - joblib ships with scikit-learn
        joblib = None
    if joblib is not None:
        return joblib.load(path)
    with open(path, "rb") as f:
        return pickle.load(f)
