"""Demo data: accounts, the catalogue (seed 001's five sample products with their packages and
prices, a few English courses of seed 003's types, seed 000's service packages and subscription
plans sold through the catalogue), English-practice topics and achievements.

`load_demo_data` is idempotent: every row is looked up by its natural key (e-mail, slug, name,
code, ...) and only created when missing; existing rows are never changed. It flushes but does
not commit: the caller's unit of work does (aesp_app.db.session_scope).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, or_, select

from aesp_app.models.accounts import Role, User, UserProfile, UserStatus
from aesp_app.models.base import utcnow
from aesp_app.models.catalog import (
    Bundle,
    BundleItem,
    Category,
    Course,
    CourseDifficulty,
    Product,
    ProductLabel,
    ProductPackage,
    ProductPrerequisite,
    ProductRelated,
    ProductStatus,
    ProductType,
    Specialization,
    SpecializationCourse,
    TeachingFormat,
)
from aesp_app.models.commerce import PlanPeriod, ServicePackage, SubscriptionPlan
from aesp_app.models.gamification import Achievement, AchievementCriteria
from aesp_app.models.learning import DIFFICULTY_LEVELS, Subject, Topic
from aesp_app.models.mentoring import MentorAssignment
from aesp_app.models.practice import LearnerProgress
from aesp_app.services.catalog.slugs import slugify
from aesp_app.services.security import hash_password

M = TypeVar("M", bound=SQLModel)

ENGLISH_SUBJECT = "English Speaking"


def _vnd(amount: int) -> Decimal:
    return Decimal(amount)


# --- accounts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    email: str
    username: str
    password: str
    full_name: str
    role: str
    extra: dict[str, Any] = field(default_factory=dict)


# Seed 001's demo logins keep their short passwords on purpose (they are below the registration
# minimum, which only applies to sign-up and password changes).
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin@pac.edu.vn", "admin", "admin", "Quản trị viên", Role.ADMIN.value),
    DemoAccount("customer@example.com", "customer", "customer", "Khách hàng Demo", Role.LEARNER.value),
    DemoAccount(
        "mentor@aesp.vn",
        "mentor",
        "mentor12345",
        "Nguyễn Minh Anh",
        Role.MENTOR.value,
        {
            "specialty": "IELTS Speaking & Business English",
            "hourly_rate": _vnd(250_000),
            "bio": "Giảng viên IELTS 8.5 với 7 năm kinh nghiệm luyện nói cho người đi làm và du học sinh.",
            "profile_completed": True,
        },
    ),
    DemoAccount("learner1@aesp.vn", "learner1", "learner12345", "Trần Thu Hà", Role.LEARNER.value),
    DemoAccount("learner2@aesp.vn", "learner2", "learner12345", "Lê Hoàng Nam", Role.LEARNER.value),
    DemoAccount("learner3@aesp.vn", "learner3", "learner12345", "Phạm Gia Bảo", Role.LEARNER.value),
)

# Onboarding answers and running progress of the three demo learners.
LEARNER_PROFILES: dict[str, dict[str, Any]] = {
    "learner1": {"grade_level": "B1", "primary_goal": "work", "study_preference": "ai_practice"},
    "learner2": {"grade_level": "A2", "primary_goal": "travel", "study_preference": "mentor"},
    "learner3": {"grade_level": "B2", "primary_goal": "ielts", "study_preference": "ai_practice"},
}
LEARNER_PROGRESS: dict[str, dict[str, Any]] = {
    "learner1": {
        "overall_score": 68.5, "pronunciation_score": 70.0, "grammar_score": 66.0, "vocabulary_score": 69.0,
        "fluency_score": 67.0, "total_practice_hours": 6.5, "total_sessions": 14, "current_streak": 5,
        "longest_streak": 9, "words_learned": 240, "current_level": "intermediate", "xp_points": 1850,
    },
    "learner2": {
        "overall_score": 52.0, "pronunciation_score": 55.0, "grammar_score": 48.0, "vocabulary_score": 51.0,
        "fluency_score": 54.0, "total_practice_hours": 2.0, "total_sessions": 5, "current_streak": 2,
        "longest_streak": 3, "words_learned": 90, "current_level": "beginner", "xp_points": 520,
    },
    "learner3": {
        "overall_score": 79.0, "pronunciation_score": 81.0, "grammar_score": 77.0, "vocabulary_score": 80.0,
        "fluency_score": 78.0, "total_practice_hours": 12.0, "total_sessions": 26, "current_streak": 11,
        "longest_streak": 15, "words_learned": 610, "current_level": "advanced", "xp_points": 3400,
    },
}


# --- catalogue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPackage:
    name: str
    sale_price: int
    original_price: int | None = None  # None: no discount, the list price is the sale price
    description: str | None = None
    group_size: str | None = None
    features: tuple[str, ...] = ()
    access_days: int | None = None

    @property
    def is_free(self) -> bool:
        return self.sale_price == 0


@dataclass(frozen=True)
class DemoProduct:
    title: str
    type: str
    category: str  # categories.slug
    short_description: str
    packages: tuple[DemoPackage, ...]
    label: str | None = ProductLabel.NEW.value
    fields: dict[str, Any] = field(default_factory=dict)  # other products columns
    course: dict[str, Any] | None = None  # courses detail row, for type course


CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("huong-nghiep", "Hướng nghiệp", "Trắc nghiệm và tư vấn chọn ngành, chọn nghề."),
    ("viet-luan-du-hoc", "Viết luận & Du học", "Luyện viết luận và hồ sơ du học."),
    ("ky-nang-nghe-nghiep", "Kỹ năng nghề nghiệp", "CV, phỏng vấn và kỹ năng đi làm."),
    ("tieng-anh-giao-tiep", "Tiếng Anh giao tiếp", "Khóa học luyện nói tiếng Anh cùng AI và giảng viên."),
    ("goi-luyen-tap", "Gói luyện tập AESP", "Gói dịch vụ và gói thành viên của nền tảng luyện nói AESP."),
)

# Seed 001 "Dữ liệu mẫu": the five PAC products with every package and price, as listed.
SAMPLE_PRODUCTS: tuple[DemoProduct, ...] = (
    DemoProduct(
        title="Hướng nghiệp trực tuyến",
        type=ProductType.CAREER_TEST.value,
        category="huong-nghiep",
        label=ProductLabel.BEST_SELLER.value,
        short_description=(
            "Bài trắc nghiệm hướng nghiệp trực tuyến giúp bạn hiểu sở thích, thế mạnh và "
            "nhóm ngành nghề phù hợp."
        ),
        fields={
            "question_count": 120,
            "report_pages": "25-26",
            "age_range": "14-25",
            "duration": "20-45 phút",
            "target_audience": "Học sinh THPT, sinh viên và người trẻ đang chọn ngành, chọn nghề.",
        },
        packages=(
            DemoPackage(
                "Gói Khởi động", 0, description="30 câu hỏi, báo cáo 5 trang",
                features=("30 câu hỏi", "Báo cáo 5 trang"),
            ),
            DemoPackage(
                "Gói Tăng tốc", 1_975_000, description="120 câu hỏi, báo cáo 25-26 trang",
                features=("120 câu hỏi", "Báo cáo 25-26 trang"),
            ),
        ),
    ),
    DemoProduct(
        title="Viết luận tăng cường",
        type=ProductType.COURSE.value,
        category="viet-luan-du-hoc",
        label=ProductLabel.HOT.value,
        short_description="Khóa học viết luận tăng cường cho hồ sơ du học, học theo nhóm nhỏ hoặc 1:1.",
        fields={"teaching_format": TeachingFormat.BOTH.value, "duration": "8 tuần"},
        packages=(
            DemoPackage("Nhóm 6 học viên", 5_199_000, 6_999_000, description="Lớp nhóm 6 học viên", group_size="Nhóm 6"),
            DemoPackage("Nhóm 4 học viên", 7_600_000, 9_999_000, description="Lớp nhóm 4 học viên", group_size="Nhóm 4"),
            DemoPackage("Học cá nhân 1:1", 19_800_000, 21_000_000, description="Học cá nhân 1:1 với giảng viên", group_size="1:1"),
        ),
        course={"difficulty": CourseDifficulty.MEDIUM.value,
                "requirements": "Có bản nháp bài luận hoặc ý tưởng cho hồ sơ du học."},
    ),
    DemoProduct(
        title="Essay Coaching",
        type=ProductType.COURSE.value,
        category="viet-luan-du-hoc",
        short_description="Huấn luyện 1:1 hoàn thiện bài luận (essay) cho hồ sơ du học.",
        fields={"teaching_format": TeachingFormat.ONLINE.value},
        packages=(
            DemoPackage("Essay Coaching 1:1", 899_000, 1_299_000, description="Một buổi huấn luyện 1:1", group_size="1:1"),
        ),
        course={"difficulty": CourseDifficulty.MEDIUM.value, "requirements": "Có bản nháp bài luận."},
    ),
    DemoProduct(
        title="CV và Phỏng vấn",
        type=ProductType.COURSE.value,
        category="ky-nang-nghe-nghiep",
        label=ProductLabel.FEATURED.value,
        short_description="Cố vấn xây dựng CV và luyện phỏng vấn cùng chuyên gia tuyển dụng.",
        fields={"teaching_format": TeachingFormat.ONLINE.value},
        packages=(
            DemoPackage("Cố vấn Thành viên", 9_900_000, description="Cố vấn CV và phỏng vấn cùng chuyên gia"),
            DemoPackage("Cố vấn Cao cấp", 15_900_000, description="Cố vấn CV và phỏng vấn cùng chuyên gia cao cấp"),
        ),
        course={"difficulty": CourseDifficulty.MEDIUM.value, "requirements": "Có CV hiện tại (nếu có)."},
    ),
    DemoProduct(
        title="Hướng nghiệp cùng chuyên gia",
        type=ProductType.CONSULTATION.value,
        category="huong-nghiep",
        label=ProductLabel.FEATURED.value,
        short_description="Tư vấn hướng nghiệp trực tiếp cùng chuyên gia qua nhiều buổi.",
        packages=(
            DemoPackage("Gói Học đường", 14_750_000, description="5-6 buổi tư vấn", features=("5-6 buổi tư vấn",)),
            DemoPackage(
                "Gói Toàn diện", 24_750_000, description="6 buổi tư vấn + tư vấn môn học quốc tế",
                features=("6 buổi tư vấn", "Tư vấn môn học quốc tế"),
            ),
        ),
    ),
)


def _english_course(title: str, short: str, regular: int, discounted: int, difficulty: str, requirements: str,
                    outcomes: str, label: str | None = ProductLabel.NEW.value) -> DemoProduct:
    return DemoProduct(
        title=title,
        type=ProductType.COURSE.value,
        category="tieng-anh-giao-tiep",
        label=label,
        short_description=short,
        fields={"teaching_format": TeachingFormat.ONLINE.value, "learning_outcomes": outcomes},
        packages=(DemoPackage("Trọn khóa", discounted, regular, description="Truy cập toàn bộ khóa học trong 12 tháng",
                              access_days=365),),
        course={"difficulty": difficulty, "requirements": requirements},
    )


# Seed 003's types: three courses, a specialization made of them and a bundle.
ENGLISH_COURSES: tuple[DemoProduct, ...] = (
    _english_course(
        "English Speaking Foundations",
        "Nền tảng nói tiếng Anh: phát âm, mẫu câu thông dụng và phản xạ giao tiếp hằng ngày.",
        1_490_000, 990_000, CourseDifficulty.EASY.value,
        "Biết bảng chữ cái và khoảng 500 từ tiếng Anh cơ bản.",
        "Tự giới thiệu, hỏi đáp và trò chuyện về chủ đề quen thuộc với phát âm rõ ràng.",
        ProductLabel.BEST_SELLER.value,
    ),
    _english_course(
        "Business English Conversation",
        "Giao tiếp tiếng Anh nơi công sở: họp, gọi điện, thuyết trình và đàm phán.",
        2_490_000, 1_790_000, CourseDifficulty.MEDIUM.value,
        "Hoàn thành English Speaking Foundations hoặc trình độ tương đương A2-B1.",
        "Điều hành cuộc họp ngắn, trình bày ý tưởng và xử lý tình huống công việc bằng tiếng Anh.",
    ),
    _english_course(
        "IELTS Speaking Intensive",
        "Luyện thi IELTS Speaking cả ba phần với giám khảo AI và phản hồi chi tiết.",
        3_490_000, 2_690_000, CourseDifficulty.HARD.value,
        "Trình độ B1 trở lên.",
        "Trả lời trôi chảy Part 1-3, mở rộng ý và dùng từ vựng học thuật để đạt band 6.5+.",
        ProductLabel.HOT.value,
    ),
)
SPECIALIZATION = DemoProduct(
    title="Fluent English Speaker",
    type=ProductType.SPECIALIZATION.value,
    category="tieng-anh-giao-tiep",
    label=ProductLabel.FEATURED.value,
    short_description="Lộ trình ba khóa từ nền tảng đến IELTS Speaking, học theo thứ tự.",
    packages=(DemoPackage("Trọn lộ trình", 4_990_000, 7_470_000, description="Cả ba khóa của lộ trình", access_days=730),),
)
SPECIALIZATION_SERIES = ("English Speaking Foundations", "Business English Conversation", "IELTS Speaking Intensive")

# Seed 000 service packages and the catalogue entry that sells them.
SERVICE_PACKAGES: tuple[dict[str, Any], ...] = (
    {
        "name": "Basic", "price": _vnd(199_000), "duration_days": 30, "has_mentor": False,
        "has_ai_advanced": False, "max_sessions_per_month": 10,
        "description": "Luyện nói với AI 10 buổi mỗi tháng.",
        "features": ["10 buổi luyện nói AI/tháng", "Chấm điểm phát âm", "Theo dõi tiến độ"],
    },
    {
        "name": "Pro", "price": _vnd(499_000), "duration_days": 30, "has_mentor": True,
        "has_ai_advanced": True, "max_sessions_per_month": 30,
        "description": "AI nâng cao, 30 buổi mỗi tháng và buổi học cùng mentor.",
        "features": ["30 buổi luyện nói AI/tháng", "Phản hồi AI nâng cao", "Buổi học cùng mentor"],
    },
)
SERVICE_PRODUCT = DemoProduct(
    title="Gói luyện nói AESP",
    type=ProductType.SERVICE_PACKAGE.value,
    category="goi-luyen-tap",
    label=ProductLabel.HOT.value,
    short_description="Gói luyện nói 30 ngày: Basic cho luyện tập đều đặn, Pro có AI nâng cao và mentor.",
    packages=(
        DemoPackage("Basic", 199_000, description="Luyện nói với AI 10 buổi mỗi tháng.", access_days=30),
        DemoPackage("Pro", 499_000, description="AI nâng cao, 30 buổi mỗi tháng và mentor.", access_days=30),
    ),
)

SUBSCRIPTION_PLANS: tuple[dict[str, Any], ...] = (
    {
        "name": "Free", "price": _vnd(0), "period": PlanPeriod.MONTH.value, "mentor_sessions": 0, "sort_order": 0,
        "features": ["3 buổi luyện nói AI mỗi ngày", "Chủ đề cơ bản"],
        "limitations": ["Không có mentor", "Không có phản hồi AI nâng cao"],
    },
    {
        "name": "Premium Monthly", "price": _vnd(249_000), "period": PlanPeriod.MONTH.value, "mentor_sessions": 1,
        "sort_order": 1,
        "features": ["Luyện nói AI không giới hạn", "Tất cả chủ đề", "1 buổi mentor mỗi tháng"],
        "limitations": [],
    },
    {
        "name": "Premium Yearly", "price": _vnd(2_490_000), "period": PlanPeriod.YEAR.value, "mentor_sessions": 12,
        "original_price": _vnd(2_988_000), "discount_percent": 17, "is_popular": True, "sort_order": 2,
        "features": ["Luyện nói AI không giới hạn", "Tất cả chủ đề", "12 buổi mentor mỗi năm"],
        "limitations": [],
    },
)
SUBSCRIPTION_PRODUCT = DemoProduct(
    title="AESP Premium",
    type=ProductType.SUBSCRIPTION.value,
    category="goi-luyen-tap",
    label=ProductLabel.FEATURED.value,
    short_description="Thành viên Premium: luyện nói AI không giới hạn và buổi học cùng mentor.",
    packages=(
        DemoPackage("Premium Monthly", 249_000, description="Gia hạn theo tháng."),
        DemoPackage("Premium Yearly", 2_490_000, 2_988_000, description="Thanh toán theo năm, tiết kiệm 17%."),
    ),
)
# product_packages.package_name -> the row it sells
SELLS_SERVICE_PACKAGE = {"Basic": "Basic", "Pro": "Pro"}
SELLS_PLAN = {"Premium Monthly": "Premium Monthly", "Premium Yearly": "Premium Yearly"}

BUNDLE = DemoProduct(
    title="Gói Khởi đầu Giao tiếp",
    type=ProductType.BUNDLE.value,
    category="tieng-anh-giao-tiep",
    short_description="Khóa English Speaking Foundations kèm một tháng gói Pro để luyện nói mỗi ngày.",
    packages=(DemoPackage("Trọn gói", 1_290_000, 1_489_000, description="Khóa Foundations + 1 tháng Pro"),),
)
BUNDLE_ITEMS = (("English Speaking Foundations", ProductType.COURSE.value, None),
                ("Gói luyện nói AESP", ProductType.SERVICE_PACKAGE.value, "Pro"))

PREREQUISITES = (
    ("Business English Conversation", "English Speaking Foundations"),
    ("IELTS Speaking Intensive", "English Speaking Foundations"),
)
RELATED = (
    ("English Speaking Foundations", "Business English Conversation", 1),
    ("English Speaking Foundations", "IELTS Speaking Intensive", 2),
    ("English Speaking Foundations", "Fluent English Speaker", 3),
    ("Business English Conversation", "IELTS Speaking Intensive", 1),
    ("IELTS Speaking Intensive", "Business English Conversation", 1),
    ("Viết luận tăng cường", "Essay Coaching", 1),
    ("Essay Coaching", "Viết luận tăng cường", 1),
)


# --- practice topics and achievements -----------------------------------------------------

CATEGORY_STYLE = {
    "work": ("briefcase", "blue"),
    "travel": ("plane", "green"),
    "daily": ("coffee", "orange"),
    "social": ("users", "pink"),
    "academic": ("graduation-cap", "purple"),
}
LEVEL_REWARD = {"beginner": (100, "10m"), "intermediate": (150, "15m"), "advanced": (200, "20m")}

# (title, category, difficulty, description, scenario)
TOPICS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Introducing Yourself at Work", "work", "beginner",
     "Say who you are, what you do and where you come from on your first day.",
     "You are a friendly colleague meeting the learner on their first day at the office. Ask their name, role and background."),
    ("Talking About Your Job", "work", "beginner",
     "Describe your job, your daily tasks and what you like about your work.",
     "You meet the learner at a networking event and ask about their job, daily routine and workplace."),
    ("Making a Phone Call to a Client", "work", "intermediate",
     "Call a client to confirm a meeting, handle questions and leave a clear message.",
     "You are a client receiving a call from the learner about rescheduling a meeting. Ask for details and alternatives."),
    ("Job Interview Basics", "work", "intermediate",
     "Answer common interview questions about strengths, weaknesses and experience.",
     "You are an HR interviewer hiring for a junior position. Ask classic interview questions and follow up on answers."),
    ("Leading a Team Meeting", "work", "intermediate",
     "Open a meeting, go through the agenda, give the floor and agree on next steps.",
     "You are a team member in a weekly status meeting the learner runs. Report progress and raise one problem."),
    ("Negotiating a Salary", "work", "advanced",
     "Argue for a better offer politely and reach an agreement.",
     "You are a hiring manager making a job offer. Push back on the learner's requests and negotiate benefits."),
    ("Pitching a Project to Executives", "work", "advanced",
     "Present a project proposal persuasively and answer tough questions.",
     "You are a sceptical executive listening to the learner's project pitch. Challenge costs, risks and timeline."),
    ("Checking In at the Airport", "travel", "beginner",
     "Check in for a flight, drop your bag and ask about your seat and gate.",
     "You are an airline check-in agent. Ask for the passport, destination, baggage and seat preference."),
    ("Asking for Directions", "travel", "beginner",
     "Ask how to get somewhere and understand the directions you are given.",
     "You are a local on the street. The learner asks the way to a museum; give directions with landmarks."),
    ("Booking a Hotel Room", "travel", "intermediate",
     "Book a room by phone: dates, room type, price and special requests.",
     "You are a hotel receptionist taking a phone booking. Offer room types, prices and ask for details."),
    ("Ordering at a Restaurant Abroad", "travel", "intermediate",
     "Read a menu, ask about dishes, order and pay the bill.",
     "You are a waiter in a restaurant in London. Recommend dishes, take the order and handle a small mistake."),
    ("Handling a Lost Luggage Claim", "travel", "advanced",
     "Report lost luggage, describe it precisely and insist on a solution.",
     "You are an airline baggage service agent. The learner's suitcase is missing; collect details and offer limited help."),
    ("Reporting a Lost Passport", "travel", "advanced",
     "Explain what happened, answer official questions and arrange an emergency document.",
     "You are a consular officer at an embassy. Ask how the passport was lost and explain the procedure."),
    ("Ordering at a Coffee Shop", "daily", "beginner",
     "Order a drink and a snack, choose the size and pay.",
     "You are a barista in a busy coffee shop. Take the learner's order, ask about size, milk and payment."),
    ("Shopping for Clothes", "daily", "beginner",
     "Ask for sizes and colours, try things on and pay.",
     "You are a shop assistant in a clothes store. Help the learner find the right size and colour."),
    ("Talking About the Weather", "daily", "beginner",
     "Describe today's weather and talk about your favourite season.",
     "You are a neighbour chatting with the learner about the weather and weekend plans."),
    ("Visiting the Doctor", "daily", "intermediate",
     "Describe symptoms, answer the doctor's questions and understand advice.",
     "You are a doctor at a clinic. Ask about the learner's symptoms, their duration and give simple advice."),
    ("Calling Customer Service", "daily", "intermediate",
     "Explain a problem with a service and ask for a fix or a refund.",
     "You are a customer service agent for an internet provider. The learner's connection is down; troubleshoot."),
    ("Renting an Apartment", "daily", "advanced",
     "Ask about an apartment, negotiate the rent and the terms of the contract.",
     "You are a landlord showing an apartment. Answer questions and negotiate the rent, deposit and contract length."),
    ("Resolving a Dispute with a Neighbour", "daily", "advanced",
     "Raise a problem politely, listen to the other side and agree on a compromise.",
     "You are a neighbour whose late-night music bothers the learner. Be defensive at first, then open to compromise."),
    ("Making Small Talk", "social", "beginner",
     "Start and keep a light conversation with someone you have just met.",
     "You are a guest at a friend's party meeting the learner for the first time. Keep the small talk going."),
    ("Talking About Hobbies", "social", "beginner",
     "Talk about what you like doing in your free time and ask about others' hobbies.",
     "You are a new friend asking the learner about their hobbies and sharing your own."),
    ("Inviting a Friend Out", "social", "intermediate",
     "Invite someone, suggest a time and place, and handle a refusal.",
     "You are the learner's friend. They invite you out this weekend; you are busy Saturday, so suggest another time."),
    ("Sharing Opinions About Movies", "social", "intermediate",
     "Describe a film you watched, give your opinion and agree or disagree.",
     "You are a friend who saw the same film as the learner but disliked it. Discuss and compare opinions."),
    ("Debating a Current Issue", "social", "advanced",
     "Defend a point of view on a current topic with reasons and examples.",
     "You are a debate partner arguing that remote work is bad for teams. Challenge the learner's arguments."),
    ("Giving a Toast at a Wedding", "social", "advanced",
     "Prepare and deliver a short, warm and funny wedding toast.",
     "You are the learner's friend helping them rehearse a wedding toast. React and ask them to improve parts."),
    ("Introducing Yourself in Class", "academic", "beginner",
     "Introduce yourself to the class: name, studies and goals.",
     "You are a teacher on the first day of an English class. Ask the learner to introduce themselves."),
    ("Describing Your Hometown", "academic", "beginner",
     "IELTS Speaking Part 1 style questions about where you live.",
     "You are an IELTS examiner asking Part 1 questions about the learner's hometown."),
    ("IELTS Speaking Part 2: Describe a Person", "academic", "intermediate",
     "Speak for two minutes about a person who influenced you.",
     "You are an IELTS examiner. Give the Part 2 cue card 'Describe a person who influenced you' and follow up."),
    ("Asking Questions in a Lecture", "academic", "intermediate",
     "Ask for clarification and examples politely during a lecture.",
     "You are a university lecturer explaining climate change. Answer the learner's questions and check understanding."),
    ("Presenting Research Findings", "academic", "advanced",
     "Present the results of a study clearly and defend your method.",
     "You are a professor at a research seminar. Question the learner's data, method and conclusions."),
    ("IELTS Speaking Part 3: Technology and Society", "academic", "advanced",
     "Discuss abstract questions about technology with developed arguments.",
     "You are an IELTS examiner asking Part 3 questions about technology's effect on society."),
)
DAILY_CHALLENGE_TOPIC = "Ordering at a Coffee Shop"

# (code, name, description, icon, requirement, criteria_type, criteria_value, xp_reward)
ACHIEVEMENTS: tuple[tuple[str, str, str, str, str, str, int, int], ...] = (
    ("first_session", "First Steps", "Complete your first speaking practice session.", "footprints",
     "Complete 1 practice session", AchievementCriteria.SESSIONS_COMPLETED.value, 1, 50),
    ("sessions_10", "Dedicated Speaker", "Complete 10 speaking practice sessions.", "mic",
     "Complete 10 practice sessions", AchievementCriteria.SESSIONS_COMPLETED.value, 10, 150),
    ("sessions_50", "Conversation Master", "Complete 50 speaking practice sessions.", "messages-square",
     "Complete 50 practice sessions", AchievementCriteria.SESSIONS_COMPLETED.value, 50, 500),
    ("streak_7", "7-Day Streak", "Practise seven days in a row.", "flame",
     "Practise 7 days in a row", AchievementCriteria.STREAK_DAYS.value, 7, 200),
    ("streak_30", "Unstoppable", "Practise thirty days in a row.", "zap",
     "Practise 30 days in a row", AchievementCriteria.STREAK_DAYS.value, 30, 1000),
    ("score_90", "Crystal Clear", "Score 90 or more overall in a session.", "sparkles",
     "Overall score of 90+ in one session", AchievementCriteria.SCORE_AT_LEAST.value, 90, 150),
    ("xp_1000", "Rising Star", "Earn 1,000 XP.", "star",
     "Earn 1000 XP", AchievementCriteria.XP_TOTAL.value, 1000, 100),
    ("daily_challenge_1", "Challenge Accepted", "Complete a daily challenge topic.", "trophy",
     "Complete 1 daily challenge", AchievementCriteria.DAILY_CHALLENGES.value, 1, 50),
)


# --- loader -------------------------------------------------------------------------------


class _Loader:
    """Adds missing demo rows and counts them per table."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.created: Counter[str] = Counter()

    def get_or_create(self, model: type[M], key: dict[str, Any], values: dict[str, Any] | None = None) -> M:
        """The row matching `key`, created with `key` and `values` when there is none."""
        statement = select(model)
        for column, value in key.items():
            statement = statement.where(getattr(model, column) == value)
        row = self.session.exec(statement).first()
        if row is not None:
            return row
        row = model(**key, **(values or {}))
        self.session.add(row)
        self.session.flush()
        self.created[model.__tablename__] += 1
        return row

    # accounts

    def users(self) -> dict[str, User]:
        users: dict[str, User] = {}
        for account in DEMO_ACCOUNTS:
            # By e-mail or username: an operator may already have made "admin" by hand.
            user = self.session.exec(
                select(User).where(or_(User.email == account.email, User.username == account.username))
            ).first()
            if user is None:  # hash only for accounts that are really added (bcrypt is slow)
                user = self.get_or_create(
                    User,
                    {"email": account.email},
                    {
                        "username": account.username,
                        "password_hash": hash_password(account.password),
                        "full_name": account.full_name,
                        "role": account.role,
                        "status": UserStatus.ACTIVE.value,
                        "email_verified": True,
                        **account.extra,
                    },
                )
            users[account.username] = user
        for username, profile in LEARNER_PROFILES.items():
            user = users[username]
            self.get_or_create(
                UserProfile, {"user_id": user.id},
                {"full_name": user.full_name, "onboarding_completed": True, **profile},
            )
            self.get_or_create(LearnerProgress, {"user_id": user.id}, LEARNER_PROGRESS[username])
        self.get_or_create(
            MentorAssignment,
            {"mentor_id": users["mentor"].id, "learner_id": users["learner1"].id},
            {"assigned_by": users["admin"].id, "notes": "Mục tiêu: phỏng vấn xin việc bằng tiếng Anh."},
        )
        return users

    # catalogue

    def categories(self) -> dict[str, Category]:
        return {
            slug: self.get_or_create(Category, {"slug": slug}, {"name": name, "description": description, "sort_order": i})
            for i, (slug, name, description) in enumerate(CATEGORIES)
        }

    def product(
        self,
        spec: DemoProduct,
        categories: dict[str, Category],
        owner: User,
        sort_order: int,
        package_links: dict[str, dict[str, Any]] | None = None,
    ) -> Product:
        """The product with its packages (package_links: extra columns per package name) and,
        for a course, its courses row."""
        product = self.get_or_create(
            Product,
            {"type": spec.type, "slug": slugify(spec.title)},
            {
                "title": spec.title,
                "short_description": spec.short_description,
                "category_id": categories[spec.category].id,
                "owner": owner.id,
                "label": spec.label,
                "status": ProductStatus.PUBLISHED.value,
                "published_at": utcnow(),
                "sort_order": sort_order,
                **spec.fields,
            },
        )
        for position, package in enumerate(spec.packages):
            self.get_or_create(
                ProductPackage,
                {"product_id": product.id, "package_slug": slugify(package.name)},
                {
                    "package_name": package.name,
                    "package_description": package.description,
                    "sale_price": _vnd(package.sale_price),
                    "original_price": _vnd(package.original_price if package.original_price is not None else package.sale_price),
                    "is_free": package.is_free,
                    "group_size": package.group_size,
                    "special_features": json.dumps(list(package.features), ensure_ascii=False) if package.features else None,
                    "access_days": package.access_days,
                    "sort_order": position,
                    **(package_links or {}).get(package.name, {}),
                },
            )
        if spec.type == ProductType.COURSE.value:
            cheapest = min(spec.packages, key=lambda p: p.sale_price)
            regular = cheapest.original_price if cheapest.original_price is not None else cheapest.sale_price
            self.get_or_create(
                Course,
                {"product_id": product.id},
                {"regular_price": _vnd(regular), "discounted_price": _vnd(cheapest.sale_price), **(spec.course or {})},
            )
        return product

    def catalogue(self, users: dict[str, User]) -> None:
        categories = self.categories()
        admin, mentor = users["admin"], users["mentor"]
        products: dict[str, Product] = {}
        order = 0
        for spec in SAMPLE_PRODUCTS:
            order += 1
            products[spec.title] = self.product(spec, categories, admin, order)
        for spec in ENGLISH_COURSES:
            order += 1
            products[spec.title] = self.product(spec, categories, mentor, order)

        # 000 service packages and subscription plans, sold through catalogue products.
        service_packages = {
            values["name"]: self.get_or_create(
                ServicePackage, {"name": values["name"]},
                {**{k: v for k, v in values.items() if k not in {"name", "features"}},
                 "features": json.dumps(values["features"], ensure_ascii=False)},
            )
            for values in SERVICE_PACKAGES
        }
        plans = {
            values["name"]: self.get_or_create(
                SubscriptionPlan, {"name": values["name"]},
                {**{k: v for k, v in values.items() if k not in {"name", "features", "limitations"}},
                 "features": json.dumps(values["features"], ensure_ascii=False),
                 "limitations": json.dumps(values["limitations"], ensure_ascii=False)},
            )
            for values in SUBSCRIPTION_PLANS
        }
        order += 1
        products[SERVICE_PRODUCT.title] = self.product(
            SERVICE_PRODUCT, categories, admin, order,
            {package: {"service_package_id": service_packages[name].id} for package, name in SELLS_SERVICE_PACKAGE.items()},
        )
        order += 1
        products[SUBSCRIPTION_PRODUCT.title] = self.product(
            SUBSCRIPTION_PRODUCT, categories, admin, order,
            {package: {"subscription_plan_id": plans[name].id} for package, name in SELLS_PLAN.items()},
        )

        # Specialization: an ordered series of the three English courses.
        order += 1
        specialization_product = products[SPECIALIZATION.title] = self.product(SPECIALIZATION, categories, mentor, order)
        specialization = self.get_or_create(
            Specialization, {"product_id": specialization_product.id},
            {"difficulty": CourseDifficulty.MEDIUM.value, "estimated_duration": "6 tháng",
             "certificate_name": "AESP Fluent English Speaker",
             "requirements": "Không yêu cầu đầu vào; học lần lượt từng khóa."},
        )
        for position, title in enumerate(SPECIALIZATION_SERIES, start=1):
            course = self.session.exec(select(Course).where(Course.product_id == products[title].id)).one()
            self.get_or_create(SpecializationCourse, {"specialization_id": specialization.id, "course_id": course.id},
                               {"position": position})

        # Bundle: the foundations course with a month of Pro.
        order += 1
        bundle_product = products[BUNDLE.title] = self.product(BUNDLE, categories, admin, order)
        bundle = self.get_or_create(Bundle, {"product_id": bundle_product.id}, {"discount_percent": 13})
        for position, (title, _type, package_name) in enumerate(BUNDLE_ITEMS, start=1):
            item_product = products[title]
            package = self._package(item_product, package_name) if package_name else None
            self.get_or_create(BundleItem, {"bundle_id": bundle.id, "product_id": item_product.id},
                               {"package_id": package.id if package else None, "position": position})

        for product_title, required_title in PREREQUISITES:
            self.get_or_create(ProductPrerequisite, {"product_id": products[product_title].id,
                                                     "required_id": products[required_title].id})
        for product_title, related_title, position in RELATED:
            self.get_or_create(ProductRelated, {"product_id": products[product_title].id,
                                                "related_id": products[related_title].id}, {"order": position})

    def _package(self, product: Product, package_name: str) -> ProductPackage:
        return self.session.exec(
            select(ProductPackage).where(
                ProductPackage.product_id == product.id, ProductPackage.package_slug == slugify(package_name)
            )
        ).one()

    # practice content

    def topics(self) -> None:
        subject = self.get_or_create(
            Subject, {"name": ENGLISH_SUBJECT},
            {"description": "Role-play speaking practice with an AI partner, by situation and level."},
        )
        for title, category, difficulty, description, scenario in TOPICS:
            icon, color = CATEGORY_STYLE[category]
            xp, duration = LEVEL_REWARD[difficulty]
            self.get_or_create(
                Topic,
                {"title": title},
                {
                    "subject_id": subject.id,
                    "description": description,
                    "scenario": scenario,
                    "category": category,
                    "difficulty": difficulty,
                    "difficulty_level": DIFFICULTY_LEVELS[difficulty],
                    "icon": icon,
                    "color": color,
                    "duration": duration,
                    "xp_reward": xp,
                    "is_daily_challenge": title == DAILY_CHALLENGE_TOPIC,
                },
            )

    def achievements(self) -> None:
        for code, name, description, icon, requirement, criteria_type, criteria_value, xp in ACHIEVEMENTS:
            self.get_or_create(
                Achievement,
                {"code": code},
                {"name": name, "description": description, "icon": icon, "requirement": requirement,
                 "criteria_type": criteria_type, "criteria_value": criteria_value, "xp_reward": xp},
            )


# Every table the loader may add to, so the result always names them all.
_TABLES = (
    "users", "user_profiles", "learner_progress", "mentor_assignments", "categories", "products",
    "product_packages", "courses", "specializations", "specialization_courses", "bundles", "bundle_items",
    "product_prerequisites", "product_related", "packages", "subscription_plans", "subjects", "topics",
    "achievements",
)


def load_demo_data(session: Session) -> dict[str, int]:
    """Add whatever demo rows are missing; return how many rows were added per table."""
    loader = _Loader(session)
    users = loader.users()
    loader.catalogue(users)
    loader.topics()
    loader.achievements()
    session.flush()
    # The shop's stored cheapest prices, after the packages are in.
    from aesp_app.services.catalog.pricing import refresh_all_min_prices

    refresh_all_min_prices(session)
    return {table: loader.created.get(table, 0) for table in _TABLES}
