"""The expert pool (专家库): ``import_experts`` and ``list_experts`` (SPEC §6).

An import reads the file with the shared reader (``qzzc.sheets.reader``), upserts by ID number
and writes all or nothing: every bad cell is reported at once (sheet, Excel row, header, value
with ID numbers masked, reason) and nothing is written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from qzzc.core.expert_forms import EXPERT_FORM, expert_records
from qzzc.core.privacy import mask_phone
from qzzc.errors import CellError, first_errors
from qzzc.services.base import Context, job, read_input
from qzzc.sheets.reader import read_sheet
from qzzc.sheets.writer import write_template
from qzzc.store import queries
from qzzc.store.models import Expert


@dataclass
class ImportResult:
    sheet: str = ""
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[CellError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    errors_total: int = 0  # every error; ``errors`` holds the first MAX_LISTED_ERRORS
    without_committee: int = 0  # experts whose 所属评委会 is blank: no draw will find them

    def as_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [error.as_dict() for error in self.errors],
            "errors_total": self.errors_total,
            "ignored_columns": self.ignored_columns,
        }


def _data_hash(values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def write_expert_template(path: Path) -> None:
    """Writes the expert pool's blank form (SPEC §13) to ``path``: the headers of SPEC §6, an example
    row, drop-down lists, the ID and phone columns as text, and the explanations."""

    write_template(path, EXPERT_FORM, "专家库")


def import_experts(
    ctx: Context, path: Path, sheet: str | None = None, *, dry_run: bool = False
) -> ImportResult:
    """Reads the expert file at ``path`` and, when every cell is good and it is not a dry run,
    upserts the experts by ID number.

    Returns the counts and every error (with errors nothing is written): bad cells, an ID number
    twice in the file, a 所属评委会 not in the year's plan. Raises ``QzzcError`` for a file that
    cannot be read at all or an uninitialised store.
    """
    with ctx.store.reading() as session:
        known = {committee.seq for committee in queries.committees(session, ctx.store.current_year(session))}
    data = read_input(path)
    parsed = read_sheet(data, path.name, EXPERT_FORM, sheet)
    result = ImportResult(parsed.sheet, len(parsed.rows), ignored_columns=parsed.ignored, dry_run=dry_run)
    experts, errors = expert_records(parsed.rows, parsed.sheet, parsed.headers, known)
    errors = [*parsed.errors, *errors]
    result.without_committee = sum(not expert["committees"] for expert in experts.values())
    result.errors, result.errors_total = first_errors(
        sorted(errors, key=lambda error: error.row), parsed.errors_total - len(parsed.errors)
    )
    if result.errors:
        return result
    options = {"file": path.name, "sheet": parsed.sheet, "dry_run": dry_run}
    with job(ctx, "experts import", options, {path.name: data}, writes=["experts"]) as current:
        _upsert(current, experts, result)
        if dry_run or not (result.added or result.updated):
            current.discard()
    return result


def _upsert(current: Any, experts: dict[str, dict[str, Any]], result: ImportResult) -> None:
    """Adds the new experts and updates the changed ones, counting each in ``result``."""
    session = current.session
    existing = {e.id_number: e for e in session.execute(select(Expert)).scalars()}
    for number, expert in experts.items():
        digest = _data_hash(expert)
        record = existing.get(number)
        if record is None:
            session.add(Expert(**expert, data_hash=digest, imported_at=current.at))
            result.added += 1
        elif record.data_hash != digest:
            for key, value in expert.items():
                setattr(record, key, value)
            record.data_hash, record.imported_at = digest, current.at
            session.add(record)
            result.updated += 1
        else:
            result.unchanged += 1
    current.summary = {
        "rows": result.rows,
        "added": result.added,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }


@dataclass(frozen=True)
class ExpertRow:
    id_number: str
    name: str
    unit: str
    region: str | None
    specialties: list[str]
    title: str
    title_level: str
    phone: str | None
    status: str
    committees: list[int]

    def as_json(self) -> dict[str, Any]:
        return {
            "id_number": self.id_number,
            "name": self.name,
            "unit": self.unit,
            "region": self.region,
            "specialties": self.specialties,
            "title": self.title,
            "title_level": self.title_level,
            "phone": self.phone,
            "status": self.status,
            "committees": self.committees,
        }

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""


def list_experts(ctx: Context, committee: int | None = None) -> list[ExpertRow]:
    """Returns the experts (of ``committee`` if given) in order of ID number."""
    with ctx.store.reading() as session:
        if committee is not None:
            queries.committee(session, ctx.store.current_year(session), committee)
        records = session.execute(select(Expert).order_by(Expert.id_number)).scalars().all()
        return [
            ExpertRow(
                e.id_number,
                e.name,
                e.unit,
                e.region,
                list(e.specialties or ()),
                e.title,
                e.title_level,
                e.phone,
                e.status,
                list(e.committees or ()),
            )
            for e in records
            if committee is None or committee in (e.committees or ())
        ]
