"""ReportLab PDF readiness reports: plain report data in, PDF bytes out. Never imports Flask or the models."""
