"""A TEST DOUBLE of an OpenAI-compatible chat API, for the tests only: a tiny `http.server` on
127.0.0.1 in a background thread. It answers POST /chat/completions with canned JSON (including
`usage`) and records every request it received. It is not a model and not a real provider.

Tell it what to do next with `server.script`, a list consumed one request at a time:
"ok" (default when empty), "ok-no-usage", "500", "429", "401", "hang" (sleep past the client's
timeout, then answer), "garbage" (200 with a body that is not JSON).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CANNED_REPLY = "Lovely, two nights it is. Could I see your passport, please?"


class _Handler(BaseHTTPRequestHandler):
    server: FakeChatServer

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        action = self.server.script.pop(0) if self.server.script else "ok"
        if self.path != "/v1/chat/completions":
            return self._send(404, {"error": {"message": "not found"}})
        if action == "hang":
            time.sleep(self.server.hang_seconds)
            action = "ok"
        if action in ("500", "429", "401"):
            return self._send(int(action), {"error": {"message": f"fake error {action}"}})
        if action == "garbage":
            return self._send_raw(200, b"<html>not json</html>")
        content = self.server.reply_text
        payload = {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "model": (body or {}).get("model", "fake"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        }
        if action != "ok-no-usage":
            payload["usage"] = {"prompt_tokens": 120, "completion_tokens": 18, "total_tokens": 138}
        self._send(200, payload)

    def _send(self, status: int, payload: dict) -> None:
        self._send_raw(status, json.dumps(payload).encode())

    def _send_raw(self, status: int, data: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass


class FakeChatServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict] = []
        self.script: list[str] = []
        self.reply_text = CANNED_REPLY
        self.hang_seconds = 0.6
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeChatServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
