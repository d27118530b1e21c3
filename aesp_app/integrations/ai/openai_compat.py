"""The conversation partner backed by an OpenAI-compatible chat API (POST {AI_BASE_URL}/chat/completions).

The model only words the replies. Which step the conversation is on, whether the learner's answer
did what the step needed, and which mistake to recast are still decided by the offline engine, so
`step_index` and `finished` behave exactly as offline, and the scores (from the offline speech and
language analysers) stay comparable.

Timeouts come from AI_TIMEOUT_SECONDS. Timeouts, connection errors, 5xx and 429 answers are
retried twice with a growing pause; other 4xx answers (a wrong key, an unknown model) are not.
When the call still fails the offline engine's reply is returned with
`Usage(status="fallback", error=...)`, so the caller logs the failed call and the page can say
that the offline partner answered.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable

import httpx

from . import Correction, PartnerReply, Scenario, Turn, Usage
from .offline import Assessment, OfflinePartner, _without_current, closing_line, compose_feedback, persona_name

MAX_HISTORY_TURNS = 12
MAX_REPLY_CHARS = 600
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})

_shared_client: httpx.Client | None = None
_shared_lock = threading.Lock()


def shared_client() -> httpx.Client:
    """One pooled client for the process (httpx.Client is thread-safe); timeouts are per request."""
    global _shared_client
    with _shared_lock:
        if _shared_client is None or _shared_client.is_closed:
            _shared_client = httpx.Client(timeout=30.0)
        return _shared_client


class ModelCallError(Exception):
    def __init__(self, message: str, *, latency_ms: int = 0) -> None:
        super().__init__(message)
        self.latency_ms = latency_ms


def estimate_tokens(text: str) -> int:
    """About four characters a token for English: used when the API reports no usage."""
    return max(1, round(len(text or "") / 4)) if text else 0


def clean_reply(text: str) -> str:
    """Plain spoken text: no markdown, no role labels, no surrounding quotes, bounded length."""
    text = (text or "").strip()
    text = re.sub(r"^\s*(assistant|partner)\s*:\s*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"[*_`#>]+", "", text)
    text = re.sub(r"^\s*[-•]\s+", "", text, flags=re.MULTILINE)
    text = " ".join(text.split())
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    if len(text) > MAX_REPLY_CHARS:
        cut = text[:MAX_REPLY_CHARS]
        end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
        text = cut[: end + 1] if end > 0 else cut
    return text


class OpenAICompatiblePartner:
    """Asks the configured chat model for each reply; the offline engine keeps the steps."""

    def __init__(
        self,
        settings,
        client: httpx.Client | None = None,
        fallback: OfflinePartner | None = None,
        *,
        timeout: float | None = None,
        retries: int = 2,
        backoff_seconds: float = 0.5,
        temperature: float = 0.7,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.model = settings.ai_model
        self.engine_name = settings.ai_model
        self.base_url = (settings.ai_base_url or "").rstrip("/")
        self.timeout = float(timeout if timeout is not None else settings.ai_timeout_seconds)
        self.client = client or shared_client()
        self.fallback = fallback or OfflinePartner()
        self.retries = max(0, retries)
        self.backoff_seconds = backoff_seconds
        self.temperature = temperature
        self._sleep = sleep

    # --- the HTTP call ----------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.settings.ai_api_key:
            headers["Authorization"] = f"Bearer {self.settings.ai_api_key}"
        return headers

    def chat(self, messages: list[dict], *, max_tokens: int = 200) -> tuple[str, Usage]:
        """One chat completion, with retries. Raises ModelCallError when it finally fails."""
        body = {"model": self.model, "messages": messages, "temperature": self.temperature, "max_tokens": max_tokens}
        url = f"{self.base_url}/chat/completions"
        started = time.perf_counter()
        last_error = "no attempt made"
        for attempt in range(self.retries + 1):
            if attempt:
                self._sleep(self.backoff_seconds * (2 ** (attempt - 1)))
            try:
                response = self.client.post(url, json=body, headers=self._headers(), timeout=self.timeout)
            except httpx.TimeoutException:
                last_error = f"timeout after {self.timeout:g} s"
                continue
            except httpx.HTTPError as exc:
                last_error = f"connection error: {exc.__class__.__name__}: {exc}"[:300]
                continue
            if response.status_code in RETRY_STATUS:
                last_error = f"HTTP {response.status_code}: {response.text[:200]}"
                continue
            if response.status_code >= 400:
                raise ModelCallError(
                    f"HTTP {response.status_code}: {response.text[:200]}", latency_ms=_ms_since(started)
                )
            return self._parse(response, messages, started)
        attempts = self.retries + 1
        raise ModelCallError(f"{last_error} ({attempts} attempt{'s' if attempts > 1 else ''})", latency_ms=_ms_since(started))

    def _parse(self, response: httpx.Response, messages: list[dict], started: float) -> tuple[str, Usage]:
        try:
            data = response.json()
            content = data["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ModelCallError(f"invalid response: {exc.__class__.__name__}", latency_ms=_ms_since(started)) from exc
        text = clean_reply(content if isinstance(content, str) else "")
        if not text:
            raise ModelCallError("empty reply", latency_ms=_ms_since(started))
        usage = data.get("usage") or {}
        prompt_tokens = _int(usage.get("prompt_tokens"))
        completion_tokens = _int(usage.get("completion_tokens"))
        if prompt_tokens is None:
            prompt_tokens = estimate_tokens(" ".join(str(m.get("content", "")) for m in messages))
        if completion_tokens is None:
            completion_tokens = estimate_tokens(content)
        model = str(data.get("model") or self.model)
        return text, Usage(
            model=model,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            status="success",
            latency_ms=_ms_since(started),
        )

    def _fallback_usage(self, error: ModelCallError) -> Usage:
        return Usage(model=self.model, prompt_tokens=0, completion_tokens=0, status="fallback",
                     latency_ms=error.latency_ms, error=str(error))

    # --- prompts ----------------------------------------------------------------------------

    def system_prompt(self, scenario: Scenario, step_index: int, instruction: str) -> str:
        steps = scenario.steps
        current = steps[min(step_index, len(steps) - 1)] if steps else None
        lines = [
            f"You are {scenario.partner_persona}",
            f"You are role-playing \"{scenario.title}\" with a Vietnamese learner of English "
            f"({scenario.level} level) who is practising speaking.",
            f"The learner's goal: {scenario.learner_goal}",
        ]
        if current is not None:
            lines.append(f"Current step {min(step_index, len(steps) - 1) + 1} of {len(steps)}: the learner should {current.expects}.")
        lines += [
            f"What to do now: {instruction}",
            "Rules: stay in role as " + persona_name(scenario) + ". Answer in 1 to 3 short, natural spoken "
            "sentences in simple English for this level. If a mistake to recast is given, recast only that one, "
            "gently, then move on. Never give scores. No markdown, no lists, no emojis, no stage directions.",
        ]
        return "\n".join(lines)

    def instruction(self, scenario: Scenario, step_index: int, a: Assessment, history: list[Turn]) -> str:
        steps = scenario.steps
        step = steps[step_index] if step_index < len(steps) else None
        nxt = steps[a.step_index] if a.step_index < len(steps) else None
        tip = ""
        if a.tip:
            tip = f" Before that, recast this mistake gently: {a.tip}"
        if a.kind == "done" or step is None:
            return "The conversation is already over. Thank the learner warmly and say they can start again."
        if a.kind == "empty":
            return f"The learner said nothing. Encourage them kindly and ask again: \"{step.partner_line}\""
        if a.kind == "repeat":
            return f"The learner asked you to repeat. Say your last question again, slowly and simply: \"{step.partner_line}\""
        if a.kind == "help":
            return (f"The learner did not understand. Rephrase your question more simply (e.g. \"{step.follow_up}\") "
                    f"and give an example answer they could use: \"{step.example_answers[0]}\"")
        if a.kind == "miss":
            return (f"The learner's answer did not {step.expects}. React briefly to what they said, then ask again "
                    f"in other words, e.g. \"{step.follow_up}\".{tip}")
        if a.kind == "hint":
            then = (f"then close the conversation: {closing_line(scenario)}" if a.finished or nxt is None
                    else f"then go on and ask: \"{nxt.partner_line}\"")
            return (f"The learner is stuck. Offer this example answer as a hint: \"{step.example_answers[0]}\", "
                    f"{then}.{tip}")
        if a.finished or nxt is None:
            return ("The learner has done the last step: the goal is reached. Acknowledge their answer, then thank "
                    f"them and close the conversation in role.{tip}")
        return (f"The learner's answer did what this step needed. Acknowledge it briefly and naturally, then ask: "
                f"\"{nxt.partner_line}\" (you may reword it slightly).{tip}")

    def messages(self, scenario: Scenario, history: list[Turn], learner_text: str | None, system: str) -> list[dict]:
        messages = [{"role": "system", "content": system}]
        for turn in history[-MAX_HISTORY_TURNS:]:
            role = "assistant" if turn.role == "partner" else "user"
            if turn.text.strip():
                messages.append({"role": role, "content": turn.text})
        if learner_text is not None:
            messages.append({"role": "user", "content": learner_text.strip() or "(the learner said nothing)"})
        return messages

    # --- the interface ------------------------------------------------------------------------

    def opening(self, scenario: Scenario) -> PartnerReply:
        offline = self.fallback.opening(scenario)
        first = scenario.steps[0].partner_line if scenario.steps else ""
        system = self.system_prompt(scenario, 0, f"Open the conversation in role: greet the learner in one short "
                                                 f"sentence, then ask: \"{first}\"")
        try:
            text, usage = self.chat(self.messages(scenario, [], None, system) + [
                {"role": "user", "content": "(The learner is ready. Please start.)"}])
        except ModelCallError as exc:
            return _with(offline, usage=self._fallback_usage(exc))
        return PartnerReply(text=text, engine=self.engine_name, step_index=0, finished=False, usage=usage)

    def reply(
        self, scenario: Scenario, history: list[Turn], learner_text: str, step_index: int, corrections: list[Correction]
    ) -> PartnerReply:
        history = _without_current(history, learner_text)
        a = self.fallback.assess(scenario, history, learner_text, step_index, corrections)
        offline_text = self.fallback.compose(scenario, history, learner_text, step_index, a)
        if a.kind == "done":  # nothing left to say: no model call
            return PartnerReply(text=offline_text, engine=self.fallback.engine_name, step_index=a.step_index,
                                finished=True)
        system = self.system_prompt(scenario, step_index, self.instruction(scenario, step_index, a, history))
        try:
            text, usage = self.chat(self.messages(scenario, history, learner_text, system))
        except ModelCallError as exc:
            return PartnerReply(text=offline_text, engine=self.fallback.engine_name, step_index=a.step_index,
                                finished=a.finished, recast=a.recast, usage=self._fallback_usage(exc))
        return PartnerReply(text=text, engine=self.engine_name, step_index=a.step_index, finished=a.finished,
                            recast=a.recast, usage=usage)

    def written_feedback(self, scenario: Scenario, history: list[Turn], summary: dict) -> tuple[str, Usage | None]:
        offline_text = compose_feedback(scenario, summary)
        learner_lines = [t.text for t in history if t.role == "learner" and t.text.strip()][-10:]
        system = (
            "You are a kind, precise English speaking tutor writing feedback for a Vietnamese learner after a "
            f"role-play called \"{scenario.title}\" (goal: {scenario.learner_goal}). Write one paragraph of 4 to 6 "
            "sentences in simple English: what went well, then the one or two most useful things to practise, "
            "with concrete examples from the learner's words. The scores come from the app's analysers: quote "
            "them if useful but never change them. No markdown, no lists, no headings."
        )
        user = "Scores and findings (JSON):\n" + json.dumps(_jsonable(summary), ensure_ascii=False) + \
            "\n\nWhat the learner said:\n" + ("\n".join(f"- {line}" for line in learner_lines) or "(nothing)")
        try:
            text, usage = self.chat([{"role": "system", "content": system}, {"role": "user", "content": user}],
                                    max_tokens=350)
        except ModelCallError as exc:
            return offline_text, self._fallback_usage(exc)
        return text, usage


def _with(reply: PartnerReply, **changes) -> PartnerReply:
    import dataclasses

    return dataclasses.replace(reply, **changes)


def _ms_since(started: float) -> int:
    return int(round((time.perf_counter() - started) * 1000))


def _int(value) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return _jsonable(to_json())
    return str(value)
