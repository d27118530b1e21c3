"""Practice audio for the page's <audio> elements: the learner's recordings and the partner's
voice. Owner only, by the browser's session cookie; anything else is 404 (not 403), so the
existence of other people's sessions is not disclosed."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from aesp_app.db import session_scope
from aesp_app.services.errors import ServiceError

NOT_FOUND = Response("Not found", status_code=404, media_type="text/plain")


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 12 else None


def _serve(loader) -> Response:  # noqa: ANN001
    try:
        with session_scope() as session:
            data, content_type, filename = loader(session)
    except ServiceError:
        return NOT_FOUND
    return Response(
        data,
        media_type=content_type,
        headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, max-age=3600"},
    )


async def _audio(request: Request) -> Response:
    from aesp_app.api.routes import viewer_id_from_cookies
    from aesp_app.services.practice import sessions as practice

    user_id = await run_in_threadpool(viewer_id_from_cookies, request)
    session_id = _int(request.path_params["session_id"])
    kind = request.path_params["kind"]
    index = _int(request.path_params.get("index", "0") or "0")
    if user_id is None or session_id is None or index is None:
        return NOT_FOUND

    def load(session):  # noqa: ANN001, ANN202
        if kind == "recording":
            return practice.session_audio(session, user_id=user_id, session_id=session_id)
        if kind == "turn":
            return practice.turn_audio(session, user_id=user_id, session_id=session_id, turn_index=index)
        if kind == "drill":
            return practice.drill_audio(session, user_id=user_id, session_id=session_id, sentence_index=index)
        if kind == "voice":
            from aesp_app.integrations.speech import get_speech_engine

            wav = practice.partner_voice(session, user_id=user_id, session_id=session_id, turn_index=index, speech=get_speech_engine())
            return wav, "audio/wav", f"partner-{session_id}-{index}.wav"
        raise ServiceError(practice.PracticeError.AUDIO_NOT_FOUND)

    return await run_in_threadpool(_serve, load)


ROUTES = [
    Route("/api/practice/{session_id}/{kind}/{index}", _audio, methods=["GET"]),
    Route("/api/practice/{session_id}/{kind}", _audio, methods=["GET"]),
]
