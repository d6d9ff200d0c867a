"""Compatibility suite: real Flask-Assets app shapes, stock filters and Flask extensions."""
