"""Stage codes -> bits of the deals' masks, assigned once in ``deal_stage_bits``.

A mask with bit ``i`` set says "stage i"; the reports test masks in SQL (``passed_mask & m``).
Bits are assigned in their own committed transaction before any deal is written, so a bit in a
mask always names the same stage, whatever later changes to the pipeline's order.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from reports.models import StageBit

MAX_BITS = 62  # masks are signed 64-bit integers on both databases; stay positive


class StageBits:
    """The bit of every stage code the pipeline names (loaded and completed once)."""

    def __init__(self, bits: dict[str, int]):
        self._bits = dict(bits)

    @classmethod
    def ensure(cls, sessions, codes: Iterable[str], attempts: int = 5) -> "StageBits":
        """Load the bits, assigning the next free ones to new codes (retried when another
        process assigns at the same moment)."""
        codes = list(codes)
        for _attempt in range(attempts):
            with sessions() as session:
                known = dict(session.execute(select(StageBit.code, StageBit.bit)).all())
                missing = [code for code in codes if code not in known]
                if not missing:
                    return cls(known)
                try:
                    _assign(session, missing, known)
                    session.commit()
                except IntegrityError:
                    session.rollback()
        raise RuntimeError("could not assign stage bits (too many concurrent assignments)")

    def bit(self, code: str) -> int:
        """The single-bit mask of a stage (0 for a code never seen)."""
        index = self._bits.get(code)
        return 0 if index is None else 1 << index

    def mask(self, codes: Iterable[str]) -> int:
        """The mask of several stages."""
        mask = 0
        for code in codes:
            mask |= self.bit(code)
        return mask


def _assign(session, missing: list[str], known: dict[str, int]) -> None:
    following = (session.scalar(select(func.max(StageBit.bit))) or -1) + 1
    for offset, code in enumerate(missing):
        if following + offset >= MAX_BITS:
            raise ValueError(f"more than {MAX_BITS} stage codes ever used: cannot add {code!r}")
        session.add(StageBit(code=code, bit=following + offset))
    session.flush()
