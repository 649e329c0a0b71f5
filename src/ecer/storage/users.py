"""Users, their server-side sessions and login attempts (web issue §3).

A session row holds the SHA-256 of the cookie's random token, never the token itself, so a copy of
the database does not let anyone log in. Login attempts are kept for throttling and review.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, Row, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ecer.storage.models import Base, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # admin | city | district | enterprise | readonly
    region: Mapped[str | None] = mapped_column(String(50))  # district users: the plan's region name
    unit_id: Mapped[int | None] = mapped_column(Integer)  # enterprise users: their key energy-using unit
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    password_changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebSession(Base):
    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the cookie token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    client: Mapped[str | None] = mapped_column(String(64))


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    succeeded: Mapped[bool] = mapped_column(Boolean)


def by_username(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id)))


def count_users(session: Session) -> int:
    return session.scalar(select(func.count(User.id))) or 0


def recent_failures(session: Session, username: str, since: dt.datetime) -> int:
    """Failed attempts for this user name since ``since`` (counted whatever the client)."""
    query = select(func.count(LoginAttempt.id)).where(
        LoginAttempt.username == username, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)
    return session.scalar(query) or 0


def recent_client_failures(session: Session, client: str, since: dt.datetime) -> int:
    query = select(func.count(LoginAttempt.id)).where(
        LoginAttempt.client == client, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)
    return session.scalar(query) or 0


def live_session(session: Session, token_hash: str, now: dt.datetime) -> Row[Any] | None:
    """The live session's ``csrf_token`` and its active user's ``id``, ``username``, ``display_name``,
    ``role``, ``region`` and ``unit_id``: plain columns, no ORM objects (this runs on every request)."""
    return session.execute(
        select(WebSession.csrf_token, User.id, User.username, User.display_name, User.role, User.region,
               User.unit_id).join(User, User.id == WebSession.user_id)
        .where(WebSession.id == token_hash, WebSession.expires_at > now, User.is_active.is_(True))
    ).first()


def end_sessions(session: Session, user_id: int) -> None:
    """Log a user out everywhere (after a password change or deactivation)."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))
