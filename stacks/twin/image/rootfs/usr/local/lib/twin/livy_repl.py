"""A Livy session's driver: a real PySpark driver (YARN client mode, executors on YARN) that runs the
statements livy_sessions.py sends it, one at a time, in one namespace with `spark`, `sc` and
`sqlContext`, as Livy's own Python interpreter does. It connects back to the stand-in on the port
and with the secret it was given, then speaks one JSON object per line:
  <- {"id": n, "code": "..."}
  -> {"id": n, "output": {"status": "ok", "execution_count": n, "data": {"text/plain": "..."}}}
  -> {"id": n, "output": {"status": "error", "execution_count": n, "ename": ..., "evalue": ..., "traceback": [...]}}
The first line it sends is {"ready": true, "appId": ..., "sparkUiUrl": ...}.
"""
import ast
import io
import json
import socket
import sys
import traceback
from contextlib import redirect_stderr, redirect_stdout

port, secret = int(sys.argv[1]), sys.argv[2]
conn = socket.create_connection(("127.0.0.1", port))
reader, writer = conn.makefile("r", encoding="utf-8"), conn.makefile("w", encoding="utf-8")


def send(obj):
    writer.write(json.dumps(obj) + "\n")
    writer.flush()


send({"secret": secret})
try:
    from pyspark.sql import SparkSession, SQLContext
    spark = SparkSession.builder.getOrCreate()
    sc = spark.sparkContext
    namespace = {"__name__": "__main__", "spark": spark, "sc": sc, "sqlContext": SQLContext(sc, spark)}
    send({"ready": True, "appId": sc.applicationId, "sparkUiUrl": sc.uiWebUrl, "sparkVersion": spark.version})
except Exception as e:  # the session dies with its reason, as Livy's does
    send({"ready": False, "error": "%s: %s" % (type(e).__name__, e), "traceback": traceback.format_exc()})
    sys.exit(1)


def run(code):
    """Runs `code` as Livy's Python interpreter does: every statement, the last expression's value shown."""
    tree = ast.parse(code, "<stdin>", "exec")
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    body = ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[])
    exec(compile(body, "<stdin>", "exec"), namespace)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), "<stdin>", "eval"), namespace)
        if value is not None:
            print(repr(value))


count = 0
for line in reader:
    request = json.loads(line)
    out = io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(out):
            run(request["code"])
        output = {"status": "ok", "execution_count": count, "data": {"text/plain": out.getvalue().rstrip("\n")}}
    except BaseException as e:  # noqa: B902 - a statement's SystemExit too is the statement's error
        # The statement's own frames only, as Livy shows them (not this REPL's).
        frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename != __file__]
        tb = traceback.format_list(frames) + traceback.format_exception_only(type(e), e)
        output = {"status": "error", "execution_count": count, "ename": type(e).__name__, "evalue": str(e), "traceback": tb}
    send({"id": request["id"], "output": output})
    count += 1
