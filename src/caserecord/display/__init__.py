"""Showing records to people: rich renderables for the terminal, HTML for notebooks."""
