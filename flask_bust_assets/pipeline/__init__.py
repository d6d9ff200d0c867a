"""The build over a webassets environment: bundles, static files, variants, manifest, reuse, check, clean.

No Flask here; pipeline/webassets_api.py is the one module touching webassets' private API.
"""
