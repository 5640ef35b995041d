#!/usr/bin/python3
"""Drives zenhub's XML-RPC endpoint for tests/integration/xmlrpc_test.cpp, the way clients in
other languages do: Python's standard xmlrpc.client (and http.client or a bare socket for what a
client library would never send). Prints one line per outcome, which the test checks:

  call URL METHOD PARAMS_JSON [SHOW]   OK <json of the result, or repr(eval(SHOW)) with r bound>
                                       FAULT <code> <faultString>
                                       PROTOCOL_ERROR <status> <WWW-Authenticate>
  post PORT PATH CONTENT_TYPE USER:PASSWORD BODY_FILE
                                       HTTP <status> then FAULT/OK as above when the body is XML-RPC
  bytes PORT BODY_FILE                 the status line the server answered raw bytes with
"""
import base64
import http.client
import json
import socket
import sys
import xmlrpc.client


def call(url, method, params_json, show=None):
    proxy = xmlrpc.client.ServerProxy(url, allow_none=True)
    try:
        r = getattr(proxy, method)(*json.loads(params_json))
    except xmlrpc.client.Fault as f:
        print(f"FAULT {f.faultCode} {f.faultString}")
        return
    except xmlrpc.client.ProtocolError as e:
        print(f"PROTOCOL_ERROR {e.errcode} {e.headers.get('WWW-Authenticate', '')}")
        return
    if show:
        print("OK " + repr(eval(show, {}, {"r": r})))
    else:
        print("OK " + json.dumps(r, sort_keys=True))


def post(port, path, content_type, credentials, body_file):
    with open(body_file, "rb") as f:
        body = f.read()
    headers = {"Content-Type": content_type}
    if credentials:
        headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    print(f"HTTP {response.status}")
    if response.getheader("Content-Type", "").startswith("text/xml"):
        try:
            r = xmlrpc.client.loads(data)[0][0]
            print("OK " + json.dumps(r, sort_keys=True))
        except xmlrpc.client.Fault as f:
            print(f"FAULT {f.faultCode} {f.faultString}")


def raw_bytes(port, body_file):
    with open(body_file, "rb") as f:
        body = f.read()
    with socket.create_connection(("127.0.0.1", int(port)), timeout=10) as s:
        s.sendall(body)
        s.shutdown(socket.SHUT_WR)
        answer = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
    print(answer.split(b"\r\n", 1)[0].decode(errors="replace") or "CLOSED")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"call": call, "post": post, "bytes": raw_bytes}[command](*args)
