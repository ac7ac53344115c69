"""Docs that are generated must stay in step with the code."""

from audit import schema
from conftest import REPO


def test_data_contract_doc_matches_the_schema():
    doc = (REPO / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert doc == schema.markdown(), "run: .venv/bin/python -m audit.schema > docs/data-contract.md"
