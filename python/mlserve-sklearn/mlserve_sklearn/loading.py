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


#: Keys under which a saved dict ("bundle") may hold the fitted model, in the order they are looked up.
BUNDLE_MODEL_KEYS = ("pipeline", "model")


def unwrap_bundle(obj):
    """``(model, bundle metadata)`` for ``{'pipeline'|'model': estimator, 'metadata': {...}}``, else ``(obj, None)``.

    Notebooks often save the model together with its description; the description is kept in
    metadata.json. Any other dict is refused with the shape it should have.
    """
    if not isinstance(obj, dict):
        return obj, None
    from .supported import refuse

    found = [key for key in BUNDLE_MODEL_KEYS if key in obj]
    if len(found) != 1:
        refuse("a dict with keys %s" % sorted(map(str, obj)),
               "a saved dict must hold the fitted model under exactly one of the keys 'pipeline' or 'model'"
               " (and optionally a 'metadata' dict); save the estimator itself, or such a dict")
    metadata = obj.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        refuse("a dict whose 'metadata' is a %s" % type(metadata).__name__, "'metadata' must be a dict")
    return obj[found[0]], metadata
