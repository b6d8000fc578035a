"""The twin's Livy interactive sessions: Livy's documented REST API for /sessions
(https://livy.apache.org/docs/latest/rest-api.html: sessions, statements, their states, output and
error shapes, logs, CSRF) answered by a server of the twin's own, because Apache Livy's REPL jars
(livy-repl) are on no registry here. Each session is a real PySpark driver started with Spark's
spark-submit on YARN (client mode: the driver on this head node, its executors in YARN containers),
running livy_repl.py; statements run there, one at a time, in the session's namespace.

What differs from Apache Livy: only PySpark sessions (kind `pyspark`; `spark` and `sparkr` are
refused with a message saying so), the driver runs on the head node rather than in a YARN container,
and sessions are not recovered after a restart. Batches (/batches) are Apache Livy 0.7.1 itself.
"""
import base64
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

REPL = "/usr/local/lib/twin/livy_repl.py"
STARTUP_SECONDS = int(os.environ.get("LIVY_SESSION_STARTUP_SECONDS", "300"))
FINAL = {"error", "dead", "killed", "success"}
LOCK = threading.Lock()
SESSIONS = {}
NEXT_ID = [0]


def now_ms():
    return int(time.time() * 1000)


class Statement:
    def __init__(self, sid, code, kind):
        self.id, self.code, self.kind = sid, code, kind
        self.state, self.output, self.started, self.completed = "waiting", None, 0, 0

    def json(self):
        return {"id": self.id, "code": self.code, "state": self.state, "output": self.output,
                "progress": 1.0 if self.state == "available" else 0.0, "started": self.started, "completed": self.completed}


class Session:
    def __init__(self, sid, body, owner):
        self.id, self.owner, self.body = sid, owner, body
        self.kind = body.get("kind", "pyspark")
        self.name = body.get("name")
        self.state, self.app_id, self.ui = "starting", None, None
        self.log, self.statements, self.queue = [], [], []
        self.cond = threading.Condition()
        self.proc = None
        self.spark_version = None
        threading.Thread(target=self.start, daemon=True).start()

    def json(self):
        return {"id": self.id, "name": self.name, "appId": self.app_id, "owner": self.owner, "proxyUser": self.body.get("proxyUser"),
                "state": self.state, "kind": self.kind, "log": self.log[-10:],
                "appInfo": {"driverLogUrl": None, "sparkUiUrl": self.ui}}

    def argv(self, port, secret):
        b = self.body
        argv = ["spark-submit", "--master", "yarn", "--deploy-mode", "client", "--name", self.name or "livy-session-%d" % self.id,
                "--num-executors", str(b.get("numExecutors", 1))]
        for flag, key in (("--driver-memory", "driverMemory"), ("--driver-cores", "driverCores"), ("--executor-memory", "executorMemory"),
                          ("--executor-cores", "executorCores"), ("--queue", "queue")):
            if key in b:
                argv += [flag, str(b[key])]
        for flag, key in (("--jars", "jars"), ("--py-files", "pyFiles"), ("--files", "files"), ("--archives", "archives")):
            if b.get(key):
                argv += [flag, ",".join(b[key])]
        for k, v in (b.get("conf") or {}).items():
            argv += ["--conf", "%s=%s" % (k, v)]
        return argv + [REPL, str(port), secret]

    def start(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(STARTUP_SECONDS)
        secret = secrets.token_hex(16)
        self.proc = subprocess.Popen(self.argv(listener.getsockname()[1], secret), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, text=True, errors="replace")
        threading.Thread(target=self.collect_log, daemon=True).start()
        try:
            conn, _ = listener.accept()
        except OSError:
            return self.end("dead", "the session's driver did not start within %d s" % STARTUP_SECONDS)
        finally:
            listener.close()
        reader, writer = conn.makefile("r", encoding="utf-8"), conn.makefile("w", encoding="utf-8")
        if json.loads(reader.readline() or "{}").get("secret") != secret:
            return self.end("dead", "the session's driver answered with a wrong secret")
        ready = json.loads(reader.readline() or "{}")
        if not ready.get("ready"):
            return self.end("dead", ready.get("error", "the session's driver ended before it was ready"))
        self.app_id, self.ui, self.spark_version = ready["appId"], ready.get("sparkUiUrl"), ready.get("sparkVersion")
        self.set_state("idle")
        while True:
            with self.cond:
                while not self.queue and self.state not in FINAL:
                    self.cond.wait()
                if self.state in FINAL:
                    return
                st = self.queue.pop(0)
                self.state = "busy"
            st.state, st.started = "running", now_ms()
            try:
                writer.write(json.dumps({"id": st.id, "code": st.code}) + "\n")
                writer.flush()
                answer = reader.readline()
                if not answer:
                    raise EOFError("the session's driver ended")
                st.output = json.loads(answer)["output"]
                st.state = "available"
            except (OSError, EOFError, ValueError) as e:
                st.output = {"status": "error", "execution_count": st.id, "ename": type(e).__name__, "evalue": str(e), "traceback": []}
                st.state = "error"
                return self.end("dead", str(e))
            finally:
                st.completed = now_ms()
            with self.cond:
                if self.state == "busy":
                    self.state = "idle" if not self.queue else "busy"

    def collect_log(self):
        for line in self.proc.stdout:
            self.log.append(line.rstrip("\n"))
            del self.log[:-2000]
        code = self.proc.wait()
        if self.state not in FINAL:
            self.end("dead", "the session's driver exited with code %d" % code)

    def set_state(self, state):
        with self.cond:
            if self.state not in FINAL:
                self.state = state
            self.cond.notify_all()

    def end(self, state, why=None):
        if why:
            self.log.append("livy-sessions: " + why)
        with self.cond:
            if self.state not in FINAL:
                self.state = state
            self.cond.notify_all()
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()

    def submit(self, code, kind):
        with self.cond:
            st = Statement(len(self.statements), code, kind)
            self.statements.append(st)
            if kind not in (None, "pyspark", "python"):
                st.state, st.output = "available", {"status": "error", "execution_count": st.id, "ename": "NotSupported",
                                                    "evalue": "statements of kind %s need HDInsight's Livy: the twin's sessions run PySpark" % kind, "traceback": []}
                st.started = st.completed = now_ms()
            else:
                self.queue.append(st)
                self.cond.notify_all()
            return st


class Handler(BaseHTTPRequestHandler):
    server_version = "Livy-twin"

    def log_message(self, fmt, *args):
        sys.stdout.write("%s\n" % (fmt % args))
        sys.stdout.flush()

    def reply(self, status, body, location=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(data)

    def owner(self):
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                return base64.b64decode(auth[6:]).decode().split(":", 1)[0]
            except ValueError:
                return None
        return None

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw.strip() else {}

    def route(self):
        url = urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if not parts or parts[0] != "sessions":
            return None, None, parts, query
        session = None
        if len(parts) > 1:
            try:
                session = SESSIONS.get(int(parts[1]))
            except ValueError:
                session = None
            if session is None:
                self.reply(404, {"msg": "Session '%s' not found." % parts[1]})
                return False, None, parts, query
        return True, session, parts, query

    def csrf(self):
        if self.headers.get("X-Requested-By"):
            return True
        self.reply(400, {"msg": "Missing Required Header for CSRF protection."})
        return False

    def do_GET(self):
        ok, session, parts, query = self.route()
        if ok is False:
            return
        if ok is None:
            return self.reply(404, {"msg": "Not found"})
        if session is None:
            frm, size = int(query.get("from", 0)), int(query.get("size", 100))
            items = sorted(SESSIONS.values(), key=lambda s: s.id)
            return self.reply(200, {"from": frm, "total": len(items), "sessions": [s.json() for s in items[frm:frm + size]]})
        rest = parts[2:]
        if not rest:
            return self.reply(200, session.json())
        if rest == ["state"]:
            return self.reply(200, {"id": session.id, "state": session.state})
        if rest == ["log"]:
            frm, size = int(query.get("from", max(0, len(session.log) - 100))), int(query.get("size", 100))
            return self.reply(200, {"id": session.id, "from": frm, "total": len(session.log), "log": session.log[frm:frm + size]})
        if rest == ["statements"]:
            return self.reply(200, {"total_statements": len(session.statements), "statements": [s.json() for s in session.statements]})
        if len(rest) == 2 and rest[0] == "statements" and rest[1].isdigit() and int(rest[1]) < len(session.statements):
            return self.reply(200, session.statements[int(rest[1])].json())
        return self.reply(404, {"msg": "Statement not found"})

    def do_POST(self):
        ok, session, parts, _ = self.route()
        if ok is False:
            return
        if ok is None:
            return self.reply(404, {"msg": "Not found"})
        if not self.csrf():
            return
        try:
            body = self.body()
        except ValueError as e:
            return self.reply(400, {"msg": "Rejected, Reason: invalid JSON (%s)" % e})
        if session is None and len(parts) == 1:
            kind = body.get("kind", "pyspark")
            if kind not in ("pyspark", "python"):
                return self.reply(400, {"msg": "the twin's Livy sessions run PySpark only (kind pyspark): kind %s needs HDInsight's Livy" % kind})
            with LOCK:
                sid = NEXT_ID[0]
                NEXT_ID[0] += 1
                SESSIONS[sid] = Session(sid, body, self.owner())
            return self.reply(201, SESSIONS[sid].json(), "/sessions/%d" % sid)
        rest = parts[2:]
        if rest == ["statements"]:
            if session.state in FINAL:
                return self.reply(400, {"msg": "Session %d is %s: it takes no statements" % (session.id, session.state)})
            st = session.submit(body.get("code", ""), body.get("kind"))
            return self.reply(201, st.json(), "/sessions/%d/statements/%d" % (session.id, st.id))
        if len(rest) == 3 and rest[0] == "statements" and rest[2] == "cancel":
            return self.reply(200, {"msg": "canceled"})
        return self.reply(404, {"msg": "Not found"})

    def do_DELETE(self):
        ok, session, parts, _ = self.route()
        if ok is False:
            return
        if session is None or len(parts) != 2:
            return self.reply(404, {"msg": "Not found"})
        if not self.csrf():
            return
        session.end("killed", "deleted")
        with LOCK:
            SESSIONS.pop(session.id, None)
        return self.reply(200, {"msg": "deleted"})


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("LIVY_SESSIONS_PORT", "8999"))), Handler).serve_forever()
