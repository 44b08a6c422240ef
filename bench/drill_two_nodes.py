# ruff: noqa: S603, S607, S108 - the drill starts and kills its own local servers on purpose
"""Two-node drill (issue 18): `python -m bench.drill_two_nodes [--mails 40] [--duration 20]`.

Two gunicorn app servers (2 sync workers each) on loopback ports behind nginx (Debian package `nginx`), one
job worker per node (`flask jobs worker`), the same PostgreSQL database `bench_drill` and the same Redis
(`JOBS_URL`, default db 5), `FILE_STORAGE=database`, an SMTP server in this process. It checks:

1. a session made on node A is valid on node B (cookie sessions signed with the shared SECRET_KEY);
2. an evidence file uploaded on node A downloads from node B;
3. with a worker on both nodes, every due mail is sent exactly once (mail queued in bulk, and mail of
   registrations through the proxy), and each scheduled period ran on one node only;
4. node A is killed (SIGKILL to its gunicorn) under load through nginx, and the proxy keeps answering.

Only loopback addresses; nothing is left running afterwards. Writes bench/results/<date>-two-nodes.json.
"""
import argparse
import io
import json
import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from email import message_from_bytes, policy

from bench import common
from bench.common import log

PASSWORD = "Zonnige-Merwede-fiets-2026"  # noqa: S105 - a throwaway password of drill accounts
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

NGINX_CONF = """
daemon off;
user root;
worker_processes 1;
pid {tmp}/nginx-drill.pid;
error_log {tmp}/nginx-drill-error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    client_max_body_size 12m;
    upstream portal {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=10s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=10s;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto http;
            proxy_connect_timeout 1s;
            proxy_next_upstream error timeout http_502 http_503;
        }}
    }}
}}
"""


class Inbox:
    def __init__(self):
        self.to = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.to[(rcpt.lower(), str(msg["Subject"]))] += 1
        return "250 OK"


def csrf(text: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', text)
    return found.group(1)


def app_for(url):
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "JOBS_URL": "immediate", "MAIL_SEND_ON_COMMIT": False})


def editable_assessment(url):
    """(assessment id, theme id, criterion id) of the bench ondernemer's open assessment, made editable."""
    from sqlalchemy import select, update

    from portal.auth.services import find_user
    from portal.extensions import db
    from portal.label.models import Assessment
    from portal.partners.models import Membership

    app = app_for(url)
    with app.app_context():
        user = find_user(common.bench_email("ondernemer"))
        org_id = db.session.scalar(select(Membership.organisation_id).where(Membership.user_id == user.id))
        item = db.session.scalars(select(Assessment).where(Assessment.organisation_id == org_id)
                                  .order_by(Assessment.id.desc())).first()
        db.session.execute(update(Assessment).where(Assessment.id == item.id).values(status="concept"))
        db.session.commit()
        theme = item.criteria_set.themes[0]
        result = item.id, theme.id, theme.criteria[0].id
        db.engine.dispose()
    return result


def queue_bulk(url, n, prefix):
    from portal.extensions import db
    from portal.mail.outbox import queue_mail

    app = app_for(url)
    with app.app_context(), app.test_request_context():
        for i in range(n):
            queue_mail(f"{prefix}{i}@drill.example", "Drill", "auth/password_changed",
                       user=type("U", (), {"name": "Drill", "email": "x"})())
        db.session.commit()
        db.engine.dispose()


def outbox_state(url, like):
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.jobs.models import JobRun
    from portal.mail.models import OutboxMessage

    app = app_for(url)
    with app.app_context():
        counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).where(
            OutboxMessage.recipient.like(like)).group_by(OutboxMessage.status)).all())
        runs = db.session.execute(select(JobRun.name, JobRun.period, JobRun.node)).all()
        db.engine.dispose()
    return counts, runs


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=40, help="mails queued in bulk for the workers")
    parser.add_argument("--registrations", type=int, default=10, help="registrations through the proxy")
    parser.add_argument("--duration", type=float, default=20, help="seconds of load while node A is killed")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args(argv)
    from aiosmtpd.controller import Controller

    result = {"drill": "two nodes behind nginx", "machine": common.machine()}
    url = common.database("postgres", "bench_drill")
    result["schema"] = common.build_schema(url)
    common.seed(url, 50)
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    inbox = Inbox()
    smtp_port = common.free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    env = {"FILE_STORAGE": "database", "JOBS_URL": args.redis, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port,
           "MAIL_SEND_ON_COMMIT": "1", "JOBS_WORKERS": "2"}
    nodes = [common.Server(url, timeout=60, **env), common.Server(url, timeout=60, **env)]
    workers, proxy = [], None
    common.TMP.mkdir(parents=True, exist_ok=True)
    try:
        for node in nodes:
            node.start()
        a, b = nodes
        log(f"nodes on 127.0.0.1:{a.port} and 127.0.0.1:{b.port}")
        for name in ("a", "b"):
            logfile = open(common.TMP / f"drill-worker-{name}.log", "w")  # noqa: SIM115
            workers.append((subprocess.Popen([str(common.VENV_BIN / "flask"), "--app", "wsgi", "jobs", "worker"],
                                             cwd=common.ROOT, env=common.server_env(url, **env), stdout=logfile,
                                             stderr=subprocess.STDOUT, start_new_session=True), logfile))
        port = common.free_port()
        conf = common.TMP / "nginx-drill.conf"
        conf.write_text(NGINX_CONF.format(tmp=common.TMP, a=a.port, b=b.port, port=port))
        proxy = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(common.TMP)], start_new_session=True)
        front = f"http://127.0.0.1:{port}"
        for _ in range(50):
            try:
                if common.http_get(front + "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)

        import requests

        # 1. A session made on A is valid on B.
        browser = requests.Session()
        page = browser.get(a.base + "/account/inloggen", timeout=30)
        login = browser.post(a.base + "/account/inloggen", allow_redirects=False, timeout=30, data={
            "email": common.bench_email("ondernemer"), "password": common.BENCH_PASSWORD,
            "csrf_token": csrf(page.text)})
        on_b = browser.get(b.base + "/organisatie", allow_redirects=False, timeout=30)
        result["session_moves"] = {"login_on_a": login.status_code, "org_home_on_b": on_b.status_code,
                                   "ok": login.status_code == 302 and on_b.status_code == 200}
        log(f"1. session: login on A {login.status_code}, /organisatie on B {on_b.status_code}")

        # 2. Upload on A, download from B.
        assessment_id, theme_id, criterion_id = editable_assessment(url)
        theme_page = browser.get(f"{a.base}/label/zelfscan/{assessment_id}/thema/{theme_id}", timeout=30)
        upload = browser.post(f"{a.base}/label/zelfscan/{assessment_id}/vraag/{criterion_id}/bewijs",
                              data={"csrf_token": csrf(theme_page.text)},
                              files={"file": ("drill.pdf", io.BytesIO(PDF), "application/pdf")},
                              allow_redirects=False, timeout=30)
        from sqlalchemy import select

        from portal.extensions import db
        from portal.label.models import EvidenceFile

        app = app_for(url)
        with app.app_context():
            evidence_id = db.session.scalar(select(EvidenceFile.id).where(EvidenceFile.filename == "drill.pdf"))
            db.engine.dispose()
        download = browser.get(f"{b.base}/label/bewijs/{evidence_id}", timeout=30) if evidence_id else None
        result["upload_a_download_b"] = {
            "upload_status": upload.status_code, "evidence_id": evidence_id,
            "download_status": download.status_code if download is not None else None,
            "same_bytes": download is not None and download.content == PDF}
        log(f"2. upload on A {upload.status_code}, download on B "
            f"{download.status_code if download is not None else '-'}, "
            f"same bytes {result['upload_a_download_b']['same_bytes']}")

        # 3. Every due mail exactly once with a worker on each node.
        prefix = f"drill{int(time.time())}-"
        queue_bulk(url, args.mails, prefix)
        for i in range(args.registrations):
            visitor = requests.Session()
            form = visitor.get(front + "/account/registreren", timeout=30)
            visitor.post(front + "/account/registreren", timeout=30, data={
                "name": "Drill", "email": f"{prefix}reg{i}@drill.example", "password": PASSWORD,
                "password2": PASSWORD, "csrf_token": csrf(form.text)})
        expected = args.mails + args.registrations
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            counts, _runs = outbox_state(url, f"{prefix}%")
            if counts.get("sent", 0) >= expected:
                break
            time.sleep(2)
        time.sleep(3)
        counts, runs = outbox_state(url, f"{prefix}%")
        received = Counter({k: v for k, v in inbox.to.items() if k[0].startswith(prefix)})
        periods = Counter((name, period) for name, period, _node in runs)
        worker_nodes = Counter(node for _name, _period, node in runs)
        result["mail_once"] = {
            "expected": expected, "outbox": counts, "received_recipients": len(received),
            "received_messages": sum(received.values()), "max_per_recipient": max(received.values(), default=0),
            "job_runs": len(runs), "job_runs_per_node": dict(worker_nodes),
            "periods_run_twice": sum(1 for n in periods.values() if n > 1),
            "ok": len(received) == expected and max(received.values(), default=0) == 1}
        log(f"3. mail: {sum(received.values())} messages to {len(received)} of {expected} recipients, "
            f"at most {result['mail_once']['max_per_recipient']} each; job runs per node {dict(worker_nodes)}")

        # 4. Kill node A under load through the proxy.
        paths = ["/healthz", "/label/register", "/label/register?q=bouw"]
        holder = {}
        thread = threading.Thread(target=lambda: holder.setdefault(
            "wrk", common.wrk(front, paths, args.duration, 16)))
        thread.start()
        time.sleep(args.duration / 3)
        os.killpg(a.proc.pid, signal.SIGKILL)
        killed_at = round(args.duration / 3, 1)
        thread.join(args.duration + 90)
        data = holder.get("wrk", {})
        after = [common.http_get(front + "/healthz", timeout=5)[0] for _ in range(10)]
        result["kill_node_a"] = {
            "killed_after_s": killed_at, "requests": data.get("requests"), "rps": data.get("rps"),
            "non200": data.get("non200"), "errors": {k: data.get(k) for k in
                                                     ("errors_connect", "errors_read", "errors_timeout")},
            "p95_ms": data.get("p95_ms"), "healthz_after": after}
        log(f"4. node A killed after {killed_at} s of {args.duration} s load: {data.get('requests')} requests, "
            f"non-200 {data.get('non200')}, errors {result['kill_node_a']['errors']}; afterwards {after}")
    finally:
        if proxy is not None:
            proxy.send_signal(signal.SIGQUIT)
            try:
                proxy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proxy.pid, signal.SIGKILL)
        for proc, logfile in workers:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            logfile.close()
        for node in nodes:
            node.stop()
        smtp.stop()
        common.pg_drop("bench_drill")
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    path = common.RESULTS / f"{time.strftime('%Y%m%d-%H%M', time.gmtime())}-two-nodes.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    log(f"saved {path.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
