"""The full-text index of documents (docs/documents.md, "Search"): an FTS5 table with triggers on
SQLite; the unaccent extension, the `ecabinet_vi` text search configuration and a GIN index on
PostgreSQL. Nothing on other databases."""

from django.db import migrations


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    from documents.search import install_index

    install_index(schema_editor.connection)


def uninstall(apps, schema_editor):  # type: ignore[no-untyped-def]
    from documents.search import uninstall_index

    uninstall_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_page_texts_and_ocr_pages"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
