"""The online career test behind a purchased career_test package: the shipped bank, ownership,
access counting, saving as you go, scoring on a hand-computed example, and revoked access."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import select

from aesp_app.models.base import utcnow
from aesp_app.models.commerce import PurchasedPackage
from aesp_app.services.errors import ServiceError
from aesp_app.services.shop import career_test, cart, checkout, payments
from aesp_app.services.shop.career_test import CareerTestError
from aesp_app.services.shop.cart import CartOwner

PRODUCT = "Hướng nghiệp trực tuyến"


def _buy(session, demo, username, package_name):
    user = demo.user(username)
    cart.add_item(session, owner=CartOwner.member(user.id), package_id=demo.package(PRODUCT, package_name).id)
    if package_name == "Gói Khởi động":  # free: completed at once
        order = checkout.checkout(session, user_id=user.id, payment_method="vnpay")
    else:
        order = checkout.checkout(session, user_id=user.id, payment_method="bank_transfer")
        payments.mark_paid_by_admin(session, order_id=order.id, admin_id=demo.user("admin").id)
    session.commit()
    purchased = session.exec(select(PurchasedPackage).where(PurchasedPackage.order_id == order.id)).one()
    return user, order, purchased


def _raises(code, call):
    with pytest.raises(ServiceError) as exc:
        call()
    assert exc.value.code is code, exc.value.code
    return exc.value


def test_the_bank_has_twenty_statements_per_type_in_both_languages():
    bank = career_test.question_bank()
    assert len(bank) == 120 and len({q.id for q in bank}) == 120
    for kind in career_test.TYPES:
        mine = [q for q in bank if q.type == kind]
        assert len(mine) == 20
        assert all(q.vi.strip() and q.en.strip() for q in mine)
        assert len(career_test.suggested_fields(kind)) >= 5
    assert len({q.vi for q in bank}) == 120 and len({q.en for q in bank}) == 120
    assert bank[0].vi == "Tôi thích sửa chữa máy móc" and bank[0].en == "I like repairing machines"


def test_selection_is_deterministic_and_balanced():
    thirty = career_test.select_questions(30)
    assert len(thirty) == 30 and thirty == career_test.select_questions(30)
    assert [q.type for q in thirty[:6]] == list("RIASEC")
    assert {t: sum(1 for q in thirty if q.type == t) for t in career_test.TYPES} == dict.fromkeys("RIASEC", 5)
    assert len(career_test.select_questions(120)) == 120
    assert len(career_test.select_questions(500)) == 120 and len(career_test.select_questions(31)) == 30
    assert len(career_test.select_questions(0)) == 6


def test_free_package_asks_30_and_full_package_120(session, demo):
    user, _order, free = _buy(session, demo, "learner1", "Gói Khởi động")
    assert career_test.question_count(free) == 30
    view = career_test.open_test(session, user_id=user.id, access_code=free.access_code)
    assert len(view.questions) == 30 and view.answers == {} and view.result is None
    user2, _order2, full = _buy(session, demo, "learner2", "Gói Tăng tốc")
    assert career_test.question_count(full) == 120
    assert len(career_test.open_test(session, user_id=user2.id, access_code=full.access_code).questions) == 120
    # Without a count in the features the product's question_count decides; without both, 120.
    full.package_features, full.package_metadata = None, json.dumps({"question_count": 60})
    assert career_test.question_count(full) == 60
    full.package_metadata = None
    assert career_test.question_count(full) == 120


def test_only_the_owner_opens_it_and_each_open_is_counted(session, demo):
    user, _order, purchased = _buy(session, demo, "learner1", "Gói Khởi động")
    other = demo.user("learner2")
    for who, code in ((other.id, purchased.access_code), (user.id, "TST_nope"), (user.id, ""), (user.id, "x" * 300)):
        _raises(CareerTestError.NOT_FOUND, lambda: career_test.open_test(session, user_id=who, access_code=code))
    session.refresh(purchased)
    assert purchased.access_count == 0 and purchased.first_accessed_at is None

    first = (utcnow() - dt.timedelta(hours=2)).replace(microsecond=0)  # MySQL DATETIME keeps seconds
    career_test.open_test(session, user_id=user.id, access_code=purchased.access_code, now=first)
    later = utcnow().replace(microsecond=0)
    view = career_test.open_test(session, user_id=user.id, access_code=purchased.access_code, now=later)
    session.commit()
    session.refresh(purchased)
    assert purchased.access_count == 2 == view.access_count
    assert purchased.first_accessed_at == first and purchased.last_accessed_at == later
    assert json.loads(purchased.usage_data)["career_test"]["question_ids"] == [q.id for q in view.questions]


def test_a_course_code_is_not_a_test(session, demo):
    user = demo.user("learner1")
    cart.add_item(session, owner=CartOwner.member(user.id), package_id=demo.package("Essay Coaching", "Essay Coaching 1:1").id)
    order = checkout.checkout(session, user_id=user.id, payment_method="bank_transfer")
    payments.mark_paid_by_admin(session, order_id=order.id, admin_id=demo.user("admin").id)
    course = session.exec(select(PurchasedPackage).where(PurchasedPackage.order_id == order.id)).one()
    _raises(CareerTestError.NOT_FOUND, lambda: career_test.open_test(session, user_id=user.id, access_code=course.access_code))


def test_answers_are_validated_saved_and_resumed(session, demo):
    user, _order, purchased = _buy(session, demo, "learner1", "Gói Khởi động")
    code = purchased.access_code
    view = career_test.open_test(session, user_id=user.id, access_code=code)
    ids = [q.id for q in view.questions]
    not_asked = next(q.id for q in career_test.question_bank() if q.id not in ids)
    for bad in ({}, None, [1, 2], {ids[0]: 0}, {ids[0]: 6}, {ids[0]: "3"}, {ids[0]: True}, {ids[0]: 2.5},
                {str(ids[0]): 3}, {not_asked: 3}, {999: 3}, {True: 3}, {i: 3 for i in range(1, 200)}):
        _raises(CareerTestError.ANSWERS_INVALID,
                lambda bad=bad: career_test.save_answers(session, user_id=user.id, access_code=code, answers=bad))
    _raises(CareerTestError.NOT_FOUND, lambda: career_test.save_answers(
        session, user_id=demo.user("learner2").id, access_code=code, answers={ids[0]: 3}))

    career_test.save_answers(session, user_id=user.id, access_code=code, answers={ids[0]: 4, ids[1]: 2})
    saved = career_test.save_answers(session, user_id=user.id, access_code=code, answers={ids[1]: 5, ids[2]: 1})
    assert saved.answers == {ids[0]: 4, ids[1]: 5, ids[2]: 1}
    session.commit()
    resumed = career_test.open_test(session, user_id=user.id, access_code=code)
    assert resumed.answers == {ids[0]: 4, ids[1]: 5, ids[2]: 1} and resumed.result is None

    error = _raises(CareerTestError.INCOMPLETE, lambda: career_test.submit(session, user_id=user.id, access_code=code))
    assert error.params == {"answered": 3, "total": 30}
    _raises(CareerTestError.NOT_COMPLETED, lambda: career_test.result(session, user_id=user.id, access_code=code))


# Hand-computed: five statements per type; percent = (sum − 5) / 20 × 100.
EXAMPLE = {
    "R": [1, 1, 1, 1, 1],  # sum 5  -> 0 %
    "I": [5, 5, 5, 5, 5],  # sum 25 -> 100 %
    "A": [3, 3, 3, 3, 3],  # sum 15 -> 50 %
    "S": [5, 5, 5, 5, 4],  # sum 24 -> 95 %
    "E": [4, 4, 4, 4, 4],  # sum 20 -> 75 %
    "C": [2, 2, 2, 2, 3],  # sum 11 -> 30 %
}


def test_submit_scores_the_hand_computed_example_and_completes(session, demo):
    user, _order, purchased = _buy(session, demo, "learner1", "Gói Khởi động")
    code = purchased.access_code
    view = career_test.open_test(session, user_id=user.id, access_code=code)
    answers = {}
    for kind, values in EXAMPLE.items():
        for question, value in zip([q for q in view.questions if q.type == kind], values, strict=True):
            answers[question.id] = value
    career_test.save_answers(session, user_id=user.id, access_code=code, answers=dict(list(answers.items())[:10]))
    career_test.save_answers(session, user_id=user.id, access_code=code, answers=dict(list(answers.items())[10:]))
    done = career_test.submit(session, user_id=user.id, access_code=code)
    session.commit()

    assert done.result.scores == {"R": 0, "I": 100, "A": 50, "S": 95, "E": 75, "C": 30}
    assert done.result.sums == {"R": 5, "I": 25, "A": 15, "S": 24, "E": 20, "C": 11}
    assert done.result.code == "ISE"
    assert [f.en for f in done.result.fields["I"]][:1] == ["Computer science"]
    assert set(done.result.fields) == {"I", "S", "E"}
    session.refresh(purchased)
    assert purchased.status == "completed"
    stored = json.loads(purchased.usage_data)["career_test"]
    assert stored["result"]["code"] == "ISE" and stored["completed_at"]
    assert career_test.result(session, user_id=user.id, access_code=code).code == "ISE"
    _raises(CareerTestError.NOT_FOUND, lambda: career_test.result(session, user_id=demo.user("learner2").id, access_code=code))

    # Completed: the result still opens; answers and a second submit are refused.
    reopened = career_test.open_test(session, user_id=user.id, access_code=code)
    assert reopened.result.code == "ISE" and reopened.completed
    _raises(CareerTestError.COMPLETED, lambda: career_test.save_answers(
        session, user_id=user.id, access_code=code, answers={view.questions[0].id: 1}))
    _raises(CareerTestError.COMPLETED, lambda: career_test.submit(session, user_id=user.id, access_code=code))


def test_scoring_rounds_half_up_and_breaks_ties_in_riasec_order():
    questions = career_test.select_questions(120)
    answers = {q.id: 3 for q in questions}
    assert career_test.score(questions, answers)[2] == "RIA"  # all equal: R, I, A
    r_ids = [q.id for q in questions if q.type == "R"]
    for qid in r_ids:
        answers[qid] = 1
    for qid in r_ids[:10]:
        answers[qid] = 2  # sum 30 over 20 statements: (30 − 20) / 80 = 12.5 % -> 13
    percents, sums, code = career_test.score(questions, answers)
    assert sums["R"] == 30 and percents["R"] == 13 and percents["C"] == 50 and code == "IAS"


def test_cancelled_refunded_and_expired_packages_are_refused(session, demo):
    user, order, purchased = _buy(session, demo, "learner1", "Gói Tăng tốc")
    code = purchased.access_code
    career_test.open_test(session, user_id=user.id, access_code=code)
    payments.refund_order(session, order_id=order.id, admin_id=demo.user("admin").id, reason="test")
    session.commit()
    for call in (lambda: career_test.open_test(session, user_id=user.id, access_code=code),
                 lambda: career_test.save_answers(session, user_id=user.id, access_code=code, answers={1: 3}),
                 lambda: career_test.submit(session, user_id=user.id, access_code=code),
                 lambda: career_test.result(session, user_id=user.id, access_code=code)):
        _raises(CareerTestError.CANCELLED, call)

    user2, _order2, other = _buy(session, demo, "learner2", "Gói Khởi động")
    other.expires_at = utcnow() - dt.timedelta(minutes=1)
    session.add(other)
    session.commit()
    _raises(CareerTestError.EXPIRED, lambda: career_test.open_test(session, user_id=user2.id, access_code=other.access_code))
    other.expires_at, other.status = None, "expired"
    session.add(other)
    session.commit()
    _raises(CareerTestError.EXPIRED, lambda: career_test.open_test(session, user_id=user2.id, access_code=other.access_code))
    other.status = "pending"
    session.add(other)
    session.commit()
    _raises(CareerTestError.NOT_ACTIVE, lambda: career_test.open_test(session, user_id=user2.id, access_code=other.access_code))
