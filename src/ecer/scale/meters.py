"""Energy-meter readings on the log (pure): subjects, message ids, the message, and its lake row.

The ingestion API (``POST /api/v1/energy/data``) checks a batch exactly as the single-node path
does (token scope, meters known, units convertible) and, with a log configured, publishes each
reading as one message instead of inserting it:

* subject ``meter.<region>.<credit code>`` (tokens quoted like ``hj212.<region>.<MN>``), in the
  same stream as the HJ 212 packets;
* message id ``credit|meter|period|at``: the key of the single-node ``meter_readings`` table, so a
  retried upload is dropped by the log's deduplication window, and the lake keeps the first copy
  by log position after it (the single-node table keeps the first stored value too);
* payload: JSON with the value already in the meter's unit, and the meter's carrier.

The lake row adds the reading's month (of its nominal period start, as the single-node monthly
totals count it), the amount in the carrier's GB/T 2589-2020 Table A.1 unit, and its standard coal
equivalent on the 当量值 basis (``ecer.domain.energy.conversion``). Amounts are rounded to
``PLACES`` (Parquet decimals have a fixed scale); metered values carry far fewer decimals.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Final
from urllib.parse import unquote

from ecer.domain.energy.conversion import coefficient, physical_amount
from ecer.domain.energy.meters import Reading, nominal_start
from ecer.domain.units import quantity
from ecer.scale.log.base import Record
from ecer.scale.routing import subject_token

PREFIX: Final = "meter"
SUBJECTS: Final = f"{PREFIX}.>"  # what the meter lake writer reads
SCALE: Final = 12  # decimal places of the lake's amounts
PLACES: Final = Decimal(1).scaleb(-SCALE)
COLUMNS: Final = ("seq", "credit_code", "region", "month", "meter", "carrier", "unit", "period", "reading_at",
                  "value", "amount", "kgce")


@dataclass(frozen=True)
class MeterMessage:
    """One accepted reading as it goes on the log."""

    credit_code: str
    region: str
    meter: str
    carrier: str  # GB/T 2589-2020 carrier code of the meter
    unit: str  # the meter's unit; ``value`` is in it
    period: str  # day | month
    at: dt.datetime  # Beijing time, naive (as the single-node table stores it)
    value: Decimal

    @property
    def subject(self) -> str:
        return f"{PREFIX}.{subject_token(self.region)}.{subject_token(self.credit_code)}"

    @property
    def msg_id(self) -> str:
        return f"{self.credit_code}|{self.meter}|{self.period}|{self.at.isoformat()}"

    def encode(self) -> bytes:
        return json.dumps({"credit_code": self.credit_code, "region": self.region, "meter": self.meter,
                           "carrier": self.carrier, "unit": self.unit, "period": self.period,
                           "at": self.at.isoformat(), "value": str(self.value)},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def decode(cls, data: bytes) -> MeterMessage:
        d = json.loads(data)
        return cls(d["credit_code"], d["region"], d["meter"], d["carrier"], d["unit"], d["period"],
                   dt.datetime.fromisoformat(d["at"]), Decimal(d["value"]))


def share_of(subject: str, members: int) -> int:
    """Which writer of ``members`` owns a unit's readings: CRC-32 of the subject's credit code."""
    credit = unquote(subject.split(".", 2)[2])
    return zlib.crc32(credit.encode("utf-8")) % members


def month_of(message: MeterMessage) -> str:
    """``YYYY-MM`` of the reading's nominal period start (the month the single-node totals count it in)."""
    start = nominal_start(Reading(message.meter, message.at, message.period, message.value))
    return f"{start.year:04d}-{start.month:02d}"


def message_row(seq: int, message: MeterMessage) -> dict[str, object]:
    """The lake row: the amount in the carrier's table unit and its kgce (GB/T 2589-2020 clause 8, A.1)."""
    k = coefficient(message.carrier)
    amount = physical_amount(quantity(message.value, message.unit), k)
    return {"seq": seq, "credit_code": message.credit_code, "region": message.region, "month": month_of(message),
            "meter": message.meter, "carrier": k.carrier, "unit": k.unit, "period": message.period,
            "reading_at": message.at, "value": _fixed(message.value), "amount": _fixed(amount),
            "kgce": _fixed(amount * k.value)}


def _fixed(value: Decimal) -> Decimal:
    return value.quantize(PLACES, ROUND_HALF_EVEN)


def record_rows(records: Iterable[Record], member: int = 0, members: int = 1) -> dict[str, list[object]]:
    """Columns for the records this writer owns."""
    columns: dict[str, list[object]] = {name: [] for name in COLUMNS}
    for record in records:
        if members > 1 and share_of(record.subject, members) != member:
            continue
        row = message_row(record.seq, MeterMessage.decode(record.data))
        for name in COLUMNS:
            columns[name].append(row[name])
    return columns
