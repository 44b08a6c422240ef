"""Login limits per client address and per account, counted in Redis so that every worker and app server
shares them (the real Redis at 127.0.0.1:6379, database 4)."""
import json
import os
import subprocess
import sys

import pytest
import redis

from portal.config import load_config
from tests.conftest import PASSWORD, login

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/4")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

OTHER_SERVER = """
import json, sys
from portal import create_app
from tests.conftest import CSRFClient, _test_config
url, port, extra, posts = json.loads(sys.argv[1])
app = create_app(_test_config(url, port, **extra))
app.test_client_class = CSRFClient
client = app.test_client()
print(json.dumps([client.post("/account/inloggen", data=data, environ_base={"REMOTE_ADDR": ip}).status_code
                  for ip, data in posts]))
"""


def redis_available() -> bool:
    try:
        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not redis_available(), reason="no Redis at " + REDIS)


def on_another_server(database_url, smtp_port, extra, posts):
    """Run the posts in another process: another app server with its own memory, sharing only the stores."""
    done = subprocess.run([sys.executable, "-c", OTHER_SERVER, json.dumps([database_url, smtp_port, extra, posts])],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def shared_limits(app, make_app, database_url, smtp_server):
    # After ``app``: the limiter is one object per process and takes the storage of the app made last.
    # make_app resets the storage: database 4 starts empty.
    extra = {"RATELIMIT_STORAGE_URI": REDIS,
             "RATELIMIT_LOGIN": "3 per minute", "RATELIMIT_LOGIN_ACCOUNT": "3 per 15 minutes"}
    app = make_app(**extra)
    return app, lambda posts: on_another_server(database_url, smtp_server.port, extra, posts)


def wrong(email="doelwit@bedrijf.nl"):
    return {"email": email, "password": "Fout-wachtwoord-1"}


@needs_redis
def test_two_app_servers_share_the_login_limit_per_client(shared_limits):
    app, other_server = shared_limits
    assert other_server([["10.9.0.1", wrong("a@bedrijf.nl")], ["10.9.0.1", wrong("b@bedrijf.nl")]]) == [200, 200]
    client = app.test_client()
    answers = [client.post("/account/inloggen", data=wrong(f"{n}@bedrijf.nl"),
                           environ_base={"REMOTE_ADDR": "10.9.0.1"}).status_code for n in ("c", "d")]
    assert answers == [200, 429]


@needs_redis
def test_two_app_servers_share_the_login_limit_per_account(shared_limits, make_user):
    app, other_server = shared_limits
    make_user(email="doelwit@bedrijf.nl")
    assert other_server([["10.9.1.1", wrong()], ["10.9.1.2", wrong()]]) == [200, 200]
    client = app.test_client()
    assert client.post("/account/inloggen", data=wrong(), environ_base={"REMOTE_ADDR": "10.9.1.3"}).status_code == 200
    # The fourth wrong password for this account, from a fourth address: refused, even with the right password.
    right = {"email": "doelwit@bedrijf.nl", "password": PASSWORD}
    assert client.post("/account/inloggen", data=right, environ_base={"REMOTE_ADDR": "10.9.1.4"}).status_code == 429
    # Other accounts are not affected.
    assert client.post("/account/inloggen", data=wrong("ander@bedrijf.nl"),
                       environ_base={"REMOTE_ADDR": "10.9.1.5"}).status_code == 200


def test_successful_logins_do_not_count_against_the_account(make_app, mailbox, make_user):
    app = make_app(RATELIMIT_LOGIN="100 per minute", RATELIMIT_LOGIN_ACCOUNT="2 per 15 minutes")
    user = make_user()
    for _ in range(4):
        client = app.test_client()
        login(client, user.email)
        client.post("/account/uitloggen")


def test_redis_is_used_whenever_it_is_configured(monkeypatch, tmp_path):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert load_config(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "memory://"
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    assert load_config(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://limits:6379/1")
    assert load_config(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "redis://limits:6379/1"


def test_behind_the_proxy_each_visitor_has_their_own_limit(make_app, mailbox):
    app = make_app(PROXY_COUNT=1, RATELIMIT_LOGIN="2 per minute")
    client = app.test_client()

    def attempt_from(ip):
        return client.post("/account/inloggen", data=wrong(f"{ip}@bedrijf.nl"),
                           environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"X-Forwarded-For": ip}).status_code

    assert [attempt_from("192.0.2.1") for _ in range(3)] == [200, 200, 429]
    assert attempt_from("192.0.2.2") == 200  # another visitor through the same proxy
