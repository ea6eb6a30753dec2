"""Unbound extension objects; create_app() binds them."""

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from app.core.api import Api
from app.core.db import Base

db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
api = Api()
babel = Babel()
csrf = CSRFProtect()


class AppLimiter(Limiter):
    """Flask-Limiter keeping each app's storage on that app. The stock extension keeps the storage of the
    last app it was bound to, so a second app in one process would count in the first one's storage."""

    def init_app(self, app) -> None:
        super().init_app(app)
        app.extensions["limiter_backend"] = (super().storage, super().limiter)

    @property
    def storage(self):
        return current_app.extensions["limiter_backend"][0]

    @property
    def limiter(self):
        return current_app.extensions["limiter_backend"][1]


# A moving window: a throttled address waits until its oldest counted failure is older than the window,
# and attempts refused meanwhile add nothing.
limiter = AppLimiter(key_func=get_remote_address, strategy="moving-window")
