#!/usr/bin/env python3
"""JetStream by hand for ops/chaos (standard library only, the NATS text protocol).

    chaos_nats.py HOST:PORT info STREAM             stream state as JSON
    chaos_nats.py HOST:PORT purge STREAM            purge every message (simulated data loss)
    chaos_nats.py HOST:PORT delete STREAM N         delete the last N messages (simulated loss)
    chaos_nats.py HOST:PORT ids STREAM              every message's Nats-Msg-Id, one a line
    chaos_nats.py HOST:PORT ready                   exits 0 once JetStream answers
    chaos_nats.py HOST:PORT leader STREAM           the server name leading the stream
    chaos_nats.py HOST:PORT replicas STREAM         the stream's configured replicas
    chaos_nats.py HOST:PORT streams                 the stream names
    chaos_nats.py HOST:PORT rm STREAM...            delete streams
    chaos_nats.py HOST:PORT pub SUBJECT MSGID       publish one message with a Nats-Msg-Id

HOST:PORT may be a comma-separated list (a cluster): the first that answers is used.
"""
import base64
import json
import socket
import sys


class Nats:
    """One connection; request() publishes and waits for the one reply."""

    def __init__(self, servers):
        last = None
        for server in servers.split(","):
            host, port = server.rsplit(":", 1)
            try:
                self.sock = socket.create_connection((host, int(port)), timeout=10)
                break
            except OSError as e:
                last = e
        else:
            raise SystemExit(f"no NATS server answers at {servers}: {last}")
        self.file = self.sock.makefile("rb")
        self.file.readline()  # INFO
        self.sock.sendall(
            b'CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true}\r\n'
            b"SUB _INBOX.chaos 1\r\n"
        )

    def request(self, subject, payload=b"", headers=None):
        if headers:
            head = b"NATS/1.0\r\n" + b"".join(
                b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in headers.items()
            ) + b"\r\n"
            self.sock.sendall(
                b"HPUB %s _INBOX.chaos %d %d\r\n%s%s\r\n"
                % (subject.encode(), len(head), len(head) + len(payload), head, payload)
            )
        else:
            self.sock.sendall(
                b"PUB %s _INBOX.chaos %d\r\n%s\r\n" % (subject.encode(), len(payload), payload)
            )
        while True:
            line = self.file.readline()
            if not line:
                raise SystemExit("NATS closed the connection")
            if line.startswith(b"PING"):
                self.sock.sendall(b"PONG\r\n")
            elif line.startswith(b"-ERR"):
                raise SystemExit(line.decode().strip())
            elif line.startswith(b"MSG"):
                size = int(line.split()[-1])
                body = self.file.read(size + 2)[:size]
                return json.loads(body or b"{}")
            elif line.startswith(b"HMSG"):
                parts = line.split()
                hsize, size = int(parts[-2]), int(parts[-1])
                raw = self.file.read(size + 2)[:size]
                if b"503" in raw[:hsize].split(b"\r\n")[0]:
                    raise SystemExit(f"no responders for {subject} (JetStream down?)")
                return json.loads(raw[hsize:] or b"{}")

    def api(self, what, body=None):
        answer = self.request("$JS.API." + what, json.dumps(body).encode() if body else b"")
        if "error" in answer:
            raise SystemExit(f"JetStream {what}: {answer['error']}")
        return answer


def msg_id(message):
    """The Nats-Msg-Id header of a STREAM.MSG.GET answer's message."""
    head = base64.b64decode(message.get("hdrs", "")).decode(errors="replace")
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "nats-msg-id":
            return value.strip()
    return ""


def main(argv):
    nats, action, args = Nats(argv[1]), argv[2], argv[3:]
    if action == "info":
        print(json.dumps(nats.api("STREAM.INFO." + args[0])["state"]))
    elif action == "purge":
        print(json.dumps(nats.api("STREAM.PURGE." + args[0])))
    elif action == "delete":
        state = nats.api("STREAM.INFO." + args[0])["state"]
        last, deleted = state["last_seq"], 0
        seq = last
        while deleted < int(args[1]) and seq >= state["first_seq"] and seq > 0:
            answer = nats.request(
                f"$JS.API.STREAM.MSG.DELETE.{args[0]}", json.dumps({"seq": seq}).encode()
            )
            deleted += bool(answer.get("success"))
            seq -= 1
        print(json.dumps({"deleted": deleted}))
    elif action == "ids":
        state = nats.api("STREAM.INFO." + args[0])["state"]
        seq = state["first_seq"]
        while state["messages"] and seq <= state["last_seq"]:
            # next_by_subj with seq: the first message at or after seq (skips deleted ones).
            answer = nats.request(
                f"$JS.API.STREAM.MSG.GET.{args[0]}",
                json.dumps({"seq": seq, "next_by_subj": ">"}).encode(),
            )
            if "error" in answer:
                if answer["error"].get("err_code") == 10037:  # no message found
                    break
                raise SystemExit(f"MSG.GET {seq}: {answer['error']}")
            message = answer["message"]
            print(msg_id(message))
            seq = message["seq"] + 1
    elif action == "ready":
        nats.api("INFO")
    elif action == "leader":
        print(nats.api("STREAM.INFO." + args[0]).get("cluster", {}).get("leader", ""))
    elif action == "replicas":
        print(nats.api("STREAM.INFO." + args[0])["config"].get("num_replicas", 1))
    elif action == "streams":
        offset = 0
        while True:
            page = nats.api("STREAM.NAMES", {"offset": offset})
            names = page.get("streams") or []
            for name in names:
                print(name)
            offset += len(names)
            if not names or offset >= page.get("total", 0):
                break
    elif action == "rm":
        for name in args:
            nats.request("$JS.API.STREAM.DELETE." + name)
    elif action == "pub":
        print(json.dumps(nats.request(args[0], b"{}", {"Nats-Msg-Id": args[1]})))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
