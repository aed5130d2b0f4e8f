"""The JSON type ("number" or "string") of each raw input column.

A pickled model keeps no dtypes, so the type is read from what the fitted steps imply about
the first step that consumes the column: a OneHotEncoder's categories (strings or numbers), a
SimpleImputer's statistic (a string or a number), a scaler (numbers), a passthrough into the
model (numbers). A ``sample`` DataFrame, when given, decides instead (object, string and
category dtypes are strings; everything else numbers). Columns nothing consumes (dropped by a
ColumnTransformer) default to "number" unless the sample says otherwise.
"""


def _imputer_types(step, columns):
    types = {}
    fill = step.get("fillValue")
    for column, statistic in zip(columns, step["statistics"]):
        value = statistic if statistic is not None else fill
        if isinstance(value, str):
            types[column] = "string"
        elif value is not None:
            types[column] = "number"
    return types


def _encoder_types(step, columns):
    types = {}
    for column, categories in zip(columns, step["categories"]):
        present = [c for c in categories if c is not None]
        if present:
            types[column] = "string" if isinstance(present[0], str) else "number"
    return types


def _step_types(step, columns):
    kind = step["type"]
    if kind == "SimpleImputer":
        return _imputer_types(step, columns)
    if kind in ("OneHotEncoder", "OrdinalEncoder"):
        return _encoder_types(step, columns)
    if kind in ("StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler", "PolynomialFeatures",
                "KBinsDiscretizer", "FunctionTransformer"):
        return {c: "number" for c in columns}
    if kind == "ColumnTransformer":
        types = {}
        for transformer in step["transformers"]:
            selected = transformer["columns"]
            found = _step_types(transformer["steps"][0], selected) if transformer["steps"] else {
                c: "number" for c in selected}
            for column, kind_ in found.items():
                types.setdefault(column, kind_)
        for column in step["remainderColumns"]:
            types.setdefault(column, "number")
        return types
    return {}


def _sample_types(sample):
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    return {str(c): "number" if (is_numeric_dtype(sample[c]) or is_bool_dtype(sample[c])) else "string"
            for c in sample.columns}


def infer_input_types(json_steps, input_names, sample=None):
    """Map each input column name to "number" or "string"."""
    found = _step_types(json_steps[0], list(input_names)) if json_steps else {}
    if sample is not None:
        found.update({k: v for k, v in _sample_types(sample).items() if k in set(input_names)})
    return {name: found.get(name, "number") for name in input_names}
