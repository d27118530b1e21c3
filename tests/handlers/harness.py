"""Call any state event handler the way a browser does: as an Event through Reflex's event
processor (the app's middleware, exception handler and state manager included), with the
browser's cookies applied by the same hydrate event the front end sends.

    with HandlerClient() as client:
        browser = client.browser(session_token=token)      # or client.browser() for anonymous
        result = browser.call(ProfileState.save, {"full_name": "x"})
        result.events, result.deltas, browser.state(ProfileState)
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import uuid
from typing import Any

from reflex.istate.manager.memory import StateManagerMemory
from reflex.state import State
from reflex_base.event import Event
from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor
from reflex_base.registry import RegistrationContext
from reflex_base.utils.format import format_event_handler


@dataclasses.dataclass
class CallResult:
    deltas: list[dict]
    events: list[Any]

    def event_names(self) -> list[str]:
        return [getattr(e, "name", str(e)) for e in self.events]

    def toasts(self) -> list[str]:
        return [str(e.payload) for e in self.events if "toast" in getattr(e, "name", "")]

    def redirects(self) -> list[str]:
        out = []
        for e in self.events:
            if getattr(e, "name", "").endswith("_redirect"):
                out.append(str(e.payload.get("path")))
        return out


class _RecordingNamespace:
    """Stands in for the websocket: keeps what would be sent to the browser."""

    def __init__(self) -> None:
        self.updates: dict[str, list] = {}

    async def emit_update(self, update, token: str) -> None:  # noqa: ANN001
        self.updates.setdefault(token, []).append(update)


def _app():
    from aesp_app.aesp_app import app

    return app


class Browser:
    def __init__(self, client: HandlerClient, token: str, cookies: dict[str, str], path: str, ip: str) -> None:
        self.client, self.token, self.cookies, self.path, self.ip = client, token, cookies, path, ip
        self._hydrated = False

    def _router_data(self, query: dict[str, str] | None = None) -> dict:
        return {
            "pathname": self.path,
            "asPath": self.path,
            "query": query or {},
            "token": self.token,
            "ip": self.ip,
            "sid": "test-" + self.token[:8],
            "headers": {"user-agent": "aesp-handler-tests", "host": "localhost"},
        }

    def _hydrate(self) -> None:
        from aesp_app.states.auth import AuthState
        from aesp_app.states.i18n import I18nState

        names = {
            "aesp_session": f"{AuthState.get_full_name()}.session_token",
            "aesp_remember": f"{AuthState.get_full_name()}.remember_token",
            "aesp_lang": f"{I18nState.get_full_name()}.lang",
        }
        variables = {names[k]: v for k, v in self.cookies.items() if k in names}
        self.client._send(self, State.hydrate_and_load, {"vars": variables}, None)
        self._hydrated = True

    def call(self, handler, payload: dict | None = None, *, path: str | None = None, query: dict[str, str] | None = None) -> CallResult:  # noqa: ANN001
        if path:
            self.path = path
        if not self._hydrated:
            self._hydrate()
        return self.client._send(self, handler, payload or {}, query)

    def state(self, state_cls):  # noqa: ANN001
        return self.client._get_state(self.token, state_cls)


class HandlerClient:
    def __init__(self) -> None:
        self.app = _app()
        self.loop = asyncio.new_event_loop()
        self.namespace = _RecordingNamespace()
        self.state_manager = StateManagerMemory()
        self.processor = BaseStateEventProcessor(middleware=self.app, backend_exception_handler=self.app.backend_exception_handler)
        # One context for start, every call and stop: the processor keeps its root context in a
        # context variable, as it does inside the server's lifespan task.
        self.context = contextvars.Context()
        # The app's registry of states and handlers, as the server's ASGI task applies it.
        self.context.run(RegistrationContext.set, self.app._registration_context)

    def _run(self, coro):  # noqa: ANN001, ANN202
        return self.loop.run_until_complete(self.loop.create_task(coro, context=self.context))

    def __enter__(self) -> HandlerClient:
        self.processor.configure(state_manager=self.state_manager, event_namespace=self.namespace)
        self._run(self.processor.start())
        return self

    def __exit__(self, *exc: object) -> None:
        self._run(self.processor.stop())
        self._run(self.state_manager.close())
        self.loop.close()

    def browser(self, *, path: str = "/", ip: str = "127.0.0.1", **cookies: str) -> Browser:
        return Browser(self, uuid.uuid4().hex, dict(cookies), path, ip)

    def _send(self, browser: Browser, handler, payload: dict, query: dict[str, str] | None) -> CallResult:  # noqa: ANN001
        name = handler if isinstance(handler, str) else format_event_handler(handler)
        event = Event(name=name, payload=payload, router_data=browser._router_data(query))
        before = len(self.namespace.updates.get(browser.token, []))

        async def run() -> None:
            future = await self.processor.enqueue(browser.token, event)
            await asyncio.wait_for(future, timeout=30)
            # Events the handler chained (on_load guards, redirects to handlers) run too.
            await self.processor.join(timeout=30)

        self._run(run())
        updates = self.namespace.updates.get(browser.token, [])[before:]
        deltas = [u.delta for u in updates if getattr(u, "delta", None)]
        events = [e for u in updates for e in (getattr(u, "events", None) or [])]
        return CallResult(deltas=deltas, events=events)

    def _get_state(self, token: str, state_cls):  # noqa: ANN001
        from reflex.istate.manager.token import BaseStateToken

        async def get():
            root = await self.state_manager.get_state(BaseStateToken(ident=token, cls=State))
            return await root.get_state(state_cls)

        return self._run(get())
