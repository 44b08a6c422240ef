"""What a request costs around its view: `python -m bench.profile_request [--path /healthz] [--n 3000]`.

CPU time per request through Flask's test client (no network, no gunicorn) on a fresh SQLite database under
bench/tmp/, as the portal is configured, then with one part switched off at a time, and the top functions of a
cProfile run. CPU time (time.process_time) is measured, so a busy machine stretches it less than wall time.
"""
import argparse
import cProfile
import io
import pstats
import time

from bench import common


def cpu_ms(extra: dict, path: str, n: int) -> float:
    from portal import create_app
    from portal.extensions import db

    url = f"sqlite:///{common.TMP / 'profile.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": common.SECRET, "JOBS_URL": "immediate", **extra})
    with app.app_context():
        db.create_all()
    client = app.test_client()
    for _ in range(min(300, n)):
        client.get(path)
    best = float("inf")
    for _ in range(3):
        began = time.process_time()
        for _ in range(n):
            client.get(path)
        best = min(best, (time.process_time() - began) / n * 1000)
    return round(best, 3)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--path", default="/healthz")
    parser.add_argument("--n", type=int, default=3000)
    args = parser.parse_args(argv)
    common.TMP.mkdir(parents=True, exist_ok=True)
    full = cpu_ms({}, args.path, args.n)
    print(f"{args.path}: {full} ms CPU per request")
    for label, extra in (("without the rate limiter", {"RATELIMIT_ENABLED": False}),):
        value = cpu_ms(extra, args.path, args.n)
        print(f"  {label}: {value} ms ({(full - value) / full:.0%} of the request)")
    from portal import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{common.TMP / 'profile.db'}",
                      "SECRET_KEY": common.SECRET, "JOBS_URL": "immediate"})
    client = app.test_client()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.n):
        client.get(args.path)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
    print(out.getvalue())


if __name__ == "__main__":
    main()
