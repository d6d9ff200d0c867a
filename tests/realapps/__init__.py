"""Real public Flask-Assets apps, run stock and switched to BustAssets: tests/realapps/catalog.py."""
