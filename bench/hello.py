"""The limit of the benchmark: a bare Flask app that answers "ok", served by the same gunicorn (2 sync workers)
and driven by the same wrk in the same run. Every route is reported as a share of it (bench/run.py)."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "ok"
