"""The twin's Ambari: the read-only REST resources the project reads from HDInsight's Ambari, with
Ambari's documented shapes and errors (https://github.com/apache/ambari/blob/trunk/ambari-server/docs/api/v1/index.md):

  GET /api/v1/clusters/NAME[?fields=...]                                   the cluster, desired_configs
  GET /api/v1/clusters/NAME/configurations?type=T&tag=V                    a configuration's properties
  GET /api/v1/clusters/NAME/services/S/components/C[?fields=...]           a component's host_components
  GET /api/v1/clusters/NAME/hosts                                          the hosts

The cluster, its hosts and the kafka-broker properties come from /etc/twin/ambari.json (written by
entrypoint.sh from the topology); a host component's state is read live (a TCP connection to its
port: STARTED or INSTALLED), as Ambari's agents report it. It listens on 127.0.0.1: the gateway
(nginx, HTTPS with the cluster login) is in front of it, as HDInsight's gateway is.
"""
import json
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

CONFIG = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "/etc/twin/ambari.json"))
CLUSTER = CONFIG["cluster"]
TAG = "version1"
# service -> component -> {"hosts": [...], "port": n, "display": "..."}
COMPONENTS = CONFIG["components"]


def listening(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def trim(body, fields):
    """Ambari's partial response: only the fields asked for, plus the resource's href."""
    if not fields:
        return body
    out = {"href": body["href"]} if "href" in body else {}
    for field in fields:
        parts = [p for p in field.split("/") if p]
        copy_path(body, out, parts)
    return out


def copy_path(src, dst, parts):
    if not parts or not isinstance(src, dict) or parts[0] not in src:
        return
    key, rest, value = parts[0], parts[1:], src[parts[0]]
    if not rest:
        dst[key] = value
    elif isinstance(value, list):
        items = dst.setdefault(key, [{} for _ in value])
        for item_src, item_dst in zip(value, items):
            if "href" in item_src:
                item_dst["href"] = item_src["href"]
            copy_path(item_src, item_dst, rest)
    elif isinstance(value, dict):
        copy_path(value, dst.setdefault(key, {}), rest)


class Ambari(BaseHTTPRequestHandler):
    server_version = "Jetty(9.4.46)"

    def log_message(self, fmt, *args):
        sys.stdout.write("%s %s\n" % (self.address_string(), fmt % args))
        sys.stdout.flush()

    def send_json(self, status, body):
        data = json.dumps(body, indent=2).encode()
        self.send_response(status)
        # Ambari answers JSON as text/plain.
        self.send_header("Content-Type", "text/plain;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def missing(self, what):
        self.send_json(404, {"status": 404, "message": "The requested resource doesn't exist: %s" % what})

    def do_POST(self):
        self.send_json(405, {"status": 405, "message": "Method Not Allowed: this twin's Ambari is read-only"})

    do_PUT = do_DELETE = do_POST

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        fields = [f for f in query.get("fields", "").split(",") if f]
        parts = [unquote(p) for p in url.path.split("/") if p]
        base = "%s://%s" % (self.headers.get("X-Forwarded-Proto", "http"), self.headers.get("Host", "localhost"))
        href = base + url.path
        if parts[:3] != ["api", "v1", "clusters"]:
            return self.missing(url.path)
        if len(parts) == 3:
            return self.send_json(200, {"href": href, "items": [{"href": href + "/" + CLUSTER, "Clusters": {"cluster_name": CLUSTER, "version": "HDP-5.1"}}]})
        if parts[3] != CLUSTER:
            return self.missing("Cluster not found, clusterName=%s" % parts[3])
        cluster_href = "%s/api/v1/clusters/%s" % (base, CLUSTER)
        hosts = sorted({h for s in COMPONENTS.values() for c in s.values() for h in c["hosts"]})
        if len(parts) == 4:
            body = {"href": href, "Clusters": {
                "cluster_id": 2, "cluster_name": CLUSTER, "provisioning_state": "INSTALLED", "security_type": "NONE",
                "total_hosts": len(hosts), "version": "HDP-5.1",
                "desired_configs": {t: {"tag": TAG, "user": "admin", "version": 1} for t in CONFIG["configurations"]},
            }}
            return self.send_json(200, trim(body, fields))
        if len(parts) == 5 and parts[4] == "configurations":
            t, tag = query.get("type"), query.get("tag")
            items = []
            if t in CONFIG["configurations"] and tag in (None, TAG):
                items.append({"href": "%s/configurations?type=%s&tag=%s" % (cluster_href, t, TAG), "tag": TAG, "type": t,
                              "version": 1, "Config": {"cluster_name": CLUSTER, "stack_id": "HDP-5.1"},
                              "properties": CONFIG["configurations"][t], "properties_attributes": {}})
            return self.send_json(200, {"href": href + ("?" + url.query if url.query else ""), "items": items})
        if len(parts) == 5 and parts[4] == "hosts":
            return self.send_json(200, {"href": href, "items": [{"href": "%s/hosts/%s" % (cluster_href, h), "Hosts": {"cluster_name": CLUSTER, "host_name": h}} for h in hosts]})
        if len(parts) == 8 and parts[4] == "services" and parts[6] == "components":
            service, component = parts[5], parts[7]
            if service not in COMPONENTS:
                return self.missing("Service not found, Cluster=%s, Service=%s" % (CLUSTER, service))
            spec = COMPONENTS[service].get(component)
            if spec is None:
                return self.missing("ServiceComponent not found, clusterName=%s, serviceName=%s, serviceComponentName=%s" % (CLUSTER, service, component))
            states = {h: "STARTED" if listening(h, spec["port"]) else "INSTALLED" for h in spec["hosts"]}
            started = sum(1 for s in states.values() if s == "STARTED")
            body = {"href": href,
                    "ServiceComponentInfo": {
                        "category": spec.get("category", "MASTER"), "cluster_name": CLUSTER, "component_name": component,
                        "desired_stack": "HDP-5.1", "display_name": spec["display"], "service_name": service,
                        "started_count": started, "installed_count": len(states) - started, "total_count": len(states),
                        "state": "STARTED" if started == len(states) else "INSTALLED"},
                    "host_components": [{"href": "%s/hosts/%s/host_components/%s" % (cluster_href, h, component),
                                         "HostRoles": {"cluster_name": CLUSTER, "component_name": component, "host_name": h, "state": states[h]}}
                                        for h in spec["hosts"]]}
            return self.send_json(200, trim(body, fields))
        return self.missing(url.path)


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(CONFIG.get("port", 8080))), Ambari).serve_forever()
