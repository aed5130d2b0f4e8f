"""Fitted scikit-learn preprocessing -> ``pipeline.json`` (format ``mlserve.pipeline/v1``).

The format is specified in packages/pipeline/FORMAT.md; @mlserve/pipeline reads it and must
reproduce scikit-learn's transform. Each converter returns the step's JSON and the names of
the columns it outputs, so the next step (and the ColumnTransformer around it) can resolve
columns by name.
"""

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler
from sklearn.utils import is_scalar_nan

from .column_types import infer_input_types
from .errors import ExportError
from .fitted import require_fitted
from .json_values import to_json_list, to_json_value
from .supported import refuse
from .transformers_json import CONVERTERS as TRANSFORMER_CONVERTERS, category_list

FORMAT = "mlserve.pipeline/v1"


def preprocessing_to_json(steps, input_names, sample=None):
    """The pipeline.json document for ``steps`` (a list of ``(name, fitted transformer)``).

    Returns ``(document, output_names)``; ``output_names`` are the model's input features.
    """
    json_steps, output_names = convert_steps(steps, list(input_names))
    types = infer_input_types(json_steps, input_names, sample)
    document = {
        "format": FORMAT,
        "inputs": [{"name": name, "type": types[name]} for name in input_names],
        "steps": json_steps,
    }
    return document, output_names


def convert_steps(steps, names):
    """Convert a list of Pipeline steps; nested Pipelines are flattened into it."""
    out = []
    for name, transformer in steps:
        if transformer is None or (isinstance(transformer, str) and transformer == "passthrough"):
            continue
        if type(transformer) is Pipeline:
            nested, names = convert_steps(transformer.steps, names)
            out.extend(nested)
            continue
        step, names = convert_step(name, transformer, names)
        out.append(step)
    return out, names


def check_step_supported(transformer):
    """Raise UnsupportedError unless ``transformer``'s exact class (or a Pipeline of them) is supported.

    The exact class, not isinstance: a subclass may change what transform does.
    """
    if type(transformer) is Pipeline:
        for _, step in transformer.steps:
            if not (step is None or isinstance(step, str)):
                check_step_supported(step)
    elif type(transformer) not in _CONVERTERS:
        refuse(transformer, "it is not a supported preprocessing step")


def convert_step(name, transformer, names):
    """Convert one fitted transformer; returns ``(step JSON, output names)``."""
    check_step_supported(transformer)
    converter = _CONVERTERS[type(transformer)]
    require_fitted(transformer)
    n_in = getattr(transformer, "n_features_in_", len(names))
    if n_in != len(names):
        raise ExportError("step %r expects %d input columns but receives %d (%s)" % (name, n_in, len(names), names))
    return converter(name, transformer, names)


def _simple_imputer(name, imputer, names):
    if not is_scalar_nan(imputer.missing_values):
        refuse("SimpleImputer(missing_values=%r)" % (imputer.missing_values,),
               "only missing_values=np.nan is supported (null, absent and NaN are the missing markers)")
    if imputer.add_indicator:
        refuse("SimpleImputer(add_indicator=True)")
    statistics = to_json_list(imputer.statistics_)
    if getattr(imputer, "keep_empty_features", False) and any(s is None for s in statistics):
        refuse("SimpleImputer(keep_empty_features=True) with an all-missing column")
    if imputer.strategy == "constant":
        kept = list(names)
    else:
        # scikit-learn 1.2 drops the columns that were all missing at fit time.
        kept = [n for n, s in zip(names, statistics) if s is not None]
    step = {
        "name": name,
        "type": "SimpleImputer",
        "strategy": imputer.strategy,
        "fillValue": to_json_value(imputer.fill_value),
        "statistics": statistics,
    }
    return step, kept


def _standard_scaler(name, scaler, names):
    seen = np.asarray(scaler.n_samples_seen_)
    if seen.ndim == 0 or np.all(seen == seen.flat[0]):
        n_samples_seen = int(seen.flat[0])
    else:
        n_samples_seen = [int(v) for v in seen]  # differs per column only when fit saw NaNs
    step = {
        "name": name,
        "type": "StandardScaler",
        "withMean": bool(scaler.with_mean),
        "withStd": bool(scaler.with_std),
        "mean": to_json_list(scaler.mean_) if scaler.with_mean else None,
        "var": to_json_list(scaler.var_) if scaler.with_std else None,
        "scale": to_json_list(scaler.scale_) if scaler.with_std else None,
        "nSamplesSeen": n_samples_seen,
    }
    return step, list(names)


def _min_max_scaler(name, scaler, names):
    step = {
        "name": name,
        "type": "MinMaxScaler",
        "featureRange": to_json_list(list(scaler.feature_range)),
        "clip": bool(scaler.clip),
        "dataMin": to_json_list(scaler.data_min_),
        "dataMax": to_json_list(scaler.data_max_),
        "dataRange": to_json_list(scaler.data_range_),
        "scale": to_json_list(scaler.scale_),
        "min": to_json_list(scaler.min_),
    }
    return step, list(names)


def _one_hot_encoder(name, encoder, names):
    if getattr(encoder, "_infrequent_enabled", False):
        refuse("OneHotEncoder with min_frequency/max_categories (infrequent categories)")
    handle_unknown = encoder.handle_unknown
    if handle_unknown == "infrequent_if_exist":
        handle_unknown = "ignore"  # without infrequent categories it behaves exactly like ignore
    if handle_unknown not in ("error", "ignore"):
        refuse("OneHotEncoder(handle_unknown=%r)" % handle_unknown)
    drop = encoder.drop
    if drop is not None and not (isinstance(drop, str) and drop in ("first", "if_binary")):
        refuse("OneHotEncoder(drop=%r)" % (drop,), "drop must be None, 'first' or 'if_binary'")
    categories = [category_list(c, "OneHotEncoder", col) for c, col in zip(encoder.categories_, names)]
    drop_idx = None
    if encoder.drop_idx_ is not None:
        drop_idx = [None if d is None else int(d) for d in encoder.drop_idx_]
    out = []
    for column, (col, cats) in enumerate(zip(names, encoder.categories_)):
        for index, category in enumerate(cats):
            if drop_idx is not None and drop_idx[column] == index:
                continue
            out.append("%s_%s" % (col, category))  # scikit-learn's f"{feature}_{category}"
    step = {
        "name": name,
        "type": "OneHotEncoder",
        "handleUnknown": handle_unknown,
        "drop": drop,
        "categories": categories,
        "dropIdx": drop_idx,
    }
    return step, out


def _column_transformer(name, ct, names):
    weights = ct.transformer_weights or {}
    if any(w != 1 for w in weights.values()):
        refuse("ColumnTransformer(transformer_weights=%r)" % (weights,))
    indices = ct._transformer_to_input_indices
    transformers, outputs = [], []
    verbose = bool(ct.verbose_feature_names_out)
    for tname, transformer, _ in ct.transformers_:
        if tname == "remainder":
            continue
        selected = [names[i] for i in indices[tname]]
        if (isinstance(transformer, str) and transformer == "drop") or not selected:
            continue
        if isinstance(transformer, str) and transformer == "passthrough":
            steps, produced = [], list(selected)
        elif type(transformer) is Pipeline:
            steps, produced = convert_steps(transformer.steps, selected)
        else:
            step, produced = convert_step(tname, transformer, selected)
            steps = [step]
        transformers.append({"name": tname, "columns": selected, "steps": steps})
        outputs.extend("%s__%s" % (tname, p) if verbose else p for p in produced)

    rest = [names[i] for i in indices.get("remainder", [])]
    remainder = ct.remainder
    if not isinstance(remainder, str):
        if rest:
            refuse(remainder, "the ColumnTransformer remainder must be 'drop' or 'passthrough'")
        remainder = "drop"
    if remainder == "passthrough":
        outputs.extend("remainder__%s" % r if verbose else r for r in rest)
    else:
        rest = []
    if not verbose and len(set(outputs)) != len(outputs):
        raise ExportError("ColumnTransformer %r produces duplicate feature names %s" % (name, outputs))
    step = {
        "name": name,
        "type": "ColumnTransformer",
        "remainder": remainder,
        "verboseFeatureNamesOut": verbose,
        "transformers": transformers,
        "remainderColumns": rest,
    }
    return step, outputs


_CONVERTERS = {
    SimpleImputer: _simple_imputer,
    StandardScaler: _standard_scaler,
    MinMaxScaler: _min_max_scaler,
    OneHotEncoder: _one_hot_encoder,
    ColumnTransformer: _column_transformer,
    **TRANSFORMER_CONVERTERS,
}
