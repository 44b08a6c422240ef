"""A small threaded load generator for the drills: every request is logged with its time and outcome, so a
drill can count errors before, during and after a fault. Always bounded by ``duration`` seconds."""
import http.client
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Outcome:
    t: float          # seconds since the start
    kind: str         # the request's label
    status: int       # HTTP status, 0 for a connection error
    error: str = ""
    ms: float = 0.0


@dataclass
class Load:
    port: int
    duration: float
    threads: int = 8
    outcomes: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, make_request):
        """``make_request(worker_index, n) -> (kind, method, path, body, headers)``; runs until ``duration``."""
        self.start = time.monotonic()
        stop_at = self.start + self.duration

        def worker(index):
            n = 0
            while time.monotonic() < stop_at:
                kind, method, path, body, headers = make_request(index, n)
                n += 1
                began = time.monotonic()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
                try:
                    conn.request(method, path, body=body, headers=headers or {})
                    response = conn.getresponse()
                    response.read()
                    outcome = Outcome(began - self.start, kind, response.status)
                except (OSError, http.client.HTTPException) as exc:
                    outcome = Outcome(began - self.start, kind, 0, type(exc).__name__)
                    time.sleep(0.05)
                finally:
                    conn.close()
                outcome.ms = (time.monotonic() - began) * 1000
                with self.lock:
                    self.outcomes.append(outcome)

        workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(self.threads)]
        for w in workers:
            w.start()
        return workers

    @staticmethod
    def summary(outcomes, ok=(200, 302)) -> dict:
        bad = [o for o in outcomes if o.status not in ok]
        kinds = {}
        for o in bad:
            key = str(o.status) if o.status else o.error
            kinds[key] = kinds.get(key, 0) + 1
        return {"requests": len(outcomes), "errors": len(bad), "error_kinds": kinds}
