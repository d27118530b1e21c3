"""Payment IPN endpoints and the owner-only audio route.

Gateways call the IPN URLs server to server; each call is its own unit of work in the shop
services. Browser routes authenticate with the same session cookies as the app's pages.
"""

from __future__ import annotations

import json
import logging

from sqlmodel import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from aesp_app.db import get_engine, session_scope
from aesp_app.settings import get_settings

log = logging.getLogger("aesp.payments")

SESSION_COOKIES = ("aesp_session", "aesp_remember")


def viewer_id_from_cookies(request: Request) -> int | None:
    """The user behind the browser's session cookie (the same rule as the pages)."""
    from aesp_app.services import accounts

    for name in SESSION_COOKIES:
        token = request.cookies.get(name)
        if token:
            with session_scope() as session:
                user = accounts.user_for_token(session, token)
                if user is not None:
                    return user.id
    return None


def _vnpay_ipn_sync(params: dict[str, str]) -> dict[str, str]:
    from aesp_app.services.shop.payments import process_vnpay_ipn

    with Session(get_engine(), expire_on_commit=False) as session:
        return process_vnpay_ipn(session, params=params, settings=get_settings())


async def vnpay_ipn(request: Request) -> Response:
    params = dict(request.query_params)
    answer = await run_in_threadpool(_vnpay_ipn_sync, params)
    log.info("VNPay IPN %s -> %s", params.get("vnp_TxnRef"), answer.get("RspCode"))
    return JSONResponse(answer)


def _momo_ipn_sync(params: dict) -> str:
    from aesp_app.services.shop.payments import process_momo_ipn

    with Session(get_engine(), expire_on_commit=False) as session:
        return process_momo_ipn(session, params=params, settings=get_settings()).value


async def momo_ipn(request: Request) -> Response:
    from aesp_app.integrations.payments.momo import IPN_ACK_STATUS

    try:
        params = json.loads(await request.body() or b"{}")
    except ValueError:
        return PlainTextResponse("invalid JSON", status_code=400)
    if not isinstance(params, dict):
        return PlainTextResponse("invalid body", status_code=400)
    code = await run_in_threadpool(_momo_ipn_sync, params)
    log.info("MoMo IPN %s -> %s", params.get("orderId"), code)
    return Response(status_code=IPN_ACK_STATUS)


async def health(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


ROUTES = [
    Route("/payment/vnpay/ipn", vnpay_ipn, methods=["GET"]),
    Route("/payment/momo/ipn", momo_ipn, methods=["POST"]),
    Route("/healthz", health, methods=["GET"]),
]


def build_api() -> Starlette:
    """The routes registered by each area (see EXTRA_ROUTES users) plus the payment ones."""
    from aesp_app.api import practice_routes

    return Starlette(routes=[*ROUTES, *practice_routes.ROUTES])
