from io import StringIO

from django.core.management import call_command

from ipcoop.worksharing.models import Application, WorkProduct


def test_seed_worksharing_demo_builds_cross_office_families(db):
    out = StringIO()
    call_command("seed_worksharing_demo", families=8, seed=7, stdout=out)
    count = Application.objects.count()
    assert f"{count} synthetic applications written" in out.getvalue()
    assert all(
        t.startswith("[Synthetic]") for t in Application.objects.values_list("title", flat=True)
    )
    families = set(Application.objects.values_list("family_id", flat=True))
    assert len(families) == 8
    assert WorkProduct.objects.exists()
    reports = WorkProduct.objects.count()
    call_command("seed_worksharing_demo", families=8, seed=7, stdout=StringIO())
    assert Application.objects.count() == count
    assert WorkProduct.objects.count() == reports
