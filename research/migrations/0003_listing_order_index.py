"""Index the order the listing table pages in (newest listing first).

The index is created with SQL rather than in MarketListing.Meta so that the
model's options stay as the ingestion code defines them.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("research", "0002_cohort_summaries"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                "CREATE INDEX IF NOT EXISTS research_marketlisting_listed_order "
                "ON research_marketlisting (listed_at, id)"
            ),
            reverse_sql="DROP INDEX IF EXISTS research_marketlisting_listed_order",
        ),
    ]
