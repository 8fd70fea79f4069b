"""Reference data: the age below which a parent consents to a child's learning data,
per country, from the project's domain notes (children's data section).

An empty ``parent_below_age`` means the country sets no fixed age: the platform then
asks a parent's consent for every child in a class. The row without a country applies
to every other country (13, the common threshold, until a source says otherwise).
"""

from django.db import migrations

RULES = [
    # country, parent consents below, child agrees too from, note, source
    (
        "KR",
        14,
        None,
        "A parent consents for a child under 14; the decree lists ways to verify the "
        "parent (text message, card, phone, signed form, e-mail, call).",
        "Personal Information Protection Act (Korea), Art. 22-2",
    ),
    (
        "SG",
        13,
        None,
        "Implied: children from 13 to 17 may consent themselves when notices are plain "
        "enough; education technology is in scope.",
        "PDPC, Advisory Guidelines on the PDPA for Children's Personal Data (2024)",
    ),
    (
        "TH",
        10,
        None,
        "Minors are under 20; from 10 to 20 it depends on the act concerned.",
        "Personal Data Protection Act B.E. 2562 (2019, Thailand), s. 20",
    ),
    (
        "VN",
        None,
        7,
        "A parent consents for every child; from 7 the child agrees as well. May be "
        "superseded by the 2025 personal data protection law (not verified).",
        "Decree 13/2023/ND-CP on personal data protection (Viet Nam), Art. 20",
    ),
    (
        "ID",
        18,
        None,
        "No profiling or location tracking of children; high-privacy defaults.",
        "Government Regulation 17/2025 (Indonesia)",
    ),
    (
        "PH",
        None,
        None,
        "No fixed age: a parent consents until the child understands; the platform asks a "
        "parent for every child in a class (high-privacy default).",
        "Data Privacy Act of 2012 (Philippines): no fixed age of consent for children",
    ),
    (
        "",
        13,
        None,
        "Every other country: 13 until a source says otherwise.",
        "Platform default (no country-specific source recorded)",
    ),
]


def load(apps, schema_editor):
    ConsentRule = apps.get_model("classes", "ConsentRule")
    for country, below, child_from, note, source in RULES:
        ConsentRule.objects.update_or_create(
            country=country,
            defaults={
                "parent_below_age": below,
                "child_also_from_age": child_from,
                "note": note,
                "source": source,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("classes", "ConsentRule").objects.filter(
        country__in=[row[0] for row in RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("classes", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
