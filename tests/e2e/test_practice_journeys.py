"""Practice journeys in a real browser against the production build: the offline partner
answers a typed turn and a spoken one (Chromium's fake microphone plays a sentence spoken by the
app's own voice), a drill is scored, the report and the history; a refused microphone leaves
typing working; another learner cannot open someone's report.

The browser here has a fake microphone device; a context is allowed to use it only where the
journey grants the permission (without the grant, headless Chromium refuses it, as a learner
clicking "Block" would). The speech models load on the server's first voice turn: long waits.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .conftest import CHROMIUM_ARGS, ROOT
from .helpers import hold, login, make_learner, open_page, shoot, vi, wait_for_path, wait_hydrated

pytestmark = pytest.mark.e2e

SPOKEN = "I would like to visit the museum, please."
SPEECH_TIMEOUT = 60_000  # the first voice turn loads the recognition models


@pytest.fixture(scope="session")
def spoken_wav(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The learner's spoken answer as a WAV file, made with the app's own voice."""
    path = tmp_path_factory.mktemp("speech") / "answer.wav"
    result = subprocess.run(
        [sys.executable, "-m", "aesp_app", "speech", "say", SPOKEN, "-o", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    if result.returncode != 0 or not path.exists():
        pytest.fail(f"could not make the spoken answer:\n{result.stdout}\n{result.stderr}")
    return str(path)


@pytest.fixture(scope="session")
def mic_browser(browser_type, browser_type_launch_args: dict, spoken_wav: str) -> Iterator[Browser]:  # noqa: ANN001
    """Chromium with a fake microphone that plays SPOKEN over and over."""
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", f"--use-file-for-fake-audio-capture={spoken_wav}"]
    browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    yield browser
    browser.close()


def _context(mic_browser: Browser, browser_context_args: dict, base_url: str, *, microphone: bool) -> BrowserContext:
    context = mic_browser.new_context(**browser_context_args)
    if microphone:
        context.grant_permissions(["microphone"], origin=base_url)
    return context


@pytest.fixture
def mic_page(mic_browser: Browser, browser_context_args: dict, base_url: str) -> Iterator[Page]:
    context = _context(mic_browser, browser_context_args, base_url, microphone=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def no_mic_page(mic_browser: Browser, browser_context_args: dict, base_url: str) -> Iterator[Page]:
    context = _context(mic_browser, browser_context_args, base_url, microphone=False)
    yield context.new_page()
    context.close()


def _start_first_topic(page: Page) -> str:
    """From /practice, start the first topic; the new session's id."""
    open_page(page, "/practice")
    page.locator(".start-topic").first.click()
    wait_for_path(page, lambda p: p.startswith("/practice/room/"))
    wait_hydrated(page)
    expect(page.locator(".msg-partner").first).to_be_visible()  # the partner opens
    return page.url.rstrip("/").rsplit("/", 1)[1]


def _type(page: Page, text: str) -> None:
    partner_turns = page.locator(".msg-partner").count()
    page.fill("#answer-input", text)
    page.click("#send-button")
    expect(page.locator(".msg-learner", has_text=text)).to_be_visible()
    expect(page.locator(".msg-partner")).to_have_count(partner_turns + 1, timeout=SPEECH_TIMEOUT)
    expect(page.locator("#answer-input")).to_have_value("")


def test_practice_room_typed_and_spoken_turns_drill_report_and_history(mic_page: Page, db) -> None:  # noqa: ANN001
    page = mic_page
    email, password = make_learner(db, "noi")
    login(page, email, password)
    session_id = _start_first_topic(page)
    expect(page.locator("#engine-badge")).to_have_text(vi("practice.offline_partner"))
    shoot(page, "40-practice-room")

    # A typed turn: the partner answers.
    typed = "Hi, my name is Lan. I want to find the museum."
    _type(page, typed)

    # A spoken turn: hold the button while the fake microphone plays the sentence.
    partner_turns = page.locator(".msg-partner").count()
    hold(page, "#record-button", 4500)
    expect(page.locator("#progress")).to_be_visible()
    shoot(page, "41-practice-room-scoring")
    spoken = page.locator("#messages > div").filter(has=page.locator(".msg-learner", has_text=re.compile("museum", re.I))).filter(has=page.locator("audio"))
    expect(spoken).to_have_count(1, timeout=SPEECH_TIMEOUT)
    expect(page.locator(".msg-partner")).to_have_count(partner_turns + 1, timeout=SPEECH_TIMEOUT)
    expect(page.locator("#progress")).to_have_count(0, timeout=SPEECH_TIMEOUT)

    # A drill: read the first sentence aloud; it gets a score.
    first_drill = page.locator(".drill-row").first
    hold(page, "#drill-record-0", 3500)
    expect(first_drill.locator(".rt-Badge")).to_have_text(re.compile(r"^\d{1,3}$"), timeout=SPEECH_TIMEOUT)
    expect(page.locator("#progress")).to_have_count(0, timeout=SPEECH_TIMEOUT)
    shoot(page, "42-practice-room-after-turns")

    # Finish: the report.
    page.click("#finish-button")
    wait_for_path(page, f"/practice/sessions/{session_id}", timeout=SPEECH_TIMEOUT)
    wait_hydrated(page)
    for name in ("overall", "pronunciation", "grammar", "vocabulary", "fluency"):
        score = page.locator(f"#score-{name}")
        expect(score).to_have_text(re.compile(r"^\d{1,3}$"), timeout=SPEECH_TIMEOUT)
        assert 0 <= int(score.inner_text()) <= 100, (name, score.inner_text())
    expect(page.get_by_text(typed).first).to_be_visible()  # the conversation
    expect(page.get_by_text(re.compile("museum", re.I)).first).to_be_visible()
    recording = page.locator("audio[src]").first
    expect(recording).to_be_attached()
    response = page.request.get(recording.get_attribute("src"))
    assert response.ok and response.headers.get("content-type", "").startswith("audio/"), response.status
    shoot(page, "43-practice-report")

    open_page(page, "/practice/history")
    link = page.locator(f"a[href='/practice/sessions/{session_id}']")
    expect(link).to_be_visible()
    shoot(page, "44-practice-history")


def test_refused_microphone_says_so_and_typing_still_works(no_mic_page: Page, db) -> None:  # noqa: ANN001
    page = no_mic_page
    email, password = make_learner(db, "micro")
    login(page, email, password)
    _start_first_topic(page)
    hold(page, "#record-button", 800)
    expect(page.get_by_text(vi("practice.mic_denied"))).to_be_visible()
    expect(page.locator("#progress")).to_have_count(0)
    shoot(page, "45-practice-mic-refused")
    _type(page, "Sorry, my microphone is off. Where is the museum?")


def test_another_learner_cannot_open_a_practice_session(mic_page: Page, browser, browser_context_args: dict, db) -> None:  # noqa: ANN001
    owner = browser.new_context(**browser_context_args).new_page()
    try:
        email, password = make_learner(db, "chu")
        login(owner, email, password)
        session_id = _start_first_topic(owner)
        _type(owner, "Excuse me, how do I get to the museum?")
    finally:
        owner.context.close()

    page = mic_page
    email, password = make_learner(db, "khac")
    login(page, email, password)
    for path in (f"/practice/sessions/{session_id}", f"/practice/room/{session_id}"):
        open_page(page, path)
        # The not-found card: a way back to the practice page, nothing of the session.
        expect(page.get_by_role("heading", name=vi("practice.session_not_found"))).to_be_visible()
        expect(page.locator("main").get_by_role("link", name=vi("nav.practice"))).to_be_visible()
        expect(page.get_by_text("Excuse me, how do I get to the museum?")).to_have_count(0)
        expect(page.locator("#score-overall")).to_have_count(0)
        expect(page.locator("#answer-input")).to_have_count(0)
    shoot(page, "46-practice-not-found")
