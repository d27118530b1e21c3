"""Practice: topic picker, the room (voice or text, drills), the report and the history."""

from __future__ import annotations

import reflex as rx

from aesp_app.components.layout import app_page
from aesp_app.components.ui import card, error_callout, page_header, t
from aesp_app.states.i18n import I18nState
from aesp_app.states.practice import PracticeReportState, PracticeRoomState, PracticeTopicsState

CATEGORIES = ["work", "travel", "daily", "social", "academic"]
LEVELS = ["beginner", "intermediate", "advanced"]


def _tr(prefix: str, value: rx.Var) -> rx.Var:
    return I18nState.tr[prefix + value.to(str)]


def _chip(label: rx.Var, active: rx.Var, on_click) -> rx.Component:  # noqa: ANN001
    return rx.button(label, size="1", variant=rx.cond(active, "solid", "soft"), on_click=on_click, radius="full")


def _topic_card(topic: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(_tr("category.", topic["category"]), variant="soft"),
                rx.badge(_tr("difficulty.", topic["difficulty"]), color_scheme="gray", variant="soft"),
                rx.cond(topic["today"] != "", rx.badge(rx.icon("star", size=12), t("practice.daily_challenge"), color_scheme="amber")),
                wrap="wrap",
                spacing="2",
            ),
            rx.heading(topic["title"], size="4"),
            rx.text(topic["description"], size="2", color_scheme="gray", class_name="line-clamp-3"),
            rx.cond(topic["scenario"] != "", rx.text(t("practice.scenario"), ": ", topic["scenario"], size="2")),
            rx.spacer(),
            rx.hstack(
                rx.hstack(rx.icon("clock", size=14), rx.text(topic["duration"], size="2"), spacing="1", align="center"),
                rx.hstack(rx.icon("zap", size=14), rx.text(topic["xp"], " XP", size="2"), spacing="1", align="center"),
                rx.spacer(),
                rx.cond(
                    PracticeTopicsState.mentor_name != "",
                    rx.tooltip(
                        rx.icon_button(rx.icon("user-check", size=16), variant="soft", on_click=PracticeTopicsState.start(topic["id"], True),
                                       aria_label=t("practice.with_mentor"), class_name="start-with-mentor"),
                        content=t("practice.with_mentor"),
                    ),
                ),
                rx.popover.root(
                    rx.popover.trigger(rx.icon_button(rx.icon("users", size=16), variant="soft", aria_label=t("practice.with_peer"), class_name="start-with-peer")),
                    rx.popover.content(
                        rx.form(
                            rx.vstack(
                                rx.text(t("practice.with_peer"), weight="medium", size="2"),
                                rx.el.input(type="hidden", name="topic_id", value=topic["id"]),
                                rx.input(name="peer", placeholder=t("form.username_or_email"), required=True, max_length=255, width="100%"),
                                rx.button(t("practice.start"), type="submit", size="2"),
                                spacing="2",
                            ),
                            on_submit=PracticeTopicsState.start_with_peer,
                        ),
                        width="16em",
                    ),
                ),
                rx.button(t("practice.start"), on_click=PracticeTopicsState.start(topic["id"], False), class_name="start-topic"),
                width="100%",
                align="center",
            ),
            spacing="2",
            height="100%",
            align="start",
        ),
        class_name="topic-card",
    )


@app_page("/practice", "nav.practice", guard="learner", on_load=[PracticeTopicsState.load])
def practice_page() -> rx.Component:
    return rx.vstack(
        page_header("practice.title", "practice.subtitle"),
        rx.hstack(
            _chip(t("practice.all"), PracticeTopicsState.category == "", PracticeTopicsState.filter("", PracticeTopicsState.level)),
            *[_chip(t(f"category.{c}"), PracticeTopicsState.category == c, PracticeTopicsState.filter(c, PracticeTopicsState.level)) for c in CATEGORIES],
            wrap="wrap",
            spacing="2",
        ),
        rx.hstack(
            _chip(t("practice.all_levels"), PracticeTopicsState.level == "", PracticeTopicsState.filter(PracticeTopicsState.category, "")),
            *[_chip(t(f"difficulty.{lv}"), PracticeTopicsState.level == lv, PracticeTopicsState.filter(PracticeTopicsState.category, lv)) for lv in LEVELS],
            wrap="wrap",
            spacing="2",
        ),
        rx.grid(rx.foreach(PracticeTopicsState.topics, _topic_card), columns=rx.breakpoints(initial="1", sm="2", lg="3"), spacing="4", width="100%"),
        rx.cond(
            PracticeTopicsState.history.length() > 0,
            card(
                rx.hstack(rx.heading(t("practice.recent"), size="4"), rx.spacer(), rx.link(t("practice.history"), href="/practice/history"), width="100%"),
                rx.foreach(
                    PracticeTopicsState.history,
                    lambda h: rx.hstack(
                        rx.link(h["topic"], href=rx.cond(h["done"] != "", "/practice/sessions/" + h["id"].to(str), "/practice/room/" + h["id"].to(str))),
                        rx.spacer(),
                        rx.text(h["date"], size="2", color_scheme="gray"),
                        rx.cond(h["score"] != "", rx.badge(h["score"]), rx.badge(t("practice.in_progress"), color_scheme="orange")),
                        width="100%",
                        align="center",
                    ),
                ),
            ),
        ),
        width="100%",
        spacing="4",
    )


def _message(m: rx.Var) -> rx.Component:
    is_partner = m["role"] == "partner"
    return rx.hstack(
        rx.box(
            rx.vstack(
                rx.text(m["text"], class_name=rx.cond(is_partner, "msg-partner", "msg-learner")),
                rx.cond(m["recast"] != "", rx.text(rx.icon("sparkles", size=12), " ", m["recast"], size="1", color_scheme="gray")),
                rx.cond(m["notes"] != "", rx.text(rx.icon("pencil", size=12), " ", m["notes"], size="1", color=rx.color("orange", 11))),
                rx.cond(m["voice"] != "", rx.el.audio(src=m["voice"], controls=True, preload="none", style={"height": "32px", "maxWidth": "100%"})),
                rx.cond(m["audio"] != "", rx.el.audio(src=m["audio"], controls=True, preload="none", style={"height": "32px", "maxWidth": "100%"})),
                spacing="1",
                align="start",
            ),
            background=rx.cond(is_partner, rx.color("gray", 3), rx.color("indigo", 3)),
            padding="0.75em 1em",
            border_radius="14px",
            max_width="85%",
        ),
        justify=rx.cond(is_partner, "start", "end"),
        width="100%",
    )


def _record_button(drill_index: rx.Var | int, label_key: str, element_id: str) -> rx.Component:
    press = [PracticeRoomState.mic_pressed(drill_index), rx.call_script("window.aespRecorder.start()", callback=PracticeRoomState.mic_started)]
    release = rx.call_script("window.aespRecorder.stop()", callback=PracticeRoomState.audio_recorded)
    return rx.button(
        rx.icon("mic", size=18),
        rx.cond(PracticeRoomState.recording, t("practice.recording"), t(label_key)),
        size="3",
        color_scheme=rx.cond(PracticeRoomState.recording, "red", "indigo"),
        disabled=PracticeRoomState.busy,
        on_mouse_down=press,
        on_mouse_up=release,
        on_mouse_leave=release,
        id=element_id,
        class_name="hold-to-talk",
        style={"touchAction": "none", "userSelect": "none"},
    )


def _drill(d: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(d["text"], weight="medium"),
            rx.cond(d["flagged"] != "", rx.text(t("practice.check_words"), ": ", d["flagged"], size="1", color=rx.color("orange", 11))),
            spacing="1",
            flex="1",
        ),
        rx.cond(d["score"] != "", rx.badge(d["score"], size="2", color_scheme="green")),
        _record_button(d["index"].to(int), "practice.read_aloud", "drill-record-" + d["index"].to(str)),
        width="100%",
        align="center",
        wrap="wrap",
        class_name="drill-row",
    )


@app_page("/practice/room/[id]", "practice.room", guard="learner", on_load=[PracticeRoomState.load])
def practice_room_page() -> rx.Component:
    s = PracticeRoomState.scenario
    return rx.fragment(
        rx.script(src="/recorder.js"),
        rx.cond(
            PracticeRoomState.not_found,
            card(rx.heading(t("practice.session_not_found"), size="5"), rx.link(t("nav.practice"), href="/practice")),
            rx.grid(
                rx.vstack(
                    rx.hstack(
                        rx.heading(PracticeRoomState.title, size="6", as_="h1"),
                        rx.cond(
                            PracticeRoomState.engine == "offline",
                            rx.badge(t("practice.offline_partner"), color_scheme="gray", id="engine-badge"),
                            rx.badge(t("practice.model_partner"), " ", PracticeRoomState.engine, color_scheme="green", id="engine-badge"),
                        ),
                        wrap="wrap",
                        align="center",
                    ),
                    card(
                        rx.vstack(rx.foreach(PracticeRoomState.messages, _message), spacing="3", width="100%", id="messages"),
                        rx.el.audio(src=PracticeRoomState.last_voice, auto_play=True, key=PracticeRoomState.last_voice, style={"display": "none"}),
                        rx.cond(PracticeRoomState.busy, rx.callout(rx.hstack(rx.spinner(), rx.text(PracticeRoomState.progress), align="center"), color_scheme="blue", id="progress")),
                        error_callout(PracticeRoomState.error),
                        rx.cond(PracticeRoomState.finished_goal, rx.callout(t("practice.goal_reached"), icon="party_popper", color_scheme="green")),
                        rx.hstack(
                            _record_button(-1, "practice.hold_to_talk", "record-button"),
                            rx.form(
                                rx.hstack(
                                    rx.input(name="answer", placeholder=t("practice.type_answer"), max_length=1000, flex="1", size="3", id="answer-input"),
                                    rx.button(rx.icon("send", size=16), type="submit", size="3", aria_label=t("practice.send"), disabled=PracticeRoomState.busy, id="send-button"),
                                    width="100%",
                                ),
                                on_submit=PracticeRoomState.send_text,
                                reset_on_submit=True,
                                flex="1",
                                min_width="14em",
                            ),
                            width="100%",
                            wrap="wrap",
                            align="center",
                        ),
                        rx.text(t("practice.mic_hint"), size="1", color_scheme="gray"),
                    ),
                    card(rx.heading(t("practice.drill_title"), size="4"), rx.text(t("practice.drill_hint"), size="2", color_scheme="gray"), rx.foreach(PracticeRoomState.drills, _drill)),
                    rx.button(t("practice.finish"), size="3", color_scheme="green", on_click=PracticeRoomState.finish, disabled=PracticeRoomState.busy, id="finish-button"),
                    spacing="4",
                    width="100%",
                ),
                card(
                    rx.heading(t("practice.your_goal"), size="4"),
                    rx.text(rx.cond(I18nState.language == "vi", s["goal_vi"], s["goal"])),
                    rx.heading(t("practice.useful_phrases"), size="4"),
                    rx.unordered_list(rx.foreach(PracticeRoomState.phrases, rx.list_item)),
                ),
                columns=rx.breakpoints(initial="1", md="2fr 1fr"),
                spacing="4",
                width="100%",
            ),
        ),
    )


def _score_card(label_key: str, value: rx.Var, element_id: str, **props) -> rx.Component:  # noqa: ANN003
    return card(rx.text(t(label_key), size="2", color_scheme="gray"), rx.heading(rx.cond(value != "", value, "—"), size="7", id=element_id), **props)


@app_page("/practice/sessions/[id]", "practice.report", guard="login", on_load=[PracticeReportState.load])
def practice_report_page() -> rx.Component:
    r = PracticeReportState.report
    return rx.cond(
        PracticeReportState.not_found,
        card(rx.heading(t("practice.session_not_found"), size="5"), rx.link(t("nav.practice"), href="/practice")),
        rx.vstack(
            rx.heading(t("practice.report"), ": ", r["topic"], size="6", as_="h1"),
            rx.hstack(rx.text(r["started"], color_scheme="gray", size="2"), rx.badge(r["minutes"], " min"), rx.badge("+", r["xp"], " XP", color_scheme="amber"), wrap="wrap"),
            rx.grid(
                # Two columns on a phone: the overall score spans both, the four parts pair up.
                _score_card("practice.overall", r["overall"], "score-overall", grid_column=rx.breakpoints(initial="span 2", md="auto")),
                _score_card("practice.pronunciation", r["pronunciation"], "score-pronunciation"),
                _score_card("practice.grammar", r["grammar"], "score-grammar"),
                _score_card("practice.vocabulary", r["vocabulary"], "score-vocabulary"),
                _score_card("practice.fluency", r["fluency"], "score-fluency"),
                columns=rx.breakpoints(initial="2", md="5"),
                spacing="3",
                width="100%",
            ),
            rx.cond(r["written"] != "", card(rx.heading(t("practice.feedback"), size="4"), rx.text(r["written"], id="written-feedback"))),
            rx.cond(r["audio"] != "", card(rx.heading(t("practice.recording_title"), size="4"), rx.el.audio(src=r["audio"], controls=True, preload="none", style={"width": "100%"}))),
            card(
                rx.heading(t("practice.words_to_fix"), size="4"),
                rx.cond(PracticeReportState.flagged.length() == 0, rx.text(t("practice.no_flagged"), color_scheme="gray")),
                rx.foreach(
                    PracticeReportState.flagged,
                    lambda w: rx.hstack(rx.text(w["word"], weight="bold"), rx.text(t("practice.expected"), " ", w["expected"], size="2"),
                                        rx.text(t("practice.heard"), " ", w["heard"], size="2", color_scheme="gray"), wrap="wrap", class_name="flagged-word"),
                ),
            ),
            card(
                rx.heading(t("practice.grammar_errors"), size="4"),
                rx.cond(PracticeReportState.grammar.length() == 0, rx.text(t("practice.no_grammar_errors"), color_scheme="gray")),
                rx.foreach(
                    PracticeReportState.grammar,
                    lambda e: rx.vstack(
                        rx.hstack(rx.text(e["text"], text_decoration="line-through", color=rx.color("red", 11)), rx.icon("arrow-right", size=14),
                                  rx.text(e["correction"], weight="bold", color=rx.color("green", 11)), wrap="wrap", align="center"),
                        rx.text(e["explanation"], size="2", color_scheme="gray"),
                        spacing="1",
                        class_name="grammar-error",
                    ),
                ),
            ),
            rx.grid(
                card(
                    rx.heading(t("practice.vocabulary_title"), size="4"),
                    rx.cond(r["level"] != "", rx.text(t("practice.vocab_level"), ": ", rx.text.strong(r["level"]))),
                    rx.hstack(rx.foreach(PracticeReportState.cefr, lambda c: rx.badge(c["level"], " ", c["share"], "%", variant="soft")), wrap="wrap"),
                    rx.foreach(PracticeReportState.suggestions, lambda x: rx.text(rx.text.strong(x["word"]), " → ", x["better"], size="2")),
                ),
                card(
                    rx.heading(t("practice.fluency_title"), size="4"),
                    rx.text(t("practice.wpm"), ": ", rx.text.strong(r["wpm"])),
                    rx.text(t("practice.pauses"), ": ", rx.text.strong(r["pauses"]), " (", t("practice.longest"), " ", r["longest_pause"], " s)"),
                    rx.text(t("practice.fillers"), ": ", rx.text.strong(r["fillers"]), " ", r["filler_words"]),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            rx.cond(
                PracticeReportState.drills.length() > 0,
                card(rx.heading(t("practice.drill_title"), size="4"),
                     rx.foreach(PracticeReportState.drills, lambda d: rx.hstack(rx.text(d["text"], flex="1"), rx.badge(d["score"]), width="100%"))),
            ),
            card(
                rx.heading(t("practice.transcript"), size="4"),
                rx.foreach(
                    PracticeReportState.transcript,
                    lambda m: rx.vstack(
                        rx.text(rx.text.strong(_tr("practice.role_", m["role"])), ": ", m["text"], size="2"),
                        rx.cond(m["audio"] != "", rx.el.audio(src=m["audio"], controls=True, preload="none", style={"height": "32px"})),
                        spacing="1",
                    ),
                ),
            ),
            rx.cond(
                PracticeReportState.can_comment | (PracticeReportState.mentor_notes.length() > 0),
                card(
                rx.heading(t("practice.mentor_feedback"), size="4"),
                rx.foreach(PracticeReportState.mentor_notes, lambda n: rx.text(n["text"], " — ", rx.text(n["at"], size="1", color_scheme="gray"))),
                rx.cond(
                    PracticeReportState.can_comment,
                    rx.form(
                        rx.vstack(
                            error_callout(PracticeReportState.feedback_error),
                            rx.text_area(name="feedback", max_length=2000, width="100%", rows="3"),
                            rx.button(t("form.save"), type="submit"),
                            width="100%",
                        ),
                        on_submit=PracticeReportState.add_feedback,
                        reset_on_submit=True,
                        width="100%",
                    ),
                ),
                ),
            ),
            rx.hstack(rx.link(rx.button(t("practice.again"), size="3"), href="/practice"), rx.link(t("practice.history"), href="/practice/history"), align="center", spacing="4"),
            spacing="4",
            width="100%",
        ),
    )


@app_page("/practice/history", "practice.history", guard="learner", on_load=[PracticeReportState.load_history])
def practice_history_page() -> rx.Component:
    return rx.vstack(
        page_header("practice.history"),
        card(
            rx.cond(PracticeReportState.sessions.length() == 0, rx.text(t("practice.no_sessions"))),
            rx.foreach(
                PracticeReportState.sessions,
                lambda h: rx.hstack(
                    rx.vstack(
                        rx.link(h["topic"], href=rx.cond(h["done"] != "", "/practice/sessions/" + h["id"].to(str), "/practice/room/" + h["id"].to(str)), weight="medium"),
                        rx.text(h["scenario"], size="1", color_scheme="gray"),
                        spacing="0",
                        flex="1",
                    ),
                    rx.text(h["date"], size="2", color_scheme="gray"),
                    rx.cond(h["audio"] != "", rx.icon("volume-2", size=16)),
                    rx.cond(h["score"] != "", rx.badge(h["score"], size="2"), rx.badge(t("practice.in_progress"), color_scheme="orange")),
                    width="100%",
                    align="center",
                    wrap="wrap",
                    padding_y="0.5em",
                    border_bottom=f"1px solid {rx.color('gray', 4)}",
                ),
            ),
        ),
        width="100%",
    )
