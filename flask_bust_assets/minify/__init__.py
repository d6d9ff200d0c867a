"""Minifying CSS and JavaScript without changing meaning: engines, and what protects meaning from them."""
