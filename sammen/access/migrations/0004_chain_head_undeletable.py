"""The chain heads can move forward but never disappear: a deleted head would hide a
municipality's whole chain from verification."""

from django.db import migrations

from sammen.core.db import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("access", "0003_break_the_glass_review_and_citizen_log")]

    operations = [append_only_operation("access_chainhead", allow_update=True)]
