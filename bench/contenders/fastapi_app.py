"""Contender 3: the "why not FastAPI" alternative.

FastAPI + uvicorn serving the scikit-learn Pipeline itself with predict_proba, the way a Python
team serves a model without mlserve. The pipeline is trained at start on the Titanic CSV with the
same code as apps/titanic-api/train.py (no pickle is ever written or loaded).

    /usr/bin/python3 bench/contenders/fastapi_app.py [--data ../shared/datasets/titanic.csv] [--port 0]

Prints `listening on http://127.0.0.1:<port>` once the model is trained and the socket is bound.
Needs Debian's python3-fastapi python3-uvicorn python3-sklearn python3-pandas.
"""

import argparse
import asyncio
import os
import socket
import sys
from typing import List, Optional, Union

import numpy as np
import pandas as pd
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
# The seed's legend of `survived`, answered with every prediction as apps/titanic-api does.
MESSAGE = "1 = \uc0dd\uc874, 0 = \uc0ac\ub9dd"
DEFAULT_DATA = os.path.join(REPO, "..", "shared", "datasets", "titanic.csv")


def train(csv_path):
    """Fits the Titanic pipeline exactly as apps/titanic-api/train.py does: its build_model() on
    its train split (the same train_test_split arguments)."""
    sys.path.insert(0, os.path.join(REPO, "apps", "titanic-api"))
    from train import FEATURES, TARGET, build_model  # the app's own training code

    data = pd.read_csv(csv_path)
    x, y = data[FEATURES], data[TARGET]
    x_train, _, y_train, _ = train_test_split(x, y, test_size=0.2, stratify=y, random_state=42)
    return build_model().fit(x_train, y_train), FEATURES


class Passenger(BaseModel):
    Pclass: int
    Sex: str
    Age: Optional[float] = None
    SibSp: int = 0
    Parch: int = 0
    Fare: Optional[float] = None
    Embarked: Optional[str] = None


def create_app(model, columns):
    app = FastAPI(title="titanic (FastAPI + scikit-learn)")

    @app.get("/readyz")
    def readyz():
        return {"status": "ready"}

    # `async def`: predict_proba is CPU-bound, and a plain `def` handler runs in Starlette's
    # 40-thread pool where the threads fight over the GIL: measured here, ~40 req/s at c=64
    # against ~55 on the event loop. The faster of the two is the fairer contender.
    @app.post("/predict")
    async def predict(body: Union[List[Passenger], Passenger]):
        rows = body if isinstance(body, list) else [body]
        frame = pd.DataFrame([r.dict() for r in rows], columns=columns)
        # JSON null arrives as None; scikit-learn's imputers only see NaN as missing (as in the CSV).
        frame = frame.mask(frame.isna(), np.nan)
        proba = model.predict_proba(frame)
        answers = [
            {"survived": int(model.classes_[p.argmax()]), "probability": float(p[1]), "message": MESSAGE}
            for p in proba
        ]
        return answers if isinstance(body, list) else answers[0]

    return app


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "0")))
    args = parser.parse_args()

    model, columns = train(args.data)
    app = create_app(model, columns)
    # Bind first so port 0 works and the real port can be printed. IPPROTO_TCP as getaddrinfo gives
    # it (uvicorn's own path): asyncio sets TCP_NODELAY only on such sockets, and without it every
    # keep-alive response waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    host, port = sock.getsockname()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    print(f"listening on http://{host}:{port}", flush=True)
    asyncio.run(server.serve(sockets=[sock]))


if __name__ == "__main__":
    main()
