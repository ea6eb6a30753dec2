"""What the product holds about a person, part by part, for their download and for the operator's erasure
(UU No. 27 Tahun 2022 on personal data protection).

Each domain registers the part it keeps (core names no domain): accounts its account, sessions, tokens and
single sign-on links; tenants the memberships; the audit log the entries about the person. A part
``collect``s the person's rows as plain values (never a secret), may ``refuse`` an erasure with reasons
(a tenant's last administrator), and ``erase``s its rows. Erasure runs the parts by ``erase_order``: the
memberships go first, the account is removed or anonymised next, the audit log is cleaned last, so it
also loses the name and email the earlier steps wrote into it.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from app.core.auth import Actor

ERASED = "[erased]"  # what stands where a name or an email address was


@dataclass
class Erasure:
    """One person's erasure as the parts carry it out: what identified them (every email address, name
    and single sign-on subject the product held), and what became of the account."""

    user_id: uuid.UUID
    emails: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    subjects: set[str] = field(default_factory=set)
    # Whether rows that stay refer to the person (the audit log names them as the one who acted, a report
    # names who verified it): the account is then anonymised, not removed, so history keeps its shape.
    referenced: bool = False
    account: str = ""  # "removed" or "anonymised"
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PersonalDataPart:
    key: str
    label: object
    collect: Callable[[uuid.UUID, Actor], list[dict]]
    erase: Callable[[Erasure, Actor], None] | None = None
    refuse: Callable[[uuid.UUID, Actor], list[str]] | None = None
    # Whether this part's rows keep naming the person after the erasure (history that stays).
    refers: Callable[[uuid.UUID], bool] | None = None
    order: int = 50  # where it shows in the download
    erase_order: int = 50  # when it is erased: lower first


_parts: list[PersonalDataPart] = []


def register_part(part: PersonalDataPart) -> None:
    """Add a part of a person's data (once per key; the latest registration wins)."""
    _parts[:] = [existing for existing in _parts if existing.key != part.key]
    _parts.append(part)
    _parts.sort(key=lambda existing: existing.order)


def parts() -> list[PersonalDataPart]:
    """The parts in the order the download shows them."""
    return list(_parts)


def erasure_steps() -> list[PersonalDataPart]:
    """The parts that erase, in the order they do."""
    return sorted((part for part in _parts if part.erase is not None), key=lambda part: part.erase_order)
