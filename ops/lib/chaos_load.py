#!/usr/bin/env python3
"""Steady command load for ops/chaos (standard library only).

    chaos_load.py BASE_URL FUNDS_JSON LOG_JSONL STOP_FILE [WORKERS]

FUNDS_JSON is a list of {"fund": id, "token": manager token}. WORKERS threads (default 6)
post commands until STOP_FILE exists (or the parent process is gone): mostly project
applications (a new project stream each) and some LP subscriptions of 1.00 (the fund's
stream). Each command has a fresh Idempotency-Key, written into the company or LP name as
`chaos-<key>` so the checks find its events in PostgreSQL. On a connection error, a timeout or a 503 the same request is retried
with the same key (every 0.25 s, for at most RETRY_SECONDS, default 120); a 5xx other than
503 is a failure (logged, then retried like a 503 so the command still settles). Every
command ends as one JSON line in LOG_JSONL: key, kind, fund, final status, attempts, the 503s
and connection errors it met, any other 5xx, and the answer's stream id, version and global
position. A summary goes to stdout at the end.
"""
import http.client
import json
import os
import random
import sys
import threading
import time
import uuid
from urllib.parse import urlparse

RETRY_SECONDS = float(os.environ.get("RETRY_SECONDS", "120"))
FACTS = {
    "registered_city": "昆山", "operating_city": "昆山", "independent_legal_person": True,
    "industry": "集成电路", "ip": ["patent"], "business_model_company": False, "staff": 80,
    "rd_staff": 20, "clear_ownership": True, "subsidiary_of_large_group": False,
    "annual_revenue": "5000000.00", "net_assets": "4000000.00", "rd_spending": "900000.00",
    "founded_on": "2019-01-01",
}


def command(fund, key, rng):
    """(kind, path, body) of the next command."""
    if rng.random() < 0.8:
        body = {"company": f"混沌科技 chaos-{key}", "applied_on": "2024-03-01", "facts": FACTS}
        return "project", f"/funds/{fund}/projects", body
    body = {"tranche": 1, "lp_name": f"chaos-{key}", "lp_kind": "state_owned", "amount": "1.00"}
    return "subscription", f"/funds/{fund}/subscriptions", body


def post(base, path, token, key, body):
    """(status, json answer or None); raises OSError/HTTPException on connection trouble."""
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=40)
    try:
        conn.request("POST", path, body=json.dumps(body).encode(), headers={
            "Authorization": f"Bearer {token}", "Idempotency-Key": key,
            "Content-Type": "application/json",
        })
        response = conn.getresponse()
        raw = response.read()
        try:
            answer = json.loads(raw) if raw else None
        except ValueError:
            answer = None
        return response.status, answer, response.getheader("Idempotency-Replayed") == "true"
    finally:
        conn.close()


def stopped(stop_file, parent):
    """Whether to stop: the stop file exists, or ops/chaos is gone."""
    return os.path.exists(stop_file) or os.getppid() != parent


def worker(n, base, funds, log, lock, stop_file, totals):
    rng = random.Random(n)
    i = n
    parent = os.getppid()
    while not stopped(stop_file, parent):
        target = funds[i % len(funds)]
        i += 1
        key = str(uuid.uuid4())
        kind, path, body = command(target["fund"], key, rng)
        record = {"key": key, "kind": kind, "fund": target["fund"], "attempts": 0,
                  "unavailable": 0, "connection_errors": 0, "server_errors": []}
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            record["attempts"] += 1
            try:
                status, answer, replayed = post(base, path, target["token"], key, body)
            except (OSError, http.client.HTTPException) as e:
                record["connection_errors"] += 1
                record["last_error"] = type(e).__name__
                status, answer, replayed = None, None, False
            if status == 503:
                record["unavailable"] += 1
            elif status is not None and status >= 500:
                record["server_errors"].append(status)
            elif status is not None:
                break
            if time.monotonic() > deadline or os.getppid() != parent:
                break
            time.sleep(0.25)
        record["status"] = status
        record["replayed"] = replayed
        if status is not None and 200 <= status < 300 and answer:
            record["stream_id"] = answer.get("project_id") or answer.get("fund_id")
            record["stream_version"] = answer.get("stream_version")
            record["global_position"] = answer.get("global_position")
        elif answer:
            record["code"] = answer.get("code")
        with lock:
            log.write(json.dumps(record) + "\n")
            log.flush()
            bucket = "ok" if status and 200 <= status < 300 else f"status_{status}"
            totals[bucket] = totals.get(bucket, 0) + 1
            totals["server_errors"] = totals.get("server_errors", 0) + len(record["server_errors"])
            totals["unavailable"] = totals.get("unavailable", 0) + record["unavailable"]
            totals["connection_errors"] = (
                totals.get("connection_errors", 0) + record["connection_errors"])


def main(argv):
    if len(argv) < 5:
        raise SystemExit(__doc__)
    base = urlparse(argv[1])
    with open(argv[2]) as f:
        funds = json.load(f)
    workers = int(argv[5]) if len(argv) > 5 else 6
    lock, totals = threading.Lock(), {}
    with open(argv[3], "a") as log:
        threads = [threading.Thread(target=worker, args=(n, base, funds, log, lock, argv[4], totals))
                   for n in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    print(json.dumps(totals, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv)
