"""Imports every table module besides accounts so that SQLModel.metadata is complete."""

from aesp_app.models import catalog  # noqa: F401
from aesp_app.models import commerce  # noqa: F401
from aesp_app.models import gamification  # noqa: F401
from aesp_app.models import learning  # noqa: F401
from aesp_app.models import mentoring  # noqa: F401
from aesp_app.models import practice  # noqa: F401
