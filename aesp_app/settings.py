"""All configuration in one place, read from the environment (and an optional `.env` file).

Every module asks `get_settings()`; nothing else reads `os.environ` for application settings.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import pathlib
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_URL = f"sqlite:///{PROJECT_ROOT / 'aesp.db'}"
INSECURE_DEV_SECRET = "dev-only-secret-change-me"
SUPPORTED_LANGUAGES = ("vi", "en")


class ConfigError(Exception):
    """A setting is missing or invalid; the message is one sentence for the operator."""


def _load_dotenv() -> None:
    env_file = PROJECT_ROOT / ".env"
    if env_file.exists():
        from dotenv import load_dotenv

        # Real environment variables win over the file.
        load_dotenv(env_file, override=False)


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}.") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name).lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}.")


def _env_decimal(name: str, default: str) -> Decimal:
    raw = _env(name, default)
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}.") from exc


@dataclasses.dataclass(frozen=True)
class Settings:
    app_env: str
    database_url: str
    redis_url: str
    secret_key: str
    time_zone: str
    default_language: str
    public_base_url: str
    # Accounts
    session_days_remember: int
    session_hours_browser: int
    password_min_length: int
    login_max_failures_per_account: int
    login_max_failures_per_ip: int
    login_window_minutes: int
    email_token_hours: int
    reset_token_minutes: int
    # AI (OpenAI-compatible chat API; empty base URL means the offline engine)
    ai_base_url: str
    ai_api_key: str
    ai_model: str
    ai_timeout_seconds: int
    ai_price_per_1k_prompt_tokens: Decimal
    ai_price_per_1k_completion_tokens: Decimal
    # Payments
    vnpay_tmn_code: str
    vnpay_hash_secret: str
    vnpay_payment_url: str
    momo_partner_code: str
    momo_access_key: str
    momo_secret_key: str
    momo_endpoint: str
    bank_account_name: str
    bank_account_number: str
    bank_name: str
    # Mail (empty host means the outbox table only)
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_from: str
    smtp_starttls: bool

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def is_mysql(self) -> bool:
        return self.database_url.startswith("mysql")

    @property
    def ai_enabled(self) -> bool:
        return bool(self.ai_base_url)

    @property
    def smtp_enabled(self) -> bool:
        return bool(self.smtp_host)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def validate(self) -> None:
        """Raise ConfigError with one clear sentence for the first bad setting."""
        if self.app_env not in {"development", "production", "test"}:
            raise ConfigError(f"APP_ENV must be development, production or test, got {self.app_env!r}.")
        if not self.database_url.startswith(("sqlite:///", "mysql+pymysql://")):
            raise ConfigError(
                "DATABASE_URL must start with sqlite:/// or mysql+pymysql://, "
                f"got {self.database_url.split('://')[0]!r}."
            )
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://")):
            raise ConfigError("REDIS_URL must start with redis:// or rediss://.")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"TIME_ZONE {self.time_zone!r} is not a known IANA time zone.") from exc
        if self.default_language not in SUPPORTED_LANGUAGES:
            raise ConfigError(f"DEFAULT_LANGUAGE must be one of {', '.join(SUPPORTED_LANGUAGES)}.")
        if self.password_min_length < 8:
            raise ConfigError("PASSWORD_MIN_LENGTH must be at least 8.")
        if not self.public_base_url.startswith(("http://", "https://")):
            raise ConfigError("PUBLIC_BASE_URL must start with http:// or https://.")
        if self.ai_base_url and not self.ai_model:
            raise ConfigError("AI_MODEL must be set when AI_BASE_URL is set.")
        if bool(self.vnpay_tmn_code) != bool(self.vnpay_hash_secret):
            raise ConfigError("VNPAY_TMN_CODE and VNPAY_HASH_SECRET must be set together.")
        if self.smtp_host and not self.smtp_from:
            raise ConfigError("SMTP_FROM must be set when SMTP_HOST is set.")
        if self.is_production:
            if not self.secret_key or self.secret_key == INSECURE_DEV_SECRET or len(self.secret_key) < 32:
                raise ConfigError("SECRET_KEY must be set to a random value of at least 32 characters in production.")


def load_settings() -> Settings:
    _load_dotenv()
    return Settings(
        app_env=_env("APP_ENV", "development").lower(),
        database_url=_env("DATABASE_URL", DEFAULT_SQLITE_URL),
        redis_url=_env("REDIS_URL"),
        secret_key=_env("SECRET_KEY", INSECURE_DEV_SECRET),
        time_zone=_env("TIME_ZONE", "Asia/Ho_Chi_Minh"),
        default_language=_env("DEFAULT_LANGUAGE", "vi").lower(),
        public_base_url=_env("PUBLIC_BASE_URL", f"http://localhost:{_env('PORT', '8000')}").rstrip("/"),
        session_days_remember=_env_int("SESSION_DAYS_REMEMBER", 30),
        session_hours_browser=_env_int("SESSION_HOURS_BROWSER", 12),
        password_min_length=_env_int("PASSWORD_MIN_LENGTH", 8),
        login_max_failures_per_account=_env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5),
        login_max_failures_per_ip=_env_int("LOGIN_MAX_FAILURES_PER_IP", 20),
        login_window_minutes=_env_int("LOGIN_WINDOW_MINUTES", 15),
        email_token_hours=_env_int("EMAIL_TOKEN_HOURS", 48),
        reset_token_minutes=_env_int("RESET_TOKEN_MINUTES", 60),
        ai_base_url=_env("AI_BASE_URL").rstrip("/"),
        ai_api_key=_env("AI_API_KEY"),
        ai_model=_env("AI_MODEL"),
        ai_timeout_seconds=_env_int("AI_TIMEOUT_SECONDS", 20),
        ai_price_per_1k_prompt_tokens=_env_decimal("AI_PRICE_PER_1K_PROMPT_TOKENS", "0"),
        ai_price_per_1k_completion_tokens=_env_decimal("AI_PRICE_PER_1K_COMPLETION_TOKENS", "0"),
        vnpay_tmn_code=_env("VNPAY_TMN_CODE"),
        vnpay_hash_secret=_env("VNPAY_HASH_SECRET"),
        vnpay_payment_url=_env("VNPAY_PAYMENT_URL"),
        momo_partner_code=_env("MOMO_PARTNER_CODE"),
        momo_access_key=_env("MOMO_ACCESS_KEY"),
        momo_secret_key=_env("MOMO_SECRET_KEY"),
        momo_endpoint=_env("MOMO_ENDPOINT"),
        bank_account_name=_env("BANK_ACCOUNT_NAME", "CONG TY AESP"),
        bank_account_number=_env("BANK_ACCOUNT_NUMBER", "0000000000"),
        bank_name=_env("BANK_NAME", "Vietcombank"),
        smtp_host=_env("SMTP_HOST"),
        smtp_port=_env_int("SMTP_PORT", 587),
        smtp_user=_env("SMTP_USER"),
        smtp_password=_env("SMTP_PASSWORD"),
        smtp_from=_env("SMTP_FROM"),
        smtp_starttls=_env_bool("SMTP_STARTTLS", True),
    )


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def reset_settings_cache() -> None:
    """Tests change the environment and call this so the next read sees it."""
    get_settings.cache_clear()
