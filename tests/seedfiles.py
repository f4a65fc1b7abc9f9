"""The seed pages and their capture date, importable from any test folder (`conftest` is not: each folder's
conftest.py shadows the others when the whole suite runs)."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
SEED_HOMEPAGE = SEEDS / "000_f5f6b2d255113960.txt"
SEED_AGGREGATOR = SEEDS / "001_b8138a3e09088a1a.txt"
SEED_ARXIV = SEEDS / "002_3e77bbf1de03bcad.txt"
SEED_SCHOLARLY = SEEDS / "003_536a871b23289ef2.txt"
SEED_ARXIV_JOURNAL = SEEDS / "004_d214b1876f62693a.txt"
ALL_SEEDS = (SEED_HOMEPAGE, SEED_AGGREGATOR, SEED_ARXIV, SEED_SCHOLARLY, SEED_ARXIV_JOURNAL)
# The seeds were captured in 2025; dates without a year on the aggregator page are read against this.
SEED_AS_OF = "2025-11-20"
