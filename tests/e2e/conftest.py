"""Browser journeys against the production build.

One server for the whole session: a temporary SQLite database, migrated and loaded with the
demo data through the operator CLI, then `reflex run --env prod` on a free port (front and
back end on the same port) in its own process group. Each test gets its own browser context
(pytest-playwright's `page`); Debian's Chromium drives them.

Set TEST_REDIS_URL to run the server on the Redis state manager (as CI does). Screenshots of
every page the journeys visit land in test-results/screenshots/ (E2E_SCREENSHOT_DIR elsewhere).
E2E_SERVER_URL with E2E_DATABASE_URL runs the journeys against a server already started.
Deselect the journeys with `-m "not e2e"`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from .helpers import ADMIN, DESKTOP, login

ROOT = pathlib.Path(__file__).resolve().parents[2]
E2E_DIR = pathlib.Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT = 300  # seconds for one build-and-start attempt
START_ATTEMPTS = 3  # a build can fail while another build writes the shared .web directory
LOG_TAIL_LINES = 80

_server_tail_key = pytest.StashKey[tuple[pathlib.Path, str]]()


@dataclasses.dataclass(frozen=True)
class LiveServer:
    url: str
    database_url: str
    log_path: pathlib.Path


# --- marking and reporting ------------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in pathlib.Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def _log_tail(path: pathlib.Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(no server log: {exc})"


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # noqa: ANN001
    """After a failure, the end of the production server's log (saved when it stopped)."""
    tail = config.stash.get(_server_tail_key, None)
    if tail:
        log_path, text = tail
        terminalreporter.write_sep("-", f"production server log, last {LOG_TAIL_LINES} lines ({log_path})")
        terminalreporter.write_line(text)


# --- the server -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(tmp: pathlib.Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'aesp-e2e.db'}",
        PUBLIC_BASE_URL=f"http://localhost:{port}",
        PORT=str(port),
        SECRET_KEY=secrets.token_hex(20),
        APP_ENV="development",
        REDIS_URL=os.environ.get("TEST_REDIS_URL", ""),
        # Pin what the journeys check, whatever a local .env says (empty values win over it too).
        DEFAULT_LANGUAGE="vi",
        PASSWORD_MIN_LENGTH="8",
        SESSION_DAYS_REMEMBER="30",
        LOGIN_MAX_FAILURES_PER_ACCOUNT="5",
        LOGIN_MAX_FAILURES_PER_IP="50",
        LOGIN_WINDOW_MINUTES="15",
        SMTP_HOST="",
        AI_BASE_URL="",
        PYTHONUNBUFFERED="1",
    )
    return env


def _cli(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aesp_app", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise RuntimeError(f"`python -m aesp_app {' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}")


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read(200).decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, OSError):
        return 0, ""


def _ready(base: str) -> bool:
    # The page is served, and the back end (which also carries the websocket) answers.
    return _get(f"{base}/")[0] == 200 and _get(f"{base}/ping") == (200, '"pong"')


def _stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _start(env: dict[str, str], port: int, log_path: pathlib.Path) -> subprocess.Popen:
    reflex = pathlib.Path(sys.executable).parent / "reflex"
    command = [
        "bash",
        "-c",
        '. scripts/env.sh && exec "$0" run --env prod --backend-port "$1" --frontend-port "$1"',
        str(reflex),
        str(port),
    ]
    base = f"http://127.0.0.1:{port}"
    for attempt in range(1, START_ATTEMPTS + 1):
        with open(log_path, "a") as log:
            log.write(f"--- start attempt {attempt}: reflex run --env prod on port {port}\n")
            log.flush()
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            if _ready(base):
                return process
            time.sleep(0.5)
        _stop(process)
        if attempt < START_ATTEMPTS:
            time.sleep(20)  # another build may hold .web; give it time to finish
    raise RuntimeError(f"the production server did not start; log {log_path}:\n{_log_tail(log_path)}")


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if os.environ.get("E2E_SERVER_URL") and os.environ.get("E2E_DATABASE_URL"):
        # A server already running (with its database loaded with the demo data), for working
        # on the journeys without a build per run; its log is wherever it was started.
        yield LiveServer(url=os.environ["E2E_SERVER_URL"].rstrip("/"), database_url=os.environ["E2E_DATABASE_URL"], log_path=pathlib.Path(os.devnull))
        return
    tmp = tmp_path_factory.mktemp("e2e-server")
    port = _free_port()
    env = _server_env(tmp, port)
    _cli(env, "migrate")
    _cli(env, "demo-data")
    log_path = tmp / "server.log"
    process = _start(env, port, log_path)
    try:
        yield LiveServer(url=f"http://localhost:{port}", database_url=env["DATABASE_URL"], log_path=log_path)
    finally:
        _stop(process)
        if request.session.testsfailed:
            request.config.stash[_server_tail_key] = (log_path, _log_tail(log_path))


@pytest.fixture(scope="session")
def db(live_server: LiveServer) -> Iterator:
    """Open a Session on the live server's database: `with db() as session: ...`."""
    from aesp_app.db import engine_for

    engine = engine_for(live_server.database_url)
    yield lambda: Session(engine, expire_on_commit=False)
    engine.dispose()


# --- pytest-playwright ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM} (make setup-test installs Debian's)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": DESKTOP}


@pytest.fixture(scope="session")
def admin_page(browser, browser_context_args: dict):  # noqa: ANN001, ANN201
    """An administrator's page in its own browser context, for reading the outbox."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    login(page, *ADMIN)
    yield page
    context.close()
