"""HR: assessment cycles, candidates and raters, people and the audit trail."""
