"""Stylesheets as text: where constructs are (tinycss2), which references they hold, where those point."""
