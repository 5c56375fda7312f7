#!/usr/bin/env python3
"""The checks of ops/chaos (standard library only; PostgreSQL through `psql`, with the
connection in the PG* environment variables; NATS through chaos_nats.py).

    chaos_check.py commands LOG_JSONL...
        Every command the load generator logged (in every log given): a 2xx answer has exactly one event carrying
        its key (`chaos-<key>`) in PostgreSQL, at the global position and stream version the
        answer gave; a 4xx answer has none; a command given up (no answer but 503s or
        connection errors until the retry deadline) has at most one; no event carries a key
        nobody sent; and no answer was a 5xx other than 503.
    chaos_check.py nats SERVERS STREAM
        The JetStream stream holds every event of the log exactly once (the event id of a
        message is its Nats-Msg-Id up to a `:`) and nothing else.
Prints one line per check; exits 1 if any failed.
"""
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def psql(sql):
    out = subprocess.run(["psql", "-X", "-qtA", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def check_commands(log_paths):
    records = [json.loads(line) for path in log_paths for line in open(path) if line.strip()]
    events = collections.defaultdict(list)
    for key, gp, stream, version in psql(
            "SELECT substring(payload::text from 'chaos-([0-9a-f-]{36})'), global_position, "
            "stream_id, stream_version FROM events WHERE payload::text LIKE '%chaos-%'"):
        events[key].append((int(gp), stream, int(version)))
    problems = []
    sent = set()
    ok = refused = gave_up = replayed = retried = 0
    for r in records:
        key, status, found = r["key"], r.get("status"), events.get(r["key"], [])
        sent.add(key)
        retried += r["attempts"] > 1
        replayed += bool(r.get("replayed"))
        for s in r.get("server_errors", []):
            problems.append(f"{key}: answered {s} (a 5xx other than 503)")
        if status is not None and 200 <= status < 300:
            ok += 1
            if len(found) != 1:
                problems.append(f"{key}: 2xx but {len(found)} events in PostgreSQL")
            elif (found[0][0], found[0][2]) != (r.get("global_position"), r.get("stream_version")):
                problems.append(f"{key}: answered position {r.get('global_position')} version "
                                f"{r.get('stream_version')}, stored {found[0][0]} {found[0][2]}")
        elif status is not None and 400 <= status < 500:
            refused += 1
            if found:
                problems.append(f"{key}: answered {status} but {len(found)} events stored")
        else:
            gave_up += 1
            if len(found) > 1:
                problems.append(f"{key}: given up after {status}, {len(found)} events stored")
    for key in events.keys() - sent:
        problems.append(f"{key}: {len(events[key])} events carry a key no client logged")
    print(f"commands: {len(records)} sent, {ok} 2xx ({retried} needed retries, {replayed} "
          f"answered as replays), {refused} 4xx, {gave_up} given up; "
          f"{sum(len(v) for v in events.values())} events carry a key")
    return problems


def check_nats(servers, stream):
    ids = subprocess.run([sys.executable, os.path.join(HERE, "chaos_nats.py"), servers, "ids",
                          stream], check=True, capture_output=True, text=True).stdout.split()
    on_nats = collections.Counter(i.split(":", 1)[0] for i in ids)
    in_log = {row[0] for row in psql("SELECT event_id FROM events")}
    problems = []
    missing = in_log - on_nats.keys()
    extra = on_nats.keys() - in_log
    twice = [i for i, n in on_nats.items() if n > 1]
    republished = sum(":" in i for i in ids)
    if missing:
        problems.append(f"{len(missing)} events missing from NATS, e.g. {sorted(missing)[:3]}")
    if extra:
        problems.append(f"{len(extra)} messages on NATS are no event, e.g. {sorted(extra)[:3]}")
    if twice:
        problems.append(f"{len(twice)} events on NATS more than once, e.g. {twice[:3]}")
    print(f"nats: {len(ids)} messages ({republished} republished by the relay's audit) for "
          f"{len(in_log)} events")
    return problems


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    problems = check_commands(argv[2:]) if argv[1] == "commands" else check_nats(argv[2], argv[3])
    for p in problems[:20]:
        print(f"  FAIL {p}")
    if len(problems) > 20:
        print(f"  … and {len(problems) - 20} more")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main(sys.argv)
