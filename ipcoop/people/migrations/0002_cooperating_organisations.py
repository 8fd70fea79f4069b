"""Reference data: the cooperating organisations of the 2022 Joint Declaration.

Codes are WIPO Standard ST.3; zones are IANA time zone names; languages are
BCP 47 tags of the languages each office works in. Cambodia has two offices.
"""

from django.db import migrations

SOURCE = "WIPO Standard ST.3 (code); IANA time zone database (zone); the office's own website (name)"
REGIONAL_SOURCE = "ASEAN; IANA time zone database (zone of the ASEAN Secretariat, Jakarta)"

ORGANISATIONS = [
    # slug, ST.3, short name, name, kind, time zone, languages
    ("kr-kipo", "KR", "KIPO", "Korean Intellectual Property Office", "ip_office", "Asia/Seoul", ["ko", "en"]),
    ("bn-bruipo", "BN", "BruIPO", "Brunei Darussalam Intellectual Property Office", "ip_office", "Asia/Brunei", ["ms", "en"]),
    ("kh-dip", "KH", "DIP (KH)", "Department of Industrial Property, Cambodia", "ip_office", "Asia/Phnom_Penh", ["km", "en"]),
    ("kh-dipr", "KH", "DIPR", "Department of Intellectual Property Rights, Cambodia", "ip_office", "Asia/Phnom_Penh", ["km", "en"]),
    ("id-dgip", "ID", "DGIP", "Directorate General of Intellectual Property, Indonesia", "ip_office", "Asia/Jakarta", ["id", "en"]),
    ("la-dip", "LA", "DIP (LA)", "Department of Intellectual Property, Lao PDR", "ip_office", "Asia/Vientiane", ["lo", "en"]),
    ("my-myipo", "MY", "MyIPO", "Intellectual Property Corporation of Malaysia", "ip_office", "Asia/Kuala_Lumpur", ["ms", "en"]),
    ("mm-ipd", "MM", "IPD", "Intellectual Property Department, Myanmar", "ip_office", "Asia/Yangon", ["my", "en"]),
    ("ph-ipophl", "PH", "IPOPHL", "Intellectual Property Office of the Philippines", "ip_office", "Asia/Manila", ["fil", "en"]),
    ("sg-ipos", "SG", "IPOS", "Intellectual Property Office of Singapore", "ip_office", "Asia/Singapore", ["en", "zh", "ms", "ta"]),
    ("th-dip", "TH", "DIP (TH)", "Department of Intellectual Property, Thailand", "ip_office", "Asia/Bangkok", ["th", "en"]),
    ("vn-ipvn", "VN", "IP Viet Nam", "Intellectual Property Office of Viet Nam", "ip_office", "Asia/Ho_Chi_Minh", ["vi", "en"]),
    ("asean-ip-academy", "", "ASEAN IP Academy", "ASEAN IP Academy", "academy", "Asia/Jakarta", ["en"]),
    ("asean-secretariat", "", "ASEAN Secretariat", "ASEAN Secretariat", "secretariat", "Asia/Jakarta", ["en"]),
]


def create(apps, schema_editor):
    Organisation = apps.get_model("people", "Organisation")
    for position, row in enumerate(ORGANISATIONS):
        slug, code, short_name, name, kind, zone, languages = row
        Organisation.objects.update_or_create(
            slug=slug,
            defaults={
                "code": code,
                "short_name": short_name,
                "name": name,
                "kind": kind,
                "timezone": zone,
                "languages": languages,
                "source": SOURCE if code else REGIONAL_SOURCE,
                "position": position,
            },
        )


def remove(apps, schema_editor):
    Organisation = apps.get_model("people", "Organisation")
    Organisation.objects.filter(slug__in=[row[0] for row in ORGANISATIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
