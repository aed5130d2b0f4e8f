"""``export_model``: a fitted scikit-learn model -> an mlserve export directory."""

import json
import os
import warnings
from dataclasses import dataclass, field

from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline

from .errors import ExportError
from .estimators import check_estimator_supported, estimator_task, estimator_to_onnx
from .fitted import require_fitted
from .loading import load_model, unwrap_bundle
from .metadata import build_metadata
from .pipeline_json import check_step_supported, preprocessing_to_json
from .stats import STATS_FILE, reference_stats
from .supported import refuse

MODEL_FILE = "model.onnx"
PIPELINE_FILE = "pipeline.json"
METADATA_FILE = "metadata.json"


@dataclass
class ExportResult:
    """Where the files went, and the documents written."""

    out_dir: str
    model_path: str
    pipeline_path: object  # str, or None when the model had no preprocessing
    metadata_path: str
    metadata: dict = field(repr=False)
    pipeline: object = field(repr=False, default=None)
    stats_path: object = None  # str, or None when no reference data was given


def split_model(model):
    """``(preprocessing steps, final estimator)``; a bare estimator has no steps."""
    if type(model) is Pipeline:
        steps = list(model.steps)
        final_name, final = steps[-1]
        if final is None or isinstance(final, str):
            refuse("a Pipeline ending in %r" % (final,), "the last step must be a classifier or regressor")
        return steps[:-1], final
    if isinstance(model, BaseEstimator):
        return [], model
    refuse(model, "expected a fitted scikit-learn Pipeline, classifier or regressor")


def _input_names(model, first):
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        names = getattr(first, "feature_names_in_", None)
    if names is not None:
        return [str(n) for n in names]
    n = getattr(first, "n_features_in_", None)
    if n is None:
        raise ExportError("cannot tell how many input columns %s takes" % type(first).__name__)
    return ["x%d" % i for i in range(n)]  # scikit-learn's own names for unnamed columns


def _sklearn_feature_names(steps, input_names):
    """get_feature_names_out of the preprocessing, used to double-check ours (None if unavailable)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [str(n) for n in Pipeline(steps).get_feature_names_out(input_names)]
    except Exception:  # noqa: BLE001 - any failure only skips the cross-check
        return None


def _write_json(path, document):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2, ensure_ascii=False, allow_nan=False)
        f.write("\n")


def _bundle_targets(bundle_metadata):
    """Target names a bundle's metadata gives (``targets`` list or ``target`` string), else None."""
    if not bundle_metadata:
        return None
    targets = bundle_metadata.get("targets", bundle_metadata.get("target"))
    if isinstance(targets, str) or (isinstance(targets, (list, tuple)) and all(isinstance(t, str) for t in targets)):
        return targets
    return None


def _n_targets(onnx_model):
    dims = onnx_model.graph.output[0].type.tensor_type.shape.dim
    return dims[1].dim_value if len(dims) > 1 else 1


def export_model(model_or_path, out_dir, *, name=None, metrics=None, metadata=None, labels=None,
                 classes=None, targets=None, sample=None, reference=None, reference_target=None):
    """Export a fitted scikit-learn classifier or regressor (optionally inside a Pipeline) to ``out_dir``.

    Writes ``model.onnx`` (input ``input`` float32 [N, D]; outputs ``label`` int64 [N] and
    ``probabilities`` float32 [N, C], or ``label`` and ``scores`` for SVC without probabilities and
    LinearSVC, or ``variable`` float32 [N, T] for regressors), ``pipeline.json`` (only when there is
    preprocessing) and ``metadata.json``. ``model_or_path`` is a fitted estimator, a
    ``{'pipeline'|'model': estimator, 'metadata': {...}}`` dict, or a path to a joblib/pickle file
    holding either. ``classes`` optionally renames the classes (same order as ``classes_``);
    ``targets`` names a regressor's targets; ``sample`` is an optional DataFrame of raw inputs whose
    dtypes decide the pipeline's input types. ``reference`` (a DataFrame of raw inputs, usually the
    training frame) and its optional ``reference_target`` write ``stats.json``: per-feature bins,
    ranges and missing rates, the prediction distribution and baseline metrics. Raises
    UnsupportedError for anything that cannot be translated exactly.
    """
    source_path = None
    if isinstance(model_or_path, (str, os.PathLike)):
        source_path = os.fspath(model_or_path)
        model = load_model(source_path)
    else:
        model = model_or_path
    model, bundle_metadata = unwrap_bundle(model)
    if bundle_metadata:
        metadata = {**bundle_metadata, **(metadata or {})}
    steps, estimator = split_model(model)
    check_estimator_supported(estimator)  # before the preprocessing, so that refusal comes first
    require_fitted(estimator)
    steps = [(n, s) for n, s in steps if not (s is None or (isinstance(s, str) and s == "passthrough"))]

    for _, step in steps:
        check_step_supported(step)  # refuse before anything else is looked at
    first = steps[0][1] if steps else estimator
    input_names = _input_names(model if steps else estimator, first)
    if steps:
        pipeline_doc, feature_names = preprocessing_to_json(steps, input_names, sample)
        sklearn_names = _sklearn_feature_names(steps, input_names)
        if sklearn_names is not None and sklearn_names != list(feature_names):
            raise ExportError("feature names disagree with scikit-learn's: %s vs %s" % (feature_names, sklearn_names))
    else:
        pipeline_doc, feature_names = None, list(input_names)
    if len(feature_names) != estimator.n_features_in_:
        raise ExportError("the preprocessing outputs %d columns but %s expects %d"
                          % (len(feature_names), type(estimator).__name__, estimator.n_features_in_))

    onnx_model = estimator_to_onnx(estimator)
    if name is None:
        name = os.path.splitext(os.path.basename(source_path))[0] if source_path else "model"
    task = estimator_task(estimator)
    if targets is None and task == "regression":
        targets = _bundle_targets(bundle_metadata)
    meta = build_metadata(name=name, estimator=estimator, task=task, classes=classes, feature_names=feature_names,
                          input_names=input_names, metrics=metrics, labels=labels, metadata=metadata,
                          targets=targets, n_targets=_n_targets(onnx_model))

    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    model_path = os.path.join(out_dir, MODEL_FILE)
    with open(model_path, "wb") as f:
        f.write(onnx_model.SerializeToString())
    pipeline_path = os.path.join(out_dir, PIPELINE_FILE)
    if pipeline_doc is not None:
        _write_json(pipeline_path, pipeline_doc)
    else:
        if os.path.exists(pipeline_path):  # a stale one from an earlier export would be wrong
            os.remove(pipeline_path)
        pipeline_path = None
    metadata_path = os.path.join(out_dir, METADATA_FILE)
    _write_json(metadata_path, meta)
    stats_path = os.path.join(out_dir, STATS_FILE)
    if reference is not None:
        missing = [c for c in input_names if c not in getattr(reference, "columns", [])]
        if missing:
            raise ExportError("the reference data lacks the input column(s) %s" % ", ".join(missing[:10]))
        stats = reference_stats(model, reference[list(input_names)], reference_target, task=task,
                                classes=meta.get("classes"), metrics=metrics)
        _write_json(stats_path, stats)
    else:
        if os.path.exists(stats_path):  # stale stats would describe another model's data
            os.remove(stats_path)
        stats_path = None
    return ExportResult(out_dir, model_path, pipeline_path, metadata_path, meta, pipeline_doc, stats_path)


__all__ = ["export_model", "ExportResult", "split_model"]
