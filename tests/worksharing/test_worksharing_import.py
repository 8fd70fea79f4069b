import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ipcoop.worksharing.models import Application, WorkProduct

GOOD = {
    "application_number": "10-2022-0100001",
    "filing_date": "2022-05-01",
    "invention_title": "Federated learning scheduler",
    "ipc_symbols": ["G06N 20/00"],
    "work_products": [
        {
            "kind": "search_report",
            "date": "2022-11-01",
            "citations": [{"document_number": "US 9999999 B2", "category": "X"}],
        }
    ],
}


def run(tmp_path, lines, office="KR"):
    path = tmp_path / "dossiers.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_dossiers", str(path), office=office, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_reports_each_rejected_line_and_rerun_skips(db, tmp_path):
    bad_number = {**GOOD, "application_number": "12345-x", "work_products": []}
    bad_citation = {
        **GOOD,
        "application_number": "10-2022-0100002",
        "work_products": [
            {
                "kind": "search_report",
                "date": "2022-11-01",
                "citations": [{"document_number": "US 1 B2", "category": "Z"}],
            }
        ],
    }
    lines = [json.dumps(GOOD), "{not json", json.dumps(bad_number), json.dumps(bad_citation)]
    out, err = run(tmp_path, lines)
    assert out.strip() == "1 imported, 0 already in, 3 rejected."
    assert "line 2: rejected" in err
    assert "line 3: rejected: number:" in err and "10-2023-0012345" in err
    assert "line 4: rejected: citations.0:" in err
    # the record whose citation failed left nothing behind
    assert list(Application.objects.values_list("number", flat=True)) == ["10-2022-0100001"]
    assert WorkProduct.objects.count() == 1
    out, _ = run(tmp_path, lines)
    assert out.strip() == "0 imported, 1 already in, 3 rejected."
    assert WorkProduct.objects.count() == 1


def test_import_needs_one_office(db, tmp_path):
    with pytest.raises(CommandError, match="kh-dip"):
        run(tmp_path, [json.dumps(GOOD)], office="KH")
