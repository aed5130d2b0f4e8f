"""The command line: ``python -m mlserve_sklearn export MODEL.pkl --out DIR``."""

import argparse
import json
import sys

from .__about__ import __version__
from .errors import ExportError


def _pairs(values, what, convert):
    out = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ExportError("%s must look like key=value, got %r" % (what, item))
        try:
            out[key] = convert(value)
        except ValueError:
            raise ExportError("%s %r: %r is not a number" % (what, key, value)) from None
    return out


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m mlserve_sklearn",
                                     description="Export scikit-learn models for mlserve.")
    parser.add_argument("--version", action="version", version="mlserve-sklearn " + __version__)
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="export a pickled model to DIR")
    export.add_argument("model", help="the .pkl/.joblib file holding a fitted Pipeline or estimator, or a dict"
                                      " {'pipeline'|'model': ..., 'metadata': {...}}")
    export.add_argument("--out", required=True, help="output directory (created if needed)")
    export.add_argument("--name", help="model name (default: the file name without extension)")
    export.add_argument("--metrics", nargs="*", metavar="KEY=NUMBER", help="metrics to record")
    export.add_argument("--labels", nargs="*", metavar="KEY=VALUE", help="labels such as owner=team")
    export.add_argument("--classes", nargs="*", metavar="NAME", help="display names of the classes, in order")
    export.add_argument("--targets", nargs="*", metavar="NAME", help="names of a regressor's targets, in order")
    export.add_argument("--metadata", metavar="JSON", help="free metadata as a JSON object")
    export.add_argument("--sample", metavar="CSV", help="raw input rows whose dtypes decide the input types")
    export.add_argument("--reference", metavar="CSV", help="training data: writes stats.json (bins, ranges, baseline)")
    export.add_argument("--target", metavar="COLUMN", help="the label column of --reference (baseline metrics)")
    return parser


def run(argv=None):
    """Parse ``argv`` and export; returns the process exit code."""
    args = build_parser().parse_args(argv)
    from .export import export_model

    try:
        sample = None
        if args.sample:
            import pandas as pd

            sample = pd.read_csv(args.sample, nrows=1000)
        reference = reference_target = None
        if args.reference:
            import pandas as pd

            reference = pd.read_csv(args.reference)
            if args.target:
                if args.target not in reference.columns:
                    raise ExportError("--target %s is not a column of %s" % (args.target, args.reference))
                reference_target = reference.pop(args.target)
        metadata = json.loads(args.metadata) if args.metadata else None
        if metadata is not None and not isinstance(metadata, dict):
            raise ExportError("--metadata must be a JSON object")
        result = export_model(
            args.model, args.out, name=args.name, metrics=_pairs(args.metrics, "metric", float),
            labels=_pairs(args.labels, "label", str), classes=args.classes, targets=args.targets, metadata=metadata,
            sample=sample, reference=reference, reference_target=reference_target)
    except ExportError as err:
        print("error: %s" % err, file=sys.stderr)
        return 2
    written = [p for p in (result.model_path, result.pipeline_path, result.metadata_path, result.stats_path) if p]
    print("exported %s (%s) to %s: %s" % (result.metadata["name"], result.metadata["estimator"], result.out_dir,
                                          ", ".join(written)))
    return 0
