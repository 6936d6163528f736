"""Results: a candidate's readiness page and PDF, HR's calibration, the cycle overview and the exports."""
