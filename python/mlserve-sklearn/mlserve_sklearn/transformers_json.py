"""pipeline.json converters of the transformers added with issue 12: OrdinalEncoder, RobustScaler,
MaxAbsScaler, PolynomialFeatures, KBinsDiscretizer and FunctionTransformer of numpy functions.

Each converter takes ``(step name, fitted transformer, input names)`` and returns ``(step JSON,
output names)``, as the converters of pipeline_json.py do. The step JSON is specified in
packages/pipeline/FORMAT.md.
"""

import numpy as np
from sklearn.preprocessing import (FunctionTransformer, KBinsDiscretizer, MaxAbsScaler, OrdinalEncoder,
                                   PolynomialFeatures, RobustScaler)

from .json_values import is_missing, to_json_list, to_json_value
from .supported import SUPPORTED_FUNCTIONS, refuse

#: FunctionTransformer's supported ``func`` values, by the name pipeline.json gives them.
NUMPY_FUNCTIONS = {"log1p": np.log1p, "log": np.log, "sqrt": np.sqrt, "exp": np.exp, "abs": np.abs}
assert tuple(NUMPY_FUNCTIONS) == SUPPORTED_FUNCTIONS


def category_list(categories, step, column):
    """The categories of one column as JSON values, all strings or all numbers (``None`` for NaN)."""
    values = to_json_list(categories)
    present = [v for v in values if v is not None]
    if not (all(isinstance(v, str) for v in present) or
            all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present)):
        refuse("%s categories %r of column %r" % (step, values, column), "categories must be all strings or all numbers")
    return values


def _feature_names(transformer, names):
    return [str(n) for n in transformer.get_feature_names_out(names)]


def _max_abs_scaler(name, scaler, names):
    step = {
        "name": name,
        "type": "MaxAbsScaler",
        "maxAbs": to_json_list(scaler.max_abs_),
        "scale": to_json_list(scaler.scale_),
        "nSamplesSeen": int(np.max(scaler.n_samples_seen_)),
    }
    return step, list(names)


def _robust_scaler(name, scaler, names):
    step = {
        "name": name,
        "type": "RobustScaler",
        "withCentering": bool(scaler.with_centering),
        "withScaling": bool(scaler.with_scaling),
        "quantileRange": to_json_list(list(scaler.quantile_range)),
        "unitVariance": bool(scaler.unit_variance),  # scale_ is already divided by the normal IQR
        "center": to_json_list(scaler.center_) if scaler.with_centering else None,
        "scale": to_json_list(scaler.scale_) if scaler.with_scaling else None,
    }
    return step, list(names)


def _code(value, what):
    """``unknown_value``/``encoded_missing_value``: an integer, or NaN written as null."""
    if is_missing(value):
        return None
    if float(value) != int(value):
        refuse("OrdinalEncoder(%s=%r)" % (what, value), "it must be an integer or np.nan")
    return int(value)


def _ordinal_encoder(name, encoder, names):
    if getattr(encoder, "_infrequent_enabled", False):
        refuse("OrdinalEncoder with min_frequency/max_categories (infrequent categories)")
    if encoder.handle_unknown not in ("error", "use_encoded_value"):
        refuse("OrdinalEncoder(handle_unknown=%r)" % encoder.handle_unknown)
    unknown = encoder.handle_unknown == "use_encoded_value"
    step = {
        "name": name,
        "type": "OrdinalEncoder",
        "handleUnknown": encoder.handle_unknown,
        "unknownValue": _code(encoder.unknown_value, "unknown_value") if unknown else None,
        "encodedMissingValue": _code(encoder.encoded_missing_value, "encoded_missing_value"),
        "categories": [category_list(c, "OrdinalEncoder", col) for c, col in zip(encoder.categories_, names)],
    }
    return step, list(names)


def _function_transformer(name, transformer, names):
    func = next((key for key, f in NUMPY_FUNCTIONS.items() if transformer.func is f), None)
    if func is None:
        refuse("FunctionTransformer(func=%s)" % getattr(transformer.func, "__name__", repr(transformer.func)),
               "only the numpy functions %s are supported" % ", ".join("np." + f for f in SUPPORTED_FUNCTIONS))
    if transformer.kw_args:
        refuse("FunctionTransformer(kw_args=%r)" % (transformer.kw_args,))
    return {"name": name, "type": "FunctionTransformer", "func": func}, list(names)


def _polynomial_features(name, poly, names):
    degree = poly.degree
    step = {
        "name": name,
        "type": "PolynomialFeatures",
        "degree": [int(d) for d in degree] if isinstance(degree, tuple) else int(degree),
        "interactionOnly": bool(poly.interaction_only),
        "includeBias": bool(poly.include_bias),
        "powers": [[int(e) for e in row] for row in poly.powers_],
    }
    return step, _feature_names(poly, names)


def _k_bins_discretizer(name, kbins, names):
    if kbins.dtype not in (None, np.float64):
        # scikit-learn would bin the float32-rounded input; pipeline.json bins the float64 value.
        refuse("KBinsDiscretizer(dtype=%r)" % (kbins.dtype,), "only dtype None or np.float64 is supported")
    step = {
        "name": name,
        "type": "KBinsDiscretizer",
        "encode": kbins.encode,
        "strategy": kbins.strategy,
        "nBins": [int(n) for n in kbins.n_bins_],
        "binEdges": [[to_json_value(e) if np.isfinite(e) else None for e in edges] for edges in kbins.bin_edges_],
    }
    return step, _feature_names(kbins, names)


#: The converters of this module, by exact class.
CONVERTERS = {
    MaxAbsScaler: _max_abs_scaler,
    RobustScaler: _robust_scaler,
    OrdinalEncoder: _ordinal_encoder,
    FunctionTransformer: _function_transformer,
    PolynomialFeatures: _polynomial_features,
    KBinsDiscretizer: _k_bins_discretizer,
}
