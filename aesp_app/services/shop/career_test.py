"""The online career-orientation test (Holland RIASEC) behind a purchased career_test package.

The question bank ships with the app (data/riasec.json): 120 statements, 20 for each of the six
types R (Realistic), I (Investigative), A (Artistic), S (Social), E (Enterprising) and
C (Conventional), in Vietnamese with English. Each is answered on a 1–5 scale (1 = strongly
disagree, 5 = strongly agree).

How many are asked is the package's question count: a "N câu hỏi" / "N questions" entry of the
package's features (the free package has 30), else package_metadata.question_count, else 120;
rounded down to a multiple of six (at least 6, at most 120). The selection is deterministic: the
first N/6 statements of each type, interleaved R, I, A, S, E, C.

Scoring: per type, percent = (sum of answers − k) / 4k × 100 (k = statements of that type asked),
rounded half up; so all 1s give 0 % and all 5s 100 %. The Holland code is the three highest types
(ties keep the R-I-A-S-E-C order), e.g. "SAE"; each of the three brings its suggested fields.

Progress and results live in purchased_packages.usage_data (JSON) under "career_test":
{"question_ids": [...], "answers": {"<id>": 1-5}, "saved_at", "completed_at", "result": {...}}.
Opening the test counts an access (access_count, first_accessed_at once, last_accessed_at).
Only the owner's package is found; a cancelled, expired or not yet active one is refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import json
import pathlib
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlmodel import Session, select

from aesp_app.models.base import utcnow
from aesp_app.models.commerce import PurchasedPackage, PurchasedPackageStatus
from aesp_app.services.errors import ServiceError

TYPES = ("R", "I", "A", "S", "E", "C")
MIN_VALUE, MAX_VALUE = 1, 5
FULL_COUNT = 120
PRODUCT_TYPE = "career_test"
USAGE_KEY = "career_test"
BANK_PATH = pathlib.Path(__file__).resolve().parent / "data" / "riasec.json"
_COUNT_RE = re.compile(r"(\d{1,4})\s*(?:câu hỏi|questions?)\b", re.IGNORECASE)


class CareerTestError(str, enum.Enum):
    NOT_FOUND = "career_test.not_found"
    CANCELLED = "career_test.cancelled"
    EXPIRED = "career_test.expired"
    NOT_ACTIVE = "career_test.not_active"
    COMPLETED = "career_test.completed"
    NOT_COMPLETED = "career_test.not_completed"
    ANSWERS_INVALID = "career_test.answers_invalid"
    INCOMPLETE = "career_test.incomplete"  # params: answered, total


@dataclasses.dataclass(frozen=True)
class Question:
    id: int
    type: str
    vi: str
    en: str


@dataclasses.dataclass(frozen=True)
class CareerField:
    vi: str
    en: str


@dataclasses.dataclass(frozen=True)
class TestResult:
    scores: dict[str, int]  # type -> percent 0..100
    sums: dict[str, int]  # type -> raw sum of its answers
    code: str  # the three highest types, e.g. "SAE"
    fields: dict[str, tuple[CareerField, ...]]  # each of the code's types -> suggested fields
    completed_at: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class TestView:
    purchased_id: int
    access_code: str
    product_name: str
    package_name: str
    status: str
    questions: tuple[Question, ...]
    answers: dict[int, int]
    access_count: int
    first_accessed_at: dt.datetime | None
    last_accessed_at: dt.datetime | None
    result: TestResult | None

    @property
    def completed(self) -> bool:
        return self.result is not None


# --- the bank -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _bank() -> tuple[dict[int, Question], dict[str, tuple[CareerField, ...]]]:
    data = json.loads(BANK_PATH.read_text(encoding="utf-8"))
    questions = {int(q["id"]): Question(id=int(q["id"]), type=q["type"], vi=q["vi"], en=q["en"]) for q in data["questions"]}
    fields = {t: tuple(CareerField(vi=f["vi"], en=f["en"]) for f in data["fields"][t]) for t in TYPES}
    return questions, fields


def question_bank() -> tuple[Question, ...]:
    return tuple(_bank()[0].values())


def suggested_fields(kind: str) -> tuple[CareerField, ...]:
    return _bank()[1].get(kind, ())


def per_type_available() -> int:
    bank = question_bank()
    return min(sum(1 for q in bank if q.type == t) for t in TYPES)


def select_questions(count: int) -> tuple[Question, ...]:
    """COUNT statements (rounded down to a multiple of six, 6..120): the first COUNT/6 of each
    type, interleaved R, I, A, S, E, C."""
    per_type = max(1, min(int(count) // len(TYPES), per_type_available()))
    by_type = {t: [q for q in question_bank() if q.type == t][:per_type] for t in TYPES}
    return tuple(by_type[t][i] for i in range(per_type) for t in TYPES)


def _json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def question_count(purchased: PurchasedPackage) -> int:
    """How many statements this package asks (see the module docstring)."""
    features = _json(purchased.package_features)
    if isinstance(features, list):
        for feature in features:
            match = _COUNT_RE.search(str(feature))
            if match:
                return _clamp_count(int(match.group(1)))
    metadata = _json(purchased.package_metadata)
    if isinstance(metadata, dict):
        value = metadata.get("question_count")
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return _clamp_count(value)
    return FULL_COUNT


def _clamp_count(value: int) -> int:
    per_type = max(1, min(value // len(TYPES), per_type_available()))
    return per_type * len(TYPES)


# --- scoring --------------------------------------------------------------------------------


def score(questions: tuple[Question, ...] | list[Question], answers: dict[int, int]) -> tuple[dict[str, int], dict[str, int], str]:
    """(percent per type, raw sum per type, three-letter code) for complete ANSWERS."""
    percents: dict[str, int] = {}
    sums: dict[str, int] = {}
    for kind in TYPES:
        values = [answers[q.id] for q in questions if q.type == kind]
        sums[kind] = sum(values)
        if not values:
            percents[kind] = 0
            continue
        k = len(values)
        percent = Decimal(sums[kind] - k * MIN_VALUE) * 100 / (k * (MAX_VALUE - MIN_VALUE))
        percents[kind] = int(percent.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    ranked = sorted(TYPES, key=lambda t: (-percents[t], TYPES.index(t)))
    return percents, sums, "".join(ranked[:3])


# --- reading and writing a package ----------------------------------------------------------


def _as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _find(session: Session, user_id: int, access_code: str, *, lock: bool) -> PurchasedPackage:
    code = (access_code or "").strip() if isinstance(access_code, str) else ""
    if not code or len(code) > 100 or not isinstance(user_id, int) or isinstance(user_id, bool):
        raise ServiceError(CareerTestError.NOT_FOUND)
    statement = select(PurchasedPackage).where(PurchasedPackage.access_code == code)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    purchased = session.exec(statement).first()
    if purchased is None or purchased.user_id != user_id or purchased.product_type != PRODUCT_TYPE:
        raise ServiceError(CareerTestError.NOT_FOUND)
    return purchased


def _check_usable(purchased: PurchasedPackage, now: dt.datetime) -> None:
    """Active or completed (a completed test shows its result); anything else is refused."""
    if purchased.status == PurchasedPackageStatus.CANCELLED.value:
        raise ServiceError(CareerTestError.CANCELLED)
    expires_at = _as_utc(purchased.expires_at)
    if purchased.status == PurchasedPackageStatus.EXPIRED.value or (
        purchased.status == PurchasedPackageStatus.ACTIVE.value and expires_at is not None and expires_at <= now
    ):
        raise ServiceError(CareerTestError.EXPIRED)
    if purchased.status not in (PurchasedPackageStatus.ACTIVE.value, PurchasedPackageStatus.COMPLETED.value):
        raise ServiceError(CareerTestError.NOT_ACTIVE)


def _usage(purchased: PurchasedPackage) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the whole usage_data, its career_test part) as dicts, whatever was stored."""
    usage = _json(purchased.usage_data)
    usage = usage if isinstance(usage, dict) else {}
    part = usage.get(USAGE_KEY)
    part = part if isinstance(part, dict) else {}
    return usage, part


def _questions_for(purchased: PurchasedPackage, part: dict[str, Any]) -> tuple[Question, ...]:
    """The statements of this package: those fixed when it was first opened, else a selection."""
    bank = _bank()[0]
    ids = part.get("question_ids")
    if isinstance(ids, list) and ids and all(isinstance(i, int) and i in bank for i in ids):
        return tuple(bank[i] for i in ids)
    return select_questions(question_count(purchased))


def _stored_answers(part: dict[str, Any], questions: tuple[Question, ...]) -> dict[int, int]:
    wanted = {q.id for q in questions}
    raw = part.get("answers")
    answers: dict[int, int] = {}
    if isinstance(raw, dict):
        for key, value in raw.items():
            if str(key).isdigit() and int(key) in wanted and isinstance(value, int) and MIN_VALUE <= value <= MAX_VALUE:
                answers[int(key)] = value
    return answers


def _stored_result(part: dict[str, Any]) -> TestResult | None:
    raw = part.get("result")
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str):
        return None
    code = raw["code"]
    completed = part.get("completed_at")
    try:
        completed_at = dt.datetime.fromisoformat(completed) if isinstance(completed, str) else None
    except ValueError:
        completed_at = None
    scores = raw.get("scores") if isinstance(raw.get("scores"), dict) else {}
    sums = raw.get("sums") if isinstance(raw.get("sums"), dict) else {}
    return TestResult(
        scores={t: int(scores.get(t, 0)) for t in TYPES},
        sums={t: int(sums.get(t, 0)) for t in TYPES},
        code=code,
        fields={t: suggested_fields(t) for t in code if t in TYPES},
        completed_at=completed_at,
    )


def _write(purchased: PurchasedPackage, usage: dict[str, Any], part: dict[str, Any], now: dt.datetime) -> None:
    usage[USAGE_KEY] = part
    purchased.usage_data = json.dumps(usage, ensure_ascii=False, sort_keys=True)
    purchased.updated_at = now


def _view(purchased: PurchasedPackage, questions: tuple[Question, ...], part: dict[str, Any]) -> TestView:
    return TestView(
        purchased_id=purchased.id,
        access_code=purchased.access_code,
        product_name=purchased.product_name or "",
        package_name=purchased.package_name or "",
        status=purchased.status,
        questions=questions,
        answers=_stored_answers(part, questions),
        access_count=purchased.access_count,
        first_accessed_at=purchased.first_accessed_at,
        last_accessed_at=purchased.last_accessed_at,
        result=_stored_result(part),
    )


def open_test(session: Session, *, user_id: int, access_code: str, now: dt.datetime | None = None) -> TestView:
    """The owner opens the test: an access is recorded; returns the statements, the answers
    saved so far (to resume) and the result once submitted."""
    now = now or utcnow()
    purchased = _find(session, user_id, access_code, lock=True)
    _check_usable(purchased, now)
    usage, part = _usage(purchased)
    questions = _questions_for(purchased, part)
    if "question_ids" not in part:
        part["question_ids"] = [q.id for q in questions]
        part.setdefault("answers", {})
    purchased.access_count = (purchased.access_count or 0) + 1
    if purchased.first_accessed_at is None:
        purchased.first_accessed_at = now
    purchased.last_accessed_at = now
    _write(purchased, usage, part, now)
    session.add(purchased)
    session.flush()
    return _view(purchased, questions, part)


def _clean_answers(answers: Any, questions: tuple[Question, ...]) -> dict[int, int]:
    if not isinstance(answers, dict) or not answers or len(answers) > len(questions):
        raise ServiceError(CareerTestError.ANSWERS_INVALID)
    wanted = {q.id for q in questions}
    clean: dict[int, int] = {}
    for key, value in answers.items():
        if not isinstance(key, int) or isinstance(key, bool) or key not in wanted:
            raise ServiceError(CareerTestError.ANSWERS_INVALID)
        if not isinstance(value, int) or isinstance(value, bool) or not MIN_VALUE <= value <= MAX_VALUE:
            raise ServiceError(CareerTestError.ANSWERS_INVALID)
        clean[key] = value
    return clean


def save_answers(session: Session, *, user_id: int, access_code: str, answers: dict[int, int],
                 now: dt.datetime | None = None) -> TestView:
    """Record answers (question id -> 1..5), merged with those saved before. Refused when any id
    is not one of this package's statements or any value is outside 1..5 (nothing is saved)."""
    now = now or utcnow()
    purchased = _find(session, user_id, access_code, lock=True)
    _check_usable(purchased, now)
    usage, part = _usage(purchased)
    if purchased.status == PurchasedPackageStatus.COMPLETED.value or part.get("result"):
        raise ServiceError(CareerTestError.COMPLETED)
    questions = _questions_for(purchased, part)
    merged = _stored_answers(part, questions)
    merged.update(_clean_answers(answers, questions))
    part["question_ids"] = [q.id for q in questions]
    part["answers"] = {str(k): v for k, v in sorted(merged.items())}
    part["saved_at"] = now.isoformat()
    _write(purchased, usage, part, now)
    session.add(purchased)
    session.flush()
    return _view(purchased, questions, part)


def submit(session: Session, *, user_id: int, access_code: str, now: dt.datetime | None = None) -> TestView:
    """Every statement answered: computes the RIASEC profile, stores it and marks the package
    completed."""
    now = now or utcnow()
    purchased = _find(session, user_id, access_code, lock=True)
    _check_usable(purchased, now)
    usage, part = _usage(purchased)
    if purchased.status == PurchasedPackageStatus.COMPLETED.value or part.get("result"):
        raise ServiceError(CareerTestError.COMPLETED)
    questions = _questions_for(purchased, part)
    answers = _stored_answers(part, questions)
    if len(answers) < len(questions):
        raise ServiceError(CareerTestError.INCOMPLETE, answered=len(answers), total=len(questions))
    percents, sums, code = score(questions, answers)
    part["question_ids"] = [q.id for q in questions]
    part["completed_at"] = now.isoformat()
    part["result"] = {"scores": percents, "sums": sums, "code": code}
    _write(purchased, usage, part, now)
    purchased.status = PurchasedPackageStatus.COMPLETED.value
    session.add(purchased)
    session.flush()
    return _view(purchased, questions, part)


def result(session: Session, *, user_id: int, access_code: str) -> TestResult:
    """The stored result of the owner's completed test (no access is counted)."""
    purchased = _find(session, user_id, access_code, lock=False)
    if purchased.status == PurchasedPackageStatus.CANCELLED.value:
        raise ServiceError(CareerTestError.CANCELLED)
    found = _stored_result(_usage(purchased)[1])
    if found is None:
        raise ServiceError(CareerTestError.NOT_COMPLETED)
    return found
