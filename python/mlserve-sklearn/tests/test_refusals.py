"""Anything the exporter cannot translate exactly is refused, naming what is supported."""

import os
import tempfile
import unittest

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import AdaBoostClassifier, HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.naive_bayes import BernoulliNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, SplineTransformer, StandardScaler
from sklearn.svm import SVC, SVR

from helpers import numeric, passengers
from mlserve_sklearn import ExportError, UnsupportedError, export_model


class Doubler(BaseEstimator, TransformerMixin):
    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return np.asarray(X) * 2


class MyForest(RandomForestClassifier):
    pass


class RefusalTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.out = os.path.join(self.tmp.name, "out")

    def assert_refused(self, model, *words):
        with self.assertRaises(UnsupportedError) as ctx:
            export_model(model, self.out)
        message = str(ctx.exception)
        for word in words + ("Supported estimators: RandomForestClassifier", "GradientBoostingClassifier",
                             "LogisticRegression", "OneHotEncoder", "ColumnTransformer"):
            self.assertIn(word, message)
        self.assertFalse(os.path.exists(os.path.join(self.out, "model.onnx")), "nothing is written")
        return message

    def test_unsupported_estimators_are_refused(self):
        X, y = numeric()
        self.assert_refused(AdaBoostClassifier(n_estimators=2).fit(X, y), "AdaBoostClassifier")
        self.assert_refused(SVR().fit(X, y), "SVR")
        self.assert_refused(BernoulliNB().fit(X, y), "BernoulliNB")
        sgd = Pipeline([("scale", StandardScaler()), ("sgd", SGDClassifier())])
        self.assert_refused(sgd.fit(X, y), "SGDClassifier")

    def test_the_refusal_names_every_supported_classifier_and_regressor(self):
        X, y = numeric()
        message = self.assert_refused(SVR().fit(X, y), "SVR")
        for name in ("HistGradientBoostingClassifier", "SVC", "LinearSVC", "KNeighborsClassifier", "MLPClassifier",
                     "GaussianNB", "LinearRegression", "Ridge", "Lasso", "ElasticNet", "DecisionTreeRegressor",
                     "RandomForestRegressor", "ExtraTreesRegressor", "GradientBoostingRegressor",
                     "HistGradientBoostingRegressor", "KNeighborsRegressor", "MLPRegressor"):
            self.assertIn(name, message)

    def test_unsupported_options_of_supported_estimators_are_refused(self):
        X, y = numeric()
        self.assert_refused(SVC(kernel="precomputed").fit(X @ X.T.to_numpy(), y), "precomputed")
        self.assert_refused(KNeighborsClassifier(metric="cosine").fit(X, y), "cosine")
        self.assert_refused(KNeighborsRegressor(weights=lambda d: d).fit(X, y), "weights")
        categorical = HistGradientBoostingClassifier(max_iter=2, categorical_features=[0])
        self.assert_refused(categorical.fit(np.c_[np.arange(len(y)) % 3, X], y), "categorical")
        self.assert_refused(MLPClassifier(max_iter=5).fit(X, np.c_[y, 1 - y]), "multilabel")

    def test_a_dict_that_is_not_a_bundle_is_refused_with_its_shape(self):
        X, y = numeric()
        message = self.assert_refused({"clf": LogisticRegression().fit(X, y)}, "'pipeline' or 'model'")
        self.assertIn("['clf']", message)

    def test_subclasses_of_supported_estimators_are_refused(self):
        X, y = numeric()
        self.assert_refused(MyForest(n_estimators=2).fit(X, y), "MyForest")

    def test_custom_and_function_transformers_are_refused(self):
        X, y = numeric()
        self.assert_refused(Pipeline([("double", Doubler()), ("clf", LogisticRegression())]).fit(X, y), "Doubler")
        self.assert_refused(Pipeline([("log", FunctionTransformer(np.log2)), ("clf", LogisticRegression())])
                            .fit(X.abs(), y), "FunctionTransformer(func=log2)", "np.log1p, np.log, np.sqrt, np.exp, np.abs")
        self.assert_refused(Pipeline([("spline", SplineTransformer()), ("clf", LogisticRegression())]).fit(X, y),
                            "SplineTransformer")

    def test_unsupported_options_are_refused(self):
        X, y = passengers()
        cases = [
            (ColumnTransformer([("num", SimpleImputer(add_indicator=True), ["Age"])]), "add_indicator"),
            (ColumnTransformer([("num", SimpleImputer(missing_values=-1), ["Pclass"])]), "missing_values"),
            (ColumnTransformer([("sex", OneHotEncoder(drop=["male"]), ["Sex"])]), "drop"),
            (ColumnTransformer([("sex", OneHotEncoder(min_frequency=0.4, handle_unknown="infrequent_if_exist"),
                                 ["Sex"])]), "infrequent"),
            (ColumnTransformer([("sex", OneHotEncoder(), ["Sex"])], remainder=StandardScaler()), "remainder"),
            (ColumnTransformer([("sex", OneHotEncoder(), ["Sex"]), ("p", "passthrough", ["Pclass"])],
                               transformer_weights={"sex": 2.0}), "transformer_weights"),
        ]
        for pre, word in cases:
            with self.subTest(word=word):
                if word == "remainder":
                    X_ = X[["Sex", "Fare"]]
                else:
                    X_ = X
                model = Pipeline([("pre", pre), ("clf", LogisticRegression())]).fit(X_, y)
                self.assert_refused(model, word)

    def test_a_data_dependent_boosting_init_is_refused(self):
        from sklearn.ensemble import GradientBoostingClassifier

        X, y = numeric()
        model = GradientBoostingClassifier(n_estimators=2, init=LogisticRegression()).fit(X, y)
        self.assert_refused(model, "init")

    def test_unfitted_models_are_refused(self):
        with self.assertRaises(ExportError) as ctx:
            export_model(Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())]), self.out)
        self.assertIn("not fitted", str(ctx.exception))

    def test_non_models_are_refused(self):
        self.assert_refused({"not": "a model"}, "dict")


if __name__ == "__main__":
    unittest.main()
