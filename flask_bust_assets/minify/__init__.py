"""minify"""
