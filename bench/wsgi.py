"""The portal as the benchmark serves it: the normal app, with the API rate limit raised so that the load
generator (one client address) measures the API and not the limiter. Everything else comes from the
environment exactly as in production (wsgi.py)."""
import os

from portal import create_app

app = create_app({"RATELIMIT_API": os.environ.get("BENCH_RATELIMIT_API", "100000000 per minute")})
