"""The assessors' wash-up page (issue 18)."""
