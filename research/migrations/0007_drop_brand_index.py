"""Drop the brand index, and declare the listing order index on the model.

Lookups by brand use the (brand, lot, decade) index, so the brand index only
made every write slower. The (listed_at, id) index was created with SQL, so
the model did not know it and SQLite lost it whenever a migration rebuilt
the table; it is now one of the model's indexes, under a shorter name.
"""

from django.db import migrations, models

OLD_ORDER_INDEX = "research_marketlisting_listed_order"


class Migration(migrations.Migration):
    dependencies = [
        ("research", "0006_sized_summary_level"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"DROP INDEX IF EXISTS {OLD_ORDER_INDEX}",
            reverse_sql=(
                f"CREATE INDEX IF NOT EXISTS {OLD_ORDER_INDEX} "
                "ON research_marketlisting (listed_at, id)"
            ),
        ),
        migrations.AddIndex(
            model_name="marketlisting",
            index=models.Index(
                fields=["listed_at", "id"], name="marketlisting_listed_order"
            ),
        ),
        migrations.AlterField(
            model_name="marketlisting",
            name="brand",
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
